// "Queue this notice unless it was queued before", keyed on the event id (= webhook-id) with Powertools
// idempotency on DynamoDB. The window is 7 days: longer than any sender retry and the queue's retention.

import { randomUUID } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { classOf, TransientError } from '../errors.ts';
import type { InboundMessage } from '../events/inbound-message.ts';

/** Default de-duplication window (APSYNC_IDEMPOTENCY_RETENTION_DAYS overrides it). */
export const noticeDeduplicationSeconds = 7 * 24 * 3600;

interface EnqueueResult {
  messageId: string;
  /** Random per call: a stored result with another call's token means this call was a duplicate. */
  callToken: string;
}

export interface EnqueueOnce {
  (message: InboundMessage): Promise<{ duplicate: boolean }>;
  /** Lets Powertools expire an in-progress record when the invocation times out. */
  registerLambdaContext(context: Context): void;
}

export function createEnqueueOnce(
  queue: QueuePublisher<InboundMessage>,
  persistenceStore: BasePersistenceLayer,
  deduplicationSeconds: number = noticeDeduplicationSeconds,
): EnqueueOnce {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'eventId',
    expiresAfterSeconds: deduplicationSeconds,
    throwOnNoIdempotencyKey: true,
  });
  const sendOnce = makeIdempotent(
    async (message: InboundMessage, callToken: string): Promise<EnqueueResult> => {
      const { messageId } = await queue.send(message);
      return { messageId, callToken };
    },
    { persistenceStore, config, dataIndexArgument: 0, keyPrefix: 'webhook-notice' },
  );
  const enqueueOnce = async (message: InboundMessage) => {
    const callToken = randomUUID();
    try {
      const result = await sendOnce(message, callToken);
      return { duplicate: result.callToken !== callToken };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new TransientError('the same notice is being queued right now; retry shortly', {
          source: 'idempotency',
          code: 'IN_PROGRESS',
          cause: error,
        });
      }
      if (classOf(error) !== 'bug' || !(error instanceof Error)) throw error;
      // Persistence-layer failures (table unavailable) are transient for the sender: answer 503.
      if (/Idempotency/.test(error.name)) {
        throw new TransientError(`idempotency store unavailable: ${error.message}`, {
          source: 'dynamodb',
          cause: error,
        });
      }
      throw error;
    }
  };
  return Object.assign(enqueueOnce, {
    registerLambdaContext: (context: Context) => config.registerLambdaContext(context),
  });
}
