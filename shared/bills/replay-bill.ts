// Operator replay of one bill (the README: review list and replay): puts a `replay` message on the bill
// queue, which the worker treats as "write it again" even when its content did not change (e.g. after
// the Vendor Bill was deleted in NetSuite, or once a mapping exists). Called by the CLI.
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { DataError } from '../errors.ts';
import { type BillMessage, billMessageSchema } from '../events/bill-message.ts';
import type { AuditTrail } from '../state/state-store.ts';

export interface ReplayBillDependencies {
  bills: QueuePublisher<BillMessage>;
  audit: AuditTrail;
  now?: () => Date;
}

export async function replayBill(
  billUuid: string,
  deps: ReplayBillDependencies,
  requestedBy?: string,
): Promise<{ billUuid: string; messageId: string }> {
  const parsed = billMessageSchema.safeParse({
    kind: 'bill',
    origin: 'replay',
    billUuid: billUuid.trim().toLowerCase(),
    enqueuedAt: (deps.now?.() ?? new Date()).toISOString(),
  });
  if (!parsed.success) {
    throw new DataError(`${JSON.stringify(billUuid)} is not a Procurify bill UUID`, {
      source: 'apsync',
      path: 'billUuid',
    });
  }
  const { messageId } = await deps.bills.send(parsed.data);
  await deps.audit.append(
    { system: 'procurify', kind: 'bill', id: parsed.data.billUuid },
    {
      step: 'replayed',
      facts: { messageId, ...(requestedBy === undefined ? {} : { requestedBy }) },
    },
  );
  return { billUuid: parsed.data.billUuid, messageId };
}
