// Pure mapping rules of the master-data sync (NetSuite → Procurify): a NetSuite vendor, GL account or
// department becomes the Procurify record apsync would write, or a reason why it is not written. No I/O; unit-tested.
import { createHash } from 'node:crypto';
import type { AccountCodeWrite, DepartmentWrite, VendorWrite } from '../procurify/ports.ts';
import type { NetSuiteAccount, NetSuiteDepartment, NetSuiteVendor } from './netsuite-master-records.ts';
import { subsidiaryIds } from './netsuite-master-records.ts';

export interface MasterDataScope {
  /** Only records of these NetSuite subsidiaries (none = all). */
  subsidiaryIds?: readonly string[];
  /** A NetSuite boolean field on vendors that must be true for the vendor to sync. */
  vendorSyncFlagField?: string;
}

export type ScopeDecision = { inScope: true } | { inScope: false; reason: string } | { invalid: string };

/** Procurify lookups the mapping needs, read once per container. */
export interface ProcurifyLookups {
  /** Currency code (e.g. `USD`) → Procurify currency id. */
  currencyIds: ReadonlyMap<string, number>;
  /** The Procurify location departments go to when no subsidiary mapping applies. */
  departmentLocationId: number;
  /** NetSuite subsidiary id → the Procurify location of its departments (APSYNC_DEPARTMENT_LOCATIONS). */
  departmentLocationsBySubsidiary?: ReadonlyMap<string, number>;
  /** Subsidiaries whose mapped location Procurify lacks, with the message naming the setting. */
  invalidDepartmentLocations?: ReadonlyMap<string, string>;
}

const procurifyVendorTypeRegular = 4;

/** Vendors: in scope when in a chosen subsidiary and, if configured, flagged for sync. */
export function vendorScope(vendor: NetSuiteVendor, scope: MasterDataScope): ScopeDecision {
  if (scope.vendorSyncFlagField !== undefined) {
    const field = scope.vendorSyncFlagField;
    const value = (vendor as Record<string, unknown>)[field];
    if (value === undefined) {
      return {
        invalid: `the sync-flag field "${field}" does not exist on NetSuite vendor ${vendor.id}; check the field id`,
      };
    }
    if (typeof value !== 'boolean') {
      return {
        invalid: `the sync-flag field "${field}" is not a checkbox (got ${typeof value}); check the field id`,
      };
    }
    if (!value) return { inScope: false, reason: `${field} is not checked` };
  }
  return subsidiaryScope(subsidiaryIds(vendor.subsidiary), scope);
}

export function segmentScope(
  record: NetSuiteAccount | NetSuiteDepartment,
  scope: MasterDataScope,
): ScopeDecision {
  return subsidiaryScope(subsidiaryIds(record.subsidiary), scope);
}

/** The scope decision of any master record: a vendor's (vendorScope) or an account's or department's. */
export function masterScope(
  kind: 'vendor' | 'account' | 'department',
  record: NetSuiteVendor | NetSuiteAccount | NetSuiteDepartment,
  scope: MasterDataScope,
): ScopeDecision {
  return kind === 'vendor'
    ? vendorScope(record as NetSuiteVendor, scope)
    : segmentScope(record as NetSuiteAccount | NetSuiteDepartment, scope);
}

function subsidiaryScope(ids: readonly string[], scope: MasterDataScope): ScopeDecision {
  if (scope.subsidiaryIds === undefined || scope.subsidiaryIds.length === 0) return { inScope: true };
  // A record with no subsidiary shown is shared by all subsidiaries.
  if (ids.length === 0 || ids.some((id) => scope.subsidiaryIds?.includes(id))) return { inScope: true };
  return { inScope: false, reason: `subsidiary ${ids.join(', ')} is outside the configured scope` };
}

export interface MappedVendor {
  write: VendorWrite;
  /** Facts dropped on the way, for the audit trail (e.g. a currency Procurify does not know). */
  notes: string[];
}

/**
 * `currencyCode` is the ISO code of the vendor's NetSuite currency (its `symbol`; the reference's
 * refName is a display name such as "US Dollar"), resolved by the caller; `termsName` the name of its
 * NetSuite terms record (the reference's refName, else read by the caller).
 *
 * What flows (Procurify's OptimizedVendorRequest / PatchedOptimizedVendorRequest): name, active, e-mails,
 * the default billing address (two lines, city, state, zip, country), phone → phoneOne, alt. phone (else
 * mobile phone) → phoneTwo, fax, web address, currency, terms → payment_term_ref (by name: Procurify
 * finds the payment term of that name or creates it; its API lists no terms), external id.
 */
export function mapVendor(
  vendor: NetSuiteVendor,
  lookups: ProcurifyLookups,
  currencyCode: string | undefined = vendor.currency?.refName,
  termsName: string | undefined = vendor.terms?.refName,
): MappedVendor {
  const notes: string[] = [];
  const personName = [vendor.firstName, vendor.lastName].filter(Boolean).join(' ');
  const name =
    (vendor.isPerson ? personName : vendor.companyName) ||
    vendor.companyName ||
    personName ||
    vendor.entityId ||
    `Vendor ${vendor.id}`;
  const emails = (vendor.email ?? '')
    .split(/[,;\s]+/)
    .map((email) => email.trim())
    .filter((email) => email !== '');
  const validEmails = emails.filter((email) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email));
  if (validEmails.length < emails.length)
    notes.push(`email "${vendor.email}" is not a valid address; not sent`);
  const address = billingAddress(vendor);
  let currency: number | null = null;
  if (currencyCode !== undefined) {
    const id = lookups.currencyIds.get(currencyCode.toUpperCase());
    if (id === undefined) notes.push(`currency ${currencyCode} is not a Procurify currency; not sent`);
    else currency = id;
  }
  const phone = (field: string, value: string | undefined): string | null => {
    const trimmed = value?.trim() ?? '';
    if (trimmed === '') return null;
    if (trimmed.length > 20) {
      notes.push(
        `${field} "${trimmed}" is longer than Procurify's 20 characters; cut to "${trimmed.slice(0, 20)}"`,
      );
    }
    return trimmed.slice(0, 20);
  };
  const terms = termsName?.trim() ?? '';
  if (terms.length > 100) notes.push(`terms "${terms}" are longer than Procurify's 100 characters; cut`);
  const write: VendorWrite = {
    name: name.slice(0, 150),
    active: vendor.isInactive !== true,
    email: validEmails,
    type: procurifyVendorTypeRegular,
    external_id: vendor.id,
    addressLineOne: address?.addr1 ?? null,
    addressLineTwo: address?.addr2 ?? null,
    city: address?.city ?? null,
    state_province: address?.state ?? null,
    postalCode: address?.zip ?? null,
    country: address === undefined ? null : countryOf(address.country),
    phoneOne: phone('phone', vendor.phone),
    phoneTwo: phone('alt. phone', vendor.altPhone ?? vendor.mobilePhone),
    fax: phone('fax', vendor.fax),
    url: vendor.url ?? null,
    currency,
    payment_term_ref: terms === '' ? null : { name: terms.slice(0, 100) },
  };
  return { write, notes };
}

/** The vendor's default billing address; a vendor with one address uses it. */
function billingAddress(vendor: NetSuiteVendor) {
  const items = vendor.addressBook?.items ?? [];
  const chosen = items.find((item) => item.defaultBilling) ?? (items.length === 1 ? items[0] : undefined);
  return chosen?.addressBookAddress;
}

function countryOf(country: string | { id: string } | undefined): string | null {
  if (country === undefined) return null;
  return typeof country === 'string' ? country : country.id;
}

/** NetSuite account type ids → Procurify account_type (0 assets … 5 other). */
const accountTypeMap: Record<string, number> = {
  Bank: 0,
  AcctRec: 0,
  OthCurrAsset: 0,
  FixedAsset: 0,
  OthAsset: 0,
  DeferExpense: 0,
  UnbilledRec: 0,
  AcctPay: 1,
  CredCard: 1,
  OthCurrLiab: 1,
  LongTermLiab: 1,
  DeferRevenue: 1,
  Expense: 2,
  OthExpense: 2,
  COGS: 2,
  Income: 3,
  OthIncome: 3,
  Equity: 4,
};

export type MappedAccount = { skip: string } | { write: AccountCodeWrite; parentNetSuiteId?: string };

/**
 * GL account → account code: the account Number is the code; no Number, no account code. The parent is
 * resolved by the caller (only when the parent itself is synced). Whether the account is inactive is not
 * written: Procurify's account code requests have no `active` (see accountCodeActiveReview).
 */
export function mapAccount(account: NetSuiteAccount): MappedAccount {
  const code = account.acctNumber?.trim();
  if (code === undefined || code === '')
    return { skip: `account ${account.id} has no Number; Procurify account codes need one` };
  if (code.length > 50) return { skip: `account Number "${code}" is longer than Procurify's 50 characters` };
  const typeId = typeof account.acctType === 'string' ? account.acctType : account.acctType?.id;
  return {
    write: {
      code,
      description: (account.acctName ?? code).slice(0, 200),
      account_type: typeId === undefined ? 5 : (accountTypeMap[typeId] ?? 5),
    },
    ...(account.parent === undefined ? {} : { parentNetSuiteId: account.parent.id }),
  };
}

/**
 * What an account's sync compares with the last one: the account code written and the account's active
 * flag, which is not written (Procurify's API cannot) but must be looked at again when it changes.
 */
export function accountContentHash(write: AccountCodeWrite, inactive: boolean): string {
  return contentHash({ ...write, inactive });
}

/**
 * The review message when an account code must be (de)activated by hand: Procurify's API has no way to
 * change an account code's `active` (AccountCodeCreateRequest and AccountCodeUpdateRequest lack it, and no
 * other operation offers it), so a person does it in Procurify. Bills coded with an inactive NetSuite
 * account are parked by the bill sync meanwhile.
 */
export function accountCodeActiveReview(
  accountCode: string,
  netsuiteId: string,
  change: 'inactive' | 'deleted' | 'active',
): string {
  const cannot = "Procurify's API cannot change an account code's active flag";
  if (change === 'active')
    return `activate ${accountCode} in Procurify: NetSuite account ${netsuiteId} is active again (${cannot})`;
  const why = change === 'deleted' ? 'was deleted' : 'is inactive';
  return (
    `deactivate ${accountCode} in Procurify: NetSuite account ${netsuiteId} ${why} (${cannot}); ` +
    'until then bills coded with it are parked for review'
  );
}

export type DepartmentLocation =
  | { locationId: number; source: 'subsidiary' | 'default' }
  | { problem: string; waitingFor: string };

/**
 * The Procurify location of a department: the one its NetSuite subsidiaries map to; the default
 * location when none of them is mapped (or it shows no subsidiary). Subsidiaries mapped to different
 * locations, or to a location Procurify lacks, are a problem for a person (the department is parked).
 */
export function departmentLocation(
  department: NetSuiteDepartment,
  lookups: ProcurifyLookups,
): DepartmentLocation {
  const ids = subsidiaryIds(department.subsidiary);
  const problems = ids.flatMap((id) => {
    const problem = lookups.invalidDepartmentLocations?.get(id);
    return problem === undefined ? [] : [problem];
  });
  if (problems.length > 0) return { problem: problems.join('; '), waitingFor: 'setting:departmentLocations' };
  const mapped = new Map<number, string[]>();
  for (const id of ids) {
    const location = lookups.departmentLocationsBySubsidiary?.get(id);
    if (location !== undefined) mapped.set(location, [...(mapped.get(location) ?? []), id]);
  }
  if (mapped.size === 0) return { locationId: lookups.departmentLocationId, source: 'default' };
  if (mapped.size === 1) return { locationId: [...mapped.keys()][0]!, source: 'subsidiary' };
  const which = [...mapped]
    .map(([location, subsidiaries]) => `subsidiary ${subsidiaries.join(', ')} → location ${location}`)
    .join('; ');
  return {
    problem:
      `department ${department.id} belongs to NetSuite subsidiaries mapped to different Procurify locations (${which}), ` +
      'and a Procurify department has one location: limit the department to subsidiaries of one location, or map them to the same one',
    waitingFor: 'setting:departmentLocations',
  };
}

/** The department as Procurify's DepartmentUpsertRequest; a location problem falls back to the default. */
export function mapDepartment(department: NetSuiteDepartment, lookups: ProcurifyLookups): DepartmentWrite {
  const location = departmentLocation(department, lookups);
  return {
    name: department.name.slice(0, 150),
    branch: 'locationId' in location ? location.locationId : lookups.departmentLocationId,
    external_id: department.id,
    active: department.isInactive !== true,
  };
}

/** A stable hash of what would be written: equal hashes mean the write would change nothing. */
export function contentHash(content: unknown): string {
  return createHash('sha256').update(stableJson(content)).digest('hex').slice(0, 32);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      // An object's keys are distinct: no two compare equal.
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
