// The push of one paid Procurify payment (shared/payments/push-payment.ts pushPayment, and
// decide-payment.ts behind it) over in-memory state, Procurify, NetSuite and its payment facts: the
// Vendor Payment written once by external id and found unchanged after; an update that takes back a bill
// the payment no longer pays; the payment's GL code from its payment method; skips (linked by the initial
// load, excluded bills only); refusals (review, failed) before NetSuite is read; a Vendor Payment voided
// in NetSuite parked for review, never written again; NetSuite refusing the write in its own words; an
// outage passed on; the id read again when the upsert does not name it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApPayment } from '../../../shared/ap/payment.ts';
import { DataError, TransientError } from '../../../shared/errors.ts';
import { decidePayment } from '../../../shared/payments/decide-payment.ts';
import {
  handlePaymentMessage,
  type PushPaymentDependencies,
  paymentRef,
  pushPayment,
} from '../../../shared/payments/push-payment.ts';
import { toApPayment } from '../../../shared/procurify/ap-records.ts';
import type { PaymentApplication } from '../../../shared/procurify/ports.ts';
import type { ProcurifyPayment } from '../../../shared/procurify/schemas.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryPaymentFacts } from '../../support/in-memory/payment-facts.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { createInMemoryPushOnce } from '../../support/in-memory/push-once.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { paidProcurifyPayment } from '../../support/procurify-payment.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let procurify: InMemoryProcurify;
let netsuite: InMemoryNetSuite;
let facts: InMemoryPaymentFacts;
const ref = paymentRef('55');

/** Payment 55 put in Procurify, and as the port gives it (the adapter's own wire → domain mapping). */
const payment = (overrides: Partial<ProcurifyPayment> = {}): ApPayment =>
  toApPayment(procurify.putPayment(paidProcurifyPayment(overrides)));
const application = (billUuid: string, amount: string, vendorId = 7): PaymentApplication => ({
  billUuid,
  billId: Number(billUuid.replace(/\D/g, '')),
  vendorId,
  currency: 'USD',
  amount,
});
const applies = (applications: PaymentApplication[], complete = true) =>
  procurify.applications.set(55, {
    applications,
    appliedTotal: applications.reduce((sum, app) => sum + Number(app.amount), 0).toFixed(2),
    complete,
  });
/** A Vendor Bill in NetSuite with its open amount, linked to the Procurify bill as bill sync links it. */
async function syncedBill(uuid: string, netsuiteId: string, unpaidCents: number, entity = '300') {
  facts.bills.set(netsuiteId, {
    id: netsuiteId,
    entity,
    currency: '1',
    currencySymbol: 'USD',
    subsidiary: '2',
    status: 'A',
    unpaidCents,
  });
  await state.link({ kind: 'bill', procurifyId: uuid, netsuiteId, origin: 'created' });
}
const deps = (extra: Partial<PushPaymentDependencies> = {}): PushPaymentDependencies => ({
  netsuite: { records: netsuite },
  procurify,
  state,
  facts,
  ...extra,
});

beforeEach(async () => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  procurify = new InMemoryProcurify();
  netsuite = new InMemoryNetSuite();
  facts = new InMemoryPaymentFacts(netsuite);
  facts.accounts = [
    { id: '11', number: '1000', type: 'Bank', inactive: false, currency: '1' },
    { id: '12', number: '2000', type: 'Bank', inactive: true },
  ];
  await state.link({ kind: 'vendor', procurifyId: '7', netsuiteId: '300', origin: 'created' });
  await syncedBill('b-1', '501', 10_000);
  await syncedBill('b-2', '502', 8_000);
});

describe('pushPayment', () => {
  it('reads the links the decision needs in one request, and writes its own with the trail in one', async () => {
    applies([application('b-1', '100.00'), application('b-2', '50.25')]);
    const requests: string[] = [];
    const spy = <K extends 'findBySource' | 'findManyBySource' | 'getState' | 'link' | 'linkAndAppend'>(
      name: K,
    ) => {
      const real = (state[name] as (...args: never[]) => Promise<unknown>).bind(state);
      (state as unknown as Record<string, unknown>)[name] = async (...args: never[]) => {
        requests.push(name);
        return real(...args);
      };
    };
    for (const name of ['findBySource', 'findManyBySource', 'getState', 'link', 'linkAndAppend'] as const) {
      spy(name);
    }
    expect(await pushPayment(payment(), deps())).toMatchObject({ status: 'synced', action: 'created' });
    expect(requests).toEqual(['findManyBySource', 'linkAndAppend']);
  });

  it('writes one Vendor Payment by external id, links it, and finds it unchanged the next time', async () => {
    applies([application('b-1', '100.00'), application('b-2', '50.25')]);
    const written: string[] = [];
    const first = await pushPayment(payment(), deps({ afterNetSuiteWrite: (id) => void written.push(id) }));
    expect(first).toMatchObject({ status: 'synced', action: 'created', vendorPaymentId: written[0] });
    expect(first.message).toBe(`Vendor Payment ${written[0]} applies 150.25 USD to 2 bill(s)`);
    expect(netsuite.record('vendorPayment', 'eid:procurify-pay-55')).toMatchObject({
      entity: { id: '300' },
      subsidiary: { id: '2' },
      account: { id: '11' },
      currency: { id: '1' },
      tranDate: '2026-11-02',
      memo: 'Procurify payment 55',
      apply: {
        items: [
          { doc: { id: '501' }, apply: true, amount: 100 },
          { doc: { id: '502' }, apply: true, amount: 50.25 },
        ],
      },
    });
    expect(await state.findBySource('procurify', 'payment', '55')).toMatchObject({
      netsuiteId: written[0],
      origin: 'created',
    });
    expect(await state.getState(ref)).toMatchObject({ status: 'synced', message: first.message });

    const again = await pushPayment(payment(), deps());
    expect(again).toMatchObject({ status: 'synced', action: 'found', vendorPaymentId: written[0] });
    expect(netsuite.writes).toHaveLength(1);
    expect((await state.read(ref)).at(-1)).toMatchObject({ step: 'unchanged', facts: { action: 'found' } });
  });

  it('updates the Vendor Payment when the payment changed, taking back a bill it no longer pays', async () => {
    applies([application('b-1', '100.00'), application('b-2', '50.25')]);
    const created = await pushPayment(payment(), deps());
    applies([application('b-1', '90.00')]);
    const updated = await pushPayment(payment({ amount: '90.00' }), deps());
    // The upsert does not name the record it replaced: the id is the existing Vendor Payment's.
    expect(updated).toMatchObject({
      status: 'synced',
      action: 'updated',
      vendorPaymentId: created.vendorPaymentId,
    });
    expect(netsuite.writes.at(-1)?.body).toMatchObject({
      apply: {
        items: [
          { doc: { id: '501' }, apply: true, amount: 90 },
          { doc: { id: '502' }, apply: false },
        ],
      },
    });
    expect((await facts.findVendorPayment('procurify-pay-55'))?.applied).toEqual(new Map([['501', 9_000]]));
  });

  it('reads the Vendor Payment again when the upsert names no id and none was known', async () => {
    applies([application('b-1', '100.00')]);
    const records = {
      ...netsuite,
      upsertByExternalId: async (type: string, externalId: string, body: Record<string, unknown>) => {
        await netsuite.upsertByExternalId(type, externalId, body);
        return { id: undefined };
      },
    } as InMemoryNetSuite;
    const outcome = await pushPayment(payment({ amount: '100.00' }), deps({ netsuite: { records } }));
    expect(outcome.vendorPaymentId).toBe(netsuite.record('vendorPayment', 'eid:procurify-pay-55')?.id);
  });

  it('takes the GL code from the payment method when the payment has none', async () => {
    applies([application('b-1', '100.00')]);
    procurify.paymentMethods = [
      { id: 1, name: 'Old Wire', type: 4, gl_code: '4321' },
      { id: 2, name: 'Operating - Check', type: 1, gl_code: '1000' },
    ];
    const outcome = await pushPayment(
      payment({ amount: '100.00', gl_code: null, payment_source_name: 'Operating - Check' }),
      deps(),
    );
    expect(outcome).toMatchObject({ status: 'synced', action: 'created' });
    expect(netsuite.record('vendorPayment', 'eid:procurify-pay-55')?.memo).toBe(
      'Procurify payment 55 (Operating - Check)',
    );
  });

  it('refuses a payment whose method has no GL code, or is not among the company methods', async () => {
    applies([application('b-1', '100.00')]);
    await expect(pushPayment(payment({ gl_code: null }), deps())).rejects.toThrow(
      /^Payment account not found: its payment method has no GL code/,
    );
    await expect(
      pushPayment(payment({ gl_code: null, payment_source_name: 'Gone' }), deps()),
    ).rejects.toThrow(/^Payment account not found: payment method "Gone" has no GL code/);
    await expect(pushPayment(payment({ gl_code: '2000' }), deps())).rejects.toThrow(
      /NetSuite account 12 has that Number but is inactive/,
    );
    expect(await state.getState(ref)).toMatchObject({
      status: 'failed',
      errorClass: 'data',
      waitingFor: ['account-number:2000'],
    });
    expect(netsuite.writes).toEqual([]);
  });

  it('skips a payment the initial load linked to a Vendor Payment already in NetSuite', async () => {
    applies([application('b-1', '100.00')]);
    await state.link({ kind: 'payment', procurifyId: '55', netsuiteId: '990', origin: 'matched' });
    expect(await pushPayment(payment(), deps())).toEqual({
      status: 'skipped',
      message: 'already in NetSuite as Vendor Payment 990 (linked: matched); not written',
    });
    expect(await state.getState(ref)).toMatchObject({ status: 'skipped' });
    expect(facts.reads).toBe(0);
  });

  it('skips a payment of excluded bills only, and refuses one that also pays other bills', async () => {
    const excluded = { reason: 'paid by hand', at: clock.iso() };
    await state.putState({
      ref: { system: 'procurify', kind: 'bill', id: 'b-9' },
      status: 'skipped',
      excluded,
    });
    applies([application('B-9', '40.00')]);
    expect(await pushPayment(payment({ amount: '40.00' }), deps())).toEqual({
      status: 'skipped',
      message:
        'payment 55 pays only bills excluded from the sync (bill b-9: paid by hand); it is not pushed to NetSuite',
    });
    applies([application('b-1', '100.00'), application('B-9', '40.00')]);
    await expect(pushPayment(payment({ amount: '140.00' }), deps())).rejects.toThrow(
      /^Bill not synced: Procurify bill 9 \(B-9\) has no NetSuite Vendor Bill \(it is excluded from the sync: paid by hand\)/,
    );
    expect(await state.getState(ref)).toMatchObject({ status: 'failed', waitingFor: ['bill:B-9'] });
    // A link is missing: NetSuite is not read.
    expect(facts.reads).toBe(0);
  });

  it('parks for review a payment whose split Procurify cannot show, naming what to check', async () => {
    applies([application('b-1', '100.00')], false);
    await expect(pushPayment(payment(), deps())).rejects.toThrow(
      /^Payment needs review: Procurify shows where only 100.00/,
    );
    expect(await state.getState(ref)).toMatchObject({ status: 'review', waitingFor: ['payment:55'] });
    expect((await state.read(ref)).at(-1)).toMatchObject({
      step: 'review',
      facts: { problem: 'needsReview' },
    });
  });

  it('refuses an amount above the bill’s open amount once another payment paid part of it', async () => {
    applies([application('b-1', '100.00')]);
    netsuite.seed(
      'vendorPayment',
      { apply: { items: [{ doc: { id: '501' }, apply: true, amount: '30.00' }] } },
      'procurify-pay-54',
    );
    await expect(pushPayment(payment({ amount: '100.00' }), deps())).rejects.toThrow(
      /^Amount above open balance: 100.00 USD applied to Procurify bill 1 \(b-1\) is more than the open amount 70.00/,
    );
  });

  it('parks for review, never writes, a payment whose Vendor Payment was voided in NetSuite', async () => {
    applies([application('b-1', '100.00')]);
    const pushed = await pushPayment(payment({ amount: '100.00' }), deps());
    expect(pushed).toMatchObject({ status: 'synced', action: 'created' });
    // A NetSuite user voids it: status V, nothing applied, so bill 501 is open again.
    await netsuite.patch('vendorPayment', 'eid:procurify-pay-55', {
      status: { id: 'V', refName: 'Voided' },
      apply: { items: [{ doc: { id: '501' }, apply: false, amount: 100 }] },
    });
    const writes = netsuite.writes.length;

    const decision = await decidePayment(
      payment({ amount: '100.00' }),
      procurify.applications.get(55)!,
      deps(),
    );
    expect(decision).toMatchObject({
      kind: 'refuse',
      status: 'review',
      problem: 'voidedInNetSuite',
      waitingFor: [],
    });
    // The operator's resync takes the same path: refused with what to do, the payment parked.
    await expect(pushPayment(payment({ amount: '100.00' }), deps())).rejects.toThrow(
      `Vendor Payment voided in NetSuite: Vendor Payment ${pushed.vendorPaymentId} (procurify-pay-55) was voided in NetSuite; apsync does not write a voided payment again.`,
    );
    expect(await state.getState(ref)).toMatchObject({ status: 'review', waitingFor: [] });
    expect((await state.read(ref)).at(-1)).toMatchObject({
      step: 'review',
      facts: { problem: 'voidedInNetSuite' },
    });
    expect(netsuite.writes).toHaveLength(writes);
    expect(netsuite.record('vendorPayment', 'eid:procurify-pay-55')).toMatchObject({
      status: { id: 'V' },
      apply: { items: [{ doc: { id: '501' }, apply: false }] },
    });
  });

  it('says NetSuite refused the Vendor Payment in NetSuite’s own words, and passes an outage on', async () => {
    applies([application('b-1', '100.00')]);
    netsuite.faults.failNext(
      'upsert',
      new DataError('Invalid value', {
        source: 'netsuite',
        status: 400,
        code: 'USER_ERROR',
        detail: 'The period is closed',
        path: 'tranDate',
      }),
    );
    await expect(pushPayment(payment({ amount: '100.00' }), deps())).rejects.toMatchObject({
      message:
        'Sync could not complete: NetSuite refused Vendor Payment procurify-pay-55: The period is closed (tranDate)',
      code: 'USER_ERROR',
      path: 'tranDate',
      status: 400,
      source: 'netsuite',
    });
    netsuite.faults.failNext('upsert', new DataError('Bad request', { source: 'netsuite' }));
    await expect(pushPayment(payment({ amount: '100.00' }), deps())).rejects.toThrow(
      'Sync could not complete: NetSuite refused Vendor Payment procurify-pay-55: Bad request',
    );
    netsuite.faults.failNext('upsert', new TransientError('netsuite: down', { source: 'netsuite' }));
    await expect(pushPayment(payment({ amount: '100.00' }), deps())).rejects.toBeInstanceOf(TransientError);
    expect(netsuite.writes).toEqual([]);
  });
});

describe('handlePaymentMessage with its batch’s facts', () => {
  it('pushes through the facts it is given, once', async () => {
    applies([application('b-1', '100.00')]);
    payment({ amount: '100.00' });
    const batchFacts = new InMemoryPaymentFacts(netsuite);
    batchFacts.bills.set('501', facts.bills.get('501')!);
    batchFacts.accounts = facts.accounts;
    const once = createInMemoryPushOnce();
    const handle = {
      state,
      defaultMode: 'push' as const,
      once,
      push: async () => deps(),
    };
    const message = { kind: 'payment', origin: 'poll', paymentId: '55', enqueuedAt: clock.iso() } as const;
    expect(await handlePaymentMessage(message, handle, batchFacts)).toMatchObject({
      status: 'synced',
      action: 'created',
    });
    expect([batchFacts.reads, facts.reads]).toEqual([1, 0]);
    expect(await handlePaymentMessage(message, handle)).toMatchObject({ duplicate: true });
    expect(netsuite.writes).toHaveLength(1);
  });
});
