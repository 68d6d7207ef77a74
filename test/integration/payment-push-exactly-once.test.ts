// Payment push "exactly once" on one machine: a 429 storm from NetSuite, a crash between the NetSuite write
// and apsync's own bookkeeping (thrown, and with DynamoDB gone so the idempotency lock stays behind),
// and ten manual re-sync requests in a row. Each must leave one Vendor Payment and the right bills.
import { randomUUID } from 'node:crypto';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composePaymentPushWorker } from '../../functions/payment-push-worker/compose.ts';
import { createPaymentPushWorkerHandler } from '../../functions/payment-push-worker/handler.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { DemoSummary } from '../../infra/sandboxes/netsuite/index.ts';
import { type QueuePublisher, SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { BugError } from '../../shared/errors.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { createPaymentPushOnce } from '../../shared/payments/push-once.ts';
import { requestPaymentResync } from '../../shared/payments/request-resync.ts';
import { queueDefinitions } from '../../shared/resources.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let dynamo: DynamoDBClient;
let state: DynamoStateStore;
let queue: SqsQueuePublisher<PaymentMessage>;
let demo: DemoSummary;
let netsuiteVendor: string;
let procurifyVendor: number;
let method: number;
let accountCode: number;
let department: number;

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  dynamo = new DynamoDBClient(stack.aws.clientConfig('dynamodb'));
  state = new DynamoStateStore(dynamo, stack.aws.names.tables.state);
  queue = new SqsQueuePublisher(new SQSClient(stack.aws.clientConfig('sqs')), stack.aws.queueUrls.payment);
  demo = stack.netsuite.seedDemo({ vendors: 2, bills: 0, payments: 0 });
  netsuiteVendor = demo.vendors[0]!;
  const store = stack.procurify.store;
  const location = store.addLocation({ name: 'Head Office', headquarter: true });
  department = store.addDepartment({ name: 'Operations', branch: location.id }).id;
  accountCode = store.addAccountCode({ code: '6100', description: 'Office Supplies' }).id;
  procurifyVendor = store.addVendor({ name: 'Northwind Traders Inc.', currency: 'USD' }).id;
  method = store.addPaymentMethod({ name: 'Operating - Check', type: 1, gl_code: '1000' }).id;
  await state.link({
    kind: 'vendor',
    procurifyId: String(procurifyVendor),
    netsuiteId: netsuiteVendor,
    origin: 'created',
  });
});

afterAll(async () => stack?.stop());

async function paymentOfTwoBills() {
  const bills = [];
  for (const amount of [100, 50]) {
    const [netsuiteId] = stack.netsuite.seed({
      records: {
        vendorBill: [
          {
            entity: { id: netsuiteVendor },
            tranDate: '2026-02-01',
            expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount }] },
          },
        ],
      },
    }).created.vendorBill!;
    const bill = stack.procurify.store.createBill({
      vendor: procurifyVendor,
      invoice_number: `INV-${randomUUID().slice(0, 8)}`,
      status: 2,
      items: [{ description: 'Paper', amount: amount.toFixed(2), account_code: accountCode, department }],
    });
    await state.link({ kind: 'bill', procurifyId: bill.uuid, netsuiteId: netsuiteId!, origin: 'legacy' });
    bills.push({ uuid: bill.uuid, netsuiteId: netsuiteId! });
  }
  const payment = stack.procurify.recordPayment({
    bills: [
      { uuid: bills[0]!.uuid, amount: '100.00' },
      { uuid: bills[1]!.uuid, amount: '20.00' },
    ],
    method,
    payment_date: '2026-03-06',
    status: 'paid',
  });
  return { paymentId: String(payment.id), bills };
}

const vendorPayments = (paymentId: string) =>
  stack.netsuite.store
    .list('vendorPayment')
    .filter((record) => String(record.fields.externalId).toLowerCase() === `procurify-pay-${paymentId}`);

/** The successful writes NetSuite received for this payment (a 429 never reaches the record). */
const writesFor = (paymentId: string) =>
  stack.netsuite
    .requestLog()
    .filter(
      (entry) =>
        entry.method === 'PUT' &&
        entry.status === 204 &&
        entry.path.endsWith(`/vendorPayment/eid:procurify-pay-${paymentId}`),
    );

function expectPaidOnce(paymentId: string, bills: Array<{ netsuiteId: string }>) {
  expect(vendorPayments(paymentId)).toHaveLength(1);
  expect(writesFor(paymentId)).toHaveLength(1);
  const rendered = stack.netsuite.record('vendorPayment', vendorPayments(paymentId)[0]!.id) as {
    total: number;
    apply: { items: Array<{ doc: { id: string }; apply: boolean; amount?: number }> };
  };
  expect(rendered.total).toBe(120);
  const bill = (id: string) =>
    stack.netsuite.record('vendorBill', id) as { status: { id: string }; balance: number };
  expect([bill(bills[0]!.netsuiteId).status.id, bill(bills[0]!.netsuiteId).balance]).toEqual(['B', 0]);
  expect([bill(bills[1]!.netsuiteId).status.id, bill(bills[1]!.netsuiteId).balance]).toEqual(['A', 30]);
}

const paymentState = (paymentId: string) =>
  state.getState({ system: 'procurify', kind: 'payment', id: paymentId });

function sqsEvent(paymentId: string, receiveCount: number): SQSEvent {
  const message: PaymentMessage = {
    kind: 'payment',
    origin: 'poll',
    paymentId,
    enqueuedAt: new Date().toISOString(),
  };
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'not-from-a-queue',
        body: JSON.stringify(message),
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: String(Date.now()),
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${stack.aws.names.queues.payment}`,
        awsRegion: process.env.AWS_REGION ?? 'us-east-1',
      },
    ],
  };
}

/** The worker's own handler and composition root, with a hook at the dangerous moment. */
function workerWithHook(afterNetSuiteWrite: () => void | Promise<void>) {
  const base = composePaymentPushWorker(stack.env);
  return createPaymentPushWorkerHandler({
    ...base,
    push: async () => ({ ...(await base.push()), afterNetSuiteWrite }),
  });
}

describe('exactly once', () => {
  it('writes the Vendor Payment once through a 429 storm from NetSuite', async () => {
    const { paymentId, bills } = await paymentOfTwoBills();
    const injectedBefore = stack.netsuite.stats().injected429;
    stack.netsuite.faults.set('/services/rest', { rate429: 0.6 });
    try {
      await queue.send({ kind: 'payment', origin: 'poll', paymentId, enqueuedAt: new Date().toISOString() });
      await waitFor(
        async () => (await paymentState(paymentId))?.status === 'synced',
        'the payment synced',
        60_000,
      );
    } finally {
      stack.netsuite.faults.clear();
    }
    expect(stack.netsuite.stats().injected429).toBeGreaterThan(injectedBefore);
    expectPaidOnce(paymentId, bills);
  });

  it('does not write a second Vendor Payment when the work dies after the NetSuite write', async () => {
    const { paymentId, bills } = await paymentOfTwoBills();
    let crashes = 0;
    const handler = workerWithHook(() => {
      crashes += 1;
      if (crashes === 1) throw new BugError('simulated crash between the NetSuite write and the bookkeeping');
    });
    const context = () => createLambdaContext('payment-push-worker', 60_000);
    const first = await handler(sqsEvent(paymentId, 1), context());
    expect(first.batchItemFailures).toHaveLength(1);
    // Written in NetSuite, but apsync recorded nothing of it.
    expect(vendorPayments(paymentId)).toHaveLength(1);
    expect(await state.findBySource('procurify', 'payment', paymentId)).toBeUndefined();
    expect((await paymentState(paymentId))?.status).toBe('failed');

    const retry = await handler(sqsEvent(paymentId, 2), context());
    expect(retry.batchItemFailures).toHaveLength(0);
    expectPaidOnce(paymentId, bills);
    expect(crashes).toBe(1);
    const link = await state.findBySource('procurify', 'payment', paymentId);
    expect(link?.netsuiteId).toBe(vendorPayments(paymentId)[0]!.id);
    expect((await paymentState(paymentId))?.status).toBe('synced');
    const trail = await state.read({ system: 'procurify', kind: 'payment', id: paymentId });
    expect(trail.filter((entry) => entry.step === 'unchanged')).toHaveLength(1);
  });

  it('does not write a second Vendor Payment when DynamoDB goes away right after the write', async () => {
    const { paymentId, bills } = await paymentOfTwoBills();
    const handler = workerWithHook(() => stack.aws.setAvailability('dynamodb', false));
    try {
      // A short remaining time, so the idempotency lock the failed attempt leaves behind expires soon.
      const first = await handler(sqsEvent(paymentId, 1), createLambdaContext('payment-push-worker', 1_500));
      expect(first.batchItemFailures).toHaveLength(1);
    } finally {
      stack.aws.setAvailability('dynamodb', true);
    }
    expect(vendorPayments(paymentId)).toHaveLength(1);
    expect(await state.findBySource('procurify', 'payment', paymentId)).toBeUndefined();

    // The retry waits out the dead attempt's lock (in progress), then finds the Vendor Payment.
    const retried = workerWithHook(() => undefined);
    let attempts = 0;
    await waitFor(async () => {
      attempts += 1;
      const answer = await retried(
        sqsEvent(paymentId, 1 + attempts),
        createLambdaContext('payment-push-worker', 60_000),
      );
      return answer.batchItemFailures.length === 0;
    }, 'a retry that completes');
    expectPaidOnce(paymentId, bills);
    expect((await paymentState(paymentId))?.status).toBe('synced');
  });
});

describe('transient failures', () => {
  it('retries a transient failure, then leaves the message in the dead-letter queue with its last error', async () => {
    const { paymentId, bills } = await paymentOfTwoBills();
    // Another worker holds the payment's idempotency lock and never finishes: every attempt is refused.
    const once = createPaymentPushOnce(
      new DynamoDBPersistenceLayer({
        tableName: stack.aws.names.tables.idempotency,
        clientConfig: stack.aws.clientConfig('dynamodb'),
      }),
    );
    let finish: (value: string) => void = () => undefined;
    const holder = once(paymentId, () => new Promise<string>((resolve) => (finish = resolve)));
    try {
      const { messageId } = await queue.send({
        kind: 'payment',
        origin: 'poll',
        paymentId,
        enqueuedAt: new Date().toISOString(),
      });
      const dlq = new SQSClient(stack.aws.clientConfig('sqs'));
      const dead = await waitFor(async () => {
        const answer = await dlq.send(
          new ReceiveMessageCommand({
            QueueUrl: stack.aws.deadLetterQueueUrls.payment,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 30,
          }),
        );
        return answer.Messages?.find((message) => message.MessageId === messageId);
      }, 'the message in the dead-letter queue');
      expect(JSON.parse(dead.Body ?? '{}')).toMatchObject({ paymentId });
      const failure = await state.getFailure('payment', messageId);
      expect(failure).toMatchObject({
        errorClass: 'transient',
        receiveCount: queueDefinitions.payment.maxReceiveCount,
      });
      expect(failure?.message).toMatch(/is being pushed by another worker/);
      expect(vendorPayments(paymentId)).toHaveLength(0);
      for (const bill of bills) {
        expect(
          (stack.netsuite.record('vendorBill', bill.netsuiteId) as { status: { id: string } }).status.id,
        ).toBe('A');
      }
    } finally {
      finish('done');
      await holder;
    }
  });
});

describe('manual re-sync', () => {
  function countingQueue() {
    const sent: PaymentMessage[] = [];
    const publisher: QueuePublisher<PaymentMessage> = {
      send: async (message, options) => {
        sent.push(message);
        return queue.send(message, options);
      },
      sendAll: async (messages) => {
        sent.push(...messages);
        await queue.sendAll(messages);
      },
    };
    return { sent, publisher };
  }

  it('turns ten re-sync requests in a row into one queued request; the later ones get its status', async () => {
    const { paymentId, bills } = await paymentOfTwoBills();
    const { sent, publisher } = countingQueue();
    const deps = { state, queue: publisher, defaultMode: 'push' as const, requestedBy: 'operator' };
    const results = [];
    for (let n = 0; n < 10; n++) results.push(await requestPaymentResync(paymentId, deps));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'payment', origin: 'resync', paymentId });
    expect(results.map((result) => result.queued)).toEqual([true, ...Array(9).fill(false)]);
    const first = results[0]!.request;
    expect(first.status).toBe('queued');
    for (const later of results.slice(1)) {
      expect(later.request).toMatchObject({
        requestedAt: first.requestedAt,
        status: 'queued',
        messageId: first.messageId,
      });
    }
    await waitFor(async () => (await paymentState(paymentId))?.status === 'synced', 'the re-synced payment');
    expectPaidOnce(paymentId, bills);
    const trail = await state.read({ system: 'procurify', kind: 'payment', id: paymentId });
    expect(trail.filter((entry) => entry.step === 'received')).toHaveLength(1);
  });

  it('queues one request for ten simultaneous ones, and a new one once the 2-minute window has passed', async () => {
    const paymentId = '990001';
    const { sent, publisher } = countingQueue();
    const deps = { state, queue: publisher, defaultMode: 'push' as const };
    const burst = await Promise.all(Array.from({ length: 10 }, () => requestPaymentResync(paymentId, deps)));
    expect(sent).toHaveLength(1);
    expect(burst.filter((result) => result.queued)).toHaveLength(1);
    const later = new DynamoStateStore(
      dynamo,
      stack.aws.names.tables.state,
      () => new Date(Date.now() + 121_000),
    );
    const afterWindow = await requestPaymentResync(paymentId, { ...deps, state: later });
    expect(afterWindow.queued).toBe(true);
    expect(sent).toHaveLength(2);
  });

  it("asks for the container's first NetSuite token at a batch's start in push mode only", async () => {
    const base = composePaymentPushWorker(stack.env);
    const asked: string[] = [];
    const handlerIn = (defaultMode: 'push' | 'pull') =>
      createPaymentPushWorkerHandler({
        ...base,
        defaultMode,
        netsuiteToken: async () => {
          asked.push(defaultMode);
        },
      });
    const context = () => createLambdaContext('payment-push-worker', 60_000);
    // No mode stored by an operator here: the worker's default decides (pull: every message skipped).
    const pulled = await handlerIn('pull')(sqsEvent('990002', 1), context());
    expect(pulled.batchItemFailures).toHaveLength(0);
    expect((await paymentState('990002'))?.status).toBe('skipped');
    expect(asked).toEqual([]);
    await handlerIn('push')(sqsEvent('990002', 1), context());
    expect(asked).toEqual(['push']);
  });

  it('answers once its reads ahead have ended, and waits for them no longer than its bound', async () => {
    const base = composePaymentPushWorker(stack.env);
    const context = () => createLambdaContext('payment-push-worker', 60_000);
    // A token read ahead that ends after the batch's one message (a payment Procurify does not know).
    let tokenEnded = false;
    const slowToken = createPaymentPushWorkerHandler({
      ...base,
      defaultMode: 'push',
      netsuiteToken: () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            tokenEnded = true;
            resolve();
          }, 1_500),
        ),
    });
    expect((await slowToken(sqsEvent('990003', 1), context())).batchItemFailures).toHaveLength(0);
    expect(tokenEnded).toBe(true);
    // One that never ends: the invocation answers after the bound (a NetSuite that hangs must not keep a
    // done batch to its timeout).
    const hanging = createPaymentPushWorkerHandler({
      ...base,
      defaultMode: 'push',
      readsAheadWaitMs: 200,
      netsuiteToken: () => new Promise<void>(() => undefined),
    });
    expect((await hanging(sqsEvent('990003', 1), context())).batchItemFailures).toHaveLength(0);
  });

  it("reads a batch's payment accounts ahead of its facts read, in push mode only, and not twice", async () => {
    const { paymentId, bills } = await paymentOfTwoBills();
    const base = composePaymentPushWorker(stack.env);
    const reads: string[] = [];
    const handlerIn = (defaultMode: 'push' | 'pull') =>
      createPaymentPushWorkerHandler({
        ...base,
        defaultMode,
        facts: async () => {
          const facts = await base.facts();
          return {
            ...facts,
            readMany: (requests) => {
              reads.push(`facts of ${requests.length}`);
              return facts.readMany(requests);
            },
            readAccountsAhead: (glCodes) => {
              reads.push(`accounts of ${glCodes.join(',')}`);
              return facts.readAccountsAhead!(glCodes);
            },
          };
        },
      });
    const context = () => createLambdaContext('payment-push-worker', 60_000);
    await handlerIn('pull')(sqsEvent(paymentId, 1), context());
    expect(reads).toEqual([]);
    const suiteQlBefore = stack.netsuite
      .requestLog()
      .filter((entry) => entry.path.endsWith('/suiteql')).length;
    const pushed = await handlerIn('push')(sqsEvent(paymentId, 1), context());
    expect(pushed.batchItemFailures).toHaveLength(0);
    expect(reads).toEqual(['accounts of 1000', 'facts of 1']);
    // This container's first batch: the account query (read ahead) and the facts query, nothing twice.
    const suiteQl = stack.netsuite.requestLog().filter((entry) => entry.path.endsWith('/suiteql'));
    expect(suiteQl.length - suiteQlBefore).toBe(2);
    expectPaidOnce(paymentId, bills);
  });

  it('refuses a re-sync in pull mode and a payment id that is not one', async () => {
    const { publisher, sent } = countingQueue();
    await expect(
      requestPaymentResync('12', { state, queue: publisher, defaultMode: 'pull' }),
    ).rejects.toThrow(/payment mode is pull/);
    await expect(
      requestPaymentResync('12; DROP', { state, queue: publisher, defaultMode: 'push' }),
    ).rejects.toThrow(/not a Procurify payment id/);
    expect(sent).toHaveLength(0);
  });
});
