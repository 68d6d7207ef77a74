// Use-case tests of the bill sync's state requests: what one bill asks of the state store, in order —
// its state read once, with its lease where the store can (RecordLeaseTaking), not again before the
// decision, nor after each invoice file; the lease given back by the outcome's state write where the
// store can (StateWithLease).
import { beforeEach, describe, expect, it } from 'vitest';
import { billSyncConfigName } from '../../../shared/bills/bill-sync-settings.ts';
import { syncBill } from '../../../shared/bills/sync-bill.ts';
import {
  type InMemoryStateStore,
  InMemoryStateStoreGivingLeasesBack,
} from '../../support/in-memory/state-store.ts';
import { BillWorld, billUuid, pdf, procurifyBill } from './world.ts';

const ref = { system: 'procurify', kind: 'bill', id: billUuid } as const;
let world: BillWorld;

beforeEach(async () => {
  world = new BillWorld();
  await world.linkVendor();
  await world.configure({ attachments: { folderId: '77' } });
  world.procurify.putBill(procurifyBill({ invoice_attachments: [pdf('aaaa1111-0000')] }));
  world.procurify.files.set('aaaa1111-0000', {
    content: new Uint8Array([1, 2, 3, 4]),
    contentType: 'application/pdf',
  });
});

/** The store, each of its calls noted (by name, with what tells it apart) as the use case makes it. */
function recorded(store: InMemoryStateStore): { store: InMemoryStateStore; requests: string[] } {
  const requests: string[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'now') return value;
      return (...args: unknown[]) => {
        requests.push(described(property, args));
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, requests };
}

function described(name: string, args: unknown[]): string {
  const [first, second] = args as [Record<string, unknown>, Record<string, unknown>];
  switch (name) {
    case 'append':
      return `append ${String(second.step)}`;
    case 'putState':
    case 'putStateReleasing':
      return `${name} ${String(first.status)} ${((first.attachments as string[] | undefined) ?? []).length} file(s)`;
    case 'findBySource':
      return `findBySource ${args.map(String).slice(0, 2).join(' ')}`;
    default:
      return name;
  }
}

describe('syncBill: state requests', () => {
  it("reads a bill's state once, with its lease, and remembers each file without reading the state back", async () => {
    const { store, requests } = recorded(world.state);
    const outcome = await syncBill(world.message(), { ...world.syncDeps(), state: store });
    expect(outcome.status).toBe('synced');
    expect(requests).toEqual([
      'append received',
      'takeRecordLease',
      'append fetched',
      'findBySource procurify bill',
      'getConfig',
      'findBySource procurify vendor',
      'findBySource procurify department',
      'link',
      'append written',
      'putState synced 0 file(s)',
      'append note',
      'putState synced 1 file(s)',
      'putState synced 1 file(s)',
      'releaseLease',
    ]);
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'synced',
      attachments: ['aaaa1111-0000'],
    });
  });

  it("gives the lease back with the outcome's state where the store can: no release after it", async () => {
    const giving = new InMemoryStateStoreGivingLeasesBack(world.clock.now);
    await giving.link({ kind: 'vendor', netsuiteId: '101', procurifyId: '7', origin: 'created' });
    await giving.putConfig(billSyncConfigName, { attachments: { folderId: '77' } });
    const { store, requests } = recorded(giving);
    await syncBill(world.message(), { ...world.syncDeps(), state: store });
    // The file's state keeps the lease; the outcome's gives it back.
    expect(requests.slice(-4)).toEqual([
      'putState synced 0 file(s)',
      'append note',
      'putState synced 1 file(s)',
      'putStateReleasing synced 1 file(s)',
    ]);
    // Free: the next sync takes it at once (a skip, the bill no longer writable: its outcome gives it back too).
    world.procurify.putBill(procurifyBill({ status: 1, invoice_attachments: [pdf('aaaa1111-0000')] }));
    requests.length = 0;
    await giving.unlink({
      kind: 'bill',
      procurifyId: billUuid,
      netsuiteId: (await giving.findBySource('procurify', 'bill', billUuid))!.netsuiteId,
    });
    expect(await syncBill(world.message(), { ...world.syncDeps(), state: store })).toMatchObject({
      status: 'skipped',
    });
    expect(requests).toEqual([
      'append received',
      'takeRecordLease',
      'append fetched',
      'findBySource procurify bill',
      'append skipped',
      'putStateReleasing skipped 0 file(s)',
    ]);
    expect(await giving.takeRecordLease(ref, 'another', 120)).toMatchObject({ taken: true });
  });

  it('answers a note with the state its lease read (a bill in NetSuite, no longer approved)', async () => {
    await syncBill(world.message(), world.syncDeps());
    world.procurify.putBill(procurifyBill({ status: 3, invoice_attachments: [pdf('aaaa1111-0000')] }));
    const { store, requests } = recorded(world.state);
    const outcome = await syncBill(world.message(), { ...world.syncDeps(), state: store });
    expect(outcome).toMatchObject({ status: 'synced', message: expect.stringMatching(/left as it is/) });
    expect(requests).toEqual([
      'append received',
      'takeRecordLease',
      'append fetched',
      'findBySource procurify bill',
      'append note',
      'releaseLease',
    ]);
  });

  it('reads the state once where the store takes the lease alone', async () => {
    const { store, requests } = recorded(world.state);
    const leaseAlone = Object.create(store, { takeRecordLease: { value: undefined } }) as InMemoryStateStore;
    await syncBill(world.message(), { ...world.syncDeps(), state: leaseAlone });
    expect(requests.filter((request) => request === 'getState' || request === 'acquireLease')).toEqual([
      'acquireLease',
      'getState',
    ]);
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'synced',
      attachments: ['aaaa1111-0000'],
    });
  });
});
