// What a preview of the next write reads (the state, the settings, the NetSuite and Procurify clients
// and the workers' own NetSuite reads, read-only) and what it answers: the planned write — target, exact
// body, validation — or the reason nothing would be written. `apsync preview` and the console's record
// page both ask previewRecord (preview-record.ts) with their own sources (netsuite-transaction-reads.ts
// builds the bills' and payments' reads from the clients).
import type { BillLookups } from '../bills/ports.ts';
import type { FunctionSettings } from '../config/environment.ts';
import type { PaymentMode } from '../payment-mode.ts';
import type { PaymentFactsSource } from '../payments/ports.ts';
import type { ProcurifyBills, ProcurifyPayments } from '../procurify/ports.ts';
import type { ConfigStore, LinkStore, SyncStateStore } from '../state/ports.ts';
import type { SyncClients } from '../sync-clients.ts';

export interface PreviewSources {
  state: LinkStore & SyncStateStore & ConfigStore;
  /** The functions' settings (readSettings) of the stack previewed. */
  settings(): Promise<FunctionSettings>;
  /** Both clients, built from the stack's secrets as the functions build theirs. */
  syncClients(): Promise<SyncClients>;
  /** What the bill-sync and payment-push workers read to decide a bill's or a payment's write. */
  transactionReads(): Promise<TransactionPreviewReads>;
  /** The payment mode until an operator sets one (`apsync mode set`). */
  defaultPaymentMode: PaymentMode;
}

/** The bill-sync and payment-push workers' reads of both systems, as a preview of their write asks them. */
export interface TransactionPreviewReads {
  procurify: Pick<ProcurifyBills, 'getBill'> &
    Pick<ProcurifyPayments, 'listPayments' | 'getPaymentApplications' | 'listCompanyPaymentMethods'>;
  /** NetSuite's records a bill's coding is checked against (the bill-sync worker's lookups). */
  billLookups: BillLookups;
  /** A payment's NetSuite facts (the payment-push worker's). */
  paymentFacts: PaymentFactsSource;
}

/** What a sync would do now: create or update the other side, nothing (unchanged), or not write. */
export const plannedOutcomes = [
  'create',
  'update',
  'unchanged',
  'skipped',
  'review',
  'invalid',
  'deactivate',
] as const;
export type PlannedOutcome = (typeof plannedOutcomes)[number];

export interface PlannedWrite {
  outcome: PlannedOutcome;
  /** Why nothing would be written, or what is notable about the write. */
  reason?: string;
  target: {
    system: 'netsuite' | 'procurify';
    kind: string;
    /** The record written to; null when it would be created. */
    id: string | null;
    method: string;
    path: string;
  } | null;
  /** The exact body that would be written. */
  payload: unknown;
  validation: { valid: boolean; issues: string[] };
  notes: string[];
}
