// Each function of the registry (shared/function-registry.ts) as a handler built in the calling thread:
// the same handler factory and composition root the Lambda entry (functions/<name>/index.ts) uses, given
// the environment its registry entry gives it. Local mode runs the functions in their own threads from
// their Lambda entries (function-instances.ts); this map serves the tests that compose a function
// themselves, and the handlers given in place of the registry's (stack.ts `functions`), whose types are
// here. Keyed and typed by the registry: a function added there fails to compile until it has its line
// here, with the kind of handler its trigger calls.
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { composeBillSyncWorker } from '../../functions/bill-sync-worker/compose.ts';
import { createBillSyncWorkerHandler } from '../../functions/bill-sync-worker/handler.ts';
import { composeFailureDigest } from '../../functions/failure-digest/compose.ts';
import { createFailureDigestHandler } from '../../functions/failure-digest/handler.ts';
import { composeInboundWorker } from '../../functions/inbound-worker/compose.ts';
import { createInboundWorkerHandler } from '../../functions/inbound-worker/handler.ts';
import { composeNetSuitePoll } from '../../functions/netsuite-poll/compose.ts';
import { createNetSuitePollHandler } from '../../functions/netsuite-poll/handler.ts';
import { composePaidBillPull } from '../../functions/paid-bill-pull/compose.ts';
import { createPaidBillPullHandler } from '../../functions/paid-bill-pull/handler.ts';
import { composePaymentPushWorker } from '../../functions/payment-push-worker/compose.ts';
import { createPaymentPushWorkerHandler } from '../../functions/payment-push-worker/handler.ts';
import { composeProcurifyPoll } from '../../functions/procurify-poll/compose.ts';
import { createProcurifyPollHandler } from '../../functions/procurify-poll/handler.ts';
import { composeReconcile } from '../../functions/reconcile/compose.ts';
import { createReconcileHandler } from '../../functions/reconcile/handler.ts';
import { composeWebhookIngest } from '../../functions/webhook-ingest/compose.ts';
import { createWebhookIngestHandler } from '../../functions/webhook-ingest/handler.ts';
import type { Environment } from '../../shared/config/environment.ts';
import type { FunctionEntry, FunctionName } from '../../shared/function-registry.ts';
import type { ScheduledRunEvent } from '../../shared/lambda/scheduled-event.ts';
import { logDigestPublisher } from './log-digest-publisher.ts';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;
export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
/** Scheduled functions get the EventBridge Scheduler payload: the scheduled time and the schedule name. */
export type ScheduledHandler = (event: ScheduledRunEvent, context: Context) => Promise<unknown>;

/** The handler each kind of trigger calls. */
interface HandlerOfKind {
  http: HttpHandler;
  queue: QueueHandler;
  schedule: ScheduledHandler;
}

type LocalFunctionOf<K extends keyof HandlerOfKind> = {
  kind: K;
  create: (env: Environment) => HandlerOfKind[K];
};

export type LocalFunction = LocalFunctionOf<'http'> | LocalFunctionOf<'queue'> | LocalFunctionOf<'schedule'>;

/** The kind of local function a registry trigger calls. */
type KindOf<T> = T extends 'http' ? 'http' : T extends `queue:${string}` ? 'queue' : 'schedule';

export type LocalFunctions = {
  readonly [N in FunctionName]: Extract<LocalFunction, { kind: KindOf<FunctionEntry<N>['trigger']> }>;
};

/** A function's handler for an environment: its handler factory given what its composition root builds. */
function composed<K extends keyof HandlerOfKind, Parts>(
  kind: K,
  createHandler: (parts: Parts) => HandlerOfKind[K],
  compose: (env: Environment) => Parts,
): LocalFunctionOf<K> {
  return { kind, create: (env) => createHandler(compose(env)) };
}

export const localFunctions: LocalFunctions = {
  'webhook-ingest': composed('http', createWebhookIngestHandler, composeWebhookIngest),
  'inbound-worker': composed('queue', createInboundWorkerHandler, composeInboundWorker),
  'payment-push-worker': composed('queue', createPaymentPushWorkerHandler, composePaymentPushWorker),
  'paid-bill-pull': composed('schedule', createPaidBillPullHandler, composePaidBillPull),
  'netsuite-poll': composed('schedule', createNetSuitePollHandler, composeNetSuitePoll),
  'procurify-poll': composed('schedule', createProcurifyPollHandler, composeProcurifyPoll),
  'bill-sync-worker': composed('queue', createBillSyncWorkerHandler, composeBillSyncWorker),
  reconcile: composed('schedule', createReconcileHandler, composeReconcile),
  'failure-digest': composed('schedule', createFailureDigestHandler, (env) =>
    composeFailureDigest(env, { topic: logDigestPublisher }),
  ),
};
