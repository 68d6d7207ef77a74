// Reads a function's configuration from its environment (resource names and settings set by the CDK
// stack on AWS and by local mode on one machine), validated with zod: a missing or bad variable is named.
import * as z from 'zod';
import { environmentNames as names, settingNames } from '../resources.ts';
import { decimalNumber, departmentLocationMap, httpUrl, ianaTimeZone } from './values.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** A variable a function needs: set, not empty (one schema for all of them). */
const requiredVariable = z.string().min(1);

/** Reads and validates the variables a function needs; the error names each missing one. */
export function readEnvironment<K extends keyof typeof names>(
  env: Environment,
  keys: readonly K[],
): Record<K, string> {
  const shape = Object.fromEntries(keys.map((key) => [names[key], requiredVariable]));
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`apsync configuration: missing environment variable(s) ${missing}`);
  }
  return Object.fromEntries(keys.map((key) => [key, env[names[key]] as string])) as Record<K, string>;
}

/**
 * The environment variable of an optional setting (settingNames) read here: all but the default payment
 * mode, which shared/payments/default-mode.ts reads.
 */
type SettingVariable = Exclude<
  (typeof settingNames)[keyof typeof settingNames],
  typeof settingNames.defaultPaymentMode
>;

/**
 * Each optional setting's schema, built only where its variable is set: a function's environment sets a few
 * of them (the stack sets what differs from these defaults and what that function reads), and building
 * all of them cost every cold start ~100 zod schema objects it never used.
 */
const settingSchemas: Readonly<Record<SettingVariable, () => z.ZodType>> = {
  [settingNames.netsuiteBaseUrl]: () => httpUrl(),
  [settingNames.procurifyBaseUrl]: () => httpUrl(),
  [settingNames.netsuiteConcurrencyShare]: () => decimalNumber(z.number().int().min(1).max(100)),
  [settingNames.subsidiaryScope]: () =>
    z
      .string()
      .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'must be NetSuite subsidiary ids (digits) separated by commas'),
  [settingNames.vendorSyncFlagField]: () =>
    z
      .string()
      .regex(
        /^custentity_[a-z0-9_]+$/,
        'must be a NetSuite entity field id such as custentity_sync_to_procurify',
      ),
  [settingNames.departmentLocationId]: () => decimalNumber(z.number().int().positive()),
  [settingNames.departmentLocations]: () => departmentLocationMap(),
  [settingNames.retryBaseSeconds]: () => decimalNumber(z.number().min(0).max(900)),
  [settingNames.auditRetentionDays]: () => decimalNumber(z.number().int().min(1).max(3650)),
  [settingNames.idempotencyRetentionDays]: () => decimalNumber(z.number().int().min(1).max(365)),
  [settingNames.netsuiteRequestTimeoutSeconds]: () => decimalNumber(z.number().int().min(1).max(900)),
  [settingNames.pollOverlapMinutes]: () => decimalNumber(z.number().min(0).max(1440)),
  [settingNames.netsuiteTimeZone]: () => ianaTimeZone(),
  [settingNames.reconcileScheduleEnabled]: () =>
    z.enum(['true', 'false'], { error: 'must be true or false' }),
  [settingNames.initialSettings]: () =>
    z.string().transform((text, context) => {
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          return value as Record<string, unknown>;
        }
      } catch {
        // Named below.
      }
      context.addIssue({ code: 'custom', message: 'must be a JSON object of setting values by name' });
      return z.NEVER;
    }),
};

/** The value of a setting whose variable is not set (the others have none). */
const settingDefaults: Readonly<Partial<Record<SettingVariable, unknown>>> = {
  [settingNames.netsuiteConcurrencyShare]: 2,
  [settingNames.retryBaseSeconds]: 10,
  [settingNames.auditRetentionDays]: 400,
  [settingNames.idempotencyRetentionDays]: 7,
  [settingNames.netsuiteRequestTimeoutSeconds]: 20,
  [settingNames.pollOverlapMinutes]: 10,
  [settingNames.netsuiteTimeZone]: 'UTC',
};

/** The schema of the settings set in an environment, by the list of their names, built once per list. */
const settingsSchemas = new Map<string, z.ZodType<Record<string, unknown>>>();
function settingsSchemaFor(names: readonly SettingVariable[]): z.ZodType<Record<string, unknown>> {
  const key = names.join(',');
  let schema = settingsSchemas.get(key);
  if (schema === undefined) {
    schema = z.object(Object.fromEntries(names.map((name) => [name, settingSchemas[name]()])));
    settingsSchemas.set(key, schema);
  }
  return schema;
}

/** Optional settings (see settingNames), validated: a bad value names its variable. */
export function readSettings(env: Environment) {
  const set = (Object.keys(settingSchemas) as SettingVariable[]).filter((name) => (env[name] ?? '') !== '');
  const parsed = settingsSchemaFor(set).safeParse(Object.fromEntries(set.map((name) => [name, env[name]])));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`apsync configuration: ${problems}`);
  }
  const value: Record<string, unknown> = { ...settingDefaults, ...parsed.data };
  const scope = (value[settingNames.subsidiaryScope] as string | undefined)
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return {
    netsuiteBaseUrl: value[settingNames.netsuiteBaseUrl] as string | undefined,
    procurifyBaseUrl: value[settingNames.procurifyBaseUrl] as string | undefined,
    netsuiteConcurrencyShare: value[settingNames.netsuiteConcurrencyShare] as number,
    subsidiaryIds: scope,
    vendorSyncFlagField: value[settingNames.vendorSyncFlagField] as string | undefined,
    departmentLocationId: value[settingNames.departmentLocationId] as number | undefined,
    /** NetSuite subsidiary id → Procurify location id of its departments (empty: none). */
    departmentLocations: (value[settingNames.departmentLocations] ?? {}) as Record<string, number>,
    retryBaseSeconds: value[settingNames.retryBaseSeconds] as number,
    pollOverlapMinutes: value[settingNames.pollOverlapMinutes] as number,
    netsuiteRequestTimeoutSeconds: value[settingNames.netsuiteRequestTimeoutSeconds] as number,
    auditRetentionDays: value[settingNames.auditRetentionDays] as number,
    idempotencyRetentionDays: value[settingNames.idempotencyRetentionDays] as number,
    netsuiteTimeZone: value[settingNames.netsuiteTimeZone] as string,
    /** The reconcile schedule's switch until an operator sets `schedules.reconcile` (default on). */
    reconcileScheduleEnabled: value[settingNames.reconcileScheduleEnabled] !== 'false',
    /** Runtime settings' initial values by setting name (cdk.json `settings`), validated at synth. */
    initialSettings: (value[settingNames.initialSettings] ?? {}) as Readonly<Record<string, unknown>>,
  };
}

export type FunctionSettings = ReturnType<typeof readSettings>;
