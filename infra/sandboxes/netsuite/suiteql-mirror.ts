// The record store mirrored into SQLite (node:sqlite) as the SuiteQL tables apsync reads: transaction,
// transactionline, nexttransactionlinelink, vendor, vendorsubsidiaryrelationship, vendoraddressbook,
// vendoraddressbookentityaddress, account, department and the small lookup tables. Changes are queued and applied in one SQLite transaction right before the
// next query, so bulk loads of 50,000+ bills stay fast. Used by the SuiteQL engine (suiteql.ts).
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { billState } from './bills.ts';
import { hierarchyName } from './master-data.ts';
import { type RecordType, recordSpecs } from './record-types.ts';
import { refName } from './render.ts';
import type { CustomFieldKind, RecordStore, StoredLine, StoredRecord } from './store.ts';
import { booleanField, idList, linesOf, numberField, textField } from './store.ts';
import {
  customColumnTables,
  customColumnType,
  customColumnValue,
  SuiteqlApTables,
} from './suiteql-ap-tables.ts';

/**
 * Dates are stored as `YYYY-MM-DDTHH:MM:SS` (the account's wall time). No TO_CHAR format produces this
 * shape, so the engine can tell a raw date from a formatted one and render raw dates as `M/D/YYYY`.
 */
export const STORED_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

interface TableDef {
  name: string;
  columns: Array<[string, string]>;
  primaryKey?: string;
}

const T = 'TEXT';
const I = 'INTEGER';
const R = 'REAL';

const segmentColumns: Array<[string, string]> = [
  ['id', I],
  ['name', T],
  ['fullname', T],
  ['isinactive', T],
  ['parent', I],
  ['subsidiary', T],
  ['includechildren', T],
  ['externalid', T],
  ['lastmodifieddate', T],
];

export const tableDefs: TableDef[] = [
  {
    name: 'transaction',
    primaryKey: 'id',
    columns: [
      ['id', I],
      ['type', T],
      ['recordtype', T],
      ['tranid', T],
      ['trandate', T],
      ['duedate', T],
      ['entity', I],
      ['currency', I],
      ['exchangerate', R],
      ['externalid', T],
      ['lastmodifieddate', T],
      ['createddate', T],
      ['memo', T],
      ['approvalstatus', I],
      ['status', T],
      ['voided', T],
      ['posting', T],
      ['paymenthold', T],
      ['terms', I],
      ['foreigntotal', R],
      ['foreignamountpaid', R],
      ['foreignamountunpaid', R],
      ['total', R],
    ],
  },
  {
    name: 'transactionline',
    columns: [
      ['transaction', I],
      ['id', I],
      ['linesequencenumber', I],
      ['mainline', T],
      ['taxline', T],
      ['subsidiary', I],
      ['department', I],
      ['class', I],
      ['location', I],
      ['entity', I],
      ['expenseaccount', I],
      ['item', I],
      ['quantity', R],
      ['rate', R],
      ['netamount', R],
      ['foreignamount', R],
      ['memo', T],
      ['isbillable', T],
    ],
  },
  {
    name: 'nexttransactionlinelink',
    columns: [
      ['previousdoc', I],
      ['previousline', I],
      ['previoustype', T],
      ['nextdoc', I],
      ['nextline', I],
      ['nexttype', T],
      ['linktype', T],
      ['foreignamount', R],
      ['amount', R],
      ['linkdate', T],
    ],
  },
  {
    name: 'vendor',
    primaryKey: 'id',
    columns: [
      ['id', I],
      ['entityid', T],
      ['companyname', T],
      ['altname', T],
      ['firstname', T],
      ['lastname', T],
      ['legalname', T],
      ['email', T],
      ['phone', T],
      // altphone, mobilephone, fax, url, defaultbillingaddress and defaultshippingaddress (the nkey of
      // an address in vendoraddressbookentityaddress) are not in infra/contracts/facts/netsuite-reference.ts `suiteQlReference`: they follow the
      // NetSuite Records Catalog's vendor record as public SuiteQL scripts and a catalog dump show it
      // (several sources agree; not an Oracle page), like the tables of suiteql-ap-tables.ts.
      ['altphone', T],
      ['mobilephone', T],
      ['fax', T],
      ['url', T],
      ['defaultbillingaddress', I],
      ['defaultshippingaddress', I],
      ['isinactive', T],
      ['isperson', T],
      ['currency', I],
      ['subsidiary', I],
      ['terms', I],
      ['category', I],
      ['externalid', T],
      ['lastmodifieddate', T],
      ['datecreated', T],
    ],
  },
  // A vendor's address book (the record API's `addressBook` sublist): one row per line, its address in
  // vendoraddressbookentityaddress by `nkey`. Same sources as the vendor columns above (the Records
  // Catalog's VendorAddressbook and VendorAddressbookEntityAddress; customer and employee have the
  // same pair). This sandbox's nkeys are vendor id × 1000 + line number: unique, not NetSuite's.
  {
    name: 'vendoraddressbook',
    columns: [
      ['entity', I],
      ['id', I],
      ['label', T],
      ['defaultbilling', T],
      ['defaultshipping', T],
      ['addressbookaddress', I],
    ],
  },
  {
    name: 'vendoraddressbookentityaddress',
    primaryKey: 'nkey',
    columns: [
      ['nkey', I],
      ['addressee', T],
      ['attention', T],
      ['addr1', T],
      ['addr2', T],
      ['addr3', T],
      ['city', T],
      ['state', T],
      ['zip', T],
      ['country', T],
      ['addrphone', T],
    ],
  },
  {
    name: 'vendorsubsidiaryrelationship',
    columns: [
      ['entity', I],
      ['subsidiary', I],
      ['isprimarysub', T],
      ['currency', I],
    ],
  },
  {
    name: 'account',
    primaryKey: 'id',
    columns: [
      ['id', I],
      ['acctnumber', T],
      ['accttype', T],
      ['accountsearchdisplayname', T],
      ['accountsearchdisplaynamecopy', T],
      ['displaynamewithhierarchy', T],
      ['fullname', T],
      ['description', T],
      ['isinactive', T],
      ['issummary', T],
      ['parent', I],
      ['currency', I],
      ['subsidiary', T],
      ['includechildren', T],
      ['externalid', T],
      ['lastmodifieddate', T],
    ],
  },
  { name: 'department', primaryKey: 'id', columns: segmentColumns },
  { name: 'classification', primaryKey: 'id', columns: segmentColumns },
  { name: 'location', primaryKey: 'id', columns: segmentColumns },
  {
    name: 'subsidiary',
    primaryKey: 'id',
    columns: [
      ['id', I],
      ['name', T],
      ['fullname', T],
      ['legalname', T],
      ['parent', I],
      ['currency', I],
      ['country', T],
      ['isinactive', T],
      ['iselimination', T],
      ['externalid', T],
      ['lastmodifieddate', T],
    ],
  },
  {
    name: 'currency',
    primaryKey: 'id',
    columns: [
      ['id', I],
      ['name', T],
      ['symbol', T],
      ['displaysymbol', T],
      ['isbasecurrency', T],
      ['exchangerate', R],
      ['currencyprecision', I],
      ['isinactive', T],
      ['externalid', T],
      ['lastmodifieddate', T],
    ],
  },
  {
    name: 'term',
    primaryKey: 'id',
    columns: [
      ['id', I],
      ['name', T],
      ['daysuntilnetdue', I],
      ['isinactive', T],
      ['externalid', T],
      ['lastmodifieddate', T],
    ],
  },
];

/** Small tables are rebuilt whole on change (their names depend on their parents). */
const wholeTables: Partial<Record<RecordType, string>> = {
  subsidiary: 'subsidiary',
  currency: 'currency',
  term: 'term',
  account: 'account',
  department: 'department',
  classification: 'classification',
  location: 'location',
};

/** Which table carries a record type's custom (body) fields; types absent here are not mirrored. */
const customTable: Partial<Record<RecordType, string>> = {
  ...wholeTables,
  vendor: 'vendor',
  vendorBill: 'transaction',
  vendorPayment: 'transaction',
};

type Row = Record<string, string | number | null>;
type SqlValue = string | number | null;

const bool = (value: boolean): string => (value ? 'T' : 'F');
const money = (cents: number | undefined): number | null => (cents === undefined ? null : cents / 100);
const intOrNull = (id: string | undefined): number | null => (id === undefined ? null : Number(id));
const dateOnly = (date: string | undefined): string | null =>
  date === undefined ? null : `${date}T00:00:00`;

export class SuiteqlMirror {
  readonly db: DatabaseSync;
  private readonly store: RecordStore;
  private readonly timeZone: string;
  private pending = new Map<string, { type: RecordType; id: string }>();
  private dirtyTables = new Set<string>();
  private insertStatements = new Map<string, { statement: StatementSync; columns: string[] }>();
  private customColumns = new Map<string, Map<string, CustomFieldKind>>();
  /** Subsidiary maps, custom segment and tax code tables (suiteql-ap-tables.ts). */
  private readonly apTables: SuiteqlApTables;
  private wallClock: Intl.DateTimeFormat;
  /** Bumped on every change; the engine's result cache is keyed by it. */
  version = 0;

  constructor(store: RecordStore, options: { timeZone?: string } = {}) {
    this.store = store;
    this.timeZone = options.timeZone ?? 'UTC';
    this.wallClock = new Intl.DateTimeFormat('en-CA', {
      timeZone: this.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    this.db = new DatabaseSync(':memory:');
    // Oracle's LIKE is case-sensitive; SQLite's is not unless told.
    this.db.exec('PRAGMA case_sensitive_like = ON');
    this.createTables();
    this.apTables = new SuiteqlApTables(this.db, store, (iso) => this.wallTime(iso));
    store.onChange((change) => {
      this.version += 1;
      this.apTables.noteChange(change.type);
      if (change.type === 'vendorSubsidiaryRelationship') {
        // Its rows belong to the vendor's (vendorsubsidiaryrelationship): mirror the vendor again.
        for (const version of [change.before, change.after]) {
          const entity = version === undefined ? undefined : textField(version.fields, 'entity');
          if (entity !== undefined) this.pending.set(`vendor:${entity}`, { type: 'vendor', id: entity });
        }
        return;
      }
      const whole = wholeTables[change.type];
      if (whole !== undefined) this.dirtyTables.add(whole);
      else this.pending.set(`${change.type}:${change.id}`, { type: change.type, id: change.id });
    });
    store.onCustomField((type, fieldId, kind) => {
      this.version += 1;
      this.apTables.noteChange('customField');
      for (const table of customColumnTables(type, fieldId, customTable[type]))
        this.addCustomColumn(table, fieldId, kind);
      const whole = wholeTables[type];
      if (whole !== undefined) this.dirtyTables.add(whole);
      else
        for (const record of store.list(type))
          this.pending.set(`${type}:${record.id}`, { type, id: record.id });
    });
    store.onReset(() => {
      this.version += 1;
      this.pending.clear();
      this.dirtyTables.clear();
      this.db.exec(tableDefs.map((table) => `DROP TABLE IF EXISTS "${table.name}";`).join('\n'));
      this.insertStatements.clear();
      this.customColumns.clear();
      this.apTables.reset();
      this.createTables();
    });
  }

  close(): void {
    this.db.close();
  }

  /** Tables and their columns (custom fields included), for error messages and BUILTIN.DF. */
  columnsOf(table: string): string[] {
    const def = tableDefs.find((candidate) => candidate.name === table);
    if (def === undefined) return this.apTables.columnsOf(table);
    return [...def.columns.map(([name]) => name), ...(this.customColumns.get(table)?.keys() ?? [])];
  }

  /** Applies every queued change in one transaction. */
  flush(): void {
    if (this.pending.size === 0 && this.dirtyTables.size === 0 && !this.apTables.pending) return;
    this.db.exec('BEGIN');
    try {
      this.apTables.flush();
      for (const table of this.dirtyTables) this.rebuildTable(table);
      this.dirtyTables.clear();
      const deleteStatements = this.deleteStatements();
      for (const { type, id } of this.pending.values()) {
        const record = this.store.get(type, id);
        this.mirrorRecord(type, id, record, deleteStatements);
      }
      this.pending.clear();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * `2026-11-22T10:15:30Z` as the account's wall time in the stored shape. NetSuite stores datetimes in
   * UTC and shows them in the user's preference time zone (Oracle NetSuite Help, Time Zone Management,
   * article_0122025133); `timeZone` plays the integration user's preference, while the record API keeps
   * answering in UTC (render.ts).
   */
  wallTime(iso: string): string {
    if (this.timeZone === 'UTC') return iso.slice(0, 19);
    const parts = Object.fromEntries(
      this.wallClock.formatToParts(new Date(iso)).map((part) => [part.type, part.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  }

  private createTables(): void {
    for (const table of tableDefs) {
      const columns = table.columns.map(
        ([name, type]) => `"${name}" ${type}${table.primaryKey === name ? ' PRIMARY KEY' : ''}`,
      );
      this.db.exec(`CREATE TABLE "${table.name}" (${columns.join(', ')})`);
    }
    this.db.exec(`
      CREATE INDEX transactionline_transaction ON transactionline("transaction");
      CREATE INDEX link_next ON nexttransactionlinelink(nextdoc);
      CREATE INDEX link_previous ON nexttransactionlinelink(previousdoc);
      CREATE INDEX vsr_entity ON vendorsubsidiaryrelationship(entity);
      CREATE INDEX vab_entity ON vendoraddressbook(entity);
      CREATE INDEX transaction_lastmodified ON "transaction"(lastmodifieddate);
    `);
    for (const table of Object.values(wholeTables)) this.dirtyTables.add(table);
  }

  private addCustomColumn(table: string, fieldId: string, kind: CustomFieldKind): void {
    let columns = this.customColumns.get(table);
    if (columns === undefined) {
      columns = new Map();
      this.customColumns.set(table, columns);
    }
    if (columns.has(fieldId)) return;
    columns.set(fieldId, kind);
    this.db.exec(`ALTER TABLE "${table}" ADD COLUMN "${fieldId}" ${customColumnType(kind)}`);
    this.insertStatements.delete(table);
  }

  private insert(table: string, row: Row): void {
    let prepared = this.insertStatements.get(table);
    if (prepared === undefined) {
      const columns = this.columnsOf(table);
      const statement = this.db.prepare(
        `INSERT INTO "${table}" (${columns.map((name) => `"${name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      prepared = { statement, columns };
      this.insertStatements.set(table, prepared);
    }
    const values: SqlValue[] = new Array(prepared.columns.length);
    for (let index = 0; index < prepared.columns.length; index++)
      values[index] = row[prepared.columns[index]!] ?? null;
    prepared.statement.run(...values);
  }

  private deleteStatements(): Record<string, StatementSync> {
    return {
      transaction: this.db.prepare('DELETE FROM "transaction" WHERE id = ?'),
      transactionline: this.db.prepare('DELETE FROM transactionline WHERE "transaction" = ?'),
      links: this.db.prepare('DELETE FROM nexttransactionlinelink WHERE nextdoc = ?'),
      vendor: this.db.prepare('DELETE FROM vendor WHERE id = ?'),
      relationship: this.db.prepare('DELETE FROM vendorsubsidiaryrelationship WHERE entity = ?'),
      addresses: this.db.prepare(
        'DELETE FROM vendoraddressbookentityaddress WHERE nkey IN (SELECT addressbookaddress FROM vendoraddressbook WHERE entity = ?)',
      ),
      addressBook: this.db.prepare('DELETE FROM vendoraddressbook WHERE entity = ?'),
    };
  }

  private customValues(record: StoredRecord, row: Row, table = customTable[record.type]): void {
    for (const [fieldId, kind] of this.store.customFields(record.type)) {
      if (!customColumnTables(record.type, fieldId, customTable[record.type]).includes(table ?? '')) continue;
      row[fieldId] = customColumnValue(kind, record.fields[fieldId]);
    }
  }

  /** A transaction line's custom (custcol_, cseg_) values. */
  private lineCustomValues(record: StoredRecord, line: StoredLine, row: Row): void {
    this.customValues({ ...record, fields: line }, row, 'transactionline');
  }

  private mirrorRecord(
    type: RecordType,
    id: string,
    record: StoredRecord | undefined,
    statements: Record<string, StatementSync>,
  ): void {
    const key = Number(id);
    if (type === 'vendor') {
      statements.vendor!.run(key);
      statements.relationship!.run(key);
      statements.addresses!.run(key);
      statements.addressBook!.run(key);
      if (record !== undefined) this.insertVendor(record);
      return;
    }
    if (type !== 'vendorBill' && type !== 'vendorPayment') return;
    statements.transaction!.run(key);
    statements.transactionline!.run(key);
    if (type === 'vendorPayment') statements.links!.run(key);
    if (record === undefined) return;
    if (type === 'vendorBill') this.insertBill(record);
    if (type === 'vendorPayment') this.insertPayment(record);
  }

  private insertVendor(record: StoredRecord): void {
    const f = record.fields;
    const addressBook = linesOf(f, 'addressBook').map((line, index) => ({
      line,
      nkey: Number(record.id) * 1000 + index + 1,
    }));
    const defaultAddress = (flag: string): number | null =>
      addressBook.find(({ line }) => line[flag] === true)?.nkey ?? null;
    const row: Row = {
      id: Number(record.id),
      entityid: textField(f, 'entityId') ?? null,
      companyname: textField(f, 'companyName') ?? null,
      altname:
        textField(f, 'companyName') ??
        ([textField(f, 'firstName'), textField(f, 'lastName')].filter(Boolean).join(' ') || null),
      firstname: textField(f, 'firstName') ?? null,
      lastname: textField(f, 'lastName') ?? null,
      legalname: textField(f, 'legalName') ?? null,
      email: textField(f, 'email') ?? null,
      phone: textField(f, 'phone') ?? null,
      altphone: textField(f, 'altPhone') ?? null,
      mobilephone: textField(f, 'mobilePhone') ?? null,
      fax: textField(f, 'fax') ?? null,
      url: textField(f, 'url') ?? null,
      defaultbillingaddress: defaultAddress('defaultBilling'),
      defaultshippingaddress: defaultAddress('defaultShipping'),
      isinactive: bool(booleanField(f, 'isInactive')),
      isperson: bool(booleanField(f, 'isPerson')),
      currency: intOrNull(textField(f, 'currency')),
      subsidiary: intOrNull(textField(f, 'subsidiary')),
      terms: intOrNull(textField(f, 'terms')),
      externalid: textField(f, 'externalId') ?? null,
      lastmodifieddate: this.wallTime(record.lastModifiedDate),
      datecreated: this.wallTime(record.createdDate),
    };
    this.customValues(record, row);
    this.insert('vendor', row);
    for (const [index, { line, nkey }] of addressBook.entries()) {
      this.insert('vendoraddressbook', {
        entity: Number(record.id),
        id: index + 1,
        label: textField(line, 'label') ?? null,
        defaultbilling: bool(line.defaultBilling === true),
        defaultshipping: bool(line.defaultShipping === true),
        addressbookaddress: nkey,
      });
      const address = line.addressBookAddress;
      const part = (name: string): string | null =>
        typeof address === 'object' && address !== null && !Array.isArray(address)
          ? ((address as Record<string, string>)[name] ?? null)
          : null;
      this.insert('vendoraddressbookentityaddress', {
        nkey,
        addressee: part('addressee'),
        attention: part('attention'),
        addr1: part('addr1'),
        addr2: part('addr2'),
        addr3: part('addr3'),
        city: part('city'),
        state: part('state'),
        zip: part('zip'),
        country: part('country'),
        addrphone: part('addrPhone'),
      });
    }
    const subsidiary = textField(f, 'subsidiary');
    if (subsidiary !== undefined) {
      this.insert('vendorsubsidiaryrelationship', {
        entity: Number(record.id),
        subsidiary: Number(subsidiary),
        isprimarysub: 'T',
        currency: intOrNull(textField(f, 'currency')),
      });
    }
    for (const relationship of this.store.list('vendorSubsidiaryRelationship')) {
      if (textField(relationship.fields, 'entity') !== record.id) continue;
      this.insert('vendorsubsidiaryrelationship', {
        entity: Number(record.id),
        subsidiary: intOrNull(textField(relationship.fields, 'subsidiary')),
        isprimarysub: 'F',
        currency: intOrNull(textField(f, 'currency')),
      });
    }
  }

  private transactionRow(record: StoredRecord, totalCents: number): Row {
    const f = record.fields;
    const rate = numberField(f, 'exchangeRate') ?? 1;
    const spec = recordSpecs[record.type];
    const row: Row = {
      id: Number(record.id),
      type: spec.transactionType ?? null,
      recordtype: record.type.toLowerCase(),
      tranid: textField(f, 'tranId') ?? null,
      trandate: dateOnly(textField(f, 'tranDate')),
      entity: intOrNull(textField(f, 'entity')),
      currency: intOrNull(textField(f, 'currency')),
      exchangerate: rate,
      externalid: textField(f, 'externalId') ?? null,
      lastmodifieddate: this.wallTime(record.lastModifiedDate),
      createddate: this.wallTime(record.createdDate),
      memo: textField(f, 'memo') ?? null,
      // A voided Bill Payment keeps its row (payments.ts `voidPayment`).
      voided: record.type === 'vendorPayment' && f.status === 'V' ? 'T' : 'F',
      posting: 'T',
      foreigntotal: -totalCents / 100,
      total: Math.round(-totalCents * rate) / 100,
    };
    this.customValues(record, row);
    return row;
  }

  private insertBill(bill: StoredRecord): void {
    const f = bill.fields;
    const state = billState(this.store, bill);
    const rate = numberField(f, 'exchangeRate') ?? 1;
    const row = this.transactionRow(bill, state.totalCents);
    row.duedate = dateOnly(textField(f, 'dueDate'));
    row.approvalstatus = intOrNull(textField(f, 'approvalStatus'));
    row.status = state.status;
    row.paymenthold = bool(booleanField(f, 'paymentHold'));
    row.terms = intOrNull(textField(f, 'terms'));
    row.foreignamountpaid = money(state.paidCents);
    row.foreignamountunpaid = money(state.unpaidCents);
    row.posting = state.status === 'D' || state.status === 'E' ? 'F' : 'T';
    this.insert('transaction', row);
    const subsidiary = intOrNull(textField(f, 'subsidiary'));
    const entity = intOrNull(textField(f, 'entity'));
    this.insertMainLine(bill, state.totalCents, rate, {
      class: intOrNull(textField(f, 'class')),
      location: intOrNull(textField(f, 'location')),
    });
    let lineId = 0;
    for (const sublist of ['expense', 'item'] as const) {
      for (const line of linesOf(f, sublist)) {
        lineId += 1;
        const cents = numberField(line, 'amount') ?? 0;
        const lineRow: Row = {
          transaction: Number(bill.id),
          id: lineId,
          linesequencenumber: lineId,
          mainline: 'F',
          taxline: 'F',
          subsidiary,
          department: intOrNull(textField(line, 'department')),
          class: intOrNull(textField(line, 'class')),
          location: intOrNull(textField(line, 'location')),
          entity,
          expenseaccount: sublist === 'expense' ? intOrNull(textField(line, 'account')) : null,
          item:
            sublist === 'item' && /^\d+$/.test(textField(line, 'item') ?? '')
              ? Number(textField(line, 'item'))
              : null,
          quantity: sublist === 'item' ? (numberField(line, 'quantity') ?? null) : null,
          rate: sublist === 'item' ? (numberField(line, 'rate') ?? null) : null,
          netamount: Math.round(cents * rate) / 100,
          foreignamount: cents / 100,
          memo: textField(line, 'memo') ?? textField(line, 'description') ?? null,
          isbillable: bool(booleanField(line, 'isBillable')),
        };
        this.lineCustomValues(bill, line, lineRow);
        this.insert('transactionline', lineRow);
      }
    }
  }

  /**
   * A transaction's main line (line 0): the body's subsidiary, department, entity and memo, the total
   * negated; `extra` adds body fields the type has on its main line (a bill's class and location).
   */
  private insertMainLine(record: StoredRecord, totalCents: number, rate: number, extra: Row = {}): void {
    const f = record.fields;
    this.insert('transactionline', {
      transaction: Number(record.id),
      id: 0,
      linesequencenumber: 0,
      mainline: 'T',
      taxline: 'F',
      subsidiary: intOrNull(textField(f, 'subsidiary')),
      department: intOrNull(textField(f, 'department')),
      entity: intOrNull(textField(f, 'entity')),
      netamount: Math.round(-totalCents * rate) / 100,
      foreignamount: -totalCents / 100,
      memo: textField(f, 'memo') ?? null,
      isbillable: 'F',
      ...extra,
    });
  }

  private insertPayment(payment: StoredRecord): void {
    const f = payment.fields;
    const totalCents = numberField(f, 'total') ?? 0;
    const rate = numberField(f, 'exchangeRate') ?? 1;
    const row = this.transactionRow(payment, totalCents);
    row.status = textField(f, 'status') ?? null;
    this.insert('transaction', row);
    const subsidiary = intOrNull(textField(f, 'subsidiary'));
    const entity = intOrNull(textField(f, 'entity'));
    this.insertMainLine(payment, totalCents, rate);
    for (const line of linesOf(f, 'apply')) {
      if (line.apply !== true) continue;
      const lineId = numberField(line, 'line') ?? 0;
      const cents = numberField(line, 'amount') ?? 0;
      this.insert('transactionline', {
        transaction: Number(payment.id),
        id: lineId,
        linesequencenumber: lineId,
        mainline: 'F',
        taxline: 'F',
        subsidiary,
        entity,
        expenseaccount: intOrNull(textField(f, 'apAcct')),
        netamount: Math.round(cents * rate) / 100,
        foreignamount: cents / 100,
        isbillable: 'F',
      });
      this.insert('nexttransactionlinelink', {
        previousdoc: intOrNull(textField(line, 'doc')),
        previousline: 0,
        previoustype: 'VendBill',
        nextdoc: Number(payment.id),
        nextline: lineId,
        nexttype: 'VendPymt',
        linktype: 'Payment',
        foreignamount: cents / 100,
        amount: Math.round(cents * rate) / 100,
        linkdate: dateOnly(textField(f, 'tranDate')),
      });
    }
  }

  private rebuildTable(table: string): void {
    this.db.exec(`DELETE FROM "${table}"`);
    const type = table as RecordType;
    for (const record of this.store.list(type)) {
      const f = record.fields;
      const common: Row = {
        id: Number(record.id),
        isinactive: bool(booleanField(f, 'isInactive')),
        externalid: textField(f, 'externalId') ?? null,
        lastmodifieddate: this.wallTime(record.lastModifiedDate),
      };
      let row: Row;
      switch (type) {
        case 'account': {
          const number = textField(f, 'acctNumber');
          const name = textField(f, 'acctName') ?? '';
          const full = hierarchyName(this.store, record, 'acctName');
          row = {
            ...common,
            acctnumber: number ?? null,
            accttype: textField(f, 'acctType') ?? null,
            accountsearchdisplayname: number ? `${number} ${name}` : name,
            accountsearchdisplaynamecopy: name,
            displaynamewithhierarchy: refName(this.store, 'account', record.id) ?? full,
            fullname: full,
            description: textField(f, 'description') ?? null,
            issummary: bool(booleanField(f, 'isSummary')),
            parent: intOrNull(textField(f, 'parent')),
            currency: intOrNull(textField(f, 'currency')),
            subsidiary: idList(f, 'subsidiary').join(', ') || null,
            includechildren: bool(booleanField(f, 'includeChildren')),
          };
          break;
        }
        case 'department':
        case 'classification':
        case 'location':
          row = {
            ...common,
            name: textField(f, 'name') ?? null,
            fullname: hierarchyName(this.store, record, 'name'),
            parent: intOrNull(textField(f, 'parent')),
            subsidiary: idList(f, 'subsidiary').join(', ') || null,
            includechildren: bool(booleanField(f, 'includeChildren')),
          };
          break;
        case 'subsidiary':
          row = {
            ...common,
            name: textField(f, 'name') ?? null,
            fullname: hierarchyName(this.store, record, 'name'),
            legalname: textField(f, 'legalName') ?? null,
            parent: intOrNull(textField(f, 'parent')),
            currency: intOrNull(textField(f, 'currency')),
            country: textField(f, 'country') ?? null,
            iselimination: 'F',
          };
          break;
        case 'currency':
          row = {
            ...common,
            name: textField(f, 'name') ?? null,
            symbol: textField(f, 'symbol') ?? null,
            displaysymbol: textField(f, 'displaySymbol') ?? null,
            isbasecurrency: bool(booleanField(f, 'isBaseCurrency')),
            exchangerate: numberField(f, 'exchangeRate') ?? 1,
            currencyprecision: numberField(f, 'currencyPrecision') ?? 2,
          };
          break;
        case 'term':
          row = {
            ...common,
            name: textField(f, 'name') ?? null,
            daysuntilnetdue: numberField(f, 'daysUntilNetDue') ?? 0,
          };
          break;
        default:
          continue;
      }
      this.customValues(record, row);
      this.insert(table, row);
    }
  }
}
