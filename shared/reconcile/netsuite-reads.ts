// NetSuite adapter of reconciliation's bulk reads: vendors, GL accounts, departments, Vendor Bills and
// Vendor Payments through SuiteQL, 1000 rows a page in (last-modified, id) windows — N records in about
// N/1000 requests. Master records come back in the record API's shape the mapping functions take, by the
// same translation the inbound worker's batch read uses (shared/master-data/netsuite-master-rows.ts).
import * as z from 'zod';
import {
  accountRecord,
  accountRowSchema,
  departmentRecord,
  departmentRowSchema,
  flag,
  optional,
  vendorRecord,
  vendorRowSchema,
} from '../master-data/netsuite-master-rows.ts';
import { type SuiteQl, suiteQlTimestamp, type WindowedQuery } from '../netsuite/index.ts';
import { wallTimeToInstant } from '../netsuite-poll/account-time.ts';
import type { NetSuiteBulkReads } from './ports.ts';

export interface NetSuiteBulkReadOptions {
  /** The IANA zone SuiteQL shows dates in (the integration user's preference); default UTC. */
  timeZone?: string;
  /** The vendor checkbox that marks vendors to sync (read with the vendors when configured). */
  vendorSyncFlagField?: string;
  /** SuiteQL page size (default 1000). */
  pageSize?: number;
}

const text = z.string().optional();

const transactionRow = z.object({
  id: z.string(),
  externalid: text,
  entity: text,
  foreigntotal: text,
  foreignamountunpaid: text,
  status: text,
  tranid: text,
  voided: text,
  lastmodified: z.string(),
});

export function createNetSuiteBulkReads(
  suiteQl: SuiteQl,
  options: NetSuiteBulkReadOptions = {},
): NetSuiteBulkReads {
  const timeZone = options.timeZone ?? 'UTC';
  const instant = (wall: string): string => wallTimeToInstant(wall, timeZone).toISOString();
  const paging = options.pageSize === undefined ? {} : { pageSize: options.pageSize };
  const flagField = options.vendorSyncFlagField;
  if (flagField !== undefined && !/^custentity_[a-z0-9_]+$/.test(flagField)) {
    throw new Error(`vendor sync flag field ${JSON.stringify(flagField)} is not a custentity_ field id`);
  }

  /** Rows in key windows, each with its last-modified instant beside what `read` makes of it. */
  async function* windowed<Row extends { lastmodified: string }, Read>(
    query: WindowedQuery<Row>,
    read: (row: Row) => Read,
  ): AsyncIterable<Read & { lastModified: string }> {
    for await (const row of suiteQl.windowed({ ...query, ...paging })) {
      yield { ...read(row), lastModified: instant(row.lastmodified) };
    }
  }

  return {
    vendors: () =>
      windowed(
        {
          select:
            'v.id, v.entityid, v.companyname, v.firstname, v.lastname, v.isperson, v.email, v.phone, v.isinactive, ' +
            'v.currency, c.symbol AS currencysymbol, v.subsidiary, ' +
            `${suiteQlTimestamp('v.lastmodifieddate')} AS lastmodified` +
            // A field id checked above, never user text in the query.
            (flagField === undefined ? '' : `, v.${flagField} AS syncflag`),
          from: 'vendor v LEFT JOIN currency c ON c.id = v.currency',
          keyColumns: { lastModified: 'v.lastmodifieddate', id: 'v.id' },
          schema: vendorRowSchema,
        },
        (row) => {
          const record = vendorRecord(row, timeZone);
          if (flagField !== undefined) (record as Record<string, unknown>)[flagField] = flag(row.syncflag);
          return { record, ...optional('currencyCode', row.currencysymbol) };
        },
      ),

    accounts: () =>
      windowed(
        {
          select:
            'id, acctnumber, accountsearchdisplaynamecopy AS acctname, accttype, isinactive, issummary, parent, ' +
            `subsidiary, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified`,
          from: 'account',
          schema: accountRowSchema,
        },
        (row) => ({ record: accountRecord(row, timeZone) }),
      ),

    departments: () =>
      windowed(
        {
          select: `id, name, isinactive, parent, subsidiary, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified`,
          from: 'department',
          schema: departmentRowSchema,
        },
        (row) => ({ record: departmentRecord(row, timeZone) }),
      ),

    vendorBills: () =>
      windowed(transactions('VendBill'), (row) => ({
        ...transaction(row),
        unpaid: row.foreignamountunpaid ?? '0',
        status: row.status ?? '',
        ...optional('tranId', row.tranid),
      })),

    vendorPayments: () =>
      windowed(transactions('VendPymt'), (row) => ({ ...transaction(row), voided: flag(row.voided) })),
  };
}

type TransactionRow = z.infer<typeof transactionRow>;

/** What a Vendor Bill and a Vendor Payment both carry. */
const transaction = (row: TransactionRow) => ({
  id: row.id,
  ...optional('externalId', row.externalid),
  ...optional('entity', row.entity),
  total: row.foreigntotal ?? '0',
});

/** Every transaction of a type (a fixed SuiteQL type, never user input), in key windows. */
function transactions(type: 'VendBill' | 'VendPymt'): WindowedQuery<TransactionRow> {
  return {
    select:
      't.id, t.externalid, t.entity, t.foreigntotal, t.foreignamountunpaid, t.status, t.tranid, t.voided, ' +
      `${suiteQlTimestamp('t.lastmodifieddate')} AS lastmodified`,
    from: 'transaction t',
    where: 't.type = ?',
    params: [type],
    keyColumns: { lastModified: 't.lastmodifieddate', id: 't.id' },
    schema: transactionRow,
  };
}
