// The ports apsync's use cases reach Procurify through: one small interface per job (vendors, account
// codes, departments, bills, paying bills, payments, invoice files), the filters and answers they take
// and give. Records come as domain records (shared/ap/: bills, payments, master data), mapped from the wire
// at the adapter boundary (ap-records.ts, master-records.ts); master data is written as the bodies of
// writes.ts. The HTTP adapter (client.ts) implements them all; the use-case tests implement them in
// memory. Use cases import this file, never the client.
import type { ApBill, ApBillSummary, InvoiceFile } from '../ap/bill.ts';
import type { ApAccountCode, ApCurrency, ApDepartment, ApLocation, ApVendor } from '../ap/master-data.ts';
import type { ApPayment, PaymentApplications, PaymentMethod, ProcurifyPaymentStatus } from '../ap/payment.ts';
import type * as Writes from './writes.ts';

export { procurifyBillStatus } from '../ap/bill.ts';
export type { ApAccountCode, ApCurrency, ApDepartment, ApLocation, ApVendor } from '../ap/master-data.ts';
export {
  type ApPayment,
  type PaymentApplication,
  type PaymentApplications,
  type ProcurifyPaymentStatus,
  procurifyPaymentStatuses,
} from '../ap/payment.ts';
export type {
  AccountCodeCreate,
  AccountCodeWrite,
  DepartmentWrite,
  VendorPatch,
  VendorWrite,
} from './writes.ts';

/** A point in time: a Date or an ISO 8601 text. */
export type DateInput = Date | string;

export interface BillListFilter {
  /** `last_modified_datetime_0` (inclusive). */
  modifiedAfter?: DateInput;
  /** `last_modified_datetime_1` (inclusive). */
  modifiedBefore?: DateInput;
  /** Bill status(es) to keep; applied by the client (Procurify documents no status filter for bills). */
  status?: number | number[];
  vendor?: number;
  group?: number;
  /** e.g. `last_modified_datetime` (ascending) or `-last_modified_datetime`. */
  orderBy?: string;
}

/** A window of modification times for the change scans (both ends inclusive). */
export interface BillScanFilter {
  modifiedAfter?: DateInput;
  modifiedBefore?: DateInput;
  status?: number | number[];
}

export interface PaymentListFilter {
  /** `updated_at_after` (inclusive). */
  updatedAfter?: DateInput;
  /** `updated_at_before` (inclusive). */
  updatedBefore?: DateInput;
  statuses?: ProcurifyPaymentStatus[];
  billGroups?: number[];
  ids?: number[];
  orderBy?: 'updated_at' | '-updated_at' | 'created_at' | '-created_at';
}

export interface PaymentScanFilter {
  updatedAfter?: DateInput;
  updatedBefore?: DateInput;
  statuses?: ProcurifyPaymentStatus[];
}

export interface MarkBillsPaidResult {
  billUuids: string[];
  paymentDate: string;
  /** Bills found already paid when checking after a failure that may have hidden a success. */
  alreadyPaid: string[];
}

/** An invoice file's bytes and media type. */
export interface DownloadedAttachment {
  content: Uint8Array;
  /** The answer's Content-Type; the attachment's `mimetype` when the answer gives none or a generic one. */
  contentType: string;
}

export interface ProcurifyVendors {
  listVendors(filter?: { externalId?: string; name?: string; search?: string }): AsyncIterable<ApVendor>;
  /** The vendor with this external_id; DataError when several have it. */
  findVendorByExternalId(externalId: string): Promise<ApVendor | undefined>;
  getVendor(id: number): Promise<ApVendor>;
  createVendor(input: Writes.VendorWrite): Promise<ApVendor>;
  /** PUT: the whole vendor (idempotent). */
  updateVendor(id: number, input: Writes.VendorWrite): Promise<ApVendor>;
  /** PATCH: only the given fields (idempotent). */
  patchVendor(id: number, patch: Writes.VendorPatch): Promise<ApVendor>;
}

export interface ProcurifyAccountCodes {
  listAccountCodes(filter?: { code?: string; active?: boolean }): AsyncIterable<ApAccountCode>;
  createAccountCode(input: Writes.AccountCodeCreate): Promise<ApAccountCode>;
  updateAccountCode(id: number, input: Writes.AccountCodeWrite): Promise<ApAccountCode>;
}

export interface ProcurifyDepartments {
  listDepartments(filter?: { branch?: number; search?: string }): AsyncIterable<ApDepartment>;
  createDepartment(input: Writes.DepartmentWrite): Promise<ApDepartment>;
  updateDepartment(id: number, input: Writes.DepartmentWrite): Promise<ApDepartment>;
  listLocations(filter?: { active?: boolean }): AsyncIterable<ApLocation>;
  /** Currencies (vendor `currency` is a currency id). */
  listCurrencies(): AsyncIterable<ApCurrency>;
}

export interface ProcurifyBills {
  /** Page-number iteration (fine for static reads; pollers should use scanBills). */
  listBills(filter?: BillListFilter): AsyncIterable<ApBillSummary>;
  /**
   * Every bill modified in the window, by modification time, without skipping any when bills change
   * during the scan (a bill changed meanwhile may come twice). For pollers.
   */
  scanBills(filter?: BillScanFilter): AsyncIterable<ApBillSummary>;
  /** How many bills (any status: the list has no status filter) were modified in the window. */
  countBills(filter?: Omit<BillScanFilter, 'status'>): Promise<number>;
  getBill(uuid: string): Promise<ApBill>;
}

export interface ProcurifyBillPayer {
  getBill(uuid: string): Promise<ApBill>;
  /** mark-as-paid for a batch of approved bills without payments. */
  markBillsPaid(uuids: string[], paymentDate: string): Promise<MarkBillsPaidResult>;
}

export interface ProcurifyPayments {
  /** Page-number iteration (fine for static reads; pollers should use scanPayments). */
  listPayments(filter?: PaymentListFilter): AsyncIterable<ApPayment>;
  /** Every payment updated in the window, without skipping any that change during the scan. */
  scanPayments(filter?: PaymentScanFilter): AsyncIterable<ApPayment>;
  getPaymentApplications(payment: ApPayment): Promise<PaymentApplications>;
  listCompanyPaymentMethods(): AsyncIterable<PaymentMethod>;
}

export interface ProcurifyInvoiceFiles {
  /**
   * The bytes of a bill's invoice file (BillRead `invoice_attachments[]`), from its `url` (`file`): with
   * the API token when the URL is on the Procurify host, without any credentials elsewhere (a pre-signed
   * storage link). Redirects are followed the same way at each hop. DataError naming the file when it
   * is larger than `maxAttachmentBytes`, its SHA-1 differs from `sha1` (`sha1_hash`), or storage refuses the link.
   */
  downloadAttachment(file: InvoiceFile): Promise<DownloadedAttachment>;
}

/** Everything the Procurify adapter offers: what composition roots hold and hand out port by port. */
export interface ProcurifyClient
  extends ProcurifyVendors,
    ProcurifyAccountCodes,
    ProcurifyDepartments,
    ProcurifyBills,
    ProcurifyBillPayer,
    ProcurifyPayments,
    ProcurifyInvoiceFiles {}
