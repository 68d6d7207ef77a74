// Dismissing a record from the review list (`apsync review dismiss <record> --reason …`): a parked or
// failed record a person decided not to fix (a test vendor, a bill entered twice, a replay of a record
// that never existed). Its state becomes `dismissed` — out of the review list, counted apart in
// `apsync status`, never re-sent with the parked bills — with the reason and who dismissed it in the
// state's message and the audit trail. A later change of the record syncs it again as usual.
import { randomUUID } from 'node:crypto';
import { DataError } from '../errors.ts';
import {
  openFailureStatuses,
  type RecordRef,
  type RecordState,
  recordLeaseName,
  type SyncStatus,
} from '../state/model.ts';
import type { AuditTrail, LeaseStore, SyncStateStore } from '../state/ports.ts';

/** The states the review list shows, and so the ones a record can be dismissed from. */
export const dismissableStatuses: readonly SyncStatus[] = openFailureStatuses;

export interface DismissRecordDependencies {
  state: SyncStateStore & AuditTrail & LeaseStore;
  /** Who dismissed it, for the state and the audit trail. */
  dismissedBy: string;
}

export interface DismissRecordResult {
  previous: RecordState;
  state: RecordState;
}

export async function dismissRecord(
  ref: RecordRef,
  record: string,
  reason: string,
  deps: DismissRecordDependencies,
): Promise<DismissRecordResult> {
  const why = reason.replace(/\s+/g, ' ').trim();
  if (why === '') {
    throw new DataError('say why with --reason "…" (it is kept in the audit trail)', {
      source: 'apsync',
      code: 'usage',
    });
  }
  // Not while a worker syncs the record: its outcome would overwrite the dismissal, or the reverse.
  const lease = recordLeaseName(ref);
  const holder = randomUUID();
  if (!(await deps.state.acquireLease(lease, holder, 30))) {
    throw new DataError(
      `${record} is being synced right now; dismiss it again in a minute if it still fails`,
      {
        source: 'apsync',
        code: 'busy',
      },
    );
  }
  try {
    const previous = await deps.state.getState(ref);
    if (previous === undefined) {
      throw new DataError(`${record} has no sync state: there is nothing to dismiss`, {
        source: 'apsync',
        code: 'unknown-record',
      });
    }
    if (!dismissableStatuses.includes(previous.status)) {
      throw new DataError(
        `${record} is ${previous.status}, not in the review list (only records in review or failed are dismissed)`,
        { source: 'apsync', code: 'not-in-review' },
      );
    }
    const { updatedAt: _updatedAt, waitingFor: _waitingFor, errorClass: _errorClass, ...kept } = previous;
    const state = await deps.state.putState({
      ...kept,
      status: 'dismissed',
      message: `dismissed by ${deps.dismissedBy}: ${why}`,
    });
    await deps.state.append(ref, {
      step: 'dismissed',
      message: why,
      facts: { dismissedBy: deps.dismissedBy, previousStatus: previous.status },
    });
    return { previous, state };
  } finally {
    await deps.state.releaseLease(lease, holder);
  }
}
