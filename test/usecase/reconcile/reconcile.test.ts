// The reconciliation use case (shared/reconcile/reconcile.ts) over in-memory bulk reads and state, with
// its real deep check of a bill (bill-plans.ts: the bill-sync decision over in-memory Procurify and
// NetSuite), its real repairs (repairs.ts: queues and audit trail in memory) and its report store:
// which areas it reads, how a differing total is judged, which repairs wait for --fix, one repair per
// record, a failed repair reported, the report kept.
import { beforeEach, describe, expect, it } from 'vitest';
import { decideBill } from '../../../shared/bills/decide-bill.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import type { ProcurifyVendor } from '../../../shared/procurify/schemas.ts';
import { createBillPlans } from '../../../shared/reconcile/bill-plans.ts';
import type { NetSuiteVendorRow } from '../../../shared/reconcile/ports.ts';
import { type ReconcileDependencies, reconcile } from '../../../shared/reconcile/reconcile.ts';
import {
  createReconcileRepairs,
  createReconcileReportStore,
  reconcileReportConfigName,
} from '../../../shared/reconcile/repairs.ts';
import { InMemoryPaidBills } from '../../support/in-memory/paid-bills.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import {
  InMemoryNetSuiteBulkReads,
  InMemoryProcurifyBulkReads,
} from '../../support/in-memory/reconcile-reads.ts';
import { apBill, BillWorld, billUuid, otherUuid, procurifyBill } from '../bills/world.ts';

const old = '2026-10-01T00:00:00.000Z';
let world: BillWorld;
let netsuite: InMemoryNetSuiteBulkReads;
let procurify: InMemoryProcurifyBulkReads;
let inbound: InMemoryQueue<InboundMessage>;
let payments: InMemoryQueue<PaymentMessage>;
let paidBills: InMemoryPaidBills;
let mode: 'push' | 'pull';
let counts: { netsuite?: number; procurify?: number } | undefined;

const nsVendor = (id: string, name = `Vendor ${id}`): NetSuiteVendorRow => ({
  record: { id, companyName: name, isInactive: false, currency: { id: '1' }, email: 'ap@example.com' },
  currencyCode: 'USD',
  lastModified: old,
});
const pVendor = (id: number, external: string, name = `Vendor ${external}`): ProcurifyVendor =>
  ({
    id,
    name,
    active: true,
    external_id: external,
    email: ['ap@example.com'],
    addressLineOne: null,
    addressLineTwo: null,
    postalCode: null,
    city: null,
    state_province: null,
    country: null,
    phoneOne: null,
    contact: null,
    url: null,
    currency: 1,
    payment_term_ref: null,
    type: 4,
    dateModified: null,
  }) as ProcurifyVendor;

function deps(): ReconcileDependencies {
  return {
    netsuite,
    procurify,
    state: world.state,
    plans: createBillPlans({ procurify: world.procurify, state: world.state, lookups: world.netsuite }),
    repairs: createReconcileRepairs({
      inbound,
      bills: world.bills,
      payments,
      state: world.state,
      paidBills: async () => paidBills,
      procurify: async () => world.procurify,
      now: world.clock.now,
    }),
    reports: createReconcileReportStore(world.state),
    paymentMode: async () => mode,
    scope: {},
    lookups: async () => ({ currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 }),
    now: world.clock.now,
    ...(counts === undefined ? {} : { requestCounts: () => counts! }),
  };
}

beforeEach(async () => {
  world = new BillWorld();
  netsuite = new InMemoryNetSuiteBulkReads();
  procurify = new InMemoryProcurifyBulkReads();
  inbound = new InMemoryQueue();
  payments = new InMemoryQueue();
  paidBills = new InMemoryPaidBills();
  mode = 'push';
  counts = undefined;
  await world.linkVendor();
});

describe('reconcile: master data', () => {
  it('repairs master data at once, one repair per record, and keeps the report', async () => {
    netsuite.vendorRows = [nsVendor('101', 'Northwind'), nsVendor('102')];
    procurify.vendorRows = [{ ...pVendor(7, '101', 'Hand Edit'), phoneOne: '555' } as ProcurifyVendor];
    // Vendor 101 is linked (world) and differs in two fields (one repair); 102 has no Procurify vendor.
    await world.state.putState({
      ref: { system: 'netsuite', kind: 'vendor', id: '101' },
      status: 'synced',
      contentHash: 'h',
    });
    const progress: string[] = [];
    counts = { netsuite: 3 };
    const report = await reconcile(deps(), {
      areas: ['vendor', 'account', 'department'],
      onProgress: (step) => progress.push(step),
    });
    counts = { netsuite: 10, procurify: 4 };
    expect(progress).toEqual([
      'reading links and sync states',
      'comparing vendors',
      'comparing accounts',
      'comparing departments',
      'repairing',
    ]);
    expect(report.checked).toEqual({ vendor: 2, account: 0, department: 0 });
    expect(report.counts.vendor).toEqual({ 'field-differs': 2, 'not-linked': 1 });
    expect(inbound.bodies().map((message) => [message.recordId, message.eventType])).toEqual([
      ['101', 'edit'],
      ['102', 'edit'],
    ]);
    // The re-sync forgot the content hash, so the worker writes the mapping again.
    expect(
      (await world.state.getState({ system: 'netsuite', kind: 'vendor', id: '101' }))?.contentHash,
    ).toBeUndefined();
    expect(report.requests).toEqual({ netsuite: 0 });
    const kept = await createReconcileReportStore(world.state).lastReport();
    expect(kept).toEqual({ ...report, omitted: 0 });
    expect(await world.state.getConfig(reconcileReportConfigName)).toBeDefined();
  });

  it('queues a NetSuite vendor deleted without a notice as a delete, and reports a failed repair', async () => {
    procurify.vendorRows = [pVendor(7, '101')];
    inbound.faults.failNext('send');
    const report = await reconcile(deps(), { areas: ['vendor'] });
    expect(report.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'deleted-in-netsuite',
        action: 'deactivate',
        repair: { status: 'failed', detail: 'sqs: send unavailable' },
      }),
    ]);
    expect(report.totals).toMatchObject({ failed: 1 });
    const again = await reconcile(deps(), { areas: ['vendor'] });
    expect(again.discrepancies[0]?.repair?.status).toBe('done');
    expect(inbound.bodies()[0]).toMatchObject({ recordId: '101', eventType: 'delete', origin: 'replay' });
  });
});

describe('reconcile: bills, paid status and payments', () => {
  const billRow = (uuid: string, total: string, status = 2) => ({
    uuid,
    id: 42,
    status,
    total,
    invoiceNumber: 'INV-1001',
    lastModified: old,
  });

  beforeEach(async () => {
    world.procurify.putBill(procurifyBill());
    // apsync wrote the bill (100.50) and remembers the plan's hash.
    const decision = await decideBill(apBill(), world.syncDeps());
    if (decision.kind !== 'write') throw new Error('the world bill must be writable');
    await world.state.link({ kind: 'bill', netsuiteId: '500', procurifyId: billUuid, origin: 'created' });
    await world.state.putState({
      ref: { system: 'procurify', kind: 'bill', id: billUuid },
      status: 'synced',
      contentHash: decision.plan.hash,
    });
  });

  it('reports a Vendor Bill total edited in NetSuite, without overwriting it', async () => {
    netsuite.billRows = [
      {
        id: '500',
        externalId: `procurify-bill-${billUuid}`,
        entity: '101',
        total: '-120.00',
        unpaid: '120.00',
        status: 'A',
        lastModified: old,
      },
    ];
    procurify.billRows = [billRow(billUuid, '100.50')];
    const report = await reconcile(deps(), { areas: ['bill'], fix: true });
    expect(report.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'edited-in-netsuite',
        action: 'none',
        netsuiteValue: '120.00',
        procurifyValue: '100.50',
      }),
    ]);
    expect(world.bills.sent).toEqual([]);
  });

  it('sends a bill again when it changed in Procurify after apsync wrote it; not when the plan equals NetSuite', async () => {
    netsuite.billRows = [
      {
        id: '500',
        externalId: `procurify-bill-${billUuid}`,
        entity: '101',
        total: '-100.50',
        unpaid: '0',
        status: 'B',
        lastModified: old,
      },
    ];
    // Procurify's list total differs, but the plan apsync would write equals NetSuite's: nothing.
    procurify.billRows = [billRow(billUuid, '99.00')];
    expect((await reconcile(deps(), { areas: ['bill'], fix: true })).discrepancies).toEqual([]);

    world.procurify.putBill(
      procurifyBill({
        items: [
          {
            ...procurifyBill().items[0]!,
            total_cost: '80.00',
            cost_allocations: [{ ...procurifyBill().items[0]!.cost_allocations[0]!, amount: '80.00' }],
          },
        ],
        total_cost: '80.00',
      }),
    );
    procurify.billRows = [billRow(billUuid, '80.00')];
    const report = await reconcile(deps(), { areas: ['bill'], fix: true });
    expect(report.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'outdated',
        action: 'resend',
        repair: expect.objectContaining({ status: 'done' }),
      }),
    ]);
    expect(world.bills.bodies()).toEqual([expect.objectContaining({ billUuid, origin: 'replay' })]);
    expect(
      (await world.state.read({ system: 'procurify', kind: 'bill', id: billUuid })).map(
        (entry) => entry.message ?? entry.step,
      ),
    ).toContain('reconcile: outdated (total): sent again');
  });

  it('says there is no plan when the bill waits for something, and fails the run on an outage', async () => {
    netsuite.billRows = [
      {
        id: '500',
        externalId: `procurify-bill-${billUuid}`,
        entity: '101',
        total: '-120.00',
        unpaid: '120.00',
        status: 'A',
        lastModified: old,
      },
    ];
    procurify.billRows = [billRow(billUuid, '100.50')];
    await world.state.unlink({ kind: 'vendor', netsuiteId: '101', procurifyId: '7' });
    const report = await reconcile(deps(), { areas: ['bill'] });
    expect(report.discrepancies[0]?.message).toMatch(
      /apsync has no plan for the bill now \(Vendor Northwind Paper Co \(Procurify 7\) is not linked/,
    );

    await world.linkVendor();
    world.procurify.putBill(procurifyBill({ status: 0 }));
    expect((await reconcile(deps(), { areas: ['bill'] })).discrepancies[0]?.message).toMatch(
      /no plan for the bill now \(Procurify status is now Draft \(0\)/,
    );

    world.procurify.faults.failNext('getBill');
    await expect(reconcile(deps(), { areas: ['bill'] })).rejects.toThrow('procurify: getBill unavailable');
  });

  it('waits for --fix before sending an unlinked approved bill, then sends it', async () => {
    netsuite.billRows = [
      {
        id: '500',
        externalId: `procurify-bill-${billUuid}`,
        entity: '101',
        total: '-100.50',
        unpaid: '0',
        status: 'B',
        lastModified: old,
      },
    ];
    procurify.billRows = [billRow(billUuid, '100.50'), billRow(otherUuid, '10.00')];
    const waiting = await reconcile(deps(), { areas: ['bill'] });
    expect(waiting.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'not-linked',
        procurifyId: otherUuid,
        repair: { status: 'needs-fix', detail: 'not repaired: apsync reconcile --fix repairs it' },
      }),
    ]);
    expect(world.bills.sent).toEqual([]);
    await reconcile(deps(), { areas: ['bill'], fix: true });
    expect(world.bills.bodies()).toEqual([expect.objectContaining({ billUuid: otherUuid })]);
  });

  it('replaces a link with the Vendor Bill that carries the external id', async () => {
    netsuite.billRows = [
      {
        id: '501',
        externalId: `procurify-bill-${billUuid}`,
        entity: '101',
        total: '-100.50',
        unpaid: '0',
        status: 'B',
        lastModified: old,
      },
    ];
    procurify.billRows = [billRow(billUuid, '100.50')];
    const report = await reconcile(deps(), { areas: ['bill'], fix: true });
    expect(report.discrepancies[0]).toMatchObject({
      kind: 'wrong-link',
      repair: { status: 'done', detail: `bill:${billUuid} now linked to NetSuite Vendor Bill 501 (was 500)` },
    });
    expect(await world.state.findBySource('procurify', 'bill', billUuid)).toMatchObject({
      netsuiteId: '501',
      origin: 'created',
    });
  });

  it("restores the other bill's link the wrong link had taken over", async () => {
    // Bill B was linked to 500 (its Vendor Bill); then bill A's link was written to 500 too.
    await world.state.link({ kind: 'bill', netsuiteId: '500', procurifyId: otherUuid, origin: 'created' });
    await world.state.link({ kind: 'bill', netsuiteId: '500', procurifyId: billUuid, origin: 'created' });
    expect(await world.state.findBySource('netsuite', 'bill', '500')).toMatchObject({
      procurifyId: billUuid,
    });
    netsuite.billRows = [
      {
        id: '500',
        externalId: `procurify-bill-${otherUuid}`,
        entity: '101',
        total: '-100.50',
        unpaid: '0',
        status: 'B',
        lastModified: old,
      },
      {
        id: '501',
        externalId: `procurify-bill-${billUuid}`,
        entity: '101',
        total: '-100.50',
        unpaid: '0',
        status: 'B',
        lastModified: old,
      },
    ];
    procurify.billRows = [billRow(billUuid, '100.50'), billRow(otherUuid, '100.50')];
    const report = await reconcile(deps(), { areas: ['bill'], fix: true });
    expect(report.discrepancies.map((entry) => entry.repair?.detail)).toEqual([
      `bill:${billUuid} now linked to NetSuite Vendor Bill 501 (was 500); bill:${otherUuid} linked to 500 again`,
    ]);
    expect(await world.state.findBySource('netsuite', 'bill', '500')).toMatchObject({
      procurifyId: otherUuid,
    });
    expect(await world.state.findBySource('netsuite', 'bill', '501')).toMatchObject({
      procurifyId: billUuid,
    });
  });

  it('in pull mode marks a bill paid in NetSuite only as paid in Procurify, with its payment date', async () => {
    mode = 'pull';
    netsuite.billRows = [
      {
        id: '500',
        externalId: `procurify-bill-${billUuid}`,
        entity: '101',
        total: '-100.50',
        unpaid: '0',
        status: 'B',
        lastModified: old,
      },
    ];
    procurify.billRows = [billRow(billUuid, '100.50')];
    world.procurify.putBill(procurifyBill());
    paidBills.paymentDates.set('500', '2026-10-20');
    const report = await reconcile(deps(), { areas: ['paid'], fix: true });
    expect(report.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'paid-in-netsuite-only',
        action: 'mark-paid',
        repair: {
          status: 'done',
          detail: `bill:${billUuid} marked paid in Procurify (payment date 2026-10-20)`,
        },
      }),
    ]);
    expect((await world.procurify.getBill(billUuid)).status).toBe(4);
    expect(await world.state.read({ system: 'procurify', kind: 'bill', id: billUuid })).toContainEqual(
      expect.objectContaining({
        step: 'note',
        message: expect.stringContaining('marked paid in Procurify on 2026-10-20'),
        facts: { by: 'apsync reconcile', netsuiteId: '500' },
      }),
    );
  });

  it('marks paid with today when NetSuite has no payment date, and reports NetSuite unreachable', async () => {
    const repairs = deps().repairs;
    world.procurify.putBill(procurifyBill());
    paidBills.faults.failNext('read');
    await expect(repairs.markBillPaid(billUuid, '500', 'paid in NetSuite')).rejects.toThrow(
      'netsuite: read unavailable',
    );
    expect((await world.procurify.getBill(billUuid)).status).toBe(2);
    expect(await repairs.markBillPaid(billUuid, '500', 'paid in NetSuite')).toBe(
      `bill:${billUuid} marked paid in Procurify (payment date ${world.clock.iso().slice(0, 10)})`,
    );
  });

  it('compares paid status and payments in the payment mode, and pushes a paid payment without a Vendor Payment', async () => {
    netsuite.billRows = [
      {
        id: '500',
        externalId: `procurify-bill-${billUuid}`,
        entity: '101',
        total: '-100.50',
        unpaid: '0',
        status: 'B',
        lastModified: old,
      },
    ];
    procurify.billRows = [billRow(billUuid, '100.50')];
    procurify.paymentRows = [{ id: '55', status: 'paid', amount: '100.50', currency: 'USD', updatedAt: old }];
    const report = await reconcile(deps(), { areas: ['paid', 'payment'], fix: true, graceMinutes: 0 });
    expect(report.checked).toEqual({ paid: 1, payment: 0 });
    expect(
      report.discrepancies.map((entry) => [entry.area, entry.kind, entry.action, entry.repair?.status]),
    ).toEqual([
      ['paid', 'paid-in-netsuite-only', 'none', undefined],
      ['payment', 'not-linked', 'push', 'done'],
    ]);
    expect(payments.bodies()).toEqual([
      { kind: 'payment', origin: 'resync', paymentId: '55', enqueuedAt: world.clock.iso() },
    ]);
  });

  it('replaces the link of a payment whose Vendor Payment was deleted with the one carrying its external id', async () => {
    await world.state.link({ kind: 'payment', procurifyId: '55', netsuiteId: '900', origin: 'created' });
    netsuite.paymentRows = [
      {
        id: '901',
        externalId: 'procurify-pay-55',
        entity: '101',
        total: '-100.50',
        voided: false,
        lastModified: old,
      },
    ];
    procurify.paymentRows = [{ id: '55', status: 'paid', amount: '100.50', currency: 'USD', updatedAt: old }];
    const report = await reconcile(deps(), { areas: ['payment'], fix: true });
    expect(report.discrepancies).toMatchObject([
      {
        area: 'payment',
        kind: 'wrong-link',
        action: 'relink',
        repair: { status: 'done', detail: 'payment:55 now linked to NetSuite Vendor Payment 901 (was 900)' },
      },
    ]);
    expect(await world.state.findBySource('procurify', 'payment', '55')).toMatchObject({ netsuiteId: '901' });
  });

  it('reads everything by default, with the real time when no clock is given', async () => {
    const { now: _now, reports: _reports, ...rest } = deps();
    const report = await reconcile(rest);
    expect(report.areas).toEqual(['vendor', 'account', 'department', 'bill', 'payment', 'paid']);
    expect(Date.parse(report.finishedAt)).toBeGreaterThan(Date.parse(world.clock.iso()) - 366 * 24 * 3600e3);
    expect(await world.state.getConfig(reconcileReportConfigName)).toBeUndefined();
    expect(report.requests).toBeUndefined();
  });
});
