// Reconciliation's bulk reads (shared/reconcile/ports.ts) in memory: the rows NetSuite's SuiteQL pages
// and Procurify's list pages would give, kept as arrays a test fills, answered in the order kept
// (Procurify's master data held as Procurify sends it and read through the adapter's mapping,
// shared/procurify/master-records.ts, as the HTTP client reads it). The state side is
// InMemoryStateStore.snapshot.

import { toApAccountCode, toApDepartment, toApVendor } from '../../../shared/procurify/master-records.ts';
import type {
  ProcurifyAccountCode,
  ProcurifyDepartment,
  ProcurifyVendor,
} from '../../../shared/procurify/schemas.ts';
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

async function* mapped<W, T>(items: readonly W[], map: (item: W) => T): AsyncIterable<T> {
  for (const item of items) yield map(structuredClone(item));
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
  vendors = () => mapped(this.vendorRows, toApVendor);
  accountCodes = () => mapped(this.accountCodeRows, toApAccountCode);
  departments = () => mapped(this.departmentRows, toApDepartment);
  bills = () => rows(this.billRows);
  payments = () => rows(this.paymentRows);
}
