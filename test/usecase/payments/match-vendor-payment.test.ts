// matchVendorPayment (shared/payments/match-vendor-payment.ts): the initial load links a Procurify
// payment to a NetSuite Vendor Payment only when that one applies exactly its amounts to exactly its
// bills; never to one linked elsewhere; two such Vendor Payments are for a person.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applicationsByVendorPayment,
  matchVendorPayment,
  type PaymentLine,
} from '../../../shared/payments/match-vendor-payment.ts';

const applied = (...rows: Array<[vendorPayment: string, bill: string, cents: number]>) =>
  applicationsByVendorPayment(
    rows.map(([vendorPaymentId, netsuiteBillId, cents]) => ({ vendorPaymentId, netsuiteBillId, cents })),
  );

describe('matchVendorPayment', () => {
  const lines: PaymentLine[] = [
    { netsuiteBillId: '10', cents: 5000 },
    { netsuiteBillId: '11', cents: 7000 },
  ];

  it('matches the one Vendor Payment with the same bills and amounts', () => {
    expect(
      matchVendorPayment(lines, applied(['90', '10', 5000], ['90', '11', 7000], ['91', '10', 100])),
    ).toEqual({ kind: 'matched', vendorPaymentId: '90' });
  });

  it('sums a Vendor Payment’s lines per bill', () => {
    expect(
      matchVendorPayment(lines, applied(['90', '10', 2000], ['90', '10', 3000], ['90', '11', 7000])),
    ).toEqual({ kind: 'matched', vendorPaymentId: '90' });
  });

  it('does not match another amount, a missing bill or an extra bill', () => {
    expect(matchVendorPayment(lines, applied(['90', '10', 5000], ['90', '11', 6999]))).toEqual({
      kind: 'none',
    });
    expect(matchVendorPayment(lines, applied(['90', '10', 5000]))).toEqual({ kind: 'none' });
    expect(
      matchVendorPayment(lines, applied(['90', '10', 5000], ['90', '11', 7000], ['90', '12', 100])),
    ).toEqual({ kind: 'none' });
    expect(matchVendorPayment([], applied(['90', '10', 5000]))).toEqual({ kind: 'none' });
  });

  it('never matches a Vendor Payment linked to another Procurify payment', () => {
    const both = applied(['90', '10', 5000], ['90', '11', 7000], ['95', '10', 5000], ['95', '11', 7000]);
    expect(matchVendorPayment(lines, both, new Set(['90']))).toEqual({
      kind: 'matched',
      vendorPaymentId: '95',
    });
    expect(matchVendorPayment(lines, both, new Set(['90', '95']))).toEqual({ kind: 'none' });
  });

  it('leaves two equal Vendor Payments to a person, naming both', () => {
    const twins = applied(['95', '10', 5000], ['95', '11', 7000], ['90', '10', 5000], ['90', '11', 7000]);
    expect(matchVendorPayment(lines, twins)).toEqual({ kind: 'ambiguous', vendorPaymentIds: ['90', '95'] });
  });

  it('matches exactly the Vendor Payment built from the lines, and nothing a cent away', () => {
    const linesArbitrary = fc.uniqueArray(
      fc.record({
        netsuiteBillId: fc.integer({ min: 1, max: 500 }).map(String),
        cents: fc.integer({ min: 1, max: 10_000_000 }),
      }),
      { minLength: 1, maxLength: 6, selector: (line) => line.netsuiteBillId },
    );
    fc.assert(
      fc.property(linesArbitrary, fc.nat(), fc.boolean(), (payLines, pick, up) => {
        const exact = applied(
          ...payLines.map((line): [string, string, number] => ['7', line.netsuiteBillId, line.cents]),
        );
        expect(matchVendorPayment(payLines, exact)).toEqual({ kind: 'matched', vendorPaymentId: '7' });
        const moved = payLines.map((line, index) =>
          index === pick % payLines.length ? { ...line, cents: line.cents + (up ? 1 : -1) } : line,
        );
        const off = applied(
          ...moved.map((line): [string, string, number] => ['8', line.netsuiteBillId, line.cents]),
        );
        expect(matchVendorPayment(payLines, off)).toEqual({ kind: 'none' });
      }),
    );
  });
});
