// Composition root of reconcile: its dependencies built from the environment, once per container.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import type { Environment } from '../../shared/config/environment.ts';
import { syncFunctionParts } from '../../shared/config/runtime-parts.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import { reconcileDependencies } from '../../shared/reconcile/index.ts';
import {
  effectiveMasterDataSettings,
  withInitialBillSettings,
} from '../../shared/settings/settings-store.ts';
import type { ReconcileHandlerDependencies } from './handler.ts';

export function composeReconcile(env: Environment): ReconcileHandlerDependencies {
  const { config, settings, state, clients } = syncFunctionParts(env, functionDefinition('reconcile'));
  const dynamodb = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const queues = {
    inbound: new SqsQueuePublisher<InboundMessage>(sqs, config.inboundQueueUrl),
    bills: new SqsQueuePublisher<BillMessage>(sqs, config.billQueueUrl),
    payments: new SqsQueuePublisher<PaymentMessage>(sqs, config.paymentQueueUrl),
  };
  const defaultPaymentMode = readDefaultPaymentMode(env);
  return {
    reconcile: async () => {
      const { netsuite, procurify } = await clients();
      return reconcileDependencies({
        netsuite,
        procurify,
        // The bill settings over cdk.json's initial ones, as the bill-sync worker reads them.
        state: withInitialBillSettings(state, settings.initialSettings),
        dynamodb,
        stateTable: config.stateTable,
        queues,
        settings: { ...settings, ...(await effectiveMasterDataSettings(state, settings)) },
        defaultPaymentMode,
      });
    },
  };
}
