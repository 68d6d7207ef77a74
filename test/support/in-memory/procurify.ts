// Procurify in memory, behind the port interfaces the use cases take (shared/procurify/ports.ts):
// vendors (external id unique, PATCH changes only what it names), account codes (no `active` in a
// write: the API cannot change it), departments and locations, bills (list and scan by modification time, both bounds inclusive as the API's `_0`/`_1` filters,
// oldest first; read one by uuid; a missing one is the DataError 404 the client throws) and their
// invoice files (downloaded by attachment, a missing file a DataError naming it). Bills and payments are
// held as Procurify holds them (BillRead, PaymentResponse, and the master-data records) and read through
// the adapter's own wire → domain mapping (shared/procurify/ap-records.ts, master-records.ts), as the
// HTTP client reads them.
import type { ApBill, ApBillSummary, InvoiceFile } from '../../../shared/ap/bill.ts';
import type {
  ApAccountCode,
  ApCurrency,
  ApDepartment,
  ApLocation,
  ApVendor,
} from '../../../shared/ap/master-data.ts';
import type { ApPayment, PaymentMethod } from '../../../shared/ap/payment.ts';
import { DataError } from '../../../shared/errors.ts';
import {
  toApBill,
  toApBillSummary,
  toApPayment,
  toPaymentMethod,
} from '../../../shared/procurify/ap-records.ts';
import {
  toApAccountCode,
  toApCurrency,
  toApDepartment,
  toApLocation,
  toApVendor,
} from '../../../shared/procurify/master-records.ts';
import type {
  AccountCodeCreate,
  AccountCodeWrite,
  BillListFilter,
  BillScanFilter,
  DepartmentWrite,
  DownloadedAttachment,
  MarkBillsPaidResult,
  PaymentApplications,
  PaymentListFilter,
  PaymentScanFilter,
  ProcurifyAccountCodes,
  ProcurifyBillPayer,
  ProcurifyBills,
  ProcurifyDepartments,
  ProcurifyInvoiceFiles,
  ProcurifyPayments,
  ProcurifyVendors,
  VendorPatch,
  VendorWrite,
} from '../../../shared/procurify/ports.ts';
import type {
  ProcurifyAccountCode,
  ProcurifyBill,
  ProcurifyCompanyPaymentMethod,
  ProcurifyCurrency,
  ProcurifyDepartment,
  ProcurifyLocation,
  ProcurifyPayment,
  ProcurifyVendor,
} from '../../../shared/procurify/schemas.ts';
import { Faults } from './faults.ts';

export type ProcurifyOperation =
  | 'getBill'
  | 'scanBills'
  | 'downloadAttachment'
  | 'listPayments'
  | 'markBillsPaid'
  | 'writeVendor'
  | 'writeAccountCode'
  | 'writeDepartment';

const time = (value: Date | string | undefined): number | undefined =>
  value === undefined ? undefined : new Date(value).getTime();

const emptyVendor = {
  active: true,
  external_id: null,
  email: [],
  addressLineOne: null,
  addressLineTwo: null,
  postalCode: null,
  city: null,
  state_province: null,
  country: null,
  phoneOne: null,
  contact: null,
  url: null,
  currency: null,
  payment_term_ref: null,
  type: 4,
  dateModified: null,
};

function notFound(what: string, id: number): DataError {
  return new DataError(`procurify: ${what} ${id} not found`, { source: 'procurify', status: 404 });
}

export class InMemoryProcurify
  implements
    ProcurifyBills,
    ProcurifyInvoiceFiles,
    ProcurifyVendors,
    ProcurifyAccountCodes,
    ProcurifyDepartments,
    ProcurifyPayments,
    ProcurifyBillPayer
{
  readonly faults = new Faults<ProcurifyOperation>('procurify');
  readonly vendors = new Map<number, ProcurifyVendor>();
  /** Payment terms by name, as vendor writes create them. */
  private readonly paymentTerms = new Map<string, { id: number; name: string }>();
  readonly accountCodes = new Map<number, ProcurifyAccountCode>();
  readonly departments = new Map<number, ProcurifyDepartment>();
  locations: ProcurifyLocation[] = [];
  currencies: ProcurifyCurrency[] = [];
  /** Every write, in order. */
  readonly writes: Array<{ method: string; what: string; id: number; body: unknown }> = [];
  private nextId = 1;
  readonly bills = new Map<string, ProcurifyBill>();
  readonly payments = new Map<number, ProcurifyPayment>();
  /** How each payment is split over bills (what the bills' `bill_payment` say), by payment id. */
  readonly applications = new Map<number, PaymentApplications>();
  paymentMethods: ProcurifyCompanyPaymentMethod[] = [];
  /** Invoice file bytes by attachment uuid. */
  readonly files = new Map<string, DownloadedAttachment>();

  // --- vendors

  putVendor(vendor: Partial<ProcurifyVendor> & { name: string }): ProcurifyVendor {
    const full = { ...emptyVendor, id: this.nextId++, ...vendor } as ProcurifyVendor;
    this.vendors.set(full.id, structuredClone(full));
    return full;
  }

  async *listVendors(
    filter: { externalId?: string; name?: string; search?: string } = {},
  ): AsyncIterable<ApVendor> {
    for (const vendor of this.vendors.values()) {
      if (filter.externalId !== undefined && vendor.external_id !== filter.externalId) continue;
      if (filter.name !== undefined && !vendor.name.toLowerCase().includes(filter.name.toLowerCase()))
        continue;
      if (filter.search !== undefined && !vendor.name.toLowerCase().includes(filter.search.toLowerCase()))
        continue;
      yield toApVendor(structuredClone(vendor));
    }
  }

  async findVendorByExternalId(externalId: string): Promise<ApVendor | undefined> {
    const found = [...this.vendors.values()].filter((vendor) => vendor.external_id === externalId);
    if (found.length > 1) {
      throw new DataError(`procurify: ${found.length} vendors have external id ${externalId}`, {
        source: 'procurify',
      });
    }
    return found[0] === undefined ? undefined : toApVendor(structuredClone(found[0]));
  }

  async getVendor(id: number): Promise<ApVendor> {
    const vendor = this.vendors.get(id);
    if (vendor === undefined) throw notFound('vendor', id);
    return toApVendor(structuredClone(vendor));
  }

  /**
   * A vendor write's nested payment term `{name}` as Procurify keeps it: the term found by name, or
   * created with an id (as the sandbox does, infra/sandboxes/procurify/store-vendors.ts).
   */
  private withPaymentTerm<T extends object>(values: T): T {
    const term = (values as { payment_term_ref?: { name: string; description?: string | null } | null })
      .payment_term_ref;
    if (term === undefined || term === null) return values;
    let known = this.paymentTerms.get(term.name);
    if (known === undefined) {
      known = { id: this.nextId++, name: term.name };
      this.paymentTerms.set(term.name, known);
    }
    return { ...values, payment_term_ref: { ...known, ...term } };
  }

  async createVendor(input: VendorWrite): Promise<ApVendor> {
    this.faults.check('writeVendor');
    const { overall_score: _score, ...fields } = input as VendorWrite & { overall_score?: unknown };
    const vendor = this.putVendor(this.withPaymentTerm(fields) as ProcurifyVendor);
    this.writes.push({ method: 'POST', what: 'vendor', id: vendor.id, body: structuredClone(input) });
    return toApVendor(vendor);
  }

  async updateVendor(id: number, input: VendorWrite): Promise<ApVendor> {
    return this.patchVendor(id, input);
  }

  async patchVendor(id: number, patch: VendorPatch): Promise<ApVendor> {
    this.faults.check('writeVendor');
    const vendor = this.vendors.get(id);
    if (vendor === undefined) throw notFound('vendor', id);
    Object.assign(vendor, this.withPaymentTerm(structuredClone(patch)));
    this.writes.push({ method: 'PATCH', what: 'vendor', id, body: structuredClone(patch) });
    return toApVendor(structuredClone(vendor));
  }

  // --- account codes

  putAccountCode(code: Partial<ProcurifyAccountCode> & { code: string }): ProcurifyAccountCode {
    const full: ProcurifyAccountCode = {
      id: this.nextId++,
      description: code.code,
      account_type: null,
      active: true,
      parent: null,
      ...code,
    };
    this.accountCodes.set(full.id, structuredClone(full));
    return full;
  }

  async *listAccountCodes(filter: { code?: string; active?: boolean } = {}): AsyncIterable<ApAccountCode> {
    for (const code of this.accountCodes.values()) {
      if (filter.code !== undefined && !code.code.includes(filter.code)) continue;
      if (filter.active !== undefined && code.active !== filter.active) continue;
      yield toApAccountCode(structuredClone(code));
    }
  }

  async createAccountCode(input: AccountCodeCreate): Promise<ApAccountCode> {
    this.faults.check('writeAccountCode');
    const { departments: _departments, ...fields } = input;
    const code = this.putAccountCode({
      ...fields,
      account_type: fields.account_type ?? null,
      parent: fields.parent ?? null,
    });
    this.writes.push({ method: 'POST', what: 'account-code', id: code.id, body: structuredClone(input) });
    return toApAccountCode(code);
  }

  async updateAccountCode(id: number, input: AccountCodeWrite): Promise<ApAccountCode> {
    this.faults.check('writeAccountCode');
    const code = this.accountCodes.get(id);
    if (code === undefined) throw notFound('account code', id);
    Object.assign(code, structuredClone(input));
    this.writes.push({ method: 'PUT', what: 'account-code', id, body: structuredClone(input) });
    return toApAccountCode(structuredClone(code));
  }

  // --- departments, locations, currencies

  putDepartment(
    department: Partial<ProcurifyDepartment> & { name: string; branch: { id: number } },
  ): ProcurifyDepartment {
    const full: ProcurifyDepartment = { id: this.nextId++, external_id: null, active: true, ...department };
    this.departments.set(full.id, structuredClone(full));
    return full;
  }

  async *listDepartments(filter: { branch?: number; search?: string } = {}): AsyncIterable<ApDepartment> {
    for (const department of this.departments.values()) {
      if (filter.branch !== undefined && department.branch.id !== filter.branch) continue;
      if (filter.search !== undefined && !department.name.toLowerCase().includes(filter.search.toLowerCase()))
        continue;
      yield toApDepartment(structuredClone(department));
    }
  }

  async createDepartment(input: DepartmentWrite): Promise<ApDepartment> {
    this.faults.check('writeDepartment');
    const department = this.putDepartment({
      name: input.name,
      branch: { id: input.branch },
      external_id: input.external_id ?? null,
      active: input.active ?? true,
    });
    this.writes.push({ method: 'POST', what: 'department', id: department.id, body: structuredClone(input) });
    return toApDepartment(department);
  }

  async updateDepartment(id: number, input: DepartmentWrite): Promise<ApDepartment> {
    this.faults.check('writeDepartment');
    const department = this.departments.get(id);
    if (department === undefined) throw notFound('department', id);
    department.name = input.name;
    department.branch = { id: input.branch };
    if (input.external_id !== undefined) department.external_id = input.external_id;
    if (input.active !== undefined) department.active = input.active;
    this.writes.push({ method: 'PUT', what: 'department', id, body: structuredClone(input) });
    return toApDepartment(structuredClone(department));
  }

  async *listLocations(filter: { active?: boolean } = {}): AsyncIterable<ApLocation> {
    for (const location of this.locations) {
      if (filter.active === undefined || (location.active ?? true) === filter.active)
        yield toApLocation(structuredClone(location));
    }
  }

  async *listCurrencies(): AsyncIterable<ApCurrency> {
    for (const currency of this.currencies) yield toApCurrency(structuredClone(currency));
  }

  // --- bills

  putBill(bill: ProcurifyBill): ProcurifyBill {
    this.bills.set(bill.uuid.toLowerCase(), structuredClone(bill));
    return bill;
  }

  async getBill(uuid: string): Promise<ApBill> {
    this.faults.check('getBill');
    if (!/^[0-9a-f-]+$/i.test(uuid)) {
      throw new DataError(`procurify: ${JSON.stringify(uuid)} is not a bill UUID`, {
        source: 'procurify',
        path: 'uuid',
      });
    }
    const bill = this.bills.get(uuid.toLowerCase());
    if (bill === undefined) {
      throw new DataError(`procurify: bill ${uuid} not found`, { source: 'procurify', status: 404 });
    }
    return toApBill(structuredClone(bill));
  }

  /**
   * mark-as-paid as the sandbox plays it (infra/sandboxes/procurify/store-bills.ts markBillsPaid): all or
   * nothing; unknown bills, and bills not Approved (2), are a DataError naming them.
   */
  async markBillsPaid(uuids: string[], paymentDate: string): Promise<MarkBillsPaidResult> {
    this.faults.check('markBillsPaid');
    const unknown = uuids.filter((uuid) => !this.bills.has(uuid.toLowerCase()));
    if (unknown.length > 0) {
      throw new DataError(`procurify: bill_uuids: Bills not found: ${unknown.join(', ')}.`, {
        source: 'procurify',
        status: 400,
        path: 'bill_uuids',
      });
    }
    const refused = uuids.filter((uuid) => this.bills.get(uuid.toLowerCase())!.status !== 2);
    if (refused.length > 0) {
      throw new DataError(
        `procurify: bill_uuids: Only approved bills without payments can be marked as paid: ${refused
          .map((uuid) => `${uuid} (status ${this.bills.get(uuid.toLowerCase())!.status})`)
          .join(', ')}.`,
        { source: 'procurify', status: 400, path: 'bill_uuids' },
      );
    }
    for (const uuid of uuids) this.bills.get(uuid.toLowerCase())!.status = 4;
    this.writes.push({
      method: 'POST',
      what: 'mark-as-paid',
      id: 0,
      body: { bill_uuids: uuids, payment_date: paymentDate },
    });
    return { billUuids: uuids, paymentDate, alreadyPaid: [] };
  }

  async *listBills(filter: BillListFilter = {}): AsyncIterable<ApBillSummary> {
    yield* this.summaries({ ...filter, status: filter.status }).filter(
      (bill) => filter.group === undefined || bill.group === filter.group,
    );
  }

  async countBills(filter: Omit<BillScanFilter, 'status'> = {}): Promise<number> {
    this.faults.check('scanBills');
    return this.summaries(filter).length;
  }

  async *scanBills(filter: BillScanFilter = {}): AsyncIterable<ApBillSummary> {
    this.faults.check('scanBills');
    for (const summary of this.summaries(filter)) {
      yield summary;
      this.faults.check('scanBills');
    }
  }

  putPayment(payment: ProcurifyPayment): ProcurifyPayment {
    this.payments.set(payment.id, structuredClone(payment));
    return payment;
  }

  /** Payments by update time (both bounds inclusive), status, bill group and id, oldest first. */
  async *listPayments(filter: PaymentListFilter = {}): AsyncIterable<ApPayment> {
    this.faults.check('listPayments');
    const after = time(filter.updatedAfter);
    const before = time(filter.updatedBefore);
    const found = [...this.payments.values()].filter((payment) => {
      const updated = Date.parse(payment.updated_at);
      return (
        (after === undefined || updated >= after) &&
        (before === undefined || updated <= before) &&
        (filter.statuses === undefined || filter.statuses.includes(payment.status as never)) &&
        (filter.ids === undefined || filter.ids.includes(payment.id)) &&
        (filter.billGroups === undefined ||
          payment.bill_groups.some((group) => filter.billGroups!.includes(group)))
      );
    });
    const key = filter.orderBy?.replace('-', '') === 'created_at' ? 'created_at' : 'updated_at';
    found.sort((a, b) => Date.parse(a[key]) - Date.parse(b[key]));
    if (filter.orderBy?.startsWith('-') === true) found.reverse();
    for (const payment of found) yield toApPayment(structuredClone(payment));
  }

  /** Payments updated in the window with these statuses, oldest update first (never skipping one). */
  async *scanPayments(filter: PaymentScanFilter = {}): AsyncIterable<ApPayment> {
    yield* this.listPayments({
      ...(filter.updatedAfter === undefined ? {} : { updatedAfter: filter.updatedAfter }),
      ...(filter.updatedBefore === undefined ? {} : { updatedBefore: filter.updatedBefore }),
      ...(filter.statuses === undefined ? {} : { statuses: filter.statuses }),
    });
  }

  async getPaymentApplications(payment: ApPayment): Promise<PaymentApplications> {
    return structuredClone(
      this.applications.get(payment.id) ?? { applications: [], appliedTotal: '0', complete: false },
    );
  }

  async *listCompanyPaymentMethods(): AsyncIterable<PaymentMethod> {
    for (const method of this.paymentMethods) yield toPaymentMethod(structuredClone(method));
  }

  async downloadAttachment(attachment: InvoiceFile): Promise<DownloadedAttachment> {
    this.faults.check('downloadAttachment');
    const file = this.files.get(attachment.uuid);
    if (file === undefined) {
      throw new DataError(`procurify: invoice file ${attachment.name} cannot be downloaded`, {
        source: 'procurify',
        status: 404,
      });
    }
    return { content: file.content, contentType: file.contentType };
  }

  private summaries(filter: {
    modifiedAfter?: Date | string;
    modifiedBefore?: Date | string;
    status?: number | number[];
  }): ApBillSummary[] {
    const statuses = filter.status === undefined ? undefined : new Set([filter.status].flat());
    const after = time(filter.modifiedAfter);
    const before = time(filter.modifiedBefore);
    return [...this.bills.values()]
      .filter((bill) => {
        const modified = Date.parse(bill.last_modified_datetime);
        return (
          (after === undefined || modified >= after) &&
          (before === undefined || modified <= before) &&
          (statuses === undefined || statuses.has(bill.status))
        );
      })
      .sort((a, b) => Date.parse(a.last_modified_datetime) - Date.parse(b.last_modified_datetime))
      .map((bill) =>
        toApBillSummary({
          id: bill.id,
          uuid: bill.uuid,
          status: bill.status,
          last_modified_datetime: bill.last_modified_datetime,
          invoice_number: bill.invoice_number,
          vendor: { id: bill.vendor.id, name: bill.vendor.name },
          currency: bill.currency,
          group: bill.group,
          total_cost_with_tax: bill.total_cost_with_tax,
          invoice_date: bill.invoice_date,
          due_date: bill.due_date,
        }),
      );
  }
}
