// NetSuite adapter of MasterRecordReads: the current vendors, GL accounts and departments of a batch in
// one SuiteQL query per record type, each row turned into the record API's shape (GET with
// expandSubResources) so the mapping is the same whichever way a record was read. Column sources:
// netsuite.md "SuiteQL" (vendor: id, entityid, companyname, email, phone, isinactive, isperson,
// currency, subsidiary, terms, lastmodifieddate; account: id, acctnumber, accttype, isinactive, parent,
// subsidiary, issummary; department: id, name, isinactive, parent, subsidiary; BUILTIN.DF; TO_CHAR);
// vendor firstname, lastname, account accountsearchdisplaynamecopy, currency symbol as the reconcile's
// bulk reads already use them (shared/reconcile/netsuite-reads.ts); vendor altphone, mobilephone, fax,
// url and the address book tables (vendoraddressbook, vendoraddressbookentityaddress) as the NetSuite
// sandbox documents them (infra/sandboxes/netsuite/suiteql-mirror.ts, from the Records Catalog).
import { z } from 'zod';
import { type SuiteQl, suiteQlTimestamp } from '../netsuite/index.ts';
import { wallTimeToInstant } from '../netsuite-poll/account-time.ts';
import type { NetSuiteAccount, NetSuiteDepartment, NetSuiteVendor } from './netsuite-master-records.ts';
import type { MasterRecordKind, MasterRecordReads, ReadMasterRecord } from './ports.ts';

export interface NetSuiteMasterReadOptions {
  /** The IANA zone SuiteQL shows dates in (the integration user's preference); default UTC. */
  timeZone?: string;
  /** The vendor checkbox that marks vendors to sync (`custentity_…`), read with the vendors. */
  vendorSyncFlagField?: string;
}

/** NetSuite refuses IN lists of more than 1000 values (netsuite.md "SuiteQL"). */
const inListLimit = 1000;
const text = z.string().optional();
const flag = (value: string | undefined): boolean => value === 'T';
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

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
    altphone: text,
    mobilephone: text,
    fax: text,
    url: text,
    isinactive: text,
    currency: text,
    currencyname: text,
    currencysymbol: text,
    subsidiary: text,
    subsidiaryname: text,
    terms: text,
    termsname: text,
    lastmodified: z.string(),
    // One row per address book line (none: the address columns are absent).
    addressline: text,
    defaultbilling: text,
    defaultshipping: text,
    addressee: text,
    attention: text,
    addr1: text,
    addr2: text,
    addr3: text,
    city: text,
    state: text,
    zip: text,
    country: text,
    syncflag: text,
  })
  .passthrough();
export type NetSuiteVendorRow = z.infer<typeof vendorRow>;

const accountRow = z.object({
  id: z.string(),
  acctnumber: text,
  acctname: text,
  accttype: text,
  accttypename: text,
  isinactive: text,
  issummary: text,
  parent: text,
  subsidiary: text,
  lastmodified: z.string(),
});
export type NetSuiteAccountRow = z.infer<typeof accountRow>;

const departmentRow = z.object({
  id: z.string(),
  name: z.string().default(''),
  isinactive: text,
  parent: text,
  subsidiary: text,
  lastmodified: z.string(),
});
export type NetSuiteDepartmentRow = z.infer<typeof departmentRow>;

/** A wall time as the record API writes instants (`2026-11-22T10:15:30Z`, seconds precision). */
function recordInstant(wall: string, timeZone: string): string {
  return `${wallTimeToInstant(wall, timeZone).toISOString().slice(0, 19)}Z`;
}

const reference = (id: string | undefined, refName: string | undefined) =>
  id === undefined ? undefined : { id, ...(refName === undefined ? {} : { refName }) };

/** A multi-select column (`1, 2`) as the record API renders it expanded (`{items: [{id}]}`). */
function multiSelect(value: string | undefined): { items: Array<{ id: string }> } {
  const ids = (value ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return { items: ids.map((id) => ({ id })) };
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

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
  const addresses = rows
    .filter((line) => line.addressline !== undefined)
    .map((line) => ({
      defaultBilling: flag(line.defaultbilling),
      defaultShipping: flag(line.defaultshipping),
      addressBookAddress: {
        ...optional('addressee', line.addressee),
        ...optional('attention', line.attention),
        ...optional('addr1', line.addr1),
        ...optional('addr2', line.addr2),
        ...optional('addr3', line.addr3),
        ...optional('city', line.city),
        ...optional('state', line.state),
        ...optional('zip', line.zip),
        ...(line.country === undefined ? {} : { country: { id: line.country } }),
      },
    }));
  const record: NetSuiteVendor = {
    id: row.id,
    ...optional('entityId', row.entityid),
    ...optional('companyName', row.companyname),
    ...optional('firstName', row.firstname),
    ...optional('lastName', row.lastname),
    isPerson: flag(row.isperson),
    ...optional('email', row.email),
    ...optional('phone', row.phone),
    ...optional('altPhone', row.altphone),
    ...optional('mobilePhone', row.mobilephone),
    ...optional('fax', row.fax),
    ...optional('url', row.url),
    isInactive: flag(row.isinactive),
    ...optional('currency', reference(row.currency, row.currencyname)),
    ...optional('subsidiary', reference(row.subsidiary, row.subsidiaryname)),
    ...optional('terms', reference(row.terms, row.termsname)),
    lastModifiedDate: recordInstant(row.lastmodified, options.timeZone ?? 'UTC'),
    addressBook: { items: addresses },
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

export function accountFromRow(row: NetSuiteAccountRow, timeZone = 'UTC'): ReadMasterRecord<'account'> {
  const record: NetSuiteAccount = {
    id: row.id,
    ...optional('acctNumber', row.acctnumber),
    ...optional('acctName', row.acctname),
    ...optional('acctType', reference(row.accttype, row.accttypename)),
    isInactive: flag(row.isinactive),
    isSummary: flag(row.issummary),
    ...optional('parent', reference(row.parent, undefined)),
    subsidiary: multiSelect(row.subsidiary),
    lastModifiedDate: recordInstant(row.lastmodified, timeZone),
  };
  return { record };
}

export function departmentFromRow(
  row: NetSuiteDepartmentRow,
  timeZone = 'UTC',
): ReadMasterRecord<'department'> {
  const record: NetSuiteDepartment = {
    id: row.id,
    name: row.name,
    isInactive: flag(row.isinactive),
    ...optional('parent', reference(row.parent, undefined)),
    subsidiary: multiSelect(row.subsidiary),
    lastModifiedDate: recordInstant(row.lastmodified, timeZone),
  };
  return { record };
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
        vendorRow,
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
        accountRow,
      );
      for (const id of part) found.set(id, undefined);
      for await (const row of rows) found.set(row.id, accountFromRow(row, timeZone));
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
        departmentRow,
      );
      for (const id of part) found.set(id, undefined);
      for await (const row of rows) found.set(row.id, departmentFromRow(row, timeZone));
    }
    return found;
  };

  const readers = { vendor: vendors, account: accounts, department: departments };
  return {
    readMany: <K extends MasterRecordKind>(kind: K, ids: readonly string[]) =>
      readers[kind](ids) as Promise<Map<string, ReadMasterRecord<K> | undefined>>,
  };
}
