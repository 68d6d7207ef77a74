// The reads a preview of a bill's or a payment's write asks (ports.ts TransactionPreviewReads), built
// from the NetSuite and Procurify clients as the workers build theirs: the bill-sync worker's SuiteQL
// lookups (shared/bills/netsuite-bill-lookups.ts) and the payment-push worker's facts
// (shared/payments/netsuite-payment-facts.ts). Used by every composition root of the preview.
import { createNetSuiteBillLookups } from '../bills/netsuite-bill-lookups.ts';
import { createNetSuitePaymentFacts } from '../payments/netsuite-payment-facts.ts';
import type { SyncClients } from '../sync-clients.ts';
import type { TransactionPreviewReads } from './ports.ts';

export function netSuiteTransactionReads(
  clients: () => Promise<SyncClients>,
): () => Promise<TransactionPreviewReads> {
  return async () => {
    const { netsuite, procurify } = await clients();
    return {
      procurify,
      billLookups: createNetSuiteBillLookups(netsuite.suiteQl),
      paymentFacts: createNetSuitePaymentFacts(netsuite),
    };
  };
}
