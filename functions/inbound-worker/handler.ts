// inbound-worker Lambda (SQS inbound queue, partial batch responses): each message names a NetSuite
// record that changed; master data (vendors, accounts, departments) is brought to Procurify, the
// batch's records read in bulk first (one query per record type). Thin: the queue mechanics are in
// createQueueWorker, the bulk read in readBatchMasterRecords, the sync rules in syncMasterRecord.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MessageVisibility, RetryDelayPolicy } from '../../shared/aws/message-visibility.ts';
import { type InboundMessage, inboundMessageSchema } from '../../shared/events/inbound-message.ts';
import { syncRecord } from '../../shared/lambda/data-failure-metric.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import { readBatchMasterRecords } from '../../shared/master-data/batch-master-records.ts';
import type { BatchMasterRecords, MasterRecordReads } from '../../shared/master-data/ports.ts';
import {
  isMasterDataMessage,
  type SyncMasterRecordDependencies,
  syncMasterRecord,
} from '../../shared/master-data/sync-master-record.ts';
import type { AuditTrail, MessageFailureLog, RecordBatchReads } from '../../shared/state/ports.ts';
import { invocationOnce } from '../../shared/worker/invocation-once.ts';
import { createQueueWorker } from '../../shared/worker/queue-worker.ts';

export interface InboundWorkerDependencies {
  /**
   * The sync dependencies, built once per container (clients rebuilt only when a secret changes), with
   * the settings as read now: asked for once per invocation, for all its messages.
   */
  masterData(): Promise<SyncMasterRecordDependencies>;
  /**
   * Bulk reads of the current NetSuite records, with the scope of the invocation's sync dependencies
   * (the settings read once for both).
   */
  masterReads(master: SyncMasterRecordDependencies): Promise<MasterRecordReads>;
  /** The batch's records' states and links, read with its NetSuite records (where the store can). */
  storedRecords?: RecordBatchReads;
  audit: AuditTrail;
  visibility: MessageVisibility;
  failures: MessageFailureLog;
  queueUrl: string;
  retryDelay: RetryDelayPolicy;
}

export function createInboundWorkerHandler(deps: InboundWorkerDependencies) {
  return withPowertools<SQSEvent, SQSBatchResponse>((event, context) =>
    inboundWorker(deps, invocationOnce(deps.masterData))(event, context),
  );
}

/** The queue worker of one invocation: its messages share one read of the sync dependencies. */
function inboundWorker(
  deps: InboundWorkerDependencies,
  masterData: () => Promise<SyncMasterRecordDependencies>,
) {
  return createQueueWorker<InboundMessage, BatchMasterRecords>({
    name: 'inbound-worker',
    schema: inboundMessageSchema,
    queueName: 'inbound',
    queueUrl: deps.queueUrl,
    visibility: deps.visibility,
    failures: deps.failures,
    retryDelay: deps.retryDelay,
    prepareBatch: async (messages) => {
      const master = messages.filter(isMasterDataMessage);
      const refOf = (message: InboundMessage) => ({ kind: message.recordType, id: message.recordId });
      const reads = await deps.masterReads(await masterData());
      return readBatchMasterRecords(
        reads,
        master.filter((message) => message.eventType !== 'delete').map(refOf),
        deps.storedRecords === undefined ? undefined : { reads: deps.storedRecords, refs: master.map(refOf) },
      );
    },
    processMessage: async (message, { batch }) => {
      if (!isMasterDataMessage(message)) {
        // Bill and payment notices: the bill and payment flows poll for those; note and end.
        await deps.audit.append(
          {
            system: 'netsuite',
            kind: message.recordType === 'vendorbill' ? 'bill' : 'payment',
            id: message.recordId,
          },
          {
            step: 'note',
            message: `${message.eventType} notice received`,
            facts: { eventId: message.eventId },
          },
        );
        return;
      }
      await syncRecord(
        'recordsInReview',
        async () =>
          syncMasterRecord(message, {
            ...(await masterData()),
            ...(batch === undefined ? {} : { batch }),
          }),
        {
          message: 'master record processed',
          facts: { recordType: message.recordType, recordId: message.recordId },
        },
      );
    },
  });
}
