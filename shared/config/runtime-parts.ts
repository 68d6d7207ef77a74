// The one settings → clients wiring: the state store, the NetSuite and Procurify clients from their
// secrets, and the queue-worker retry plumbing, each built from the settings (readSettings) the same way
// for every function's composition root (functions/<name>/compose.ts) and for the CLI
// (infra/cli/services.ts). Only where the AWS SDK clients point differs: a function's own account and
// region, or the CLI's target (RuntimeAws).
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  type MessageVisibility,
  type RetryDelayPolicy,
  SqsMessageVisibility,
} from '../aws/message-visibility.ts';
import { dynamoDbClient, sqsClient } from '../aws/sdk-clients.ts';
import type { FunctionDefinition } from '../function-registry.ts';
import type { DynamoStateStore } from '../state/state-store.ts';
import {
  createNetSuiteClientSource,
  createProcurifyClientSource,
  createSyncClientSource,
  type SyncClientSettings,
  type SyncClients,
} from '../sync-clients.ts';
import { type Environment, type FunctionSettings, readSettings } from './environment.ts';
import { type ResourceVariableKey, readFunctionEnvironment } from './function-environment.ts';
import { stateStore } from './state-store-part.ts';

/** The AWS SDK clients the parts are built on; each is asked for when a part needs it. */
export interface RuntimeAws {
  dynamodb(): DynamoDBClient;
  sqs(): SQSClient;
  secrets(): SecretsProvider;
}

/** A function's own: the SDK's defaults (the Lambda's region and role; endpoints from the environment). */
export const functionAws: RuntimeAws = {
  dynamodb: dynamoDbClient,
  sqs: sqsClient,
  secrets: () => new SecretsProvider(),
};

/** Upper bound of a retry delay: SQS's maximum visibility timeout is 12 hours; 15 minutes is enough. */
const retryDelayCapSeconds = 900;

export { stateStore } from './state-store-part.ts';

/** A client source of shared/sync-clients.ts, reading its secrets with the runtime's Secrets Manager. */
const withSecrets =
  <Secrets, Client>(
    source: (
      provider: SecretsProvider,
      secrets: Secrets,
      settings: SyncClientSettings,
    ) => () => Promise<Client>,
  ) =>
  (secrets: Secrets, settings: FunctionSettings, aws: RuntimeAws = functionAws): (() => Promise<Client>) =>
    source(aws.secrets(), secrets, settings);

/** Both clients, each rebuilt when its own secret changes. */
export const syncClients = withSecrets(createSyncClientSource);

/** The NetSuite client alone (a function holding only the NetSuite secret). */
export const netSuiteClient = withSecrets(createNetSuiteClientSource);

/** The Procurify client alone (a function holding only the Procurify secret). */
export const procurifyClient = withSecrets(createProcurifyClientSource);

/** A registry entry that gives its function the state table and both systems' secrets (else never). */
type SyncDefinition<D extends FunctionDefinition> = D &
  ('stateTable' | 'netsuiteSecret' | 'procurifySecret' extends ResourceVariableKey<D> ? unknown : never);

/**
 * What a function working on both systems builds first: its resource variables from its registry entry
 * (readFunctionEnvironment), the settings, the state store and the NetSuite and Procurify clients.
 */
export function syncFunctionParts<D extends FunctionDefinition>(
  env: Environment,
  definition: SyncDefinition<D>,
): {
  config: Record<ResourceVariableKey<D>, string>;
  settings: FunctionSettings;
  state: DynamoStateStore;
  clients: () => Promise<SyncClients>;
} {
  const config = readFunctionEnvironment<D>(env, definition);
  // SyncDefinition guarantees these variables; TypeScript cannot see it through the generic entry.
  const resources = config as unknown as Record<'stateTable' | 'netsuiteSecret' | 'procurifySecret', string>;
  const settings = readSettings(env);
  return {
    config,
    settings,
    state: stateStore(resources.stateTable, settings),
    clients: syncClients(resources, settings),
  };
}

/** What createQueueWorker needs besides the use case: where the queue is and how retries are spaced. */
export function queueRetries(
  queueUrl: string,
  settings: FunctionSettings,
  aws: RuntimeAws = functionAws,
): { visibility: MessageVisibility; queueUrl: string; retryDelay: RetryDelayPolicy } {
  return {
    visibility: new SqsMessageVisibility(aws.sqs()),
    queueUrl,
    retryDelay: { baseSeconds: settings.retryBaseSeconds, capSeconds: retryDelayCapSeconds },
  };
}
