// Deterministic data for the NetSuite sandbox: a small but realistic demo company (two subsidiaries,
// USD and CAD, ~40 vendors with contacts and addresses, a numbered chart of accounts with bank accounts
// and unnumbered accounts, tax and freight accounts, nested departments, classes and locations available
// per subsidiary, a custom segment, custom bill fields, legacy tax codes, a File Cabinet folder for
// invoices, open bills, a few payments) and a fast bulk generator of vendor bills for the SuiteQL
// benchmark. Used by the admin API (`POST /__admin/seed`), tests and benchmarks.
import { seededRandom } from '../faults.ts';
import { addDays } from './bills.ts';
import { defineCustomSegment } from './custom-segments.ts';
import type { CustomFieldDefinition, RecordStore, StoredLine, StoredRecord } from './store.ts';
import { isoSeconds, textField } from './store.ts';
import { createRecord, writeContext } from './writes.ts';

export interface DemoOptions {
  /** Vendors to create (default 40). */
  vendors?: number;
  /** Open vendor bills to create (default 60). */
  bills?: number;
  /** Vendor payments paying some of those bills (default 6). */
  payments?: number;
  /** PRNG seed (default 42): the same seed gives the same company. */
  seed?: number;
  /** Date the bills are spread back from (default today). */
  today?: string;
}

export interface DemoSummary {
  subsidiaries: string[];
  currencies: Record<string, string>;
  bankAccounts: string[];
  payablesAccounts: string[];
  expenseAccounts: string[];
  departments: string[];
  vendors: string[];
  bills: string[];
  payments: string[];
  /** The custom vendor checkbox used as apsync's "sync this vendor" flag. */
  syncFlagField: string;
  /** Classes by name: Product, Services, Internal (everywhere), Canadian Retail (CA only), Discontinued Line (inactive). */
  classes: Record<string, string>;
  /** Locations by name: Seattle HQ, Portland Warehouse (US only), Toronto Office, Vancouver Warehouse (CA only). */
  locations: Record<string, string>;
  /** The custom segment `cseg_region` and its values by name. */
  segment: { id: string; label: string; values: Record<string, string> };
  /** Custom fields of vendor bills (none mandatory): body (`custbody_`) and line (`custcol_`) ids. */
  billFields: { body: string[]; line: string[] };
  /** Accounts for tax written as lines: 2200 GST/HST Receivable, 2210 PST Receivable. */
  taxAccounts: { gstHst: string; pst: string };
  /** 5100 Freight In (Cost of Goods Sold), for shipping. */
  freightAccount: string;
  /** Legacy tax codes (salestaxitem) by tax name; REST cannot write them (SuiteQL reads them). */
  taxCodes: Record<string, string>;
  /** The File Cabinet folder "Procurify Invoices". */
  attachmentFolder: string;
  /** A US vendor shared with the Canadian subsidiary (vendorSubsidiaryRelationship); undefined with < 2 vendors. */
  sharedVendor: string | undefined;
}

/** The demo's custom segment. */
export const DEMO_SEGMENT = { id: 'cseg_region', label: 'Region' } as const;

/** The demo's custom vendor bill fields (body and line), none mandatory. */
export const DEMO_BILL_FIELDS: Record<string, CustomFieldDefinition> = {
  custbody_procurify_bill_url: { kind: 'text', label: 'Procurify Bill URL' },
  custbody_ap_approver: { kind: 'text', label: 'AP Approver' },
  custcol_procurify_quantity: { kind: 'number', label: 'Quantity (Procurify)' },
  custcol_procurify_unit_cost: { kind: 'currency', label: 'Unit Cost (Procurify)' },
};

export const SYNC_FLAG_FIELD = 'custentity_procurify_sync';

const COMPANY_WORDS = [
  ['Northwind', 'Traders'],
  ['Bluebird', 'Office Supply'],
  ['Cascade', 'Cloud Services'],
  ['Granite', 'Facilities'],
  ['Summit', 'Legal LLP'],
  ['Harborview', 'Logistics'],
  ['Maple Leaf', 'Printing'],
  ['Redwood', 'IT Consulting'],
  ['Silverline', 'Telecom'],
  ['Pioneer', 'Janitorial'],
  ['Evergreen', 'Landscaping'],
  ['Ironclad', 'Security'],
  ['Lakeside', 'Catering'],
  ['Brightpath', 'Marketing'],
  ['Keystone', 'Insurance'],
  ['Copperfield', 'Electric'],
  ['Tidewater', 'Freight'],
  ['Quarry Hill', 'Hardware'],
  ['Aurora', 'Software'],
  ['Windmill', 'Energy'],
  ['Falcon', 'Couriers'],
  ['Oakmont', 'Accounting'],
  ['Riverstone', 'Staffing'],
  ['Prairie', 'Furniture'],
  ['Juniper', 'Design Studio'],
  ['Beacon', 'Analytics'],
  ['Stonebridge', 'Engineering'],
  ['Clearwater', 'Utilities'],
  ['Highland', 'Travel'],
  ['Fireside', 'Coffee Co'],
  ['Northstar', 'Packaging'],
  ['Willow', 'Wellness'],
  ['Crescent', 'Media'],
  ['Sterling', 'Payroll Services'],
  ['Meadowbrook', 'Supplies'],
  ['Trailhead', 'Outfitters'],
  ['Lighthouse', 'Research'],
  ['Glacier', 'Water Co'],
  ['Timberline', 'Construction'],
  ['Orchard', 'Foods'],
];
const SUFFIXES = ['Inc.', 'LLC', 'Ltd.', 'Co.', 'Corp.'];
const US_CITIES = [
  ['Seattle', 'WA', '98101'],
  ['Portland', 'OR', '97204'],
  ['Denver', 'CO', '80202'],
  ['Austin', 'TX', '78701'],
  ['Chicago', 'IL', '60601'],
  ['Boston', 'MA', '02110'],
];
const CA_CITIES = [
  ['Toronto', 'ON', 'M5H 2N2'],
  ['Vancouver', 'BC', 'V6B 1A1'],
  ['Calgary', 'AB', 'T2P 1J9'],
];
const STREETS = ['Main St', 'Market St', 'Harbor Way', 'Elm Ave', 'Industrial Pkwy', 'King St W', 'Cedar Rd'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** Creates the demo company through the same rules a NetSuite user's changes follow. */
export function seedDemoCompany(store: RecordStore, options: DemoOptions = {}): DemoSummary {
  const random = seededRandom(options.seed ?? 42);
  const context = writeContext(store, 'seed');
  const create = (type: Parameters<typeof createRecord>[1], body: Record<string, unknown>) =>
    createRecord(context, type, body).record.id;
  const today = options.today ?? store.today();
  store.defineCustomField('vendor', SYNC_FLAG_FIELD, 'boolean');

  const usd = create('currency', { name: 'US Dollar', symbol: 'USD', isBaseCurrency: true, exchangeRate: 1 });
  const cad = create('currency', { name: 'Canadian Dollar', symbol: 'CAD', exchangeRate: 0.73 });
  const parent = create('subsidiary', { name: 'Harbor Goods Inc.', currency: { id: usd }, country: 'US' });
  const canada = create('subsidiary', {
    name: 'Harbor Goods Canada Ltd.',
    currency: { id: cad },
    country: 'CA',
    parent: { id: parent },
  });
  const net30 = create('term', { name: 'Net 30', daysUntilNetDue: 30 });
  const terms = [
    create('term', { name: 'Due on receipt', daysUntilNetDue: 0 }),
    create('term', { name: 'Net 15', daysUntilNetDue: 15 }),
    net30,
    create('term', { name: 'Net 60', daysUntilNetDue: 60 }),
  ];

  const account = (body: Record<string, unknown>) => create('account', body);
  const usSubsidiary = { items: [{ id: parent }] };
  const caSubsidiary = { items: [{ id: canada }] };
  const bankAccounts = [
    account({
      acctNumber: '1000',
      acctName: 'Operating Checking',
      acctType: 'Bank',
      currency: { id: usd },
      subsidiary: usSubsidiary,
    }),
    account({
      acctNumber: '1010',
      acctName: 'Payroll Checking',
      acctType: 'Bank',
      currency: { id: usd },
      subsidiary: usSubsidiary,
    }),
    account({
      acctNumber: '1050',
      acctName: 'CAD Operating',
      acctType: 'Bank',
      currency: { id: cad },
      subsidiary: caSubsidiary,
    }),
  ];
  account({
    acctNumber: '1020',
    acctName: 'Old Savings',
    acctType: 'Bank',
    currency: { id: usd },
    subsidiary: usSubsidiary,
    isInactive: true,
  });
  account({ acctName: 'Undeposited Funds', acctType: 'OthCurrAsset' });
  account({ acctNumber: '1200', acctName: 'Prepaid Expenses', acctType: 'OthCurrAsset' });
  account({ acctNumber: '1500', acctName: 'Computer Equipment', acctType: 'FixedAsset' });
  const payablesAccounts = [
    account({ acctNumber: '2000', acctName: 'Accounts Payable', acctType: 'AcctPay' }),
  ];
  account({ acctNumber: '2100', acctName: 'Accrued Liabilities', acctType: 'OthCurrLiab' });
  account({ acctNumber: '3000', acctName: 'Retained Earnings', acctType: 'Equity' });
  account({ acctNumber: '4000', acctName: 'Sales', acctType: 'Income' });
  const operating = account({
    acctNumber: '6000',
    acctName: 'Operating Expenses',
    acctType: 'Expense',
    isSummary: true,
  });
  const expenseAccounts = [
    ['6100', 'Office Supplies'],
    ['6110', 'Software Subscriptions'],
    ['6120', 'Travel'],
    ['6130', 'Meals and Entertainment'],
    ['6200', 'Professional Services'],
    ['6300', 'Rent'],
    ['6400', 'Utilities'],
    ['6500', 'Marketing'],
    ['6600', 'Shipping and Freight'],
  ].map(([number, name]) =>
    account({ acctNumber: number, acctName: name, acctType: 'Expense', parent: { id: operating } }),
  );
  expenseAccounts.push(account({ acctName: 'Miscellaneous Expense', acctType: 'Expense' }));
  account({ acctNumber: '6999', acctName: 'Discontinued Expense', acctType: 'Expense', isInactive: true });
  // Created after the rest of the chart so the older demo accounts keep their internal ids.
  const taxAccounts = {
    gstHst: account({ acctNumber: '2200', acctName: 'GST/HST Receivable', acctType: 'OthCurrAsset' }),
    pst: account({ acctNumber: '2210', acctName: 'PST Receivable', acctType: 'OthCurrAsset' }),
  };
  const freightAccount = account({ acctNumber: '5100', acctName: 'Freight In', acctType: 'COGS' });

  const named = (type: 'classification' | 'location', entries: Array<[string, Record<string, unknown>]>) =>
    Object.fromEntries(entries.map(([name, body]) => [name, create(type, { name, ...body })]));
  const everywhere = { subsidiary: usSubsidiary, includeChildren: true };
  const classes = named('classification', [
    ['Product', everywhere],
    ['Services', everywhere],
    ['Internal', everywhere],
    ['Canadian Retail', { subsidiary: caSubsidiary }],
    ['Discontinued Line', { ...everywhere, isInactive: true }],
  ]);
  const locations = named('location', [
    ['Seattle HQ', { subsidiary: usSubsidiary }],
    ['Portland Warehouse', { subsidiary: usSubsidiary }],
    ['Toronto Office', { subsidiary: caSubsidiary }],
    ['Vancouver Warehouse', { subsidiary: caSubsidiary }],
  ]);
  defineCustomSegment(store, DEMO_SEGMENT);
  const bothSubsidiaries = { items: [{ id: parent }, { id: canada }] };
  const segmentValues = Object.fromEntries(
    (
      [
        ['Pacific Northwest', { subsidiary: bothSubsidiaries }],
        ['US East', { subsidiary: usSubsidiary }],
        ['Ontario', { subsidiary: caSubsidiary }],
        ['Retired Region', { subsidiary: bothSubsidiaries, isInactive: true }],
      ] as Array<[string, Record<string, unknown>]>
    ).map(([name, body]) => [
      name,
      create('customSegmentValue', { segment: DEMO_SEGMENT.id, name, ...body }),
    ]),
  );
  for (const [fieldId, definition] of Object.entries(DEMO_BILL_FIELDS))
    store.defineCustomField('vendorBill', fieldId, definition);
  const taxCode = (itemId: string, body: Record<string, unknown>) => [
    itemId,
    create('salesTaxItem', { itemId, subsidiary: caSubsidiary, ...body }),
  ];
  const taxCodes = Object.fromEntries([
    taxCode('GST', { rate: 5, description: 'GST 5%', purchaseAccount: { id: taxAccounts.gstHst } }),
    taxCode('HST-ON', {
      rate: 13,
      description: 'HST Ontario 13%',
      purchaseAccount: { id: taxAccounts.gstHst },
    }),
    taxCode('PST-BC', {
      rate: 7,
      description: 'PST British Columbia 7%',
      purchaseAccount: { id: taxAccounts.pst },
    }),
    taxCode('HST-NS-OLD', {
      rate: 15,
      description: 'HST Nova Scotia 15% (before April 2025)',
      purchaseAccount: { id: taxAccounts.gstHst },
      isInactive: true,
    }),
    taxCode('EXEMPT', {
      rate: 0,
      description: 'Not taxable',
      subsidiary: usSubsidiary,
      includeChildren: true,
    }),
  ]);
  const attachmentFolder = create('folder', {
    name: 'Procurify Invoices',
    description: 'Invoice files apsync attaches to vendor bills',
  });

  const department = (body: Record<string, unknown>) => create('department', body);
  const operations = department({ name: 'Operations' });
  const departments = [
    operations,
    department({ name: 'Warehouse', parent: { id: operations } }),
    department({ name: 'Logistics', parent: { id: operations } }),
    department({ name: 'Finance' }),
    department({ name: 'Engineering' }),
    department({ name: 'Sales & Marketing' }),
  ];
  departments.push(department({ name: 'Platform', parent: { id: departments[4]! } }));
  department({ name: 'Legacy Projects', isInactive: true });

  const vendors: string[] = [];
  const vendorCount = options.vendors ?? 40;
  for (let index = 0; index < vendorCount; index++) {
    const [first, second] = COMPANY_WORDS[index % COMPANY_WORDS.length]!;
    const round = Math.floor(index / COMPANY_WORDS.length);
    const name = `${first} ${second} ${SUFFIXES[index % SUFFIXES.length]}${round > 0 ? ` ${round + 1}` : ''}`;
    const canadian = index % 8 === 7;
    const [city, state, zip] = pick(random, canadian ? CA_CITIES : US_CITIES);
    const domain = `${slug(`${first}${second}`)}.example.com`;
    vendors.push(
      create('vendor', {
        companyName: name,
        entityId: name,
        email: `ap@${domain}`,
        phone: canadian
          ? `416-555-${String(1000 + index).slice(-4)}`
          : `206-555-${String(1000 + index).slice(-4)}`,
        subsidiary: { id: canadian ? canada : parent },
        currency: { id: canadian ? cad : usd },
        // Canadian suppliers also invoice in US dollars (a bill may use any currency of the vendor's list).
        ...(canadian ? { currencyList: { items: [{ currency: { id: usd } }] } } : {}),
        terms: { id: pick(random, terms) },
        isInactive: index % 19 === 18,
        [SYNC_FLAG_FIELD]: random() < 0.75,
        addressBook: {
          items: [
            {
              label: 'Remit To',
              defaultBilling: true,
              defaultShipping: true,
              addressBookAddress: {
                addressee: name,
                addr1: `${100 + Math.floor(random() * 9000)} ${pick(random, STREETS)}`,
                city,
                state,
                zip,
                country: canadian ? 'CA' : 'US',
              },
            },
          ],
        },
      }),
    );
  }

  // One US supplier also serves the Canadian subsidiary (a bill may be in any of its subsidiaries).
  const sharedVendor = vendors[1];
  if (sharedVendor !== undefined)
    create('vendorSubsidiaryRelationship', { entity: { id: sharedVendor }, subsidiary: { id: canada } });

  const activeVendors = vendors.filter((id) => store.get('vendor', id)?.fields.isInactive !== true);
  const bills: string[] = [];
  const billCount = options.bills ?? 60;
  for (let index = 0; index < billCount && activeVendors.length > 0; index++) {
    const vendorId = activeVendors[index % activeVendors.length]!;
    const lineCount = 1 + Math.floor(random() * 3);
    const items = Array.from({ length: lineCount }, () => ({
      account: { id: pick(random, expenseAccounts) },
      amount: Math.round(50 + random() * 4950) + Math.round(random() * 99) / 100,
      department: { id: pick(random, departments) },
      memo: pick(random, [
        'Monthly service',
        'Supplies order',
        'Consulting hours',
        'Annual renewal',
        'Freight charges',
      ]),
    }));
    bills.push(
      create('vendorBill', {
        entity: { id: vendorId },
        tranId: `INV-${10000 + index}`,
        tranDate: addDays(today, -Math.floor(random() * 120)),
        memo: `Invoice ${10000 + index}`,
        expense: { items },
      }),
    );
  }

  const payments: string[] = [];
  const paymentCount = Math.min(options.payments ?? 6, bills.length);
  for (let index = 0; index < paymentCount; index++) {
    const billId = bills[index * 2]!;
    const bill = store.get('vendorBill', billId)!;
    const currency = textField(bill.fields, 'currency');
    const bank = bankAccounts.find((id) => store.get('account', id)?.fields.currency === currency)!;
    const total = (bill.fields.total as number) / 100;
    payments.push(
      create('vendorPayment', {
        entity: { id: textField(bill.fields, 'entity') },
        account: { id: bank },
        tranId: `PAY-${5000 + index}`,
        tranDate: [addDays(textField(bill.fields, 'tranDate')!, 20), today].sort()[0],
        // Every other payment is partial, so the demo has Open, partly paid and Paid In Full bills.
        apply: {
          items: [
            {
              doc: { id: billId },
              apply: true,
              amount: index % 2 === 0 ? total : Math.round(total * 50) / 100,
            },
          ],
        },
      }),
    );
  }

  return {
    subsidiaries: [parent, canada],
    currencies: { USD: usd, CAD: cad },
    bankAccounts,
    payablesAccounts,
    expenseAccounts,
    departments,
    vendors,
    bills,
    payments,
    syncFlagField: SYNC_FLAG_FIELD,
    classes,
    locations,
    segment: { ...DEMO_SEGMENT, values: segmentValues },
    billFields: {
      body: Object.keys(DEMO_BILL_FIELDS).filter((id) => id.startsWith('custbody_')),
      line: Object.keys(DEMO_BILL_FIELDS).filter((id) => id.startsWith('custcol_')),
    },
    taxAccounts,
    freightAccount,
    taxCodes,
    attachmentFolder,
    sharedVendor,
  };
}

export interface BulkBillOptions {
  /** Vendors the bills rotate over (default: every active vendor; a demo company is created when none exist). */
  vendorIds?: string[];
  seed?: number;
  /** Latest tranDate; bills spread over the year before it (default today). */
  endDate?: string;
  /** lastModifiedDate of the first bill; each next bill is one second later (default: now minus count seconds). */
  firstModified?: Date;
  externalIdPrefix?: string;
}

/**
 * Inserts `count` open vendor bills straight into the store (values are valid by construction, so the
 * per-write rules are skipped): about 50,000 bills a second. The SuiteQL mirror loads them in one
 * transaction on the next query.
 */
export function bulkVendorBills(
  store: RecordStore,
  count: number,
  options: BulkBillOptions = {},
): { first: string; last: string } {
  if (store.count('vendor') === 0) seedDemoCompany(store, { bills: 0, payments: 0 });
  const vendors = (
    options.vendorIds ??
    store
      .list('vendor')
      .filter((vendor) => vendor.fields.isInactive !== true)
      .map((vendor) => vendor.id)
  )
    .map((id) => store.get('vendor', id))
    .filter((vendor): vendor is StoredRecord => vendor !== undefined);
  if (vendors.length === 0) throw new Error('bulkVendorBills: no vendors to bill');
  const accounts = store.list('account');
  const payable = accounts.find(
    (account) => account.fields.acctType === 'AcctPay' && account.fields.isInactive !== true,
  );
  const expense = accounts.filter(
    (account) =>
      account.fields.acctType === 'Expense' &&
      account.fields.isInactive !== true &&
      account.fields.isSummary !== true,
  );
  if (payable === undefined || expense.length === 0)
    throw new Error('bulkVendorBills: needs an A/P account and expense accounts');
  const departments = store
    .list('department')
    .filter((department) => department.fields.isInactive !== true)
    .map((d) => d.id);
  const random = seededRandom(options.seed ?? 7);
  const endDate = options.endDate ?? store.today();
  const firstModified = (options.firstModified ?? new Date(Date.now() - count * 1000)).getTime();
  const prefix = options.externalIdPrefix ?? 'bulk-bill-';
  let first = '';
  let last = '';
  for (let index = 0; index < count; index++) {
    const vendor = vendors[index % vendors.length]!;
    const lines: StoredLine[] = [];
    let total = 0;
    const lineCount = 1 + (index % 2);
    for (let line = 1; line <= lineCount; line++) {
      const amount = 1000 + Math.floor(random() * 500_000);
      total += amount;
      const entry: StoredLine = { line, account: expense[Math.floor(random() * expense.length)]!.id, amount };
      if (departments.length > 0) entry.department = departments[Math.floor(random() * departments.length)]!;
      lines.push(entry);
    }
    const tranDate = addDays(endDate, -Math.floor(random() * 365));
    const id = store.nextId('vendorBill');
    const modified = isoSeconds(new Date(firstModified + index * 1000));
    store.save({
      type: 'vendorBill',
      id,
      fields: {
        entity: vendor.id,
        subsidiary: textField(vendor.fields, 'subsidiary') ?? null,
        currency: textField(vendor.fields, 'currency') ?? null,
        exchangeRate: 1,
        tranDate,
        dueDate: addDays(tranDate, 30),
        tranId: `B-${id}`,
        externalId: `${prefix}${index}`,
        account: payable.id,
        approvalStatus: '2',
        paymentHold: false,
        expense: lines,
        total,
        userTotal: total,
      },
      createdDate: modified,
      lastModifiedDate: modified,
    });
    if (index === 0) first = id;
    last = id;
  }
  return { first, last };
}
