// `apsync bills import-links <file>`: links Vendor Bills an older integration pushed to their Procurify
// bills, from a CSV file, through shared/bills/import-bill-links.ts: every line is checked
// against NetSuite first; bad lines are reported with their line number and not imported.
// `apsync bills config get|set --file`: the bill-sync configuration (tax, shipping, costs, location,
// class, custom fields, attachments), checked against NetSuite before it is stored.
// `apsync bills exclude|include|sync|unlink|excluded`: which bills sync (shared/bills/bill-selection.ts).
import { readFile } from 'node:fs/promises';
import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import {
  excludeBill,
  includeBill,
  listExcludedBills,
  selectBills,
  unlinkBill,
} from '../../../shared/bills/bill-selection.ts';
import {
  billSyncConfigName,
  billSyncSettingsShape,
  parseBillSyncSettings,
} from '../../../shared/bills/bill-sync-settings.ts';
import { importBillLinks } from '../../../shared/bills/import-bill-links.ts';
import { createNetSuiteBillLookups } from '../../../shared/bills/netsuite-bill-lookups.ts';
import { DataError } from '../../../shared/errors.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import { changeSettings } from '../../../shared/settings/change-settings.ts';
import { readJsonFile } from '../json-file.ts';
import type { BillActionOutput, BillConfigOutput, BillLinkImportOutput } from '../output-schemas.ts';
import { parseRecord } from '../record-syntax.ts';
import type { CliServices } from '../services.ts';
import { settingsDependencies } from './settings.ts';

export async function importLinks(services: CliServices, file: string): Promise<BillLinkImportOutput> {
  const text = await readFile(file, 'utf8');
  const { netsuite, procurify } = await services.syncClients();
  const result = await importBillLinks(text, {
    state: services.state,
    lookups: createNetSuiteBillLookups(netsuite.suiteQl),
    procurify,
  });
  return { file, imported: result.imported, alreadyLinked: result.alreadyLinked, errors: result.errors };
}

export function renderImportLinks(output: BillLinkImportOutput): string {
  const lines = [
    `${output.file}: ${output.imported} link(s) imported, ${output.alreadyLinked} already there, ${output.errors.length} line(s) refused`,
    ...output.errors.map((error) => `  line ${error.line}: ${error.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `apsync bills config get`: the stored bill-sync configuration, with its defaults filled in. */
export async function getBillConfig(services: CliServices): Promise<BillConfigOutput> {
  const stored = (await services.state.getConfig<unknown>(billSyncConfigName)) ?? {};
  return { settings: parseBillSyncSettings(stored) as Record<string, unknown>, resent: 0 };
}

/**
 * `apsync bills config set --file <json>`: the whole document, validated, then changed through the
 * settings catalog (every `bills.*` setting: given, or none) — checked against NetSuite (accounts,
 * subsidiaries, locations, classes, segment values, custom field types, File Cabinet folder), stored,
 * audited and every parked bill re-sent (shared/settings/change-settings.ts, change-bill-settings.ts).
 */
export async function setBillConfig(
  services: CliServices,
  file: string,
  user: string,
): Promise<BillConfigOutput> {
  const input = await readJsonFile(file);
  const settings = parseBillSyncSettings(input);
  const document = input as Record<string, unknown>;
  const values = Object.fromEntries(
    Object.keys(billSyncSettingsShape()).map((key) => [
      `bills.${key}`,
      Object.hasOwn(document, key) ? document[key] : null,
    ]),
  );
  const result = await changeSettings(values, await settingsDependencies(services), { user, via: 'cli' });
  return { settings: settings as Record<string, unknown>, resent: result.resentBills };
}

export function renderBillConfig(output: BillConfigOutput): string {
  const resent = output.resent > 0 ? `\n${output.resent} parked bill(s) re-sent\n` : '\n';
  return `${JSON.stringify(output.settings, null, 2)}${resent}`;
}

/** A bill as every command takes it: `bill:<uuid>`, `procurify:bill:<uuid>` or the bare UUID. */
function billUuidOf(text: string): string {
  const ref = parseRecord(text.includes(':') ? text : `bill:${text}`);
  if (ref.kind !== 'bill' || ref.system !== 'procurify') {
    throw new DataError(`"${text}" is not a Procurify bill; write bill:<uuid>`, {
      source: 'apsync-cli',
      code: 'bad-record',
    });
  }
  return ref.id;
}

const selectionDeps = (services: CliServices) => ({
  state: services.state,
  bills: new SqsQueuePublisher<BillMessage>(services.sqs, services.target.queues.bill.url),
});

/** `apsync bills exclude <uuid> --reason …`: never write the bill nor its payments (reversible). */
export async function excludeBills(
  services: CliServices,
  uuid: string,
  reason: string,
  by: string,
): Promise<BillActionOutput> {
  const state = await excludeBill(billUuidOf(uuid), reason, selectionDeps(services), by);
  return { action: 'exclude', bills: [state.ref.id], message: state.message ?? 'excluded' };
}

/** `apsync bills include <uuid>`: undo an exclusion; the bill is queued. */
export async function includeBills(
  services: CliServices,
  uuid: string,
  by: string,
): Promise<BillActionOutput> {
  const state = await includeBill(billUuidOf(uuid), selectionDeps(services), by);
  return { action: 'include', bills: [state.ref.id], message: 'included again and queued' };
}

/** `apsync bills sync <uuid…>`: select bills for sync (manual bill sync mode) and queue them. */
export async function syncBills(
  services: CliServices,
  uuids: string[],
  by: string,
): Promise<BillActionOutput> {
  const ids = await selectBills(uuids.map(billUuidOf), selectionDeps(services), by);
  return { action: 'sync', bills: ids, message: `${ids.length} bill(s) selected and queued` };
}

/** `apsync bills unlink <uuid>`: remove a bill's link (both bills stay as they are). */
export async function unlinkBills(
  services: CliServices,
  uuid: string,
  by: string,
): Promise<BillActionOutput> {
  const link = await unlinkBill(billUuidOf(uuid), selectionDeps(services), by);
  return {
    action: 'unlink',
    bills: [link.procurifyId],
    message: `unlinked from NetSuite Vendor Bill ${link.netsuiteId}`,
  };
}

/** `apsync bills excluded`: the excluded bills with who, when and why. */
export async function excludedBills(services: CliServices): Promise<BillActionOutput> {
  const states = await listExcludedBills({ state: services.state });
  return {
    action: 'excluded',
    bills: states.map((state) => state.ref.id),
    message: states
      .map(
        (state) =>
          `${state.ref.id}  ${state.excluded!.at.slice(0, 10)}  ${state.excluded!.by ?? '-'}  ${state.excluded!.reason}`,
      )
      .join('\n'),
  };
}

export function renderBillAction(output: BillActionOutput): string {
  if (output.action === 'excluded') {
    return output.bills.length === 0 ? 'no excluded bills\n' : `${output.message}\n`;
  }
  return `${output.bills.map((uuid) => `bill:${uuid}`).join(', ')}: ${output.message}\n`;
}
