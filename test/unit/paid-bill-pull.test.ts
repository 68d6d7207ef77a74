// pullPaidBills (shared/payments/pull-paid-bills.ts) against in-memory NetSuite, Procurify and state
// fakes: bills it cannot mark are read again by id once the watermark is past them, the window never
// starts before the switch to pull, and the paid-bill-pull handler emits the lag metric its alarm watches.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { createPaidBillPullHandler } from '../../functions/paid-bill-pull/handler.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { DataError, TransientError } from '../../shared/errors.ts';
import { syncLagMetricName } from '../../shared/lambda/metric-names.ts';
import type { SuiteQl, WindowedQuery } from '../../shared/netsuite/index.ts';
import { logger, metrics } from '../../shared/observability.ts';
import { createNetSuitePaidBillReads } from '../../shared/payments/netsuite-payment-facts.ts';
import type { PaidBillRetry } from '../../shared/payments/paid-bill-plan.ts';
import {
  type PaidBillPullDependencies,
  paidBillPullCaughtUpFlow,
  paidBillRetriesConfig,
  pullPaidBills,
  pullWindowStart,
} from '../../shared/payments/pull-paid-bills.ts';
import type { AuditEntry, RecordLink, RecordRef, RecordState } from '../../shared/state/model.ts';
import { refKey } from '../../shared/state/model.ts';

afterEach(() => vi.restoreAllMocks());

interface Bill {
  id: string;
  status: string;
  foreignamountunpaid: string;
  foreignamountpaid: string;
  lastmodified: string;
}

/** NetSuite as the pull reads it: paid bills by last-modified window, any bill by id. */
class FakeSuiteQl implements SuiteQl {
  bills = new Map<string, Bill>();
  fail: Error | undefined;
  async *query<T>(sql: string, params: readonly unknown[], schema: z.ZodType<T>): AsyncIterable<T> {
    if (this.fail) throw this.fail;
    if (sql.includes('nexttransactionlinelink')) return;
    for (const id of params) {
      const bill = this.bills.get(String(id));
      if (bill !== undefined) yield schema.parse(bill);
    }
  }
  async *windowed<T>(query: WindowedQuery<T>): AsyncIterable<T> {
    if (this.fail) throw this.fail;
    const since = query.after?.lastModified ?? '';
    const rows = [...this.bills.values()]
      .filter((bill) => bill.lastmodified >= since)
      .filter((bill) => bill.status === 'B' || Number(bill.foreignamountpaid) > 0)
      .sort((a, b) => a.lastmodified.localeCompare(b.lastmodified));
    for (const row of rows) yield query.schema.parse(row);
  }
}

class FakeState {
  config = new Map<string, unknown>();
  watermarks = new Map<string, string>();
  states = new Map<string, RecordState>();
  trails = new Map<string, AuditEntry[]>();
  links = new Map<string, RecordLink>();
  leases = new Map<string, string>();
  async link(link: Omit<RecordLink, 'linkedAt'>) {
    this.links.set(link.netsuiteId, { ...link, linkedAt: '2026-01-01T00:00:00Z' });
  }
  async unlink() {}
  async findBySource(_system: string, _kind: string, id: string) {
    return this.links.get(id);
  }
  async getState(ref: RecordRef) {
    return this.states.get(refKey(ref));
  }
  async putState(state: Omit<RecordState, 'updatedAt'>) {
    const full = { ...state, updatedAt: new Date().toISOString() };
    this.states.set(refKey(state.ref), full);
    return full;
  }
  async listByStatus() {
    return [];
  }
  async append(ref: RecordRef, entry: Omit<AuditEntry, 'at'>) {
    this.trails.set(refKey(ref), [...(this.trails.get(refKey(ref)) ?? []), { at: '', ...entry }]);
  }
  async read(ref: RecordRef) {
    return this.trails.get(refKey(ref)) ?? [];
  }
  async getWatermark(flow: string) {
    return this.watermarks.get(flow);
  }
  async advanceWatermark(flow: string, value: string) {
    const current = this.watermarks.get(flow);
    if (current === undefined || value > current) this.watermarks.set(flow, value);
  }
  async acquireLease(name: string, holder: string) {
    if (this.leases.has(name)) return false;
    this.leases.set(name, holder);
    return true;
  }
  async releaseLease(name: string, holder: string) {
    if (this.leases.get(name) === holder) this.leases.delete(name);
  }
  async getConfig<T>(name: string) {
    return this.config.get(name) as T | undefined;
  }
  async putConfig(name: string, value: unknown) {
    this.config.set(name, structuredClone(value));
  }
}

/** Procurify: bill statuses, and mark-as-paid refusing the bills in `refuse`. */
class FakeProcurify {
  statuses = new Map<string, number>();
  refuse = new Set<string>();
  marked: string[] = [];
  async getBill(uuid: string) {
    const status = this.statuses.get(uuid);
    if (status === undefined) throw new DataError(`procurify: bill ${uuid} not found`);
    return { status } as never;
  }
  async markBillsPaid(uuids: string[], paymentDate: string) {
    const refused = uuids.filter((uuid) => this.refuse.has(uuid));
    if (refused.length > 0) throw new DataError(`procurify: bill_uuids: cannot mark ${refused.join(', ')}`);
    for (const uuid of uuids) this.statuses.set(uuid, 4);
    this.marked.push(...uuids);
    return { billUuids: uuids, paymentDate, alreadyPaid: [] };
  }
}

function setup(now: Date) {
  const suiteQl = new FakeSuiteQl();
  const state = new FakeState();
  const procurify = new FakeProcurify();
  state.config.set('payment-mode', { mode: 'pull', changedAt: '2026-01-01T00:00:00.000Z', changedBy: 't' });
  let clock = now;
  const deps: PaidBillPullDependencies = {
    paidBills: createNetSuitePaidBillReads(suiteQl),
    procurify,
    state,
    defaultMode: 'push',
    now: () => clock,
  };
  return {
    suiteQl,
    state,
    procurify,
    deps,
    setNow: (date: Date) => {
      clock = date;
    },
  };
}

const paidBill = (id: string, lastmodified: string): Bill => ({
  id,
  status: 'B',
  foreignamountunpaid: '0',
  foreignamountpaid: '10.00',
  lastmodified,
});

const billRef = (uuid: string): RecordRef => ({ system: 'procurify', kind: 'bill', id: uuid });

describe('pullPaidBills', () => {
  it('reads a bill it could not mark again by id once the watermark is far past it, and marks it when Procurify accepts', async () => {
    const { suiteQl, state, procurify, deps, setNow } = setup(new Date('2026-03-01T10:00:00Z'));
    suiteQl.bills.set('1', paidBill('1', '2026-03-01 09:00:00'));
    await state.link({ kind: 'bill', netsuiteId: '1', procurifyId: 'u1', origin: 'created' });
    procurify.statuses.set('u1', 2);
    procurify.refuse.add('u1');

    const first = await pullPaidBills(deps);
    expect(first).toMatchObject({ examined: 1, marked: 0, parked: 1 });
    expect(first.failed).toEqual([{ billUuid: 'u1', message: expect.stringMatching(/cannot mark u1/) }]);
    expect(await state.getState(billRef('u1'))).toMatchObject({
      status: 'review',
      waitingFor: ['mark-paid'],
    });

    // A day later another bill is paid: the window (watermark minus 15 minutes) no longer shows bill 1.
    setNow(new Date('2026-03-02T10:00:00Z'));
    suiteQl.bills.set('2', paidBill('2', '2026-03-02 09:00:00'));
    await state.link({ kind: 'bill', netsuiteId: '2', procurifyId: 'u2', origin: 'created' });
    procurify.statuses.set('u2', 2);
    const second = await pullPaidBills(deps);
    expect(second).toMatchObject({ examined: 2, retried: 1, marked: 1, parked: 1 });
    // Now the watermark is a day past bill 1: only its retry entry brings it back.
    const third = await pullPaidBills(deps);
    expect(third).toMatchObject({ examined: 1, retried: 1, marked: 0, parked: 1 });
    expect(third.since! > '2026-03-01 09:00:00').toBe(true);
    expect(third.failed.map((failure) => failure.billUuid)).toEqual(['u1']);
    expect(await state.read(billRef('u1'))).toHaveLength(1);

    procurify.refuse.clear();
    const fourth = await pullPaidBills(deps);
    expect(fourth).toMatchObject({ examined: 1, retried: 1, marked: 1, alreadyPaid: 1, parked: 0 });
    expect(procurify.marked).toEqual(['u2', 'u1']);
    expect(await state.getState(billRef('u1'))).toMatchObject({ status: 'synced' });
    expect((state.config.get(paidBillRetriesConfig) as { bills: object }).bills).toEqual({});
  });

  it('drops a parked bill that is no longer paid or no longer exists in NetSuite', async () => {
    const { suiteQl, state, procurify, deps, setNow } = setup(new Date('2026-03-01T10:00:00Z'));
    for (const id of ['1', '2']) {
      suiteQl.bills.set(id, paidBill(id, '2026-03-01 09:00:00'));
      await state.link({ kind: 'bill', netsuiteId: id, procurifyId: `u${id}`, origin: 'created' });
      procurify.statuses.set(`u${id}`, 1);
    }
    expect((await pullPaidBills(deps)).parked).toBe(2);
    setNow(new Date('2026-03-02T10:00:00Z'));
    // The payment of bill 1 is voided; bill 2 is deleted.
    suiteQl.bills.set('1', { ...paidBill('1', '2026-03-02 09:30:00'), status: 'A', foreignamountpaid: '0' });
    suiteQl.bills.delete('2');
    const summary = await pullPaidBills(deps);
    expect(summary).toMatchObject({ retried: 2, parked: 0 });
    const retries = (state.config.get(paidBillRetriesConfig) as { bills: Record<string, PaidBillRetry> })
      .bills;
    expect(retries).toEqual({});
    expect((await state.read(billRef('u1'))).at(-1)?.message).toMatch(/NetSuite bill 1 is no longer paid/);
    expect((await state.read(billRef('u2'))).at(-1)?.message).toMatch(/NetSuite bill 2 no longer exists/);
  });

  it('leaves the bill state alone while the bill worker holds the record, and parks it on a later run', async () => {
    const { suiteQl, state, procurify, deps } = setup(new Date('2026-03-01T10:00:00Z'));
    suiteQl.bills.set('1', paidBill('1', '2026-03-01 09:00:00'));
    await state.link({ kind: 'bill', netsuiteId: '1', procurifyId: 'u1', origin: 'created' });
    procurify.statuses.set('u1', 3);
    await state.acquireLease(`record:${refKey(billRef('u1'))}`, 'worker');
    expect((await pullPaidBills(deps)).parked).toBe(1);
    expect(await state.getState(billRef('u1'))).toBeUndefined();
    await state.releaseLease(`record:${refKey(billRef('u1'))}`, 'worker');
    await pullPaidBills(deps);
    expect(await state.getState(billRef('u1'))).toMatchObject({
      status: 'review',
      message: expect.stringMatching(/status 3 \(denied\), not Approved/),
    });
  });
});

describe('pullWindowStart', () => {
  const base = { timeZone: 'America/Los_Angeles', overlapMinutes: 15 };
  const goLive = { ...base, pullSince: '2026-03-10T11:00:00.000Z', switched: false };
  it('starts a first run (no watermark) at go-live, never looking back before it (in the account zone)', () => {
    expect(pullWindowStart({ ...goLive, watermark: undefined })).toEqual({
      since: '2026-03-10 04:00:00',
      from: 'go-live',
    });
    expect(pullWindowStart({ ...goLive, watermark: '2026-03-10 03:00:00' })).toEqual({
      since: '2026-03-10 04:00:00',
      from: 'go-live',
    });
  });
  it('starts at the watermark minus the overlap, never before the switch to pull', () => {
    const switched = { ...goLive, switched: true };
    expect(pullWindowStart({ ...switched, watermark: undefined })).toEqual({
      since: '2026-03-10 04:00:00',
      from: 'mode switch',
    });
    expect(pullWindowStart({ ...switched, watermark: '2026-03-10 03:00:00' })).toEqual({
      since: '2026-03-10 04:00:00',
      from: 'mode switch',
    });
    expect(pullWindowStart({ ...switched, watermark: '2026-03-10 05:00:00' })).toEqual({
      since: '2026-03-10 04:45:00',
      from: 'watermark',
    });
  });
});

describe('paid-bill-pull handler', () => {
  const event = { scheduledTime: '2026-03-01T10:00:00Z', schedule: 'paidBillPull' } as never;

  it('emits SyncLagSeconds after a run, and on a failed run the lag since the last complete one', async () => {
    const { suiteQl, state, deps } = setup(new Date('2026-03-01T10:00:00Z'));
    const added = vi.spyOn(metrics, 'addMetric');
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    vi.spyOn(logger, 'error').mockImplementation(() => {});
    let now = new Date('2026-03-01T10:00:05Z');
    const handler = createPaidBillPullHandler({ pull: async () => deps, now: () => now });
    await handler(event, createLambdaContext('paid-bill-pull', 60_000));
    expect(state.watermarks.get(paidBillPullCaughtUpFlow)).toBe('2026-03-01T10:00:00.000Z');
    expect(added).toHaveBeenCalledWith(syncLagMetricName, 'Seconds', 0);

    suiteQl.fail = new TransientError('netsuite: 503');
    now = new Date('2026-03-01T13:00:00Z');
    await expect(handler(event, createLambdaContext('paid-bill-pull', 60_000))).rejects.toThrow(/503/);
    expect(added).toHaveBeenLastCalledWith(syncLagMetricName, 'Seconds', 3 * 3600);
  });

  it('emits no lag in push mode', async () => {
    const { state, deps } = setup(new Date('2026-03-01T10:00:00Z'));
    state.config.set('payment-mode', { mode: 'push', changedAt: '2026-01-01T00:00:00.000Z', changedBy: 't' });
    const added = vi.spyOn(metrics, 'addMetric');
    const handler = createPaidBillPullHandler({ pull: async () => deps });
    expect((await handler(event, createLambdaContext('paid-bill-pull', 60_000))).skipped).toBe(
      'mode is push',
    );
    expect(added).not.toHaveBeenCalled();
  });
});
