// Reconciliation (shared/reconcile/reconcile.ts) over in-memory reads, state and queues, for what its report
// says of a repair and of the requests it sent: a repair that fails with something other than an Error is
// reported failed with that text; a client that only starts counting during the run counts from zero; a
// client that does not count is left out of the report's requests.
import { beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import type { ProcurifyVendor } from '../../../shared/procurify/schemas.ts';
import { createBillPlans } from '../../../shared/reconcile/bill-plans.ts';
import type { ReconcileRepairs } from '../../../shared/reconcile/ports.ts';
import { type ReconcileDependencies, reconcile } from '../../../shared/reconcile/reconcile.ts';
import { createReconcileRepairs, createReconcileReportStore } from '../../../shared/reconcile/repairs.ts';
import { InMemoryPaidBills } from '../../support/in-memory/paid-bills.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import {
  InMemoryNetSuiteBulkReads,
  InMemoryProcurifyBulkReads,
} from '../../support/in-memory/reconcile-reads.ts';
import { BillWorld } from '../bills/world.ts';

let world: BillWorld;
let netsuite: InMemoryNetSuiteBulkReads;
let procurify: InMemoryProcurifyBulkReads;
let inbound: InMemoryQueue<InboundMessage>;

const pVendor = (id: number, external: string) =>
  ({
    id,
    name: `Vendor ${external}`,
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

function deps(overrides: Partial<ReconcileDependencies> = {}, repairs: Partial<ReconcileRepairs> = {}) {
  const real = createReconcileRepairs({
    inbound,
    bills: world.bills,
    payments: new InMemoryQueue<PaymentMessage>(),
    state: world.state,
    paidBills: async () => new InMemoryPaidBills(),
    procurify: async () => world.procurify,
    now: world.clock.now,
  });
  return {
    netsuite,
    procurify,
    state: world.state,
    plans: createBillPlans({ procurify: world.procurify, state: world.state, lookups: world.netsuite }),
    repairs: { ...real, ...repairs },
    reports: createReconcileReportStore(world.state),
    paymentMode: async () => 'push' as const,
    scope: {},
    lookups: async () => ({ currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 }),
    now: world.clock.now,
    ...overrides,
  } satisfies ReconcileDependencies;
}

beforeEach(async () => {
  world = new BillWorld();
  netsuite = new InMemoryNetSuiteBulkReads();
  procurify = new InMemoryProcurifyBulkReads();
  inbound = new InMemoryQueue();
  await world.linkVendor();
  // Procurify vendor 7 is linked to NetSuite vendor 101, which NetSuite no longer has: a deactivate repair.
  procurify.vendorRows = [pVendor(7, '101')];
});

describe('reconcile: what the report says', () => {
  it('a repair that throws something other than an Error is failed with its text; nothing queued', async () => {
    const report = await reconcile(
      deps(
        {},
        {
          deactivateMasterRecord: async () => {
            throw 'inbound queue refused the message';
          },
        },
      ),
      { areas: ['vendor'] },
    );
    expect(report.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'deleted-in-netsuite',
        action: 'deactivate',
        repair: { status: 'failed', detail: 'inbound queue refused the message' },
      }),
    ]);
    expect(report.totals).toMatchObject({ failed: 1, repaired: 0 });
    expect(inbound.bodies()).toEqual([]);
  });

  it('requests of a client that had not counted before the run are counted from zero', async () => {
    const readings = [{}, { netsuite: 5, procurify: 2 }];
    const report = await reconcile(deps({ requestCounts: () => readings.shift() ?? {} }), {
      areas: ['vendor'],
    });
    expect(report.requests).toEqual({ netsuite: 5, procurify: 2 });
    expect(report.discrepancies[0]?.repair?.status).toBe('done');
  });

  it('a client that does not count its requests is left out of the report, not shown as zero', async () => {
    const readings = [{ procurify: 1 }, { procurify: 4 }];
    const report = await reconcile(deps({ requestCounts: () => readings.shift() ?? {} }), {
      areas: ['vendor'],
    });
    expect(report.requests).toStrictEqual({ procurify: 3 });
  });
});
