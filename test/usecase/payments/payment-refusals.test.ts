// Every refusal of the payment push (shared/payments/vendor-payment-plan.ts through push-payment.ts) over
// in-memory state, Procurify, NetSuite and payment facts: each named with what to do, nothing written to
// NetSuite; and the account and currency chosen when several could serve.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApPayment } from '../../../shared/ap/payment.ts';
import { type PushPaymentDependencies, pushPayment } from '../../../shared/payments/push-payment.ts';
import { toApPayment } from '../../../shared/procurify/ap-records.ts';
import type { PaymentApplication } from '../../../shared/procurify/ports.ts';
import type { ProcurifyPayment } from '../../../shared/procurify/schemas.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryPaymentFacts } from '../../support/in-memory/payment-facts.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { paidProcurifyPayment } from '../../support/procurify-payment.ts';

let state: InMemoryStateStore;
let procurify: InMemoryProcurify;
let netsuite: InMemoryNetSuite;
let facts: InMemoryPaymentFacts;

const payment = (overrides: Partial<ProcurifyPayment> = {}): ApPayment =>
  toApPayment(procurify.putPayment(paidProcurifyPayment({ amount: '100.00', ...overrides })));
const app = (
  billUuid: string,
  amount: string,
  extra: Partial<PaymentApplication> = {},
): PaymentApplication => ({
  billUuid,
  billId: Number(billUuid.replace(/\D/g, '')),
  vendorId: 7,
  currency: 'USD',
  amount,
  ...extra,
});
const applies = (applications: PaymentApplication[], complete = true, appliedTotal = '100.00') =>
  procurify.applications.set(55, { applications, appliedTotal, complete });
const deps = (): PushPaymentDependencies => ({ netsuite: { records: netsuite }, procurify, state, facts });
const bill = (id: string, extra: Partial<Parameters<InMemoryPaymentFacts['bills']['set']>[1]> = {}) =>
  facts.bills.set(id, {
    id,
    entity: '300',
    currency: '1',
    currencySymbol: 'USD',
    subsidiary: '2',
    status: 'A',
    unpaidCents: 10_000,
    ...extra,
  });

beforeEach(async () => {
  const clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  procurify = new InMemoryProcurify();
  netsuite = new InMemoryNetSuite();
  facts = new InMemoryPaymentFacts(netsuite);
  facts.accounts = [
    { id: '11', number: '1000', type: 'Bank', inactive: false, currency: '1' },
    { id: '12', number: '2000', type: 'Bank', inactive: true },
    { id: '13', number: '3000', type: 'Expense', inactive: false },
  ];
  await state.link({ kind: 'vendor', procurifyId: '7', netsuiteId: '300', origin: 'created' });
  for (const [uuid, id] of [
    ['b-1', '501'],
    ['b-2', '502'],
  ] as const) {
    bill(id);
    await state.link({ kind: 'bill', procurifyId: uuid, netsuiteId: id, origin: 'created' });
  }
});

const refused = async (current: ApPayment): Promise<string> => {
  const error = await pushPayment(current, deps()).then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  expect(error).toBeInstanceOf(Error);
  expect(netsuite.writes).toEqual([]);
  return error!.message;
};

describe('pushPayment refuses, naming what to do', () => {
  it('Procurify’s own picture: a negative amount, an incomplete split, two vendors, two currencies, no date', async () => {
    applies([app('b-1', '-5.00')]);
    expect(await refused(payment())).toMatch(
      /Procurify shows an amount of -5.00 applied to Procurify bill 1 \(b-1\); check the payment in Procurify, then re-sync it$/,
    );
    applies([app('b-1', '60.00')], false, '60.00');
    expect(await refused(payment())).toMatch(
      /Procurify shows where only 60.00 of payment 55's 100.00 USD went \(1 bill\(s\)\); a bill paid again since hides the split/,
    );
    applies([app('b-1', '0.00')]);
    expect(await refused(payment())).toMatch(/went \(0 bill\(s\)\)/);
    applies([app('b-1', '50.00'), app('b-2', '50.00', { vendorId: 8 })]);
    expect(await refused(payment())).toMatch(
      /payment 55 pays bills of Procurify vendors 7 and 8; one Vendor Payment pays one vendor$/,
    );
    applies([app('b-1', '50.00'), app('b-2', '50.00', { currency: 'CAD' })]);
    expect(await refused(payment())).toMatch(
      /payment 55 is in USD but pays bills in USD and CAD; one Vendor Payment has one currency$/,
    );
    applies([app('b-1', '100.00')]);
    expect(await refused(payment({ posted_date: null, processing_date: null }))).toMatch(
      /Procurify payment 55 has neither a posted nor a processing date$/,
    );
  });

  it('links: an unsynced bill with why (failed, parked, excluded), an unlinked vendor', async () => {
    await state.putState({
      ref: { system: 'procurify', kind: 'bill', id: 'b-8' },
      status: 'failed',
      message: 'NetSuite said no',
    });
    await state.putState({ ref: { system: 'procurify', kind: 'bill', id: 'b-9' }, status: 'review' });
    applies([app('b-8', '50.00'), app('b-9', '50.00')]);
    expect(await refused(payment())).toMatch(
      /Procurify bill 8 \(b-8\) and Procurify bill 9 \(b-9\) have no NetSuite Vendor Bill \(its bill sync failed: NetSuite said no\) \(its bill sync is parked: no message\); sync the bill, then re-sync the payment$/,
    );
    applies([app('b-1', '100.00', { vendorId: 9 })]);
    expect(await refused(payment())).toMatch(
      /Procurify vendor 9 \(Northwind\) has no link to a NetSuite vendor; sync the vendor from NetSuite and re-sync its bills, then re-sync the payment$/,
    );
  });

  it('the NetSuite bills: gone, of two vendors, of another vendor, in another currency', async () => {
    await state.link({ kind: 'bill', procurifyId: 'b-3', netsuiteId: '503', origin: 'created' });
    applies([app('b-3', '100.00')]);
    expect(await refused(payment())).toMatch(
      /the NetSuite Vendor Bill 503 linked to Procurify bill 3 \(b-3\) no longer exists; re-sync the bill, then the payment$/,
    );
    bill('502', { entity: '301' });
    applies([app('b-1', '50.00'), app('b-2', '50.00')]);
    expect(await refused(payment())).toMatch(
      /the NetSuite Vendor Bills 501 and 502 of payment 55 belong to NetSuite vendors 300 and 301$/,
    );
    applies([app('b-2', '100.00')]);
    expect(await refused(payment())).toMatch(
      /Procurify vendor 7 is linked to NetSuite vendor 300, but NetSuite Vendor Bill 502 belongs to NetSuite vendor 301; re-sync the bill, then the payment$/,
    );
    bill('502', { currency: '2', currencySymbol: 'CAD' });
    expect(await refused(payment())).toMatch(
      /payment 55 is in USD but its NetSuite Vendor Bills are in CAD$/,
    );
    bill('502', { currency: '2', currencySymbol: undefined });
    applies([app('b-1', '50.00'), app('b-2', '50.00')]);
    // One bill without a currency symbol: the currencies are named by id, not as "USD" alone.
    expect(await refused(payment())).toMatch(
      /payment 55 is in USD but its NetSuite Vendor Bills are in 1 and 2$/,
    );
  });

  it('the payment account: none with the GL code, one inactive, one not a bank account', async () => {
    applies([app('b-1', '100.00')]);
    expect(await refused(payment({ gl_code: '9999' }))).toMatch(
      /no active NetSuite bank account has the Number 9999, the GL code of its payment method; fix the GL code or the NetSuite account, then re-sync the payment$/,
    );
    expect(await refused(payment({ gl_code: '2000' }))).toMatch(
      /\(NetSuite account 12 has that Number but is inactive\)/,
    );
    expect(await refused(payment({ gl_code: '3000' }))).toMatch(
      /\(NetSuite account 13 has that Number but is of type Expense, not Bank\)/,
    );
  });

  it('an amount above what is open, also on a bill paid in full', async () => {
    bill('501', { status: 'B', unpaidCents: 0 });
    applies([app('b-1', '100.00')]);
    expect(await refused(payment())).toMatch(
      /100.00 USD applied to Procurify bill 1 \(b-1\) is more than the open amount 0.00 of NetSuite Vendor Bill 501 \(.+\); check the payment and the bill in both systems, then re-sync the payment$/,
    );
  });
});

describe('pushPayment chooses', () => {
  it('the bank account in the bills’ currency among those with the GL code', async () => {
    facts.accounts = [
      { id: '14', number: '1000', type: 'Bank', inactive: false, currency: '2' },
      { id: '15', number: '1000', type: 'Bank', inactive: false, currency: '1' },
    ];
    applies([app('b-1', '100.00')]);
    const outcome = await pushPayment(payment({ payment_source_name: null }), deps());
    expect(outcome.status).toBe('synced');
    expect(netsuite.writes[0]!.body).toMatchObject({ account: { id: '15' }, currency: { id: '1' } });
  });
});
