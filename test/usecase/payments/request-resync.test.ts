// A manual payment re-sync (shared/payments/request-resync.ts) over the in-memory state store and
// queue: one message per two-minute window however often it is asked, a failed send reopens the
// window, refused in pull mode and for what is not a payment id.
import { beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../../shared/errors.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import { changePaymentMode } from '../../../shared/payment-mode.ts';
import { requestPaymentResync, resyncKey } from '../../../shared/payments/request-resync.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let queue: InMemoryQueue<PaymentMessage>;
const deps = (requestedBy?: string) => ({
  state,
  queue,
  defaultMode: 'push' as const,
  now: clock.now,
  ...(requestedBy === undefined ? {} : { requestedBy }),
});

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  queue = new InMemoryQueue();
});

describe('requestPaymentResync', () => {
  it('queues once per window; later requests join the first and see its message', async () => {
    await state.putState({ ref: { system: 'procurify', kind: 'payment', id: '55' }, status: 'failed' });
    const first = await requestPaymentResync('55', deps('ana'));
    expect(first).toMatchObject({
      paymentId: '55',
      queued: true,
      request: {
        key: resyncKey('55'),
        status: 'queued',
        requestedBy: 'ana',
        messageId: queue.sent[0]!.messageId,
      },
      paymentState: { status: 'failed' },
    });
    expect(queue.bodies()).toEqual([
      { kind: 'payment', origin: 'resync', paymentId: '55', enqueuedAt: clock.iso() },
    ]);
    clock.advance(60);
    const second = await requestPaymentResync('55', deps('bo'));
    expect(second).toMatchObject({ queued: false, request: { requestedBy: 'ana', status: 'queued' } });
    expect(queue.sent).toHaveLength(1);
    clock.advance(61);
    expect((await requestPaymentResync('55', deps())).queued).toBe(true);
    expect(
      (await state.read({ system: 'procurify', kind: 'payment', id: '55' })).map((entry) => entry.facts),
    ).toEqual([
      { messageId: queue.sent[0]!.messageId, requestedBy: 'ana' },
      { messageId: queue.sent[1]!.messageId },
    ]);
  });

  it('reopens the window when the message could not be sent', async () => {
    queue.faults.failNext('send');
    await expect(requestPaymentResync('56', deps())).rejects.toBeInstanceOf(TransientError);
    const retried = await requestPaymentResync('56', deps());
    expect(retried.queued).toBe(true);
    expect(retried.paymentState).toBeUndefined();
    // A joined request of a payment without a state says so too.
    expect(await requestPaymentResync('56', deps())).not.toHaveProperty('paymentState');
  });

  it('keeps the send failure when the window cannot be reopened either', async () => {
    queue.faults.failNext('send');
    state.faults.failNext('settleRequestWindow');
    await expect(requestPaymentResync('57', deps())).rejects.toThrow('sqs: send unavailable');
  });

  it('refuses in pull mode and what is not a payment id', async () => {
    await expect(requestPaymentResync('p-55', deps())).rejects.toThrow(
      '"p-55" is not a Procurify payment id (digits)',
    );
    await changePaymentMode(state, 'pull', 'ana', 'push', clock.now());
    await expect(requestPaymentResync('55', deps())).rejects.toMatchObject({ code: 'MODE_PULL' });
    expect(queue.sent).toEqual([]);
  });

  it('uses the real time without a clock', async () => {
    await requestPaymentResync('58', { state, queue, defaultMode: 'push' });
    expect(queue.bodies()[0]?.enqueuedAt).not.toBe(clock.iso());
  });
});
