// A function's environment, derived from its registry entry (shared/function-registry.ts) by the one
// code both sides use: functionEnvironment writes it — the CDK service stack with the deployed resource
// names, local mode with its emulators' — and readFunctionEnvironment reads it in the composition root.
// A function gets the variables of the tables, queues and secrets its entry lists and no others, on AWS
// and in local mode alike, so a resource missing from the registry fails locally too (and a composition
// root cannot even ask for a variable its entry does not give: the names it reads are typed from it).
import { type FunctionDefinition, queueOf } from '../function-registry.ts';
import {
  environmentNames,
  type QueueKey,
  type SecretKey,
  settingNames,
  type TableKey,
} from '../resources.ts';
import { type Environment, readEnvironment } from './environment.ts';

/** Where each resource is: table names, queue URLs, secret names (deployed or local). */
export interface ResourceLocations {
  table(key: TableKey): string;
  queueUrl(key: QueueKey): string;
  secret(key: SecretKey): string;
}

/** Setting values by setting key (settingNames); an undefined or empty one is left unset (its default). */
export type SettingValues = Partial<Record<keyof typeof settingNames, string | number | undefined>>;

type ConsumedQueue<T> = T extends `queue:${infer Q extends QueueKey}` ? Q : never;

/** The keys of environmentNames a registry entry gives its function, typed from the entry. */
export type ResourceVariableKey<D extends FunctionDefinition> = Extract<
  | `${Extract<keyof D['tables'], string>}Table`
  | `${D['sendsTo'][number] | ConsumedQueue<D['trigger']>}QueueUrl`
  | `${D['secrets'][number]}Secret`,
  keyof typeof environmentNames
>;

/** The queues a function consumes (its trigger) or sends to. */
export function queuesOf(definition: FunctionDefinition): QueueKey[] {
  const consumed = queueOf(definition);
  return [...new Set([...definition.sendsTo, ...(consumed === undefined ? [] : [consumed])])];
}

/**
 * The keys of environmentNames a registry entry gives its function: `<table>Table`, `<queue>QueueUrl`,
 * `<secret>Secret` (indexing environmentNames with them below keeps the two in step at compile time).
 */
export function resourceKeysOf(definition: FunctionDefinition): Array<keyof typeof environmentNames> {
  return [
    ...(Object.keys(definition.tables) as TableKey[]).map((table) => `${table}Table` as const),
    ...queuesOf(definition).map((queue) => `${queue}QueueUrl` as const),
    ...definition.secrets.map((secret) => `${secret}Secret` as const),
  ];
}

/** The resource variables (names) a registry entry gives its function. */
export function resourceVariablesOf(definition: FunctionDefinition): string[] {
  return resourceKeysOf(definition).map((key) => environmentNames[key]);
}

/**
 * The environment a function runs with: its resources' names and URLs, then the settings (all of them:
 * each has a default, and readSettings validates them all).
 */
export function functionEnvironment(
  definition: FunctionDefinition,
  locations: ResourceLocations,
  settings: SettingValues,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const table of Object.keys(definition.tables) as TableKey[]) {
    environment[environmentNames[`${table}Table`]] = locations.table(table);
  }
  for (const queue of queuesOf(definition)) {
    environment[environmentNames[`${queue}QueueUrl`]] = locations.queueUrl(queue);
  }
  for (const secret of definition.secrets) {
    environment[environmentNames[`${secret}Secret`]] = locations.secret(secret);
  }
  return { ...environment, ...settingsEnvironment(settings) };
}

/** Settings as variables: an unset one is an absent variable (the code has a default). */
export function settingsEnvironment(settings: SettingValues): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined && value !== '') {
      environment[settingNames[key as keyof typeof settingNames]] = String(value);
    }
  }
  return environment;
}

/**
 * Reads the resource variables the function's registry entry gives it (readEnvironment: the error
 * names each missing one), keyed as environmentNames: `{ stateTable, billQueueUrl, netsuiteSecret }`.
 */
export function readFunctionEnvironment<D extends FunctionDefinition>(
  env: Environment,
  definition: D,
): Record<ResourceVariableKey<D>, string> {
  return readEnvironment(env, resourceKeysOf(definition)) as Record<ResourceVariableKey<D>, string>;
}
