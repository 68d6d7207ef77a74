// The operators' managed policy (`OperatorPolicyArn` output): exactly what `apsync --stack` and the
// console's users need, for the operator to attach to their IAM users or roles — read this stack's
// outputs, the state table (reconcile scans it), send to the work queues, peek, redrive and delete in
// the dead-letter queues, read and store the three secrets, read the inbound worker's settings, run the
// scheduled flows now (`sync now`), and create console users in its user pool. Nothing on `*`.
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type ResourceNames, type SecretKey, tableDefinitions } from '../../shared/resources.ts';
import { stackNames } from './stack-outputs.ts';

/**
 * What looking into and redriving a dead-letter queue takes: peek (receive, then release), delete, and
 * StartMessageMoveTask back to the source queue. Granted to operators and to the operator console.
 */
export const deadLetterRedriveActions = [
  'sqs:GetQueueAttributes',
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:StartMessageMoveTask',
  'sqs:ListMessageMoveTasks',
] as const;

export interface OperatorPolicyProps {
  prefix: string;
  names: ResourceNames;
  /** The functions' read-write-and-scan actions on a table (service-stack.ts). */
  tableActions: readonly string[];
  workQueues: sqs.IQueue[];
  /** The work queues' dead-letter queues and the schedule dead-letter queue. */
  deadLetterQueues: sqs.IQueue[];
  /** `secretsmanager` ARN patterns of the NetSuite, Procurify and webhook secrets. */
  secretArns: Record<SecretKey, string>;
  /** The function whose environment holds the deployed settings (the CLI reads it). */
  settingsFunctionArn: string | undefined;
  /** The scheduled functions `apsync sync now` invokes. */
  scheduledFunctionArns: string[];
  userPoolArn: string | undefined;
}

export class OperatorPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const tableArn = stack.formatArn({
      service: 'dynamodb',
      resource: 'table',
      resourceName: props.names.tables.state,
    });
    // `--stack <prefix>` describes `<prefix>` first, then `<prefix>-service`; a stack ARN ends in its id.
    const stackArns = [props.prefix, stackNames(props.prefix).service].map((name) =>
      stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${name}/*` }),
    );
    const statements = [
      new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: stackArns }),
      new iam.PolicyStatement({ actions: [...props.tableActions], resources: [tableArn] }),
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: tableDefinitions.state.indexes.map((index) => `${tableArn}/index/${index.name}`),
      }),
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
        resources: props.workQueues.map((queue) => queue.queueArn),
      }),
      new iam.PolicyStatement({
        actions: [...deadLetterRedriveActions],
        resources: props.deadLetterQueues.map((queue) => queue.queueArn),
      }),
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: Object.values(props.secretArns),
      }),
      ...(props.settingsFunctionArn === undefined
        ? []
        : [
            new iam.PolicyStatement({
              actions: ['lambda:GetFunctionConfiguration'],
              resources: [props.settingsFunctionArn],
            }),
          ]),
      ...(props.scheduledFunctionArns.length === 0
        ? []
        : [
            new iam.PolicyStatement({
              actions: ['lambda:InvokeFunction'],
              resources: props.scheduledFunctionArns,
            }),
          ]),
      ...(props.userPoolArn === undefined
        ? []
        : [
            new iam.PolicyStatement({
              actions: ['cognito-idp:AdminCreateUser'],
              resources: [props.userPoolArn],
            }),
          ]),
    ];
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: `${props.prefix}-operator`,
      description: `apsync ${props.prefix}: what the operator CLI (apsync --stack) and console user management need`,
      statements,
    });
    for (const name of [props.prefix, stackNames(props.prefix).service]) {
      Validations.of(this.policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/${name}/*]`,
        reason:
          'A CloudFormation stack ARN ends in the id CloudFormation gives the stack at creation; the ' +
          'policy names the stack and leaves only that id open (DescribeStacks, read-only).',
      });
    }
  }
}
