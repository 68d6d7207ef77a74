// What the local SQS emulator keeps: queues with their settings, the messages in them, and the
// message move tasks running on them, as plain types and one live-queue class. Time is kept as
// timestamps checked on access (no timer per message). Used by the other sqs-*.ts files.
import { localAccountId, localRegion } from './json-protocol.ts';

/** The `source` of every refusal the emulator throws (json-protocol.ts renders them). */
export const sqsSource = 'sqs';

export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  /** base64, as on the wire */
  BinaryValue?: string;
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export interface QueueSettings {
  VisibilityTimeout: number;
  MessageRetentionPeriod: number;
  DelaySeconds: number;
  ReceiveMessageWaitTimeSeconds: number;
  MaximumMessageSize: number;
  RedrivePolicy?: RedrivePolicy;
  /** Attributes kept and echoed but without effect here (Policy, KMS, RedriveAllowPolicy, ...). */
  passive: Record<string, string>;
}

export interface QueueRecord {
  name: string;
  /** seconds */
  createdAt: number;
  modifiedAt: number;
  settings: QueueSettings;
  tags: Record<string, string>;
}

export interface StoredMessage {
  id: string;
  body: string;
  attributes?: Record<string, MessageAttribute>;
  traceHeader?: string;
  /** Original enqueue time (ms); kept on a move to the DLQ, so retention counts from it (as on AWS). */
  sentAt: number;
  /** When the message can next be received (ms): end of its delay or of its visibility timeout. */
  availableAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Nonce of the latest receipt handle; set while (and after) the message is in flight. */
  receipt?: string;
  deadLetterSourceArn?: string;
}

export interface SendInput {
  body: string;
  delaySeconds?: number;
  attributes?: Record<string, MessageAttribute>;
  traceHeader?: string;
}

export interface SendResult {
  id: string;
  md5OfBody: string;
  md5OfAttributes?: string;
  md5OfSystemAttributes?: string;
}

export interface ReceivedMessage {
  id: string;
  body: string;
  md5OfBody: string;
  receiptHandle: string;
  attributes?: Record<string, MessageAttribute>;
  /** SentTimestamp, ApproximateReceiveCount, ... as strings, as SQS returns them. */
  system: Record<string, string>;
}

export interface MoveTaskState {
  TaskHandle?: string;
  Status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  FailureReason?: string;
  StartedTimestamp: number;
}

export interface MoveTask {
  id: string;
  state: MoveTaskState;
  handle: string;
  timer?: NodeJS.Timeout;
}

export const queueArn = (name: string): string => `arn:aws:sqs:${localRegion}:${localAccountId}:${name}`;
export const nameFromArn = (arn: string): string => arn.slice(arn.lastIndexOf(':') + 1);

/** A queue as the engine holds it: its record, its messages by id, its long polls and its move tasks. */
export class LiveQueue {
  record: QueueRecord;
  readonly messages = new Map<string, StoredMessage>();
  readonly waiters = new Set<() => void>();
  readonly moveTasks: MoveTask[] = [];

  constructor(record: QueueRecord) {
    this.record = record;
  }

  get name(): string {
    return this.record.name;
  }

  get arn(): string {
    return queueArn(this.record.name);
  }

  /** Wakes the long polls waiting on this queue: something they wait for may have changed. */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export const isExpired = (queue: LiveQueue, message: StoredMessage, now: number): boolean =>
  now - message.sentAt >= queue.record.settings.MessageRetentionPeriod * 1000;
