// The queue engine behind the local SQS emulator: standard queues with delays, visibility timeouts,
// retention, redrive to a dead-letter queue after maxReceiveCount, message move tasks (DLQ redrive) and
// long polling. Time is kept as timestamps checked on access (no timer per message); in local mode every
// change is journaled to the data directory before it is acknowledged. Called by sqs.ts only.
import { createHash, randomUUID } from 'node:crypto';
import { Journal } from './journal.ts';
import { localAccountId, localRegion, refusal } from './json-protocol.ts';

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

interface QueueRecord {
  name: string;
  /** seconds */
  createdAt: number;
  modifiedAt: number;
  settings: QueueSettings;
  tags: Record<string, string>;
}

interface StoredMessage {
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

type JournalEntry =
  | { op: 'queue'; queue: QueueRecord }
  | { op: 'dropQueue'; name: string }
  | { op: 'put'; queue: string; message: StoredMessage }
  | {
      op: 'state';
      queue: string;
      id: string;
      receiveCount: number;
      availableAt: number;
      firstReceivedAt?: number;
      receipt?: string;
    }
  | { op: 'del'; queue: string; id: string }
  | { op: 'purge'; queue: string };

interface Snapshot {
  queues: Array<{ queue: QueueRecord; messages: StoredMessage[] }>;
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

interface MoveTask {
  id: string;
  state: MoveTaskState;
  handle: string;
  timer?: NodeJS.Timeout;
}

const source = 'sqs';
const defaults: Omit<QueueSettings, 'passive'> = {
  VisibilityTimeout: 30,
  MessageRetentionPeriod: 345_600,
  DelaySeconds: 0,
  ReceiveMessageWaitTimeSeconds: 0,
  MaximumMessageSize: 1_048_576,
};
const numericLimits: Record<string, [number, number]> = {
  VisibilityTimeout: [0, 43_200],
  MessageRetentionPeriod: [60, 1_209_600],
  DelaySeconds: [0, 900],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  MaximumMessageSize: [1024, 1_048_576],
};
const passiveAttributeNames = [
  'Policy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
];
const senderId = 'AIDALOCALSQSEMULATOR';
const compactAfterEntries = 5_000;

export const queueArn = (name: string): string => `arn:aws:sqs:${localRegion}:${localAccountId}:${name}`;
const nameFromArn = (arn: string): string => arn.slice(arn.lastIndexOf(':') + 1);

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

class LiveQueue {
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

  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

const isExpired = (queue: LiveQueue, message: StoredMessage, now: number) =>
  now - message.sentAt >= queue.record.settings.MessageRetentionPeriod * 1000;

export class LocalQueues {
  readonly #queues = new Map<string, LiveQueue>();
  readonly #journal: Journal<JournalEntry> | undefined;
  #closed = false;

  /** `dataDir` undefined: in memory only. */
  constructor(dataDir?: string) {
    if (dataDir === undefined) return;
    this.#journal = new Journal<JournalEntry>(dataDir, 'sqs');
    const { snapshot, entries } = this.#journal.load();
    for (const stored of (snapshot as Snapshot | undefined)?.queues ?? []) {
      const queue = new LiveQueue(stored.queue);
      for (const message of stored.messages) queue.messages.set(message.id, message);
      this.#queues.set(queue.name, queue);
    }
    for (const entry of entries) this.#apply(entry);
    this.#journal.compact(this.#snapshot());
  }

  // ---- queues ----

  /** Creates a queue, or returns the existing one when its attributes are the same (as SQS does). */
  createQueue(
    name: string,
    attributes: Record<string, string> = {},
    tags: Record<string, string> = {},
  ): string {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw refusal(
        source,
        'InvalidParameterValue',
        `Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length`,
      );
    }
    const existing = this.#queues.get(name);
    if (existing) {
      // Only the attributes given are compared (SQS answers the existing URL when they all match).
      const asGiven = this.#settingsFrom(attributes, existing.record.settings);
      if (JSON.stringify(asGiven) !== JSON.stringify(existing.record.settings)) {
        throw refusal(
          source,
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute(s)`,
        );
      }
      return name;
    }
    const settings = this.#settingsFrom(attributes, undefined);
    const now = Math.floor(Date.now() / 1000);
    const record: QueueRecord = { name, createdAt: now, modifiedAt: now, settings, tags };
    this.#record({ op: 'queue', queue: record });
    return name;
  }

  /** Bootstrap: creates the queue or brings its attributes to `attributes`, keeping its messages. */
  ensureQueue(name: string, attributes: Record<string, string>): void {
    if (this.#queues.has(name)) this.setAttributes(name, attributes);
    else this.createQueue(name, attributes);
  }

  deleteQueue(name: string): void {
    const queue = this.#queue(name);
    for (const task of queue.moveTasks) clearTimeout(task.timer);
    this.#record({ op: 'dropQueue', name });
    queue.wake();
  }

  listQueues(prefix = ''): string[] {
    return [...this.#queues.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  has(name: string): boolean {
    return this.#queues.has(name);
  }

  setAttributes(name: string, attributes: Record<string, string>): void {
    const queue = this.#queue(name);
    const settings = this.#settingsFrom(attributes, queue.record.settings);
    this.#record({
      op: 'queue',
      queue: { ...queue.record, settings, modifiedAt: Math.floor(Date.now() / 1000) },
    });
    queue.wake();
  }

  getAttributes(name: string, names: readonly string[]): Record<string, string> {
    const queue = this.#queue(name);
    const now = Date.now();
    this.#dropExpired(queue, now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of queue.messages.values()) {
      if (message.availableAt <= now) visible += 1;
      else if (message.receipt === undefined) delayed += 1;
      else inFlight += 1;
    }
    const { settings } = queue.record;
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      CreatedTimestamp: String(queue.record.createdAt),
      LastModifiedTimestamp: String(queue.record.modifiedAt),
      VisibilityTimeout: String(settings.VisibilityTimeout),
      MaximumMessageSize: String(settings.MaximumMessageSize),
      MessageRetentionPeriod: String(settings.MessageRetentionPeriod),
      DelaySeconds: String(settings.DelaySeconds),
      ReceiveMessageWaitTimeSeconds: String(settings.ReceiveMessageWaitTimeSeconds),
      SqsManagedSseEnabled: 'true',
      ...settings.passive,
    };
    if (settings.RedrivePolicy) all.RedrivePolicy = JSON.stringify(settings.RedrivePolicy);
    if (names.includes('All')) return all;
    const known = new Set([...Object.keys(all), 'RedrivePolicy', ...passiveAttributeNames, 'FifoQueue']);
    const chosen: Record<string, string> = {};
    for (const attribute of names) {
      if (!known.has(attribute))
        throw refusal(source, 'InvalidAttributeName', `Unknown Attribute ${attribute}.`);
      const value = all[attribute];
      if (value !== undefined) chosen[attribute] = value;
    }
    return chosen;
  }

  /** Queues whose RedrivePolicy targets `name`. */
  deadLetterSourceQueues(name: string): string[] {
    const arn = this.#queue(name).arn;
    return [...this.#queues.values()]
      .filter((queue) => queue.record.settings.RedrivePolicy?.deadLetterTargetArn === arn)
      .map((queue) => queue.name);
  }

  purge(name: string): void {
    const queue = this.#queue(name);
    this.#record({ op: 'purge', queue: name });
    queue.wake();
  }

  // ---- messages ----

  send(name: string, input: SendInput): SendResult {
    const queue = this.#queue(name);
    const { settings } = queue.record;
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
    const now = Date.now();
    const message: StoredMessage = {
      id: randomUUID(),
      body: input.body,
      sentAt: now,
      availableAt: now + delay * 1000,
      receiveCount: 0,
    };
    if (attributes) message.attributes = attributes;
    if (input.traceHeader !== undefined) message.traceHeader = input.traceHeader;
    this.#record({ op: 'put', queue: name, message });
    queue.wake();
    const result: SendResult = { id: message.id, md5OfBody: md5Hex(input.body) };
    if (attributes) result.md5OfAttributes = md5OfMessageAttributes(attributes);
    if (input.traceHeader !== undefined) {
      result.md5OfSystemAttributes = md5OfMessageAttributes({
        AWSTraceHeader: { DataType: 'String', StringValue: input.traceHeader },
      });
    }
    return result;
  }

  /** Receives up to `max` messages, long-polling up to `waitSeconds` when none is available. */
  async receive(
    name: string,
    options: { max?: number; visibilityTimeout?: number; waitSeconds?: number; signal?: AbortSignal },
  ): Promise<ReceivedMessage[]> {
    const queue = this.#queue(name);
    const max = options.max ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw refusal(
        source,
        'InvalidParameterValue',
        `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    }
    const visibility = options.visibilityTimeout;
    if (
      visibility !== undefined &&
      (!Number.isInteger(visibility) || visibility < 0 || visibility > 43_200)
    ) {
      throw refusal(
        source,
        'InvalidParameterValue',
        `Value ${visibility} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.`,
      );
    }
    const wait = options.waitSeconds ?? queue.record.settings.ReceiveMessageWaitTimeSeconds;
    if (!Number.isInteger(wait) || wait < 0 || wait > 20) {
      throw refusal(
        source,
        'InvalidParameterValue',
        `Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
      );
    }
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const current = this.#queues.get(name);
      if (this.#closed || options.signal?.aborted || current !== queue) return [];
      const received = this.#take(queue, max, visibility);
      const now = Date.now();
      if (received.length > 0 || now >= deadline) return received;
      // Sleep until something may change: a send or visibility change wakes us, otherwise the
      // earliest delayed or in-flight message becoming available, or the deadline.
      let wakeAt = deadline;
      for (const message of queue.messages.values()) {
        if (message.availableAt > now && message.availableAt < wakeAt) wakeAt = message.availableAt;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          queue.waiters.delete(done);
          options.signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, wakeAt - now));
        queue.waiters.add(done);
        options.signal?.addEventListener('abort', done);
      });
    }
  }

  deleteMessage(name: string, receiptHandle: string): void {
    const queue = this.#queue(name);
    const { id, nonce } = decodeReceipt(receiptHandle, name);
    const message = queue.messages.get(id);
    // A handle from an earlier receive is accepted but deletes nothing (SQS: "the request succeeds,
    // but the message might not be deleted"); the newer receiver still owns the message.
    if (message === undefined || message.receipt !== nonce) return;
    this.#record({ op: 'del', queue: name, id });
  }

  changeVisibility(name: string, receiptHandle: string, seconds: number): void {
    const queue = this.#queue(name);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
      throw refusal(
        source,
        'InvalidParameterValue',
        `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.`,
      );
    }
    const { id, nonce } = decodeReceipt(receiptHandle, name);
    const message = queue.messages.get(id);
    const now = Date.now();
    if (message === undefined || message.receipt !== nonce) {
      throw refusal(
        source,
        'InvalidParameterValue',
        `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    if (message.availableAt <= now) {
      throw refusal(source, 'MessageNotInflight', 'Message is not in flight.');
    }
    message.availableAt = now + seconds * 1000;
    this.#recordState(queue, message);
    queue.wake();
  }

  // ---- message move tasks (DLQ redrive) ----

  startMoveTask(sourceArn: string, destinationArn?: string, ratePerSecond?: number): string {
    const queue = this.#queues.get(nameFromArn(sourceArn));
    if (queue === undefined || queue.arn !== sourceArn) {
      throw refusal(
        source,
        'ResourceNotFoundException',
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    if (this.deadLetterSourceQueues(queue.name).length === 0) {
      throw refusal(
        source,
        'InvalidParameterValue',
        'Source queue must be configured as a Dead Letter Queue.',
      );
    }
    if (destinationArn !== undefined && !this.#queues.has(nameFromArn(destinationArn))) {
      throw refusal(
        source,
        'ResourceNotFoundException',
        "The resource that you specified for the DestinationArn parameter doesn't exist.",
      );
    }
    if (
      ratePerSecond !== undefined &&
      (!Number.isInteger(ratePerSecond) || ratePerSecond < 1 || ratePerSecond > 500)
    ) {
      throw refusal(
        source,
        'InvalidParameterValue',
        'MaxNumberOfMessagesPerSecond must be between 1 and 500.',
      );
    }
    if (
      queue.moveTasks.some((task) => task.state.Status === 'RUNNING' || task.state.Status === 'CANCELLING')
    ) {
      throw refusal(
        source,
        'UnsupportedOperation',
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    }
    const now = Date.now();
    this.#dropExpired(queue, now);
    const toMove = [...queue.messages.values()].filter((message) => message.availableAt <= now).length;
    const id = randomUUID();
    const handle = Buffer.from(JSON.stringify({ taskId: id, sourceArn })).toString('base64');
    const state: MoveTaskState = {
      Status: 'RUNNING',
      SourceArn: sourceArn,
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: toMove,
      StartedTimestamp: now,
    };
    if (destinationArn !== undefined) state.DestinationArn = destinationArn;
    if (ratePerSecond !== undefined) state.MaxNumberOfMessagesPerSecond = ratePerSecond;
    const task: MoveTask = { id, state, handle };
    queue.moveTasks.unshift(task);
    queue.moveTasks.splice(10);
    task.timer = setTimeout(() => this.#moveStep(queue, task), 0);
    return handle;
  }

  listMoveTasks(sourceArn: string, max = 1): MoveTaskState[] {
    const queue = this.#queues.get(nameFromArn(sourceArn));
    if (queue === undefined) {
      throw refusal(
        source,
        'ResourceNotFoundException',
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    return queue.moveTasks.slice(0, max).map((task) => {
      const state = { ...task.state };
      if (state.Status === 'RUNNING') state.TaskHandle = task.handle;
      return state;
    });
  }

  cancelMoveTask(handle: string): number {
    for (const queue of this.#queues.values()) {
      const task = queue.moveTasks.find((candidate) => candidate.handle === handle);
      if (task === undefined) continue;
      if (task.state.Status !== 'RUNNING') {
        throw refusal(source, 'InvalidParameterValue', 'Only active tasks can be cancelled.');
      }
      task.state.Status = 'CANCELLING';
      return task.state.ApproximateNumberOfMessagesMoved;
    }
    throw refusal(source, 'ResourceNotFoundException', 'Task does not exist.');
  }

  /** Stops long polls and move tasks and, in local mode, writes a fresh snapshot. */
  close(): void {
    this.#closed = true;
    for (const queue of this.#queues.values()) {
      for (const task of queue.moveTasks) clearTimeout(task.timer);
      queue.wake();
    }
    if (this.#journal) {
      this.#journal.compact(this.#snapshot());
      this.#journal.close();
    }
  }

  // ---- internals ----

  #queue(name: string): LiveQueue {
    const queue = this.#queues.get(name);
    if (queue === undefined)
      throw refusal(source, 'QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  }

  /** Marks up to `max` available messages in flight; messages past maxReceiveCount go to the DLQ instead. */
  #take(queue: LiveQueue, max: number, visibility: number | undefined): ReceivedMessage[] {
    const now = Date.now();
    const received: ReceivedMessage[] = [];
    const { settings } = queue.record;
    const redrive = settings.RedrivePolicy;
    const deadLetterQueue = redrive && this.#queues.get(nameFromArn(redrive.deadLetterTargetArn));
    for (const message of [...queue.messages.values()]) {
      if (received.length >= max) break;
      if (isExpired(queue, message, now)) {
        this.#record({ op: 'del', queue: queue.name, id: message.id });
        continue;
      }
      if (message.availableAt > now) continue;
      if (redrive && deadLetterQueue && message.receiveCount >= redrive.maxReceiveCount) {
        this.#moveToDeadLetterQueue(queue, message, deadLetterQueue);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receipt = randomUUID();
      message.availableAt = now + (visibility ?? settings.VisibilityTimeout) * 1000;
      this.#recordState(queue, message);
      received.push(this.#view(queue, message));
    }
    return received;
  }

  #view(queue: LiveQueue, message: StoredMessage): ReceivedMessage {
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

  #moveToDeadLetterQueue(queue: LiveQueue, message: StoredMessage, deadLetterQueue: LiveQueue): void {
    const now = Date.now();
    const moved: StoredMessage = {
      id: message.id,
      body: message.body,
      sentAt: message.sentAt,
      availableAt: now,
      receiveCount: 0,
      deadLetterSourceArn: queue.arn,
    };
    if (message.attributes) moved.attributes = message.attributes;
    if (message.traceHeader !== undefined) moved.traceHeader = message.traceHeader;
    this.#record({ op: 'del', queue: queue.name, id: message.id });
    this.#record({ op: 'put', queue: deadLetterQueue.name, message: moved });
    deadLetterQueue.wake();
  }

  #moveStep(queue: LiveQueue, task: MoveTask): void {
    task.timer = undefined;
    const { state } = task;
    if (this.#closed || this.#queues.get(queue.name) !== queue) return;
    if (state.Status === 'CANCELLING') {
      state.Status = 'CANCELLED';
      return;
    }
    const now = Date.now();
    const budget = state.MaxNumberOfMessagesPerSecond ?? Number.POSITIVE_INFINITY;
    let movedThisStep = 0;
    for (const message of [...queue.messages.values()]) {
      if (
        movedThisStep >= budget ||
        state.ApproximateNumberOfMessagesMoved >= state.ApproximateNumberOfMessagesToMove
      ) {
        break;
      }
      if (message.availableAt > now || isExpired(queue, message, now)) continue;
      const destinationArn = state.DestinationArn ?? message.deadLetterSourceArn;
      if (destinationArn === undefined) {
        state.Status = 'FAILED';
        state.FailureReason = 'CouldNotDetermineMessageSource';
        return;
      }
      const destination = this.#queues.get(nameFromArn(destinationArn));
      if (destination === undefined) {
        state.Status = 'FAILED';
        state.FailureReason = 'AWS.SimpleQueueService.NonExistentQueue';
        return;
      }
      // A redriven message is a new message: new id, new enqueue time, receive count 0.
      const redriven: StoredMessage = {
        id: randomUUID(),
        body: message.body,
        sentAt: now,
        availableAt: now,
        receiveCount: 0,
      };
      if (message.attributes) redriven.attributes = message.attributes;
      if (message.traceHeader !== undefined) redriven.traceHeader = message.traceHeader;
      this.#record({ op: 'put', queue: destination.name, message: redriven });
      this.#record({ op: 'del', queue: queue.name, id: message.id });
      destination.wake();
      movedThisStep += 1;
      state.ApproximateNumberOfMessagesMoved += 1;
    }
    const left = [...queue.messages.values()].some((message) => message.availableAt <= now);
    if (state.ApproximateNumberOfMessagesMoved >= state.ApproximateNumberOfMessagesToMove || !left) {
      state.Status = 'COMPLETED';
      return;
    }
    task.timer = setTimeout(() => this.#moveStep(queue, task), 1000);
  }

  #dropExpired(queue: LiveQueue, now: number): void {
    for (const message of [...queue.messages.values()]) {
      if (isExpired(queue, message, now)) this.#record({ op: 'del', queue: queue.name, id: message.id });
    }
  }

  #recordState(queue: LiveQueue, message: StoredMessage): void {
    const entry: JournalEntry = {
      op: 'state',
      queue: queue.name,
      id: message.id,
      receiveCount: message.receiveCount,
      availableAt: message.availableAt,
    };
    if (message.firstReceivedAt !== undefined) entry.firstReceivedAt = message.firstReceivedAt;
    if (message.receipt !== undefined) entry.receipt = message.receipt;
    this.#journal?.append(entry);
    this.#maybeCompact();
  }

  /** Applies a change and journals it (state changes made in place use #recordState). */
  #record(entry: JournalEntry): void {
    this.#apply(entry);
    this.#journal?.append(entry);
    this.#maybeCompact();
  }

  #maybeCompact(): void {
    if (this.#journal && this.#journal.pending >= compactAfterEntries)
      this.#journal.compact(this.#snapshot());
  }

  #apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'queue': {
        const queue = this.#queues.get(entry.queue.name);
        if (queue) queue.record = entry.queue;
        else this.#queues.set(entry.queue.name, new LiveQueue(entry.queue));
        return;
      }
      case 'dropQueue':
        this.#queues.delete(entry.name);
        return;
      case 'put':
        this.#queues.get(entry.queue)?.messages.set(entry.message.id, { ...entry.message });
        return;
      case 'state': {
        const message = this.#queues.get(entry.queue)?.messages.get(entry.id);
        if (message === undefined) return;
        message.receiveCount = entry.receiveCount;
        message.availableAt = entry.availableAt;
        if (entry.firstReceivedAt !== undefined) message.firstReceivedAt = entry.firstReceivedAt;
        if (entry.receipt !== undefined) message.receipt = entry.receipt;
        return;
      }
      case 'del':
        this.#queues.get(entry.queue)?.messages.delete(entry.id);
        return;
      case 'purge':
        this.#queues.get(entry.queue)?.messages.clear();
        return;
    }
  }

  #snapshot(): Snapshot {
    return {
      queues: [...this.#queues.values()].map((queue) => ({
        queue: queue.record,
        messages: [...queue.messages.values()],
      })),
    };
  }

  #settingsFrom(attributes: Record<string, string>, base: QueueSettings | undefined): QueueSettings {
    const settings: QueueSettings = base
      ? { ...base, passive: { ...base.passive } }
      : { ...defaults, passive: {} };
    for (const [name, value] of Object.entries(attributes)) {
      const limits = numericLimits[name];
      if (limits) {
        const number = Number(value);
        if (value.trim() === '' || !Number.isInteger(number) || number < limits[0] || number > limits[1]) {
          throw refusal(source, 'InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
        }
        (settings as unknown as Record<string, number>)[name] = number;
      } else if (name === 'RedrivePolicy') {
        if (value === '') {
          delete settings.RedrivePolicy;
          continue;
        }
        settings.RedrivePolicy = this.#redrivePolicy(value);
      } else if (passiveAttributeNames.includes(name)) {
        settings.passive[name] = value;
      } else if (name === 'FifoQueue') {
        if (value === 'true') {
          throw refusal(
            source,
            'InvalidAttributeValue',
            'FIFO queues are not emulated locally (apsync uses standard queues).',
          );
        }
      } else {
        throw refusal(source, 'InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    return settings;
  }

  #redrivePolicy(value: string): RedrivePolicy {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw refusal(
        source,
        'InvalidAttributeValue',
        `Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.`,
      );
    }
    const policy = parsed as Partial<Record<string, unknown>>;
    const target = policy.deadLetterTargetArn;
    const count = Number(policy.maxReceiveCount);
    if (typeof target !== 'string' || !Number.isInteger(count) || count < 1 || count > 1000) {
      throw refusal(
        source,
        'InvalidAttributeValue',
        'Invalid value for the parameter RedrivePolicy. Reason: Redrive policy needs deadLetterTargetArn and maxReceiveCount (1-1000).',
      );
    }
    if (!this.#queues.has(nameFromArn(target)) || queueArn(nameFromArn(target)) !== target) {
      throw refusal(
        source,
        'InvalidAttributeValue',
        `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.`,
      );
    }
    return { deadLetterTargetArn: target, maxReceiveCount: count };
  }
}

function encodeReceipt(queue: string, id: string, nonce: string): string {
  return Buffer.from(JSON.stringify([queue, id, nonce])).toString('base64url');
}

function decodeReceipt(handle: string, queue: string): { id: string; nonce: string } {
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
