// Changing the bill-sync configuration (`apsync bills config set --file`): the operator's JSON is
// validated (shape: bill-sync-settings.ts), then checked against NetSuite — configured accounts,
// subsidiaries, locations, classes and segment values exist and are active, custom fields exist on the
// Vendor Bill with a type the source can fill (metadata catalog), the File Cabinet folder exists (the
// attachment RESTlet) — and refused with every problem named, or stored, audited, and every parked bill
// is re-sent so that bills waiting for a setting are written (or parked again, with a newer reason).
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { DataError } from '../errors.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { AuditTrail, ConfigStore, SyncStateStore } from '../state/ports.ts';
import { type BillSyncSettings, billSyncConfigName, parseBillSyncSettings } from './bill-sync-settings.ts';
import type { BillLookups, SegmentRow } from './ports.ts';

/** A Vendor Bill field as NetSuite's metadata catalog describes it (JSON Schema `type`, `format`). */
export interface FieldShape {
  type?: string;
  format?: string;
  /** A reference to a record (`{id}` objects): select fields and segments. */
  reference: boolean;
}

/** The Vendor Bill's fields as NetSuite describes them: body fields, and fields of expense lines. */
export interface VendorBillFields {
  body: ReadonlyMap<string, FieldShape>;
  expenseLine: ReadonlyMap<string, FieldShape>;
}

export interface BillSettingsCheckDependencies {
  lookups: Pick<BillLookups, 'accountsById' | 'locations' | 'classes' | 'segmentValues' | 'subsidiaries'>;
  /** The Vendor Bill's fields (metadata catalog); undefined skips the field check. */
  vendorBillFields: () => Promise<VendorBillFields>;
  /** The folder's name; a DataError when the id names no folder; undefined when the RESTlet is not enabled. */
  checkFolder?: (folderId: string) => Promise<{ name: string }>;
}

const unusable = (row: { inactive: boolean } | undefined, what: string): string | undefined =>
  row === undefined
    ? `${what} does not exist in NetSuite`
    : row.inactive
      ? `${what} is inactive in NetSuite`
      : undefined;

/** Every problem with the configuration as NetSuite sees it (empty: the configuration can be stored). */
export async function checkBillSettings(
  settings: BillSyncSettings,
  deps: BillSettingsCheckDependencies,
): Promise<string[]> {
  const problems: string[] = [];
  const { lookups } = deps;

  if (settings.tax?.strategy === 'tax-codes') {
    problems.push(
      "tax.strategy: tax-codes (legacy tax codes) cannot be written through NetSuite's REST record API (taxCode, taxRate1, tax1Amt are not supported for legacy tax); use tax-lines",
    );
  } else if (settings.tax?.strategy === 'suitetax') {
    problems.push(
      'tax.strategy: suitetax (taxDetails) is not supported by apsync yet: it was not verified against a SuiteTax account; use tax-lines',
    );
  }

  const accounts: Array<[string, string]> = [];
  if (settings.tax?.strategy === 'tax-lines') {
    for (const [name, id] of Object.entries(settings.tax.accounts))
      accounts.push([`tax.accounts["${name}"]`, id]);
    if (settings.tax.defaultAccountId !== undefined)
      accounts.push(['tax.defaultAccountId', settings.tax.defaultAccountId]);
  }
  if (settings.shipping?.mode === 'account')
    accounts.push(['shipping.accountId', settings.shipping.accountId]);
  if (settings.costs.mode === 'account') accounts.push(['costs.accountId', settings.costs.accountId]);
  if (accounts.length > 0) {
    const rows = await lookups.accountsById(accounts.map(([, id]) => id));
    for (const [path, id] of accounts) {
      const problem = unusable(
        rows.find((row) => row.id === id),
        `${path}: account ${id}`,
      );
      if (problem !== undefined) problems.push(problem);
    }
  }

  const subsidiaries = await lookups.subsidiaries();
  const subsidiaryIds: Array<[string, string]> = [
    ...(settings.subsidiaryId === undefined
      ? []
      : [['subsidiaryId', settings.subsidiaryId] as [string, string]]),
    ...Object.entries(settings.subsidiaryByLocation ?? {}).map(
      ([name, id]) => [`subsidiaryByLocation["${name}"]`, id] as [string, string],
    ),
  ];
  for (const [path, id] of subsidiaryIds) {
    const problem = unusable(
      subsidiaries.find((row) => row.id === id),
      `${path}: subsidiary ${id}`,
    );
    if (problem !== undefined) problems.push(problem);
  }

  const checkRows = async (
    entries: Array<[string, string]>,
    load: (ids: string[]) => Promise<SegmentRow[]>,
    what: string,
  ) => {
    if (entries.length === 0) return;
    const rows = await load(entries.map(([, id]) => id));
    for (const [path, id] of entries) {
      const problem = unusable(
        rows.find((row) => row.id === id),
        `${path}: ${what} ${id}`,
      );
      if (problem !== undefined) problems.push(problem);
    }
  };
  await checkRows(
    Object.entries(settings.location?.byProcurifyLocation ?? {}).map(([name, id]) => [
      `location.byProcurifyLocation["${name}"]`,
      id,
    ]),
    (ids) => lookups.locations(ids),
    'location',
  );
  const classEntries: Array<[string, string]> = Object.entries(settings.class?.byDepartment ?? {}).map(
    ([name, id]) => [`class.byDepartment["${name}"]`, id],
  );
  if (settings.class?.defaultId !== undefined)
    classEntries.push(['class.defaultId', settings.class.defaultId]);
  await checkRows(classEntries, (ids) => lookups.classes(ids), 'class');

  if (settings.customFields.length > 0) {
    const fields = await deps.vendorBillFields();
    settings.customFields.forEach((setting, index) => {
      const path = `customFields[${index}] (${setting.field})`;
      const onBody = setting.field.startsWith('custbody');
      const shape = (onBody ? fields.body : fields.expenseLine).get(setting.field);
      if (shape === undefined) {
        problems.push(
          `${path}: NetSuite's Vendor Bill has no ${onBody ? 'body' : 'expense line'} field ${setting.field}`,
        );
        return;
      }
      const problem = typeProblem(setting, shape);
      if (problem !== undefined) problems.push(`${path}: ${problem}`);
    });
    for (const setting of settings.customFields) {
      if (!setting.field.startsWith('cseg') || setting.values === undefined) continue;
      const entries = Object.entries(setting.values).map(
        ([value, id]) => [`customFields ${setting.field} values["${value}"]`, id] as [string, string],
      );
      await checkRows(entries, (ids) => lookups.segmentValues(setting.field, ids), 'segment value');
    }
  }

  if (settings.attachments !== undefined) {
    if (deps.checkFolder === undefined) {
      problems.push(
        "attachments.folderId: apsync's attachment RESTlet is not enabled (deploy infra/netsuite-script/apsync_attach_rl.js and set restlets in the NetSuite secret)",
      );
    } else {
      try {
        await deps.checkFolder(settings.attachments.folderId);
      } catch (error) {
        problems.push(`attachments.folderId: ${(error as Error).message}`);
      }
    }
  }
  return problems;
}

/** Whether the configured source can fill a field of this shape. */
function typeProblem(
  setting: BillSyncSettings['customFields'][number],
  shape: FieldShape,
): string | undefined {
  if (shape.reference) {
    return setting.values === undefined
      ? 'a select field or segment takes a NetSuite record: give `values` (Procurify value → internal id)'
      : undefined;
  }
  if (setting.values !== undefined)
    return `not a select field (${shape.type ?? 'unknown type'}): remove \`values\``;
  const from = setting.from;
  const source =
    'constant' in from
      ? typeof from.constant
      : 'lineValue' in from
        ? 'number'
        : 'billField' in from
          ? from.billField === 'id'
            ? 'number'
            : 'string'
          : 'string-or-boolean';
  const type = shape.type;
  if (type === 'boolean' && source !== 'boolean' && source !== 'string-or-boolean') {
    return `a check box takes true/false, the source gives a ${source}`;
  }
  if ((type === 'number' || type === 'integer') && source !== 'number') {
    return `${type === 'integer' ? 'an' : 'a'} ${type} field, the source gives a ${source === 'string-or-boolean' ? 'text (Procurify custom field)' : source}`;
  }
  if (type === 'string' && shape.format === 'date' && !('billField' in from) && !('constant' in from)) {
    return 'a date field: only a constant date or a bill value can fill it';
  }
  return undefined;
}

export interface ChangeBillSettingsDependencies extends BillSettingsCheckDependencies {
  state: ConfigStore & AuditTrail & Pick<SyncStateStore, 'listByStatus'>;
  bills: QueuePublisher<BillMessage>;
  now?: () => Date;
}

export interface ChangeBillSettingsResult {
  settings: BillSyncSettings;
  /** Parked bills re-sent to the worker. */
  resent: number;
}

/** Validates, checks against NetSuite, stores and audits the configuration; a refusal names every problem. */
export async function changeBillSettings(
  input: unknown,
  deps: ChangeBillSettingsDependencies,
  requestedBy?: string,
): Promise<ChangeBillSettingsResult> {
  const settings = parseBillSyncSettings(input);
  const problems = await checkBillSettings(settings, deps);
  if (problems.length > 0) {
    throw new DataError(`the bill sync configuration was not stored: ${problems.join('; ')}`, {
      source: 'netsuite',
    });
  }
  await deps.state.putConfig(billSyncConfigName, input);
  await deps.state.append(
    { system: 'procurify', kind: 'bill', id: 'settings' },
    {
      step: 'note',
      message: 'bill sync configuration changed',
      facts: { ...(requestedBy === undefined ? {} : { requestedBy }) },
    },
  );
  const parked = await deps.state.listByStatus('bill', 'review');
  const enqueuedAt = (deps.now?.() ?? new Date()).toISOString();
  const messages: BillMessage[] = parked.map((state) => ({
    kind: 'bill',
    origin: 'mapping-available',
    billUuid: state.ref.id,
    ...(state.sourceModified === undefined ? {} : { lastModified: state.sourceModified }),
    enqueuedAt,
  }));
  if (messages.length > 0) await deps.bills.sendAll(messages);
  return { settings, resent: messages.length };
}
