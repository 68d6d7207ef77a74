// The operator console in the service stack: a Cognito user pool nobody signs up to, MFA required, a
// public app client with the code flow whose callback is the console's URL; the function's grants
// (state table without Scan, send to the work queues, peek and move only on the dead-letter queues);
// the console URL and user pool as outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { outputKeys } from '../../infra/cdk/stack-outputs.ts';
import { resourceNames } from '../../shared/resources.ts';
import {
  buildTestApp,
  type CfnTemplate,
  flatten,
  functionLogicalId,
  resourceById,
  resourcesOfType,
  statementsOfRole,
} from './synthesis.ts';

const names = resourceNames('apsync');
let service: Template;
let json: CfnTemplate;
let bundleDirectory: string;

beforeAll(() => {
  const { built } = buildTestApp();
  bundleDirectory = built.service.operatorConsole!.function.bundleDirectory;
  service = Template.fromStack(built.service);
  json = service.toJSON() as CfnTemplate;
});

describe('operator console', () => {
  it('signs users in with a Cognito pool the operator fills: no sign-up, MFA, code flow, no secret', () => {
    service.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
    // Its users outlive the stack, but a first deploy that rolls back leaves no pool behind.
    service.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
    const [[, client] = ['', { Type: '', Properties: {} }]] = resourcesOfType(
      json,
      'AWS::Cognito::UserPoolClient',
    );
    expect(client.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
    });
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(flatten(client.Properties.CallbackURLs)).toContain('console/callback');
    service.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('grants the console function only the state table, the work queues, the dead-letter queues and reading the two service secrets', () => {
    const role = flatten(
      resourceById(json, functionLogicalId(json, 'apsync-operator-console')).Properties.Role,
    )
      .slice(1, -1)
      .replace(/\.Arn$/, '');
    const statements = statementsOfRole(json, role);
    const actions = statements.flatMap((statement) => [statement.Action].flat() as string[]);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((action) => action.endsWith('*'))).toEqual([]);
    const move = statements.find((statement) =>
      [statement.Action].flat().includes('sqs:StartMessageMoveTask'),
    );
    const moveResources = flatten(move?.Resource);
    for (const key of ['inbound', 'bill', 'payment'] as const) {
      expect(moveResources).toContain(names.deadLetterQueues[key]);
    }
    expect(moveResources).not.toMatch(/apsync-(inbound|bill|payment)(?!-dlq)/);
    // A settings change re-evaluates the scope (inbound) and re-sends parked bills (bill): only SendMessage.
    const send = statements.filter((statement) => [statement.Action].flat().includes('sqs:SendMessage'));
    expect(send.flatMap((statement) => [statement.Action].flat())).toEqual(['sqs:SendMessage']);
    const sendResources = flatten(send.map((statement) => statement.Resource));
    for (const key of ['inbound', 'bill'] as const) expect(sendResources).toContain(names.queues[key]);
    expect(sendResources).not.toContain('-dlq');
    // The preview of the next write reads NetSuite and Procurify: their secrets, never the webhook's.
    const secretStatements = statements.filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('secretsmanager:')),
    );
    expect(secretStatements.flatMap((statement) => [statement.Action].flat())).toEqual([
      'secretsmanager:GetSecretValue',
    ]);
    const secretResources = flatten(secretStatements.map((statement) => statement.Resource));
    expect(secretResources).toContain(`${names.secrets.netsuite}-??????`);
    expect(secretResources).toContain(`${names.secrets.procurify}-??????`);
    expect(secretResources).not.toContain(names.secrets.webhook);
    const environment = resourceById(json, functionLogicalId(json, 'apsync-operator-console')).Properties
      .Environment as { Variables: Record<string, unknown> };
    expect(environment.Variables.APSYNC_NETSUITE_SECRET).toBe(names.secrets.netsuite);
    expect(environment.Variables.APSYNC_PROCURIFY_SECRET).toBe(names.secrets.procurify);
  });

  it('outputs the console URL and its user pool', () => {
    const outputs = service.findOutputs('*');
    expect(flatten(outputs[outputKeys.consoleUrl]?.Value)).toContain('console/');
    expect(outputs[outputKeys.consoleUserPoolId]).toBeDefined();
  });

  it('loads the preview, the NetSuite and Procurify clients and the replays on first use, not at init', () => {
    // Our sources in index.mjs and the files it imports statically (their source maps keep ours only).
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      const source = readFileSync(join(bundleDirectory, file), 'utf8');
      for (const [, chunk] of source.matchAll(/(?:from|import)\s*"\.\/([^"]+\.mjs)"/g)) visit(chunk!);
    };
    visit('index.mjs');
    const sources = [...loaded].flatMap(
      (file) =>
        (JSON.parse(readFileSync(join(bundleDirectory, `${file}.map`), 'utf8')) as { sources: string[] })
          .sources,
    );
    expect(sources.some((source) => source.endsWith('shared/console/app.ts'))).toBe(true);
    const deferred = [
      'shared/console/next-write.ts',
      'shared/preview/',
      'shared/sync-clients.ts',
      'shared/netsuite/',
      'shared/procurify/',
      'shared/payments/push-payment.ts',
      'shared/settings/lookups.ts',
    ];
    // previewable.ts (which records have a next write) is the preview's one module the page needs first.
    const atInit = sources.filter((source) => deferred.some((part) => source.includes(part)));
    expect(atInit).toEqual([expect.stringMatching(/shared\/preview\/previewable\.ts$/)]);
  });
});
