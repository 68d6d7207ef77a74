// The Procurify sandbox's records as one company, which the store's parts (store-*.ts) change: the
// collections, the id counters, the seeded UUID source, the modification clock, the lookups every part
// uses, and the change hook — each write calls `changed` with the records it wrote before the sandbox
// answers, so local mode journals it first (snapshot.ts). Snapshot and restore of the whole company.
import { seededRandom } from '../faults.ts';
import {
  type AccountCodeRecord,
  type BillAmounts,
  type BillItemRecord,
  type BillRecord,
  billAmounts,
  type CompanyPaymentMethodRecord,
  type CurrencyRecord,
  type CustomFieldRecord,
  type DepartmentRecord,
  type LocationRecord,
  ModificationClock,
  type PaymentApplication,
  type PaymentRecord,
  type PaymentStatus,
  type PaymentTermRecord,
  type VendorRecord,
} from './model.ts';

/** A refused sandbox operation (admin API answers it with `status`). */
export class SandboxInputError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = 'SandboxInputError';
    this.status = status;
  }
}

export type IdKind =
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
export const voidPaymentStatuses: ReadonlySet<PaymentStatus> = new Set(['failed', 'denied']);

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

/** The store's record collections (as in its snapshot). */
export type ProcurifyCollection = Exclude<keyof ProcurifyStoreSnapshot, 'random' | 'lastTick' | 'nextIds'>;

/** The collections whose records are keyed by id (bills are keyed by UUID), and their records. */
interface RecordsById {
  currencies: CurrencyRecord;
  paymentTerms: PaymentTermRecord;
  locations: LocationRecord;
  departments: DepartmentRecord;
  accountCodes: AccountCodeRecord;
  vendors: VendorRecord;
  customFields: CustomFieldRecord;
  paymentMethods: CompanyPaymentMethodRecord;
}

/** A record a change wrote (a new one or one changed in place). */
export interface TouchedRecord {
  collection: ProcurifyCollection;
  record: { id: number };
}

export class ProcurifyRecords {
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
  }

  /**
   * Hears every change made through the store's methods (the snapshot file in local mode), with the
   * records it wrote; none means anything may have changed (a reset, a restore).
   */
  onChange(listener: (touched: readonly TouchedRecord[]) => void): void {
    this.listeners.push(listener);
  }

  /** Tells the listeners what a change wrote (called by every write, before the sandbox answers). */
  changed(...touched: TouchedRecord[]): void {
    for (const listener of this.listeners) listener(touched);
  }

  /** Adds a record to its collection and tells the change hook. */
  put<C extends keyof RecordsById>(collection: C, record: RecordsById[C]): RecordsById[C] {
    (this[collection] as Map<number, RecordsById[C]>).set(record.id, record);
    this.changed({ collection, record });
    return record;
  }

  /** Writes values over a record (fields absent from them keep theirs) and tells the change hook. */
  assign<C extends keyof RecordsById, R extends RecordsById[C]>(collection: C, record: R, values: object): R {
    Object.assign(record, values);
    this.changed({ collection, record });
    return record;
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

  protected reseed(seed: number, draws = 0): void {
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
      for (const app of payment.applications) this.linkApplication(payment, app);
    }
    for (const [kind, next] of Object.entries(snapshot.nextIds)) this.nextIds.set(kind as IdKind, next);
    this.reseed(snapshot.random.seed, snapshot.random.draws);
    this.clock.resumeAfter(snapshot.lastTick);
    this.changed();
  }

  protected clearAll(): void {
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

  /** The next id of a kind of record, or the requested one (later ids continue after it). */
  allocate(kind: IdKind, requested?: number): number {
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

  accountCodeByCode(code: string): AccountCodeRecord | undefined {
    for (const record of this.accountCodes.values()) if (record.code === code) return record;
    return undefined;
  }

  customFieldByName(name: string): CustomFieldRecord | undefined {
    for (const record of this.customFields.values()) if (record.name === name) return record;
    return undefined;
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

  /** Files a payment's application under its bill (after the bill's earlier payments). */
  linkApplication(payment: PaymentRecord, app: PaymentApplication): void {
    const list = this.applicationsByBill.get(app.billUuid) ?? [];
    list.push({ payment, app });
    this.applicationsByBill.set(app.billUuid, list);
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
