// bill-sync-worker Lambda (SQS bill queue, partial batch responses): each message names a Procurify bill
// to bring to NetSuite as a Vendor Bill. Thin: the queue mechanics are in createQueueWorker,
// the sync rules in syncBill. Records run one after another: one container holds one NetSuite permit,
// and two messages for the same bill in a batch do not race for its lease.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MessageVisibility, RetryDelayPolicy } from '../../shared/aws/message-visibility.ts';
import { type SyncBillDependencies, syncBill } from '../../shared/bills/sync-bill.ts';
import { type BillMessage, billMessageSchema } from '../../shared/events/bill-message.ts';
import { syncRecord } from '../../shared/lambda/data-failure-metric.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import type { MessageFailureLog } from '../../shared/state/ports.ts';
import { createQueueWorker } from '../../shared/worker/queue-worker.ts';

export interface BillSyncWorkerDependencies {
  /** The sync dependencies, built once per container (clients rebuilt only when a secret changes). */
  billSync(): Promise<SyncBillDependencies>;
  visibility: MessageVisibility;
  failures: MessageFailureLog;
  queueUrl: string;
  retryDelay: RetryDelayPolicy;
}

export function createBillSyncWorkerHandler(deps: BillSyncWorkerDependencies) {
  const worker = createQueueWorker<BillMessage>({
    name: 'bill-sync-worker',
    schema: billMessageSchema,
    queueName: 'bill',
    queueUrl: deps.queueUrl,
    visibility: deps.visibility,
    failures: deps.failures,
    retryDelay: deps.retryDelay,
    processInParallel: false,
    processMessage: async (message) => {
      await syncRecord('billsParked', async () => syncBill(message, await deps.billSync()), {
        message: 'bill processed',
        facts: { billUuid: message.billUuid, origin: message.origin },
        details: (outcome) => ({ netsuiteId: outcome.netsuiteId, waitingFor: outcome.waitingFor }),
      });
    },
  });
  return withPowertools<SQSEvent, SQSBatchResponse>(worker);
}
