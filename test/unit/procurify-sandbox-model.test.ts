// Pure parts of the Procurify sandbox: money and timestamp helpers, the deterministic demo company,
// and the store's bookkeeping of payments against bills (no HTTP).
import { describe, expect, it } from 'vitest';
import {
  billStatus,
  demoCompany,
  ProcurifyStore,
  SandboxInputError,
  seedDemoCompany,
} from '../../infra/sandboxes/procurify/index.ts';
import {
  formatCents,
  formatMicros,
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
