// The bill-sync worker's handler (functions/bill-sync-worker/handler.ts) over an SQS batch, with the bill
// use case in memory: a batch's bills run side by side, two messages of one bill one after another (no
// lease race), each message keeps its own outcome (partial batch response), and a bill whose lease
// another worker holds is sent again to wait (no receive spent) or, when it cannot be, comes back when
// that lease can have ended, not after the short retry delay; only a bill's first delivery notes
// `received` (the waits are logged).
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBillSyncWorkerHandler } from '../../../functions/bill-sync-worker/handler.ts';
import { createLambdaContext } from '../../../infra/local/lambda-context.ts';
import type { MessageVisibility } from '../../../shared/aws/message-visibility.ts';
import { TransientError } from '../../../shared/errors.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import { heldLeaseSeconds, maxLeaseWaits } from '../../../shared/worker/queue-worker.ts';
import { BillWorld, billUuid, otherUuid, procurifyBill } from './world.ts';

const queueUrl = 'https://sqs.us-east-1.amazonaws.com/000000000000/apsync-bill';
let world: BillWorld;
let delays: Array<{ receiptHandle: string; seconds: number }>;
let resent: Array<{ body: BillMessage; attributes: Record<string, string>; delaySeconds: number }>;

beforeEach(async () => {
  world = new BillWorld();
  await world.linkVendor();
  world.procurify.putBill(procurifyBill());
  world.procurify.putBill(procurifyBill({ id: 43, uuid: otherUuid, invoice_number: 'INV-1002' }));
  delays = [];
  resent = [];
});

// Methods that read `this`, as the SQS adapter's do (SqsMessageVisibility reads this.client): the worker
// must call them on their object.
class DelayingVisibility implements MessageVisibility {
  protected readonly delays = delays;
  async delay(_queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
    this.delays.push({ receiptHandle, seconds });
  }
}

class ResendingVisibility extends DelayingVisibility {
  private readonly resent = resent;
  async resend(
    _queueUrl: string,
    message: { body: string; attributes: Record<string, string> },
    delaySeconds: number,
  ): Promise<void> {
    this.resent.push({ body: JSON.parse(message.body), attributes: message.attributes, delaySeconds });
  }
}

function handler(options: { resend?: boolean } = {}) {
  const visibility: MessageVisibility =
    options.resend === false ? new DelayingVisibility() : new ResendingVisibility();
  return createBillSyncWorkerHandler({
    billSync: async () => world.syncDeps(),
    visibility,
    failures: world.state,
    queueUrl,
    // The smallest delays local mode can be given: a held lease would use up the receives in seconds.
    retryDelay: { baseSeconds: 0, capSeconds: 0 },
  });
}

function batch(messages: BillMessage[], waits?: number): SQSEvent {
  return {
    Records: messages.map((message, index) => ({
      messageId: `m${index + 1}`,
      receiptHandle: `r${index + 1}`,
      body: JSON.stringify(message),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: Object.fromEntries(
        waits === undefined
          ? []
          : [['apsyncLeaseWaits', { dataType: 'String' as const, stringValue: String(waits) }]],
      ),
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:apsync-bill',
      awsRegion: 'us-east-1',
    })),
  };
}

const written = (uuid: string) => world.netsuite.record('vendorBill', `eid:procurify-bill-${uuid}`);

const invoke = (messages: BillMessage[], options: { resend?: boolean; waits?: number } = {}) =>
  handler(options)(batch(messages, options.waits), createLambdaContext('bill-sync-worker', 60_000));

describe('bill-sync worker', () => {
  it('syncs a batch with two messages of one bill: both succeed, one Vendor Bill written once', async () => {
    const response = await invoke([world.message(), world.message('poll', otherUuid), world.message()]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(world.netsuite.writes).toHaveLength(2);
    expect(written(billUuid)).toBeDefined();
    expect(written(otherUuid)).toBeDefined();
    // The second message of the bill ran after the first (never "another worker is syncing").
    expect(await world.steps()).toEqual([
      'received',
      'fetched',
      'written',
      'received',
      'fetched',
      'unchanged',
    ]);
    expect(delays).toEqual([]);
  });

  it('sends a bill another worker holds again as a new message: no receive spent, no failure', async () => {
    await world.state.acquireLease(`record:procurify#bill#${otherUuid}`, 'other-worker', 120);
    world.clock.advance(30);
    const response = await invoke([world.message(), world.message('poll', otherUuid)]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(world.netsuite.writes).toHaveLength(1);
    expect(written(billUuid)).toBeDefined();
    expect(written(otherUuid)).toBeUndefined();
    // After the retry delay of its first wait (1 s here), well before the lease's end.
    expect(resent).toEqual([
      { body: world.message('poll', otherUuid), attributes: { apsyncLeaseWaits: '1' }, delaySeconds: 1 },
    ]);
    expect(delays).toEqual([]);
    expect(await world.state.getFailure('bill', 'm2')).toBeUndefined();
  });

  it('notes a waiting bill received once: a message sent again to wait adds no audit entry', async () => {
    const lease = `record:procurify#bill#${otherUuid}`;
    await world.state.acquireLease(lease, 'other-worker', 120);
    await invoke([world.message('poll', otherUuid)]);
    expect(resent).toHaveLength(1);
    expect(await world.steps(otherUuid)).toEqual(['received']);
    // Still held: the message sent again (apsyncLeaseWaits 1) waits again without a second note.
    await invoke([resent[0]!.body], { waits: 1 });
    expect(resent).toHaveLength(2);
    expect(resent[1]!.attributes).toEqual({ apsyncLeaseWaits: '2' });
    expect(await world.steps(otherUuid)).toEqual(['received']);
    await world.state.releaseLease(lease, 'other-worker');
    const response = await invoke([resent[1]!.body], { waits: 2 });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(written(otherUuid)).toBeDefined();
    expect(await world.steps(otherUuid)).toEqual(['received', 'fetched', 'written']);
  });

  it('waits out the lease with the receive counted when it cannot send, or has waited too often', async () => {
    await world.state.acquireLease(`record:procurify#bill#${otherUuid}`, 'other-worker', 120);
    world.clock.advance(30);
    for (const options of [{ resend: false }, { waits: maxLeaseWaits }]) {
      delays = [];
      const response = await invoke([world.message('poll', otherUuid)], options);
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
      // 91 s left on the lease (it can be taken once past its last second), plus up to a tenth of jitter.
      expect(delays).toHaveLength(1);
      expect(delays[0]!.seconds).toBeGreaterThanOrEqual(91);
      expect(delays[0]!.seconds).toBeLessThanOrEqual(100);
      expect(await world.state.getFailure('bill', 'm1')).toMatchObject({
        errorClass: 'transient',
        message: expect.stringContaining('another worker is syncing procurify bill'),
      });
    }
    expect(resent).toEqual([]);
    expect(written(otherUuid)).toBeUndefined();
  });

  it('keeps the short retry delay for other transient failures', async () => {
    world.procurify.faults.failNext('getBill');
    const response = await invoke([world.message()]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(delays).toEqual([{ receiptHandle: 'r1', seconds: 1 }]);
  });
});

describe('heldLeaseSeconds', () => {
  const held = (seconds: number) =>
    new TransientError('another worker is syncing', {
      source: 'apsync',
      code: 'LEASE_HELD',
      retryAfterMs: seconds * 1000,
    });

  it('waits the lease out with up to a tenth more, within SQS bounds', () => {
    expect(heldLeaseSeconds(held(40), () => 0)).toBe(40);
    expect(heldLeaseSeconds(held(40), () => 0.99)).toBe(44);
    expect(heldLeaseSeconds(held(2), () => 0.99)).toBe(3);
    expect(heldLeaseSeconds(held(5000), () => 0)).toBe(900);
  });

  it('says nothing for any other error', () => {
    expect(
      heldLeaseSeconds(new TransientError('NetSuite answered 503', { retryAfterMs: 5000 })),
    ).toBeUndefined();
    expect(heldLeaseSeconds(new Error('bug'))).toBeUndefined();
    expect(heldLeaseSeconds(undefined)).toBeUndefined();
  });
});
