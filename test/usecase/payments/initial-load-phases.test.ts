// The initial load's payment phases (shared/payments/backfill-payments.ts, backfill-paid-bills.ts) as
// listing phases (load-cursor.ts listingPhase) over in-memory Procurify and state: each refused in the
// other payment mode with what to use instead, before anything is read; listing vs writing kept in the
// cursor; a listing run resumes with what it had listed, a switch to writing starts over; payments found
// through the loaded bills' groups, each once, those linked before counted and left alone, and those
// whose bills are not in NetSuite listed with the payment-push worker's own refusal. NetSuite is read
// through the ports the workers use, in memory (payment-facts.ts: the payment facts and the Vendor
// Payments applied to bills; paid-bills.ts: the paid-bill rows), including the cases decided by what
// NetSuite says; payments handled in the order of their bills' latest change in the window; matched by
// the bills they apply money to (an amount that cannot be read matches nothing); --payments waiting for
// the worker by the clock and timer given (the machine's when none is); a cursor of an earlier version
// without a list resumed with an empty one.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataError } from '../../../shared/errors.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import { changePaymentMode } from '../../../shared/payment-mode.ts';
import {
  backfillPaidBills,
  type PaidBillBackfillCursor,
  paidBillBackfillConfigName,
} from '../../../shared/payments/backfill-paid-bills.ts';
import {
  type BackfillPaymentsDependencies,
  backfillPayments,
  paymentBackfillConfigName,
} from '../../../shared/payments/backfill-payments.ts';
import type { ProcurifyPayment } from '../../../shared/procurify/schemas.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryPaidBills } from '../../support/in-memory/paid-bills.ts';
import { InMemoryPaymentFacts } from '../../support/in-memory/payment-facts.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { procurifyBill } from '../bills/world.ts';

const since = '2026-10-01T00:00:00.000Z';
let clock: ManualClock;
let state: InMemoryStateStore;
let procurify: InMemoryProcurify;
let netsuite: InMemoryNetSuite;
let payments: InMemoryQueue<PaymentMessage>;
let facts: InMemoryPaymentFacts;
let paidBills: InMemoryPaidBills;
/** The NetSuite bills whose rows or payments were asked for (none in these cases: nothing is linked). */
let queries: string[];

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** An approved Procurify bill of a payment group, last modified at `modified`. */
function bill(n: number, group: number | null, modified: string, status = 2) {
  procurify.putBill(procurifyBill({ uuid: uuid(n), id: n, group, status, last_modified_datetime: modified }));
}
function payment(id: number, groups: number[], status = 'paid'): void {
  procurify.putPayment({
    id,
    uuid: `p-${id}`,
    status,
    amount: '10.00',
    currency: { id: 1, name: 'USD' },
    gl_code: '1000',
    bill_groups: groups,
    vendor_name: 'Northwind',
    payment_source_name: null,
    processing_date: null,
    posted_date: '2026-11-02T09:00:00Z',
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
  } as ProcurifyPayment);
  procurify.applications.set(id, {
    applications: groups.map((group) => ({
      billUuid: uuid(group),
      billId: group,
      vendorId: 7,
      currency: 'USD',
      amount: (10 / groups.length).toFixed(2),
    })),
    appliedTotal: '10.00',
    complete: true,
  });
}

const paymentDeps = (): BackfillPaymentsDependencies => ({
  netsuite: {
    facts,
    applications: {
      applicationsTouching: (billIds) => {
        queries.push(...billIds);
        return facts.applicationsTouching(billIds);
      },
    },
  },
  procurify,
  state,
  payments,
  defaultMode: 'push',
  now: clock.now,
});
const paidBillDeps = () => ({
  paidBills: {
    billsById: (ids: readonly string[]) => {
      queries.push(...ids);
      return paidBills.billsById(ids);
    },
    latestPaymentDates: (ids: readonly string[]) => {
      queries.push(...ids);
      return paidBills.latestPaymentDates(ids);
    },
  },
  procurify,
  state,
  defaultMode: 'push' as const,
  now: clock.now,
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as DataError,
  );

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  procurify = new InMemoryProcurify();
  netsuite = new InMemoryNetSuite();
  facts = new InMemoryPaymentFacts(netsuite);
  paidBills = new InMemoryPaidBills();
  payments = new InMemoryQueue();
  queries = [];
});

describe('the payment mode of each phase', () => {
  it('--mark-paid in push mode and --payments in pull mode are refused with what to use instead; nothing read', async () => {
    bill(1, 1, '2026-11-01T00:00:00.000Z');
    const pull = await refusal(backfillPaidBills(paidBillDeps(), { since, markPaid: true }));
    expect(pull).toBeInstanceOf(DataError);
    expect(pull).toMatchObject({
      code: 'MODE_PUSH',
      message:
        '--mark-paid is for pull mode (bills paid in NetSuite are marked paid in Procurify); the payment mode is push: payments of the loaded bills are pushed with --payments instead',
    });
    await changePaymentMode(state, 'pull', 'ana');
    const push = await refusal(backfillPayments(paymentDeps(), { since, push: true }));
    expect(push).toMatchObject({
      code: 'MODE_PULL',
      message:
        '--payments is for push mode (Procurify payments become NetSuite Vendor Payments); the payment mode is pull: bills paid in NetSuite before go-live are marked paid with --mark-paid instead',
    });
    expect(await state.getConfig(paymentBackfillConfigName)).toBeUndefined();
    expect(await state.getConfig(paidBillBackfillConfigName)).toBeUndefined();
    expect(payments.sent).toEqual([]);
  });
});

describe('backfillPaidBills (pull mode): listing and resuming', () => {
  beforeEach(async () => {
    await changePaymentMode(state, 'pull', 'ana');
    bill(1, 1, '2026-11-01T00:00:00.000Z');
    bill(2, 2, '2026-11-02T00:00:00.000Z', 7);
    bill(3, 3, '2026-09-01T00:00:00.000Z'); // before the window: read with history only
    bill(4, 4, '2026-11-03T00:00:00.000Z', 1); // not approved nor paying: not read
  });

  it('counts the bills of the window that are not in NetSuite yet and keeps a listing cursor', async () => {
    const cursor = await backfillPaidBills({ ...paidBillDeps(), defaultMode: 'pull' }, { since });
    expect(cursor).toMatchObject({
      status: 'done',
      since,
      history: false,
      writes: false,
      listedBills: [],
      problems: [],
      counts: { read: 2, notLinked: 2, open: 0, paidInNetSuite: 0, marked: 0, listed: 0, failed: 0 },
      finishedAt: clock.iso(),
    });
    expect(await state.getConfig(paidBillBackfillConfigName)).toEqual(cursor);
    const history = await backfillPaidBills(paidBillDeps(), { since, history: true, markPaid: true });
    expect(history).toMatchObject({ writes: true, history: true, counts: { read: 3, notLinked: 3 } });
    expect(queries).toEqual([]);
  });

  it('a run interrupted while listing resumes with what it listed; a marking run starts over', async () => {
    const listed = [{ billUuid: uuid(9), netsuiteBillId: '509', paymentDate: '2026-10-20' }];
    const problem = [{ billUuid: uuid(8), reason: 'partly paid' }];
    const interrupted = (writes: boolean): PaidBillBackfillCursor =>
      ({
        status: 'running',
        since,
        history: false,
        phase: 'recent',
        resumeAfter: '2026-11-01T00:00:00.000Z',
        handledAtResume: [uuid(1)],
        progress: { recent: { processed: 1, total: 2 }, history: { processed: 0, total: 0 } },
        counts: {
          read: 1,
          notLinked: 1,
          open: 0,
          paidInNetSuite: 1,
          marked: 0,
          listed: 1,
          partial: 1,
          notMarkable: 0,
          failed: 0,
        },
        startedAt: '2026-12-01T00:00:00.000Z',
        writes,
        listedBills: listed,
        problems: problem,
      }) as PaidBillBackfillCursor;

    await state.putConfig(paidBillBackfillConfigName, interrupted(false));
    const resumed = await backfillPaidBills(paidBillDeps(), { since });
    expect(resumed).toMatchObject({
      status: 'done',
      startedAt: '2026-12-01T00:00:00.000Z',
      listedBills: listed,
      problems: problem,
      // Bill 1 was handled before the interruption: only bill 2 is read now.
      counts: { read: 2, notLinked: 2, listed: 1, partial: 1 },
    });

    await state.putConfig(paidBillBackfillConfigName, interrupted(false));
    const marking = await backfillPaidBills(paidBillDeps(), { since, markPaid: true });
    expect(marking).toMatchObject({
      status: 'done',
      startedAt: clock.iso(),
      writes: true,
      listedBills: [],
      problems: [],
      counts: { read: 2, notLinked: 2, listed: 0 },
    });
    expect(queries).toEqual([]);
  });
});

describe('backfillPayments (push mode): the payments of the loaded bills', () => {
  it('finds each paid payment once through the bills’ groups; linked ones are left; unsynced bills are refused as the worker would', async () => {
    bill(1, 1, '2026-11-01T00:00:00.000Z');
    bill(2, 2, '2026-11-05T00:00:00.000Z');
    bill(3, null, '2026-11-06T00:00:00.000Z'); // no group: no payment
    bill(5, 5, '2026-09-01T00:00:00.000Z'); // before the window
    payment(70, [1, 2]); // pays two loaded bills: read once, at the later bill's time
    payment(71, [2]);
    payment(72, [1], 'approved'); // not paid: not read
    payment(73, [5]); // its bill is outside the window
    await state.link({ kind: 'payment', procurifyId: '71', netsuiteId: '900', origin: 'created' });
    const progress: number[] = [];

    const cursor = await backfillPayments(paymentDeps(), {
      since,
      batchSize: 1,
      onProgress: (step) => progress.push(step.processed),
    });
    expect(cursor).toMatchObject({
      status: 'done',
      writes: false,
      counts: { read: 2, alreadyLinked: 1, matched: 0, listed: 0, created: 0, skipped: 1, failed: 0 },
      listedPayments: [],
      problems: [
        {
          paymentId: '70',
          reason: `Bill not synced: Procurify bill 1 (${uuid(1)}) and Procurify bill 2 (${uuid(2)}) have no NetSuite Vendor Bill; sync the bill, then re-sync the payment`,
        },
      ],
    });
    expect(progress.at(-1)).toBe(2);
    expect(facts.reads).toBe(0);
    expect(await state.findBySource('procurify', 'payment', '70')).toBeUndefined();
    expect(payments.sent).toEqual([]);
    expect(queries).toEqual([]);
  });
});

describe('backfillPayments (push mode): what NetSuite already applies to the loaded bills', () => {
  /** Procurify bill n (group n, in the window) linked to NetSuite Vendor Bill 50n of vendor 300, 10.00 open. */
  async function linkedBill(n: number): Promise<string> {
    bill(n, n, `2026-11-0${n}T00:00:00.000Z`);
    const netsuiteId = `50${n}`;
    await state.link({ kind: 'bill', procurifyId: uuid(n), netsuiteId, origin: 'created' });
    facts.bills.set(netsuiteId, {
      id: netsuiteId,
      entity: '300',
      currency: '1',
      currencySymbol: 'USD',
      subsidiary: '2',
      status: 'A',
      unpaidCents: 1000,
    });
    return netsuiteId;
  }
  /** A Vendor Payment keyed in NetSuite applying 10.00 to each of `billIds`. */
  const vendorPayment = (...billIds: string[]) =>
    netsuite.seed('vendorPayment', {
      apply: { items: billIds.map((id) => ({ doc: { id }, apply: true, amount: 10 })) },
    });

  beforeEach(async () => {
    await state.link({ kind: 'vendor', procurifyId: '7', netsuiteId: '300', origin: 'created' });
    facts.accounts = [{ id: '11', number: '1000', type: 'Bank', inactive: false, currency: '1' }];
  });

  it('links the payment NetSuite shows, lists two look-alikes, refuses what cannot be written, lists the rest with its body', async () => {
    const matchedBill = await linkedBill(1);
    const twiceBill = await linkedBill(2);
    const openBill = await linkedBill(3);
    const takenBill = await linkedBill(4);
    payment(70, [1]);
    payment(71, [2]);
    payment(72, [3]);
    payment(73, [4]);
    const existing = vendorPayment(matchedBill);
    const lookAlikes = [vendorPayment(twiceBill), vendorPayment(twiceBill)];
    // Already linked to another Procurify payment: not a match for 73, and it leaves bill 504 nothing open.
    const taken = vendorPayment(takenBill);
    await state.link({ kind: 'payment', procurifyId: '99', netsuiteId: taken, origin: 'created' });

    const cursor = await backfillPayments(paymentDeps(), { since });
    expect(cursor).toMatchObject({
      status: 'done',
      writes: false,
      counts: { read: 4, alreadyLinked: 0, matched: 1, listed: 1, created: 0, skipped: 2, failed: 0 },
      problems: [
        {
          paymentId: '71',
          reason: `NetSuite Vendor Payments ${lookAlikes.join(', ')} each apply the same amounts to its bills; not linked and not pushed (a person must say which)`,
        },
        {
          paymentId: '73',
          reason: `Amount above open balance: 10.00 USD applied to Procurify bill 4 (${uuid(4)}) is more than the open amount 0.00 of NetSuite Vendor Bill ${takenBill} (Open); check the payment and the bill in both systems, then re-sync the payment`,
        },
      ],
      listedPayments: [
        {
          paymentId: '72',
          externalId: 'procurify-pay-72',
          netsuiteVendorId: '300',
          accountId: '11',
          currency: 'USD',
          amount: '10.00',
          bills: [{ billUuid: uuid(3), netsuiteBillId: openBill, amount: '10.00' }],
          upToDate: false,
        },
      ],
    });
    expect(queries.sort()).toEqual([matchedBill, twiceBill, openBill, takenBill].sort());
    // The undecided payments' facts in one read for the batch, as the worker's batch reads them.
    expect(facts.reads).toBe(1);

    expect(await state.findBySource('procurify', 'payment', '70')).toMatchObject({
      netsuiteId: existing,
      origin: 'matched',
    });
    const message = `Already in NetSuite as Vendor Payment ${existing} (the same USD 10.00 applied to Vendor Bill ${matchedBill}); linked at the initial load, not written`;
    expect(await state.getState({ system: 'procurify', kind: 'payment', id: '70' })).toMatchObject({
      status: 'skipped',
      message,
    });
    expect(await state.read({ system: 'procurify', kind: 'payment', id: '70' })).toMatchObject([
      { step: 'skipped', message, facts: { origin: 'backfill', vendorPaymentId: existing, bills: 1 } },
    ]);
    for (const id of ['71', '72', '73']) {
      expect(await state.findBySource('procurify', 'payment', id)).toBeUndefined();
    }
    expect(netsuite.writes).toEqual([]);
    expect(payments.sent).toEqual([]);

    // Run again: the matched payment is linked now, nothing else changes.
    const again = await backfillPayments(paymentDeps(), { since });
    expect(again.counts).toMatchObject({ read: 4, alreadyLinked: 1, matched: 0, listed: 1, skipped: 2 });
  });

  it('a payment of bills excluded from the sync is listed with the worker’s reason, never pushed', async () => {
    bill(6, 6, '2026-11-06T00:00:00.000Z');
    await state.putState({
      ref: { system: 'procurify', kind: 'bill', id: uuid(6) },
      status: 'skipped',
      excluded: { reason: 'paid by card', by: 'ana', at: clock.iso() },
    });
    payment(76, [6]);
    const cursor = await backfillPayments(paymentDeps(), { since, push: true });
    expect(cursor).toMatchObject({
      counts: { read: 1, skipped: 1, created: 0, listed: 0 },
      problems: [
        {
          paymentId: '76',
          reason: `payment 76 pays only bills excluded from the sync (bill ${uuid(6)}: paid by card); it is not pushed to NetSuite`,
        },
      ],
    });
    expect(payments.sent).toEqual([]);
  });

  it('--payments puts the writable ones on the payment queue and counts the worker’s outcomes', async () => {
    await linkedBill(3);
    await linkedBill(5);
    payment(72, [3]);
    payment(75, [5]);
    // The payment-push worker, as the load waits for it: 72 written and linked, 75 refused.
    const worker = async () => {
      await state.link({ kind: 'payment', procurifyId: '72', netsuiteId: '900', origin: 'created' });
      await state.putState({
        ref: { system: 'procurify', kind: 'payment', id: '75' },
        status: 'failed',
        message: 'NetSuite refused the Vendor Payment',
      });
    };
    const cursor = await backfillPayments({ ...paymentDeps(), pause: worker }, { since, push: true });
    expect(cursor).toMatchObject({
      status: 'done',
      writes: true,
      counts: { read: 2, listed: 0, created: 1, failed: 1, skipped: 0 },
      listedPayments: [],
      problems: [{ paymentId: '75', reason: 'failed: NetSuite refused the Vendor Payment' }],
    });
    expect(
      payments
        .bodies()
        .map((message) => [message.paymentId, message.origin])
        .sort(),
    ).toEqual([
      ['72', 'backfill'],
      ['75', 'backfill'],
    ]);
  });

  it('--payments: a worker that does not answer in time stops the load with what to do', async () => {
    await linkedBill(3);
    payment(72, [3]);
    const error = await refusal(
      backfillPayments(
        { ...paymentDeps(), pause: async () => {} },
        { since, push: true, outcomeTimeoutMs: -1 },
      ),
    );
    expect(error).toMatchObject({
      code: 'BACKFILL_WAIT',
      message:
        'the payment-push worker has not dealt with payment(s) 72 in 0 min; check that it runs (apsync status), then run the same backfill again: it resumes with this batch',
    });
    expect(payments.bodies().map((message) => message.paymentId)).toEqual(['72']);
    expect(await state.getConfig(paymentBackfillConfigName)).toMatchObject({ status: 'running' });
  });
});

describe('backfillPaidBills (pull mode): bills NetSuite shows paid', () => {
  /** Procurify bill n (status `status`) linked to NetSuite Vendor Bill 60n with the row given. */
  async function paidInNetSuite(
    n: number,
    row: { status: string; unpaidCents: number; paidCents: number; paymentDate?: string },
    status = 2,
  ): Promise<string> {
    bill(n, n, `2026-11-0${n}T00:00:00.000Z`, status);
    const netsuiteId = `60${n}`;
    await state.link({ kind: 'bill', procurifyId: uuid(n), netsuiteId, origin: 'created' });
    paidBills.bills.set(netsuiteId, {
      id: netsuiteId,
      status: row.status,
      unpaidCents: row.unpaidCents,
      paidCents: row.paidCents,
      lastModified: '2026-10-21 08:00:00',
    });
    if (row.paymentDate !== undefined) paidBills.paymentDates.set(netsuiteId, row.paymentDate);
    return netsuiteId;
  }

  let ids: string[];
  beforeEach(async () => {
    await changePaymentMode(state, 'pull', 'ana');
    ids = [
      await paidInNetSuite(1, { status: 'B', unpaidCents: 0, paidCents: 1000, paymentDate: '2026-10-20' }),
      await paidInNetSuite(2, { status: 'B', unpaidCents: 0, paidCents: 1000 }), // no payment date: last modified
      await paidInNetSuite(3, { status: 'A', unpaidCents: 500, paidCents: 500 }),
      await paidInNetSuite(4, { status: 'A', unpaidCents: 1000, paidCents: 0 }),
      await paidInNetSuite(5, { status: 'B', unpaidCents: 0, paidCents: 1000 }, 7),
      await paidInNetSuite(6, { status: 'B', unpaidCents: 0, paidCents: 1000, paymentDate: '2026-10-20' }),
    ];
    bill(7, 7, '2026-11-07T00:00:00.000Z'); // not in NetSuite
  });
  const underWay = {
    billUuid: uuid(5),
    netsuiteBillId: '605',
    reason:
      'the Procurify bill has a payment under way (status 7); mark-as-paid takes only approved bills without payments',
  };

  it('lists the bills paid in full with their payment date; partly paid, open and unmarkable ones counted apart', async () => {
    const cursor = await backfillPaidBills(paidBillDeps(), { since });
    expect(cursor).toMatchObject({
      status: 'done',
      writes: false,
      counts: {
        read: 7,
        notLinked: 1,
        open: 1,
        paidInNetSuite: 3,
        listed: 3,
        marked: 0,
        partial: 1,
        notMarkable: 1,
        failed: 0,
      },
      problems: [underWay],
    });
    expect(cursor.listedBills).toEqual([
      { billUuid: uuid(1), netsuiteBillId: '601', paymentDate: '2026-10-20' },
      { billUuid: uuid(2), netsuiteBillId: '602', paymentDate: '2026-10-21' },
      { billUuid: uuid(6), netsuiteBillId: '606', paymentDate: '2026-10-20' },
    ]);
    // Every linked bill's row read, and the payment dates of those paid in full only.
    expect(queries).toEqual([...ids, '601', '602', '605', '606']);
    expect(procurify.writes).toEqual([]);
  });

  it('--mark-paid marks them in Procurify by payment date; a refused batch is retried bill by bill', async () => {
    const refused = new DataError(
      'procurify: bill_uuids: Only approved bills without payments can be marked as paid.',
      {
        source: 'procurify',
        status: 400,
      },
    );
    // The batch of 2026-10-20 (bills 1 and 6), then bill 1 alone.
    procurify.faults.failNext('markBillsPaid', refused, 2);
    const cursor = await backfillPaidBills(paidBillDeps(), { since, markPaid: true });
    const reason =
      'Procurify refused mark-as-paid: procurify: bill_uuids: Only approved bills without payments can be marked as paid.';
    expect(cursor).toMatchObject({
      writes: true,
      counts: { paidInNetSuite: 3, marked: 2, listed: 0, failed: 1, partial: 1, notMarkable: 1 },
      listedBills: [],
      problems: [underWay, { billUuid: uuid(1), netsuiteBillId: '601', reason }],
    });
    expect(procurify.writes.map((write) => write.body)).toEqual([
      { bill_uuids: [uuid(6)], payment_date: '2026-10-20' },
      { bill_uuids: [uuid(2)], payment_date: '2026-10-21' },
    ]);
    expect(await state.read({ system: 'procurify', kind: 'bill', id: uuid(1) })).toMatchObject([
      {
        step: 'failed',
        message: `initial load (--mark-paid): NetSuite bill 601 is paid in full but ${reason}`,
        facts: { netsuiteBillId: '601', paymentDate: '2026-10-20' },
      },
    ]);
    expect(await state.read({ system: 'procurify', kind: 'bill', id: uuid(2) })).toMatchObject([
      {
        step: 'written',
        message:
          'marked paid in Procurify by the initial load (--mark-paid): NetSuite bill 602 was paid in full before go-live (payment date 2026-10-21)',
        facts: {
          netsuiteBillId: '602',
          paymentDate: '2026-10-21',
          dateSource: 'last-modified',
          origin: 'backfill',
        },
      },
    ]);
  });

  it('an outage of Procurify while marking is thrown, not counted as a refusal', async () => {
    procurify.faults.failNext('markBillsPaid');
    await expect(backfillPaidBills(paidBillDeps(), { since, markPaid: true })).rejects.toThrow(
      'procurify: markBillsPaid unavailable',
    );
    expect(procurify.writes).toEqual([]);
  });
});

describe('backfillPayments (push mode): the bills and amounts a payment is matched by', () => {
  /** Procurify bill n (group n, modified on day `day` of November) linked to NetSuite Vendor Bill 50n. */
  async function linkedBill(n: number, day = n): Promise<string> {
    bill(n, n, `2026-11-${String(day).padStart(2, '0')}T00:00:00.000Z`);
    const netsuiteId = `50${n}`;
    await state.link({ kind: 'bill', procurifyId: uuid(n), netsuiteId, origin: 'created' });
    facts.bills.set(netsuiteId, {
      id: netsuiteId,
      entity: '300',
      currency: '1',
      currencySymbol: 'USD',
      subsidiary: '2',
      status: 'A',
      unpaidCents: 1000,
    });
    return netsuiteId;
  }
  /** Payment `id`'s applications: amount by bill number. */
  function applies(id: number, amounts: Record<number, string>): void {
    procurify.applications.set(id, {
      applications: Object.entries(amounts).map(([n, amount]) => ({
        billUuid: uuid(Number(n)),
        billId: Number(n),
        vendorId: 7,
        currency: 'USD',
        amount,
      })),
      appliedTotal: '10.00',
      complete: true,
    });
  }
  const vendorPayment = (apply: Record<string, number>) =>
    netsuite.seed('vendorPayment', {
      apply: { items: Object.entries(apply).map(([id, amount]) => ({ doc: { id }, apply: true, amount })) },
    });

  beforeEach(async () => {
    await state.link({ kind: 'vendor', procurifyId: '7', netsuiteId: '300', origin: 'created' });
    facts.accounts = [{ id: '11', number: '1000', type: 'Bank', inactive: false, currency: '1' }];
  });

  it('handles payments in the order of their bills’ latest change in the window, bills outside it not counted', async () => {
    bill(1, 1, '2026-11-01T00:00:00.000Z');
    bill(2, 2, '2026-11-03T00:00:00.000Z');
    bill(3, 2, '2026-11-05T00:00:00.000Z'); // the same group changed later: the group's time
    bill(4, 4, '2026-11-04T00:00:00.000Z');
    bill(9, 9, '2026-09-01T00:00:00.000Z'); // before the window
    payment(70, [2]); // group 2: 5 November
    payment(71, [4]); // 4 November
    payment(72, [9, 1]); // 1 November: bill 9's group is not the window's
    // Listed by Procurify in the other order (by update time).
    for (const [id, updated] of [
      [70, '2026-11-10'],
      [71, '2026-11-11'],
      [72, '2026-11-12'],
    ] as const) {
      procurify.payments.get(id)!.updated_at = `${updated}T00:00:00Z`;
    }
    const cursor = await backfillPayments(paymentDeps(), { since });
    expect(cursor.problems.map((problem) => problem.paymentId)).toEqual(['72', '71', '70']);
  });

  it('matches by the bills a payment applies money to; an amount it cannot read matches nothing', async () => {
    const first = await linkedBill(1);
    await linkedBill(2);
    const third = await linkedBill(3);
    const fourth = await linkedBill(4);
    const fifth = await linkedBill(5);
    payment(70, [1, 2]);
    applies(70, { 1: '10.00', 2: '0.00' }); // nothing applied to bill 2
    payment(71, [3, 4]);
    applies(71, { 3: '4.00', 4: '6.00' });
    payment(72, [5, 6]);
    applies(72, { 5: '10.00', 6: 'n/a' });
    const onlyFirst = vendorPayment({ [first]: 10 });
    const both = vendorPayment({ [third]: 4, [fourth]: 6 });
    vendorPayment({ [fifth]: 10 });

    const cursor = await backfillPayments(paymentDeps(), { since });
    expect(cursor.counts).toMatchObject({ read: 3, matched: 2, skipped: 1 });
    expect(await state.findBySource('procurify', 'payment', '70')).toMatchObject({ netsuiteId: onlyFirst });
    expect(await state.getState({ system: 'procurify', kind: 'payment', id: '71' })).toMatchObject({
      message: `Already in NetSuite as Vendor Payment ${both} (the same USD 10.00 applied to Vendor Bills ${third}, ${fourth}); linked at the initial load, not written`,
    });
    // Payment 72 is not matched to the Vendor Payment of bill 505 alone: the worker would park it.
    expect(await state.findBySource('procurify', 'payment', '72')).toBeUndefined();
    expect(cursor.problems).toEqual([
      {
        paymentId: '72',
        reason: `Payment needs review: Procurify shows an amount of n/a applied to Procurify bill 6 (${uuid(6)}); check the payment in Procurify, then re-sync it`,
      },
    ]);
  });
});

describe('backfillPayments --payments: waiting for the worker', () => {
  beforeEach(async () => {
    await state.link({ kind: 'vendor', procurifyId: '7', netsuiteId: '300', origin: 'created' });
    facts.accounts = [{ id: '11', number: '1000', type: 'Bank', inactive: false, currency: '1' }];
    bill(3, 3, '2026-11-03T00:00:00.000Z');
    await state.link({ kind: 'bill', procurifyId: uuid(3), netsuiteId: '503', origin: 'created' });
    facts.bills.set('503', {
      id: '503',
      entity: '300',
      currency: '1',
      currencySymbol: 'USD',
      subsidiary: '2',
      status: 'A',
      unpaidCents: 1000,
    });
    payment(72, [3]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('looks again every second by the machine’s clock and timer when none is given', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T08:00:00.000Z') });
    const { now: _now, ...machine } = paymentDeps();
    let finished = false;
    const run = backfillPayments(machine, { since, push: true }).finally(() => {
      finished = true;
    });
    // Until the load has put the payment on the queue (its reads are promises, no timer involved).
    for (let turn = 0; turn < 1000 && payments.sent.length === 0; turn++)
      await vi.advanceTimersByTimeAsync(0);
    expect(payments.bodies()[0]).toMatchObject({ paymentId: '72', enqueuedAt: '2026-12-01T08:00:00.000Z' });
    // The worker writes the Vendor Payment; the load sees it at its next look, a second later.
    await state.link({ kind: 'payment', procurifyId: '72', netsuiteId: '900', origin: 'created' });
    await vi.advanceTimersByTimeAsync(999);
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await run).counts).toMatchObject({ created: 1, failed: 0 });
  });

  it('counts a refusal without a message, and gives up after 15 minutes of the clock it is given', async () => {
    const worker = async () => {
      await state.putState({ ref: { system: 'procurify', kind: 'payment', id: '72' }, status: 'failed' });
    };
    const refused = await backfillPayments({ ...paymentDeps(), pause: worker }, { since, push: true });
    expect(refused).toMatchObject({
      counts: { failed: 1 },
      problems: [{ paymentId: '72', reason: 'failed: no message' }],
    });

    const looks: number[] = [];
    const silent = async (ms: number) => {
      looks.push(ms);
      clock.advance(ms / 1000);
    };
    const error = await refusal(
      backfillPayments({ ...paymentDeps(), pause: silent }, { since, history: true, push: true }),
    );
    expect(error).toMatchObject({
      code: 'BACKFILL_WAIT',
      message:
        'the payment-push worker has not dealt with payment(s) 72 in 15 min; check that it runs (apsync status), then run the same backfill again: it resumes with this batch',
    });
    expect(looks).toHaveLength(901);
    expect(new Set(looks)).toEqual(new Set([1000]));
  });
});

describe('a listing cursor kept by an earlier version', () => {
  it('resumes with an empty list where it kept none', async () => {
    await changePaymentMode(state, 'pull', 'ana');
    bill(1, 1, '2026-11-01T00:00:00.000Z');
    await state.link({ kind: 'bill', procurifyId: uuid(1), netsuiteId: '601', origin: 'created' });
    paidBills.bills.set('601', {
      id: '601',
      status: 'B',
      unpaidCents: 0,
      paidCents: 1000,
      lastModified: '2026-10-21 08:00:00',
    });
    const { problems: _problems, ...earlier } = {
      status: 'running',
      since,
      history: false,
      phase: 'recent',
      progress: { recent: { processed: 0, total: 1 }, history: { processed: 0, total: 0 } },
      counts: {
        read: 0,
        notLinked: 0,
        open: 0,
        paidInNetSuite: 0,
        marked: 0,
        listed: 0,
        partial: 0,
        notMarkable: 0,
        failed: 0,
      },
      startedAt: '2026-12-01T00:00:00.000Z',
      writes: false,
      listedBills: [],
      problems: [],
    };
    await state.putConfig(paidBillBackfillConfigName, earlier);
    const resumed = await backfillPaidBills(paidBillDeps(), { since });
    expect(resumed).toMatchObject({
      status: 'done',
      startedAt: '2026-12-01T00:00:00.000Z',
      listedBills: [{ billUuid: uuid(1), netsuiteBillId: '601', paymentDate: '2026-10-21' }],
      problems: [],
    });
  });
});
