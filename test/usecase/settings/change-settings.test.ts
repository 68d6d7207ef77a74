// Changing settings (shared/settings/change-settings.ts) over the in-memory state store, queues,
// NetSuite and bulk reads: validation and NetSuite/Procurify checks refuse with every problem named and
// nothing stored; a stored change is in the history with who, when and from what; two changes saved at
// once cannot overwrite each other; the effects (scope re-evaluated, parked departments and bills re-sent).
import { beforeEach, describe, expect, it } from 'vitest';
import { billSyncConfigName } from '../../../shared/bills/bill-sync-settings.ts';
import type { FieldShape } from '../../../shared/bills/change-bill-settings.ts';
import { DataError } from '../../../shared/errors.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { readPaymentMode } from '../../../shared/payment-mode.ts';
import type { NetSuiteVendorRow } from '../../../shared/reconcile/ports.ts';
import {
  initialKey,
  parseSettingValue,
  settingDefinition,
  settingValueFromText,
  settingValueText,
} from '../../../shared/settings/catalog.ts';
import { type ChangeSettingsDependencies, changeSettings } from '../../../shared/settings/change-settings.ts';
import {
  type DeploymentSettings,
  effectiveMasterDataSettings,
  readHistory,
  readSettingValues,
  scheduleEnabled,
  settingsConfigName,
  withInitialBillSettings,
} from '../../../shared/settings/settings-store.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryNetSuiteBulkReads } from '../../support/in-memory/reconcile-reads.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let netsuite: InMemoryNetSuite;
let bulk: InMemoryNetSuiteBulkReads;
let bills: InMemoryQueue<BillMessage>;
let inbound: InMemoryQueue<InboundMessage>;
let vendorFields: Map<string, FieldShape>;
let locations: Array<{ id: number; name: string; active: boolean }>;
let deployment: DeploymentSettings;
/** Which lookups the change read, in order: a check reads only what a changed setting needs. */
let read: string[];
/** Runs inside the subsidiary lookup: another operator saving while this change is being checked. */
let during: (() => Promise<unknown>) | undefined;

const ana = { user: 'ana', via: 'cli' };

const vendorRow = (
  id: string,
  subsidiary: string,
  flags: Record<string, unknown> = {},
): NetSuiteVendorRow => ({
  record: { id, companyName: `Vendor ${id}`, isInactive: false, subsidiary: { id: subsidiary }, ...flags },
  lastModified: '2026-11-01T00:00:00Z',
});

const deps = (): ChangeSettingsDependencies => ({
  state,
  deployment,
  bills,
  inbound,
  now: clock.now,
  lookups: {
    netsuiteSubsidiaries: async () => {
      read.push('subsidiaries');
      await during?.();
      return netsuite.subsidiaries();
    },
    vendorFields: async () => {
      read.push('vendorFields');
      return vendorFields;
    },
    procurifyLocations: async () => {
      read.push('locations');
      return locations;
    },
    billChecks: async () => {
      read.push('billChecks');
      return {
        lookups: netsuite,
        vendorBillFields: async () => ({ body: new Map(), expenseLine: new Map() }),
      };
    },
    scopeReads: async () => {
      read.push('scopeReads');
      return () => bulk;
    },
  },
});

const refusal = async (promise: Promise<unknown>): Promise<DataError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
};

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  netsuite = new InMemoryNetSuite({
    subsidiaries: [
      { id: '1', name: 'Parent', inactive: false },
      { id: '2', name: 'Canada', inactive: false },
      { id: '9', name: 'Closed', inactive: true },
    ],
    accounts: [{ id: '600', acctnumber: '6000', inactive: false } as never],
  });
  bulk = new InMemoryNetSuiteBulkReads();
  bills = new InMemoryQueue();
  inbound = new InMemoryQueue();
  vendorFields = new Map<string, FieldShape>([
    ['custentity_sync', { type: 'boolean', reference: false }],
    ['custentity_text', { type: 'string', reference: false }],
    ['custentity_ref', { reference: true }],
    ['custentity_odd', { reference: false }],
  ]);
  locations = [
    { id: 3, name: 'HQ', active: true },
    { id: 4, name: 'Old branch', active: false },
  ];
  deployment = { defaultPaymentMode: 'push', settings: {} };
  read = [];
  during = undefined;
});

describe('changeSettings: refusals', () => {
  it('refuses no setting, an unknown name and bad values, naming each; nothing stored', async () => {
    expect((await refusal(changeSettings({}, deps(), ana))).message).toBe('no setting given');
    const unknown = await refusal(changeSettings({ 'bills.colour': 'red' }, deps(), ana));
    expect(unknown.message).toMatch(/^no setting "bills.colour"; the settings are: paymentMode, bills.mode/);
    const bad = await refusal(
      changeSettings({ paymentMode: 'sideways', 'schedules.reconcile': 7 }, deps(), ana),
    );
    expect(bad.code).toBe('bad-setting');
    expect(bad.message).toContain('paymentMode: "sideways" is not a valid value');
    expect(bad.message).toContain('schedules.reconcile: 7 is not a valid value');
    expect(await state.configVersion(settingsConfigName)).toBe(0);
    expect(await readHistory(state)).toEqual([]);
  });

  it('refuses subsidiaries, a sync flag and locations NetSuite or Procurify do not have, all named', async () => {
    const error = await refusal(
      changeSettings(
        {
          'netsuite.subsidiaries': ['1', '7', '9'],
          'netsuite.syncFlagField': 'custentity_missing',
          'procurify.departmentLocationId': 5,
          'procurify.departmentLocations': { '2': 4, '8': 3, '1': 6 },
        },
        deps(),
        ana,
      ),
    );
    expect(error.code).toBe('refused-setting');
    expect(error.message).toBe(
      'nothing was stored: netsuite.subsidiaries: subsidiary 7 does not exist in NetSuite; ' +
        'netsuite.subsidiaries: subsidiary 9 is inactive in NetSuite; ' +
        "netsuite.syncFlagField: NetSuite's vendor record has no field custentity_missing; " +
        'procurify.departmentLocationId: location 5 does not exist in Procurify; ' +
        'procurify.departmentLocations: location 6 (for subsidiary 1) does not exist in Procurify; ' +
        'procurify.departmentLocations: location 4 (for subsidiary 2) is inactive in Procurify; ' +
        'procurify.departmentLocations: subsidiary 8 does not exist in NetSuite',
    );
    expect(await state.getConfig(settingsConfigName)).toBeUndefined();
    expect(await readHistory(state)).toEqual([]);
    expect(inbound.sent).toEqual([]);
  });

  it('refuses a sync flag that is not a checkbox, saying what it is', async () => {
    const messages = [];
    for (const field of ['custentity_text', 'custentity_ref', 'custentity_odd']) {
      messages.push(
        (await refusal(changeSettings({ 'netsuite.syncFlagField': field }, deps(), ana))).message,
      );
    }
    expect(messages).toEqual([
      'nothing was stored: netsuite.syncFlagField: custentity_text is not a checkbox (its type is string)',
      'nothing was stored: netsuite.syncFlagField: custentity_ref is not a checkbox (its type is a record reference)',
      'nothing was stored: netsuite.syncFlagField: custentity_odd is not a checkbox (its type is unknown)',
    ]);
  });

  it('a bill setting NetSuite refuses stores nothing, the payment mode given with it included', async () => {
    const error = await refusal(
      changeSettings(
        { 'bills.shipping': { mode: 'account', accountId: '999' }, paymentMode: 'pull' },
        deps(),
        ana,
      ),
    );
    expect(error.message).toBe(
      'the bill sync configuration was not stored: shipping.accountId: account 999 does not exist in NetSuite',
    );
    expect((await readPaymentMode(state, 'push')).mode).toBe('push');
    expect(await state.getConfig(billSyncConfigName)).toBeUndefined();
    expect(await state.read({ system: 'procurify', kind: 'bill', id: 'settings' })).toEqual([]);
  });
});

describe('changeSettings: stored', () => {
  it('stores, records who/when/from what, and skips values equal to the current one', async () => {
    deployment.settings.subsidiaryIds = ['1'];
    const result = await changeSettings(
      {
        'netsuite.subsidiaries': ['1', '2'],
        'schedules.reconcile': true,
        'procurify.departmentLocationId': null,
      },
      deps(),
      ana,
    );
    expect(result).toEqual({
      changed: [{ name: 'netsuite.subsidiaries', previous: ['1'], value: ['1', '2'] }],
      unchanged: ['schedules.reconcile', 'procurify.departmentLocationId'],
      resentBills: 0,
      resentDepartments: 0,
      reevaluation: { queued: [], outOfScope: [] },
    });
    // Only the changed setting was checked; the unchanged ones read nothing.
    expect(read).toEqual(['subsidiaries', 'scopeReads']);
    expect(await readHistory(state)).toEqual([
      {
        at: clock.iso(),
        name: 'netsuite.subsidiaries',
        by: 'ana',
        previous: ['1'],
        previousSource: 'deployment',
        value: ['1', '2'],
        via: 'cli',
      },
    ]);
    const values = await readSettingValues(state, deployment, [
      'netsuite.subsidiaries',
      'schedules.reconcile',
    ]);
    expect(values.map(({ definition, ...value }) => ({ name: definition.name, ...value }))).toEqual([
      {
        name: 'netsuite.subsidiaries',
        value: ['1', '2'],
        source: 'operator',
        changedAt: clock.iso(),
        changedBy: 'ana',
      },
      { name: 'schedules.reconcile', value: true, source: 'default' },
    ]);
    expect(await state.configVersion(settingsConfigName)).toBe(1);

    // The same values again change nothing and store nothing.
    clock.advance(60);
    const again = await changeSettings({ 'netsuite.subsidiaries': ['1', '2'] }, deps(), ana);
    expect(again).toEqual({
      changed: [],
      unchanged: ['netsuite.subsidiaries'],
      resentBills: 0,
      resentDepartments: 0,
    });
    expect(await state.configVersion(settingsConfigName)).toBe(1);
    expect(await readHistory(state)).toHaveLength(1);
  });

  it('a second change saved while the first was being checked wins; the first is told what was not stored', async () => {
    during = async () => {
      during = undefined;
      await changeSettings({ 'schedules.reconcile': false }, deps(), { user: 'bo', via: 'console' });
    };
    const error = await refusal(changeSettings({ 'netsuite.subsidiaries': ['2'] }, deps(), ana));
    expect(error.code).toBe('settings-conflict');
    expect(error.message).toBe(
      'netsuite.subsidiaries: not stored — another change to the settings was saved at the same moment ' +
        '(apsync audit settings shows it); read the settings again (apsync settings get) and retry',
    );
    expect(await state.getConfig(settingsConfigName)).toEqual({
      'schedules.reconcile': { value: false, changedAt: clock.iso(), changedBy: 'bo' },
    });
    expect((await readHistory(state)).map((change) => [change.name, change.by, change.via])).toEqual([
      ['schedules.reconcile', 'bo', 'console'],
    ]);
    expect(await scheduleEnabled(state, 'reconcile')).toBe(false);
    expect(await scheduleEnabled(state, 'netsuitePoll', undefined)).toBe(true);
    expect(await scheduleEnabled(state, 'netsuitePoll', false)).toBe(false);
    // A store nobody has stored settings in: the deployment's value, else on.
    const fresh = new InMemoryStateStore(clock.now);
    expect([
      await scheduleEnabled(fresh, 'reconcile'),
      await scheduleEnabled(fresh, 'reconcile', false),
    ]).toEqual([true, false]);
  });

  it('the payment mode is stored and audited; the history keeps the newest first', async () => {
    const first = await changeSettings({ paymentMode: 'pull' }, deps(), ana);
    expect(first.changed).toEqual([{ name: 'paymentMode', previous: 'push', value: 'pull' }]);
    clock.advance(5);
    await changeSettings({ 'schedules.failureDigest': false }, deps(), { user: 'bo', via: 'console' });
    expect(await readPaymentMode(state, 'push')).toMatchObject({
      mode: 'pull',
      source: 'operator',
      changedBy: 'ana',
    });
    expect((await readHistory(state)).map((change) => change.name)).toEqual([
      'schedules.failureDigest',
      'paymentMode',
    ]);
    const [mode] = await readSettingValues(state, deployment, ['paymentMode']);
    expect(mode).toMatchObject({ value: 'pull', source: 'operator', changedBy: 'ana' });
    const [fresh] = await readSettingValues(new InMemoryStateStore(), deployment, ['paymentMode']);
    expect(fresh).toMatchObject({ value: 'push', source: 'deployment' });
  });

  it('a bill setting is stored in the bill document, audited, and parked bills are re-sent at commit', async () => {
    await state.putState({
      ref: { system: 'procurify', kind: 'bill', id: 'b-1' },
      status: 'review',
      sourceModified: '2026-11-30T10:00:00Z',
    });
    await state.putState({ ref: { system: 'procurify', kind: 'bill', id: 'b-2' }, status: 'review' });
    await state.putConfig(billSyncConfigName, { mode: 'manual' });
    const result = await changeSettings(
      { 'bills.shipping': { mode: 'account', accountId: '600' }, 'bills.mode': null },
      deps(),
      ana,
    );
    expect(result).toMatchObject({
      changed: [
        { name: 'bills.shipping', previous: null, value: { mode: 'account', accountId: '600' } },
        { name: 'bills.mode', previous: 'manual', value: null },
      ],
      unchanged: [],
      resentBills: 2,
    });
    expect(await state.getConfig(billSyncConfigName)).toEqual({
      shipping: { mode: 'account', accountId: '600' },
    });
    expect(bills.bodies()).toEqual([
      {
        kind: 'bill',
        origin: 'mapping-available',
        billUuid: 'b-1',
        lastModified: '2026-11-30T10:00:00Z',
        enqueuedAt: clock.iso(),
      },
      { kind: 'bill', origin: 'mapping-available', billUuid: 'b-2', enqueuedAt: clock.iso() },
    ]);
    expect(await state.read({ system: 'procurify', kind: 'bill', id: 'settings' })).toMatchObject([
      { step: 'note', message: 'bill sync configuration changed', facts: { requestedBy: 'ana (cli)' } },
    ]);
    // bills.mode set to none is its default: giving none again changes nothing.
    const again = await changeSettings({ 'bills.mode': null }, deps(), ana);
    expect(again.unchanged).toEqual(['bills.mode']);
    // A bill setting without a default, never set, given as none: nothing changes either.
    expect((await changeSettings({ 'bills.tax': null }, deps(), ana)).unchanged).toEqual(['bills.tax']);
    const [mode] = await readSettingValues(state, deployment, ['bills.mode']);
    expect(mode).toMatchObject({ value: 'auto', source: 'default' });
  });

  it('without a clock of its own, stamps the change, the re-sent bills and the queued records with the time it is made', async () => {
    await state.putState({ ref: { system: 'procurify', kind: 'bill', id: 'b-1' }, status: 'review' });
    deployment.settings.subsidiaryIds = ['1'];
    bulk.vendorRows = [vendorRow('102', '2')];
    const { now: _clock, ...withoutClock } = deps();
    const before = new Date().toISOString();
    await changeSettings(
      { 'netsuite.subsidiaries': ['2'], 'bills.shipping': { mode: 'account', accountId: '600' } },
      withoutClock,
      ana,
    );
    const after = new Date().toISOString();
    const within = (at: string | undefined) => at !== undefined && at >= before && at <= after;
    const stored = await state.getConfig<Record<string, { changedAt: string }>>(settingsConfigName);
    expect(within(stored?.['netsuite.subsidiaries']?.changedAt)).toBe(true);
    expect(bills.bodies().map((message) => within(message.enqueuedAt))).toEqual([true]);
    expect(inbound.bodies().map((message) => [message.recordId, within(message.receivedAt)])).toEqual([
      ['102', true],
    ]);
  });

  it('a department location change re-sends the departments parked for review', async () => {
    await state.putState({ ref: { system: 'netsuite', kind: 'department', id: '31' }, status: 'review' });
    const result = await changeSettings(
      { 'procurify.departmentLocationId': 3, 'procurify.departmentLocations': { '2': 3 } },
      deps(),
      ana,
    );
    expect(result.resentDepartments).toBe(1);
    expect(result.reevaluation).toBeUndefined();
    expect(inbound.bodies()).toEqual([
      expect.objectContaining({
        kind: 'record-event',
        origin: 'replay',
        recordType: 'department',
        recordId: '31',
        eventType: 'edit',
        lastModified: clock.iso(),
      }),
    ]);
    expect(await effectiveMasterDataSettings(state, {})).toEqual({
      subsidiaryIds: undefined,
      vendorSyncFlagField: undefined,
      departmentLocationId: 3,
      departmentLocations: { '2': 3 },
    });
    // Nothing parked any more: none re-sent.
    await state.putState({ ref: { system: 'netsuite', kind: 'department', id: '31' }, status: 'synced' });
    const none = await changeSettings({ 'procurify.departmentLocationId': null }, deps(), ana);
    expect(none).toMatchObject({ resentDepartments: 0, changed: [{ previous: 3, value: null }] });
    expect(inbound.sent).toHaveLength(1);
  });

  it('emptying the lists checks nothing in NetSuite or Procurify', async () => {
    await state.putConfig(settingsConfigName, {
      'netsuite.subsidiaries': { value: ['1'], changedAt: clock.iso(), changedBy: 'x' },
      'procurify.departmentLocations': { value: { '1': 3 }, changedAt: clock.iso(), changedBy: 'x' },
      'netsuite.syncFlagField': { value: 'custentity_sync', changedAt: clock.iso(), changedBy: 'x' },
    });
    const result = await changeSettings(
      { 'netsuite.subsidiaries': [], 'procurify.departmentLocations': {}, 'netsuite.syncFlagField': null },
      deps(),
      ana,
    );
    expect(result.changed.map((change) => change.name)).toEqual([
      'netsuite.subsidiaries',
      'procurify.departmentLocations',
      'netsuite.syncFlagField',
    ]);
    expect(read).toEqual(['scopeReads']);
  });
});

describe('changeSettings: master-data scope', () => {
  it('queues vendors, accounts and departments now in scope and lists those leaving with their Procurify id', async () => {
    deployment.settings.subsidiaryIds = ['1'];
    bulk.vendorRows = [
      vendorRow('101', '1', { custentity_sync: true }),
      vendorRow('102', '2', { custentity_sync: true }),
      vendorRow('103', '1', { custentity_sync: false }),
    ];
    bulk.accountRows = [
      {
        record: { id: '600', subsidiary: { items: [{ id: '2' }] } } as never,
        lastModified: '2026-11-01T00:00:00Z',
      },
      {
        record: { id: '601', subsidiary: { items: [{ id: '1' }] } } as never,
        lastModified: '2026-11-01T00:00:00Z',
      },
    ];
    bulk.departmentRows = [
      {
        record: { id: '31', subsidiary: { items: [{ id: '1' }] } } as never,
        lastModified: '2026-11-01T00:00:00Z',
      },
    ];
    await state.link({ kind: 'vendor', netsuiteId: '103', procurifyId: '7' } as never);
    const result = await changeSettings(
      { 'netsuite.subsidiaries': ['2'], 'netsuite.syncFlagField': 'custentity_sync' },
      deps(),
      ana,
    );
    expect(result.reevaluation).toEqual({
      queued: [
        { kind: 'vendor', id: '102' },
        { kind: 'account', id: '600' },
      ],
      outOfScope: [
        { kind: 'vendor', id: '101', reason: 'subsidiary 1 is outside the configured scope' },
        { kind: 'vendor', id: '103', procurifyId: '7', reason: 'custentity_sync is not checked' },
        { kind: 'account', id: '601', reason: 'subsidiary 1 is outside the configured scope' },
        { kind: 'department', id: '31', reason: 'subsidiary 1 is outside the configured scope' },
      ],
    });
    expect(
      inbound
        .bodies()
        .map((message) => [
          message.kind === 'record-event' && message.recordType,
          message.kind === 'record-event' && message.recordId,
        ]),
    ).toEqual([
      ['vendor', '102'],
      ['account', '600'],
    ]);
  });

  it('a sync flag that does not exist on a vendor takes it out of scope with the reason; only vendors are read', async () => {
    bulk.vendorRows = [vendorRow('101', '1')];
    bulk.accountRows = [{ record: { id: '600' } as never, lastModified: '2026-11-01T00:00:00Z' }];
    const result = await changeSettings({ 'netsuite.syncFlagField': 'custentity_sync' }, deps(), ana);
    expect(result.reevaluation).toEqual({
      queued: [],
      outOfScope: [
        {
          kind: 'vendor',
          id: '101',
          reason:
            'the sync-flag field "custentity_sync" does not exist on NetSuite vendor 101; check the field id',
        },
      ],
    });
  });

  it('sends the queued records in batches of 100', async () => {
    await state.putConfig(settingsConfigName, {
      'netsuite.subsidiaries': { value: ['1'], changedAt: clock.iso(), changedBy: 'x' },
    });
    bulk.vendorRows = Array.from({ length: 205 }, (_, index) => vendorRow(String(1000 + index), '2'));
    const batches: number[] = [];
    const sendAll = inbound.sendAll.bind(inbound);
    inbound.sendAll = async (messages) => {
      batches.push(messages.length);
      return sendAll(messages);
    };
    const result = await changeSettings({ 'netsuite.subsidiaries': [] }, deps(), ana);
    expect(result.reevaluation?.queued).toHaveLength(205);
    expect(batches).toEqual([100, 100, 5]);
    expect(
      new Set(inbound.bodies().map((message) => message.kind === 'record-event' && message.recordId)).size,
    ).toBe(205);
  });
});

describe('the settings as they apply', () => {
  it('reads the deployment initial values, else defaults', async () => {
    deployment = {
      defaultPaymentMode: 'pull',
      settings: {
        vendorSyncFlagField: 'custentity_sync',
        departmentLocationId: 3,
        departmentLocations: { '1': 3 },
        reconcileScheduleEnabled: false,
        initialSettings: { 'bills.mode': 'manual', 'schedules.digest': false },
      },
    };
    const values = Object.fromEntries(
      (await readSettingValues(state, deployment)).map(({ definition, value, source }) => [
        definition.name,
        [value, source],
      ]),
    );
    expect(values).toMatchObject({
      paymentMode: ['pull', 'deployment'],
      'bills.mode': ['manual', 'deployment'],
      'bills.costs': [{ mode: 'coded' }, 'default'],
      'netsuite.subsidiaries': [[], 'default'],
      'netsuite.syncFlagField': ['custentity_sync', 'deployment'],
      'procurify.departmentLocationId': [3, 'deployment'],
      'procurify.departmentLocations': [{ '1': 3 }, 'deployment'],
      'schedules.reconcile': [false, 'deployment'],
      'schedules.netsuitePoll': [true, 'default'],
    });
    expect(await effectiveMasterDataSettings(state, deployment.settings)).toEqual({
      subsidiaryIds: undefined,
      vendorSyncFlagField: 'custentity_sync',
      departmentLocationId: 3,
      departmentLocations: { '1': 3 },
    });
  });

  it('the workers see the initial bill settings under what an operator stored', async () => {
    expect(withInitialBillSettings(state, { 'schedules.digest': false })).toBe(state);
    const view = withInitialBillSettings(state, {
      'bills.mode': 'manual',
      'bills.costs': { mode: 'apportion' },
    });
    await state.putConfig(billSyncConfigName, { mode: 'auto' });
    await state.putConfig('other', { a: 1 });
    expect(await view.getConfig(billSyncConfigName)).toEqual({ mode: 'auto', costs: { mode: 'apportion' } });
    expect(await view.getConfig('other')).toEqual({ a: 1 });
    expect(await view.configVersion('other')).toBe(0);
    // Anything else is the store's own: a property as it is, and the view awaited (an async factory
    // returning it) is the view, not something its `then` made of it.
    expect(view.faults).toBe(state.faults);
    expect(await (async () => view)()).toBe(view);
  });

  it('reads a value from command-line text and shows one as text', () => {
    const flag = settingDefinition('netsuite.syncFlagField');
    const map = settingDefinition('bills.costs');
    expect(settingValueFromText(flag, 'custentity_sync')).toBe('custentity_sync');
    expect(settingValueFromText(flag, ' none ')).toBeNull();
    expect(settingValueFromText(map, '{"mode":"coded"}')).toEqual({ mode: 'coded' });
    expect(() => settingValueFromText(map, '{mode}')).toThrow(
      /^bills.costs: the value must be JSON \(.*\), e.g. coded$/,
    );
    expect(parseSettingValue(flag, '')).toBeNull();
    expect([null, 'x', true, false, { a: 1 }].map((value) => settingValueText(value))).toEqual([
      'none',
      'x',
      'on',
      'off',
      '{"a":1}',
    ]);
  });
  it('reads on/off, empty lists and maps, and location ids as text; a bad one is refused naming where', () => {
    const schedule = settingDefinition('schedules.reconcile');
    expect(['on', 'true', 'off', 'false'].map((text) => parseSettingValue(schedule, text))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(() => parseSettingValue(schedule, 'maybe')).toThrow(
      'schedules.reconcile: "maybe" is not a valid value (must be on or off)',
    );
    expect(parseSettingValue(settingDefinition('netsuite.subsidiaries'), null)).toEqual([]);
    const locationId = settingDefinition('procurify.departmentLocationId');
    expect(parseSettingValue(locationId, '12')).toBe(12);
    expect(() => parseSettingValue(locationId, '0')).toThrow(
      /^procurify.departmentLocationId: "0" is not a valid value \(/,
    );
    const locations = settingDefinition('procurify.departmentLocations');
    expect(parseSettingValue(locations, null)).toEqual({});
    expect(() => parseSettingValue(locations, { '1': 'x' })).toThrow(
      /^procurify.departmentLocations: \{"1":"x"\} is not a valid value \(1: /,
    );
  });

  it('names the cdk.json key a setting starts from: its own key, else its name under settings', () => {
    expect(initialKey(settingDefinition('schedules.reconcile'))).toBe('schedules.reconcileEnabled');
    expect(initialKey(settingDefinition('schedules.netsuitePoll'))).toBe(
      'settings["schedules.netsuitePoll"]',
    );
  });
});
