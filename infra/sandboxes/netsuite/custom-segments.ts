// Custom segments of the NetSuite sandbox (Oracle help: Custom Segments; Using SuiteScript to Create
// Values for Existing Custom Segments). A segment `cseg_<id>` is a select field on the vendor bill's body
// and expense/item lines; its values are records of the custom record type `customrecord_cseg_<id>`,
// each active or not and available in the subsidiaries of its `cseg_<id>_filterby_subsidiary` list. A
// bill may only use a value that is active and available in its subsidiary — the rule of classes,
// locations and departments — else 400 INVALID_CONTENT naming the field. The sandbox keeps every
// segment's values as `customSegmentValue` records (field `segment`) and renames at the record API edge.
// Used by the write pipeline, the bill rules, the record API router and the SuiteQL mirror.
import { availableInSubsidiary, hierarchyName, isActive } from './master-data.ts';
import { NetSuiteProblem, problems } from './problem.ts';
import type { RecordType } from './record-types.ts';
import type { FieldBag, RecordStore, StoredLine, StoredRecord } from './store.ts';
import { idList, linesOf, textField } from './store.ts';
import type { RuleContext, TypeRules } from './type-rules.ts';

export const SEGMENT_ID = /^cseg_[a-z0-9_]{1,30}$/;
/** The record types a segment applies to (in this sandbox: the vendor bill, body and lines). */
const SEGMENT_HOSTS: RecordType[] = ['vendorBill'];

export interface CustomSegmentDefinition {
  /** `cseg_<id>`, lower case. */
  id: string;
  label: string;
  mandatory?: boolean;
}

/** Declares a segment: the `cseg_<id>` field on vendor bills (body and lines). */
export function defineCustomSegment(store: RecordStore, segment: CustomSegmentDefinition): void {
  const id = segment.id.toLowerCase();
  if (!SEGMENT_ID.test(id)) {
    throw problems.invalidRequest(
      `Custom segment id '${segment.id}' must look like cseg_<id> (a-z, 0-9, _).`,
    );
  }
  for (const host of SEGMENT_HOSTS) {
    store.defineCustomField(host, id, {
      kind: 'select',
      segment: id,
      label: segment.label,
      ...(segment.mandatory === true ? { mandatory: true } : {}),
    });
  }
}

/** The defined segments, by id. */
export function customSegments(store: RecordStore): Map<string, CustomSegmentDefinition> {
  const out = new Map<string, CustomSegmentDefinition>();
  for (const host of SEGMENT_HOSTS) {
    for (const [fieldId, definition] of store.customFieldDefinitions(host)) {
      if (definition.segment === undefined || out.has(fieldId)) continue;
      out.set(fieldId, {
        id: fieldId,
        label: definition.label ?? fieldId,
        ...(definition.mandatory === true ? { mandatory: true } : {}),
      });
    }
  }
  return out;
}

/** `customrecord_cseg_region` → `cseg_region` when that segment exists. */
export function segmentOfRecordType(store: RecordStore, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (!lower.startsWith('customrecord_cseg_')) return undefined;
  const id = lower.slice('customrecord_'.length);
  return customSegments(store).has(id) ? id : undefined;
}

export const segmentRecordType = (segment: string): string => `customrecord_${segment}`;
export const subsidiaryFilterField = (segment: string): string => `${segment}_filterby_subsidiary`;

export const segmentValueRules: TypeRules = {
  complete(draft, context) {
    const segment = textField(draft, 'segment');
    if (segment === undefined || segment === '') throw problems.missingValue('Custom Segment', 'segment');
    if (!customSegments(context.store).has(segment))
      throw problems.invalidValue('segment', segment, 'segment');
    if (context.existing !== undefined && textField(context.existing.fields, 'segment') !== segment) {
      throw problems.userError('A custom segment value cannot move to another segment.', 'segment');
    }
    const name = textField(draft, 'name');
    if (name === undefined || name === '') throw problems.missingValue('Name', 'name');
    if (draft.isInactive === undefined) draft.isInactive = false;
    const parent = textField(draft, 'parent');
    if (parent !== undefined) {
      const parentRecord = context.store.get('customSegmentValue', parent);
      if (parentRecord === undefined || textField(parentRecord.fields, 'segment') !== segment) {
        throw problems.invalidValue('parent', parent, 'parent');
      }
      if (parent === context.existing?.id) throw problems.invalidValue('parent', parent, 'parent');
    }
  },
};

/** A value's display name (`Parent : Child`). */
export function segmentValueName(store: RecordStore, record: StoredRecord): string {
  return hierarchyName(store, record, 'name');
}

function checkValue(
  context: RuleContext,
  segment: string,
  id: string | undefined,
  subsidiary: string,
  path: string,
  setNow: boolean,
): void {
  if (id === undefined || !setNow) return;
  const value = context.store.get('customSegmentValue', id);
  if (
    value === undefined ||
    textField(value.fields, 'segment') !== segment ||
    !isActive(value) ||
    !availableInSubsidiary(context.store, value.fields, subsidiary)
  ) {
    throw problems.invalidValue(segment, id, path);
  }
}

/**
 * The bill's segment values on the body and on every expense/item line the write set: active and
 * available in the bill's subsidiary (checked only where the write chose the value, as for classes).
 */
export function checkBillSegments(
  context: RuleContext,
  draft: FieldBag,
  subsidiary: string,
  linePath: (line: StoredLine, sublist: string, index: number) => string,
): void {
  const segments = [...customSegments(context.store).keys()];
  if (segments.length === 0) return;
  for (const segment of segments) {
    checkValue(
      context,
      segment,
      textField(draft, segment),
      subsidiary,
      segment,
      context.changed.has(segment),
    );
  }
  for (const sublist of ['expense', 'item']) {
    for (const [index, line] of linesOf(draft, sublist).entries()) {
      const setNow = context.touchedLines.has(line);
      for (const segment of segments) {
        const path = `${linePath(line, sublist, index)}.${segment}`;
        checkValue(context, segment, textField(line, segment), subsidiary, path, setNow);
      }
    }
  }
}

/** A record-API body for `customrecord_cseg_<id>` in the sandbox's field names. */
export function segmentValueBodyIn(segment: string, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw problems.invalidRequest('The request body must be a JSON object.');
  }
  const out: Record<string, unknown> = {};
  const filter = subsidiaryFilterField(segment);
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'segment' || key === 'subsidiary') {
      throw new NetSuiteProblem(
        400,
        'NONEXISTENT_FIELD',
        `Invalid field name '${key}'. The field does not exist on record type ${segmentRecordType(segment)}.`,
        { path: key },
      );
    }
    out[key.toLowerCase() === filter ? 'subsidiary' : key] = value;
  }
  out.segment = segment;
  return out;
}

/** A value rendered by the sandbox's renderer, with the record API's field names for its segment. */
export function segmentValueBodyOut(
  segment: string,
  rendered: Record<string, unknown>,
  record: StoredRecord,
  segmentUrl: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rendered)) {
    if (key === 'segment') continue;
    if (key === 'links') out.links = [{ rel: 'self', href: `${segmentUrl}/${record.id}` }];
    else if (key === 'subsidiary') out[subsidiaryFilterField(segment)] = value;
    else out[key] = value;
  }
  return out;
}

/** Subsidiary ids a value is restricted to (empty: every subsidiary). */
export function segmentValueSubsidiaries(record: StoredRecord): string[] {
  return idList(record.fields, 'subsidiary');
}
