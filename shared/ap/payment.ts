// Domain: a Procurify payment as apsync's payment planners and use cases read it (what it pays, in which
// currency, from which payment method, when), the payment states Procurify knows, how a payment is
// applied to bills, and the company's payment methods (their GL codes). Plain data, no I/O: the Procurify adapter maps its wire answer (PaymentResponse,
// shared/procurify/schemas.ts) to it (shared/procurify/ap-records.ts). Money is an exact decimal string.

export const procurifyPaymentStatuses = [
  'draft',
  'pending_approval',
  'approved',
  'denied',
  'paid',
  'processing',
  'failed',
  'scheduled',
] as const;
export type ProcurifyPaymentStatus = (typeof procurifyPaymentStatuses)[number];

/** A Procurify payment. */
export interface ApPayment {
  id: number;
  /** One of procurifyPaymentStatuses (kept open: a new status must not stop polling); null when unset. */
  status: string | null;
  /** Decimal string. */
  amount: string;
  /** ISO currency code, e.g. `USD`. */
  currency: string;
  /** The GL code of the payment's source (its company payment method), when Procurify gives it. */
  glCode: string | null;
  /** The bill groups it pays (the only link from a payment to its bills in Procurify's payment list). */
  billGroups: number[];
  vendorName: string | null;
  /** The company payment method's name. */
  paymentSourceName: string | null;
  processingDate: string | null;
  postedDate: string | null;
  /** When Procurify last updated the payment (ISO 8601). */
  updatedAt: string;
}

/** A company payment method: its name (a payment's `paymentSourceName`) and GL code. */
export interface PaymentMethod {
  id: number;
  name: string;
  /** The GL code apsync matches to the Number of a NetSuite account; null when none is set. */
  glCode: string | null;
}

/** The amount of a payment applied to one bill. */
export interface PaymentApplication {
  billUuid: string;
  billId: number;
  vendorId: number;
  currency: string;
  amount: string;
}

export interface PaymentApplications {
  applications: PaymentApplication[];
  appliedTotal: string;
  /**
   * Whether the applications add up to the payment's amount. Procurify's payment list gives only bill
   * groups; each bill shows its latest payment (`bill_payment`), so the split of an older payment of a
   * bill that was paid again later cannot be read back: then `complete` is false.
   */
  complete: boolean;
}
