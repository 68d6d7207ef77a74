// The SuiteQL read shared by the NetSuite poll and the backfill: master records (vendors, GL accounts,
// departments) in (last-modified, id) order from a wall time on, and the inbound message each becomes.
// SuiteQL never returns deleted records: deletes reach Procurify through the webhook's delete notice
// (the user-event script's `delete` event), which the inbound worker turns into a deactivation; a lost delete notice is not recovered
// by the poll.
import { z } from 'zod';
import type { InboundMessage } from '../events/inbound-message.ts';
import { inboundMessageSchema } from '../events/inbound-message.ts';
import { type SuiteQl, suiteQlTimestamp } from '../netsuite/index.ts';
import { isoSeconds, wallTimePattern, wallTimeToInstant } from './account-time.ts';

/** The master-data record types, as SuiteQL tables and SuiteScript record types both spell them. */
export const masterRecordTypes = ['vendor', 'account', 'department'] as const;
export type MasterRecordType = (typeof masterRecordTypes)[number];

export interface ChangedRecord {
  id: string;
  /** Account wall time, `YYYY-MM-DD HH24:MI:SS`. */
  lastModified: string;
}

const changedRowSchema = z
  .object({
    id: z.string().regex(/^\d{1,18}$/),
    lastmodified: z.string().regex(wallTimePattern),
  })
  .transform((row): ChangedRecord => ({ id: row.id, lastModified: row.lastmodified }));

export interface ReadWindowOptions {
  /** SuiteQL page size (default 1000). */
  pageSize?: number;
  /** Rows per query before the next starts after the last key (default: one page, keyset paging). */
  windowRows?: number;
}

/**
 * Every record of the type modified at or after `from` (all of them when undefined), in
 * (last-modified, id) order, read in windows so any number of rows can be read (100,000 per query).
 */
export function readChangedRecords(
  suiteQl: SuiteQl,
  type: MasterRecordType,
  from: string | undefined,
  options: ReadWindowOptions = {},
): AsyncIterable<ChangedRecord> {
  return suiteQl.windowed({
    select: `id, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified`,
    // A fixed table name from masterRecordTypes, never user input.
    from: type,
    schema: changedRowSchema,
    ...(from === undefined ? {} : { after: { lastModified: from } }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.windowRows === undefined ? {} : { windowRows: options.windowRows }),
  });
}

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
