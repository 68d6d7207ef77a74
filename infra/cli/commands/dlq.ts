// `apsync dlq list|show|redrive`: the dead-letter queues. Listing peeks — ReceiveMessage with a short
// visibility timeout, then every message is released (visibility 0) — so nothing is consumed. `--all`
// redrives with StartMessageMoveTask (back to the source queue); selected ids are sent to the source
// queue and then deleted from the dead-letter queue. Each message shows its last error from the
// workers' MessageFailureLog.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { classifyAwsError } from '../../../shared/aws/sdk-errors.ts';
import { DataError } from '../../../shared/errors.ts';
import { type QueueKey, queueDefinitions } from '../../../shared/resources.ts';
import type { MessageFailure } from '../../../shared/state/ports.ts';
import type { DlqListOutput, DlqRedriveOutput, DlqShowOutput } from '../output-schemas.ts';
import { formatRecord, recordOfMessage } from '../record-syntax.ts';
import type { CliServices } from '../services.ts';
import { orDash, table } from '../terminal.ts';

/** A dead-letter queue by its logical name: a work queue's (`inbound`, `bill`, `payment`) or `schedule`. */
export type DeadLetterQueueName = QueueKey | 'schedule';

export const deadLetterQueueNames: readonly DeadLetterQueueName[] = [
  ...(Object.keys(queueDefinitions) as QueueKey[]),
  'schedule',
];

/** Seconds a peeked message stays hidden if the CLI dies before releasing it. */
const peekVisibilitySeconds = 30;

interface PeekedMessage {
  queue: DeadLetterQueueName;
  queueUrl: string;
  message: Message;
  body: unknown;
}

interface Peek {
  messages: PeekedMessage[];
  truncated: boolean;
  /** Makes every peeked message visible again; safe to call twice. */
  release(): Promise<void>;
}

/** The dead-letter queues the target has, restricted to `only` when given (unknown names refused). */
export function selectDeadLetterQueues(
  services: CliServices,
  only: string | undefined,
): Array<{ queue: DeadLetterQueueName; url: string }> {
  const { target } = services;
  const all: Array<{ queue: DeadLetterQueueName; url: string }> = (
    Object.keys(queueDefinitions) as QueueKey[]
  ).map((queue) => ({ queue, url: target.queues[queue].deadLetterQueueUrl }));
  if (target.scheduleDeadLetterQueueUrl !== undefined) {
    all.push({ queue: 'schedule', url: target.scheduleDeadLetterQueueUrl });
  }
  if (only === undefined) return all;
  if (only === 'schedule' && target.scheduleDeadLetterQueueUrl === undefined) {
    throw new DataError(
      target.kind === 'local'
        ? 'local mode has no schedule dead-letter queue: a failed scheduled run is printed by npm start and shown by apsync status (--queue schedule is for a deployed stack)'
        : `${target.label} has no schedule dead-letter queue (output ScheduleDeadLetterQueueUrl missing)`,
      { source: 'apsync-cli', code: 'bad-queue' },
    );
  }
  const chosen = all.filter((entry) => entry.queue === only);
  if (chosen.length === 0) {
    throw new DataError(
      `unknown queue ${only}; this ${target.kind === 'local' ? 'local stack' : 'stack'} has ${all.map((entry) => entry.queue).join(', ')}`,
      { source: 'apsync-cli', code: 'bad-queue' },
    );
  }
  return chosen;
}

/** Receives up to `limit` messages from each queue without consuming them (see `release`). */
async function peek(
  services: CliServices,
  queues: Array<{ queue: DeadLetterQueueName; url: string }>,
  limit: number,
): Promise<Peek> {
  const { sqs } = services;
  const messages: PeekedMessage[] = [];
  let truncated = false;
  // Long polling (1 s) on AWS asks every SQS server; the local emulator answers exactly at once.
  const waitTimeSeconds = services.target.kind === 'aws' ? 1 : 0;
  const peekOne = async ({ queue, url }: { queue: DeadLetterQueueName; url: string }) => {
    const seen = new Set<string>();
    for (;;) {
      if (seen.size >= limit) {
        truncated = true;
        return;
      }
      let received: Message[];
      try {
        const answer = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: Math.min(10, limit - seen.size),
            VisibilityTimeout: peekVisibilitySeconds,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        received = answer.Messages ?? [];
      } catch (error) {
        throw classifyAwsError(error, 'sqs');
      }
      if (received.length === 0) return;
      for (const message of received) {
        if (message.MessageId === undefined || seen.has(message.MessageId)) continue;
        seen.add(message.MessageId);
        messages.push({ queue, queueUrl: url, message, body: parseBody(message.Body) });
      }
    }
  };
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await releaseMessages(sqs, messages);
  };
  try {
    await Promise.all(queues.map(peekOne));
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  return { messages, truncated, release };
}

async function releaseMessages(sqs: SQSClient, messages: readonly PeekedMessage[]): Promise<void> {
  const byQueue = new Map<string, PeekedMessage[]>();
  for (const peeked of messages)
    byQueue.set(peeked.queueUrl, [...(byQueue.get(peeked.queueUrl) ?? []), peeked]);
  await Promise.all(
    [...byQueue].map(async ([queueUrl, peeked]) => {
      for (let start = 0; start < peeked.length; start += 10) {
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: peeked.slice(start, start + 10).map((entry, index) => ({
              Id: String(index),
              ReceiptHandle: entry.message.ReceiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
      }
    }),
  );
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

async function describe(
  services: CliServices,
  peeked: PeekedMessage,
): Promise<DlqListOutput['messages'][number]> {
  const id = peeked.message.MessageId ?? '';
  const failure: MessageFailure | undefined =
    peeked.queue === 'schedule' ? undefined : await services.state.getFailure(peeked.queue, id);
  const attributes = peeked.message.Attributes ?? {};
  const record = recordOfMessage(peeked.body);
  const sent =
    attributes.SentTimestamp === undefined ? null : new Date(Number(attributes.SentTimestamp)).toISOString();
  return {
    queue: peeked.queue,
    messageId: id,
    record: record === undefined ? null : formatRecord(record),
    receiveCount: failure?.receiveCount ?? Number(attributes.ApproximateReceiveCount ?? 0),
    errorClass: failure?.errorClass ?? null,
    lastError: failure?.message ?? scheduleError(peeked.body),
    firstFailureAt: failure?.firstFailureAt ?? null,
    lastFailureAt: failure?.lastFailureAt ?? null,
    sentAt: sent,
  };
}

/** Lambda's async-invocation failure records carry the error in `responsePayload`. */
function scheduleError(body: unknown): string | null {
  const payload = (body as { responsePayload?: { errorMessage?: unknown } } | null)?.responsePayload;
  return typeof payload?.errorMessage === 'string' ? payload.errorMessage : null;
}

export async function listDeadLetters(
  services: CliServices,
  options: { queue?: string; limit?: number },
): Promise<DlqListOutput> {
  const peeked = await peek(services, selectDeadLetterQueues(services, options.queue), options.limit ?? 100);
  try {
    const messages = await Promise.all(peeked.messages.map((message) => describe(services, message)));
    messages.sort((a, b) => (a.sentAt ?? '').localeCompare(b.sentAt ?? ''));
    return {
      target: { kind: services.target.kind, label: services.target.label },
      messages,
      truncated: peeked.truncated,
    };
  } finally {
    await peeked.release();
  }
}

export async function showDeadLetter(
  services: CliServices,
  messageId: string,
  options: { queue?: string },
): Promise<DlqShowOutput> {
  const peeked = await peek(services, selectDeadLetterQueues(services, options.queue), 1000);
  try {
    const found = peeked.messages.find((entry) => entry.message.MessageId === messageId);
    if (found === undefined) {
      throw new DataError(
        `no message ${messageId} in the dead-letter queues (apsync dlq list shows their ids)`,
        {
          source: 'apsync-cli',
          code: 'no-message',
        },
      );
    }
    return {
      message: await describe(services, found),
      body: found.body,
      attributes: {
        ...(found.message.Attributes ?? {}),
        ...Object.fromEntries(
          Object.entries(found.message.MessageAttributes ?? {}).map(([name, value]) => [
            `message.${name}`,
            value.StringValue ?? '(binary)',
          ]),
        ),
      },
    };
  } finally {
    await peeked.release();
  }
}

export async function redriveDeadLetters(
  services: CliServices,
  options: { queue?: string; all: boolean; ids: readonly string[]; wait?: boolean },
): Promise<DlqRedriveOutput> {
  if (options.all === options.ids.length > 0) {
    throw new DataError('give either --all or the ids of the messages to redrive', {
      source: 'apsync-cli',
      code: 'usage',
    });
  }
  const queues = selectDeadLetterQueues(services, options.queue);
  return options.all
    ? {
        mode: 'all',
        tasks: await moveAll(services, queues, options.wait ?? false),
        redriven: [],
        notFound: [],
      }
    : { mode: 'selected', tasks: [], ...(await moveSelected(services, queues, options.ids)) };
}

async function moveAll(
  services: CliServices,
  queues: Array<{ queue: DeadLetterQueueName; url: string }>,
  wait: boolean,
): Promise<DlqRedriveOutput['tasks']> {
  const { sqs } = services;
  const tasks: DlqRedriveOutput['tasks'] = [];
  for (const { queue, url } of queues) {
    if (queue === 'schedule') {
      tasks.push({
        queue,
        taskHandle: null,
        status: 'not redrivable (failed scheduled runs have no source queue: use apsync sync now)',
        messagesToMove: null,
        messagesMoved: null,
      });
      continue;
    }
    const [attributes, source] = await Promise.all([
      sqsCall(() =>
        sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'],
          }),
        ),
      ),
      sqsCall(() =>
        sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: services.target.queues[queue].url,
            AttributeNames: ['QueueArn'],
          }),
        ),
      ),
    ]);
    const arn = attributes.Attributes?.QueueArn;
    const sourceArn = source.Attributes?.QueueArn;
    if (arn === undefined || sourceArn === undefined)
      throw new DataError(`sqs: no ARN for ${url}`, { source: 'sqs' });
    if (Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) === 0) {
      tasks.push({ queue, taskHandle: null, status: 'empty', messagesToMove: 0, messagesMoved: 0 });
      continue;
    }
    // Each dead-letter queue serves one work queue: named explicitly, so a message that reached the
    // DLQ another way (sent there by hand, no DeadLetterQueueSourceArn) goes back too.
    const started = await sqsCall(() =>
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn, DestinationArn: sourceArn })),
    );
    const handle = started.TaskHandle ?? null;
    let task = await latestTask(sqs, arn, handle);
    for (let polls = 0; wait && task?.Status === 'RUNNING' && polls < 600; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      task = await latestTask(sqs, arn, handle);
    }
    tasks.push({
      queue,
      taskHandle: handle,
      status: task?.Status ?? 'RUNNING',
      messagesToMove: task?.ApproximateNumberOfMessagesToMove ?? null,
      messagesMoved: task?.ApproximateNumberOfMessagesMoved ?? null,
    });
  }
  return tasks;
}

async function latestTask(sqs: SQSClient, sourceArn: string, handle: string | null) {
  const answer = await sqsCall(() =>
    sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 })),
  );
  const results = answer.Results ?? [];
  return results.find((task) => handle !== null && task.TaskHandle === handle) ?? results[0];
}

async function moveSelected(
  services: CliServices,
  queues: Array<{ queue: DeadLetterQueueName; url: string }>,
  ids: readonly string[],
): Promise<Pick<DlqRedriveOutput, 'redriven' | 'notFound'>> {
  const { sqs, target } = services;
  const scheduleAsked = queues.length === 1 && queues[0]?.queue === 'schedule';
  if (scheduleAsked) {
    throw new DataError(
      'failed scheduled runs have no source queue to redrive to; run apsync sync now <flow>',
      {
        source: 'apsync-cli',
        code: 'not-redrivable',
      },
    );
  }
  const peeked = await peek(
    services,
    queues.filter((entry) => entry.queue !== 'schedule'),
    1000,
  );
  const redriven: DlqRedriveOutput['redriven'] = [];
  try {
    for (const id of ids) {
      const found = peeked.messages.find((entry) => entry.message.MessageId === id);
      if (found === undefined || found.queue === 'schedule') continue;
      const attributes = found.message.MessageAttributes as Record<string, MessageAttributeValue> | undefined;
      const sent = await sqsCall(() =>
        sqs.send(
          new SendMessageCommand({
            QueueUrl: target.queues[found.queue as QueueKey].url,
            MessageBody: found.message.Body ?? '',
            ...(attributes === undefined || Object.keys(attributes).length === 0
              ? {}
              : { MessageAttributes: attributes }),
          }),
        ),
      );
      // Sent first, deleted second: a failure in between leaves a duplicate, which the workers absorb.
      await sqsCall(() =>
        sqs.send(
          new DeleteMessageCommand({ QueueUrl: found.queueUrl, ReceiptHandle: found.message.ReceiptHandle }),
        ),
      );
      redriven.push({ queue: found.queue, messageId: id, newMessageId: sent.MessageId ?? '' });
    }
  } finally {
    await releaseMessages(
      sqs,
      peeked.messages.filter((entry) => !redriven.some((done) => done.messageId === entry.message.MessageId)),
    );
  }
  return { redriven, notFound: ids.filter((id) => !redriven.some((done) => done.messageId === id)) };
}

async function sqsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyAwsError(error, 'sqs');
  }
}

export function renderDlqList(output: DlqListOutput, width?: number): string {
  if (output.messages.length === 0)
    return `no messages in the dead-letter queues of ${output.target.label}\n`;
  const rows = output.messages.map((message) => [
    message.queue,
    message.messageId,
    orDash(message.record),
    String(message.receiveCount),
    orDash(message.errorClass),
    orDash(message.lastError),
    orDash(message.firstFailureAt),
    orDash(message.lastFailureAt),
  ]);
  return `${table(['queue', 'message id', 'record', 'receives', 'class', 'last error', 'first failure', 'last failure'], rows, width)}${
    output.truncated ? '(more messages not shown: raise --limit)\n' : ''
  }`;
}

export function renderDlqShow(output: DlqShowOutput): string {
  const message = output.message;
  return [
    `message ${message.messageId} in the ${message.queue} dead-letter queue`,
    `  record:        ${orDash(message.record)}`,
    `  receives:      ${message.receiveCount}`,
    `  last error:    ${orDash(message.errorClass)} ${orDash(message.lastError)}`,
    `  first failure: ${orDash(message.firstFailureAt)}`,
    `  last failure:  ${orDash(message.lastFailureAt)}`,
    `  sent:          ${orDash(message.sentAt)}`,
    '  body:',
    ...JSON.stringify(output.body, null, 2)
      .split('\n')
      .map((line) => `    ${line}`),
    '  attributes:',
    ...Object.entries(output.attributes).map(([name, value]) => `    ${name}: ${value}`),
    '',
  ].join('\n');
}

export function renderDlqRedrive(output: DlqRedriveOutput): string {
  const lines: string[] = [];
  for (const task of output.tasks) {
    lines.push(
      task.taskHandle === null
        ? `${task.queue}: ${task.status}`
        : `${task.queue}: move task ${task.status.toLowerCase()}${task.messagesToMove === null ? '' : ` (${task.messagesMoved ?? 0}/${task.messagesToMove} moved)`}`,
    );
  }
  for (const done of output.redriven)
    lines.push(`${done.messageId}: back on the ${done.queue} queue as ${done.newMessageId}`);
  for (const id of output.notFound) lines.push(`${id}: not found in the dead-letter queues`);
  return `${lines.join('\n')}\n`;
}
