// Operator replay of a NetSuite vendor, GL account or department (`apsync review replay`, the console):
// a `replay` notice on the inbound queue, which the inbound worker treats as "look at it now" (it
// fetches the current record), audited with who asked. The bill and payment equivalents are
// shared/bills/replay-bill.ts and shared/payments/request-resync.ts.
import { randomUUID } from 'node:crypto';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import type { RecordKind, RecordRef } from '../state/model.ts';
import type { AuditTrail } from '../state/ports.ts';

/** The master-data kinds a replay can queue, with the notice record type the inbound worker reads. */
export const masterRecordKinds: Readonly<Partial<Record<RecordKind, InboundMessage['recordType']>>> = {
  vendor: 'vendor',
  account: 'account',
  department: 'department',
};

export interface ReplayMasterRecordDependencies {
  inbound: QueuePublisher<InboundMessage>;
  audit: AuditTrail;
}

/** Queues the replay of a NetSuite master record; `where` ends the audit message (e.g. ` in the console`). */
export async function replayMasterRecord(
  ref: RecordRef & { system: 'netsuite' },
  recordType: InboundMessage['recordType'],
  deps: ReplayMasterRecordDependencies,
  requestedBy: string,
  where = '',
): Promise<{ messageId: string }> {
  const now = new Date().toISOString();
  const { messageId } = await deps.inbound.send({
    kind: 'record-event',
    origin: 'replay',
    eventId: `replay-${randomUUID()}`,
    recordType,
    recordId: ref.id,
    eventType: 'edit',
    lastModified: now,
    receivedAt: now,
  });
  await deps.audit.append(ref, {
    step: 'replayed',
    message: `replay requested${where}`,
    facts: { messageId, requestedBy },
  });
  return { messageId };
}
