// The catalog of every runtime setting an operator changes (`apsync settings`, the console's settings
// page): each one's name, meaning, value schema, default, the cdk.json key its initial value comes from,
// where it is kept in the state table's configuration, and what NetSuite or Procurify must confirm
// before it is stored (change-setting.ts runs the checks). The README's settings table is generated from
// this list (test/unit/settings-catalog.test.ts keeps the two in step).
import * as z from 'zod';
import { billSyncSettingsShape } from '../bills/bill-sync-settings.ts';
import { departmentLocationMap, netSuiteIdList } from '../config/values.ts';
import { DataError } from '../errors.ts';
import { paymentModeSchema } from '../payment-mode.ts';

/** Where a setting is kept: its own configuration item, a field of the bill-sync document, the payment mode. */
export type SettingStorage = 'payment-mode' | 'bill-sync' | 'settings';

/** What NetSuite or Procurify must confirm before a value is stored. */
export type SettingCheck =
  | 'netsuite-subsidiaries'
  | 'netsuite-vendor-checkbox'
  | 'procurify-location'
  | 'procurify-locations-by-subsidiary'
  | 'bill-settings';

/** What a change does beyond storing the value. */
export type SettingEffect =
  /** Master records now in scope are queued; those now out of scope are listed, never deleted. */
  | 'master-data-scope'
  /** Bills parked for review are sent again (change-bill-settings.ts). */
  | 'resend-parked-bills'
  /** Departments parked for their location are sent again. */
  | 'resend-parked-departments';

export interface SettingDefinition {
  name: string;
  group: 'payments' | 'bills' | 'master data' | 'schedules';
  /** What it means, in the operator's words (README, `settings get`, the console). */
  meaning: string;
  /** The value when neither cdk.json nor an operator set one, as text. */
  defaultText: string;
  /** Its own cdk.json key (under `apsync`); absent: its name in cdk.json's `settings` (initialKey). */
  initialFrom?: string;
  storage: SettingStorage;
  /** `text`: the command line's text is the value (the schema reads it); `json`: the text is JSON. */
  input: 'text' | 'json';
  /** The value's schema; `null` (json) or empty text means "none" where the setting can be empty. */
  schema: z.ZodType;
  check?: SettingCheck;
  effect?: SettingEffect;
}

type BillSyncKey = keyof ReturnType<typeof billSyncSettingsShape>;
const billField = <K extends BillSyncKey>(key: K) => billSyncSettingsShape()[key];

/** Empty text or null: "none" (overrides an initial value from cdk.json). */
const orNone = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? null : value), schema.nullable());

/** `1,3` on the command line, `["1","3"]` in JSON; empty = every subsidiary. */
const subsidiaryIdList = z.preprocess(
  (value) => (value === null ? [] : value),
  netSuiteIdList('must be NetSuite subsidiary internal ids (digits)'),
);

const onOff = z.preprocess(
  (value) =>
    value === 'on' || value === 'true' ? true : value === 'off' || value === 'false' ? false : value,
  z.boolean({ error: 'must be on or off' }),
);

const schedule = (name: string, flow: string, initialFrom?: string): SettingDefinition => ({
  name: `schedules.${name}`,
  group: 'schedules',
  meaning: `Whether the ${flow} runs on its schedule (off: scheduled runs do nothing; \`apsync sync now\` still runs it).`,
  defaultText: 'on',
  ...(initialFrom === undefined ? {} : { initialFrom }),
  storage: 'settings',
  input: 'text',
  schema: onOff,
});

const bill = (key: BillSyncKey, meaning: string, defaultText: string): SettingDefinition => ({
  name: `bills.${key}`,
  group: 'bills',
  meaning,
  defaultText,
  storage: 'bill-sync',
  input: key === 'mode' || key === 'manualField' || key === 'subsidiaryId' ? 'text' : 'json',
  schema: billField(key).nullable(),
  check: 'bill-settings',
  effect: 'resend-parked-bills',
});

export const settingsCatalog: readonly SettingDefinition[] = [
  {
    name: 'paymentMode',
    group: 'payments',
    meaning:
      'push: Procurify payments become NetSuite Vendor Payments; pull: bills paid in NetSuite are marked paid in Procurify. Affects new activity only.',
    defaultText: 'push',
    initialFrom: 'paymentMode',
    storage: 'payment-mode',
    input: 'text',
    schema: paymentModeSchema,
  },
  bill(
    'mode',
    'auto: every approved bill is written; manual: only bills selected with `apsync bills sync` or carrying `bills.manualField`.',
    'auto',
  ),
  bill(
    'manualField',
    'manual mode: a Procurify line custom field that, true or non-empty on any line, selects the bill.',
    'none',
  ),
  bill(
    'subsidiaryId',
    'NetSuite subsidiary (internal id) every bill is written to.',
    "the vendor's primary subsidiary",
  ),
  bill(
    'subsidiaryByLocation',
    'Procurify location name → NetSuite subsidiary id, for bills whose departments are in that location (before `bills.subsidiaryId`).',
    'none',
  ),
  bill(
    'tax',
    'How tax is written: `{"strategy":"tax-lines","accounts":{"<tax name>":"<account id>"},"defaultAccountId":"…"}` (an expense line per tax to its account; accounts must exist and be active).',
    'none (a bill with tax is parked)',
  ),
  bill(
    'shipping',
    'Shipping: `{"mode":"account","accountId":"…"}` (one line to that account) or `{"mode":"apportion"}`.',
    'none (a bill with shipping is parked)',
  ),
  bill(
    'costs',
    'Bill-level costs: `{"mode":"coded"}` (as Procurify coded them), `{"mode":"account","accountId":"…"}` or `{"mode":"apportion"}`.',
    'coded',
  ),
  bill(
    'location',
    'A line\'s NetSuite location from its Procurify location: `{"byProcurifyLocation":{"<name>":"<location id>"}}`.',
    'none',
  ),
  bill(
    'class',
    'A line\'s NetSuite class: `{"byDepartment":{"<department>":"<class id>"},"defaultId":"…"}`.',
    'none',
  ),
  bill(
    'customFields',
    'Custom-field map: `[{"field":"custbody_…","from":{…},"values":{…}}]`; each field must exist on the Vendor Bill with a type the source can fill.',
    '[]',
  ),
  bill(
    'attachments',
    'Invoice files: `{"folderId":"…"}`, the File Cabinet folder (needs the attachment RESTlet).',
    'none (files are not copied)',
  ),
  bill(
    'legacy',
    'Legacy recognition of Vendor Bills an older integration wrote: `{"externalIdPattern":"^PROC-(…)$","field":"custbody_…","matchOn":"uuid|invoiceNumber"}`.',
    'none',
  ),
  {
    name: 'netsuite.subsidiaries',
    group: 'master data',
    meaning:
      'Only vendors, GL accounts and departments of these NetSuite subsidiaries (internal ids, `1,3`) sync; empty = all. A change queues records now in scope and lists those now out of scope (left as they are).',
    defaultText: 'all',
    initialFrom: 'netsuite.subsidiaries',
    storage: 'settings',
    input: 'text',
    schema: subsidiaryIdList,
    check: 'netsuite-subsidiaries',
    effect: 'master-data-scope',
  },
  {
    name: 'netsuite.syncFlagField',
    group: 'master data',
    meaning:
      'A NetSuite vendor checkbox (`custentity_…`) that must be checked for a vendor to sync; empty = every vendor. A change re-evaluates the vendors like `netsuite.subsidiaries`.',
    defaultText: 'none',
    initialFrom: 'netsuite.syncFlagField',
    storage: 'settings',
    input: 'text',
    schema: orNone(
      z
        .string()
        .regex(
          /^custentity_[a-z0-9_]+$/,
          'must be a NetSuite vendor field id such as custentity_sync_to_procurify',
        ),
    ),
    check: 'netsuite-vendor-checkbox',
    effect: 'master-data-scope',
  },
  {
    name: 'procurify.departmentLocationId',
    group: 'master data',
    meaning: 'The Procurify location (id) new departments are created under when no mapping applies.',
    defaultText: 'the headquarters location',
    initialFrom: 'procurify.departmentLocationId',
    storage: 'settings',
    input: 'text',
    schema: orNone(
      z.preprocess(
        (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
        z.number({ error: 'must be a Procurify location id (a positive integer)' }).int().positive(),
      ),
    ),
    check: 'procurify-location',
    effect: 'resend-parked-departments',
  },
  {
    name: 'procurify.departmentLocations',
    group: 'master data',
    meaning:
      'Department locations: NetSuite subsidiary id → the Procurify location of its departments (`1:3,2:5` or JSON); unmapped ones go to `procurify.departmentLocationId`.',
    defaultText: 'none',
    initialFrom: 'procurify.departmentLocations',
    storage: 'settings',
    input: 'text',
    schema: z.preprocess((value) => value ?? {}, departmentLocationMap()),
    check: 'procurify-locations-by-subsidiary',
    effect: 'resend-parked-departments',
  },
  schedule('netsuitePoll', 'NetSuite master-data poll'),
  schedule('procurifyPoll', 'Procurify poll (bills and payments)'),
  schedule('paidBillPull', 'paid-bill pull (pull mode)'),
  schedule('reconcile', 'reconciliation', 'schedules.reconcileEnabled'),
  schedule('failureDigest', 'failure digest'),
];

export const settingNamesList = settingsCatalog.map((setting) => setting.name);

/** The definition of a setting, or a usage error naming the known ones. */
export function settingDefinition(name: string): SettingDefinition {
  const found = settingsCatalog.find((setting) => setting.name === name);
  if (found === undefined) {
    throw new DataError(`no setting "${name}"; the settings are: ${settingNamesList.join(', ')}`, {
      source: 'apsync',
      code: 'usage',
    });
  }
  return found;
}

/**
 * The cdk.json key (under `apsync`) a setting's initial value comes from: its own key where the
 * deployment has one, else its name in the `settings` object (`"settings": {"bills.mode": "manual"}`).
 */
export function initialKey(definition: SettingDefinition): string {
  return definition.initialFrom ?? `settings["${definition.name}"]`;
}

/** Validates a value of a setting; a bad one is a DataError naming the setting, the value and why. */
export function parseSettingValue(definition: SettingDefinition, value: unknown): unknown {
  const parsed = definition.schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.length === 0 ? '' : `${issue.path.join('.')}: `}${issue.message}`)
    .join('; ');
  throw new DataError(`${definition.name}: ${JSON.stringify(value)} is not a valid value (${problems})`, {
    source: 'apsync',
    code: 'bad-setting',
  });
}

/** A setting's value as text for people: `none` (or the text given) when unset, on/off, text as is, the rest JSON. */
export const settingValueText = (value: unknown, none = 'none'): string =>
  value === null || value === undefined
    ? none
    : typeof value === 'string'
      ? value
      : typeof value === 'boolean'
        ? value
          ? 'on'
          : 'off'
        : JSON.stringify(value);

/**
 * The value a command line gives: the text itself, or JSON for `json` settings; empty text, `none` (and
 * JSON `null`) mean none.
 */
export function settingValueFromText(definition: SettingDefinition, text: string): unknown {
  if (text.trim() === '' || text.trim() === 'none') return null;
  if (definition.input === 'text') return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(
      `${definition.name}: the value must be JSON (${(error as Error).message}), e.g. ${definition.defaultText}`,
      { source: 'apsync', code: 'bad-setting' },
    );
  }
}
