// Composition root of webhook-ingest: its dependencies built from the environment, once per container.
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { dynamoDbClient, sqsClient } from '../../shared/aws/sdk-clients.ts';
import { createWebhookSecretSource } from '../../shared/aws/webhook-secrets.ts';
import { type Environment, readSettings } from '../../shared/config/environment.ts';
import { readFunctionEnvironment } from '../../shared/config/function-environment.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import type { AcceptRecordEventDependencies } from '../../shared/ingest/accept-record-event.ts';
import { createEnqueueOnce } from '../../shared/ingest/enqueue-once.ts';

export function composeWebhookIngest(env: Environment): AcceptRecordEventDependencies {
  const config = readFunctionEnvironment(env, functionDefinition('webhook-ingest'));
  const queue = new SqsQueuePublisher<InboundMessage>(sqsClient(), config.inboundQueueUrl);
  const persistence = new DynamoDBPersistenceLayer({
    tableName: config.idempotencyTable,
    awsSdkV3Client: dynamoDbClient(),
  });
  const enqueueOnce = createEnqueueOnce(
    queue,
    persistence,
    readSettings(env).idempotencyRetentionDays * 24 * 3600,
  );
  return {
    signingSecrets: createWebhookSecretSource(new SecretsProvider(), config.webhookSecret),
    enqueueOnce,
    now: () => new Date(),
    beginInvocation: (context) => enqueueOnce.registerLambdaContext(context),
  };
}
