// Pure rules of the bill flow (SPEC F3): exact money, the Vendor Bill body, parking on missing mappings,
// legacy external-id matching, CSV parsing and the bill-sync configuration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centsToAmount, formatCents, toCents } from '../../shared/bills/bill-money.ts';
import {
  type BillCoding,
  billExternalId,
  codingNeeds,
  expenseAmounts,
  planVendorBill,
} from '../../shared/bills/bill-plan.ts';
import { billSyncSettingsSchema } from '../../shared/bills/bill-sync-settings.ts';
import { parseCsvLine } from '../../shared/bills/import-bill-links.ts';
import { legacyKeyOf, matchesLegacyExternalId } from '../../shared/bills/legacy-bills.ts';
import { DataError } from '../../shared/errors.ts';
import type { ProcurifyBill } from '../../shared/procurify/index.ts';

const uuid = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b';

function allocation(id: number, amount: string, code: string, department: [number, string]) {
  return {
    id,
    amount,
    budget: {
      account_code: { id: Number(code), code, description: `Account ${code}` },
      department: { id: department[0], name: department[1], external_id: null },
    },
  };
}

function bill(overrides: Partial<ProcurifyBill> = {}): ProcurifyBill {
  return {
    id: 42,
    uuid,
    status: 2,
    last_modified_datetime: '2026-03-01T10:00:00.123456Z',
    vendor: { id: 7, name: 'Northwind Paper Co', external_id: null },
    currency: { id: 1, name: 'USD' },
    invoice_number: 'INV-1001',
    invoice_date: '2026-02-27T00:00:00Z',
    due_date: '2026-03-29T00:00:00Z',
    payment_terms: 'Net 30',
    total_cost: '150.75',
    group: null,
    note: '',
    items: [
      {
        id: 1,
        description: 'Paper',
        quantity: '1',
        total_cost: '100.50',
        cost_allocations: [allocation(11, '100.50', '6100', [3, 'Marketing'])],
      },
      {
        id: 2,
        description: 'Toner',
        quantity: '1',
        total_cost: '50.25',
        cost_allocations: [
          allocation(12, '30.00', '6100', [3, 'Marketing']),
          allocation(13, '20.25', '6200', [4, 'Operations']),
        ],
      },
    ],
    bill_payment: null,
    ...overrides,
  };
}

const coding: BillCoding = {
  accounts: new Map([
    ['6100', '501'],
    ['6200', '502'],
  ]),
  departments: new Map([
    [3, '21'],
    [4, '22'],
  ]),
  missing: [],
};
const header = { vendorId: '101', subsidiaryId: '1', currencyId: '1' };

describe('bill money', () => {
  it('rounds decimal strings to cents half away from zero, never through floats', () => {
    expect(toCents('120.50', 'x')).toBe(12050n);
    expect(toCents('120.5', 'x')).toBe(12050n);
    expect(toCents('0.005', 'x')).toBe(1n);
    expect(toCents('0.0049', 'x')).toBe(0n);
    expect(toCents('-2.345', 'x')).toBe(-235n);
    expect(toCents('12345678901.99', 'x')).toBe(1234567890199n);
    expect(() => toCents('1e3', 'line 1')).toThrow(DataError);
  });

  it('renders cents as the two-decimal number NetSuite gets and as text', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), (cents) => {
        const amount = centsToAmount(cents);
        expect(JSON.stringify(amount)).toBe(String(Number(formatCents(cents))));
        expect(toCents(formatCents(cents), 'x')).toBe(cents);
      }),
    );
    expect(centsToAmount(12050n)).toBe(120.5);
    expect(formatCents(5n)).toBe('0.05');
    expect(formatCents(-12050n)).toBe('-120.50');
  });
});

describe('planVendorBill', () => {
  it('maps header, one expense line per cost allocation, and replaces item lines', () => {
    const plan = planVendorBill(bill(), coding, header);
    expect(plan.kind).toBe('write');
    if (plan.kind !== 'write') return;
    expect(plan.body).toEqual({
      externalId: `procurify-bill-${uuid}`,
      entity: { id: '101' },
      subsidiary: { id: '1' },
      currency: { id: '1' },
      tranDate: '2026-02-27',
      dueDate: '2026-03-29',
      tranId: 'INV-1001',
      memo: 'Procurify bill 42',
      expense: {
        items: [
          { account: { id: '501' }, amount: 100.5, department: { id: '21' }, memo: 'Paper' },
          { account: { id: '501' }, amount: 30, department: { id: '21' }, memo: 'Toner' },
          { account: { id: '502' }, amount: 20.25, department: { id: '22' }, memo: 'Toner' },
        ],
      },
      item: { items: [] },
    });
    expect(plan.totalCents).toBe(15075n);
    expect(plan.lineCount).toBe(3);
  });

  it('gives the same hash for the same bill and a different one when an amount changes', () => {
    const first = planVendorBill(bill(), coding, header);
    const again = planVendorBill(bill(), coding, header);
    const changed = bill();
    changed.total_cost = '150.76';
    changed.items[1]!.total_cost = '50.26';
    changed.items[1]!.cost_allocations[1]!.amount = '20.26';
    const other = planVendorBill(changed, coding, header);
    expect(first.kind === 'write' && again.kind === 'write' && other.kind === 'write').toBe(true);
    if (first.kind !== 'write' || again.kind !== 'write' || other.kind !== 'write') return;
    expect(again.hash).toBe(first.hash);
    expect(other.hash).not.toBe(first.hash);
  });

  it('parks the bill with the exact missing mappings and writes nothing', () => {
    const plan = planVendorBill(
      bill(),
      {
        ...coding,
        missing: [
          { key: 'account-code:6200', reason: 'account code 6200: no NetSuite account has this Number' },
          { key: 'department:Operations', reason: 'department Operations (Procurify 4): not linked' },
        ],
      },
      undefined,
    );
    expect(plan).toEqual({
      kind: 'park',
      waitingFor: ['account-code:6200', 'department:Operations'],
      message: expect.stringContaining('account code 6200: no NetSuite account has this Number'),
    });
  });

  it('keeps the total exact when allocations have more than two decimals', () => {
    const thirds = bill({
      total_cost: '100.00',
      items: [
        {
          id: 1,
          description: 'Shared service',
          quantity: '1',
          total_cost: '100.00',
          cost_allocations: [
            allocation(1, '33.334', '6100', [3, 'Marketing']),
            allocation(2, '33.333', '6100', [4, 'Operations']),
            allocation(3, '33.333', '6200', [4, 'Operations']),
          ],
        },
      ],
    });
    const lines = expenseAmounts(thirds);
    expect(lines.map((line) => line.cents)).toEqual([3334n, 3333n, 3333n]);
    const odd = bill({
      total_cost: '0.03',
      items: [
        {
          id: 1,
          description: 'Rounding',
          quantity: '1',
          total_cost: '0.03',
          cost_allocations: [
            allocation(1, '0.015', '6100', [3, 'Marketing']),
            allocation(2, '0.015', '6200', [3, 'Marketing']),
          ],
        },
      ],
    });
    // 0.015 + 0.015 rounds to 0.02 + 0.02: the largest line gives back the extra cent.
    const oddLines = expenseAmounts(odd);
    expect(oddLines.reduce((sum, line) => sum + line.cents, 0n)).toBe(3n);
  });

  it('refuses a line without cost allocation and allocations that do not add up', () => {
    const uncoded = bill();
    uncoded.items[0]!.cost_allocations = [];
    expect(() => planVendorBill(uncoded, coding, header)).toThrow(/line 1 \(Paper\) has no cost allocation/);
    const short = bill();
    short.items[1]!.cost_allocations[1]!.amount = '20.00';
    expect(() => planVendorBill(short, coding, header)).toThrow(/add up to 50.00, the line is 50.25/);
    const wrongTotal = bill({ total_cost: '151.00' });
    expect(() => planVendorBill(wrongTotal, coding, header)).toThrow(/the bill total is 151.00/);
  });

  it('lists each account code and department once', () => {
    expect(codingNeeds(bill())).toEqual({
      accountCodes: ['6100', '6200'],
      departments: [
        { procurifyId: 3, name: 'Marketing' },
        { procurifyId: 4, name: 'Operations' },
      ],
    });
  });
});

describe('legacy bills', () => {
  it('matches the capture group against the UUID or invoice number, case-insensitively', () => {
    expect(matchesLegacyExternalId(`PROC-${uuid.toUpperCase()}`, '^PROC-([0-9a-f-]{36})$', uuid)).toBe(true);
    expect(matchesLegacyExternalId('PROC-other', '^PROC-(.+)$', uuid)).toBe(false);
    expect(matchesLegacyExternalId('INV-1001', '^INV-(.+)$', 'INV-1001')).toBe(false);
    expect(matchesLegacyExternalId('INV-1001', '^(INV-.+)$', 'inv-1001')).toBe(true);
    expect(legacyKeyOf(bill(), 'invoiceNumber')).toBe('INV-1001');
    expect(legacyKeyOf(bill({ invoice_number: null }), 'invoiceNumber')).toBeUndefined();
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
