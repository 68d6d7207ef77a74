// The NetSuite and Procurify reads the settings checks use (change-settings.ts SettingLookups), built on
// the sync clients: subsidiaries (SuiteQL), the vendor's and the Vendor Bill's fields (the record API's
// metadata catalog), Procurify's locations, the bill-settings checks (change-bill-settings.ts) and the
// bulk reads of the scope re-evaluation. Shared by the CLI and the console; clients are made on first use.
import type { BillSettingsCheckDependencies, FieldShape } from '../bills/change-bill-settings.ts';
import { createNetSuiteBillLookups } from '../bills/netsuite-bill-lookups.ts';
import type { MetadataField, NetSuiteClient } from '../netsuite/index.ts';
import type { ProcurifyClient } from '../procurify/index.ts';
import { createNetSuiteBulkReads } from '../reconcile/netsuite-reads.ts';
import type { SettingLookups } from './change-settings.ts';

const shapeOf = (field: MetadataField): FieldShape => ({
  ...(field.type === undefined ? {} : { type: field.type }),
  ...(field.format === undefined ? {} : { format: field.format }),
  reference: field.$ref !== undefined,
});

const shapes = (fields: Map<string, MetadataField> | undefined): Map<string, FieldShape> =>
  new Map([...(fields ?? new Map<string, MetadataField>())].map(([name, field]) => [name, shapeOf(field)]));

/** What change-bill-settings.ts checks a bill configuration with, from a NetSuite client. */
export function billSettingsChecks(netsuite: NetSuiteClient): BillSettingsCheckDependencies {
  return {
    lookups: createNetSuiteBillLookups(netsuite.suiteQl),
    vendorBillFields: async () => {
      const { record, lines } = await netsuite.metadata.recordFields('vendorBill');
      return { body: shapes(record), expenseLine: shapes(lines.get('expense')) };
    },
    ...(netsuite.attachments === undefined
      ? {}
      : { checkFolder: (folderId: string) => netsuite.attachments!.checkFolder(folderId) }),
  };
}

export function createSettingLookups(
  netsuite: () => Promise<NetSuiteClient>,
  procurify: () => Promise<Pick<ProcurifyClient, 'listLocations'>>,
  options: { netsuiteTimeZone?: string } = {},
): SettingLookups {
  return {
    netsuiteSubsidiaries: async () => createNetSuiteBillLookups((await netsuite()).suiteQl).subsidiaries(),
    vendorFields: async () => shapes((await (await netsuite()).metadata.recordFields('vendor')).record),
    procurifyLocations: async () => {
      const locations: Array<{ id: number; name: string; active: boolean }> = [];
      for await (const location of (await procurify()).listLocations()) {
        locations.push({ id: location.id, name: location.name, active: location.active });
      }
      return locations;
    },
    billChecks: async () => billSettingsChecks(await netsuite()),
    scopeReads: async () => {
      const client = await netsuite();
      return (vendorSyncFlagField) =>
        createNetSuiteBulkReads(client.suiteQl, {
          ...(options.netsuiteTimeZone === undefined ? {} : { timeZone: options.netsuiteTimeZone }),
          ...(vendorSyncFlagField === undefined ? {} : { vendorSyncFlagField }),
        });
    },
  };
}
