// The repairs reconciliation owns, done the way the rest of apsync does them: master records and bills
// are put back on their queues for the workers (same leases, rules and audit trail), a deleted NetSuite
// record is queued as a delete (the inbound worker deactivates its Procurify record, never deletes it),
// links are replaced only with the NetSuite record that carries the expected external id, and a bill
// paid in NetSuite is marked paid in Procurify with its payment's date. Each repair is noted in the
// record's audit trail. Also where the last report is kept (a configuration item of the state table).
import { randomUUID } from 'node:crypto';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { replayBill } from '../bills/replay-bill.ts';
import type { BillMessage } from '../events/bill-message.ts';
import { type InboundMessage, inboundMessageSchema } from '../events/inbound-message.ts';
import type { PaymentMessage } from '../events/payment-message.ts';
import type { PaidBillReads } from '../payments/ports.ts';
import type { ProcurifyBillPayer } from '../procurify/ports.ts';
import type { RecordKind, RecordRef } from '../state/model.ts';
import type { AuditTrail, ConfigStore, LinkStore, SyncStateStore } from '../state/ports.ts';
import type { MasterArea, ReconcileReport } from './model.ts';
import type { ReconcileRepairs, ReconcileReportStore, StoredReconcileSummary } from './ports.ts';

export interface QueueRepairDependencies {
  inbound: QueuePublisher<InboundMessage>;
  bills: QueuePublisher<BillMessage>;
  payments: QueuePublisher<PaymentMessage>;
  state: LinkStore & SyncStateStore & AuditTrail;
  /** Only for mark-paid (pull mode): the bills' payment dates, read as the paid-bill pull reads them. */
  paidBills: () => Promise<Pick<PaidBillReads, 'latestPaymentDates'>>;
  procurify: () => Promise<Pick<ProcurifyBillPayer, 'markBillsPaid'>>;
  now?: () => Date;
}

/** Who the audit trail names for reconciliation's repairs. */
export const reconcileActor = 'apsync reconcile';

export function createReconcileRepairs(deps: QueueRepairDependencies): ReconcileRepairs {
  const now = deps.now ?? (() => new Date());
  const note = (ref: RecordRef, message: string, facts: Record<string, string> = {}) =>
    deps.state.append(ref, { step: 'note', message, facts: { by: reconcileActor, ...facts } });
  const inbound = async (kind: MasterArea, netsuiteId: string, eventType: 'edit' | 'delete') => {
    const at = now().toISOString();
    const message = inboundMessageSchema.parse({
      kind: 'record-event',
      // The inbound worker fetches the record whatever the message says; `replay` is an operator's look.
      origin: 'replay',
      eventId: `reconcile-${randomUUID()}`,
      recordType: kind,
      recordId: netsuiteId,
      eventType,
      lastModified: at,
      receivedAt: at,
    });
    return (await deps.inbound.send(message)).messageId;
  };

  return {
    async resyncMasterRecord(kind, netsuiteId, reason) {
      const ref: RecordRef = { system: 'netsuite', kind, id: netsuiteId };
      // Forget the content hash: the worker skips a write whose mapping did not change, and here it is
      // Procurify that changed (a hand edit), so the mapping must be written again.
      const state = await deps.state.getState(ref);
      if (state?.contentHash !== undefined) {
        const { updatedAt: _updatedAt, contentHash: _hash, ...rest } = state;
        await deps.state.putState(rest);
      }
      await note(ref, `${reason}: synced again from NetSuite`);
      const messageId = await inbound(kind, netsuiteId, 'edit');
      return `${kind}:${netsuiteId} queued for the inbound worker (message ${messageId})`;
    },

    async deactivateMasterRecord(kind, netsuiteId, reason) {
      const ref: RecordRef = { system: 'netsuite', kind, id: netsuiteId };
      await note(ref, `${reason}: no longer in NetSuite; its Procurify record is made inactive`);
      const messageId = await inbound(kind, netsuiteId, 'delete');
      return `${kind}:${netsuiteId} queued as deleted: the inbound worker makes its Procurify record inactive (message ${messageId})`;
    },

    async resendBill(billUuid, reason) {
      const ref: RecordRef = { system: 'procurify', kind: 'bill', id: billUuid };
      await note(ref, `${reason}: sent again`);
      const { messageId } = await replayBill(
        billUuid,
        { bills: deps.bills, audit: deps.state, now },
        reconcileActor,
      );
      return `bill:${billUuid} sent to the bill-sync worker (message ${messageId})`;
    },

    async relink(kind, procurifyId, netsuiteId, reason, restoreLinkOf) {
      const ref: RecordRef = { system: 'procurify', kind: kind as RecordKind, id: procurifyId };
      const previous = await deps.state.findBySource('procurify', kind, procurifyId);
      await deps.state.link({ kind, procurifyId, netsuiteId, origin: previous?.origin ?? 'created' });
      await note(ref, `${reason}: link replaced`, {
        netsuiteId,
        ...(previous === undefined ? {} : { previousNetsuiteId: previous.netsuiteId }),
      });
      let restored = '';
      if (restoreLinkOf !== undefined && previous !== undefined && previous.netsuiteId !== netsuiteId) {
        // The wrong link had also written NetSuite record → this record; its owner's link says otherwise.
        const owner = await deps.state.findBySource('procurify', kind, restoreLinkOf);
        if (owner?.netsuiteId === previous.netsuiteId) {
          await deps.state.link({
            kind,
            procurifyId: restoreLinkOf,
            netsuiteId: owner.netsuiteId,
            origin: owner.origin,
          });
          restored = `; ${kind}:${restoreLinkOf} linked to ${owner.netsuiteId} again`;
        }
      }
      return `${kind}:${procurifyId} now linked to NetSuite ${kind === 'bill' ? 'Vendor Bill' : 'Vendor Payment'} ${netsuiteId}${
        previous === undefined ? '' : ` (was ${previous.netsuiteId})`
      }${restored}`;
    },

    async pushPayment(paymentId, reason) {
      const ref: RecordRef = { system: 'procurify', kind: 'payment', id: paymentId };
      await note(ref, `${reason}: queued for the payment-push worker`);
      const { messageId } = await deps.payments.send({
        kind: 'payment',
        origin: 'resync',
        paymentId,
        enqueuedAt: now().toISOString(),
      });
      return `payment:${paymentId} queued for the payment-push worker (message ${messageId})`;
    },

    async markBillPaid(billUuid, netsuiteBillId, reason) {
      const dates = await (await deps.paidBills()).latestPaymentDates([netsuiteBillId]);
      const date = dates.get(netsuiteBillId) ?? now().toISOString().slice(0, 10);
      const result = await (await deps.procurify()).markBillsPaid([billUuid], date);
      const ref: RecordRef = { system: 'procurify', kind: 'bill', id: billUuid };
      await note(ref, `${reason}: marked paid in Procurify on ${result.paymentDate}`, {
        netsuiteId: netsuiteBillId,
      });
      return `bill:${billUuid} marked paid in Procurify (payment date ${result.paymentDate})`;
    },
  };
}

/** The configuration item the last report is kept in. */
export const reconcileReportConfigName = 'reconcile-last';
/** Discrepancies kept with it (a state-table item stays far below DynamoDB's 400 KB). */
const keptDiscrepancies = 100;

export function createReconcileReportStore(config: ConfigStore): ReconcileReportStore {
  return {
    async saveReport(report: ReconcileReport) {
      const kept = report.discrepancies.slice(0, keptDiscrepancies);
      const summary: StoredReconcileSummary = {
        ...report,
        discrepancies: kept,
        omitted: report.discrepancies.length - kept.length,
      };
      await config.putConfig(reconcileReportConfigName, summary);
    },
    async lastReport() {
      return config.getConfig<StoredReconcileSummary>(reconcileReportConfigName);
    },
  };
}
