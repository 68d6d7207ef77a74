// The payment mode on one machine: reading the default, changing it (audited), and switching
// affecting only new activity — a payment pushed in push mode stays and the pull does not look at its
// bill (it reads only bills paid after the switch); after the switch to pull a queued payment message
// ends with "mode is pull"; after switching back it is pushed.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { DemoSummary } from '../../infra/sandboxes/netsuite/index.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { changePaymentMode, paymentModeAuditRef, readPaymentMode } from '../../shared/payment-mode.ts';
import type { PaidBillPullSummary } from '../../shared/payments/pull-paid-bills.ts';
import type { RecordState } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { settledState } from '../support/sync-outcome.ts';

let stack: LocalStack;
let state: DynamoStateStore;
let queue: SqsQueuePublisher<PaymentMessage>;
let demo: DemoSummary;
let procurifyVendor: number;
let method: number;
let accountCode: number;
let department: number;

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  queue = new SqsQueuePublisher(new SQSClient(stack.aws.clientConfig('sqs')), stack.aws.queueUrls.payment);
  demo = stack.netsuite.seedDemo({ vendors: 2, bills: 0, payments: 0 });
  const store = stack.procurify.store;
  const location = store.addLocation({ name: 'Head Office', headquarter: true });
  department = store.addDepartment({ name: 'Operations', branch: location.id }).id;
  accountCode = store.addAccountCode({ code: '6100', description: 'Office Supplies' }).id;
  procurifyVendor = store.addVendor({ name: 'Northwind Traders Inc.', currency: 'USD' }).id;
  method = store.addPaymentMethod({ name: 'Operating - Check', type: 1, gl_code: '1000' }).id;
  await state.link({
    kind: 'vendor',
    procurifyId: String(procurifyVendor),
    netsuiteId: demo.vendors[0]!,
    origin: 'created',
  });
});

afterAll(async () => stack?.stop());

async function paidPayment(amount: number) {
  const [netsuiteId] = stack.netsuite.seed({
    records: {
      vendorBill: [
        {
          entity: { id: demo.vendors[0] },
          tranDate: '2026-02-01',
          expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount }] },
        },
      ],
    },
  }).created.vendorBill!;
  const bill = stack.procurify.store.createBill({
    vendor: procurifyVendor,
    invoice_number: `MODE-${netsuiteId}`,
    status: 2,
    items: [{ description: 'Paper', amount: amount.toFixed(2), account_code: accountCode, department }],
  });
  await state.link({ kind: 'bill', procurifyId: bill.uuid, netsuiteId: netsuiteId!, origin: 'created' });
  const payment = stack.procurify.recordPayment({
    bills: [{ uuid: bill.uuid, amount: amount.toFixed(2) }],
    method,
    payment_date: '2026-03-08',
    status: 'paid',
  });
  return { paymentId: String(payment.id), billUuid: bill.uuid, netsuiteBillId: netsuiteId! };
}

/** Queues the payment and waits until the worker finished this message (outcome, link and state written). */
async function send(paymentId: string): Promise<{ state: RecordState; messageId: string }> {
  const ref = { system: 'procurify', kind: 'payment', id: paymentId } as const;
  const before = (await state.read(ref)).length;
  const { messageId } = await queue.send({
    kind: 'payment',
    origin: 'poll',
    paymentId,
    enqueuedAt: new Date().toISOString(),
  });
  return { state: (await settledState(stack, state, ref, { after: before }))!, messageId };
}

const vendorPayments = (paymentId: string) =>
  stack.netsuite.store
    .list('vendorPayment')
    .filter((record) => String(record.fields.externalId).toLowerCase() === `procurify-pay-${paymentId}`);

describe('payment mode', () => {
  it('reads the deployment default until an operator sets one', async () => {
    expect(await readPaymentMode(state)).toEqual({ mode: 'push', source: 'default' });
    expect(await readPaymentMode(state, 'pull')).toEqual({ mode: 'pull', source: 'default' });
  });

  it('changes the mode and records who changed it in the audit trail', async () => {
    const at = new Date('2026-03-08T09:00:00Z');
    expect(await changePaymentMode(state, 'pull', 'alice', 'push', at)).toEqual({
      previous: 'push',
      current: 'pull',
      changed: true,
    });
    expect(await readPaymentMode(state)).toEqual({
      mode: 'pull',
      source: 'operator',
      changedAt: at.toISOString(),
      changedBy: 'alice',
    });
    // Setting the mode it already has changes nothing and adds no audit entry.
    expect((await changePaymentMode(state, 'pull', 'bob')).changed).toBe(false);
    expect(await changePaymentMode(state, 'push', 'alice')).toMatchObject({
      previous: 'pull',
      current: 'push',
    });
    const trail = await state.read(paymentModeAuditRef);
    expect(trail.map((entry) => entry.message)).toEqual([
      'payment mode changed from push to pull',
      'payment mode changed from pull to push',
    ]);
    expect(trail[0]!.facts).toMatchObject({ previous: 'push', current: 'pull', changedBy: 'alice' });
  });

  it('switching affects only new activity: a pushed payment stays, a queued one ends "mode is pull"', async () => {
    expect((await readPaymentMode(state)).mode).toBe('push');
    const pushed = await paidPayment(75);
    expect((await send(pushed.paymentId)).state.status).toBe('synced');
    expect(vendorPayments(pushed.paymentId)).toHaveLength(1);

    // The switch comes after the pushed payment reached NetSuite (its bill's last-modified second).
    const pushedBill = stack.netsuite.record('vendorBill', pushed.netsuiteBillId) as {
      lastModifiedDate: string;
    };
    await changePaymentMode(
      state,
      'pull',
      'alice',
      'push',
      new Date(Date.parse(pushedBill.lastModifiedDate) + 1000),
    );
    const later = await paidPayment(25);
    const { state: skipped, messageId } = await send(later.paymentId);
    expect(skipped).toMatchObject({ status: 'skipped', message: 'mode is pull' });
    expect(vendorPayments(later.paymentId)).toHaveLength(0);
    expect(await state.getFailure('payment', messageId)).toBeUndefined();

    // The payment pushed under push mode is left as it was, even when a message for it comes again.
    const again = await send(pushed.paymentId);
    expect(again.state.status).toBe('synced');
    expect(vendorPayments(pushed.paymentId)).toHaveLength(1);
    const bill = stack.netsuite.record('vendorBill', pushed.netsuiteBillId) as { status: { id: string } };
    expect(bill.status.id).toBe('B');
    // The pull considers only bills paid after the switch: the pushed payment's bill is not among them.
    const run = await stack.scheduler.runNow('paidBillPull');
    const summary = run.result as PaidBillPullSummary;
    expect(summary).toMatchObject({ examined: 0, marked: 0, unknown: 0, alreadyPaid: 0 });
    expect(summary.since! > pushedBill.lastModifiedDate.slice(0, 19).replace('T', ' ')).toBe(true);
    expect(stack.procurify.store.bills.get(pushed.billUuid)?.status).toBe(4);

    // Back to push: the payment skipped in pull mode is pushed when it comes again.
    await changePaymentMode(state, 'push', 'alice');
    expect((await send(later.paymentId)).state.status).toBe('synced');
    expect(vendorPayments(later.paymentId)).toHaveLength(1);
  });
});
