// bill-sync-worker Lambda (SQS bill queue, partial batch responses): each message names a Procurify bill
// to bring to NetSuite as a Vendor Bill. Thin: the queue mechanics are in createQueueWorker,
// the sync rules in syncBill. A batch's bills run side by side, a few at a time, behind the container's
// NetSuite permits (the client's governor queues their requests), so one bill's DynamoDB, Procurify and
// CPU time overlaps another's NetSuite calls; two messages of the same bill run one after another, so
// they never race for its lease. Each message keeps its own outcome (partial batch failures).
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MessageVisibility, RetryDelayPolicy } from '../../shared/aws/message-visibility.ts';
import { type SyncBillDependencies, syncBill } from '../../shared/bills/sync-bill.ts';
import { type BillMessage, billMessageSchema } from '../../shared/events/bill-message.ts';
import { syncRecord } from '../../shared/lambda/data-failure-metric.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import type { MessageFailureLog } from '../../shared/state/ports.ts';
import { createQueueWorker } from '../../shared/worker/queue-worker.ts';

/**
 * Bills of one batch in progress at once (the batch size today): each holds its lease while it waits for
 * a NetSuite permit; 5 bills of about 7 NetSuite calls behind one permit wait seconds, far inside the
 * lease's 120 s. test/bench/bill-sync.ts, 60 bills: 43 % of C/L one after another, 62 % at 3, 74 % at 5.
 */
export const billsInParallel = 5;

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
    processInParallel: true,
    lanes: { limit: billsInParallel, laneOf: (message) => message.billUuid.toLowerCase() },
    // A bill another worker is syncing is sent again to wait for its lease (no receive spent; past
    // maxLeaseWaits, or when it cannot be sent, it comes back when the lease can have ended).
    waitOutHeldLeases: true,
    processMessage: async (message, { leaseWaits }) => {
      await syncRecord('billsParked', async () => syncBill(message, await deps.billSync(), { leaseWaits }), {
        message: 'bill processed',
        facts: { billUuid: message.billUuid, origin: message.origin },
        details: (outcome) => ({ netsuiteId: outcome.netsuiteId, waitingFor: outcome.waitingFor }),
      });
    },
  });
  return withPowertools<SQSEvent, SQSBatchResponse>(worker);
}
