// The ports of reconciliation: bulk reads of NetSuite (SuiteQL pages), Procurify (list pages) and apsync's
// state (every link and sync state), the one deep check per suspicious bill (its plan, decide-bill.ts), the
// repairs apsync owns, and where the last report is kept. Adapters: netsuite-reads.ts, procurify-reads.ts,
// state-reads.ts, bill-plans.ts, repairs.ts; tests may pass their own.

import type { ApAccountCode, ApDepartment, ApVendor } from '../ap/master-data.ts';
import type {
  NetSuiteAccount,
  NetSuiteDepartment,
  NetSuiteVendor,
} from '../master-data/netsuite-master-records.ts';
import type { RecordKind, RecordLink, RecordState, SystemName } from '../state/model.ts';
import type { MasterArea, ReconcileReport } from './model.ts';

/** A NetSuite master record as SuiteQL gives it, in the record API's shape the mapping functions take. */
export interface NetSuiteMasterRow<T> {
  record: T;
  /** The record's last-modified instant (ISO, UTC). */
  lastModified: string;
}

export type NetSuiteVendorRow = NetSuiteMasterRow<NetSuiteVendor> & {
  /** ISO code of the vendor's currency (NetSuite `symbol`). */
  currencyCode?: string;
};
export type NetSuiteAccountRow = NetSuiteMasterRow<NetSuiteAccount>;
export type NetSuiteDepartmentRow = NetSuiteMasterRow<NetSuiteDepartment>;

/** A Vendor Bill or Vendor Payment as SuiteQL gives it (a `transaction` row). Amounts are decimal strings. */
export interface NetSuiteTransactionRow {
  id: string;
  externalId?: string;
  entity?: string;
  /** The transaction's total in its currency (SuiteQL shows a bill's negative: compare magnitudes). */
  total: string;
  lastModified: string;
}

export interface NetSuiteBillRow extends NetSuiteTransactionRow {
  unpaid: string;
  /** SuiteQL's letter: A Open, B Paid In Full, … */
  status: string;
  tranId?: string;
}

export interface NetSuitePaymentRow extends NetSuiteTransactionRow {
  voided: boolean;
}

/** Bulk reads of NetSuite's master records (also what a settings change re-reads). */
export interface NetSuiteMasterReads {
  vendors(): AsyncIterable<NetSuiteVendorRow>;
  accounts(): AsyncIterable<NetSuiteAccountRow>;
  departments(): AsyncIterable<NetSuiteDepartmentRow>;
}

/** Bulk reads of NetSuite: each a few SuiteQL pages of 1000 rows, never one request per record. */
export interface NetSuiteBulkReads extends NetSuiteMasterReads {
  vendorBills(): AsyncIterable<NetSuiteBillRow>;
  vendorPayments(): AsyncIterable<NetSuitePaymentRow>;
}

/** A Procurify bill as its list gives it (SimpleBill). */
export interface ProcurifyBillRow {
  /** Lower case, as apsync keys bills. */
  uuid: string;
  id: number;
  status: number;
  /** What the vendor is owed (`invoice_total`), else `total_cost_with_tax`. */
  total: string | null;
  invoiceNumber: string | null;
  lastModified: string;
}

export interface ProcurifyPaymentRow {
  id: string;
  status: string | null;
  amount: string;
  currency: string;
  updatedAt: string;
}

/** Bulk reads of Procurify: list pages. */
export interface ProcurifyBulkReads {
  vendors(): AsyncIterable<ApVendor>;
  accountCodes(): AsyncIterable<ApAccountCode>;
  departments(): AsyncIterable<ApDepartment>;
  bills(): AsyncIterable<ProcurifyBillRow>;
  payments(): AsyncIterable<ProcurifyPaymentRow>;
}

/** One link item as the state table keeps it: `from` is the side it is keyed by (one item per direction). */
export interface LinkItem {
  from: SystemName;
  link: RecordLink;
}

export interface StateSnapshot {
  links: LinkItem[];
  states: RecordState[];
}

/** Every link and sync state of the given kinds, in bulk (a scan, not one read per record). */
export interface StateBulkReads {
  snapshot(kinds: readonly RecordKind[]): Promise<StateSnapshot>;
}

/** The plan apsync would write for a bill now (decide-bill.ts), or why there is none. */
export type BillPlanCheck =
  | { kind: 'plan'; total: string; currency: string; hash: string }
  | { kind: 'no-plan'; reason: string };

/** The deep check of one bill whose NetSuite total differs from Procurify's: a GET and a few lookups. */
export interface BillPlans {
  planOf(billUuid: string): Promise<BillPlanCheck>;
}

/**
 * The repairs apsync owns. Each records a note in the record's audit trail and returns what it did, in
 * words; the workers do the writing (same leases, rules and audit as any other sync).
 */
export interface ReconcileRepairs {
  /** Re-sync a NetSuite master record: forget its content hash (so it is written) and queue it. */
  resyncMasterRecord(kind: MasterArea, netsuiteId: string, reason: string): Promise<string>;
  /** A NetSuite record deleted without a notice: queue its delete (the worker deactivates, never deletes). */
  deactivateMasterRecord(kind: MasterArea, netsuiteId: string, reason: string): Promise<string>;
  /** Send a bill again: written even if unchanged (a missing Vendor Bill is created, the link follows). */
  resendBill(billUuid: string, reason: string): Promise<string>;
  /**
   * Replace a bill or payment link with the NetSuite record that carries the expected external id; with
   * `restoreLinkOf`, write that record's own link again (the wrong link had taken its NetSuite → Procurify item).
   */
  relink(
    kind: 'bill' | 'payment',
    procurifyId: string,
    netsuiteId: string,
    reason: string,
    restoreLinkOf?: string,
  ): Promise<string>;
  /** Queue a paid Procurify payment for the payment-push worker (push mode). */
  pushPayment(paymentId: string, reason: string): Promise<string>;
  /** Mark a bill paid in Procurify with the date of its NetSuite payment (pull mode). */
  markBillPaid(billUuid: string, netsuiteBillId: string, reason: string): Promise<string>;
}

/** Where the last run's report is kept, for `apsync status`. */
export interface ReconcileReportStore {
  saveReport(report: ReconcileReport): Promise<void>;
  lastReport(): Promise<StoredReconcileSummary | undefined>;
}

/** What is kept of a run: its counts and the first discrepancies (a state-table item stays small). */
export type StoredReconcileSummary = Omit<ReconcileReport, 'discrepancies'> & {
  discrepancies: ReconcileReport['discrepancies'];
  /** Discrepancies left out of `discrepancies` to keep the item small. */
  omitted: number;
};
