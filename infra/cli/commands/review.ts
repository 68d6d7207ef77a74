import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import { replayBill } from '../../../shared/bills/replay-bill.ts';
import { DataError } from '../../../shared/errors.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { dismissRecord } from '../../../shared/review/dismiss-record.ts';
import { masterRecordKinds, replayMasterRecord } from '../../../shared/review/replay-master-record.ts';
import {
  openFailureStatuses,
  type RecordKind,
  type RecordRef,
  type RecordState,
  type SyncStatus,
} from '../../../shared/state/model.ts';
import type { DismissOutput, ReplayOutput, ReviewListOutput } from '../output-schemas.ts';
import { formatRecord, recordKinds } from '../record-syntax.ts';
import type { CliServices } from '../services.ts';
import { orDash, table } from '../terminal.ts';
import { stateView } from './audit.ts';
import { requireKnownRecord } from './known-record.ts';
import { resyncPayment } from './payment.ts';

export const reviewStatuses = openFailureStatuses;

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

const masterKinds = masterRecordKinds;

export async function replayRecord(
  services: CliServices,
  ref: RecordRef,
  requestedBy: string,
): Promise<ReplayOutput> {
  const record = formatRecord(ref);
  const recordType = masterKinds[ref.kind];
  const replayable =
    (ref.system === 'netsuite' && recordType !== undefined) ||
    (ref.system === 'procurify' && (ref.kind === 'bill' || (ref.kind === 'payment' && ref.id !== 'mode')));
  if (!replayable) {
    throw new DataError(
      `${record} cannot be replayed: apsync syncs NetSuite vendors, accounts and departments, Procurify bills and payments`,
      { source: 'apsync-cli', code: 'not-replayable' },
    );
  }
  await requireKnownRecord(services, ref, record);
  if (ref.system === 'netsuite' && recordType !== undefined) {
    const { messageId } = await replayMasterRecord(
      { ...ref, system: 'netsuite' },
      recordType,
      {
        inbound: new SqsQueuePublisher<InboundMessage>(services.sqs, services.target.queues.inbound.url),
        audit: services.state,
      },
      requestedBy,
    );
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
    const resync = await resyncPayment(services, ref.id, requestedBy, { checked: true });
    return {
      record,
      action: resync.requested ? 'queued' : 'joined',
      ...(resync.messageId === undefined ? {} : { messageId: resync.messageId }),
      detail: resync.detail,
    };
  }
  throw new DataError(`${record} cannot be replayed`, { source: 'apsync-cli', code: 'not-replayable' });
}

export async function dismissFromReview(
  services: CliServices,
  ref: RecordRef,
  reason: string,
  dismissedBy: string,
): Promise<DismissOutput> {
  const record = formatRecord(ref);
  const { previous, state } = await dismissRecord(ref, record, reason, {
    state: services.state,
    dismissedBy,
  });
  return {
    record,
    previousStatus: previous.status,
    ...(previous.message === undefined ? {} : { previousMessage: previous.message }),
    status: 'dismissed',
    reason: reason.replace(/\s+/g, ' ').trim(),
    dismissedBy,
    dismissedAt: state.updatedAt,
  };
}

export const renderDismiss = (output: DismissOutput): string =>
  `${output.record}: dismissed (was ${output.previousStatus}${output.previousMessage ? `: ${output.previousMessage}` : ''})\n`;

export function renderReviewList(output: ReviewListOutput, width?: number): string {
  if (output.records.length === 0) return `nothing to review in ${output.target.label}\n`;
  const rows = output.records.map((state) => [
    state.record,
    state.status,
    state.updatedAt,
    orDash(state.message),
    orDash(state.waitingFor?.join(', ')),
  ]);
  return `${table(['record', 'state', 'since', 'message', 'waiting for'], rows, width)}${
    output.truncated ? '(more records not shown: raise --limit)\n' : ''
  }`;
}

export const renderReplay = (output: ReplayOutput): string =>
  `${output.detail ?? `${output.record}: ${output.action}`}${output.messageId ? ` (message ${output.messageId})` : ''}\n`;
