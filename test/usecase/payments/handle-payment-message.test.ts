// The payment-push worker's handling of one message (shared/payments/push-payment.ts,
// handlePaymentMessage) over in-memory state, Procurify and push-once: the mode check on every message,
// the payment's current status (not paid: skipped; pushed then failed: review), a payment pushed before
// (a duplicate: not written again; the payment's state read only then, or when it is not paid), a payment another worker is pushing, a payment Procurify does not
// have; an outage that stops an attempt passed on even when the store cannot write the trail after it; a
// duplicate's unused early read of its bills failing without harm. The push itself is covered by
// push-payment.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../../shared/errors.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import { changePaymentMode } from '../../../shared/payment-mode.ts';
import { handlePaymentMessage, paymentRef, pullModeMessage } from '../../../shared/payments/push-payment.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryPaymentFacts } from '../../support/in-memory/payment-facts.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { createInMemoryPushOnce } from '../../support/in-memory/push-once.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let procurify: InMemoryProcurify;
let once: ReturnType<typeof createInMemoryPushOnce>;
let netsuite: InMemoryNetSuite;
const ref = paymentRef('55');

const message = (updatedAt?: string): PaymentMessage => ({
  kind: 'payment',
  origin: 'poll',
  paymentId: '55',
  ...(updatedAt === undefined ? {} : { updatedAt }),
  enqueuedAt: clock.iso(),
});
const putPayment = (status: string | null) =>
  procurify.putPayment({
    id: 55,
    uuid: 'p-55',
    status,
    amount: '10.00',
    currency: { id: 1, name: 'USD' },
    gl_code: '1000',
    bill_groups: [],
    vendor_name: null,
    payment_source_name: null,
    processing_date: null,
    posted_date: null,
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-01T10:00:00Z',
  });
const deps = () => ({
  state,
  defaultMode: 'push' as const,
  once,
  push: async () => ({
    procurify,
    state,
    netsuite: { records: netsuite },
    facts: new InMemoryPaymentFacts(netsuite),
  }),
});

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  procurify = new InMemoryProcurify();
  once = createInMemoryPushOnce();
  netsuite = new InMemoryNetSuite();
});

describe('handlePaymentMessage', () => {
  it('skips every message in pull mode, saying so', async () => {
    await changePaymentMode(state, 'pull', 'ana', 'push', clock.now());
    expect(await handlePaymentMessage(message('2026-11-01T10:00:00Z'), deps())).toEqual({
      status: 'skipped',
      message: pullModeMessage,
    });
    expect((await state.read(ref)).map((entry) => [entry.step, entry.facts])).toEqual([
      ['received', { origin: 'poll', updatedAt: '2026-11-01T10:00:00Z' }],
      ['skipped', undefined],
    ]);
  });

  it('skips a payment that is not paid yet, and puts one pushed then failed on the review list', async () => {
    putPayment('processing');
    expect(await handlePaymentMessage(message(), deps())).toEqual({
      status: 'skipped',
      message: 'payment status is processing; it is pushed to NetSuite once paid',
    });
    putPayment(null);
    expect((await handlePaymentMessage(message(), deps())).message).toMatch(/^payment status is unknown/);
    await state.putState({ ref, status: 'synced' });
    putPayment('failed');
    expect(await handlePaymentMessage(message(), deps())).toMatchObject({ status: 'review' });
    await state.putState({ ref, status: 'synced' });
    putPayment('denied');
    expect(await handlePaymentMessage(message(), deps())).toMatchObject({
      status: 'review',
      message:
        'payment 55 was pushed to NetSuite but is now denied in Procurify; void the Vendor Payment procurify-pay-55 in NetSuite',
    });
    expect(await state.getState(ref)).toMatchObject({
      status: 'review',
      sourceModified: '2026-11-01T10:00:00Z',
    });
  });

  it('does not write a payment pushed before again, noting it', async () => {
    putPayment('paid');
    once.results.set('55', { status: 'synced', vendorPaymentId: '900', action: 'created' });
    expect(await handlePaymentMessage(message(), deps())).toEqual({
      status: 'synced',
      vendorPaymentId: '900',
      action: 'created',
      duplicate: true,
    });
    expect(await state.getState(ref)).toMatchObject({ status: 'synced', message: 'pushed to NetSuite' });
    // With its synced state written, a further duplicate only notes itself.
    once.results.set('55', { status: 'synced', message: 'pushed', action: 'found' });
    await handlePaymentMessage(message(), deps());
    expect((await state.read(ref)).at(-1)).toMatchObject({
      step: 'note',
      message: 'already pushed as Vendor Payment ?; not written again',
      facts: { origin: 'poll' },
    });
  });

  it("reads a paid payment's state only when its push is a duplicate", async () => {
    putPayment('paid');
    const stateReads: string[] = [];
    const getState = state.getState.bind(state);
    state.getState = async (at) => {
      stateReads.push(at.id);
      return getState(at);
    };
    // Pushed for the first time (Procurify shows no bills for it: parked for review), without a state read.
    await expect(handlePaymentMessage(message(), deps())).rejects.toThrow(/^Payment needs review/);
    expect(stateReads).toEqual([]);
    // A duplicate reads it: synced, the push is only noted.
    await state.putState({ ref, status: 'synced' });
    once.results.set('55', { status: 'synced', vendorPaymentId: '900', action: 'created' });
    expect(await handlePaymentMessage(message(), deps())).toMatchObject({ duplicate: true });
    expect(stateReads).toEqual(['55']);
    expect((await state.read(ref)).at(-1)).toMatchObject({ step: 'note' });
    const kept = await state.getState(ref);
    expect([kept?.status, kept?.message]).toEqual(['synced', undefined]);
  });

  it("writes the message's trail with its outcome in one request, and reads the mode it is given", async () => {
    putPayment('paid');
    const requests: string[] = [];
    const appendAll = state.appendAll.bind(state);
    state.appendAll = async (at, entries) => {
      requests.push(`appendAll ${entries.map((entry) => entry.step).join(',')}`);
      return appendAll(at, entries);
    };
    const append = state.append.bind(state);
    state.append = async (at, entry) => {
      requests.push(`append ${entry.step}`);
      return append(at, entry);
    };
    let modeReads = 0;
    const mode = async () => {
      modeReads++;
      return { mode: 'push' as const, source: 'default' as const };
    };
    // Procurify shows no bills for the payment: parked for review.
    await expect(handlePaymentMessage(message(), { ...deps(), mode })).rejects.toThrow(
      /^Payment needs review/,
    );
    expect(requests).toEqual(['appendAll received,fetched,review']);
    expect((await state.read(ref)).map((entry) => entry.step)).toEqual(['received', 'fetched', 'review']);
    expect(await state.getState(ref)).toMatchObject({ status: 'review' });
    expect(modeReads).toBe(1);
  });

  it('passes on what stopped the attempt, not the store failing to write its trail after it', async () => {
    const outage = new TransientError('dynamodb: the payment mode cannot be read', { source: 'dynamodb' });
    state.faults.failNext('getConfig', outage);
    state.faults.failNext('append');
    await expect(handlePaymentMessage(message(), deps())).rejects.toBe(outage);
    expect(await state.read(ref)).toEqual([]);
  });

  it('a duplicate whose early read of its bills fails is still only noted', async () => {
    putPayment('paid');
    once.results.set('55', { status: 'synced', vendorPaymentId: '900', action: 'created' });
    procurify.getPaymentApplications = async () => {
      throw new TransientError('procurify: down', { source: 'procurify' });
    };
    expect(await handlePaymentMessage(message(), deps())).toMatchObject({ duplicate: true });
    // The unused read's failure is dropped: the worker would otherwise die of an unhandled rejection.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await state.getState(ref)).toMatchObject({ status: 'synced' });
  });

  it('leaves the state to the worker pushing the same payment, and fails one Procurify does not have', async () => {
    putPayment('paid');
    await state.putState({ ref, status: 'pending' });
    const pushing = handlePaymentMessage(message(), deps());
    await expect(handlePaymentMessage(message(), deps())).rejects.toMatchObject({ code: 'IN_PROGRESS' });
    // The first one goes on: Procurify shows no bills for the payment, so it is parked for review.
    await expect(pushing).rejects.toThrow(/^Payment needs review/);
    expect(
      (await state.read(ref)).some((entry) => entry.message?.includes('being pushed by another worker')),
    ).toBe(true);

    procurify.payments.clear();
    await expect(handlePaymentMessage(message(), deps())).rejects.toMatchObject({ code: 'syncIncomplete' });
    expect(await state.getState(ref)).toMatchObject({ status: 'failed', errorClass: 'data' });
  });
});
