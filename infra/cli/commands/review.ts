// `apsync review list|replay`: records parked for review (a missing mapping, an ambiguous match) and
// records whose sync failed with a data error — each with the message a person can act on — and
// replaying one once its data is fixed.
import { randomUUID } from 'node:crypto';
import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import { replayBill } from '../../../shared/bills/replay-bill.ts';
import { DataError } from '../../../shared/errors.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { RecordKind, RecordRef, RecordState, SyncStatus } from '../../../shared/state/model.ts';
import type { ReplayOutput, ReviewListOutput } from '../output-schemas.ts';
import { formatRecord, recordKinds } from '../record-syntax.ts';
import type { CliServices } from '../services.ts';
import { orDash, table } from '../terminal.ts';
import { stateView } from './audit.ts';
import { resyncPayment } from './payment.ts';

export const reviewStatuses = ['review', 'failed'] as const;

export async function listReview(
  services: CliServices,
  options: { kind?: RecordKind; status?: (typeof reviewStatuses)[number]; limit?: number },
): Promise<ReviewListOutput> {
  const limit = options.limit ?? 200;
  const kinds = options.kind === undefined ? recordKinds : [options.kind];
  const statuses: SyncStatus[] = options.status === undefined ? [...reviewStatuses] : [options.status];
  const lists = await Promise.all(
    kinds.flatMap((kind) => statuses.map((status) => services.state.listByStatus(kind, status, limit + 1))),
  );
  const states: RecordState[] = lists.flat().sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return {
    target: { kind: services.target.kind, label: services.target.label },
    records: states.slice(0, limit).map(stateView),
    truncated: states.length > limit,
  };
}

const masterKinds: Partial<Record<RecordKind, InboundMessage['recordType']>> = {
  vendor: 'vendor',
  account: 'account',
  department: 'department',
};

export async function replayRecord(
  services: CliServices,
  ref: RecordRef,
  requestedBy: string,
): Promise<ReplayOutput> {
  const record = formatRecord(ref);
  const recordType = masterKinds[ref.kind];
  if (ref.system === 'netsuite' && recordType !== undefined) {
    // The inbound worker fetches the current record, so a replay is a fresh "look at it now".
    const now = new Date().toISOString();
    const queue = new SqsQueuePublisher<InboundMessage>(services.sqs, services.target.queues.inbound.url);
    const { messageId } = await queue.send({
      kind: 'record-event',
      origin: 'replay',
      eventId: `replay-${randomUUID()}`,
      recordType,
      recordId: ref.id,
      eventType: 'edit',
      lastModified: now,
      receivedAt: now,
    });
    await services.state.append(ref, {
      step: 'replayed',
      message: 'replay requested',
      facts: { messageId, requestedBy },
    });
    return { record, action: 'queued', messageId, detail: `${record} is on the inbound queue again` };
  }
  if (ref.system === 'procurify' && ref.kind === 'bill') {
    // The bill worker writes a replayed bill even when its content did not change.
    const { messageId } = await replayBill(
      ref.id,
      {
        bills: new SqsQueuePublisher<BillMessage>(services.sqs, services.target.queues.bill.url),
        audit: services.state,
      },
      requestedBy,
    );
    return { record, action: 'queued', messageId, detail: `${record} is on the bill queue again` };
  }
  if (ref.system === 'procurify' && ref.kind === 'payment' && ref.id !== 'mode') {
    const resync = await resyncPayment(services, ref.id, requestedBy);
    return {
      record,
      action: resync.requested ? 'queued' : 'joined',
      ...(resync.messageId === undefined ? {} : { messageId: resync.messageId }),
      detail: resync.detail,
    };
  }
  throw new DataError(
    `${record} cannot be replayed: apsync syncs NetSuite vendors, accounts and departments, Procurify bills and payments`,
    { source: 'apsync-cli', code: 'not-replayable' },
  );
}

export function renderReviewList(output: ReviewListOutput): string {
  if (output.records.length === 0) return `nothing to review in ${output.target.label}\n`;
  const rows = output.records.map((state) => [
    state.record,
    state.status,
    state.updatedAt,
    orDash(state.message),
    orDash(state.waitingFor?.join(', ')),
  ]);
  return `${table(['record', 'state', 'since', 'message', 'waiting for'], rows, 90)}${
    output.truncated ? '(more records not shown: raise --limit)\n' : ''
  }`;
}

export const renderReplay = (output: ReplayOutput): string =>
  `${output.detail ?? `${output.record}: ${output.action}`}${output.messageId ? ` (message ${output.messageId})` : ''}\n`;
