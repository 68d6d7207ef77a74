// The settings catalog's initial values come from cdk.json (issue 13 §2): every setting of the catalog
// — through its own cdk.json key, or by name in cdk.json's `settings` — reaches the functions'
// environment, and the settings read from that environment give the value back (source `deployment`)
// until an operator sets one; the workers read the bill settings over them. A bad initial value fails
// synth naming it. The reconcile schedule always fires; its switch starts as schedules.reconcileEnabled
// says.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseConfiguration } from '../../infra/cdk/config.ts';
import { readBillSyncSettings } from '../../shared/bills/bill-sync-settings.ts';
import { readSettings } from '../../shared/config/environment.ts';
import { settingNames } from '../../shared/resources.ts';
import { initialKey, settingsCatalog } from '../../shared/settings/catalog.ts';
import { readSettingValues, withInitialBillSettings } from '../../shared/settings/settings-store.ts';
import {
  buildTestApp,
  type CfnTemplate,
  functionLogicalId,
  resourceById,
  resourcesOfType,
  testConfiguration,
} from './synthesis.ts';

function synthesized(config = testConfiguration) {
  const { built } = buildTestApp({ config, skipBundling: true });
  const template = Template.fromStack(built.service).toJSON() as CfnTemplate;
  const variables = (name: string) =>
    (
      resourceById(template, functionLogicalId(template, `apsync-${name}`)).Properties.Environment as {
        Variables: Record<string, string>;
      }
    ).Variables;
  return { template, variables };
}

/** A configuration store holding nothing: every value is the deployment's or the default. */
const empty = { getConfig: async () => undefined };

describe('settings initial values', () => {
  const config = parseConfiguration({
    ...testConfiguration,
    paymentMode: 'pull',
    procurify: { domain: 'acme', departmentLocationId: 7, departmentLocations: { '1': 3 } },
    schedules: { reconcileEnabled: false },
  });

  let built: ReturnType<typeof synthesized> | undefined;
  const withConfig = () => {
    built ??= synthesized(config);
    return built;
  };

  it('come from the cdk.json key each setting names, through the functions environment', async () => {
    const { variables } = withConfig();
    const env = variables('inbound-worker');
    const values = await readSettingValues(empty, {
      defaultPaymentMode: env[settingNames.defaultPaymentMode] === 'pull' ? 'pull' : 'push',
      settings: readSettings(env),
    });
    const fromDeployment = Object.fromEntries(
      values
        .filter((value) => value.source === 'deployment')
        .map((value) => [value.definition.name, value.value]),
    );
    expect(fromDeployment).toEqual({
      paymentMode: 'pull',
      'netsuite.subsidiaries': ['1', '3'],
      'netsuite.syncFlagField': 'custentity_apsync_sync',
      'procurify.departmentLocationId': 7,
      'procurify.departmentLocations': { '1': 3 },
      'schedules.reconcile': false,
    });
    // Every setting that names a cdk.json key is among them: the key exists in the configuration.
    for (const setting of settingsCatalog.filter((entry) => entry.initialFrom !== undefined)) {
      expect(Object.keys(fromDeployment), setting.name).toContain(setting.name);
    }
    expect(variables('reconcile')[settingNames.reconcileScheduleEnabled]).toBe('false');
  });

  it('can be given for every setting of the catalog, those without a key of their own in `settings`', async () => {
    const initial: Record<string, unknown> = {
      'bills.mode': 'manual',
      'bills.manualField': 'Send to NetSuite',
      'bills.subsidiaryId': '2',
      'bills.subsidiaryByLocation': { Toronto: '3' },
      'bills.tax': { strategy: 'tax-lines', accounts: { GST: '24' }, defaultAccountId: '25' },
      'bills.shipping': { mode: 'account', accountId: '26' },
      'bills.costs': { mode: 'apportion' },
      'bills.location': { byProcurifyLocation: { 'Head Office': '1' } },
      'bills.class': { byDepartment: { Engineering: '1' }, defaultId: '2' },
      'bills.customFields': [{ field: 'custbody_ap_approver', from: { constant: 'apsync' } }],
      'bills.attachments': { folderId: '7' },
      'bills.legacy': { externalIdPattern: '^PROC-(.+)$' },
      'schedules.netsuitePoll': 'off',
      'schedules.procurifyPoll': false,
      'schedules.paidBillPull': 'off',
      'schedules.failureDigest': 'off',
    };
    const { variables } = synthesized(parseConfiguration({ ...config, settings: initial }));
    const env = variables('bill-sync-worker');
    const settings = readSettings(env);
    const values = await readSettingValues(empty, {
      defaultPaymentMode: env[settingNames.defaultPaymentMode] === 'pull' ? 'pull' : 'push',
      settings,
    });
    // Every setting of the catalog: from the deployment, through its own key or `settings`.
    expect(
      values.filter((value) => value.source !== 'deployment').map((value) => value.definition.name),
    ).toEqual([]);
    const byName = Object.fromEntries(values.map((value) => [value.definition.name, value.value]));
    expect(byName).toMatchObject({
      'bills.mode': 'manual',
      'bills.tax': { strategy: 'tax-lines', accounts: { GST: '24' }, defaultAccountId: '25' },
      'schedules.netsuitePoll': false,
      'schedules.procurifyPoll': false,
      'schedules.reconcile': false,
    });
    expect(initialKey(settingsCatalog.find((entry) => entry.name === 'bills.tax')!)).toBe(
      'settings["bills.tax"]',
    );
    // The workers read the bill settings over them; an operator's stored value wins.
    const stored = { getConfig: async <T>() => ({ costs: { mode: 'coded' } }) as T };
    expect(
      await readBillSyncSettings(withInitialBillSettings(stored, settings.initialSettings)),
    ).toMatchObject({
      mode: 'manual',
      manualField: 'Send to NetSuite',
      costs: { mode: 'coded' },
      attachments: { folderId: '7' },
    });
  });

  it('refuse a bad initial value, an unknown setting, or one that has its own key, naming it', () => {
    const refused = (settings: Record<string, unknown>) => () => parseConfiguration({ ...config, settings });
    expect(refused({ 'bills.shipping': { mode: 'sideways' } })).toThrow(ConfigurationError);
    expect(refused({ 'bills.shipping': { mode: 'sideways' } })).toThrow(
      /apsync\.settings\.bills\.shipping: bills\.shipping: .* is not a valid value/,
    );
    expect(refused({ 'bills.nope': 1 })).toThrow(/apsync\.settings\.bills\.nope: no setting "bills\.nope"/);
    expect(refused({ paymentMode: 'pull' })).toThrow(
      /apsync\.settings\.paymentMode: paymentMode has its own key: set apsync\.paymentMode/,
    );
    expect(refused({ 'bills.manualField': 'x'.repeat(3000) })).toThrow(/more than 2048 characters/);
  });

  it('leave the reconcile schedule firing: its switch decides', () => {
    const { template } = withConfig();
    const reconcile = resourcesOfType(template, 'AWS::Scheduler::Schedule').find(
      ([, resource]) => resource.Properties.Name === 'apsync-reconcile',
    );
    expect(reconcile?.[1].Properties.State).toBe('ENABLED');
    expect(synthesized().variables('reconcile')).not.toHaveProperty(settingNames.reconcileScheduleEnabled);
  });
});
