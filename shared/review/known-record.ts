// Before an operator's replay or re-sync is queued: is the record one apsync knows (a sync state or a
// link in the state table) or one its source system has? A replay of a record that exists nowhere
// would only leave a failed state behind that nothing clears (`apsync review replay vendor:999999`).
import { DataError } from '../errors.ts';
import type { NetSuiteRecords } from '../netsuite/index.ts';
import type { ProcurifyClient } from '../procurify/ports.ts';
import type { RecordRef } from '../state/model.ts';
import type { LinkStore, SyncStateStore } from '../state/ports.ts';

export interface KnownRecordDependencies {
  state: SyncStateStore & LinkStore;
  /** Asked only when the state table does not know the record. */
  netsuite: () => Promise<Pick<NetSuiteRecords, 'find'>>;
  procurify: () => Promise<Pick<ProcurifyClient, 'getBill' | 'listPayments'>>;
}

/** Where the record was found, or undefined when neither apsync nor its source system has it. */
export type KnownRecord = 'state' | 'link' | 'source';

const netsuiteTypes = { vendor: 'vendor', account: 'account', department: 'department' } as const;

export async function findKnownRecord(
  ref: RecordRef,
  deps: KnownRecordDependencies,
): Promise<KnownRecord | undefined> {
  if ((await deps.state.getState(ref)) !== undefined) return 'state';
  if ((await deps.state.findBySource(ref.system, ref.kind, ref.id)) !== undefined) return 'link';
  return (await existsInSource(ref, deps)) ? 'source' : undefined;
}

async function existsInSource(ref: RecordRef, deps: KnownRecordDependencies): Promise<boolean> {
  if (ref.system === 'netsuite') {
    const type = netsuiteTypes[ref.kind as keyof typeof netsuiteTypes];
    if (type === undefined) return false;
    return (await (await deps.netsuite()).find(type, ref.id)) !== undefined;
  }
  if (ref.kind === 'bill') {
    try {
      await (await deps.procurify()).getBill(ref.id);
      return true;
    } catch (error) {
      if (error instanceof DataError && error.status === 404) return false;
      throw error;
    }
  }
  if (ref.kind === 'payment' && /^\d+$/.test(ref.id)) {
    for await (const payment of (await deps.procurify()).listPayments({ ids: [Number(ref.id)] })) {
      if (String(payment.id) === ref.id) return true;
    }
  }
  return false;
}

/** Where to look for it, in the operator's words: "NetSuite has no vendor 999999". */
export function notFoundMessage(ref: RecordRef, record: string): string {
  const system = ref.system === 'netsuite' ? 'NetSuite' : 'Procurify';
  return `${record}: apsync has never seen it and ${system} has no ${ref.kind} ${ref.id}; check the id (nothing was queued)`;
}
