// Where the local SQS emulator keeps its queues: in memory and, in local mode, in the data directory.
// Every change is applied, then appended to the journal (journal.ts) before the request is answered,
// so whatever was acknowledged survives a crash; the snapshot is rewritten on start, on close and every
// 5 000 entries. Used by the queue engine (sqs-queues.ts) and the move tasks (sqs-move-tasks.ts).

import { Journal } from './journal.ts';
import { refusal } from './json-protocol.ts';
import {
  isExpired,
  LiveQueue,
  type QueueRecord,
  type StoredMessage,
  sqsSource as source,
} from './sqs-model.ts';

/** One change to the queues, as applied and as journaled (each sets absolute state: replays are safe). */
export type QueueChange =
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

const compactAfterEntries = 5_000;

export class QueueStore {
  readonly #queues = new Map<string, LiveQueue>();
  readonly #journal: Journal<QueueChange> | undefined;

  /** `dataDir` undefined: in memory only. */
  constructor(dataDir?: string) {
    if (dataDir === undefined) return;
    this.#journal = new Journal<QueueChange>(dataDir, 'sqs');
    const { snapshot, entries } = this.#journal.load();
    for (const stored of (snapshot as Snapshot | undefined)?.queues ?? []) {
      const queue = new LiveQueue(stored.queue);
      for (const message of stored.messages) queue.messages.set(message.id, message);
      this.#queues.set(queue.name, queue);
    }
    for (const entry of entries) this.#apply(entry);
    this.#journal.compact(this.#snapshot());
  }

  get(name: string): LiveQueue | undefined {
    return this.#queues.get(name);
  }

  /** The queue, or SQS's refusal for a queue that does not exist. */
  require(name: string): LiveQueue {
    const queue = this.#queues.get(name);
    if (queue === undefined)
      throw refusal(source, 'QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  }

  has(name: string): boolean {
    return this.#queues.has(name);
  }

  names(): string[] {
    return [...this.#queues.keys()];
  }

  queues(): LiveQueue[] {
    return [...this.#queues.values()];
  }

  /** Applies a change and journals it (state changes made in place use recordState). */
  record(change: QueueChange): void {
    this.#apply(change);
    this.#journal?.append(change);
    this.#maybeCompact();
  }

  /** Journals the receive state of a message changed in place (receive count, availability, receipt). */
  recordState(queue: LiveQueue, message: StoredMessage): void {
    const entry: QueueChange = {
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

  /** Deletes the queue's messages past their retention period at `now` (ms). */
  dropExpired(queue: LiveQueue, now: number): void {
    for (const message of [...queue.messages.values()]) {
      if (isExpired(queue, message, now)) this.record({ op: 'del', queue: queue.name, id: message.id });
    }
  }

  /** In local mode, writes a fresh snapshot and closes the journal. */
  close(): void {
    if (this.#journal) {
      this.#journal.compact(this.#snapshot());
      this.#journal.close();
    }
  }

  #maybeCompact(): void {
    if (this.#journal && this.#journal.pending >= compactAfterEntries)
      this.#journal.compact(this.#snapshot());
  }

  #apply(entry: QueueChange): void {
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
}
