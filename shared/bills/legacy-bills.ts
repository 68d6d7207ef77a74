// Legacy links: Vendor Bills that an older integration already pushed from Procurify are
// recognized before apsync writes a bill for the first time, so it never creates a second Vendor Bill
// for the same Procurify bill. Two configurable ways (bill-sync-settings.ts `legacy`): a regular
// expression over the NetSuite external id whose capture group is the Procurify UUID or invoice number
// (searched among the vendor's bills), or a NetSuite body field holding that key. Called by sync-bill.ts.
import type { ApBill } from '../ap/bill.ts';
import { billExternalId } from './bill-plan.ts';
import type { BillSyncSettings } from './bill-sync-settings.ts';
import type { BillLookups, LegacyBillRow } from './ports.ts';

export type LegacySettings = NonNullable<BillSyncSettings['legacy']>;

/** The Procurify value an older integration keyed its bills by. */
export function legacyKeyOf(bill: ApBill, matchOn: LegacySettings['matchOn']): string | undefined {
  if (matchOn === 'uuid') return bill.uuid;
  const invoice = bill.invoiceNumber?.trim();
  return invoice === undefined || invoice === '' ? undefined : invoice;
}

/** Whether the external id matches the pattern with `key` as its first capture group (case-insensitive). */
export function matchesLegacyExternalId(externalId: string, pattern: string, key: string): boolean {
  const captured = new RegExp(pattern, 'i').exec(externalId)?.[1];
  return captured !== undefined && captured.toLowerCase() === key.toLowerCase();
}

/** apsync's own external ids are never legacy, whatever the configured pattern says. */
const isOwnExternalId = (externalId: string | undefined): boolean =>
  externalId?.toLowerCase().startsWith(billExternalId('').toLowerCase()) === true;

/**
 * The NetSuite Vendor Bills of an older integration for this Procurify bill (usually none or one).
 * Both configured ways are tried; a bill found by both counts once.
 */
export async function findLegacyBills(
  bill: ApBill,
  vendorNetSuiteId: string,
  settings: LegacySettings,
  lookups: Pick<BillLookups, 'vendorBillsWithExternalId' | 'vendorBillsByField'>,
): Promise<LegacyBillRow[]> {
  const key = legacyKeyOf(bill, settings.matchOn);
  if (key === undefined) return [];
  const found = new Map<string, LegacyBillRow>();
  if (settings.field !== undefined) {
    for (const row of await lookups.vendorBillsByField(settings.field, key)) {
      if (!isOwnExternalId(row.externalId)) found.set(row.id, row);
    }
  }
  const pattern = settings.externalIdPattern;
  if (pattern !== undefined) {
    for (const row of await lookups.vendorBillsWithExternalId(vendorNetSuiteId)) {
      if (row.externalId === undefined || isOwnExternalId(row.externalId)) continue;
      if (matchesLegacyExternalId(row.externalId, pattern, key)) found.set(row.id, row);
    }
  }
  return [...found.values()];
}
