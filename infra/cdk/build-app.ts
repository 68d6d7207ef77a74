// Assembles apsync's CDK app: the stateful and service stacks from a configuration and the function
// registry, skipping registry entries whose entry file does not exist yet. Called by app.ts (the real
// `cdk synth`), by the infra tests (with a registry override) and by test/bench/bundles.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import { type FunctionDefinition, functionRegistry } from '../../shared/function-registry.ts';
import type { ApsyncConfiguration } from './config.ts';
import { ServiceStack } from './service-stack.ts';
import { stackNames } from './stack-outputs.ts';
import { StatefulStack } from './stateful-stack.ts';

/** The repository root: NodejsFunction entries and the lock file are resolved from here. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

export interface BuildOptions {
  readonly config: ApsyncConfiguration;
  /** Defaults to shared/function-registry.ts; tests pass their own. */
  readonly registry?: readonly FunctionDefinition[];
  readonly projectRoot?: string;
}

export interface BuiltApp {
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
  readonly deployed: readonly FunctionDefinition[];
  readonly skipped: readonly FunctionDefinition[];
  /** Things the person running synth should know (skipped functions, NetSuite share shortfall). */
  readonly notes: readonly string[];
}

export function buildApp(app: App, options: BuildOptions): BuiltApp {
  const root = options.projectRoot ?? projectRoot;
  const registry = options.registry ?? functionRegistry;
  assertUniqueNames(registry);
  const deployed = registry.filter((definition) => existsSync(`${root}/${definition.entry}`));
  const skipped = registry.filter((definition) => !deployed.includes(definition));
  const names = stackNames(options.config.prefix);

  const stateful = new StatefulStack(app, names.stateful, {
    config: options.config,
    description: 'apsync stateful resources: tables, queues, dead-letter queues, secrets',
  });
  const service = new ServiceStack(app, names.service, {
    config: options.config,
    functions: deployed,
    projectRoot: root,
    description: 'apsync service: functions, webhook API, schedules, alarms, dashboard',
  });
  // The service stack finds the stateful resources by name, so CloudFormation must create them first.
  service.addStackDependency(stateful);

  const notes: string[] = [];
  for (const definition of skipped) {
    notes.push(`function ${definition.name} skipped: ${definition.entry} does not exist yet`);
  }
  if (service.netsuiteAllocation.shortfall !== undefined) notes.push(service.netsuiteAllocation.shortfall);
  return { stateful, service, deployed, skipped, notes };
}

/** The cdk-nag packs apsync must pass, with no unacknowledged finding (errors or warnings). */
export function nagPacks(app: App): NagPack[] {
  return [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
}

/** Registers the nag packs as CDK validation plugins: synth fails on any unacknowledged finding. */
export function applyNagPacks(app: App): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}

function assertUniqueNames(registry: readonly FunctionDefinition[]): void {
  const seen = new Set<string>();
  for (const { name } of registry) {
    if (seen.has(name)) throw new Error(`function registry: "${name}" appears twice`);
    seen.add(name);
  }
}
