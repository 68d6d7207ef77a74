// Composition root of payment-push-worker: its dependencies built from the environment, once per container.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsMessageVisibility } from '../../shared/aws/message-visibility.ts';
import { type Environment, readEnvironment, readSettings } from '../../shared/config/environment.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import { createPaymentPushOnce } from '../../shared/payments/push-once.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { createSyncClientSource } from '../../shared/sync-clients.ts';
import type { PaymentPushWorkerDependencies } from './handler.ts';

export function composePaymentPushWorker(env: Environment): PaymentPushWorkerDependencies {
  const config = readEnvironment(env, [
    'stateTable',
    'idempotencyTable',
    'paymentQueueUrl',
    'netsuiteSecret',
    'procurifySecret',
  ]);
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
  return {
    push: async () => {
      const { netsuite, procurify } = await clients();
      return { netsuite, procurify, state };
    },
    state,
    defaultMode: readDefaultPaymentMode(env),
    once: createPaymentPushOnce(new DynamoDBPersistenceLayer({ tableName: config.idempotencyTable })),
    failures: state,
    visibility: new SqsMessageVisibility(new SQSClient({})),
    queueUrl: config.paymentQueueUrl,
    retryDelay: { baseSeconds: settings.retryBaseSeconds, capSeconds: 900 },
  };
}
