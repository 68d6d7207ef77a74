// Reading the settings of the catalog (catalog.ts) as they apply now: an operator's value from the state
// table's configuration, else the deployment's initial value (the functions' environment, set from
// cdk.json), else the default. Also the settings' change history (who, when, from what to what), the
// audit of every change made through `apsync settings` and the console.
import { billSyncConfigName, parseBillSyncSettings } from '../bills/bill-sync-settings.ts';
import type { FunctionSettings } from '../config/environment.ts';
import { type PaymentMode, readPaymentMode } from '../payment-mode.ts';
import type { ConfigStore } from '../state/ports.ts';
import type { SettingDefinition } from './catalog.ts';

/** The configuration item of the settings kept by name (storage `settings`). */
export const settingsConfigName = 'settings';
/** The configuration item of the change history, newest first. */
export const settingsHistoryConfigName = 'settings:history';

export interface StoredSetting {
  value: unknown;
  changedAt: string;
  changedBy: string;
}

export type StoredSettings = Record<string, StoredSetting>;

export interface SettingChange {
  at: string;
  name: string;
  by: string;
  /** The value that applied before the change (absent in changes recorded before it was kept). */
  previous?: unknown;
  /** Where that value came from. */
  previousSource?: SettingValue['source'];
  value: unknown;
  /** `cli` or `console`. */
  via: string;
}

/** The values the deployment gives (cdk.json, through the functions' environment). */
export interface DeploymentSettings {
  defaultPaymentMode: PaymentMode;
  settings: Partial<
    Pick<
      FunctionSettings,
      | 'subsidiaryIds'
      | 'vendorSyncFlagField'
      | 'departmentLocationId'
      | 'departmentLocations'
      | 'initialSettings'
    >
  > & { reconcileScheduleEnabled?: boolean };
}

export interface SettingValue {
  definition: SettingDefinition;
  /** The value that applies now (null: none). */
  value: unknown;
  source: 'operator' | 'deployment' | 'default';
  changedAt?: string;
  changedBy?: string;
}

/**
 * The deployment's initial value of a setting, or undefined (the default applies). Not for the payment
 * mode: readSettingValues and change-settings.ts read it through payment-mode.ts.
 */
export function initialValue(definition: SettingDefinition, deployment: DeploymentSettings): unknown {
  const settings = deployment.settings;
  switch (definition.name) {
    case 'netsuite.subsidiaries':
      return settings.subsidiaryIds?.length ? [...settings.subsidiaryIds] : undefined;
    case 'netsuite.syncFlagField':
      return settings.vendorSyncFlagField;
    case 'procurify.departmentLocationId':
      return settings.departmentLocationId;
    case 'procurify.departmentLocations':
      return Object.keys(settings.departmentLocations ?? {}).length > 0
        ? settings.departmentLocations
        : undefined;
    case 'schedules.reconcile':
      return settings.reconcileScheduleEnabled === false ? false : undefined;
    default:
      // The settings without a cdk.json key of their own: cdk.json `settings` (catalog initialKey).
      return settings.initialSettings?.[definition.name];
  }
}

/** The value a setting has when nobody set it (the payment mode's is payment-mode.ts's). */
export function defaultValue(definition: SettingDefinition): unknown {
  if (definition.storage === 'bill-sync') {
    const key = definition.name.slice('bills.'.length);
    return (parseBillSyncSettings({}) as Record<string, unknown>)[key] ?? null;
  }
  if (definition.group === 'schedules') return true;
  if (definition.name === 'netsuite.subsidiaries') return [];
  if (definition.name === 'procurify.departmentLocations') return {};
  return null;
}

export async function readHistory(store: Pick<ConfigStore, 'getConfig'>): Promise<SettingChange[]> {
  return (await store.getConfig<SettingChange[]>(settingsHistoryConfigName)) ?? [];
}

/** Changes kept in the history item (newest first). */
const keptHistory = 200;

export async function appendHistory(store: ConfigStore, changes: readonly SettingChange[]): Promise<void> {
  if (changes.length === 0) return;
  const previous = await readHistory(store);
  await store.putConfig(settingsHistoryConfigName, [...changes, ...previous].slice(0, keptHistory));
}

/** Every setting of the catalog (or the named ones) with the value that applies now. */
export async function readSettingValues(
  store: Pick<ConfigStore, 'getConfig'>,
  deployment: DeploymentSettings,
  names?: readonly string[],
): Promise<SettingValue[]> {
  const [stored, billDocument, paymentMode, history, { settingsCatalog }] = await Promise.all([
    store.getConfig<StoredSettings>(settingsConfigName),
    store.getConfig<Record<string, unknown>>(billSyncConfigName),
    readPaymentMode(store as ConfigStore, deployment.defaultPaymentMode),
    readHistory(store),
    // Loaded here, not with this file: the functions that only read a stored value (scheduleEnabled,
    // effectiveMasterDataSettings) never build the catalog's schemas.
    import('./catalog.ts'),
  ]);
  const bills = parseBillSyncSettings(billDocument ?? {}) as Record<string, unknown>;
  const lastChange = (name: string) => history.find((change) => change.name === name);
  return settingsCatalog
    .filter((definition) => names === undefined || names.includes(definition.name))
    .map((definition): SettingValue => {
      const change = lastChange(definition.name);
      const changed = change === undefined ? {} : { changedAt: change.at, changedBy: change.by };
      if (definition.storage === 'payment-mode') {
        return {
          definition,
          value: paymentMode.mode,
          source: paymentMode.source === 'operator' ? 'operator' : 'deployment',
          ...(paymentMode.changedAt === undefined ? {} : { changedAt: paymentMode.changedAt }),
          ...(paymentMode.changedBy === undefined ? {} : { changedBy: paymentMode.changedBy }),
        };
      }
      if (definition.storage === 'bill-sync') {
        const key = definition.name.slice('bills.'.length);
        const set = billDocument !== undefined && Object.hasOwn(billDocument, key);
        const initial = initialValue(definition, deployment);
        if (!set && initial !== undefined) return { definition, value: initial, source: 'deployment' };
        return {
          definition,
          value: bills[key] ?? null,
          source: set ? 'operator' : 'default',
          ...(set ? changed : {}),
        };
      }
      const own = stored?.[definition.name];
      if (own !== undefined) {
        return {
          definition,
          value: own.value,
          source: 'operator',
          changedAt: own.changedAt,
          changedBy: own.changedBy,
        };
      }
      const initial = initialValue(definition, deployment);
      return initial === undefined
        ? { definition, value: defaultValue(definition), source: 'default' }
        : { definition, value: initial, source: 'deployment' };
    });
}

/**
 * The functions' settings with the operator's stored values laid over the deployment's: what the
 * inbound worker, reconcile and `apsync preview` apply (read on each use, so a change applies at once).
 */
export async function effectiveMasterDataSettings(
  store: Pick<ConfigStore, 'getConfig'>,
  settings: DeploymentSettings['settings'],
): Promise<{
  subsidiaryIds: readonly string[] | undefined;
  vendorSyncFlagField: string | undefined;
  departmentLocationId: number | undefined;
  departmentLocations: Readonly<Record<string, number>>;
}> {
  const stored = (await store.getConfig<StoredSettings>(settingsConfigName)) ?? {};
  const pick = <T>(name: string, fallback: T): T =>
    stored[name] === undefined ? fallback : (stored[name].value as T);
  const subsidiaries = pick<readonly string[] | undefined>('netsuite.subsidiaries', settings.subsidiaryIds);
  return {
    subsidiaryIds: subsidiaries === undefined || subsidiaries.length === 0 ? undefined : subsidiaries,
    vendorSyncFlagField:
      pick<string | null | undefined>('netsuite.syncFlagField', settings.vendorSyncFlagField) ?? undefined,
    departmentLocationId:
      pick<number | null | undefined>('procurify.departmentLocationId', settings.departmentLocationId) ??
      undefined,
    departmentLocations: pick('procurify.departmentLocations', settings.departmentLocations ?? {}),
  };
}

/**
 * The configuration store as the workers read it: the bill-sync document laid over the deployment's
 * initial bill settings (cdk.json `settings["bills.…"]`), so a setting nobody changed has its initial
 * value. (`apsync settings` and the console read the stored document and the deployment apart, to say
 * where each value comes from.)
 */
export function withInitialBillSettings<S extends Pick<ConfigStore, 'getConfig'>>(
  store: S,
  initialSettings: Readonly<Record<string, unknown>>,
): S {
  const initial = Object.fromEntries(
    Object.entries(initialSettings)
      .filter(([name]) => name.startsWith('bills.'))
      .map(([name, value]) => [name.slice('bills.'.length), value]),
  );
  if (Object.keys(initial).length === 0) return store;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'getConfig') {
        return async (name: string) => {
          const stored = await target.getConfig<Record<string, unknown>>(name);
          return name === billSyncConfigName ? { ...initial, ...stored } : stored;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Whether a schedule's runs are on (`schedules.<name>`): the operator's value, else the deployment's. */
export async function scheduleEnabled(
  store: Pick<ConfigStore, 'getConfig'>,
  schedule: string,
  initial = true,
): Promise<boolean> {
  const stored = (await store.getConfig<StoredSettings>(settingsConfigName)) ?? {};
  const own = stored[`schedules.${schedule}`];
  return own === undefined ? initial : own.value === true;
}
