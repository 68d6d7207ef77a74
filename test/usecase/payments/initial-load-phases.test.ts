// The initial load's payment phases (shared/payments/backfill-payments.ts, backfill-paid-bills.ts) as
// listing phases (load-cursor.ts listingPhase) over in-memory Procurify and state: each refused in the
// other payment mode with what to use instead, before anything is read; listing vs writing kept in the
// cursor; a listing run resumes with what it had listed, a switch to writing starts over; payments found
// through the loaded bills' groups, each once, those linked before counted and left alone, and those
// whose bills are not in NetSuite listed with the payment-push worker's own refusal. NetSuite is read
// through the ports the workers use, in memory (payment-facts.ts: the payment facts and the Vendor
// Payments applied to bills; paid-bills.ts: the paid-bill rows); initial-load-netsuite.test.ts runs the
// cases decided by what NetSuite says.
import { beforeEach, describe, expect, it } from 'vitest';
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
