// The shape every SQS worker shares (inbound, bill, payment): Powertools batch processing with partial
// batch responses, each record validated by the batch parser, and the error class deciding the outcome:
// data → the message ends (the record's state says why); transient/auth → retried later with a growing,
// jittered delay, then the dead-letter queue; bug → retried, then the dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import {
  type MessageVisibility,
  type RetryDelayPolicy,
  retryDelaySeconds,
} from '../aws/message-visibility.ts';
import { classOf } from '../errors.ts';
import { logger } from '../observability.ts';
import type { MessageFailureLog } from '../state/ports.ts';

export interface QueueWorkerOptions<T, B = undefined> {
  name: string;
  schema: z.ZodType<T>;
  /**
   * Handles one message; throws to retry it (data errors are caught and end the message). `batch` is
   * what prepareBatch read for the whole batch (undefined without one, or when it failed).
   */
  processMessage(
    message: T,
    meta: { receiveCount: number; messageId: string; batch: B | undefined },
  ): Promise<void>;
  /**
   * Reads in bulk what the batch's valid messages need, once per invocation before any is processed
   * (e.g. one query per record type instead of one read per message). A failure is logged and leaves
   * `batch` undefined: each message then reads for itself.
   */
  prepareBatch?(messages: readonly T[]): Promise<B>;
  visibility: MessageVisibility;
  failures: MessageFailureLog;
  /** The queue's logical name (`inbound`, `bill`, `payment`), for the failure log. */
  queueName: string;
  queueUrl: string;
  retryDelay: RetryDelayPolicy;
  /** Parallel records within a batch; callers that write to a rate-limited API rely on their governor. */
  processInParallel?: boolean;
}

export function createQueueWorker<T, B = undefined>(options: QueueWorkerOptions<T, B>) {
  const recordHandler = async (record: SQSRecord & { body: T }, batch: B | undefined): Promise<void> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    try {
      await options.processMessage(record.body, { receiveCount, messageId: record.messageId, batch });
    } catch (error) {
      if (classOf(error) === 'data') {
        logger.warn('message ended with a data error', {
          worker: options.name,
          messageId: record.messageId,
          error: String(error),
        });
        return;
      }
      throw error;
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // One processor per invocation: local mode runs several invocations of a handler at once.
    const processor = new BatchProcessor(EventType.SQS, {
      parser,
      innerSchema: options.schema as z.ZodType,
      transformer: 'json',
      logger,
    });
    const batch = await prepareBatch(event, options);
    const response = await processPartialResponse(
      event,
      ((record: SQSRecord & { body: T }) => recordHandler(record, batch)) as (
        record: SQSRecord,
      ) => Promise<void>,
      processor,
      { context, processInParallel: options.processInParallel ?? true, throwOnFullBatchFailure: false },
    );
    await handleFailures(
      processor.failureMessages as SQSRecord[],
      processor.errors,
      options as QueueWorkerOptions<unknown, unknown>,
    );
    return response;
  };
}

/** The batch's bulk read over its well-formed messages (the others fail in the batch parser as before). */
async function prepareBatch<T, B>(
  event: SQSEvent,
  options: QueueWorkerOptions<T, B>,
): Promise<B | undefined> {
  if (options.prepareBatch === undefined) return undefined;
  const messages = event.Records.flatMap((record) => {
    try {
      const parsed = options.schema.safeParse(JSON.parse(record.body));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
  if (messages.length === 0) return undefined;
  try {
    return await options.prepareBatch(messages);
  } catch (error) {
    logger.warn('batch read failed; each message reads for itself', {
      worker: options.name,
      messages: messages.length,
      error: String(error),
    });
    return undefined;
  }
}

/**
 * For each failed message (parse failures included): keep its last error for `apsync dlq list`, and
 * delay its next delivery by a growing, jittered time (SQS moves it to the DLQ after maxReceiveCount).
 */
async function handleFailures(
  records: SQSRecord[],
  errors: Error[],
  options: QueueWorkerOptions<unknown, unknown>,
) {
  await Promise.all(
    records.map(async (record, index) => {
      const error = errors[index];
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const errorClass = error === undefined || error.name === 'ParsingError' ? 'bug' : classOf(error);
      const delaySeconds = retryDelaySeconds(receiveCount, options.retryDelay);
      logger.warn('message will be retried', {
        worker: options.name,
        messageId: record.messageId,
        errorClass,
        receiveCount,
        delaySeconds,
        error: error === undefined ? undefined : `${error.name}: ${error.message}`,
      });
      try {
        await options.failures.recordFailure({
          queue: options.queueName,
          messageId: record.messageId,
          receiveCount,
          errorClass,
          message: error === undefined ? 'unknown failure' : `${error.name}: ${error.message}`,
        });
        await options.visibility.delay(options.queueUrl, record.receiptHandle, delaySeconds);
      } catch (bookkeepingError) {
        // The message still returns after its visibility timeout; only the delay or the note is lost.
        logger.warn('could not record a message failure', {
          messageId: record.messageId,
          error: String(bookkeepingError),
        });
      }
    }),
  );
}
