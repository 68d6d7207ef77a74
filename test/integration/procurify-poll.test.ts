// The Procurify poll (bills and payments) on one machine, run on demand through the local scheduler as
// EventBridge would run it: approved bills enqueued once per version, watermarks that only move after
// enqueueing, the lease, and payments polled in push mode only (paid ones, never from before a switch).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { type QueuePublisher, SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { TransientError } from '../../shared/errors.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { changePaymentMode } from '../../shared/payment-mode.ts';
import { createProcurifyClient } from '../../shared/procurify/index.ts';
import {
  type ProcurifyPollSummary,
  polledBillStatuses,
  pollProcurify,
} from '../../shared/procurify-poll/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let state: DynamoStateStore;
let vendor = 0;
let accountCode = 0;
let department = 0;
let method = 0;

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  const store = stack.procurify.store;
  const location = store.addLocation({ name: 'Head Office', headquarter: true });
  department = store.addDepartment({ name: 'Operations', branch: location.id }).id;
  accountCode = store.addAccountCode({ code: '6100', description: 'Office Supplies' }).id;
  vendor = store.addVendor({ name: 'Northwind Paper Co', currency: 'USD' }).id;
  method = store.addPaymentMethod({ name: 'Operating - Check', type: 1, gl_code: '1000' }).id;
});

afterAll(async () => stack?.stop());

let invoices = 0;
const createBill = (status = 2) =>
  stack.procurify.createBill({
    vendor,
    invoice_number: `INV-${++invoices}`,
    status,
    items: [{ description: 'Paper', amount: '25.00', account_code: accountCode, department }],
  });

/** `last_modified_datetime` as the poll's watermark holds it (ISO, milliseconds). */
const modifiedIso = (uuid: string) =>
  new Date(Math.floor(stack.procurify.store.bill(uuid).modified / 1000)).toISOString();

async function poll(): Promise<ProcurifyPollSummary> {
  const run = await stack.scheduler.runNow('procurifyPoll');
  expect(run.error).toBeUndefined();
  return run.result as ProcurifyPollSummary;
}

const pollReceipts = async (uuid: string) =>
  (await state.read({ system: 'procurify', kind: 'bill', id: uuid })).filter(
    (entry) => entry.step === 'received' && entry.facts?.origin === 'poll',
  ).length;

describe('procurify poll', () => {
  it('enqueues each approved bill version once and moves the watermark after enqueueing', async () => {
    const first = createBill();
    const second = createBill();
    const confirmed = createBill(1);

    const run1 = await poll();
    expect(run1).toMatchObject({ skippedBecauseLeaseHeld: false, complete: true, paymentMode: 'push' });
    // Read to the end: the watermark is the run's start, after the newest bill read.
    expect(run1.bills).toMatchObject({ enqueued: 2, alreadyEnqueued: 0, watermarkAfter: run1.startedAt });
    expect(await state.getWatermark('procurify-poll:bills')).toBe(run1.startedAt);
    expect(run1.startedAt >= modifiedIso(second.uuid)).toBe(true);
    expect(run1.caughtUpTo).toBe(run1.startedAt);
    expect(run1.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(run1.lagSeconds).toBeLessThan(60);

    // Nothing changed: the overlap reads both again, the memo knows them.
    const run2 = await poll();
    expect(run2.bills).toMatchObject({
      enqueued: 0,
      alreadyEnqueued: 2,
      watermarkBefore: run1.startedAt,
      watermarkAfter: run2.startedAt,
    });

    // The confirmed bill is approved: only it is new.
    stack.procurify.approveBill(confirmed.uuid);
    const run3 = await poll();
    expect(run3.bills).toMatchObject({ enqueued: 1, alreadyEnqueued: 2, watermarkAfter: run3.startedAt });

    // A new version of a bill (edited after approval) is a new message.
    stack.procurify.editBill(first.uuid, { note: 'corrected' });
    expect((await poll()).bills).toMatchObject({ enqueued: 1, alreadyEnqueued: 2 });

    for (const [uuid, count] of [
      [first.uuid, 2],
      [second.uuid, 1],
      [confirmed.uuid, 1],
    ] as const) {
      await waitFor(async () => (await pollReceipts(uuid)) >= count || undefined, `poll messages of ${uuid}`);
      expect(await pollReceipts(uuid)).toBe(count);
    }
  });

  it('does nothing while another run holds the lease', async () => {
    const bill = createBill();
    expect(await state.acquireLease('procurify-poll', 'another-run', 60)).toBe(true);
    try {
      const skipped = await poll();
      expect(skipped.skippedBecauseLeaseHeld).toBe(true);
      expect(skipped.bills).toBeUndefined();
    } finally {
      await state.releaseLease('procurify-poll', 'another-run');
    }
    const run = await poll();
    expect(run.bills).toMatchObject({ enqueued: 1, watermarkAfter: run.startedAt });
    expect(run.startedAt >= modifiedIso(bill.uuid)).toBe(true);
  });

  it('polls paid payments in push mode only, and only those after a switch to push', async () => {
    const paid = stack.procurify.recordPayment({
      bills: [{ uuid: createBill().uuid, amount: '25.00' }],
      method,
      status: 'paid',
    });
    const processing = stack.procurify.recordPayment({
      bills: [{ uuid: createBill().uuid, amount: '25.00' }],
      method,
      status: 'processing',
    });
    const push = await poll();
    expect(push.paymentMode).toBe('push');
    expect(push.payments).toMatchObject({ enqueued: 1, alreadyEnqueued: 0 });
    const paymentsWatermark = await state.getWatermark('procurify-poll:payments');
    expect(paymentsWatermark).toBe(push.startedAt);
    expect(push.startedAt >= new Date(Math.floor(paid.modified / 1000)).toISOString()).toBe(true);

    await changePaymentMode(state, 'pull', 'test');
    stack.procurify.setPaymentStatus(processing.id, 'paid');
    const pull = await poll();
    expect(pull.paymentMode).toBe('pull');
    expect(pull.payments).toBeUndefined();
    expect(pull.complete).toBe(true);
    expect(await state.getWatermark('procurify-poll:payments')).toBe(paymentsWatermark);

    // Back to push: the payment paid while in pull mode is not pushed; a new one is.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await changePaymentMode(state, 'push', 'test');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = stack.procurify.recordPayment({
      bills: [{ uuid: createBill().uuid, amount: '25.00' }],
      method,
      status: 'paid',
    });
    const again = await poll();
    expect(again.paymentMode).toBe('push');
    expect(again.payments).toMatchObject({
      enqueued: 1,
      alreadyEnqueued: 0,
      watermarkAfter: again.startedAt,
    });
    expect(again.startedAt >= new Date(Math.floor(later.modified / 1000)).toISOString()).toBe(true);
  });

  it('keeps the watermark at the last batch that reached the queue when a send fails', async () => {
    createBill();
    createBill();
    // Approved bills and bills paid since approval are polled (polledBillStatuses).
    const approved = [...stack.procurify.store.bills.values()].filter((bill) =>
      polledBillStatuses.has(bill.status),
    ).length;
    expect(approved).toBeGreaterThanOrEqual(3);
    const sqs = new SQSClient(stack.aws.clientConfig('sqs'));
    const queue = new SqsQueuePublisher<BillMessage>(sqs, stack.aws.queueUrls.bill);
    let sends = 0;
    // The bill queue accepts one batch, then fails (SQS unavailable).
    const failing: QueuePublisher<BillMessage> = {
      send: (message) => queue.send(message),
      sendAll: async (messages) => {
        if (++sends > 1) throw new TransientError('sqs: service unavailable', { source: 'sqs' });
        await queue.sendAll(messages);
      },
    };
    const procurify = createProcurifyClient({
      baseUrl: stack.procurify.url,
      tokenUrl: stack.procurify.credentials.tokenUrl,
      clientId: stack.procurify.credentials.clientId,
      clientSecret: stack.procurify.credentials.clientSecret,
    });
    const deps = {
      procurify,
      state,
      bills: failing,
      payments: new SqsQueuePublisher<PaymentMessage>(sqs, stack.aws.queueUrls.payment),
      defaultPaymentMode: 'pull' as const,
    };
    const options = { name: 'procurify-poll-fault', batchSize: 1 };

    const failed = await pollProcurify(deps, options);
    expect(failed.errors.map((error) => error.errorClass)).toEqual(['transient']);
    expect(failed.summary).toMatchObject({ complete: false, bills: { enqueued: 1 } });
    expect(failed.summary.caughtUpTo).toBeUndefined();
    const watermark = await state.getWatermark('procurify-poll-fault:bills');
    expect(watermark).toBe(failed.summary.bills?.watermarkAfter);
    expect(watermark! < failed.summary.startedAt).toBe(true);

    sends = -1_000;
    const resumed = await pollProcurify(deps, options);
    expect(resumed.errors).toEqual([]);
    expect(resumed.summary.bills).toMatchObject({
      watermarkBefore: watermark,
      enqueued: approved - 1,
      alreadyEnqueued: 1,
      watermarkAfter: resumed.summary.startedAt,
    });
  });
});
