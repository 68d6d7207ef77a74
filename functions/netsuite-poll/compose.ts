// Composition root of netsuite-poll: its dependencies built from the environment, once per container.
// It holds only the NetSuite secret (shared/function-registry.ts), hence netSuiteClient.
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { type Environment, readSettings } from '../../shared/config/environment.ts';
import { readFunctionEnvironment } from '../../shared/config/function-environment.ts';
import { netSuiteClient, stateStore } from '../../shared/config/runtime-parts.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { netSuitePollPorts } from '../../shared/netsuite-poll/index.ts';
import type { NetSuitePollDependencies } from './handler.ts';

export function composeNetSuitePoll(env: Environment): NetSuitePollDependencies {
  const config = readFunctionEnvironment(env, functionDefinition('netsuite-poll'));
  const settings = readSettings(env);
  const state = stateStore(config.stateTable, settings);
  const queue = new SqsQueuePublisher<InboundMessage>(new SQSClient({}), config.inboundQueueUrl);
  const netsuite = netSuiteClient(config.netsuiteSecret, settings);
  return {
    // The record API too: each run checks the configured time zone against the account first.
    poll: async () => {
      const client = await netsuite();
      return { ...netSuitePollPorts(client), queue, state };
    },
    options: { overlapMinutes: settings.pollOverlapMinutes, accountTimeZone: settings.netsuiteTimeZone },
  };
}
