// Reconciliation's comparison of linked bills and their paid status (shared/reconcile/compare-bills.ts):
// each link against its Vendor Bill (gone from Procurify, deleted in NetSuite — re-sent, relinked or for a
// person, by who made it and whether the bill is still written — wrong external id, total), a differing
// total judged against the plan apsync would write now, approved bills without a link, and paid status in
// each payment mode.
import { describe, expect, it } from 'vitest';
import {
  type BillComparisonInput,
  compareBills,
  comparePaidStatus,
  indexBills,
  judgeBillTotal,
} from '../../../shared/reconcile/compare-bills.ts';
import type { Discrepancy } from '../../../shared/reconcile/model.ts';
import type { BillPlanCheck, NetSuiteBillRow, ProcurifyBillRow } from '../../../shared/reconcile/ports.ts';
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
  total: string | null = '100.00',
  status = 2,
  lastModified = old,
): ProcurifyBillRow => ({
  uuid: uuid(n),
  id: n,
  status,
  total,
  invoiceNumber: `INV-${n}`,
  lastModified,
});
const nsBill = (
  id: string,
  externalId: string | undefined,
  total = '-100.00',
  status = 'A',
  unpaid = '100.00',
): NetSuiteBillRow => ({
  id,
  ...(externalId === undefined ? {} : { externalId }),
  total,
  status,
  unpaid,
  lastModified: old,
});
const input = (
  links: Array<[string, RecordLink]>,
  netsuite: NetSuiteBillRow[],
  procurify: ProcurifyBillRow[],
  states: Array<[string, RecordState]> = [],
): BillComparisonInput => ({
  links: new Map(links),
  states: new Map(states),
  netsuite,
  procurify,
  now,
  graceMs: 10 * 60_000,
});
const brief = (found: Discrepancy[]) =>
  found.map((d) => [d.kind, d.procurifyId, d.netsuiteId, d.action, d.owner]);

describe('compareBills: linked bills', () => {
  it('reports a bill gone from Procurify, and deleted Vendor Bills by who made them and whether apsync still writes the bill', () => {
    const result = compareBills(
      input(
        [
          link(1, '501'), // in sync
          link(2, '502'), // gone from Procurify
          link(3, '503', 'legacy'), // an older integration's, deleted
          link(4, '504', 'import'), // an imported link, deleted
          link(5, '505'), // deleted, another Vendor Bill carries its external id
          link(6, '506'), // deleted, approved: re-sent
          link(7, '507'), // deleted, paid in Procurify: a person
        ],
        [nsBill('501', eid(1)), nsBill('502', eid(2), '-20'), nsBill('555', eid(5))],
        [pBill(1), pBill(3), pBill(4), pBill(5), pBill(6), pBill(7, '70.00', 4)],
      ),
    );
    expect(result.checked).toBe(7);
    expect(result.totalsToCheck).toEqual([]);
    expect(brief(result.discrepancies)).toEqual([
      ['missing-in-procurify', uuid(2), '502', 'none', 'hand-edit'],
      ['missing-in-netsuite', uuid(3), '503', 'none', 'hand-edit'],
      ['missing-in-netsuite', uuid(4), '504', 'none', 'hand-edit'],
      ['wrong-link', uuid(5), '505', 'relink', 'apsync'],
      ['missing-in-netsuite', uuid(6), '506', 'resend', 'apsync'],
      ['missing-in-netsuite', uuid(7), '507', 'none', 'hand-edit'],
    ]);
    const messages = result.discrepancies.map((d) => d.message);
    expect(messages[0]).toBe(
      `Procurify bill ${uuid(2)}, linked to Vendor Bill 502, is no longer in Procurify's bill list; if it was withdrawn on purpose, void the Vendor Bill in NetSuite`,
    );
    expect(result.discrepancies[0]!.netsuiteValue).toBe('20.00');
    expect(messages[1]).toContain('Vendor Bill 503 (an older integration) no longer exists in NetSuite');
    expect(messages[2]).toContain('Vendor Bill 504 (an imported link) no longer exists in NetSuite');
    expect(messages[3]).toBe(
      `Vendor Bill 505 no longer exists; Vendor Bill 555 carries ${eid(5)}: the link is replaced with it`,
    );
    expect(messages[4]).toBe(
      `Vendor Bill 506 (${eid(6)}) was deleted in NetSuite: the bill is sent again (a new Vendor Bill, the link follows)`,
    );
    expect(messages[5]).toMatch(
      new RegExp(
        `^Vendor Bill 507 \\(${eid(7)}\\) was deleted in NetSuite; the Procurify bill is \\w.* \\(4\\), which apsync no longer writes: re-create the Vendor Bill in NetSuite by hand$`,
      ),
    );
  });

  it('a wrong external id: relinked to the carrier (restoring the other bill’s link), re-sent, or for a person', () => {
    const result = compareBills(
      input(
        [
          link(1, '502'), // names bill 2's Vendor Bill; 501 carries bill 1
          link(2, '502'),
          link(3, '503'), // no external id, approved: re-sent
          link(4, '504'), // another external id, paid: a person
          link(5, '505', 'legacy'), // an older integration's external id: fine
        ],
        [
          nsBill('501', eid(1)),
          nsBill('502', eid(2)),
          nsBill('503', undefined),
          nsBill('504', 'by-hand'),
          nsBill('505', 'PROC-5'),
        ],
        [pBill(1), pBill(2), pBill(3), pBill(4, '100.00', 4), pBill(5)],
      ),
    );
    expect(brief(result.discrepancies)).toEqual([
      ['wrong-link', uuid(1), '502', 'relink', 'apsync'],
      ['wrong-link', uuid(3), '503', 'resend', 'apsync'],
      ['wrong-link', uuid(4), '504', 'none', 'hand-edit'],
    ]);
    expect(result.discrepancies[0]).toMatchObject({
      relinkTo: '501',
      restoreLinkOf: uuid(2),
      message: `the link names Vendor Bill 502; Vendor Bill 501 carries ${eid(1)}: the link is replaced with it`,
    });
    expect(result.discrepancies[1]!.message).toBe(
      `the link names Vendor Bill 503, whose external id is empty, not ${eid(3)}; no Vendor Bill carries it: the bill is sent again (written under its external id, the link follows)`,
    );
    expect(result.discrepancies[2]!.message).toMatch(
      /^the link names Vendor Bill 504, whose external id is by-hand, not .*; the Procurify bill is .* \(4\): find its Vendor Bill in NetSuite and import the link \(apsync bills import-links\)$/,
    );
  });

  it('a differing total: checked against the plan when apsync writes the bill, else for a person', () => {
    const result = compareBills(
      input(
        [link(1, '501'), link(2, '502'), link(3, '503', 'legacy'), link(4, '504')],
        [
          nsBill('501', eid(1), '-90'),
          nsBill('502', eid(2), '-90'),
          nsBill('503', 'PROC-3', '-90'),
          nsBill('504', eid(4), '-90'),
        ],
        [pBill(1), pBill(2, '100.00', 4), pBill(3), pBill(4, null)],
        [
          [
            uuid(1),
            { ref: { system: 'procurify', kind: 'bill', id: uuid(1) }, status: 'synced', updatedAt: old },
          ],
        ],
      ),
    );
    expect(result.totalsToCheck).toMatchObject([{ uuid: uuid(1), state: { status: 'synced' } }]);
    expect(brief(result.discrepancies)).toEqual([
      ['field-differs', uuid(2), '502', 'none', 'hand-edit'],
      ['field-differs', uuid(3), '503', 'none', 'hand-edit'],
    ]);
    expect(result.discrepancies[0]!.message).toMatch(
      /^Vendor Bill 502 total 90.00 differs from Procurify's 100.00; the Procurify bill is .* \(4\), which apsync no longer writes: correct the side that is wrong by hand$/,
    );
    expect(result.discrepancies[1]!.message).toBe(
      "Vendor Bill 503 total 90.00 differs from Procurify's 100.00; apsync did not write this Vendor Bill: correct the side that is wrong by hand",
    );
  });
});

describe('compareBills: approved bills without a link', () => {
  it('re-sends the approved ones nothing carries, links those a Vendor Bill carries; explained, recent and other statuses left', () => {
    const state = (n: number, extra: Partial<RecordState>): [string, RecordState] => [
      uuid(n),
      { ref: { system: 'procurify', kind: 'bill', id: uuid(n) }, status: 'synced', updatedAt: old, ...extra },
    ];
    const result = compareBills(
      input(
        [],
        [nsBill('502', eid(2))],
        [
          pBill(1),
          { ...pBill(2), invoiceNumber: null },
          pBill(3),
          pBill(4),
          pBill(5, '1.00', 2, '2026-12-03T11:59:00.000Z'),
          pBill(6, '1.00', 1),
        ],
        [state(3, { status: 'review' }), state(4, { excluded: { by: 'ana', at: old } } as never)],
      ),
    );
    expect(result.discrepancies).toEqual([
      {
        area: 'bill',
        kind: 'not-linked',
        netsuiteId: null,
        procurifyId: uuid(1),
        netsuiteValue: null,
        procurifyValue: '100.00',
        action: 'resend',
        owner: 'apsync',
        message: 'approved Procurify bill INV-1 has no Vendor Bill: sent to the bill-sync worker',
      },
      expect.objectContaining({
        procurifyId: uuid(2),
        action: 'relink',
        relinkTo: '502',
        message: `approved Procurify bill ${uuid(2)} is not linked, but Vendor Bill 502 carries its external id: linked to it`,
      }),
    ]);
  });
});

describe('judgeBillTotal', () => {
  const check = (state?: Partial<RecordState>) => ({
    uuid: uuid(1),
    link: link(1, '501')[1],
    netsuite: nsBill('501', eid(1), '-90'),
    procurify: pBill(1),
    state: state === undefined ? undefined : ({ status: 'synced', ...state } as RecordState),
  });

  it('no plan, equal to the plan, apsync’s own plan edited in NetSuite, or a changed Procurify bill', () => {
    expect(
      judgeBillTotal(check(), { kind: 'no-plan', reason: 'waiting for account code 9999' }),
    ).toMatchObject({
      kind: 'field-differs',
      owner: 'hand-edit',
      message: `Vendor Bill 501 total 90.00 differs from Procurify's 100.00, and apsync has no plan for the bill now (waiting for account code 9999): fix what it waits for, then apsync review replay bill:${uuid(1)}`,
    });
    const plan = (total: string): BillPlanCheck => ({ kind: 'plan', total, currency: 'USD', hash: 'h-1' });
    expect(judgeBillTotal(check(), plan('90.00'))).toBeUndefined();
    expect(judgeBillTotal(check({ contentHash: 'h-1' }), plan('100.00'))).toMatchObject({
      kind: 'edited-in-netsuite',
      action: 'none',
      owner: 'hand-edit',
      procurifyValue: '100.00',
    });
    expect(judgeBillTotal(check({ contentHash: 'h-0' }), plan('100.00'))).toMatchObject({
      kind: 'outdated',
      action: 'resend',
      owner: 'apsync',
      message:
        'Procurify bill INV-1 changed after apsync wrote Vendor Bill 501 (NetSuite 90.00, the bill now 100.00 USD): sent again',
    });
  });
});

describe('comparePaidStatus', () => {
  const indexes = indexBills(
    [
      nsBill('501', eid(1)), // open
      nsBill('502', eid(2), '-100', 'B', '0'), // paid in full
      nsBill('503', eid(3), '-100', 'B', '0'),
      nsBill('504', eid(4), '-100', 'B', '0'),
    ],
    [pBill(1, '100.00', 4), pBill(2), pBill(3, '100.00', 4), pBill(4, '100.00', 7)],
  );
  const links = new Map([link(1, '501'), link(2, '502'), link(3, '503'), link(4, '504'), link(5, '505')]);

  it('push mode: paid only in Procurify is apsync’s to explain; paid only in NetSuite is for a person', () => {
    const result = comparePaidStatus({ links, mode: 'push' }, indexes);
    expect(result.checked).toBe(4);
    expect(brief(result.discrepancies)).toEqual([
      ['paid-in-procurify-only', uuid(1), '501', 'none', 'apsync'],
      ['paid-in-netsuite-only', uuid(2), '502', 'none', 'hand-edit'],
    ]);
    expect(result.discrepancies[0]).toMatchObject({ netsuiteValue: 'Open (100.00 unpaid)' });
    expect(result.discrepancies[0]!.message).toMatch(
      /^Procurify bill INV-1 is paid; Vendor Bill 501 still has 100.00 open: /,
    );
  });

  it('pull mode: paid only in NetSuite is marked paid; paid only in Procurify is for a person', () => {
    const result = comparePaidStatus({ links, mode: 'pull' }, indexes);
    expect(result.discrepancies).toMatchObject([
      {
        kind: 'paid-in-procurify-only',
        owner: 'hand-edit',
        message:
          'Procurify bill INV-1 was marked paid in Procurify while Vendor Bill 501 has 100.00 open (pull mode: NetSuite pays); pay it in NetSuite, or reopen it in Procurify',
      },
      {
        kind: 'paid-in-netsuite-only',
        action: 'mark-paid',
        owner: 'apsync',
        netsuiteValue: 'Paid In Full',
        message:
          "Vendor Bill 502 is paid in full in NetSuite; Procurify bill INV-2 is not marked paid: marked paid with the NetSuite payment's date",
      },
    ]);
  });
});
