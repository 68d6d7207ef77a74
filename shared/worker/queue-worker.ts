// The shape every SQS worker shares (inbound, bill, payment): Powertools batch processing with partial
// batch responses, each record's body validated on its own (JSON, then the message schema; a bad one
// fails alone as a bug), and the error class deciding the outcome:
// data → the message ends (the record's state says why); transient/auth → retried later with a growing,
// jittered delay, then the dead-letter queue; bug → retried, then the dead-letter queue. A record whose
// lease another worker holds (record-lease.ts) is not a failure: it is sent again as a new message after
// the retry delay (at most the lease's remaining time), so waiting for a slow holder spends none of the
// message's receives; past maxLeaseWaits, or when it cannot be sent, it comes back once the lease can
// have ended (one receive spent per lease).
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import {
  type MessageVisibility,
  type RetryDelayPolicy,
  retryDelaySeconds,
} from '../aws/message-visibility.ts';
import { BugError, classOf, SyncError } from '../errors.ts';
import { logger } from '../observability.ts';
import type { MessageFailureLog } from '../state/ports.ts';
import { leaseHeldCode } from '../state/record-lease.ts';
import { type BatchLanes, batchLanes } from './batch-lanes.ts';

export interface QueueWorkerOptions<T, B = undefined> {
  name: string;
  schema: z.ZodType<T>;
  /**
   * Handles one message; throws to retry it (data errors are caught and end the message). `batch` is
   * what prepareBatch read for the whole batch (undefined without one, or when it failed).
   */
  processMessage(
    message: T,
    meta: {
      receiveCount: number;
      messageId: string;
      batch: B | undefined;
      /** How often this message was sent again to wait for a held lease (0 on its first send). */
      leaseWaits: number;
    },
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
  /**
   * With processInParallel: at most this many records of a batch at once (batch-lanes.ts), and records
   * of the same `laneOf` key one after another (two messages of one record never race for its lease).
   */
  lanes?: { limit: number; laneOf(message: T): string };
  /**
   * A message whose record lease another worker holds waits without using up its receives (see above):
   * on a busy machine a slow holder would otherwise send it to the dead-letter queue after
   * maxReceiveCount quick retries. Needs sqs:SendMessage on the worker's own queue.
   */
  waitOutHeldLeases?: boolean;
}

export function createQueueWorker<T, B = undefined>(options: QueueWorkerOptions<T, B>) {
  const recordHandler = async (
    record: SQSRecord,
    parsed: ParsedMessage<T>,
    batch: B | undefined,
    lanes: BatchLanes | undefined,
  ): Promise<void> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    if (!parsed.ok) {
      throw new BugError(
        `${options.name}: message ${record.messageId} is not a valid message: ${parsed.problem}`,
        {
          source: 'sqs',
        },
      );
    }
    const message = parsed.message;
    const leaseWaits = leaseWaitsOf(record);
    const process = () =>
      options.processMessage(message, { receiveCount, messageId: record.messageId, batch, leaseWaits });
    try {
      await (lanes === undefined ? process() : lanes.run(options.lanes?.laneOf(message), process));
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
    // Bodies are parsed in recordHandler, not by Powertools' batch parser: that one imports zod's `z`
    // export, which brings every zod locale into the bundle (test/bench/bundles.ts).
    const processor = new BatchProcessor(EventType.SQS);
    // Each body parsed once, for the batch read and for its message alike.
    const parsedMessages = new Map(
      event.Records.map((record) => [record, parseMessage(record.body, options.schema)] as const),
    );
    const parsedOf = (record: SQSRecord) =>
      parsedMessages.get(record) ?? parseMessage(record.body, options.schema);
    const batch = await prepareBatch([...parsedMessages.values()], options);
    const inParallel = options.processInParallel ?? true;
    const lanes = inParallel && options.lanes !== undefined ? batchLanes(options.lanes.limit) : undefined;
    const response = await processPartialResponse(
      event,
      (record: SQSRecord) => recordHandler(record, parsedOf(record), batch, lanes),
      processor,
      { context, processInParallel: inParallel, throwOnFullBatchFailure: false },
    );
    const failed = (processor.failureMessages as SQSRecord[]).map((record, index) => ({
      record,
      error: processor.errors[index],
    }));
    const resent = new Set<string>();
    if (options.waitOutHeldLeases === true) {
      await Promise.all(
        failed.map(async ({ record, error }) => {
          if (await resendHeldLease(record, error, options as QueueWorkerOptions<unknown, unknown>)) {
            resent.add(record.messageId);
          }
        }),
      );
    }
    await handleFailures(
      failed.filter(({ record }) => !resent.has(record.messageId)),
      options as QueueWorkerOptions<unknown, unknown>,
    );
    // A resent message is done with: Lambda deletes it.
    return {
      batchItemFailures: response.batchItemFailures.filter((item) => !resent.has(item.itemIdentifier)),
    };
  };
}

/** The batch's bulk read over its well-formed messages (the others fail in the batch parser as before). */
async function prepareBatch<T, B>(
  parsedMessages: ReadonlyArray<ParsedMessage<T>>,
  options: QueueWorkerOptions<T, B>,
): Promise<B | undefined> {
  if (options.prepareBatch === undefined) return undefined;
  const messages = parsedMessages.flatMap((parsed) => (parsed.ok ? [parsed.message] : []));
  if (messages.length === 0) return undefined;
  // Called as a method of its object (a class's method reads `this`).
  return warnOnFailure(
    async () => options.prepareBatch?.(messages),
    'batch read failed; each message reads for itself',
    {
      worker: options.name,
      messages: messages.length,
    },
  );
}

/**
 * Runs a step the messages' outcomes do not hang on; when it fails, the worker logs a warning (the
 * step's facts and the error) and goes on without it: undefined then.
 */
async function warnOnFailure<T>(
  step: () => Promise<T>,
  warning: string,
  facts: Record<string, unknown>,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    logger.warn(warning, { ...facts, error: String(error) });
    return undefined;
  }
}

/** A record's body as a message of the worker's schema, or what is wrong with it. */
type ParsedMessage<T> = { ok: true; message: T } | { ok: false; problem: string };

function parseMessage<T>(body: string, schema: z.ZodType<T>): ParsedMessage<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  return {
    ok: false,
    problem: parsed.error.issues
      .map((issue) => `${issue.path.length === 0 ? '(body)' : issue.path.join('.')}: ${issue.message}`)
      .join('; '),
  };
}

/**
 * For each failed message (parse failures included): keep its last error for `apsync dlq list`, and
 * delay its next delivery by a growing, jittered time (SQS moves it to the DLQ after maxReceiveCount).
 */
async function handleFailures(
  failed: ReadonlyArray<{ record: SQSRecord; error: Error | undefined }>,
  options: QueueWorkerOptions<unknown, unknown>,
) {
  await Promise.all(
    failed.map(async ({ record, error }) => {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const errorClass = error === undefined ? 'bug' : classOf(error);
      const leaseWait = options.waitOutHeldLeases === true ? heldLeaseSeconds(error) : undefined;
      const delaySeconds = leaseWait ?? retryDelaySeconds(receiveCount, options.retryDelay);
      logger.warn(leaseWait === undefined ? 'message will be retried' : 'message waits for a held lease', {
        worker: options.name,
        messageId: record.messageId,
        errorClass,
        receiveCount,
        delaySeconds,
        error: error === undefined ? undefined : `${error.name}: ${error.message}`,
      });
      // The message still returns after its visibility timeout; only the delay or the note is lost.
      await warnOnFailure(
        async () => {
          await options.failures.recordFailure({
            queue: options.queueName,
            messageId: record.messageId,
            receiveCount,
            errorClass,
            message: error === undefined ? 'unknown failure' : `${error.name}: ${error.message}`,
          });
          await options.visibility.delay(options.queueUrl, record.receiptHandle, delaySeconds);
        },
        'could not record a message failure',
        { messageId: record.messageId },
      );
    }),
  );
}

/** Longest wait for a held lease: SQS's DelaySeconds allows 900 s, record leases last minutes. */
const maxLeaseWaitSeconds = 900;

/** The message attribute counting how often a message was sent again to wait for a lease. */
export const leaseWaitsAttribute = 'apsyncLeaseWaits';

/** Past this many waits the message waits with its receives counted (a lease that never frees is a bug). */
export const maxLeaseWaits = 30;

/**
 * Sends a record whose lease another worker holds again as a new message, after the retry delay for
 * its number of waits but never past the lease's end; true when sent (the original is then deleted).
 */
async function resendHeldLease(
  record: SQSRecord,
  error: Error | undefined,
  options: QueueWorkerOptions<unknown, unknown>,
): Promise<boolean> {
  const leaseSeconds = heldLeaseSeconds(error);
  if (leaseSeconds === undefined || options.visibility.resend === undefined) return false;
  const waits = leaseWaitsOf(record);
  if (waits >= maxLeaseWaits) return false;
  const delaySeconds = Math.min(leaseSeconds, retryDelaySeconds(waits + 1, options.retryDelay));
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[name] = value.stringValue;
  }
  attributes[leaseWaitsAttribute] = String(waits + 1);
  // The batch parser may have left the parsed body on the record.
  const body = typeof record.body === 'string' ? record.body : JSON.stringify(record.body);
  const { visibility } = options;
  const resent = await warnOnFailure(
    async () => {
      // Called as a method of the adapter (SqsMessageVisibility.resend reads `this.client`).
      await visibility.resend?.(options.queueUrl, { body, attributes }, delaySeconds);
      return true;
    },
    'could not send a waiting message again; it waits for the lease instead',
    { worker: options.name, messageId: record.messageId },
  );
  if (resent === undefined) return false;
  logger.info('message waits for a record another worker is syncing', {
    worker: options.name,
    messageId: record.messageId,
    waits: waits + 1,
    delaySeconds,
  });
  return true;
}

/** How often a record was sent again to wait for a lease (its apsyncLeaseWaits attribute; 0 without). */
function leaseWaitsOf(record: SQSRecord): number {
  return Number(record.messageAttributes?.[leaseWaitsAttribute]?.stringValue ?? '0') || 0;
}

/** The visibility delay for a record whose lease another worker holds; undefined for other errors. */
export function heldLeaseSeconds(
  error: Error | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (!(error instanceof SyncError) || error.code !== leaseHeldCode || error.retryAfterMs === undefined) {
    return undefined;
  }
  const seconds = Math.ceil(error.retryAfterMs / 1000);
  // Up to a tenth more (at least a second), so several messages waiting for one lease do not all return together.
  const jitter = Math.round(random() * Math.max(1, seconds / 10));
  return Math.min(maxLeaseWaitSeconds, Math.max(1, seconds + jitter));
}
