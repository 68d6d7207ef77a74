// Deterministic data for the Procurify sandbox: the demo company (locations, departments, account
// codes, ~40 vendors, company payment methods with GL codes, approved bills with cost allocations,
// payments of one and several bills, partial ones included) and bulk bills/payments for benchmarks.
// Demo bills are real AP bills: USD, CAD and GBP; lines taxed inclusive or exclusive at the rates of
// their country (5, 7.25, 8.875, 13, 20 %), billed by quantity or by cost, some with shipping, custom
// fields or split over departments of several locations; some with freight or handling costs and one
// invoice PDF. Used by index.ts (startProcurifySandbox({ seed })), the admin API's seed route, and tests.
import { seededRandom } from '../faults.ts';
import type { BillInput, PaymentInput, SeedRecords } from './inputs.ts';
import { invoicePdfBase64 } from './invoice-pdf.ts';
import {
  billStatus,
  extendedCents,
  formatCents,
  type LineTax,
  lineTaxSplit,
  type PaymentStatus,
} from './model.ts';
import type { ProcurifyStore } from './store.ts';

export interface DemoOptions {
  /** PRNG seed; the same seed gives the same company. */
  seed?: number;
  /** Number of vendors (default 40). */
  vendors?: number;
  /** Names to use for the first vendors (to line up with the NetSuite sandbox's vendors). */
  vendorNames?: string[];
  /** Number of bills (default 60). */
  bills?: number;
  /** "Today" for invoice and due dates, YYYY-MM-DD (default: the current UTC date). */
  today?: string;
}

/** GL codes of the demo payment methods; `unmatchedGlCode` is meant to have no NetSuite account. */
export const demoGlCodes = {
  check: '1010',
  ach: '1020',
  wire: '1030',
  eft: '1040',
  unmatchedGlCode: '9999',
} as const;

const vendorBaseNames = [
  'Acme Office Supply',
  'Globex Software',
  'Initech Consulting',
  'Umbrella Logistics',
  'Stark Hardware',
  'Wayne Facilities',
  'Cyberdyne Systems',
  'Hooli Cloud',
  'Pied Piper Data',
  'Soylent Catering',
  'Vandelay Imports',
  'Wonka Events',
  'Tyrell Analytics',
  'Gringotts Legal',
  'Oscorp Labs',
  'Aperture Training',
  'Black Mesa Research',
  'Monarch Travel',
  'Dunder Paper',
  'Sterling Advertising',
  'Blue Sun Telecom',
  'Virtucon Security',
  'Nakatomi Properties',
  'Massive Dynamic',
  'Prestige Worldwide',
  'Bluth Construction',
  'Krusty Foods',
  'Duff Beverages',
  'Los Pollos Supplies',
  'Genco Olive Oil',
  'Oceanic Airlines',
  'Zorg Industries',
  'Rekall Media',
  'Weyland Shipping',
  'Cogswell Cogs',
  'Spacely Sprockets',
  'Kramerica Industries',
  'Sirius Cybernetics',
  'Buy n Large',
  'Ollivanders Design',
];

const accountCodes: Array<[number, string, string, number, number | null, boolean]> = [
  // id, code, description, account_type, parent id, active
  [1, '1000', 'Cash', 0, null, true],
  [2, '1010', 'Operating Account', 0, 1, true],
  [3, '1500', 'Prepaid Expenses', 0, null, true],
  [4, '2000', 'Accounts Payable', 1, null, true],
  [5, '2100', 'Accrued Liabilities', 1, null, true],
  [6, '3000', 'Common Stock', 4, null, true],
  [7, '4000', 'Revenue', 3, null, true],
  [8, '6000', 'Operating Expenses', 2, null, true],
  [9, '6010', 'Office Supplies', 2, 8, true],
  [10, '6020', 'Software Subscriptions', 2, 8, true],
  [11, '6030', 'Computer Hardware', 2, 8, true],
  [12, '6040', 'Travel', 2, 8, true],
  [13, '6050', 'Meals and Entertainment', 2, 8, true],
  [14, '6060', 'Professional Services', 2, 8, true],
  [15, '6070', 'Legal Fees', 2, 8, true],
  [16, '6080', 'Marketing and Advertising', 2, 8, true],
  [17, '6090', 'Rent', 2, 8, true],
  [18, '6100', 'Utilities', 2, 8, true],
  [19, '6110', 'Telephone and Internet', 2, 8, true],
  [20, '6120', 'Training', 2, 8, true],
  [21, '6130', 'Repairs and Maintenance', 2, 8, true],
  [22, '6140', 'Shipping and Postage', 2, 8, true],
  [23, '6150', 'Insurance', 2, 8, true],
  [24, '6900', 'Miscellaneous Expense', 2, 8, false],
  [25, '7000', 'Other Expense', 5, null, true],
];
/** Expense codes bills are coded to (active, leaves). */
const billAccountCodeIds = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];

const departments: Array<[number, string, number, boolean]> = [
  [1, 'Engineering', 1, true],
  [2, 'Finance', 1, true],
  [3, 'Marketing', 1, true],
  [4, 'Operations', 1, true],
  [5, 'Human Resources', 1, true],
  [6, 'Sales', 2, true],
  [7, 'IT', 2, true],
  [8, 'Facilities', 3, true],
  [9, 'Research', 3, false],
];
const billDepartmentIds = [1, 2, 3, 4, 5, 6, 7, 8];

const itemDescriptions = [
  'Monthly subscription',
  'Consulting hours',
  'Laptops',
  'Office chairs',
  'Printer paper',
  'Conference travel',
  'Team lunch',
  'Legal review',
  'Ad campaign',
  'Office rent',
  'Electricity',
  'Internet service',
  'Workshop',
  'HVAC repair',
  'Courier services',
  'Liability insurance',
  'Monitors',
  'Cloud hosting',
  'Catering',
  'Design work',
];

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A v4 UUID from a seeded source. */
function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

interface PlannedBill {
  input: BillInput & { uuid: string };
  vendorIndex: number;
  currency: string;
  /** What the vendor is owed (invoice_total: lines with tax and shipping, and costs). */
  totalCents: number;
}

/** The taxes a line of a bill in this currency may carry (inclusive: the entered price contains it). */
const taxesByCurrency: Record<string, LineTax[]> = {
  USD: [
    { name: 'CA Sales Tax', percentage: '7.25', inclusive: false },
    { name: 'NY Sales Tax', percentage: '8.875', inclusive: false },
  ],
  CAD: [
    { name: 'GST', percentage: '5', inclusive: false },
    { name: 'HST', percentage: '13', inclusive: true },
    { name: 'HST', percentage: '13', inclusive: false },
  ],
  GBP: [{ name: 'VAT', percentage: '20', inclusive: true }],
};

/** One department per location (Finance in San Francisco, Sales in Toronto, Facilities in London). */
const departmentPerLocation = [2, 6, 8];
/** 6140 Shipping and Postage, 6060 Professional Services: what freight and handling costs are coded to. */
const freightCode = 22;
const handlingCode = 14;

type PlannedItem = BillInput['items'][number];

/**
 * Makes a demo line real: tax, quantity × unit cost, shipping, custom fields, allocations of its net
 * (over departments of several locations at times). `rich` draws only from its own sequence, so the
 * base company (vendors, dates, amounts, statuses, payments) is the same whatever is added here.
 */
function enrichLine(
  rich: () => number,
  currency: string,
  cents: number,
  coding: { accountCode: number; department: number; split?: { accountCode: number; department: number } },
): { item: Omit<PlannedItem, 'description'>; owedCents: number } {
  const taxes = taxesByCurrency[currency] ?? [];
  const tax = taxes.length > 0 && rich() < 0.6 ? taxes[Math.floor(rich() * taxes.length)]! : null;
  const byQuantity = rich() < 0.3;
  let entered: Pick<PlannedItem, 'amount' | 'quantity' | 'unit_cost' | 'bill_by_cost'>;
  let enteredCents: number;
  if (byQuantity) {
    const quantity = String(2 + Math.floor(rich() * 11));
    // Unit costs with up to three decimals, as suppliers price small parts.
    const unitCost = (Math.max(1, Math.round((cents * 10) / Number(quantity))) / 1000).toString();
    entered = { quantity, unit_cost: unitCost };
    enteredCents = extendedCents(quantity, unitCost)!;
  } else {
    entered = { amount: formatCents(cents), bill_by_cost: rich() < 0.5 };
    enteredCents = cents;
  }
  const { netCents, taxCents } = lineTaxSplit(enteredCents, tax);
  const shippingCents = rich() < 0.15 ? 500 + Math.floor(rich() * 4500) : 0;
  const customFields =
    rich() < 0.3
      ? [
          { field: 'Project code', value: `PRJ-${100 + Math.floor(rich() * 40)}` },
          ...(rich() < 0.5 ? [{ field: 'Capital expense', value: rich() < 0.3 }] : []),
        ]
      : [];
  let allocations: NonNullable<PlannedItem['cost_allocations']> | undefined;
  if (rich() < 0.12) {
    // A line shared by the three locations: a third each, the rest to the last.
    const third = Math.floor(netCents / 3);
    allocations = departmentPerLocation.map((department, index) => ({
      account_code: coding.accountCode,
      department,
      ...(index < 2 ? { amount: formatCents(third) } : {}),
    }));
  } else if (coding.split !== undefined) {
    allocations = [
      {
        account_code: coding.accountCode,
        department: coding.department,
        amount: formatCents(Math.floor(netCents / 2)),
      },
      { account_code: coding.split.accountCode, department: coding.split.department },
    ];
  }
  return {
    item: {
      ...entered,
      ...(tax === null
        ? {}
        : { tax_name: tax.name, tax_percentage: tax.percentage, tax_is_inclusive: tax.inclusive }),
      ...(shippingCents > 0 ? { shipping_amount: formatCents(shippingCents) } : {}),
      ...(customFields.length > 0 ? { custom_fields: customFields } : {}),
      ...(allocations === undefined
        ? { account_code: coding.accountCode, department: coding.department }
        : { cost_allocations: allocations }),
    },
    owedCents: netCents + taxCents + shippingCents,
  };
}

/**
 * The demo company as seed records (pure and deterministic: the same options give the same records).
 * Bill payments cover: single-bill full payments in several statuses, payments of two and three bills
 * of one vendor, partial payments, a failed payment, and a payment through the method whose GL code
 * (`9999`) has no NetSuite account.
 */
export function demoCompany(options: DemoOptions = {}): SeedRecords {
  const random = seededRandom(options.seed ?? 1);
  const rich = seededRandom((options.seed ?? 1) * 7919 + 17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const vendorCount = options.vendors ?? 40;
  const billCount = options.bills ?? 60;
  const terms = ['Net 15', 'Net 30', 'Net 30', 'Net 45', 'Net 60', 'Due on receipt'];
  const termDays: Record<string, number> = {
    'Net 15': 15,
    'Net 30': 30,
    'Net 45': 45,
    'Net 60': 60,
    'Due on receipt': 0,
  };

  const vendors = Array.from({ length: vendorCount }, (_, i) => {
    const name =
      options.vendorNames?.[i] ??
      `${vendorBaseNames[i % vendorBaseNames.length]}${i >= vendorBaseNames.length ? ` ${Math.floor(i / vendorBaseNames.length) + 1}` : ''}`;
    const currency = i % 10 === 3 ? 'CAD' : i % 10 === 7 ? 'GBP' : 'USD';
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
    return {
      id: i + 1,
      name,
      // Every 13th vendor is inactive (deactivated vendors stay in Procurify).
      active: i % 13 !== 12,
      email:
        i % 5 === 4
          ? []
          : i % 5 === 0
            ? [`ap@${slug}.example`, `billing@${slug}.example`]
            : [`ap@${slug}.example`],
      external_id: null,
      currency,
      payment_terms: pick(terms),
      type: i % 4 === 0 ? 4 : 3,
      addressLineOne: `${100 + i} ${pick(['Market', 'King', 'High', 'Main', 'Oak'])} Street`,
      city:
        currency === 'CAD'
          ? 'Toronto'
          : currency === 'GBP'
            ? 'London'
            : pick(['San Francisco', 'Austin', 'New York']),
      postalCode:
        currency === 'GBP'
          ? 'EC1A 1BB'
          : currency === 'CAD'
            ? 'M5H 2N2'
            : `9${String(4000 + i).padStart(4, '0')}`,
      state_province: currency === 'GBP' ? null : currency === 'CAD' ? 'ON' : 'CA',
      country: currency === 'CAD' ? 'Canada' : currency === 'GBP' ? 'United Kingdom' : 'United States',
      phoneOne: `555-01${String(i).padStart(2, '0')}`,
      contact: `${pick(['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan'])} ${pick(['Lee', 'Patel', 'Kim', 'Garcia', 'Smith'])}`,
    };
  });
  const activeVendorIndexes = vendors.flatMap((v, i) => (v.active ? [i] : []));

  // Bills: the first vendors get several bills each so multi-bill payments have material.
  const planned: PlannedBill[] = [];
  for (let n = 0; n < billCount; n++) {
    const vendorIndex = n < 12 ? activeVendorIndexes[n % 4]! : pick(activeVendorIndexes);
    const vendor = vendors[vendorIndex]!;
    const invoiceDate = addDays(today, -Math.floor(random() * 120) - 1);
    const itemCount = 1 + Math.floor(random() * 3);
    let totalCents = 0;
    const items = Array.from({ length: itemCount }, (): PlannedItem => {
      const cents = (25 + Math.floor(random() * 4975)) * 100 + Math.floor(random() * 100);
      const accountCode = pick(billAccountCodeIds);
      const department = pick(billDepartmentIds);
      const split =
        random() < 0.2
          ? {
              description: pick(itemDescriptions),
              accountCode: pick(billAccountCodeIds),
              department: pick(billDepartmentIds),
            }
          : undefined;
      const description = split?.description ?? pick(itemDescriptions);
      const line = enrichLine(rich, vendor.currency, cents, {
        accountCode,
        department,
        ...(split === undefined ? {} : { split }),
      });
      totalCents += line.owedCents;
      return { description, ...line.item };
    });
    // Bill-level costs: freight on a quarter of the bills, sometimes a handling fee too.
    const costs: NonNullable<BillInput['costs']> = [];
    const addCost = (name: string, cents: number, accountCode: number, department: number) => {
      costs.push({ name, amount: formatCents(cents), account_code: accountCode, department });
      totalCents += cents;
    };
    if (rich() < 0.25) {
      addCost('Freight', 1500 + Math.floor(rich() * 10_500), freightCode, pick(billDepartmentIds));
      if (rich() < 0.4) addCost('Handling fee', 500 + Math.floor(rich() * 2000), handlingCode, 4);
    }
    const invoiceNumber = `INV-${String(1000 + n)}`;
    const attachments =
      rich() < 0.35
        ? [
            {
              // From the demo's own sequence: the store's UUID sequence stays as it was without files.
              uuid: seededUuid(rich),
              name: `${invoiceNumber}.pdf`,
              description: 'Vendor invoice',
              content: invoicePdfBase64([
                `INVOICE ${invoiceNumber}`,
                vendor.name,
                `Invoice date: ${invoiceDate}`,
                `Total due: ${formatCents(totalCents)} ${vendor.currency}`,
              ]),
            },
          ]
        : [];
    // 0-39 approved, then confirmed, draft, denied, and a few historic paid bills.
    const status =
      n < 40
        ? billStatus.approved
        : n < 48
          ? billStatus.confirmed
          : n < 52
            ? billStatus.draft
            : n < 55
              ? billStatus.denied
              : billStatus.paid;
    planned.push({
      input: {
        uuid: seededUuid(random),
        vendor: vendor.id,
        currency: vendor.currency,
        invoice_number: invoiceNumber,
        invoice_date: invoiceDate,
        due_date: addDays(invoiceDate, termDays[vendor.payment_terms] ?? 30),
        payment_terms: vendor.payment_terms,
        status,
        items,
        costs,
        invoice_attachments: attachments,
      },
      vendorIndex,
      currency: vendor.currency,
      totalCents,
    });
  }

  // Payments over the approved bills (0-39).
  const approved = planned.filter((b) => b.input.status === billStatus.approved);
  const used = new Set<string>();
  const take = (count: number, sameVendorAs?: PlannedBill): PlannedBill[] => {
    const out: PlannedBill[] = [];
    for (const bill of approved) {
      if (out.length === count) break;
      if (used.has(bill.input.uuid)) continue;
      const anchor = sameVendorAs ?? out[0];
      if (
        anchor !== undefined &&
        (bill.vendorIndex !== anchor.vendorIndex || bill.currency !== anchor.currency)
      )
        continue;
      out.push(bill);
    }
    for (const bill of out) used.add(bill.input.uuid);
    return out;
  };
  const payments: PaymentInput[] = [];
  const pay = (bills: PlannedBill[], status: PaymentStatus, method: number, share = 1): void => {
    if (bills.length === 0) return;
    const date = addDays(today, -payments.length - 1);
    payments.push({
      bills: bills.map((b) => ({
        uuid: b.input.uuid,
        amount: formatCents(Math.round(b.totalCents * share)),
      })),
      method,
      payment_date: date,
      status,
      reference_number: `PAY-${String(500 + payments.length)}`,
    });
  };
  const methodFor = (bill: PlannedBill | undefined): number => (bill?.currency === 'CAD' ? 4 : 2);
  // Several bills of one vendor in one payment (2 and 3 bills).
  const multiThree = take(3);
  pay(multiThree, 'paid', methodFor(multiThree[0]));
  const multiTwo = take(2);
  pay(multiTwo, 'paid', 3);
  // Single-bill payments across statuses.
  for (const status of ['paid', 'paid', 'paid', 'processing', 'scheduled', 'approved'] as const) {
    const [bill] = take(1);
    pay(bill === undefined ? [] : [bill], status, status === 'paid' ? 1 : methodFor(bill));
  }
  // Partial payments: half of a bill, then a second payment for the rest of one of them.
  const [partialA] = take(1);
  const [partialB] = take(1);
  if (partialA !== undefined) pay([partialA], 'paid', 2, 0.5);
  if (partialB !== undefined) pay([partialB], 'paid', 2, 0.4);
  if (partialA !== undefined) {
    const rest = partialA.totalCents - Math.round(partialA.totalCents * 0.5);
    payments.push({
      bills: [{ uuid: partialA.input.uuid, amount: formatCents(rest) }],
      method: 2,
      payment_date: addDays(today, -1),
      status: 'paid',
      reference_number: `PAY-${String(500 + payments.length)}`,
    });
  }
  // A failed payment and one through the method whose GL code has no NetSuite account.
  const [failed] = take(1);
  pay(failed === undefined ? [] : [failed], 'failed', 2);
  const [unmatched] = take(1);
  pay(unmatched === undefined ? [] : [unmatched], 'paid', 5);

  return {
    locations: [
      {
        id: 1,
        name: 'San Francisco HQ',
        currency: 'USD',
        headquarter: true,
        city: 'San Francisco',
        state_province: 'CA',
        country: 'United States',
        postalCode: '94105',
      },
      {
        id: 2,
        name: 'Toronto Office',
        currency: 'CAD',
        city: 'Toronto',
        state_province: 'ON',
        country: 'Canada',
        postalCode: 'M5H 2N2',
      },
      {
        id: 3,
        name: 'London Office',
        currency: 'GBP',
        city: 'London',
        state_province: '',
        country: 'United Kingdom',
        postalCode: 'EC1A 1BB',
      },
    ],
    departments: departments.map(([id, name, branch, active]) => ({ id, name, branch, active })),
    accountCodes: accountCodes.map(([id, code, description, account_type, parent, active]) => ({
      id,
      code,
      description,
      account_type,
      parent,
      active,
    })),
    vendors,
    paymentMethods: [
      {
        id: 1,
        name: 'Operating Checking - Checks',
        type: 1,
        gl_code: demoGlCodes.check,
        currency: 'USD',
        data: { payable_to: 'Vendor' },
      },
      {
        id: 2,
        name: 'Operating Checking - ACH',
        type: 2,
        gl_code: demoGlCodes.ach,
        currency: 'USD',
        data: { routing_number: '110000000', account_number: '000123456789', company_name: 'Demo Co' },
      },
      { id: 3, name: 'Treasury - Wire', type: 4, gl_code: demoGlCodes.wire, currency: 'USD', data: {} },
      { id: 4, name: 'CAD Account - EFT', type: 3, gl_code: demoGlCodes.eft, currency: 'CAD', data: {} },
      {
        id: 5,
        name: 'Petty Cash (legacy)',
        type: 0,
        gl_code: demoGlCodes.unmatchedGlCode,
        currency: 'USD',
        data: { description: 'Legacy petty cash box' },
      },
    ],
    bills: planned.map((b) => b.input),
    payments,
  };
}

/** Loads the demo company into an (empty or reset) store. */
export function seedDemoCompany(store: ProcurifyStore, options: DemoOptions = {}): void {
  store.seed(demoCompany(options));
}

export interface BulkOptions {
  seed?: number;
  /** Status of the new bills (default 2, Approved). */
  status?: number;
  today?: string;
}

/**
 * Adds `count` bills over the store's active vendors, expense account codes and departments (seed the
 * master data first, e.g. with the demo company). Returns their UUIDs.
 */
export function addBulkBills(store: ProcurifyStore, count: number, options: BulkOptions = {}): string[] {
  const random = seededRandom(options.seed ?? 7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const vendors = [...store.vendors.values()].filter((v) => v.active);
  const codes = [...store.accountCodes.values()].filter((a) => a.active && a.account_type === 2);
  const departmentList = [...store.departments.values()].filter((d) => d.active);
  if (vendors.length === 0 || codes.length === 0 || departmentList.length === 0) {
    throw new Error('addBulkBills needs active vendors, expense account codes and departments');
  }
  const today = options.today ?? new Date(store.clock.nowMs()).toISOString().slice(0, 10);
  const uuids: string[] = [];
  for (let n = 0; n < count; n++) {
    const vendor = pick(vendors);
    const invoiceDate = addDays(today, -Math.floor(random() * 365));
    const itemCount = 1 + Math.floor(random() * 3);
    const bill = store.createBill({
      vendor: vendor.id,
      invoice_number: `BULK-${String(n + 1).padStart(6, '0')}`,
      invoice_date: invoiceDate,
      due_date: addDays(invoiceDate, 30),
      status: options.status ?? billStatus.approved,
      items: Array.from({ length: itemCount }, () => ({
        description: pick(itemDescriptions),
        amount: formatCents((10 + Math.floor(random() * 2000)) * 100 + Math.floor(random() * 100)),
        account_code: pick(codes).id,
        department: pick(departmentList).id,
      })),
    });
    uuids.push(bill.uuid);
  }
  return uuids;
}

/**
 * Records up to `count` payments over open approved bills: mostly one bill paid in full, some of two
 * bills of one vendor and currency, some partial. Returns the payment ids.
 */
export function addBulkPayments(store: ProcurifyStore, count: number, options: BulkOptions = {}): number[] {
  const random = seededRandom(options.seed ?? 11);
  const methods = [...store.paymentMethods.values()];
  if (methods.length === 0) throw new Error('addBulkPayments needs company payment methods');
  const today = options.today ?? new Date(store.clock.nowMs()).toISOString().slice(0, 10);
  const open = [...store.bills.values()].filter(
    (b) => b.status === billStatus.approved && store.applicationsOf(b.uuid).length === 0,
  );
  const byVendor = new Map<string, typeof open>();
  for (const bill of open) {
    const key = `${bill.vendorId}/${bill.currencyId}`;
    byVendor.set(key, [...(byVendor.get(key) ?? []), bill]);
  }
  const queues = [...byVendor.values()];
  const ids: number[] = [];
  for (let n = 0; n < count && queues.some((q) => q.length > 0); n++) {
    const queue = queues.filter((q) => q.length > 0)[
      Math.floor(random() * queues.filter((q) => q.length > 0).length)
    ]!;
    const size = queue.length >= 2 && random() < 0.2 ? 2 : 1;
    const bills = queue.splice(0, size);
    const partial = size === 1 && random() < 0.15;
    const payment = store.recordPayment({
      bills: bills.map((b) => ({
        uuid: b.uuid,
        amount: formatCents(partial ? Math.max(1, Math.floor(store.openCents(b) / 2)) : store.openCents(b)),
      })),
      method: methods[Math.floor(random() * methods.length)]!.id,
      payment_date: addDays(today, -Math.floor(random() * 30)),
      status: 'paid',
    });
    ids.push(payment.id);
  }
  return ids;
}
