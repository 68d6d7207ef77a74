// Pure rule of the initial load (push mode): is a Procurify payment already in NetSuite? It is when one
// Vendor Payment, not voided and not linked to another Procurify payment, applies exactly the payment's
// amounts to exactly the linked Vendor Bills (to the cent, no other bill). Two such Vendor Payments
// are for a person to sort out; none means the payment is not in NetSuite. No I/O: backfill-payments.ts
// reads the applications (netsuite-payment-applications.ts) and links what this rule finds.

/** A Vendor Payment's application to one Vendor Bill, as NetSuite shows it. */
export interface VendorPaymentApplication {
  vendorPaymentId: string;
  netsuiteBillId: string;
  cents: number;
}

/** What a Procurify payment applies, by linked NetSuite Vendor Bill. */
export interface PaymentLine {
  netsuiteBillId: string;
  cents: number;
}

export type VendorPaymentMatch =
  | { kind: 'matched'; vendorPaymentId: string }
  | { kind: 'ambiguous'; vendorPaymentIds: string[] }
  | { kind: 'none' };

/** Each Vendor Payment's applications, summed per bill. */
export function applicationsByVendorPayment(
  applications: readonly VendorPaymentApplication[],
): Map<string, Map<string, number>> {
  const byPayment = new Map<string, Map<string, number>>();
  for (const application of applications) {
    const bills = byPayment.get(application.vendorPaymentId) ?? new Map<string, number>();
    bills.set(application.netsuiteBillId, (bills.get(application.netsuiteBillId) ?? 0) + application.cents);
    byPayment.set(application.vendorPaymentId, bills);
  }
  return byPayment;
}

/**
 * The Vendor Payment that already says what this payment says. `applied` holds every application of
 * every Vendor Payment that touches one of the payment's bills; `linkedElsewhere` the Vendor Payments
 * already linked to another Procurify payment.
 */
export function matchVendorPayment(
  lines: readonly PaymentLine[],
  applied: ReadonlyMap<string, ReadonlyMap<string, number>>,
  linkedElsewhere: ReadonlySet<string> = new Set(),
): VendorPaymentMatch {
  if (lines.length === 0) return { kind: 'none' };
  const wanted = new Map<string, number>();
  for (const line of lines) {
    wanted.set(line.netsuiteBillId, (wanted.get(line.netsuiteBillId) ?? 0) + line.cents);
  }
  const candidates = [...applied]
    .filter(([vendorPaymentId]) => !linkedElsewhere.has(vendorPaymentId))
    .filter(
      ([, bills]) =>
        bills.size === wanted.size && [...wanted].every(([bill, cents]) => bills.get(bill) === cents),
    )
    .map(([vendorPaymentId]) => vendorPaymentId)
    .sort((a, b) => Number(a) - Number(b));
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1) return { kind: 'matched', vendorPaymentId: candidates[0]! };
  return { kind: 'ambiguous', vendorPaymentIds: candidates };
}
