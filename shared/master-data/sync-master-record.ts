// Use case behind the inbound worker: bring one NetSuite vendor, GL account or department
// to Procurify. Always reads the current record (so late, duplicated or out-of-order notices are
// harmless; read in bulk with the rest of its batch when the worker did so), takes the one decision
// decide-master-record.ts makes (also what `apsync preview` shows: scope, mapping, unchanged content,
// target) and applies it, recording every outcome in the record's sync state and audit trail.
import { DataError } from '../errors.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import type { NetSuiteRecords } from '../netsuite/index.ts';
import type {
  AccountCodeWrite,
  ApAccountCode,
  DepartmentWrite,
  VendorPatch,
  VendorWrite,
} from '../procurify/ports.ts';
import type { RecordKind, RecordLink, RecordRef, RecordState, SyncStatus } from '../state/model.ts';
import { OutcomeJournal } from '../state/outcome-journal.ts';
import type {
  AuditTrail,
  LeaseStore,
  LinkStore,
  RecordLeaseTaking,
  RecordReads,
  RecordWrites,
  StateWithLease,
  SyncStateStore,
} from '../state/ports.ts';
import { type RecordLease, withRecordLease } from '../state/record-lease.ts';
import {
  decideMasterRecord,
  type MasterDecision,
  type MasterKind,
  type MasterWrite,
  type MasterWriteTarget,
  type ProcurifyMasterData,
  readVendorNames,
} from './decide-master-record.ts';
import { accountCodeActiveReview, type MasterDataScope, type ProcurifyLookups } from './map-master-data.ts';
import {
  findMasterRecord,
  type NetSuiteAccount,
  type NetSuiteDepartment,
  type NetSuiteMasterRecord,
  type NetSuiteVendor,
} from './netsuite-master-records.ts';
import type { BatchMasterRecords } from './ports.ts';

export interface SyncMasterRecordDependencies {
  netsuite: NetSuiteRecords;
  procurify: ProcurifyMasterData;
  /**
   * With takeRecordLease, a sync's lease take reads the record's state (then its link alone); else,
   * with stateAndLink, a sync reads the record's state and link in one request; with putStateReleasing,
   * a vendor's or department's outcome gives the record's lease back with its state.
   */
  state: LinkStore &
    SyncStateStore &
    AuditTrail &
    LeaseStore &
    Partial<RecordReads & RecordWrites & StateWithLease & RecordLeaseTaking>;
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

type MasterRecord = NetSuiteMasterRecord;

/**
 * How a sync ends: `synced` (its audit entries, written or unchanged, noted on the way), or `skipped` or
 * `review` with an audit entry of its own, which carries the message saying why.
 */
type SyncEnd =
  | { status: 'synced'; message: string | undefined }
  | { status: 'skipped' | 'review'; message: string };

/** A NetSuite master-data record: a vendor, a GL account or a department. */
type MasterRef = RecordRef & { kind: MasterKind };

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
  const ref: MasterRef = { system: 'netsuite', kind, id: message.recordId };
  return new MasterRecordSync(ref, deps).runLeased(message);
}

class MasterRecordSync {
  private readonly ref: MasterRef;
  private readonly deps: SyncMasterRecordDependencies;
  /**
   * Every outcome's audit entry and state (with the version of the NetSuite record read); the entries
   * noted on the way (received, fetched, written) are written with the outcome's, in one request.
   */
  private readonly journal: OutcomeJournal;
  /** The vendor currency's ISO code when the bulk read gave it with the record. */
  private currencyCodeRead: string | undefined;
  /** The record's link as read with its state, for the decision's first look at it (then read again). */
  private linkRead: { link: RecordLink | undefined } | undefined;
  /** The record's state as this sync found it (before its own writes): was it waiting already? */
  private stateBefore: RecordState | undefined;

  constructor(ref: MasterRef, deps: SyncMasterRecordDependencies) {
    this.ref = ref;
    this.deps = deps;
    this.journal = new OutcomeJournal(deps.state, ref);
  }

  /**
   * Runs under the record's lease; a failure is recorded on the record (state and audit) and thrown.
   * The `received` entry is written even when another worker holds the lease (no outcome then).
   */
  async runLeased(message: InboundMessage): Promise<MasterSyncOutcome> {
    this.journal.defer({
      step: 'received',
      facts: { origin: message.origin, eventId: message.eventId, eventType: message.eventType },
    });
    let outcome: MasterSyncOutcome;
    try {
      outcome = await withRecordLease(
        this.deps.state,
        this.ref,
        (lease) => this.run(message, lease),
        (error) => this.journal.failure(error),
      );
    } catch (error) {
      // The attempt's error is what the worker acts on; a store failing here fails it anyway.
      await this.journal.flush().catch(() => undefined);
      throw error;
    }
    await this.journal.flush();
    return outcome;
  }

  private async run(message: InboundMessage, lease: RecordLease): Promise<MasterSyncOutcome> {
    const type = this.ref.kind;
    // A vendor's or department's outcome is its sync's last write: its state gives the lease back. An
    // account's sync may go on under the lease after it (its parent, its waiting children).
    if (type !== 'account') this.journal.giveBackWith(lease);
    const previous = await this.readState(lease);
    this.stateBefore = previous;
    const batched = this.batchRecord(type, previous?.sourceModified);
    const record = batched === null ? await this.fetch(type) : batched;
    this.journal.defer({
      step: 'fetched',
      facts:
        record === undefined ? { exists: false } : { lastModified: String(record.lastModifiedDate ?? '') },
    });
    if (record === undefined || message.eventType === 'delete') {
      return this.apply(await this.decide(undefined, undefined));
    }
    this.journal.read(record.lastModifiedDate);
    return this.sync(record, previous?.contentHash);
  }

  /**
   * The record's state — as the lease take read it, where the store did (RecordLease.found), then its
   * link: as the batch read it while the state found under the lease is still the one read with it and
   * no sync of the record held the lease at that read (a sync writes its link before its state, so one
   * under way then may have linked the record since, then died without its state write), else read
   * alone — else with its link in one request where the store can.
   */
  private async readState(lease: RecordLease) {
    if (lease.found !== undefined) {
      const stored = this.deps.batch?.stored?.(this.ref.kind, this.ref.id);
      this.linkRead = {
        link:
          stored !== undefined && stored.leased !== true && sameState(stored.state, lease.found.state)
            ? stored.link
            : await this.deps.state.findBySource(this.ref.system, this.ref.kind, this.ref.id),
      };
      return lease.found.state;
    }
    if (this.deps.state.stateAndLink === undefined) return this.deps.state.getState(this.ref);
    const { state, link } = await this.deps.state.stateAndLink(this.ref);
    this.linkRead = { link };
    return state;
  }

  /** The one decision (decide-master-record.ts), with this container's NetSuite name caches. */
  private decide(record: MasterRecord | undefined, lastHash: string | undefined): Promise<MasterDecision> {
    return decideMasterRecord(this.ref.kind, this.ref.id, record, lastHash, {
      ...this.deps,
      state: { findBySource: (system, kind, id) => this.findLink(system, kind, id) },
      vendorNames: (vendor) => readVendorNames(this.deps.netsuite, vendor, this.deps, this.currencyCodeRead),
    });
  }

  /**
   * A link as the decision looks it up: the record's own, the first time, as read with its state under
   * this lease (nothing else writes it meanwhile); every other lookup, and any after, from the store.
   */
  private findLink(...[system, kind, id]: Parameters<LinkStore['findBySource']>) {
    const read = this.linkRead;
    if (read !== undefined && system === this.ref.system && kind === this.ref.kind && id === this.ref.id) {
      this.linkRead = undefined;
      return Promise.resolve(read.link);
    }
    return this.deps.state.findBySource(system, kind, id);
  }

  /**
   * Decides and applies. An account's parent is set whatever order parent and child arrive in: a child
   * whose NetSuite parent has no account code yet is written without one and left `pending` (waiting for
   * `account-parent:<id>`); when the parent is written, it sets the parent of each child waiting for it.
   */
  private async sync(
    record: MasterRecord,
    lastHash: string | undefined,
    again = false,
  ): Promise<MasterSyncOutcome> {
    const decision = await this.decide(record, lastHash);
    const outcome = await this.apply(decision);
    // An account outcome naming its account code comes from a write or an unchanged decision: review
    // and deactivate decisions name one only for a deleted record, which is not synced here.
    if (this.ref.kind !== 'account' || (decision.kind !== 'write' && decision.kind !== 'unchanged')) {
      return outcome;
    }
    const { waitingParent } = decision;
    if (waitingParent !== undefined && (outcome.status === 'synced' || outcome.status === 'unchanged')) {
      await this.waitForParent(waitingParent);
      // The parent may have been linked meanwhile, after it looked for children waiting: look again.
      if (
        !again &&
        (await this.deps.state.findBySource('netsuite', 'account', waitingParent)) !== undefined
      ) {
        const current = await this.deps.state.getState(this.ref);
        this.stateBefore = current;
        return this.sync(record, current?.contentHash, true);
      }
      return { status: 'pending', message: parentMessage(waitingParent), procurifyId: outcome.procurifyId };
    }
    await this.adoptWaitingChildren(record.id);
    return outcome;
  }

  private async apply(decision: MasterDecision): Promise<MasterSyncOutcome> {
    switch (decision.kind) {
      case 'invalid':
        throw new DataError(decision.message, { source: 'apsync' });
      case 'skip':
        return this.finish({ status: 'skipped', message: decision.message });
      case 'review':
        return this.finish(
          { status: 'review', message: decision.message },
          decision.waitingFor === undefined ? {} : { waitingFor: decision.waitingFor },
          decision.procurifyId,
        );
      case 'unchanged':
        return this.unchanged(decision.procurifyId, decision.hash);
      case 'write':
        return this.write(decision);
      case 'deactivate':
        return this.deactivate(decision);
    }
  }

  /**
   * The record as the batch's bulk read found it: undefined when it does not exist, null when it must
   * be read alone — not read in bulk, or read before this sync held the record's
   * lease and older than what another worker has synced meanwhile (its state's sourceModified).
   */
  private batchRecord(
    type: MasterKind,
    syncedModified: string | undefined,
  ): NetSuiteVendor | NetSuiteAccount | NetSuiteDepartment | undefined | null {
    const batched = this.deps.batch?.get(type, this.ref.id);
    if (batched === undefined) return null;
    if (!batched.found) return undefined;
    const { record, currencyCode } = batched.read;
    if (isOlder(record.lastModifiedDate, syncedModified)) return null;
    this.currencyCodeRead = currencyCode;
    return record;
  }

  private fetch(type: MasterKind): Promise<MasterRecord | undefined> {
    return findMasterRecord(this.deps.netsuite, type, this.ref.id);
  }

  /** The child's state while its parent has no account code: written, `pending` the parent. */
  private async waitForParent(parentId: string): Promise<void> {
    // The state the outcome just wrote holds its content hash; whether to note the wait is decided by the
    // state before this sync (the outcome just wrote 'synced' or 'unchanged' over a wait noted earlier).
    const current = await this.deps.state.getState(this.ref);
    const waitingFor = [`account-parent:${parentId}`];
    const before = this.stateBefore;
    const noted = before?.status === 'pending' && before.waitingFor?.[0] === waitingFor[0];
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
      const now = new Date().toISOString();
      try {
        // Listed among the accounts (listByStatus('account', …)): its ref's kind is `account`.
        await new MasterRecordSync({ ...child.ref, kind: 'account' }, this.deps).runLeased({
          kind: 'record-event',
          origin: 'replay',
          eventId: `parent-${parentId}-${child.ref.id}`,
          recordType: 'account',
          recordId: child.ref.id,
          eventType: 'edit',
          lastModified: now,
          receivedAt: now,
        });
      } catch {
        // Recorded on the child (failed state and audit), or its lease is held by a worker that will
        // find the parent linked: the parent's own sync stands.
      }
    }
  }

  private async write(decision: Extract<MasterDecision, { kind: 'write' }>): Promise<MasterSyncOutcome> {
    const { target, link } = decision;
    const action = target.id === undefined ? 'created' : 'updated';
    const writer = writers(this.deps.procurify)[target.kind] as MasterWriter<MasterWrite>;
    const written =
      target.id === undefined
        ? await writer.create(decision.payload)
        : await writer.update(target.id, decision.payload);
    const accountCode = target.kind === 'account code' ? (written as ApAccountCode) : undefined;
    const procurifyId = String(written.id);
    if (link === undefined || link.procurifyId !== procurifyId) {
      // Written with the audit entries, before the state (the outcome below).
      this.journal.deferLink({
        kind: this.ref.kind,
        netsuiteId: this.ref.id,
        procurifyId,
        origin: decision.origin,
      });
    }
    if (accountCode !== undefined && accountCode.active === (decision.inactive === true)) {
      // Procurify's API cannot change an account code's active flag: a person must (review list). The
      // hash is not kept, so every later notice looks again until the flags agree.
      this.journal.defer({ step: 'written', facts: { procurifyId, action } });
      return this.finish(
        {
          status: 'review',
          message: accountCodeActiveReview(
            `account code ${accountCode.code}`,
            this.ref.id,
            decision.inactive === true ? 'inactive' : 'active',
          ),
        },
        {},
        procurifyId,
      );
    }
    return this.written(procurifyId, decision.hash, decision.notes, action);
  }

  /** Deleted in NetSuite → inactive in Procurify (never deleted there). */
  private async deactivate(
    decision: Extract<MasterDecision, { kind: 'deactivate' }>,
  ): Promise<MasterSyncOutcome> {
    const { target, payload } = decision;
    if (target?.id !== undefined && payload !== undefined) {
      if (target.kind === 'vendor') await this.deps.procurify.patchVendor(target.id, payload as VendorPatch);
      else await this.deps.procurify.updateDepartment(target.id, payload as DepartmentWrite);
    }
    this.journal.defer({ step: 'written', message: 'deleted in NetSuite: made inactive in Procurify' });
    return this.finish(
      { status: 'synced', message: 'deleted in NetSuite: inactive in Procurify' },
      { contentHash: 'deleted' },
      decision.procurifyId,
    );
  }

  private async unchanged(procurifyId: string, hash: string) {
    this.journal.defer({ step: 'unchanged', facts: { procurifyId } });
    // The record stays "synced" (the audit trail says nothing was written); the outcome says unchanged.
    await this.finish({ status: 'synced', message: undefined }, { contentHash: hash }, procurifyId);
    return { status: 'unchanged' as const, procurifyId };
  }

  private async written(
    procurifyId: string,
    hash: string,
    notes: string[],
    action: 'created' | 'updated',
  ): Promise<MasterSyncOutcome> {
    this.journal.defer({
      step: 'written',
      ...(notes.length === 0 ? {} : { message: notes.join('; ') }),
      facts: { procurifyId, action },
    });
    return this.finish(
      { status: 'synced', message: notes.length === 0 ? undefined : notes.join('; ') },
      { contentHash: hash },
      procurifyId,
    );
  }

  private async finish(
    end: SyncEnd,
    extra: { contentHash?: string; waitingFor?: string[] } = {},
    procurifyId?: string,
  ): Promise<MasterSyncOutcome> {
    const { status, message } = end;
    await this.journal.outcome(
      status,
      { message, contentHash: extra.contentHash, waitingFor: extra.waitingFor },
      end.status === 'synced' ? undefined : { step: end.status, message: end.message },
    );
    return {
      status,
      ...(message === undefined ? {} : { message }),
      ...(procurifyId === undefined ? {} : { procurifyId }),
    };
  }
}

export type { RecordKind };

/** How a decided write reaches Procurify: created at the collection, or updated at the record's id. */
interface MasterWriter<W> {
  create(payload: W): Promise<{ id: number }>;
  update(id: number, payload: W): Promise<{ id: number }>;
}

interface WriteOf {
  vendor: VendorWrite;
  'account code': AccountCodeWrite;
  department: DepartmentWrite;
}

/** Vendors are updated with PATCH (MasterWriteTarget says why), account codes and departments with PUT. */
function writers(procurify: ProcurifyMasterData): {
  [K in MasterWriteTarget['kind']]: MasterWriter<WriteOf[K]>;
} {
  return {
    vendor: { create: (w) => procurify.createVendor(w), update: (id, w) => procurify.patchVendor(id, w) },
    'account code': {
      create: (w) => procurify.createAccountCode(w),
      update: (id, w) => procurify.updateAccountCode(id, w),
    },
    department: {
      create: (w) => procurify.createDepartment(w),
      update: (id, w) => procurify.updateDepartment(id, w),
    },
  };
}

/** Whether two reads of a record's state found the same state write (or both none). */
function sameState(a: RecordState | undefined, b: RecordState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.updatedAt === b.updatedAt && a.status === b.status;
}

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
