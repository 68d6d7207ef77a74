// Building blocks the composition roots (functions/<name>/compose.ts) share: the state store, the
// NetSuite and Procurify clients from their secrets, and the queue-worker retry plumbing, each built
// from the function's settings the same way everywhere.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type MessageVisibility,
  type RetryDelayPolicy,
  SqsMessageVisibility,
} from '../aws/message-visibility.ts';
import type { NetSuiteClient } from '../netsuite/index.ts';
import type { ProcurifyClient } from '../procurify/index.ts';
import { DynamoStateStore } from '../state/state-store.ts';
import {
  createNetSuiteClientSource,
  createProcurifyClientSource,
  createSyncClientSource,
  type SyncClients,
} from '../sync-clients.ts';
import type { FunctionSettings } from './environment.ts';

/** Upper bound of a retry delay: SQS's maximum visibility timeout is 12 hours; 15 minutes is enough. */
const retryDelayCapSeconds = 900;

export function stateStore(stateTable: string, settings: FunctionSettings): DynamoStateStore {
  return new DynamoStateStore(new DynamoDBClient({}), stateTable, undefined, {
    auditRetentionDays: settings.auditRetentionDays,
  });
}

export function syncClients(
  secrets: { netsuiteSecret: string; procurifySecret: string },
  settings: FunctionSettings,
): () => Promise<SyncClients> {
  return createSyncClientSource(new SecretsProvider(), {
    ...secrets,
    netsuiteConcurrencyShare: settings.netsuiteConcurrencyShare,
    netsuiteRequestTimeoutSeconds: settings.netsuiteRequestTimeoutSeconds,
    ...(settings.netsuiteBaseUrl === undefined ? {} : { netsuiteBaseUrl: settings.netsuiteBaseUrl }),
    ...(settings.procurifyBaseUrl === undefined ? {} : { procurifyBaseUrl: settings.procurifyBaseUrl }),
  });
}

export function netSuiteClient(
  netsuiteSecret: string,
  settings: FunctionSettings,
): () => Promise<NetSuiteClient> {
  return createNetSuiteClientSource(new SecretsProvider(), {
    netsuiteSecret,
    netsuiteConcurrencyShare: settings.netsuiteConcurrencyShare,
    netsuiteRequestTimeoutSeconds: settings.netsuiteRequestTimeoutSeconds,
    ...(settings.netsuiteBaseUrl === undefined ? {} : { netsuiteBaseUrl: settings.netsuiteBaseUrl }),
  });
}

export function procurifyClient(
  procurifySecret: string,
  settings: FunctionSettings,
): () => Promise<ProcurifyClient> {
  return createProcurifyClientSource(new SecretsProvider(), {
    procurifySecret,
    ...(settings.procurifyBaseUrl === undefined ? {} : { procurifyBaseUrl: settings.procurifyBaseUrl }),
  });
}

/** What createQueueWorker needs besides the use case: where the queue is and how retries are spaced. */
export function queueRetries(
  queueUrl: string,
  settings: FunctionSettings,
): { visibility: MessageVisibility; queueUrl: string; retryDelay: RetryDelayPolicy } {
  return {
    visibility: new SqsMessageVisibility(new SQSClient({})),
    queueUrl,
    retryDelay: { baseSeconds: settings.retryBaseSeconds, capSeconds: retryDelayCapSeconds },
  };
}
