// The operators' managed policy: an output the operator attaches (OperatorPolicyArn), holding what the
// CLI calls against a deployed stack and creating console users — on this stack's resources only.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { outputKeys } from '../../infra/cdk/stack-outputs.ts';
import { resourceNames } from '../../shared/resources.ts';
import { buildTestApp, type CfnTemplate, flatten, resourcesOfType } from './synthesis.ts';

let json: CfnTemplate;
let service: Template;
const names = resourceNames('apsync');

beforeAll(() => {
  const { built } = buildTestApp({ skipBundling: true });
  service = Template.fromStack(built.service);
  json = service.toJSON() as CfnTemplate;
});

type Statement = { Action: string | string[]; Resource: unknown };

function statements(): Statement[] {
  const [[, policy] = ['', { Type: '', Properties: {} }]] = resourcesOfType(json, 'AWS::IAM::ManagedPolicy');
  expect(policy.Properties.ManagedPolicyName).toBe('apsync-operator');
  return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

const resourcesFor = (action: string): string =>
  flatten(
    statements()
      .filter((statement) => [statement.Action].flat().includes(action))
      .map((statement) => statement.Resource),
  );

describe('operator policy', () => {
  it('is a stack output', () => {
    service.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    expect(flatten(service.findOutputs('*')[outputKeys.operatorPolicyArn]?.Value)).toMatch(/OperatorPolicy/);
  });

  it('holds what apsync --stack calls, on this stack only, and nothing on "*"', () => {
    const actions = statements().flatMap((statement) => [statement.Action].flat());
    expect(new Set(actions)).toEqual(
      new Set([
        'cloudformation:DescribeStacks',
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:ConditionCheckItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        // The CLI's loads link records through the state store, which writes a link's items in one batch.
        'dynamodb:BatchWriteItem',
        'dynamodb:Scan',
        'sqs:SendMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'lambda:GetFunctionConfiguration',
        'lambda:InvokeFunction',
        'cognito-idp:AdminCreateUser',
      ]),
    );
    for (const statement of statements()) expect(flatten(statement.Resource)).not.toMatch(/(^|,)\*($|,)/);
    expect(resourcesFor('cloudformation:DescribeStacks')).toContain('stack/apsync-service/*');
    expect(resourcesFor('dynamodb:Scan')).toContain(`table/${names.tables.state}`);
    expect(resourcesFor('dynamodb:Scan')).not.toContain(names.tables.idempotency);
    const moved = resourcesFor('sqs:StartMessageMoveTask');
    for (const queue of [...Object.values(names.deadLetterQueues), 'apsync-schedule-dlq']) {
      expect(moved).toContain(queue);
    }
    for (const secret of Object.values(names.secrets)) {
      expect(resourcesFor('secretsmanager:PutSecretValue')).toContain(`${secret}-??????`);
    }
    expect(resourcesFor('lambda:InvokeFunction')).toMatch(/ProcurifyPoll/);
    expect(resourcesFor('lambda:InvokeFunction')).not.toMatch(/InboundWorker|BillSyncWorker/);
    expect(resourcesFor('cognito-idp:AdminCreateUser')).toMatch(/UserPool|Users/);
  });
});
