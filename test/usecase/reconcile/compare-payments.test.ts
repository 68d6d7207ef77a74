// Reconciliation's comparison of pushed payments (shared/reconcile/compare-payments.ts): each link checked
// against the Vendor Payment it names (deleted, carried by another record, wrong external id, voided,
// amount changed: each reported with its repair or what a person does), and, in push mode only, every
// paid Procurify payment past the grace period without a link or a state that explains it.
import { describe, expect, it } from 'vitest';
import { comparePayments, type PaymentComparisonInput } from '../../../shared/reconcile/compare-payments.ts';
import type { NetSuitePaymentRow, ProcurifyPaymentRow } from '../../../shared/reconcile/ports.ts';
import type { RecordLink, RecordState, SyncStatus } from '../../../shared/state/model.ts';

const now = new Date('2026-12-03T12:00:00.000Z');
const old = '2026-11-01T00:00:00.000Z';

const link = (paymentId: string, netsuiteId: string): [string, RecordLink] => [
  paymentId,
  { kind: 'payment', procurifyId: paymentId, netsuiteId, origin: 'created', linkedAt: old },
];
const vendorPayment = (
  id: string,
  externalId: string | undefined,
  total: string,
  voided = false,
): NetSuitePaymentRow => ({
  id,
  ...(externalId === undefined ? {} : { externalId }),
  total,
  voided,
  lastModified: old,
});
const payment = (
  id: string,
  amount: string,
  status: string | null = 'paid',
  updatedAt = old,
): ProcurifyPaymentRow => ({
  id,
  status,
  amount,
  currency: 'USD',
  updatedAt,
});
const state = (paymentId: string, status: SyncStatus): [string, RecordState] => [
  paymentId,
  { ref: { system: 'procurify', kind: 'payment', id: paymentId }, status, updatedAt: old } as RecordState,
];

const compare = (input: Partial<PaymentComparisonInput>) =>
  comparePayments({
    links: new Map(),
    states: new Map(),
    netsuite: [],
    procurify: [],
    now,
    graceMs: 10 * 60_000,
    mode: 'push',
    ...input,
  });

describe('comparePayments: linked payments', () => {
  it('finds nothing when the Vendor Payment carries the external id (any case) and the amount (any sign)', () => {
    const result = compare({
      links: new Map([link('5', '900'), link('6', '901')]),
      netsuite: [
        vendorPayment('900', 'PROCURIFY-PAY-5', '-100.50'),
        vendorPayment('901', 'procurify-pay-6', '7'),
      ],
      procurify: [payment('5', '100.5'), payment('6', '7.00')],
    });
    expect(result).toEqual({ discrepancies: [], checked: 2 });
  });

  it('relinks to the Vendor Payment carrying the external id when the linked one was deleted', () => {
    const result = compare({
      links: new Map([link('5', '900')]),
      netsuite: [vendorPayment('950', 'procurify-pay-5', '100.50')],
      procurify: [payment('5', '100.50')],
    });
    expect(result.discrepancies).toEqual([
      {
        area: 'payment',
        kind: 'wrong-link',
        field: 'netsuiteId',
        netsuiteId: '900',
        procurifyId: '5',
        netsuiteValue: '950',
        procurifyValue: '900',
        action: 'relink',
        relinkTo: '950',
        owner: 'apsync',
        message:
          'the link of payment 5 names Vendor Payment 900, which no longer exists; Vendor Payment 950 carries procurify-pay-5: the link is replaced with it',
      },
    ]);
  });

  it('relinks when the linked Vendor Payment carries another payment’s external id, and restores that link', () => {
    // Payment 5's link names 900, which is payment 6's (its link names it too); 950 carries payment 5.
    const result = compare({
      links: new Map([link('5', '900'), link('6', '900'), link('7', '903')]),
      netsuite: [
        vendorPayment('900', 'procurify-pay-6', '20'),
        vendorPayment('950', 'procurify-pay-5', '10'),
        vendorPayment('903', 'procurify-pay-8', '30'),
        vendorPayment('951', 'procurify-pay-7', '30'),
      ],
      procurify: [payment('5', '10'), payment('6', '20'), payment('7', '30')],
    });
    expect(
      result.discrepancies.map((found) => [
        found.procurifyId,
        found.kind,
        found.relinkTo,
        found.restoreLinkOf,
        found.message,
      ]),
    ).toEqual([
      [
        '5',
        'wrong-link',
        '950',
        '6',
        'the link of payment 5 names Vendor Payment 900, whose external id is procurify-pay-6; Vendor Payment 950 carries procurify-pay-5: the link is replaced with it',
      ],
      [
        '7',
        'wrong-link',
        '951',
        undefined,
        'the link of payment 7 names Vendor Payment 903, whose external id is procurify-pay-8; Vendor Payment 951 carries procurify-pay-7: the link is replaced with it',
      ],
    ]);
  });

  it('relinks when the linked Vendor Payment has no external id, restoring no other link', () => {
    // Payment 5's link names 900, which carries no external id; 950 carries payment 5. Payment 6's link
    // also names 900: with no external id on 900, nothing says 900 is payment 6's, so no link is restored.
    const result = compare({
      links: new Map([link('5', '900'), link('6', '900')]),
      netsuite: [vendorPayment('900', undefined, '10'), vendorPayment('950', 'procurify-pay-5', '10')],
      procurify: [payment('5', '10')],
    });
    expect(result.discrepancies[0]).toEqual({
      area: 'payment',
      kind: 'wrong-link',
      field: 'netsuiteId',
      netsuiteId: '900',
      procurifyId: '5',
      netsuiteValue: '950',
      procurifyValue: '900',
      action: 'relink',
      relinkTo: '950',
      owner: 'apsync',
      message:
        'the link of payment 5 names Vendor Payment 900, whose external id is empty; Vendor Payment 950 carries procurify-pay-5: the link is replaced with it',
    });
  });

  it('a deleted Vendor Payment nobody carries is for a person: never pushed again', () => {
    const result = compare({
      links: new Map([link('5', '900'), link('6', '901')]),
      procurify: [payment('5', '100.50')],
    });
    expect(result.discrepancies).toEqual([
      {
        area: 'payment',
        kind: 'missing-in-netsuite',
        netsuiteId: '900',
        procurifyId: '5',
        netsuiteValue: null,
        procurifyValue: '100.50',
        action: 'none',
        owner: 'hand-edit',
        message:
          'Vendor Payment 900 (procurify-pay-5) was deleted in NetSuite; apsync pushes a payment once and does not re-create it: if the payment stands, enter it again in NetSuite; if it was taken back, void it in Procurify',
      },
      expect.objectContaining({ procurifyId: '6', kind: 'missing-in-netsuite', procurifyValue: null }),
    ]);
  });

  it('a linked Vendor Payment with another or no external id, and none carrying it, is for a person', () => {
    const result = compare({
      links: new Map([link('5', '900'), link('6', '901')]),
      netsuite: [vendorPayment('900', undefined, '10'), vendorPayment('901', 'by-hand-1', '10')],
    });
    expect(
      result.discrepancies.map((found) => [
        found.kind,
        found.field,
        found.netsuiteValue,
        found.procurifyValue,
        found.action,
      ]),
    ).toEqual([
      ['wrong-link', 'externalId', null, 'procurify-pay-5', 'none'],
      ['wrong-link', 'externalId', 'by-hand-1', 'procurify-pay-6', 'none'],
    ]);
    expect(result.discrepancies[0]!.message).toBe(
      "the link of payment 5 names Vendor Payment 900, whose external id is empty, and no Vendor Payment carries procurify-pay-5: give the payment's Vendor Payment in NetSuite the external id procurify-pay-5 (or enter it), then apsync reconcile --kind payment --fix links it",
    );
  });

  it('a voided Vendor Payment is reported with the Procurify payment’s status, or gone', () => {
    const result = compare({
      links: new Map([link('5', '900'), link('6', '901')]),
      netsuite: [
        vendorPayment('900', 'procurify-pay-5', '10', true),
        vendorPayment('901', 'procurify-pay-6', '10', true),
      ],
      procurify: [payment('5', '10')],
    });
    expect(
      result.discrepancies.map((found) => [
        found.kind,
        found.netsuiteValue,
        found.procurifyValue,
        found.message,
      ]),
    ).toEqual([
      [
        'voided-in-netsuite',
        'voided',
        'paid',
        'Vendor Payment 900 (procurify-pay-5) was voided in NetSuite while Procurify payment 5 is paid: if the payment stands, enter it again in NetSuite; otherwise void it in Procurify too',
      ],
      [
        'voided-in-netsuite',
        'voided',
        null,
        'Vendor Payment 901 (procurify-pay-6) was voided in NetSuite while Procurify payment 6 is gone: if the payment stands, enter it again in NetSuite; otherwise void it in Procurify too',
      ],
    ]);
  });

  it('an amount changed on one side is for a person, to the cent', () => {
    const result = compare({
      links: new Map([link('5', '900'), link('6', '901')]),
      netsuite: [
        vendorPayment('900', 'procurify-pay-5', '-100.49'),
        vendorPayment('901', 'procurify-pay-6', '5'),
      ],
      procurify: [payment('5', '100.50')],
    });
    expect(result.discrepancies).toEqual([
      {
        area: 'payment',
        kind: 'edited-in-netsuite',
        field: 'amount',
        netsuiteId: '900',
        procurifyId: '5',
        netsuiteValue: '100.49',
        procurifyValue: '100.50',
        action: 'none',
        owner: 'hand-edit',
        message:
          'Vendor Payment 900 applies 100.49, Procurify payment 5 is 100.50 USD: it was changed on one side after apsync pushed it (apsync does not write a pushed payment again); correct the side that is wrong by hand',
      },
    ]);
  });
});

describe('comparePayments: paid payments without a link', () => {
  const procurify = [
    payment('11', '10.00'), // paid, unlinked, nothing carries it: pushed
    payment('12', '12.00'), // paid, unlinked, Vendor Payment 912 carries it: linked
    payment('13', '13.00'), // failed state explains it
    payment('14', '14.00'), // pending state explains nothing
    payment('15', '15.00', 'approved'), // not paid
    payment('16', '16.00', 'paid', '2026-12-03T11:55:00.000Z'), // within the grace period
    payment('17', '17.00'), // linked
  ];
  const input = {
    links: new Map([link('17', '917')]),
    states: new Map([state('13', 'failed'), state('14', 'pending')]),
    netsuite: [
      vendorPayment('912', 'procurify-pay-12', '12'),
      vendorPayment('917', 'procurify-pay-17', '17'),
    ],
    procurify,
  };

  it('push mode: pushes the paid ones nothing carries, links those a Vendor Payment carries', () => {
    const result = compare(input);
    expect(result.checked).toBe(1);
    expect(result.discrepancies).toEqual([
      {
        area: 'payment',
        kind: 'not-linked',
        netsuiteId: null,
        procurifyId: '11',
        netsuiteValue: null,
        procurifyValue: '10.00',
        action: 'push',
        owner: 'apsync',
        message:
          'paid Procurify payment 11 (10.00 USD) has no Vendor Payment: queued for the payment-push worker',
      },
      {
        area: 'payment',
        kind: 'not-linked',
        netsuiteId: '912',
        procurifyId: '12',
        netsuiteValue: '12.00',
        procurifyValue: '12.00',
        action: 'relink',
        relinkTo: '912',
        owner: 'apsync',
        message:
          'paid Procurify payment 12 is not linked, but Vendor Payment 912 carries its external id: linked to it',
      },
      expect.objectContaining({ procurifyId: '14', kind: 'not-linked', action: 'push' }),
    ]);
  });

  it('pull mode: unlinked payments are not reported (pull mode pushes none)', () => {
    expect(compare({ ...input, mode: 'pull' })).toEqual({ discrepancies: [], checked: 1 });
  });
});
