// Sends parked bills again once the mapping they wait for may exist ("written automatically once the
// mapping exists"). Run by every Procurify poll (functions/procurify-poll), so a parked bill is
// re-sent at most one poll period after the master-data sync brought the account or department.
//
// Trigger: a bill parked waiting for `account-code:*` is re-sent when a NetSuite account's sync state
// changed (synced, skipped or failed — the NetSuite record moved) after the bill was parked; likewise
// `department:*` with departments; a bill waiting for both needs both to have moved. The check reads
// only the state table (the newest state of each kind, one query each), so the poll needs no NetSuite
// access; the worker then resolves the mappings for real and writes the bill or parks it again with a
// newer time, so an unrelated change costs one extra look and never a loop. A margin covers a bill
// parked from a NetSuite read made just before the master record's state was written.
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { RecordKind, SyncStatus } from '../state/model.ts';
import type { AuditTrail, StateActivity, SyncStateStore } from '../state/state-store.ts';

export interface ResendParkedBillsDependencies {
  state: SyncStateStore & StateActivity & AuditTrail;
  bills: QueuePublisher<BillMessage>;
  now?: () => Date;
}

export interface ResendParkedBillsOptions {
  /** Bills re-sent per run at most (the oldest parked first); default 200. */
  limit?: number;
  /** Seconds before the parking time a master-data change still counts (default 120). */
  marginSeconds?: number;
}

export interface ResendParkedBillsSummary {
  parked: number;
  resent: number;
}

/** Which master-data kind each waiting-for prefix depends on. */
const waitingKinds: ReadonlyArray<[prefix: string, kind: RecordKind]> = [
  ['account-code:', 'account'],
  ['department:', 'department'],
];

/** States a master record gets when its NetSuite record was read anew (not `unchanged`). */
const movedStatuses: readonly SyncStatus[] = ['synced', 'skipped', 'failed'];

export async function resendParkedBills(
  deps: ResendParkedBillsDependencies,
  options: ResendParkedBillsOptions = {},
): Promise<ResendParkedBillsSummary> {
  const limit = options.limit ?? 200;
  const marginMs = (options.marginSeconds ?? 120) * 1000;
  const parked = await deps.state.listByStatus('bill', 'review');
  if (parked.length === 0) return { parked: 0, resent: 0 };

  const latest = new Map<RecordKind, number>();
  const latestChange = async (kind: RecordKind): Promise<number> => {
    const known = latest.get(kind);
    if (known !== undefined) return known;
    let newest = Number.NEGATIVE_INFINITY;
    for (const status of movedStatuses) {
      const at = await deps.state.latestStateUpdate(kind, status);
      if (at !== undefined) newest = Math.max(newest, Date.parse(at));
    }
    latest.set(kind, newest);
    return newest;
  };

  const messages: BillMessage[] = [];
  const enqueuedAt = (deps.now?.() ?? new Date()).toISOString();
  for (const state of parked) {
    if (messages.length >= limit) break;
    const kinds = new Set<RecordKind>();
    for (const key of state.waitingFor ?? []) {
      for (const [prefix, kind] of waitingKinds) if (key.startsWith(prefix)) kinds.add(kind);
    }
    if (kinds.size === 0) continue;
    const parkedAt = Date.parse(state.updatedAt) - marginMs;
    let moved = true;
    for (const kind of kinds) if ((await latestChange(kind)) <= parkedAt) moved = false;
    if (!moved) continue;
    messages.push({
      kind: 'bill',
      origin: 'mapping-available',
      billUuid: state.ref.id,
      ...(state.sourceModified === undefined ? {} : { lastModified: state.sourceModified }),
      enqueuedAt,
    });
  }
  if (messages.length === 0) return { parked: parked.length, resent: 0 };
  await deps.bills.sendAll(messages);
  for (const message of messages) {
    await deps.state.append(
      { system: 'procurify', kind: 'bill', id: message.billUuid },
      { step: 'note', message: 'Re-sent: NetSuite master data changed since the bill was parked' },
    );
  }
  return { parked: parked.length, resent: messages.length };
}
