// Composition root of netsuite-poll: its dependencies built from the environment, once per container.
// It holds only the NetSuite secret (infra/cdk/functions.ts), hence createNetSuiteClientSource.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { type Environment, readEnvironment, readSettings } from '../../shared/config/environment.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { createNetSuiteClientSource } from '../../shared/sync-clients.ts';
import type { NetSuitePollDependencies } from './handler.ts';

export function composeNetSuitePoll(env: Environment): NetSuitePollDependencies {
  const config = readEnvironment(env, ['stateTable', 'inboundQueueUrl', 'netsuiteSecret']);
  const settings = readSettings(env);
  const state = new DynamoStateStore(new DynamoDBClient({}), config.stateTable, undefined, {
    auditRetentionDays: readSettings(env).auditRetentionDays,
  });
  const queue = new SqsQueuePublisher<InboundMessage>(new SQSClient({}), config.inboundQueueUrl);
  const netsuite = createNetSuiteClientSource(new SecretsProvider(), {
    netsuiteSecret: config.netsuiteSecret,
    netsuiteConcurrencyShare: settings.netsuiteConcurrencyShare,
    ...(settings.netsuiteBaseUrl === undefined ? {} : { netsuiteBaseUrl: settings.netsuiteBaseUrl }),
  });
  return {
    poll: async () => ({ suiteQl: (await netsuite()).suiteQl, queue, state }),
    options: { overlapMinutes: settings.pollOverlapMinutes, accountTimeZone: settings.netsuiteTimeZone },
  };
}
