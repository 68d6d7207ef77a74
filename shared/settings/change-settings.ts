// Changing settings of the catalog (`apsync settings set`, `--file`, the console; `apsync mode set` and
// `bills config set` are the same rules): every value is validated (its zod schema), then checked against
// NetSuite and Procurify where it names a record (a subsidiary or location exists and is active, the
// sync-flag field is a vendor checkbox; bill settings through change-bill-settings.ts), and refused with
// every problem named — nothing stored — or stored, recorded in the change history with who and when,
// and followed by its effect: the master-data scope re-evaluated, parked bills or departments re-sent.
// A change is stored at once and only if no other change was saved since it read the settings (the
// optimistic version of the `settings` item, pending-writes.ts): two operators saving at the same
// instant cannot overwrite each other — the second is told which settings were not stored, to retry.
import { randomUUID } from 'node:crypto';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { billSyncConfigName } from '../bills/bill-sync-settings.ts';
import {
  type BillSettingsCheckDependencies,
  changeBillSettings,
  type FieldShape,
} from '../bills/change-bill-settings.ts';
import type { SubsidiaryRow } from '../bills/ports.ts';
import { DataError } from '../errors.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import type { MasterDataScope } from '../master-data/map-master-data.ts';
import { changePaymentMode, type PaymentMode } from '../payment-mode.ts';
import type {
  AuditTrail,
  ConfigStore,
  LinkStore,
  SyncStateStore,
  VersionedConfigStore,
} from '../state/ports.ts';
import {
  parseSettingValue,
  type SettingCheck,
  type SettingDefinition,
  settingDefinition,
} from './catalog.ts';
import { PendingSettingsWrites } from './pending-writes.ts';
import {
  type ReevaluateScopeDependencies,
  reevaluateScope,
  type ScopeReevaluation,
} from './reevaluate-scope.ts';
import {
  appendHistory,
  type DeploymentSettings,
  defaultValue,
  effectiveMasterDataSettings,
  readSettingValues,
  type SettingChange,
  type StoredSettings,
  settingsConfigName,
} from './settings-store.ts';

/** NetSuite and Procurify facts the checks read, each loaded only when a changed setting needs it. */
export interface SettingLookups {
  netsuiteSubsidiaries(): Promise<SubsidiaryRow[]>;
  /** The NetSuite vendor record's fields (metadata catalog), custom fields included. */
  vendorFields(): Promise<ReadonlyMap<string, FieldShape>>;
  procurifyLocations(): Promise<Array<{ id: number; name: string; active: boolean }>>;
  /** What change-bill-settings.ts checks bill settings with. */
  billChecks(): Promise<BillSettingsCheckDependencies>;
  /** Bulk reads for the scope re-evaluation. */
  scopeReads(): Promise<ReevaluateScopeDependencies['reads']>;
}

export interface ChangeSettingsDependencies {
  state: ConfigStore &
    VersionedConfigStore &
    AuditTrail &
    Pick<SyncStateStore, 'listByStatus'> &
    Pick<LinkStore, 'findBySource'>;
  deployment: DeploymentSettings;
  lookups: SettingLookups;
  bills: QueuePublisher<BillMessage>;
  inbound: QueuePublisher<InboundMessage>;
  now?: () => Date;
}

export interface ChangedSetting {
  name: string;
  previous: unknown;
  value: unknown;
}

export interface ChangeSettingsResult {
  changed: ChangedSetting[];
  /** Settings given with the value they already had. */
  unchanged: string[];
  resentBills: number;
  resentDepartments: number;
  reevaluation?: ScopeReevaluation;
}

/** Who changed it and through what (`cli`, `console`). */
export interface ChangedBy {
  user: string;
  via: string;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Validates, checks, stores and audits settings given by name; refused as a whole, naming each problem. */
export async function changeSettings(
  values: Readonly<Record<string, unknown>>,
  deps: ChangeSettingsDependencies,
  by: ChangedBy,
): Promise<ChangeSettingsResult> {
  const entries = Object.entries(values);
  if (entries.length === 0) {
    throw new DataError('no setting given', { source: 'apsync', code: 'usage' });
  }
  const definitions = entries.map(([name]) => settingDefinition(name));
  const invalid: string[] = [];
  const parsed = entries.map(([, value], index) => {
    try {
      return parseSettingValue(definitions[index]!, value);
    } catch (error) {
      invalid.push((error as Error).message);
      return undefined;
    }
  });
  if (invalid.length > 0) {
    throw new DataError(invalid.join('; '), { source: 'apsync', code: 'bad-setting' });
  }

  // The version first: whatever is read after it, a change saved since makes this one's commit fail.
  const version = await deps.state.configVersion(settingsConfigName);
  const pending = new PendingSettingsWrites(deps.state, deps.bills);
  const state = pending.view();
  const current = await readSettingValues(deps.state, deps.deployment);
  // Found: readSettingValues reads every setting of the catalog, and each name here is the catalog's.
  const previousOf = (name: string) => current.find((entry) => entry.definition.name === name)!;
  const changes = definitions
    .map((definition, index) => ({ definition, value: parsed[index] }))
    // A value equal to the one that applies now changes nothing (and is not stored).
    .filter(
      ({ definition, value }) =>
        !same(
          previousOf(definition.name).value,
          // A bill setting of none is its default (bill-sync-settings.ts fills it in).
          value === null && definition.storage === 'bill-sync' ? defaultValue(definition) : value,
        ),
    );
  const unchanged = definitions
    .map((definition) => definition.name)
    .filter((name) => !changes.some((change) => change.definition.name === name));

  const problems: string[] = [];
  for (const { definition, value } of changes) {
    const check = definition.check;
    if (check === undefined || check === 'bill-settings') continue;
    problems.push(...(await checkSetting(check, definition.name, value, deps.lookups)));
  }
  if (problems.length > 0) {
    throw new DataError(`nothing was stored: ${problems.join('; ')}`, {
      source: 'netsuite',
      code: 'refused-setting',
    });
  }

  const at = (deps.now?.() ?? new Date()).toISOString();
  const history: SettingChange[] = [];
  const record = (definition: SettingDefinition, value: unknown) => {
    const previous = previousOf(definition.name);
    history.push({
      at,
      name: definition.name,
      by: by.user,
      previous: previous.value ?? null,
      previousSource: previous.source,
      value,
      via: by.via,
    });
  };
  const result: ChangeSettingsResult = { changed: [], unchanged, resentBills: 0, resentDepartments: 0 };

  // Bill settings first: change-bill-settings.ts checks the whole document against NetSuite and may
  // refuse it, before anything else is stored.
  const billChanges = changes.filter((change) => change.definition.storage === 'bill-sync');
  if (billChanges.length > 0) {
    const document = { ...((await state.getConfig<Record<string, unknown>>(billSyncConfigName)) ?? {}) };
    for (const { definition, value } of billChanges) {
      const key = definition.name.slice('bills.'.length);
      if (value === null) delete document[key];
      else document[key] = value;
    }
    const stored = await changeBillSettings(
      document,
      {
        ...(await deps.lookups.billChecks()),
        state,
        bills: pending.bills(),
        ...(deps.now === undefined ? {} : { now: deps.now }),
      },
      `${by.user} (${by.via})`,
    );
    result.resentBills = stored.resent;
    for (const change of billChanges) record(change.definition, change.value);
  }

  const mode = changes.find((change) => change.definition.storage === 'payment-mode');
  if (mode !== undefined) {
    await changePaymentMode(
      state,
      mode.value as PaymentMode,
      by.user,
      deps.deployment.defaultPaymentMode,
      new Date(at),
    );
    record(mode.definition, mode.value);
  }

  const own = changes.filter((change) => change.definition.storage === 'settings');
  const scopeBefore = await scopeOf(deps);
  if (own.length > 0) {
    const stored = (await state.getConfig<StoredSettings>(settingsConfigName)) ?? {};
    for (const { definition, value } of own) {
      stored[definition.name] = { value, changedAt: at, changedBy: by.user };
      record(definition, value);
    }
    await state.putConfig(settingsConfigName, stored);
  }
  await appendHistory(state, history);
  if (history.length > 0 && !(await pending.commit({ name: settingsConfigName, version }))) {
    throw new DataError(
      `${history.map((change) => change.name).join(', ')}: not stored — another change to the settings was saved at the same moment ` +
        '(apsync audit settings shows it); read the settings again (apsync settings get) and retry',
      { source: 'apsync', code: 'settings-conflict' },
    );
  }
  for (const entry of history) {
    result.changed.push({
      name: entry.name,
      previous: previousOf(entry.name)?.value ?? null,
      value: entry.value,
    });
  }

  if (own.some((change) => change.definition.effect === 'master-data-scope')) {
    result.reevaluation = await reevaluateScope(scopeBefore, await scopeOf(deps), {
      reads: await deps.lookups.scopeReads(),
      links: deps.state,
      inbound: deps.inbound,
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
  }
  if (own.some((change) => change.definition.effect === 'resend-parked-departments')) {
    const parked = await deps.state.listByStatus('department', 'review');
    if (parked.length > 0) {
      await deps.inbound.sendAll(
        parked.map(
          (state): InboundMessage => ({
            kind: 'record-event',
            origin: 'replay',
            eventId: `settings-${randomUUID()}`,
            recordType: 'department',
            recordId: state.ref.id,
            eventType: 'edit',
            lastModified: at,
            receivedAt: at,
          }),
        ),
      );
    }
    result.resentDepartments = parked.length;
  }
  return result;
}

async function scopeOf(deps: ChangeSettingsDependencies): Promise<MasterDataScope> {
  const settings = await effectiveMasterDataSettings(deps.state, deps.deployment.settings);
  return {
    ...(settings.subsidiaryIds === undefined ? {} : { subsidiaryIds: settings.subsidiaryIds }),
    ...(settings.vendorSyncFlagField === undefined
      ? {}
      : { vendorSyncFlagField: settings.vendorSyncFlagField }),
  };
}

const unusable = (row: { inactive: boolean } | undefined, what: string, system: string) =>
  row === undefined
    ? [`${what} does not exist in ${system}`]
    : row.inactive
      ? [`${what} is inactive in ${system}`]
      : [];

/**
 * What NetSuite or Procurify says against a value of setting `name` (empty: it can be stored). Bill
 * settings are checked as a whole document by change-bill-settings.ts.
 */
export async function checkSetting(
  check: Exclude<SettingCheck, 'bill-settings'>,
  name: string,
  value: unknown,
  lookups: SettingLookups,
): Promise<string[]> {
  switch (check) {
    case 'netsuite-subsidiaries': {
      const ids = value as string[];
      if (ids.length === 0) return [];
      const rows = await lookups.netsuiteSubsidiaries();
      return ids.flatMap((id) =>
        unusable(
          rows.find((row) => row.id === id),
          `${name}: subsidiary ${id}`,
          'NetSuite',
        ),
      );
    }
    case 'netsuite-vendor-checkbox': {
      if (value === null) return [];
      const field = value as string;
      const shape = (await lookups.vendorFields()).get(field);
      if (shape === undefined) return [`${name}: NetSuite's vendor record has no field ${field}`];
      if (shape.type !== 'boolean')
        return [
          `${name}: ${field} is not a checkbox (its type is ${shape.reference ? 'a record reference' : (shape.type ?? 'unknown')})`,
        ];
      return [];
    }
    case 'procurify-location': {
      if (value === null) return [];
      const locations = await lookups.procurifyLocations();
      const found = locations.find((location) => location.id === value);
      return unusable(
        found === undefined ? undefined : { inactive: !found.active },
        `${name}: location ${String(value)}`,
        'Procurify',
      );
    }
    case 'procurify-locations-by-subsidiary': {
      const map = value as Record<string, number>;
      if (Object.keys(map).length === 0) return [];
      const [subsidiaries, locations] = await Promise.all([
        lookups.netsuiteSubsidiaries(),
        lookups.procurifyLocations(),
      ]);
      return Object.entries(map).flatMap(([subsidiary, location]) => {
        const found = locations.find((row) => row.id === location);
        return [
          ...unusable(
            subsidiaries.find((row) => row.id === subsidiary),
            `${name}: subsidiary ${subsidiary}`,
            'NetSuite',
          ),
          ...unusable(
            found === undefined ? undefined : { inactive: !found.active },
            `${name}: location ${location} (for subsidiary ${subsidiary})`,
            'Procurify',
          ),
        ];
      });
    }
  }
}
