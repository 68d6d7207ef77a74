// Composition root of procurify-poll: its dependencies built from the environment, once per container.
// It holds only the Procurify secret (infra/cdk/functions.ts), hence createProcurifyClientSource; the
// parked-bill re-send reads only the state table.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { type Environment, readEnvironment, readSettings } from '../../shared/config/environment.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { createProcurifyClientSource } from '../../shared/sync-clients.ts';
import type { ProcurifyPollHandlerDependencies } from './handler.ts';

export function composeProcurifyPoll(env: Environment): ProcurifyPollHandlerDependencies {
  const config = readEnvironment(env, ['stateTable', 'billQueueUrl', 'paymentQueueUrl', 'procurifySecret']);
  const settings = readSettings(env);
  const defaultPaymentMode = readDefaultPaymentMode(env);
  const state = new DynamoStateStore(new DynamoDBClient({}), config.stateTable, undefined, {
    auditRetentionDays: readSettings(env).auditRetentionDays,
  });
  const sqs = new SQSClient({});
  const bills = new SqsQueuePublisher<BillMessage>(sqs, config.billQueueUrl);
  const payments = new SqsQueuePublisher<PaymentMessage>(sqs, config.paymentQueueUrl);
  const procurify = createProcurifyClientSource(new SecretsProvider(), {
    procurifySecret: config.procurifySecret,
    ...(settings.procurifyBaseUrl === undefined ? {} : { procurifyBaseUrl: settings.procurifyBaseUrl }),
  });
  return {
    poll: async () => ({ procurify: await procurify(), state, bills, payments, defaultPaymentMode }),
    // The overlap (10 min) keeps its default until a setting names it.
    options: {},
  };
}
