// Composition root of bill-sync-worker: its dependencies built from the environment, once per container.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsMessageVisibility } from '../../shared/aws/message-visibility.ts';
import { CurrencyCache, createNetSuiteBillLookups } from '../../shared/bills/netsuite-bill-lookups.ts';
import { type Environment, readEnvironment, readSettings } from '../../shared/config/environment.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { createSyncClientSource } from '../../shared/sync-clients.ts';
import type { BillSyncWorkerDependencies } from './handler.ts';

export function composeBillSyncWorker(env: Environment): BillSyncWorkerDependencies {
  const config = readEnvironment(env, ['stateTable', 'billQueueUrl', 'netsuiteSecret', 'procurifySecret']);
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
  // Currencies are read once per container (ten minutes), whatever client the secrets give.
  const currencies = new CurrencyCache();
  return {
    billSync: async () => {
      const { netsuite, procurify } = await clients();
      return {
        procurify,
        netsuite: netsuite.records,
        lookups: createNetSuiteBillLookups(netsuite.suiteQl, currencies),
        state,
      };
    },
    failures: state,
    visibility: new SqsMessageVisibility(new SQSClient({})),
    queueUrl: config.billQueueUrl,
    retryDelay: { baseSeconds: settings.retryBaseSeconds, capSeconds: 900 },
  };
}
