// The one definition of apsync's AWS resources (tables, keys, queues, secrets, environment names),
// read by the CDK stacks (infra/cdk) and by local mode (infra/local) so both create the same things.

/** Logical names; physical names are `${prefix}-${name}` so several stacks can share an account. */
export const tableDefinitions = {
  /** Links, sync state, audit trail, watermarks, leases and configuration (single-table design). */
  state: {
    name: 'state',
    partitionKey: 'pk',
    sortKey: 'sk',
    /** Lists records by state (failed, review, ...): gsi1pk = `STATE#<type>#<state>`, gsi1sk = time. */
    indexes: [{ name: 'byState', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    timeToLiveAttribute: 'expiresAt',
  },
  /** Powertools idempotency records (its default attribute names). */
  idempotency: {
    name: 'idempotency',
    partitionKey: 'id',
    sortKey: undefined,
    indexes: [],
    timeToLiveAttribute: 'expiration',
  },
} as const;

export type TableKey = keyof typeof tableDefinitions;

/**
 * Work queues, each with its dead-letter queue. `consumerTimeoutSeconds` is the worker function's
 * timeout; the queue's visibility timeout is 6x that (AWS guidance for SQS event sources).
 */
export const queueDefinitions = {
  inbound: {
    name: 'inbound',
    consumerTimeoutSeconds: 30,
    maxReceiveCount: 6,
    retentionDays: 4,
    dlqRetentionDays: 14,
  },
  bill: {
    name: 'bill',
    consumerTimeoutSeconds: 60,
    maxReceiveCount: 6,
    retentionDays: 4,
    dlqRetentionDays: 14,
  },
  payment: {
    name: 'payment',
    consumerTimeoutSeconds: 60,
    maxReceiveCount: 6,
    retentionDays: 4,
    dlqRetentionDays: 14,
  },
} as const;

export type QueueKey = keyof typeof queueDefinitions;

export const visibilityTimeoutSeconds = (queue: QueueKey): number =>
  6 * queueDefinitions[queue].consumerTimeoutSeconds;

/** Secrets, created empty by the stack; values are stored by `apsync secrets set`. */
export const secretDefinitions = {
  netsuite: {
    name: 'netsuite',
    description: 'NetSuite OAuth 2.0: account id, client id, certificate id, private key',
  },
  procurify: { name: 'procurify', description: 'Procurify OAuth: domain, client id, client secret' },
  webhook: { name: 'webhook', description: 'Standard Webhooks signing secrets: current and previous' },
} as const;

export type SecretKey = keyof typeof secretDefinitions;

export const defaultPrefix = 'apsync';

export interface ResourceNames {
  tables: Record<TableKey, string>;
  queues: Record<QueueKey, string>;
  deadLetterQueues: Record<QueueKey, string>;
  secrets: Record<SecretKey, string>;
}

export function resourceNames(prefix: string = defaultPrefix): ResourceNames {
  const map = <K extends string>(defs: Record<K, { name: string }>, suffix = '') =>
    Object.fromEntries(
      Object.entries<{ name: string }>(defs).map(([k, d]) => [k, `${prefix}-${d.name}${suffix}`]),
    ) as Record<K, string>;
  return {
    tables: map(tableDefinitions),
    queues: map(queueDefinitions),
    deadLetterQueues: map(queueDefinitions, '-dlq'),
    secrets: {
      netsuite: `${prefix}/netsuite`,
      procurify: `${prefix}/procurify`,
      webhook: `${prefix}/webhook`,
    },
  };
}

/**
 * Environment variable names the functions read their resource names from; set by the CDK stack on
 * AWS and by local mode on one machine, each function only those of its registry entry
 * (shared/config/function-environment.ts). Keys are `<table>Table`, `<queue>QueueUrl`, `<secret>Secret`;
 * queue variables hold queue URLs.
 */
export const environmentNames = {
  stateTable: 'APSYNC_STATE_TABLE',
  idempotencyTable: 'APSYNC_IDEMPOTENCY_TABLE',
  inboundQueueUrl: 'APSYNC_INBOUND_QUEUE_URL',
  billQueueUrl: 'APSYNC_BILL_QUEUE_URL',
  paymentQueueUrl: 'APSYNC_PAYMENT_QUEUE_URL',
  netsuiteSecret: 'APSYNC_NETSUITE_SECRET',
  procurifySecret: 'APSYNC_PROCURIFY_SECRET',
  webhookSecret: 'APSYNC_WEBHOOK_SECRET',
} as const;

/** The failure digest's variables (functions/failure-digest), set by the CDK stack and by local mode. */
export const digestEnvironmentNames = {
  /** The alarm SNS topic the digest is published to (the registry entry's `publishesAlarms`). */
  alarmTopicArn: 'APSYNC_ALARM_TOPIC_ARN',
  /** Optional: the secret holding a chat incoming-webhook URL the digest is also posted to. */
  webhookSecret: 'APSYNC_DIGEST_WEBHOOK_SECRET',
} as const;

/**
 * Where EventBridge Scheduler and the scheduled functions' asynchronous invocations put the runs that
 * could not be delivered or failed after their retries (`apsync dlq` lists it with the others).
 */
export const scheduleDeadLetterQueueDefinition = { name: 'schedule-dlq', retentionDays: 14 } as const;

export const scheduleDeadLetterQueueName = (prefix: string = defaultPrefix): string =>
  `${prefix}-${scheduleDeadLetterQueueDefinition.name}`;

/**
 * Environment variable names of the functions' settings (not resources): set by the CDK stack from
 * cdk.json context and by local mode from its options. All optional, with the defaults shown.
 */
export const settingNames = {
  /** NetSuite base URL, e.g. https://1234567-sb1.suitetalk.api.netsuite.com (default: from the account id). */
  netsuiteBaseUrl: 'APSYNC_NETSUITE_BASE_URL',
  /** Procurify base URL (default: https://<domain>.procurify.com, `domain` the secret's sub-domain). */
  procurifyBaseUrl: 'APSYNC_PROCURIFY_BASE_URL',
  /** Seconds before a NetSuite request is abandoned and retried (default 20: below every function timeout). */
  netsuiteRequestTimeoutSeconds: 'APSYNC_NETSUITE_REQUEST_TIMEOUT_SECONDS',
  /** In-flight NetSuite requests one function container may use (default 2). */
  netsuiteConcurrencyShare: 'APSYNC_NETSUITE_CONCURRENCY_SHARE',
  /** Comma-separated NetSuite subsidiary ids to sync (default: all). */
  subsidiaryScope: 'APSYNC_SUBSIDIARY_SCOPE',
  /** NetSuite boolean field id that marks vendors to sync, e.g. custentity_sync_to_procurify (default: none). */
  vendorSyncFlagField: 'APSYNC_VENDOR_SYNC_FLAG_FIELD',
  /** Procurify location id new departments are created under (default: the headquarter location). */
  departmentLocationId: 'APSYNC_DEPARTMENT_LOCATION_ID',
  /**
   * Procurify location of the departments of each NetSuite subsidiary, `subsidiary:location` pairs
   * separated by commas, e.g. `1:3,2:5` (default: none, every department at departmentLocationId).
   */
  departmentLocations: 'APSYNC_DEPARTMENT_LOCATIONS',
  /** First retry delay of a failed message, doubled per receive (default 10). */
  retryBaseSeconds: 'APSYNC_RETRY_BASE_SECONDS',
  /** Minutes the NetSuite poll re-reads behind its watermark (default 10; above 60 for DST zones). */
  pollOverlapMinutes: 'APSYNC_POLL_OVERLAP_MINUTES',
  /**
   * IANA time zone SuiteQL renders dates in: the time zone preference of the NetSuite user the
   * integration runs as (default UTC); cdk.json `netsuite.timeZone`. The poll checks it against the account.
   */
  netsuiteTimeZone: 'APSYNC_NETSUITE_TIME_ZONE',
  /**
   * JSON object of runtime settings' initial values by setting name (cdk.json `settings`: the settings
   * without a key of their own, e.g. `{"bills.mode":"manual"}`), until an operator sets them.
   */
  initialSettings: 'APSYNC_INITIAL_SETTINGS',
  /** Payment mode, push or pull, until the operator sets one with `apsync mode set` (default push). */
  defaultPaymentMode: 'APSYNC_DEFAULT_PAYMENT_MODE',
  /**
   * `false` starts the reconcile schedule switched off (cdk.json `schedules.reconcileEnabled`) until an
   * operator turns it on (`apsync settings set schedules.reconcile on`); default on.
   */
  reconcileScheduleEnabled: 'APSYNC_RECONCILE_SCHEDULE_ENABLED',
  /** Days an audit-trail record is kept before its DynamoDB TTL expires it (default 400). */
  auditRetentionDays: 'APSYNC_AUDIT_RETENTION_DAYS',
  /** Days an idempotency record is kept (default 7). */
  idempotencyRetentionDays: 'APSYNC_IDEMPOTENCY_RETENTION_DAYS',
} as const;
