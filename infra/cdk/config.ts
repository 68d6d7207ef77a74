// Deployment configuration of the CDK app: cdk.json context key `apsync`, deep-merged with
// `-c apsyncOverride='{"json":...}'` and then `-c apsync.some.key=value` (one setting each). Read by
// app.ts and the infra tests; validated with zod so a bad value fails synth naming the key.
import * as z from 'zod';
import type { SettingValues } from '../../shared/config/function-environment.ts';
import {
  decimalNumber,
  departmentLocationMap,
  forbiddenKeys,
  formatDepartmentLocations,
  ianaTimeZone,
  netSuiteIdList,
} from '../../shared/config/values.ts';
import { procurifyBaseUrlFor, procurifyDomain } from '../../shared/procurify/domain.ts';
import { parseSettingValue, settingDefinition } from '../../shared/settings/catalog.ts';

/** Context keys the configuration is read from. */
export const contextKey = 'apsync';
export const overrideContextKey = 'apsyncOverride';

const minutes = (fallback: number) => decimalNumber(z.number().int().min(1).max(1440)).default(fallback);
const days = (fallback: number, max: number) =>
  decimalNumber(z.number().int().min(1).max(max)).default(fallback);

/** `1,3` from the command line, `["1","3"]` from cdk.json or JSON. */
const idList = netSuiteIdList('must be a NetSuite internal id (digits)');

/** Empty string (from the command line) means "not set". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

/** Retention values CloudWatch Logs accepts (anything else is refused at deploy time). */
export const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const configurationSchema = z
  .object({
    /** Prefix of every physical name (tables, queues, secrets, functions, stacks); lower-case. */
    prefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be 1-20 characters: a-z, 0-9 and "-", starting with a letter'),
    netsuite: z
      .object({
        /** Account id as shown in Company Information, e.g. `1234567` or `1234567_SB1`. */
        accountId: optional(z.string().regex(/^[0-9A-Za-z_-]+$/, 'must look like 1234567 or 1234567_SB1')),
        /** REST host, e.g. `https://1234567-sb1.suitetalk.api.netsuite.com`; derived from accountId if unset. */
        baseUrl: optional(z.url({ protocol: /^https$/, error: 'must be an https URL' })),
        /**
         * How many NetSuite-calling worker instances may run at once: apsync's part of the account's
         * concurrency limit (5 on a standard account, shared with every other integration).
         */
        concurrencyShare: decimalNumber(z.number().int().min(2).max(1000)).default(4),
        /** Only records of these subsidiaries (internal ids) are synced; empty = all. */
        subsidiaries: idList.default([]),
        /** Internal id of a boolean vendor field used as a "sync this vendor" flag; unset = all vendors. */
        syncFlagField: optional(
          z
            .string()
            .regex(/^custentity_[a-z0-9_]+$/, 'must be a vendor field id such as custentity_apsync_sync'),
        ),
        /**
         * IANA time zone SuiteQL shows dates in: the time zone preference of the NetSuite user apsync's
         * integration runs as (by default the company's, Setup > Company > Company Information). The
         * poll compares its watermarks in it and checks it against the account each run. Unset = UTC.
         */
        timeZone: optional(ianaTimeZone()),
      })
      .strict()
      .default({ concurrencyShare: 4, subsidiaries: [] }),
    procurify: z
      .object({
        /**
         * The customer's Procurify sub-domain: `acme` for https://acme.procurify.com (the secret's
         * `domain` means the same). Unset = the secret's `domain`.
         */
        domain: optional(procurifyDomain()),
        /** Procurify location new departments are created under; unset = the headquarters location. */
        departmentLocationId: optional(decimalNumber(z.number().int().positive())),
        /**
         * Procurify location of each NetSuite subsidiary's departments, `{"<subsidiary id>": <location
         * id>}` (`-c apsync.procurify.departmentLocations=1:3,2:5` on the command line). A department
         * goes to the location of its subsidiaries; unmapped ones to departmentLocationId.
         */
        departmentLocations: departmentLocationMap().default({}),
      })
      .strict()
      .default({ departmentLocations: {} }),
    /** First retry delay of a failed queue message, doubled per receive; unset = the code's default. */
    retryBaseSeconds: optional(decimalNumber(z.number().int().min(1).max(900))),
    /** Payment mode until the operator changes it (`apsync mode set`): push: payments become Vendor Payments; pull: bills paid in NetSuite are marked paid. */
    paymentMode: z.enum(['push', 'pull']).default('push'),
    schedules: z
      .object({
        netsuitePollMinutes: minutes(15),
        procurifyPollMinutes: minutes(5),
        paidBillPullMinutes: minutes(60),
        /** Reconciliation (issue 14): daily by default. */
        reconcileMinutes: minutes(1440),
        /** The off switch of the reconcile schedule (`apsync reconcile` still runs on demand). */
        reconcileEnabled: z
          .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
          .default(true),
        /** The failure digest (issue 15): daily by default. */
        failureDigestMinutes: minutes(1440),
      })
      .strict()
      .default({
        netsuitePollMinutes: 15,
        procurifyPollMinutes: 5,
        paidBillPullMinutes: 60,
        reconcileMinutes: 1440,
        reconcileEnabled: true,
        failureDigestMinutes: 1440,
      }),
    /**
     * A Secrets Manager secret (name, created by the operator) holding {"url": "https://…"}: a
     * Slack-compatible incoming webhook the failure digest is also posted to. Unset: e-mail only.
     */
    digestWebhookSecret: optional(
      z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name'),
    ),
    /** Alarm notifications are e-mailed here when set (the address must confirm the subscription). */
    alarmEmail: optional(z.email('must be an e-mail address')),
    retention: z
      .object({
        logDays: decimalNumber(z.number().int())
          .refine((value) => (logRetentionDays as readonly number[]).includes(value), {
            message: `must be one of CloudWatch's retention values: ${logRetentionDays.join(', ')}`,
          })
          .default(30),
        /** Audit-trail records expire (DynamoDB TTL) this long after they were written. */
        auditDays: days(400, 3650),
        /** Idempotency records: longer than any sender retry plus the queues' retention and redrive. */
        idempotencyDays: days(7, 90),
      })
      .strict()
      .default({ logDays: 30, auditDays: 400, idempotencyDays: 7 }),
    /** Default-stage throttling of the webhook API (requests per second, burst). */
    api: z
      .object({
        rateLimit: decimalNumber(z.number().int().min(1).max(10_000)).default(25),
        burstLimit: decimalNumber(z.number().int().min(1).max(5_000)).default(50),
      })
      .strict()
      .default({ rateLimit: 25, burstLimit: 50 }),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    /**
     * Initial values of the runtime settings without a key of their own here, by setting name (the
     * README's settings table), e.g. `{"bills.mode": "manual", "schedules.netsuitePoll": "off"}`; each
     * validated as `apsync settings set` validates it. An operator's change replaces it.
     */
    settings: z
      .record(z.string(), z.unknown())
      .transform((values, context) => {
        const parsed: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(values)) {
          try {
            const definition = settingDefinition(name);
            if (definition.initialFrom !== undefined) {
              throw new Error(`${name} has its own key: set apsync.${definition.initialFrom}`);
            }
            parsed[name] = parseSettingValue(definition, value);
          } catch (error) {
            context.addIssue({ code: 'custom', path: [name], message: (error as Error).message });
          }
        }
        if (JSON.stringify(parsed).length > initialSettingsLimit) {
          context.addIssue({
            code: 'custom',
            message: `the initial settings take more than ${initialSettingsLimit} characters as JSON (a function's environment holds 4 KB): keep the large ones out and set them after the deployment with apsync settings set --file`,
          });
        }
        return parsed;
      })
      .default({}),
  })
  .strict();

/** The most characters the initial settings may take in a function's environment (4 KB for all). */
const initialSettingsLimit = 2048;

export type ApsyncConfiguration = z.output<typeof configurationSchema>;

/** A context lookup, e.g. `(key) => app.node.tryGetContext(key)`. */
export type ContextReader = (key: string) => unknown;

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * The configuration from CDK context. `contextKeys` lists the context keys present (CDK has no way to
 * enumerate them from a construct, so app.ts passes the keys of the app's context).
 */
export function readConfiguration(read: ContextReader, contextKeys: readonly string[]): ApsyncConfiguration {
  const base = parseObject(read(contextKey), contextKey);
  const override = read(overrideContextKey);
  if (override !== undefined) mergeInto(base, parseObject(override, overrideContextKey), overrideContextKey);
  const overrides = contextKeys
    .filter((key) => key.startsWith(`${contextKey}.`))
    .sort()
    .map((key) => [key.slice(contextKey.length + 1).split('.'), read(key)] as const);
  for (const [path, value] of overrides)
    setPath(base, path, fromCommandLine(value, `${contextKey}.${path.join('.')}`));
  return parseConfiguration(base);
}

/** Validates a plain configuration object; the error names every bad key (`apsync.schedules.x`). */
export function parseConfiguration(input: unknown): ApsyncConfiguration {
  const result = configurationSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [contextKey, ...issue.path.map(String)].join('.');
    const unknownKeys =
      issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((key) => `"${key}"`).join(', ')})` : '';
    return `${path}: ${issue.message}${unknownKeys}`;
  });
  throw new ConfigurationError(`apsync configuration is invalid:\n  ${problems.join('\n  ')}`);
}

/** The NetSuite REST host for an account id (NetSuite's rule: lower case, `_` becomes `-`). */
export function netSuiteBaseUrl(config: ApsyncConfiguration): string | undefined {
  if (config.netsuite.baseUrl !== undefined) return config.netsuite.baseUrl.replace(/\/+$/, '');
  if (config.netsuite.accountId === undefined) return undefined;
  return `https://${config.netsuite.accountId.toLowerCase().replaceAll('_', '-')}.suitetalk.api.netsuite.com`;
}

/**
 * The functions' settings (shared/resources.ts settingNames) from the configuration: optional overrides,
 * an unset one left to the code's default (or read from a secret: the NetSuite account, the Procurify
 * domain). `netsuite`: the function's NetSuite allotment (netsuite-concurrency.ts), if it calls NetSuite.
 */
export function settingValues(
  config: ApsyncConfiguration,
  netsuite?: { readonly permitsPerInstance: number },
): SettingValues {
  return {
    netsuiteBaseUrl: netSuiteBaseUrl(config),
    procurifyBaseUrl:
      config.procurify.domain === undefined ? undefined : procurifyBaseUrlFor(config.procurify.domain),
    netsuiteTimeZone: config.netsuite.timeZone,
    netsuiteConcurrencyShare: netsuite?.permitsPerInstance,
    subsidiaryScope: config.netsuite.subsidiaries.join(','),
    vendorSyncFlagField: config.netsuite.syncFlagField,
    departmentLocationId: config.procurify.departmentLocationId,
    departmentLocations: formatDepartmentLocations(config.procurify.departmentLocations),
    retryBaseSeconds: config.retryBaseSeconds,
    defaultPaymentMode: config.paymentMode,
    // The reconcile schedule always fires; its switch (a setting, apsync settings) starts as cdk.json says.
    reconcileScheduleEnabled: config.schedules.reconcileEnabled ? undefined : 'false',
    auditRetentionDays: config.retention.auditDays,
    idempotencyRetentionDays: config.retention.idempotencyDays,
    initialSettings: Object.keys(config.settings).length === 0 ? undefined : JSON.stringify(config.settings),
  };
}

function parseObject(value: unknown, key: string): Record<string, unknown> {
  if (value === undefined) return {};
  const parsed = typeof value === 'string' ? parseJson(value, key) : value;
  if (!isObject(parsed)) {
    throw new ConfigurationError(`apsync configuration is invalid:\n  ${key}: must be an object`);
  }
  return structuredClone(parsed);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(source)) {
    refuseForbiddenKey(key, `${where}.${key}`);
    const existing = target[key];
    if (isObject(existing) && isObject(value)) mergeInto(existing, value, `${where}.${key}`);
    else target[key] = value;
  }
}

/** `__proto__` and friends would change Object.prototype for the whole process. */
function refuseForbiddenKey(key: string, where: string): void {
  if (forbiddenKeys.has(key)) {
    throw new ConfigurationError(`apsync configuration is invalid:\n  ${where}: is not a configuration key`);
  }
}

/** `-c key=value` values are strings: objects and arrays are JSON; the schema coerces the rest. */
function fromCommandLine(value: unknown, key: string): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed.startsWith('{') || trimmed.startsWith('[') ? parseJson(trimmed, key) : value;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigurationError(`apsync configuration is invalid:\n  ${what}: is not valid JSON`);
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const [index, key] of path.entries()) {
    refuseForbiddenKey(key, `${contextKey}.${path.slice(0, index + 1).join('.')}`);
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
}
