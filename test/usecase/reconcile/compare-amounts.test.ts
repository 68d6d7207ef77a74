// Reconciliation's reading of amounts (shared/reconcile/model.ts amountUnits/showAmount/sameMagnitude) as the
// bill comparison (shared/reconcile/compare-bills.ts) meets them: the same magnitude written differently (a
// sign on either side included) is no discrepancy; text that is not an amount (no digits, more than 8 places, words) always differs and is shown
// as it is; a bill without an invoice number is named by its uuid; an unknown status is named Unknown.
import { describe, expect, it } from 'vitest';
import {
  compareBills,
  comparePaidStatus,
  indexBills,
  judgeBillTotal,
} from '../../../shared/reconcile/compare-bills.ts';
import type { NetSuiteBillRow, ProcurifyBillRow } from '../../../shared/reconcile/ports.ts';
import type { RecordLink, RecordState } from '../../../shared/state/model.ts';

const now = new Date('2026-12-03T12:00:00.000Z');
const old = '2026-11-01T00:00:00.000Z';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const eid = (n: number) => `procurify-bill-${uuid(n)}`;
const link = (
  n: number,
  netsuiteId: string,
  origin: RecordLink['origin'] = 'created',
): [string, RecordLink] => [
  uuid(n),
  { kind: 'bill', procurifyId: uuid(n), netsuiteId, origin, linkedAt: old },
];
const pBill = (
  n: number,
  total: string | null,
  status = 2,
  invoiceNumber: string | null = `INV-${n}`,
): ProcurifyBillRow => ({
  uuid: uuid(n),
  id: n,
  status,
  total,
  invoiceNumber,
  lastModified: old,
});
const nsBill = (
  id: string,
  externalId: string,
  total: string,
  status = 'A',
  unpaid = '100.00',
): NetSuiteBillRow => ({
  id,
  externalId,
  total,
  status,
  unpaid,
  lastModified: old,
});
const compare = (
  pairs: Array<[NetSuiteBillRow, ProcurifyBillRow]>,
  origin: RecordLink['origin'] = 'legacy',
) =>
  compareBills({
    links: new Map(pairs.map(([ns, p]) => link(p.id, ns.id, origin))),
    states: new Map<string, RecordState>(),
    netsuite: pairs.map(([ns]) => ns),
    procurify: pairs.map(([, p]) => p),
    now,
    graceMs: 10 * 60_000,
  });

describe('amounts as reconciliation reads them', () => {
  it('the same magnitude in another form is no discrepancy: sign, missing zeros, trailing zeros up to 8 places', () => {
    const result = compare([
      [nsBill('501', eid(1), '-100'), pBill(1, '100.00')],
      [nsBill('502', eid(2), '-.5'), pBill(2, '0.50')],
      [nsBill('503', eid(3), ' -7.25 '), pBill(3, '7.25000000')],
      [nsBill('504', eid(4), '-12.'), pBill(4, '12')],
    ]);
    expect(result.discrepancies).toEqual([]);
    expect(result.checked).toBe(4);
  });

  it('a sign on either side is read as a magnitude: a negative Procurify total matches its NetSuite bill', () => {
    const result = compare([
      [nsBill('501', eid(1), '100.00'), pBill(1, '-100')],
      [nsBill('502', eid(2), '-20.00'), pBill(2, '-20.00')],
      [nsBill('503', eid(3), '-20.00'), pBill(3, '-20.01')],
    ]);
    expect(
      result.discrepancies.map((d) => [d.netsuiteId, d.kind, d.netsuiteValue, d.procurifyValue]),
    ).toEqual([['503', 'field-differs', '20.00', '20.01']]);
  });

  it('text that is not an amount differs from every amount and is shown as it is', () => {
    const result = compare([
      [nsBill('501', eid(1), '-'), pBill(1, '0.00')],
      [nsBill('502', eid(2), '.'), pBill(2, '0')],
      [nsBill('503', eid(3), '-100.000000001'), pBill(3, '100.000000001')],
      [nsBill('504', eid(4), 'n/a'), pBill(4, '100.00')],
      [nsBill('505', eid(5), '-100.00'), pBill(5, 'USD 100')],
    ]);
    expect(
      result.discrepancies.map((d) => [d.netsuiteId, d.kind, d.netsuiteValue, d.procurifyValue]),
    ).toEqual([
      ['501', 'field-differs', '-', '0.00'],
      ['502', 'field-differs', '.', '0.00'],
      ['503', 'field-differs', '-100.000000001', '100.000000001'],
      ['504', 'field-differs', 'n/a', '100.00'],
      ['505', 'field-differs', '100.00', 'USD 100'],
    ]);
    expect(result.discrepancies[3]!.message).toBe(
      "Vendor Bill 504 total n/a differs from Procurify's 100.00; apsync did not write this Vendor Bill: correct the side that is wrong by hand",
    );
  });

  it('a Procurify bill without a total is shown without an amount, not as a zero', () => {
    const result = compareBills({
      links: new Map([link(1, '501', 'legacy')]),
      states: new Map(),
      netsuite: [],
      procurify: [pBill(1, null), pBill(2, null)],
      now,
      graceMs: 10 * 60_000,
    });
    expect(result.discrepancies.map((d) => [d.procurifyId, d.kind, d.action, d.procurifyValue])).toEqual([
      [uuid(1), 'missing-in-netsuite', 'none', null],
      [uuid(2), 'not-linked', 'resend', null],
    ]);
  });

  it('a bill in a status apsync does not know is named Unknown', () => {
    const result = compare([[nsBill('501', eid(1), '-90.00'), pBill(1, '100.00', 42)]], 'created');
    expect(result.discrepancies).toHaveLength(1);
    expect(result.discrepancies[0]!.message).toBe(
      "Vendor Bill 501 total 90.00 differs from Procurify's 100.00; the Procurify bill is Unknown (42), which apsync no longer writes: correct the side that is wrong by hand",
    );
  });
});

describe('a bill without an invoice number is named by its uuid', () => {
  it('in the paid-status messages of both payment modes', () => {
    const indexes = indexBills(
      [nsBill('501', eid(1), '-100'), nsBill('502', eid(2), '-100', 'B', '0')],
      [pBill(1, '100.00', 4, null), pBill(2, '100.00', 2, null)],
    );
    const links = new Map([link(1, '501'), link(2, '502')]);
    const push = comparePaidStatus({ links, mode: 'push' }, indexes);
    expect(push.discrepancies[0]!.message).toMatch(
      new RegExp(`^Procurify bill ${uuid(1)} is paid; Vendor Bill 501 still has 100.00 open: `),
    );
    const pull = comparePaidStatus({ links, mode: 'pull' }, indexes);
    expect(pull.discrepancies.map((d) => d.message)).toEqual([
      `Procurify bill ${uuid(1)} was marked paid in Procurify while Vendor Bill 501 has 100.00 open (pull mode: NetSuite pays); pay it in NetSuite, or reopen it in Procurify`,
      `Vendor Bill 502 is paid in full in NetSuite; Procurify bill ${uuid(2)} is not marked paid: marked paid with the NetSuite payment's date`,
    ]);
  });

  it('in a changed bill sent again, and in an approved bill without a link', () => {
    const judged = judgeBillTotal(
      {
        uuid: uuid(1),
        link: link(1, '501')[1],
        netsuite: nsBill('501', eid(1), '-90'),
        procurify: pBill(1, '100.00', 2, null),
        state: { status: 'synced', contentHash: 'h-0' } as RecordState,
      },
      { kind: 'plan', total: '100.00', currency: 'USD', hash: 'h-1' },
    );
    expect(judged?.message).toBe(
      `Procurify bill ${uuid(1)} changed after apsync wrote Vendor Bill 501 (NetSuite 90.00, the bill now 100.00 USD): sent again`,
    );
    const unlinked = compareBills({
      links: new Map(),
      states: new Map(),
      netsuite: [],
      procurify: [pBill(7, '100.00', 2, null)],
      now,
      graceMs: 10 * 60_000,
    });
    expect(unlinked.discrepancies.map((d) => [d.procurifyId, d.action, d.message])).toEqual([
      [
        uuid(7),
        'resend',
        `approved Procurify bill ${uuid(7)} has no Vendor Bill: sent to the bill-sync worker`,
      ],
    ]);
  });
});
