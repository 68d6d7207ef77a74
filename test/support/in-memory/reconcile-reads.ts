// Reconciliation's bulk reads (shared/reconcile/ports.ts) in memory: the rows NetSuite's SuiteQL pages
// and Procurify's list pages would give, kept as arrays a test fills, answered in the order kept. The
// state side is InMemoryStateStore.snapshot.

import type {
  ProcurifyAccountCode,
  ProcurifyDepartment,
  ProcurifyVendor,
} from '../../../shared/procurify/ports.ts';
import type {
  NetSuiteAccountRow,
  NetSuiteBillRow,
  NetSuiteBulkReads,
  NetSuiteDepartmentRow,
  NetSuitePaymentRow,
  NetSuiteVendorRow,
  ProcurifyBillRow,
  ProcurifyBulkReads,
  ProcurifyPaymentRow,
} from '../../../shared/reconcile/ports.ts';

async function* rows<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) yield structuredClone(item);
}

export class InMemoryNetSuiteBulkReads implements NetSuiteBulkReads {
  vendorRows: NetSuiteVendorRow[] = [];
  accountRows: NetSuiteAccountRow[] = [];
  departmentRows: NetSuiteDepartmentRow[] = [];
  billRows: NetSuiteBillRow[] = [];
  paymentRows: NetSuitePaymentRow[] = [];
  vendors = () => rows(this.vendorRows);
  accounts = () => rows(this.accountRows);
  departments = () => rows(this.departmentRows);
  vendorBills = () => rows(this.billRows);
  vendorPayments = () => rows(this.paymentRows);
}

export class InMemoryProcurifyBulkReads implements ProcurifyBulkReads {
  vendorRows: ProcurifyVendor[] = [];
  accountCodeRows: ProcurifyAccountCode[] = [];
  departmentRows: ProcurifyDepartment[] = [];
  billRows: ProcurifyBillRow[] = [];
  paymentRows: ProcurifyPaymentRow[] = [];
  vendors = () => rows(this.vendorRows);
  accountCodes = () => rows(this.accountCodeRows);
  departments = () => rows(this.departmentRows);
  bills = () => rows(this.billRows);
  payments = () => rows(this.paymentRows);
}
