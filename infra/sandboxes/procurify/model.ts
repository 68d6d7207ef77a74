// The Procurify sandbox's internal records, money and clock: what store.ts keeps and views.ts renders
// into Procurify's API shapes. Money is integer cents here (never floats); timestamps are integer
// microseconds since the epoch so every change gets a strictly later `last_modified_datetime`.

export interface CurrencyRecord {
  id: number;
  name: string;
  description: string;
  rate: string;
  base: boolean;
  active: boolean;
}

export interface PaymentTermRecord {
  id: number;
  name: string;
  description: string | null;
  active: boolean;
}

export interface LocationRecord {
  id: number;
  name: string;
  currencyId: number;
  active: boolean;
  external_id: string | null;
  headquarter: boolean;
  phoneOne: string;
  email: string | null;
  addressLineOne: string;
  city: string;
  postalCode: string;
  state_province: string;
  country: string;
}

export interface DepartmentRecord {
  id: number;
  name: string;
  /** The location (Procurify calls it branch) the department belongs to. */
  branch: number;
  external_id: string | null;
  active: boolean;
  punchout_email: string | null;
}

export interface AccountCodeRecord {
  id: number;
  code: string;
  description: string;
  /** 0 assets, 1 liability, 2 expense, 3 income, 4 equity, 5 other. */
  account_type: number;
  active: boolean;
  parent: number | null;
  departments: number[];
}

export interface VendorRecord {
  id: number;
  name: string;
  active: boolean;
  addressLineOne: string | null;
  addressLineTwo: string | null;
  postalCode: string | null;
  city: string | null;
  state_province: string | null;
  country: string | null;
  phoneOne: string | null;
  phoneTwo: string | null;
  fax: string | null;
  email: string[];
  comments: string | null;
  contact: string | null;
  url: string | null;
  external_id: string | null;
  currency: number | null;
  payment_term_ref: number | null;
  type: number;
  tax: number | null;
  default_payment_method: number | null;
  is_1099_eligible: boolean | null;
  /** `dateModified`, microseconds. */
  modified: number;
}

export interface CompanyPaymentMethodRecord {
  id: number;
  name: string;
  /** 0 other, 1 check, 2 ACH, 3 EFT, 4 wire, 5-7 Procurify-managed, 8 Airwallex. */
  type: number;
  data: Record<string, unknown>;
  currencyId: number;
  gl_code: string;
}

export interface CostAllocationRecord {
  id: number;
  accountCodeId: number;
  departmentId: number;
  amountCents: number;
  created: number;
}

/**
 * A company custom field (CustomFieldRead). `content_type` is the Django content type of the records the
 * field applies to; the sandbox's fields all apply to bill lines (billLineContentType).
 */
export interface CustomFieldRecord {
  id: number;
  name: string;
  content_type: number;
  /** FieldTypeEnum: t text, a large text, i integer, f decimal, b boolean, m dropdown, d date, h date-time. */
  field_type: CustomFieldType;
  default_value: string;
  is_required: boolean;
  /** The choices of a dropdown (`m`) field. */
  field_choices: string[];
  is_active: boolean;
}

export const customFieldTypes = ['t', 'a', 'i', 'f', 'b', 'm', 'd', 'h'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

/** FieldTypeEnum's labels (the read-only `field_label`). */
export const customFieldLabels: Record<CustomFieldType, string> = {
  t: 'Text',
  a: 'Large Text Field',
  i: 'Integer',
  f: 'Floating point decimal',
  b: 'Boolean (Yes/No)',
  m: 'Dropdown Choices',
  d: 'Date',
  h: 'Date Time',
};

/**
 * Decision: the content type id of bill lines. Procurify does not publish its Django content type ids;
 * any stable integer serves (CustomFieldRead only says `content_type` is an integer).
 */
export const billLineContentType = 87;

/** A custom field's value on one bill line (CustomFieldValueRead: a string, or a boolean for `b` fields). */
export interface CustomFieldValueRecord {
  id: number;
  fieldId: number;
  value: string | boolean;
}

/** The tax of a bill line as entered (ItemReadSerializer_v2 `tax_name`, `tax_percentage`, `tax_is_inclusive`). */
export interface LineTax {
  name: string;
  /** A decimal string, e.g. `"7.25"` (at most 8 decimals: infra/contracts/facts/procurify.json's pattern). */
  percentage: string;
  /** The entered amount already contains the tax. */
  inclusive: boolean;
}

export interface BillItemRecord {
  id: number;
  description: string;
  sku: string;
  unit: string;
  /** As entered, a decimal string (`"1"` for lines billed by cost). */
  quantity: string;
  /** Bill by quantity: the unit cost as entered (a decimal string); null when the line is billed by cost. */
  unitCost: string | null;
  billByCost: boolean;
  /**
   * The line net of tax (`total_cost`). The amounts below are derived from what was entered by
   * lineAmounts() when the line is built, and kept so that every view shows the same cents.
   */
  totalCents: number;
  /** The line's tax (0 without one). */
  taxCents: number;
  tax: LineTax | null;
  /** The line's shipping (`shipping_amount`), null when none was entered. */
  shippingCents: number | null;
  customFields: CustomFieldValueRecord[];
  /** They add up to `totalCents` (the line net of tax). */
  allocations: CostAllocationRecord[];
}

/** A bill-level cost (BillCostRead): freight, a fee; coded with one account code and department. */
export interface BillCostRecord {
  id: number;
  name: string;
  amountCents: number;
  /** BillCostRead `cost` ("Cost Class"): null unless given. */
  costClass: number | null;
  allocation: CostAllocationRecord;
}

/** An invoice file of a bill (Attachment). */
export interface AttachmentRecord {
  id: number;
  uuid: string;
  name: string;
  description: string;
  mimetype: string;
  /** The file's bytes, base64 (kept in the snapshot file with the rest of the bill). */
  contentBase64: string;
  /** Bytes. */
  length: number;
  /** Lowercase hex SHA-1 of the bytes (or the value a test gave to simulate a corrupted file). */
  sha1: string;
  /** When set, `file` is this URL (a file kept on other storage, e.g. a pre-signed link) instead of the sandbox's download route. */
  externalUrl: string | null;
  user: number;
  created: number;
}

export interface BillStatusEvent {
  id: number;
  status: number;
  at: number;
}

/**
 * Bill status integers as Procurify numbers them. The client has its own list (shared/ap/bill.ts
 * procurifyBillStatus): the sandbox shares no code with apsync (.dependency-cruiser.ts,
 * sandboxes-play-the-services), so a wrong number on either side shows up in the tests.
 */
export const billStatus = {
  draft: 0,
  confirmed: 1,
  approved: 2,
  denied: 3,
  paid: 4,
  withdrawn: 5,
  paymentConfirmed: 6,
  paymentApproved: 7,
  paymentLimbo: 8,
} as const;

export interface BillRecord {
  id: number;
  uuid: string;
  vendorId: number;
  currencyId: number;
  invoice_number: string;
  /** YYYY-MM-DD or null. */
  invoice_date: string | null;
  due_date: string | null;
  payment_terms: string;
  status: number;
  /** 0 order, 1 expense, 2 credit card. */
  type: number;
  active: boolean;
  note: string;
  group: number | null;
  submitted: number | null;
  created: number;
  modified: number;
  version: number;
  items: BillItemRecord[];
  /** Bill-level costs (BillRead `costs`). */
  costs: BillCostRecord[];
  /** Invoice files (BillRead `invoice_attachments`). */
  attachments: AttachmentRecord[];
  statuses: BillStatusEvent[];
  /** Set by mark-as-paid (no payment record is created then). */
  paidDate: string | null;
}

export const paymentStatuses = [
  'draft',
  'pending_approval',
  'approved',
  'denied',
  'paid',
  'processing',
  'failed',
  'scheduled',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export interface PaymentApplication {
  /** The BillPayment id Procurify shows on the bill (`bill_payment.id`). */
  billPaymentId: number;
  billUuid: string;
  amountCents: number;
}

export interface PaymentRecord {
  id: number;
  uuid: string;
  creator: { email: string; first_name: string; last_name: string };
  created: number;
  modified: number;
  amountCents: number;
  currencyId: number;
  status: PaymentStatus;
  methodId: number;
  /** YYYY-MM-DD: the date the money left (processing date; also the posted date once paid). */
  paymentDate: string | null;
  memo: string;
  reference_number: string;
  applications: PaymentApplication[];
}

/** `"120.50"` → 12050. Accepts at most two decimals (the sandbox keeps cents). */
export function parseCents(value: string): number | undefined {
  const match = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (match === null) return undefined;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** 12050 → `"120.50"`. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// ---- bill amounts ---------------------------------------------------------------------------------

/**
 * How a bill's amounts follow from what a Procurify user entered, after the descriptions in Procurify's
 * OpenAPI document (procurify.openapi.yml). All in integer cents; every rounding is half up on the
 * magnitude (half away from zero: 0.5 → 1, −0.5 → −1).
 * - ItemReadSerializer_v2.total_cost, "Item total cost without tax amount": the line net of tax.
 *   Exclusive tax: the entered amount is the net, tax = round(net × pct / 100).
 *   Inclusive tax: the entered amount is gross, net = round(gross / (1 + pct / 100)), tax = gross − net
 *   (19.99 at 13 % inclusive: net 17.69, tax 2.30).
 * - ItemReadSerializer_v2.total_cost_with_tax, "Item total cost with tax amount": net + tax.
 * - A line's cost allocations add up to its net (total_cost).
 * - BillRead.subtotal_cost, "This amount does not include any tax or shipping_amount": Σ line net.
 * - BillRead.total_cost, "This amount should not contain any tax or shipping, but include bill cost":
 *   Σ line net + Σ bill costs (BillCostRead.amount).
 * - BillRead.tax_amount: Σ line tax; inclusive_tax_amount and exclusive_tax_amount split it by the
 *   lines' tax_is_inclusive.
 * - BillRead.shipping_amount: Σ line shipping_amount (shipping carries no tax and no allocation).
 * - BillRead.total_cost_with_tax, "Make sure full tax amount is added": total_cost + tax_amount.
 * - BillRead.invoice_total (and SimpleBill's): total_cost_with_tax + shipping_amount, what the vendor is
 *   owed. Payments and their open amounts are measured against it.
 */
export interface BillAmounts {
  subtotalCents: number;
  costsCents: number;
  totalCents: number;
  taxCents: number;
  inclusiveTaxCents: number;
  exclusiveTaxCents: number;
  shippingCents: number;
  totalWithTaxCents: number;
  /** invoice_total: what the vendor is owed. */
  owedCents: number;
}

const decimalText = /^(-?)(\d*)(?:\.(\d*))?$/;

/** A decimal string as an integer of 10^-scale units (extra decimals are refused: undefined). */
export function decimalUnits(value: string, scale: number): bigint | undefined {
  const match = decimalText.exec(value.trim());
  if (match === null || `${match[2]}${match[3] ?? ''}` === '') return undefined;
  const fraction = match[3] ?? '';
  if (fraction.length > scale) return undefined;
  const magnitude = BigInt(`${match[2] || '0'}${fraction.padEnd(scale, '0')}`);
  return match[1] === '-' ? -magnitude : magnitude;
}

/** n / d rounded half up on the magnitude (d > 0). */
export function divideRounded(n: bigint, d: bigint): bigint {
  const magnitude = n < 0n ? -n : n;
  const rounded = (2n * magnitude + d) / (2n * d);
  return n < 0n ? -rounded : rounded;
}

/** Scale of tax percentages and quantities (infra/contracts/facts/procurify.json's patterns allow 8). */
export const decimalScale = 8;
const one = 10n ** BigInt(decimalScale);

/** A line's net and tax from the entered amount (see BillAmounts). */
export function lineTaxSplit(
  enteredCents: number,
  tax: LineTax | null,
): { netCents: number; taxCents: number } {
  if (tax === null) return { netCents: enteredCents, taxCents: 0 };
  const percentage = decimalUnits(tax.percentage, decimalScale);
  if (percentage === undefined) throw new RangeError(`not a tax percentage: ${tax.percentage}`);
  const entered = BigInt(enteredCents);
  const hundred = 100n * one;
  if (tax.inclusive) {
    const net = divideRounded(entered * hundred, hundred + percentage);
    return { netCents: Number(net), taxCents: Number(entered - net) };
  }
  return { netCents: enteredCents, taxCents: Number(divideRounded(entered * percentage, hundred)) };
}

/** quantity × unit cost in cents, rounded half up (both decimal strings of at most 8 decimals). */
export function extendedCents(quantity: string, unitCost: string): number | undefined {
  const q = decimalUnits(quantity, decimalScale);
  const u = decimalUnits(unitCost, decimalScale);
  if (q === undefined || u === undefined) return undefined;
  return Number(divideRounded(q * u * 100n, one * one));
}

/** The amounts of a bill (see the rules above). */
export function billAmounts(bill: Pick<BillRecord, 'items' | 'costs'>): BillAmounts {
  let subtotalCents = 0;
  let inclusiveTaxCents = 0;
  let exclusiveTaxCents = 0;
  let shippingCents = 0;
  for (const item of bill.items) {
    subtotalCents += item.totalCents;
    if (item.tax?.inclusive === true) inclusiveTaxCents += item.taxCents;
    else exclusiveTaxCents += item.taxCents;
    shippingCents += item.shippingCents ?? 0;
  }
  const costsCents = bill.costs.reduce((sum, cost) => sum + cost.amountCents, 0);
  const totalCents = subtotalCents + costsCents;
  const taxCents = inclusiveTaxCents + exclusiveTaxCents;
  const totalWithTaxCents = totalCents + taxCents;
  return {
    subtotalCents,
    costsCents,
    totalCents,
    taxCents,
    inclusiveTaxCents,
    exclusiveTaxCents,
    shippingCents,
    totalWithTaxCents,
    owedCents: totalWithTaxCents + shippingCents,
  };
}

/**
 * Cents as the JSON number Procurify sends for fields its OpenAPI types `number (double)` (bill
 * `total_cost` and friends). Division of an integer by 100 renders with at most two decimals.
 */
export const centsAsNumber = (cents: number): number => cents / 100;

/** Microseconds → Django REST Framework's ISO 8601 rendering (`2024-05-01T12:34:56.123456Z`). */
export function formatMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // 2024-05-01T12:34:56.123Z
  return `${iso.slice(0, 23)}${String(micros % 1000).padStart(3, '0')}Z`;
}

/**
 * Parses a date-time filter value the way django-filter does: ISO 8601, date-only means midnight,
 * no offset means UTC (the sandbox's time zone; Procurify's own is not documented). Returns
 * microseconds, or undefined when the value is not a date-time.
 */
export function parseMicros(value: string): number | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      value.trim(),
    );
  if (match === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = match;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(base)) return undefined;
  const check = new Date(base);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  return (base - offsetMinutes * 60_000) * 1000 + Number(frac.padEnd(6, '0'));
}

/** A YYYY-MM-DD calendar date that exists. */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCFullYear() === Number(match[1]) && date.getUTCDate() === Number(match[3]);
}

/**
 * The sandbox clock: wall time (or an injected clock) in microseconds, strictly increasing across
 * calls so two changes never share a modification timestamp and a poller's range filter sees each.
 */
export class ModificationClock {
  private last = 0;
  private readonly source: () => number;

  constructor(nowMs: () => number = Date.now) {
    this.source = nowMs;
  }

  nowMs(): number {
    return this.source();
  }

  /** The last tick handed out (0 before the first). */
  get lastTick(): number {
    return this.last;
  }

  /** Continues after a tick of an earlier run (a restored sandbox): later ticks are strictly greater. */
  resumeAfter(micros: number): void {
    this.last = Math.max(this.last, micros);
  }

  tick(): number {
    const micros = Math.max(Math.floor(this.source()) * 1000, this.last + 1);
    this.last = micros;
    return micros;
  }
}
