// `apsync payment resync <procurify-payment-id>`: pushes one Procurify payment to NetSuite again (the
// manual re-sync of push mode), through the use case in shared/payments/request-resync.ts (requests
// for the same payment within 2 minutes are one request).
import { userInfo } from 'node:os';
import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import { readPaymentMode } from '../../../shared/payment-mode.ts';
import { paymentRef } from '../../../shared/payments/push-payment.ts';
import { requestPaymentResync } from '../../../shared/payments/request-resync.ts';
import type { PaymentResyncOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';
import { requireKnownRecord } from './known-record.ts';

/** Who the audit trail names for a change made from this CLI. */
export function operatorName(env: Readonly<Record<string, string | undefined>>): string {
  let user = env.USER ?? env.USERNAME;
  try {
    user ??= userInfo().username;
  } catch {
    // No passwd entry (containers): keep the fallback.
  }
  return `${user ?? 'operator'} (apsync CLI)`;
}

export async function resyncPayment(
  services: CliServices,
  paymentId: string,
  requestedBy: string,
  options: { checked?: boolean } = {},
): Promise<PaymentResyncOutput> {
  // A payment neither apsync nor Procurify has is refused: queued, it would fail and stay failed. (In
  // pull mode the use case refuses every re-sync, and says why.)
  const mode = await readPaymentMode(services.state, services.target.defaultPaymentMode);
  if (mode.mode === 'push' && !options.checked) {
    await requireKnownRecord(services, paymentRef(paymentId), `payment:${paymentId}`);
  }
  const result = await requestPaymentResync(paymentId, {
    state: services.state,
    queue: new SqsQueuePublisher<PaymentMessage>(services.sqs, services.target.queues.payment.url),
    defaultMode: services.target.defaultPaymentMode,
    requestedBy,
  });
  const status =
    result.paymentState === undefined ? 'never synced' : `currently ${result.paymentState.status}`;
  return {
    paymentId,
    requested: result.queued,
    detail: result.queued
      ? `payment ${paymentId} queued for the payment-push worker (${status})`
      : `a re-sync of payment ${paymentId} was already requested at ${result.request.requestedAt} (${result.request.status}); this request joins it`,
    ...(result.request.messageId === undefined ? {} : { messageId: result.request.messageId }),
  };
}

export const renderPaymentResync = (output: PaymentResyncOutput): string => `${output.detail}\n`;
