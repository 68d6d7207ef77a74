// planPaidBillUpdates and markBatches (shared/payments/paid-bill-plan.ts) and the watermark overlap
// arithmetic of the paid-bill pull: which Procurify bills get marked paid, with which date, without I/O.
import { describe, expect, it } from 'vitest';
import { markBatches, planPaidBillUpdates } from '../../../shared/payments/paid-bill-plan.ts';
import type { PaidBillRow } from '../../../shared/payments/ports.ts';
import { shiftTimestamp } from '../../../shared/payments/pull-paid-bills.ts';
import type { RecordLink } from '../../../shared/state/model.ts';

const row = (id: string, extra: Partial<PaidBillRow> = {}): PaidBillRow => ({
  id,
  status: 'B',
  unpaidCents: 0,
  paidCents: 100_00,
  lastModified: '2026-03-05 10:00:00',
  ...extra,
});

const link = (netsuiteId: string, uuid: string, origin: RecordLink['origin'] = 'created'): RecordLink => ({
  kind: 'bill',
  netsuiteId,
  procurifyId: uuid,
  origin,
  linkedAt: '2026-01-01T00:00:00Z',
});

describe('planPaidBillUpdates', () => {
  it('marks linked approved bills paid with the payment date, legacy links included', () => {
    const plan = planPaidBillUpdates([row('1'), row('2')], {
      links: new Map([
        ['1', link('1', 'u1')],
        ['2', link('2', 'u2', 'legacy')],
      ]),
      procurifyStatuses: new Map([
        ['u1', 2],
        ['u2', 2],
      ]),
      paymentDates: new Map([
        ['1', '2026-03-04'],
        ['2', '2026-03-01'],
      ]),
    });
    expect(plan.markPaid).toEqual([
      {
        billUuid: 'u1',
        netsuiteBillId: '1',
        paymentDate: '2026-03-04',
        dateSource: 'payment',
        origin: 'created',
      },
      {
        billUuid: 'u2',
        netsuiteBillId: '2',
        paymentDate: '2026-03-01',
        dateSource: 'payment',
        origin: 'legacy',
      },
    ]);
    expect(plan.unknownBillIds).toEqual([]);
  });

  it('ignores and counts unknown bills, skips paid ones, records partly paid ones with their open amount', () => {
    const plan = planPaidBillUpdates(
      [
        row('1'),
        row('2'),
        row('3', { status: 'A', unpaidCents: 40_00, paidCents: 60_00 }),
        row('4'),
        row('4'),
        row('5'),
      ],
      {
        links: new Map([
          ['1', undefined],
          ['2', link('2', 'u2')],
          ['3', link('3', 'u3')],
          ['5', link('5', 'u5')],
        ]),
        procurifyStatuses: new Map([
          ['u2', 4],
          ['u5', 7],
        ]),
        paymentDates: new Map(),
      },
    );
    expect(plan.unknownBillIds).toEqual(['1', '4']);
    expect(plan.alreadyPaid).toEqual([{ billUuid: 'u2', netsuiteBillId: '2' }]);
    expect(plan.partial).toEqual([
      { billUuid: 'u3', netsuiteBillId: '3', openAmount: '40.00', paidAmount: '60.00' },
    ]);
    expect(plan.markPaid).toEqual([]);
    expect(plan.notMarkable).toHaveLength(1);
    expect(plan.notMarkable[0]!.reason).toMatch(/payment under way \(status 7\)/);
  });

  it('falls back to the day of the bill’s last change when no Vendor Payment is linked to it', () => {
    const plan = planPaidBillUpdates([row('1', { lastModified: '2026-03-09 23:59:59' })], {
      links: new Map([['1', link('1', 'u1')]]),
      procurifyStatuses: new Map([['u1', 2]]),
      paymentDates: new Map(),
    });
    expect(plan.markPaid[0]).toMatchObject({ paymentDate: '2026-03-09', dateSource: 'last-modified' });
  });
});

describe('planPaidBillUpdates: why a bill paid in NetSuite cannot be marked', () => {
  it('names the status when it has a name, and says the bill could not be read when it has none', () => {
    const plan = planPaidBillUpdates([row('1'), row('2'), row('3'), row('4')], {
      links: new Map([
        ['1', link('1', 'u1')],
        ['2', link('2', 'u2')],
        ['3', link('3', 'u3')],
        ['4', link('4', 'u4')],
      ]),
      procurifyStatuses: new Map([
        ['u1', 3],
        ['u2', 9],
      ]),
      paymentDates: new Map(),
      procurifyReadErrors: new Map([['u4', 'procurify: bill u4 not found']]),
    });
    expect(plan.notMarkable.map((bill) => [bill.billUuid, bill.reason])).toEqual([
      ['u1', 'the Procurify bill has status 3 (denied), not Approved'],
      // A status Procurify added after procurifyBillStatus (shared/ap/bill.ts): its number only.
      ['u2', 'the Procurify bill has status 9, not Approved'],
      // No status and no read error: nothing more to say.
      ['u3', 'the Procurify bill could not be read'],
      ['u4', 'the Procurify bill could not be read: procurify: bill u4 not found'],
    ]);
    expect(plan.markPaid).toEqual([]);
  });
});

describe('markBatches', () => {
  it('groups bills by payment date and cuts each group to the batch size', () => {
    const bills = ['a', 'b', 'c', 'd'].map((uuid, index) => ({
      billUuid: uuid,
      netsuiteBillId: String(index),
      paymentDate: index === 3 ? '2026-03-01' : '2026-03-02',
      dateSource: 'payment' as const,
      origin: 'created' as const,
    }));
    const batches = markBatches(bills, 2);
    expect(batches.map((batch) => [batch.paymentDate, batch.bills.map((bill) => bill.billUuid)])).toEqual([
      ['2026-03-01', ['d']],
      ['2026-03-02', ['a', 'b']],
      ['2026-03-02', ['c']],
    ]);
  });
});

describe('shiftTimestamp', () => {
  it('moves a SuiteQL timestamp by minutes across day boundaries', () => {
    expect(shiftTimestamp('2026-03-01 00:05:00', -15)).toBe('2026-02-28 23:50:00');
    expect(shiftTimestamp('2026-03-01 12:00:00', 60)).toBe('2026-03-01 13:00:00');
  });
});
