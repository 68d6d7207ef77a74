// Messages in the local SQS emulator: what SendMessage, ReceiveMessage and ChangeMessageVisibility
// accept (body characters, attributes, sizes, delays, timeouts; refusals worded as SQS words them),
// the MD5 digests SQS returns, receipt handles, and a stored message as a receiver sees it. Used by the
// queue engine (sqs-queues.ts) and the protocol layer (sqs.ts).
import { createHash, randomUUID } from 'node:crypto';
import { refusal } from './json-protocol.ts';
import {
  type LiveQueue,
  type MessageAttribute,
  type QueueSettings,
  type ReceivedMessage,
  type SendInput,
  type SendResult,
  type StoredMessage,
  sqsSource as source,
} from './sqs-model.ts';

const senderId = 'AIDALOCALSQSEMULATOR';

export const md5Hex = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');

/** SQS's digest of message attributes: sorted by name, each part length-prefixed (big-endian u32). */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttribute>): string {
  const hash = createHash('md5');
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    prefixed(Buffer.from(name, 'utf8'));
    prefixed(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.DataType.startsWith('Binary')) {
      hash.update(Buffer.from([2]));
      prefixed(Buffer.from(attribute.BinaryValue ?? '', 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      prefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

/** A new message for a queue with `settings`, sent at `now` (ms); refuses what SQS refuses. */
export function newMessage(input: SendInput, settings: QueueSettings, now: number): StoredMessage {
  checkBody(input.body);
  const size =
    Buffer.byteLength(input.body) +
    Object.entries(input.attributes ?? {}).reduce(
      (sum, [key, value]) =>
        sum +
        Buffer.byteLength(key) +
        Buffer.byteLength(value.DataType) +
        Buffer.byteLength(value.StringValue ?? '') +
        Buffer.from(value.BinaryValue ?? '', 'base64').length,
      0,
    );
  if (size > settings.MaximumMessageSize) {
    throw refusal(
      source,
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${settings.MaximumMessageSize} bytes.`,
    );
  }
  const attributes = checkAttributes(input.attributes);
  const delay = input.delaySeconds ?? settings.DelaySeconds;
  if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
    throw refusal(
      source,
      'InvalidParameterValue',
      `Value ${delay} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.`,
    );
  }
  const message: StoredMessage = {
    id: randomUUID(),
    body: input.body,
    sentAt: now,
    availableAt: now + delay * 1000,
    receiveCount: 0,
  };
  if (attributes) message.attributes = attributes;
  if (input.traceHeader !== undefined) message.traceHeader = input.traceHeader;
  return message;
}

/** SendMessage's answer: the id and the digests of what was stored. */
export function sendResult(message: StoredMessage): SendResult {
  const result: SendResult = { id: message.id, md5OfBody: md5Hex(message.body) };
  if (message.attributes) result.md5OfAttributes = md5OfMessageAttributes(message.attributes);
  if (message.traceHeader !== undefined) {
    result.md5OfSystemAttributes = md5OfMessageAttributes({
      AWSTraceHeader: { DataType: 'String', StringValue: message.traceHeader },
    });
  }
  return result;
}

/** A message as ReceiveMessage returns it, with the receipt handle of its latest receive. */
export function receivedView(queue: LiveQueue, message: StoredMessage): ReceivedMessage {
  const system: Record<string, string> = {
    SenderId: senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
  };
  if (message.traceHeader !== undefined) system.AWSTraceHeader = message.traceHeader;
  if (message.deadLetterSourceArn !== undefined)
    system.DeadLetterQueueSourceArn = message.deadLetterSourceArn;
  const view: ReceivedMessage = {
    id: message.id,
    body: message.body,
    md5OfBody: md5Hex(message.body),
    receiptHandle: encodeReceipt(queue.name, message.id, message.receipt ?? ''),
    system,
  };
  if (message.attributes) view.attributes = message.attributes;
  return view;
}

/** ReceiveMessage's parameters, checked, with the queue's default long-poll wait filled in. */
export function receiveParameters(
  options: { max?: number; visibilityTimeout?: number; waitSeconds?: number },
  settings: QueueSettings,
): { max: number; visibility: number | undefined; wait: number } {
  const max = options.max ?? 1;
  if (!Number.isInteger(max) || max < 1 || max > 10) {
    throw refusal(
      source,
      'InvalidParameterValue',
      `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
    );
  }
  const visibility = options.visibilityTimeout;
  if (visibility !== undefined && (!Number.isInteger(visibility) || visibility < 0 || visibility > 43_200)) {
    throw refusal(
      source,
      'InvalidParameterValue',
      `Value ${visibility} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.`,
    );
  }
  const wait = options.waitSeconds ?? settings.ReceiveMessageWaitTimeSeconds;
  if (!Number.isInteger(wait) || wait < 0 || wait > 20) {
    throw refusal(
      source,
      'InvalidParameterValue',
      `Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
    );
  }
  return { max, visibility, wait };
}

/** ChangeMessageVisibility's timeout, checked. */
export function checkVisibilityTimeout(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
    throw refusal(
      source,
      'InvalidParameterValue',
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.`,
    );
  }
}

function encodeReceipt(queue: string, id: string, nonce: string): string {
  return Buffer.from(JSON.stringify([queue, id, nonce])).toString('base64url');
}

/** The message id and receive nonce in a receipt handle of `queue`; refuses any other handle. */
export function decodeReceipt(handle: string, queue: string): { id: string; nonce: string } {
  try {
    const parts: unknown = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8'));
    if (
      Array.isArray(parts) &&
      parts.length === 3 &&
      parts[0] === queue &&
      parts.every((p) => typeof p === 'string')
    ) {
      return { id: parts[1] as string, nonce: parts[2] as string };
    }
  } catch {
    // falls through to the refusal
  }
  throw refusal(
    source,
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
  );
}

// SQS accepts #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
const invalidBodyCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function checkBody(body: string): void {
  if (body.length === 0) {
    throw refusal(source, 'MissingParameter', 'The request must contain the parameter MessageBody.');
  }
  if (invalidBodyCharacter.test(body)) {
    throw refusal(
      source,
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
  }
}

function checkAttributes(
  attributes: Record<string, MessageAttribute> | undefined,
): Record<string, MessageAttribute> | undefined {
  if (attributes === undefined || Object.keys(attributes).length === 0) return undefined;
  if (Object.keys(attributes).length > 10) {
    throw refusal(source, 'InvalidParameterValue', 'Number of message attributes cannot exceed 10.');
  }
  const checked: Record<string, MessageAttribute> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const type = attribute.DataType;
    if (!/^(String|Number|Binary)(\..+)?$/.test(type ?? '')) {
      throw refusal(
        source,
        'InvalidParameterValue',
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (type.startsWith('Binary')) {
      if (attribute.BinaryValue === undefined) {
        throw refusal(
          source,
          'InvalidParameterValue',
          `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
        );
      }
      checked[name] = { DataType: type, BinaryValue: attribute.BinaryValue };
    } else {
      if (attribute.StringValue === undefined || attribute.StringValue === '') {
        throw refusal(
          source,
          'InvalidParameterValue',
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
        );
      }
      if (type.startsWith('Number') && !Number.isFinite(Number(attribute.StringValue))) {
        throw refusal(
          source,
          'InvalidParameterValue',
          `Can't cast the value of message (user) attribute '${name}' to a number.`,
        );
      }
      checked[name] = { DataType: type, StringValue: attribute.StringValue };
    }
  }
  return checked;
}
