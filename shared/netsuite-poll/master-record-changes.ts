// What the NetSuite poll and the backfill both do with the changed master records they read (ports.ts):
// the inbound message each becomes, and the batches they are sent in.
import { type InboundMessage, inboundMessageSchema } from '../events/inbound-message.ts';
import { isoSeconds, wallTimeToInstant } from './account-time.ts';
import type { ChangedRecord, MasterRecordType } from './ports.ts';

/**
 * The inbound message for one changed record. The event id is deterministic (origin, type, id and
 * last-modified instant), so the same version read twice is recognisably the same event.
 */
export function changeMessage(
  type: MasterRecordType,
  record: ChangedRecord,
  origin: 'poll' | 'backfill',
  receivedAt: Date,
  accountTimeZone: string,
): InboundMessage {
  const lastModified = isoSeconds(wallTimeToInstant(record.lastModified, accountTimeZone));
  return inboundMessageSchema.parse({
    kind: 'record-event',
    origin,
    eventId: `${origin}:${type}:${record.id}:${lastModified}`,
    recordType: type,
    recordId: record.id,
    // The worker fetches the current record whatever the event type says; `edit` covers creations.
    eventType: 'edit',
    lastModified,
    receivedAt: receivedAt.toISOString(),
  });
}

/** Groups rows into batches of `size` (the last one may be shorter). */
export async function* batchesOf<T>(rows: AsyncIterable<T>, size: number): AsyncIterable<T[]> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
