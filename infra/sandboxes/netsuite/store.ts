// The NetSuite sandbox's records in memory: internal ids per record group, the case-insensitive
// external-id index, custom field definitions, and which vendor payments pay which bills. The REST
// handlers, the admin API and the demo generators write here; the SuiteQL mirror follows every change.
import type { RecordType } from './record-types.ts';
import { recordGroup, recordTypes } from './record-types.ts';

export interface StoredLine {
  [field: string]: FieldValue;
}
export type AddressValue = { [field: string]: string };
/**
 * Stored field values: text, booleans, numbers, integer cents for money, `YYYY-MM-DD` dates, reference
 * ids (strings), enum ids (strings), id lists (multi-selects), sublist lines, address subrecords.
 */
export type FieldValue = string | number | boolean | string[] | StoredLine[] | AddressValue | null;

export interface StoredRecord {
  type: RecordType;
  id: string;
  fields: Record<string, FieldValue>;
  /** ISO 8601, seconds precision (`2026-11-22T10:15:30Z`). */
  createdDate: string;
  lastModifiedDate: string;
}

/**
 * Custom field types (Oracle SDF generic_customfield_fieldtype): `text` free-form text, `boolean` check
 * box, `number` decimal number, `integer`, `currency`, `date` (`YYYY-MM-DD`), `select` list/record.
 */
export const customFieldKinds = [
  'boolean',
  'text',
  'number',
  'integer',
  'currency',
  'date',
  'select',
] as const;
export type CustomFieldKind = (typeof customFieldKinds)[number];

/** A custom field as the account defines it (Customization > Lists, Records, & Fields). */
export interface CustomFieldDefinition {
  kind: CustomFieldKind;
  /** Shown in errors ("Please enter value(s) for: <label>") and in the metadata; default the field id. */
  label?: string;
  /** Body fields only: a save without a value is refused. */
  mandatory?: boolean;
  /** Set on create when the body leaves the field out (NetSuite's "Default Value"). */
  defaultValue?: string | number | boolean;
  /** `select`: the record type its values are drawn from. */
  selectRecordType?: RecordType;
  /** A custom segment's field (`cseg_<id>`): values are that segment's `customSegmentValue` records. */
  segment?: string;
}

export interface RecordChange {
  type: RecordType;
  id: string;
  /** Undefined when the record was deleted. */
  after: StoredRecord | undefined;
  before: StoredRecord | undefined;
}

export type ChangeListener = (change: RecordChange) => void;

/** Everything the store holds, as plain values (the sandbox's snapshot file in local mode). */
export interface RecordStoreSnapshot {
  /** By record type, then ascending internal id. */
  records: StoredRecord[];
  /** Last internal id allocated per record group. */
  counters: Record<string, number>;
  customFields: Array<{ type: RecordType; fieldId: string } & CustomFieldDefinition>;
}

/** ISO 8601 at seconds precision, the way NetSuite shows `lastModifiedDate`. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export class RecordStore {
  private records = new Map<RecordType, Map<string, StoredRecord>>();
  private externalIds = new Map<string, Map<string, { type: RecordType; id: string }>>();
  private counters = new Map<string, number>();
  private custom = new Map<RecordType, Map<string, CustomFieldDefinition>>();
  /** bill id -> (payment id -> applied cents). */
  private applications = new Map<string, Map<string, number>>();
  private listeners: ChangeListener[] = [];
  private resetListeners: Array<() => void> = [];
  private customListeners: Array<(type: RecordType, fieldId: string, kind: CustomFieldKind) => void> = [];
  private readonly clock: () => Date;

  constructor(clock: () => Date = () => new Date()) {
    this.clock = clock;
    this.reset();
  }

  now(): string {
    return isoSeconds(this.clock());
  }

  today(): string {
    return this.clock().toISOString().slice(0, 10);
  }

  /** Forgets every record and custom field (listeners stay). */
  reset(): void {
    for (const type of recordTypes) this.records.set(type, new Map());
    this.externalIds.clear();
    this.counters.clear();
    this.applications.clear();
    this.custom.clear();
    for (const listener of this.resetListeners) listener();
  }

  snapshot(): RecordStoreSnapshot {
    return { records: recordTypes.flatMap((type) => this.list(type)), ...this.definitions() };
  }

  /** The snapshot without its records: id counters and custom fields (a journal entry's small parts). */
  definitions(): Omit<RecordStoreSnapshot, 'records'> {
    const customFields: RecordStoreSnapshot['customFields'] = [];
    for (const [type, fields] of this.custom) {
      for (const [fieldId, definition] of fields) customFields.push({ type, fieldId, ...definition });
    }
    return { counters: Object.fromEntries(this.counters), customFields };
  }

  /**
   * Replaces the contents with a snapshot's. Listeners hear a reset, the custom fields and every record,
   * so the SuiteQL mirror rebuilds itself from them.
   */
  restore(snapshot: RecordStoreSnapshot): void {
    this.reset();
    for (const { type, fieldId, ...definition } of snapshot.customFields)
      this.defineCustomField(type, fieldId, definition);
    for (const record of snapshot.records) this.save(record);
    for (const [group, last] of Object.entries(snapshot.counters)) this.counters.set(group, last);
  }

  /** Called after `reset` (the SuiteQL mirror starts over). */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  onCustomField(listener: (type: RecordType, fieldId: string, kind: CustomFieldKind) => void): void {
    this.customListeners.push(listener);
  }

  get(type: RecordType, id: string): StoredRecord | undefined {
    return this.records.get(type)?.get(id);
  }

  /** All records of a type, by ascending internal id. */
  list(type: RecordType): StoredRecord[] {
    return [...(this.records.get(type)?.values() ?? [])].sort((a, b) => Number(a.id) - Number(b.id));
  }

  count(type: RecordType): number {
    return this.records.get(type)?.size ?? 0;
  }

  /** The record of any type in `type`'s group that holds this external id (case-insensitive). */
  externalIdOwner(type: RecordType, externalId: string): { type: RecordType; id: string } | undefined {
    return this.externalIds.get(recordGroup(type))?.get(externalId.toLowerCase());
  }

  findByExternalId(type: RecordType, externalId: string): StoredRecord | undefined {
    const owner = this.externalIdOwner(type, externalId);
    return owner !== undefined && owner.type === type ? this.get(type, owner.id) : undefined;
  }

  /** Allocates the next internal id of the type's group (transactions share one sequence). */
  nextId(type: RecordType): string {
    const group = recordGroup(type);
    const next = (this.counters.get(group) ?? startingId(group)) + 1;
    this.counters.set(group, next);
    return String(next);
  }

  /** Keeps the sequence ahead of an id chosen by a seed. */
  noteId(type: RecordType, id: string): void {
    const group = recordGroup(type);
    const current = this.counters.get(group) ?? startingId(group);
    if (Number(id) > current) this.counters.set(group, Number(id));
  }

  /** Is this internal id free in the type's group? */
  idFree(type: RecordType, id: string): boolean {
    for (const other of recordTypes) {
      if (recordGroup(other) === recordGroup(type) && this.records.get(other)?.has(id)) return false;
    }
    return true;
  }

  /** Inserts or replaces a record, keeping the indexes; listeners hear about it. */
  save(record: StoredRecord): void {
    const table = this.records.get(record.type)!;
    const before = table.get(record.id);
    this.unindex(before);
    table.set(record.id, record);
    this.index(record);
    this.emit({ type: record.type, id: record.id, after: record, before });
  }

  delete(type: RecordType, id: string): StoredRecord | undefined {
    const table = this.records.get(type)!;
    const before = table.get(id);
    if (before === undefined) return undefined;
    this.unindex(before);
    table.delete(id);
    this.emit({ type, id, after: undefined, before });
    return before;
  }

  /** Sets `lastModifiedDate` to now (the system changed the record, e.g. a payment paid a bill). */
  touch(type: RecordType, id: string): void {
    const record = this.get(type, id);
    if (record === undefined) return;
    this.save({ ...record, lastModifiedDate: this.now() });
  }

  /** payment id -> cents applied to this bill. */
  applicationsTo(billId: string): ReadonlyMap<string, number> {
    return this.applications.get(billId) ?? new Map();
  }

  paidCents(billId: string): number {
    let sum = 0;
    for (const cents of this.applicationsTo(billId).values()) sum += cents;
    return sum;
  }

  /** The type's custom fields (body, line and segment fields) by id, with their kinds. */
  customFields(type: RecordType): ReadonlyMap<string, CustomFieldKind> {
    const out = new Map<string, CustomFieldKind>();
    for (const [fieldId, definition] of this.custom.get(type) ?? []) out.set(fieldId, definition.kind);
    return out;
  }

  customField(type: RecordType, fieldId: string): CustomFieldDefinition | undefined {
    return this.custom.get(type)?.get(fieldId.toLowerCase());
  }

  customFieldDefinitions(type: RecordType): ReadonlyMap<string, CustomFieldDefinition> {
    return this.custom.get(type) ?? new Map();
  }

  /** Declares (or redefines) a custom field; a kind alone is a plain optional field. */
  defineCustomField(
    type: RecordType,
    fieldId: string,
    kindOrDefinition: CustomFieldKind | CustomFieldDefinition,
  ): void {
    const id = fieldId.toLowerCase();
    const definition: CustomFieldDefinition =
      typeof kindOrDefinition === 'string' ? { kind: kindOrDefinition } : { ...kindOrDefinition };
    let fields = this.custom.get(type);
    if (fields === undefined) {
      fields = new Map();
      this.custom.set(type, fields);
    }
    const before = fields.get(id);
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(definition)) return;
    fields.set(id, definition);
    for (const listener of this.customListeners) listener(type, id, definition.kind);
  }

  private emit(change: RecordChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private index(record: StoredRecord): void {
    const externalId = record.fields.externalId;
    if (typeof externalId === 'string' && externalId !== '') {
      const group = recordGroup(record.type);
      let ids = this.externalIds.get(group);
      if (ids === undefined) {
        ids = new Map();
        this.externalIds.set(group, ids);
      }
      ids.set(externalId.toLowerCase(), { type: record.type, id: record.id });
    }
    if (record.type === 'vendorPayment') {
      for (const line of appliedLines(record)) {
        let payments = this.applications.get(line.doc);
        if (payments === undefined) {
          payments = new Map();
          this.applications.set(line.doc, payments);
        }
        payments.set(record.id, (payments.get(record.id) ?? 0) + line.cents);
      }
    }
  }

  private unindex(record: StoredRecord | undefined): void {
    if (record === undefined) return;
    const externalId = record.fields.externalId;
    if (typeof externalId === 'string' && externalId !== '') {
      const ids = this.externalIds.get(recordGroup(record.type));
      const owner = ids?.get(externalId.toLowerCase());
      if (owner !== undefined && owner.type === record.type && owner.id === record.id) {
        ids!.delete(externalId.toLowerCase());
      }
    }
    if (record.type === 'vendorPayment') {
      for (const line of appliedLines(record)) {
        const payments = this.applications.get(line.doc);
        payments?.delete(record.id);
        if (payments !== undefined && payments.size === 0) this.applications.delete(line.doc);
      }
    }
  }
}

/** Ids look like a real account's: entities and transactions start in the hundreds. */
function startingId(group: string): number {
  if (group === 'entity') return 100;
  if (group === 'transaction') return 1000;
  return 0;
}

/** The applied lines of a stored vendor payment (bill id and cents). */
export function appliedLines(payment: StoredRecord): Array<{ doc: string; cents: number }> {
  const out: Array<{ doc: string; cents: number }> = [];
  for (const entry of linesOf(payment.fields, 'apply')) {
    if (entry.apply === true && typeof entry.doc === 'string' && typeof entry.amount === 'number') {
      out.push({ doc: entry.doc, cents: entry.amount });
    }
  }
  return out;
}

// Typed reads of stored fields (a record's `fields` or a sublist line).
export type FieldBag = Record<string, FieldValue>;

export function textField(fields: FieldBag, field: string): string | undefined {
  const value = fields[field];
  return typeof value === 'string' ? value : undefined;
}

export function numberField(fields: FieldBag, field: string): number | undefined {
  const value = fields[field];
  return typeof value === 'number' ? value : undefined;
}

export function booleanField(fields: FieldBag, field: string): boolean {
  return fields[field] === true;
}

export function linesOf(fields: FieldBag, sublist: string): StoredLine[] {
  const value = fields[sublist];
  return Array.isArray(value)
    ? (value.filter((line) => typeof line === 'object' && line !== null) as StoredLine[])
    : [];
}

export function idList(fields: FieldBag, field: string): string[] {
  const value = fields[field];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
