// Pure comparison of NetSuite master data (vendors, GL accounts, departments) with the Procurify records
// linked to them: each NetSuite record in scope must have a link, its Procurify record must exist and
// carry the mapping of the current NetSuite record (the same mapping functions the inbound worker
// writes with), and a link whose NetSuite record is gone must have an inactive Procurify record. No I/O.

import type { ApAccountCode, ApDepartment, ApVendor } from '../ap/master-data.ts';
import {
  accountCodeActiveReview,
  type MasterDataScope,
  mapAccount,
  mapDepartment,
  mapVendor,
  type ProcurifyLookups,
  type ScopeDecision,
  segmentScope,
  vendorScope,
} from '../master-data/map-master-data.ts';
import type { RecordLink, RecordState } from '../state/model.ts';
import { type Discrepancy, forAPerson, type MasterArea } from './model.ts';
import type { NetSuiteAccountRow, NetSuiteDepartmentRow, NetSuiteVendorRow } from './ports.ts';

/** What every master comparison needs besides the records themselves. */
export interface MasterComparisonContext {
  /** Links by NetSuite id (the NetSuite → Procurify items). */
  links: ReadonlyMap<string, RecordLink>;
  /** Sync states by NetSuite id. */
  states: ReadonlyMap<string, RecordState>;
  scope: MasterDataScope;
  lookups: ProcurifyLookups;
  now: Date;
  /**
   * Changes younger than this are left to the sync in flight (a notice or poll on its way): a record
   * modified a minute ago and not linked yet is not a discrepancy.
   */
  graceMs: number;
}

/** A field the mapping writes: its name, the value apsync would write, the value Procurify has. */
interface FieldPair {
  field: string;
  expected: unknown;
  actual: unknown;
}

/**
 * The pairs of a field of the mapped write (named as Procurify names it: the name a discrepancy reports)
 * and the Procurify record's field that holds it (`fields`: write field → record field).
 */
function paired<W extends object, T extends object>(
  write: W,
  target: T | undefined,
  fields: ReadonlyArray<readonly [keyof W & string, keyof T]>,
): FieldPair[] {
  return fields.map(([field, held]) => ({ field, expected: write[field], actual: target?.[held] }));
}

/** States that already put the record in front of a person (the review list): not re-reported as missing. */
const onReviewList = (state: RecordState | undefined): boolean =>
  state !== undefined &&
  (state.status === 'review' || state.status === 'failed' || state.status === 'dismissed');

const show = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(String).join(', ');
  return String(value);
};

const sameValue = (a: unknown, b: unknown): boolean => {
  const norm = (value: unknown): unknown => {
    if (value === undefined || value === '') return null;
    if (Array.isArray(value)) return value.length === 0 ? null : [...value].map(String).sort().join('\n');
    return value;
  };
  return norm(a) === norm(b);
};

const seconds = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
};

const label: Record<MasterArea, { netsuite: string; procurify: string }> = {
  vendor: { netsuite: 'NetSuite vendor', procurify: 'Procurify vendor' },
  account: { netsuite: 'NetSuite account', procurify: 'Procurify account code' },
  department: { netsuite: 'NetSuite department', procurify: 'Procurify department' },
};

type MasterRow = { record: { id: string }; lastModified: string };
type ProcurifyMaster = { id: number; active: boolean };

/** What sets one kind's comparison apart (compareMaster). */
interface MasterRules<N, P> {
  scope(row: N): ScopeDecision;
  /** The fields apsync writes for this record, or undefined when it is not synced at all. */
  fields(row: N, target: P | undefined): FieldPair[] | undefined;
  /** Whether a record in scope without a link is expected to stay unlinked (e.g. an inactive account). */
  unlinkedIsFine?(row: N): boolean;
  /** The discrepancy for an active flag that differs, when apsync cannot repair it (account codes). */
  activeDiffers?(row: N, target: P): Discrepancy | undefined;
  /**
   * How a link whose NetSuite record is gone while the Procurify record is active is repaired, when not
   * by making the Procurify record inactive.
   */
  deleted?(link: RecordLink, target: P): Pick<Discrepancy, 'action' | 'owner' | 'message'>;
}

/**
 * The comparison shared by the three kinds: scope, link, existence, fields, freshness; then the links whose
 * NetSuite record is gone. `expected` maps a NetSuite record to the fields apsync writes (undefined: not
 * synced, e.g. an account without a Number); `fields` pairs them with the Procurify record's.
 */
function compareMaster<N extends MasterRow, P extends ProcurifyMaster>(
  area: MasterArea,
  netsuite: Iterable<N>,
  procurify: Iterable<P>,
  context: MasterComparisonContext,
  rules: MasterRules<N, P>,
): Discrepancy[] {
  const found: Discrepancy[] = [];
  const byId = new Map<string, P>();
  for (const record of procurify) byId.set(String(record.id), record);
  const seen = new Set<string>();
  const names = label[area];
  const nowSeconds = Math.floor(context.now.getTime() / 1000);
  const graceSeconds = Math.floor(context.graceMs / 1000);

  for (const row of netsuite) {
    const id = row.record.id;
    seen.add(id);
    const scope = rules.scope(row);
    if (!('inScope' in scope) || !scope.inScope) continue;
    const link = context.links.get(id);
    const state = context.states.get(id);
    const target = link === undefined ? undefined : byId.get(link.procurifyId);
    const fields = rules.fields(row, target);
    if (fields === undefined) continue;
    const recent = (seconds(row.lastModified) ?? 0) > nowSeconds - graceSeconds;
    if (link === undefined) {
      if (recent || onReviewList(state) || rules.unlinkedIsFine?.(row)) continue;
      found.push({
        area,
        kind: 'not-linked',
        netsuiteId: id,
        procurifyId: null,
        netsuiteValue: show(fields.find((pair) => pair.field === 'name' || pair.field === 'code')?.expected),
        procurifyValue: null,
        action: 'resync',
        owner: 'apsync',
        message: `${names.netsuite} ${id} is in scope but has no ${names.procurify}: synced again`,
      });
      continue;
    }
    if (target === undefined) {
      found.push(
        forAPerson({
          area,
          kind: 'missing-in-procurify',
          netsuiteId: id,
          procurifyId: link.procurifyId,
          netsuiteValue: show(
            fields.find((pair) => pair.field === 'name' || pair.field === 'code')?.expected,
          ),
          procurifyValue: null,
          message:
            `${names.procurify} ${link.procurifyId}, linked to ${names.netsuite} ${id}, no longer exists in Procurify; ` +
            `if it was removed on purpose, make the NetSuite record inactive; otherwise restore it in Procurify, then apsync review replay ${area}:${id}`,
        }),
      );
      continue;
    }
    let differs = false;
    for (const pair of fields) {
      if (sameValue(pair.expected, pair.actual)) continue;
      differs = true;
      found.push({
        area,
        kind: 'field-differs',
        netsuiteId: id,
        procurifyId: link.procurifyId,
        field: pair.field,
        netsuiteValue: show(pair.expected),
        procurifyValue: show(pair.actual),
        action: 'resync',
        owner: 'apsync',
        message: `${names.procurify} ${link.procurifyId} ${pair.field} is ${JSON.stringify(show(pair.actual))}, NetSuite's mapping gives ${JSON.stringify(show(pair.expected))}: written again from NetSuite`,
      });
    }
    const active = rules.activeDiffers?.(row, target);
    if (active !== undefined) {
      differs = true;
      found.push(active);
    }
    // A change in NetSuite newer than the last one apsync synced, not yet seen by the worker.
    const syncedAt = state?.sourceModified;
    const synced = seconds(syncedAt);
    const modified = seconds(row.lastModified);
    if (
      !differs &&
      !recent &&
      !onReviewList(state) &&
      synced !== undefined &&
      modified !== undefined &&
      modified > synced
    ) {
      found.push({
        area,
        kind: 'outdated',
        netsuiteId: id,
        procurifyId: link.procurifyId,
        field: 'lastModified',
        netsuiteValue: row.lastModified,
        // Defined: synced was read from it.
        procurifyValue: syncedAt!,
        action: 'resync',
        owner: 'apsync',
        message: `${names.netsuite} ${id} changed at ${row.lastModified}, after the version apsync last synced (${syncedAt}): synced again`,
      });
    }
  }

  for (const link of context.links.values()) {
    if (seen.has(link.netsuiteId)) continue;
    const target = byId.get(link.procurifyId);
    if (target === undefined || !target.active) continue;
    found.push({
      area,
      kind: 'deleted-in-netsuite',
      netsuiteId: link.netsuiteId,
      procurifyId: link.procurifyId,
      field: 'active',
      netsuiteValue: null,
      procurifyValue: 'true',
      ...(rules.deleted?.(link, target) ?? {
        action: 'deactivate',
        owner: 'apsync',
        message: `${names.netsuite} ${link.netsuiteId} no longer exists (deleted without a notice reaching apsync); ${names.procurify} ${link.procurifyId} is still active: made inactive (never deleted)`,
      }),
    });
  }
  return found;
}

/** A comparison of one kind: NetSuite's records in scope with the Procurify records linked to them. */
export type MasterComparison<N, P> = (
  netsuite: Iterable<N>,
  procurify: Iterable<P>,
  context: MasterComparisonContext,
) => Discrepancy[];

function masterComparison<N extends MasterRow, P extends ProcurifyMaster>(
  area: MasterArea,
  rulesFor: (context: MasterComparisonContext) => MasterRules<N, P>,
): MasterComparison<N, P> {
  return (netsuite, procurify, context) =>
    compareMaster(area, netsuite, procurify, context, rulesFor(context));
}

export const compareVendors = masterComparison<NetSuiteVendorRow, ApVendor>('vendor', (context) => ({
  scope: (row) => vendorScope(row.record, context.scope),
  fields: (row, target) => {
    const { write } = mapVendor(row.record, context.lookups, row.currencyCode);
    // Address and web site are not in SuiteQL's vendor table: compared through `outdated` only.
    return paired(write, target, [
      ['name', 'name'],
      ['active', 'active'],
      ['email', 'email'],
      ['phoneOne', 'phoneOne'],
      ['currency', 'currencyId'],
      ['external_id', 'externalId'],
    ]);
  },
}));

export const compareAccounts = masterComparison<NetSuiteAccountRow, ApAccountCode>('account', (context) => ({
  scope: (row) => segmentScope(row.record, context.scope),
  fields: (row, target) => {
    const mapped = mapAccount(row.record);
    if ('skip' in mapped) return undefined;
    const pairs = paired(mapped.write, target, [
      ['code', 'code'],
      ['description', 'description'],
      ['account_type', 'accountType'],
    ]);
    // The worker writes a parent only when the NetSuite parent is itself linked.
    const parent =
      mapped.parentNetSuiteId === undefined ? undefined : context.links.get(mapped.parentNetSuiteId);
    if (parent !== undefined) {
      pairs.push({ field: 'parent', expected: Number(parent.procurifyId), actual: target?.parentId });
    }
    return pairs;
  },
  // An inactive account without an account code is not created (sync-master-record.ts).
  unlinkedIsFine: (row) => row.record.isInactive === true,
  activeDiffers: (row, target) => {
    const inactive = row.record.isInactive === true;
    if (target.active !== inactive) return undefined;
    return forAPerson({
      area: 'account',
      kind: 'field-differs',
      netsuiteId: row.record.id,
      procurifyId: String(target.id),
      field: 'active',
      netsuiteValue: String(!inactive),
      procurifyValue: String(target.active),
      message: accountCodeActiveReview(
        `account code ${target.code}`,
        row.record.id,
        inactive ? 'inactive' : 'active',
      ),
    });
  },
  // Procurify's API cannot deactivate an account code: a person must.
  deleted: (link, target) => ({
    action: 'none',
    owner: 'hand-edit',
    message: accountCodeActiveReview(`account code ${target.code}`, link.netsuiteId, 'deleted'),
  }),
}));

export const compareDepartments = masterComparison<NetSuiteDepartmentRow, ApDepartment>(
  'department',
  (context) => ({
    scope: (row) => segmentScope(row.record, context.scope),
    fields: (row, target) => {
      const write = mapDepartment(row.record, context.lookups);
      return [
        ...paired(write, target, [
          ['name', 'name'],
          ['active', 'active'],
          ['external_id', 'externalId'],
        ]),
        { field: 'branch', expected: write.branch, actual: target?.locationId },
      ];
    },
  }),
);
