// The Procurify adapter's public surface: the client factory, the port interfaces use cases depend on,
// the record types, and the pure helpers (error classification, Retry-After, decimals).
export {
  type BillListFilter,
  type BillScanFilter,
  createProcurifyClient,
  type MarkBillsPaidResult,
  type PaymentApplication,
  type PaymentApplications,
  type PaymentListFilter,
  type PaymentScanFilter,
  type ProcurifyAccountCodes,
  type ProcurifyBillPayer,
  type ProcurifyBills,
  type ProcurifyClient,
  type ProcurifyClientConfig,
  type ProcurifyClientDeps,
  type ProcurifyDepartments,
  type ProcurifyPayments,
  type ProcurifyVendors,
  procurifyClientConfigSchema,
} from './client.ts';
export { compareDecimals, isDecimalString, numberToDecimalString, sumDecimals } from './decimal.ts';
export { classifyProcurifyAnswer, fieldMessages, parseRetryAfter, writeMayHaveHappened } from './errors.ts';
export {
  type AccountCodeWrite,
  type DepartmentWrite,
  type ProcurifyAccountCode,
  type ProcurifyBill,
  type ProcurifyBillSummary,
  type ProcurifyCompanyPaymentMethod,
  type ProcurifyCostAllocation,
  type ProcurifyCurrency,
  type ProcurifyDepartment,
  type ProcurifyLocation,
  type ProcurifyPayment,
  type ProcurifyPaymentStatus,
  type ProcurifyVendor,
  procurifyBillStatus,
  procurifyPaymentStatuses,
  type VendorPatch,
  type VendorWrite,
} from './schemas.ts';
export { type AccessTokenSource, ProcurifyTokenProvider, type TokenProviderConfig } from './token.ts';
