import { GetQueueAttributesCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { queueDepth } from '../aws/queue-depth.ts';
import { SqsQueuePublisher } from '../aws/queue-publisher.ts';
import { classifyAwsError } from '../aws/sdk-errors.ts';
import { replayBill } from '../bills/replay-bill.ts';
import { DataError } from '../errors.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import type { PaymentMessage } from '../events/payment-message.ts';
import type { QueueKey } from '../resources.ts';
import { dismissRecord } from '../review/dismiss-record.ts';
import { masterRecordKinds, replayMasterRecord } from '../review/replay-master-record.ts';
import type { RecordRef } from '../state/model.ts';
import { type ConsoleData, formatRecord } from './read-model.ts';

const masterKinds = masterRecordKinds;

/** Whether the console offers a replay for the record (a payment's is its re-sync, push mode only). */
export const replayable = (ref: RecordRef): boolean =>
  (ref.system === 'netsuite' && masterKinds[ref.kind] !== undefined) ||
  (ref.system === 'procurify' && (ref.kind === 'bill' || (ref.kind === 'payment' && /^\d+$/.test(ref.id))));

export async function replay(data: ConsoleData, ref: RecordRef, user: string): Promise<string> {
  const record = formatRecord(ref);
  if (!replayable(ref)) {
    throw new DataError(
      `${record} cannot be replayed here: the console replays NetSuite vendors, accounts and departments and Procurify bills and payments`,
      { source: 'apsync-console', code: 'not-replayable' },
    );
  }
  // Only a record apsync has seen: a replay of one that exists nowhere would leave a failure behind.
  if ((await data.state.getState(ref)) === undefined) {
    throw new DataError(`${record}: apsync has no sync state for it; nothing was queued`, {
      source: 'apsync-console',
      code: 'unknown-record',
    });
  }
  const recordType = masterKinds[ref.kind];
  if (ref.system === 'netsuite' && recordType !== undefined) {
    const { messageId } = await replayMasterRecord(
      { ...ref, system: 'netsuite' },
      recordType,
      {
        inbound: new SqsQueuePublisher<InboundMessage>(data.sqs, data.queues.inbound.url),
        audit: data.state,
      },
      user,
      ' in the console',
    );
    await recordAction(data, { action: 'replay', subject: record, user, detail: `message ${messageId}` });
    return `${record} is on the inbound queue again`;
  }
  if (ref.kind === 'payment') {
    // The manual re-sync of push mode: requests within 2 minutes are one (shared/payments/request-resync.ts),
    // loaded by the replay that needs it (with the payment push's plan), not at the console's init.
    const { requestPaymentResync } = await import('../payments/request-resync.ts');
    const result = await requestPaymentResync(ref.id, {
      state: data.state,
      queue: new SqsQueuePublisher<PaymentMessage>(data.sqs, data.queues.payment.url),
      defaultMode: data.defaultPaymentMode,
      requestedBy: user,
    });
    await recordAction(data, {
      action: 'replay',
      subject: record,
      user,
      detail: result.queued
        ? `message ${result.request.messageId ?? '?'}`
        : 'joined a re-sync requested within 2 minutes',
    });
    return result.queued
      ? `${record} is on the payment queue again`
      : `a re-sync of ${record} was already requested at ${result.request.requestedAt}; this request joins it`;
  }
  const { messageId } = await replayBill(
    ref.id,
    { bills: new SqsQueuePublisher<BillMessage>(data.sqs, data.queues.bill.url), audit: data.state },
    user,
  );
  await recordAction(data, { action: 'replay', subject: record, user, detail: `message ${messageId}` });
  return `${record} is on the bill queue again`;
}

export async function dismiss(
  data: ConsoleData,
  ref: RecordRef,
  reason: string,
  user: string,
): Promise<string> {
  const record = formatRecord(ref);
  await dismissRecord(ref, record, reason, { state: data.state, dismissedBy: user });
  await recordAction(data, { action: 'dismiss', subject: record, user, detail: reason });
  return `${record} dismissed`;
}

/** Moves every message of a dead-letter queue back to its work queue; the move is audited. */
export async function redrive(data: ConsoleData, queue: QueueKey, user: string): Promise<string> {
  const urls = data.queues[queue];
  if (urls === undefined) {
    throw new DataError(`unknown queue ${queue}`, { source: 'apsync-console', code: 'bad-queue' });
  }
  const depth = await queueDepth(data.sqs, urls.deadLetterQueueUrl);
  if (depth.visible === 0) return `the ${queue} dead-letter queue is empty: nothing to redrive`;
  try {
    const [dlq, source] = await Promise.all(
      [urls.deadLetterQueueUrl, urls.url].map((url) =>
        data.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })),
      ),
    );
    const sourceArn = dlq?.Attributes?.QueueArn;
    const destinationArn = source?.Attributes?.QueueArn;
    if (sourceArn === undefined || destinationArn === undefined) {
      throw new DataError(`sqs: no ARN for the ${queue} queues`, { source: 'sqs' });
    }
    const task = await data.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
    );
    await recordAction(data, {
      action: 'redrive',
      subject: `${queue} dead-letter queue`,
      user,
      detail: `${depth.visible} message(s), task ${task.TaskHandle ?? '?'}`,
    });
    return `${depth.visible} message(s) of the ${queue} dead-letter queue are moving back to the ${queue} queue`;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw classifyAwsError(error, 'sqs');
  }
}

/** The console's own log of actions (who did what, when), newest first: the settings page shows it. */
export const consoleActionsConfigName = 'console:actions';
const keptActions = 100;

export interface ConsoleAction {
  at: string;
  action: 'replay' | 'dismiss' | 'redrive';
  subject: string;
  user: string;
  detail?: string;
}

async function recordAction(data: ConsoleData, action: Omit<ConsoleAction, 'at'>): Promise<void> {
  const previous = (await data.state.getConfig<ConsoleAction[]>(consoleActionsConfigName)) ?? [];
  await data.state.putConfig(
    consoleActionsConfigName,
    [{ at: new Date().toISOString(), ...action }, ...previous].slice(0, keptActions),
  );
}

export async function recentActions(data: ConsoleData): Promise<ConsoleAction[]> {
  return (await data.state.getConfig<ConsoleAction[]>(consoleActionsConfigName)) ?? [];
}
