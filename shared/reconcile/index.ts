// Public surface of reconciliation (issue 14): what the CLI, the reconcile function and the tests import.
export { compareBills, comparePaidStatus, indexBills, judgeBillTotal } from './compare-bills.ts';
export { compareAccounts, compareDepartments, compareVendors } from './compare-master-data.ts';
export { comparePayments } from './compare-payments.ts';
export * from './model.ts';
export type * from './ports.ts';
export {
  defaultGraceMinutes,
  type ReconcileDependencies,
  type ReconcileOptions,
  reconcile,
} from './reconcile.ts';
export {
  createReconcileRepairs,
  createReconcileReportStore,
  reconcileActor,
  reconcileReportConfigName,
} from './repairs.ts';
export { reconcileReportCsv, reportColumns } from './report-csv.ts';
export { type ReconcileParts, reconcileDependencies } from './wiring.ts';
