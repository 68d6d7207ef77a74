// Composition root of failure-digest: its dependencies built from the environment, once per container.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SNSClient } from '@aws-sdk/client-sns';
import { type Environment, readSettings } from '../../shared/config/environment.ts';
import { readFunctionEnvironment } from '../../shared/config/function-environment.ts';
import { stateStore } from '../../shared/config/state-store-part.ts';
import { chatWebhookDigestPublisher, snsDigestPublisher } from '../../shared/digest/publishers.ts';
import type { DigestPublisher } from '../../shared/digest/send-failure-digest.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { digestEnvironmentNames } from '../../shared/resources.ts';
import type { FailureDigestHandlerDependencies } from './handler.ts';

/**
 * `topic`: where the digest goes instead of the alarm topic — local mode, whose AWS emulators have no
 * SNS, passes a publisher that writes it to the log; on AWS the topic's ARN is required.
 */
export function composeFailureDigest(
  env: Environment,
  overrides: { topic?: DigestPublisher } = {},
): FailureDigestHandlerDependencies {
  const config = readFunctionEnvironment(env, functionDefinition('failure-digest'));
  const topicArn = env[digestEnvironmentNames.alarmTopicArn];
  if (overrides.topic === undefined && (topicArn === undefined || topicArn === '')) {
    throw new Error(
      `apsync configuration: missing environment variable(s) ${digestEnvironmentNames.alarmTopicArn}`,
    );
  }
  const settings = readSettings(env);
  const state = stateStore(config.stateTable, settings);
  const publishers: DigestPublisher[] = [
    overrides.topic ?? snsDigestPublisher(new SNSClient({}), topicArn as string),
  ];
  const webhookSecret = env[digestEnvironmentNames.webhookSecret];
  if (webhookSecret !== undefined && webhookSecret !== '') {
    publishers.push(chatWebhookDigestPublisher(new SecretsProvider(), webhookSecret));
  }
  // The stack prefix is the metrics namespace (set by the CDK stack and by local mode).
  const prefix = env.POWERTOOLS_METRICS_NAMESPACE ?? 'apsync';
  return { digest: async () => ({ state, publishers, prefix }) };
}
