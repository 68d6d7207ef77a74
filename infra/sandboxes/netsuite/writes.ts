// The one write pipeline of the NetSuite sandbox: create, update (PATCH), upsert by external id (PUT
// eid:) and delete, with NetSuite's sublist merge rules, external-id uniqueness per record group and the
// per-type business rules. The REST handlers, the admin API and the seeders all write through here.
import { billRules } from './bills.ts';
import { applyCustomDefaults, missingMandatoryFields } from './custom-fields.ts';
import { segmentValueRules } from './custom-segments.ts';
import { fileRules, folderRules } from './file-cabinet.ts';
import { masterDataRules, vendorSubsidiaryRules } from './master-data.ts';
import { paymentRules } from './payments.ts';
import { NetSuiteProblem, problems } from './problem.ts';
import { type InputOptions, type LinePatch, parseRecordBody, type WriteOrigin } from './record-input.ts';
import { type RecordType, recordSpecs, recordTypes } from './record-types.ts';
import type { FieldBag, RecordStore, StoredLine, StoredRecord } from './store.ts';
import type { TypeRules } from './type-rules.ts';

/** How a write reads its body (record-input.ts InputOptions), and the sublists it replaces. */
export interface WriteContext extends InputOptions {
  /** Sublists whose lines the body replaces (`?replace=expense,item`). */
  replace: ReadonlySet<string>;
}

export interface WriteOutcome {
  record: StoredRecord;
  created: boolean;
  warnings: string[];
}

const rules: Record<RecordType, TypeRules> = {
  ...masterDataRules,
  customSegmentValue: segmentValueRules,
  vendorSubsidiaryRelationship: vendorSubsidiaryRules,
  vendorBill: billRules,
  vendorPayment: paymentRules,
  folder: folderRules,
  file: fileRules,
};

/**
 * Mandatory custom body fields: NetSuite refuses a save that leaves one empty with USER_ERROR "Please
 * enter value(s) for: <Field Label>, ..." (labels, not ids), on create and on every later save.
 */
function checkMandatoryCustomFields(store: RecordStore, type: RecordType, draft: FieldBag): void {
  const missing = missingMandatoryFields(store, type, draft);
  if (missing.length === 0) return;
  throw problems.missingValue(missing.map((field) => field.label).join(', '), missing[0]!.fieldId);
}

export function writeContext(
  store: RecordStore,
  origin: WriteOrigin,
  overrides: Partial<WriteContext> = {},
): WriteContext {
  return {
    store,
    origin,
    nameValidation: 'Warning',
    valueValidation: 'Error',
    replace: new Set(),
    ...overrides,
  };
}

export function createRecord(
  context: WriteContext,
  type: RecordType,
  body: unknown,
  options: { externalId?: string } = {},
): WriteOutcome {
  const store = context.store;
  const parsed = parseRecordBody(type, body, context);
  const draft: FieldBag = {};
  for (const [key, value] of Object.entries(parsed.fields)) if (value !== null) draft[key] = value;
  if (options.externalId !== undefined) draft.externalId = options.externalId;
  completeDraft(context, type, draft, parsed, undefined);
  let id = parsed.system.id;
  if (id !== undefined) {
    if (!store.idFree(type, id))
      throw problems.invalidRequest(`Internal id ${id} is already used in ${type}'s group.`);
    store.noteId(type, id);
  }
  checkExternalIdFree(store, type, draft.externalId, undefined);
  id ??= store.nextId(type);
  const now = store.now();
  const record: StoredRecord = {
    type,
    id,
    fields: draft,
    createdDate: parsed.system.createdDate ?? parsed.system.lastModifiedDate ?? now,
    lastModifiedDate: parsed.system.lastModifiedDate ?? now,
  };
  return saveWritten(store, record, undefined, parsed.warnings);
}

export function updateRecord(
  context: WriteContext,
  existing: StoredRecord,
  body: unknown,
  options: { externalId?: string } = {},
): WriteOutcome {
  const store = context.store;
  const type = existing.type;
  const parsed = parseRecordBody(type, body, context);
  const draft: FieldBag = structuredClone(existing.fields);
  for (const [key, value] of Object.entries(parsed.fields)) {
    if (value === null) delete draft[key];
    else draft[key] = value;
  }
  if (options.externalId !== undefined) {
    const current = draft.externalId;
    if (typeof current !== 'string' || current.toLowerCase() !== options.externalId.toLowerCase()) {
      draft.externalId = options.externalId;
    }
  }
  completeDraft(context, type, draft, parsed, existing);
  checkExternalIdFree(store, type, draft.externalId, existing);
  const record: StoredRecord = {
    type,
    id: existing.id,
    fields: draft,
    createdDate: parsed.system.createdDate ?? existing.createdDate,
    lastModifiedDate: parsed.system.lastModifiedDate ?? store.now(),
  };
  return saveWritten(store, record, existing, parsed.warnings);
}

/**
 * The rest of a created (no `existing`) or updated record's draft: its sublists merged (a created record's,
 * and an updated record's named in `replace`, replaced), the status asked for, a created record's custom
 * field defaults, then its type's rules and the mandatory custom fields.
 */
function completeDraft(
  context: WriteContext,
  type: RecordType,
  draft: FieldBag,
  parsed: ReturnType<typeof parseRecordBody>,
  existing: StoredRecord | undefined,
): void {
  const store = context.store;
  const touchedLines = new Set<StoredLine>();
  const linePaths = new Map<StoredLine, string>();
  for (const [name, patches] of Object.entries(parsed.sublists)) {
    const current = existing !== undefined && Array.isArray(draft[name]) ? (draft[name] as StoredLine[]) : [];
    const replace = existing === undefined || context.replace.has(name);
    draft[name] = mergeSublist(type, name, current, patches, replace, touchedLines, linePaths);
  }
  if (parsed.system.status !== undefined) draft.statusOverride = parsed.system.status;
  if (existing === undefined) applyCustomDefaults(store, type, draft);
  const changed = new Set([...Object.keys(parsed.fields), ...Object.keys(parsed.sublists)]);
  rules[type].complete(draft, { store, origin: context.origin, existing, changed, touchedLines, linePaths });
  checkMandatoryCustomFields(store, type, draft);
}

/** Saves a created (no `existing`) or updated record, then runs its type's after-save rule. */
function saveWritten(
  store: WriteContext['store'],
  record: StoredRecord,
  existing: StoredRecord | undefined,
  warnings: WriteOutcome['warnings'],
): WriteOutcome {
  store.save(record);
  rules[record.type].afterSave?.(record, existing, store);
  return { record, created: existing === undefined, warnings };
}

/** `PUT /{type}/eid:{externalId}`: creates the record or updates the one holding the external id. */
export function upsertRecord(
  context: WriteContext,
  type: RecordType,
  externalId: string,
  body: unknown,
): WriteOutcome {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(externalId)) {
    throw new NetSuiteProblem(
      400,
      'INVALID_CONTENT',
      `Invalid external ID '${externalId}'. An external ID may contain only letters, digits, '_' and '-'.`,
      { path: 'externalId' },
    );
  }
  const owner = context.store.externalIdOwner(type, externalId);
  if (owner !== undefined && owner.type !== type) throw duplicateExternalId(externalId, owner.type);
  const existing = owner === undefined ? undefined : context.store.get(type, owner.id);
  if (existing !== undefined) return updateRecord(context, existing, body, { externalId });
  return createRecord(context, type, body, { externalId });
}

export function deleteRecord(context: WriteContext, record: StoredRecord): void {
  const dependent = findDependent(context.store, record);
  if (dependent !== undefined) {
    throw problems.userError(
      `This record cannot be deleted because it has dependent records (${dependent.type} ${dependent.id}).`,
    );
  }
  context.store.delete(record.type, record.id);
  rules[record.type].afterDelete?.(record, context.store);
}

function duplicateExternalId(externalId: string, holder: RecordType): NetSuiteProblem {
  return new NetSuiteProblem(
    400,
    'USER_ERROR',
    `Error while accessing a resource. A record with the external ID '${externalId}' already exists (${holder}). External IDs are unique, regardless of case, across the record group.`,
    { path: 'externalId' },
  );
}

function checkExternalIdFree(
  store: RecordStore,
  type: RecordType,
  externalId: unknown,
  self: StoredRecord | undefined,
): void {
  if (typeof externalId !== 'string' || externalId === '') return;
  const owner = store.externalIdOwner(type, externalId);
  if (owner === undefined) return;
  if (self !== undefined && owner.type === self.type && owner.id === self.id) return;
  throw duplicateExternalId(externalId, owner.type);
}

/**
 * NetSuite's sublist rules: on create, or when the sublist is named in `replace`, the body's lines are
 * the sublist. Otherwise lines that name an existing `line` (or, for `apply`, an existing `doc`) are
 * updated and every other line is ADDED — re-sending a bill's expense lines without `replace=expense`
 * doubles them, as it does in NetSuite.
 */
function mergeSublist(
  type: RecordType,
  name: string,
  current: StoredLine[],
  patches: LinePatch[],
  replace: boolean,
  touched: Set<StoredLine>,
  paths: Map<StoredLine, string>,
): StoredLine[] {
  const keyedByDoc = type === 'vendorPayment' && name === 'apply';
  const lines: StoredLine[] = replace ? [] : current.map((line) => ({ ...line }));
  let nextLine = lines.reduce((max, line) => Math.max(max, typeof line.line === 'number' ? line.line : 0), 0);
  const seenDocs = new Set<string>();
  for (const patch of patches) {
    const path = `${name}.items[${patch.index}]`;
    let target: StoredLine | undefined;
    if (keyedByDoc) {
      const doc = patch.fields.doc;
      if (typeof doc === 'string') {
        if (seenDocs.has(doc)) {
          throw problems.userError(`The bill ${doc} appears on more than one apply line.`, `${path}.doc`);
        }
        seenDocs.add(doc);
        target = lines.find((line) => line.doc === doc);
      } else if (patch.line !== undefined) {
        target = lines.find((line) => line.line === patch.line);
        if (target === undefined) throw problems.invalidValue('line', String(patch.line), `${path}.line`);
      }
    } else if (patch.line !== undefined && !replace) {
      target = lines.find((line) => line.line === patch.line);
      if (target === undefined) throw problems.invalidValue('line', String(patch.line), `${path}.line`);
    }
    if (target !== undefined) {
      for (const [key, value] of Object.entries(patch.fields)) {
        if (value === null) delete target[key];
        else target[key] = value;
      }
    } else {
      nextLine += 1;
      target = { line: nextLine };
      for (const [key, value] of Object.entries(patch.fields)) if (value !== null) target[key] = value;
      lines.push(target);
    }
    touched.add(target);
    paths.set(target, path);
  }
  return lines;
}

/** The first record that refers to `record` (NetSuite refuses to delete records in use). */
function findDependent(
  store: RecordStore,
  record: StoredRecord,
): { type: RecordType; id: string } | undefined {
  for (const type of recordTypes) {
    const spec = recordSpecs[type];
    const direct: string[] = [];
    const multi: string[] = [];
    const sublists: Array<{ name: string; fields: string[] }> = [];
    for (const [name, field] of Object.entries(spec.fields)) {
      if (field.kind === 'ref' && field.target === record.type) direct.push(name);
      if (field.kind === 'multiref' && field.target === record.type) multi.push(name);
      if (field.kind === 'sublist') {
        const fields = Object.entries(field.line)
          .filter(([, line]) => line.kind === 'ref' && line.target === record.type)
          .map(([lineName]) => lineName);
        if (fields.length > 0) sublists.push({ name, fields });
      }
    }
    if (direct.length === 0 && multi.length === 0 && sublists.length === 0) continue;
    for (const other of store.list(type)) {
      if (other.type === record.type && other.id === record.id) continue;
      const uses =
        direct.some((name) => other.fields[name] === record.id) ||
        multi.some(
          (name) =>
            Array.isArray(other.fields[name]) && (other.fields[name] as unknown[]).includes(record.id),
        ) ||
        sublists.some(
          ({ name, fields }) =>
            Array.isArray(other.fields[name]) &&
            (other.fields[name] as StoredLine[]).some((line) =>
              fields.some((field) => line[field] === record.id),
            ),
        );
      if (uses) return { type, id: other.id };
    }
  }
  return undefined;
}
