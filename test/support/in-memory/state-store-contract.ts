// What every implementation of the state ports must do, as assertions run against the in-memory store
// (test/usecase/state-store-contract.test.ts) and the DynamoDB adapter over the emulator
// (test/integration/state-store-contract.test.ts): the fake the use-case tests rely on cannot drift from
// the adapter production runs. Each case uses its own ids and its own kind/status pair, so the cases
// share one table without seeing each other's items.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classOf } from '../../../shared/errors.ts';
import { type RecordRef, recordLeaseName } from '../../../shared/state/model.ts';
import type {
  AuditTrail,
  ConfigStore,
  LeaseStore,
  LinkReads,
  LinkStore,
  MessageFailureLog,
  RecordLeaseTaking,
  RecordReads,
  RequestWindowStore,
  StateActivity,
  SyncStateStore,
  VersionedConfigStore,
  WatermarkStore,
} from '../../../shared/state/ports.ts';
import type { ManualClock } from './clock.ts';

export type StateStore = LinkStore &
  SyncStateStore &
  StateActivity &
  AuditTrail &
  WatermarkStore &
  Required<LeaseStore> &
  ConfigStore &
  VersionedConfigStore &
  RequestWindowStore &
  MessageFailureLog &
  RecordReads &
  RecordLeaseTaking &
  LinkReads;

export interface ContractSubject {
  store: StateStore;
  /** The clock the store reads (`now`). */
  clock: ManualClock;
}

export function stateStoreContract(name: string, subject: () => ContractSubject): void {
  const unique = () => randomUUID().slice(0, 8);

  describe(`state store contract: ${name}`, () => {
    it('finds a link from either side until it is unlinked both ways', async () => {
      const { store, clock } = subject();
      const [netsuiteId, procurifyId] = [unique(), unique()];
      await store.link({ kind: 'vendor', netsuiteId, procurifyId, origin: 'name-match' });
      const expected = {
        kind: 'vendor',
        netsuiteId,
        procurifyId,
        origin: 'name-match',
        linkedAt: clock.iso(),
      };
      expect(await store.findBySource('netsuite', 'vendor', netsuiteId)).toEqual(expected);
      expect(await store.findBySource('procurify', 'vendor', procurifyId)).toEqual(expected);
      expect(await store.findBySource('procurify', 'account', procurifyId)).toBeUndefined();
      await store.unlink({ kind: 'vendor', netsuiteId, procurifyId });
      expect(await store.findBySource('netsuite', 'vendor', netsuiteId)).toBeUndefined();
      expect(await store.findBySource('procurify', 'vendor', procurifyId)).toBeUndefined();
    });

    it('finds several links at once, keyed by system, kind and id; the missing ones absent', async () => {
      const { store, clock } = subject();
      const [a, b] = [unique(), unique()];
      await store.link({ kind: 'bill', netsuiteId: `n${a}`, procurifyId: a, origin: 'created' });
      await store.link({ kind: 'vendor', netsuiteId: `n${b}`, procurifyId: b, origin: 'name-match' });
      const found = await store.findManyBySource([
        { system: 'procurify', kind: 'bill', id: a },
        { system: 'procurify', kind: 'vendor', id: b },
        { system: 'procurify', kind: 'vendor', id: b },
        { system: 'netsuite', kind: 'bill', id: `n${a}` },
        { system: 'procurify', kind: 'bill', id: b },
      ]);
      expect(Object.fromEntries(found)).toEqual({
        [`procurify#bill#${a}`]: {
          kind: 'bill',
          netsuiteId: `n${a}`,
          procurifyId: a,
          origin: 'created',
          linkedAt: clock.iso(),
        },
        [`netsuite#bill#n${a}`]: {
          kind: 'bill',
          netsuiteId: `n${a}`,
          procurifyId: a,
          origin: 'created',
          linkedAt: clock.iso(),
        },
        [`procurify#vendor#${b}`]: {
          kind: 'vendor',
          netsuiteId: `n${b}`,
          procurifyId: b,
          origin: 'name-match',
          linkedAt: clock.iso(),
        },
      });
    });

    it("reads a record's state and its own link together", async () => {
      const { store, clock } = subject();
      const id = unique();
      const ref: RecordRef = { system: 'netsuite', kind: 'department', id };
      expect(await store.stateAndLink(ref)).toEqual({ state: undefined, link: undefined });
      await store.putState({ ref, status: 'synced', contentHash: 'h' });
      await store.link({ kind: 'department', netsuiteId: id, procurifyId: `p${id}`, origin: 'created' });
      expect(await store.stateAndLink(ref)).toEqual({
        state: { ref, status: 'synced', contentHash: 'h', updatedAt: clock.iso() },
        link: {
          kind: 'department',
          netsuiteId: id,
          procurifyId: `p${id}`,
          origin: 'created',
          linkedAt: clock.iso(),
        },
      });
      // From the Procurify side, the record is another one.
      expect(
        await store.stateAndLink({ system: 'procurify', kind: 'department', id: `p${id}` }),
      ).toMatchObject({ state: undefined, link: { netsuiteId: id } });
    });

    it('keeps one state per record, without undefined fields, stamped with the clock', async () => {
      const { store, clock } = subject();
      const ref: RecordRef = { system: 'procurify', kind: 'bill', id: unique() };
      expect(await store.getState(ref)).toBeUndefined();
      await store.putState({ ref, status: 'failed', message: 'boom', errorClass: 'data' });
      clock.advance(1);
      const written = await store.putState({
        ref,
        status: 'synced',
        message: undefined,
        contentHash: 'abc',
        attachments: ['a1'],
        excluded: { reason: 'card', at: '2026-11-01T00:00:00.000Z', by: undefined },
      });
      expect(written.updatedAt).toBe(clock.iso());
      const read = await store.getState(ref);
      expect(read).toEqual({
        ref,
        status: 'synced',
        contentHash: 'abc',
        attachments: ['a1'],
        excluded: { reason: 'card', at: '2026-11-01T00:00:00.000Z' },
        updatedAt: clock.iso(),
      });
      read!.attachments!.push('changed by the reader');
      expect((await store.getState(ref))?.attachments).toEqual(['a1']);
    });

    it('lists states by kind and status, oldest update first, up to a limit; knows the newest', async () => {
      const { store, clock } = subject();
      expect(await store.latestStateUpdate('department', 'unchanged')).toBeUndefined();
      const ids = [unique(), unique(), unique()];
      const times: string[] = [];
      for (const id of ids) {
        clock.advance(5);
        times.push(clock.iso());
        await store.putState({ ref: { system: 'netsuite', kind: 'department', id }, status: 'unchanged' });
      }
      await store.putState({
        ref: { system: 'netsuite', kind: 'account', id: ids[0]! },
        status: 'unchanged',
      });
      const listed = await store.listByStatus('department', 'unchanged');
      expect(listed.map((state) => state.ref.id)).toEqual(ids);
      expect((await store.listByStatus('department', 'unchanged', 2)).map((state) => state.ref.id)).toEqual(
        ids.slice(0, 2),
      );
      expect(await store.latestStateUpdate('department', 'unchanged')).toBe(times[2]);
      // A record that moves to another status leaves this one's list.
      clock.advance(5);
      await store.putState({
        ref: { system: 'netsuite', kind: 'department', id: ids[2]! },
        status: 'synced',
      });
      expect((await store.listByStatus('department', 'unchanged')).map((state) => state.ref.id)).toEqual(
        ids.slice(0, 2),
      );
      expect(await store.latestStateUpdate('department', 'unchanged')).toBe(times[1]);
    });

    it('returns an audit trail in time order, entries of the same instant in the order written', async () => {
      const { store, clock } = subject();
      const ref: RecordRef = { system: 'netsuite', kind: 'account', id: unique() };
      expect(await store.read(ref)).toEqual([]);
      await store.append(ref, { step: 'received', facts: { origin: 'webhook', count: 2, first: true } });
      await store.append(ref, { step: 'fetched', message: undefined });
      await store.append(ref, { step: 'note', message: 'earlier', at: '2026-01-01T00:00:00.000Z' });
      const at = clock.iso();
      expect(await store.read(ref)).toEqual([
        { at: '2026-01-01T00:00:00.000Z', step: 'note', message: 'earlier' },
        { at, step: 'received', facts: { origin: 'webhook', count: 2, first: true } },
        { at, step: 'fetched' },
      ]);
    });

    it('appends several entries of a record at once, in the order given, each at its own time', async () => {
      const { store, clock } = subject();
      const ref: RecordRef = { system: 'netsuite', kind: 'account', id: unique() };
      const received = clock.iso();
      clock.advance(2);
      await store.appendAll?.(ref, [
        { step: 'received', at: received, facts: { origin: 'webhook' } },
        { step: 'fetched', facts: { exists: false } },
        { step: 'skipped', message: 'deleted in NetSuite' },
      ]);
      expect(await store.read(ref)).toEqual([
        { at: received, step: 'received', facts: { origin: 'webhook' } },
        { at: clock.iso(), step: 'fetched', facts: { exists: false } },
        { at: clock.iso(), step: 'skipped', message: 'deleted in NetSuite' },
      ]);
      expect(store.now?.().toISOString()).toBe(clock.iso());
    });

    it('moves a watermark forward only', async () => {
      const { store } = subject();
      const flow = `flow-${unique()}`;
      expect(await store.getWatermark(flow)).toBeUndefined();
      await store.advanceWatermark(flow, '2026-11-01T10:00:00Z');
      await store.advanceWatermark(flow, '2026-10-01T10:00:00Z');
      expect(await store.getWatermark(flow)).toBe('2026-11-01T10:00:00Z');
      await store.advanceWatermark(flow, '2026-11-01T10:00:01Z');
      expect(await store.getWatermark(flow)).toBe('2026-11-01T10:00:01Z');
    });

    it('gives a lease to one holder until it is released or expires', async () => {
      const { store, clock } = subject();
      const lease = `lease-${unique()}`;
      expect(await store.acquireLease(lease, 'a', 60)).toBe(true);
      expect(await store.acquireLease(lease, 'b', 60)).toBe(false);
      expect(await store.acquireLease(lease, 'a', 60)).toBe(true);
      await store.releaseLease(lease, 'b');
      expect(await store.acquireLease(lease, 'b', 60)).toBe(false);
      await store.releaseLease(lease, 'a');
      expect(await store.acquireLease(lease, 'b', 60)).toBe(true);
      clock.advance(60);
      expect(await store.acquireLease(lease, 'c', 60)).toBe(false);
      clock.advance(1);
      expect(await store.acquireLease(lease, 'c', 60)).toBe(true);
      await store.releaseLease(`never-taken-${unique()}`, 'a');
    });

    it('tells how long until a held lease can be taken: none once released or expired', async () => {
      const { store, clock } = subject();
      const lease = `lease-${unique()}`;
      expect(await store.leaseWaitSeconds(lease)).toBe(0);
      await store.acquireLease(lease, 'a', 120);
      expect(await store.leaseWaitSeconds(lease)).toBe(121);
      clock.advance(100);
      expect(await store.leaseWaitSeconds(lease)).toBe(21);
      clock.advance(20);
      expect(await store.acquireLease(lease, 'b', 30)).toBe(false);
      expect(await store.leaseWaitSeconds(lease)).toBe(1);
      clock.advance(1);
      expect(await store.leaseWaitSeconds(lease)).toBe(0);
      expect(await store.acquireLease(lease, 'b', 30)).toBe(true);
      await store.releaseLease(lease, 'b');
      expect(await store.leaseWaitSeconds(lease)).toBe(0);
    });

    it("takes a record's lease with its state as it was, or says how long another holds it", async () => {
      const { store, clock } = subject();
      const ref: RecordRef = { system: 'netsuite', kind: 'vendor', id: unique() };
      // No state yet: taken, none found; the lease is the one acquireLease and releaseLease know.
      expect(await store.takeRecordLease(ref, 'a', 120)).toEqual({ taken: true, state: undefined });
      expect(await store.acquireLease(recordLeaseName(ref), 'b', 120)).toBe(false);
      expect(await store.takeRecordLease(ref, 'b', 120)).toEqual({ taken: false, waitSeconds: 121 });
      await store.putState({ ref, status: 'synced', contentHash: 'h1' });
      const written = clock.iso();
      clock.advance(100);
      expect(await store.takeRecordLease(ref, 'b', 120)).toEqual({ taken: false, waitSeconds: 21 });
      // The holder again (a retry): taken, with the state written meanwhile.
      expect(await store.takeRecordLease(ref, 'a', 120)).toEqual({
        taken: true,
        state: { ref, status: 'synced', contentHash: 'h1', updatedAt: written },
      });
      await store.releaseLease(recordLeaseName(ref), 'a');
      expect(await store.takeRecordLease(ref, 'b', 120)).toMatchObject({
        taken: true,
        state: { status: 'synced' },
      });
      expect(await store.leaseWaitSeconds(recordLeaseName(ref))).toBe(121);
    });

    it('stores configuration values as given, nested ones included', async () => {
      const { store } = subject();
      const name = `config-${unique()}`;
      expect(await store.getConfig(name)).toBeUndefined();
      await store.putConfig(name, { mode: 'manual', nested: { list: [1, 'two'], gone: undefined } });
      expect(await store.getConfig(name)).toEqual({ mode: 'manual', nested: { list: [1, 'two'] } });
      await store.putConfig(name, 'replaced');
      expect(await store.getConfig(name)).toBe('replaced');
    });

    it('writes configuration items together only at the version read, once', async () => {
      const { store } = subject();
      const [guard, other] = [`config-${unique()}`, `config-${unique()}`];
      expect(await store.configVersion(guard)).toBe(0);
      expect(
        await store.putConfigsAtVersion({ name: guard, version: 0 }, [
          { name: guard, value: { a: 1 } },
          { name: other, value: 'x' },
        ]),
      ).toBe(true);
      expect(await store.configVersion(guard)).toBe(1);
      expect([await store.getConfig(guard), await store.getConfig(other)]).toEqual([{ a: 1 }, 'x']);
      // A second change that read version 0 stores nothing.
      expect(
        await store.putConfigsAtVersion({ name: guard, version: 0 }, [
          { name: guard, value: { a: 2 } },
          { name: other, value: 'y' },
        ]),
      ).toBe(false);
      expect([await store.getConfig(guard), await store.getConfig(other)]).toEqual([{ a: 1 }, 'x']);
      // The guard alone moves on even when the change writes other items only.
      expect(
        await store.putConfigsAtVersion({ name: guard, version: 1 }, [{ name: other, value: 'z' }]),
      ).toBe(true);
      expect(await store.configVersion(guard)).toBe(2);
      expect([await store.getConfig(guard), await store.getConfig(other)]).toEqual([{ a: 1 }, 'z']);
    });

    it('opens a request window once; later requests read the first until it expires or fails', async () => {
      const { store, clock } = subject();
      const key = `WINDOW#${unique()}`;
      const opened = await store.openRequestWindow(key, 60, { requestedBy: 'ana' });
      expect(opened).toEqual({
        first: true,
        window: {
          key,
          requestedAt: clock.iso(),
          windowUntil: new Date(clock.now().getTime() + 60_000).toISOString(),
          status: 'claimed',
          requestedBy: 'ana',
        },
      });
      clock.advance(10);
      await store.settleRequestWindow(key, { status: 'queued', messageId: 'm-1' });
      expect(await store.openRequestWindow(key, 60, { requestedBy: 'bo' })).toEqual({
        first: false,
        window: { ...opened.window, status: 'queued', messageId: 'm-1' },
      });
      clock.advance(50);
      const reopened = await store.openRequestWindow(key, 60);
      expect(reopened).toMatchObject({
        first: true,
        window: { status: 'claimed', requestedAt: clock.iso() },
      });
      expect(reopened.window.requestedBy).toBeUndefined();
      await store.settleRequestWindow(key, { status: 'failed' });
      expect((await store.openRequestWindow(key, 60)).first).toBe(true);
    });

    it('refuses to settle a request window that was never opened (a bug)', async () => {
      const { store } = subject();
      const settling = store.settleRequestWindow(`WINDOW#${unique()}`, { status: 'queued' });
      await expect(settling).rejects.toMatchObject({ code: 'ConditionalCheckFailedException' });
      expect(classOf(await settling.catch((error: unknown) => error))).toBe('bug');
    });

    it('keeps the first and last failure of a message, its message cut at 2000 characters', async () => {
      const { store, clock } = subject();
      const messageId = unique();
      expect(await store.getFailure('bills', messageId)).toBeUndefined();
      const first = clock.iso();
      await store.recordFailure({
        queue: 'bills',
        messageId,
        receiveCount: 1,
        errorClass: 'transient',
        message: 'down',
      });
      clock.advance(30);
      await store.recordFailure({
        queue: 'bills',
        messageId,
        receiveCount: 2,
        errorClass: 'data',
        message: 'x'.repeat(2500),
      });
      expect(await store.getFailure('bills', messageId)).toEqual({
        queue: 'bills',
        messageId,
        receiveCount: 2,
        errorClass: 'data',
        message: 'x'.repeat(2000),
        firstFailureAt: first,
        lastFailureAt: clock.iso(),
      });
      expect(await store.getFailure('payments', messageId)).toBeUndefined();
    });
  });
}
