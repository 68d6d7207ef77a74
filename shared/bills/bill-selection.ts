// Operator choices about which bills sync (`apsync bills exclude|include|sync|unlink|excluded`): exclude
// a bill (keyed by hand in NetSuite, paid by card) so that it and its payments are never written —
// recorded on the bill's sync state, audited, listed and reversible; select bills for sync in manual
// bill sync mode (queued at once); and undo a link (both directions; neither record is touched). The
// bill-sync decision (decide-bill.ts) reads the marks; every change is in the bill's audit trail.
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { DataError } from '../errors.ts';
import { type BillMessage, billMessageSchema } from '../events/bill-message.ts';
import type { RecordLink, RecordState } from '../state/model.ts';
import type { AuditTrail, LinkStore, SyncStateStore } from '../state/ports.ts';
import { billRef } from './decide-bill.ts';

export interface BillSelectionDependencies {
  state: SyncStateStore & AuditTrail & LinkStore;
  bills: QueuePublisher<BillMessage>;
  now?: () => Date;
}

function billUuid(value: string): string {
  const parsed = billMessageSchema.shape.billUuid.safeParse(value.trim().toLowerCase());
  if (!parsed.success) {
    throw new DataError(`${JSON.stringify(value)} is not a Procurify bill UUID`, {
      source: 'apsync',
      path: 'bill',
    });
  }
  return parsed.data;
}

async function currentState(
  deps: BillSelectionDependencies,
  uuid: string,
): Promise<Omit<RecordState, 'updatedAt'>> {
  const state = await deps.state.getState(billRef(uuid));
  if (state === undefined) return { ref: billRef(uuid), status: 'pending' };
  const { updatedAt: _updatedAt, ...rest } = state;
  return rest;
}

/** Keeps a bill (and its payments) out of the sync; a bill already linked stays in NetSuite as it is. */
export async function excludeBill(
  uuid: string,
  reason: string,
  deps: BillSelectionDependencies,
  by?: string,
): Promise<RecordState> {
  const id = billUuid(uuid);
  if (reason.trim() === '')
    throw new DataError('give the reason for excluding the bill (--reason)', {
      source: 'apsync',
      path: 'reason',
    });
  const at = (deps.now?.() ?? new Date()).toISOString();
  const state = await currentState(deps, id);
  const message = `Excluded from the sync${by === undefined ? '' : ` by ${by}`}: ${reason.trim()}`;
  const written = await deps.state.putState({
    ...state,
    status: 'skipped',
    message,
    excluded: { reason: reason.trim(), at, ...(by === undefined ? {} : { by }) },
  });
  await deps.state.append(billRef(id), {
    step: 'note',
    message,
    facts: { action: 'exclude', ...(by === undefined ? {} : { by }) },
  });
  return written;
}

/** Undoes an exclusion and queues the bill, so it is written if it should be. */
export async function includeBill(
  uuid: string,
  deps: BillSelectionDependencies,
  by?: string,
): Promise<RecordState> {
  const id = billUuid(uuid);
  const { excluded, ...state } = await currentState(deps, id);
  if (excluded === undefined)
    throw new DataError(`bill ${id} is not excluded`, { source: 'apsync', path: 'bill' });
  const written = await deps.state.putState({
    ...state,
    status: 'pending',
    message: 'Included again; queued',
  });
  await deps.state.append(billRef(id), {
    step: 'note',
    message: 'Included in the sync again',
    facts: { action: 'include', ...(by === undefined ? {} : { by }) },
  });
  await queue(deps, [id]);
  return written;
}

/** Selects bills for sync (manual bill sync mode) and queues them. */
export async function selectBills(
  uuids: readonly string[],
  deps: BillSelectionDependencies,
  by?: string,
): Promise<string[]> {
  const ids = uuids.map(billUuid);
  const at = (deps.now?.() ?? new Date()).toISOString();
  for (const id of ids) {
    const state = await currentState(deps, id);
    if (state.excluded !== undefined) {
      throw new DataError(
        `bill ${id} is excluded (${state.excluded.reason}); apsync bills include it first`,
        { source: 'apsync', path: 'bill' },
      );
    }
    await deps.state.putState({ ...state, selected: { at, ...(by === undefined ? {} : { by }) } });
    await deps.state.append(billRef(id), {
      step: 'note',
      message: 'Selected for sync',
      facts: { action: 'select', ...(by === undefined ? {} : { by }) },
    });
  }
  await queue(deps, ids);
  return ids;
}

/** Removes a bill's link both ways (a wrong import, say); the NetSuite and Procurify bills stay. */
export async function unlinkBill(
  uuid: string,
  deps: BillSelectionDependencies,
  by?: string,
): Promise<RecordLink> {
  const id = billUuid(uuid);
  const link = await deps.state.findBySource('procurify', 'bill', id);
  if (link === undefined)
    throw new DataError(`bill ${id} is not linked to a NetSuite Vendor Bill`, {
      source: 'apsync',
      path: 'bill',
    });
  await deps.state.unlink(link);
  await deps.state.append(billRef(id), {
    step: 'note',
    message: `Unlinked from NetSuite Vendor Bill ${link.netsuiteId} (${link.origin} link); neither bill was changed`,
    facts: { action: 'unlink', netsuiteId: link.netsuiteId, ...(by === undefined ? {} : { by }) },
  });
  return link;
}

/** Excluded bills, with who excluded them, when and why. */
export async function listExcludedBills(
  deps: Pick<BillSelectionDependencies, 'state'>,
): Promise<RecordState[]> {
  const skipped = await deps.state.listByStatus('bill', 'skipped');
  return skipped.filter((state) => state.excluded !== undefined);
}

async function queue(deps: BillSelectionDependencies, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const enqueuedAt = (deps.now?.() ?? new Date()).toISOString();
  await deps.bills.sendAll(ids.map((billUuid) => ({ kind: 'bill', origin: 'replay', billUuid, enqueuedAt })));
}
