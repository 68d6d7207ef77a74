// Dead-letter queues in the local SQS emulator: a message received maxReceiveCount times moves to its
// queue's DLQ on the next receive, and message move tasks (StartMessageMoveTask, ListMessageMoveTasks,
// CancelMessageMoveTask: `apsync dlq redrive --all`) move a DLQ's messages back to their source queue
// or to a destination, at most a given number a second. Used by the queue engine (sqs-queues.ts).
import { randomUUID } from 'node:crypto';
import { refusal } from './json-protocol.ts';
import {
  isExpired,
  type LiveQueue,
  type MoveTask,
  type MoveTaskState,
  nameFromArn,
  type StoredMessage,
  sqsSource as source,
} from './sqs-model.ts';
import type { QueueStore } from './sqs-store.ts';

/** The names of the queues whose RedrivePolicy targets the queue `arn`. */
export function deadLetterSources(store: QueueStore, arn: string): string[] {
  return store
    .queues()
    .filter((queue) => queue.record.settings.RedrivePolicy?.deadLetterTargetArn === arn)
    .map((queue) => queue.name);
}

/** Moves a message that has used up its receives to the DLQ; retention still counts from its sending. */
export function moveToDeadLetterQueue(
  store: QueueStore,
  queue: LiveQueue,
  message: StoredMessage,
  deadLetterQueue: LiveQueue,
): void {
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
  store.record({ op: 'del', queue: queue.name, id: message.id });
  store.record({ op: 'put', queue: deadLetterQueue.name, message: moved });
  deadLetterQueue.wake();
}

/** The message move tasks of every queue: each runs in steps of one second on a timer. */
export class MessageMoveTasks {
  readonly #store: QueueStore;
  #closed = false;

  constructor(store: QueueStore) {
    this.#store = store;
  }

  start(sourceArn: string, destinationArn?: string, ratePerSecond?: number): string {
    const queue = this.#store.get(nameFromArn(sourceArn));
    if (queue === undefined || queue.arn !== sourceArn) {
      throw refusal(
        source,
        'ResourceNotFoundException',
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      );
    }
    if (deadLetterSources(this.#store, queue.arn).length === 0) {
      throw refusal(
        source,
        'InvalidParameterValue',
        'Source queue must be configured as a Dead Letter Queue.',
      );
    }
    if (destinationArn !== undefined && !this.#store.has(nameFromArn(destinationArn))) {
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
    this.#store.dropExpired(queue, now);
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
    task.timer = setTimeout(() => this.#step(queue, task), 0);
    return handle;
  }

  /** The queue's latest tasks, newest first; a running one shows its handle (to cancel it). */
  list(sourceArn: string, max = 1): MoveTaskState[] {
    const queue = this.#store.get(nameFromArn(sourceArn));
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

  /** Asks a running task to stop after its current step; answers how many messages it moved. */
  cancel(handle: string): number {
    for (const queue of this.#store.queues()) {
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

  /** Stops the timers of a queue's tasks (the queue is being deleted). */
  stop(queue: LiveQueue): void {
    for (const task of queue.moveTasks) clearTimeout(task.timer);
  }

  /** Stops every task for good (the emulator is closing). */
  close(): void {
    this.#closed = true;
    for (const queue of this.#store.queues()) this.stop(queue);
  }

  #step(queue: LiveQueue, task: MoveTask): void {
    task.timer = undefined;
    const { state } = task;
    if (this.#closed || this.#store.get(queue.name) !== queue) return;
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
      const destination = this.#store.get(nameFromArn(destinationArn));
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
      this.#store.record({ op: 'put', queue: destination.name, message: redriven });
      this.#store.record({ op: 'del', queue: queue.name, id: message.id });
      destination.wake();
      movedThisStep += 1;
      state.ApproximateNumberOfMessagesMoved += 1;
    }
    const left = [...queue.messages.values()].some((message) => message.availableAt <= now);
    if (state.ApproximateNumberOfMessagesMoved >= state.ApproximateNumberOfMessagesToMove || !left) {
      state.Status = 'COMPLETED';
      return;
    }
    task.timer = setTimeout(() => this.#step(queue, task), 1000);
  }
}
