// Use case behind `apsync payment resync <id>` (a manual re-sync, push mode): queues the payment for the
// payment-push worker, once per 2-minute window. Repeated requests for the same payment within the
// window are the same request: a conditional put of `RESYNC#<id>` in the state table lets only the
// first one enqueue; later ones get the first one's status.
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { DataError } from '../errors.ts';
import type { PaymentMessage } from '../events/payment-message.ts';
import { type PaymentMode, readPaymentMode } from '../payment-mode.ts';
import type { RecordState } from '../state/model.ts';
import type {
  AuditTrail,
  ConfigStore,
  RequestWindow,
  RequestWindowStore,
  SyncStateStore,
} from '../state/ports.ts';
import { paymentRef } from './push-payment.ts';

export const resyncWindowSeconds = 120;

export const resyncKey = (paymentId: string): string => `RESYNC#${paymentId}`;

export interface RequestPaymentResyncDependencies {
  state: RequestWindowStore & ConfigStore & SyncStateStore & AuditTrail;
  queue: QueuePublisher<PaymentMessage>;
  defaultMode: PaymentMode;
  /** Who asked (operator name, for the audit trail). */
  requestedBy?: string;
  now?: () => Date;
}

export interface PaymentResyncResult {
  paymentId: string;
  /** False when this request joined an earlier one of the same window (nothing new was queued). */
  queued: boolean;
  /** The window's request: the first one's time, status and queue message id. */
  request: RequestWindow;
  /** The payment's sync state as it is now (before the worker has run the re-sync). */
  paymentState?: RecordState;
}

export async function requestPaymentResync(
  paymentId: string,
  deps: RequestPaymentResyncDependencies,
): Promise<PaymentResyncResult> {
  if (!/^\d+$/.test(paymentId)) {
    throw new DataError(`${JSON.stringify(paymentId)} is not a Procurify payment id (digits)`, {
      source: 'apsync',
    });
  }
  const mode = await readPaymentMode(deps.state, deps.defaultMode);
  if (mode.mode !== 'push') {
    throw new DataError(
      'payment mode is pull: payments are not pushed to NetSuite (bills paid in NetSuite are marked paid in Procurify); ' +
        'switch to push mode to re-sync a payment',
      { source: 'apsync', code: 'MODE_PULL' },
    );
  }
  const ref = paymentRef(paymentId);
  const key = resyncKey(paymentId);
  const { first, window } = await deps.state.openRequestWindow(key, resyncWindowSeconds, {
    ...(deps.requestedBy === undefined ? {} : { requestedBy: deps.requestedBy }),
  });
  const paymentState = await deps.state.getState(ref);
  if (!first) {
    return {
      paymentId,
      queued: false,
      request: window,
      ...(paymentState === undefined ? {} : { paymentState }),
    };
  }
  let messageId: string;
  try {
    ({ messageId } = await deps.queue.send({
      kind: 'payment',
      origin: 'resync',
      paymentId,
      enqueuedAt: (deps.now ?? (() => new Date()))().toISOString(),
    }));
  } catch (error) {
    // Reopen the window so the next request can try again instead of joining a request that never left.
    await deps.state.settleRequestWindow(key, { status: 'failed' }).catch(() => undefined);
    throw error;
  }
  await deps.state.settleRequestWindow(key, { status: 'queued', messageId });
  await deps.state.append(ref, {
    step: 'note',
    message: 'manual re-sync requested',
    facts: { messageId, ...(deps.requestedBy === undefined ? {} : { requestedBy: deps.requestedBy }) },
  });
  return {
    paymentId,
    queued: true,
    request: { ...window, status: 'queued', messageId },
    ...(paymentState === undefined ? {} : { paymentState }),
  };
}
