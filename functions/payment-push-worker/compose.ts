// Composition root of payment-push-worker: its dependencies built from the environment, once per container.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoDbClient } from '../../shared/aws/sdk-clients.ts';
import type { Environment } from '../../shared/config/environment.ts';
import { queueRetries, syncFunctionParts } from '../../shared/config/runtime-parts.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import {
  createNetSuitePaymentFacts,
  PaymentAccountCache,
} from '../../shared/payments/netsuite-payment-facts.ts';
import { createPaymentPushOnce } from '../../shared/payments/push-once.ts';
import type { PaymentPushWorkerDependencies } from './handler.ts';

export function composePaymentPushWorker(env: Environment): PaymentPushWorkerDependencies {
  const { config, settings, state, clients } = syncFunctionParts(
    env,
    functionDefinition('payment-push-worker'),
  );
  const accounts = new PaymentAccountCache();
  const facts = async () => createNetSuitePaymentFacts((await clients()).netsuite, accounts);
  return {
    push: async () => {
      const { netsuite, procurify } = await clients();
      return { netsuite, procurify, state, facts: await facts() };
    },
    facts,
    netsuiteToken: async () => (await clients()).netsuite.tokens.getToken(),
    state,
    defaultMode: readDefaultPaymentMode(env),
    once: createPaymentPushOnce(
      new DynamoDBPersistenceLayer({ tableName: config.idempotencyTable, awsSdkV3Client: dynamoDbClient() }),
    ),
    failures: state,
    ...queueRetries(config.paymentQueueUrl, settings),
  };
}
