// The master-data sync with its batch read in bulk first (shared/master-data/batch-master-records.ts, as
// the inbound worker does it): a record the bulk read found is synced without its own GET, one it did
// not find is handled as gone, a kind whose bulk read failed or a record older than what was synced
// meanwhile is read alone. The records' states and links read for the batch: a sync uses its link from
// there while the state under its lease is the one read with it, and reads it alone otherwise. NetSuite,
// Procurify and state in memory; the bulk reads answer from the same in-memory NetSuite records as the
// REST reads.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DataError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { readBatchMasterRecords } from '../../../shared/master-data/batch-master-records.ts';
import { findMasterRecord } from '../../../shared/master-data/netsuite-master-records.ts';
import type {
  MasterRecordKind,
  MasterRecordReads,
  ReadMasterRecord,
} from '../../../shared/master-data/ports.ts';
import { syncMasterRecord } from '../../../shared/master-data/sync-master-record.ts';
import { refKey } from '../../../shared/state/model.ts';
import type { RecordBatchReads, StoredRecord } from '../../../shared/state/ports.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let netsuite: InMemoryNetSuite;
let procurify: InMemoryProcurify;
/** Every bulk read asked for, as `kind:id,id`. */
let bulkReads: string[];
/** Records the bulk read answers with instead of NetSuite's current ones (a read that raced an edit). */
let stale: Map<string, Record<string, unknown>>;

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  netsuite = new InMemoryNetSuite();
  procurify = new InMemoryProcurify();
  netsuite.seed('currency', { symbol: 'USD' });
  bulkReads = [];
  stale = new Map();
});

/** Bulk reads over the in-memory NetSuite: each id's current record (parsed as the REST path parses it). */
const reads: MasterRecordReads = {
  async readMany<K extends MasterRecordKind>(kind: K, ids: readonly string[]) {
    bulkReads.push(`${kind}:${ids.join(',')}`);
    const found = new Map<string, ReadMasterRecord<K> | undefined>();
    for (const id of ids) {
      const record = await findMasterRecord(netsuite, kind, id);
      const read = stale.get(id) ?? record;
      found.set(
        id,
        read === undefined ? undefined : ({ record: read, currencyCode: 'USD' } as ReadMasterRecord<K>),
      );
    }
    return found;
  },
};

/** The batch read of states and links over the in-memory store (each as its stateAndLink reads it). */
const storedReads: RecordBatchReads = {
  async statesAndLinks(refs) {
    const found = new Map<string, StoredRecord>();
    for (const ref of refs) found.set(refKey(ref), await state.stateAndLink(ref));
    return found;
  },
};

const deps = () => ({
  netsuite,
  procurify,
  state,
  scope: {},
  lookups: async () => ({ currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 }),
  currencyCodes: new Map<string, string>(),
});

const message = (recordId: string): InboundMessage => ({
  kind: 'record-event',
  origin: 'webhook',
  eventId: `evt-${recordId}`,
  recordType: 'vendor',
  recordId,
  eventType: 'edit',
  lastModified: clock.iso(),
  receivedAt: clock.iso(),
});

const vendor = (name: string, lastModifiedDate = '2026-11-01T10:00:00Z') =>
  netsuite.seed('vendor', {
    companyName: name,
    currency: { id: '1', refName: 'US Dollar' },
    lastModifiedDate,
  });

const names = () => [...procurify.vendors.values()].map((written) => written.name).sort();

describe('master data read in bulk', () => {
  it('syncs each record of the batch from the one bulk read, without a GET of its own', async () => {
    const ids = [vendor('Northwind'), vendor('Contoso')];
    const batch = await readBatchMasterRecords(reads, [
      ...ids.map((id) => ({ kind: 'vendor', id })),
      { kind: 'vendor', id: ids[0]! },
      { kind: 'term', id: '4' },
    ]);
    expect(bulkReads).toEqual([`vendor:${ids.join(',')}`]);
    // Any GET now fails: the records must come from the bulk read.
    netsuite.faults.failNext('get', new DataError('no GET expected', { source: 'netsuite' }), 10);
    for (const id of ids) {
      expect(await syncMasterRecord(message(id), { ...deps(), batch })).toMatchObject({ status: 'synced' });
    }
    expect(names()).toEqual(['Contoso', 'Northwind']);
  });

  it('handles a record the bulk read did not find as gone from NetSuite', async () => {
    const batch = await readBatchMasterRecords(reads, [{ kind: 'vendor', id: '4040' }]);
    netsuite.faults.failNext('get', new DataError('no GET expected', { source: 'netsuite' }));
    expect(await syncMasterRecord(message('4040'), { ...deps(), batch })).toMatchObject({
      status: 'skipped',
    });
    expect(await state.getState({ system: 'netsuite', kind: 'vendor', id: '4040' })).toMatchObject({
      status: 'skipped',
      message: 'deleted in NetSuite before it was ever synced',
    });
  });

  it('reads each record alone when the bulk read of its kind fails', async () => {
    const id = vendor('Northwind');
    const failing: MasterRecordReads = {
      readMany: async () => {
        throw new Error('SuiteQL unavailable');
      },
    };
    const batch = await readBatchMasterRecords(failing, [{ kind: 'vendor', id }]);
    expect(batch.get('vendor', id)).toBeUndefined();
    expect(await syncMasterRecord(message(id), { ...deps(), batch })).toMatchObject({ status: 'synced' });
    expect(names()).toEqual(['Northwind']);
  });

  it('reads a record alone when the bulk read is older than what another worker synced meanwhile', async () => {
    const id = vendor('Northwind Paper Co', '2026-11-02T08:00:00Z');
    stale.set(id, {
      ...(await findMasterRecord(netsuite, 'vendor', id))!,
      companyName: 'Northwind',
      lastModifiedDate: '2026-11-01T10:00:00Z',
    });
    const batch = await readBatchMasterRecords(reads, [{ kind: 'vendor', id }]);
    await state.putState({
      ref: { system: 'netsuite', kind: 'vendor', id },
      status: 'synced',
      sourceModified: '2026-11-02T08:00:00Z',
    });
    expect(await syncMasterRecord(message(id), { ...deps(), batch })).toMatchObject({ status: 'synced' });
    expect(names()).toEqual(['Northwind Paper Co']);
  });

  it("uses the batch's link while the state under the lease is the one read with it (no link read alone)", async () => {
    const id = vendor('Northwind');
    expect(await syncMasterRecord(message(id), deps())).toMatchObject({ status: 'synced' });
    await netsuite.patch('vendor', id, {
      companyName: 'Northwind Paper Co',
      lastModifiedDate: '2026-11-02T08:00:00Z',
    });
    const refs = [{ kind: 'vendor', id }];
    const batch = await readBatchMasterRecords(reads, refs, { reads: storedReads, refs });
    expect(batch.stored?.('vendor', id)?.link).toMatchObject({ netsuiteId: id });
    // A link read of its own now fails the sync.
    state.faults.failNext('findBySource', new Error('no link read expected'));
    expect(await syncMasterRecord(message(id), { ...deps(), batch })).toMatchObject({ status: 'synced' });
    expect(names()).toEqual(['Northwind Paper Co']);
  });

  it('reads its link alone when a sync of the record held the lease at the batch read (it may link the record after)', async () => {
    const id = vendor('Northwind');
    const ref = { system: 'netsuite' as const, kind: 'vendor' as const, id };
    const refs = [{ kind: 'vendor', id }];
    // The batch reads while another sync holds the record's lease: no state yet, no link yet.
    const leasedReads: RecordBatchReads = {
      async statesAndLinks(asked) {
        const found = await storedReads.statesAndLinks(asked);
        return new Map([...found].map(([key, stored]) => [key, { ...stored, leased: true }]));
      },
    };
    const batch = await readBatchMasterRecords(reads, refs, { reads: leasedReads, refs });
    expect(batch.stored?.('vendor', id)).toEqual({ state: undefined, link: undefined, leased: true });
    // That sync links the vendor, then dies before its state write: the state stays as the batch read it.
    const created = procurify.putVendor({ name: 'Northwind' });
    await state.link({ kind: 'vendor', netsuiteId: id, procurifyId: String(created.id), origin: 'created' });
    const linkReads = vi.spyOn(state, 'findBySource');
    const outcome = await syncMasterRecord(message(id), { ...deps(), batch });
    expect(linkReads).toHaveBeenCalledWith('netsuite', 'vendor', id);
    expect(outcome).toMatchObject({ status: 'synced' });
    expect(await state.getState(ref)).toMatchObject({ status: 'synced' });
    expect(procurify.vendors.size).toBe(1);
  });

  it('reads its link alone when a sync of the record ended after the batch read it', async () => {
    const id = vendor('Northwind');
    const refs = [{ kind: 'vendor', id }];
    const batch = await readBatchMasterRecords(reads, refs, { reads: storedReads, refs });
    expect(batch.stored?.('vendor', id)).toEqual({ state: undefined, link: undefined });
    // Another worker syncs the record first (from its own batch read): it creates the vendor and links it.
    const other = await readBatchMasterRecords(reads, refs);
    expect(await syncMasterRecord(message(id), { ...deps(), batch: other })).toMatchObject({
      status: 'synced',
    });
    const written = procurify.vendors.size;
    // This sync finds that state under the lease and reads the link: nothing to write.
    expect(await syncMasterRecord(message(id), { ...deps(), batch })).toMatchObject({ status: 'unchanged' });
    expect(procurify.vendors.size).toBe(written);
    expect(names()).toEqual(['Northwind']);
  });

  it('reads the states and links of master records only, and none for a batch without one', async () => {
    const id = vendor('Northwind');
    const asked: string[][] = [];
    const counting: RecordBatchReads = {
      async statesAndLinks(refs) {
        asked.push(refs.map(refKey));
        return storedReads.statesAndLinks(refs);
      },
    };
    const mixed = [
      { kind: 'vendor', id },
      { kind: 'vendorbill', id: '88' },
    ];
    const batch = await readBatchMasterRecords(reads, mixed, { reads: counting, refs: mixed });
    expect(asked).toEqual([[`netsuite#vendor#${id}`]]);
    expect(batch.stored?.('vendor', id)).toEqual({ state: undefined, link: undefined });
    const none = [{ kind: 'vendorbill', id: '88' }];
    const without = await readBatchMasterRecords(reads, none, { reads: counting, refs: none });
    expect(asked).toHaveLength(1);
    expect(without.stored?.('vendor', id)).toBeUndefined();
  });

  it("reads each record's link alone when the batch read of states and links fails", async () => {
    const id = vendor('Northwind');
    const refs = [{ kind: 'vendor', id }];
    const failing: RecordBatchReads = {
      statesAndLinks: async () => {
        throw new Error('DynamoDB unavailable');
      },
    };
    const batch = await readBatchMasterRecords(reads, refs, { reads: failing, refs });
    expect(batch.stored?.('vendor', id)).toBeUndefined();
    expect(batch.get('vendor', id)).toMatchObject({ found: true });
    expect(await syncMasterRecord(message(id), { ...deps(), batch })).toMatchObject({ status: 'synced' });
    expect(names()).toEqual(['Northwind']);
  });
});
