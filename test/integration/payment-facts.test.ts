// The payment push's NetSuite facts of a batch (createNetSuitePaymentFacts) against the NetSuite sandbox
// over HTTP: the batch's bills and its Vendor Payments by external id come from one SuiteQL query, the
// same bill facts as the bills-only query gives; a Vendor Payment already written is read with one GET,
// and the bills it applies to beyond those asked with one more query; the accounts of a GL code come
// from the cache once read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoSummary,
  type NetSuiteSandbox,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { createNetSuiteClient, type NetSuiteClient } from '../../shared/netsuite/index.ts';
import {
  createNetSuitePaymentFacts,
  PaymentAccountCache,
  readBillFacts,
} from '../../shared/payments/netsuite-payment-facts.ts';

let sandbox: NetSuiteSandbox;
let client: NetSuiteClient;
let demo: DemoSummary;
let bills: string[];
let vendorPaymentId: string;

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox();
  client = createNetSuiteClient({ baseUrl: sandbox.url, ...sandbox.credentials, concurrencyShare: 2 });
  demo = sandbox.seedDemo({ vendors: 3, bills: 0, payments: 0 });
  const vendor = demo.vendors[0]!;
  bills =
    sandbox.seed({
      records: {
        vendorBill: [100, 200, 300, 400].map((amount, index) => ({
          entity: { id: vendor },
          tranDate: '2026-02-01',
          tranId: `FACT-${index}`,
          expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount }] },
        })),
      },
    }).created.vendorBill ?? [];
  // Written before (a retry after the write): pays all of bill 0 and part of bill 2.
  vendorPaymentId = sandbox.seed({
    records: {
      vendorPayment: [
        {
          entity: { id: vendor },
          account: { id: demo.bankAccounts[0] },
          tranDate: '2026-03-05',
          externalId: 'procurify-pay-1',
          apply: {
            items: [
              { doc: { id: bills[0] }, apply: true, amount: 100 },
              { doc: { id: bills[2] }, apply: true, amount: 120.5 },
            ],
          },
        },
      ],
    },
  }).created.vendorPayment![0]!;
});

afterAll(async () => sandbox?.close());

const requests = () =>
  sandbox
    .requestLog()
    .filter((entry) => !entry.path.endsWith('/token'))
    .map((entry) => `${entry.method} ${entry.path.replace(/\/\d+$/, '/{id}')}`)
    .sort();

describe('the NetSuite facts of a batch of payments', () => {
  it('reads bills and existing Vendor Payments in one query, with a GET only for the one found', async () => {
    const facts = createNetSuitePaymentFacts(client, new PaymentAccountCache());
    sandbox.clearRequestLog();
    const [written, fresh, gone] = await facts.readMany([
      { externalId: 'procurify-pay-1', billIds: [bills[0]!], glCode: '1000' },
      { externalId: 'procurify-pay-2', billIds: [bills[1]!, bills[3]!], glCode: '1000' },
      { externalId: 'procurify-pay-3', billIds: ['999999'], glCode: null },
    ]);
    // The combined query, the accounts of 1000, the Vendor Payment's GET and its other bill (bill 2).
    expect(requests()).toEqual([
      'GET /services/rest/record/v1/vendorPayment/{id}',
      'POST /services/rest/query/v1/suiteql',
      'POST /services/rest/query/v1/suiteql',
      'POST /services/rest/query/v1/suiteql',
    ]);
    expect(written!.existing).toMatchObject({ id: vendorPaymentId, accountId: demo.bankAccounts[0] });
    expect(Object.fromEntries(written!.existing!.applied)).toEqual({
      [bills[0]!]: 10_000,
      [bills[2]!]: 12_050,
    });
    // The bills asked for and the one the Vendor Payment also applies to, as the bills-only query reads them.
    const expected = await readBillFacts(client.suiteQl, bills);
    expect(Object.fromEntries(written!.bills)).toEqual({
      [bills[0]!]: expected.get(bills[0]!),
      [bills[2]!]: expected.get(bills[2]!),
    });
    expect(expected.get(bills[2]!)!.unpaidCents).toBe(30_000 - 12_050);
    expect(fresh!.existing).toBeUndefined();
    expect(Object.fromEntries(fresh!.bills)).toEqual({
      [bills[1]!]: expected.get(bills[1]!),
      [bills[3]!]: expected.get(bills[3]!),
    });
    expect(fresh!.accounts.map((account) => account.number)).toEqual(['1000']);
    expect(written!.accounts).toEqual(fresh!.accounts);
    expect(gone).toEqual({ bills: new Map(), accounts: [] });
  });

  it('reads a batch of new payments in one query once the GL code’s accounts are kept', async () => {
    const facts = createNetSuitePaymentFacts(client, new PaymentAccountCache());
    await facts.read({ externalId: 'procurify-pay-4', billIds: [bills[1]!], glCode: '1000' });
    sandbox.clearRequestLog();
    const answers = await facts.readMany([
      { externalId: 'procurify-pay-5', billIds: [bills[1]!], glCode: '1000' },
      { externalId: 'procurify-pay-6', billIds: [bills[3]!], glCode: ' 1000 ' },
    ]);
    expect(answers.map((answer) => [...answer.bills.keys()])).toEqual([[bills[1]], [bills[3]]]);
    expect(answers.map((answer) => answer.accounts.length)).toEqual([1, 1]);
    expect(requests()).toEqual(['POST /services/rest/query/v1/suiteql']);
  });
});
