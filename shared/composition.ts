// Composition roots: build each function's dependencies from its environment (resource names set by
// the CDK stack on AWS and by local mode on one machine). Called once per container, never per event.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { SqsQueuePublisher } from './aws/queue-publisher.ts';
import { createWebhookSecretSource } from './aws/webhook-secrets.ts';
import type { InboundMessage } from './events/inbound-message.ts';
import type { AcceptRecordEventDependencies } from './ingest/accept-record-event.ts';
import { createEnqueueOnce } from './ingest/enqueue-once.ts';
import { environmentNames as names } from './resources.ts';

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and validates the variables a function needs; the error names each missing one. */
function readEnvironment<K extends keyof typeof names>(
  env: Environment,
  keys: readonly K[],
): Record<K, string> {
  const shape = Object.fromEntries(keys.map((key) => [names[key], z.string().min(1)]));
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`apsync configuration: missing environment variable(s) ${missing}`);
  }
  return Object.fromEntries(keys.map((key) => [key, env[names[key]] as string])) as Record<K, string>;
}

export function composeWebhookIngest(env: Environment): AcceptRecordEventDependencies {
  const config = readEnvironment(env, ['idempotencyTable', 'inboundQueueUrl', 'webhookSecret']);
  const queue = new SqsQueuePublisher<InboundMessage>(new SQSClient({}), config.inboundQueueUrl);
  const persistence = new DynamoDBPersistenceLayer({ tableName: config.idempotencyTable });
  return {
    signingSecrets: createWebhookSecretSource(new SecretsProvider(), config.webhookSecret),
    enqueueOnce: createEnqueueOnce(queue, persistence),
    now: () => new Date(),
  };
}
