// NetSuite adapter of reconciliation's bulk reads: vendors, GL accounts, departments, Vendor Bills and
// Vendor Payments through SuiteQL, 1000 rows a page in (last-modified, id) windows — N records in about
// N/1000 requests. Rows come back in the record API's shape the mapping functions take (SuiteQL values
// are strings, null columns absent, dates wall time in the account's time zone).
import { z } from 'zod';
import type {
  NetSuiteAccount,
  NetSuiteDepartment,
  NetSuiteVendor,
} from '../master-data/netsuite-master-records.ts';
import { type SuiteQl, suiteQlTimestamp } from '../netsuite/index.ts';
import { wallTimeToInstant } from '../netsuite-poll/account-time.ts';
import type {
  NetSuiteAccountRow,
  NetSuiteBillRow,
  NetSuiteBulkReads,
  NetSuiteDepartmentRow,
  NetSuitePaymentRow,
  NetSuiteVendorRow,
} from './ports.ts';

export interface NetSuiteBulkReadOptions {
  /** The IANA zone SuiteQL shows dates in (the integration user's preference); default UTC. */
  timeZone?: string;
  /** The vendor checkbox that marks vendors to sync (read with the vendors when configured). */
  vendorSyncFlagField?: string;
  /** SuiteQL page size (default 1000). */
  pageSize?: number;
}

const text = z.string().optional();
const flag = (value: string | undefined): boolean => value === 'T';
const ids = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');

const vendorRow = z
  .object({
    id: z.string(),
    entityid: text,
    companyname: text,
    firstname: text,
    lastname: text,
    isperson: text,
    email: text,
    phone: text,
    isinactive: text,
    currency: text,
    currencysymbol: text,
    subsidiary: text,
    lastmodified: z.string(),
  })
  .passthrough();

const accountRow = z.object({
  id: z.string(),
  acctnumber: text,
  acctname: text,
  accttype: text,
  isinactive: text,
  issummary: text,
  parent: text,
  subsidiary: text,
  lastmodified: z.string(),
});

const departmentRow = z.object({
  id: z.string(),
  name: z.string().default(''),
  isinactive: text,
  parent: text,
  subsidiary: text,
  lastmodified: z.string(),
});

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

/** `{items: [{id}]}`, the multi-select shape `subsidiaryIds` reads (absent when the column is empty). */
const subsidiaryList = (value: string | undefined) => {
  const list = ids(value);
  return list.length === 0 ? undefined : { items: list.map((id) => ({ id })) };
};

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

  return {
    async *vendors(): AsyncIterable<NetSuiteVendorRow> {
      const rows = suiteQl.windowed({
        select:
          'v.id, v.entityid, v.companyname, v.firstname, v.lastname, v.isperson, v.email, v.phone, v.isinactive, ' +
          'v.currency, c.symbol AS currencysymbol, v.subsidiary, ' +
          `${suiteQlTimestamp('v.lastmodifieddate')} AS lastmodified` +
          // A field id checked above, never user text in the query.
          (flagField === undefined ? '' : `, v.${flagField} AS syncflag`),
        from: 'vendor v LEFT JOIN currency c ON c.id = v.currency',
        keyColumns: { lastModified: 'v.lastmodifieddate', id: 'v.id' },
        schema: vendorRow,
        ...paging,
      });
      for await (const row of rows) {
        const record: NetSuiteVendor = {
          id: row.id,
          ...(row.entityid === undefined ? {} : { entityId: row.entityid }),
          ...(row.companyname === undefined ? {} : { companyName: row.companyname }),
          ...(row.firstname === undefined ? {} : { firstName: row.firstname }),
          ...(row.lastname === undefined ? {} : { lastName: row.lastname }),
          isPerson: flag(row.isperson),
          ...(row.email === undefined ? {} : { email: row.email }),
          ...(row.phone === undefined ? {} : { phone: row.phone }),
          isInactive: flag(row.isinactive),
          ...(row.currency === undefined ? {} : { currency: { id: row.currency } }),
          ...(row.subsidiary === undefined ? {} : { subsidiary: { id: row.subsidiary } }),
        };
        if (flagField !== undefined) {
          (record as Record<string, unknown>)[flagField] = flag(row.syncflag as string | undefined);
        }
        yield {
          record,
          lastModified: instant(row.lastmodified),
          ...(row.currencysymbol === undefined ? {} : { currencyCode: row.currencysymbol }),
        };
      }
    },

    async *accounts(): AsyncIterable<NetSuiteAccountRow> {
      const rows = suiteQl.windowed({
        select:
          'id, acctnumber, accountsearchdisplaynamecopy AS acctname, accttype, isinactive, issummary, parent, ' +
          `subsidiary, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified`,
        from: 'account',
        schema: accountRow,
        ...paging,
      });
      for await (const row of rows) {
        const subsidiary = subsidiaryList(row.subsidiary);
        const record: NetSuiteAccount = {
          id: row.id,
          ...(row.acctnumber === undefined ? {} : { acctNumber: row.acctnumber }),
          ...(row.acctname === undefined ? {} : { acctName: row.acctname }),
          ...(row.accttype === undefined ? {} : { acctType: row.accttype }),
          isInactive: flag(row.isinactive),
          isSummary: flag(row.issummary),
          ...(row.parent === undefined ? {} : { parent: { id: row.parent } }),
          ...(subsidiary === undefined ? {} : { subsidiary }),
        };
        yield { record, lastModified: instant(row.lastmodified) };
      }
    },

    async *departments(): AsyncIterable<NetSuiteDepartmentRow> {
      const rows = suiteQl.windowed({
        select: `id, name, isinactive, parent, subsidiary, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified`,
        from: 'department',
        schema: departmentRow,
        ...paging,
      });
      for await (const row of rows) {
        const subsidiary = subsidiaryList(row.subsidiary);
        const record: NetSuiteDepartment = {
          id: row.id,
          name: row.name,
          isInactive: flag(row.isinactive),
          ...(row.parent === undefined ? {} : { parent: { id: row.parent } }),
          ...(subsidiary === undefined ? {} : { subsidiary }),
        };
        yield { record, lastModified: instant(row.lastmodified) };
      }
    },

    async *vendorBills(): AsyncIterable<NetSuiteBillRow> {
      for await (const row of transactions(suiteQl, 'VendBill', paging)) {
        yield {
          id: row.id,
          ...(row.externalid === undefined ? {} : { externalId: row.externalid }),
          ...(row.entity === undefined ? {} : { entity: row.entity }),
          total: row.foreigntotal ?? '0',
          unpaid: row.foreignamountunpaid ?? '0',
          status: row.status ?? '',
          ...(row.tranid === undefined ? {} : { tranId: row.tranid }),
          lastModified: instant(row.lastmodified),
        };
      }
    },

    async *vendorPayments(): AsyncIterable<NetSuitePaymentRow> {
      for await (const row of transactions(suiteQl, 'VendPymt', paging)) {
        yield {
          id: row.id,
          ...(row.externalid === undefined ? {} : { externalId: row.externalid }),
          ...(row.entity === undefined ? {} : { entity: row.entity }),
          total: row.foreigntotal ?? '0',
          voided: flag(row.voided),
          lastModified: instant(row.lastmodified),
        };
      }
    },
  };
}

/** Every transaction of a type (a fixed SuiteQL type, never user input), in key windows. */
function transactions(suiteQl: SuiteQl, type: 'VendBill' | 'VendPymt', paging: { pageSize?: number }) {
  return suiteQl.windowed({
    select:
      't.id, t.externalid, t.entity, t.foreigntotal, t.foreignamountunpaid, t.status, t.tranid, t.voided, ' +
      `${suiteQlTimestamp('t.lastmodifieddate')} AS lastmodified`,
    from: 'transaction t',
    where: 't.type = ?',
    params: [type],
    keyColumns: { lastModified: 't.lastmodifieddate', id: 't.id' },
    schema: transactionRow,
    ...paging,
  });
}
