// DynamoDB adapter of the state ports (ports.ts): one table for links, sync state, audit trails,
// watermarks, leases, message failures, request windows and configuration (table and key names from
// shared/resources.ts; the item layout is in the README). Every write is a single-item put or
// conditional update, or unconditional puts of several items in one BatchWriteItem (a record's audit
// entries — those written together in one item, auditItems — a link's two directions), ordered so that a crash between two writes leaves a state the next attempt
// repairs — except a settings change: its configuration items are written in one transaction, under
// the optimistic version of a guard item (putConfigsAtVersion). A record's lease (`record:<ref>`,
// record-lease.ts) lives on the record's state item, so the outcome's state write can give it back in
// the same request (putStateReleasing); a state write keeps a lease it does not give back. Built by
// shared/config/runtime-parts.ts, the CLI and the tests.
import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DocumentRequests } from '../aws/document-requests.ts';
import { classifyAwsError } from '../aws/sdk-errors.ts';
import { BugError, TransientError } from '../errors.ts';
import {
  type AuditEntry,
  type RecordKind,
  type RecordLink,
  type RecordRef,
  type RecordState,
  recordLeasePrefix,
  refKey,
  type SyncStatus,
  type SystemName,
} from './model.ts';
import type {
  AuditTrail,
  ConfigStore,
  LeaseStore,
  LinkReads,
  LinkStore,
  MessageFailure,
  MessageFailureLog,
  RecordBatchReads,
  RecordLeaseTaking,
  RecordReads,
  RecordWrites,
  RequestWindow,
  RequestWindowStore,
  StateActivity,
  StateWithLease,
  StoredRecord,
  SyncStateStore,
  VersionedConfigStore,
  WatermarkStore,
} from './ports.ts';

// The ports used to live here; shared/bills/ (being rewritten elsewhere) still imports them from this
// file. Drop this line once those imports point at ports.ts.
export type * from './ports.ts';

/** Audit entries expire (DynamoDB TTL) after this many days unless configured (APSYNC_AUDIT_RETENTION_DAYS). */
export const defaultAuditRetentionDays = 400;

export class DynamoStateStore
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
    RecordReads,
    RecordWrites,
    LinkReads,
    StateWithLease,
    RecordLeaseTaking,
    RecordBatchReads
{
  /** lib-dynamodb's commands, sent through the client (document-requests.ts). */
  private readonly doc: DocumentRequests;
  private readonly table: string;
  /** The store's clock: it stamps the entries appended without `at`, and the states and links. */
  readonly now: () => Date;
  private auditSequence = 0;
  /**
   * This store's mark in its audit sort keys: two stores (two functions' instances) each count their
   * sequence from 0, so two entries of one record stamped in the same millisecond by two of them would
   * otherwise share a sort key — one overwriting the other, or, in an entry group, read() taking them
   * for one entry.
   */
  private readonly auditWriter = randomBytes(4).toString('hex');
  /**
   * The sort key each stamped entry object (one given its `at` by its writer, outcome-journal.ts) was
   * first given: the same entry sent again — a journal's retry after a batch that failed partway —
   * overwrites its own item instead of adding a second one.
   */
  private readonly auditKeys = new WeakMap<object, { at: string; sk: string }>();
  private readonly auditRetentionSeconds: number;

  constructor(
    client: DynamoDBClient,
    tableName: string,
    now: () => Date = () => new Date(),
    options: { auditRetentionDays?: number } = {},
  ) {
    this.doc = new DocumentRequests(client);
    this.table = tableName;
    this.now = now;
    this.auditRetentionSeconds = (options.auditRetentionDays ?? defaultAuditRetentionDays) * 24 * 3600;
  }

  // Links: one item per direction, so either side can be looked up with a GetItem; both are put in one
  // BatchWriteItem (not atomic, as two puts were not: a link is only trusted once its writer goes on).
  async link(link: Omit<RecordLink, 'linkedAt'>): Promise<void> {
    await this.putAll(this.linkItems(link));
  }

  /** A link (both directions) and a record's audit entries in one BatchWriteItem. */
  async linkAndAppend(
    link: Omit<RecordLink, 'linkedAt'>,
    ref: RecordRef,
    entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>,
  ): Promise<void> {
    await this.putAll([...this.linkItems(link), ...this.auditItems(ref, entries)]);
  }

  private linkItems(link: Omit<RecordLink, 'linkedAt'>) {
    const item = { ...link, linkedAt: this.now().toISOString() };
    return [
      { ...linkKey('procurify', link.kind, link.procurifyId), ...item },
      { ...linkKey('netsuite', link.kind, link.netsuiteId), ...item },
    ];
  }

  /** Removes both directions of a link (the record on each side stays as it is). */
  async unlink(link: Pick<RecordLink, 'kind' | 'procurifyId' | 'netsuiteId'>): Promise<void> {
    for (const pk of [
      `LINK#procurify#${link.kind}#${link.procurifyId}`,
      `LINK#netsuite#${link.kind}#${link.netsuiteId}`,
    ]) {
      await this.run(() =>
        this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk, sk: 'LINK' } })),
      );
    }
  }

  async findBySource(system: SystemName, kind: RecordKind, id: string): Promise<RecordLink | undefined> {
    const answer = await this.run(() =>
      this.doc.send(new GetCommand({ TableName: this.table, Key: linkKey(system, kind, id) })),
    );
    return answer.Item === undefined ? undefined : toLink(kind, answer.Item);
  }

  /** findBySource of each lookup in BatchGetItems of at most 100 keys (as eventually consistent). */
  async findManyBySource(
    lookups: ReadonlyArray<{ system: SystemName; kind: RecordKind; id: string }>,
  ): Promise<Map<string, RecordLink>> {
    const keys = new Map(lookups.map(({ system, kind, id }) => [linkKey(system, kind, id).pk, kind]));
    const found = new Map<string, RecordLink>();
    const pks = [...keys.keys()];
    for (let start = 0; start < pks.length; start += batchGetLimit) {
      const items = await this.getAll(
        pks.slice(start, start + batchGetLimit).map((pk) => ({ pk, sk: 'LINK' })),
      );
      for (const item of items) {
        const pk = String(item.pk);
        found.set(pk.slice('LINK#'.length), toLink(keys.get(pk)!, item));
      }
    }
    return found;
  }

  /** getState and findBySource from the record's side in one BatchGetItem (strongly consistent). */
  async stateAndLink(ref: RecordRef): Promise<StoredRecord> {
    const [stored] = (await this.statesAndLinks([ref])).values();
    return { state: stored?.state, link: stored?.link };
  }

  /**
   * stateAndLink of each record: their items in strongly consistent BatchGetItems of at most 100 keys (50
   * records; 1 read unit per item of up to 4 KB instead of 0.5: an eventually consistent answer could pair
   * a state with an older link), and whether each state item held a lease.
   */
  async statesAndLinks(refs: readonly RecordRef[]): Promise<Map<string, StoredRecord>> {
    const keysOf = (ref: RecordRef) => ({
      state: stateItemKey(refKey(ref)),
      link: linkKey(ref.system, ref.kind, ref.id),
    });
    const records = new Map(refs.map((ref) => [refKey(ref), { ref, keys: keysOf(ref) }]));
    const keys = [...records.values()].flatMap(({ keys }) => [keys.state, keys.link]);
    // Each key's pk is its own: a state's `REC#…`, a link's `LINK#…`.
    const items = new Map<string, Record<string, unknown>>();
    for (let start = 0; start < keys.length; start += batchGetLimit) {
      for (const item of await this.getAll(keys.slice(start, start + batchGetLimit), { consistent: true })) {
        items.set(String(item.pk), item);
      }
    }
    return new Map(
      [...records].map(([key, { ref, keys }]) => {
        const link = items.get(keys.link.pk);
        const state = items.get(keys.state.pk);
        return [
          key,
          {
            state: toState(state),
            link: link === undefined ? undefined : toLink(ref.kind, link),
            leased: state?.[leaseHolderAttribute] !== undefined,
          },
        ];
      }),
    );
  }

  async getState(ref: RecordRef): Promise<RecordState | undefined> {
    const answer = await this.run(() =>
      this.doc.send(new GetCommand({ TableName: this.table, Key: stateItemKey(refKey(ref)) })),
    );
    return answer.Item === undefined ? undefined : toState(answer.Item);
  }

  /**
   * The record's state, replacing the one it had; its lease (on the same item) stays as it is, so the
   * write is an update of the state's attributes: those the state has are set, the others removed.
   */
  async putState(state: Omit<RecordState, 'updatedAt'>): Promise<RecordState> {
    const full: RecordState = { ...state, updatedAt: this.now().toISOString() };
    await this.run(() => this.doc.send(new UpdateCommand({ TableName: this.table, ...stateUpdate(full) })));
    return full;
  }

  /**
   * putState that also gives back the record's lease (`lease.name`, record-lease.ts) held by
   * `lease.holder`, in the same request. A lease no longer held by `holder` (it expired and another took
   * it) is left as it is and the state written all the same, as putState would: `released` says which.
   */
  async putStateReleasing(
    state: Omit<RecordState, 'updatedAt'>,
    lease: { name: string; holder: string },
  ): Promise<{ state: RecordState; released: boolean }> {
    const key = stateLeaseKey(lease.name);
    if (key === undefined || key.pk !== `REC#${refKey(state.ref)}`) {
      throw new BugError(`state store: lease ${lease.name} is not the lease of ${refKey(state.ref)}`);
    }
    const full: RecordState = { ...state, updatedAt: this.now().toISOString() };
    const released = await this.updateIf(
      stateUpdate(full, {
        remove: [leaseHolderAttribute, leaseUntilAttribute],
        condition: `${leaseHolderAttribute} = :leaseHolder`,
        values: { ':leaseHolder': lease.holder },
      }),
    );
    if (!released) {
      await this.run(() => this.doc.send(new UpdateCommand({ TableName: this.table, ...stateUpdate(full) })));
    }
    return { state: full, released };
  }

  async listByStatus(kind: RecordKind, status: SyncStatus, limit = 1000): Promise<RecordState[]> {
    const items = await this.queryAll(byState(kind, status), { maxItems: limit, pageSize: 500 });
    return items.flatMap((item) => toState(item) ?? []);
  }

  /** How many records of a kind are in a status (`apsync status`); a COUNT query on the byState index. */
  async countByStatus(kind: RecordKind, status: SyncStatus): Promise<number> {
    let count = 0;
    for await (const page of this.queryPages({ ...byState(kind, status), Select: 'COUNT' })) {
      count += page.Count ?? 0;
    }
    return count;
  }

  async latestStateUpdate(kind: RecordKind, status: SyncStatus): Promise<string | undefined> {
    const answer = await this.run(() =>
      this.doc.send(
        new QueryCommand({
          TableName: this.table,
          ...byState(kind, status),
          ScanIndexForward: false,
          Limit: 1,
        }),
      ),
    );
    const item = answer.Items?.[0];
    return item === undefined ? undefined : (item.updatedAt as string);
  }

  async append(ref: RecordRef, entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void> {
    const item = this.auditItem(ref, entry);
    await this.run(() => this.doc.send(new PutCommand({ TableName: this.table, Item: item })));
  }

  /**
   * Several entries of one record, in the order given: one item for entries that fit together in
   * auditGroupBytes (an entry group, see auditItems), so one write unit for a sync's few small entries
   * instead of one each; its items in one BatchWriteItem (a PutItem for a single entry).
   */
  async appendAll(
    ref: RecordRef,
    entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>,
  ): Promise<void> {
    if (entries.length === 1) return this.append(ref, entries[0]!);
    await this.putAll(this.auditItems(ref, entries));
  }

  private auditItem(ref: RecordRef, entry: Omit<AuditEntry, 'at'> & { at?: string }) {
    const { at, sk } = this.stamp(entry);
    return { pk: `REC#${refKey(ref)}`, sk, ...entry, at, expiresAt: this.auditExpiry() };
  }

  /**
   * The items of several entries in order: consecutive entries up to auditGroupBytes share one item
   * (an entry alone keeps the one-entry layout). A group's item holds each entry with its own sort key
   * (`entries`: sk, at, step, message, facts) and is keyed by its last entry's: the same entries sent
   * again (a journal's retry) overwrite it, and a retry with other entries after them (a failure after
   * an answer that was lost) adds an item that repeats them, which read() shows once. The item also
   * carries its last entry's own attributes at top level, as that entry's own item would: a release
   * that reads one entry an item (before the groups) reads it as that entry, with its time and step;
   * read() takes a group's entries from `entries` only. That copy counts in the group's bytes.
   */
  private auditItems(ref: RecordRef, entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>) {
    const groups: Array<Array<{ entry: Omit<AuditEntry, 'at'> & { at?: string }; bytes: number }>> = [];
    let groupBytes = 0;
    for (const entry of entries) {
      const bytes = Buffer.byteLength(JSON.stringify(entry)) + auditEntryOverheadBytes;
      const last = groups.at(-1);
      // Joining a group, the entry is its new last one: in `entries` and copied at top level.
      if (last === undefined || groupBytes + 2 * bytes > auditGroupBytes) {
        groups.push([{ entry, bytes }]);
        groupBytes = bytes;
      } else {
        last.push({ entry, bytes });
        groupBytes += bytes;
      }
    }
    return groups.map((group) => {
      if (group.length === 1) return this.auditItem(ref, group[0]!.entry);
      const stamped = group.map(({ entry }) => ({ ...entry, ...this.stamp(entry) }));
      const last = stamped.at(-1)!;
      return {
        ...last,
        pk: `REC#${refKey(ref)}`,
        sk: last.sk,
        entries: stamped,
        expiresAt: this.auditExpiry(),
      };
    });
  }

  /** The entry's time and sort key: the ones it was first given when it came stamped (see auditKeys). */
  private stamp(entry: Omit<AuditEntry, 'at'> & { at?: string }): { at: string; sk: string } {
    const key = this.auditKeys.get(entry) ?? this.auditKey(entry.at);
    if (entry.at !== undefined) this.auditKeys.set(entry, key);
    return key;
  }

  private auditExpiry(): number {
    return Math.floor(this.now().getTime() / 1000) + this.auditRetentionSeconds;
  }

  private auditKey(stamped: string | undefined): { at: string; sk: string } {
    const at = stamped ?? this.now().toISOString();
    // The sequence keeps two entries of the same millisecond apart and in order; the writer's mark keeps
    // another store's apart.
    const sequence = String(this.auditSequence++ % 1_000_000).padStart(6, '0');
    return { at, sk: `AUDIT#${at}#${sequence}#${this.auditWriter}` };
  }

  async read(ref: RecordRef): Promise<AuditEntry[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': `REC#${refKey(ref)}`, ':audit': 'AUDIT#' },
    });
    // An entry group's entries (from `entries`; its top-level copy of the last one is for older
    // releases, see auditItems) in place of its item, all by their own sort keys; an entry stored twice
    // (a retry that repeated it) once: its sort key names it (auditKey: its time and this store's
    // sequence; a retry re-uses it), whatever order DynamoDB gives its map's keys in.
    const stored = items
      .flatMap((item) =>
        Array.isArray(item.entries)
          ? (item.entries as Array<Record<string, unknown>>).map((entry) => ({ sk: String(entry.sk), entry }))
          : [{ sk: String(item.sk), entry: item }],
      )
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    const trail: AuditEntry[] = [];
    const seen = new Set<string>();
    for (const { sk, entry } of stored) {
      if (seen.has(sk)) continue;
      seen.add(sk);
      const { at, step, message, facts } = entry as unknown as AuditEntry;
      trail.push({
        at,
        step,
        ...(message === undefined ? {} : { message }),
        ...(facts === undefined ? {} : { facts }),
      });
    }
    return trail;
  }

  async getWatermark(flow: string): Promise<string | undefined> {
    return this.valueAt<string>({ pk: `CURSOR#${flow}`, sk: 'CURSOR' });
  }

  /** The `value` attribute of one item (watermarks and configuration keep theirs there). */
  private async valueAt<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const answer = await this.run(() => this.doc.send(new GetCommand({ TableName: this.table, Key: key })));
    return answer.Item?.value as T | undefined;
  }

  async advanceWatermark(flow: string, value: string): Promise<void> {
    await this.updateIf({
      Key: { pk: `CURSOR#${flow}`, sk: 'CURSOR' },
      UpdateExpression: 'SET #value = :value, updatedAt = :now',
      ConditionExpression: 'attribute_not_exists(#value) OR #value < :value',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':value': value, ':now': this.now().toISOString() },
    });
  }

  // Leases: a record's (`record:<ref>`) on its state item, as leaseHolder and leaseUntil (see above);
  // any other in its own item (`LEASE#<name>`), as holder and leaseUntil.
  async acquireLease(name: string, holder: string, ttlSeconds: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const onState = stateLeaseKey(name);
    if (onState !== undefined) return this.updateIf(recordLeaseTake(onState, holder, nowSeconds, ttlSeconds));
    return this.writeIf(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `LEASE#${name}`, sk: 'LEASE', holder, leaseUntil: nowSeconds + ttlSeconds },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR holder = :holder',
          ExpressionAttributeValues: { ':now': nowSeconds, ':holder': holder },
        }),
      ),
    );
  }

  /**
   * acquireLease of the record's lease, answering the state item as the take left it (ReturnValues
   * ALL_NEW: a strongly consistent read of the record's state, in the same request) or, refused, as it
   * was (ReturnValuesOnConditionCheckFailure ALL_OLD: the held lease's expiry, without leaseWaitSeconds'
   * read). Neither costs read units.
   */
  async takeRecordLease(
    ref: RecordRef,
    holder: string,
    ttlSeconds: number,
  ): Promise<{ taken: true; state: RecordState | undefined } | { taken: false; waitSeconds: number }> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const key = stateItemKey(refKey(ref));
    try {
      const answer = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          ...recordLeaseTake(key, holder, nowSeconds, ttlSeconds),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { taken: true, state: toState(answer.Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw classifyAwsError(error, 'dynamodb');
      // The item as it was, unmarshalled by no one (the document client leaves errors as they are);
      // without it (an answer that does not return the item), the lease's whole time, as leaseWaitSeconds
      // assumes when its read fails.
      const held = error.Item?.[leaseUntilAttribute]?.N;
      const until = held === undefined ? nowSeconds + ttlSeconds : Number(held);
      // acquireLease takes it once leaseUntil < now.
      return { taken: false, waitSeconds: Math.max(0, until + 1 - nowSeconds) };
    }
  }

  async leaseWaitSeconds(name: string): Promise<number> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const answer = await this.run(() =>
      this.doc.send(
        new GetCommand({
          TableName: this.table,
          Key: stateLeaseKey(name) ?? { pk: `LEASE#${name}`, sk: 'LEASE' },
          ProjectionExpression: leaseUntilAttribute,
          ConsistentRead: true,
        }),
      ),
    );
    const until = (answer.Item?.[leaseUntilAttribute] as number | undefined) ?? 0;
    // acquireLease takes it once leaseUntil < now.
    return Math.max(0, until + 1 - nowSeconds);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    const onState = stateLeaseKey(name);
    if (onState !== undefined) {
      await this.updateIf({
        Key: onState,
        UpdateExpression: `REMOVE ${leaseHolderAttribute}, ${leaseUntilAttribute}`,
        ConditionExpression: `${leaseHolderAttribute} = :holder`,
        ExpressionAttributeValues: { ':holder': holder },
      });
      return;
    }
    await this.updateIf({
      Key: { pk: `LEASE#${name}`, sk: 'LEASE' },
      UpdateExpression: 'SET leaseUntil = :zero',
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeValues: { ':zero': 0, ':holder': holder },
    });
  }

  async getConfig<T>(name: string): Promise<T | undefined> {
    return this.valueAt<T>({ pk: 'CONFIG', sk: name });
  }

  async putConfig(name: string, value: unknown): Promise<void> {
    await this.run(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'CONFIG', sk: name, value, updatedAt: this.now().toISOString() },
        }),
      ),
    );
  }

  async configVersion(name: string): Promise<number> {
    const answer = await this.run(() =>
      this.doc.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: 'CONFIG', sk: name },
          ProjectionExpression: 'version',
          ConsistentRead: true,
        }),
      ),
    );
    return typeof answer.Item?.version === 'number' ? answer.Item.version : 0;
  }

  async putConfigsAtVersion(
    guard: { name: string; version: number },
    items: ReadonlyArray<{ name: string; value: unknown }>,
  ): Promise<boolean> {
    const updatedAt = this.now().toISOString();
    const condition = {
      ConditionExpression: guard.version === 0 ? 'attribute_not_exists(version)' : 'version = :version',
      ...(guard.version === 0 ? {} : { ExpressionAttributeValues: { ':version': guard.version } }),
    };
    const guarded = items.find((item) => item.name === guard.name);
    const put = (item: { name: string; value: unknown }, extra: Record<string, unknown> = {}) => ({
      TableName: this.table,
      Item: { pk: 'CONFIG', sk: item.name, value: item.value, updatedAt, ...extra },
    });
    const guardWrite =
      guarded === undefined
        ? {
            Update: {
              TableName: this.table,
              Key: { pk: 'CONFIG', sk: guard.name },
              UpdateExpression: 'SET version = :next',
              ...condition,
              ExpressionAttributeValues: {
                ...condition.ExpressionAttributeValues,
                ':next': guard.version + 1,
              },
            },
          }
        : { Put: { ...put(guarded, { version: guard.version + 1 }), ...condition } };
    return this.run(async () => {
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              guardWrite,
              ...items.filter((item) => item.name !== guard.name).map((item) => ({ Put: put(item) })),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (lostToAnotherChange(error)) return false;
        throw error;
      }
    });
  }

  // Request windows: one conditional put; the item outlives its window by a day for `apsync` to show.
  async openRequestWindow(
    key: string,
    windowSeconds: number,
    facts: { requestedBy?: string } = {},
  ): Promise<{ first: boolean; window: RequestWindow }> {
    const now = this.now();
    const window: RequestWindow = {
      key,
      requestedAt: now.toISOString(),
      windowUntil: new Date(now.getTime() + windowSeconds * 1000).toISOString(),
      status: 'claimed',
      ...(facts.requestedBy === undefined ? {} : { requestedBy: facts.requestedBy }),
    };
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const opened = await this.writeIf(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: key,
            sk: 'WINDOW',
            ...window,
            windowUntilSeconds: nowSeconds + windowSeconds,
            expiresAt: nowSeconds + windowSeconds + 24 * 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR windowUntilSeconds <= :now OR #status = :failed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': nowSeconds, ':failed': 'failed' },
        }),
      ),
    );
    if (opened) return { first: true, window };
    const answer = await this.run(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk: key, sk: 'WINDOW' }, ConsistentRead: true }),
      ),
    );
    return { first: false, window: answer.Item === undefined ? window : toRequestWindow(answer.Item) };
  }

  async settleRequestWindow(
    key: string,
    outcome: { status: 'queued' | 'failed'; messageId?: string },
  ): Promise<void> {
    await this.run(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key, sk: 'WINDOW' },
          UpdateExpression:
            outcome.messageId === undefined
              ? 'SET #status = :status'
              : 'SET #status = :status, messageId = :messageId',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': outcome.status,
            ...(outcome.messageId === undefined ? {} : { ':messageId': outcome.messageId }),
          },
        }),
      ),
    );
  }

  async recordFailure(failure: Omit<MessageFailure, 'firstFailureAt' | 'lastFailureAt'>): Promise<void> {
    const now = this.now().toISOString();
    await this.run(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `FAIL#${failure.queue}#${failure.messageId}`, sk: 'FAIL' },
          UpdateExpression:
            'SET #queue = :queue, messageId = :id, receiveCount = :count, errorClass = :class, #message = :message, ' +
            'lastFailureAt = :now, firstFailureAt = if_not_exists(firstFailureAt, :now), expiresAt = :expires',
          ExpressionAttributeNames: { '#queue': 'queue', '#message': 'message' },
          ExpressionAttributeValues: {
            ':queue': failure.queue,
            ':id': failure.messageId,
            ':count': failure.receiveCount,
            ':class': failure.errorClass,
            ':message': failure.message.slice(0, 2000),
            ':now': now,
            ':expires': Math.floor(this.now().getTime() / 1000) + 30 * 24 * 3600,
          },
        }),
      ),
    );
  }

  async getFailure(queue: string, messageId: string): Promise<MessageFailure | undefined> {
    const answer = await this.run(() =>
      this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk: `FAIL#${queue}#${messageId}`, sk: 'FAIL' } }),
      ),
    );
    if (answer.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _e, ...failure } = answer.Item;
    return failure as MessageFailure;
  }

  /**
   * Every item a query matches, page after page (DynamoDB answers at most 1 MB a page), or the first
   * `maxItems`, asking for no more than `pageSize` a page.
   */
  private async queryAll(
    query: PagedQuery,
    options: { maxItems?: number; pageSize?: number } = {},
  ): Promise<QueryItems> {
    const { maxItems, pageSize } = options;
    const items: QueryItems = [];
    const limit =
      maxItems === undefined ? undefined : () => Math.min(maxItems - items.length, pageSize ?? maxItems);
    for await (const page of this.queryPages(query, limit)) {
      items.push(...(page.Items ?? []));
      if (maxItems !== undefined && items.length >= maxItems) break;
    }
    return items;
  }

  /** The pages of a query on the table, in order; `limit` gives each page's Limit when it is asked. */
  private async *queryPages(query: PagedQuery, limit?: () => number): AsyncGenerator<QueryCommandOutput> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.run(() =>
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            ...query,
            ExclusiveStartKey: startKey,
            ...(limit === undefined ? {} : { Limit: limit() }),
          }),
        ),
      );
      yield answer;
      startKey = answer.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /** A conditional update of one item: false when its condition does not hold. */
  private updateIf(update: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    return this.writeIf(() => this.doc.send(new UpdateCommand({ TableName: this.table, ...update })));
  }

  /** A conditional write: true when written, false when its condition failed; other errors classified. */
  private async writeIf(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw classifyAwsError(error, 'dynamodb');
    }
  }

  /**
   * Distinct items by key in one BatchGetItem (at most 100 keys); the keys DynamoDB leaves unprocessed
   * are asked again after a growing pause, then it is a transient error.
   */
  private async getAll(
    keys: ReadonlyArray<{ pk: string; sk: string }>,
    { consistent = false }: { consistent?: boolean } = {},
  ): Promise<QueryItems> {
    const items: QueryItems = [];
    await untilProcessed('BatchGetItem', 'key(s)', [...keys], async (asked) => {
      const answer = await this.run(() =>
        this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.table]: { Keys: asked, ...(consistent ? { ConsistentRead: true } : {}) } },
          }),
        ),
      );
      items.push(...(answer.Responses?.[this.table] ?? []));
      return (answer.UnprocessedKeys?.[this.table]?.Keys ?? []) as typeof asked;
    });
    return items;
  }

  /**
   * Unconditional puts of distinct items in BatchWriteItem requests of at most 25: one request instead
   * of one per item. The items DynamoDB leaves unprocessed (throttling) are sent again after a growing
   * pause; still unprocessed after the last try, it is a transient error (nothing is undone: each put
   * stands alone, as separate PutItems would).
   */
  private async putAll(items: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    for (let start = 0; start < items.length; start += batchWriteLimit) {
      const requests = items.slice(start, start + batchWriteLimit).map((Item) => ({ PutRequest: { Item } }));
      await untilProcessed('BatchWriteItem', 'item(s)', requests, async (batch) => {
        const answer = await this.run(() =>
          this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: batch } })),
        );
        return (answer.UnprocessedItems?.[this.table] ?? []) as typeof batch;
      });
    }
  }

  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw classifyAwsError(error, 'dynamodb');
    }
  }
}

/**
 * Sends a batch request and then what DynamoDB leaves unprocessed (`send` answers it) after a growing
 * pause, until nothing is left; still unprocessed after the last try, it is a transient error.
 */
async function untilProcessed<T>(
  operation: string,
  unit: string,
  first: T[],
  send: (pending: T[]) => Promise<T[]>,
): Promise<void> {
  let pending = first;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === unprocessedRetries) {
      throw new TransientError(
        `dynamodb: ${operation} left ${pending.length} ${unit} unprocessed after ${attempt} tries`,
        { source: 'dynamodb' },
      );
    }
    if (attempt > 0) await sleep(unprocessedPauseMs * 2 ** (attempt - 1));
    pending = await send(pending);
  }
}

/**
 * The most an audit entry group holds (the entries' JSON plus auditEntryOverheadBytes each, its last
 * entry counted twice: in `entries` and at top level, see auditItems): DynamoDB
 * bills a write by the KB of its item, so entries written together cost no more in one item than in
 * several, and this keeps the item far below DynamoDB's 400 KB.
 */
const auditGroupBytes = 16 * 1024;
/**
 * What an entry's JSON lacks of its part of a group, roughly: the stamped sort key
 * (`AUDIT#<time>#<seq>#<writer>`, ~46 bytes) and time (24), their attribute names and quotes.
 */
const auditEntryOverheadBytes = 112;
/** BatchWriteItem takes at most 25 requests, BatchGetItem 100 keys. */
const batchWriteLimit = 25;
const batchGetLimit = 100;
/** Tries of a BatchWriteItem whose items DynamoDB leaves unprocessed, and the first pause between them. */
const unprocessedRetries = 5;
const unprocessedPauseMs = 25;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A transaction cancelled with nothing written because another change came first: each reason is
 * `None`, `ConditionalCheckFailed` (the guard's version moved) or `TransactionConflict` (a concurrent
 * transaction on one of its items was under way: the TransactionCanceledException documentation of
 * @aws-sdk/client-dynamodb, dist-types/models/errors.d.ts), and at least one is not `None`. Any other reason (validation, throttling) is not a conflict.
 */
function lostToAnotherChange(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  return (
    codes.every(
      (code) => code === 'None' || code === 'ConditionalCheckFailed' || code === 'TransactionConflict',
    ) && codes.some((code) => code !== 'None')
  );
}

/** A query as queryAll and queryPages take it: the table and the paging are theirs. */
type PagedQuery = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>;
type QueryItems = NonNullable<QueryCommandOutput['Items']>;

/** The states of a kind in a status, oldest update first: the byState index (gsi1pk, gsi1sk). */
function byState(kind: RecordKind, status: SyncStatus): PagedQuery {
  return {
    IndexName: 'byState',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `STATE#${kind}#${status}` },
  };
}

const linkKey = (system: SystemName, kind: RecordKind, id: string) => ({
  pk: `LINK#${system}#${kind}#${id}`,
  sk: 'LINK',
});

function toLink(kind: RecordKind, item: Record<string, unknown>): RecordLink {
  const { netsuiteId, procurifyId, origin, linkedAt } = item as unknown as RecordLink;
  return { netsuiteId, procurifyId, kind, origin, linkedAt };
}

/** A state item as the record's state, without its index keys and lease; undefined for a lease alone. */
function toState(item: Record<string, unknown> | undefined): RecordState | undefined {
  if (item === undefined || item.status === undefined) return undefined;
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    [leaseHolderAttribute]: _holder,
    [leaseUntilAttribute]: _until,
    ...state
  } = item;
  return state as unknown as RecordState;
}

/**
 * The update that makes a record's state item hold `full` and its byState index keys: the state's
 * attributes set, the others of stateAttributes removed, anything else (its lease) left as it is unless
 * `also` removes it, under `also`'s condition.
 */
function stateUpdate(
  full: RecordState,
  also: { remove: string[]; condition: string; values: Record<string, unknown> } | undefined = undefined,
): Omit<UpdateCommandInput, 'TableName'> {
  const item: Record<string, unknown> = {
    gsi1pk: `STATE#${full.ref.kind}#${full.status}`,
    gsi1sk: `${full.updatedAt}#${refKey(full.ref)}`,
    ...full,
  };
  const set: string[] = [];
  const removed: string[] = [...(also?.remove ?? [])];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ...also?.values };
  stateAttributes.forEach((attribute, index) => {
    names[`#s${index}`] = attribute;
    if (item[attribute] === undefined) removed.push(`#s${index}`);
    else {
      set.push(`#s${index} = :s${index}`);
      values[`:s${index}`] = item[attribute];
    }
  });
  return {
    Key: stateItemKey(refKey(full.ref)),
    UpdateExpression: `SET ${set.join(', ')}${removed.length === 0 ? '' : ` REMOVE ${removed.join(', ')}`}`,
    ...(also === undefined ? {} : { ConditionExpression: also.condition }),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The attributes of a record's lease on its state item (acquireLease). */
const leaseHolderAttribute = 'leaseHolder';
const leaseUntilAttribute = 'leaseUntil';

/** Takes a record's lease on its state item: free, expired or already `holder`'s (a retry). */
function recordLeaseTake(
  key: { pk: string; sk: string },
  holder: string,
  nowSeconds: number,
  ttlSeconds: number,
): Omit<UpdateCommandInput, 'TableName'> {
  return {
    Key: key,
    UpdateExpression: `SET ${leaseHolderAttribute} = :holder, ${leaseUntilAttribute} = :until`,
    ConditionExpression: `attribute_not_exists(${leaseUntilAttribute}) OR ${leaseUntilAttribute} < :now OR ${leaseHolderAttribute} = :holder`,
    ExpressionAttributeValues: { ':now': nowSeconds, ':holder': holder, ':until': nowSeconds + ttlSeconds },
  };
}

/** The key of a record's sync state item, from its refKey. */
function stateItemKey(recordKey: string): { pk: string; sk: string } {
  return { pk: `REC#${recordKey}`, sk: 'STATE' };
}

/** The state item that holds a record's lease; undefined for a lease of anything else. */
function stateLeaseKey(name: string): { pk: string; sk: string } | undefined {
  return name.startsWith(recordLeasePrefix) ? stateItemKey(name.slice(recordLeasePrefix.length)) : undefined;
}

/**
 * Every attribute a state item holds besides its key and lease: a RecordState's fields and the byState
 * index keys. putState sets those the state has and removes the others (the type check below fails when
 * RecordState gains a field this list lacks).
 */
const stateAttributes = [
  'gsi1pk',
  'gsi1sk',
  'ref',
  'status',
  'message',
  'errorClass',
  'contentHash',
  'sourceModified',
  'waitingFor',
  'attachments',
  'excluded',
  'selected',
  'updatedAt',
] as const;
const everyStateField: Exclude<keyof RecordState, (typeof stateAttributes)[number]> extends never
  ? true
  : never = true;
void everyStateField;

function toRequestWindow(item: Record<string, unknown>): RequestWindow {
  const { key, requestedAt, windowUntil, status, messageId, requestedBy } = item as unknown as RequestWindow;
  return {
    key,
    requestedAt,
    windowUntil,
    status,
    ...(messageId === undefined ? {} : { messageId }),
    ...(requestedBy === undefined ? {} : { requestedBy }),
  };
}
