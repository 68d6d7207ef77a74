// The paid-bill pull (shared/payments/pull-paid-bills.ts, pull mode) over in-memory NetSuite reads,
// Procurify and state: bills Paid In Full in NetSuite marked paid in Procurify with the date of their
// latest payment; partly paid, already paid and unknown bills reported; the window (look-back, watermark
// minus the overlap, never before the switch to pull); bills that cannot be marked parked for review and
// read again by id until they are marked, no longer paid or gone; a bill an operator dismissed left alone
// until NetSuite changes it (its tombstone kept while the window may show that version); a refused batch
// retried bill by bill; outages passed on; the window starting at a switch to pull later than the
// watermark, or at the watermark of a deployment that ran before go-live was recorded; the machine's clock
// when none is given; a bill the window shows twice looked up once; a bill parked whatever review state it
// had, and a state others moved on left as it is when the pull lets go of the bill.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataError, TransientError } from '../../../shared/errors.ts';
import { changePaymentMode } from '../../../shared/payment-mode.ts';
import type { PaidBillRetry } from '../../../shared/payments/paid-bill-plan.ts';
import type { PaidBillRow } from '../../../shared/payments/ports.ts';
import {
  type PaidBillPullDependencies,
  paidBillPullFlow,
  paidBillPullGoLiveConfig,
  paidBillPullLag,
  paidBillRetriesConfig,
  pullPaidBills,
} from '../../../shared/payments/pull-paid-bills.ts';
import { type RecordRef, refKey } from '../../../shared/state/model.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryPaidBills } from '../../support/in-memory/paid-bills.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { procurifyBill } from '../bills/world.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let procurify: InMemoryProcurify;
let netsuite: InMemoryPaidBills;
let deps: PaidBillPullDependencies;

const billRef = (uuid: string): RecordRef => ({ system: 'procurify', kind: 'bill', id: uuid });
/** A NetSuite bill (Paid In Full unless said otherwise) linked to Procurify bill `uuid` in `status`. */
async function bill(
  id: string,
  lastModified: string,
  uuid: string | undefined,
  procurifyStatus = 2,
  row: Partial<PaidBillRow> = {},
) {
  netsuite.bills.set(id, { id, status: 'B', unpaidCents: 0, paidCents: 10_000, lastModified, ...row });
  if (uuid === undefined) return;
  await state.link({ kind: 'bill', procurifyId: uuid, netsuiteId: id, origin: 'created' });
  procurify.putBill(procurifyBill({ uuid, status: procurifyStatus }));
}
const retries = async () =>
  (await state.getConfig<{ bills: Record<string, PaidBillRetry> }>(paidBillRetriesConfig))?.bills;
const marks = () =>
  procurify.writes.filter((write) => write.what === 'mark-as-paid').map((write) => write.body);

beforeEach(async () => {
  clock = new ManualClock('2026-11-02T09:00:00.000Z');
  state = new InMemoryStateStore(clock.now);
  procurify = new InMemoryProcurify();
  netsuite = new InMemoryPaidBills();
  deps = { paidBills: netsuite, procurify, state, defaultMode: 'pull', now: clock.now };
  // A deployment in pull mode that went live a month ago.
  await state.putConfig(paidBillPullGoLiveConfig, { at: '2026-10-03T09:00:00.000Z' });
});

describe('pullPaidBills', () => {
  it('marks bills paid in full with their payment date, reports the others, and moves the watermark', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1');
    netsuite.paymentDates.set('1', '2026-10-31');
    await bill('2', '2026-11-01 09:00:00', 'a2');
    await bill('3', '2026-11-01 10:00:00', 'a3', 2, { status: 'A', unpaidCents: 2_550, paidCents: 7_450 });
    await bill('4', '2026-11-01 11:00:00', 'a4', 4);
    await bill('5', '2026-11-01 12:00:00', undefined);
    await bill('6', '2026-09-01 12:00:00', 'a6');

    const summary = await pullPaidBills(deps);
    expect(summary).toEqual({
      since: '2026-10-03 09:00:00',
      examined: 5,
      unknown: 1,
      marked: 2,
      alreadyPaid: 1,
      partial: [{ billUuid: 'a3', netsuiteBillId: '3', openAmount: '25.50' }],
      notMarkable: [],
      failed: [],
      retried: 0,
      parked: 0,
      watermark: '2026-11-01 12:00:00',
      lagSeconds: 0,
    });
    // One request per payment date; the bill without a payment date takes its last-modified day.
    expect(marks()).toEqual([
      { bill_uuids: ['a1'], payment_date: '2026-10-31' },
      { bill_uuids: ['a2'], payment_date: '2026-11-01' },
    ]);
    expect((await procurify.getBill('a6')).status).toBe(2);
    expect((await state.read(billRef('a1'))).at(-1)).toMatchObject({
      step: 'written',
      facts: { netsuiteBillId: '1', paymentDate: '2026-10-31', dateSource: 'payment', linkOrigin: 'created' },
    });
    expect((await state.read(billRef('a3'))).at(-1)?.message).toBe(
      'partly paid in NetSuite: 25.50 still open (74.50 paid); not marked paid',
    );
    expect(await retries()).toBeUndefined();

    // The next run reads from the watermark minus the overlap: only the newest bill, found paid.
    clock.advance(60);
    expect(await pullPaidBills(deps)).toMatchObject({
      since: '2026-11-01 11:45:00',
      examined: 1,
      unknown: 1,
      marked: 0,
    });
  });

  it('does nothing in push mode or while another run holds the lease, and never reads before the switch to pull', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1');
    expect(await pullPaidBills({ ...deps, defaultMode: 'push' })).toMatchObject({
      skipped: 'mode is push',
      examined: 0,
    });
    await state.acquireLease(`flow:${paidBillPullFlow}`, 'another run', 900);
    expect(await pullPaidBills(deps)).toMatchObject({ skipped: 'another run holds the lease' });
    await state.releaseLease(`flow:${paidBillPullFlow}`, 'another run');

    await changePaymentMode(state, 'push', 'ana', 'pull', clock.now());
    clock.advance(3_600);
    await changePaymentMode(state, 'pull', 'ana', 'pull', clock.now());
    // Bill 1 was paid before the switch: existing payments are not migrated.
    expect(await pullPaidBills(deps)).toMatchObject({ since: '2026-11-02 10:00:00', examined: 0 });
    await bill('2', '2026-11-02 10:30:00', 'a2');
    expect(await pullPaidBills(deps)).toMatchObject({ examined: 1, marked: 1 });
  });

  it('in a deployment that starts in pull mode, never marks a bill paid before its first run (go-live)', async () => {
    state = new InMemoryStateStore(clock.now);
    deps = { ...deps, state };
    // Paid in NetSuite a week before go-live: an existing payment, for the initial load (--mark-paid).
    await bill('1', '2026-10-26 09:00:00', 'a1');
    const first = await pullPaidBills(deps);
    expect(first).toMatchObject({ since: '2026-11-02 09:00:00', examined: 0, marked: 0 });
    expect(await state.getConfig(paidBillPullGoLiveConfig)).toEqual({ at: '2026-11-02T09:00:00.000Z' });
    clock.advance(3_600);
    await bill('2', '2026-11-02 09:30:00', 'a2');
    expect(await pullPaidBills(deps)).toMatchObject({ since: '2026-11-02 09:00:00', examined: 1, marked: 1 });
    expect(marks()).toEqual([{ bill_uuids: ['a2'], payment_date: '2026-11-02' }]);
    expect((await procurify.getBill('a1')).status).toBe(2);
    expect(await state.read(billRef('a1'))).toEqual([]);
  });

  it('parks a bill it cannot mark, reads it again by id once the window is past it, and marks it then', async () => {
    await state.putState({ ref: billRef('a1'), status: 'synced', message: 'bill synced' });
    await bill('1', '2026-11-01 08:00:00', 'a1', 1);
    const first = await pullPaidBills(deps);
    const reason = 'the Procurify bill has status 1 (waiting for approval), not Approved';
    expect(first).toMatchObject({
      parked: 1,
      notMarkable: [{ billUuid: 'a1', netsuiteBillId: '1', reason }],
    });
    expect(await state.getState(billRef('a1'))).toMatchObject({
      status: 'review',
      waitingFor: ['mark-paid'],
      message: expect.stringContaining(reason),
    });
    expect(await retries()).toEqual({
      '1': {
        billUuid: 'a1',
        netsuiteBillId: '1',
        reason,
        since: '2026-11-02T09:00:00.000Z',
        attempts: 1,
        lastModified: '2026-11-01 08:00:00',
        previousStatus: 'synced',
      },
    });
    // Again, same reason: counted, not audited again.
    await pullPaidBills(deps);
    expect((await retries())?.['1']?.attempts).toBe(2);
    expect((await state.read(billRef('a1'))).filter((entry) => entry.step === 'review')).toHaveLength(1);
    // A payment under way is another reason: audited.
    procurify.putBill(procurifyBill({ uuid: 'a1', status: 7 }));
    expect((await pullPaidBills(deps)).notMarkable[0]?.reason).toMatch(
      /has a payment under way \(status 7\)/,
    );
    expect((await state.read(billRef('a1'))).filter((entry) => entry.step === 'review')).toHaveLength(2);

    // A day later another bill moves the watermark past bill 1; bill 1 is approved meanwhile.
    clock.advance(86_400);
    await bill('2', '2026-11-02 20:00:00', 'a2');
    await pullPaidBills(deps);
    procurify.putBill(procurifyBill({ uuid: 'a1', status: 2 }));
    const later = await pullPaidBills(deps);
    expect(later).toMatchObject({
      since: '2026-11-02 19:45:00',
      examined: 1,
      retried: 1,
      marked: 1,
      parked: 0,
    });
    expect(await state.getState(billRef('a1'))).toMatchObject({
      status: 'synced',
      message: 'marked paid in Procurify',
    });
    expect(await retries()).toEqual({});
  });

  it('lets go of a parked bill no longer paid, no longer existing, partly paid or unlinked in NetSuite', async () => {
    for (const id of ['1', '2', '3', '4']) await bill(id, '2026-11-01 08:00:00', `a${id}`, 0);
    await state.putState({ ref: billRef('a4'), status: 'review', waitingFor: ['bill:other'] });
    expect((await pullPaidBills(deps)).parked).toBe(4);
    expect(await state.getState(billRef('a4'))).toMatchObject({ waitingFor: ['bill:other', 'mark-paid'] });
    clock.advance(86_400);
    await bill('9', '2026-11-02 20:00:00', undefined);
    await pullPaidBills(deps);

    netsuite.bills.set('1', { ...netsuite.bills.get('1')!, status: 'A', unpaidCents: 10_000, paidCents: 0 });
    netsuite.bills.delete('2');
    netsuite.bills.set('3', { ...netsuite.bills.get('3')!, status: 'A', unpaidCents: 100, paidCents: 9_900 });
    await state.unlink({ kind: 'bill', procurifyId: 'a4', netsuiteId: '4' });
    const summary = await pullPaidBills(deps);
    expect(summary).toMatchObject({ retried: 4, parked: 0, unknown: 2 });
    expect(await retries()).toEqual({});
    const last = async (uuid: string) => (await state.read(billRef(uuid))).at(-1)?.message;
    expect(await last('a1')).toBe(
      'no longer waiting for the paid-bill pull: NetSuite bill 1 is no longer paid (a new payment brings it back)',
    );
    expect(await last('a2')).toBe(
      'no longer waiting for the paid-bill pull: NetSuite bill 2 no longer exists',
    );
    expect(await last('a3')).toBe(
      'no longer waiting for the paid-bill pull: no longer paid in full in NetSuite (1.00 open)',
    );
    expect(await last('a4')).toBe(
      'no longer waiting for the paid-bill pull: NetSuite bill 4 is no longer linked',
    );
    expect(await state.getState(billRef('a1'))).toMatchObject({ status: 'synced' });
    // Bill 4 is still parked by the bill flow for its own reason: only the pull's part goes.
    expect(await state.getState(billRef('a4'))).toMatchObject({
      status: 'review',
      waitingFor: ['bill:other'],
    });
  });

  it('leaves a bill an operator dismissed alone, and parks it afresh once its state and NetSuite moved on', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1', 3);
    await pullPaidBills(deps);
    clock.advance(60);
    await state.putState({ ref: billRef('a1'), status: 'dismissed', message: 'paid by hand' });
    const dismissed = await pullPaidBills(deps);
    expect(dismissed).toMatchObject({ parked: 0, notMarkable: [] });
    expect((await state.read(billRef('a1'))).at(-1)?.message).toMatch(/^dismissed from the review list/);
    expect((await retries())?.['1']?.dismissedAt).toBe('2026-11-02T09:01:00.000Z');
    // Shown again by the window, unchanged: still left alone, nothing audited.
    const trail = (await state.read(billRef('a1'))).length;
    expect(await pullPaidBills(deps)).toMatchObject({ parked: 0 });
    expect(await state.read(billRef('a1'))).toHaveLength(trail);

    // The bill flow moves the bill on and NetSuite changes it: parked afresh.
    await state.putState({ ref: billRef('a1'), status: 'synced', message: 'bill synced' });
    await bill('1', '2026-11-02 09:30:00', 'a1', 3);
    clock.advance(3_600);
    expect(await pullPaidBills(deps)).toMatchObject({ parked: 1 });
    expect(await retries()).toMatchObject({ '1': { attempts: 1, lastModified: '2026-11-02 09:30:00' } });
    expect((await state.getState(billRef('a1')))?.status).toBe('review');
    expect((await retries())?.['1']?.previousStatus).toBe('synced');
  });

  it('parks a dismissed bill afresh when NetSuite changes it, even while its state is still dismissed', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1', 3);
    await pullPaidBills(deps);
    clock.advance(60);
    await state.putState({ ref: billRef('a1'), status: 'dismissed', message: 'paid by hand' });
    await pullPaidBills(deps);
    expect((await retries())?.['1']?.dismissedAt).toBeDefined();
    // NetSuite changes the bill; the operator's dismissal was of the earlier version.
    await bill('1', '2026-11-02 09:30:00', 'a1', 3);
    clock.advance(3_600);
    expect(await pullPaidBills(deps)).toMatchObject({ parked: 1 });
    expect((await retries())?.['1']).toMatchObject({ attempts: 1, lastModified: '2026-11-02 09:30:00' });
    expect((await retries())?.['1']?.dismissedAt).toBeUndefined();
    expect((await state.getState(billRef('a1')))?.status).toBe('review');
  });

  it('drops a dismissed bill from the retry list once the window starts after it', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1', 3);
    await pullPaidBills(deps);
    await state.putState({ ref: billRef('a1'), status: 'dismissed' });
    await pullPaidBills(deps);
    clock.advance(86_400);
    await bill('2', '2026-11-02 20:00:00', undefined);
    await pullPaidBills(deps);
    expect(await retries()).toMatchObject({ '1': { dismissedAt: expect.any(String) } });
    await pullPaidBills(deps);
    expect(await retries()).toEqual({});
  });

  it('marks bill by bill when Procurify refuses the batch, parking the one refused', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1');
    await bill('2', '2026-11-01 09:00:00', 'a2');
    netsuite.paymentDates.set('1', '2026-11-01').set('2', '2026-11-01');
    const refusal = new DataError('procurify: bill_uuids: cannot mark a1', {
      source: 'procurify',
      status: 400,
    });
    procurify.faults.failNext('markBillsPaid', refusal, 2);
    const summary = await pullPaidBills(deps);
    expect(summary).toMatchObject({
      marked: 1,
      parked: 1,
      failed: [{ billUuid: 'a1', message: 'procurify: bill_uuids: cannot mark a1' }],
    });
    expect(marks()).toEqual([{ bill_uuids: ['a2'], payment_date: '2026-11-01' }]);
    expect(await retries()).toMatchObject({
      '1': { reason: 'Procurify refused mark-as-paid: procurify: bill_uuids: cannot mark a1' },
    });
  });

  it('parks a bill Procurify cannot show, and passes an outage on with the lease released', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1');
    await bill('2', '2026-11-01 08:00:00', 'b2');
    procurify.bills.delete('b2');
    // Two NetSuite bills linked to one Procurify bill: it is read once.
    await bill('3', '2026-11-01 08:30:00', undefined);
    await state.link({ kind: 'bill', procurifyId: 'b2', netsuiteId: '3', origin: 'legacy' });
    const summary = await pullPaidBills(deps);
    expect(summary.notMarkable).toEqual([
      {
        billUuid: 'b2',
        netsuiteBillId: '2',
        reason: 'the Procurify bill could not be read: procurify: bill b2 not found',
      },
      {
        billUuid: 'b2',
        netsuiteBillId: '3',
        reason: 'the Procurify bill could not be read: procurify: bill b2 not found',
      },
    ]);

    procurify.faults.failNext('getBill', new TransientError('procurify: down', { source: 'procurify' }));
    await expect(pullPaidBills(deps)).rejects.toBeInstanceOf(TransientError);
    procurify.faults.failNext(
      'markBillsPaid',
      new TransientError('procurify: down', { source: 'procurify' }),
    );
    await bill('4', '2026-11-01 09:00:00', 'a4');
    await expect(pullPaidBills(deps)).rejects.toBeInstanceOf(TransientError);
    netsuite.faults.failNext('read');
    await expect(pullPaidBills(deps)).rejects.toBeInstanceOf(TransientError);
    expect(await pullPaidBills(deps)).toMatchObject({ marked: 1 });
  });

  it('leaves the bill state to the bill worker holding it, and parks the bill on a later run', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1', 3);
    const lease = `record:${refKey(billRef('a1'))}`;
    await state.acquireLease(lease, 'bill worker', 30);
    expect((await pullPaidBills(deps)).parked).toBe(1);
    expect(await state.getState(billRef('a1'))).toBeUndefined();
    await state.releaseLease(lease, 'bill worker');
    await pullPaidBills(deps);
    expect(await state.getState(billRef('a1'))).toMatchObject({
      status: 'review',
      waitingFor: ['mark-paid'],
    });
  });
});

describe('pullPaidBills: where the window starts, and its lag', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts at a later switch to pull rather than at an older watermark', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1');
    expect(await pullPaidBills(deps)).toMatchObject({ marked: 1, watermark: '2026-11-01 08:00:00' });
    // A day in push mode: bill 2 was paid in NetSuite then; pull mode begins again at 11:00 the next day.
    clock.set('2026-11-03T09:00:00.000Z');
    await changePaymentMode(state, 'push', 'ana', 'pull', clock.now());
    await bill('2', '2026-11-03 10:00:00', 'a2');
    clock.set('2026-11-03T11:00:00.000Z');
    await changePaymentMode(state, 'pull', 'ana', 'pull', clock.now());
    expect(await pullPaidBills(deps)).toMatchObject({ since: '2026-11-03 11:00:00', examined: 0, marked: 0 });
    expect((await procurify.getBill('a2')).status).toBe(2);
  });

  it('a deployment whose pull ran before go-live was recorded keeps reading from its watermark', async () => {
    state = new InMemoryStateStore(clock.now);
    deps = { ...deps, state };
    await state.advanceWatermark(paidBillPullFlow, '2026-10-30 12:00:00');
    await bill('1', '2026-10-30 11:50:00', 'a1');
    expect(await pullPaidBills(deps)).toMatchObject({ since: '2026-10-30 11:45:00', examined: 1, marked: 1 });
    expect(await state.getConfig(paidBillPullGoLiveConfig)).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('reads the machine’s clock when none is given, and has no lag before its first run', async () => {
    state = new InMemoryStateStore(clock.now);
    const { now: _now, ...machine } = { ...deps, state };
    expect(await paidBillPullLag(state, clock.now())).toBeUndefined();
    vi.useFakeTimers({ now: new Date('2026-12-01T08:00:00.750Z'), toFake: ['Date'] });
    const summary = await pullPaidBills(machine);
    expect(await state.getConfig(paidBillPullGoLiveConfig)).toEqual({ at: '2026-12-01T08:00:00.000Z' });
    expect(summary).toMatchObject({ since: '2026-12-01 08:00:00', lagSeconds: 1 });
    expect(await paidBillPullLag(state, new Date('2026-12-01T08:05:00.000Z'))).toBe(300);
  });

  it('looks a bill the window shows twice (changed during the read) up once, and marks it once', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1');
    const paidSince = netsuite.paidSince.bind(netsuite);
    netsuite.paidSince = async function* (since: string) {
      for await (const row of paidSince(since)) yield* [row, row];
    };
    const lookups: string[] = [];
    const findBySource = state.findBySource.bind(state);
    state.findBySource = async (system, kind, id) => {
      lookups.push(`${system}:${kind}:${id}`);
      return findBySource(system, kind, id);
    };
    const summary = await pullPaidBills(deps);
    expect(summary).toMatchObject({ examined: 2, marked: 1 });
    expect(lookups).toEqual(['netsuite:bill:1']);
    expect(marks()).toEqual([{ bill_uuids: ['a1'], payment_date: '2026-11-01' }]);
  });
});

describe('pullPaidBills: parked bills and their states', () => {
  it('keeps a dismissed bill’s tombstone while the window may show that version, even on a run that does not', async () => {
    await bill('1', '2026-11-01 08:00:00', 'a1', 3);
    await pullPaidBills(deps);
    clock.advance(60);
    await state.putState({ ref: billRef('a1'), status: 'dismissed' });
    await pullPaidBills(deps);
    const tombstone = (await retries())?.['1'];
    expect(tombstone?.dismissedAt).toBeDefined();
    // A read that misses the bill (the window starts at 07:45, before its version): the tombstone stays.
    const row = netsuite.bills.get('1')!;
    netsuite.bills.delete('1');
    expect(await pullPaidBills(deps)).toMatchObject({ since: '2026-11-01 07:45:00', examined: 0, parked: 0 });
    expect((await retries())?.['1']).toEqual(tombstone);
    // Shown again unchanged: still left alone, nothing audited.
    netsuite.bills.set('1', row);
    const trail = (await state.read(billRef('a1'))).length;
    expect(await pullPaidBills(deps)).toMatchObject({ examined: 1, parked: 0, notMarkable: [] });
    expect(await state.read(billRef('a1'))).toHaveLength(trail);
  });

  it('parks a bill on the review list whatever review state it had, and leaves a state others moved on', async () => {
    // On the review list by another flow, without saying for what.
    await state.putState({ ref: billRef('a1'), status: 'review', message: 'check the vendor' });
    await bill('1', '2026-11-01 08:00:00', 'a1', 3);
    await bill('2', '2026-11-01 08:00:00', 'a2', 3);
    expect(await pullPaidBills(deps)).toMatchObject({ parked: 2 });
    expect(await state.getState(billRef('a1'))).toMatchObject({
      status: 'review',
      waitingFor: ['mark-paid'],
    });

    // A person re-synced bill 2 meanwhile (no longer waiting for the pull); then both are approved.
    await state.putState({ ref: billRef('a2'), status: 'synced', message: 're-synced by ana' });
    procurify.putBill(procurifyBill({ uuid: 'a1', status: 2 }));
    procurify.putBill(procurifyBill({ uuid: 'a2', status: 2 }));
    expect(await pullPaidBills(deps)).toMatchObject({ marked: 2, parked: 0 });
    expect(await state.getState(billRef('a1'))).toMatchObject({
      status: 'synced',
      message: 'marked paid in Procurify',
    });
    expect(await state.getState(billRef('a2'))).toMatchObject({
      status: 'synced',
      message: 're-synced by ana',
    });
    expect((await state.read(billRef('a2'))).at(-1)?.message).toBe(
      'no longer waiting for the paid-bill pull: marked paid in Procurify',
    );
  });
});
