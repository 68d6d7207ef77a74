// Pure parts of the Procurify sandbox: money and timestamp helpers, the tax and bill amount rules
// (model.ts billAmounts), the deterministic demo company and its real AP bills, and the store's
// bookkeeping of payments against bills (no HTTP).
import { describe, expect, it } from 'vitest';
import {
  billStatus,
  demoCompany,
  ProcurifyStore,
  SandboxInputError,
  seedDemoCompany,
} from '../../infra/sandboxes/procurify/index.ts';
import {
  divideRounded,
  extendedCents,
  formatCents,
  formatMicros,
  lineTaxSplit,
  ModificationClock,
  parseCents,
  parseMicros,
} from '../../infra/sandboxes/procurify/model.ts';

describe('sandbox helpers', () => {
  it('parses and renders cents', () => {
    expect(parseCents('120.5')).toBe(12_050);
    expect(parseCents('-0.01')).toBe(-1);
    expect(parseCents('1.234')).toBeUndefined();
    expect(formatCents(12_050)).toBe('120.50');
    expect(formatCents(-5)).toBe('-0.05');
  });

  it('renders microsecond timestamps as DRF does and parses filter values', () => {
    const micros = parseMicros('2025-06-30T12:00:00.123456Z')!;
    expect(formatMicros(micros)).toBe('2025-06-30T12:00:00.123456Z');
    expect(parseMicros('2025-06-30')).toBe(Date.parse('2025-06-30T00:00:00Z') * 1000);
    expect(parseMicros('2025-06-30T14:00:00+02:00')).toBe(Date.parse('2025-06-30T12:00:00Z') * 1000);
    expect(parseMicros('2025-02-30')).toBeUndefined();
    expect(parseMicros('yesterday')).toBeUndefined();
  });

  it('gives strictly increasing modification times even when the wall clock stands still', () => {
    const clock = new ModificationClock(() => 1_000);
    const ticks = [clock.tick(), clock.tick(), clock.tick()];
    expect(ticks).toEqual([1_000_000, 1_000_001, 1_000_002]);
  });
});

describe('bill amounts', () => {
  it('rounds half up on the magnitude', () => {
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(divideRounded(4n, 3n)).toBe(1n);
    expect(divideRounded(1n, 3n)).toBe(0n);
  });

  it('splits a line into net and tax: exclusive adds, inclusive takes out (19.99 at 13 % → 17.69 + 2.30)', () => {
    const tax = (percentage: string, inclusive: boolean) => ({ name: 'T', percentage, inclusive });
    expect(lineTaxSplit(1999, tax('13', true))).toEqual({ netCents: 1769, taxCents: 230 });
    expect(lineTaxSplit(1010, tax('5', false))).toEqual({ netCents: 1010, taxCents: 51 });
    expect(lineTaxSplit(1000, tax('8.875', false))).toEqual({ netCents: 1000, taxCents: 89 });
    expect(lineTaxSplit(3333, tax('7.25', false))).toEqual({ netCents: 3333, taxCents: 242 });
    expect(lineTaxSplit(-1010, tax('5', false))).toEqual({ netCents: -1010, taxCents: -51 });
    expect(lineTaxSplit(5000, null)).toEqual({ netCents: 5000, taxCents: 0 });
    expect(extendedCents('3', '12.345')).toBe(3704);
    expect(extendedCents('2.5', '0.333')).toBe(83);
  });
});

describe('demo company', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = demoCompany({ seed: 5, today: '2025-06-30' });
    expect(demoCompany({ seed: 5, today: '2025-06-30' })).toEqual(a);
    expect(demoCompany({ seed: 6, today: '2025-06-30' })).not.toEqual(a);
  });

  it('holds what the flows need: ~40 vendors, payment methods with one unmatched GL code, varied payments', () => {
    const store = new ProcurifyStore(new ModificationClock(() => Date.parse('2025-06-30T12:00:00Z')), 5);
    seedDemoCompany(store, { seed: 5, today: '2025-06-30' });
    expect(store.vendors.size).toBe(40);
    expect([...store.vendors.values()].some((v) => !v.active)).toBe(true);
    expect([...store.paymentMethods.values()].map((m) => m.gl_code)).toContain('9999');
    const payments = [...store.payments.values()];
    expect(payments.some((p) => p.applications.length >= 3)).toBe(true);
    expect(payments.some((p) => p.applications.length === 2)).toBe(true);
    const partial = payments.filter((p) =>
      p.applications.some((a) => a.amountCents < store.billTotalCents(store.bills.get(a.billUuid)!)),
    );
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect(payments.some((p) => p.status === 'failed')).toBe(true);
    expect(payments.some((p) => store.paymentMethods.get(p.methodId)!.gl_code === '9999')).toBe(true);
    const approvedOpen = [...store.bills.values()].filter(
      (b) => b.status === billStatus.approved && store.applicationsOf(b.uuid).length === 0,
    );
    expect(approvedOpen.length).toBeGreaterThan(10);
    for (const b of store.bills.values()) {
      for (const item of b.items) {
        const allocated = item.allocations.reduce((sum, a) => sum + a.amountCents, 0);
        expect(allocated).toBe(item.totalCents);
      }
    }
  });
});

describe('demo company bills', () => {
  it('are real AP bills: taxes both ways, quantities, shipping, costs, custom fields, files, CAD, three locations', () => {
    const store = new ProcurifyStore(new ModificationClock(() => Date.parse('2025-06-30T12:00:00Z')), 5);
    seedDemoCompany(store, { seed: 5, today: '2025-06-30' });
    const bills = [...store.bills.values()];
    const items = bills.flatMap((bill) => bill.items);
    const rates = new Set(items.flatMap((item) => (item.tax === null ? [] : [item.tax.percentage])));
    expect([...rates].sort()).toEqual(['13', '20', '5', '7.25', '8.875']);
    expect(items.some((item) => item.tax?.inclusive === true)).toBe(true);
    expect(items.some((item) => item.tax?.inclusive === false)).toBe(true);
    expect(items.some((item) => item.unitCost !== null && item.quantity !== '1')).toBe(true);
    expect(items.some((item) => item.billByCost)).toBe(true);
    expect(items.some((item) => (item.shippingCents ?? 0) > 0)).toBe(true);
    expect(items.some((item) => item.customFields.length > 0)).toBe(true);
    expect(bills.some((bill) => bill.costs.length > 0)).toBe(true);
    expect(bills.filter((bill) => bill.attachments.length === 1).length).toBeGreaterThan(5);
    expect(bills.every((bill) => bill.attachments.length <= 1)).toBe(true);
    const cad = store.currencyByCode('CAD').id;
    expect(
      bills.some((bill) => bill.currencyId === cad && bill.items.some((item) => item.tax !== null)),
    ).toBe(true);
    const branches = (item: (typeof items)[number]) =>
      new Set(item.allocations.map((a) => store.departments.get(a.departmentId)!.branch)).size;
    expect(items.some((item) => branches(item) === 3)).toBe(true);
    for (const item of items) {
      expect(item.allocations.reduce((sum, a) => sum + a.amountCents, 0)).toBe(item.totalCents);
    }
    // Demo payments in full close their bills although they carry tax and shipping.
    for (const payment of store.payments.values()) {
      if (payment.status !== 'paid') continue;
      for (const app of payment.applications) {
        const bill = store.bills.get(app.billUuid)!;
        if (store.openCents(bill) === 0) expect(bill.status).toBe(billStatus.paid);
      }
    }
    const paidInFull = bills.filter(
      (bill) => bill.status === billStatus.paid && store.applicationsOf(bill.uuid).length > 0,
    );
    expect(paidInFull.some((bill) => store.billAmounts(bill).taxCents > 0)).toBe(true);
  });
});

describe('store', () => {
  it('refuses payments across vendors, above the open amount, or of unapproved bills', () => {
    const store = new ProcurifyStore();
    seedDemoCompany(store, { seed: 1, today: '2025-06-30' });
    const open = [...store.bills.values()].filter(
      (b) => b.status === billStatus.approved && store.applicationsOf(b.uuid).length === 0,
    );
    const a = open[0]!;
    const other = open.find((b) => b.vendorId !== a.vendorId)!;
    expect(() =>
      store.recordPayment({
        bills: [
          { uuid: a.uuid, amount: '1.00' },
          { uuid: other.uuid, amount: '1.00' },
        ],
        method: 1,
      }),
    ).toThrow(/one vendor/);
    expect(() =>
      store.recordPayment({
        bills: [{ uuid: a.uuid, amount: formatCents(store.openCents(a) + 1) }],
        method: 1,
      }),
    ).toThrow(/open amount/);
    const draft = [...store.bills.values()].find((b) => b.status === billStatus.draft)!;
    expect(() => store.recordPayment({ bills: [{ uuid: draft.uuid, amount: '1.00' }], method: 1 })).toThrow(
      SandboxInputError,
    );
  });
});
