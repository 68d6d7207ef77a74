// The queue engine behind the local SQS emulator: standard queues with delays, visibility timeouts,
// retention, redrive to a dead-letter queue after maxReceiveCount, message move tasks (DLQ redrive) and
// long polling. Called by sqs.ts only. Composed of sqs-model.ts (what is kept), sqs-store.ts (memory
// and the on-disk journal), sqs-queue-settings.ts (queue attributes), sqs-messages.ts (message checks,
// digests, receipts) and sqs-move-tasks.ts (dead-letter moves and move tasks).
import { randomUUID } from 'node:crypto';
import { refusal } from './json-protocol.ts';
import {
  checkVisibilityTimeout,
  decodeReceipt,
  newMessage,
  receivedView,
  receiveParameters,
  sendResult,
} from './sqs-messages.ts';
import {
  isExpired,
  type LiveQueue,
  type MoveTaskState,
  nameFromArn,
  type QueueRecord,
  type ReceivedMessage,
  type SendInput,
  type SendResult,
  sqsSource as source,
} from './sqs-model.ts';
import { deadLetterSources, MessageMoveTasks, moveToDeadLetterQueue } from './sqs-move-tasks.ts';
import { queueAttributes, settingsFrom } from './sqs-queue-settings.ts';
import { QueueStore } from './sqs-store.ts';

export { md5Hex, md5OfMessageAttributes } from './sqs-messages.ts';
export type {
  MessageAttribute,
  MoveTaskState,
  QueueSettings,
  ReceivedMessage,
  RedrivePolicy,
  SendInput,
  SendResult,
} from './sqs-model.ts';
export { queueArn } from './sqs-model.ts';

export class LocalQueues {
  readonly #store: QueueStore;
  readonly #moveTasks: MessageMoveTasks;
  #closed = false;

  /** `dataDir` undefined: in memory only. */
  constructor(dataDir?: string) {
    this.#store = new QueueStore(dataDir);
    this.#moveTasks = new MessageMoveTasks(this.#store);
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
    const existing = this.#store.get(name);
    if (existing) {
      // Only the attributes given are compared (SQS answers the existing URL when they all match).
      const asGiven = this.#settingsFrom(attributes, existing);
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
    this.#store.record({ op: 'queue', queue: record });
    return name;
  }

  /** Bootstrap: creates the queue or brings its attributes to `attributes`, keeping its messages. */
  ensureQueue(name: string, attributes: Record<string, string>): void {
    if (this.#store.has(name)) this.setAttributes(name, attributes);
    else this.createQueue(name, attributes);
  }

  deleteQueue(name: string): void {
    const queue = this.#store.require(name);
    this.#moveTasks.stop(queue);
    this.#store.record({ op: 'dropQueue', name });
    queue.wake();
  }

  listQueues(prefix = ''): string[] {
    return this.#store
      .names()
      .filter((name) => name.startsWith(prefix))
      .sort();
  }

  has(name: string): boolean {
    return this.#store.has(name);
  }

  setAttributes(name: string, attributes: Record<string, string>): void {
    const queue = this.#store.require(name);
    const settings = this.#settingsFrom(attributes, queue);
    this.#store.record({
      op: 'queue',
      queue: { ...queue.record, settings, modifiedAt: Math.floor(Date.now() / 1000) },
    });
    queue.wake();
  }

  getAttributes(name: string, names: readonly string[]): Record<string, string> {
    const queue = this.#store.require(name);
    const now = Date.now();
    this.#store.dropExpired(queue, now);
    return queueAttributes(queue, names, now);
  }

  /** Queues whose RedrivePolicy targets `name`. */
  deadLetterSourceQueues(name: string): string[] {
    return deadLetterSources(this.#store, this.#store.require(name).arn);
  }

  purge(name: string): void {
    const queue = this.#store.require(name);
    this.#store.record({ op: 'purge', queue: name });
    queue.wake();
  }

  // ---- messages ----

  send(name: string, input: SendInput): SendResult {
    const queue = this.#store.require(name);
    const message = newMessage(input, queue.record.settings, Date.now());
    this.#store.record({ op: 'put', queue: name, message });
    queue.wake();
    return sendResult(message);
  }

  /** Receives up to `max` messages, long-polling up to `waitSeconds` when none is available. */
  async receive(
    name: string,
    options: { max?: number; visibilityTimeout?: number; waitSeconds?: number; signal?: AbortSignal },
  ): Promise<ReceivedMessage[]> {
    const queue = this.#store.require(name);
    const { max, visibility, wait } = receiveParameters(options, queue.record.settings);
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const current = this.#store.get(name);
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
    const queue = this.#store.require(name);
    const { id, nonce } = decodeReceipt(receiptHandle, name);
    const message = queue.messages.get(id);
    // A handle from an earlier receive is accepted but deletes nothing (SQS: "the request succeeds,
    // but the message might not be deleted"); the newer receiver still owns the message.
    if (message === undefined || message.receipt !== nonce) return;
    this.#store.record({ op: 'del', queue: name, id });
  }

  changeVisibility(name: string, receiptHandle: string, seconds: number): void {
    const queue = this.#store.require(name);
    checkVisibilityTimeout(seconds);
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
    this.#store.recordState(queue, message);
    queue.wake();
  }

  // ---- message move tasks (DLQ redrive) ----

  startMoveTask(sourceArn: string, destinationArn?: string, ratePerSecond?: number): string {
    return this.#moveTasks.start(sourceArn, destinationArn, ratePerSecond);
  }

  listMoveTasks(sourceArn: string, max = 1): MoveTaskState[] {
    return this.#moveTasks.list(sourceArn, max);
  }

  cancelMoveTask(handle: string): number {
    return this.#moveTasks.cancel(handle);
  }

  /** Stops long polls and move tasks and, in local mode, writes a fresh snapshot. */
  close(): void {
    this.#closed = true;
    this.#moveTasks.close();
    for (const queue of this.#store.queues()) queue.wake();
    this.#store.close();
  }

  // ---- internals ----

  /** Marks up to `max` available messages in flight; messages past maxReceiveCount go to the DLQ instead. */
  #take(queue: LiveQueue, max: number, visibility: number | undefined): ReceivedMessage[] {
    const now = Date.now();
    const received: ReceivedMessage[] = [];
    const { settings } = queue.record;
    const redrive = settings.RedrivePolicy;
    const deadLetterQueue = redrive && this.#store.get(nameFromArn(redrive.deadLetterTargetArn));
    for (const message of [...queue.messages.values()]) {
      if (received.length >= max) break;
      if (isExpired(queue, message, now)) {
        this.#store.record({ op: 'del', queue: queue.name, id: message.id });
        continue;
      }
      if (message.availableAt > now) continue;
      if (redrive && deadLetterQueue && message.receiveCount >= redrive.maxReceiveCount) {
        moveToDeadLetterQueue(this.#store, queue, message, deadLetterQueue);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receipt = randomUUID();
      message.availableAt = now + (visibility ?? settings.VisibilityTimeout) * 1000;
      this.#store.recordState(queue, message);
      received.push(receivedView(queue, message));
    }
    return received;
  }

  #settingsFrom(attributes: Record<string, string>, base: LiveQueue | undefined) {
    return settingsFrom(attributes, base?.record.settings, (name) => this.#store.has(name));
  }
}
