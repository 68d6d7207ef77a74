// The Procurify adapter's public surface for composition roots and tests: the client factory and its
// configuration, the ports (ports.ts: what use cases import), the record types, and the pure helpers
// (error classification, Retry-After); its money is shared/money.
export { createProcurifyClient, type ProcurifyClientDeps } from './client.ts';
export {
  type ParsedProcurifyClientConfig,
  type ProcurifyClientConfig,
  parseProcurifyClientConfig,
  procurifyClientConfigSchema,
} from './config.ts';
export { classifyProcurifyAnswer, fieldMessages, parseRetryAfter, writeMayHaveHappened } from './errors.ts';
export type {
  BillListFilter,
  BillScanFilter,
  DateInput,
  DownloadedAttachment,
  MarkBillsPaidResult,
  PaymentApplication,
  PaymentApplications,
  PaymentListFilter,
  PaymentScanFilter,
  ProcurifyAccountCodes,
  ProcurifyBillPayer,
  ProcurifyBills,
  ProcurifyClient,
  ProcurifyDepartments,
  ProcurifyInvoiceFiles,
  ProcurifyPayments,
  ProcurifyVendors,
} from './ports.ts';
export {
  type AccountCodeCreate,
  type AccountCodeWrite,
  type DepartmentWrite,
  type ProcurifyAccountCode,
  type ProcurifyAttachment,
  type ProcurifyBill,
  type ProcurifyBillCost,
  type ProcurifyBillItem,
  type ProcurifyBillSummary,
  type ProcurifyCompanyPaymentMethod,
  type ProcurifyCostAllocation,
  type ProcurifyCurrency,
  type ProcurifyCustomFieldValue,
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
