// Payment push on one machine: a Procurify payment (sandbox) → payment queue → payment-push worker →
// NetSuite Vendor Payment (sandbox) applied to the linked Vendor Bills. Bills, links and payments are
// seeded here (bill sync is another flow); assertions read the sandboxes' stores and the state table.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { DemoSummary } from '../../infra/sandboxes/netsuite/index.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import type { RecordState } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { settledState } from '../support/sync-outcome.ts';

let stack: LocalStack;
let state: DynamoStateStore;
let queue: SqsQueuePublisher<PaymentMessage>;
let demo: DemoSummary;
let netsuiteVendor: string;
let procurifyVendor: number;
let unlinkedProcurifyVendor: number;
let checkMethod: number;
let unmatchedMethod: number;
let accountCode: number;
let department: number;
let invoice = 0;

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  queue = new SqsQueuePublisher(new SQSClient(stack.aws.clientConfig('sqs')), stack.aws.queueUrls.payment);
  demo = stack.netsuite.seedDemo({ vendors: 3, bills: 0, payments: 0 });
  netsuiteVendor = demo.vendors[0]!;
  const store = stack.procurify.store;
  const location = store.addLocation({ name: 'Head Office', headquarter: true });
  department = store.addDepartment({ name: 'Operations', branch: location.id }).id;
  accountCode = store.addAccountCode({ code: '6100', description: 'Office Supplies' }).id;
  procurifyVendor = store.addVendor({ name: 'Northwind Traders Inc.', currency: 'USD' }).id;
  unlinkedProcurifyVendor = store.addVendor({ name: 'Unlinked Supply Co', currency: 'USD' }).id;
  // GL code 1000 = NetSuite's "Operating Checking" bank account; 4321 is no account's Number.
  checkMethod = store.addPaymentMethod({ name: 'Operating - Check', type: 1, gl_code: '1000' }).id;
  unmatchedMethod = store.addPaymentMethod({ name: 'Old Wire', type: 4, gl_code: '4321' }).id;
  await state.link({
    kind: 'vendor',
    procurifyId: String(procurifyVendor),
    netsuiteId: netsuiteVendor,
    origin: 'created',
  });
});

afterAll(async () => stack?.stop());

/** A bill on both sides, linked as bill sync would link it (unless `linked` is false). */
async function syncedBill(
  amount: number,
  options: { linked?: boolean; vendor?: number; netsuite?: Record<string, unknown> } = {},
) {
  invoice += 1;
  const [netsuiteId] = stack.netsuite.seed({
    records: {
      vendorBill: [
        {
          entity: { id: netsuiteVendor },
          tranDate: '2026-02-01',
          tranId: `INV-${invoice}`,
          expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount }] },
          ...options.netsuite,
        },
      ],
    },
  }).created.vendorBill!;
  const procurifyBill = stack.procurify.store.createBill({
    vendor: options.vendor ?? procurifyVendor,
    invoice_number: `INV-${invoice}`,
    status: 2,
    items: [{ description: 'Paper', amount: amount.toFixed(2), account_code: accountCode, department }],
  });
  if (options.linked !== false) {
    await state.link({
      kind: 'bill',
      procurifyId: procurifyBill.uuid,
      netsuiteId: netsuiteId!,
      origin: 'created',
    });
  }
  return { uuid: procurifyBill.uuid, netsuiteId: netsuiteId! };
}

function pay(bills: Array<{ uuid: string; amount: string }>, method = checkMethod) {
  return stack.procurify.recordPayment({ bills, method, payment_date: '2026-03-05', status: 'paid' });
}

/** Queues the payment and waits until the worker finished this message (outcome, link and state written). */
async function push(paymentId: number): Promise<{ state: RecordState; messageId: string }> {
  const ref = paymentRef(paymentId);
  const before = (await state.read(ref)).length;
  const { messageId } = await queue.send({
    kind: 'payment',
    origin: 'poll',
    paymentId: String(paymentId),
    enqueuedAt: new Date().toISOString(),
  });
  return { state: (await settledState(stack, state, ref, { after: before }))!, messageId };
}

const paymentRef = (paymentId: number) =>
  ({ system: 'procurify', kind: 'payment', id: String(paymentId) }) as const;

const vendorPayments = (paymentId: number) =>
  stack.netsuite.store
    .list('vendorPayment')
    .filter((record) => String(record.fields.externalId).toLowerCase() === `procurify-pay-${paymentId}`);

function billStatus(netsuiteId: string) {
  const bill = stack.netsuite.record('vendorBill', netsuiteId) as { status: { id: string }; balance: number };
  return { status: bill.status.id, balance: bill.balance };
}

function written(paymentId: number) {
  const vendorPayment = vendorPayments(paymentId);
  expect(vendorPayment).toHaveLength(1);
  const rendered = stack.netsuite.record('vendorPayment', vendorPayment[0]!.id) as {
    entity: { id: string };
    account: { id: string; refName: string };
    currency: { id: string };
    subsidiary: { id: string };
    tranDate: string;
    externalId: string;
    total: number;
    apply: { items: Array<{ doc: { id: string }; apply: boolean; amount?: number }> };
  };
  return {
    ...rendered,
    id: vendorPayment[0]!.id,
    applied: rendered.apply.items
      .filter((item) => item.apply)
      .map((item) => ({ bill: item.doc.id, amount: item.amount }))
      .sort((a, b) => a.bill.localeCompare(b.bill)),
  };
}

const putsFor = (paymentId: number) =>
  stack.netsuite
    .requestLog()
    .filter(
      (entry) =>
        entry.method === 'PUT' && entry.path.endsWith(`/vendorPayment/eid:procurify-pay-${paymentId}`),
    );

describe('payment push (push mode)', () => {
  it('writes one Vendor Payment for a payment of one bill: vendor, account, date, amount, external id', async () => {
    const bill = await syncedBill(120.5);
    const payment = pay([{ uuid: bill.uuid, amount: '120.50' }]);
    const { state: outcome } = await push(payment.id);
    expect(outcome).toMatchObject({ status: 'synced' });
    const vendorPayment = written(payment.id);
    expect(vendorPayment).toMatchObject({
      entity: { id: netsuiteVendor },
      account: { id: demo.bankAccounts[0], refName: '1000 Operating Checking' },
      currency: { id: demo.currencies.USD },
      tranDate: '2026-03-05',
      externalId: `procurify-pay-${payment.id}`,
      total: 120.5,
    });
    expect(vendorPayment.applied).toEqual([{ bill: bill.netsuiteId, amount: 120.5 }]);
    expect(billStatus(bill.netsuiteId)).toEqual({ status: 'B', balance: 0 });
    const link = await state.findBySource('procurify', 'payment', String(payment.id));
    expect(link?.netsuiteId).toBe(vendorPayment.id);
    const trail = await state.read({ system: 'procurify', kind: 'payment', id: String(payment.id) });
    expect(trail.map((entry) => entry.step)).toEqual(['received', 'fetched', 'written']);
  });

  it('applies one payment to three bills with the amount of each, one of them partly paid', async () => {
    const bills = [await syncedBill(100), await syncedBill(250), await syncedBill(80)];
    const payment = pay([
      { uuid: bills[0]!.uuid, amount: '100.00' },
      { uuid: bills[1]!.uuid, amount: '250.00' },
      { uuid: bills[2]!.uuid, amount: '30.25' },
    ]);
    const { state: outcome } = await push(payment.id);
    expect(outcome.status).toBe('synced');
    expect(outcome.message).toMatch(/applies 380.25 USD to 3 bill\(s\)/);
    const vendorPayment = written(payment.id);
    expect(vendorPayment.total).toBe(380.25);
    expect(vendorPayment.applied).toEqual(
      [
        { bill: bills[0]!.netsuiteId, amount: 100 },
        { bill: bills[1]!.netsuiteId, amount: 250 },
        { bill: bills[2]!.netsuiteId, amount: 30.25 },
      ].sort((a, b) => a.bill.localeCompare(b.bill)),
    );
    expect(billStatus(bills[0]!.netsuiteId)).toEqual({ status: 'B', balance: 0 });
    expect(billStatus(bills[1]!.netsuiteId)).toEqual({ status: 'B', balance: 0 });
    expect(billStatus(bills[2]!.netsuiteId)).toEqual({ status: 'A', balance: 49.75 });
    const rows = stack.netsuite.store.get('vendorBill', bills[2]!.netsuiteId);
    expect(rows).toBeDefined();
  });

  it('reads the NetSuite facts of several payments in bulk: no GET of a Vendor Payment by external id', async () => {
    const bills = [await syncedBill(40), await syncedBill(50), await syncedBill(60), await syncedBill(70)];
    const payments = bills.map((bill, index) =>
      pay([{ uuid: bill.uuid, amount: (40 + 10 * index).toFixed(2) }]),
    );
    const outcomes = await Promise.all(payments.map((payment) => push(payment.id)));
    expect(outcomes.map(({ state: outcome }) => outcome.status)).toEqual([
      'synced',
      'synced',
      'synced',
      'synced',
    ]);
    for (const [index, payment] of payments.entries()) {
      expect(written(payment.id).applied).toEqual([
        { bill: bills[index]!.netsuiteId, amount: 40 + 10 * index },
      ]);
    }
    // Whether a Vendor Payment exists is a SuiteQL question now (one for the batch), not a GET each.
    const gets = stack.netsuite
      .requestLog()
      .filter(
        (entry) =>
          entry.method === 'GET' &&
          payments.some((payment) => entry.path.endsWith(`/vendorPayment/eid:procurify-pay-${payment.id}`)),
      );
    expect(gets).toEqual([]);
  });

  it('pays the rest of a partly paid bill with a second payment', async () => {
    const bill = await syncedBill(60);
    const first = pay([{ uuid: bill.uuid, amount: '20.00' }]);
    expect((await push(first.id)).state.status).toBe('synced');
    expect(billStatus(bill.netsuiteId)).toEqual({ status: 'A', balance: 40 });
    const second = pay([{ uuid: bill.uuid, amount: '40.00' }]);
    expect((await push(second.id)).state.status).toBe('synced');
    expect(billStatus(bill.netsuiteId)).toEqual({ status: 'B', balance: 0 });
    expect(written(second.id).applied).toEqual([{ bill: bill.netsuiteId, amount: 40 }]);
  });
});

describe('payment push of payments that are not (or no longer) paid', () => {
  it('skips a payment not yet paid and pushes it once it is', async () => {
    const bill = await syncedBill(12);
    const payment = stack.procurify.recordPayment({
      bills: [{ uuid: bill.uuid, amount: '12.00' }],
      method: checkMethod,
      payment_date: '2026-03-05',
      status: 'processing',
    });
    const { state: skipped } = await push(payment.id);
    expect(skipped.status).toBe('skipped');
    expect(skipped.message).toBe('payment status is processing; it is pushed to NetSuite once paid');
    expect(vendorPayments(payment.id)).toHaveLength(0);
    stack.procurify.setPaymentStatus(payment.id, 'paid');
    const { state: pushed } = await push(payment.id);
    expect(pushed.status).toBe('synced');
    expect(written(payment.id).applied).toEqual([{ bill: bill.netsuiteId, amount: 12 }]);
  });

  it('parks for review a pushed payment that later failed in Procurify', async () => {
    const bill = await syncedBill(14);
    const payment = pay([{ uuid: bill.uuid, amount: '14.00' }]);
    expect((await push(payment.id)).state.status).toBe('synced');
    stack.procurify.setPaymentStatus(payment.id, 'failed');
    const { state: review } = await push(payment.id);
    expect(review.status).toBe('review');
    expect(review.message).toMatch(
      /was pushed to NetSuite but is now failed in Procurify; void the Vendor Payment/,
    );
    expect(vendorPayments(payment.id)).toHaveLength(1);
  });
});

describe('payment push data errors (no retry, message on the payment)', () => {
  async function failed(paymentId: number) {
    const { state: outcome, messageId } = await push(paymentId);
    expect(outcome.status).toBe('failed');
    expect(outcome.errorClass).toBe('data');
    expect(vendorPayments(paymentId)).toHaveLength(0);
    expect(putsFor(paymentId)).toHaveLength(0);
    // Ended, not retried: a retried message has its failure logged for `apsync dlq`.
    expect(await state.getFailure('payment', messageId)).toBeUndefined();
    return outcome.message ?? '';
  }

  it('"Bill not synced" when a bill has no NetSuite link, naming the bill', async () => {
    const bill = await syncedBill(10, { linked: false });
    const payment = pay([{ uuid: bill.uuid, amount: '10.00' }]);
    const message = await failed(payment.id);
    expect(message).toMatch(/^Bill not synced: /);
    expect(message).toContain(bill.uuid);
    expect(billStatus(bill.netsuiteId)).toEqual({ status: 'A', balance: 10 });
  });

  it('"Payment account not found" when no active bank account has the GL code, naming the code', async () => {
    const bill = await syncedBill(10);
    const payment = pay([{ uuid: bill.uuid, amount: '10.00' }], unmatchedMethod);
    const message = await failed(payment.id);
    expect(message).toMatch(/^Payment account not found: /);
    expect(message).toContain('4321');
    const current = await state.getState({ system: 'procurify', kind: 'payment', id: String(payment.id) });
    expect(current?.waitingFor).toEqual(['account-number:4321']);
  });

  it('"Sync could not complete" when the vendor has no NetSuite link, naming the missing link', async () => {
    const bill = await syncedBill(10, { vendor: unlinkedProcurifyVendor });
    const payment = pay([{ uuid: bill.uuid, amount: '10.00' }]);
    const message = await failed(payment.id);
    expect(message).toMatch(/^Sync could not complete: /);
    expect(message).toContain(`Procurify vendor ${unlinkedProcurifyVendor}`);
  });

  it('"Sync could not complete" when the linked NetSuite bill no longer exists', async () => {
    const bill = await syncedBill(10);
    stack.netsuite.store.delete('vendorBill', bill.netsuiteId);
    const payment = pay([{ uuid: bill.uuid, amount: '10.00' }]);
    const message = await failed(payment.id);
    expect(message).toMatch(/^Sync could not complete: the NetSuite Vendor Bill \d+ linked to/);
  });

  it('refuses an amount above the NetSuite bill’s open amount (partly paid in NetSuite meanwhile)', async () => {
    const bill = await syncedBill(100);
    stack.netsuite.userCreate('vendorPayment', {
      entity: { id: netsuiteVendor },
      account: { id: demo.bankAccounts[0] },
      tranDate: '2026-03-02',
      apply: { items: [{ doc: { id: bill.netsuiteId }, apply: true, amount: 70 }] },
    });
    const payment = pay([{ uuid: bill.uuid, amount: '100.00' }]);
    const message = await failed(payment.id);
    expect(message).toMatch(/^Amount above open balance: 100.00 USD applied to /);
    expect(message).toContain('open amount 30.00');
    expect(billStatus(bill.netsuiteId)).toEqual({ status: 'A', balance: 30 });
  });

  it('"Sync could not complete" with NetSuite’s own words when NetSuite refuses the Vendor Payment', async () => {
    const bill = await syncedBill(10, { netsuite: { paymentHold: true } });
    const payment = pay([{ uuid: bill.uuid, amount: '10.00' }]);
    const { state: outcome, messageId } = await push(payment.id);
    expect(outcome).toMatchObject({ status: 'failed', errorClass: 'data' });
    expect(outcome.message).toMatch(
      new RegExp(
        `^Sync could not complete: NetSuite refused Vendor Payment procurify-pay-${payment.id}: .*payment hold`,
      ),
    );
    expect(vendorPayments(payment.id)).toHaveLength(0);
    expect(await state.getFailure('payment', messageId)).toBeUndefined();
  });

  it('refuses bills whose NetSuite bills belong to different vendors', async () => {
    const first = await syncedBill(10);
    const second = await syncedBill(10);
    // The second link points at a bill of another NetSuite vendor (a wrong or stale link).
    const [otherVendorsBill] = stack.netsuite.seed({
      records: {
        vendorBill: [
          {
            entity: { id: demo.vendors[1] },
            tranDate: '2026-02-01',
            expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount: 10 }] },
          },
        ],
      },
    }).created.vendorBill!;
    await state.link({
      kind: 'bill',
      procurifyId: second.uuid,
      netsuiteId: otherVendorsBill!,
      origin: 'created',
    });
    const payment = pay([
      { uuid: first.uuid, amount: '10.00' },
      { uuid: second.uuid, amount: '10.00' },
    ]);
    const message = await failed(payment.id);
    expect(message).toMatch(/^Bills of different vendors: /);
  });

  it('pushes the payment after the missing link appears and the payment is re-sent', async () => {
    const bill = await syncedBill(15, { linked: false });
    const payment = pay([{ uuid: bill.uuid, amount: '15.00' }]);
    expect(await failed(payment.id)).toMatch(/^Bill not synced/);
    await state.link({
      kind: 'bill',
      procurifyId: bill.uuid,
      netsuiteId: bill.netsuiteId,
      origin: 'created',
    });
    const { messageId } = await queue.send({
      kind: 'payment',
      origin: 'resync',
      paymentId: String(payment.id),
      enqueuedAt: new Date().toISOString(),
    });
    expect(messageId).not.toBe('');
    const fixed = await settledState(stack, state, paymentRef(payment.id), {
      where: (entry) => entry.step === 'written',
    });
    expect(fixed?.status).toBe('synced');
    expect(written(payment.id).applied).toEqual([{ bill: bill.netsuiteId, amount: 15 }]);
  });
});
