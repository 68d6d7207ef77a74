// Waiting for a record's sync to be over in integration tests. A worker records its outcome in the audit
// trail first and its link and sync state after, so "the outcome is in the trail" is not yet the state a
// test asserts on: these helpers also wait until no invocation that handles a message about the record is
// still running — then every write of that outcome (audit, link, state, failure record) is done.
// `queueSettled` waits for a whole queue's work to be over (after a poll or a backfill that queued many).
import { SQSClient } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../infra/local/stack.ts';
import { queueDepth } from '../../shared/aws/queue-depth.ts';
import { functionRegistry, queueOf } from '../../shared/function-registry.ts';
import type { QueueKey } from '../../shared/resources.ts';
import type { AuditEntry, RecordRef, RecordState } from '../../shared/state/model.ts';
import { waitFor } from './wait.ts';

/** Audit steps that end the handling of a message (the others are progress or notes). */
export const outcomeSteps: ReadonlySet<string> = new Set([
  'written',
  'unchanged',
  'skipped',
  'review',
  'failed',
]);

interface SyncRecords {
  read(ref: RecordRef): Promise<AuditEntry[]>;
  getState(ref: RecordRef): Promise<RecordState | undefined>;
}

/** True while a queue invocation of local mode handles a message that names this record's id. */
export function handling(stack: Pick<LocalStack, 'eventSources'>, id: string): boolean {
  return Object.values(stack.eventSources).some((source) =>
    source.inFlightBodies().some((body) => mentions(body, id)),
  );
}

/** Waits until no invocation handles a message about this record (its writes are all done). */
export async function handled(stack: Pick<LocalStack, 'eventSources'>, id: string): Promise<void> {
  await waitFor(() => !handling(stack, id) || undefined, `the end of the invocation handling ${id}`);
}

/**
 * Waits until a queue holds no message (visible, in flight or delayed) and its worker runs no
 * invocation: then no write of that worker (a record's state, its index entry, audit) is under way or
 * still to come. A count over many records' states (`countByStatus`) is exact only then: rewriting a
 * state moves its entry in the byState index, and a query during the move does not see the record.
 */
export async function queueSettled(
  stack: Pick<LocalStack, 'eventSources' | 'aws'>,
  queue: QueueKey,
  /** A backfill's hundreds of messages take longer than one record's outcome. */
  timeoutMs = 45_000,
): Promise<void> {
  const worker = functionRegistry.find((definition) => queueOf(definition) === queue)?.name;
  const source = worker === undefined ? undefined : stack.eventSources[worker];
  if (source === undefined) throw new Error(`local mode runs no worker for the ${queue} queue`);
  const sqs = new SQSClient(stack.aws.clientConfig('sqs'));
  try {
    await waitFor(
      async () => {
        const depth = await queueDepth(sqs, stack.aws.queueUrls[queue]);
        const idle = depth.visible + depth.inFlight + depth.delayed === 0;
        return (idle && source.inFlightBodies().length === 0) || undefined;
      },
      `the ${queue} queue empty and its worker idle`,
      timeoutMs,
    );
  } finally {
    sqs.destroy();
  }
}

export interface OutcomeWait {
  /** How many outcomes the trail must hold (counted after `after` entries); default 1. */
  count?: number;
  /** Trail entries already there before the message was sent (only newer outcomes count). */
  after?: number;
  /** Only outcomes for which this holds count (e.g. a step or a message). */
  where?: (entry: AuditEntry) => boolean;
}

/**
 * Waits until the record's audit trail holds `count` outcomes and the invocations that produced them
 * have returned; then returns the record's sync state as the worker left it.
 */
export async function settledState(
  stack: Pick<LocalStack, 'eventSources'>,
  records: SyncRecords,
  ref: RecordRef,
  wait: OutcomeWait = {},
): Promise<RecordState | undefined> {
  const { count = 1, after = 0, where = () => true } = wait;
  await waitFor(
    async () =>
      (await records.read(ref)).slice(after).filter((entry) => outcomeSteps.has(entry.step) && where(entry))
        .length >= count || undefined,
    `${count} outcome(s) of ${ref.kind} ${ref.id}`,
  );
  await handled(stack, ref.id);
  return records.getState(ref);
}

/** Whether a queue message body (JSON) carries the id as one of its values. */
function mentions(body: string, id: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    return containsValue(parsed, id);
  } catch {
    return body.includes(id);
  }
}

function containsValue(value: unknown, id: string): boolean {
  if (typeof value === 'string' || typeof value === 'number') return String(value) === id;
  if (Array.isArray(value)) return value.some((item) => containsValue(item, id));
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).some((item) => containsValue(item, id));
  }
  return false;
}
