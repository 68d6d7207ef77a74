// The operator's bill use cases over in-memory adapters: exclude, include, select, unlink and list
// (bill-selection.ts), replay (replay-bill.ts), re-send of parked bills once master data moved
// (resend-parked-bills.ts), the initial load (backfill-bills.ts) and the legacy link import
// (import-bill-links.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { backfillBills, billBackfillConfigName } from '../../../shared/bills/backfill-bills.ts';
import {
  excludeBill,
  includeBill,
  listExcludedBills,
  selectBills,
  unlinkBill,
} from '../../../shared/bills/bill-selection.ts';
import { importBillLinks } from '../../../shared/bills/import-bill-links.ts';
import { replayBill } from '../../../shared/bills/replay-bill.ts';
import { resendParkedBills } from '../../../shared/bills/resend-parked-bills.ts';
import { DataError, TransientError } from '../../../shared/errors.ts';
import { initialLoadLine, readInitialLoad } from '../../../shared/payments/initial-load.ts';
import { BillWorld, billItem, billUuid, otherUuid, procurifyBill } from './world.ts';

const ref = { system: 'procurify', kind: 'bill', id: billUuid } as const;
let world: BillWorld;
let deps: ReturnType<typeof selectionDeps>;
const selectionDeps = (w: BillWorld) => ({ state: w.state, bills: w.bills, now: w.clock.now });

beforeEach(() => {
  world = new BillWorld();
  deps = selectionDeps(world);
});

describe('bill selection', () => {
  it('excludes a bill with the reason, keeps it listed, and includes it again (queued)', async () => {
    await world.state.putState({ ref, status: 'review', waitingFor: ['account-code:6100'] });
    const excluded = await excludeBill(` ${billUuid.toUpperCase()} `, ' paid by card ', deps, 'ana');
    expect(excluded).toMatchObject({
      status: 'skipped',
      message: 'Excluded from the sync by ana: paid by card',
      excluded: { reason: 'paid by card', by: 'ana', at: world.clock.iso() },
      waitingFor: ['account-code:6100'],
    });
    expect((await listExcludedBills(deps)).map((state) => state.ref.id)).toEqual([billUuid]);
    expect((await world.state.read(ref)).at(-1)).toMatchObject({ facts: { action: 'exclude', by: 'ana' } });

    const included = await includeBill(billUuid, deps, 'bo');
    expect(included).toMatchObject({ status: 'pending', message: 'Included again; queued' });
    expect(included.excluded).toBeUndefined();
    expect(world.bills.bodies()).toEqual([
      { kind: 'bill', origin: 'replay', billUuid, enqueuedAt: world.clock.iso() },
    ]);
    expect((await world.state.read(ref)).at(-1)).toMatchObject({ facts: { action: 'include', by: 'bo' } });
    expect(await listExcludedBills(deps)).toEqual([]);
    await excludeBill(billUuid, 'again', deps);
    await includeBill(billUuid, deps);
    expect((await world.state.read(ref)).at(-1)?.facts).toEqual({ action: 'include' });
  });

  it('excludes a bill it has never seen, without naming who', async () => {
    const excluded = await excludeBill(billUuid, 'duplicate', deps);
    expect(excluded).toMatchObject({ status: 'skipped', message: 'Excluded from the sync: duplicate' });
    expect(excluded.excluded?.by).toBeUndefined();
    // A skipped bill that is not excluded is not listed.
    await world.state.putState({ ref: { ...ref, id: otherUuid }, status: 'skipped', message: 'Draft' });
    expect((await listExcludedBills(deps)).map((state) => state.ref.id)).toEqual([billUuid]);
  });

  it('refuses a bad UUID, an empty reason and including a bill that is not excluded', async () => {
    await expect(excludeBill('not-a-uuid', 'x', deps)).rejects.toThrow(
      '"not-a-uuid" is not a Procurify bill UUID',
    );
    await expect(excludeBill(billUuid, '  ', deps)).rejects.toThrow(
      'give the reason for excluding the bill (--reason)',
    );
    await expect(includeBill(billUuid, deps, 'ana')).rejects.toThrow(`bill ${billUuid} is not excluded`);
    expect(world.bills.sent).toEqual([]);
    expect(await world.state.getState(ref)).toBeUndefined();
  });

  it('selects bills for sync and queues them together; refuses an excluded one', async () => {
    const ids = await selectBills([billUuid, otherUuid.toUpperCase()], deps, 'ana');
    expect(ids).toEqual([billUuid, otherUuid]);
    expect(await world.state.getState(ref)).toMatchObject({ status: 'pending', selected: { by: 'ana' } });
    expect(world.bills.bodies().map((message) => message.billUuid)).toEqual([billUuid, otherUuid]);

    await selectBills([otherUuid], deps);
    expect((await world.state.getState({ ...ref, id: otherUuid }))?.selected).toEqual({
      at: world.clock.iso(),
    });

    await excludeBill(billUuid, 'card', deps);
    await expect(selectBills([billUuid], deps)).rejects.toThrow(
      `bill ${billUuid} is excluded (card); apsync bills include it first`,
    );
    expect(await selectBills([], deps)).toEqual([]);
    expect(world.bills.sent).toHaveLength(3);
  });

  it('unlinks a bill both ways, leaving both bills as they are', async () => {
    await world.state.link({ kind: 'bill', netsuiteId: '900', procurifyId: billUuid, origin: 'import' });
    expect(await unlinkBill(billUuid, deps, 'ana')).toMatchObject({ netsuiteId: '900', origin: 'import' });
    expect(await world.state.findBySource('netsuite', 'bill', '900')).toBeUndefined();
    expect((await world.state.read(ref)).at(-1)).toMatchObject({
      message: 'Unlinked from NetSuite Vendor Bill 900 (import link); neither bill was changed',
      facts: { action: 'unlink', netsuiteId: '900', by: 'ana' },
    });
    await expect(unlinkBill(billUuid, deps)).rejects.toThrow(
      `bill ${billUuid} is not linked to a NetSuite Vendor Bill`,
    );
    await world.state.link({ kind: 'bill', netsuiteId: '901', procurifyId: billUuid, origin: 'created' });
    await unlinkBill(billUuid, deps);
    expect((await world.state.read(ref)).at(-1)?.facts).toEqual({ action: 'unlink', netsuiteId: '901' });
  });

  it('uses the real time when no clock is given', async () => {
    const before = Date.now();
    const state = await excludeBill(billUuid, 'card', { state: world.state, bills: world.bills });
    expect(Date.parse(state.excluded!.at)).toBeGreaterThanOrEqual(before);
    await selectBills([otherUuid], { state: world.state, bills: world.bills });
    expect(Date.parse(world.bills.bodies()[0]!.enqueuedAt)).toBeGreaterThanOrEqual(before);
  });
});

describe('replayBill', () => {
  it('queues a replay and audits who asked', async () => {
    const answer = await replayBill(
      ` ${billUuid.toUpperCase()}`,
      { bills: world.bills, audit: world.state, now: world.clock.now },
      'ana',
    );
    expect(answer).toEqual({ billUuid, messageId: world.bills.sent[0]!.messageId });
    expect(world.bills.bodies()).toEqual([
      { kind: 'bill', origin: 'replay', billUuid, enqueuedAt: world.clock.iso() },
    ]);
    expect(await world.state.read(ref)).toEqual([
      { at: world.clock.iso(), step: 'replayed', facts: { messageId: answer.messageId, requestedBy: 'ana' } },
    ]);
    await replayBill(billUuid, { bills: world.bills, audit: world.state });
    expect((await world.state.read(ref)).at(-1)?.facts).toEqual({
      messageId: world.bills.sent[1]!.messageId,
    });
  });

  it('refuses what is not a bill UUID and queues nothing', async () => {
    await expect(replayBill('42', { bills: world.bills, audit: world.state })).rejects.toThrow(
      '"42" is not a Procurify bill UUID',
    );
    expect(world.bills.sent).toEqual([]);
  });
});

describe('resendParkedBills', () => {
  const park = async (id: string, waitingFor: string[] | undefined, sourceModified?: string) =>
    world.state.putState({
      ref: { ...ref, id },
      status: 'review',
      ...(waitingFor === undefined ? {} : { waitingFor }),
      ...(sourceModified === undefined ? {} : { sourceModified }),
    });
  const masterRecord = (
    kind: 'account' | 'department',
    status: 'synced' | 'skipped' | 'failed' | 'unchanged',
  ) => world.state.putState({ ref: { system: 'netsuite', kind, id: '1' }, status });
  const resend = (options = {}) =>
    resendParkedBills({ state: world.state, bills: world.bills, now: world.clock.now }, options);

  it('does nothing without parked bills', async () => {
    expect(await resend()).toEqual({ parked: 0, resent: 0 });
  });

  it('re-sends a bill once the master data it waits for moved after it was parked (with a margin)', async () => {
    await park(billUuid, ['account-code:6100'], '2026-11-01T10:00:00Z');
    await park(otherUuid, ['department:Marketing', 'account-code:6200']);
    await park('11111111-2222-4333-8444-555555555555', ['currency:EUR']);
    await park('22222222-2222-4333-8444-555555555555', undefined);
    expect(await resend()).toEqual({ parked: 4, resent: 0 });

    world.clock.advance(600);
    await masterRecord('account', 'unchanged');
    expect(await resend()).toEqual({ parked: 4, resent: 0 });
    await masterRecord('account', 'skipped');
    expect(await resend()).toEqual({ parked: 4, resent: 1 });
    expect(world.bills.bodies()).toEqual([
      {
        kind: 'bill',
        origin: 'mapping-available',
        billUuid,
        lastModified: '2026-11-01T10:00:00Z',
        enqueuedAt: world.clock.iso(),
      },
    ]);
    expect((await world.state.read(ref)).at(-1)?.message).toBe(
      'Re-sent: NetSuite master data changed since the bill was parked',
    );

    // Both kinds must have moved for a bill that waits for both.
    await masterRecord('department', 'failed');
    expect(await resend({ limit: 1 })).toEqual({ parked: 4, resent: 1 });
    expect(world.bills.bodies().at(-1)).toMatchObject({ billUuid });
    expect(await resend()).toEqual({ parked: 4, resent: 2 });
    expect(world.bills.bodies().at(-1)).toEqual({
      kind: 'bill',
      origin: 'mapping-available',
      billUuid: otherUuid,
      enqueuedAt: world.clock.iso(),
    });
  });

  it('counts a change inside the margin before the parking time', async () => {
    await masterRecord('department', 'synced');
    world.clock.advance(60);
    await park(billUuid, ['department:Marketing']);
    expect(await resend({ marginSeconds: 30 })).toEqual({ parked: 1, resent: 0 });
    expect(await resend()).toEqual({ parked: 1, resent: 1 });
  });

  it('uses the real time for the message when no clock is given', async () => {
    await masterRecord('account', 'synced');
    await park(billUuid, ['account-code:6100']);
    await resendParkedBills({ state: world.state, bills: world.bills });
    expect(world.bills.bodies()[0]!.enqueuedAt).not.toBe(world.clock.iso());
  });
});

describe('backfillBills', () => {
  const bill = (n: number, modified: string, status = 2) =>
    procurifyBill({
      id: n,
      uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      status,
      last_modified_datetime: modified,
    });
  const backfill = (options = {}) =>
    backfillBills(
      { procurify: world.procurify, state: world.state, bills: world.bills, now: world.clock.now },
      options,
    );

  it('queues the writable bills of the last 12 months not yet linked, and records its cursor', async () => {
    world.clock.set('2026-11-02T09:00:00Z');
    world.procurify.putBill(bill(1, '2025-10-01T00:00:00Z'));
    world.procurify.putBill(bill(2, '2026-01-01T00:00:00Z'));
    world.procurify.putBill(bill(3, '2026-02-01T00:00:00Z', 0));
    world.procurify.putBill(bill(4, '2026-03-01T00:00:00Z', 4));
    await world.state.link({
      kind: 'bill',
      netsuiteId: '9',
      procurifyId: bill(4, '').uuid,
      origin: 'created',
    });
    const progress: unknown[] = [];
    const cursor = await backfill({ onProgress: (step: unknown) => progress.push(step) });
    expect(world.bills.bodies()).toEqual([
      {
        kind: 'bill',
        origin: 'backfill',
        billUuid: bill(2, '').uuid,
        lastModified: '2026-01-01T00:00:00Z',
        enqueuedAt: world.clock.iso(),
      },
    ]);
    expect(cursor).toEqual({
      status: 'done',
      since: '2025-11-02T09:00:00.000Z',
      history: false,
      phase: 'recent',
      counts: {
        recent: { scanned: 3, total: 3, queued: 1, alreadyLinked: 1, notApproved: 1 },
        history: { scanned: 0, total: 0, queued: 0, alreadyLinked: 0, notApproved: 0 },
      },
      startedAt: world.clock.iso(),
      finishedAt: world.clock.iso(),
    });
    expect(await world.state.getConfig(billBackfillConfigName)).toEqual(cursor);
    // The window's size is known before the first bill is read: n of m.
    expect(progress[0]).toMatchObject({ phase: 'recent', scanned: 0, total: 3, done: false });
    expect(progress.at(-1)).toEqual({
      phase: 'recent',
      scanned: 3,
      total: 3,
      queued: 1,
      alreadyLinked: 1,
      notApproved: 1,
      done: true,
    });
  });

  it('goes back in history on request, from a date given as a day', async () => {
    world.procurify.putBill(bill(1, '2025-10-01T00:00:00Z'));
    world.procurify.putBill(bill(2, '2026-06-01T00:00:00Z'));
    const cursor = await backfill({ since: '2026-01-01', history: true });
    expect(world.bills.bodies().map((message) => message.lastModified)).toEqual([
      '2026-06-01T00:00:00Z',
      '2025-10-01T00:00:00Z',
    ]);
    expect(cursor).toMatchObject({ since: '2026-01-01T00:00:00.000Z', history: true, phase: 'history' });
  });

  it('sends a batch every 50 bills scanned, and resumes after the last batch when interrupted', async () => {
    for (let n = 1; n <= 120; n += 1) {
      world.procurify.putBill(bill(n, new Date(Date.UTC(2026, 5, 1, 0, n)).toISOString()));
    }
    for (let n = 1; n <= 70; n += 1) {
      await world.state.link({
        kind: 'bill',
        netsuiteId: String(n),
        procurifyId: bill(n, '').uuid,
        origin: 'created',
      });
    }
    // The scan breaks after 110 bills: batches of 50 and 100 scanned are recorded.
    world.procurify.faults.failNext('scanBills', undefined, 0);
    const scan = world.procurify.scanBills.bind(world.procurify);
    let read = 0;
    world.procurify.scanBills = async function* (filter) {
      for await (const summary of scan(filter)) {
        if (++read === 111) throw new TransientError('procurify: unavailable', { source: 'procurify' });
        yield summary;
      }
    };
    await expect(backfill({ since: '2026-06-01T00:00:00Z' })).rejects.toBeInstanceOf(TransientError);
    const stored = await world.state.getConfig<{
      status: string;
      resumeAfter: string;
      readAtResume: string[];
      counts: { recent: unknown };
    }>(billBackfillConfigName);
    expect(stored).toMatchObject({
      status: 'running',
      resumeAfter: bill(100, new Date(Date.UTC(2026, 5, 1, 1, 40)).toISOString()).last_modified_datetime,
      // Only the bill read at exactly that time (Procurify's filter includes it).
      readAtResume: [bill(100, '').uuid],
      counts: { recent: { scanned: 100, total: 120, queued: 30, alreadyLinked: 70 } },
    });
    expect(world.bills.sent).toHaveLength(30);
    expect(initialLoadLine(await readInitialLoad(world.state))).toBe(
      'initial load: running (bills (recent), 100 of 120: 30 queued, 70 already linked)',
    );

    world.procurify.scanBills = scan;
    const cursor = await backfill({ since: '2026-06-01T00:00:00Z' });
    // Bill 100 (at the cursor) comes again from Procurify but was read: neither counted nor queued again.
    // The 20 bills after the cursor, after the 100 read before.
    expect(cursor.counts.recent).toEqual({
      scanned: 120,
      total: 120,
      queued: 50,
      alreadyLinked: 70,
      notApproved: 0,
    });
    expect(
      world.bills
        .bodies()
        .slice(30)
        .map((message) => message.billUuid),
    ).toEqual(Array.from({ length: 20 }, (_, index) => bill(101 + index, '').uuid));
    expect(new Set(world.bills.bodies().map((message) => message.billUuid)).size).toBe(50);
    expect(world.bills.bodies()).toHaveLength(50);
    // A later run with another `since` starts afresh.
    const fresh = await backfill({ since: '2026-06-01T01:00:00Z' });
    expect(fresh.counts.recent.scanned).toBe(61);
  });

  it('resumes an interrupted history phase after its last batch', async () => {
    for (let n = 1; n <= 60; n += 1) {
      world.procurify.putBill(bill(n, new Date(Date.UTC(2025, 5, 1, 0, n)).toISOString()));
    }
    const scan = world.procurify.scanBills.bind(world.procurify);
    let read = 0;
    world.procurify.scanBills = async function* (filter) {
      for await (const summary of scan(filter)) {
        if (++read === 55) throw new TransientError('procurify: unavailable', { source: 'procurify' });
        yield summary;
      }
    };
    await expect(backfill({ since: '2026-01-01', history: true })).rejects.toBeInstanceOf(TransientError);
    expect(await world.state.getConfig(billBackfillConfigName)).toMatchObject({
      phase: 'history',
      status: 'running',
    });
    world.procurify.scanBills = scan;
    // Resumed without --history: the stored cursor remembers it.
    const cursor = await backfill({ since: '2026-01-01' });
    expect(cursor).toMatchObject({
      status: 'done',
      history: true,
      counts: { history: { scanned: 60, total: 60, queued: 60 } },
    });
    expect(world.bills.bodies()).toHaveLength(60);
    expect(new Set(world.bills.bodies().map((message) => message.billUuid)).size).toBe(60);
  });

  it('resumes an interrupted load without --since in its own window', async () => {
    world.procurify.putBill(bill(1, '2026-06-01T00:00:00Z'));
    // What a load started on 2026-11-02 left when it was interrupted before its first batch.
    const empty = { scanned: 0, queued: 0, alreadyLinked: 0 };
    await world.state.putConfig(billBackfillConfigName, {
      status: 'running',
      since: '2025-11-02T09:00:00.000Z',
      history: false,
      phase: 'recent',
      counts: { recent: empty, history: empty },
      startedAt: '2026-11-02T09:00:00.000Z',
    });
    world.clock.advance(400 * 24 * 3600);
    const cursor = await backfill();
    expect(cursor).toMatchObject({
      status: 'done',
      since: '2025-11-02T09:00:00.000Z',
      counts: { recent: { queued: 1 } },
    });
    // Done, a later run without --since starts a new window (12 months before now).
    expect((await backfill()).since).toBe(new Date(Date.UTC(2026, 11, 7, 9)).toISOString());
  });

  it('resumes a cursor stored before it remembered the bills read at its time (reads them again)', async () => {
    world.procurify.putBill(bill(1, '2026-06-01T00:00:00Z'));
    world.procurify.putBill(bill(2, '2026-07-01T00:00:00Z'));
    const counts = { scanned: 1, total: 2, queued: 1, alreadyLinked: 0, notApproved: 0 };
    await world.state.putConfig(billBackfillConfigName, {
      status: 'running',
      since: '2026-01-01T00:00:00.000Z',
      history: false,
      phase: 'recent',
      resumeAfter: '2026-06-01T00:00:00Z',
      counts: { recent: counts, history: { ...counts, scanned: 0, total: 0, queued: 0 } },
      startedAt: '2026-11-02T09:00:00.000Z',
    });
    const cursor = await backfill({ since: '2026-01-01' });
    expect(cursor.counts.recent).toEqual({
      scanned: 3,
      total: 3,
      queued: 3,
      alreadyLinked: 0,
      notApproved: 0,
    });
    expect(world.bills.bodies().map((message) => message.billUuid)).toEqual([
      bill(1, '').uuid,
      bill(2, '').uuid,
    ]);
    expect(cursor).not.toHaveProperty('readAtResume');
  });

  it('refuses a since that is not a date', async () => {
    await expect(backfill({ since: 'last week' })).rejects.toThrow(
      '--since: "last week" is not YYYY-MM-DD or an ISO date-time',
    );
    await expect(backfill({ since: 'last week' })).rejects.toBeInstanceOf(DataError);
  });

  it('reads the real time without a clock', async () => {
    const cursor = await backfillBills({
      procurify: world.procurify,
      state: world.state,
      bills: world.bills,
    });
    expect(Date.parse(cursor.startedAt)).toBeGreaterThan(
      Date.parse('2026-01-01T00:00:00Z') - 366 * 24 * 3600e3,
    );
    expect(cursor.counts.recent.scanned).toBe(0);
  });
});

describe('importBillLinks', () => {
  const header = 'procurify_bill_uuid,netsuite_bill_id';
  let vendorBill: string;
  beforeEach(async () => {
    await world.linkVendor();
    world.procurify.putBill(procurifyBill());
    vendorBill = world.netsuite.seed('vendorBill', { entity: { id: '101' }, total: '100.50' });
  });
  const importDeps = () => ({ state: world.state, lookups: world.netsuite, procurify: world.procurify });

  it('imports a good line, links it (origin import) and records the bill as not written by apsync', async () => {
    const result = await importBillLinks(
      `\uFEFF\n${header}\r\n${billUuid.toUpperCase()},${vendorBill}\n\n`,
      importDeps(),
    );
    expect(result).toEqual({ imported: 1, alreadyLinked: 0, errors: [] });
    expect(await world.state.findBySource('netsuite', 'bill', vendorBill)).toMatchObject({
      procurifyId: billUuid,
      origin: 'import',
    });
    expect(await world.state.getState(ref)).toMatchObject({
      status: 'skipped',
      message: `Already in NetSuite as Vendor Bill ${vendorBill} (link imported); apsync does not write it`,
    });
    // The same file again: nothing to do.
    expect(await importBillLinks(`${header}\n${billUuid},${vendorBill}`, importDeps())).toEqual({
      imported: 0,
      alreadyLinked: 1,
      errors: [],
    });
  });

  it('reports every bad line by number and imports the others', async () => {
    const other = world.netsuite.seed('vendorBill', { entity: { id: '101' }, total: '100.50' });
    const third = '11111111-2222-4333-8444-555555555555';
    world.procurify.putBill(procurifyBill({ uuid: otherUuid }));
    const csv = [
      `note,${header}`,
      `x,not-a-uuid,${vendorBill}`,
      `x,${billUuid},12a`,
      `x,${billUuid},${vendorBill}`,
      `x,${billUuid},${other}`,
      `x,${otherUuid},${vendorBill}`,
      `x,${third},424242`,
      'just one cell',
      `"a ""quoted"", note",${otherUuid},${other}`,
    ].join('\n');
    const result = await importBillLinks(csv, importDeps());
    expect(result.errors).toEqual([
      { line: 2, message: 'procurify_bill_uuid "not-a-uuid" is not a Procurify bill UUID' },
      { line: 3, message: 'netsuite_bill_id "12a" is not a NetSuite internal id (digits)' },
      { line: 5, message: `Procurify bill ${billUuid} is already on line 4` },
      { line: 6, message: `NetSuite bill ${vendorBill} is already on line 4` },
      { line: 7, message: 'NetSuite record 424242 is not a Vendor Bill (or does not exist)' },
      { line: 8, message: 'procurify_bill_uuid "" is not a Procurify bill UUID' },
    ]);
    // Line 9's values were only on lines refused before their values counted: it is imported.
    expect(result.imported).toBe(2);
    expect(await world.state.findBySource('procurify', 'bill', otherUuid)).toMatchObject({
      netsuiteId: other,
    });
  });

  it('refuses pairs linked to something else, of another vendor or another total', async () => {
    const linkedElsewhere = world.netsuite.seed('vendorBill', { entity: { id: '101' }, total: '100.50' });
    await world.state.link({
      kind: 'bill',
      netsuiteId: linkedElsewhere,
      procurifyId: otherUuid,
      origin: 'created',
    });
    const otherVendor = world.netsuite.seed('vendorBill', { entity: { id: '555' }, total: '100.50' });
    const otherTotal = world.netsuite.seed('vendorBill', { entity: { id: '101' }, total: '100.49' });
    const lines = async (uuid: string, id: string) =>
      (await importBillLinks(`${header}\n${uuid},${id}`, importDeps())).errors;
    expect(await lines(billUuid, linkedElsewhere)).toEqual([
      {
        line: 2,
        message: `NetSuite bill ${linkedElsewhere} is already linked to Procurify bill ${otherUuid} (created)`,
      },
    ]);
    expect(await lines(otherUuid, vendorBill)).toEqual([
      {
        line: 2,
        message: `Procurify bill ${otherUuid} is already linked to NetSuite bill ${linkedElsewhere} (created)`,
      },
    ]);
    expect(await lines(billUuid, otherVendor)).toEqual([
      {
        line: 2,
        message: `NetSuite bill ${otherVendor} is of vendor 555, but Procurify bill ${billUuid} is of Northwind Paper Co (NetSuite vendor 101)`,
      },
    ]);
    expect(await lines(billUuid, otherTotal)).toEqual([
      {
        line: 2,
        message: `NetSuite bill ${otherTotal} totals 100.49, Procurify bill ${billUuid} 100.50 (lines, tax, shipping and costs)`,
      },
    ]);
    const third = '11111111-2222-4333-8444-555555555555';
    expect(await lines(third, otherTotal)).toEqual([
      { line: 2, message: `Procurify bill ${third} could not be read (procurify: bill ${third} not found)` },
    ]);
    await world.state.unlink({ kind: 'vendor', netsuiteId: '101', procurifyId: '7' });
    expect(await lines(billUuid, vendorBill)).toEqual([
      {
        line: 2,
        message: 'vendor Northwind Paper Co (Procurify 7) is not linked to a NetSuite vendor; sync it first',
      },
    ]);
  });

  it('counts tax, shipping and costs in what the vendor is owed', async () => {
    world.procurify.putBill(
      procurifyBill({
        items: [billItem({ tax_amount: '5.03', shipping_amount: '7.00' })],
        costs: [
          {
            id: 1,
            amount: '2.47',
            description: 'fee',
            cost_allocation: billItem().cost_allocations[0]!,
          } as never,
        ],
      }),
    );
    const total = world.netsuite.seed('vendorBill', { entity: { id: '101' }, total: '115.00' });
    expect(await importBillLinks(`${header}\n${billUuid},${total}`, importDeps())).toMatchObject({
      imported: 1,
      errors: [],
    });
  });

  it('without the Procurify side checks only what NetSuite and the links say', async () => {
    const otherVendor = world.netsuite.seed('vendorBill', { entity: { id: '555' }, total: '1.00' });
    expect(
      await importBillLinks(`${header}\n${billUuid},${otherVendor}`, {
        state: world.state,
        lookups: world.netsuite,
      }),
    ).toMatchObject({ imported: 1 });
  });

  it('completes a half-written link keeping its origin, and refuses a record that is gone', async () => {
    world.state.faults.failNext('link:second-direction');
    await expect(
      world.state.link({ kind: 'bill', netsuiteId: vendorBill, procurifyId: billUuid, origin: 'created' }),
    ).rejects.toBeInstanceOf(TransientError);
    expect(await importBillLinks(`${header}\n${billUuid},${vendorBill}`, importDeps())).toMatchObject({
      imported: 1,
    });
    expect(await world.state.findBySource('netsuite', 'bill', vendorBill)).toMatchObject({
      origin: 'created',
    });
    expect(await world.state.getState(ref)).toBeUndefined();

    // Half-written from the other side, by an import.
    world.state.faults.failNext('link:second-direction');
    await world.state
      .link({ kind: 'bill', netsuiteId: '1', procurifyId: otherUuid, origin: 'import' })
      .catch(() => undefined);
    await world.state.unlink({ kind: 'bill', netsuiteId: 'none', procurifyId: otherUuid });

    const gone = world.netsuite.seed('vendorBill', { entity: { id: '101' } });
    await world.netsuite.delete('vendorBill', gone);
    expect((await importBillLinks(`${header}\n${otherUuid},${gone}`, importDeps())).errors).toEqual([
      { line: 2, message: `NetSuite record ${gone} is not a Vendor Bill (or does not exist)` },
    ]);
  });

  it('refuses a Vendor Bill deleted in NetSuite between its two reads', async () => {
    const lookups = {
      existingVendorBills: async (ids: readonly string[]) => {
        const found = await world.netsuite.existingVendorBills(ids);
        await world.netsuite.delete('vendorBill', vendorBill);
        return found;
      },
      vendorBillFacts: world.netsuite.vendorBillFacts,
    };
    const result = await importBillLinks(`${header}\n${billUuid},${vendorBill}`, {
      ...importDeps(),
      lookups,
    });
    expect(result.errors).toEqual([
      { line: 2, message: `NetSuite record ${vendorBill} is not a Vendor Bill (or does not exist)` },
    ]);
  });

  it('refuses an empty file and a header without the columns', async () => {
    expect(await importBillLinks(' \n', importDeps())).toEqual({
      imported: 0,
      alreadyLinked: 0,
      errors: [
        { line: 1, message: 'the file is empty; expected the header procurify_bill_uuid,netsuite_bill_id' },
      ],
    });
    expect((await importBillLinks('\nuuid,id\n', importDeps())).errors).toEqual([
      { line: 2, message: 'the header must name the columns procurify_bill_uuid and netsuite_bill_id' },
    ]);
  });
});
