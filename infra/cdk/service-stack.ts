// The service stack: the functions of the registry (shared/function-registry.ts) with their triggers —
// the webhook HTTP API, SQS event sources, EventBridge Scheduler schedules — their least-privilege grants
// on the stateful stack's resources (found by name), the operator console, the alarms and dashboard, and
// the outputs the CLI reads. Built by build-app.ts.
import {
  ArnFormat,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ScheduleTargetBase, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functionEnvironment, type ResourceLocations } from '../../shared/config/function-environment.ts';
import {
  type FunctionDefinition,
  operatorConsoleDefinition,
  queueOf,
  type ScheduleKey,
  scheduleOf,
  type TableAccess,
} from '../../shared/function-registry.ts';
import {
  digestEnvironmentNames,
  type QueueKey,
  queueDefinitions,
  type ResourceNames,
  resourceNames,
  type SecretKey,
  scheduleDeadLetterQueueName,
  type TableKey,
  tableDefinitions,
  visibilityTimeoutSeconds,
} from '../../shared/resources.ts';
import { ApsyncFunction } from './apsync-function.ts';
import { type ApsyncConfiguration, settingValues } from './config.ts';
import { Monitoring } from './monitoring.ts';
import { allocateNetSuiteConcurrency, type NetSuiteAllocation } from './netsuite-concurrency.ts';
import { OperatorConsole } from './operator-console.ts';
import { OperatorPolicy } from './operator-policy.ts';
import { outputKeys } from './stack-outputs.ts';

export interface ServiceStackProps extends StackProps {
  readonly config: ApsyncConfiguration;
  /** Registry entries to deploy (build-app.ts has already left out those without an entry file). */
  readonly functions: readonly FunctionDefinition[];
  readonly projectRoot: string;
}

const readActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;
const writeActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  // The state store writes a sync's audit entries and a link's items in one BatchWriteItem, which IAM
  // authorises as its own action (a transaction is authorised by its items' Put/Update/ConditionCheck).
  'dynamodb:BatchWriteItem',
] as const;
/**
 * DynamoDB actions per access level; table administration is never granted, Scan only to the reconcile
 * function (readWriteScan).
 */
export const tableActions: Record<TableAccess, readonly string[]> = {
  read: readActions,
  readWrite: [...readActions, ...writeActions],
  readWriteScan: [...readActions, ...writeActions, 'dynamodb:Scan'],
};

export const scheduleRateMinutes = (config: ApsyncConfiguration, key: ScheduleKey): number =>
  config.schedules[`${key}Minutes`];

export interface ImportedQueue {
  readonly queue: sqs.IQueue;
  readonly url: string;
}

export class ServiceStack extends Stack {
  readonly functions = new Map<string, { definition: FunctionDefinition; construct: ApsyncFunction }>();
  readonly api: apigw.HttpApi | undefined;
  readonly netsuiteAllocation: NetSuiteAllocation;
  /** The operator console (with the HTTP API: deployed with the webhook function). */
  readonly operatorConsole: OperatorConsole | undefined;

  private readonly names: ResourceNames;
  private readonly queues = new Map<string, ImportedQueue>();
  /** Set by buildApi when an http function is deployed. */
  private stage: apigw.HttpStage | undefined;
  private webhookPath: string | undefined;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.names = resourceNames(config.prefix);
    this.netsuiteAllocation = allocateNetSuiteConcurrency(config.netsuite.concurrencyShare, props.functions);

    const scheduleDeadLetterQueue = this.importQueue(
      'scheduleDeadLetterQueue',
      scheduleDeadLetterQueueName(config.prefix),
    );

    for (const definition of props.functions) {
      const construct = this.buildFunction(definition, props);
      this.functions.set(definition.name, { definition, construct });
      this.wireTrigger(definition, construct, config, scheduleDeadLetterQueue.queue);
    }
    this.api = this.buildApi(config);
    this.operatorConsole = this.buildConsole(props);

    const queueKeys = Object.keys(queueDefinitions) as QueueKey[];
    const monitoring = new Monitoring(this, 'Monitoring', {
      config,
      functions: [...this.functions.values()],
      queues: queueKeys.map((key) => ({
        key,
        queue: this.queueByKey(key).queue,
        deadLetterQueue: this.importQueue(`${key}DeadLetterQueue`, this.names.deadLetterQueues[key]).queue,
      })),
      scheduleDeadLetterQueue: scheduleDeadLetterQueue.queue,
      api: this.api,
    });

    this.grantAlarmPublishing(config, monitoring);
    const operatorPolicy = new OperatorPolicy(this, 'OperatorPolicy', {
      prefix: config.prefix,
      names: this.names,
      tableActions: tableActions.readWriteScan,
      workQueues: queueKeys.map((key) => this.queueByKey(key).queue),
      deadLetterQueues: [
        ...queueKeys.map(
          (key) => this.importQueue(`${key}DeadLetterQueue`, this.names.deadLetterQueues[key]).queue,
        ),
        scheduleDeadLetterQueue.queue,
      ],
      secretArns: Object.fromEntries(
        (Object.keys(this.names.secrets) as SecretKey[]).map((secret) => [
          secret,
          this.secretArnPattern(secret),
        ]),
      ) as Record<SecretKey, string>,
      settingsFunctionArn: this.functions.get('inbound-worker')?.construct.function.functionArn,
      scheduledFunctionArns: [...this.functions.values()]
        .filter(({ definition }) => scheduleOf(definition) !== undefined)
        .map(({ construct }) => construct.function.functionArn),
      userPoolArn: this.operatorConsole?.userPool.userPoolArn,
    });
    this.addOutputs(config, queueKeys, scheduleDeadLetterQueue.url, monitoring);
    new CfnOutput(this, outputKeys.operatorPolicyArn, {
      key: outputKeys.operatorPolicyArn,
      value: operatorPolicy.policy.managedPolicyArn,
      description: 'Managed policy for operators: what apsync --stack and console user management need',
    });
  }

  /**
   * Functions that publish to the alarm topic (the failure digest): its ARN in their environment,
   * sns:Publish on that topic alone, and GetSecretValue on the chat-webhook secret when one is configured.
   */
  private grantAlarmPublishing(config: ApsyncConfiguration, monitoring: Monitoring): void {
    for (const { definition, construct } of this.functions.values()) {
      if (definition.publishesAlarms !== true) continue;
      construct.function.addEnvironment(digestEnvironmentNames.alarmTopicArn, monitoring.topic.topicArn);
      construct.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [monitoring.topic.topicArn] }),
      );
      if (config.digestWebhookSecret !== undefined) {
        construct.function.addEnvironment(digestEnvironmentNames.webhookSecret, config.digestWebhookSecret);
        construct.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['secretsmanager:GetSecretValue'],
            resources: [
              this.formatArn({
                service: 'secretsmanager',
                resource: 'secret',
                resourceName: `${config.digestWebhookSecret}-??????`,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          }),
        );
      }
    }
  }

  private buildFunction(definition: FunctionDefinition, props: ServiceStackProps): ApsyncFunction {
    const { config } = props;
    const queue = queueOf(definition);
    const timeoutSeconds =
      queue === undefined ? definition.timeoutSeconds : queueDefinitions[queue].consumerTimeoutSeconds;
    if (timeoutSeconds === undefined)
      throw new Error(`function ${definition.name}: timeoutSeconds is required`);
    if (queue !== undefined) {
      const window = definition.batch?.windowSeconds ?? 0;
      // AWS: visibility timeout >= 6 x function timeout (+ batching window), or a throttled or retried
      // batch becomes visible again while it is still being worked on.
      if (visibilityTimeoutSeconds(queue) < 6 * timeoutSeconds + window) {
        throw new Error(
          `function ${definition.name}: queue ${queue} visibility timeout ${visibilityTimeoutSeconds(queue)} s ` +
            `is below 6 x ${timeoutSeconds} s + ${window} s batching window`,
        );
      }
    }

    const construct = new ApsyncFunction(this, pascalId(definition.name), {
      definition,
      config,
      projectRoot: props.projectRoot,
      timeout: Duration.seconds(timeoutSeconds),
      environment: this.environmentOf(definition, config),
    });
    this.grantResources(definition, construct.role);
    acknowledgeTracingWildcard(construct);
    return construct;
  }

  /** The registry entry's resources (functionEnvironment, as in local mode) and the settings. */
  private environmentOf(definition: FunctionDefinition, config: ApsyncConfiguration): Record<string, string> {
    const allotment = this.netsuiteAllocation.allotments.get(definition.name);
    return functionEnvironment(definition, this.resourceLocations(), settingValues(config, allotment));
  }

  /** The stateful stack's resources, by name (the queues imported as in queueByKey). */
  private resourceLocations(): ResourceLocations {
    return {
      table: (key) => this.names.tables[key],
      queueUrl: (key) => this.queueByKey(key).url,
      secret: (key) => this.names.secrets[key],
    };
  }

  /** Only the actions and resources the registry entry lists; no wildcard resources. */
  private grantResources(definition: FunctionDefinition, role: iam.Role): void {
    for (const [table, access] of Object.entries(definition.tables) as [TableKey, TableAccess][]) {
      const tableArn = this.formatArn({
        service: 'dynamodb',
        resource: 'table',
        resourceName: this.names.tables[table],
      });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [...tableActions[access]], resources: [tableArn] }),
      );
      const indexes = tableDefinitions[table].indexes.map((index) => `${tableArn}/index/${index.name}`);
      if (indexes.length > 0) {
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexes }),
        );
      }
    }
    if (definition.sendsTo.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sqs:SendMessage'],
          resources: definition.sendsTo.map((queue) => this.queueByKey(queue).queue.queueArn),
        }),
      );
    }
    if (definition.secrets.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: definition.secrets.map((secret) => this.secretArnPattern(secret)),
        }),
      );
    }
  }

  private wireTrigger(
    definition: FunctionDefinition,
    construct: ApsyncFunction,
    config: ApsyncConfiguration,
    scheduleDeadLetterQueue: sqs.IQueue,
  ): void {
    const fn = construct.function;
    const queue = queueOf(definition);
    if (queue !== undefined) {
      const batch = definition.batch ?? { size: 1, windowSeconds: 0 };
      const maxConcurrency = this.netsuiteAllocation.allotments.get(definition.name)?.maxConcurrency;
      fn.addEventSource(
        new SqsEventSource(this.queueByKey(queue).queue, {
          batchSize: batch.size,
          ...(batch.windowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(batch.windowSeconds) } : {}),
          // Without it, a batch that returns its failed records still deletes all of them.
          reportBatchItemFailures: true,
          // Caps the instances that call NetSuite at once (netsuite-concurrency.ts).
          ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
        }),
      );
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'SQS event sources do not support on-failure destinations; the source queue redrives a message ' +
          `to its dead-letter queue after ${queueDefinitions[queue].maxReceiveCount} receives (stateful stack).`,
      });
      acknowledgeNotAsync(fn, `by its SQS event source (queue ${queue})`);
      return;
    }
    const schedule = scheduleOf(definition);
    if (schedule !== undefined) {
      const rate = Duration.minutes(scheduleRateMinutes(config, schedule));
      // A run older than one period is superseded by the next tick: never queue runs up behind it.
      const maxEventAge = Duration.minutes(Math.min(Math.max(scheduleRateMinutes(config, schedule), 1), 60));
      // Lambda's own async retries (the function threw): once, then the failed run goes to the DLQ.
      fn.configureAsyncInvoke({
        retryAttempts: 1,
        maxEventAge,
        onFailure: new SqsDestination(scheduleDeadLetterQueue),
      });
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Failed asynchronous runs go to the on-failure destination (the schedule dead-letter queue, ' +
          'EventInvokeConfig), which carries the error and supersedes the legacy DeadLetterConfig.',
      });
      const target = new ExactLambdaInvoke(fn, {
        // Scheduler's delivery retries (throttling, service errors): capped, then to the same DLQ.
        retryAttempts: 2,
        maxEventAge,
        deadLetterQueue: scheduleDeadLetterQueue,
        // The run is keyed on its scheduled time, so a retried delivery of one tick is the same run.
        input: scheduler.ScheduleTargetInput.fromObject({
          source: 'apsync.schedule',
          schedule,
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          executionId: scheduler.ContextAttribute.executionId,
        }),
      });
      new scheduler.Schedule(this, `${pascalId(definition.name)}Schedule`, {
        scheduleName: `${config.prefix}-${definition.name}`,
        description: `apsync ${definition.name} every ${scheduleRateMinutes(config, schedule)} min`,
        schedule: scheduler.ScheduleExpression.rate(rate),
        target,
        timeWindow: scheduler.TimeWindow.off(),
        // Every schedule fires; a run whose switch (setting schedules.<name>, initially cdk.json's
        // schedules.reconcileEnabled for reconcile) is off does nothing (shared/lambda/schedule-switch.ts).
        enabled: true,
      });
      return;
    }
    acknowledgeNotAsync(fn, 'synchronously by the HTTP API');
  }

  private buildApi(config: ApsyncConfiguration): apigw.HttpApi | undefined {
    const httpFunctions = [...this.functions.values()].filter((f) => f.definition.trigger === 'http');
    if (httpFunctions.length === 0) return undefined;
    const api = new apigw.HttpApi(this, 'WebhookApi', {
      apiName: `${config.prefix}-webhook`,
      description: 'apsync: signed record-event notices from the NetSuite user-event script',
      // Our own $default stage below carries throttling and access logs.
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'WebhookApiAccessLogs', {
      logGroupName: `/aws/apigateway/${config.prefix}-webhook`,
      retention: config.retention.logDays as logs.RetentionDays,
      // Bounded by retention; a retained, explicitly named log group would block a redeploy.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new apigw.HttpStage(this, 'WebhookApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      // Protects the ingest function and the queue from a runaway sender; NetSuite retries on 429.
      throttle: { rateLimit: config.api.rateLimit, burstLimit: config.api.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // One JSON object per request: searchable with Logs Insights. No headers or body (signatures).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
    });
    for (const { definition, construct } of httpFunctions) {
      if (definition.route === undefined) throw new Error(`function ${definition.name}: http needs a route`);
      const [route] = api.addRoutes({
        path: definition.route.path,
        methods: [apigw.HttpMethod[definition.route.method]],
        integration: new HttpLambdaIntegration(
          `${pascalId(definition.name)}Integration`,
          construct.function,
          {
            payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
          },
        ),
      });
      if (route !== undefined) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'The caller is a NetSuite user-event script, which cannot obtain IAM, Cognito or JWT ' +
            'credentials. Each request is authenticated in the function instead: Standard Webhooks ' +
            'HMAC-SHA256 over id, timestamp and the raw body with a shared secret, 5-minute replay window.',
        });
      }
    }
    this.webhookPath = httpFunctions[0]?.definition.route?.path;
    this.stage = stage;
    return api;
  }

  private buildConsole(props: ServiceStackProps): OperatorConsole | undefined {
    if (this.api === undefined || this.stage === undefined) return undefined;
    const queues = Object.fromEntries(
      (Object.keys(queueDefinitions) as QueueKey[]).map((key) => {
        const work = this.queueByKey(key);
        const dead = this.importQueue(`${key}DeadLetterQueue`, this.names.deadLetterQueues[key]);
        return [
          key,
          { queue: work.queue, url: work.url, deadLetterQueue: dead.queue, deadLetterUrl: dead.url },
        ];
      }),
    ) as ConstructorParameters<typeof OperatorConsole>[2]['queues'];
    const operatorConsole = new OperatorConsole(this, 'OperatorConsole', {
      config: props.config,
      environment: this.environmentOf(operatorConsoleDefinition, props.config),
      api: this.api,
      apiUrl: this.stage.url,
      queues,
      projectRoot: props.projectRoot,
    });
    this.grantResources(operatorConsoleDefinition, operatorConsole.function.role);
    acknowledgeTracingWildcard(operatorConsole.function);
    acknowledgeNotAsync(operatorConsole.function.function, 'synchronously by the HTTP API');
    return operatorConsole;
  }

  private addOutputs(
    config: ApsyncConfiguration,
    queueKeys: readonly QueueKey[],
    scheduleDeadLetterQueueUrl: string,
    monitoring: Monitoring,
  ): void {
    const output = (key: string, value: string, description: string) =>
      new CfnOutput(this, key, { key, value, description });
    if (this.stage !== undefined) {
      output(outputKeys.apiUrl, this.stage.url, 'Webhook HTTP API base URL');
      if (this.webhookPath !== undefined) {
        output(
          outputKeys.webhookUrl,
          `${this.stage.url}${this.webhookPath.replace(/^\//, '')}`,
          'URL the NetSuite user-event script posts to',
        );
      }
    }
    for (const key of queueKeys) {
      output(outputKeys.queueUrl(key), this.queueByKey(key).url, `${key} work queue`);
      output(
        outputKeys.deadLetterQueueUrl(key),
        this.queueUrl(this.names.deadLetterQueues[key]),
        `${key} dead-letter queue`,
      );
    }
    output(outputKeys.scheduleDeadLetterQueueUrl, scheduleDeadLetterQueueUrl, 'Failed scheduled runs');
    for (const table of Object.keys(tableDefinitions) as TableKey[]) {
      output(outputKeys.tableName(table), this.names.tables[table], `${table} table`);
    }
    for (const secret of Object.keys(this.names.secrets) as SecretKey[]) {
      output(
        outputKeys.secretName(secret),
        this.names.secrets[secret],
        `${secret} secret (apsync secrets set)`,
      );
    }
    for (const { definition, construct } of this.functions.values()) {
      output(outputKeys.functionName(definition.name), construct.functionName, definition.description);
    }
    if (this.operatorConsole !== undefined) {
      output(
        outputKeys.consoleUrl,
        this.operatorConsole.url,
        'Operator console (sign in with a console user)',
      );
      output(
        outputKeys.consoleUserPoolId,
        this.operatorConsole.userPool.userPoolId,
        'Cognito user pool of the console users (aws cognito-idp admin-create-user)',
      );
    }
    output(outputKeys.alarmTopicArn, monitoring.topic.topicArn, 'Alarm notifications');
    output(outputKeys.dashboardName, monitoring.dashboardName, 'CloudWatch dashboard of the flows');
    output(outputKeys.prefix, config.prefix, 'Resource name prefix');
    output(outputKeys.defaultPaymentMode, config.paymentMode, 'Payment mode until set by the operator');
  }

  private queueByKey(key: QueueKey): ImportedQueue {
    return this.importQueue(`${key}Queue`, this.names.queues[key]);
  }

  /** A queue of the stateful stack, by name (no CloudFormation export between the stacks). */
  private importQueue(id: string, name: string): ImportedQueue {
    const existing = this.queues.get(name);
    if (existing !== undefined) return existing;
    const url = this.queueUrl(name);
    const queue = sqs.Queue.fromQueueAttributes(this, id, {
      queueName: name,
      queueUrl: url,
      queueArn: this.formatArn({ service: 'sqs', resource: name, arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    });
    const imported = { queue, url };
    this.queues.set(name, imported);
    return imported;
  }

  private queueUrl(name: string): string {
    return `https://sqs.${Aws.REGION}.${Aws.URL_SUFFIX}/${Aws.ACCOUNT_ID}/${name}`;
  }

  /** Secrets Manager appends 6 random characters to a secret's ARN; `??????` matches exactly those. */
  private secretArnPattern(secret: SecretKey): string {
    return this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${this.names.secrets[secret]}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

/**
 * Scheduler target invoking one function. The library's LambdaInvoke grants through `grantInvoke`,
 * which adds `<function arn>:*` (every version and alias); schedules invoke the unqualified ARN only.
 */
class ExactLambdaInvoke extends ScheduleTargetBase {
  private readonly invoked: lambda.IFunction;

  constructor(fn: lambda.IFunction, props: ScheduleTargetBaseProps) {
    super(props, fn.functionArn);
    this.invoked = fn;
  }

  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.invoked.functionArn] }),
    );
  }
}

export function pascalId(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function acknowledgeTracingWildcard(construct: ApsyncFunction): void {
  const reason =
    'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions: AWS requires ' +
    'Resource "*" (added by active tracing; these are the only actions on "*").';
  Validations.of(construct.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
}

function acknowledgeNotAsync(fn: lambda.IFunction, how: string): void {
  const reason = `Invoked ${how}, never asynchronously: Lambda's asynchronous DLQ and on-failure destination never apply; failures are answered to the caller or redriven by the queue.`;
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason });
}
