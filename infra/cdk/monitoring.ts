// Alarms (to one SNS topic, optionally e-mailed) and the flows dashboard of the service stack: DLQ
// depth, age of the oldest message, function errors and throttles, sync lag of the pollers and ingest
// 4xx/5xx spikes. Built by service-stack.ts from the functions it deployed and the stateful queues.
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type FunctionDefinition, queueOf, scheduleOf } from '../../shared/function-registry.ts';
import {
  type DataFailureKind,
  dataFailureMetrics,
  reconcileOpenMetricName,
  syncLagMetricName,
} from '../../shared/lambda/metric-names.ts';
import type { QueueKey } from '../../shared/resources.ts';
import type { ApsyncFunction } from './apsync-function.ts';
import type { ApsyncConfiguration } from './config.ts';

/**
 * How old the oldest waiting message may get. Notices should reach Procurify within seconds; bills
 * and payments wait behind the capped NetSuite workers, so they get longer.
 */
export const oldestMessageAlarmSeconds: Record<QueueKey, number> = {
  inbound: 600,
  bill: 1800,
  payment: 1800,
};

/**
 * Data-failure alarms (one per kind, on the metric of the function that records it, and named after
 * it): what the e-mail says and where to look. Any failure in an hour raises it; an hour without one
 * clears it.
 */
export const dataFailureAlarms: Record<DataFailureKind, { description: string }> = {
  paymentsFailed: {
    description: 'Payments could not be pushed to NetSuite: run "apsync review list --kind payment"',
  },
  billsParked: {
    description: 'Bills were parked for review or failed: run "apsync review list --kind bill"',
  },
  marksFailed: {
    description:
      'Bills paid in NetSuite could not be marked paid in Procurify: run "apsync review list --kind bill"',
  },
  recordsInReview: {
    description:
      'Vendors, accounts or departments were parked for review or failed: run "apsync review list"',
  },
};

/** Ingest spikes per 5 minutes: 5xx means notices are not queued; many 4xx mean a bad secret or sender. */
export const ingestAlarmThresholds = { serverErrors: 5, clientErrors: 25 } as const;

export interface MonitoringProps {
  readonly config: ApsyncConfiguration;
  readonly functions: readonly { definition: FunctionDefinition; construct: ApsyncFunction }[];
  readonly queues: readonly { key: QueueKey; queue: sqs.IQueue; deadLetterQueue: sqs.IQueue }[];
  readonly scheduleDeadLetterQueue: sqs.IQueue;
  readonly api: apigw.HttpApi | undefined;
}

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboardName: string;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.prefix;

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${prefix}-alarms`,
      displayName: `apsync ${prefix} alarms`,
      // Publishers (CloudWatch) must use TLS. Not KMS-encrypted: it carries alarm names and metric
      // values only, and CloudWatch cannot publish to a topic under the AWS-managed SNS key.
      enforceSSL: true,
    });
    // The TLS policy replaces SNS's default topic policy, and alarms publish as the CloudWatch service,
    // not as an IAM principal of the account: without this statement every notification is refused.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${prefix}-*`,
          },
        },
      }),
    );
    if (config.alarmEmail !== undefined) {
      const subscription = this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'E-mail subscription: SNS retries e-mail delivery itself and there is no consumer to redrive ' +
          'to; an undelivered notification still leaves the alarm in ALARM state on the console.',
      });
    }
    const action = new SnsAction(this.topic);
    const alarm = (
      alarmId: string,
      description: string,
      props: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric },
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmName: `${prefix}-${kebab(alarmId)}`,
        alarmDescription: description,
        ...props,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    // Queues: any message in a dead-letter queue needs the operator; an old message means a stuck worker.
    const deadLetterQueues = [
      ...props.queues.map((q) => ({ id: `${pascal(q.key)}`, queue: q.deadLetterQueue })),
      { id: 'Schedule', queue: props.scheduleDeadLetterQueue },
    ];
    for (const { id: name, queue } of deadLetterQueues) {
      alarm(`${name}DeadLetterQueueNotEmpty`, `Messages in ${queue.queueName}: run "apsync dlq list"`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    for (const { key, queue } of props.queues) {
      alarm(
        `${pascal(key)}QueueOldestMessage`,
        `Oldest message in ${queue.queueName} is older than ${oldestMessageAlarmSeconds[key]} s: its worker is stuck or capped too low`,
        {
          metric: queue.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
          threshold: oldestMessageAlarmSeconds[key],
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      );
    }

    // Functions: errors are crashes and timeouts (record failures are reported per record, not thrown);
    // throttles mean the account's concurrency is exhausted.
    for (const { definition, construct } of props.functions) {
      const fn = construct.function;
      const name = pascal(definition.name);
      alarm(`${name}Errors`, `${construct.functionName} failed (crash or timeout)`, {
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${name}Throttles`, `${construct.functionName} was throttled`, {
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const schedule = scheduleOf(definition);
      if (schedule === 'reconcile') {
        // Reconciliation keeps no watermark: its alarm is on what a run left open, not on lag.
        alarm(
          `${name}OpenDiscrepancies`,
          'Discrepancies remain after a reconcile run: run "apsync reconcile"',
          {
            metric: new cloudwatch.Metric({
              namespace: prefix,
              metricName: reconcileOpenMetricName,
              dimensionsMap: { service: definition.name },
              statistic: 'Maximum',
              period: Duration.minutes(Math.max(5, config.schedules.reconcileMinutes)),
            }),
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          },
        );
      } else if (schedule !== undefined && schedule !== 'failureDigest') {
        // The failure digest keeps no watermark either: its Errors alarm and the schedule DLQ cover it.
        const rateMinutes = config.schedules[`${schedule}Minutes`];
        // Lag = now - the watermark the poller has reached. Three missed periods is an incident; a
        // poller that does not run at all raises its Errors alarm or the schedule DLQ alarm instead.
        alarm(`${name}SyncLag`, `${construct.functionName} is more than 3 runs behind`, {
          metric: syncLagMetric(prefix, definition.name, rateMinutes),
          threshold: 3 * rateMinutes * 60,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
    }

    // Data failures: a record a person must fix. Only for the functions deployed (a test app may omit some).
    const deployed = new Set(props.functions.map(({ definition }) => definition.name));
    for (const [kind, { metricName, service }] of Object.entries(dataFailureMetrics) as [
      DataFailureKind,
      (typeof dataFailureMetrics)[DataFailureKind],
    ][]) {
      if (!deployed.has(service)) continue;
      alarm(metricName, dataFailureAlarms[kind].description, {
        metric: new cloudwatch.Metric({
          namespace: prefix,
          metricName,
          dimensionsMap: { service },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    if (props.api !== undefined) {
      alarm('IngestServerErrors', 'Webhook API answers 5xx: notices are not being queued', {
        metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: ingestAlarmThresholds.serverErrors,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm('IngestClientErrors', 'Webhook API refuses many notices (401/400): check the signing secret', {
        metric: props.api.metricClientError({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: ingestAlarmThresholds.clientErrors,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    this.dashboardName = `${prefix}-flows`;
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: this.dashboardName,
      defaultInterval: Duration.hours(6),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          `# apsync (${prefix})\nNetSuite → webhook → inbound queue → Procurify · Procurify poll → bill / ` +
          'payment queues → NetSuite · hourly paid-bill pull. Dead-letter queues: `apsync dlq list`.',
        width: 24,
        height: 2,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    if (props.api !== undefined) {
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Webhook ingest: requests and errors',
          left: [props.api.metricCount(), props.api.metricClientError(), props.api.metricServerError()],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Webhook ingest: latency (p95)',
          left: [
            props.api.metricLatency({ statistic: 'p95' }),
            props.api.metricIntegrationLatency({ statistic: 'p95' }),
          ],
          width: 12,
        }),
      );
    }
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queues: messages waiting',
        left: props.queues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ label: q.key })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queues: age of oldest message (s)',
        left: props.queues.map((q) =>
          q.queue.metricApproximateAgeOfOldestMessage({ label: q.key, statistic: 'Maximum' }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues',
        left: deadLetterQueues.map((d) =>
          d.queue.metricApproximateNumberOfMessagesVisible({ label: d.id, statistic: 'Maximum' }),
        ),
        width: 8,
      }),
    );
    if (props.functions.length > 0) {
      const byFunction = (metric: (fn: ApsyncFunction) => cloudwatch.IMetric) =>
        props.functions.map(({ construct }) => metric(construct));
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Functions: invocations',
          left: byFunction((c) => c.function.metricInvocations({ label: c.functionName })),
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Functions: errors and throttles',
          left: byFunction((c) => c.function.metricErrors({ label: `${c.functionName} errors` })),
          right: byFunction((c) => c.function.metricThrottles({ label: `${c.functionName} throttles` })),
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Functions: duration (p95, ms)',
          left: byFunction((c) => c.function.metricDuration({ label: c.functionName, statistic: 'p95' })),
          width: 8,
        }),
      );
    }
    const failureMetrics = Object.values(dataFailureMetrics).filter(({ service }) => deployed.has(service));
    if (failureMetrics.length > 0) {
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Data failures per hour (apsync review list)',
          left: failureMetrics.map(
            ({ metricName, service }) =>
              new cloudwatch.Metric({
                namespace: prefix,
                metricName,
                dimensionsMap: { service },
                statistic: 'Sum',
                period: Duration.hours(1),
                label: metricName,
              }),
          ),
          width: 24,
        }),
      );
    }
    const pollers = props.functions.filter(
      ({ definition }) =>
        scheduleOf(definition) !== undefined &&
        scheduleOf(definition) !== 'reconcile' &&
        scheduleOf(definition) !== 'failureDigest',
    );
    const workers = props.functions.filter(({ definition }) => queueOf(definition) !== undefined);
    if (pollers.length > 0 || workers.length > 0) {
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Sync lag of the pollers (s)',
          left: pollers.map(({ definition }) =>
            syncLagMetric(
              prefix,
              definition.name,
              config.schedules[`${scheduleOf(definition)!}Minutes`],
            ).with({
              label: definition.name,
            }),
          ),
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Workers: concurrent instances',
          left: workers.map(({ construct }) =>
            construct.function.metric('ConcurrentExecutions', {
              statistic: 'Maximum',
              label: construct.functionName,
            }),
          ),
          width: 12,
        }),
      );
    }
  }
}

function syncLagMetric(namespace: string, service: string, rateMinutes: number): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName: syncLagMetricName,
    dimensionsMap: { service },
    statistic: 'Maximum',
    period: Duration.minutes(Math.max(5, rateMinutes)),
  });
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
