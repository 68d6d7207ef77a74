// The Procurify payments of one payment-push batch read in one list request (`ids` filter) instead of
// one request each: the first payment of the batch that asks for its payment starts the read, the others
// share its answer (none asks in pull mode: nothing is read). A payment the answer does not hold, or a
// read that failed, is read alone by its caller (push-payment.ts fetchPayment), as without a batch. The
// GL codes of the batch's paid payments come from that answer too (batchGlCodes).
import type { ApPayment } from '../ap/payment.ts';
import type { ProcurifyPayments } from '../procurify/ports.ts';

/** A batch's payment by its Procurify id; undefined when the batch's read did not find it. */
export type BatchPayments = (paymentId: string) => Promise<ApPayment | undefined>;

export function readPaymentsTogether(
  procurify: Pick<ProcurifyPayments, 'listPayments'>,
  paymentIds: readonly string[],
): BatchPayments {
  const ids = [...new Set(paymentIds.map(Number).filter((id) => Number.isSafeInteger(id)))];
  // No id the filter can carry: an empty `ids` filter is no filter (every payment would be listed).
  if (ids.length === 0) return () => Promise.resolve(undefined);
  let read: Promise<Map<string, ApPayment>> | undefined;
  const readAll = async () => {
    const found = new Map<string, ApPayment>();
    for await (const payment of procurify.listPayments({ ids })) found.set(String(payment.id), payment);
    return found;
  };
  return (paymentId) => {
    read ??= readAll();
    return read.then((found) => found.get(paymentId));
  };
}

/**
 * The GL codes of the batch's paid payments (each once), from the batch's read: what the payment-push
 * worker reads NetSuite's payment accounts of ahead of the batch's facts read. None where the read
 * failed or holds no paid payment with a GL code (a payment without one takes its method's, read later).
 */
export async function batchGlCodes(
  payments: BatchPayments,
  paymentIds: readonly string[],
): Promise<string[]> {
  const found = await Promise.all(paymentIds.map((paymentId) => payments(paymentId).catch(() => undefined)));
  const codes = found.flatMap((payment) =>
    payment?.status === 'paid' && payment.glCode !== null ? [payment.glCode] : [],
  );
  return [...new Set(codes)];
}
