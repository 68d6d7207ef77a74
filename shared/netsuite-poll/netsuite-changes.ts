// NetSuite adapters of the poll's ports (ports.ts): the changed master records through SuiteQL in
// (last-modified, id) windows (`suiteQl.windowed`: any number of rows, 100,000 per query), and the
// account clock through SuiteQL and the record API. SuiteQL never returns deleted records: deletes reach
// Procurify through the webhook's delete notice (the user-event script's `delete` event), which the
// inbound worker turns into a deactivation; a lost delete notice is not recovered by the poll.
import * as z from 'zod';
import { type NetSuiteRecords, type SuiteQl, suiteQlTimestamp } from '../netsuite/index.ts';
import { isoSeconds, wallTimePattern } from './account-time.ts';
import type { AccountClock, AccountTimeSample, ChangedRecord, MasterRecordChanges } from './ports.ts';

export interface ReadWindowOptions {
  /** SuiteQL page size (default 1000). */
  pageSize?: number;
  /** Rows per query before the next starts after the last key (default: one page, keyset paging). */
  windowRows?: number;
}

const changedRowSchema = z
  .object({
    id: z.string().regex(/^\d{1,18}$/),
    lastmodified: z.string().regex(wallTimePattern),
  })
  .transform((row): ChangedRecord => ({ id: row.id, lastModified: row.lastmodified }));

export function suiteQlMasterRecordChanges(
  suiteQl: SuiteQl,
  windows: ReadWindowOptions = {},
): MasterRecordChanges {
  return {
    changedSince: (type, from) =>
      suiteQl.windowed({
        select: `id, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified`,
        // A fixed table name from masterRecordTypes, never user input.
        from: type,
        schema: changedRowSchema,
        ...(from === undefined ? {} : { after: { lastModified: from } }),
        ...(windows.pageSize === undefined ? {} : { pageSize: windows.pageSize }),
        ...(windows.windowRows === undefined ? {} : { windowRows: windows.windowRows }),
      }),
  };
}

const sampleRowSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  lastmodified: z.string().regex(wallTimePattern),
});
const lastModifiedRowSchema = z.object({ lastmodified: z.string().regex(wallTimePattern) });
const recordSchema = z.object({ lastModifiedDate: z.string() });

/** The first row of a query, read one row a page. */
async function firstRow<T>(rows: AsyncIterable<T>): Promise<T | undefined> {
  for await (const row of rows) return row;
  return undefined;
}

export function netSuiteAccountClock(netsuite: {
  suiteQl: SuiteQl;
  records: Pick<NetSuiteRecords, 'find'>;
}): AccountClock {
  return {
    async newestVendorSample(): Promise<AccountTimeSample | undefined> {
      const sql =
        `SELECT id, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified FROM vendor ` +
        'WHERE lastmodifieddate IS NOT NULL ORDER BY lastmodifieddate DESC, id DESC';
      const row = await firstRow(netsuite.suiteQl.query(sql, [], sampleRowSchema, { pageSize: 1 }));
      if (row === undefined) return undefined;
      const record = await netsuite.records.find('vendor', row.id, {
        fields: ['lastModifiedDate'],
        schema: recordSchema,
      });
      if (record === undefined) return undefined;
      const instant = Date.parse(record.lastModifiedDate);
      if (Number.isNaN(instant)) return undefined;
      return {
        recordType: 'vendor',
        id: row.id,
        wallTime: row.lastmodified,
        instant: isoSeconds(new Date(instant)),
      };
    },
    async vendorWallTime(id: string): Promise<string | undefined> {
      const sql = `SELECT ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified FROM vendor WHERE id = ?`;
      const row = await firstRow(netsuite.suiteQl.query(sql, [id], lastModifiedRowSchema, { pageSize: 1 }));
      return row?.lastmodified;
    },
  };
}

/**
 * The poll's ports over one NetSuite client: its changed records and, for the time zone check, its
 * clock. The backfill needs the changes only.
 */
export function netSuitePollPorts(
  netsuite: { suiteQl: SuiteQl; records: Pick<NetSuiteRecords, 'find'> },
  windows: ReadWindowOptions = {},
): { changes: MasterRecordChanges; clock: AccountClock } {
  return {
    changes: suiteQlMasterRecordChanges(netsuite.suiteQl, windows),
    clock: netSuiteAccountClock(netsuite),
  };
}
