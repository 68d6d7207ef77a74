// Composition root of inbound-worker: its dependencies built from the environment, once per container.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsMessageVisibility } from '../../shared/aws/message-visibility.ts';
import { type Environment, readEnvironment, readSettings } from '../../shared/config/environment.ts';
import { createProcurifyLookups } from '../../shared/master-data/procurify-lookups.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { createSyncClientSource } from '../../shared/sync-clients.ts';
import type { InboundWorkerDependencies } from './handler.ts';

export function composeInboundWorker(env: Environment): InboundWorkerDependencies {
  const config = readEnvironment(env, ['stateTable', 'inboundQueueUrl', 'netsuiteSecret', 'procurifySecret']);
  const settings = readSettings(env);
  const state = new DynamoStateStore(new DynamoDBClient({}), config.stateTable, undefined, {
    auditRetentionDays: readSettings(env).auditRetentionDays,
  });
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
  const currencyCodes = new Map<string, string>();
  return {
    masterData: async () => {
      const { netsuite, procurify } = await clients();
      return { netsuite: netsuite.records, procurify, state, scope, lookups, currencyCodes };
    },
    audit: state,
    failures: state,
    visibility: new SqsMessageVisibility(new SQSClient({})),
    queueUrl: config.inboundQueueUrl,
    retryDelay: { baseSeconds: settings.retryBaseSeconds, capSeconds: 900 },
  };
}
