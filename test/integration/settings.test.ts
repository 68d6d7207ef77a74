// Issue 13 §2 through the CLI against local mode: `apsync settings get|set` reads every setting of the
// catalog with where its value comes from; a change is validated (a bad value is a usage error naming the
// setting), checked against NetSuite and Procurify (a subsidiary, field or location that does not exist is
// refused, nothing stored), recorded with who and when; changing the subsidiary scope or the sync-flag
// field queues the records now in scope (the worker syncs them) and lists those now out of scope, which
// stay in Procurify as they were. `mode set` and `bills config set` go through the same rules.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as schemas from '../../infra/cli/output-schemas.ts';
import { type PublishedLocalStack, publishLocalStack } from '../../infra/local/publish.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { DataError } from '../../shared/errors.ts';
import { settingNamesList } from '../../shared/settings/catalog.ts';
import { changeSettings, type SettingLookups } from '../../shared/settings/change-settings.ts';
import { readHistory } from '../../shared/settings/settings-store.ts';
import type { RecordRef } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { runCliCaptured } from '../support/cli-in-process.ts';
import { settledState } from '../support/sync-outcome.ts';

const flagField = 'custentity_apsync_sync';

let stack: LocalStack;
let published: PublishedLocalStack;
let dataDir: string;
let state: DynamoStateStore;
let currencyId = '';
let usSubsidiary = '';
let caSubsidiary = '';
let headOffice = 0;

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  dataDir = await mkdtemp(join(tmpdir(), 'apsync-settings-'));
  published = await publishLocalStack(stack, {
    dataDir,
    ephemeral: false,
    demo: false,
    scheduleRates: {},
    settings: { APSYNC_RETRY_BASE_SECONDS: '0' },
  });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  headOffice = stack.procurify.store.addLocation({
    name: 'Head Office',
    headquarter: true,
    currency: 'USD',
  }).id;
  stack.netsuite.store.defineCustomField('vendor', flagField, 'boolean');
  currencyId =
    stack.netsuite.seed({ records: { currency: [{ name: 'USD', symbol: 'USD', isBaseCurrency: true }] } })
      .created.currency?.[0] ?? '';
  [usSubsidiary = '', caSubsidiary = ''] =
    stack.netsuite.seed({
      records: {
        subsidiary: [
          { name: 'US Company', currency: { id: currencyId } },
          { name: 'Canada Company', currency: { id: currencyId } },
        ],
      },
    }).created.subsidiary ?? [];
});

afterAll(async () => {
  await published?.unpublish();
  await stack?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

async function cli(argv: readonly string[]) {
  return runCliCaptured(['--data-dir', dataDir, ...argv], { cwd: dataDir, env: { USER: 'tester' } });
}

async function json<T>(schema: z.ZodType<T>, argv: readonly string[]): Promise<T> {
  const run = await cli([...argv, '--json']);
  expect(run.code, `${argv.join(' ')}: ${run.out}`).toBe(0);
  return schema.parse(JSON.parse(run.out));
}

const vendorRef = (id: string): RecordRef => ({ system: 'netsuite', kind: 'vendor', id });

/** A vendor created in NetSuite (its notice reaches the worker), and its first outcome. */
async function createVendor(companyName: string, subsidiary: string, flagged: boolean) {
  const id = stack.netsuite.userCreate('vendor', {
    subsidiary: { id: subsidiary },
    currency: { id: currencyId },
    companyName,
    [flagField]: flagged,
  }).id;
  const settled = await settledState(stack, state, vendorRef(id));
  return { id, status: settled?.status };
}

const procurifyVendor = async (id: string) => {
  const link = await state.findBySource('netsuite', 'vendor', id);
  return link === undefined ? undefined : stack.procurify.store.vendors.get(Number(link.procurifyId));
};

describe('apsync settings', () => {
  it('lists every setting of the catalog with its meaning, value and where the value comes from', async () => {
    const output = await json(schemas.settingsGetOutputSchema, ['settings', 'get']);
    expect(output.settings.map((setting) => setting.name)).toEqual(settingNamesList);
    expect(output.settings.find((setting) => setting.name === 'paymentMode')).toMatchObject({
      value: 'push',
      source: 'deployment',
      initialFrom: 'apsync.paymentMode',
    });
    expect(output.settings.find((setting) => setting.name === 'netsuite.subsidiaries')).toMatchObject({
      value: [],
      source: 'default',
    });
    const one = await json(schemas.settingsGetOutputSchema, ['settings', 'get', 'schedules.reconcile']);
    expect(one.settings).toEqual([expect.objectContaining({ name: 'schedules.reconcile', value: true })]);
    const text = await cli(['settings', 'get', 'bills.costs']);
    expect(text.out).toContain('bills.costs = {"mode":"coded"}  (default: coded)');
  });

  it('refuses an unknown setting or a bad value as a usage error naming it, and stores nothing', async () => {
    const unknown = await cli(['settings', 'set', 'netsuite.subsidiary', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no setting "netsuite.subsidiary"; the settings are: paymentMode, /);
    const bad = await cli(['settings', 'set', 'netsuite.subsidiaries', 'one,two', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out).error).toMatchObject({ class: 'usage', code: 'bad-setting' });
    expect(JSON.parse(bad.out).error.message).toMatch(
      /^netsuite.subsidiaries: "one,two" is not a valid value \(0: must be NetSuite subsidiary internal ids/,
    );
    const field = await cli(['settings', 'set', 'netsuite.syncFlagField', 'sync_flag']);
    expect(field.code).toBe(2);
    expect(field.err).toMatch(
      /netsuite.syncFlagField: "sync_flag" is not a valid value \(must be a NetSuite vendor field id/,
    );
    const mode = await cli(['settings', 'set', 'paymentMode', 'sideways']);
    expect(mode.code).toBe(2);
    expect(await readHistory(state)).toEqual([]);
  });

  it('refuses a value NetSuite or Procurify does not have, naming it (exit 1, nothing stored)', async () => {
    const subsidiary = await cli(['settings', 'set', 'netsuite.subsidiaries', `${usSubsidiary},9999`]);
    expect(subsidiary.code).toBe(1);
    expect(subsidiary.err).toContain('netsuite.subsidiaries: subsidiary 9999 does not exist in NetSuite');
    const field = await cli(['settings', 'set', 'netsuite.syncFlagField', 'custentity_nope']);
    expect(field.code).toBe(1);
    expect(field.err).toContain(
      "netsuite.syncFlagField: NetSuite's vendor record has no field custentity_nope",
    );
    const location = await cli(['settings', 'set', 'procurify.departmentLocationId', '9999']);
    expect(location.code).toBe(1);
    expect(location.err).toContain(
      'procurify.departmentLocationId: location 9999 does not exist in Procurify',
    );
    const shipping = await cli([
      'settings',
      'set',
      'bills.shipping',
      '{"mode":"account","accountId":"99999"}',
    ]);
    expect(shipping.code).toBe(1);
    expect(shipping.err).toContain('shipping.accountId: account 99999 does not exist in NetSuite');
    expect(await readHistory(state)).toEqual([]);
    const get = await json(schemas.settingsGetOutputSchema, ['settings', 'get', 'netsuite.subsidiaries']);
    expect(get.settings[0]?.value).toEqual([]);
  });

  it('stores a valid change with who and when; mode set and bills config set go through the same rules', async () => {
    const set = await json(schemas.settingsSetOutputSchema, [
      'settings',
      'set',
      'procurify.departmentLocationId',
      String(headOffice),
    ]);
    expect(set.changed).toEqual([
      { name: 'procurify.departmentLocationId', previous: null, value: headOffice },
    ]);
    const again = await json(schemas.settingsSetOutputSchema, [
      'settings',
      'set',
      'procurify.departmentLocationId',
      String(headOffice),
    ]);
    expect(again).toMatchObject({ changed: [], unchanged: ['procurify.departmentLocationId'] });
    const get = await json(schemas.settingsGetOutputSchema, [
      'settings',
      'get',
      'procurify.departmentLocationId',
    ]);
    expect(get.settings[0]).toMatchObject({
      value: headOffice,
      source: 'operator',
      changedBy: 'tester (apsync CLI)',
    });
    expect(Date.now() - Date.parse(get.settings[0]?.changedAt ?? '')).toBeLessThan(60_000);

    expect(await json(schemas.modeSetOutputSchema, ['mode', 'set', 'pull'])).toEqual({
      previous: 'push',
      current: 'pull',
      changed: true,
    });
    const mode = await json(schemas.settingsGetOutputSchema, ['settings', 'get', 'paymentMode']);
    expect(mode.settings[0]).toMatchObject({
      value: 'pull',
      source: 'operator',
      changedBy: 'tester (apsync CLI)',
    });
    const back = await json(schemas.settingsSetOutputSchema, ['settings', 'set', 'paymentMode', 'push']);
    expect(back.changed).toEqual([{ name: 'paymentMode', previous: 'pull', value: 'push' }]);
    expect((await json(schemas.modeGetOutputSchema, ['mode', 'get'])).mode).toBe('push');

    const file = join(dataDir, 'bills.json');
    await writeFile(file, JSON.stringify({ mode: 'manual', costs: { mode: 'apportion' } }));
    const bills = await json(schemas.billConfigOutputSchema, ['bills', 'config', 'set', '--file', file]);
    expect(bills.settings).toMatchObject({ mode: 'manual', costs: { mode: 'apportion' } });
    const billMode = await json(schemas.settingsGetOutputSchema, ['settings', 'get', 'bills.mode']);
    expect(billMode.settings[0]).toMatchObject({ value: 'manual', source: 'operator' });
    // The whole-document form: several settings checked and stored together.
    const many = join(dataDir, 'settings.json');
    await writeFile(
      many,
      JSON.stringify({ 'bills.mode': null, 'bills.costs': null, 'schedules.reconcile': 'off' }),
    );
    const both = await json(schemas.settingsSetOutputSchema, ['settings', 'set', '--file', many]);
    expect(both.changed.map((change) => change.name).sort()).toEqual([
      'bills.costs',
      'bills.mode',
      'schedules.reconcile',
    ]);
    expect((await json(schemas.billConfigOutputSchema, ['bills', 'config', 'get'])).settings).toMatchObject({
      mode: 'auto',
      costs: { mode: 'coded' },
    });

    const history = await readHistory(state);
    expect(history.map((change) => change.name)).toEqual([
      'bills.mode',
      'bills.costs',
      'schedules.reconcile',
      'bills.mode',
      'bills.costs',
      'paymentMode',
      'paymentMode',
      'procurify.departmentLocationId',
    ]);
    expect(history.every((change) => change.by === 'tester (apsync CLI)' && change.via === 'cli')).toBe(true);
    // The bill settings keep their audit trail too.
    const trail = await state.read({ system: 'procurify', kind: 'bill', id: 'settings' });
    expect(trail.filter((entry) => entry.message === 'bill sync configuration changed')).toHaveLength(2);
  });

  it('re-evaluates the subsidiary scope: records now in scope are synced, those now out of scope listed and kept', async () => {
    const us = await createVendor('Harbor Supplies', usSubsidiary, true);
    const ca = await createVendor('Maple Parts', caSubsidiary, false);
    expect([us.status, ca.status]).toEqual(['synced', 'synced']);

    const narrowed = await json(schemas.settingsSetOutputSchema, [
      'settings',
      'set',
      'netsuite.subsidiaries',
      usSubsidiary,
    ]);
    expect(narrowed.reevaluation?.queued).toEqual([]);
    const caLink = await state.findBySource('netsuite', 'vendor', ca.id);
    expect(narrowed.reevaluation?.outOfScope).toContainEqual({
      kind: 'vendor',
      id: ca.id,
      procurifyId: caLink?.procurifyId,
      reason: `subsidiary ${caSubsidiary} is outside the configured scope`,
    });
    expect((await procurifyVendor(ca.id))?.active).not.toBe(false);

    // A Canadian vendor created now is out of scope: the worker skips it.
    const late = await createVendor('Lakeshore Tools', caSubsidiary, true);
    expect(late.status).toBe('skipped');
    expect(await procurifyVendor(late.id)).toBeUndefined();

    const trailBefore = (await state.read(vendorRef(late.id))).length;
    const widened = await json(schemas.settingsSetOutputSchema, [
      'settings',
      'set',
      'netsuite.subsidiaries',
      '',
    ]);
    expect(widened.reevaluation?.outOfScope).toEqual([]);
    expect(widened.reevaluation?.queued).toEqual(
      expect.arrayContaining([
        { kind: 'vendor', id: ca.id },
        { kind: 'vendor', id: late.id },
      ]),
    );
    expect(widened.reevaluation?.queued).not.toContainEqual({ kind: 'vendor', id: us.id });
    const synced = await settledState(stack, state, vendorRef(late.id), { after: trailBefore });
    expect(synced?.status).toBe('synced');
    expect((await procurifyVendor(late.id))?.name).toBe('Lakeshore Tools');
  });

  it('re-evaluates the sync-flag field the same way, and the text output lists both', async () => {
    const vendors = stack.netsuite.store.list('vendor').map((vendor) => vendor.id);
    const flagged = await cli(['settings', 'set', 'netsuite.syncFlagField', flagField]);
    expect(flagged.code, flagged.err).toBe(0);
    expect(flagged.out).toContain(`netsuite.syncFlagField: none → ${flagField}`);
    expect(flagged.out).toContain('now in scope, queued for sync: 0');
    expect(flagged.out).toMatch(
      /now out of scope, left as they are in Procurify \(not deleted\): 1\n {2}vendor:\d+ \(Procurify \d+\): custentity_apsync_sync is not checked/,
    );
    expect(vendors.length).toBe(3);

    const cleared = await json(schemas.settingsSetOutputSchema, [
      'settings',
      'set',
      'netsuite.syncFlagField',
      'none',
    ]);
    expect(cleared.reevaluation?.queued).toHaveLength(1);
    expect(cleared.reevaluation?.outOfScope).toEqual([]);
  });

  it('switches a schedule off: its scheduled runs do nothing, an on-demand run still runs', async () => {
    await json(schemas.settingsSetOutputSchema, ['settings', 'set', 'schedules.failureDigest', 'off']);
    const skipped = await stack.scheduler.runNow('failureDigest', 'scheduled');
    expect(skipped).toMatchObject({
      outcome: 'succeeded',
      result: {
        skipped:
          'the failureDigest schedule is off (apsync settings set schedules.failureDigest on); nothing done',
      },
    });
    const onDemand = await stack.scheduler.runNow('failureDigest');
    expect(onDemand.outcome).toBe('succeeded');
    expect(onDemand.result).not.toHaveProperty('skipped');
    await json(schemas.settingsSetOutputSchema, ['settings', 'set', 'schedules.failureDigest', 'on']);
    const scheduled = await stack.scheduler.runNow('failureDigest', 'scheduled');
    expect(scheduled.outcome).toBe('succeeded');
    expect(scheduled.result).not.toHaveProperty('skipped');
  });

  it('two operators saving settings at the same instant: one is stored, the other refused naming its setting, nothing overwritten', async () => {
    // Both changes read the settings' version before either commits (a barrier between the two), then
    // both commit through the DynamoDB emulator: its transaction's condition lets exactly one through.
    let versionsRead = 0;
    let bothRead: () => void = () => undefined;
    const bothHaveRead = new Promise<void>((resolve) => {
      bothRead = resolve;
    });
    const racing = Object.assign(Object.create(state) as DynamoStateStore, {
      configVersion: async (name: string) => {
        const version = await state.configVersion(name);
        versionsRead += 1;
        if (versionsRead === 2) bothRead();
        return version;
      },
      putConfigsAtVersion: async (...args: Parameters<DynamoStateStore['putConfigsAtVersion']>) => {
        await bothHaveRead;
        return state.putConfigsAtVersion(...args);
      },
    });
    const unused = { send: async () => ({ messageId: '' }), sendAll: async () => undefined };
    const deps = {
      state: racing,
      deployment: { defaultPaymentMode: 'push' as const, settings: {} },
      lookups: {} as SettingLookups,
      bills: unused,
      inbound: unused,
    };
    const historyBefore = (await readHistory(state)).length;
    const outcomes = await Promise.allSettled([
      changeSettings({ 'schedules.netsuitePoll': false }, deps, { user: 'ana', via: 'cli' }),
      changeSettings({ 'schedules.procurifyPoll': false }, deps, { user: 'ben', via: 'console' }),
    ]);
    const stored = outcomes.findIndex((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    expect([stored, refused].sort()).toEqual([0, 1]);
    const [winner, loser] =
      stored === 0 ? ['netsuitePoll', 'procurifyPoll'] : ['procurifyPoll', 'netsuitePoll'];
    const error = (outcomes[refused] as PromiseRejectedResult).reason as DataError;
    expect(error).toBeInstanceOf(DataError);
    expect(error.code).toBe('settings-conflict');
    expect(error.message).toBe(
      `schedules.${loser}: not stored — another change to the settings was saved at the same moment ` +
        '(apsync audit settings shows it); read the settings again (apsync settings get) and retry',
    );
    const values = await json(schemas.settingsGetOutputSchema, ['settings', 'get']);
    const current = (name: string) => values.settings.find((setting) => setting.name === name)?.value;
    expect(current(`schedules.${winner}`)).toBe(false);
    expect(current(`schedules.${loser}`)).toBe(true);
    const history = await readHistory(state);
    expect(history.slice(0, history.length - historyBefore).map((change) => change.name)).toEqual([
      `schedules.${winner}`,
    ]);
    // The retry, after reading again, is stored next to the first change (not over it).
    await changeSettings({ [`schedules.${loser}`]: false }, { ...deps, state }, { user: 'ben', via: 'cli' });
    const after = await json(schemas.settingsGetOutputSchema, ['settings', 'get']);
    for (const name of ['schedules.netsuitePoll', 'schedules.procurifyPoll']) {
      expect(after.settings.find((setting) => setting.name === name)?.value, name).toBe(false);
    }
    await changeSettings(
      { 'schedules.netsuitePoll': true, 'schedules.procurifyPoll': true },
      { ...deps, state },
      { user: 'ben', via: 'cli' },
    );
  });

  it('apsync audit settings shows every setting change with who, when, the old and the new value', async () => {
    // The schedule switched off and back on by the test above, from its default.
    const one = await json(schemas.settingsAuditOutputSchema, ['audit', 'settings:schedules.failureDigest']);
    expect(one.record).toBe('settings:schedules.failureDigest');
    expect(one.changes.map(({ at, ...change }) => change)).toEqual([
      {
        name: 'schedules.failureDigest',
        by: 'tester (apsync CLI)',
        via: 'cli',
        previous: true,
        previousSource: 'default',
        value: false,
      },
      {
        name: 'schedules.failureDigest',
        by: 'tester (apsync CLI)',
        via: 'cli',
        previous: false,
        previousSource: 'operator',
        value: true,
      },
    ]);
    expect(Date.parse(one.changes[0]!.at)).toBeLessThanOrEqual(Date.parse(one.changes[1]!.at));
    // The whole history, oldest first: the same as the state table's, in the other order.
    const all = await json(schemas.settingsAuditOutputSchema, ['audit', 'settings:history']);
    expect(all.changes.map((change) => `${change.at} ${change.name}`)).toEqual(
      (await readHistory(state)).map((change) => `${change.at} ${change.name}`).reverse(),
    );
    expect(all.changes.map((change) => change.name)).toContain('procurify.departmentLocationId');
    const text = await cli(['audit', 'settings']);
    expect(text.out).toMatch(/schedules\.failureDigest\s+tester \(apsync CLI\) \(cli\)/);
    expect(text.out).toContain('on (default)');
    const unknown = await cli(['audit', 'settings:nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no setting "nope"');
  });
});
