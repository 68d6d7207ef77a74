// The state ports (shared/state/ports.ts) in memory, behaving as the DynamoDB adapter
// (shared/state/state-store.ts) does on its table: links both ways, one state per record listed by
// kind and status oldest update first, audit trails in time order, watermarks that only move forward,
// leases with expiry, request windows and message failures by conditional write, configuration.
// Values are copied in and out with undefined fields dropped (the adapter's removeUndefinedValues), so
// a use case cannot change what is stored by mutating what it read. test/usecase/state-store-contract
// and test/integration/state-store-contract run the same assertions against both.
import { BugError } from '../../../shared/errors.ts';
import type { LinkItem, StateBulkReads, StateSnapshot } from '../../../shared/reconcile/ports.ts';
import type {
  AuditEntry,
  RecordKind,
  RecordLink,
  RecordRef,
  RecordState,
  SyncStatus,
  SystemName,
} from '../../../shared/state/model.ts';
import { recordLeaseName, refKey } from '../../../shared/state/model.ts';
import type {
  AuditTrail,
  ConfigStore,
  LeaseStore,
  LinkStore,
  MessageFailure,
  MessageFailureLog,
  RequestWindow,
  RequestWindowStore,
  StateActivity,
  StateWithLease,
  SyncStateStore,
  VersionedConfigStore,
  WatermarkStore,
} from '../../../shared/state/ports.ts';
import { Faults } from './faults.ts';

export type StateOperation =
  | 'link'
  /** Between the two directions of a link (the adapter writes them one after the other). */
  | 'link:second-direction'
  | 'unlink'
  | 'findBySource'
  | 'getState'
  | 'putState'
  | 'listByStatus'
  | 'latestStateUpdate'
  | 'append'
  | 'read'
  | 'getWatermark'
  | 'advanceWatermark'
  | 'acquireLease'
  | 'releaseLease'
  | 'leaseWaitSeconds'
  | 'getConfig'
  /** Reading one configuration item. */
  | `getConfig:${string}`
  | 'putConfig'
  | 'openRequestWindow'
  | 'settleRequestWindow'
  | 'recordFailure'
  | 'getFailure';

/** A copy without undefined values (DynamoDB's document client with removeUndefinedValues). */
export function stored<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(stored) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) copy[key] = stored(item);
    return copy as T;
  }
  return value;
}

interface AuditItem {
  sortKey: string;
  entry: AuditEntry;
}

interface WindowItem extends RequestWindow {
  windowUntilSeconds: number;
}

export class InMemoryStateStore
  implements
    LinkStore,
    SyncStateStore,
    StateActivity,
    AuditTrail,
    WatermarkStore,
    LeaseStore,
    ConfigStore,
    VersionedConfigStore,
    RequestWindowStore,
    MessageFailureLog,
    StateBulkReads
{
  readonly faults = new Faults<StateOperation>('dynamodb');
  /** The store's clock (stamps entries appended without `at`, states and links). */
  readonly now: () => Date;
  private readonly links = new Map<string, RecordLink>();
  private readonly states = new Map<string, RecordState>();
  private readonly audits = new Map<string, AuditItem[]>();
  private readonly watermarks = new Map<string, string>();
  protected readonly leases = new Map<string, { holder: string; leaseUntil: number }>();
  private readonly configs = new Map<string, unknown>();
  private readonly configVersions = new Map<string, number>();
  private readonly windows = new Map<string, WindowItem>();
  private readonly failures = new Map<string, MessageFailure>();
  private auditSequence = 0;

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  async link(link: Omit<RecordLink, 'linkedAt'>): Promise<void> {
    this.putLink(link);
  }

  private putLink(link: Omit<RecordLink, 'linkedAt'>): void {
    this.faults.check('link');
    const item = stored({ ...link, linkedAt: this.now().toISOString() });
    this.links.set(`procurify#${link.kind}#${link.procurifyId}`, item);
    this.faults.check('link:second-direction');
    this.links.set(`netsuite#${link.kind}#${link.netsuiteId}`, item);
  }

  /** As the adapter's one BatchWriteItem: the link (failing as link would), then the entries. */
  async linkAndAppend(
    link: Omit<RecordLink, 'linkedAt'>,
    ref: RecordRef,
    entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>,
  ): Promise<void> {
    this.faults.check('append');
    this.putLink(link);
    for (const entry of entries) this.appendOne(ref, entry);
  }

  async unlink(link: Pick<RecordLink, 'kind' | 'procurifyId' | 'netsuiteId'>): Promise<void> {
    this.faults.check('unlink');
    this.links.delete(`procurify#${link.kind}#${link.procurifyId}`);
    this.links.delete(`netsuite#${link.kind}#${link.netsuiteId}`);
  }

  async findBySource(system: SystemName, kind: RecordKind, id: string): Promise<RecordLink | undefined> {
    this.faults.check('findBySource');
    const item = this.links.get(`${system}#${kind}#${id}`);
    if (item === undefined) return undefined;
    const { netsuiteId, procurifyId, origin, linkedAt } = item;
    return { netsuiteId, procurifyId, kind, origin, linkedAt };
  }

  async getState(ref: RecordRef): Promise<RecordState | undefined> {
    this.faults.check('getState');
    const state = this.states.get(refKey(ref));
    return state === undefined ? undefined : stored(state);
  }

  /** As the adapter's BatchGetItem (failing as findBySource would). */
  async findManyBySource(
    lookups: ReadonlyArray<{ system: SystemName; kind: RecordKind; id: string }>,
  ): Promise<Map<string, RecordLink>> {
    this.faults.check('findBySource');
    const found = new Map<string, RecordLink>();
    for (const { system, kind, id } of lookups) {
      const item = this.links.get(`${system}#${kind}#${id}`);
      if (item === undefined) continue;
      const { netsuiteId, procurifyId, origin, linkedAt } = item;
      found.set(`${system}#${kind}#${id}`, { netsuiteId, procurifyId, kind, origin, linkedAt });
    }
    return found;
  }

  /** As the adapter's one BatchGetItem (failing as either read would). */
  async stateAndLink(
    ref: RecordRef,
  ): Promise<{ state: RecordState | undefined; link: RecordLink | undefined }> {
    this.faults.check('getState');
    this.faults.check('findBySource');
    const state = this.states.get(refKey(ref));
    const link = this.links.get(`${ref.system}#${ref.kind}#${ref.id}`);
    return {
      state: state === undefined ? undefined : stored(state),
      link:
        link === undefined
          ? undefined
          : {
              netsuiteId: link.netsuiteId,
              procurifyId: link.procurifyId,
              kind: ref.kind,
              origin: link.origin,
              linkedAt: link.linkedAt,
            },
    };
  }

  async putState(state: Omit<RecordState, 'updatedAt'>): Promise<RecordState> {
    this.faults.check('putState');
    const full: RecordState = { ...state, updatedAt: this.now().toISOString() };
    this.states.set(refKey(state.ref), stored(full));
    return full;
  }

  async listByStatus(kind: RecordKind, status: SyncStatus, limit = 1000): Promise<RecordState[]> {
    this.faults.check('listByStatus');
    return this.byState(kind, status).slice(0, limit).map(stored);
  }

  async countByStatus(kind: RecordKind, status: SyncStatus): Promise<number> {
    return this.byState(kind, status).length;
  }

  async latestStateUpdate(kind: RecordKind, status: SyncStatus): Promise<string | undefined> {
    this.faults.check('latestStateUpdate');
    return this.byState(kind, status).at(-1)?.updatedAt;
  }

  async append(ref: RecordRef, entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void> {
    this.faults.check('append');
    this.appendOne(ref, entry);
  }

  /** As the adapter's one BatchWriteItem: all the entries, in the order given, or (failing) none. */
  async appendAll(
    ref: RecordRef,
    entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>,
  ): Promise<void> {
    this.faults.check('append');
    for (const entry of entries) this.appendOne(ref, entry);
  }

  private appendOne(ref: RecordRef, entry: Omit<AuditEntry, 'at'> & { at?: string }): void {
    const at = entry.at ?? this.now().toISOString();
    const sequence = String(this.auditSequence++ % 1_000_000).padStart(6, '0');
    const trail = this.audits.get(refKey(ref)) ?? [];
    trail.push({ sortKey: `${at}#${sequence}`, entry: stored({ ...entry, at }) });
    trail.sort((a, b) => compare(a.sortKey, b.sortKey));
    this.audits.set(refKey(ref), trail);
  }

  async read(ref: RecordRef): Promise<AuditEntry[]> {
    this.faults.check('read');
    return (this.audits.get(refKey(ref)) ?? []).map(({ entry: { at, step, message, facts } }) =>
      stored({ at, step, message, facts }),
    );
  }

  async getWatermark(flow: string): Promise<string | undefined> {
    this.faults.check('getWatermark');
    return this.watermarks.get(flow);
  }

  async advanceWatermark(flow: string, value: string): Promise<void> {
    this.faults.check('advanceWatermark');
    const current = this.watermarks.get(flow);
    if (current === undefined || compare(current, value) < 0) this.watermarks.set(flow, value);
  }

  async acquireLease(name: string, holder: string, ttlSeconds: number): Promise<boolean> {
    this.faults.check('acquireLease');
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const lease = this.leases.get(name);
    if (lease !== undefined && !(lease.leaseUntil < nowSeconds || lease.holder === holder)) return false;
    this.leases.set(name, { holder, leaseUntil: nowSeconds + ttlSeconds });
    return true;
  }
  /** As the adapter's one UpdateItem (failing as acquireLease would): the state, or the time to wait. */
  async takeRecordLease(
    ref: RecordRef,
    holder: string,
    ttlSeconds: number,
  ): Promise<{ taken: true; state: RecordState | undefined } | { taken: false; waitSeconds: number }> {
    const name = recordLeaseName(ref);
    if (await this.acquireLease(name, holder, ttlSeconds)) {
      const state = this.states.get(refKey(ref));
      return { taken: true, state: state === undefined ? undefined : stored(state) };
    }
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    return { taken: false, waitSeconds: Math.max(0, this.leases.get(name)!.leaseUntil + 1 - nowSeconds) };
  }

  async leaseWaitSeconds(name: string): Promise<number> {
    this.faults.check('leaseWaitSeconds');
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const until = this.leases.get(name)?.leaseUntil ?? 0;
    // acquireLease takes it once leaseUntil < now.
    return Math.max(0, until + 1 - nowSeconds);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.faults.check('releaseLease');
    const lease = this.leases.get(name);
    if (lease?.holder === holder) lease.leaseUntil = 0;
  }

  async getConfig<T>(name: string): Promise<T | undefined> {
    this.faults.check('getConfig');
    this.faults.check(`getConfig:${name}`);
    const value = this.configs.get(name);
    return value === undefined ? undefined : (stored(value) as T);
  }

  async putConfig(name: string, value: unknown): Promise<void> {
    this.faults.check('putConfig');
    this.configs.set(name, stored(value));
  }

  async configVersion(name: string): Promise<number> {
    this.faults.check('getConfig');
    return this.configVersions.get(name) ?? 0;
  }

  async putConfigsAtVersion(
    guard: { name: string; version: number },
    items: ReadonlyArray<{ name: string; value: unknown }>,
  ): Promise<boolean> {
    this.faults.check('putConfig');
    if ((this.configVersions.get(guard.name) ?? 0) !== guard.version) return false;
    this.configVersions.set(guard.name, guard.version + 1);
    for (const item of items) this.configs.set(item.name, stored(item.value));
    return true;
  }

  async openRequestWindow(
    key: string,
    windowSeconds: number,
    facts: { requestedBy?: string } = {},
  ): Promise<{ first: boolean; window: RequestWindow }> {
    this.faults.check('openRequestWindow');
    const now = this.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const window: RequestWindow = {
      key,
      requestedAt: now.toISOString(),
      windowUntil: new Date(now.getTime() + windowSeconds * 1000).toISOString(),
      status: 'claimed',
      ...(facts.requestedBy === undefined ? {} : { requestedBy: facts.requestedBy }),
    };
    const open = this.windows.get(key);
    if (open === undefined || open.windowUntilSeconds <= nowSeconds || open.status === 'failed') {
      this.windows.set(key, { ...window, windowUntilSeconds: nowSeconds + windowSeconds });
      return { first: true, window };
    }
    const { windowUntilSeconds: _seconds, ...first } = stored(open);
    return { first: false, window: first };
  }

  async settleRequestWindow(
    key: string,
    outcome: { status: 'queued' | 'failed'; messageId?: string },
  ): Promise<void> {
    this.faults.check('settleRequestWindow');
    const open = this.windows.get(key);
    if (open === undefined) {
      throw new BugError('dynamodb: ConditionalCheckFailedException: The conditional request failed', {
        source: 'dynamodb',
        status: 400,
        code: 'ConditionalCheckFailedException',
      });
    }
    open.status = outcome.status;
    if (outcome.messageId !== undefined) open.messageId = outcome.messageId;
  }

  async recordFailure(failure: Omit<MessageFailure, 'firstFailureAt' | 'lastFailureAt'>): Promise<void> {
    this.faults.check('recordFailure');
    const now = this.now().toISOString();
    const key = `${failure.queue}#${failure.messageId}`;
    const firstFailureAt = this.failures.get(key)?.firstFailureAt ?? now;
    this.failures.set(key, {
      queue: failure.queue,
      messageId: failure.messageId,
      receiveCount: failure.receiveCount,
      errorClass: failure.errorClass,
      message: failure.message.slice(0, 2000),
      firstFailureAt,
      lastFailureAt: now,
    });
  }

  async getFailure(queue: string, messageId: string): Promise<MessageFailure | undefined> {
    this.faults.check('getFailure');
    const failure = this.failures.get(`${queue}#${messageId}`);
    return failure === undefined ? undefined : { ...failure };
  }

  /** Every link item (one per direction) and state of these kinds: reconciliation's table scan. */
  async snapshot(kinds: readonly RecordKind[]): Promise<StateSnapshot> {
    const links: LinkItem[] = [];
    for (const [key, link] of this.links) {
      if (!kinds.includes(link.kind)) continue;
      const { netsuiteId, procurifyId, origin, linkedAt, kind } = link;
      links.push({
        from: key.split('#')[0] as SystemName,
        link: { kind, netsuiteId, procurifyId, origin, linkedAt },
      });
    }
    const states = [...this.states.values()].filter((state) => kinds.includes(state.ref.kind)).map(stored);
    return { links, states };
  }

  /** The states of a kind in a status, oldest update first (the adapter's byState index). */
  private byState(kind: RecordKind, status: SyncStatus): RecordState[] {
    return [...this.states.values()]
      .filter((state) => state.ref.kind === kind && state.status === status)
      .map((state) => ({ state, sortKey: `${state.updatedAt}#${refKey(state.ref)}` }))
      .sort((a, b) => compare(a.sortKey, b.sortKey))
      .map(({ state }) => state);
  }
}

/** DynamoDB orders string keys by their bytes; for the ASCII keys apsync writes that is code-unit order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The store giving a record's lease back with its state write in one request (StateWithLease), as the
 * DynamoDB adapter does (its putStateReleasing: the lease is removed if `holder` still holds it, expired
 * or not; the state is written either way). Apart from InMemoryStateStore, whose use cases release the
 * lease on its own.
 */
export class InMemoryStateStoreGivingLeasesBack extends InMemoryStateStore implements StateWithLease {
  async putStateReleasing(
    state: Omit<RecordState, 'updatedAt'>,
    lease: { name: string; holder: string },
  ): Promise<{ state: RecordState; released: boolean }> {
    if (lease.name !== recordLeaseName(state.ref)) {
      throw new BugError(`state store: lease ${lease.name} is not the lease of ${refKey(state.ref)}`);
    }
    const written = await this.putState(state);
    const held = this.leases.get(lease.name);
    const released = held?.holder === lease.holder;
    if (released) this.leases.delete(lease.name);
    return { state: written, released };
  }
}
