// Custom fields of the NetSuite sandbox as an account defines them: where each one lives (`custbody_` /
// `custentity_` on the body, `custcol_` on transaction lines, `cseg_` segments on both), the values each
// type accepts, default values, mandatory body fields, and how they are rendered. Used by the body
// reader (record-input.ts), the write pipeline (writes.ts), the renderer and the metadata catalog.
import { type RecordType, recordSpecs, SEGMENT_PREFIX } from './record-types.ts';
import type { CustomFieldDefinition, FieldBag, FieldValue, RecordStore, StoredLine } from './store.ts';

export type CustomFieldPlace = 'body' | 'line';

/** Where a custom field id of this record type goes, or undefined when the prefix does not belong here. */
export function customFieldPlace(type: RecordType, fieldId: string): CustomFieldPlace | 'both' | undefined {
  const id = fieldId.toLowerCase();
  const spec = recordSpecs[type];
  const onLines = spec.customLinePrefixes ?? [];
  if (id.startsWith(SEGMENT_PREFIX) && onLines.includes(SEGMENT_PREFIX)) return 'both';
  if (onLines.some((prefix) => prefix !== SEGMENT_PREFIX && id.startsWith(prefix))) return 'line';
  if (id.startsWith(spec.customPrefix)) return 'body';
  return undefined;
}

export function belongsTo(type: RecordType, fieldId: string, place: CustomFieldPlace): boolean {
  const where = customFieldPlace(type, fieldId);
  return where === place || where === 'both';
}

/** The definitions of the custom fields that can appear in `place`. */
export function customFieldsAt(
  store: RecordStore,
  type: RecordType,
  place: CustomFieldPlace,
): Array<[string, CustomFieldDefinition]> {
  return [...store.customFieldDefinitions(type)].filter(([fieldId]) => belongsTo(type, fieldId, place));
}

/** What a NetSuite user (admin API) or a seed adds when it writes a custom field nobody declared. */
export function inferredDefinition(value: unknown): CustomFieldDefinition {
  return { kind: typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'text' };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * A body or line value checked against its definition: the value to store, or `invalid` (the caller
 * answers INVALID_CONTENT naming the field). `resolve` finds a select value's record id.
 */
export function customValue(
  definition: CustomFieldDefinition,
  value: unknown,
  resolve: (target: RecordType, value: unknown) => string | undefined,
  store: RecordStore,
): FieldValue | 'invalid' {
  if (value === null) return null;
  switch (definition.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? value : 'invalid';
    case 'text':
      return typeof value === 'string' ? value : 'invalid';
    case 'number':
    case 'currency':
      return typeof value === 'number' && Number.isFinite(value) ? value : 'invalid';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : 'invalid';
    case 'date':
      return typeof value === 'string' && validDate(value) ? value : 'invalid';
    case 'select': {
      const target = definition.segment !== undefined ? 'customSegmentValue' : definition.selectRecordType;
      if (target === undefined) return 'invalid';
      const id = resolve(target, value);
      if (id === undefined) return 'invalid';
      if (definition.segment !== undefined && store.get(target, id)?.fields.segment !== definition.segment)
        return 'invalid';
      return id;
    }
  }
}

/** Sets the declared default of every body custom field the new record's body left out. */
export function applyCustomDefaults(store: RecordStore, type: RecordType, draft: FieldBag): void {
  for (const [fieldId, definition] of customFieldsAt(store, type, 'body')) {
    if (definition.defaultValue === undefined || draft[fieldId] !== undefined) continue;
    draft[fieldId] =
      definition.kind === 'select'
        ? String(definition.defaultValue)
        : (definition.defaultValue as FieldValue);
  }
}

/** The labels and ids of the mandatory body custom fields without a value. */
export function missingMandatoryFields(
  store: RecordStore,
  type: RecordType,
  draft: FieldBag,
): Array<{ fieldId: string; label: string }> {
  const missing: Array<{ fieldId: string; label: string }> = [];
  for (const [fieldId, definition] of customFieldsAt(store, type, 'body')) {
    if (definition.mandatory !== true) continue;
    const value = draft[fieldId];
    // A check box always has a value (false); NetSuite does not let one be mandatory.
    if (definition.kind === 'boolean') continue;
    if (value === undefined || value === null || value === '') {
      missing.push({ fieldId, label: definition.label ?? fieldId });
    }
  }
  return missing;
}

/** A select value as the record API shows a reference: `{links, id, refName}`. */
export type ReferenceRenderer = (type: RecordType, id: string) => Record<string, unknown>;

/** Adds the custom fields of `place` held in `values` to a rendered body or line. */
export function renderCustomFields(
  store: RecordStore,
  type: RecordType,
  place: CustomFieldPlace,
  values: FieldBag | StoredLine,
  out: Record<string, unknown>,
  reference: ReferenceRenderer,
  wanted?: ReadonlySet<string>,
): void {
  for (const [fieldId, definition] of customFieldsAt(store, type, place)) {
    if (wanted !== undefined && !wanted.has(fieldId)) continue;
    const value = values[fieldId];
    if (value === undefined || value === null) {
      if (definition.kind === 'boolean') out[fieldId] = false;
      continue;
    }
    if (definition.kind === 'select' && typeof value === 'string') {
      out[fieldId] = reference(
        definition.segment !== undefined ? 'customSegmentValue' : (definition.selectRecordType ?? type),
        value,
      );
    } else {
      out[fieldId] = value;
    }
  }
}
