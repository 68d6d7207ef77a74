// Composition root of procurify-poll: its dependencies built from the environment, once per container.
// It holds only the Procurify secret (shared/function-registry.ts), hence procurifyClient; the
// parked-bill re-send reads only the state table.
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { type Environment, readSettings } from '../../shared/config/environment.ts';
import { readFunctionEnvironment } from '../../shared/config/function-environment.ts';
import { procurifyClient, stateStore } from '../../shared/config/runtime-parts.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import type { ProcurifyPollHandlerDependencies } from './handler.ts';

export function composeProcurifyPoll(env: Environment): ProcurifyPollHandlerDependencies {
  const config = readFunctionEnvironment(env, functionDefinition('procurify-poll'));
  const settings = readSettings(env);
  const defaultPaymentMode = readDefaultPaymentMode(env);
  const state = stateStore(config.stateTable, settings);
  const sqs = new SQSClient({});
  const bills = new SqsQueuePublisher<BillMessage>(sqs, config.billQueueUrl);
  const payments = new SqsQueuePublisher<PaymentMessage>(sqs, config.paymentQueueUrl);
  const procurify = procurifyClient(config.procurifySecret, settings);
  return {
    poll: async () => ({ procurify: await procurify(), state, bills, payments, defaultPaymentMode }),
    options: { overlapMinutes: settings.pollOverlapMinutes },
  };
}
