// Stack names and the output keys of the service stack: the contract the operator CLI relies on when
// it is pointed at a deployment (`apsync --stack <prefix>-service`). Written by service-stack.ts; read
// by the CLI through CloudFormation DescribeStacks. Keys are stable: rename one only with the CLI.
//
// Outputs of `<prefix>-service` (all names and URLs, so the CLI reads one stack):
//   ApiUrl                              https://<id>.execute-api.<region>.amazonaws.com/ (the HTTP API)
//   WebhookUrl                          ApiUrl + netsuite/events (what the NetSuite script posts to)
//   InboundQueueUrl, BillQueueUrl, PaymentQueueUrl
//   InboundDeadLetterQueueUrl, BillDeadLetterQueueUrl, PaymentDeadLetterQueueUrl
//   ScheduleDeadLetterQueueUrl          failed scheduled runs (Scheduler delivery and Lambda async)
//   StateTableName, IdempotencyTableName
//   NetsuiteSecretName, ProcurifySecretName, WebhookSecretName
//   FunctionName<Name>                  e.g. FunctionNameProcurifyPoll (deployed functions only)
//   AlarmTopicArn, DashboardName, Prefix, DefaultPaymentMode
//   ConsoleUrl, ConsoleUserPoolId       the operator console and its Cognito user pool
//   OperatorPolicyArn                   managed policy with what the CLI and console user management need
import type { QueueKey, SecretKey, TableKey } from '../../shared/resources.ts';

export const stackNames = (prefix: string) => ({
  stateful: `${prefix}-stateful`,
  service: `${prefix}-service`,
});

const pascal = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

export const outputKeys = {
  apiUrl: 'ApiUrl',
  webhookUrl: 'WebhookUrl',
  queueUrl: (queue: QueueKey) => `${pascal(queue)}QueueUrl`,
  deadLetterQueueUrl: (queue: QueueKey) => `${pascal(queue)}DeadLetterQueueUrl`,
  scheduleDeadLetterQueueUrl: 'ScheduleDeadLetterQueueUrl',
  tableName: (table: TableKey) => `${pascal(table)}TableName`,
  secretName: (secret: SecretKey) => `${pascal(secret)}SecretName`,
  functionName: (name: string) => `FunctionName${pascal(name)}`,
  alarmTopicArn: 'AlarmTopicArn',
  dashboardName: 'DashboardName',
  prefix: 'Prefix',
  defaultPaymentMode: 'DefaultPaymentMode',
  consoleUrl: 'ConsoleUrl',
  consoleUserPoolId: 'ConsoleUserPoolId',
  operatorPolicyArn: 'OperatorPolicyArn',
} as const;
