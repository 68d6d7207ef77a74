// Issue 14 on one machine: `apsync reconcile` (in-process CLI) against a local stack whose master data and
// bills apsync itself synced, after the hand edits and lost notices reconciliation exists for: a vendor
// deleted in NetSuite without a notice (deactivated in Procurify), a Vendor Bill deleted by hand (re-sent
// with --fix), a Vendor Bill edited by hand (reported, never overwritten), a wrong link (replaced with
// --fix), a Vendor Payment voided or deleted by hand (reported for a person) and a bill paid on one side
// only (reported; in pull mode marked paid with --fix). Tests wait for exact states, never for time.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  previewOutputSchema,
  type ReconcileOutput,
  reconcileOutputSchema,
  statusOutputSchema,
} from '../../infra/cli/output-schemas.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { billExternalId } from '../../shared/bills/bill-plan.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { createReconcileReportStore } from '../../shared/reconcile/index.ts';
import type { RecordRef } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { type CliFixture, type CliRun, publishForCli } from '../support/cli-in-process.ts';
import { handled, outcomeSteps, queueSettled, settledState } from '../support/sync-outcome.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let fixture: CliFixture;
let state: DynamoStateStore;
let inbound: SqsQueuePublisher<InboundMessage>;
let bills: SqsQueuePublisher<BillMessage>;
const ns = { vendors: [] as string[], bank: '', expense: '', department: '' };
const pc = { vendors: [] as number[], code: 0, department: 0 };
let invoice = 0;

const vendorRef = (id: string): RecordRef => ({ system: 'netsuite', kind: 'vendor', id });
const billRef = (uuid: string): RecordRef => ({ system: 'procurify', kind: 'bill', id: uuid });

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  const sqs = new SQSClient(stack.aws.clientConfig('sqs'));
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  inbound = new SqsQueuePublisher(sqs, stack.aws.queueUrls.inbound);
  bills = new SqsQueuePublisher(sqs, stack.aws.queueUrls.bill);

  const { netsuite } = stack;
  const currency = netsuite.seed({
    records: { currency: [{ name: 'US Dollar', symbol: 'USD', isBaseCurrency: true }] },
  }).created.currency![0]!;
  const subsidiary = netsuite.seed({
    records: { subsidiary: [{ name: 'Parent Company', currency: { id: currency } }] },
  }).created.subsidiary![0]!;
  const seeded = netsuite.seed({
    records: {
      vendor: ['Northwind Paper Co', 'Contoso Office Supply', 'Fabrikam Movers'].map(
        (companyName, index) => ({
          entityId: `V-${index + 1}`,
          companyName,
          email: `ap${index + 1}@example.com`,
          subsidiary: { id: subsidiary },
          currency: { id: currency },
        }),
      ),
      account: [
        {
          acctNumber: '1000',
          acctName: 'Operating Checking',
          acctType: 'Bank',
          currency: { id: currency },
          subsidiary: { items: [{ id: subsidiary }] },
        },
        { acctNumber: '6100', acctName: 'Office Supplies', acctType: 'Expense' },
        { acctNumber: '2000', acctName: 'Accounts Payable', acctType: 'AcctPay' },
      ],
      department: [{ name: 'Marketing' }],
    },
  }).created;
  ns.vendors = seeded.vendor!;
  [ns.bank, ns.expense] = seeded.account as [string, string, string];
  ns.department = seeded.department![0]!;

  const store = stack.procurify.store;
  const location = store.addLocation({ name: 'Head Office', headquarter: true });
  pc.department = store.addDepartment({ name: 'Marketing', branch: location.id }).id;
  pc.code = store.addAccountCode({ code: '6100', description: 'Office Supplies' }).id;
  await state.link({
    kind: 'department',
    procurifyId: String(pc.department),
    netsuiteId: ns.department,
    origin: 'created',
  });

  // The vendors reach Procurify through apsync's own inbound worker: links, states and content hashes.
  for (const id of ns.vendors) {
    await inbound.send({
      kind: 'record-event',
      origin: 'backfill',
      eventId: `test-${id}`,
      recordType: 'vendor',
      recordId: id,
      eventType: 'edit',
      lastModified: new Date().toISOString(),
      receivedAt: new Date().toISOString(),
    });
  }
  for (const id of ns.vendors) {
    expect(await settledState(stack, state, vendorRef(id))).toMatchObject({ status: 'synced' });
    pc.vendors.push(Number((await state.findBySource('netsuite', 'vendor', id))!.procurifyId));
  }

  fixture = await publishForCli(stack, 'apsync-reconcile-');
});

afterAll(async () => {
  await fixture?.close();
  await stack?.stop();
});

/** `apsync <argv>` in-process against the published local stack. */
async function cli(argv: readonly string[]): Promise<CliRun> {
  return fixture.cli(argv);
}

/** `apsync reconcile … --json --grace 0` in-process; the output validated against its schema. */
async function reconcile(...argv: string[]): Promise<ReconcileOutput> {
  const { code, out, err } = await cli(['reconcile', ...argv, '--grace', '0', '--json']);
  expect(err).toBe('');
  expect(code, out).toBe(0);
  return reconcileOutputSchema.parse(JSON.parse(out));
}

const about = (output: ReconcileOutput, procurifyId: string) =>
  output.discrepancies.filter((found) => found.procurifyId === procurifyId);

/** An approved Procurify bill of vendor `vendor`, synced by the bill-sync worker: its UUID and Vendor Bill. */
async function syncedBill(amount: string, vendor = 0): Promise<{ uuid: string; netsuiteId: string }> {
  invoice += 1;
  const bill = stack.procurify.createBill({
    vendor: pc.vendors[vendor]!,
    invoice_number: `REC-${invoice}`,
    invoice_date: '2026-02-27',
    due_date: '2026-03-29',
    status: 2,
    items: [
      {
        description: 'Copy paper',
        amount,
        cost_allocations: [{ account_code: pc.code, department: pc.department }],
      },
    ],
  });
  const uuid = bill.uuid.toLowerCase();
  await send(uuid);
  const synced = await settledState(stack, state, billRef(uuid));
  expect(synced, synced?.message).toMatchObject({ status: 'synced' });
  return { uuid, netsuiteId: (await state.findBySource('procurify', 'bill', uuid))!.netsuiteId };
}

async function send(uuid: string) {
  await bills.send({ kind: 'bill', origin: 'poll', billUuid: uuid, enqueuedAt: new Date().toISOString() });
}

const netsuiteBills = (uuid: string) =>
  stack.netsuite.store
    .list('vendorBill')
    .filter((record) => String(record.fields.externalId).toLowerCase() === billExternalId(uuid));
const billTotal = (id: string) => (stack.netsuite.record('vendorBill', id) as { total: number }).total;
const billPuts = (uuid: string) =>
  stack.netsuite
    .requestLog()
    .filter(
      (entry) => entry.method === 'PUT' && entry.path.endsWith(`/vendorBill/eid:${billExternalId(uuid)}`),
    ).length;

describe('apsync reconcile', () => {
  it('finds nothing to do right after apsync synced everything itself', async () => {
    const output = await reconcile('--kind', 'vendor');
    expect(output.discrepancies).toEqual([]);
    expect(output).toMatchObject({ areas: ['vendor'], fix: false, checked: { vendor: 3 }, csvFile: null });
    // In bulk: the three vendors are one SuiteQL page (N records in about N/1000 NetSuite requests).
    expect(output.requests?.netsuite).toBe(1);
  });

  it('deactivates in Procurify a vendor deleted in NetSuite without a notice, and says so in the CSV report', async () => {
    const gone = ns.vendors[2]!;
    const procurifyId = pc.vendors[2]!;
    stack.netsuite.store.delete('vendor', gone);
    const trail = (await state.read(vendorRef(gone))).length;

    const csvFile = join(fixture.dataDir, 'reconciliation.csv');
    const output = await reconcile('--kind', 'vendor', '--csv', csvFile);
    expect(output.discrepancies).toEqual([
      expect.objectContaining({
        area: 'vendor',
        kind: 'deleted-in-netsuite',
        netsuiteId: gone,
        procurifyId: String(procurifyId),
        action: 'deactivate',
        owner: 'apsync',
        repair: expect.objectContaining({ status: 'done' }),
      }),
    ]);
    // The inbound worker made it inactive (never deleted), with its audit trail.
    const final = await settledState(stack, state, vendorRef(gone), { after: trail });
    expect(final).toMatchObject({ status: 'synced', message: 'deleted in NetSuite: inactive in Procurify' });
    expect(stack.procurify.store.vendors.get(procurifyId)).toMatchObject({ active: false });
    expect((await state.read(vendorRef(gone))).map((entry) => entry.message)).toContain(
      'reconcile: deleted-in-netsuite (active): no longer in NetSuite; its Procurify record is made inactive',
    );

    const csv = await readFile(csvFile, 'utf8');
    expect(csv).toContain(`reconciled as of,${output.reconciledAsOf}\r\n`);
    expect(csv).toContain('vendor,2,deleted-in-netsuite,1\r\n');
    expect(csv).toContain(
      `vendor,deleted-in-netsuite,${gone},${procurifyId},active,,true,apsync,deactivate,done,`,
    );

    expect((await reconcile('--kind', 'vendor')).discrepancies).toEqual([]);
    // `apsync status` reads the last run from here.
    expect(await createReconcileReportStore(state).lastReport()).toMatchObject({
      areas: ['vendor'],
      totals: { discrepancies: 0 },
    });
  });

  it('repairs a vendor renamed by hand in Procurify from NetSuite', async () => {
    const procurifyId = pc.vendors[1]!;
    const vendor = stack.procurify.store.vendors.get(procurifyId)!;
    stack.procurify.store.vendors.set(procurifyId, { ...vendor, name: 'Renamed By Hand' });
    const trail = (await state.read(vendorRef(ns.vendors[1]!))).length;
    const output = await reconcile('--kind', 'vendor');
    expect(output.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'field-differs',
        field: 'name',
        netsuiteValue: 'Contoso Office Supply',
        procurifyValue: 'Renamed By Hand',
        repair: expect.objectContaining({ status: 'done' }),
      }),
    ]);
    await settledState(stack, state, vendorRef(ns.vendors[1]!), { after: trail });
    expect(stack.procurify.store.vendors.get(procurifyId)).toMatchObject({ name: 'Contoso Office Supply' });
  });

  it('reports a Vendor Bill deleted by hand and re-sends it with --fix', async () => {
    const bill = await syncedBill('120.00');
    stack.netsuite.store.delete('vendorBill', bill.netsuiteId);

    const reported = about(await reconcile('--kind', 'bill'), bill.uuid);
    expect(reported).toEqual([
      expect.objectContaining({
        kind: 'missing-in-netsuite',
        netsuiteId: bill.netsuiteId,
        action: 'resend',
        owner: 'apsync',
        repair: expect.objectContaining({ status: 'needs-fix' }),
      }),
    ]);
    expect(netsuiteBills(bill.uuid)).toHaveLength(0);

    const trail = (await state.read(billRef(bill.uuid))).length;
    const fixed = about(await reconcile('--kind', 'bill', '--fix'), bill.uuid);
    expect(fixed).toEqual([expect.objectContaining({ repair: expect.objectContaining({ status: 'done' }) })]);
    expect(await settledState(stack, state, billRef(bill.uuid), { after: trail })).toMatchObject({
      status: 'synced',
    });
    const [recreated] = netsuiteBills(bill.uuid);
    expect(recreated).toBeDefined();
    expect(recreated!.id).not.toBe(bill.netsuiteId);
    expect(billTotal(recreated!.id)).toBe(120);
    expect((await state.findBySource('procurify', 'bill', bill.uuid))?.netsuiteId).toBe(recreated!.id);
    expect(about(await reconcile('--kind', 'bill'), bill.uuid)).toEqual([]);
  });

  it('reports a Vendor Bill edited by hand in NetSuite and never overwrites it, even with --fix', async () => {
    const bill = await syncedBill('80.00');
    // A NetSuite user adds a line: the bill's total is 90.00 where apsync wrote 80.00.
    stack.netsuite.userUpdate('vendorBill', bill.netsuiteId, {
      expense: { items: [{ account: { id: ns.expense }, amount: 10, department: { id: ns.department } }] },
    });
    expect(billTotal(bill.netsuiteId)).toBe(90);
    const puts = billPuts(bill.uuid);

    const found = about(await reconcile('--kind', 'bill', '--fix'), bill.uuid);
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'edited-in-netsuite',
        field: 'total',
        netsuiteValue: '90.00',
        procurifyValue: '80.00',
        action: 'none',
        owner: 'hand-edit',
      }),
    ]);
    expect(found[0]!.message).toContain(`apsync review replay bill:${bill.uuid}`);
    expect(found[0]!.repair).toBeUndefined();
    expect(billPuts(bill.uuid)).toBe(puts);
    expect(billTotal(bill.netsuiteId)).toBe(90);
  });

  it('reports a link that names another Vendor Bill and replaces it with --fix', async () => {
    const first = await syncedBill('30.00');
    const second = await syncedBill('40.00');
    // The crash-test finding: the link of one record names the other's NetSuite record.
    await state.link({
      kind: 'bill',
      procurifyId: first.uuid,
      netsuiteId: second.netsuiteId,
      origin: 'created',
    });

    const reported = about(await reconcile('--kind', 'bill'), first.uuid);
    expect(reported).toEqual([
      expect.objectContaining({
        kind: 'wrong-link',
        netsuiteId: second.netsuiteId,
        relinkTo: first.netsuiteId,
        restoreLinkOf: second.uuid,
        action: 'relink',
        owner: 'apsync',
        repair: expect.objectContaining({ status: 'needs-fix' }),
      }),
    ]);
    expect(reported[0]!.message).toContain(billExternalId(first.uuid));

    const fixed = about(await reconcile('--kind', 'bill', '--fix'), first.uuid);
    expect(fixed[0]?.repair).toMatchObject({ status: 'done' });
    expect((await state.findBySource('procurify', 'bill', first.uuid))?.netsuiteId).toBe(first.netsuiteId);
    // Both directions of both links name the right records again.
    expect((await state.findBySource('netsuite', 'bill', first.netsuiteId))?.procurifyId).toBe(first.uuid);
    expect((await state.findBySource('netsuite', 'bill', second.netsuiteId))?.procurifyId).toBe(second.uuid);
    expect(about(await reconcile('--kind', 'bill'), first.uuid)).toEqual([]);
  });

  it('reports a bill paid in NetSuite only, and one paid in Procurify only (push mode)', async () => {
    const paidInNetSuite = await syncedBill('55.00');
    stack.netsuite.userCreate('vendorPayment', {
      entity: { id: ns.vendors[0] },
      account: { id: ns.bank },
      tranDate: '2026-03-02',
      apply: { items: [{ doc: { id: paidInNetSuite.netsuiteId }, apply: true, amount: 55 }] },
    });
    const paidInProcurify = await syncedBill('65.00');
    const method = stack.procurify.store.addPaymentMethod({ name: 'Check', type: 1, gl_code: '1000' }).id;
    stack.procurify.recordPayment({
      bills: [{ uuid: paidInProcurify.uuid, amount: '65.00' }],
      method,
      payment_date: '2026-03-05',
      status: 'paid',
    });

    const output = await reconcile('--kind', 'paid', '--fix');
    expect(about(output, paidInNetSuite.uuid)).toEqual([
      expect.objectContaining({
        area: 'paid',
        kind: 'paid-in-netsuite-only',
        netsuiteValue: 'Paid In Full',
        procurifyValue: 'Approved (2)',
        action: 'none',
        owner: 'hand-edit',
      }),
    ]);
    expect(about(output, paidInProcurify.uuid)).toEqual([
      expect.objectContaining({
        kind: 'paid-in-procurify-only',
        netsuiteValue: 'Open (65.00 unpaid)',
        procurifyValue: expect.stringMatching(/^Paid/),
        action: 'none',
      }),
    ]);
    expect(about(output, paidInProcurify.uuid)[0]!.message).toContain('apsync payment resync');
  });

  it('pushes a paid payment that never reached NetSuite with --fix; a Vendor Payment deleted by hand is for a person', async () => {
    const bill = await syncedBill('75.00');
    const method = stack.procurify.store.addPaymentMethod({ name: 'Operating', type: 1, gl_code: '1000' }).id;
    const payment = stack.procurify.recordPayment({
      bills: [{ uuid: bill.uuid, amount: '75.00' }],
      method,
      payment_date: '2026-03-06',
      status: 'paid',
    });
    const id = String(payment.id);
    const ref: RecordRef = { system: 'procurify', kind: 'payment', id };

    const fixed = about(await reconcile('--kind', 'payment', '--fix'), id);
    expect(fixed).toEqual([
      expect.objectContaining({
        kind: 'not-linked',
        action: 'push',
        owner: 'apsync',
        repair: expect.objectContaining({ status: 'done' }),
      }),
    ]);
    expect(await settledState(stack, state, ref)).toMatchObject({ status: 'synced' });
    const link = await state.findBySource('procurify', 'payment', id);
    expect(link).toBeDefined();
    expect(about(await reconcile('--kind', 'payment'), id)).toEqual([]);

    stack.netsuite.store.delete('vendorPayment', link!.netsuiteId);
    const reported = about(await reconcile('--kind', 'payment', '--fix'), id);
    expect(reported).toEqual([
      expect.objectContaining({
        kind: 'missing-in-netsuite',
        netsuiteId: link!.netsuiteId,
        procurifyValue: '75.00',
        action: 'none',
        owner: 'hand-edit',
      }),
    ]);
    expect(reported[0]!.message).toContain('enter it again in NetSuite');
  });

  it('reports a Vendor Payment voided by hand in NetSuite for a person, and its bill now open there', async () => {
    const bill = await syncedBill('85.00');
    const method = stack.procurify.store.addPaymentMethod({
      name: 'Voided run',
      type: 1,
      gl_code: '1000',
    }).id;
    const payment = stack.procurify.recordPayment({
      bills: [{ uuid: bill.uuid, amount: '85.00' }],
      method,
      payment_date: '2026-03-07',
      status: 'paid',
    });
    const id = String(payment.id);
    const ref: RecordRef = { system: 'procurify', kind: 'payment', id };
    await reconcile('--kind', 'payment', '--fix');
    expect(await settledState(stack, state, ref)).toMatchObject({ status: 'synced' });
    const vendorPaymentId = (await state.findBySource('procurify', 'payment', id))!.netsuiteId;

    // A NetSuite user voids it (the UI's Void button; the sandbox's admin API plays it).
    const voided = await fetch(`${stack.netsuite.adminUrl}/records/vendorPayment/${vendorPaymentId}/void`, {
      method: 'POST',
    });
    expect(voided.status).toBe(200);
    const voidedPayment = () => {
      const record = stack.netsuite.store.get('vendorPayment', vendorPaymentId)!;
      return { status: record.fields.status, total: record.fields.total, apply: record.fields.apply };
    };
    const asVoided = voidedPayment();
    expect(asVoided).toMatchObject({ status: 'V', total: 0 });
    // Whatever the void's notice (an edit of the payment) sets off has run before anything is checked.
    await waitFor(
      () =>
        stack.netsuite
          .noticeDeliveries()
          .some((delivery) => delivery.notice.recordId === vendorPaymentId && delivery.ok) || undefined,
      `the notice of Vendor Payment ${vendorPaymentId}'s void`,
    );
    await queueSettled(stack, 'inbound');
    const putsToIt = () =>
      stack.netsuite
        .requestLog()
        .filter(
          (entry) => entry.method !== 'GET' && entry.path.includes(`/vendorPayment/eid:procurify-pay-${id}`),
        ).length;
    const puts = putsToIt();

    const output = await reconcile('--kind', 'payment', '--fix');
    expect(about(output, id)).toEqual([
      expect.objectContaining({
        area: 'payment',
        kind: 'voided-in-netsuite',
        netsuiteId: vendorPaymentId,
        netsuiteValue: 'voided',
        procurifyValue: 'paid',
        action: 'none',
        owner: 'hand-edit',
      }),
    ]);
    expect(about(output, id)[0]!.message).toContain('enter it again in NetSuite');
    expect(about(output, id)[0]!.repair).toBeUndefined();
    // The bill it paid is open again in NetSuite, paid in Procurify: reported too, with what a voided
    // payment needs.
    const paid = about(await reconcile('--kind', 'paid', '--fix'), bill.uuid);
    expect(paid).toEqual([
      expect.objectContaining({
        area: 'paid',
        kind: 'paid-in-procurify-only',
        netsuiteValue: 'Open (85.00 unpaid)',
      }),
    ]);
    expect(paid[0]!.message).toContain(
      'voided (apsync reconcile --kind payment reports it voided-in-netsuite)',
    );
    // What a push of it would do now (the decision the worker takes too): refused, with what to do.
    const preview = previewOutputSchema.parse(
      JSON.parse((await cli(['preview', `payment:${id}`, '--json'])).out),
    );
    expect(preview).toMatchObject({ outcome: 'review', target: null, payload: null });
    expect(preview.reason).toMatch(
      new RegExp(
        `^Vendor Payment voided in NetSuite: Vendor Payment ${vendorPaymentId} \\(procurify-pay-${id}\\) was voided`,
      ),
    );
    // The operator re-syncs it anyway: the worker handles it and writes nothing.
    const trail = (await state.read(ref)).length;
    expect((await cli(['payment', 'resync', id])).code).toBe(0);
    await waitFor(
      async () =>
        (await state.read(ref))
          .slice(trail)
          .some(
            (entry) =>
              outcomeSteps.has(entry.step) || (entry.step === 'note' && entry.facts?.origin === 'resync'),
          ) || undefined,
      `the re-sync of payment ${id} handled`,
    );
    await handled(stack, id);
    await queueSettled(stack, 'payment');
    expect(putsToIt()).toBe(puts);
    // Still voided, applying nothing, its total zero (as test/soak/invariants.ts checks a voided payment).
    expect(voidedPayment()).toEqual(asVoided);
    expect((asVoided.apply as Array<{ apply: boolean }>).filter((line) => line.apply)).toEqual([]);
    expect(
      stack.netsuite.store
        .list('vendorPayment')
        .filter((record) => record.fields.externalId === `procurify-pay-${id}`),
    ).toHaveLength(1);
  });

  it('in pull mode marks paid in Procurify, with --fix, a bill paid in full in NetSuite only', async () => {
    // The paid-bill pull would do the same on its schedule: off here, so only the reconcile can.
    expect((await cli(['settings', 'set', 'schedules.paidBillPull', 'off'])).code).toBe(0);
    expect((await cli(['mode', 'set', 'pull'])).code).toBe(0);
    try {
      const bill = await syncedBill('45.00');
      stack.netsuite.userCreate('vendorPayment', {
        entity: { id: ns.vendors[0] },
        account: { id: ns.bank },
        tranDate: '2026-03-04',
        apply: { items: [{ doc: { id: bill.netsuiteId }, apply: true, amount: 45 }] },
      });
      const procurifyBill = () =>
        [...stack.procurify.store.bills.values()].find((found) => found.uuid.toLowerCase() === bill.uuid);

      const reported = about(await reconcile('--kind', 'paid'), bill.uuid);
      expect(reported).toEqual([
        expect.objectContaining({
          kind: 'paid-in-netsuite-only',
          netsuiteValue: 'Paid In Full',
          procurifyValue: 'Approved (2)',
          action: 'mark-paid',
          owner: 'apsync',
          repair: expect.objectContaining({ status: 'needs-fix' }),
        }),
      ]);
      expect(procurifyBill()).toMatchObject({ status: 2, paidDate: null });

      const fixed = about(await reconcile('--kind', 'paid', '--fix'), bill.uuid);
      expect(fixed[0]?.repair).toMatchObject({ status: 'done' });
      // Marked paid with the NetSuite payment's date, and the repair is in the bill's audit trail.
      expect(procurifyBill()).toMatchObject({ status: 4, paidDate: '2026-03-04' });
      expect(await state.read(billRef(bill.uuid))).toContainEqual(
        expect.objectContaining({
          step: 'note',
          facts: expect.objectContaining({ by: 'apsync reconcile', netsuiteId: bill.netsuiteId }),
        }),
      );
      expect(about(await reconcile('--kind', 'paid'), bill.uuid)).toEqual([]);
    } finally {
      await cli(['mode', 'set', 'push']);
      await cli(['settings', 'set', 'schedules.paidBillPull', 'on']);
    }
  });

  it('runs on its schedule without --fix, and apsync status shows the last run', async () => {
    const run = await stack.scheduler.runNow('reconcile');
    expect(run.outcome, run.error).toBe('succeeded');
    const summary = run.result as {
      reconciledAsOf: string;
      areas: string[];
      fix: boolean;
      totals: { open: number };
    };
    expect(summary).toMatchObject({
      areas: ['vendor', 'account', 'department', 'bill', 'payment', 'paid'],
      fix: false,
    });
    // The Vendor Bill edited by hand stays open: only a person closes it.
    expect(summary.totals.open).toBeGreaterThan(0);

    const status = await cli(['status', '--json']);
    expect(status.code, status.err).toBe(0);
    expect(statusOutputSchema.parse(JSON.parse(status.out)).lastReconcile).toMatchObject({
      reconciledAsOf: summary.reconciledAsOf,
      fix: false,
      totals: { open: summary.totals.open },
    });
    const text = await cli(['status']);
    expect(text.out).toContain(`last reconcile: ${summary.reconciledAsOf}: `);
    expect(text.out).toMatch(/reconcile\s+reconcile\s+on demand/);

    const table = await cli(['reconcile', '--kind', 'bill', '--grace', '0']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^reconciled as of \S+ \(bill\)$/m);
    expect(table.out).toMatch(/edited-in-netsuite/);
    expect(table.out).toMatch(/\d+ discrepancies: \d+ repaired, \d+ open/);
  });
});
