// Public surface of the bill flow: what the bill-sync worker, the Procurify poll and the
// operator CLI (replay, link import, configuration) import.

export { resolveBillCoding } from './bill-coding.ts';
export {
  accountCodeKey,
  approvedBillStatus,
  type BillCoding,
  type BillPlan,
  billExternalId,
  billNeeds,
  billStatusNames,
  departmentKey,
  planVendorBill,
  type VendorBillBody,
} from './bill-plan.ts';
export {
  type BillSyncSettings,
  type BillSyncSettingsInput,
  billSyncConfigName,
  billSyncSettingsSchema,
  parseBillSyncSettings,
  readBillSyncSettings,
} from './bill-sync-settings.ts';
export { type BillDecision, billWriteTarget, decideBill } from './decide-bill.ts';
export {
  type BillLinkImportError,
  type BillLinkImportResult,
  type ImportBillLinksDependencies,
  importBillLinks,
} from './import-bill-links.ts';
export { findLegacyBills, legacyKeyOf, matchesLegacyExternalId } from './legacy-bills.ts';
export { CurrencyCache, createNetSuiteBillLookups } from './netsuite-bill-lookups.ts';
export type { BillLookups } from './ports.ts';
export { type ReplayBillDependencies, replayBill } from './replay-bill.ts';
export {
  type ResendParkedBillsDependencies,
  type ResendParkedBillsOptions,
  type ResendParkedBillsSummary,
  resendParkedBills,
} from './resend-parked-bills.ts';
export {
  type BillSyncOutcome,
  replacedBillSublists,
  type SyncBillDependencies,
  syncBill,
} from './sync-bill.ts';
