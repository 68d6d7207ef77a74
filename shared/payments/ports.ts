// Ports of the payment push: the NetSuite facts a payment's plan needs (its bills with their open
// amounts, the Vendor Payment already written under its external id, the payment accounts of its GL
// code), read for a whole batch of payments at once. Adapters: netsuite-payment-facts.ts (NetSuite),
// batch-payment-facts.ts (gathers the payments of one batch into one read).
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
}

/** The facts of one payment, as the use case asks for them (read alone or with its batch). */
export interface PaymentFactsSource {
  read(request: PaymentFactsRequest): Promise<PaymentFacts>;
  /** The Vendor Payment under this external id, read again after a write that did not name its id. */
  findVendorPayment(externalId: string): Promise<ExistingVendorPayment | undefined>;
}
