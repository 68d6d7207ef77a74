// The outcome journal's one rule (shared/state/outcome-journal.ts), over a small store that keeps
// states and audit trails in maps: audit before state, marks and source version kept, failures keep
// what the last success remembered (the state this attempt wrote, if any), refusals journaled once, a
// final `synced` state kept, store errors propagated, deferred entries written with the next outcome's
// in one request, a record lease given back by the outcome's state write where the store can.
import { describe, expect, it } from 'vitest';
import { DataError, TransientError } from '../../shared/errors.ts';
import { type AuditEntry, type RecordRef, type RecordState, refKey } from '../../shared/state/model.ts';
import { type JournalStore, OutcomeJournal } from '../../shared/state/outcome-journal.ts';

class MapStore implements JournalStore {
  readonly states = new Map<string, RecordState>();
  readonly trails = new Map<string, AuditEntry[]>();
  /** Every call in order, to check the audit entry comes before the state. */
  readonly calls: string[] = [];
  failPuts = false;

  async getState(ref: RecordRef): Promise<RecordState | undefined> {
    return this.states.get(refKey(ref));
  }

  async putState(state: Omit<RecordState, 'updatedAt'>): Promise<RecordState> {
    if (this.failPuts) throw new TransientError('state table unavailable', { source: 'dynamodb' });
    const stored = { ...state, updatedAt: new Date().toISOString() };
    this.states.set(refKey(state.ref), stored);
    this.calls.push(`put:${state.status}`);
    return stored;
  }

  async append(ref: RecordRef, entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void> {
    const trail = this.trails.get(refKey(ref)) ?? [];
    trail.push({ at: entry.at ?? new Date().toISOString(), ...entry });
    this.trails.set(refKey(ref), trail);
    this.calls.push(`audit:${entry.step}`);
  }
}

/** A store that appends several entries in one request, and has its own clock. */
class BatchingStore extends MapStore {
  clock = new Date('2026-03-01T08:00:00.000Z');
  failAppends = false;

  now(): Date {
    return this.clock;
  }

  async appendAll(ref: RecordRef, entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>) {
    if (this.failAppends) throw new TransientError('state table unavailable', { source: 'dynamodb' });
    const trail = this.trails.get(refKey(ref)) ?? [];
    trail.push(...entries.map((entry) => ({ at: entry.at ?? this.clock.toISOString(), ...entry })));
    this.trails.set(refKey(ref), trail);
    this.calls.push(`audit:${entries.map((entry) => entry.step).join('+')}`);
  }
}

const later = (store: BatchingStore, seconds: number) => {
  store.clock = new Date(store.clock.getTime() + seconds * 1000);
  return store.clock.toISOString();
};

const ref: RecordRef = { system: 'procurify', kind: 'bill', id: 'b-1' };
const excluded = { reason: 'paid by hand', at: '2026-01-01T00:00:00.000Z' };

describe('outcome journal', () => {
  it('writes the audit entry before the state, with the marks found and the version read', async () => {
    const store = new MapStore();
    store.states.set(refKey(ref), { ref, status: 'skipped', excluded, updatedAt: 'x' });
    const journal = new OutcomeJournal(store, ref);
    journal.found(await store.getState(ref));
    journal.read('2026-02-01T10:00:00Z');
    const written = await journal.outcome(
      'review',
      { message: 'waits for account 6100', waitingFor: ['account-code:6100'], attachments: [] },
      { step: 'review', message: 'waits for account 6100' },
    );
    expect(written).toBe(true);
    expect(store.calls).toEqual(['audit:review', 'put:review']);
    const { updatedAt: _, ...state } = store.states.get(refKey(ref))!;
    expect(state).toEqual({
      ref,
      status: 'review',
      excluded,
      message: 'waits for account 6100',
      sourceModified: '2026-02-01T10:00:00Z',
      waitingFor: ['account-code:6100'],
    });
  });

  it('keeps, on failure, the hash, files, marks and the version this attempt read', async () => {
    const store = new MapStore();
    store.states.set(refKey(ref), {
      ref,
      status: 'synced',
      contentHash: 'h1',
      attachments: ['a-1'],
      selected: { at: '2026-01-02T00:00:00.000Z' },
      sourceModified: '2026-02-01T10:00:00Z',
      updatedAt: 'x',
    });
    const journal = new OutcomeJournal(store, ref);
    journal.read('2026-02-02T09:00:00Z');
    await journal.failure(new TransientError('NetSuite timed out', { source: 'netsuite' }));
    const { updatedAt: _, ...state } = store.states.get(refKey(ref))!;
    expect(state).toEqual({
      ref,
      status: 'failed',
      selected: { at: '2026-01-02T00:00:00.000Z' },
      message: 'NetSuite timed out',
      errorClass: 'transient',
      contentHash: 'h1',
      sourceModified: '2026-02-02T09:00:00Z',
      attachments: ['a-1'],
    });
    expect(store.trails.get(refKey(ref))?.map((entry) => [entry.step, entry.facts])).toEqual([
      ['failed', { errorClass: 'transient' }],
    ]);
  });

  it('keeps, on failure after an outcome, what that outcome wrote, not what a read behind it gives', async () => {
    const store = new MapStore();
    const before: RecordState = { ref, status: 'failed', contentHash: 'h1', updatedAt: 'x' };
    store.states.set(refKey(ref), before);
    const journal = new OutcomeJournal(store, ref);
    journal.read('2026-02-02T09:00:00Z');
    await journal.outcome('synced', { contentHash: 'h2', attachments: ['a-1'] });
    // An eventually consistent read still giving the state from before the outcome.
    const reads: string[] = [];
    store.getState = async () => {
      reads.push('getState');
      return before;
    };
    await journal.failure(new TransientError('RESTlet timed out', { source: 'netsuite' }));
    const { updatedAt: _, ...state } = store.states.get(refKey(ref))!;
    expect(state).toEqual({
      ref,
      status: 'failed',
      message: 'RESTlet timed out',
      errorClass: 'transient',
      contentHash: 'h2',
      sourceModified: '2026-02-02T09:00:00Z',
      attachments: ['a-1'],
    });
    expect(reads).toEqual([]);
  });

  it('keeps the version the state had when the attempt failed before reading the record', async () => {
    const store = new MapStore();
    store.states.set(refKey(ref), {
      ref,
      status: 'synced',
      sourceModified: '2026-02-01T10:00:00Z',
      updatedAt: 'x',
    });
    await new OutcomeJournal(store, ref).failure(new Error('boom'));
    expect(store.states.get(refKey(ref))).toMatchObject({
      status: 'failed',
      errorClass: 'bug',
      message: 'boom',
      sourceModified: '2026-02-01T10:00:00Z',
    });
  });

  it('journals a refusal once: the failure of the same error adds nothing', async () => {
    const store = new MapStore();
    const journal = new OutcomeJournal(store, ref);
    const refused = new DataError('bill not linked');
    const thrown = await journal.refusal(
      refused,
      'review',
      { message: refused.message, errorClass: 'data', waitingFor: ['bill:b-2'] },
      { step: 'review', message: refused.message },
    );
    expect(thrown).toBe(refused);
    await journal.failure(refused);
    expect(store.calls).toEqual(['audit:review', 'put:review']);
    expect(store.states.get(refKey(ref))?.status).toBe('review');
  });

  it('with a final synced state, skips and failures are audited but the state stays synced', async () => {
    const store = new MapStore();
    store.states.set(refKey(ref), { ref, status: 'synced', message: 'pushed', updatedAt: 'x' });
    const journal = new OutcomeJournal(store, ref, { syncedIsFinal: true });
    expect(await journal.outcome('skipped', { message: 'mode is pull' }, { step: 'skipped' })).toBe(false);
    await journal.failure(new TransientError('again', { source: 'netsuite' }));
    expect(store.states.get(refKey(ref))).toMatchObject({ status: 'synced', message: 'pushed' });
    expect(store.calls).toEqual(['audit:skipped', 'audit:failed']);
    // A review still replaces it: that is how a person is told.
    expect(await journal.outcome('review', { message: 'void it' })).toBe(true);
    expect(store.states.get(refKey(ref))?.status).toBe('review');
  });

  it("writes deferred entries with the outcome's, in one request before the state, each at its time", async () => {
    const store = new BatchingStore();
    const journal = new OutcomeJournal(store, ref);
    const received = store.clock.toISOString();
    journal.defer({ step: 'received', facts: { origin: 'poll' } });
    const fetched = later(store, 2);
    journal.defer({ step: 'fetched' });
    const written = later(store, 3);
    await journal.outcome('review', { message: 'waits' }, { step: 'review', message: 'waits' });
    expect(store.calls).toEqual(['audit:received+fetched+review', 'put:review']);
    expect(store.trails.get(refKey(ref))).toEqual([
      { at: received, step: 'received', facts: { origin: 'poll' } },
      { at: fetched, step: 'fetched' },
      { at: written, step: 'review', message: 'waits' },
    ]);
    // Written once: the next outcome writes only its own.
    journal.defer({ step: 'unchanged' });
    await journal.outcome('synced');
    await journal.flush();
    expect(store.calls.slice(2)).toEqual(['audit:unchanged', 'put:synced']);
  });

  it('writes deferred entries with a failure, or alone by flush when the attempt has no outcome', async () => {
    const store = new BatchingStore();
    const failing = new OutcomeJournal(store, ref);
    failing.defer({ step: 'received' });
    failing.defer({ step: 'fetched' });
    await failing.failure(new TransientError('Procurify timed out', { source: 'procurify' }));
    expect(store.calls).toEqual(['audit:received+fetched+failed', 'put:failed']);

    const other: RecordRef = { ...ref, id: 'b-2' };
    const waiting = new OutcomeJournal(store, other);
    waiting.defer({ step: 'received' });
    waiting.defer({ step: 'note', message: 'another worker holds the record' });
    // A store failing keeps the entries for the next try.
    store.failAppends = true;
    await expect(waiting.flush()).rejects.toThrow('state table unavailable');
    store.failAppends = false;
    await waiting.flush();
    await waiting.flush();
    expect(store.trails.get(refKey(other))?.map((entry) => entry.step)).toEqual(['received', 'note']);
  });

  it('writes a deferred link with the entries, before the state; a store without linkAndAppend links first', async () => {
    const links: string[] = [];
    const store = Object.assign(new BatchingStore(), {
      async linkAndAppend(
        link: { procurifyId: string },
        at: RecordRef,
        entries: ReadonlyArray<Omit<AuditEntry, 'at'> & { at?: string }>,
      ) {
        links.push(link.procurifyId);
        await store.appendAll(at, entries);
      },
    });
    const journal = new OutcomeJournal(store, ref);
    journal.defer({ step: 'received' });
    journal.deferLink({ kind: 'bill', netsuiteId: '77', procurifyId: 'b-1', origin: 'created' });
    journal.defer({ step: 'written' });
    await journal.outcome('synced');
    expect(links).toEqual(['b-1']);
    expect(store.calls).toEqual(['audit:received+written', 'put:synced']);
    await journal.flush();
    expect(links).toEqual(['b-1']);

    const plain = Object.assign(new MapStore(), {
      async link(link: { procurifyId: string }) {
        plain.calls.push(`link:${link.procurifyId}`);
      },
    });
    const other = new OutcomeJournal(plain, ref);
    other.deferLink({ kind: 'bill', netsuiteId: '77', procurifyId: 'b-1', origin: 'created' });
    await other.outcome('synced', {}, { step: 'written' });
    expect(plain.calls).toEqual(['link:b-1', 'audit:written', 'put:synced']);
    expect(() =>
      new OutcomeJournal(new MapStore(), ref).deferLink({
        kind: 'bill',
        netsuiteId: '77',
        procurifyId: 'b-1',
        origin: 'created',
      }),
    ).toThrow(/cannot write links/);
  });

  it('appends deferred entries one by one to a store that cannot append several at once', async () => {
    const store = new MapStore();
    const journal = new OutcomeJournal(store, ref);
    journal.defer({ step: 'received' });
    await journal.outcome('skipped', {}, { step: 'skipped' });
    expect(store.calls).toEqual(['audit:received', 'audit:skipped', 'put:skipped']);
  });

  it('lets the store errors propagate (the message is retried), never swallowed', async () => {
    const store = new MapStore();
    store.failPuts = true;
    const journal = new OutcomeJournal(store, ref);
    await expect(journal.failure(new DataError('bad amount'))).rejects.toThrow('state table unavailable');
    await expect(journal.outcome('synced')).rejects.toThrow('state table unavailable');
  });

  it("gives the record lease back with the next outcome's state where the store can, once", async () => {
    class LeaseStore extends MapStore {
      holder: string | undefined = 'worker-a';
      async putStateReleasing(
        state: Omit<RecordState, 'updatedAt'>,
        lease: { name: string; holder: string },
      ): Promise<{ state: RecordState; released: boolean }> {
        const stored = await this.putState(state);
        const released = this.holder === lease.holder;
        if (released) this.holder = undefined;
        this.calls.push(`released:${released}`);
        return { state: stored, released };
      }
    }
    const lease = (holder: string) => {
      const given: string[] = [];
      return { lease: { name: `record:${refKey(ref)}`, holder, givenBack: () => given.push(holder) }, given };
    };
    const store = new LeaseStore();
    const journal = new OutcomeJournal(store, ref);
    const held = lease('worker-a');
    journal.giveBackWith(held.lease);
    await journal.outcome('synced', { contentHash: 'h' }, { step: 'written' });
    expect(store.calls).toEqual(['audit:written', 'put:synced', 'released:true']);
    expect(held.given).toEqual(['worker-a']);
    // Only the next outcome: a later one writes its state alone.
    await journal.outcome('review', { message: 'again' });
    expect(store.calls.at(-1)).toBe('put:review');

    // A lease another holder took meanwhile: the state is written, the lease not given back.
    store.holder = 'worker-b';
    const lost = lease('worker-a');
    journal.giveBackWith(lost.lease);
    await journal.outcome('failed', { message: 'late' });
    expect(store.calls.slice(-2)).toEqual(['put:failed', 'released:false']);
    expect(lost.given).toEqual([]);

    // A store that cannot: the state alone, the holder releases the lease itself.
    const plain = new MapStore();
    const other = lease('worker-c');
    const plainJournal = new OutcomeJournal(plain, ref);
    plainJournal.giveBackWith(other.lease);
    await plainJournal.outcome('synced');
    expect(plain.calls).toEqual(['put:synced']);
    expect(other.given).toEqual([]);
  });
});
