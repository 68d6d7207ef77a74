// The SQS query protocol (what AWS CLI v2 before 2.15 / botocore before 1.34.x, and older SDKs, speak):
// form parameters → the JSON-protocol input sqs.ts validates, and its JSON-shaped output → the XML answer,
// errors as `<ErrorResponse>`; both directions driven by the operations' shapes, taken from botocore.
//
// Sources:
// - Shapes and query names: botocore 1.34.22 `botocore/data/sqs/2012-11-05/service-2.json` (the last
//   model with `"protocol": "query"` and the message move tasks; Debian's awscli 2.9.19 ships an earlier
//   one without them): `locationName`, `flattened` and `resultWrapper` below are copied from it.
// - Request encoding: botocore `serialize.py` QuerySerializer — structure members as `Prefix.Name`, a
//   flattened list as `Name.N` (the member's `locationName` replaces the last part), a non-flattened one as
//   `Name.member.N`, a flattened map as `Name.N.Key|Value` (names from the key and value `locationName`), an
//   empty list as `Name=`, blobs in base64, booleans `true`/`false`, indices from 1.
// - Answers: "Interpreting Amazon SQS XML API responses" (SQS Developer Guide,
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html):
//   `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata><RequestId>` and
//   `<ErrorResponse><Error><Type>Sender</Type><Code/><Message/><Detail/></Error><RequestId/>`; the
//   namespace `http://queue.amazonaws.com/doc/2012-11-05/` is the model's `xmlNamespace` (and what moto's
//   `moto/sqs/responses.py` templates send).
// - Error codes: the query codes are the `error.code` of the model's exception shapes (e.g.
//   QueueDoesNotExist → `AWS.SimpleQueueService.NonExistentQueue`); InvalidAction and MissingAction are in
//   the SQS API Reference's "Common Errors" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).
import { refusal } from './json-protocol.ts';

/** The XML namespace of every answer (service-2.json `metadata.xmlNamespace`). */
export const sqsXmlNamespace = 'http://queue.amazonaws.com/doc/2012-11-05/';

/**
 * The legacy query-protocol code of each SQS error whose JSON name differs (service-2.json exception
 * shapes' `error.code`). The JSON protocol sends them in `x-amzn-query-error`; the query protocol in `<Code>`.
 */
const queryCodes: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  QueueDeletedRecently: 'AWS.SimpleQueueService.QueueDeletedRecently',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
};

/** The query-protocol error code for an SQS error named `code` (its JSON / shape name). */
export const queryErrorCode = (code: string): string => queryCodes[code] ?? code;

// ---- Shapes (a subset of service-2.json, member-level traits folded in as botocore's resolver does) ----

type Shape =
  | { type: 'string' | 'integer' | 'long' | 'boolean' | 'blob' }
  | { type: 'list'; member: Shape; memberName?: string; flattened?: boolean }
  | { type: 'map'; keyName: string; valueName: string; value: Shape; flattened?: boolean }
  | { type: 'structure'; members: Record<string, Member>; required?: readonly string[] };

interface Member {
  shape: Shape;
  /** The member's `locationName` (its name on the wire), when it has one. */
  name?: string;
}

const string: Shape = { type: 'string' };
const integer: Shape = { type: 'integer' };
const long: Shape = { type: 'long' };
const boolean: Shape = { type: 'boolean' };
const blob: Shape = { type: 'blob' };
const flatList = (memberName: string | undefined, member: Shape = string): Shape =>
  memberName === undefined
    ? { type: 'list', member, flattened: true }
    : { type: 'list', member, memberName, flattened: true };
const flatMap = (keyName: string, valueName: string, value: Shape): Shape => ({
  type: 'map',
  keyName,
  valueName,
  value,
  flattened: true,
});
/** A structure; `required` as in the model (checked on requests: MissingParameter). */
const struct = (members: Record<string, Shape | Member>, required: readonly string[] = []): Shape => ({
  type: 'structure',
  members: Object.fromEntries(
    Object.entries(members).map(([key, value]) => [key, 'shape' in value ? value : { shape: value }]),
  ),
  required,
});
const named = (name: string, shape: Shape): Member => ({ shape, name });

// MessageAttributeValue and MessageSystemAttributeValue (same members): StringListValues and
// BinaryListValues are flattened at the member with locationName StringListValue / BinaryListValue.
const attributeValue = struct({
  StringValue: string,
  BinaryValue: blob,
  StringListValues: named('StringListValue', flatList('StringListValue')),
  BinaryListValues: named('BinaryListValue', flatList('BinaryListValue', blob)),
  DataType: string,
});
/** QueueAttributeMap / MessageSystemAttributeMap: flattened, `Attribute.N.Name` / `.Value`. */
const stringAttributes = named('Attribute', flatMap('Name', 'Value', string));
/** MessageBodyAttributeMap: flattened, `MessageAttribute.N.Name` / `.Value.DataType` … */
const messageAttributes = named('MessageAttribute', flatMap('Name', 'Value', attributeValue));
const sendFields = {
  MessageBody: string,
  DelaySeconds: integer,
  MessageAttributes: messageAttributes,
  MessageSystemAttributes: named('MessageSystemAttribute', flatMap('Name', 'Value', attributeValue)),
  MessageDeduplicationId: string,
  MessageGroupId: string,
};
const batchResultErrorEntry = struct({ Id: string, SenderFault: boolean, Code: string, Message: string });
const failed = flatList('BatchResultErrorEntry', batchResultErrorEntry);
const idOnly = struct({ Id: string });
const queueUrlOnly = struct({ QueueUrl: string });
const queueUrlInput = struct({ QueueUrl: string }, ['QueueUrl']);

interface Operation {
  input: Shape;
  /** Absent: the answer has no `<ActionResult>` (the operation has no output shape). */
  output?: Shape;
}

/** The operations the emulator runs (sqs.ts `inputs`), with their query shapes. */
const operations: Record<string, Operation> = {
  CreateQueue: {
    input: struct(
      {
        QueueName: string,
        Attributes: stringAttributes,
        tags: named('Tag', flatMap('Key', 'Value', string)),
      },
      ['QueueName'],
    ),
    output: queueUrlOnly,
  },
  GetQueueUrl: {
    input: struct({ QueueName: string, QueueOwnerAWSAccountId: string }, ['QueueName']),
    output: queueUrlOnly,
  },
  ListQueues: {
    input: struct({ QueueNamePrefix: string, NextToken: string, MaxResults: integer }),
    output: struct({ QueueUrls: flatList('QueueUrl'), NextToken: string }),
  },
  DeleteQueue: { input: queueUrlInput },
  PurgeQueue: { input: queueUrlInput },
  GetQueueAttributes: {
    input: struct({ QueueUrl: string, AttributeNames: flatList('AttributeName') }, ['QueueUrl']),
    output: struct({ Attributes: stringAttributes }),
  },
  SetQueueAttributes: {
    input: struct({ QueueUrl: string, Attributes: stringAttributes }, ['QueueUrl', 'Attributes']),
  },
  ListDeadLetterSourceQueues: {
    input: struct({ QueueUrl: string, NextToken: string, MaxResults: integer }, ['QueueUrl']),
    output: struct({ queueUrls: flatList('QueueUrl'), NextToken: string }),
  },
  SendMessage: {
    input: struct({ QueueUrl: string, ...sendFields }, ['QueueUrl', 'MessageBody']),
    output: struct({
      MD5OfMessageBody: string,
      MD5OfMessageAttributes: string,
      MD5OfMessageSystemAttributes: string,
      MessageId: string,
      SequenceNumber: string,
    }),
  },
  SendMessageBatch: {
    input: struct(
      {
        QueueUrl: string,
        Entries: flatList(
          'SendMessageBatchRequestEntry',
          struct({ Id: string, ...sendFields }, ['Id', 'MessageBody']),
        ),
      },
      ['QueueUrl', 'Entries'],
    ),
    output: struct({
      Successful: flatList(
        'SendMessageBatchResultEntry',
        struct({
          Id: string,
          MessageId: string,
          MD5OfMessageBody: string,
          MD5OfMessageAttributes: string,
          MD5OfMessageSystemAttributes: string,
          SequenceNumber: string,
        }),
      ),
      Failed: failed,
    }),
  },
  ReceiveMessage: {
    input: struct(
      {
        QueueUrl: string,
        AttributeNames: flatList('AttributeName'),
        // Not in any query-protocol model (the JSON model added it later, a flattened list whose member has
        // no locationName, so the query rules give `MessageSystemAttributeNames.N`); accepted for clients that
        // send it.
        MessageSystemAttributeNames: flatList(undefined),
        MessageAttributeNames: flatList('MessageAttributeName'),
        MaxNumberOfMessages: integer,
        VisibilityTimeout: integer,
        WaitTimeSeconds: integer,
        ReceiveRequestAttemptId: string,
      },
      ['QueueUrl'],
    ),
    output: struct({
      Messages: flatList(
        'Message',
        struct({
          MessageId: string,
          ReceiptHandle: string,
          MD5OfBody: string,
          Body: string,
          Attributes: stringAttributes,
          MD5OfMessageAttributes: string,
          MessageAttributes: messageAttributes,
        }),
      ),
    }),
  },
  DeleteMessage: {
    input: struct({ QueueUrl: string, ReceiptHandle: string }, ['QueueUrl', 'ReceiptHandle']),
  },
  DeleteMessageBatch: {
    input: struct(
      {
        QueueUrl: string,
        Entries: flatList(
          'DeleteMessageBatchRequestEntry',
          struct({ Id: string, ReceiptHandle: string }, ['Id', 'ReceiptHandle']),
        ),
      },
      ['QueueUrl', 'Entries'],
    ),
    output: struct({ Successful: flatList('DeleteMessageBatchResultEntry', idOnly), Failed: failed }),
  },
  ChangeMessageVisibility: {
    input: struct({ QueueUrl: string, ReceiptHandle: string, VisibilityTimeout: integer }, [
      'QueueUrl',
      'ReceiptHandle',
      'VisibilityTimeout',
    ]),
  },
  ChangeMessageVisibilityBatch: {
    input: struct(
      {
        QueueUrl: string,
        Entries: flatList(
          'ChangeMessageVisibilityBatchRequestEntry',
          struct({ Id: string, ReceiptHandle: string, VisibilityTimeout: integer }, ['Id', 'ReceiptHandle']),
        ),
      },
      ['QueueUrl', 'Entries'],
    ),
    output: struct({
      Successful: flatList('ChangeMessageVisibilityBatchResultEntry', idOnly),
      Failed: failed,
    }),
  },
  StartMessageMoveTask: {
    input: struct({ SourceArn: string, DestinationArn: string, MaxNumberOfMessagesPerSecond: integer }, [
      'SourceArn',
    ]),
    output: struct({ TaskHandle: string }),
  },
  ListMessageMoveTasks: {
    input: struct({ SourceArn: string, MaxResults: integer }, ['SourceArn']),
    output: struct({
      Results: flatList(
        'ListMessageMoveTasksResultEntry',
        struct({
          TaskHandle: string,
          Status: string,
          SourceArn: string,
          DestinationArn: string,
          MaxNumberOfMessagesPerSecond: integer,
          ApproximateNumberOfMessagesMoved: long,
          ApproximateNumberOfMessagesToMove: long,
          FailureReason: string,
          StartedTimestamp: long,
        }),
      ),
    }),
  },
  CancelMessageMoveTask: {
    input: struct({ TaskHandle: string }, ['TaskHandle']),
    output: struct({ ApproximateNumberOfMessagesMoved: long }),
  },
};

/** SQS actions of the model that the emulator does not run (answered UnsupportedOperation, as in JSON). */
const otherSqsActions = new Set([
  'AddPermission',
  'RemovePermission',
  'TagQueue',
  'UntagQueue',
  'ListQueueTags',
]);

export type QueryAction =
  | { kind: 'emulated'; operation: string }
  | { kind: 'unsupported'; operation: string }
  | { kind: 'unknown'; action: string }
  | { kind: 'missing' };

/** What `Action=` names. */
export function queryAction(params: URLSearchParams): QueryAction {
  const action = params.get('Action');
  if (action === null || action === '') return { kind: 'missing' };
  if (Object.hasOwn(operations, action)) return { kind: 'emulated', operation: action };
  if (otherSqsActions.has(action)) return { kind: 'unsupported', operation: action };
  return { kind: 'unknown', action };
}

/** Whether `operation`'s input has a QueueUrl (clients that post to the queue URL may leave it out). */
export function takesQueueUrl(operation: string): boolean {
  const input = operations[operation]?.input;
  return input?.type === 'structure' && 'QueueUrl' in input.members;
}

// ---- Requests ----

/**
 * The JSON-protocol input of `operation` from its form parameters (`queueUrl` where QueueUrl is absent);
 * refuses a malformed number (InvalidParameterValue) and a missing required parameter (MissingParameter).
 */
export function decodeQueryInput(
  operation: string,
  params: URLSearchParams,
  queueUrl?: string,
): Record<string, unknown> {
  const spec = operations[operation];
  if (spec === undefined) throw new Error(`no query shape for ${operation}`);
  let all = params;
  if (queueUrl !== undefined && !params.has('QueueUrl')) {
    all = new URLSearchParams(params);
    all.set('QueueUrl', queueUrl);
  }
  const keys = [...new Set(all.keys())];
  return decode(spec.input, '', all, keys, true) as Record<string, unknown>;
}

/** `present`: a structure that must be returned (and checked) even when none of its members were sent. */
function decode(
  shape: Shape,
  key: string,
  params: URLSearchParams,
  keys: readonly string[],
  present = false,
): unknown {
  switch (shape.type) {
    case 'string':
    case 'blob':
      return params.get(key) ?? undefined;
    case 'boolean': {
      const text = params.get(key);
      return text === null ? undefined : text === 'true';
    }
    case 'integer':
    case 'long': {
      const text = params.get(key);
      if (text === null) return undefined;
      if (!/^-?\d+$/.test(text.trim())) {
        throw refusal('sqs', 'InvalidParameterValue', `Value ${text} for parameter ${key} is invalid.`);
      }
      return Number(text.trim());
    }
    case 'structure': {
      const out: Record<string, unknown> = {};
      const wireKey = (memberName: string) => {
        const wire = shape.members[memberName]?.name ?? memberName;
        return key === '' ? wire : `${key}.${wire}`;
      };
      for (const [memberName, member] of Object.entries(shape.members)) {
        const value = decode(member.shape, wireKey(memberName), params, keys);
        if (value !== undefined) out[memberName] = value;
      }
      if (!present && Object.keys(out).length === 0) return undefined;
      for (const memberName of shape.required ?? []) {
        if (out[memberName] === undefined) {
          throw refusal(
            'sqs',
            'MissingParameter',
            `The request must contain the parameter ${wireKey(memberName)}.`,
          );
        }
      }
      return out;
    }
    case 'list': {
      let prefix: string;
      if (shape.flattened) {
        prefix =
          shape.memberName === undefined ? key : [...key.split('.').slice(0, -1), shape.memberName].join('.');
      } else {
        prefix = `${key}.${shape.memberName ?? 'member'}`;
      }
      const indices = indicesUnder(prefix, keys);
      if (indices.length === 0) return params.get(key) === '' ? [] : undefined;
      return indices.map((i) => decode(shape.member, `${prefix}.${i}`, params, keys, true));
    }
    case 'map': {
      const prefix = shape.flattened ? key : `${key}.entry`;
      const indices = indicesUnder(prefix, keys);
      if (indices.length === 0) return undefined;
      const out: Record<string, unknown> = {};
      for (const i of indices) {
        const name = params.get(`${prefix}.${i}.${shape.keyName}`);
        if (name === null) continue;
        const value = decode(shape.value, `${prefix}.${i}.${shape.valueName}`, params, keys);
        out[name] = value ?? (shape.value.type === 'structure' ? {} : '');
      }
      return out;
    }
  }
}

/** The indices N (ascending) of the parameters named `<prefix>.N` or `<prefix>.N.<anything>`. */
function indicesUnder(prefix: string, keys: readonly string[]): number[] {
  const found = new Set<number>();
  const start = `${prefix}.`;
  for (const key of keys) {
    if (!key.startsWith(start)) continue;
    const index = key.slice(start.length).split('.')[0] ?? '';
    if (/^[1-9]\d*$/.test(index)) found.add(Number(index));
  }
  return [...found].sort((a, b) => a - b);
}

// ---- Answers ----

/** The XML answer of `operation` whose JSON-protocol output is `output`. */
export function encodeQueryResult(operation: string, output: unknown, requestId: string): string {
  const spec = operations[operation];
  if (spec === undefined) throw new Error(`no query shape for ${operation}`);
  const result =
    spec.output === undefined
      ? ''
      : element(`${operation}Result`, encodeMembers(spec.output, output as Record<string, unknown>));
  return (
    `<?xml version="1.0"?>\n<${operation}Response xmlns="${sqsXmlNamespace}">${result}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${operation}Response>`
  );
}

/** `<ErrorResponse>` for an error with query code `code`; Type is Receiver for a 5xx, else Sender. */
export function encodeQueryError(status: number, code: string, message: string, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${sqsXmlNamespace}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><Detail/></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}

/** The members of a structure value, in the model's order, each under its wire name. */
function encodeMembers(shape: Shape, value: Record<string, unknown> | undefined): string {
  if (shape.type !== 'structure' || value === undefined || value === null) return '';
  let xml = '';
  for (const [memberName, member] of Object.entries(shape.members)) {
    const memberValue = value[memberName];
    if (memberValue === undefined || memberValue === null) continue;
    xml += encodeValue(member.shape, member.name ?? memberName, memberValue);
  }
  return xml;
}

function encodeValue(shape: Shape, name: string, value: unknown): string {
  switch (shape.type) {
    case 'string':
    case 'blob':
    case 'integer':
    case 'long':
      return element(name, escapeXml(String(value)));
    case 'boolean':
      return element(name, value === true || value === 'true' ? 'true' : 'false');
    case 'structure':
      return element(name, encodeMembers(shape, value as Record<string, unknown>));
    case 'list': {
      const items = value as unknown[];
      const itemName = shape.memberName ?? (shape.flattened ? name : 'member');
      const inner = items.map((item) => encodeValue(shape.member, itemName, item)).join('');
      return shape.flattened ? inner : element(name, inner);
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>).map(([key, entryValue]) =>
        element(
          shape.flattened ? name : 'entry',
          element(shape.keyName, escapeXml(key)) + encodeValue(shape.value, shape.valueName, entryValue),
        ),
      );
      return shape.flattened ? entries.join('') : element(name, entries.join(''));
    }
  }
}

const element = (name: string, inner: string): string =>
  inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`;

// Characters XML 1.0 cannot carry at all (SQS refuses them in bodies and attributes; an echoed value in an
// error message may still hold one) become U+FFFD.
const notXmlCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text content: `&`, `<`, `>` escaped, and `\r` as `&#xD;` — an XML parser turns a literal CR (or CRLF)
 * into LF, so a body holding one would come back changed.
 */
export function escapeXml(text: string): string {
  return text
    .replace(notXmlCharacter, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;');
}
