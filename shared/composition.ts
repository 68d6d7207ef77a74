// Composition roots: build each function's dependencies from its environment (resource names set by
// the CDK stack on AWS and by local mode on one machine). Called once per container, never per event.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { InboundWorkerDependencies } from '../functions/inbound-worker/handler.ts';
import { SqsMessageVisibility } from './aws/message-visibility.ts';
import { SqsQueuePublisher } from './aws/queue-publisher.ts';
import { createWebhookSecretSource } from './aws/webhook-secrets.ts';
import type { InboundMessage } from './events/inbound-message.ts';
import type { AcceptRecordEventDependencies } from './ingest/accept-record-event.ts';
import { createEnqueueOnce } from './ingest/enqueue-once.ts';
import { createProcurifyLookups } from './master-data/procurify-lookups.ts';
import { environmentNames as names, settingNames } from './resources.ts';
import { DynamoStateStore } from './state/state-store.ts';
import { createSyncClientSource } from './sync-clients.ts';

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and validates the variables a function needs; the error names each missing one. */
function readEnvironment<K extends keyof typeof names>(
  env: Environment,
  keys: readonly K[],
): Record<K, string> {
  const shape = Object.fromEntries(keys.map((key) => [names[key], z.string().min(1)]));
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`apsync configuration: missing environment variable(s) ${missing}`);
  }
  return Object.fromEntries(keys.map((key) => [key, env[names[key]] as string])) as Record<K, string>;
}

export function composeWebhookIngest(env: Environment): AcceptRecordEventDependencies {
  const config = readEnvironment(env, ['idempotencyTable', 'inboundQueueUrl', 'webhookSecret']);
  const queue = new SqsQueuePublisher<InboundMessage>(new SQSClient({}), config.inboundQueueUrl);
  const persistence = new DynamoDBPersistenceLayer({ tableName: config.idempotencyTable });
  const enqueueOnce = createEnqueueOnce(queue, persistence);
  return {
    signingSecrets: createWebhookSecretSource(new SecretsProvider(), config.webhookSecret),
    enqueueOnce,
    now: () => new Date(),
    beginInvocation: (context) => enqueueOnce.registerLambdaContext(context),
  };
}

/** Optional settings (see settingNames), validated: a bad value names its variable. */
function readSettings(env: Environment) {
  const schema = z.object({
    [settingNames.netsuiteBaseUrl]: z.url().optional(),
    [settingNames.procurifyBaseUrl]: z.url().optional(),
    [settingNames.netsuiteConcurrencyShare]: z.coerce.number().int().min(1).max(100).default(2),
    [settingNames.subsidiaryScope]: z.string().optional(),
    [settingNames.vendorSyncFlagField]: z
      .string()
      .regex(
        /^custentity_[a-z0-9_]+$/,
        'must be a NetSuite entity field id such as custentity_sync_to_procurify',
      )
      .optional(),
    [settingNames.departmentLocationId]: z.coerce.number().int().positive().optional(),
    [settingNames.retryBaseSeconds]: z.coerce.number().min(0).max(900).default(10),
  });
  const parsed = schema.safeParse(
    Object.fromEntries(Object.values(settingNames).map((name) => [name, env[name] || undefined])),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`apsync configuration: ${problems}`);
  }
  const value = parsed.data as Record<string, unknown>;
  const scope = (value[settingNames.subsidiaryScope] as string | undefined)
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return {
    netsuiteBaseUrl: value[settingNames.netsuiteBaseUrl] as string | undefined,
    procurifyBaseUrl: value[settingNames.procurifyBaseUrl] as string | undefined,
    netsuiteConcurrencyShare: value[settingNames.netsuiteConcurrencyShare] as number,
    subsidiaryIds: scope,
    vendorSyncFlagField: value[settingNames.vendorSyncFlagField] as string | undefined,
    departmentLocationId: value[settingNames.departmentLocationId] as number | undefined,
    retryBaseSeconds: value[settingNames.retryBaseSeconds] as number,
  };
}

export function composeInboundWorker(env: Environment): InboundWorkerDependencies {
  const config = readEnvironment(env, ['stateTable', 'inboundQueueUrl', 'netsuiteSecret', 'procurifySecret']);
  const settings = readSettings(env);
  const state = new DynamoStateStore(new DynamoDBClient({}), config.stateTable);
  const clients = createSyncClientSource(new SecretsProvider(), {
    netsuiteSecret: config.netsuiteSecret,
    procurifySecret: config.procurifySecret,
    netsuiteConcurrencyShare: settings.netsuiteConcurrencyShare,
    ...(settings.netsuiteBaseUrl === undefined ? {} : { netsuiteBaseUrl: settings.netsuiteBaseUrl }),
    ...(settings.procurifyBaseUrl === undefined ? {} : { procurifyBaseUrl: settings.procurifyBaseUrl }),
  });
  const lookups = createProcurifyLookups(
    async () => (await clients()).procurify,
    settings.departmentLocationId,
  );
  const scope = {
    ...(settings.subsidiaryIds === undefined ? {} : { subsidiaryIds: settings.subsidiaryIds }),
    ...(settings.vendorSyncFlagField === undefined
      ? {}
      : { vendorSyncFlagField: settings.vendorSyncFlagField }),
  };
  return {
    masterData: async () => {
      const { netsuite, procurify } = await clients();
      return { netsuite: netsuite.records, procurify, state, scope, lookups };
    },
    audit: state,
    failures: state,
    visibility: new SqsMessageVisibility(new SQSClient({})),
    queueUrl: config.inboundQueueUrl,
    retryDelay: { baseSeconds: settings.retryBaseSeconds, capSeconds: 900 },
  };
}
