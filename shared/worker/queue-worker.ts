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

export interface QueueWorkerOptions<T> {
  name: string;
  schema: z.ZodType<T>;
  /** Handles one message; throws to retry it (data errors are caught and end the message). */
  processMessage(message: T, meta: { receiveCount: number; messageId: string }): Promise<void>;
  visibility: MessageVisibility;
  failures: MessageFailureLog;
  /** The queue's logical name (`inbound`, `bill`, `payment`), for the failure log. */
  queueName: string;
  queueUrl: string;
  retryDelay: RetryDelayPolicy;
  /** Parallel records within a batch; callers that write to a rate-limited API rely on their governor. */
  processInParallel?: boolean;
}

export function createQueueWorker<T>(options: QueueWorkerOptions<T>) {
  const recordHandler = async (record: SQSRecord & { body: T }): Promise<void> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    try {
      await options.processMessage(record.body, { receiveCount, messageId: record.messageId });
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
    const response = await processPartialResponse(
      event,
      recordHandler as (record: SQSRecord) => Promise<void>,
      processor,
      { context, processInParallel: options.processInParallel ?? true, throwOnFullBatchFailure: false },
    );
    await handleFailures(processor.failureMessages as SQSRecord[], processor.errors, options);
    return response;
  };
}

/**
 * For each failed message (parse failures included): keep its last error for `apsync dlq list`, and
 * delay its next delivery by a growing, jittered time (SQS moves it to the DLQ after maxReceiveCount).
 */
async function handleFailures(records: SQSRecord[], errors: Error[], options: QueueWorkerOptions<unknown>) {
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
