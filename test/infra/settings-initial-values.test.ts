// The settings catalog's initial values come from cdk.json (issue 13 §2): each cdk.json key a setting
// names reaches the functions' environment, and the settings read from that environment give the value
// back (source `deployment`) until an operator sets one. The reconcile schedule always fires; its switch
// starts as schedules.reconcileEnabled says.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseConfiguration } from '../../infra/cdk/config.ts';
import { readSettings } from '../../shared/config/environment.ts';
import { settingNames } from '../../shared/resources.ts';
import { settingsCatalog } from '../../shared/settings/catalog.ts';
import { readSettingValues } from '../../shared/settings/settings-store.ts';
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

  it('leave the reconcile schedule firing: its switch decides', () => {
    const { template } = withConfig();
    const reconcile = resourcesOfType(template, 'AWS::Scheduler::Schedule').find(
      ([, resource]) => resource.Properties.Name === 'apsync-reconcile',
    );
    expect(reconcile?.[1].Properties.State).toBe('ENABLED');
    expect(synthesized().variables('reconcile')).not.toHaveProperty(settingNames.reconcileScheduleEnabled);
  });
});
