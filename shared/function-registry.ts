// The one registry of apsync's Lambda functions: one entry per function says what triggers it, its
// memory, timeout and batch, and which tables, queues and secrets it may touch — hence the environment
// variables it gets (shared/config/function-environment.ts) and reads. The CDK service stack
// (infra/cdk/service-stack.ts) turns each entry into a function, its trigger, its IAM policy and its
// alarms; local mode (infra/local/functions.ts, stack.ts) runs each with the same environment; the CLI
// finds the scheduled ones here. Adding a function is adding an entry here. Plain data: no SDK, no CDK.
import type { QueueKey, SecretKey, TableKey } from './resources.ts';

/** The schedules whose rates come from the configuration (`apsync.schedules.<key>Minutes`). */
export type ScheduleKey = 'netsuitePoll' | 'procurifyPoll' | 'paidBillPull' | 'reconcile' | 'failureDigest';

/** `http`: the webhook API route; `queue:<QueueKey>`: consumes that queue; `schedule:<ScheduleKey>`. */
export type Trigger = 'http' | `queue:${QueueKey}` | `schedule:${ScheduleKey}`;

/**
 * `read`: get, batch-get, query, condition checks; `readWrite`: also put, update, delete and batch-write;
 * `readWriteScan`: also Scan — reconciliation only, which reads every link once a run (links have no
 * index by kind).
 */
export type TableAccess = 'read' | 'readWrite' | 'readWriteScan';

export interface FunctionDefinition {
  /** Function name without the prefix, also its Powertools service name: `webhook-ingest`. */
  readonly name: string;
  /** Module exporting `handler`, relative to the repository root: `functions/<name>/index.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly trigger: Trigger;
  /**
   * Seconds. A queue consumer's timeout is its queue's `consumerTimeoutSeconds` (shared/resources.ts):
   * the queue's visibility timeout is derived from it, so the registry does not repeat it.
   */
  readonly timeoutSeconds?: number;
  readonly memoryMb: number;
  readonly tables: Partial<Record<TableKey, TableAccess>>;
  /** Queues it sends messages to (consuming is implied by a `queue:` trigger). */
  readonly sendsTo: readonly QueueKey[];
  readonly secrets: readonly SecretKey[];
  /**
   * Set for functions that call NetSuite. A queue consumer's `weight` is its part of the configured
   * NetSuite concurrency share (see netsuite-concurrency.ts); scheduled functions run one at a time.
   */
  readonly netsuite?: { readonly weight: number };
  /** SQS event source settings of a queue consumer. */
  readonly batch?: { readonly size: number; readonly windowSeconds: number };
  /**
   * HTTP route of an `http` function. Only one is deployed today (the NetSuite webhook).
   */
  readonly route?: { readonly method: 'POST'; readonly path: string };
  /**
   * Publishes to the alarm topic (the failure digest): gets its ARN and sns:Publish on it alone, and
   * GetSecretValue on the chat-webhook secret when `digestWebhookSecret` is configured.
   */
  readonly publishesAlarms?: boolean;
}

/**
 * Batch sizes: a batch must finish well inside the function timeout even if its records' NetSuite calls
 * all wait for the instance's one NetSuite permit (the workers run a batch's records side by side, their
 * NetSuite requests queued behind that permit: why one, infra/cdk/netsuite-concurrency.ts).
 * Windows are 0: notices should reach Procurify within seconds, and the pollers enqueue their work in
 * bursts, so batches fill without waiting; a window would also have to be added to the visibility
 * timeout (which is 6x the timeout with nothing to spare).
 */
/**
 * The two queue workers that write NetSuite from Procurify: exactly once (the idempotency table), one
 * NetSuite permit per instance.
 */
const netsuiteWriter = {
  memoryMb: 512,
  tables: { state: 'readWrite', idempotency: 'readWrite' },
  sendsTo: [],
  secrets: ['netsuite', 'procurify'],
  netsuite: { weight: 1 },
} as const;

/** Scheduled runs that read both systems in bulk, one at a time (no share of the workers' permits). */
const bulkJob = { secrets: ['netsuite', 'procurify'], netsuite: { weight: 0 } } as const;

const declared = [
  {
    name: 'webhook-ingest',
    description: 'Verifies signed NetSuite record-event notices and queues them once',
    trigger: 'http',
    route: { method: 'POST', path: '/netsuite/events' },
    // The sender waits for the answer; a durable enqueue takes well under a second.
    timeoutSeconds: 10,
    // More memory buys CPU for the cold start (SDK clients, HMAC) on a latency-sensitive path.
    memoryMb: 512,
    tables: { idempotency: 'readWrite' },
    sendsTo: ['inbound'],
    secrets: ['webhook'],
  },
  {
    name: 'inbound-worker',
    description: 'Fetches the current NetSuite record of each notice and updates Procurify',
    trigger: 'queue:inbound',
    memoryMb: 512,
    // Duplicate notices are harmless (it fetches the current record), so no idempotency table.
    tables: { state: 'readWrite' },
    sendsTo: [],
    secrets: ['netsuite', 'procurify'],
    netsuite: { weight: 1 },
    // One SuiteQL query per record type for the whole batch, then the records side by side (1-3
    // Procurify calls each, ~3 s worst case): 10, SQS's most without a window, fit well in the 30 s
    // timeout, and larger batches mean fewer NetSuite requests per record (test/bench/master-data-latency.ts).
    batch: { size: 10, windowSeconds: 0 },
  },
  {
    name: 'netsuite-poll',
    description: 'SuiteQL delta poll of vendors, accounts and departments: the safety net for lost notices',
    trigger: 'schedule:netsuitePoll',
    // Pages of 1000 rows; a lease keeps runs from overlapping, the watermark resumes a cut-short run.
    timeoutSeconds: 300,
    memoryMb: 512,
    tables: { state: 'readWrite' },
    sendsTo: ['inbound'],
    secrets: ['netsuite'],
    netsuite: { weight: 0 },
  },
  {
    name: 'procurify-poll',
    description: 'Polls Procurify for approved bills and new payments and queues them',
    trigger: 'schedule:procurifyPoll',
    timeoutSeconds: 120,
    memoryMb: 512,
    tables: { state: 'readWrite' },
    sendsTo: ['bill', 'payment'],
    secrets: ['procurify'],
  },
  {
    name: 'bill-sync-worker',
    description: 'Upserts approved Procurify bills as NetSuite Vendor Bills',
    trigger: 'queue:bill',
    ...netsuiteWriter,
    // Its own queue: a bill another worker is syncing is sent again to wait (shared/worker/queue-worker.ts).
    sendsTo: ['bill'],
    // A bill is 3-5 NetSuite calls (lookups, upsert) at up to ~2 s: 5 bills stay under half of 60 s.
    batch: { size: 5, windowSeconds: 0 },
  },
  {
    name: 'payment-push-worker',
    description: 'Creates NetSuite Vendor Payments from Procurify payments, exactly once (push mode)',
    trigger: 'queue:payment',
    ...netsuiteWriter,
    // A batch's payments read their NetSuite facts together (existing Vendor Payments, bills, accounts:
    // 2-3 queries), then each upserts its Vendor Payment (~3 s worst case): 5 fit well in the 60 s
    // timeout, at about 1.2-1.4 NetSuite requests a payment (test/bench/payment-push.ts: 1.23 at C=5,
    // 1.29-1.35 at C=15).
    batch: { size: 5, windowSeconds: 0 },
  },
  {
    name: 'paid-bill-pull',
    description: 'Marks bills paid in Procurify when NetSuite shows them Paid In Full (pull mode)',
    trigger: 'schedule:paidBillPull',
    timeoutSeconds: 600,
    memoryMb: 512,
    tables: { state: 'readWrite' },
    sendsTo: [],
    ...bulkJob,
  },
  {
    name: 'reconcile',
    description:
      'Compares NetSuite and Procurify in bulk, repairs master data, reports bill and payment discrepancies for a person',
    trigger: 'schedule:reconcile',
    // Bulk reads (SuiteQL pages of 1000 rows, Procurify list pages, one scan of the state table).
    timeoutSeconds: 900,
    memoryMb: 1024,
    tables: { state: 'readWriteScan' },
    sendsTo: ['inbound', 'bill', 'payment'],
    ...bulkJob,
  },
  {
    name: 'failure-digest',
    description: 'Daily digest of data failures and open reconcile discrepancies to the alarm topic',
    trigger: 'schedule:failureDigest',
    // Byte-sized reads of the byState index (review and failed of each kind), one audit trail, one publish.
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: { state: 'readWrite' },
    sendsTo: [],
    secrets: [],
    publishesAlarms: true,
  },
] as const satisfies readonly Omit<FunctionDefinition, 'entry'>[];

/** Each function's handler module is `functions/<name>/index.ts`. */
const withEntry = <D extends { readonly name: string }>(definition: D) =>
  ({ ...definition, entry: `functions/${definition.name}/index.ts` }) as D & { readonly entry: string };

const entries = declared.map(withEntry);

export const functionRegistry: readonly FunctionDefinition[] = entries;

/** The name of a registry function. */
export type FunctionName = (typeof declared)[number]['name'];

/** The registry entry of a function, typed as written (its tables, queues and secrets as literals). */
export type FunctionEntry<N extends FunctionName> = Extract<(typeof declared)[number], { name: N }> & {
  readonly entry: string;
};

export function functionDefinition<N extends FunctionName>(name: N): FunctionEntry<N> {
  const definition = entries.find((entry) => entry.name === name);
  if (definition === undefined) throw new Error(`function registry: no function named ${name}`);
  return definition as FunctionEntry<N>;
}

/**
 * The operator console (functions/operator-console): deployed with the HTTP API, by its own construct
 * (infra/cdk/operator-console.ts: its Cognito user pool, routes and dead-letter-queue grants), so it is
 * not in the list the service stack builds one by one; its resources are declared here all the same.
 */
export const operatorConsoleDefinition = withEntry({
  name: 'operator-console',
  description: 'Operator console: failures, records, replay, dismiss and redrive in the browser',
  trigger: 'http',
  timeoutSeconds: 20,
  memoryMb: 512,
  tables: { state: 'readWrite' },
  sendsTo: ['inbound', 'bill', 'payment'],
  // The record page's preview of the next write reads NetSuite and Procurify (never writes).
  secrets: ['netsuite', 'procurify'],
} as const satisfies Omit<FunctionDefinition, 'entry'>);

export function queueOf(definition: FunctionDefinition): QueueKey | undefined {
  return definition.trigger.startsWith('queue:') ? (definition.trigger.slice(6) as QueueKey) : undefined;
}

export function scheduleOf(definition: FunctionDefinition): ScheduleKey | undefined {
  return definition.trigger.startsWith('schedule:')
    ? (definition.trigger.slice(9) as ScheduleKey)
    : undefined;
}
