// payment-push-worker Lambda (SQS payment queue, partial batch responses): each message names a
// Procurify payment to push to NetSuite as a Vendor Payment (push mode). Thin: the queue mechanics are
// in createQueueWorker, the batch's NetSuite facts gathered into one read in gatherPaymentFacts and its
// Procurify payments into one list request (readPaymentsTogether; the payment accounts of their GL codes
// read ahead of the facts, in push mode only: batchGlCodes; the reads ahead waited for, bounded, before
// the invocation answers: settleReadsAhead), the push rules in
// handlePaymentMessage, exactly-once in the push-once record.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MessageVisibility, RetryDelayPolicy } from '../../shared/aws/message-visibility.ts';
import { type PaymentMessage, paymentMessageSchema } from '../../shared/events/payment-message.ts';
import { syncRecord } from '../../shared/lambda/data-failure-metric.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import { logger } from '../../shared/observability.ts';
import { readPaymentMode } from '../../shared/payment-mode.ts';
import {
  type BatchLinkReads,
  type BatchPaymentFacts,
  gatherLinkReads,
  gatherPaymentFacts,
} from '../../shared/payments/batch-payment-facts.ts';
import type { PaymentFactsReads, PaymentFactsSource } from '../../shared/payments/ports.ts';
import {
  type BatchPayments,
  batchGlCodes,
  readPaymentsTogether,
} from '../../shared/payments/push-batch-payments.ts';
import { type HandlePaymentDependencies, handlePaymentMessage } from '../../shared/payments/push-payment.ts';
import type { MessageFailureLog } from '../../shared/state/ports.ts';
import { invocationOnce } from '../../shared/worker/invocation-once.ts';
import { createQueueWorker } from '../../shared/worker/queue-worker.ts';

export interface PaymentPushWorkerDependencies extends HandlePaymentDependencies {
  /** Bulk reads of the NetSuite facts of several payments (same clients as push). */
  facts(): Promise<PaymentFactsReads & Pick<PaymentFactsSource, 'findVendorPayment'>>;
  /** The NetSuite token, asked for ahead of the batch's first NetSuite request (cached once there). */
  netsuiteToken?(): Promise<unknown>;
  /** At most this long after the batch for its reads ahead to end (settleReadsAhead; 5 s by default). */
  readsAheadWaitMs?: number;
  visibility: MessageVisibility;
  failures: MessageFailureLog;
  queueUrl: string;
  retryDelay: RetryDelayPolicy;
}

export function createPaymentPushWorkerHandler(deps: PaymentPushWorkerDependencies) {
  return withPowertools(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    deps.once.registerLambdaContext(context);
    // The payment mode read once for the batch's messages (still on every invocation), from the start:
    // while the batch's clients are made (a failed read is made again by the first message).
    const mode = invocationOnce(() => readPaymentMode(deps.state, deps.defaultMode));
    mode().catch(() => undefined);
    const ahead: Array<Promise<unknown>> = [];
    const response = await paymentPushWorker({ ...deps, mode }, ahead)(event, context);
    await settleReadsAhead(ahead, context, deps.readsAheadWaitMs ?? readsAheadWaitMs);
    return response;
  });
}

/** How long an invocation waits at most, once its batch is done, for its reads ahead to end. */
const readsAheadWaitMs = 5_000;

/**
 * Waits, after the batch (its failures handled), for the reads the batch started ahead and no payment
 * needed (all skipped or duplicates): an invocation that returned with one under way would leave it in a
 * frozen container, joined by the next invocation when stale. Bounded (`waitMs`, and never into the
 * invocation's last 10 s): a NetSuite that hangs must not keep a done batch to its timeout; a read left
 * then is joined by the next batch's payments, which read again if it fails. Reads ahead never fail.
 */
async function settleReadsAhead(
  ahead: ReadonlyArray<Promise<unknown>>,
  context: Context,
  waitMs: number,
): Promise<void> {
  if (ahead.length === 0) return;
  const limitMs = Math.max(0, Math.min(waitMs, context.getRemainingTimeInMillis() - 10_000));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([
    Promise.all(ahead).then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), limitMs);
    }),
  ]);
  clearTimeout(timer);
  if (!ended) logger.warn('reads ahead still under way at the end of the batch', { waitedMs: limitMs });
}

/** What a batch's payments read together: their NetSuite facts, their links, their Procurify payments. */
interface PaymentBatch {
  facts: BatchPaymentFacts;
  /** Absent when the state store cannot read several links at once. */
  links: BatchLinkReads | undefined;
  payments: BatchPayments;
}

/** `ahead` collects the batch's reads ahead (each ends without failing), for the handler to wait for. */
function paymentPushWorker(deps: PaymentPushWorkerDependencies, ahead: Array<Promise<unknown>>) {
  return createQueueWorker<PaymentMessage, PaymentBatch>({
    name: 'payment-push-worker',
    schema: paymentMessageSchema,
    queueName: 'payment',
    queueUrl: deps.queueUrl,
    visibility: deps.visibility,
    failures: deps.failures,
    retryDelay: deps.retryDelay,
    // A batch's payments run concurrently behind the instance's NetSuite permits (the client's governor
    // queues their requests), so one payment's Procurify reads overlap another's NetSuite calls (97.5 % of
    // C/L instead of ~90 % in test/bench/payment-push.ts). Two payments of one bill stay safe: NetSuite
    // refuses an application above the bill's open amount, and the planner reads it before writing.
    // It is also what lets the batch's NetSuite facts be read together: each payment asks for its own,
    // and one read answers them all once every payment of the batch has asked or ended; so are the
    // links the batch's decisions look up (one BatchGetItem instead of one per payment) and the batch's
    // Procurify payments (one list request).
    processInParallel: true,
    prepareBatch: async (messages) => {
      // The clients first, alone: a container's first call reads their secrets, which the calls after it
      // then find cached (made together, each would read them).
      const reads = await deps.facts();
      // A container's first token (a NetSuite request, under the permit) is asked for while the batch's
      // payments read Procurify and the state table, not after them — in push mode only (in pull mode
      // every message is skipped); a failure here is met again, and reported, by the request that needs it.
      const tokenAhead = deps
        .mode?.()
        .then((setting) => (setting.mode === 'push' ? deps.netsuiteToken?.() : undefined))
        .catch(() => undefined);
      if (tokenAhead !== undefined) ahead.push(tokenAhead);
      const push = await deps.push();
      const { findManyBySource } = push.state;
      const paymentIds = messages.map((message) => message.paymentId);
      const payments = readPaymentsTogether(push.procurify, paymentIds);
      // The batch's payment accounts (by the GL codes its Procurify payments carry) are read ahead, in
      // push mode, while its payments read their bills and the state table: a container's first batch
      // does not keep them yet, and its NetSuite permit would wait idle there for the facts read, which
      // then finds them (later batches find them kept, and read nothing here).
      const accountsAhead = deps
        .mode?.()
        .then(async (setting) => {
          if (setting.mode !== 'push' || reads.readAccountsAhead === undefined) return;
          const glCodes = await batchGlCodes(payments, paymentIds);
          if (glCodes.length > 0) await reads.readAccountsAhead(glCodes);
        })
        .catch(() => undefined);
      if (accountsAhead !== undefined) ahead.push(accountsAhead);
      return {
        facts: gatherPaymentFacts(reads, messages.length),
        links:
          findManyBySource === undefined
            ? undefined
            : gatherLinkReads({ findManyBySource: findManyBySource.bind(push.state) }, messages.length),
        payments,
      };
    },
    processMessage: async (message, { batch }) => {
      const facts = batch?.facts.participant();
      const links = batch?.links?.participant();
      await syncRecord(
        'paymentsFailed',
        () =>
          handlePaymentMessage(message, deps, facts, batch?.payments, links).finally(() => {
            facts?.done();
            links?.done();
          }),
        {
          message: 'payment processed',
          facts: { paymentId: message.paymentId, origin: message.origin },
          details: (outcome) => ({ action: outcome.action, duplicate: outcome.duplicate }),
        },
      );
    },
  });
}
