// The Procurify poll (shared/procurify-poll/poll-procurify.ts) over in-memory Procurify, state and
// queues: the first run starts one overlap before now, each version of a bill or payment is queued once
// however often the overlap re-reads it, payments only in push mode and only since the switch, a failed
// read or send leaves the watermark where it was, a held lease skips the run, a stop request ends it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import { changePaymentMode } from '../../../shared/payment-mode.ts';
import type { ProcurifyPayment } from '../../../shared/procurify/schemas.ts';
import { pollProcurify } from '../../../shared/procurify-poll/poll-procurify.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { procurifyBill } from '../bills/world.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let procurify: InMemoryProcurify;
let bills: InMemoryQueue<BillMessage>;
let payments: InMemoryQueue<PaymentMessage>;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const minutesAgo = (minutes: number) => new Date(clock.now().getTime() - minutes * 60_000).toISOString();
const bill = (n: number, modified: string, status = 2) =>
  procurify.putBill(procurifyBill({ id: n, uuid: uuid(n), status, last_modified_datetime: modified }));
const payment = (id: number, updated: string, status = 'paid'): ProcurifyPayment =>
  procurify.putPayment({
    id,
    uuid: `p-${id}`,
    status,
    amount: '10.00',
    currency: { id: 1, name: 'USD' },
    gl_code: null,
    bill_groups: [],
    vendor_name: null,
    payment_source_name: null,
    processing_date: null,
    posted_date: null,
    created_at: updated,
    updated_at: updated,
  });
const deps = (defaultPaymentMode: 'push' | 'pull' = 'push') => ({
  procurify,
  state,
  bills,
  payments,
  defaultPaymentMode,
  now: clock.now,
});

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  procurify = new InMemoryProcurify();
  bills = new InMemoryQueue();
  payments = new InMemoryQueue();
});

describe('pollProcurify', () => {
  it('queues each new version once, bills and paid payments, and moves its watermarks', async () => {
    bill(1, minutesAgo(30));
    bill(2, minutesAgo(5));
    bill(3, minutesAgo(4), 0);
    payment(10, minutesAgo(3));
    payment(11, minutesAgo(2), 'processing');
    const first = await pollProcurify(deps());
    expect(first.errors).toEqual([]);
    expect(first.summary).toMatchObject({
      complete: true,
      paymentMode: 'push',
      bills: { enqueued: 1 },
      payments: { enqueued: 1 },
      parkedBills: { parked: 0, resent: 0 },
      caughtUpTo: clock.iso(),
      lagSeconds: 0,
    });
    expect(bills.bodies()).toEqual([
      {
        kind: 'bill',
        origin: 'poll',
        billUuid: uuid(2),
        lastModified: minutesAgo(5),
        enqueuedAt: clock.iso(),
      },
    ]);
    expect(payments.bodies()).toEqual([
      { kind: 'payment', origin: 'poll', paymentId: '10', updatedAt: minutesAgo(3), enqueuedAt: clock.iso() },
    ]);

    // Five minutes later the overlap re-reads bill 2: the same version is not queued again; a new one is.
    clock.advance(300);
    bill(4, minutesAgo(1));
    const second = await pollProcurify(deps());
    expect(second.summary).toMatchObject({ bills: { enqueued: 1, alreadyEnqueued: 1 } });
    expect(bills.bodies().map((message) => message.billUuid)).toEqual([uuid(2), uuid(4)]);
    bill(2, minutesAgo(0));
    clock.advance(1);
    await pollProcurify(deps());
    expect(bills.bodies().map((message) => message.billUuid)).toEqual([uuid(2), uuid(4), uuid(2)]);
  });

  it('polls no payments in pull mode, and none updated before the switch to push', async () => {
    payment(10, minutesAgo(3));
    const pull = await pollProcurify(deps('pull'));
    expect(pull.summary.paymentMode).toBe('pull');
    expect(pull.summary.payments).toBeUndefined();
    await changePaymentMode(state, 'push', 'ana', 'pull', new Date(minutesAgo(1)));
    payment(11, minutesAgo(0));
    clock.advance(1);
    await pollProcurify(deps('pull'));
    expect(payments.bodies().map((message) => message.paymentId)).toEqual(['11']);
  });

  it('keeps the watermark where it was when a send fails, and sends on the next run', async () => {
    bill(1, minutesAgo(2));
    bills.faults.failNext('sendBatch');
    const failed = await pollProcurify(deps());
    expect(failed.summary).toMatchObject({ complete: false, bills: { error: { errorClass: 'transient' } } });
    expect(failed.summary.caughtUpTo).toBeUndefined();
    expect(failed.errors).toHaveLength(1);
    expect(await state.getWatermark('procurify-poll:bills')).toBeUndefined();
    clock.advance(60);
    expect((await pollProcurify(deps())).summary).toMatchObject({ complete: true, bills: { enqueued: 1 } });
  });

  it('reports a payment-mode read and a parked-bill re-send that fail, and carries on', async () => {
    state.faults.failNext('getConfig:payment-mode');
    state.faults.failNext('listByStatus');
    const outcome = await pollProcurify(deps());
    expect(outcome.summary.paymentMode).toBeUndefined();
    expect(outcome.summary.parkedBills).toMatchObject({
      parked: 0,
      resent: 0,
      error: { errorClass: 'transient' },
    });
    expect(outcome.errors).toHaveLength(2);
    // The previous complete run's mark is what is caught up.
    await pollProcurify(deps());
    clock.advance(60);
    procurify.faults.failNext('scanBills');
    const later = await pollProcurify(deps());
    expect(later.summary.caughtUpTo).toBe(new Date(clock.now().getTime() - 60_000).toISOString());
    expect(later.summary.lagSeconds).toBe(60);
  });

  it('skips a run while another holds the lease, and stops after a batch when asked', async () => {
    await state.acquireLease('procurify-poll', 'other run', 300);
    expect((await pollProcurify(deps())).summary).toMatchObject({
      skippedBecauseLeaseHeld: true,
      complete: false,
    });
    await state.releaseLease('procurify-poll', 'other run');
    for (let n = 1; n <= 5; n += 1) bill(n, minutesAgo(6 - n));
    payment(10, minutesAgo(1));
    const stopped = await pollProcurify(deps(), { batchSize: 2, shouldStop: () => true });
    expect(stopped.summary).toMatchObject({ complete: false, bills: { enqueued: 2 } });
    expect(stopped.summary.payments).toBeUndefined();
    clock.advance(1);
    const rest = await pollProcurify(deps(), { batchSize: 2 });
    expect(rest.summary).toMatchObject({ complete: true, bills: { enqueued: 3 }, payments: { enqueued: 1 } });
  });

  it('stops after a batch of payments when asked, and the next run resumes at their watermark', async () => {
    for (let id = 10; id <= 12; id += 1) payment(id, minutesAgo(13 - id));
    const stopped = await pollProcurify(deps(), { batchSize: 2, shouldStop: () => true });
    expect(stopped.summary).toMatchObject({
      complete: false,
      bills: { enqueued: 0 },
      payments: { enqueued: 2 },
    });
    expect(stopped.summary.caughtUpTo).toBeUndefined();
    expect(await state.getWatermark('procurify-poll:payments')).toBe(minutesAgo(2));
    clock.advance(1);
    const rest = await pollProcurify(deps(), { batchSize: 2 });
    expect(rest.summary).toMatchObject({ complete: true, payments: { enqueued: 1, alreadyEnqueued: 2 } });
    expect(payments.bodies().map((message) => message.paymentId)).toEqual(['10', '11', '12']);
  });

  it('without a clock of its own, measures the lag from the last complete run to the time it runs', async () => {
    // The last complete run started an hour ago (by its clock); this one, on the real clock, fails.
    clock.set(new Date(Date.now() - 3_600_000));
    expect((await pollProcurify(deps())).summary.complete).toBe(true);
    procurify.faults.failNext('scanBills');
    const { now: _clock, ...withoutClock } = deps();
    const before = Date.now();
    const { summary } = await pollProcurify(withoutClock);
    const after = Date.now();
    expect(summary.complete).toBe(false);
    expect(summary.caughtUpTo).toBe(clock.iso());
    const caughtUp = Date.parse(clock.iso());
    expect(summary.lagSeconds).toBeGreaterThanOrEqual(Math.round((before - caughtUp) / 1000));
    expect(summary.lagSeconds).toBeLessThanOrEqual(Math.round((after - caughtUp) / 1000));
  });
});
