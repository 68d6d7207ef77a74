// The Procurify sandbox's in-memory company: master data, bills and payments, and the changes a
// Procurify user makes (approve a bill, record a payment, ...). Called by the API routes (api.ts), the
// admin API (admin.ts), the sandbox object (index.ts) and demo-data.ts. Composed of its parts by job:
// the records, ids, lookups, change hook and snapshots (store-records.ts), the company settings
// (store-settings.ts), then store-departments.ts, store-account-codes.ts, store-vendors.ts,
// store-bills.ts, store-attachments.ts and store-payments.ts. Every change takes a fresh tick of the
// modification clock so pollers filtering on modification time see it, and is told to the change hook
// (the snapshot journal in local mode) before the sandbox answers.
import { type SeedRecords, seedRecordsSchema } from './inputs.ts';
import * as accountCodes from './store-account-codes.ts';
import * as attachments from './store-attachments.ts';
import * as bills from './store-bills.ts';
import * as departments from './store-departments.ts';
import * as payments from './store-payments.ts';
import { ProcurifyRecords } from './store-records.ts';
import * as settings from './store-settings.ts';
import * as vendors from './store-vendors.ts';

export type { MarkAsPaidResult } from './store-bills.ts';
export {
  type ProcurifyCollection,
  type ProcurifyStoreSnapshot,
  SandboxInputError,
  type TouchedRecord,
} from './store-records.ts';

export class ProcurifyStore extends ProcurifyRecords {
  constructor(...args: ConstructorParameters<typeof ProcurifyRecords>) {
    super(...args);
    this.reset();
  }

  /** Empties the company, keeping the currencies and payment terms every Procurify domain has. */
  reset(seed?: number): void {
    if (seed !== undefined) this.reseed(seed);
    this.clearAll();
    this.addCurrency({ name: 'USD', description: 'US Dollar', rate: '1.000000', base: true });
    this.addCurrency({ name: 'CAD', description: 'Canadian Dollar', rate: '0.730000' });
    this.addCurrency({ name: 'EUR', description: 'Euro', rate: '1.080000' });
    this.addCurrency({ name: 'GBP', description: 'Pound Sterling', rate: '1.270000' });
    for (const name of ['Due on receipt', 'Net 15', 'Net 30', 'Net 45', 'Net 60'])
      this.addPaymentTerm({ name });
    // Records went away: only a whole snapshot says so.
    this.changed();
  }

  /** Adds records in dependency order (currencies … payments). */
  seed(input: SeedRecords): void {
    const records = seedRecordsSchema.parse(input);
    for (const r of records.currencies) this.addCurrency(r);
    for (const r of records.paymentTerms) this.addPaymentTerm(r);
    for (const r of records.locations) this.addLocation(r);
    for (const r of records.departments) this.addDepartment(r);
    for (const r of records.accountCodes) this.addAccountCode(r);
    for (const r of records.vendors) this.addVendor(r);
    for (const r of records.customFields) this.addCustomField(r);
    for (const r of records.paymentMethods) this.addPaymentMethod(r);
    for (const r of records.bills) this.createBill(r);
    for (const r of records.payments) this.recordPayment(r);
  }

  // ---- company settings (store-settings.ts) ----
  readonly addCurrency = bound(this, settings.addCurrency);
  readonly addPaymentTerm = bound(this, settings.addPaymentTerm);
  readonly addPaymentMethod = bound(this, settings.addPaymentMethod);
  readonly addCustomField = bound(this, settings.addCustomField);

  // ---- locations and departments (store-departments.ts) ----
  readonly addLocation = bound(this, departments.addLocation);
  readonly addDepartment = bound(this, departments.addDepartment);
  readonly createDepartmentFromApi = bound(this, departments.createDepartmentFromApi);
  readonly updateDepartmentFromApi = bound(this, departments.updateDepartmentFromApi);

  // ---- account codes (store-account-codes.ts) ----
  readonly addAccountCode = bound(this, accountCodes.addAccountCode);
  readonly accountCodeConflict = bound(this, accountCodes.accountCodeConflict);
  readonly createAccountCodeFromApi = bound(this, accountCodes.createAccountCodeFromApi);
  readonly setAccountCodeActive = bound(this, accountCodes.setAccountCodeActive);
  readonly updateAccountCodeFromApi = bound(this, accountCodes.updateAccountCodeFromApi);

  // ---- vendors (store-vendors.ts) ----
  readonly addVendor = bound(this, vendors.addVendor);
  readonly createVendorFromApi = bound(this, vendors.createVendorFromApi);
  readonly updateVendorFromApi = bound(this, vendors.updateVendorFromApi);

  // ---- bills (store-bills.ts) and their invoice files (store-attachments.ts) ----
  readonly createBill = bound(this, bills.createBill);
  readonly editBill = bound(this, bills.editBill);
  readonly approveBill = bound(this, bills.approveBill);
  readonly markBillsPaid = bound(this, bills.markBillsPaid);
  readonly attachment = bound(this, attachments.attachment);
  readonly addBillAttachment = bound(this, attachments.addBillAttachment);

  // ---- payments (store-payments.ts) ----
  readonly recordPayment = bound(this, payments.recordPayment);
  readonly setPaymentStatus = bound(this, payments.setPaymentStatus);
}

/** A part's function with the store as its first argument, called on this store. */
function bound<A extends unknown[], R>(
  store: ProcurifyRecords,
  action: (store: ProcurifyRecords, ...args: A) => R,
): (...args: A) => R {
  return (...args) => action(store, ...args);
}
