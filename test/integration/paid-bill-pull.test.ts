// The paid-bill pull (mode pull) on one machine: bills paid in the NetSuite sandbox (by a NetSuite user) are marked paid in
// the Procurify sandbox by the paid-bill-pull schedule, run on demand through the local scheduler. A
// bill the pull cannot mark is parked for review and tried again by every later run; bills paid before
// the switch from push to pull are left alone.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { DemoSummary } from '../../infra/sandboxes/netsuite/index.ts';
import { changePaymentMode } from '../../shared/payment-mode.ts';
import type { PaidBillRetry } from '../../shared/payments/paid-bill-plan.ts';
import {
  type PaidBillPullSummary,
  paidBillPullCaughtUpFlow,
  paidBillRetriesConfig,
} from '../../shared/payments/pull-paid-bills.ts';
import type { RecordLink, RecordRef } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let state: DynamoStateStore;
let demo: DemoSummary;
let netsuiteVendor: string;
let procurifyVendor: number;
let accountCode: number;
let department: number;
let invoice = 0;
/** The bill of the "payment under way" test, with its Procurify payment (later tests follow it). */
let underWay: { uuid: string; netsuiteId: string; paymentId: number };

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  demo = stack.netsuite.seedDemo({ vendors: 2, bills: 0, payments: 0 });
  netsuiteVendor = demo.vendors[0]!;
  const store = stack.procurify.store;
  const location = store.addLocation({ name: 'Head Office', headquarter: true });
  department = store.addDepartment({ name: 'Operations', branch: location.id }).id;
  accountCode = store.addAccountCode({ code: '6100', description: 'Office Supplies' }).id;
  procurifyVendor = store.addVendor({ name: 'Northwind Traders Inc.', currency: 'USD' }).id;
});

afterAll(async () => stack?.stop());

/** A NetSuite bill, its Procurify twin (approved unless told) and, unless `link` is null, their link. */
async function billPair(amount: number, link: RecordLink['origin'] | null = 'created', status = 2) {
  invoice += 1;
  const [netsuiteId] = stack.netsuite.seed({
    records: {
      vendorBill: [
        {
          entity: { id: netsuiteVendor },
          tranDate: '2026-02-01',
          tranId: `PULL-${invoice}`,
          expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount }] },
        },
      ],
    },
  }).created.vendorBill!;
  const bill = stack.procurify.store.createBill({
    vendor: procurifyVendor,
    invoice_number: `PULL-${invoice}`,
    status,
    items: [{ description: 'Toner', amount: amount.toFixed(2), account_code: accountCode, department }],
  });
  if (link !== null)
    await state.link({ kind: 'bill', procurifyId: bill.uuid, netsuiteId: netsuiteId!, origin: link });
  return { uuid: bill.uuid, netsuiteId: netsuiteId! };
}

/** A NetSuite user pays bills on the Pay Bills page. */
function payInNetSuite(tranDate: string, lines: Array<{ bill: string; amount: number }>) {
  stack.netsuite.userCreate(
    'vendorPayment',
    {
      entity: { id: netsuiteVendor },
      account: { id: demo.bankAccounts[0] },
      tranDate,
      apply: { items: lines.map((line) => ({ doc: { id: line.bill }, apply: true, amount: line.amount })) },
    },
    'paybills',
  );
}

async function pull(): Promise<PaidBillPullSummary> {
  const run = await stack.scheduler.runNow('paidBillPull');
  expect(run.outcome, run.error).toBe('succeeded');
  return run.result as PaidBillPullSummary;
}

const procurifyBill = (uuid: string) => stack.procurify.store.bills.get(uuid)!;
const billRef = (uuid: string): RecordRef => ({ system: 'procurify', kind: 'bill', id: uuid });
const reviewEntries = async (uuid: string) =>
  (await state.read(billRef(uuid))).filter((entry) => entry.step === 'review');
const retryList = async () =>
  (await state.getConfig<{ bills: Record<string, PaidBillRetry> }>(paidBillRetriesConfig))?.bills ?? {};
const markRequests = () =>
  stack.procurify
    .requestLog()
    .filter((entry) => entry.method === 'POST' && entry.path.includes('mark-as-paid'));

describe('paid-bill pull (pull mode)', () => {
  it('does nothing in push mode', async () => {
    const summary = await pull();
    expect(summary.skipped).toBe('mode is push');
    expect(stack.netsuite.requestLog().filter((entry) => entry.path.includes('suiteql'))).toHaveLength(0);
  });

  it('marks linked bills paid with the NetSuite payment date; ignores and counts unknown ones; leaves partly paid ones', async () => {
    await changePaymentMode(state, 'pull', 'test');
    const paid = await billPair(100);
    const legacy = await billPair(40, 'legacy');
    const twice = await billPair(90);
    const partial = await billPair(100);
    const unknown = await billPair(25, null);
    const alreadyPaid = await billPair(10);
    stack.procurify.store.markBillsPaid([alreadyPaid.uuid], [], '2026-02-20');

    payInNetSuite('2026-03-03', [
      { bill: paid.netsuiteId, amount: 100 },
      { bill: legacy.netsuiteId, amount: 40 },
      { bill: twice.netsuiteId, amount: 50 },
    ]);
    payInNetSuite('2026-03-04', [{ bill: twice.netsuiteId, amount: 40 }]);
    payInNetSuite('2026-03-05', [{ bill: partial.netsuiteId, amount: 40 }]);
    payInNetSuite('2026-03-06', [{ bill: unknown.netsuiteId, amount: 25 }]);
    payInNetSuite('2026-03-07', [{ bill: alreadyPaid.netsuiteId, amount: 10 }]);

    const summary = await pull();
    expect(summary.skipped).toBeUndefined();
    expect(summary).toMatchObject({ examined: 6, unknown: 1, marked: 3, alreadyPaid: 1, failed: [] });

    expect(procurifyBill(paid.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-03' });
    expect(procurifyBill(legacy.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-03' });
    // Paid by two NetSuite payments: the date of the latest.
    expect(procurifyBill(twice.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-04' });
    expect(procurifyBill(partial.uuid)).toMatchObject({ status: 2, paidDate: null });
    expect(procurifyBill(unknown.uuid)).toMatchObject({ status: 2, paidDate: null });
    expect(procurifyBill(alreadyPaid.uuid)).toMatchObject({ status: 4, paidDate: '2026-02-20' });
    // Bills of one payment date go in one request; no payment record is created in Procurify.
    expect(markRequests()).toHaveLength(2);
    expect(stack.procurify.store.payments.size).toBe(0);

    expect(summary.partial).toEqual([
      { billUuid: partial.uuid, netsuiteBillId: partial.netsuiteId, openAmount: '60.00' },
    ]);
    const partialTrail = await state.read({ system: 'procurify', kind: 'bill', id: partial.uuid });
    expect(partialTrail.at(-1)).toMatchObject({
      step: 'note',
      facts: { openAmount: '60.00', paidAmount: '40.00' },
    });
    const legacyTrail = await state.read({ system: 'procurify', kind: 'bill', id: legacy.uuid });
    expect(legacyTrail.at(-1)).toMatchObject({
      step: 'written',
      facts: { linkOrigin: 'legacy', paymentDate: '2026-03-03' },
    });
    expect(await state.getWatermark('paid-bill-pull')).toBe(summary.watermark);
  });

  it('skips bills already marked on the next run and marks only what was paid since', async () => {
    const requestsBefore = markRequests().length;
    const again = await pull();
    expect(again).toMatchObject({ marked: 0, failed: [] });
    // The overlap re-reads the recent bills: they are found already paid, not marked twice.
    expect(again.alreadyPaid).toBeGreaterThanOrEqual(4);
    expect(markRequests()).toHaveLength(requestsBefore);

    const late = await billPair(30);
    payInNetSuite('2026-03-10', [{ bill: late.netsuiteId, amount: 30 }]);
    const next = await pull();
    expect(next.marked).toBe(1);
    expect(procurifyBill(late.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-10' });
  });

  it('leaves the work to a run that holds the lease', async () => {
    expect(await state.acquireLease('flow:paid-bill-pull', 'another-run', 60)).toBe(true);
    try {
      expect((await pull()).skipped).toBe('another run holds the lease');
    } finally {
      await state.releaseLease('flow:paid-bill-pull', 'another-run');
    }
    expect((await pull()).skipped).toBeUndefined();
  });

  it('marks a partly paid bill once NetSuite shows it paid in full', async () => {
    const bill = await billPair(80);
    payInNetSuite('2026-03-11', [{ bill: bill.netsuiteId, amount: 30 }]);
    expect((await pull()).partial.map((entry) => entry.billUuid)).toContain(bill.uuid);
    expect(procurifyBill(bill.uuid).status).toBe(2);
    payInNetSuite('2026-03-12', [{ bill: bill.netsuiteId, amount: 50 }]);
    const summary = await pull();
    expect(summary.partial.map((entry) => entry.billUuid)).not.toContain(bill.uuid);
    expect(procurifyBill(bill.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-12' });
  });

  it('leaves a bill with a Procurify payment under way, with the reason, and marks the others', async () => {
    const refused = await billPair(20);
    const fine = await billPair(20);
    // A payment under way in Procurify for the first bill: mark-as-paid takes only bills without payments.
    const method = stack.procurify.store.addPaymentMethod({ name: 'Check', type: 1, gl_code: '1000' }).id;
    const payment = stack.procurify.recordPayment({
      bills: [{ uuid: refused.uuid, amount: '5.00' }],
      method,
      payment_date: '2026-03-13',
      status: 'processing',
    });
    payInNetSuite('2026-03-14', [
      { bill: refused.netsuiteId, amount: 20 },
      { bill: fine.netsuiteId, amount: 20 },
    ]);
    const summary = await pull();
    expect(summary.marked).toBe(1);
    expect(summary.notMarkable).toEqual([
      expect.objectContaining({ billUuid: refused.uuid, reason: expect.stringMatching(/payment under way/) }),
    ]);
    expect(procurifyBill(fine.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-14' });
    // Not lost: on the review list with the reason, and on the retry list.
    expect(summary.parked).toBeGreaterThanOrEqual(1);
    expect(await state.getState(billRef(refused.uuid))).toMatchObject({
      status: 'review',
      message: expect.stringMatching(
        /not marked paid in Procurify: the Procurify bill has a payment under way/,
      ),
      waitingFor: ['mark-paid'],
    });
    expect((await state.listByStatus('bill', 'review')).map((entry) => entry.ref.id)).toContain(refused.uuid);
    expect(await reviewEntries(refused.uuid)).toHaveLength(1);
    expect((await retryList())[refused.netsuiteId]).toMatchObject({ billUuid: refused.uuid, attempts: 1 });
    underWay = { ...refused, paymentId: payment.id };
  });

  it('tries a parked bill again every run after the watermark moved on; a refused mark-as-paid keeps it parked with the new reason', async () => {
    // The Procurify payment is denied: the bill is Approved again, but Procurify refuses to mark a bill
    // that carries a payment.
    stack.procurify.setPaymentStatus(underWay.paymentId, 'denied');
    expect(procurifyBill(underWay.uuid).status).toBe(2);
    const other = await billPair(15);
    payInNetSuite('2026-03-15', [{ bill: other.netsuiteId, amount: 15 }]);
    const summary = await pull();
    expect(summary.retried).toBeGreaterThanOrEqual(1);
    expect(procurifyBill(other.uuid)).toMatchObject({ status: 4 });
    expect(summary.failed).toEqual([
      { billUuid: underWay.uuid, message: expect.stringMatching(/without payments/) },
    ]);
    const parked = await state.getState(billRef(underWay.uuid));
    expect(parked).toMatchObject({ status: 'review', waitingFor: ['mark-paid'] });
    expect(parked?.message).toMatch(/Procurify refused mark-as-paid/);
    // The reason changed: one more review entry; the same reason again adds none.
    expect(await reviewEntries(underWay.uuid)).toHaveLength(2);
    const again = await pull();
    expect(again.failed.map((failure) => failure.billUuid)).toEqual([underWay.uuid]);
    expect(await reviewEntries(underWay.uuid)).toHaveLength(2);
    expect((await retryList())[underWay.netsuiteId]).toMatchObject({ attempts: 3 });
  });

  it('takes a parked bill off the review list once Procurify shows it paid', async () => {
    const method = stack.procurify.store.addPaymentMethod({ name: 'Wire', type: 1, gl_code: '1000' }).id;
    stack.procurify.recordPayment({
      bills: [{ uuid: underWay.uuid, amount: '20.00' }],
      method,
      payment_date: '2026-03-16',
      status: 'paid',
    });
    expect(procurifyBill(underWay.uuid).status).toBe(4);
    const summary = await pull();
    expect(summary.failed).toEqual([]);
    expect(await state.getState(billRef(underWay.uuid))).toMatchObject({
      status: 'synced',
      message: 'already paid in Procurify',
    });
    expect((await state.read(billRef(underWay.uuid))).at(-1)).toMatchObject({
      step: 'note',
      message: 'no longer waiting for the paid-bill pull: already paid in Procurify',
    });
    expect(await retryList()).not.toHaveProperty(underWay.netsuiteId);
  });

  it('marks a bill waiting for approval once it is approved, and restores its sync state', async () => {
    const waiting = await billPair(35, 'created', 1);
    await state.putState({ ref: billRef(waiting.uuid), status: 'synced', contentHash: 'h1' });
    payInNetSuite('2026-03-17', [{ bill: waiting.netsuiteId, amount: 35 }]);
    const first = await pull();
    expect(first.notMarkable).toEqual([
      expect.objectContaining({
        billUuid: waiting.uuid,
        reason: 'the Procurify bill has status 1 (waiting for approval), not Approved',
      }),
    ]);
    // The bill flow's facts (its content hash) stay with the parked state.
    expect(await state.getState(billRef(waiting.uuid))).toMatchObject({
      status: 'review',
      contentHash: 'h1',
    });

    stack.procurify.store.approveBill(waiting.uuid);
    const summary = await pull();
    expect(summary.marked).toBe(1);
    expect(procurifyBill(waiting.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-17' });
    expect(await state.getState(billRef(waiting.uuid))).toMatchObject({
      status: 'synced',
      contentHash: 'h1',
      message: 'marked paid in Procurify',
    });
    expect(await retryList()).not.toHaveProperty(waiting.netsuiteId);
    expect(summary.parked).toBe(0);
  });

  it('parks a bill Procurify no longer has', async () => {
    const gone = await billPair(12);
    stack.procurify.store.bills.delete(gone.uuid);
    payInNetSuite('2026-03-18', [{ bill: gone.netsuiteId, amount: 12 }]);
    const summary = await pull();
    expect(summary.notMarkable).toEqual([
      expect.objectContaining({
        billUuid: gone.uuid,
        reason: expect.stringMatching(/^the Procurify bill could not be read: /),
      }),
    ]);
    expect((await state.getState(billRef(gone.uuid)))?.status).toBe('review');
  });

  it('stops trying a bill dismissed from the review list', async () => {
    const waiting = await billPair(18, 'created', 1);
    payInNetSuite('2026-03-19', [{ bill: waiting.netsuiteId, amount: 18 }]);
    await pull();
    const parked = await state.getState(billRef(waiting.uuid));
    expect(parked?.status).toBe('review');
    // As `apsync review dismiss` leaves it.
    const { updatedAt: _updatedAt, waitingFor: _waitingFor, ...kept } = parked!;
    await state.putState({ ...kept, status: 'dismissed', message: 'dismissed by ops: keyed by hand' });
    await pull();
    expect((await retryList())[waiting.netsuiteId]?.dismissedAt).toBeDefined();
    const next = await pull();
    expect(next.notMarkable.map((bill) => bill.billUuid)).not.toContain(waiting.uuid);
    expect((await state.getState(billRef(waiting.uuid)))?.status).toBe('dismissed');
    expect(await reviewEntries(waiting.uuid)).toHaveLength(1);
  });

  it('records how far it caught up (the lag its alarm watches)', async () => {
    const before = Date.now();
    const summary = await pull();
    expect(summary.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(summary.lagSeconds).toBeLessThan(60);
    const caughtUp = await state.getWatermark(paidBillPullCaughtUpFlow);
    expect(Date.parse(caughtUp!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  });

  it('after a switch from push to pull, considers only bills paid after the switch', async () => {
    await changePaymentMode(state, 'push', 'test');
    const before = await billPair(44);
    payInNetSuite('2026-03-20', [{ bill: before.netsuiteId, amount: 44 }]);
    expect((await pull()).skipped).toBe('mode is push');
    // The switch comes after the NetSuite bill was paid (its last-modified second has passed).
    const paidAt = Date.parse(
      String(
        (stack.netsuite.record('vendorBill', before.netsuiteId) as { lastModifiedDate: string })
          .lastModifiedDate,
      ),
    );
    const switchedAt = new Date(paidAt + 1000);
    await changePaymentMode(state, 'pull', 'test', 'push', switchedAt);
    await waitFor(
      () => Date.now() >= switchedAt.getTime() || undefined,
      'the NetSuite clock past the switch',
    );
    const after = await billPair(45);
    payInNetSuite('2026-03-21', [{ bill: after.netsuiteId, amount: 45 }]);

    const summary = await pull();
    expect(summary.since).toBe(switchedAt.toISOString().slice(0, 19).replace('T', ' '));
    expect(procurifyBill(after.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-21' });
    // Paid in NetSuite under push mode: existing payments are not migrated.
    expect(procurifyBill(before.uuid)).toMatchObject({ status: 2, paidDate: null });
    expect((await state.read(billRef(before.uuid))).map((entry) => entry.step)).toEqual([]);
  });
});
