// The outcome journal: how every sync use case (bills, master data, payments) records what became of
// one record — an audit entry, then the record's sync state — after it tried to write it. One rule for
// all of them, over the state ports only:
// - an outcome appends its audit entry first, then writes the state, so the trail never lacks what the
//   state says;
// - every state written keeps the operator's marks the record had (`excluded`, `selected`) and names
//   the source version this attempt worked on (`sourceModified`);
// - a failure is audited (`failed`, with its error class) and leaves the state `failed`, keeping what
//   the last success remembered (content hash, stored invoice files, marks) and the source version: the
//   one this attempt read, else the one the state had — never none, so a later notice of an older
//   version is not taken for a new one. The state it keeps from is the one this attempt last wrote, if
//   it wrote one (under the record's lease, the record's state as it stands: a read, eventually
//   consistent, could give an older one), else the one read then;
// - an error whose outcome is already journaled (a plan's refusal, `refusal`) is not journaled again;
// - a journal for records whose synced state is final (payments: written once) never replaces `synced`
//   with `skipped` or `failed` (a later duplicate message that fails says so in the audit trail only);
// - the store's own errors are never swallowed: they propagate, so the message is retried and its
//   outcome recorded then;
// - entries an attempt notes on its way (`defer`: received, fetched, written) are stamped when noted and
//   written with the next outcome's entry, before its state, in one request (appendAll), or by `flush`
//   when the attempt ends without an outcome (a lease held by another worker): the trail is the same,
//   in fewer writes. An attempt cut off before either (a crash, a timeout) leaves them unwritten, as it
//   leaves its outcome: the message's next attempt notes its own;
// - a link the attempt made (`deferLink`: the record written on the other side) is written with those
//   entries, before the state (linkAndAppend: one request), so the state never says synced without it;
// - an attempt whose next outcome is its last write (`giveBackWith`) has that state write give its record
//   lease back in the same request where the store can (putStateReleasing), instead of a release after.
import { BugError, classOf } from '../errors.ts';
import type { AuditEntry, RecordLink, RecordRef, RecordState, SyncStatus } from './model.ts';
import type { AuditTrail, LinkStore, RecordWrites, StateWithLease, SyncStateStore } from './ports.ts';
import type { RecordLease } from './record-lease.ts';

export type JournalStore = Pick<SyncStateStore, 'getState' | 'putState'> &
  Pick<AuditTrail, 'append' | 'appendAll' | 'now'> &
  Partial<Pick<LinkStore, 'link'> & RecordWrites & StateWithLease>;

/** What a state remembers besides its status: the fields an outcome sets. */
export interface OutcomeFields {
  message?: string | undefined;
  errorClass?: string | undefined;
  contentHash?: string | undefined;
  waitingFor?: string[] | undefined;
  attachments?: readonly string[] | undefined;
}

export type JournalEntry = Omit<AuditEntry, 'at'>;
type StampedEntry = JournalEntry & { at: string };

export interface OutcomeJournalOptions {
  /** Records whose `synced` state is final: later `skipped` or `failed` outcomes never replace it. */
  syncedIsFinal?: boolean;
}

/** Errors whose state and audit entry are already written. */
const journaled = new WeakSet<object>();

export class OutcomeJournal {
  readonly ref: RecordRef;
  private readonly store: JournalStore;
  private readonly syncedIsFinal: boolean;
  private marks: Pick<RecordState, 'excluded' | 'selected'> = {};
  private version: string | undefined;
  /** Entries noted with `defer`, not yet written. */
  private deferred: StampedEntry[] = [];
  /** A link noted with `deferLink`, not yet written. */
  private deferredLink: Omit<RecordLink, 'linkedAt'> | undefined;
  /** The record lease the next outcome's state write gives back (`giveBackWith`). */
  private lease: RecordLease | undefined;
  /** The state this attempt last wrote (what a failure keeps from, see atop this file). */
  private written: RecordState | undefined;

  constructor(store: JournalStore, ref: RecordRef, options: OutcomeJournalOptions = {}) {
    this.store = store;
    this.ref = ref;
    this.syncedIsFinal = options.syncedIsFinal === true;
  }

  /** The record's state as this attempt found it: its operator marks are kept by every state written. */
  found(state: RecordState | undefined): void {
    this.marks = {
      ...(state?.excluded === undefined ? {} : { excluded: state.excluded }),
      ...(state?.selected === undefined ? {} : { selected: state.selected }),
    };
  }

  /** The source record's last-modified time of the version this attempt works on. */
  read(sourceModified: string | undefined): void {
    if (sourceModified !== undefined) this.version = sourceModified;
  }

  /** An audit entry on its own (received, fetched, a note), written now (after any deferred ones). */
  async note(entry: JournalEntry): Promise<void> {
    await this.write(entry);
  }

  /** An audit entry stamped now and written with the next outcome's (or by `flush`): see atop this file. */
  defer(entry: JournalEntry): void {
    this.deferred.push({ ...entry, at: (this.store.now?.() ?? new Date()).toISOString() });
  }

  /** A link written with the next outcome's entries (or by `flush`), before its state. */
  deferLink(link: Omit<RecordLink, 'linkedAt'>): void {
    if (this.store.link === undefined && this.store.linkAndAppend === undefined) {
      throw new BugError('outcome journal: its store cannot write links');
    }
    this.deferredLink = link;
  }

  /**
   * The next outcome is the attempt's last write under `lease`: its state write gives the lease back in
   * the same request where the store can (then `lease.givenBack()`), else the lease's holder releases it.
   */
  giveBackWith(lease: RecordLease): void {
    this.lease = lease;
  }

  /** Writes the deferred link and entries, if any (an attempt that ends without an outcome). */
  async flush(): Promise<void> {
    await this.write(undefined);
  }

  /**
   * An outcome: its audit entry (when given; with the deferred ones), then the state. Returns whether
   * the state was written (a final `synced` state is kept, see the options).
   */
  async outcome(status: SyncStatus, fields: OutcomeFields = {}, entry?: JournalEntry): Promise<boolean> {
    await this.write(entry);
    if (this.syncedIsFinal && (status === 'skipped' || status === 'failed')) {
      if ((await this.store.getState(this.ref))?.status === 'synced') return false;
    }
    const lease = this.lease;
    this.lease = undefined;
    if (lease !== undefined && this.store.putStateReleasing !== undefined) {
      const { state, released } = await this.store.putStateReleasing(this.state(status, fields), lease);
      this.written = state;
      if (released) lease.givenBack();
      return true;
    }
    this.written = await this.store.putState(this.state(status, fields));
    return true;
  }

  /**
   * A refusal decided by the use case (a plan that cannot be written): journaled with its audit entry
   * like any outcome, and the error marked so `failure` does not journal it again. Returns the error.
   */
  async refusal<E extends object>(
    error: E,
    status: SyncStatus,
    fields: OutcomeFields,
    entry: JournalEntry,
  ): Promise<E> {
    await this.outcome(status, fields, entry);
    journaled.add(error);
    return error;
  }

  /** An attempt that threw: see the rule atop this file. */
  async failure(error: unknown): Promise<void> {
    if (typeof error === 'object' && error !== null && journaled.has(error)) return;
    const errorClass = classOf(error);
    const message = error instanceof Error ? error.message : String(error);
    await this.write({ step: 'failed', message, facts: { errorClass } });
    const previous = this.written ?? (await this.store.getState(this.ref));
    if (this.syncedIsFinal && previous?.status === 'synced') return;
    this.found(previous);
    if (this.version === undefined) this.read(previous?.sourceModified);
    await this.store.putState(
      this.state('failed', {
        message,
        errorClass,
        contentHash: previous?.contentHash,
        attachments: previous?.attachments,
      }),
    );
  }

  /**
   * The deferred link, entries and `entry`, in one request where the store can; kept if it fails (the
   * next write or flush tries them again).
   */
  private async write(entry: JournalEntry | undefined): Promise<void> {
    const entries: Array<JournalEntry & { at?: string }> =
      entry === undefined ? [...this.deferred] : [...this.deferred, entry];
    const link = this.deferredLink;
    if (link !== undefined) {
      if (this.store.linkAndAppend !== undefined) {
        await this.store.linkAndAppend(link, this.ref, entries);
        this.deferredLink = undefined;
        this.deferred = this.deferred.slice(entries.length - (entry === undefined ? 0 : 1));
        return;
      }
      await this.store.link?.(link);
      this.deferredLink = undefined;
    }
    if (entries.length === 0) return;
    if (entries.length === 1) await this.store.append(this.ref, entries[0]!);
    else if (this.store.appendAll !== undefined) await this.store.appendAll(this.ref, entries);
    else for (const each of entries) await this.store.append(this.ref, each);
    this.deferred = this.deferred.slice(entries.length - (entry === undefined ? 0 : 1));
  }

  private state(status: SyncStatus, fields: OutcomeFields): Omit<RecordState, 'updatedAt'> {
    return {
      ref: this.ref,
      status,
      ...this.marks,
      ...(fields.message === undefined ? {} : { message: fields.message }),
      ...(fields.errorClass === undefined ? {} : { errorClass: fields.errorClass }),
      ...(fields.contentHash === undefined ? {} : { contentHash: fields.contentHash }),
      ...(this.version === undefined ? {} : { sourceModified: this.version }),
      ...(fields.waitingFor === undefined ? {} : { waitingFor: fields.waitingFor }),
      ...(fields.attachments === undefined || fields.attachments.length === 0
        ? {}
        : { attachments: [...fields.attachments] }),
    };
  }
}
