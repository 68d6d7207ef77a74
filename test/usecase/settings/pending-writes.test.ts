// The writes of one settings change held back until it commits (shared/settings/pending-writes.ts), over
// the in-memory state store and bill queue: while the change is decided it reads its own configuration
// writes back and nothing is stored, audited or sent; the commit stores every item at once, then audits
// and sends; a change another one beat to the guard's version stores, audits and sends nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import { PendingSettingsWrites } from '../../../shared/settings/pending-writes.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

const ref = { system: 'procurify', kind: 'bill', id: 'settings' } as const;
const guard = { name: 'settings', version: 0 };
let clock: ManualClock;
let state: InMemoryStateStore;
let bills: InMemoryQueue<BillMessage>;
let pending: PendingSettingsWrites<InMemoryStateStore>;

const bill = (billUuid: string): BillMessage => ({
  kind: 'bill',
  origin: 'mapping-available',
  billUuid,
  enqueuedAt: clock.iso(),
});

beforeEach(async () => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  bills = new InMemoryQueue<BillMessage>();
  await state.putConfig('bill-sync', { mode: 'auto' });
  pending = new PendingSettingsWrites(state, bills);
});

/** What the change does before it commits: a write read back, an audit entry, two bills queued. */
async function decideChange(): Promise<void> {
  const view = pending.view();
  expect(await view.getConfig('bill-sync')).toEqual({ mode: 'auto' });
  await view.putConfig('bill-sync', { mode: 'manual' });
  const readBack = await view.getConfig<{ mode: string }>('bill-sync');
  expect(readBack).toEqual({ mode: 'manual' });
  // A copy: changing what was read back does not change what will be stored.
  readBack!.mode = 'changed by the reader';
  await view.append(ref, { step: 'note', message: 'bill sync configuration changed' });
  // Everything else is the store's own (bound to it).
  expect(await view.listByStatus('bill', 'review')).toEqual([]);
  expect(view.faults).toBe(state.faults);
  await pending.bills().send(bill('b-1'));
  await pending.bills().sendAll([bill('b-2')]);
}

describe('pending settings writes', () => {
  it('store, audit and send nothing before the commit, then all of it', async () => {
    await decideChange();
    expect(await state.getConfig('bill-sync')).toEqual({ mode: 'auto' });
    expect(await state.read(ref)).toEqual([]);
    expect(bills.sent).toEqual([]);

    expect(await pending.commit(guard)).toBe(true);
    expect(await state.getConfig('bill-sync')).toEqual({ mode: 'manual' });
    expect(await state.read(ref)).toMatchObject([
      { step: 'note', message: 'bill sync configuration changed' },
    ]);
    expect(bills.bodies().map((message) => message.billUuid)).toEqual(['b-1', 'b-2']);
  });

  it('store, audit and send nothing when another change came first', async () => {
    await decideChange();
    expect(await state.putConfigsAtVersion(guard, [{ name: 'settings', value: {} }])).toBe(true);
    expect(await pending.commit(guard)).toBe(false);
    expect(await state.getConfig('bill-sync')).toEqual({ mode: 'auto' });
    expect(await state.read(ref)).toEqual([]);
    expect(bills.sent).toEqual([]);
  });
});
