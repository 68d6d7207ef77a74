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

export interface BillItemRecord {
  id: number;
  description: string;
  sku: string;
  unit: string;
  quantity: string;
  totalCents: number;
  allocations: CostAllocationRecord[];
}

export interface BillStatusEvent {
  id: number;
  status: number;
  at: number;
}

/** Bill status integers as Procurify numbers them. */
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
