// "Push this payment at most once", keyed on the Procurify payment id (never the SQS message id: a
// redriven message gets a new one) with Powertools idempotency on DynamoDB. The first layer of the
// payment push's exactly-once; the NetSuite upsert by external id and the check for an existing Vendor
// Payment are the others (push-payment.ts). Used by the payment-push worker.
import { randomUUID } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { classOf, TransientError } from '../errors.ts';
import { queueDefinitions } from '../resources.ts';

/**
 * How long a pushed payment's record is kept: a payment message can come back until the dead-letter
 * queue drops it (its retention counts from the first enqueue), plus a day of redrive slack.
 */
export const paymentIdempotencySeconds =
  (Math.max(queueDefinitions.payment.retentionDays, queueDefinitions.payment.dlqRetentionDays) + 1) *
  24 *
  3600;

export const paymentIdempotencyKeyPrefix = 'payment-push';

export interface PaymentPushOnce {
  /**
   * Runs `work` unless it already completed for this payment id; then its stored result comes back
   * with `duplicate: true`. A failed `work` leaves no record, so a later attempt runs it again.
   */
  <T>(paymentId: string, work: () => Promise<T>): Promise<{ value: T; duplicate: boolean }>;
  /** Lets Powertools expire the lock of an invocation that timed out (call once per invocation). */
  registerLambdaContext(context: Context): void;
}

interface StoredPush {
  value: unknown;
  /** Random per call: a stored result with another call's token means this call was a duplicate. */
  callToken: string;
}

export function createPaymentPushOnce(persistenceStore: BasePersistenceLayer): PaymentPushOnce {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'paymentId',
    expiresAfterSeconds: paymentIdempotencySeconds,
    throwOnNoIdempotencyKey: true,
  });
  const runOnce = makeIdempotent(
    async (
      _key: { paymentId: string },
      work: () => Promise<unknown>,
      callToken: string,
    ): Promise<StoredPush> => ({
      value: await work(),
      callToken,
    }),
    { persistenceStore, config, dataIndexArgument: 0, keyPrefix: paymentIdempotencyKeyPrefix },
  );
  const once = async <T>(paymentId: string, work: () => Promise<T>) => {
    const callToken = randomUUID();
    try {
      const stored = await runOnce({ paymentId }, work, callToken);
      return { value: stored.value as T, duplicate: stored.callToken !== callToken };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new TransientError(
          `payment ${paymentId} is being pushed by another worker right now; retrying later`,
          {
            source: 'idempotency',
            code: 'IN_PROGRESS',
            cause: error,
          },
        );
      }
      if (classOf(error) !== 'bug' || !(error instanceof Error)) throw error;
      // The idempotency table unavailable (or its record not deleted after a failure): retry later.
      if (/Idempotency/.test(error.name)) {
        throw new TransientError(`idempotency store: ${error.message}`, { source: 'dynamodb', cause: error });
      }
      throw error;
    }
  };
  return Object.assign(once, {
    registerLambdaContext: (context: Context) => config.registerLambdaContext(context),
  }) as PaymentPushOnce;
}
