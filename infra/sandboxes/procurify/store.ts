// The Procurify sandbox's in-memory company: master data, bills and payments, and the changes a
// Procurify user makes (approve a bill, record a payment, ...). Called by the API routes (api.ts), the
// admin API (admin.ts), the sandbox object (index.ts) and demo-data.ts. Every change takes a fresh
// tick of the modification clock so pollers filtering on modification time see it.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { seededRandom } from '../faults.ts';
import {
  type AttachmentInput,
  accountCodeInputSchema,
  attachmentInputSchema,
  type BillInput,
  type BillPatch,
  billInputSchema,
  billPatchSchema,
  currencyInputSchema,
  customFieldInputSchema,
  departmentInputSchema,
  locationInputSchema,
  type PaymentInput,
  paymentInputSchema,
  paymentMethodInputSchema,
  paymentTermInputSchema,
  type SeedRecords,
  seedRecordsSchema,
  vendorInputSchema,
} from './inputs.ts';
import {
  type AccountCodeRecord,
  type AttachmentRecord,
  type BillAmounts,
  type BillCostRecord,
  type BillItemRecord,
  type BillRecord,
  billAmounts,
  billLineContentType,
  billStatus,
  type CompanyPaymentMethodRecord,
  type CostAllocationRecord,
  type CurrencyRecord,
  type CustomFieldRecord,
  type CustomFieldValueRecord,
  type DepartmentRecord,
  extendedCents,
  isCalendarDate,
  type LocationRecord,
  lineTaxSplit,
  ModificationClock,
  type PaymentApplication,
  type PaymentRecord,
  type PaymentStatus,
  type PaymentTermRecord,
  parseCents,
  type VendorRecord,
} from './model.ts';
import type { FieldErrors } from './validation.ts';

/** A refused sandbox operation (admin API answers it with `status`). */
export class SandboxInputError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = 'SandboxInputError';
    this.status = status;
  }
}

type IdKind =
  | 'currency'
  | 'paymentTerm'
  | 'location'
  | 'department'
  | 'accountCode'
  | 'vendor'
  | 'paymentMethod'
  | 'bill'
  | 'billItem'
  | 'billCost'
  | 'costAllocation'
  | 'customField'
  | 'customFieldValue'
  | 'attachment'
  | 'billStatus'
  | 'payment'
  | 'billPayment'
  | 'billGroup';

/** Payment statuses that no longer hold money against a bill. */
const voidPaymentStatuses: ReadonlySet<PaymentStatus> = new Set(['failed', 'denied']);
/** Payment statuses past approval (the bill shows "Payment Approved" while they are under way). */
const advancedPaymentStatuses: ReadonlySet<PaymentStatus> = new Set([
  'approved',
  'scheduled',
  'processing',
  'paid',
]);
/** Bill statuses a payment may be recorded against (approved, or already partly in payment). */
const payableBillStatuses: ReadonlySet<number> = new Set([
  billStatus.approved,
  billStatus.paymentConfirmed,
  billStatus.paymentApproved,
  billStatus.paymentLimbo,
]);

/** Everything the store holds, as plain values (the sandbox's snapshot file in local mode). */
export interface ProcurifyStoreSnapshot {
  /** The seeded UUID source: its seed and how many numbers it has drawn (new UUIDs continue the sequence). */
  random: { seed: number; draws: number };
  /** The modification clock's last tick (microseconds): later changes stay strictly later. */
  lastTick: number;
  /** Next id per kind of record. */
  nextIds: Record<string, number>;
  // Records in insertion order (the order of the store's maps, which listings follow).
  currencies: CurrencyRecord[];
  paymentTerms: PaymentTermRecord[];
  locations: LocationRecord[];
  departments: DepartmentRecord[];
  accountCodes: AccountCodeRecord[];
  vendors: VendorRecord[];
  /** Absent from snapshots written before custom fields existed. */
  customFields?: CustomFieldRecord[];
  paymentMethods: CompanyPaymentMethodRecord[];
  bills: BillRecord[];
  payments: PaymentRecord[];
}

export interface MarkAsPaidResult {
  bill_uuids: string[];
  bill_group_ids: number[];
  payment_date: string;
}

/** The store's record collections (as in its snapshot). */
export type ProcurifyCollection = Exclude<keyof ProcurifyStoreSnapshot, 'random' | 'lastTick' | 'nextIds'>;

/** A record a change wrote (a new one or one changed in place). */
export interface TouchedRecord {
  collection: ProcurifyCollection;
  record: { id: number };
}

export class ProcurifyStore {
  readonly currencies = new Map<number, CurrencyRecord>();
  readonly paymentTerms = new Map<number, PaymentTermRecord>();
  readonly locations = new Map<number, LocationRecord>();
  readonly departments = new Map<number, DepartmentRecord>();
  readonly accountCodes = new Map<number, AccountCodeRecord>();
  readonly vendors = new Map<number, VendorRecord>();
  /** Company custom fields (on bill lines). */
  readonly customFields = new Map<number, CustomFieldRecord>();
  readonly paymentMethods = new Map<number, CompanyPaymentMethodRecord>();
  /** Bills by UUID (the id Procurify uses in bill URLs). */
  readonly bills = new Map<string, BillRecord>();
  readonly payments = new Map<number, PaymentRecord>();
  readonly clock: ModificationClock;
  private readonly applicationsByBill = new Map<
    string,
    Array<{ payment: PaymentRecord; app: PaymentApplication }>
  >();
  private nextIds = new Map<IdKind, number>();
  private randomSeed: number;
  private randomDraws = 0;
  private randomSource: () => number;
  private listeners: Array<(touched: readonly TouchedRecord[]) => void> = [];

  constructor(clock = new ModificationClock(), seed = 1) {
    this.clock = clock;
    this.randomSeed = seed;
    this.randomSource = seededRandom(seed);
    this.reset(seed);
  }

  /**
   * Hears every change made through the store's methods (the snapshot file in local mode), with the
   * records it wrote; none means anything may have changed (a reset, a restore).
   */
  onChange(listener: (touched: readonly TouchedRecord[]) => void): void {
    this.listeners.push(listener);
  }

  private changed(...touched: TouchedRecord[]): void {
    for (const listener of this.listeners) listener(touched);
  }

  /** The snapshot's parts besides the records: UUID source, clock, id counters. */
  counters(): Pick<ProcurifyStoreSnapshot, 'random' | 'lastTick' | 'nextIds'> {
    return {
      random: { seed: this.randomSeed, draws: this.randomDraws },
      lastTick: this.clock.lastTick,
      nextIds: Object.fromEntries(this.nextIds),
    };
  }

  /** The seeded source, counted so a restored store continues the same sequence. */
  private random(): number {
    this.randomDraws += 1;
    return this.randomSource();
  }

  private reseed(seed: number, draws = 0): void {
    this.randomSeed = seed;
    this.randomSource = seededRandom(seed);
    for (let i = 0; i < draws; i++) this.randomSource();
    this.randomDraws = draws;
  }

  snapshot(): ProcurifyStoreSnapshot {
    return {
      ...this.counters(),
      currencies: [...this.currencies.values()],
      paymentTerms: [...this.paymentTerms.values()],
      locations: [...this.locations.values()],
      departments: [...this.departments.values()],
      accountCodes: [...this.accountCodes.values()],
      vendors: [...this.vendors.values()],
      customFields: [...this.customFields.values()],
      paymentMethods: [...this.paymentMethods.values()],
      bills: [...this.bills.values()],
      payments: [...this.payments.values()],
    };
  }

  /** Replaces the contents with a snapshot's (the records are taken as they are, not copied). */
  restore(snapshot: ProcurifyStoreSnapshot): void {
    this.clearAll();
    for (const record of snapshot.currencies) this.currencies.set(record.id, record);
    for (const record of snapshot.paymentTerms) this.paymentTerms.set(record.id, record);
    for (const record of snapshot.locations) this.locations.set(record.id, record);
    for (const record of snapshot.departments) this.departments.set(record.id, record);
    for (const record of snapshot.accountCodes) this.accountCodes.set(record.id, record);
    for (const record of snapshot.vendors) this.vendors.set(record.id, record);
    for (const record of snapshot.customFields ?? []) this.customFields.set(record.id, record);
    for (const record of snapshot.paymentMethods) this.paymentMethods.set(record.id, record);
    for (const record of snapshot.bills) this.bills.set(record.uuid, withBillDefaults(record));
    // Payments in the order they were recorded: each bill lists its payments oldest first.
    for (const payment of snapshot.payments) {
      this.payments.set(payment.id, payment);
      for (const app of payment.applications) {
        const list = this.applicationsByBill.get(app.billUuid) ?? [];
        list.push({ payment, app });
        this.applicationsByBill.set(app.billUuid, list);
      }
    }
    for (const [kind, next] of Object.entries(snapshot.nextIds)) this.nextIds.set(kind as IdKind, next);
    this.reseed(snapshot.random.seed, snapshot.random.draws);
    this.clock.resumeAfter(snapshot.lastTick);
    this.changed();
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

  private clearAll(): void {
    for (const map of [
      this.currencies,
      this.paymentTerms,
      this.locations,
      this.departments,
      this.accountCodes,
      this.vendors,
      this.customFields,
      this.paymentMethods,
      this.bills,
      this.payments,
      this.applicationsByBill,
    ] as Array<Map<unknown, unknown>>) {
      map.clear();
    }
    this.nextIds.clear();
  }

  // ---- ids -------------------------------------------------------------------------------------

  private allocate(kind: IdKind, requested?: number): number {
    const next = this.nextIds.get(kind) ?? 1;
    const id = requested ?? next;
    this.nextIds.set(kind, Math.max(next, id + 1));
    return id;
  }

  /** A version 4 UUID drawn from the seeded source (deterministic demo data). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  // ---- lookups ---------------------------------------------------------------------------------

  baseCurrency(): CurrencyRecord {
    for (const currency of this.currencies.values()) if (currency.base) return currency;
    throw new SandboxInputError('no base currency', 500);
  }

  currencyByCode(code: string): CurrencyRecord {
    for (const currency of this.currencies.values())
      if (currency.name === code.toUpperCase()) return currency;
    throw new SandboxInputError(`unknown currency ${code}`);
  }

  bill(uuid: string): BillRecord {
    const bill = this.bills.get(uuid);
    if (bill === undefined) throw new SandboxInputError(`no bill ${uuid}`, 404);
    return bill;
  }

  payment(id: number): PaymentRecord {
    const payment = this.payments.get(id);
    if (payment === undefined) throw new SandboxInputError(`no payment ${id}`, 404);
    return payment;
  }

  /** The bill's amounts: subtotal, total (with costs), tax, shipping, owed (model.ts billAmounts). */
  billAmounts(bill: BillRecord): BillAmounts {
    return billAmounts(bill);
  }

  /**
   * What the vendor is owed: the bill's `invoice_total` (total_cost_with_tax + shipping_amount). Payments
   * apply against it: paying it in full makes the bill Paid.
   */
  billTotalCents(bill: BillRecord): number {
    return billAmounts(bill).owedCents;
  }

  /** Payments (with the amount applied to this bill), oldest first. */
  applicationsOf(billUuid: string): Array<{ payment: PaymentRecord; app: PaymentApplication }> {
    return this.applicationsByBill.get(billUuid) ?? [];
  }

  /** What is still owed on a bill: its total less what live (not failed or denied) payments apply. */
  openCents(bill: BillRecord): number {
    const applied = this.applicationsOf(bill.uuid)
      .filter((entry) => !voidPaymentStatuses.has(entry.payment.status))
      .reduce((sum, entry) => sum + entry.app.amountCents, 0);
    return this.billTotalCents(bill) - applied;
  }

  /** The vendor of a payment (all its bills share one). */
  paymentVendorId(payment: PaymentRecord): number | undefined {
    const first = payment.applications[0];
    return first === undefined ? undefined : this.bills.get(first.billUuid)?.vendorId;
  }

  paymentBillGroups(payment: PaymentRecord): number[] {
    const groups = new Set<number>();
    for (const app of payment.applications) {
      const group = this.bills.get(app.billUuid)?.group;
      if (group !== undefined && group !== null) groups.add(group);
    }
    return [...groups].sort((a, b) => a - b);
  }

  // ---- seeding ---------------------------------------------------------------------------------

  addCurrency(input: z.input<typeof currencyInputSchema>): CurrencyRecord {
    const value = currencyInputSchema.parse(input);
    const record: CurrencyRecord = { ...value, id: this.allocate('currency', value.id) };
    this.currencies.set(record.id, record);
    this.changed({ collection: 'currencies', record });
    return record;
  }

  addPaymentTerm(input: z.input<typeof paymentTermInputSchema>): PaymentTermRecord {
    const value = paymentTermInputSchema.parse(input);
    const record: PaymentTermRecord = { ...value, id: this.allocate('paymentTerm', value.id) };
    this.paymentTerms.set(record.id, record);
    this.changed({ collection: 'paymentTerms', record });
    return record;
  }

  addLocation(input: z.input<typeof locationInputSchema>): LocationRecord {
    const { currency, ...value } = locationInputSchema.parse(input);
    const record: LocationRecord = {
      ...value,
      id: this.allocate('location', value.id),
      currencyId: this.currencyByCode(currency).id,
    };
    this.locations.set(record.id, record);
    this.changed({ collection: 'locations', record });
    return record;
  }

  addDepartment(input: z.input<typeof departmentInputSchema>): DepartmentRecord {
    const value = departmentInputSchema.parse(input);
    if (!this.locations.has(value.branch)) throw new SandboxInputError(`no location ${value.branch}`);
    const record: DepartmentRecord = {
      ...value,
      id: this.allocate('department', value.id),
      punchout_email: null,
    };
    this.departments.set(record.id, record);
    this.changed({ collection: 'departments', record });
    return record;
  }

  addAccountCode(input: z.input<typeof accountCodeInputSchema>): AccountCodeRecord {
    const value = accountCodeInputSchema.parse(input);
    if (this.accountCodeByCode(value.code) !== undefined) {
      throw new SandboxInputError(`account code ${value.code} already exists`, 409);
    }
    const record: AccountCodeRecord = { ...value, id: this.allocate('accountCode', value.id) };
    this.accountCodes.set(record.id, record);
    this.changed({ collection: 'accountCodes', record });
    return record;
  }

  addVendor(input: z.input<typeof vendorInputSchema>): VendorRecord {
    const { currency, payment_terms, ...value } = vendorInputSchema.parse(input);
    let termId: number | null = null;
    if (payment_terms !== null) {
      const term = [...this.paymentTerms.values()].find((t) => t.name === payment_terms);
      termId = term?.id ?? this.addPaymentTerm({ name: payment_terms }).id;
    }
    const record: VendorRecord = {
      ...value,
      id: this.allocate('vendor', value.id),
      currency: currency === null ? null : this.currencyByCode(currency).id,
      payment_term_ref: termId,
      phoneTwo: null,
      fax: null,
      comments: null,
      tax: null,
      default_payment_method: null,
      is_1099_eligible: null,
      modified: this.clock.tick(),
    };
    this.vendors.set(record.id, record);
    this.changed({ collection: 'vendors', record });
    return record;
  }

  addPaymentMethod(input: z.input<typeof paymentMethodInputSchema>): CompanyPaymentMethodRecord {
    const { currency, ...value } = paymentMethodInputSchema.parse(input);
    const record: CompanyPaymentMethodRecord = {
      ...value,
      id: this.allocate('paymentMethod', value.id),
      currencyId: this.currencyByCode(currency).id,
    };
    this.paymentMethods.set(record.id, record);
    this.changed({ collection: 'paymentMethods', record });
    return record;
  }

  addCustomField(input: z.input<typeof customFieldInputSchema>): CustomFieldRecord {
    const value = customFieldInputSchema.parse(input);
    if (this.customFieldByName(value.name) !== undefined)
      throw new SandboxInputError(`custom field ${value.name} already exists`, 409);
    const record: CustomFieldRecord = {
      ...value,
      id: this.allocate('customField', value.id),
      content_type: billLineContentType,
    };
    this.customFields.set(record.id, record);
    this.changed({ collection: 'customFields', record });
    return record;
  }

  customFieldByName(name: string): CustomFieldRecord | undefined {
    for (const record of this.customFields.values()) if (record.name === name) return record;
    return undefined;
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

  accountCodeByCode(code: string): AccountCodeRecord | undefined {
    for (const record of this.accountCodes.values()) if (record.code === code) return record;
    return undefined;
  }

  // ---- API writes (values already validated by validation.ts) ---------------------------------

  /** A nested payment term of a vendor write as a term id: found by name, created when new. */
  private paymentTermFrom(values: Record<string, unknown>): Record<string, unknown> {
    if (!('payment_term_ref' in values)) return values;
    const term = values.payment_term_ref as {
      name: string;
      description?: string | null;
      active?: boolean;
    } | null;
    if (term === null) return { ...values, payment_term_ref: null };
    const existing = [...this.paymentTerms.values()].find((t) => t.name === term.name);
    const record =
      existing ??
      this.addPaymentTerm({
        name: term.name,
        description: term.description ?? null,
        active: term.active ?? true,
      });
    return { ...values, payment_term_ref: record.id };
  }

  createVendorFromApi(values: Record<string, unknown>): VendorRecord {
    const record: VendorRecord = {
      id: this.allocate('vendor'),
      name: '',
      active: true,
      addressLineOne: null,
      addressLineTwo: null,
      postalCode: null,
      city: null,
      state_province: null,
      country: null,
      phoneOne: null,
      phoneTwo: null,
      fax: null,
      email: [],
      comments: null,
      contact: null,
      url: null,
      external_id: null,
      currency: null,
      payment_term_ref: null,
      type: 3,
      tax: null,
      default_payment_method: null,
      is_1099_eligible: null,
      modified: 0,
    };
    Object.assign(record, this.paymentTermFrom(values), { modified: this.clock.tick() });
    this.vendors.set(record.id, record);
    this.changed({ collection: 'vendors', record });
    return record;
  }

  /** PUT and PATCH: fields absent from the body keep their value (as Django REST Framework does). */
  updateVendorFromApi(record: VendorRecord, values: Record<string, unknown>): VendorRecord {
    Object.assign(record, this.paymentTermFrom(values), { modified: this.clock.tick() });
    this.changed({ collection: 'vendors', record });
    return record;
  }

  /** A DRF-style error when another account code already has this code. */
  accountCodeConflict(code: unknown, selfId?: number): FieldErrors | undefined {
    if (typeof code !== 'string') return undefined;
    const existing = this.accountCodeByCode(code);
    return existing !== undefined && existing.id !== selfId
      ? { code: ['account code with this code already exists.'] }
      : undefined;
  }

  createAccountCodeFromApi(values: Record<string, unknown>): AccountCodeRecord {
    const record: AccountCodeRecord = {
      id: this.allocate('accountCode'),
      code: '',
      description: '',
      account_type: 2,
      active: true,
      parent: null,
      departments: [],
    };
    Object.assign(record, values);
    this.accountCodes.set(record.id, record);
    this.changed({ collection: 'accountCodes', record });
    return record;
  }

  /**
   * A Procurify user (de)activates an account code in the web app: the API cannot (its account code
   * request schemas have no `active`).
   */
  setAccountCodeActive(id: number, active: boolean): AccountCodeRecord {
    const record = this.accountCodes.get(id);
    if (record === undefined) throw new SandboxInputError(`no account code ${id}`, 404);
    record.active = active;
    this.changed({ collection: 'accountCodes', record });
    return record;
  }

  updateAccountCodeFromApi(record: AccountCodeRecord, values: Record<string, unknown>): AccountCodeRecord {
    Object.assign(record, values);
    this.changed({ collection: 'accountCodes', record });
    return record;
  }

  createDepartmentFromApi(values: Record<string, unknown>): DepartmentRecord {
    const record: DepartmentRecord = {
      id: this.allocate('department'),
      name: '',
      branch: 0,
      external_id: null,
      active: true,
      punchout_email: null,
    };
    Object.assign(record, values);
    this.departments.set(record.id, record);
    this.changed({ collection: 'departments', record });
    return record;
  }

  updateDepartmentFromApi(record: DepartmentRecord, values: Record<string, unknown>): DepartmentRecord {
    Object.assign(record, values);
    this.changed({ collection: 'departments', record });
    return record;
  }

  // ---- bills (a Procurify user's actions; bills cannot be written through the API) ------------

  private allocation(
    where: string,
    accountCode: number,
    department: number,
    amountCents: number,
    created: number,
  ): CostAllocationRecord {
    if (!this.accountCodes.has(accountCode))
      throw new SandboxInputError(`${where}: no account code ${accountCode}`);
    if (!this.departments.has(department))
      throw new SandboxInputError(`${where}: no department ${department}`);
    return {
      id: this.allocate('costAllocation'),
      accountCodeId: accountCode,
      departmentId: department,
      amountCents,
      created,
    };
  }

  /** A line's custom field values; a field named for the first time is created (boolean values: a `b` field). */
  private customFieldValues(
    where: string,
    values: Array<{ field: string; value: string | boolean }>,
  ): CustomFieldValueRecord[] {
    return values.map(({ field: name, value }) => {
      const field =
        this.customFieldByName(name) ??
        this.addCustomField({ name, field_type: typeof value === 'boolean' ? 'b' : 't' });
      if ((field.field_type === 'b') !== (typeof value === 'boolean')) {
        throw new SandboxInputError(
          `${where}: custom field ${name} (type ${field.field_type}) takes ${field.field_type === 'b' ? 'a boolean' : 'a string'}`,
        );
      }
      if (field.field_type === 'm' && !field.field_choices.includes(value as string)) {
        throw new SandboxInputError(
          `${where}: ${JSON.stringify(value)} is not a choice of custom field ${name}`,
        );
      }
      return { id: this.allocate('customFieldValue'), fieldId: field.id, value };
    });
  }

  /**
   * Bill lines from the user's input: the entered amount (amount, or quantity × unit_cost) is the net, or
   * the gross for an inclusive tax; net and tax follow model.ts lineTaxSplit; allocations add up to the net.
   */
  private buildItems(items: z.output<typeof billInputSchema>['items'], created: number): BillItemRecord[] {
    return items.map((item, index) => {
      const where = `items[${index}]`;
      const enteredCents =
        item.unit_cost !== undefined
          ? extendedCents(item.quantity, item.unit_cost)!
          : parseCents(item.amount!)!;
      const tax =
        item.tax_percentage === undefined
          ? null
          : { name: item.tax_name ?? '', percentage: item.tax_percentage, inclusive: item.tax_is_inclusive };
      const { netCents, taxCents } = lineTaxSplit(enteredCents, tax);
      const requested =
        item.cost_allocations ??
        (item.account_code !== undefined && item.department !== undefined
          ? [{ account_code: item.account_code, department: item.department, amount: undefined }]
          : undefined);
      if (requested === undefined) {
        throw new SandboxInputError(
          `${where}: give account_code and department, or cost_allocations (may be empty)`,
        );
      }
      let remaining = netCents;
      const allocations = requested.map((allocation, n) => {
        let amountCents: number;
        if (allocation.amount !== undefined) amountCents = parseCents(allocation.amount)!;
        else if (n === requested.length - 1) amountCents = remaining;
        else throw new SandboxInputError(`${where}: only the last allocation may omit its amount`);
        remaining -= amountCents;
        return this.allocation(where, allocation.account_code, allocation.department, amountCents, created);
      });
      if (allocations.length > 0 && remaining !== 0) {
        throw new SandboxInputError(
          `${where}: cost allocations do not add up to the line amount net of tax (${(netCents / 100).toFixed(2)})`,
        );
      }
      return {
        id: this.allocate('billItem'),
        description: item.description,
        sku: item.sku,
        unit: item.unit,
        quantity: item.bill_by_cost ? '1' : item.quantity,
        unitCost: item.bill_by_cost ? null : (item.unit_cost ?? null),
        billByCost: item.bill_by_cost,
        totalCents: netCents,
        taxCents,
        tax,
        shippingCents: item.shipping_amount === undefined ? null : parseCents(item.shipping_amount)!,
        customFields: this.customFieldValues(where, item.custom_fields),
        allocations,
      };
    });
  }

  private buildCosts(costs: z.output<typeof billInputSchema>['costs'], created: number): BillCostRecord[] {
    return costs.map((cost, index) => {
      const amountCents = parseCents(cost.amount)!;
      return {
        id: this.allocate('billCost'),
        name: cost.name,
        amountCents,
        costClass: cost.cost,
        allocation: this.allocation(
          `costs[${index}]`,
          cost.account_code,
          cost.department,
          amountCents,
          created,
        ),
      };
    });
  }

  private buildAttachment(input: z.output<typeof attachmentInputSchema>, created: number): AttachmentRecord {
    const bytes = Buffer.from(input.content, 'base64');
    let uuid = input.uuid ?? this.uuid();
    while (input.uuid === undefined && this.attachment(uuid) !== undefined) uuid = this.uuid();
    for (const bill of this.bills.values())
      if (bill.attachments.some((a) => a.uuid === uuid))
        throw new SandboxInputError(`attachment ${uuid} already exists`, 409);
    return {
      id: this.allocate('attachment'),
      uuid,
      name: input.name,
      description: input.description,
      mimetype: input.mimetype,
      contentBase64: input.content,
      length: bytes.length,
      sha1: input.sha1_hash ?? createHash('sha1').update(bytes).digest('hex'),
      externalUrl: input.file_url ?? null,
      user: 1,
      created,
    };
  }

  private buildAttachments(
    inputs: z.output<typeof attachmentInputSchema>[],
    created: number,
  ): AttachmentRecord[] {
    const built: AttachmentRecord[] = [];
    for (const input of inputs) {
      const record = this.buildAttachment(input, created);
      if (built.some((a) => a.uuid === record.uuid))
        throw new SandboxInputError(`attachment ${record.uuid} listed twice`, 409);
      built.push(record);
    }
    return built;
  }

  /** The attachment with this UUID and its bill (the download route's lookup). */
  attachment(uuid: string): { bill: BillRecord; attachment: AttachmentRecord } | undefined {
    for (const bill of this.bills.values()) {
      const attachment = bill.attachments.find((a) => a.uuid === uuid);
      if (attachment !== undefined) return { bill, attachment };
    }
    return undefined;
  }

  /** A Procurify user attaches an invoice file to a bill (a new version of the bill). */
  addBillAttachment(uuid: string, input: AttachmentInput): AttachmentRecord {
    const bill = this.bill(uuid);
    const value = attachmentInputSchema.parse(input);
    const at = this.clock.tick();
    const attachment = this.buildAttachment(value, at);
    bill.attachments.push(attachment);
    bill.version += 1;
    bill.modified = at;
    this.changed({ collection: 'bills', record: bill });
    return attachment;
  }

  private checkDates(value: { invoice_date?: string | null; due_date?: string | null }): void {
    for (const field of ['invoice_date', 'due_date'] as const) {
      const date = value[field];
      if (typeof date === 'string' && !isCalendarDate(date))
        throw new SandboxInputError(`${field}: no such date`);
    }
  }

  createBill(input: BillInput): BillRecord {
    const value = billInputSchema.parse(input);
    const vendor = this.vendors.get(value.vendor);
    if (vendor === undefined) throw new SandboxInputError(`no vendor ${value.vendor}`);
    this.checkDates(value);
    let uuid = value.uuid ?? this.uuid();
    if (this.bills.has(uuid)) {
      if (value.uuid !== undefined) throw new SandboxInputError(`bill ${uuid} already exists`, 409);
      // A drawn UUID that a seeded bill (demo data draws its own) already has: draw again.
      while (this.bills.has(uuid)) uuid = this.uuid();
    }
    const currencyId =
      value.currency !== undefined
        ? this.currencyByCode(value.currency).id
        : (vendor.currency ?? this.baseCurrency().id);
    const created = this.clock.tick();
    const bill: BillRecord = {
      id: this.allocate('bill'),
      uuid,
      vendorId: vendor.id,
      currencyId,
      invoice_number: value.invoice_number,
      invoice_date: value.invoice_date,
      due_date: value.due_date,
      payment_terms: value.payment_terms,
      status: value.status,
      type: value.type,
      active: true,
      note: value.note,
      group: null,
      submitted: value.status >= billStatus.confirmed ? created : null,
      created,
      modified: created,
      version: 1,
      items: this.buildItems(value.items, created),
      costs: this.buildCosts(value.costs, created),
      attachments: this.buildAttachments(value.invoice_attachments, created),
      statuses: [{ id: this.allocate('billStatus'), status: value.status, at: created }],
      paidDate: null,
    };
    this.bills.set(uuid, bill);
    this.changed({ collection: 'bills', record: bill });
    return bill;
  }

  /** Edits a bill as a Procurify user would (items, when given, replace the bill's items). */
  editBill(uuid: string, patch: BillPatch): BillRecord {
    const bill = this.bill(uuid);
    const value = billPatchSchema.parse(patch);
    this.checkDates(value);
    const at = this.clock.tick();
    // Everything is built before the bill changes: a refused edit leaves it as it was.
    if (value.vendor !== undefined && !this.vendors.has(value.vendor))
      throw new SandboxInputError(`no vendor ${value.vendor}`);
    const currencyId = value.currency === undefined ? undefined : this.currencyByCode(value.currency).id;
    const items = value.items === undefined ? undefined : this.buildItems(value.items, at);
    const costs = value.costs === undefined ? undefined : this.buildCosts(value.costs, at);
    let attachments: AttachmentRecord[] | undefined;
    if (value.invoice_attachments !== undefined) {
      // The bill's own attachments may be given again (same UUIDs): they are replaced.
      const kept = bill.attachments;
      bill.attachments = [];
      try {
        attachments = this.buildAttachments(value.invoice_attachments, at);
      } finally {
        bill.attachments = kept;
      }
    }
    if (value.vendor !== undefined) bill.vendorId = value.vendor;
    if (currencyId !== undefined) bill.currencyId = currencyId;
    if (items !== undefined) bill.items = items;
    if (costs !== undefined) bill.costs = costs;
    if (attachments !== undefined) bill.attachments = attachments;
    for (const field of [
      'invoice_number',
      'invoice_date',
      'due_date',
      'payment_terms',
      'type',
      'note',
    ] as const) {
      if (value[field] !== undefined) (bill as unknown as Record<string, unknown>)[field] = value[field];
    }
    if (value.status !== undefined) this.setBillStatus(bill, value.status, at);
    bill.version += 1;
    bill.modified = at;
    this.changed({ collection: 'bills', record: bill });
    return bill;
  }

  private setBillStatus(bill: BillRecord, status: number, at: number): void {
    if (bill.status === status) return;
    bill.status = status;
    bill.statuses.push({ id: this.allocate('billStatus'), status, at });
    if (status >= billStatus.confirmed && bill.submitted === null) bill.submitted = at;
    bill.modified = at;
  }

  /** The approver approves the bill: status 2 (Approved). Approving an approved bill changes nothing. */
  approveBill(uuid: string): BillRecord {
    const bill = this.bill(uuid);
    if (bill.status === billStatus.approved) return bill;
    if (
      !(
        [billStatus.draft, billStatus.confirmed, billStatus.denied, billStatus.withdrawn] as number[]
      ).includes(bill.status)
    ) {
      throw new SandboxInputError(
        `bill ${uuid} has status ${bill.status}; only unpaid bills can be approved`,
        409,
      );
    }
    this.setBillStatus(bill, billStatus.approved, this.clock.tick());
    this.changed({ collection: 'bills', record: bill });
    return bill;
  }

  /**
   * `POST /api/v3/ap/bills/mark-as-paid/`: "set approved bills without payments to paid status".
   * Sandbox decision (Procurify documents no errors): all or nothing; unknown UUIDs and bills that are
   * not Approved (2) or already have a payment are refused with a 400 naming them under `bill_uuids`
   * (so marking an already-paid bill again is refused, not ignored).
   */
  markBillsPaid(
    uuids: string[],
    groupIds: number[],
    paymentDate: string,
  ): { ok: true; value: MarkAsPaidResult } | { ok: false; errors: FieldErrors } {
    if (!isCalendarDate(paymentDate)) {
      return {
        ok: false,
        errors: { payment_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
      };
    }
    const unknown = uuids.filter((uuid) => !this.bills.has(uuid));
    if (unknown.length > 0)
      return { ok: false, errors: { bill_uuids: [`Bills not found: ${unknown.join(', ')}.`] } };
    const targets = new Map<string, BillRecord>();
    for (const uuid of uuids) targets.set(uuid, this.bills.get(uuid)!);
    if (groupIds.length > 0) {
      for (const bill of this.bills.values())
        if (bill.group !== null && groupIds.includes(bill.group)) targets.set(bill.uuid, bill);
    }
    if (targets.size === 0) return { ok: false, errors: { bill_uuids: ['This list may not be empty.'] } };
    const refused = [...targets.values()].filter(
      (bill) => bill.status !== billStatus.approved || this.applicationsOf(bill.uuid).length > 0,
    );
    if (refused.length > 0) {
      return {
        ok: false,
        errors: {
          bill_uuids: [
            `Only approved bills without payments can be marked as paid: ${refused
              .map((bill) => `${bill.uuid} (status ${bill.status})`)
              .join(', ')}.`,
          ],
        },
      };
    }
    for (const bill of targets.values()) {
      const at = this.clock.tick();
      this.setBillStatus(bill, billStatus.paid, at);
      bill.paidDate = paymentDate;
      bill.version += 1;
    }
    this.changed(...[...targets.values()].map((bill) => ({ collection: 'bills' as const, record: bill })));
    return { ok: true, value: { bill_uuids: uuids, bill_group_ids: groupIds, payment_date: paymentDate } };
  }

  // ---- payments ----------------------------------------------------------------------------------

  /**
   * A Procurify user records a payment of one or several approved bills (same vendor and currency);
   * an amount below a bill's open amount is a partial payment. Bills not yet in a bill group are put
   * in a new one (the payment's `bill_groups`), and each bill's status follows its payments.
   */
  recordPayment(input: PaymentInput): PaymentRecord {
    const value = paymentInputSchema.parse(input);
    const method = this.paymentMethods.get(value.method);
    if (method === undefined) throw new SandboxInputError(`no company payment method ${value.method}`);
    if (value.id !== undefined && this.payments.has(value.id))
      throw new SandboxInputError(`payment ${value.id} exists`, 409);
    const seen = new Set<string>();
    const bills = value.bills.map((entry) => {
      if (seen.has(entry.uuid)) throw new SandboxInputError(`bill ${entry.uuid} listed twice`);
      seen.add(entry.uuid);
      const bill = this.bill(entry.uuid);
      const amountCents = parseCents(entry.amount)!;
      if (!payableBillStatuses.has(bill.status)) {
        throw new SandboxInputError(
          `bill ${bill.uuid} has status ${bill.status}; only approved bills can be paid`,
          409,
        );
      }
      if (amountCents <= 0)
        throw new SandboxInputError(`bill ${bill.uuid}: the applied amount must be positive`);
      if (amountCents > this.openCents(bill)) {
        throw new SandboxInputError(`bill ${bill.uuid}: the applied amount is above the open amount`);
      }
      return { bill, amountCents };
    });
    const first = bills[0]!.bill;
    for (const { bill } of bills) {
      if (bill.vendorId !== first.vendorId)
        throw new SandboxInputError('all bills of a payment must have one vendor');
      if (bill.currencyId !== first.currencyId)
        throw new SandboxInputError('all bills of a payment must have one currency');
    }
    const at = this.clock.tick();
    const payment: PaymentRecord = {
      id: this.allocate('payment', value.id),
      uuid: this.uuid(),
      creator: { email: value.creator_email, first_name: 'AP', last_name: 'Clerk' },
      created: at,
      modified: at,
      amountCents: bills.reduce((sum, entry) => sum + entry.amountCents, 0),
      currencyId: first.currencyId,
      status: value.status,
      methodId: method.id,
      // Money that left the company has a date: a paid or processing payment without one is dated today.
      paymentDate:
        value.payment_date ??
        (value.status === 'paid' || value.status === 'processing'
          ? new Date(Math.floor(at / 1000)).toISOString().slice(0, 10)
          : null),
      memo: value.memo,
      reference_number: value.reference_number,
      applications: [],
    };
    const ungrouped = bills.filter(({ bill }) => bill.group === null);
    if (ungrouped.length > 0) {
      const group = this.allocate('billGroup');
      for (const { bill } of ungrouped) bill.group = group;
    }
    for (const { bill, amountCents } of bills) {
      const app: PaymentApplication = {
        billPaymentId: this.allocate('billPayment'),
        billUuid: bill.uuid,
        amountCents,
      };
      payment.applications.push(app);
      const list = this.applicationsByBill.get(bill.uuid) ?? [];
      list.push({ payment, app });
      this.applicationsByBill.set(bill.uuid, list);
    }
    this.payments.set(payment.id, payment);
    for (const { bill } of bills) this.followPayments(bill);
    this.changed(
      { collection: 'payments', record: payment },
      ...bills.map(({ bill }) => ({ collection: 'bills' as const, record: bill })),
    );
    return payment;
  }

  /** Changes a payment's status (approval, processing, paid, failed, ...); its bills follow. */
  setPaymentStatus(id: number, status: PaymentStatus): PaymentRecord {
    const payment = this.payment(id);
    if (payment.status === status) return payment;
    payment.status = status;
    payment.modified = this.clock.tick();
    for (const app of payment.applications) this.followPayments(this.bill(app.billUuid));
    this.changed(
      { collection: 'payments', record: payment },
      ...payment.applications.map((app) => ({
        collection: 'bills' as const,
        record: this.bill(app.billUuid),
      })),
    );
    return payment;
  }

  /** A bill's status after a change to its payments; always a new modification time. */
  private followPayments(bill: BillRecord): void {
    const entries = this.applicationsOf(bill.uuid);
    const live = entries.filter((entry) => !voidPaymentStatuses.has(entry.payment.status));
    const paidCents = live
      .filter((entry) => entry.payment.status === 'paid')
      .reduce((sum, entry) => sum + entry.app.amountCents, 0);
    let status: number;
    if (paidCents >= this.billTotalCents(bill)) status = billStatus.paid;
    else if (live.some((entry) => advancedPaymentStatuses.has(entry.payment.status)))
      status = billStatus.paymentApproved;
    else if (live.length > 0) status = billStatus.paymentConfirmed;
    else if (entries.some((entry) => entry.payment.status === 'failed')) status = billStatus.paymentLimbo;
    else status = billStatus.approved;
    const at = this.clock.tick();
    this.setBillStatus(bill, status, at);
    if (status === billStatus.paid) {
      const dates = live.map((entry) => entry.payment.paymentDate).filter((d): d is string => d !== null);
      bill.paidDate = dates.sort().at(-1) ?? bill.paidDate;
    }
    bill.version += 1;
    bill.modified = at;
  }
}

/**
 * A bill restored from a snapshot written before bills carried tax, shipping, costs, custom fields and
 * attachments: the missing fields get the values of a bill without them.
 */
function withBillDefaults(bill: BillRecord): BillRecord {
  const loose = bill as Partial<BillRecord> & BillRecord;
  loose.costs ??= [];
  loose.attachments ??= [];
  for (const item of loose.items) {
    const line = item as Partial<BillItemRecord> & BillItemRecord;
    line.unitCost ??= null;
    line.billByCost ??= false;
    line.taxCents ??= 0;
    line.tax ??= null;
    line.shippingCents ??= null;
    line.customFields ??= [];
  }
  return bill;
}
