// Shared by the infra tests: the test configuration, the registry with a fixture standing in for
// functions that do not exist yet, and readers for synthesized CloudFormation templates.
import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { type BuiltApp, buildApp, projectRoot } from '../../infra/cdk/build-app.ts';
import { type ApsyncConfiguration, parseConfiguration } from '../../infra/cdk/config.ts';
import { type FunctionDefinition, functionRegistry } from '../../shared/function-registry.ts';

/** Exports a `handler`; bundles in milliseconds. */
export const fixtureEntry = 'test/infra/fixtures/noop-handler.ts';

export const testConfiguration: ApsyncConfiguration = parseConfiguration({
  prefix: 'apsync',
  alarmEmail: 'ops@example.com',
  netsuite: {
    accountId: '1234567_SB1',
    concurrencyShare: 6,
    subsidiaries: ['1', '3'],
    syncFlagField: 'custentity_apsync_sync',
    timeZone: 'America/Los_Angeles',
  },
  procurify: { domain: 'acme' },
});

/** The real registry; entries whose file does not exist yet point at the fixture (names kept). */
export function registryWithFixtures(): FunctionDefinition[] {
  return functionRegistry.map((definition) =>
    existsSync(`${projectRoot}/${definition.entry}`) ? definition : { ...definition, entry: fixtureEntry },
  );
}

export interface BuildTestAppOptions {
  readonly config?: ApsyncConfiguration;
  readonly registry?: readonly FunctionDefinition[];
  /** Skip esbuild (CDK's `aws:cdk:bundling-stacks`): for tests that only read the construct tree. */
  readonly skipBundling?: boolean;
}

export function buildTestApp(options: BuildTestAppOptions = {}): { app: App; built: BuiltApp } {
  const app = new App(options.skipBundling ? { context: { 'aws:cdk:bundling-stacks': [] } } : {});
  const built = buildApp(app, {
    config: options.config ?? testConfiguration,
    registry: options.registry ?? registryWithFixtures(),
  });
  return { app, built };
}

export type CfnResource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };
export type CfnTemplate = {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
};

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** A CloudFormation value as text: `Fn::Join` concatenated, `Ref`/`Fn::GetAtt` as `<Id>` / `<Id.Attr>`. */
export function flatten(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    if ('Ref' in record) return `<${String(record.Ref)}>`;
    if ('Fn::GetAtt' in record) return `<${(record['Fn::GetAtt'] as string[]).join('.')}>`;
  }
  return JSON.stringify(value);
}

export function resourceById(template: CfnTemplate, logicalId: string): CfnResource {
  const resource = template.Resources[logicalId];
  if (resource === undefined) throw new Error(`no resource ${logicalId}`);
  return resource;
}

export function functionLogicalId(template: CfnTemplate, functionName: string): string {
  const found = resourcesOfType(template, 'AWS::Lambda::Function').find(
    ([, resource]) => resource.Properties.FunctionName === functionName,
  );
  if (found === undefined) throw new Error(`no function named ${functionName}`);
  return found[0];
}

/** Statements of every IAM policy attached to the role of `roleLogicalId`. */
export function statementsOfRole(template: CfnTemplate, roleLogicalId: string): PolicyStatementJson[] {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties.Roles as unknown[]).some((role) => flatten(role) === `<${roleLogicalId}>`),
    )
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    );
}

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
