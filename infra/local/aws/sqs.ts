// The local SQS service: the JSON protocol the AWS SDK v3 SQS client speaks (awsJson1.0,
// `X-Amz-Target: AmazonSQS.<Operation>`, query-compatible error codes), mapped onto the queue engine in
// sqs-queues.ts, and the query protocol older clients speak (Debian's AWS CLI 2.9: `Action=…` forms, XML
// answers), translated by sqs-query-protocol.ts onto the same operations. Started by index.ts.
import * as z from 'zod';
import { SyncError } from '../../../shared/errors.ts';
import {
  type EmulatedService,
  errorReply,
  localAccountId,
  ok,
  type ProtocolReply,
  type QueryRequest,
  refusal,
} from './json-protocol.ts';
import {
  decodeQueryInput,
  encodeQueryError,
  encodeQueryResult,
  queryAction,
  queryErrorCode,
  takesQueueUrl,
} from './sqs-query-protocol.ts';
import {
  LocalQueues,
  type MessageAttribute,
  md5OfMessageAttributes,
  queueArn,
  type SendInput,
} from './sqs-queues.ts';

const source = 'sqs';

const attributeValue = z.object({
  DataType: z.string(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
});
const messageAttributes = z.record(z.string(), attributeValue).optional();
const systemAttributes = z.record(z.string(), attributeValue).optional();
const queueUrl = z.string();
const sendFields = {
  MessageBody: z.string(),
  DelaySeconds: z.number().int().optional(),
  MessageAttributes: messageAttributes,
  MessageSystemAttributes: systemAttributes,
};
const batchEntryId = z.string();

const inputs = {
  CreateQueue: z.object({
    QueueName: z.string(),
    Attributes: z.record(z.string(), z.string()).optional(),
    tags: z.record(z.string(), z.string()).optional(),
  }),
  GetQueueUrl: z.object({ QueueName: z.string() }),
  ListQueues: z.object({ QueueNamePrefix: z.string().optional(), MaxResults: z.number().int().optional() }),
  DeleteQueue: z.object({ QueueUrl: queueUrl }),
  PurgeQueue: z.object({ QueueUrl: queueUrl }),
  GetQueueAttributes: z.object({ QueueUrl: queueUrl, AttributeNames: z.array(z.string()).optional() }),
  SetQueueAttributes: z.object({ QueueUrl: queueUrl, Attributes: z.record(z.string(), z.string()) }),
  ListDeadLetterSourceQueues: z.object({ QueueUrl: queueUrl }),
  SendMessage: z.object({ QueueUrl: queueUrl, ...sendFields }),
  SendMessageBatch: z.object({
    QueueUrl: queueUrl,
    Entries: z.array(z.object({ Id: batchEntryId, ...sendFields })),
  }),
  ReceiveMessage: z.object({
    QueueUrl: queueUrl,
    AttributeNames: z.array(z.string()).optional(),
    MessageSystemAttributeNames: z.array(z.string()).optional(),
    MessageAttributeNames: z.array(z.string()).optional(),
    MaxNumberOfMessages: z.number().int().optional(),
    VisibilityTimeout: z.number().int().optional(),
    WaitTimeSeconds: z.number().int().optional(),
    ReceiveRequestAttemptId: z.string().optional(),
  }),
  DeleteMessage: z.object({ QueueUrl: queueUrl, ReceiptHandle: z.string() }),
  DeleteMessageBatch: z.object({
    QueueUrl: queueUrl,
    Entries: z.array(z.object({ Id: batchEntryId, ReceiptHandle: z.string() })),
  }),
  ChangeMessageVisibility: z.object({
    QueueUrl: queueUrl,
    ReceiptHandle: z.string(),
    VisibilityTimeout: z.number().int(),
  }),
  ChangeMessageVisibilityBatch: z.object({
    QueueUrl: queueUrl,
    Entries: z.array(
      z.object({ Id: batchEntryId, ReceiptHandle: z.string(), VisibilityTimeout: z.number().int() }),
    ),
  }),
  StartMessageMoveTask: z.object({
    SourceArn: z.string(),
    DestinationArn: z.string().optional(),
    MaxNumberOfMessagesPerSecond: z.number().int().optional(),
  }),
  ListMessageMoveTasks: z.object({ SourceArn: z.string(), MaxResults: z.number().int().optional() }),
  CancelMessageMoveTask: z.object({ TaskHandle: z.string() }),
} as const;

type Operation = keyof typeof inputs;
type Input<O extends Operation> = z.infer<(typeof inputs)[O]>;

export interface LocalSqs extends EmulatedService {
  readonly queues: LocalQueues;
  /** Where queue URLs point; set once the server listens. */
  baseUrl: string;
  queueUrl(name: string): string;
}

/** `dataDir` undefined: in memory only. */
export function createLocalSqs(dataDir?: string): LocalSqs {
  const queues = new LocalQueues(dataDir);

  const service: LocalSqs = {
    name: 'sqs',
    targetPrefixes: ['AmazonSQS'],
    contentType: 'application/x-amz-json-1.0',
    queues,
    baseUrl: 'http://127.0.0.1',
    queueUrl: (name) => `${service.baseUrl}/${localAccountId}/${name}`,
    async call(operation, raw, signal) {
      if (!(operation in inputs)) {
        return errorReply(
          400,
          'com.amazonaws.sqs#UnsupportedOperation',
          `${operation} is not emulated locally`,
          {},
          {
            'x-amzn-query-error': 'AWS.SimpleQueueService.UnsupportedOperation;Sender',
          },
        );
      }
      const parsed = inputs[operation as Operation].safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = issue?.path.join('.') ?? '';
        throw refusal(
          source,
          'InvalidParameterValue',
          `Value for parameter ${path} is invalid: ${issue?.message}`,
        );
      }
      return run(operation as Operation, parsed.data, signal);
    },
    renderRefusal(error: SyncError): ProtocolReply {
      const code = error.code ?? 'InvalidParameterValue';
      return errorReply(
        error.status ?? 400,
        `com.amazonaws.sqs#${code}`,
        error.message,
        {},
        {
          'x-amzn-query-error': `${queryErrorCode(code)};Sender`,
        },
      );
    },
    query: (request) => answerQuery(request),
  };

  /**
   * One query-protocol request: decoded into the JSON-protocol input, run by `call` exactly as a JSON
   * request, and its outcome — result, refusal, or failure — written as SQS's XML.
   */
  async function answerQuery({ params, path, requestId, signal }: QueryRequest): Promise<ProtocolReply> {
    const xml = (status: number, body: string): ProtocolReply => ({ status, body, contentType: 'text/xml' });
    const fail = (status: number, code: string, message: string) =>
      xml(status, encodeQueryError(status, code, message, requestId));
    const action = queryAction(params);
    if (action.kind === 'missing')
      return fail(400, 'MissingAction', 'The request must contain the parameter Action.');
    if (action.kind === 'unknown') {
      return fail(400, 'InvalidAction', `The action ${action.action} is not valid for this web service.`);
    }
    if (action.kind === 'unsupported') {
      return fail(400, queryErrorCode('UnsupportedOperation'), `${action.operation} is not emulated locally`);
    }
    try {
      // A client may post to the queue URL itself and leave QueueUrl out (AWS SDK for Java 1.x does).
      const postedTo =
        takesQueueUrl(action.operation) && path.split('/').length === 3
          ? `${service.baseUrl}${path}`
          : undefined;
      const input = decodeQueryInput(action.operation, params, postedTo);
      const reply = await service.call(action.operation, input, signal);
      if (reply.status !== 200) {
        const body = reply.body as { __type?: string; message?: string };
        const code = String(body.__type ?? 'InternalFailure').replace(/^.*#/, '');
        return fail(reply.status, queryErrorCode(code), body.message ?? '');
      }
      return xml(200, encodeQueryResult(action.operation, reply.body, requestId));
    } catch (error) {
      if (error instanceof SyncError && error.errorClass === 'data') {
        const status = error.status ?? 400;
        return fail(status, queryErrorCode(error.code ?? 'InvalidParameterValue'), error.message);
      }
      return fail(500, 'InternalFailure', `sqs emulator failed: ${String(error)}`);
    }
  }

  const nameOf = (url: string): string => {
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw refusal(source, 'InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    }
    const name = path.split('/').filter(Boolean).at(-1) ?? '';
    if (!queues.has(name)) throw refusal(source, 'QueueDoesNotExist', 'The specified queue does not exist.');
    return name;
  };

  const sendInput = (entry: z.infer<(typeof inputs)['SendMessage']>): SendInput => {
    const input: SendInput = { body: entry.MessageBody };
    if (entry.DelaySeconds !== undefined) input.delaySeconds = entry.DelaySeconds;
    if (entry.MessageAttributes)
      input.attributes = entry.MessageAttributes as Record<string, MessageAttribute>;
    const trace = entry.MessageSystemAttributes?.AWSTraceHeader?.StringValue;
    if (trace !== undefined) input.traceHeader = trace;
    return input;
  };

  const checkBatch = (entries: ReadonlyArray<{ Id: string }>) => {
    if (entries.length === 0)
      throw refusal(source, 'EmptyBatchRequest', 'There should be at least one entry in the request.');
    if (entries.length > 10) {
      throw refusal(
        source,
        'TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
      );
    }
    const ids = new Set<string>();
    for (const { Id } of entries) {
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(Id)) {
        throw refusal(
          source,
          'InvalidBatchEntryId',
          'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        );
      }
      if (ids.has(Id)) throw refusal(source, 'BatchEntryIdsNotDistinct', `Id ${Id} repeated.`);
      ids.add(Id);
    }
  };

  /**
   * Runs each entry of a batch (checked by checkBatch): an entry's refusal becomes a `Failed` entry
   * instead of failing the call; a `Successful` entry is the entry's Id and what `work` answered.
   */
  const runBatch = <E extends { Id: string }>(
    entries: readonly E[],
    work: (entry: E) => Record<string, unknown> | undefined,
  ): { Successful: unknown[]; Failed: unknown[] } => {
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const entry of entries) {
      let answer: Record<string, unknown> | undefined;
      try {
        answer = work(entry);
      } catch (error) {
        const refused = error as SyncError;
        if (refused.errorClass !== 'data') throw error;
        Failed.push({
          Id: entry.Id,
          SenderFault: true,
          Code: refused.code ?? 'InvalidParameterValue',
          Message: refused.message,
        });
        continue;
      }
      Successful.push({ Id: entry.Id, ...answer });
    }
    return { Successful, Failed };
  };

  async function run(
    operation: Operation,
    input: Input<Operation>,
    signal: AbortSignal,
  ): Promise<ProtocolReply> {
    switch (operation) {
      case 'CreateQueue': {
        const { QueueName, Attributes, tags } = input as Input<'CreateQueue'>;
        return ok({ QueueUrl: service.queueUrl(queues.createQueue(QueueName, Attributes, tags)) });
      }
      case 'GetQueueUrl': {
        const { QueueName } = input as Input<'GetQueueUrl'>;
        if (!queues.has(QueueName))
          throw refusal(source, 'QueueDoesNotExist', 'The specified queue does not exist.');
        return ok({ QueueUrl: service.queueUrl(QueueName) });
      }
      case 'ListQueues': {
        const { QueueNamePrefix, MaxResults } = input as Input<'ListQueues'>;
        const names = queues.listQueues(QueueNamePrefix).slice(0, MaxResults ?? 1000);
        return ok(names.length > 0 ? { QueueUrls: names.map(service.queueUrl) } : {});
      }
      case 'DeleteQueue':
        queues.deleteQueue(nameOf((input as Input<'DeleteQueue'>).QueueUrl));
        return ok();
      case 'PurgeQueue':
        queues.purge(nameOf((input as Input<'PurgeQueue'>).QueueUrl));
        return ok();
      case 'GetQueueAttributes': {
        const { QueueUrl, AttributeNames } = input as Input<'GetQueueAttributes'>;
        const attributes = queues.getAttributes(nameOf(QueueUrl), AttributeNames ?? []);
        return ok(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {});
      }
      case 'SetQueueAttributes': {
        const { QueueUrl, Attributes } = input as Input<'SetQueueAttributes'>;
        queues.setAttributes(nameOf(QueueUrl), Attributes);
        return ok();
      }
      case 'ListDeadLetterSourceQueues': {
        const name = nameOf((input as Input<'ListDeadLetterSourceQueues'>).QueueUrl);
        return ok({ queueUrls: queues.deadLetterSourceQueues(name).map(service.queueUrl) });
      }
      case 'SendMessage': {
        const entry = input as Input<'SendMessage'>;
        const sent = queues.send(nameOf(entry.QueueUrl), sendInput(entry));
        return ok({
          MessageId: sent.id,
          MD5OfMessageBody: sent.md5OfBody,
          MD5OfMessageAttributes: sent.md5OfAttributes,
          MD5OfMessageSystemAttributes: sent.md5OfSystemAttributes,
        });
      }
      case 'SendMessageBatch': {
        const { QueueUrl, Entries } = input as Input<'SendMessageBatch'>;
        const name = nameOf(QueueUrl);
        checkBatch(Entries);
        const total = Entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody), 0);
        if (total > 1_048_576) {
          throw refusal(source, 'BatchRequestTooLong', 'Batch requests cannot be longer than 1048576 bytes.');
        }
        return ok(
          runBatch(Entries, (entry) => {
            const sent = queues.send(name, sendInput({ ...entry, QueueUrl }));
            return {
              MessageId: sent.id,
              MD5OfMessageBody: sent.md5OfBody,
              MD5OfMessageAttributes: sent.md5OfAttributes,
              MD5OfMessageSystemAttributes: sent.md5OfSystemAttributes,
            };
          }),
        );
      }
      case 'ReceiveMessage': {
        const request = input as Input<'ReceiveMessage'>;
        const options: Parameters<LocalQueues['receive']>[1] = { signal };
        if (request.MaxNumberOfMessages !== undefined) options.max = request.MaxNumberOfMessages;
        if (request.VisibilityTimeout !== undefined) options.visibilityTimeout = request.VisibilityTimeout;
        if (request.WaitTimeSeconds !== undefined) options.waitSeconds = request.WaitTimeSeconds;
        const received = await queues.receive(nameOf(request.QueueUrl), options);
        if (received.length === 0) return ok({});
        const systemNames = [
          ...(request.AttributeNames ?? []),
          ...(request.MessageSystemAttributeNames ?? []),
        ];
        const userNames = request.MessageAttributeNames ?? [];
        return ok({
          Messages: received.map((message) => {
            const out: Record<string, unknown> = {
              MessageId: message.id,
              ReceiptHandle: message.receiptHandle,
              MD5OfBody: message.md5OfBody,
              Body: message.body,
            };
            const system = pick(message.system, systemNames, (name, wanted) => name === wanted);
            if (system) out.Attributes = system;
            const user = pick(message.attributes ?? {}, userNames, (name, wanted) =>
              wanted.endsWith('.*') ? name.startsWith(wanted.slice(0, -1)) : name === wanted,
            );
            if (user) {
              out.MessageAttributes = user;
              out.MD5OfMessageAttributes = md5OfMessageAttributes(user);
            }
            return out;
          }),
        });
      }
      case 'DeleteMessage': {
        const { QueueUrl, ReceiptHandle } = input as Input<'DeleteMessage'>;
        queues.deleteMessage(nameOf(QueueUrl), ReceiptHandle);
        return ok();
      }
      case 'DeleteMessageBatch': {
        const { QueueUrl, Entries } = input as Input<'DeleteMessageBatch'>;
        const name = nameOf(QueueUrl);
        checkBatch(Entries);
        return ok(runBatch(Entries, (entry) => void queues.deleteMessage(name, entry.ReceiptHandle)));
      }
      case 'ChangeMessageVisibility': {
        const { QueueUrl, ReceiptHandle, VisibilityTimeout } = input as Input<'ChangeMessageVisibility'>;
        queues.changeVisibility(nameOf(QueueUrl), ReceiptHandle, VisibilityTimeout);
        return ok();
      }
      case 'ChangeMessageVisibilityBatch': {
        const { QueueUrl, Entries } = input as Input<'ChangeMessageVisibilityBatch'>;
        const name = nameOf(QueueUrl);
        checkBatch(Entries);
        return ok(
          runBatch(
            Entries,
            (entry) => void queues.changeVisibility(name, entry.ReceiptHandle, entry.VisibilityTimeout),
          ),
        );
      }
      case 'StartMessageMoveTask': {
        const { SourceArn, DestinationArn, MaxNumberOfMessagesPerSecond } =
          input as Input<'StartMessageMoveTask'>;
        return ok({
          TaskHandle: queues.startMoveTask(SourceArn, DestinationArn, MaxNumberOfMessagesPerSecond),
        });
      }
      case 'ListMessageMoveTasks': {
        const { SourceArn, MaxResults } = input as Input<'ListMessageMoveTasks'>;
        return ok({ Results: queues.listMoveTasks(SourceArn, MaxResults ?? 1) });
      }
      case 'CancelMessageMoveTask': {
        const { TaskHandle } = input as Input<'CancelMessageMoveTask'>;
        return ok({ ApproximateNumberOfMessagesMoved: queues.cancelMoveTask(TaskHandle) });
      }
    }
  }

  return service;
}

/** The entries of `all` named in `wanted` ('All' or '.*' = every one); undefined when none. */
function pick<T>(
  all: Record<string, T>,
  wanted: readonly string[],
  matches: (name: string, wanted: string) => boolean,
): Record<string, T> | undefined {
  if (wanted.length === 0) return undefined;
  const everything = wanted.includes('All') || wanted.includes('.*');
  const chosen: Record<string, T> = {};
  for (const [name, value] of Object.entries(all)) {
    if (everything || wanted.some((candidate) => matches(name, candidate))) chosen[name] = value;
  }
  return Object.keys(chosen).length > 0 ? chosen : undefined;
}

export { queueArn };
