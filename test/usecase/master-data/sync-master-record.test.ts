// The master-data use case (shared/master-data/sync-master-record.ts) over in-memory NetSuite,
// Procurify and state: vendors (create, adopt by external id or the one vendor of the same name, two of
// the same name parked, update, unchanged, out of scope), GL accounts (parents in any order, inactive
// ones, the active flag a person must change), departments (location, name match) and deletions.
import { beforeEach, describe, expect, it } from 'vitest';
import { DataError, TransientError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { MasterDataScope } from '../../../shared/master-data/map-master-data.ts';
import { isMasterDataMessage, syncMasterRecord } from '../../../shared/master-data/sync-master-record.ts';
import type { RecordRef } from '../../../shared/state/model.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let netsuite: InMemoryNetSuite;
let procurify: InMemoryProcurify;
let scope: MasterDataScope;

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  netsuite = new InMemoryNetSuite();
  procurify = new InMemoryProcurify();
  scope = {};
});

const deps = () => ({
  netsuite,
  procurify,
  state,
  scope,
  lookups: async () => ({ currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 }),
  currencyCodes: new Map<string, string>(),
  termNames: new Map<string, string>(),
});

const message = (
  recordType: InboundMessage['recordType'],
  recordId: string,
  eventType: InboundMessage['eventType'] = 'edit',
): InboundMessage => ({
  kind: 'record-event',
  origin: 'webhook',
  eventId: `evt-${recordType}-${recordId}-${eventType}`,
  recordType,
  recordId,
  eventType,
  lastModified: clock.iso(),
  receivedAt: clock.iso(),
});

const ref = (kind: RecordRef['kind'], id: string): RecordRef => ({ system: 'netsuite', kind, id });

describe('vendors', () => {
  const vendor = (extra: Record<string, unknown> = {}) =>
    netsuite.seed('vendor', {
      companyName: 'Northwind Paper Co',
      email: 'ap@northwind.example',
      currency: { id: '1', refName: 'US Dollar' },
      terms: { id: '4' },
      lastModifiedDate: '2026-11-01T10:00:00Z',
      ...extra,
    });

  beforeEach(() => {
    netsuite.seed('currency', { symbol: 'USD' });
    netsuite.seed('term', { name: 'Net 30' });
  });

  it('creates the Procurify vendor, links it, and leaves it alone while nothing changes', async () => {
    const id = vendor({ currency: { id: '1000' }, terms: { id: '1001' } });
    const outcome = await syncMasterRecord(message('vendor', id), deps());
    const [created] = [...procurify.vendors.values()];
    expect(outcome).toEqual({ status: 'synced', procurifyId: String(created!.id) });
    expect(created).toMatchObject({ name: 'Northwind Paper Co', external_id: id, currency: 1 });
    // The term is kept as Procurify keeps it: found by name or created, with an id.
    expect(created!.payment_term_ref).toMatchObject({ id: expect.any(Number), name: 'Net 30' });
    expect((await procurify.getVendor(created!.id)).paymentTerm).toMatchObject({ name: 'Net 30' });
    expect(await state.findBySource('netsuite', 'vendor', id)).toMatchObject({ origin: 'created' });
    expect(await state.getState(ref('vendor', id))).toMatchObject({
      status: 'synced',
      sourceModified: '2026-11-01T10:00:00Z',
    });

    expect(await syncMasterRecord(message('vendor', id), deps())).toEqual({
      status: 'unchanged',
      procurifyId: String(created!.id),
    });
    expect(procurify.writes).toHaveLength(1);
    expect((await state.read(ref('vendor', id))).map((entry) => entry.step)).toEqual([
      'received',
      'fetched',
      'written',
      'received',
      'fetched',
      'unchanged',
    ]);
  });

  it("reads a sync's state with its lease and link in one request, and writes its link and trail in one, stamped as each step happened", async () => {
    const id = vendor();
    const requests: string[] = [];
    const takeRecordLease = state.takeRecordLease.bind(state);
    state.takeRecordLease = async (record, holder, ttl) => {
      requests.push('takeRecordLease');
      return takeRecordLease(record, holder, ttl);
    };
    const append = state.append.bind(state);
    const appendAll = state.appendAll.bind(state);
    state.append = async (at, entry) => {
      requests.push(`append ${entry.step}`);
      return append(at, entry);
    };
    state.appendAll = async (at, entries) => {
      requests.push(`appendAll ${entries.map((entry) => entry.step).join(',')}`);
      return appendAll(at, entries);
    };
    const putState = state.putState.bind(state);
    state.putState = async (record) => {
      requests.push(`putState ${record.status}`);
      return putState(record);
    };
    const stateAndLink = state.stateAndLink.bind(state);
    state.stateAndLink = async (record) => {
      requests.push('stateAndLink');
      return stateAndLink(record);
    };
    const findBySource = state.findBySource.bind(state);
    state.findBySource = async (...args) => {
      requests.push(`findBySource ${args.join(' ')}`);
      return findBySource(...args);
    };
    const link = state.link.bind(state);
    state.link = async (record) => {
      requests.push('link');
      return link(record);
    };
    const linkAndAppend = state.linkAndAppend.bind(state);
    state.linkAndAppend = async (record, at, entries) => {
      requests.push(`linkAndAppend ${record.procurifyId} ${entries.map((entry) => entry.step).join(',')}`);
      return linkAndAppend(record, at, entries);
    };
    const getState = state.getState.bind(state);
    state.getState = async (record) => {
      requests.push('getState');
      return getState(record);
    };
    // Each NetSuite read (the vendor, then its currency and terms) takes a second.
    const find = netsuite.find.bind(netsuite) as (...args: unknown[]) => Promise<unknown>;
    const reads: string[] = [];
    (netsuite as { find: unknown }).find = async (...args: unknown[]) => {
      reads.push(clock.iso());
      clock.advance(1);
      return find(...args);
    };
    await syncMasterRecord(message('vendor', id), deps());
    // The state read with the lease, the link alone; the new link and the trail in one, before the state.
    const [created] = [...procurify.vendors.values()];
    expect(requests).toEqual([
      'takeRecordLease',
      `findBySource netsuite vendor ${id}`,
      `linkAndAppend ${created!.id} received,fetched,written`,
      'putState synced',
    ]);
    expect(await state.findBySource('netsuite', 'vendor', id)).toMatchObject({
      procurifyId: String(created!.id),
    });
    const trail = await state.read(ref('vendor', id));
    expect(trail.map((entry) => [entry.step, entry.at])).toEqual([
      ['received', reads[0]],
      ['fetched', reads[1]],
      ['written', clock.iso()],
    ]);
    // A store that takes the lease alone: the state and the link read in one request.
    requests.length = 0;
    const leaseAlone = Object.create(state, { takeRecordLease: { value: undefined } }) as InMemoryStateStore;
    await syncMasterRecord(message('vendor', id), { ...deps(), state: leaseAlone });
    expect(requests).toEqual(['stateAndLink', 'appendAll received,fetched,unchanged', 'putState synced']);
  });

  it('notes the notice received when another worker holds the record (no outcome then)', async () => {
    const id = vendor();
    await state.acquireLease(`record:netsuite#vendor#${id}`, 'other-worker', 120);
    clock.advance(20);
    // The lease's remaining time comes with the refusal (takeRecordLease), for the worker to wait it out.
    await expect(syncMasterRecord(message('vendor', id), deps())).rejects.toMatchObject({
      message: expect.stringMatching(/another worker/),
      code: 'LEASE_HELD',
      retryAfterMs: 101_000,
    });
    expect((await state.read(ref('vendor', id))).map((entry) => entry.step)).toEqual(['received']);
    expect(await state.getState(ref('vendor', id))).toBeUndefined();
  });

  it('answers with the lease outage when noting the notice fails too (the retry notes it)', async () => {
    const id = vendor();
    const outage = new TransientError('dynamodb: acquireLease unavailable', { source: 'dynamodb' });
    state.faults.failNext('acquireLease', outage);
    state.faults.failNext('append');
    await expect(syncMasterRecord(message('vendor', id), deps())).rejects.toBe(outage);
    expect(await state.read(ref('vendor', id))).toEqual([]);
    expect((await syncMasterRecord(message('vendor', id), deps())).status).toBe('synced');
    expect((await state.read(ref('vendor', id))).map((entry) => entry.step)).toEqual([
      'received',
      'fetched',
      'written',
    ]);
  });

  it('writes a vendor without a currency with none, asking NetSuite for no currency', async () => {
    const id = vendor({ currency: undefined });
    const found: string[] = [];
    const find = netsuite.find.bind(netsuite) as (type: string, ...rest: unknown[]) => Promise<unknown>;
    (netsuite as { find: unknown }).find = async (type: string, ...rest: unknown[]) => {
      found.push(type);
      return find(type, ...rest);
    };
    expect((await syncMasterRecord(message('vendor', id), deps())).status).toBe('synced');
    expect([...procurify.vendors.values()][0]).toMatchObject({ name: 'Northwind Paper Co', currency: null });
    expect(found).not.toContain('currency');
  });

  it('updates the linked vendor with a PATCH when NetSuite changed it', async () => {
    const id = vendor();
    await syncMasterRecord(message('vendor', id), deps());
    await netsuite.patch('vendor', id, {
      companyName: 'Northwind Paper',
      lastModifiedDate: '2026-11-02T10:00:00Z',
    });
    expect((await syncMasterRecord(message('vendor', id), deps())).status).toBe('synced');
    expect(procurify.writes.map((write) => write.method)).toEqual(['POST', 'PATCH']);
    expect([...procurify.vendors.values()][0]?.name).toBe('Northwind Paper');
  });

  it('adopts the vendor that carries its external id, or the one unlinked vendor of the same name', async () => {
    const id = vendor();
    const carrier = procurify.putVendor({ name: 'Other name', external_id: id });
    expect(await syncMasterRecord(message('vendor', id), deps())).toMatchObject({
      procurifyId: String(carrier.id),
    });

    const second = vendor({ companyName: 'Acme' });
    const same = procurify.putVendor({ name: 'Acme' });
    procurify.putVendor({ name: 'Acme Holdings', external_id: null });
    expect(await syncMasterRecord(message('vendor', second), deps())).toMatchObject({
      procurifyId: String(same.id),
    });
    expect(await state.findBySource('netsuite', 'vendor', second)).toMatchObject({ origin: 'name-match' });
  });

  it('parks a vendor whose name two unlinked Procurify vendors have', async () => {
    const id = vendor({ companyName: 'Acme' });
    const a = procurify.putVendor({ name: 'Acme' });
    const b = procurify.putVendor({ name: 'Acme', external_id: '' });
    expect(await syncMasterRecord(message('vendor', id), deps())).toEqual({
      status: 'review',
      message: `2 Procurify vendors are named "Acme" (ids ${a.id}, ${b.id}) and none is linked; link one by setting its external id to ${id}`,
    });
    expect(await state.getState(ref('vendor', id))).toMatchObject({ waitingFor: ['vendor-name:Acme'] });
  });

  it('skips a vendor out of scope and fails on a scope that names no checkbox', async () => {
    const id = vendor({ custentity_sync: false });
    scope = { vendorSyncFlagField: 'custentity_sync' };
    expect((await syncMasterRecord(message('vendor', id), deps())).status).toBe('skipped');
    scope = { vendorSyncFlagField: 'custentity_missing' };
    await expect(syncMasterRecord(message('vendor', id), deps())).rejects.toBeInstanceOf(DataError);
    expect(await state.getState(ref('vendor', id))).toMatchObject({ status: 'failed', errorClass: 'data' });
  });

  it('makes a vendor deleted in NetSuite inactive in Procurify, and skips one never synced', async () => {
    const id = vendor();
    await syncMasterRecord(message('vendor', id), deps());
    expect(await syncMasterRecord(message('vendor', id, 'delete'), deps())).toMatchObject({
      status: 'synced',
      message: 'deleted in NetSuite: inactive in Procurify',
    });
    expect([...procurify.vendors.values()][0]?.active).toBe(false);
    await netsuite.delete('vendor', id);
    expect(await syncMasterRecord(message('vendor', '999', 'edit'), deps())).toEqual({
      status: 'skipped',
      message: 'deleted in NetSuite before it was ever synced',
    });
  });
});

describe('GL accounts', () => {
  const account = (number: string, extra: Record<string, unknown> = {}) =>
    netsuite.seed('account', {
      acctNumber: number,
      acctName: `Account ${number}`,
      acctType: { id: 'Expense' },
      ...extra,
    });

  it('writes a child before its parent without one, and sets it when the parent arrives', async () => {
    const parent = account('6000');
    const child = account('6100', { parent: { id: parent } });
    expect(await syncMasterRecord(message('account', child), deps())).toMatchObject({ status: 'pending' });
    const code = [...procurify.accountCodes.values()][0]!;
    expect(code).toMatchObject({ code: '6100', parent: null });
    expect(await state.getState(ref('account', child))).toMatchObject({
      status: 'pending',
      waitingFor: [`account-parent:${parent}`],
    });
    // A second notice of the child while it waits notes nothing new.
    await syncMasterRecord(message('account', child), deps());

    expect((await syncMasterRecord(message('account', parent), deps())).status).toBe('synced');
    const parentCode = [...procurify.accountCodes.values()].find((entry) => entry.code === '6000')!;
    expect(procurify.accountCodes.get(code.id)?.parent).toBe(parentCode.id);
    expect(await state.getState(ref('account', child))).toMatchObject({ status: 'synced' });
  });

  it('skips an account without a Number and an inactive account Procurify does not have', async () => {
    expect((await syncMasterRecord(message('account', account('')), deps())).message).toMatch(
      /has no Number/,
    );
    const inactive = account('7000', { isInactive: true });
    expect((await syncMasterRecord(message('account', inactive), deps())).message).toBe(
      `account ${inactive} is inactive in NetSuite and has no account code in Procurify: not created`,
    );
    expect(procurify.writes).toEqual([]);
  });

  it('puts an account whose active flag differs from its account code on the review list', async () => {
    const id = account('6100', { isInactive: true });
    procurify.putAccountCode({ code: '6100', active: true });
    expect(await syncMasterRecord(message('account', id), deps())).toMatchObject({ status: 'review' });
    // Deleted in NetSuite while its account code is active: a person must deactivate it.
    expect((await syncMasterRecord(message('account', id, 'delete'), deps())).status).toBe('review');
    for (const code of procurify.accountCodes.values()) code.active = false;
    expect((await syncMasterRecord(message('account', id, 'delete'), deps())).status).toBe('synced');
  });

  it('sets the parent at once when the parent is linked while the child is written', async () => {
    const parent = account('6000');
    const child = account('6100', { parent: { id: parent } });
    // The parent's worker creates and links its account code between the child's write and its wait.
    const parentCode = procurify.putAccountCode({ code: '6000' });
    const putState = state.putState.bind(state);
    state.putState = async (record) => {
      if (
        record.status === 'pending' &&
        (await state.findBySource('netsuite', 'account', parent)) === undefined
      ) {
        await state.link({
          kind: 'account',
          netsuiteId: parent,
          procurifyId: String(parentCode.id),
          origin: 'created',
        });
      }
      return putState(record);
    };
    const outcome = await syncMasterRecord(message('account', child), deps());
    expect(outcome.status).toBe('synced');
    const childCode = [...procurify.accountCodes.values()].find((code) => code.code === '6100')!;
    expect(childCode.parent).toBe(parentCode.id);
    const after = await state.getState(ref('account', child));
    expect(after).toMatchObject({ status: 'synced' });
    expect(after?.waitingFor).toBeUndefined();
  });

  it('deactivates a deleted account by its own account code among several', async () => {
    const id = account('6100');
    await syncMasterRecord(message('account', id), deps());
    const own = [...procurify.accountCodes.values()][0]!;
    own.active = false;
    // Listed after it: another account code, active.
    procurify.putAccountCode({ code: '6200', active: true });
    expect(await syncMasterRecord(message('account', id, 'delete'), deps())).toMatchObject({
      status: 'synced',
      message: 'deleted in NetSuite: inactive in Procurify',
      procurifyId: String(own.id),
    });
  });

  it('updates the linked account code when the Number changed', async () => {
    const id = account('6100');
    await syncMasterRecord(message('account', id), deps());
    await netsuite.patch('account', id, { acctNumber: '6150' });
    await syncMasterRecord(message('account', id), deps());
    expect([...procurify.accountCodes.values()].map((code) => code.code)).toEqual(['6150']);
  });

  it('skips an account outside the subsidiaries in scope', async () => {
    scope = { subsidiaryIds: ['2'] };
    const id = account('6100', { subsidiary: { items: [{ id: '1' }] } });
    expect((await syncMasterRecord(message('account', id), deps())).status).toBe('skipped');
  });
});

describe('departments', () => {
  it('creates a department in the default location, adopts one of the same name, and deactivates a deleted one', async () => {
    const id = netsuite.seed('department', { name: 'Marketing' });
    expect((await syncMasterRecord(message('department', id), deps())).status).toBe('synced');
    expect([...procurify.departments.values()][0]).toMatchObject({ name: 'Marketing', branch: { id: 7 } });

    const other = netsuite.seed('department', { name: 'Operations' });
    const existing = procurify.putDepartment({ name: 'Operations', branch: { id: 7 } });
    expect(await syncMasterRecord(message('department', other), deps())).toMatchObject({
      procurifyId: String(existing.id),
    });

    expect((await syncMasterRecord(message('department', other, 'delete'), deps())).status).toBe('synced');
    expect(procurify.departments.get(existing.id)?.active).toBe(false);
    // A later edit of the record (it exists again in NetSuite) writes it again: the deletion's hash differs.
    expect((await syncMasterRecord(message('department', other), deps())).status).toBe('synced');
    expect((await syncMasterRecord(message('department', other), deps())).status).toBe('unchanged');
  });

  it('parks a department whose subsidiaries map to different locations', async () => {
    const id = netsuite.seed('department', {
      name: 'Shared',
      subsidiary: { items: [{ id: '1' }, { id: '2' }] },
    });
    const lookups = async () => ({
      currencyIds: new Map([['USD', 1]]),
      departmentLocationId: 7,
      departmentLocationsBySubsidiary: new Map([
        ['1', 8],
        ['2', 9],
      ]),
    });
    expect(await syncMasterRecord(message('department', id), { ...deps(), lookups })).toMatchObject({
      status: 'review',
    });
    expect(await state.getState(ref('department', id))).toMatchObject({
      waitingFor: ['setting:departmentLocations'],
    });
  });
});

describe('records read in bulk with their batch', () => {
  const vendorRecord = (id: string, lastModifiedDate: string) => ({
    id,
    companyName: 'Bulk Vendor',
    currency: { id: '1' },
    lastModifiedDate,
  });

  it('uses the bulk read (with its currency), reads alone what is older than the last sync, and deactivates what is gone', async () => {
    const read = new Map<string, unknown>([
      [
        '501',
        { found: true, read: { record: vendorRecord('501', '2026-11-01T10:00:00Z'), currencyCode: 'USD' } },
      ],
      ['502', { found: false }],
    ]);
    const batch = { get: (_kind: string, id: string) => read.get(id) } as never;
    // NetSuite itself has no vendor 501: the outcome shows the bulk read was used.
    expect((await syncMasterRecord(message('vendor', '501'), { ...deps(), batch })).status).toBe('synced');
    expect([...procurify.vendors.values()][0]).toMatchObject({ name: 'Bulk Vendor', currency: 1 });

    await state.link({
      kind: 'vendor',
      netsuiteId: '502',
      procurifyId: String(procurify.putVendor({ name: 'Gone' }).id),
      origin: 'created',
    });
    expect(await syncMasterRecord(message('vendor', '502'), { ...deps(), batch })).toMatchObject({
      message: 'deleted in NetSuite: inactive in Procurify',
    });

    // Another worker synced a newer version of 501 meanwhile: the bulk read is stale, the record is read alone.
    const id = netsuite.seed('vendor', vendorRecord('ignored', '2026-11-03T10:00:00Z'));
    read.set(id, { found: true, read: { record: vendorRecord(id, '2026-11-01T10:00:00Z') } });
    await state.putState({
      ref: ref('vendor', id),
      status: 'synced',
      sourceModified: '2026-11-02T10:00:00Z',
    });
    const currencyCodes = new Map([['1', 'USD']]);
    expect((await syncMasterRecord(message('vendor', id), { ...deps(), batch, currencyCodes })).status).toBe(
      'synced',
    );
    expect(await state.getState(ref('vendor', id))).toMatchObject({ sourceModified: '2026-11-03T10:00:00Z' });
  });

  it('reads a record alone when its bulk read has no modification time and the record was synced before', async () => {
    const id = netsuite.seed('vendor', vendorRecord('ignored', '2026-11-03T10:00:00Z'));
    await netsuite.patch('vendor', id, { companyName: 'Current Vendor' });
    const { lastModifiedDate: _undated, ...undated } = vendorRecord(id, '');
    const batch = { get: () => ({ found: true, read: { record: undated } }) } as never;
    await state.putState({
      ref: ref('vendor', id),
      status: 'synced',
      sourceModified: '2026-11-02T10:00:00Z',
    });
    const currencyCodes = new Map([['1', 'USD']]);
    expect((await syncMasterRecord(message('vendor', id), { ...deps(), batch, currencyCodes })).status).toBe(
      'synced',
    );
    expect([...procurify.vendors.values()][0]).toMatchObject({ name: 'Current Vendor' });
    expect(await state.getState(ref('vendor', id))).toMatchObject({ sourceModified: '2026-11-03T10:00:00Z' });
  });
});

describe('messages', () => {
  it('handles master data only', async () => {
    expect(isMasterDataMessage(message('vendor', '1'))).toBe(true);
    expect(isMasterDataMessage(message('vendorbill', '1'))).toBe(false);
    await expect(syncMasterRecord(message('vendorbill', '1'), deps())).rejects.toThrow(
      'record type vendorbill is not master data',
    );
  });
});
