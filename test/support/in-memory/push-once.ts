// "Push this payment at most once" (shared/payments/push-once.ts) in memory: the first completed run per
// payment id keeps its result and later calls get it back as a duplicate; a call while the same payment
// is being pushed is the transient IN_PROGRESS error the Powertools adapter throws; a failed run leaves
// nothing, so the next attempt runs again.
import { TransientError } from '../../../shared/errors.ts';
import type { PaymentPushOnce } from '../../../shared/payments/push-once.ts';

export function createInMemoryPushOnce(): PaymentPushOnce & { results: Map<string, unknown> } {
  const results = new Map<string, unknown>();
  const running = new Set<string>();
  const once = async <T>(paymentId: string, work: () => Promise<T>) => {
    if (results.has(paymentId)) return { value: results.get(paymentId) as T, duplicate: true };
    if (running.has(paymentId)) {
      throw new TransientError(`payment ${paymentId} is being pushed by another worker; retrying later`, {
        source: 'idempotency',
        code: 'IN_PROGRESS',
      });
    }
    running.add(paymentId);
    try {
      const value = await work();
      results.set(paymentId, value);
      return { value, duplicate: false };
    } finally {
      running.delete(paymentId);
    }
  };
  return Object.assign(once, { results, registerLambdaContext: () => undefined });
}
