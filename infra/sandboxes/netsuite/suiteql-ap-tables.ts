// The SuiteQL tables of real AP coding, kept next to the SuiteQL mirror's own tables in its SQLite
// database and rebuilt whole before a query when their records changed (they are small):
//   LocationSubsidiaryMap(location, subsidiary), ClassificationSubsidiaryMap(classification, subsidiary),
//   DepartmentSubsidiaryMap(department, subsidiary) — the subsidiaries ticked on each record;
//   customrecord_cseg_<id>(id, name, fullname, parent, isinactive, externalid, lastmodifieddate) and
//   MAP_customrecord_cseg_<id>_cseg_<id>_filterby_subsidiary(mapone = value id, maptwo = subsidiary id)
//   per custom segment;
//   salestaxitem(id, itemid, fullname, description, rate, purchaseaccount, saleaccount, subsidiary,
//   includechildren, isinactive, externalid, lastmodifieddate) — legacy tax codes.
// Sources: the map tables and the MAP_…_filterby_subsidiary shape are what public SuiteQL scripts and a
// Records Catalog dump use (several sources agree; not an Oracle page); a record whose `includechildren`
// is T is also available in the listed subsidiaries' descendants (walk subsidiary.parent), and a segment
// value without map rows is not filtered by subsidiary (this sandbox's rule). `salestaxitem` columns
// follow public scripts (id, itemid, fullname, rate, description, isinactive); its subsidiary column
// (here a `1, 2` list as on `account`), `purchaseaccount`/`saleaccount` names and the rendering of `rate`
// (here a plain number, `13`, where a real account may print `13.00%`) are UNCONFIRMED: normalise them.
// Custom columns: a custom field's column goes on `transaction` (custbody_), `transactionline`
// (custcol_) or both (cseg_). Used by suiteql-mirror.ts.
import type { DatabaseSync } from 'node:sqlite';
import { customFieldPlace } from './custom-fields.ts';
import { customSegments, segmentRecordType, subsidiaryFilterField } from './custom-segments.ts';
import { hierarchyName } from './master-data.ts';
import type { RecordType } from './record-types.ts';
import type { CustomFieldKind, FieldValue, RecordStore, StoredRecord } from './store.ts';
import { booleanField, idList, numberField, textField } from './store.ts';

type Row = Record<string, string | number | null>;

interface ApTable {
  name: string;
  columns: Array<[string, string]>;
  rows: () => Row[];
}

const watched = new Set<RecordType>([
  'location',
  'classification',
  'department',
  'customSegmentValue',
  'salesTaxItem',
]);

const bool = (value: boolean): string => (value ? 'T' : 'F');
const intOrNull = (id: string | undefined): number | null => (id === undefined ? null : Number(id));

/** The SQLite column type of a custom field. */
export function customColumnType(kind: CustomFieldKind): string {
  if (kind === 'number' || kind === 'currency') return 'REAL';
  if (kind === 'integer' || kind === 'select') return 'INTEGER';
  return 'TEXT';
}

/** A stored custom value as its column holds it (dates in the mirror's stored date shape). */
export function customColumnValue(
  kind: CustomFieldKind,
  value: FieldValue | undefined,
): string | number | null {
  if (kind === 'boolean') return bool(value === true);
  if (kind === 'date' && typeof value === 'string') return `${value}T00:00:00`;
  if (kind === 'select' && typeof value === 'string') return Number(value);
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

/** The tables a custom field's column belongs on; undefined when the mirror has no table for the type. */
export function customColumnTables(
  type: RecordType,
  fieldId: string,
  bodyTable: string | undefined,
): string[] {
  if (bodyTable === undefined) return [];
  if (bodyTable !== 'transaction') return [bodyTable];
  const place = customFieldPlace(type, fieldId);
  if (place === 'line') return ['transactionline'];
  if (place === 'both') return ['transaction', 'transactionline'];
  return ['transaction'];
}

export class SuiteqlApTables {
  private readonly db: DatabaseSync;
  private readonly store: RecordStore;
  private readonly wallTime: (iso: string) => string;
  private created: string[] = [];
  private dirty = true;

  constructor(db: DatabaseSync, store: RecordStore, wallTime: (iso: string) => string) {
    this.db = db;
    this.store = store;
    this.wallTime = wallTime;
  }

  /** A record of this type changed (or a custom field was defined: a segment may have appeared). */
  noteChange(type: RecordType | 'customField'): void {
    if (type === 'customField' || watched.has(type)) this.dirty = true;
  }

  get pending(): boolean {
    return this.dirty;
  }

  /** Drops every table (the account was emptied); they come back on the next flush. */
  reset(): void {
    for (const name of this.created) this.db.exec(`DROP TABLE IF EXISTS "${name}"`);
    this.created = [];
    this.dirty = true;
  }

  columnsOf(table: string): string[] {
    const wanted = table.toLowerCase();
    return (
      this.tables()
        .find((candidate) => candidate.name.toLowerCase() === wanted)
        ?.columns.map(([n]) => n) ?? []
    );
  }

  /** Rebuilds every table (inside the mirror's transaction). */
  flush(): void {
    if (!this.dirty) return;
    for (const name of this.created) this.db.exec(`DROP TABLE IF EXISTS "${name}"`);
    this.created = [];
    for (const table of this.tables()) {
      const columns = table.columns.map(([name, type]) => `"${name}" ${type}`).join(', ');
      this.db.exec(`CREATE TABLE "${table.name}" (${columns})`);
      this.created.push(table.name);
      const names = table.columns.map(([name]) => name);
      const insert = this.db.prepare(
        `INSERT INTO "${table.name}" (${names.map((name) => `"${name}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      );
      for (const row of table.rows()) insert.run(...names.map((name) => row[name] ?? null));
    }
    this.dirty = false;
  }

  private tables(): ApTable[] {
    const map = (name: string, type: RecordType, column: string): ApTable => ({
      name,
      columns: [
        [column, 'INTEGER'],
        ['subsidiary', 'INTEGER'],
      ],
      rows: () =>
        this.store.list(type).flatMap((record) =>
          idList(record.fields, 'subsidiary').map((subsidiary) => ({
            [column]: Number(record.id),
            subsidiary: Number(subsidiary),
          })),
        ),
    });
    const tables: ApTable[] = [
      map('LocationSubsidiaryMap', 'location', 'location'),
      map('ClassificationSubsidiaryMap', 'classification', 'classification'),
      map('DepartmentSubsidiaryMap', 'department', 'department'),
      {
        name: 'salestaxitem',
        columns: [
          ['id', 'INTEGER'],
          ['itemid', 'TEXT'],
          ['fullname', 'TEXT'],
          ['description', 'TEXT'],
          ['rate', 'REAL'],
          ['purchaseaccount', 'INTEGER'],
          ['saleaccount', 'INTEGER'],
          ['subsidiary', 'TEXT'],
          ['includechildren', 'TEXT'],
          ['isinactive', 'TEXT'],
          ['externalid', 'TEXT'],
          ['lastmodifieddate', 'TEXT'],
        ],
        rows: () =>
          this.store.list('salesTaxItem').map((record) => ({
            ...this.common(record),
            itemid: textField(record.fields, 'itemId') ?? null,
            fullname: textField(record.fields, 'itemId') ?? null,
            description: textField(record.fields, 'description') ?? null,
            rate: numberField(record.fields, 'rate') ?? null,
            purchaseaccount: intOrNull(textField(record.fields, 'purchaseAccount')),
            saleaccount: intOrNull(textField(record.fields, 'saleAccount')),
            subsidiary: idList(record.fields, 'subsidiary').join(', ') || null,
            includechildren: bool(booleanField(record.fields, 'includeChildren')),
          })),
      },
    ];
    for (const segment of customSegments(this.store).keys()) {
      const values = () =>
        this.store
          .list('customSegmentValue')
          .filter((record) => textField(record.fields, 'segment') === segment);
      tables.push(
        {
          name: segmentRecordType(segment),
          columns: [
            ['id', 'INTEGER'],
            ['name', 'TEXT'],
            ['fullname', 'TEXT'],
            ['parent', 'INTEGER'],
            ['isinactive', 'TEXT'],
            ['externalid', 'TEXT'],
            ['lastmodifieddate', 'TEXT'],
          ],
          rows: () =>
            values().map((record) => ({
              ...this.common(record),
              name: textField(record.fields, 'name') ?? null,
              fullname: hierarchyName(this.store, record, 'name'),
              parent: intOrNull(textField(record.fields, 'parent')),
            })),
        },
        {
          name: `MAP_${segmentRecordType(segment)}_${subsidiaryFilterField(segment)}`,
          columns: [
            ['mapone', 'INTEGER'],
            ['maptwo', 'INTEGER'],
          ],
          rows: () =>
            values().flatMap((record) =>
              idList(record.fields, 'subsidiary').map((subsidiary) => ({
                mapone: Number(record.id),
                maptwo: Number(subsidiary),
              })),
            ),
        },
      );
    }
    return tables;
  }

  private common(record: StoredRecord): Row {
    return {
      id: Number(record.id),
      isinactive: bool(booleanField(record.fields, 'isInactive')),
      externalid: textField(record.fields, 'externalId') ?? null,
      lastmodifieddate: this.wallTime(record.lastModifiedDate),
    };
  }
}
