// Use case behind the inbound worker: bring one NetSuite vendor, GL account or department
// to Procurify. Always reads the current record (so late, duplicated or out-of-order notices are
// harmless; read in bulk with the rest of its batch when the worker did so), applies the scope, maps, skips writes that change nothing, and records every outcome in
// the record's sync state and audit trail.
import { DataError, type SyncError } from '../errors.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import type { NetSuiteRecords } from '../netsuite/index.ts';
import type {
  AccountCodeWrite,
  ProcurifyAccountCode,
  ProcurifyAccountCodes,
  ProcurifyDepartments,
  ProcurifyVendor,
  ProcurifyVendors,
} from '../procurify/ports.ts';
import type { RecordKind, RecordRef, SyncStatus } from '../state/model.ts';
import { OutcomeJournal } from '../state/outcome-journal.ts';
import type { AuditTrail, LeaseStore, LinkStore, SyncStateStore } from '../state/ports.ts';
import { withRecordLease } from '../state/record-lease.ts';
import {
  accountCodeActiveReview,
  accountContentHash,
  contentHash,
  departmentLocation,
  type MasterDataScope,
  mapAccount,
  mapDepartment,
  mapVendor,
  type ProcurifyLookups,
  segmentScope,
  vendorScope,
} from './map-master-data.ts';
import {
  type NetSuiteAccount,
  type NetSuiteDepartment,
  type NetSuiteVendor,
  netSuiteAccountSchema,
  netSuiteDepartmentSchema,
  netSuiteVendorSchema,
} from './netsuite-master-records.ts';
import type { BatchMasterRecords } from './ports.ts';
import { vendorCurrencyCode, vendorTermsName } from './vendor-references.ts';

export interface SyncMasterRecordDependencies {
  netsuite: NetSuiteRecords;
  procurify: ProcurifyVendors & ProcurifyAccountCodes & ProcurifyDepartments;
  state: LinkStore & SyncStateStore & AuditTrail & LeaseStore;
  scope: MasterDataScope;
  lookups: () => Promise<ProcurifyLookups>;
  /** ISO codes of NetSuite currencies by internal id, filled as vendors are read (one GET per currency). */
  currencyCodes?: Map<string, string>;
  /** Names of NetSuite terms records by internal id, when a vendor's reference lacks its refName. */
  termNames?: Map<string, string>;
  /** The records of this message's batch, read in bulk before it (otherwise each is read with a GET). */
  batch?: BatchMasterRecords;
}

export interface MasterSyncOutcome {
  status: SyncStatus;
  message?: string;
  procurifyId?: string;
}

const masterKinds = { vendor: 'vendor', account: 'account', department: 'department' } as const;

/** Whether a message names a master-data record this use case handles. */
export function isMasterDataMessage(message: InboundMessage): boolean {
  return message.recordType in masterKinds;
}

export async function syncMasterRecord(
  message: InboundMessage,
  deps: SyncMasterRecordDependencies,
): Promise<MasterSyncOutcome> {
  const kind = masterKinds[message.recordType as keyof typeof masterKinds];
  if (kind === undefined) throw new DataError(`record type ${message.recordType} is not master data`);
  const ref: RecordRef = { system: 'netsuite', kind, id: message.recordId };
  await deps.state.append(ref, {
    step: 'received',
    facts: { origin: message.origin, eventId: message.eventId, eventType: message.eventType },
  });
  const sync = new MasterRecordSync(ref, deps);
  return withRecordLease(
    deps.state,
    ref,
    () => sync.run(message),
    (error) => sync.recordFailure(error),
  );
}

class MasterRecordSync {
  private readonly ref: RecordRef;
  private readonly deps: SyncMasterRecordDependencies;
  /** Every outcome's audit entry and state (with the version of the NetSuite record read). */
  private readonly journal: OutcomeJournal;
  /** The vendor currency's ISO code when the bulk read gave it with the record. */
  private currencyCodeRead: string | undefined;

  constructor(ref: RecordRef, deps: SyncMasterRecordDependencies) {
    this.ref = ref;
    this.deps = deps;
    this.journal = new OutcomeJournal(deps.state, ref);
  }

  async run(message: InboundMessage): Promise<MasterSyncOutcome> {
    const type = this.ref.kind;
    const previous = await this.deps.state.getState(this.ref);
    const batched = this.batchRecord(type, previous?.sourceModified);
    const record = batched === null ? await this.fetch(type) : batched;
    await this.deps.state.append(this.ref, {
      step: 'fetched',
      facts:
        record === undefined ? { exists: false } : { lastModified: String(record.lastModifiedDate ?? '') },
    });
    if (record === undefined || message.eventType === 'delete') return this.deactivate();
    this.journal.read(record.lastModifiedDate);

    switch (type) {
      case 'vendor':
        return this.syncVendor(record as NetSuiteVendor, previous?.contentHash);
      case 'account':
        return this.syncAccount(record as NetSuiteAccount, previous?.contentHash);
      case 'department':
        return this.syncDepartment(record as NetSuiteDepartment, previous?.contentHash);
      default:
        throw new DataError(`record type ${type} is not master data`);
    }
  }

  /**
   * The record as the batch's bulk read found it: undefined when it does not exist, null when it must
   * be read alone — not read in bulk, or read before this sync held the record's
   * lease and older than what another worker has synced meanwhile (its state's sourceModified).
   */
  private batchRecord(
    type: RecordKind,
    syncedModified: string | undefined,
  ): NetSuiteVendor | NetSuiteAccount | NetSuiteDepartment | undefined | null {
    if (type !== 'vendor' && type !== 'account' && type !== 'department') return null;
    const batched = this.deps.batch?.get(type, this.ref.id);
    if (batched === undefined) return null;
    if (!batched.found) return undefined;
    const { record, currencyCode } = batched.read;
    if (isOlder(record.lastModifiedDate, syncedModified)) return null;
    this.currencyCodeRead = currencyCode;
    return record;
  }

  private async fetch(
    type: RecordKind,
  ): Promise<NetSuiteVendor | NetSuiteAccount | NetSuiteDepartment | undefined> {
    const options = { expandSubResources: true } as const;
    switch (type) {
      case 'vendor':
        return this.deps.netsuite.find(type, this.ref.id, { ...options, schema: netSuiteVendorSchema });
      case 'account':
        return this.deps.netsuite.find(type, this.ref.id, { ...options, schema: netSuiteAccountSchema });
      case 'department':
        return this.deps.netsuite.find(type, this.ref.id, { ...options, schema: netSuiteDepartmentSchema });
      default:
        throw new DataError(`record type ${type} is not master data`);
    }
  }

  /** The vendor currency's ISO code: the batch's read when there is one, else vendor-references.ts. */
  private async currencyCode(vendor: NetSuiteVendor): Promise<string | undefined> {
    if (vendor.currency?.id === undefined) return undefined;
    if (this.currencyCodeRead !== undefined) return this.currencyCodeRead;
    return vendorCurrencyCode(this.deps.netsuite, vendor, this.deps.currencyCodes);
  }

  private async syncVendor(vendor: NetSuiteVendor, lastHash: string | undefined): Promise<MasterSyncOutcome> {
    const scope = vendorScope(vendor, this.deps.scope);
    if ('invalid' in scope) throw new DataError(scope.invalid, { source: 'apsync' });
    if (!scope.inScope) return this.finish('skipped', scope.reason);
    const { write, notes } = mapVendor(
      vendor,
      await this.deps.lookups(),
      await this.currencyCode(vendor),
      await vendorTermsName(this.deps.netsuite, vendor, this.deps.termNames),
    );
    const hash = contentHash(write);
    const link = await this.deps.state.findBySource('netsuite', 'vendor', vendor.id);
    if (link !== undefined && hash === lastHash) return this.unchanged(link.procurifyId, hash);

    let target: ProcurifyVendor | undefined;
    let origin: 'created' | 'name-match' = 'created';
    if (link !== undefined) {
      target = await this.deps.procurify.getVendor(Number(link.procurifyId));
    } else {
      target = await this.deps.procurify.findVendorByExternalId(vendor.id);
      if (target === undefined) {
        const sameName: ProcurifyVendor[] = [];
        for await (const candidate of this.deps.procurify.listVendors({ name: write.name })) {
          if (candidate.name === write.name && (candidate.external_id ?? '') === '') sameName.push(candidate);
        }
        if (sameName.length > 1) {
          const ids = sameName.map((candidate) => candidate.id).join(', ');
          return this.finish(
            'review',
            `${sameName.length} Procurify vendors are named "${write.name}" (ids ${ids}) and none is linked; link one by setting its external id to ${vendor.id}`,
            {
              waitingFor: [`vendor-name:${write.name}`],
            },
          );
        }
        if (sameName.length === 1) {
          target = sameName[0];
          origin = 'name-match';
        }
      }
    }
    // Updates are PATCHes: a PUT must carry the vendor's score (OptimizedVendorRequest requires
    // `overall_score`) and would overwrite the one Procurify keeps.
    const written =
      target === undefined
        ? await this.deps.procurify.createVendor(write)
        : await this.deps.procurify.patchVendor(target.id, write);
    if (link === undefined) {
      await this.deps.state.link({
        kind: 'vendor',
        netsuiteId: vendor.id,
        procurifyId: String(written.id),
        origin,
      });
    }
    return this.written(String(written.id), hash, notes, target === undefined ? 'created' : 'updated');
  }

  /**
   * An account's parent is set whatever order parent and child arrive in: a child whose NetSuite parent
   * has no account code yet is written without one and left `pending` (waiting for `account-parent:<id>`);
   * when the parent is written, it sets the parent of each child waiting for it.
   */
  private async syncAccount(
    account: NetSuiteAccount,
    lastHash: string | undefined,
    again = false,
  ): Promise<MasterSyncOutcome> {
    const scope = segmentScope(account, this.deps.scope);
    if ('invalid' in scope) throw new DataError(scope.invalid);
    if (!scope.inScope) return this.finish('skipped', scope.reason);
    const mapped = mapAccount(account);
    if ('skip' in mapped) return this.finish('skipped', mapped.skip);
    const write = { ...mapped.write };
    let waitingParent: string | undefined;
    if (mapped.parentNetSuiteId !== undefined) {
      const parentLink = await this.deps.state.findBySource('netsuite', 'account', mapped.parentNetSuiteId);
      write.parent = parentLink === undefined ? null : Number(parentLink.procurifyId);
      if (parentLink === undefined) waitingParent = mapped.parentNetSuiteId;
    }
    const outcome = await this.writeAccount(account, lastHash, write);
    if (outcome.procurifyId === undefined) return outcome;
    if (waitingParent !== undefined && (outcome.status === 'synced' || outcome.status === 'unchanged')) {
      await this.waitForParent(waitingParent);
      // The parent may have been linked meanwhile, after it looked for children waiting: look again.
      if (
        !again &&
        (await this.deps.state.findBySource('netsuite', 'account', waitingParent)) !== undefined
      ) {
        const current = await this.deps.state.getState(this.ref);
        return this.syncAccount(account, current?.contentHash, true);
      }
      return { status: 'pending', message: parentMessage(waitingParent), procurifyId: outcome.procurifyId };
    }
    await this.adoptWaitingChildren(account.id);
    return outcome;
  }

  /** The child's state while its parent has no account code: written, `pending` the parent. */
  private async waitForParent(parentId: string): Promise<void> {
    const current = await this.deps.state.getState(this.ref);
    const waitingFor = [`account-parent:${parentId}`];
    const noted = current?.status === 'pending' && current.waitingFor?.[0] === waitingFor[0];
    await this.journal.outcome(
      'pending',
      { message: parentMessage(parentId), waitingFor, contentHash: current?.contentHash },
      noted
        ? undefined
        : { step: 'note', message: parentMessage(parentId), facts: { waitingFor: waitingFor[0]! } },
    );
  }

  /**
   * Accounts written before this one existed in Procurify, waiting for it as their parent: each is
   * synced again now, under its own lease (a child another worker holds finds the parent itself).
   */
  private async adoptWaitingChildren(parentId: string): Promise<void> {
    const key = `account-parent:${parentId}`;
    const waiting = (await this.deps.state.listByStatus('account', 'pending')).filter((child) =>
      child.waitingFor?.includes(key),
    );
    for (const child of waiting) {
      await this.deps.state.append(child.ref, {
        step: 'note',
        message: `parent account ${parentId} is now in Procurify: setting it as this account code's parent`,
      });
      const sync = new MasterRecordSync(child.ref, this.deps);
      const now = new Date().toISOString();
      try {
        await withRecordLease(
          this.deps.state,
          child.ref,
          () =>
            sync.run({
              kind: 'record-event',
              origin: 'replay',
              eventId: `parent-${parentId}-${child.ref.id}`,
              recordType: 'account',
              recordId: child.ref.id,
              eventType: 'edit',
              lastModified: now,
              receivedAt: now,
            }),
          (error) => sync.recordFailure(error),
        );
      } catch {
        // Recorded on the child (failed state and audit), or its lease is held by a worker that will
        // find the parent linked: the parent's own sync stands.
      }
    }
  }

  private async writeAccount(
    account: NetSuiteAccount,
    lastHash: string | undefined,
    write: AccountCodeWrite,
  ): Promise<MasterSyncOutcome> {
    const inactive = account.isInactive === true;
    const hash = accountContentHash(write, inactive);
    const link = await this.deps.state.findBySource('netsuite', 'account', account.id);
    if (link !== undefined && hash === lastHash) return this.unchanged(link.procurifyId, hash);
    // Account codes carry no external id in Procurify: the code (the NetSuite Number) is the natural key.
    let target: ProcurifyAccountCode | undefined;
    for await (const candidate of this.deps.procurify.listAccountCodes({ code: write.code })) {
      if (candidate.code === write.code) target = candidate;
    }
    if (target === undefined && link === undefined && inactive) {
      // Creating it would make an active account code that a person must then deactivate by hand.
      return this.finish(
        'skipped',
        `account ${account.id} is inactive in NetSuite and has no account code in Procurify: not created`,
      );
    }
    if (target === undefined && link !== undefined) {
      // The Number changed in NetSuite: update the linked account code rather than create a second one.
      target = { id: Number(link.procurifyId) } as ProcurifyAccountCode;
    }
    const written =
      target === undefined
        ? await this.deps.procurify.createAccountCode(write)
        : await this.deps.procurify.updateAccountCode(target.id, write);
    if (link === undefined || link.procurifyId !== String(written.id)) {
      await this.deps.state.link({
        kind: 'account',
        netsuiteId: account.id,
        procurifyId: String(written.id),
        origin: 'created',
      });
    }
    if (written.active === inactive) {
      // Procurify's API cannot change an account code's active flag: a person must (review list). The
      // hash is not kept, so every later notice looks again until the flags agree.
      await this.deps.state.append(this.ref, {
        step: 'written',
        facts: { procurifyId: String(written.id), action: target === undefined ? 'created' : 'updated' },
      });
      return this.finish(
        'review',
        accountCodeActiveReview(`account code ${written.code}`, account.id, inactive ? 'inactive' : 'active'),
        {},
        String(written.id),
      );
    }
    return this.written(String(written.id), hash, [], target === undefined ? 'created' : 'updated');
  }

  private async syncDepartment(
    department: NetSuiteDepartment,
    lastHash: string | undefined,
  ): Promise<MasterSyncOutcome> {
    const scope = segmentScope(department, this.deps.scope);
    if ('invalid' in scope) throw new DataError(scope.invalid);
    if (!scope.inScope) return this.finish('skipped', scope.reason);
    const lookups = await this.deps.lookups();
    const location = departmentLocation(department, lookups);
    if ('problem' in location) {
      return this.finish('review', location.problem, {
        waitingFor: [location.waitingFor],
      });
    }
    const write = mapDepartment(department, lookups);
    const hash = contentHash(write);
    const link = await this.deps.state.findBySource('netsuite', 'department', department.id);
    if (link !== undefined && hash === lastHash) {
      return this.unchanged(link.procurifyId, hash);
    }
    let targetId = link === undefined ? undefined : Number(link.procurifyId);
    if (targetId === undefined) {
      for await (const candidate of this.deps.procurify.listDepartments({ search: write.name })) {
        if (
          candidate.external_id === department.id ||
          (candidate.name === write.name && !candidate.external_id)
        ) {
          targetId = candidate.id;
          break;
        }
      }
    }
    const written =
      targetId === undefined
        ? await this.deps.procurify.createDepartment(write)
        : await this.deps.procurify.updateDepartment(targetId, write);
    if (link === undefined) {
      await this.deps.state.link({
        kind: 'department',
        netsuiteId: department.id,
        procurifyId: String(written.id),
        origin: 'created',
      });
    }
    return this.written(String(written.id), hash, [], targetId === undefined ? 'created' : 'updated');
  }

  /** Deleted in NetSuite → inactive in Procurify (never deleted there). */
  private async deactivate(): Promise<MasterSyncOutcome> {
    const link = await this.deps.state.findBySource('netsuite', this.ref.kind, this.ref.id);
    if (link === undefined) return this.finish('skipped', 'deleted in NetSuite before it was ever synced');
    const id = Number(link.procurifyId);
    switch (this.ref.kind) {
      case 'vendor':
        await this.deps.procurify.patchVendor(id, { active: false });
        break;
      case 'account': {
        let current: ProcurifyAccountCode | undefined;
        for await (const candidate of this.deps.procurify.listAccountCodes({})) {
          if (candidate.id === id) current = candidate;
        }
        // Procurify's API cannot deactivate an account code: a person must, unless someone already did.
        if (current?.active === true) {
          return this.finish(
            'review',
            accountCodeActiveReview(`account code ${current.code}`, this.ref.id, 'deleted'),
            {},
            link.procurifyId,
          );
        }
        break;
      }
      case 'department': {
        let current: { name: string; branch: { id: number } } | undefined;
        for await (const candidate of this.deps.procurify.listDepartments({})) {
          if (candidate.id === id) current = candidate;
        }
        if (current !== undefined) {
          await this.deps.procurify.updateDepartment(id, {
            name: current.name,
            branch: current.branch.id,
            active: false,
          });
        }
        break;
      }
    }
    await this.deps.state.append(this.ref, {
      step: 'written',
      message: 'deleted in NetSuite: made inactive in Procurify',
    });
    return this.finish(
      'synced',
      'deleted in NetSuite: inactive in Procurify',
      { contentHash: 'deleted' },
      link.procurifyId,
    );
  }

  private async unchanged(procurifyId: string, hash: string) {
    await this.deps.state.append(this.ref, { step: 'unchanged', facts: { procurifyId } });
    // The record stays "synced" (the audit trail says nothing was written); the outcome says unchanged.
    await this.finish('synced', undefined, { contentHash: hash }, procurifyId, false);
    return { status: 'unchanged' as const, procurifyId };
  }

  private async written(
    procurifyId: string,
    hash: string,
    notes: string[],
    action: 'created' | 'updated',
  ): Promise<MasterSyncOutcome> {
    await this.deps.state.append(this.ref, {
      step: 'written',
      ...(notes.length === 0 ? {} : { message: notes.join('; ') }),
      facts: { procurifyId, action },
    });
    return this.finish(
      'synced',
      notes.length === 0 ? undefined : notes.join('; '),
      { contentHash: hash },
      procurifyId,
      false,
    );
  }

  private async finish(
    status: SyncStatus,
    message: string | undefined,
    extra: { contentHash?: string; waitingFor?: string[] } = {},
    procurifyId?: string,
    audit = true,
  ): Promise<MasterSyncOutcome> {
    await this.journal.outcome(
      status,
      { message, contentHash: extra.contentHash, waitingFor: extra.waitingFor },
      audit && status !== 'synced'
        ? { step: status === 'review' ? 'review' : 'skipped', ...(message === undefined ? {} : { message }) }
        : undefined,
    );
    return {
      status,
      ...(message === undefined ? {} : { message }),
      ...(procurifyId === undefined ? {} : { procurifyId }),
    };
  }

  recordFailure(error: SyncError): Promise<void> {
    return this.journal.failure(error);
  }
}

export type { RecordKind };

/** Whether `read` (a record's lastModifiedDate) is older than `synced`, to the second. */
function isOlder(read: string | undefined, synced: string | undefined): boolean {
  if (synced === undefined) return false;
  const seconds = (stamp: string | undefined) => Math.floor(Date.parse(stamp ?? '') / 1000);
  const readAt = seconds(read);
  const syncedAt = seconds(synced);
  return Number.isNaN(readAt) || (!Number.isNaN(syncedAt) && readAt < syncedAt);
}

const parentMessage = (parentId: string): string =>
  `written without its parent: NetSuite parent account ${parentId} has no account code in Procurify yet; the parent is set when it syncs`;
