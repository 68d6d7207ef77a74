// The stateful stack: DynamoDB tables, SQS work queues with their dead-letter queues, the schedule
// dead-letter queue and the (empty) Secrets Manager secrets, named from shared/resources.ts. Built by
// build-app.ts; the service stack finds these resources by the same names, so the two stacks share no
// CloudFormation exports and the service stack can be replaced freely.
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  type QueueKey,
  queueDefinitions,
  resourceNames,
  scheduleDeadLetterQueueDefinition,
  scheduleDeadLetterQueueName,
  secretDefinitions,
  type TableKey,
  tableDefinitions,
  visibilityTimeoutSeconds,
} from '../../shared/resources.ts';
import type { ApsyncConfiguration } from './config.ts';

export interface StatefulStackProps extends StackProps {
  readonly config: ApsyncConfiguration;
}

export class StatefulStack extends Stack {
  readonly tables: Record<TableKey, dynamodb.Table>;
  readonly queues: Record<QueueKey, sqs.Queue>;
  readonly deadLetterQueues: Record<QueueKey, sqs.Queue>;
  readonly scheduleDeadLetterQueue: sqs.Queue;
  readonly secrets: Record<string, secretsmanager.CfnSecret>;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const names = resourceNames(props.config.prefix);

    const tables = {} as Record<TableKey, dynamodb.Table>;
    for (const [key, definition] of Object.entries(tableDefinitions) as [TableKey, TableDefinition][]) {
      const table = new dynamodb.Table(this, `${key}Table`, {
        tableName: names.tables[key],
        partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(definition.sortKey === undefined
          ? {}
          : { sortKey: { name: definition.sortKey, type: dynamodb.AttributeType.STRING } }),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // Audit records (state table) and idempotency records expire through TTL: the writers set
        // the attribute from the configured retention.
        timeToLiveAttribute: definition.timeToLiveAttribute,
        // Links, sync state and the audit trail outlive the stack: deleting it (or replacing a table)
        // keeps them (DeletionPolicy RetainExceptOnCreate, UpdateReplacePolicy Retain). Only the rollback
        // of the deploy that created a table deletes it, so a failed first deploy leaves no table whose
        // name blocks the next one. For the same reason no DeletionProtectionEnabled: DynamoDB would
        // refuse that rollback's delete and leave the table behind.
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
      for (const index of definition.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      tables[key] = table;
    }
    this.tables = tables;

    const queues = {} as Record<QueueKey, sqs.Queue>;
    const deadLetterQueues = {} as Record<QueueKey, sqs.Queue>;
    for (const [key, definition] of Object.entries(queueDefinitions) as [QueueKey, QueueDefinition][]) {
      // A message keeps its original enqueue time when it moves to the DLQ, so the DLQ must keep
      // messages longer than the source queue or a redrive window would be lost.
      if (definition.dlqRetentionDays <= definition.retentionDays) {
        throw new Error(`queue ${key}: dead-letter retention must be longer than the queue's`);
      }
      const deadLetterQueue = new sqs.Queue(this, `${key}DeadLetterQueue`, {
        queueName: names.deadLetterQueues[key],
        retentionPeriod: Duration.days(definition.dlqRetentionDays),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      acknowledgeDeadLetterQueue(deadLetterQueue);
      queues[key] = new sqs.Queue(this, `${key}Queue`, {
        queueName: names.queues[key],
        retentionPeriod: Duration.days(definition.retentionDays),
        visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(key)),
        // SQS-managed encryption: consumers and producers need no KMS grants, and the messages hold
        // record ids, not credentials.
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
      });
      deadLetterQueues[key] = deadLetterQueue;
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;

    this.scheduleDeadLetterQueue = new sqs.Queue(this, 'scheduleDeadLetterQueue', {
      queueName: scheduleDeadLetterQueueName(props.config.prefix),
      retentionPeriod: Duration.days(scheduleDeadLetterQueueDefinition.retentionDays),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledgeDeadLetterQueue(this.scheduleDeadLetterQueue);
    Validations.of(this.scheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter target of the EventBridge Scheduler schedules and of the scheduled ' +
        "functions' asynchronous invocations (service stack); it is not a work queue that needs its own DLQ.",
    });

    // Secrets are created EMPTY: the L1 CfnSecret with neither SecretString nor GenerateSecretString
    // creates a secret with no version, so no value exists in the template or in the account until
    // `apsync secrets set` stores one (PutSecretValue). The L2 `Secret` would add
    // `GenerateSecretString: {}` and make CloudFormation store a random 32-character value, which the
    // functions would then have to tell apart from a real credential.
    const secrets: Record<string, secretsmanager.CfnSecret> = {};
    for (const [key, definition] of Object.entries(secretDefinitions)) {
      const secret = new secretsmanager.CfnSecret(this, `${key}Secret`, {
        name: names.secrets[key as keyof typeof names.secrets],
        description: `apsync ${definition.description}`,
      });
      // Deleting a secret starts a recovery window during which the name cannot be reused; and these
      // credentials are set by hand. Keep them when the stack goes — except when the deploy that created
      // them rolls back (RetainExceptOnCreate): that secret is still empty, and keeping it would make the
      // next deploy fail on its name.
      secret.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'These are third-party credentials (NetSuite certificate key, Procurify OAuth client, webhook ' +
          'signing secret) issued outside AWS; no rotation Lambda can mint them. They are rotated by the ' +
          'operator with `apsync secrets set` (the webhook secret keeps the previous value for overlap).',
      });
      secrets[key] = secret;
    }
    this.secrets = secrets;
  }
}

type TableDefinition = (typeof tableDefinitions)[TableKey];
type QueueDefinition = (typeof queueDefinitions)[QueueKey];

function acknowledgeDeadLetterQueue(queue: sqs.Queue): void {
  Validations.of(queue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason:
      'This queue is itself a dead-letter queue: messages end here for the operator (apsync dlq list / ' +
      'redrive), and an alarm fires on the first one. A DLQ of a DLQ would only hide them.',
  });
}
