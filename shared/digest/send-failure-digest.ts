// The failure digest use case (functions/failure-digest, daily): reads the records in review or failed
// from the state table (every kind), when the oldest of them first failed (its audit trail) and the last
// reconcile report, composes the digest (failure-digest.ts) and hands it to the publishers (the alarm
// topic; optionally a chat webhook). The time of the digest is kept, so the next one reports what is new
// since; nothing is published when there is nothing to say.
import { createReconcileReportStore } from '../reconcile/repairs.ts';
import {
  type AuditEntry,
  openFailureStatuses,
  type RecordKind,
  type RecordState,
  recordKinds,
  type SyncStatus,
} from '../state/model.ts';
import type { AuditTrail, ConfigStore, SyncStateStore } from '../state/ports.ts';
import { composeFailureDigest, type FailureDigest } from './failure-digest.ts';

/** Where a digest goes: the alarm topic (e-mail), a chat webhook. */
export interface DigestPublisher {
  readonly name: string;
  /** A required publisher's failure fails the run (retried); an optional one's is reported and skipped. */
  readonly required: boolean;
  publish(digest: FailureDigest): Promise<void>;
}

export interface SendFailureDigestDependencies {
  state: Pick<SyncStateStore, 'listByStatus'> & Pick<AuditTrail, 'read'> & ConfigStore;
  publishers: readonly DigestPublisher[];
  prefix: string;
  now?: () => Date;
  /** Open records read per kind and status. */
  limit?: number;
}

export interface FailureDigestSummary {
  sent: boolean;
  since?: string;
  newFailures: number;
  openFailures: number;
  reconcileOpen: number;
  /** Publishers that delivered the digest, and the optional ones that failed (with why). */
  publishedTo: string[];
  publishFailures: Array<{ publisher: string; message: string }>;
}

/** The configuration item holding when the last digest was composed. */
export const failureDigestConfigName = 'failure-digest';

interface DigestCursor {
  lastDigestAt: string;
}

const digestKinds: readonly RecordKind[] = recordKinds;
const openStatuses: readonly SyncStatus[] = openFailureStatuses;
/** Steps after which a record is no longer failing: a failure after one of them starts a new episode. */
const settledSteps = new Set<AuditEntry['step']>(['written', 'unchanged', 'skipped', 'dismissed']);

/** When the record's current failure began: the first review/failed entry after its last settled one. */
export function openSince(trail: readonly AuditEntry[]): string | undefined {
  let since: string | undefined;
  for (const entry of [...trail].sort((a, b) => a.at.localeCompare(b.at))) {
    if (settledSteps.has(entry.step)) since = undefined;
    else if ((entry.step === 'review' || entry.step === 'failed') && since === undefined) since = entry.at;
  }
  return since;
}

export async function sendFailureDigest(deps: SendFailureDigestDependencies): Promise<FailureDigestSummary> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const cursor = await deps.state.getConfig<DigestCursor>(failureDigestConfigName);
  const since = cursor?.lastDigestAt;
  const lists = await Promise.all(
    digestKinds.flatMap((kind) =>
      openStatuses.map((status) => deps.state.listByStatus(kind, status, deps.limit ?? 1000)),
    ),
  );
  const open: RecordState[] = lists.flat();
  const oldest = open.reduce<RecordState | undefined>(
    (first, state) => (first === undefined || state.updatedAt < first.updatedAt ? state : first),
    undefined,
  );
  const oldestOpenSince = oldest === undefined ? undefined : openSince(await deps.state.read(oldest.ref));
  const lastReconcile = await createReconcileReportStore(deps.state).lastReport();
  const digest = composeFailureDigest(
    {
      since,
      now,
      open,
      ...(oldestOpenSince === undefined ? {} : { oldestOpenSince }),
      lastReconcile,
    },
    deps.prefix,
  );
  const summary: FailureDigestSummary = {
    sent: false,
    ...(since === undefined ? {} : { since }),
    newFailures: digest?.newCount ?? 0,
    openFailures: open.length,
    reconcileOpen: digest?.reconcileOpen ?? 0,
    publishedTo: [],
    publishFailures: [],
  };
  if (digest !== undefined) {
    for (const publisher of deps.publishers) {
      try {
        await publisher.publish(digest);
        summary.publishedTo.push(publisher.name);
      } catch (error) {
        // The cursor has not moved: a retried run sends the same digest again.
        if (publisher.required) throw error;
        summary.publishFailures.push({
          publisher: publisher.name,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    summary.sent = summary.publishedTo.length > 0;
  }
  await deps.state.putConfig(failureDigestConfigName, { lastDigestAt: now } satisfies DigestCursor);
  return summary;
}
