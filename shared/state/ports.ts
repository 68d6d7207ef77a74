// The state ports: what the use cases need from apsync's memory of records (links, sync states,
// audit trails, watermarks, leases, message failures, request windows, configuration). The DynamoDB
// adapter (state-store.ts) implements them all; use cases and handlers import them from here.
import type {
  AuditEntry,
  RecordKind,
  RecordLink,
  RecordRef,
  RecordState,
  SyncStatus,
  SystemName,
} from './model.ts';

/** Several links looked up at once (each as findBySource would): one request where the store can. */
export interface LinkReads {
  /** The links found, keyed `${system}#${kind}#${id}` (linkLookupKey); a key without one is absent. */
  findManyBySource(
    lookups: ReadonlyArray<{ system: SystemName; kind: RecordKind; id: string }>,
  ): Promise<Map<string, RecordLink>>;
}

/** The key of a lookup in findManyBySource's answer. */
export const linkLookupKey = (system: SystemName, kind: RecordKind, id: string): string =>
  `${system}#${kind}#${id}`;

export interface LinkStore {
  link(link: Omit<RecordLink, 'linkedAt'>): Promise<void>;
  /** Removes the link both ways; the records stay. */
  unlink(link: Pick<RecordLink, 'kind' | 'procurifyId' | 'netsuiteId'>): Promise<void>;
  findBySource(system: SystemName, kind: RecordKind, id: string): Promise<RecordLink | undefined>;
}

/**
 * A record's link and audit entries written together (the link's two directions and the entries, in
 * the order given): one request where the store can. Each is complete once the call returns.
 */
export interface RecordWrites {
  linkAndAppend(
    link: Omit<RecordLink, 'linkedAt'>,
    ref: RecordRef,
    entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>,
  ): Promise<void>;
}

export interface SyncStateStore {
  getState(ref: RecordRef): Promise<RecordState | undefined>;
  putState(state: Omit<RecordState, 'updatedAt'>): Promise<RecordState>;
  listByStatus(kind: RecordKind, status: SyncStatus, limit?: number): Promise<RecordState[]>;
}

/**
 * A record's state written and its lease (record-lease.ts) given back in one request, where the store
 * keeps a record's lease on its state: `released` is false when `holder` no longer held it (expired and
 * taken by another), the state being written all the same.
 */
export interface StateWithLease {
  putStateReleasing(
    state: Omit<RecordState, 'updatedAt'>,
    lease: { name: string; holder: string },
  ): Promise<{ state: RecordState; released: boolean }>;
}

/**
 * A record's lease (record-lease.ts) taken in one request that also answers what a worker needs next,
 * where the store keeps a record's lease on its state item: when taken, the record's state as it was
 * then (read strongly, so under the lease it is the last state written, the previous holder's
 * included); when another holder has it, how long until it can be taken (as leaseWaitSeconds).
 */
export interface RecordLeaseTaking {
  takeRecordLease(
    ref: RecordRef,
    holder: string,
    ttlSeconds: number,
  ): Promise<{ taken: true; state: RecordState | undefined } | { taken: false; waitSeconds: number }>;
}

/**
 * A record's state and its link (looked up from the record's own side, as findBySource(ref.system,
 * ref.kind, ref.id)), read together: one request where the store can.
 */
export interface RecordReads {
  stateAndLink(ref: RecordRef): Promise<StoredRecord>;
}

/** A record's state and its link from the record's own side, as read together. */
export interface StoredRecord {
  state: RecordState | undefined;
  link: RecordLink | undefined;
  /**
   * Whether the state item held a record lease when read (a sync of the record under way, or one that
   * ended without giving it back): that sync may write the link after this read and before its state, so
   * the link read here is not to be trusted on the state's word alone. Absent: not known (false).
   */
  leased?: boolean;
}

/**
 * stateAndLink of several records at once, before any of them is synced (a worker's batch): in as few
 * requests as the store can, strongly consistent (each item as last written, so a link is never older
 * than the state read with it), saying which state items held a lease. Keyed by refKey; every record
 * asked for is in the answer.
 */
export interface RecordBatchReads {
  statesAndLinks(refs: readonly RecordRef[]): Promise<Map<string, StoredRecord>>;
}

/** When records of a kind last changed state: lets the bill flow notice that master data moved. */
export interface StateActivity {
  /** `updatedAt` of the newest state of this kind with this status, if any. */
  latestStateUpdate(kind: RecordKind, status: SyncStatus): Promise<string | undefined>;
}

export interface AuditTrail {
  append(ref: RecordRef, entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void>;
  /**
   * Several entries of one record, in the order given, in one request where the store can (a store
   * without it gets them appended one by one). Each is complete once the call returns.
   */
  appendAll?(ref: RecordRef, entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>): Promise<void>;
  read(ref: RecordRef): Promise<AuditEntry[]>;
  /** The store's clock, which stamps entries appended without `at` (else the machine's clock is used). */
  now?(): Date;
}

export interface WatermarkStore {
  getWatermark(flow: string): Promise<string | undefined>;
  /** Moves the watermark forward only (an older value is ignored). */
  advanceWatermark(flow: string, value: string): Promise<void>;
}

export interface LeaseStore {
  /** Takes the lease if free or expired; false when another holder has it. */
  acquireLease(name: string, holder: string, ttlSeconds: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  /**
   * Seconds until the lease can be taken by another holder (0: now), by the store's clock. A store
   * without it makes a waiting worker assume the lease's whole time.
   */
  leaseWaitSeconds?(name: string): Promise<number>;
}

/** The last error of each queue message that failed, so `apsync dlq list` can show why it is there. */
export interface MessageFailure {
  queue: string;
  messageId: string;
  receiveCount: number;
  errorClass: string;
  message: string;
  firstFailureAt: string;
  lastFailureAt: string;
}

export interface MessageFailureLog {
  recordFailure(failure: Omit<MessageFailure, 'firstFailureAt' | 'lastFailureAt'>): Promise<void>;
  getFailure(queue: string, messageId: string): Promise<MessageFailure | undefined>;
}

/**
 * A short window in which repeated requests for the same thing count as one (a manual payment re-sync
 * clicked ten times is one re-sync): the first request of a window is kept, later ones read it.
 */
export interface RequestWindow {
  key: string;
  requestedAt: string;
  /** Until when later requests join this one. */
  windowUntil: string;
  /** `claimed` until the request is carried out, then `queued` (or `failed`, which reopens the window). */
  status: 'claimed' | 'queued' | 'failed';
  messageId?: string;
  requestedBy?: string;
}

export interface RequestWindowStore {
  /**
   * Opens a window for `key` unless one is open (not expired and not failed): `first` tells whether
   * this request opened it; otherwise `window` is the open one, the first request's.
   */
  openRequestWindow(
    key: string,
    windowSeconds: number,
    facts?: { requestedBy?: string },
  ): Promise<{ first: boolean; window: RequestWindow }>;
  /** Records how the first request went (queued with its message id, or failed). */
  settleRequestWindow(
    key: string,
    outcome: { status: 'queued' | 'failed'; messageId?: string },
  ): Promise<void>;
}

export interface ConfigStore {
  getConfig<T>(name: string): Promise<T | undefined>;
  putConfig(name: string, value: unknown): Promise<void>;
}

/** Configuration items changed together under an optimistic version (the settings). */
export interface VersionedConfigStore {
  /** How many times putConfigsAtVersion changed under this item (0: never). */
  configVersion(name: string): Promise<number>;
  /**
   * Writes the items all at once with the guard item's version + 1, only if the guard is still at
   * `version`; false (nothing written) when another change came first.
   */
  putConfigsAtVersion(
    guard: { name: string; version: number },
    items: ReadonlyArray<{ name: string; value: unknown }>,
  ): Promise<boolean>;
}
