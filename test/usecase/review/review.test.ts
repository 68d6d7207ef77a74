// The review use cases over in-memory adapters: dismissing a parked or failed record
// (dismiss-record.ts), knowing whether a record exists before a replay (known-record.ts), and the replay
// of a NetSuite master record (replay-master-record.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { DataError, TransientError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { dismissRecord } from '../../../shared/review/dismiss-record.ts';
import { findKnownRecord, notFoundMessage } from '../../../shared/review/known-record.ts';
import { replayMasterRecord } from '../../../shared/review/replay-master-record.ts';
import type { RecordRef } from '../../../shared/state/model.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { procurifyBill } from '../bills/world.ts';

const vendor: RecordRef = { system: 'netsuite', kind: 'vendor', id: '101' };
let clock: ManualClock;
let state: InMemoryStateStore;

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
});

describe('dismissRecord', () => {
  const dismiss = (reason: string, ref = vendor) =>
    dismissRecord(ref, 'vendor:101', reason, { state, dismissedBy: 'ana' });

  it('takes a parked record off the review list with the reason, keeping what it knew', async () => {
    await state.putState({
      ref: vendor,
      status: 'review',
      message: 'two vendors named Acme',
      waitingFor: ['vendor-name'],
      contentHash: 'abc',
      sourceModified: '2026-11-01T00:00:00Z',
    });
    clock.advance(60);
    const result = await dismiss('  a test\n vendor ');
    expect(result.previous.status).toBe('review');
    expect(result.state).toEqual({
      ref: vendor,
      status: 'dismissed',
      message: 'dismissed by ana: a test vendor',
      contentHash: 'abc',
      sourceModified: '2026-11-01T00:00:00Z',
      updatedAt: clock.iso(),
    });
    expect(await state.read(vendor)).toEqual([
      {
        at: clock.iso(),
        step: 'dismissed',
        message: 'a test vendor',
        facts: { dismissedBy: 'ana', previousStatus: 'review' },
      },
    ]);
    // The lease is released: a worker (or another dismissal) can take the record.
    expect(await state.acquireLease('record:netsuite#vendor#101', 'worker', 120)).toBe(true);
  });

  it('dismisses a failed record, dropping its error class', async () => {
    await state.putState({ ref: vendor, status: 'failed', errorClass: 'data', message: 'boom' });
    expect((await dismiss('gone')).state).toMatchObject({ status: 'dismissed' });
    expect((await state.getState(vendor))?.errorClass).toBeUndefined();
  });

  it('refuses without a reason, while a worker syncs the record, without a state and outside the review list', async () => {
    await expect(dismiss(' \n ')).rejects.toMatchObject({ code: 'usage' });
    await state.acquireLease('record:netsuite#vendor#101', 'worker', 120);
    await expect(dismiss('x')).rejects.toMatchObject({
      code: 'busy',
      message: 'vendor:101 is being synced right now; dismiss it again in a minute if it still fails',
    });
    await state.releaseLease('record:netsuite#vendor#101', 'worker');
    await expect(dismiss('x')).rejects.toMatchObject({
      code: 'unknown-record',
      message: 'vendor:101 has no sync state: there is nothing to dismiss',
    });
    await state.putState({ ref: vendor, status: 'synced' });
    await expect(dismiss('x')).rejects.toMatchObject({
      code: 'not-in-review',
      message:
        'vendor:101 is synced, not in the review list (only records in review or failed are dismissed)',
    });
    // Each refusal released the lease it took.
    expect(await state.acquireLease('record:netsuite#vendor#101', 'worker', 120)).toBe(true);
  });
});

describe('findKnownRecord', () => {
  let netsuite: InMemoryNetSuite;
  let procurify: InMemoryProcurify;
  let asked: string[];
  const deps = () => ({
    state,
    netsuite: async () => {
      asked.push('netsuite');
      return netsuite;
    },
    procurify: async () => {
      asked.push('procurify');
      return procurify;
    },
  });

  const payment55: Parameters<InMemoryProcurify['putPayment']>[0] = {
    id: 55,
    uuid: 'p-55',
    status: 'processed',
    amount: '10.00',
    currency: { id: 1, name: 'USD' },
    gl_code: null,
    bill_groups: [],
    vendor_name: null,
    payment_source_name: null,
    processing_date: null,
    posted_date: null,
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-01T00:00:00Z',
  };

  beforeEach(() => {
    netsuite = new InMemoryNetSuite();
    procurify = new InMemoryProcurify();
    asked = [];
  });

  it('knows a record by its state or its link without asking the source system', async () => {
    await state.putState({ ref: vendor, status: 'failed' });
    expect(await findKnownRecord(vendor, deps())).toBe('state');
    await state.link({ kind: 'account', netsuiteId: '7', procurifyId: '70', origin: 'created' });
    expect(await findKnownRecord({ system: 'procurify', kind: 'account', id: '70' }, deps())).toBe('link');
    expect(asked).toEqual([]);
  });

  it('asks NetSuite for a master record, and never for a kind it does not keep', async () => {
    const id = netsuite.seed('department', { name: 'Marketing' });
    expect(await findKnownRecord({ system: 'netsuite', kind: 'department', id }, deps())).toBe('source');
    expect(
      await findKnownRecord({ system: 'netsuite', kind: 'vendor', id: '999999' }, deps()),
    ).toBeUndefined();
    expect(await findKnownRecord({ system: 'netsuite', kind: 'bill', id: '5' }, deps())).toBeUndefined();
    expect(asked).toEqual(['netsuite', 'netsuite']);
  });

  it('asks Procurify for a bill: found, missing (404), or an outage that propagates', async () => {
    const bill = procurifyBill();
    procurify.putBill(bill);
    const ref: RecordRef = { system: 'procurify', kind: 'bill', id: bill.uuid };
    expect(await findKnownRecord(ref, deps())).toBe('source');
    expect(
      await findKnownRecord({ ...ref, id: '00000000-0000-4000-8000-000000000000' }, deps()),
    ).toBeUndefined();
    procurify.faults.failNext('getBill');
    await expect(findKnownRecord(ref, deps())).rejects.toBeInstanceOf(TransientError);
    procurify.faults.failNext('getBill', new DataError('procurify: forbidden', { status: 403 }));
    await expect(findKnownRecord(ref, deps())).rejects.toThrow('procurify: forbidden');
  });

  it('asks Procurify for a payment by its numeric id only', async () => {
    procurify.putPayment(payment55);
    const payment = (id: string): RecordRef => ({ system: 'procurify', kind: 'payment', id });
    expect(await findKnownRecord(payment('55'), deps())).toBe('source');
    expect(await findKnownRecord(payment('56'), deps())).toBeUndefined();
    expect(await findKnownRecord(payment('p-55'), deps())).toBeUndefined();
    expect(await findKnownRecord({ system: 'procurify', kind: 'vendor', id: '7' }, deps())).toBeUndefined();
    expect(asked).toEqual(['procurify', 'procurify']);
  });

  it('knows a payment only by the id Procurify gives it, not by one that reads as the same number', async () => {
    procurify.putPayment(payment55);
    // payment:055 is asked for as payment 55, which Procurify lists; but its sync state would be kept
    // under 055, a record nothing else names: it is not known.
    const ref: RecordRef = { system: 'procurify', kind: 'payment', id: '055' };
    expect(await findKnownRecord(ref, deps())).toBeUndefined();
    expect(await findKnownRecord({ ...ref, id: '55' }, deps())).toBe('source');
    expect(asked).toEqual(['procurify', 'procurify']);
  });

  it('says where it looked', () => {
    expect(notFoundMessage({ system: 'netsuite', kind: 'vendor', id: '999999' }, 'vendor:999999')).toBe(
      'vendor:999999: apsync has never seen it and NetSuite has no vendor 999999; check the id (nothing was queued)',
    );
    expect(notFoundMessage({ system: 'procurify', kind: 'bill', id: 'x' }, 'bill:x')).toMatch(
      /Procurify has no bill x/,
    );
  });
});

describe('replayMasterRecord', () => {
  it('queues a replay notice for the inbound worker and audits who asked, and where', async () => {
    const inbound = new InMemoryQueue<InboundMessage>();
    const { messageId } = await replayMasterRecord(
      { ...vendor, system: 'netsuite' },
      'vendor',
      { inbound, audit: state },
      'ana',
      ' in the console',
    );
    const [message] = inbound.bodies();
    expect(message).toMatchObject({
      kind: 'record-event',
      origin: 'replay',
      recordType: 'vendor',
      recordId: '101',
      eventType: 'edit',
    });
    expect(message?.eventId).toMatch(/^replay-[0-9a-f-]{36}$/);
    expect(await state.read(vendor)).toEqual([
      {
        at: clock.iso(),
        step: 'replayed',
        message: 'replay requested in the console',
        facts: { messageId, requestedBy: 'ana' },
      },
    ]);
    await replayMasterRecord({ ...vendor, system: 'netsuite' }, 'vendor', { inbound, audit: state }, 'bo');
    expect((await state.read(vendor)).at(-1)?.message).toBe('replay requested');
    expect(new Set(inbound.bodies().map((sent) => sent.eventId)).size).toBe(2);
  });
});
