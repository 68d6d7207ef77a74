// `apsync settings get [name]` / `settings set <name> <value>` / `settings set --file <json>`: every
// runtime setting of the catalog (shared/settings/catalog.ts), read as it applies now and changed through
// shared/settings/change-settings.ts (validated, checked against NetSuite and Procurify, recorded with
// who and when, the scope re-evaluated). `mode set` and `bills config set` go through the same code.
import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import { DataError } from '../../../shared/errors.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import {
  initialKey,
  settingDefinition,
  settingValueFromText,
  settingValueText,
} from '../../../shared/settings/catalog.ts';
import {
  type ChangeSettingsDependencies,
  type ChangeSettingsResult,
  changeSettings,
} from '../../../shared/settings/change-settings.ts';
import { createSettingLookups } from '../../../shared/settings/lookups.ts';
import { type DeploymentSettings, readSettingValues } from '../../../shared/settings/settings-store.ts';
import { readJsonFile } from '../json-file.ts';
import type { SettingsGetOutput, SettingsSetOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';

/** The deployment's settings (cdk.json through the functions' environment) for the target. */
export async function deploymentSettings(services: CliServices): Promise<DeploymentSettings> {
  return { defaultPaymentMode: services.target.defaultPaymentMode, settings: await services.settings() };
}

export async function settingsDependencies(services: CliServices): Promise<ChangeSettingsDependencies> {
  const deployment = await deploymentSettings(services);
  const timeZone = (await services.settings()).netsuiteTimeZone;
  return {
    state: services.state,
    deployment,
    lookups: createSettingLookups(
      () => services.netsuite(),
      async () => (await services.syncClients()).procurify,
      { netsuiteTimeZone: timeZone },
    ),
    bills: new SqsQueuePublisher<BillMessage>(services.sqs, services.target.queues.bill.url),
    inbound: new SqsQueuePublisher<InboundMessage>(services.sqs, services.target.queues.inbound.url),
  };
}

export async function getSettings(services: CliServices, name?: string): Promise<SettingsGetOutput> {
  if (name !== undefined) settingDefinition(name);
  const values = await readSettingValues(
    services.state,
    await deploymentSettings(services),
    name === undefined ? undefined : [name],
  );
  return {
    settings: values.map((entry) => ({
      name: entry.definition.name,
      group: entry.definition.group,
      meaning: entry.definition.meaning,
      value: entry.value,
      source: entry.source,
      default: entry.definition.defaultText,
      initialFrom: `apsync.${initialKey(entry.definition)}`,
      ...(entry.changedAt === undefined ? {} : { changedAt: entry.changedAt }),
      ...(entry.changedBy === undefined ? {} : { changedBy: entry.changedBy }),
    })),
  };
}

const formatValue = (value: unknown): string => settingValueText(value);

export function renderSettingsGet(output: SettingsGetOutput): string {
  const lines: string[] = [];
  for (const setting of output.settings) {
    const where =
      setting.source === 'operator'
        ? `set by ${setting.changedBy ?? 'an operator'}${setting.changedAt === undefined ? '' : ` at ${setting.changedAt}`}`
        : setting.source === 'deployment'
          ? `from cdk.json ${setting.initialFrom ?? ''}`.trimEnd()
          : `default: ${setting.default}`;
    lines.push(`${setting.name} = ${formatValue(setting.value)}  (${where})`, `    ${setting.meaning}`);
  }
  return `${lines.join('\n')}\n`;
}

const outputOf = (result: ChangeSettingsResult): SettingsSetOutput => ({
  changed: result.changed.map((change) => ({
    name: change.name,
    previous: change.previous ?? null,
    value: change.value ?? null,
  })),
  unchanged: result.unchanged,
  resentBills: result.resentBills,
  resentDepartments: result.resentDepartments,
  ...(result.reevaluation === undefined ? {} : { reevaluation: result.reevaluation }),
});

/** `apsync settings set <name> <value>`. */
export async function setSetting(
  services: CliServices,
  name: string,
  text: string,
  user: string,
): Promise<SettingsSetOutput> {
  const value = settingValueFromText(settingDefinition(name), text);
  return outputOf(
    await changeSettings({ [name]: value }, await settingsDependencies(services), { user, via: 'cli' }),
  );
}

/** `apsync settings set --file <json>`: `{"<name>": <value>, …}`, checked and stored as one change. */
export async function setSettingsFromFile(
  services: CliServices,
  file: string,
  user: string,
): Promise<SettingsSetOutput> {
  const document = await readJsonFile(file);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new DataError(`${file}: must be a JSON object of settings, {"<name>": <value>, …}`, {
      source: 'apsync-cli',
      code: 'bad-file',
    });
  }
  return outputOf(
    await changeSettings(document as Record<string, unknown>, await settingsDependencies(services), {
      user,
      via: 'cli',
    }),
  );
}

export function renderSettingsSet(output: SettingsSetOutput): string {
  const lines = [
    ...output.changed.map(
      (change) => `${change.name}: ${formatValue(change.previous)} → ${formatValue(change.value)}`,
    ),
    ...output.unchanged.map((name) => `${name}: unchanged (already that value)`),
  ];
  if (output.resentBills > 0) lines.push(`${output.resentBills} parked bill(s) re-sent`);
  if (output.resentDepartments > 0) lines.push(`${output.resentDepartments} parked department(s) re-sent`);
  const reevaluation = output.reevaluation;
  if (reevaluation !== undefined) {
    lines.push(`now in scope, queued for sync: ${reevaluation.queued.length}`);
    for (const record of reevaluation.queued) lines.push(`  ${record.kind}:${record.id}`);
    lines.push(
      `now out of scope, left as they are in Procurify (not deleted): ${reevaluation.outOfScope.length}`,
    );
    for (const record of reevaluation.outOfScope) {
      const procurify = record.procurifyId === undefined ? '' : ` (Procurify ${record.procurifyId})`;
      lines.push(`  ${record.kind}:${record.id}${procurify}: ${record.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
