// NetSuite adapter of MasterRecordReads: the current vendors, GL accounts and departments of a batch in
// one SuiteQL query per record type, each row turned into the record API's shape (GET with
// expandSubResources) by netsuite-master-rows.ts, so the mapping is the same whichever way a record was
// read.
import { type SuiteQl, suiteQlTimestamp } from '../netsuite/index.ts';
import type { NetSuiteVendor } from './netsuite-master-records.ts';
import {
  accountRecord,
  accountRowSchema,
  departmentRecord,
  departmentRowSchema,
  flag,
  type NetSuiteVendorRow,
  optional,
  vendorAddressBook,
  vendorRecord,
  vendorRowSchema,
} from './netsuite-master-rows.ts';
import type { MasterRecordKind, MasterRecordReads, ReadMasterRecord } from './ports.ts';

export interface NetSuiteMasterReadOptions {
  /** The IANA zone SuiteQL shows dates in (the integration user's preference); default UTC. */
  timeZone?: string;
  /** The vendor checkbox that marks vendors to sync (`custentity_…`), read with the vendors. */
  vendorSyncFlagField?: string;
}

/** NetSuite refuses IN lists of more than 1000 values (netsuite-reference.ts `suiteQlReference`). */
const inListLimit = 1000;
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/**
 * A vendor's rows (one per address book line, in line order) as the record API's vendor. Undefined when
 * the rows cannot say what the record API would (the sync-flag column holds no checkbox value): that
 * vendor is read alone.
 */
export function vendorFromRows(
  rows: readonly NetSuiteVendorRow[],
  options: NetSuiteMasterReadOptions = {},
): ReadMasterRecord<'vendor'> | undefined {
  const row = rows[0];
  if (row === undefined) return undefined;
  const record: NetSuiteVendor = {
    ...vendorRecord(row, options.timeZone),
    addressBook: vendorAddressBook(rows),
  };
  const field = options.vendorSyncFlagField;
  if (field !== undefined) {
    // A checkbox is T or F in SuiteQL; anything else (an empty text field, a text) is left to the
    // record API, whose answer says why the field cannot serve as the sync flag.
    if (row.syncflag !== 'T' && row.syncflag !== 'F') return undefined;
    (record as Record<string, unknown>)[field] = flag(row.syncflag);
  }
  return { record, ...optional('currencyCode', row.currencysymbol) };
}

/** Internal ids only (a notice's id is checked by the inbound schema; this keeps SQL params honest). */
const internalIds = (ids: readonly string[]) => [...new Set(ids)].filter((id) => /^\d+$/.test(id));

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

export function createNetSuiteMasterReads(
  suiteQl: SuiteQl,
  options: NetSuiteMasterReadOptions = {},
): MasterRecordReads {
  const timeZone = options.timeZone ?? 'UTC';
  const flagField = options.vendorSyncFlagField;
  const flagColumn = flagField !== undefined && /^custentity_[a-z0-9_]+$/.test(flagField);

  const vendors = async (ids: readonly string[]) => {
    const found = new Map<string, ReadMasterRecord<'vendor'> | undefined>();
    // A sync flag that is no custentity_ field id is never put in a query: those vendors are read alone.
    if (flagField !== undefined && !flagColumn) return found;
    for (const part of chunks(internalIds(ids), inListLimit)) {
      const rows = suiteQl.query(
        'SELECT v.id, v.entityid, v.companyname, v.firstname, v.lastname, v.isperson, v.email, v.phone, ' +
          'v.altphone, v.mobilephone, v.fax, v.url, v.isinactive, v.currency, ' +
          'BUILTIN.DF(v.currency) AS currencyname, c.symbol AS currencysymbol, v.subsidiary, ' +
          'BUILTIN.DF(v.subsidiary) AS subsidiaryname, v.terms, BUILTIN.DF(v.terms) AS termsname, ' +
          `${suiteQlTimestamp('v.lastmodifieddate')} AS lastmodified, ab.id AS addressline, ` +
          'ab.defaultbilling, ab.defaultshipping, ea.addressee, ea.attention, ea.addr1, ea.addr2, ' +
          'ea.addr3, ea.city, ea.state, ea.zip, ea.country' +
          // A field id checked above, never user text in the query.
          (flagField === undefined ? '' : `, v.${flagField} AS syncflag`) +
          ' FROM vendor v LEFT JOIN currency c ON c.id = v.currency ' +
          'LEFT JOIN vendoraddressbook ab ON ab.entity = v.id ' +
          'LEFT JOIN vendoraddressbookentityaddress ea ON ea.nkey = ab.addressbookaddress ' +
          `WHERE v.id IN (${placeholders(part.length)}) ORDER BY v.id, ab.id`,
        part,
        vendorRowSchema,
      );
      const byVendor = new Map<string, NetSuiteVendorRow[]>();
      for await (const row of rows) byVendor.set(row.id, [...(byVendor.get(row.id) ?? []), row]);
      for (const id of part) {
        const vendorRows = byVendor.get(id);
        if (vendorRows === undefined) found.set(id, undefined);
        else {
          const read = vendorFromRows(vendorRows, options);
          if (read !== undefined) found.set(id, read);
        }
      }
    }
    return found;
  };

  const accounts = async (ids: readonly string[]) => {
    const found = new Map<string, ReadMasterRecord<'account'> | undefined>();
    for (const part of chunks(internalIds(ids), inListLimit)) {
      const rows = suiteQl.query(
        'SELECT id, acctnumber, accountsearchdisplaynamecopy AS acctname, accttype, ' +
          'BUILTIN.DF(accttype) AS accttypename, isinactive, issummary, parent, subsidiary, ' +
          `${suiteQlTimestamp('lastmodifieddate')} AS lastmodified FROM account ` +
          `WHERE id IN (${placeholders(part.length)})`,
        part,
        accountRowSchema,
      );
      for (const id of part) found.set(id, undefined);
      for await (const row of rows) found.set(row.id, { record: accountRecord(row, timeZone) });
    }
    return found;
  };

  const departments = async (ids: readonly string[]) => {
    const found = new Map<string, ReadMasterRecord<'department'> | undefined>();
    for (const part of chunks(internalIds(ids), inListLimit)) {
      const rows = suiteQl.query(
        `SELECT id, name, isinactive, parent, subsidiary, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified ` +
          `FROM department WHERE id IN (${placeholders(part.length)})`,
        part,
        departmentRowSchema,
      );
      for (const id of part) found.set(id, undefined);
      for await (const row of rows) found.set(row.id, { record: departmentRecord(row, timeZone) });
    }
    return found;
  };

  const readers = { vendor: vendors, account: accounts, department: departments };
  return {
    readMany: <K extends MasterRecordKind>(kind: K, ids: readonly string[]) =>
      readers[kind](ids) as Promise<Map<string, ReadMasterRecord<K> | undefined>>,
  };
}
