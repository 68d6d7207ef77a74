// Ports of the payment flows' NetSuite reads. The push: the facts a payment's plan needs (its bills with
// their open amounts, the Vendor Payment already written under its external id, the payment accounts of
// its GL code), read for a whole batch of payments at once. The initial load's matching: the Vendor
// Payments already applying money to given bills. The paid-bill pull: bills with money paid against
// them, and the dates of their payments. Adapters: netsuite-payment-facts.ts and
// netsuite-payment-applications.ts (NetSuite, SuiteQL), batch-payment-facts.ts (gathers the payments of
// one batch into one read).
import type { VendorPaymentApplication } from './match-vendor-payment.ts';
import type {
  ExistingVendorPayment,
  NetSuiteBillFacts,
  NetSuitePaymentAccount,
} from './vendor-payment-plan.ts';

/** What one payment needs to know from NetSuite. */
export interface PaymentFactsRequest {
  /** The Vendor Payment's external id (`procurify-pay-<id>`). */
  externalId: string;
  /** Internal ids of the Vendor Bills the payment applies to. */
  billIds: readonly string[];
  /** The GL code of the payment's account, if any. */
  glCode: string | null;
}

export interface PaymentFacts {
  /** The Vendor Payment already written under the external id, if any. */
  existing?: ExistingVendorPayment;
  /** The requested bills, and those the existing Vendor Payment applies to; a missing one no longer exists. */
  bills: ReadonlyMap<string, NetSuiteBillFacts>;
  /** Every account whose Number is the GL code (none without one). */
  accounts: NetSuitePaymentAccount[];
}

/** The facts of several payments in one go (answers in the order of the requests). */
export interface PaymentFactsReads {
  readMany(requests: readonly PaymentFactsRequest[]): Promise<PaymentFacts[]>;
  /** Reads the payment accounts of these GL codes ahead: a facts read after it finds them kept or being read. */
  readAccountsAhead?(glCodes: readonly string[]): Promise<void>;
}

/** The facts of one payment, as the use case asks for them (read alone or with its batch). */
export interface PaymentFactsSource {
  read(request: PaymentFactsRequest): Promise<PaymentFacts>;
  /** The Vendor Payment under this external id, read again after a write that did not name its id. */
  findVendorPayment(externalId: string): Promise<ExistingVendorPayment | undefined>;
}

/** What NetSuite already applies to bills, as the initial load matches payments with it. */
export interface VendorPaymentApplicationReads {
  /**
   * Every application of every Vendor Payment (not voided) that applies money to one of `billIds`,
   * including its applications to other bills (a Vendor Payment matches a Procurify payment only as a whole).
   */
  applicationsTouching(billIds: readonly string[]): Promise<VendorPaymentApplication[]>;
}

/** A vendor bill with money paid against it, as the paid-bill pull reads it. */
export interface PaidBillRow {
  id: string;
  /** A Paid In Full, or A Open with part of it paid. */
  status: string;
  unpaidCents: number;
  paidCents: number;
  tranId?: string;
  /** `YYYY-MM-DD HH24:MI:SS` in the account's time zone (as the watermark is kept). */
  lastModified: string;
}

/** What the paid-bill pull reads from NetSuite. */
export interface PaidBillReads {
  /**
   * Vendor bills Paid In Full, or open with a part paid, modified at or after `since`
   * (`YYYY-MM-DD HH24:MI:SS`, the account's zone), oldest change first.
   */
  paidSince(since: string): AsyncIterable<PaidBillRow>;
  /** The vendor bills among `ids`, whatever their status; a missing id is a bill that no longer exists. */
  billsById(ids: readonly string[]): Promise<PaidBillRow[]>;
  /** For each bill, the date (YYYY-MM-DD) of the latest Vendor Payment applied to it. */
  latestPaymentDates(billIds: readonly string[]): Promise<Map<string, string>>;
}
