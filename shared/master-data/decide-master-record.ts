// The master-data decision, made once: for a NetSuite vendor, GL account or department as it is now
// (or gone), what apsync does in Procurify — nothing (out of scope, not mappable, inactive and never
// created, deleted before it was ever synced), refuse it (a scope setting it cannot apply), put it on
// the review list naming what it waits for, nothing because the mapped content equals what was last
// written, write the exact Procurify record (target, method, body), or make the linked record inactive.
// Reads only (links, Procurify lookups and candidates); the inbound worker (sync-master-record.ts)
// applies the decision and `apsync preview vendor:<id>` (account:, department:) renders the same one.
import type { NetSuiteRecords } from '../netsuite/index.ts';
import type {
  AccountCodeWrite,
  DepartmentWrite,
  ProcurifyAccountCodes,
  ProcurifyDepartments,
  ProcurifyVendors,
  VendorPatch,
  VendorWrite,
} from '../procurify/ports.ts';
import type { RecordLink } from '../state/model.ts';
import type { LinkStore } from '../state/ports.ts';
import {
  accountCodeActiveReview,
  accountContentHash,
  contentHash,
  departmentLocation,
  type MasterDataScope,
  mapAccount,
  mapDepartment,
  mapVendor,
  masterScope,
  type ProcurifyLookups,
  type ScopeDecision,
} from './map-master-data.ts';
import type { NetSuiteAccount, NetSuiteDepartment, NetSuiteVendor } from './netsuite-master-records.ts';
import { vendorCurrencyCode, vendorTermsName } from './vendor-references.ts';

export type MasterKind = 'vendor' | 'account' | 'department';

/** The Procurify records master data is written to. */
export type ProcurifyMasterData = ProcurifyVendors & ProcurifyAccountCodes & ProcurifyDepartments;

/** The exact body of one master-data write. */
export type MasterWrite = VendorWrite | AccountCodeWrite | DepartmentWrite;

/** Where a write goes in Procurify's API. */
export interface MasterWriteTarget {
  kind: 'vendor' | 'account code' | 'department';
  /** Absent: the record is created. */
  id?: number;
  /** Vendors are updated with PATCH (a PUT must carry the vendor's score and would overwrite it). */
  method: 'POST' | 'PATCH' | 'PUT';
  path: string;
}

export type MasterDecision =
  /** A scope setting that cannot be applied (the worker refuses the message). */
  | { kind: 'invalid'; message: string }
  | { kind: 'skip'; message: string }
  | { kind: 'review'; message: string; waitingFor?: string[]; procurifyId?: string }
  | {
      kind: 'unchanged';
      procurifyId: string;
      hash: string;
      /** The linked record and the content it was last written with (nothing is sent). */
      target: MasterWriteTarget;
      payload: MasterWrite;
      /** An account whose NetSuite parent has no account code in Procurify yet. */
      waitingParent?: string;
    }
  | {
      kind: 'write';
      target: MasterWriteTarget;
      payload: MasterWrite;
      hash: string;
      link?: RecordLink;
      /** How a record found without a link is linked after the write. */
      origin: 'created' | 'name-match';
      /** Facts dropped on the way (audit trail, preview). */
      notes: string[];
      /** Why this target (preview). */
      reason?: string;
      waitingParent?: string;
      /** An account: inactive in NetSuite (Procurify's API cannot change an account code's flag). */
      inactive?: boolean;
      /** The review the write is expected to end in: the account code's active flag differs. */
      expectedReview?: string;
    }
  /** Gone from NetSuite: the linked record is made inactive, never deleted (no target: nothing to write). */
  | {
      kind: 'deactivate';
      procurifyId: string;
      target?: MasterWriteTarget;
      payload?: VendorPatch | DepartmentWrite;
    };

export interface DecideMasterRecordDependencies {
  procurify: Pick<
    ProcurifyMasterData,
    'getVendor' | 'findVendorByExternalId' | 'listVendors' | 'listAccountCodes' | 'listDepartments'
  >;
  state: Pick<LinkStore, 'findBySource'>;
  scope: MasterDataScope;
  lookups: () => Promise<ProcurifyLookups>;
  /** The vendor's currency ISO code and terms name, read from NetSuite (readVendorNames). */
  vendorNames(vendor: NetSuiteVendor): Promise<{ currencyCode?: string; termsName?: string }>;
}

const paths = {
  vendor: '/api/v3/vendors/',
  'account code': '/api/v3/account-codes/',
  department: '/api/v3/departments/',
} as const;

function target(kind: MasterWriteTarget['kind'], id: number | undefined): MasterWriteTarget {
  if (id === undefined) return { kind, method: 'POST', path: paths[kind] };
  return { kind, id, method: kind === 'vendor' ? 'PATCH' : 'PUT', path: `${paths[kind]}${id}/` };
}

const unchanged = (
  kind: MasterWriteTarget['kind'],
  link: RecordLink,
  hash: string,
  payload: MasterWrite,
): Extract<MasterDecision, { kind: 'unchanged' }> => ({
  kind: 'unchanged',
  procurifyId: link.procurifyId,
  hash,
  target: target(kind, Number(link.procurifyId)),
  payload,
});

/** A record a scope setting cannot be applied to (refused), or one out of scope (skipped). */
function outOfScope(scope: ScopeDecision): MasterDecision | undefined {
  if ('invalid' in scope) return { kind: 'invalid', message: scope.invalid };
  if (!scope.inScope) return { kind: 'skip', message: scope.reason };
  return undefined;
}

/** Write `payload` to the target (created when there is no id); `link`: the record's link, if any. */
const writeDecision = (
  kind: MasterWriteTarget['kind'],
  targetId: number | undefined,
  payload: MasterWrite,
  hash: string,
  link: RecordLink | undefined,
): Extract<MasterDecision, { kind: 'write' }> => ({
  kind: 'write',
  target: target(kind, targetId),
  payload,
  hash,
  ...(link === undefined ? {} : { link }),
  origin: 'created',
  notes: [],
});

/**
 * The decision for one record: `record` is undefined when it is gone from NetSuite (or the notice says
 * it was deleted); `lastHash` is the content hash the record's state remembers.
 */
export async function decideMasterRecord(
  kind: MasterKind,
  id: string,
  record: NetSuiteVendor | NetSuiteAccount | NetSuiteDepartment | undefined,
  lastHash: string | undefined,
  deps: DecideMasterRecordDependencies,
): Promise<MasterDecision> {
  if (record === undefined) return decideDeactivation(kind, id, deps);
  const outside = outOfScope(masterScope(kind, record, deps.scope));
  if (outside !== undefined) return outside;
  switch (kind) {
    case 'vendor':
      return decideVendor(record as NetSuiteVendor, lastHash, deps);
    case 'account':
      return decideAccount(record as NetSuiteAccount, lastHash, deps);
    case 'department':
      return decideDepartment(record as NetSuiteDepartment, lastHash, deps);
  }
}

async function decideVendor(
  vendor: NetSuiteVendor,
  lastHash: string | undefined,
  deps: DecideMasterRecordDependencies,
): Promise<MasterDecision> {
  const names = await deps.vendorNames(vendor);
  const { write, notes } = mapVendor(vendor, await deps.lookups(), names.currencyCode, names.termsName);
  const hash = contentHash(write);
  const link = await deps.state.findBySource('netsuite', 'vendor', vendor.id);
  if (link !== undefined && hash === lastHash) return unchanged('vendor', link, hash, write);

  let targetId: number | undefined;
  let origin: 'created' | 'name-match' = 'created';
  let reason: string | undefined;
  if (link !== undefined) {
    targetId = (await deps.procurify.getVendor(Number(link.procurifyId))).id;
  } else {
    targetId = (await deps.procurify.findVendorByExternalId(vendor.id))?.id;
    if (targetId !== undefined) reason = `Procurify vendor ${targetId} already has external_id ${vendor.id}`;
    else {
      const sameName: number[] = [];
      for await (const candidate of deps.procurify.listVendors({ name: write.name })) {
        if (candidate.name === write.name && (candidate.externalId ?? '') === '') sameName.push(candidate.id);
      }
      if (sameName.length > 1) {
        return {
          kind: 'review',
          message: `${sameName.length} Procurify vendors are named "${write.name}" (ids ${sameName.join(', ')}) and none is linked; link one by setting its external id to ${vendor.id}`,
          waitingFor: [`vendor-name:${write.name}`],
        };
      }
      if (sameName.length === 1) {
        targetId = sameName[0];
        origin = 'name-match';
        reason = `first-time link by name with Procurify vendor ${targetId}`;
      }
    }
  }
  return {
    ...writeDecision('vendor', targetId, write, hash, link),
    origin,
    notes,
    ...(reason === undefined ? {} : { reason }),
  };
}

/**
 * An account's parent is set whatever order parent and child arrive in: a child whose NetSuite parent
 * has no account code yet is written without one and waits for it (`waitingParent`).
 */
async function decideAccount(
  account: NetSuiteAccount,
  lastHash: string | undefined,
  deps: DecideMasterRecordDependencies,
): Promise<MasterDecision> {
  const mapped = mapAccount(account);
  if ('skip' in mapped) return { kind: 'skip', message: mapped.skip };
  const write = { ...mapped.write };
  let waitingParent: string | undefined;
  if (mapped.parentNetSuiteId !== undefined) {
    const parentLink = await deps.state.findBySource('netsuite', 'account', mapped.parentNetSuiteId);
    write.parent = parentLink === undefined ? null : Number(parentLink.procurifyId);
    if (parentLink === undefined) waitingParent = mapped.parentNetSuiteId;
  }
  const waiting = waitingParent === undefined ? {} : { waitingParent };
  const inactive = account.isInactive === true;
  const hash = accountContentHash(write, inactive);
  const link = await deps.state.findBySource('netsuite', 'account', account.id);
  if (link !== undefined && hash === lastHash) {
    return { ...unchanged('account code', link, hash, write), ...waiting };
  }
  // Account codes carry no external id in Procurify: the code (the NetSuite Number) is the natural key.
  let found: { id: number; active: boolean } | undefined;
  for await (const candidate of deps.procurify.listAccountCodes({ code: write.code })) {
    if (candidate.code === write.code) found = candidate;
  }
  if (found === undefined && link === undefined && inactive) {
    // Creating it would make an active account code that a person must then deactivate by hand.
    return {
      kind: 'skip',
      message: `account ${account.id} is inactive in NetSuite and has no account code in Procurify: not created`,
    };
  }
  // The Number changed in NetSuite: the linked account code is updated rather than a second one created.
  const targetId = found?.id ?? (link === undefined ? undefined : Number(link.procurifyId));
  return {
    ...writeDecision('account code', targetId, write, hash, link),
    ...waiting,
    inactive,
    // Procurify's API cannot change an account code's active flag: when it differs, a person must.
    ...(found !== undefined && found.active === inactive
      ? {
          expectedReview: accountCodeActiveReview(
            `account code ${write.code}`,
            account.id,
            inactive ? 'inactive' : 'active',
          ),
        }
      : {}),
  };
}

async function decideDepartment(
  department: NetSuiteDepartment,
  lastHash: string | undefined,
  deps: DecideMasterRecordDependencies,
): Promise<MasterDecision> {
  const lookups = await deps.lookups();
  const location = departmentLocation(department, lookups);
  if ('problem' in location) {
    return { kind: 'review', message: location.problem, waitingFor: [location.waitingFor] };
  }
  const write = mapDepartment(department, lookups);
  const hash = contentHash(write);
  const link = await deps.state.findBySource('netsuite', 'department', department.id);
  if (link !== undefined && hash === lastHash) return unchanged('department', link, hash, write);
  let targetId = link === undefined ? undefined : Number(link.procurifyId);
  if (targetId === undefined) {
    for await (const candidate of deps.procurify.listDepartments({ search: write.name })) {
      if (
        candidate.externalId === department.id ||
        (candidate.name === write.name && !candidate.externalId)
      ) {
        targetId = candidate.id;
        break;
      }
    }
  }
  return writeDecision('department', targetId, write, hash, link);
}

/** Deleted in NetSuite → inactive in Procurify (never deleted there). */
async function decideDeactivation(
  kind: MasterKind,
  id: string,
  deps: DecideMasterRecordDependencies,
): Promise<MasterDecision> {
  const link = await deps.state.findBySource('netsuite', kind, id);
  if (link === undefined) return { kind: 'skip', message: 'deleted in NetSuite before it was ever synced' };
  const procurifyId = Number(link.procurifyId);
  switch (kind) {
    case 'vendor':
      return {
        kind: 'deactivate',
        procurifyId: link.procurifyId,
        target: target('vendor', procurifyId),
        payload: { active: false },
      };
    case 'account': {
      let current: { code: string; active: boolean } | undefined;
      for await (const candidate of deps.procurify.listAccountCodes({})) {
        if (candidate.id === procurifyId) current = candidate;
      }
      // Procurify's API cannot deactivate an account code: a person must, unless someone already did.
      if (current?.active === true) {
        return {
          kind: 'review',
          message: accountCodeActiveReview(`account code ${current.code}`, id, 'deleted'),
          procurifyId: link.procurifyId,
        };
      }
      return { kind: 'deactivate', procurifyId: link.procurifyId };
    }
    case 'department': {
      let current: { name: string; locationId: number } | undefined;
      for await (const candidate of deps.procurify.listDepartments({})) {
        if (candidate.id === procurifyId) current = candidate;
      }
      if (current === undefined) return { kind: 'deactivate', procurifyId: link.procurifyId };
      return {
        kind: 'deactivate',
        procurifyId: link.procurifyId,
        target: target('department', procurifyId),
        payload: { name: current.name, branch: current.locationId, active: false },
      };
    }
  }
}

/**
 * The vendor's currency ISO code and terms name as mapVendor takes them: `knownCurrencyCode` when the
 * caller has it already (a bulk read), else read; `caches` are per container.
 */
export async function readVendorNames(
  netsuite: Pick<NetSuiteRecords, 'find'>,
  vendor: NetSuiteVendor,
  caches: {
    currencyCodes?: Map<string, string> | undefined;
    termNames?: Map<string, string> | undefined;
  } = {},
  knownCurrencyCode?: string,
): Promise<{ currencyCode?: string; termsName?: string }> {
  const currency = vendor.currency;
  const currencyCode =
    currency?.id === undefined
      ? undefined
      : (knownCurrencyCode ?? (await vendorCurrencyCode(netsuite, currency, caches.currencyCodes)));
  const termsName = await vendorTermsName(netsuite, vendor, caches.termNames);
  return {
    ...(currencyCode === undefined ? {} : { currencyCode }),
    ...(termsName === undefined ? {} : { termsName }),
  };
}
