// SuiteQL rows of NetSuite vendors, GL accounts and departments, and the record API's shape (GET with
// expandSubResources) each becomes, so the mapping is the same whichever way a record was read: the one
// translation the inbound worker's batch read (netsuite-master-reads.ts) and reconciliation's bulk read
// (shared/reconcile/netsuite-reads.ts) share. SuiteQL values are strings, null columns absent, dates wall
// time in the account's time zone. Column sources: infra/contracts/facts/netsuite-reference.ts `suiteQlReference` (vendor: id, entityid,
// companyname, email, phone, isinactive, isperson, currency, subsidiary, terms, lastmodifieddate; account:
// id, acctnumber, accttype, isinactive, parent, subsidiary, issummary; department: id, name, isinactive,
// parent, subsidiary; BUILTIN.DF; TO_CHAR); vendor firstname, lastname, account
// accountsearchdisplaynamecopy, currency symbol as the reconcile's bulk reads use them; vendor altphone,
// mobilephone, fax, url and the address book tables (vendoraddressbook, vendoraddressbookentityaddress) as
// the NetSuite sandbox documents them (infra/sandboxes/netsuite/suiteql-mirror.ts, from the Records
// Catalog).
import * as z from 'zod';
import { wallTimeToInstant } from '../netsuite-poll/account-time.ts';
import type { NetSuiteAccount, NetSuiteDepartment, NetSuiteVendor } from './netsuite-master-records.ts';

const text = z.string().optional();

/** A SuiteQL checkbox (`T` / `F`) as the record API's boolean. */
export const flag = (value: unknown): boolean => value === 'T';

/** `{ key: value }`, or nothing when the column is absent. */
export const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** Every vendor column either read selects; a read that does not select one leaves it absent. */
export const vendorRowSchema = z
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
    // The configured sync-flag field: a checkbox shows T or F; whatever else it holds is not one.
    syncflag: z.unknown().optional(),
  })
  .passthrough();
export type NetSuiteVendorRow = z.infer<typeof vendorRowSchema>;

export const accountRowSchema = z.object({
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
export type NetSuiteAccountRow = z.infer<typeof accountRowSchema>;

export const departmentRowSchema = z.object({
  id: z.string(),
  name: z.string().default(''),
  isinactive: text,
  parent: text,
  subsidiary: text,
  lastmodified: z.string(),
});
export type NetSuiteDepartmentRow = z.infer<typeof departmentRowSchema>;

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

/** The row's columns that are present, each under its record API name (`names`: field → column). */
function present<Row, Field extends string>(
  row: Row,
  names: { readonly [F in Field]: keyof Row & string },
): { [F in Field]?: string } {
  const fields: { [F in Field]?: string } = {};
  for (const [field, column] of Object.entries(names) as [Field, keyof Row][]) {
    const value = row[column];
    if (typeof value === 'string') fields[field] = value;
  }
  return fields;
}

/** Text fields of the vendor read from columns of the same name in lower case. */
const vendorTextColumns = {
  entityId: 'entityid',
  companyName: 'companyname',
  firstName: 'firstname',
  lastName: 'lastname',
  email: 'email',
  phone: 'phone',
  altPhone: 'altphone',
  mobilePhone: 'mobilephone',
  fax: 'fax',
  url: 'url',
} as const;

/** The address book address's text fields (columns of the same names). */
const addressColumns = {
  addressee: 'addressee',
  attention: 'attention',
  addr1: 'addr1',
  addr2: 'addr2',
  addr3: 'addr3',
  city: 'city',
  state: 'state',
  zip: 'zip',
} as const;

/** A vendor's own columns as the record API's vendor (its address book is read with other rows). */
export function vendorRecord(row: NetSuiteVendorRow, timeZone = 'UTC'): NetSuiteVendor {
  return {
    id: row.id,
    ...present(row, vendorTextColumns),
    isPerson: flag(row.isperson),
    isInactive: flag(row.isinactive),
    ...optional('currency', reference(row.currency, row.currencyname)),
    ...optional('subsidiary', reference(row.subsidiary, row.subsidiaryname)),
    ...optional('terms', reference(row.terms, row.termsname)),
    lastModifiedDate: recordInstant(row.lastmodified, timeZone),
  };
}

/** A vendor's address book lines (one row each, in line order) as the record API's `addressBook`. */
export function vendorAddressBook(
  rows: readonly NetSuiteVendorRow[],
): NonNullable<NetSuiteVendor['addressBook']> {
  const items = rows
    .filter((line) => line.addressline !== undefined)
    .map((line) => ({
      defaultBilling: flag(line.defaultbilling),
      defaultShipping: flag(line.defaultshipping),
      addressBookAddress: {
        ...present(line, addressColumns),
        ...(line.country === undefined ? {} : { country: { id: line.country } }),
      },
    }));
  return { items };
}

export function accountRecord(row: NetSuiteAccountRow, timeZone = 'UTC'): NetSuiteAccount {
  return {
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
}

export function departmentRecord(row: NetSuiteDepartmentRow, timeZone = 'UTC'): NetSuiteDepartment {
  return {
    id: row.id,
    name: row.name,
    isInactive: flag(row.isinactive),
    ...optional('parent', reference(row.parent, undefined)),
    subsidiary: multiSelect(row.subsidiary),
    lastModifiedDate: recordInstant(row.lastmodified, timeZone),
  };
}
