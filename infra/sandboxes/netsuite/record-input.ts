// Reads a record body the way NetSuite's record API does: fields checked against the record type,
// references (`{id}` or `{externalId}`) resolved to existing records, unknown fields handled by
// X-NetSuite-PropertyNameValidation and bad values by X-NetSuite-PropertyValueValidation. Used by the
// write pipeline (writes.ts) for REST, admin and seed writes alike.
import { belongsTo, type CustomFieldPlace, customValue, inferredDefinition } from './custom-fields.ts';
import { NetSuiteProblem, problems } from './problem.ts';
import {
  addressFieldNames,
  type FieldSpec,
  type RecordType,
  recordSpecs,
  SEGMENT_PREFIX,
} from './record-types.ts';
import type { AddressValue, CustomFieldDefinition, FieldValue, RecordStore } from './store.ts';

export type ValidationMode = 'Error' | 'Warning' | 'Ignore';
/** rest: an integration's call; admin: a NetSuite user's change; seed: test data (may set system fields). */
export type WriteOrigin = 'rest' | 'admin' | 'seed';

export interface InputOptions {
  store: RecordStore;
  nameValidation: ValidationMode;
  valueValidation: ValidationMode;
  origin: WriteOrigin;
}

export interface LinePatch {
  /** The `line` the body named (update that line) or undefined (a new line). */
  line: number | undefined;
  fields: Record<string, FieldValue>;
  /** Index in the body, for error paths. */
  index: number;
}

export interface ParsedInput {
  /** Body fields; `null` clears a field. */
  fields: Record<string, FieldValue>;
  sublists: Record<string, LinePatch[]>;
  /** Texts for the X-NetSuite-PropertyValidation / X-NetSuite-Warning headers. */
  warnings: string[];
  /** Seed-only overrides of system fields. */
  system: { id?: string; createdDate?: string; lastModifiedDate?: string; status?: string };
}

const EXTERNAL_ID = /^[A-Za-z0-9_-]{1,255}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const IGNORED_KEYS = new Set(['links', 'refName', 'id']);

export function isValidDate(value: string): boolean {
  const match = DATE.exec(value);
  if (match === null) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export function validExternalId(value: string): boolean {
  return EXTERNAL_ID.test(value);
}

export function parseRecordBody(type: RecordType, body: unknown, options: InputOptions): ParsedInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw problems.invalidRequest('The request body must be a JSON object.');
  }
  return new BodyReader(type, options).read(body as Record<string, unknown>);
}

/**
 * One body's read: the record type and the write's options that every field's read consults, and what
 * the reads collect (fields, sublists, warnings, a seed's system fields).
 */
class BodyReader {
  readonly type: RecordType;
  readonly options: InputOptions;
  readonly parsed: ParsedInput = { fields: {}, sublists: {}, warnings: [], system: {} };

  constructor(type: RecordType, options: InputOptions) {
    this.type = type;
    this.options = options;
  }

  read(body: Record<string, unknown>): ParsedInput {
    const spec = recordSpecs[this.type];
    for (const [key, value] of Object.entries(body)) {
      if (this.options.origin === 'seed' && takeSystemField(key, value, this.parsed)) continue;
      if (IGNORED_KEYS.has(key)) continue;
      const field = spec.fields[key];
      if (field === undefined) {
        this.unlisted(key, value, key, 'body', this.parsed.fields);
        continue;
      }
      if ('readOnly' in field && field.readOnly === true) {
        this.parsed.warnings.push(`Field '${key}' is read-only; its value was ignored.`);
        continue;
      }
      if (field.kind === 'sublist') {
        this.parsed.sublists[key] = this.sublist(key, field.line, value);
        continue;
      }
      const read = this.value(field, value, key, key);
      if (read !== undefined) this.parsed.fields[key] = read;
    }
    return this.parsed;
  }

  /**
   * A field the record type (or its line) does not list: a custom field's value, kept under its id in
   * lower case, or an unknown field.
   */
  private unlisted(
    key: string,
    value: unknown,
    path: string,
    place: CustomFieldPlace,
    fields: Record<string, FieldValue>,
  ): void {
    const custom = customDefinition(this.type, key, value, place, this.options);
    if (custom === undefined) {
      this.unknownField(key, path, this.type);
      return;
    }
    const read = this.custom(custom, value, key, path);
    if (read !== undefined) fields[key.toLowerCase()] = read;
  }

  private custom(
    definition: CustomFieldDefinition,
    value: unknown,
    name: string,
    path: string,
  ): FieldValue | undefined {
    const read = customValue(
      definition,
      value,
      (target, reference) => resolveReference(this.options.store, target, reference),
      this.options.store,
    );
    if (read !== 'invalid') return read;
    const shown = definition.kind === 'select' ? describeReference(value) : value;
    return this.bad(name.toLowerCase(), path, shown);
  }

  private unknownField(key: string, path: string, type: RecordType): void {
    if (this.options.nameValidation === 'Error') {
      throw new NetSuiteProblem(
        400,
        'NONEXISTENT_FIELD',
        `Invalid field name '${key}'. The field does not exist on record type ${type}.`,
        { path },
      );
    }
    if (this.options.nameValidation === 'Warning')
      this.parsed.warnings.push(`Unknown field '${path}' was ignored.`);
  }

  private bad(field: string, path: string, value: unknown): undefined {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    if (this.options.valueValidation === 'Error')
      throw problems.invalidValue(field, shown ?? 'undefined', path);
    if (this.options.valueValidation === 'Warning')
      this.parsed.warnings.push(`Invalid value for '${path}' was ignored.`);
    return undefined;
  }

  private value(
    field: Exclude<FieldSpec, { kind: 'sublist' }>,
    value: unknown,
    name: string,
    path: string,
  ): FieldValue | undefined {
    if (value === null) return null;
    switch (field.kind) {
      case 'text':
        if (typeof value !== 'string') return this.bad(name, path, value);
        if (name === 'externalId' && !validExternalId(value)) {
          // External ids are checked whatever the value-validation header says.
          throw new NetSuiteProblem(
            400,
            'INVALID_CONTENT',
            `Invalid external ID '${value}'. An external ID may contain only letters, digits, '_' and '-'.`,
            { path },
          );
        }
        return value;
      case 'boolean':
        return typeof value === 'boolean' ? value : this.bad(name, path, value);
      case 'number':
        return typeof value === 'number' && Number.isFinite(value) ? value : this.bad(name, path, value);
      case 'money':
        return typeof value === 'number' && Number.isFinite(value)
          ? Math.round(value * 100)
          : this.bad(name, path, value);
      case 'date':
        return typeof value === 'string' && isValidDate(value) ? value : this.bad(name, path, value);
      case 'datetime':
        return undefined;
      case 'ref': {
        const id = resolveReference(this.options.store, field.target, value);
        return id ?? this.bad(name, path, describeReference(value));
      }
      case 'looseRef': {
        const key = referenceKey(value);
        return key !== undefined && 'id' in key ? key.id : this.bad(name, path, value);
      }
      case 'multiref': {
        const items = Array.isArray(value)
          ? value
          : typeof value === 'object' && Array.isArray((value as { items?: unknown }).items)
            ? ((value as { items: unknown[] }).items as unknown[])
            : undefined;
        if (items === undefined) return this.bad(name, path, value);
        const ids: string[] = [];
        for (const [index, item] of items.entries()) {
          const id = resolveReference(this.options.store, field.target, item);
          if (id === undefined) return this.bad(name, `${path}.items[${index}]`, describeReference(item));
          if (!ids.includes(id)) ids.push(id);
        }
        return ids;
      }
      case 'enum': {
        const id =
          typeof value === 'string'
            ? value
            : typeof value === 'object' && value !== null
              ? (value as { id?: unknown }).id
              : undefined;
        const key = typeof id === 'number' ? String(id) : id;
        return typeof key === 'string' && key in field.values ? key : this.bad(name, path, value);
      }
      case 'address':
        return this.address(value, path);
    }
  }

  private address(value: unknown, path: string): AddressValue | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.bad('addressBookAddress', path, value);
    }
    const address: AddressValue = {};
    for (const [key, part] of Object.entries(value as Record<string, unknown>)) {
      if (IGNORED_KEYS.has(key)) continue;
      if (!addressFieldNames.has(key)) {
        this.unknownField(key, `${path}.${key}`, 'vendor');
        continue;
      }
      const text =
        typeof part === 'string'
          ? part
          : key === 'country' && typeof part === 'object' && part !== null
            ? (part as { id?: unknown }).id
            : undefined;
      if (typeof text !== 'string') {
        this.bad(key, `${path}.${key}`, part);
        continue;
      }
      address[key] = text;
    }
    return address;
  }

  private sublist(name: string, lineSpec: Record<string, FieldSpec>, value: unknown): LinePatch[] {
    const items = Array.isArray(value)
      ? this.options.origin === 'rest'
        ? undefined
        : value
      : typeof value === 'object' && value !== null && Array.isArray((value as { items?: unknown }).items)
        ? ((value as { items: unknown[] }).items as unknown[])
        : undefined;
    if (items === undefined) {
      throw new NetSuiteProblem(
        400,
        'INVALID_CONTENT',
        `The sublist '${name}' must be an object with an 'items' array.`,
        {
          path: name,
        },
      );
    }
    const lines: LinePatch[] = [];
    for (const [index, item] of items.entries()) {
      const prefix = `${name}.items[${index}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new NetSuiteProblem(400, 'INVALID_CONTENT', `Each line of '${name}' must be a JSON object.`, {
          path: prefix,
        });
      }
      const patch: LinePatch = { line: undefined, fields: {}, index };
      for (const [key, raw] of Object.entries(item as Record<string, unknown>)) {
        if (key === 'links' || key === 'refName') continue;
        if (key === 'line') {
          if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) patch.line = raw;
          else if (typeof raw === 'string' && /^\d+$/.test(raw)) patch.line = Number(raw);
          else throw problems.invalidValue('line', String(raw), `${prefix}.line`);
          continue;
        }
        const field = lineSpec[key];
        if (field === undefined) {
          this.unlisted(key, raw, `${prefix}.${key}`, 'line', patch.fields);
          continue;
        }
        if (field.kind === 'sublist') continue;
        if ('readOnly' in field && field.readOnly === true) continue;
        const read = this.value(field, raw, key, `${prefix}.${key}`);
        if (read !== undefined) patch.fields[key] = read;
      }
      lines.push(patch);
    }
    return lines;
  }
}

function takeSystemField(key: string, value: unknown, parsed: ParsedInput): boolean {
  if (
    key === 'id' &&
    (typeof value === 'string' || typeof value === 'number') &&
    /^\d{1,12}$/.test(String(value))
  ) {
    parsed.system.id = String(value);
    return true;
  }
  if (
    (key === 'createdDate' || key === 'dateCreated' || key === 'lastModifiedDate') &&
    typeof value === 'string'
  ) {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw problems.invalidValue(key, value, key);
    const iso = `${date.toISOString().slice(0, 19)}Z`;
    if (key === 'lastModifiedDate') parsed.system.lastModifiedDate = iso;
    else parsed.system.createdDate = iso;
    return true;
  }
  if (key === 'status' && (typeof value === 'string' || (typeof value === 'object' && value !== null))) {
    const id = typeof value === 'string' ? value : (value as { id?: unknown }).id;
    if (typeof id === 'string') {
      parsed.system.status = id;
      return true;
    }
  }
  return false;
}

/**
 * The definition of a custom field written in `place`, or undefined (an unknown field). A NetSuite user
 * (admin API) or a seed may add a `custbody_`/`custcol_`/`custentity_` field by writing it; an
 * integration cannot, and a segment (`cseg_`) must always be defined first.
 */
function customDefinition(
  type: RecordType,
  key: string,
  value: unknown,
  place: CustomFieldPlace,
  options: InputOptions,
): CustomFieldDefinition | undefined {
  if (!belongsTo(type, key, place)) return undefined;
  const known = options.store.customField(type, key);
  if (known !== undefined) return known;
  if (options.origin === 'rest' || key.toLowerCase().startsWith(SEGMENT_PREFIX)) return undefined;
  const definition = inferredDefinition(value);
  options.store.defineCustomField(type, key, definition);
  return definition;
}

/** `{id}` / `{externalId}` of a reference, or undefined when the value is not a reference object. */
function referenceKey(value: unknown): { id: string } | { externalId: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { id, externalId } = value as { id?: unknown; externalId?: unknown };
  if ((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isInteger(id))) {
    return { id: String(id) };
  }
  if (typeof externalId === 'string' && externalId !== '') return { externalId };
  return undefined;
}

/** Resolves a reference to an existing record's internal id, or undefined. */
export function resolveReference(store: RecordStore, target: RecordType, value: unknown): string | undefined {
  const key = referenceKey(value);
  if (key === undefined) return undefined;
  if ('id' in key) return store.get(target, key.id) === undefined ? undefined : key.id;
  return store.findByExternalId(target, key.externalId)?.id;
}

function describeReference(value: unknown): string {
  const key = referenceKey(value);
  if (key === undefined) return JSON.stringify(value) ?? 'undefined';
  return 'id' in key ? key.id : key.externalId;
}
