// Pure rules of the bill flow (issue 11): exact money, the Vendor Bill body with tax, shipping,
// costs, location, class and custom fields, parking on what is missing (settings, mappings, amounts the
// currency cannot hold), to-the-cent totals over generated bills, legacy external-id matching, CSV
// parsing and the bill-sync configuration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApBill, ApBillLine, CostAllocation } from '../../../shared/ap/bill.ts';
import { apportion, roundAllToMinor, toUnits } from '../../../shared/bills/bill-money.ts';
import {
  type BillCoding,
  billExternalId,
  billNeeds,
  planVendorBill,
  segmentValueNeeds,
} from '../../../shared/bills/bill-plan.ts';
import {
  type BillSyncSettingsInput,
  billSyncSettingsSchema,
} from '../../../shared/bills/bill-sync-settings.ts';
import { parseCsvLine } from '../../../shared/bills/import-bill-links.ts';
import { legacyKeyOf, matchesLegacyExternalId } from '../../../shared/bills/legacy-bills.ts';
import { BugError, DataError } from '../../../shared/errors.ts';
import { formatMinor, minorToAmount, roundToMinor } from '../../../shared/money/money.ts';

const uuid = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b';

const departments: Record<number, [string, string]> = {
  3: ['Marketing', 'Vancouver'],
  4: ['Operations', 'Seattle'],
  5: ['Engineering', 'Vancouver'],
};

function allocation(id: number, amount: string, code: string, department: number): CostAllocation {
  const [name, location] = departments[department]!;
  return { id, amount, accountCode: code, department: { id: department, name, location } };
}

function item(overrides: Partial<ApBillLine> & Pick<ApBillLine, 'net' | 'allocations'>): ApBillLine {
  return {
    id: 1,
    description: 'Paper',
    quantity: null,
    unitCost: null,
    billByCost: true,
    taxName: null,
    taxPercentage: null,
    tax: null,
    taxIncluded: false,
    netWithTax: null,
    shipping: null,
    fields: [],
    ...overrides,
  };
}

function bill(overrides: Partial<ApBill> = {}): ApBill {
  return {
    id: 42,
    uuid,
    status: 2,
    lastModified: '2026-03-01T10:00:00.123456Z',
    vendor: { id: 7, name: 'Northwind Paper Co' },
    currency: 'USD',
    invoiceNumber: 'INV-1001',
    invoiceDate: '2026-02-27T00:00:00Z',
    dueDate: '2026-03-29T00:00:00Z',
    paymentTerms: 'Net 30',
    totalCost: '150.75',
    note: '',
    lines: [
      item({
        id: 1,
        description: 'Paper',
        quantity: '4',
        unitCost: '25.125',
        billByCost: false,
        net: '100.50',
        taxName: 'GST',
        taxPercentage: '5',
        tax: '5.03',
        taxIncluded: false,
        netWithTax: '105.53',
        shipping: '7.00',
        fields: [{ name: 'Project', value: 'Q1 launch' }],
        allocations: [allocation(11, '100.50', '6100', 3)],
      }),
      item({
        id: 2,
        description: 'Toner',
        net: '50.25',
        fields: [{ name: 'Region', value: 'West' }],
        allocations: [allocation(12, '30.00', '6100', 3), allocation(13, '20.25', '6200', 4)],
      }),
    ],
    costs: [],
    invoiceFiles: [],
    ...overrides,
  };
}

const coding: BillCoding = {
  vendorId: '101',
  subsidiaryId: '1',
  currency: { id: '1', code: 'USD', precision: 2 },
  termId: '2',
  accounts: new Map([
    ['6100', '501'],
    ['6200', '502'],
    ['5100', '26'],
  ]),
  departments: new Map([
    [3, '21'],
    [4, '22'],
    [5, '23'],
  ]),
  locations: new Map([
    ['Vancouver', '2'],
    ['Seattle', '1'],
  ]),
  classes: new Map([
    ['Marketing', '1'],
    ['Operations', '2'],
    ['Engineering', '3'],
  ]),
  missing: [],
};

const fullSettings: BillSyncSettingsInput = {
  tax: { strategy: 'tax-lines', accounts: { GST: '24' }, defaultAccountId: '25' },
  shipping: { mode: 'account', accountId: '26' },
  location: { byProcurifyLocation: { Vancouver: '2', Seattle: '1' } },
  class: { byDepartment: { Marketing: '1', Operations: '2' }, defaultId: '3' },
  customFields: [
    { field: 'custcol_project', from: { lineField: 'Project' } },
    { field: 'cseg_region', from: { lineField: 'Region' }, values: { West: '1', East: '2' } },
    { field: 'custbody_ap_approver', from: { constant: 'apsync' } },
    { field: 'custcol_procurify_quantity', from: { lineValue: 'quantity' } },
  ],
  attachments: { folderId: '1' },
};
const settings = (input: BillSyncSettingsInput = fullSettings) => billSyncSettingsSchema.parse(input);

type Written = Extract<ReturnType<typeof planVendorBill>, { kind: 'write' }>;
function written(plan: ReturnType<typeof planVendorBill>): Written {
  if (plan.kind !== 'write') throw new Error(`parked: ${plan.message}`);
  return plan;
}
/** A bill amount in cents as the planner gets there: exact units of 10^-8 first, then rounded. */
const billCents = (value: string, what: string): bigint => roundToMinor(toUnits(value, what), 2);
const linesTotalCents = (plan: Written) =>
  plan.body.expense.items.reduce((sum, line) => sum + billCents(String(line.amount), 'line'), 0n);

describe('bill money', () => {
  it('reads decimals exactly (8 places) and rounds half away from zero to cents', () => {
    expect(toUnits('120.505', 'x')).toBe(12050500000n);
    expect(toUnits('0.30000000000000004', 'x')).toBe(30000000n);
    expect(billCents('120.5', 'x')).toBe(12050n);
    expect(billCents('0.005', 'x')).toBe(1n);
    expect(billCents('0.0049', 'x')).toBe(0n);
    expect(billCents('-2.345', 'x')).toBe(-235n);
    expect(billCents('12345678901.99', 'x')).toBe(1234567890199n);
    expect(() => billCents('1e3', 'line 1')).toThrow(DataError);
  });

  it('renders cents as the two-decimal number NetSuite gets and as text', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), (cents) => {
        const amount = minorToAmount(cents, 2);
        expect(JSON.stringify(amount)).toBe(String(Number(formatMinor(cents, 2))));
        expect(billCents(formatMinor(cents, 2), 'x')).toBe(cents);
      }),
    );
    expect(formatMinor(-12050n, 2)).toBe('-120.50');
  });

  it('apportions exactly and rounds a set of amounts to a given total', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 8 }),
        (amount, weights) => {
          const shares = apportion(amount, weights);
          expect(shares.reduce((sum, share) => sum + share, 0n)).toBe(amount);
        },
      ),
    );
    expect(roundAllToMinor([33333333n, 33333333n, 33333334n], 100n, 2)).toEqual([33n, 33n, 34n]);
  });

  it('refuses a total the amounts cannot round to, rather than lines that do not add up to it', () => {
    // 1.00 and 2.004 round down to 100 and 200 cents, each gaining one cent at most: 3.00 to 3.02 can be
    // reached, 3.03 and 2.99 cannot.
    const units = [toUnits('1.00', 'x'), toUnits('2.004', 'x')];
    expect(roundAllToMinor(units, 301n, 2)).toEqual([100n, 201n]);
    expect(roundAllToMinor(units, 302n, 2)).toEqual([101n, 201n]);
    for (const [total, text] of [
      [303n, '3.03'],
      [299n, '2.99'],
    ] as const) {
      expect(() => roundAllToMinor(units, total, 2)).toThrow(DataError);
      expect(() => roundAllToMinor(units, total, 2)).toThrow(`cannot round 2 amounts to a total of ${text}`);
    }
  });

  it('gives no share of an amount when there is nothing to split it over', () => {
    expect(apportion(700n, [])).toEqual([]);
    expect(apportion(0n, [])).toEqual([]);
  });
});

describe('planVendorBill', () => {
  it('writes header, lines with department, location, class and custom fields, tax and shipping lines', () => {
    const plan = written(planVendorBill(bill(), settings(), coding));
    expect(plan.body).toMatchObject({
      externalId: `procurify-bill-${uuid}`,
      entity: { id: '101' },
      subsidiary: { id: '1' },
      currency: { id: '1' },
      terms: { id: '2' },
      tranDate: '2026-02-27',
      dueDate: '2026-03-29',
      tranId: 'INV-1001',
      custbody_ap_approver: 'apsync',
      item: { items: [] },
    });
    expect(plan.body.expense.items).toEqual([
      {
        account: { id: '501' },
        amount: 100.5,
        department: { id: '21' },
        location: { id: '2' },
        class: { id: '1' },
        memo: 'Paper (4 × 25.125)',
        custcol_project: 'Q1 launch',
        custcol_procurify_quantity: 4,
      },
      {
        account: { id: '24' },
        amount: 5.03,
        department: { id: '21' },
        location: { id: '2' },
        class: { id: '1' },
        memo: 'GST 5% on Paper',
        custcol_project: 'Q1 launch',
      },
      {
        account: { id: '26' },
        amount: 7,
        department: { id: '21' },
        location: { id: '2' },
        class: { id: '1' },
        memo: 'Shipping: Paper',
        custcol_project: 'Q1 launch',
      },
      {
        account: { id: '501' },
        amount: 30,
        department: { id: '21' },
        location: { id: '2' },
        class: { id: '1' },
        memo: 'Toner',
        cseg_region: { id: '1' },
      },
      {
        account: { id: '502' },
        amount: 20.25,
        department: { id: '22' },
        location: { id: '1' },
        class: { id: '2' },
        memo: 'Toner',
        cseg_region: { id: '1' },
      },
    ]);
    expect(plan.totals).toMatchObject({
      lines: '150.75',
      tax: '5.03',
      shipping: '7.00',
      costs: '0.00',
      total: '162.78',
    });
    expect(linesTotalCents(plan)).toBe(16278n);
  });

  it('apportions shipping and costs over the lines when configured, and codes costs otherwise', () => {
    const withCost = bill({
      totalCost: '165.75',
      costs: [{ id: 1, name: 'Freight', amount: '15.00', allocation: allocation(90, '15.00', '5100', 4) }],
    });
    const apportioned = written(
      planVendorBill(
        withCost,
        settings({ ...fullSettings, shipping: { mode: 'apportion' }, costs: { mode: 'apportion' } }),
        coding,
      ),
    );
    expect(apportioned.body.expense.items.map((line) => line.memo)).not.toContain('Cost: Freight');
    expect(linesTotalCents(apportioned)).toBe(17778n);
    const coded = written(planVendorBill(withCost, settings(), coding));
    expect(coded.body.expense.items.at(-1)).toMatchObject({
      account: { id: '26' },
      amount: 15,
      department: { id: '22' },
      memo: 'Cost: Freight',
    });
    expect(linesTotalCents(coded)).toBe(17778n);
  });

  it('parks a taxed or shipped bill until tax and shipping are configured, naming the setting', () => {
    const plan = planVendorBill(bill(), settings({}), coding);
    expect(plan).toMatchObject({ kind: 'park', waitingFor: ['setting:tax', 'setting:shipping'] });
    const legacyTax = planVendorBill(
      bill(),
      settings({ ...fullSettings, tax: { strategy: 'tax-codes' } }),
      coding,
    );
    expect(legacyTax.kind === 'park' && legacyTax.message).toContain(
      "cannot be written through NetSuite's REST record API",
    );
    const unknownTax = planVendorBill(
      bill(),
      settings({ ...fullSettings, tax: { strategy: 'tax-lines', accounts: {} } }),
      coding,
    );
    expect(unknownTax).toMatchObject({ kind: 'park', waitingFor: ['tax:GST'] });
  });

  it('refuses, as a bug, a coding that neither resolves an account code nor reports it missing', () => {
    // What billNeeds looks up, planVendorBill trusts: an account code that is in neither the coding's
    // accounts nor its missing list would otherwise be written as a line without an account.
    const unresolved = {
      ...coding,
      accounts: new Map([...coding.accounts].filter(([code]) => code !== '6200')),
    };
    expect(() => planVendorBill(bill(), settings(), unresolved)).toThrow(BugError);
    expect(() => planVendorBill(bill(), settings(), unresolved)).toThrow(
      `bill ${uuid}: a line's account was neither resolved nor reported missing`,
    );
    // Reported missing, the same coding parks the bill instead.
    const reported = {
      ...unresolved,
      missing: [{ key: 'account:6200', reason: 'account 6200 is not in NetSuite' }],
    };
    expect(planVendorBill(bill(), settings(), reported)).toMatchObject({
      kind: 'park',
      waitingFor: ['account:6200'],
    });
  });

  it('parks on a missing mapping and on a custom field value without a NetSuite id', () => {
    const missing = {
      ...coding,
      missing: [
        { key: 'location:Seattle', reason: 'Procurify location Seattle: NetSuite location 1 is inactive' },
      ],
    };
    expect(planVendorBill(bill(), settings(), missing)).toMatchObject({
      kind: 'park',
      waitingFor: ['location:Seattle'],
      message: expect.stringContaining('NetSuite location 1 is inactive'),
    });
    const unmapped = bill();
    unmapped.lines[1]!.fields = [{ name: 'Region', value: 'North' }];
    expect(planVendorBill(unmapped, settings(), coding)).toMatchObject({
      kind: 'park',
      waitingFor: ['field:cseg_region=North'],
    });
    expect(segmentValueNeeds(bill(), settings())).toEqual([{ segment: 'cseg_region', id: '1' }]);
  });

  it('parks a total the currency cannot hold, and writes whole amounts in a currency without decimals', () => {
    const odd = bill({ totalCost: '150.755' });
    odd.lines[1]!.net = '50.255';
    odd.lines[1]!.allocations[1]!.amount = '20.255';
    expect(planVendorBill(odd, settings(), coding)).toMatchObject({ kind: 'park', waitingFor: ['amounts'] });
    const yen = bill({ currency: 'JPY', totalCost: '15075' });
    yen.lines[0] = item({ net: '10050', allocations: [allocation(11, '10050', '6100', 3)] });
    yen.lines[1] = item({ id: 2, net: '5025', allocations: [allocation(12, '5025', '6100', 3)] });
    const plan = written(
      planVendorBill(yen, settings(), { ...coding, currency: { id: '3', code: 'JPY', precision: 0 } }),
    );
    expect(plan.body.expense.items.map((line) => line.amount)).toEqual([10050, 5025]);
  });

  it('refuses amounts that do not add up, naming the line', () => {
    const broken = bill();
    broken.lines[0]!.netWithTax = '105.00';
    expect(() => planVendorBill(broken, settings(), coding)).toThrow(
      /line 1 \(Paper\) is 100.50 with tax 5.03/,
    );
    expect(() => planVendorBill(bill({ totalCost: '150.00' }), settings(), coding)).toThrow(
      /bill total is 150.00/,
    );
    const unallocated = bill();
    unallocated.lines[0]!.allocations = [];
    expect(() => planVendorBill(unallocated, settings(), coding)).toThrow(DataError);
  });

  it('lists what the bill needs from NetSuite once each', () => {
    expect(billNeeds(bill(), settings())).toEqual({
      accountCodes: ['6100', '6200'],
      departments: [
        { procurifyId: 3, name: 'Marketing', location: 'Vancouver' },
        { procurifyId: 4, name: 'Operations', location: 'Seattle' },
      ],
      procurifyLocations: ['Vancouver', 'Seattle'],
      configuredAccounts: ['24', '26'],
      currencyCode: 'USD',
      term: 'Net 30',
    });
  });

  it('gives the same hash for the same bill and a different one when an amount changes', () => {
    const a = written(planVendorBill(bill(), settings(), coding));
    const b = written(planVendorBill(bill(), settings(), coding));
    const changed = bill();
    changed.lines[0]!.tax = '5.02';
    changed.lines[0]!.netWithTax = '105.52';
    expect(a.hash).toBe(b.hash);
    expect(written(planVendorBill(changed, settings(), coding)).hash).not.toBe(a.hash);
  });
});

/** A bill as Procurify computes one: each line's tax from its rate (inclusive or exclusive), shipping, costs. */
const generatedBill = fc
  .record({
    currency: fc.constantFrom(['USD', 2] as const, ['CAD', 2] as const, ['JPY', 0] as const),
    lines: fc.array(
      fc.record({
        allocations: fc.array(
          fc.record({
            cents: fc.integer({ min: 1, max: 5_000_000 }),
            department: fc.constantFrom(3, 4, 5),
            extra: fc.integer({ min: 0, max: 9 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        rate: fc.constantFrom(null, '5', '7.25', '13', '8.875'),
        inclusive: fc.boolean(),
        shippingCents: fc.constantFrom(0, 0, 499, 1250, 333),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    costCents: fc.array(fc.integer({ min: 1, max: 100_000 }), { maxLength: 2 }),
    subDecimals: fc.boolean(),
    shippingMode: fc.constantFrom('account' as const, 'apportion' as const),
    costsMode: fc.constantFrom('coded' as const, 'account' as const, 'apportion' as const),
  })
  .map(({ currency: [code, precision], lines, costCents, subDecimals, shippingMode, costsMode }) => {
    // Amounts in units of 10^-4 (sub-cent allocations when `subDecimals`), at the currency's precision otherwise.
    const scale = precision === 0 ? 1n : subDecimals ? 10_000n : 100n;
    const text = (value: bigint, places: number) => {
      const digits = value.toString().padStart(places + 1, '0');
      return places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
    };
    const places = precision === 0 ? 0 : subDecimals ? 4 : 2;
    let allocationId = 1;
    let expected = 0n;
    let netSum = 0n;
    const items = lines.map((line, index) => {
      const amounts = line.allocations.map(
        (a) => BigInt(a.cents) * (scale / 100n || 1n) + (subDecimals ? BigInt(a.extra) : 0n),
      );
      const net = amounts.reduce((sum, value) => sum + value, 0n);
      // Tax at the currency's minor unit, as Procurify rounds it: exclusive on the net, inclusive inside the gross.
      const minor = precision === 0 ? 1n : scale / 100n;
      let tax = 0n;
      if (line.rate !== null) {
        const rate = Number(line.rate);
        const netMinor = Number(net / minor);
        const taxMinor = line.inclusive
          ? Math.round(netMinor * (rate / 100))
          : Math.round((netMinor * rate) / 100);
        tax = BigInt(taxMinor) * minor;
      }
      const shipping =
        precision === 0 ? BigInt(line.shippingCents) : BigInt(line.shippingCents) * (scale / 100n);
      expected += net + tax + shipping;
      netSum += net;
      return item({
        id: index + 1,
        description: `Line ${index + 1}`,
        net: text(net, places),
        taxName: line.rate === null ? null : `Tax ${line.rate}`,
        taxPercentage: line.rate,
        tax: line.rate === null ? null : text(tax, places),
        taxIncluded: line.inclusive,
        netWithTax: text(net + tax, places),
        shipping: line.shippingCents === 0 ? null : text(shipping, places),
        allocations: line.allocations.map((a, at) =>
          allocation(
            allocationId++,
            text(amounts[at]!, places),
            a.department === 4 ? '6200' : '6100',
            a.department,
          ),
        ),
      });
    });
    const costs = costCents.map((cents, index) => {
      const amount = precision === 0 ? BigInt(cents) : BigInt(cents) * (scale / 100n);
      expected += amount;
      netSum += amount;
      return {
        id: index + 1,
        name: `Cost ${index + 1}`,
        amount: text(amount, places),
        allocation: allocation(900 + index, text(amount, places), '5100', 4),
      };
    });
    const generated = bill({
      currency: code,
      totalCost: text(netSum, places),
      lines: items,
      costs,
      paymentTerms: null,
    });
    return {
      bill: generated,
      precision,
      expected,
      scale: precision === 0 ? 1n : scale,
      shippingMode,
      costsMode,
    };
  });

describe('to the cent over generated bills', () => {
  it('writes lines that add up to the bill with tax, shipping and costs, or parks what the currency cannot hold', () => {
    fc.assert(
      fc.property(
        generatedBill,
        ({ bill: generated, precision, expected, scale, shippingMode, costsMode }) => {
          const config = settings({
            tax: { strategy: 'tax-lines', accounts: {}, defaultAccountId: '24' },
            shipping:
              shippingMode === 'account' ? { mode: 'account', accountId: '26' } : { mode: 'apportion' },
            costs: costsMode === 'account' ? { mode: 'account', accountId: '26' } : { mode: costsMode },
          });
          const currencyCoding = {
            ...coding,
            currency: { id: '1', code: generated.currency, precision },
          };
          const plan = planVendorBill(generated, config, currencyCoding);
          const minorPerScale = scale / 10n ** BigInt(precision);
          if (expected % minorPerScale !== 0n) {
            expect(plan).toMatchObject({ kind: 'park', waitingFor: ['amounts'] });
            return;
          }
          const write = written(plan);
          const total = write.body.expense.items.reduce(
            (sum, line) => sum + BigInt(Math.round(line.amount * 10 ** precision)),
            0n,
          );
          expect(total).toBe(expected / minorPerScale);
          expect(write.totals.totalMinor).toBe(expected / minorPerScale);
          for (const line of write.body.expense.items) {
            expect(Number.isInteger(Math.round(line.amount * 10 ** precision))).toBe(true);
            expect(line.amount).not.toBe(0);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('legacy bills', () => {
  it('matches the capture group against the UUID or invoice number, case-insensitively', () => {
    expect(matchesLegacyExternalId(`PROC-${uuid.toUpperCase()}`, '^PROC-([0-9a-f-]{36})$', uuid)).toBe(true);
    expect(matchesLegacyExternalId('PROC-other', '^PROC-(.+)$', uuid)).toBe(false);
    expect(matchesLegacyExternalId('INV-1001', '^INV-(.+)$', 'INV-1001')).toBe(false);
    expect(matchesLegacyExternalId('INV-1001', '^(INV-.+)$', 'inv-1001')).toBe(true);
    expect(legacyKeyOf(bill(), 'invoiceNumber')).toBe('INV-1001');
    expect(legacyKeyOf(bill({ invoiceNumber: null }), 'invoiceNumber')).toBeUndefined();
    expect(billExternalId(uuid.toUpperCase())).toBe(`procurify-bill-${uuid}`);
  });

  it('validates the configuration: pattern with a capture group, custbody field', () => {
    expect(billSyncSettingsSchema.safeParse({ legacy: { externalIdPattern: '^PROC-(.+)$' } }).success).toBe(
      true,
    );
    expect(billSyncSettingsSchema.safeParse({ legacy: { externalIdPattern: '^PROC-.+$' } }).success).toBe(
      false,
    );
    expect(billSyncSettingsSchema.safeParse({ legacy: { externalIdPattern: '([' } }).success).toBe(false);
    expect(billSyncSettingsSchema.safeParse({ legacy: { field: 'custentity_x' } }).success).toBe(false);
    expect(billSyncSettingsSchema.safeParse({ subsidiaryId: 'main' }).success).toBe(false);
  });
});

describe('CSV lines', () => {
  it('splits cells, honouring quotes and doubled quotes', () => {
    expect(parseCsvLine('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(parseCsvLine('"a,b","say ""hi""",')).toEqual(['a,b', 'say "hi"', '']);
  });
});
