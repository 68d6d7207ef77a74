// Composition root of paid-bill-pull: its dependencies built from the environment, once per container.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Environment, readEnvironment, readSettings } from '../../shared/config/environment.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { createSyncClientSource } from '../../shared/sync-clients.ts';
import type { PaidBillPullHandlerDependencies } from './handler.ts';

export function composePaidBillPull(env: Environment): PaidBillPullHandlerDependencies {
  const config = readEnvironment(env, ['stateTable', 'netsuiteSecret', 'procurifySecret']);
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
  const defaultMode = readDefaultPaymentMode(env);
  return {
    pull: async () => {
      const { netsuite, procurify } = await clients();
      return { netsuite, procurify, state, defaultMode };
    },
  };
}
