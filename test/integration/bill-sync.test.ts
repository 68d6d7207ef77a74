// Bill sync on one machine: Procurify bill → bill queue → bill-sync worker → NetSuite Vendor Bill, with
// real HTTP to both sandboxes and the AWS emulators. Mappings, parking and the automatic re-send once
// the account syncs (NetSuite user change → webhook → inbound worker → procurify poll → worker), repeated
// messages, unlinked vendors, non-approved bills, legacy links and the CSV link import.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { billExternalId } from '../../shared/bills/bill-plan.ts';
import { billSyncConfigName } from '../../shared/bills/bill-sync-settings.ts';
import { billRef } from '../../shared/bills/decide-bill.ts';
import { importBillLinks } from '../../shared/bills/import-bill-links.ts';
import { createNetSuiteBillLookups } from '../../shared/bills/netsuite-bill-lookups.ts';
import { replayBill } from '../../shared/bills/replay-bill.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import { createNetSuiteClient } from '../../shared/netsuite/index.ts';
import { queueDefinitions } from '../../shared/resources.ts';
import { type RecordState, refKey } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { handled, settledState } from '../support/sync-outcome.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let state: DynamoStateStore;
let bills: SqsQueuePublisher<BillMessage>;
const ns = {
  subsidiary: '',
  currency: '',
  vendor: '',
  otherVendor: '',
  accounts: {} as Record<string, string>,
};
const ns_departments: Record<string, string> = {};
const pc = {
  vendor: 0,
  unlinkedVendor: 0,
  codes: {} as Record<string, number>,
  departments: {} as Record<string, number>,
};

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  bills = new SqsQueuePublisher(new SQSClient(stack.aws.clientConfig('sqs')), stack.aws.queueUrls.bill);

  // NetSuite: one subsidiary in USD, two vendors, A/P and expense accounts, two departments.
  const { netsuite } = stack;
  ns.currency = netsuite.seed({
    records: { currency: [{ name: 'US Dollar', symbol: 'USD', isBaseCurrency: true }] },
  }).created.currency![0]!;
  ns.subsidiary = netsuite.seed({
    records: { subsidiary: [{ name: 'Parent Company', currency: { id: ns.currency } }] },
  }).created.subsidiary![0]!;
  const seeded = netsuite.seed({
    customFields: { vendorBill: { custbody_procurify_bill: 'text' } },
    records: {
      vendor: [
        {
          entityId: 'V-1',
          companyName: 'Northwind Paper Co',
          subsidiary: { id: ns.subsidiary },
          currency: { id: ns.currency },
        },
        {
          entityId: 'V-2',
          companyName: 'Old Integration Ltd',
          subsidiary: { id: ns.subsidiary },
          currency: { id: ns.currency },
        },
      ],
      account: [
        { acctNumber: '2000', acctName: 'Accounts Payable', acctType: 'AcctPay' },
        { acctNumber: '6100', acctName: 'Office Supplies', acctType: 'Expense' },
        { acctNumber: '6200', acctName: 'Software', acctType: 'Expense' },
      ],
      department: [{ name: 'Marketing' }, { name: 'Operations' }],
    },
  }).created;
  [ns.vendor, ns.otherVendor] = seeded.vendor as [string, string];
  ns.accounts = { '2000': seeded.account![0]!, '6100': seeded.account![1]!, '6200': seeded.account![2]! };
  ns_departments.Marketing = seeded.department![0]!;
  ns_departments.Operations = seeded.department![1]!;

  // Procurify: the same coding (plus 6300, which NetSuite does not have yet), and the vendors.
  const store = stack.procurify.store;
  const location = store.addLocation({ name: 'Head Office', headquarter: true });
  for (const name of ['Marketing', 'Operations']) {
    pc.departments[name] = store.addDepartment({ name, branch: location.id }).id;
  }
  for (const code of ['6100', '6200', '6300']) {
    pc.codes[code] = store.addAccountCode({ code, description: `Account ${code}` }).id;
  }
  pc.vendor = store.addVendor({ name: 'Northwind Paper Co', currency: 'USD' }).id;
  pc.unlinkedVendor = store.addVendor({ name: 'Stranger Things Supply', currency: 'USD' }).id;

  // Links as the master-data sync leaves them: the vendor, and Marketing (Operations maps by its name).
  await state.link({
    kind: 'vendor',
    procurifyId: String(pc.vendor),
    netsuiteId: ns.vendor,
    origin: 'created',
  });
  await state.link({
    kind: 'department',
    procurifyId: String(pc.departments.Marketing),
    netsuiteId: ns_departments.Marketing!,
    origin: 'created',
  });
});

afterAll(async () => stack?.stop());

const ref = (uuid: string) => ({ system: 'procurify' as const, kind: 'bill' as const, id: uuid });

function createBill(options: {
  invoice: string;
  status?: number;
  vendor?: number;
  lines?: Array<{ description: string; amount: string; allocations: Array<[string, string, string?]> }>;
}) {
  const lines = options.lines ?? [
    { description: 'Copy paper', amount: '100.50', allocations: [['6100', 'Marketing']] },
    {
      description: 'Design software',
      amount: '50.25',
      allocations: [
        ['6200', 'Marketing', '30.00'],
        ['6100', 'Operations', '20.25'],
      ],
    },
  ];
  return stack.procurify.createBill({
    vendor: options.vendor ?? pc.vendor,
    invoice_number: options.invoice,
    invoice_date: '2026-02-27',
    due_date: '2026-03-29',
    status: options.status ?? 2,
    items: lines.map((line) => ({
      description: line.description,
      amount: line.amount,
      cost_allocations: line.allocations.map(([code, department, amount]) => ({
        account_code: pc.codes[code]!,
        department: pc.departments[department]!,
        ...(amount === undefined ? {} : { amount }),
      })),
    })),
  });
}

async function send(uuid: string, origin: BillMessage['origin'] = 'poll') {
  await bills.send({ kind: 'bill', origin, billUuid: uuid, enqueuedAt: new Date().toISOString() });
}

/** Waits until the bill's audit trail has `count` outcomes, their writes all done, and returns its state. */
async function settled(uuid: string, count = 1): Promise<RecordState> {
  return (await settledState(stack, state, ref(uuid), { count }))!;
}

const billPuts = (uuid: string) =>
  stack.netsuite
    .requestLog()
    .filter(
      (entry) => entry.method === 'PUT' && entry.path.endsWith(`/vendorBill/eid:${billExternalId(uuid)}`),
    );

const netsuiteBill = (externalId: string) =>
  stack.netsuite.store
    .list('vendorBill')
    .filter((bill) => String(bill.fields.externalId).toLowerCase() === externalId);

describe('bill sync Procurify → NetSuite', () => {
  it('writes an approved bill as a Vendor Bill with its vendor, accounts, departments and amounts', async () => {
    const bill = createBill({ invoice: 'INV-1001' });
    await send(bill.uuid);
    const final = await settled(bill.uuid);
    expect(final).toMatchObject({ status: 'synced', sourceModified: expect.any(String) });

    const link = await state.findBySource('procurify', 'bill', bill.uuid);
    expect(link).toMatchObject({ origin: 'created', netsuiteId: expect.stringMatching(/^\d+$/) });
    expect((await state.findBySource('netsuite', 'bill', link!.netsuiteId))?.procurifyId).toBe(bill.uuid);
    const written = stack.netsuite.record('vendorBill', link!.netsuiteId)!;
    expect(written).toMatchObject({
      externalId: billExternalId(bill.uuid),
      entity: { id: ns.vendor },
      subsidiary: { id: ns.subsidiary },
      currency: { id: ns.currency },
      tranId: 'INV-1001',
      tranDate: '2026-02-27',
      dueDate: '2026-03-29',
      total: 150.75,
    });
    const lines = (written.expense as { items: Array<Record<string, { id: string } | number | string>> })
      .items;
    expect(
      lines.map((line) => [
        (line.account as { id: string }).id,
        line.amount,
        (line.department as { id: string }).id,
      ]),
    ).toEqual([
      [ns.accounts['6100'], 100.5, ns_departments.Marketing],
      [ns.accounts['6200'], 30, ns_departments.Marketing],
      [ns.accounts['6100'], 20.25, ns_departments.Operations],
    ]);
    const puts = billPuts(bill.uuid);
    expect(puts).toHaveLength(1);
    expect(new URLSearchParams(puts[0]!.query).get('replace')).toBe('expense,item');
    const trail = await state.read(ref(bill.uuid));
    expect(trail.map((entry) => entry.step)).toEqual(['received', 'fetched', 'written']);
    expect(trail[2]?.facts).toMatchObject({ action: 'created', total: '150.75', lines: 3 });
  });

  it('keeps one Vendor Bill with the right total when a bill is sent twice, changed and replayed', async () => {
    const bill = createBill({ invoice: 'INV-1002' });
    await send(bill.uuid);
    await send(bill.uuid);
    expect((await settled(bill.uuid, 2)).status).toBe('synced');
    // The unchanged second message wrote nothing; a replay writes again, with the lines replaced.
    expect(billPuts(bill.uuid)).toHaveLength(1);
    await replayBill(bill.uuid, { bills, audit: state }, 'test');
    await settled(bill.uuid, 3);
    stack.procurify.editBill(bill.uuid, {
      items: [
        {
          description: 'Copy paper',
          amount: '80.10',
          account_code: pc.codes['6100'],
          department: pc.departments.Marketing,
        },
      ],
    });
    await send(bill.uuid);
    expect((await settled(bill.uuid, 4)).status).toBe('synced');

    expect(billPuts(bill.uuid)).toHaveLength(3);
    const [only, ...others] = netsuiteBill(billExternalId(bill.uuid));
    expect(others).toHaveLength(0);
    const written = stack.netsuite.record('vendorBill', only!.id)!;
    expect(written.total).toBe(80.1);
    expect((written.expense as { items: unknown[] }).items).toHaveLength(1);
    const steps = (await state.read(ref(bill.uuid))).map((entry) => entry.step);
    expect(steps.filter((step) => step === 'written')).toHaveLength(3);
    expect(steps).toContain('replayed');
  });

  // Each wait is at least a second plus the queue's polling: sized to the attempts it needs (the default
  // deadline of waitFor is 20 s, tight for 7 attempts on a busy machine).
  const leaseAttemptsMs = (queueDefinitions.bill.maxReceiveCount + 1) * 5_000;
  it(
    'waits while another worker holds the bill, past the receives a failing message has, then writes it once',
    async () => {
      const bill = createBill({ invoice: 'INV-1010' });
      const lease = `record:${refKey(billRef(bill.uuid))}`;
      expect(await state.acquireLease(lease, 'another-worker', 300)).toBe(true);
      const worker = stack.eventSources['bill-sync-worker']!;
      const recordsBefore = worker.stats().records;
      await send(bill.uuid);
      // Sent again to wait (a new message each time), the bill's message is handled more often than the
      // queue's maxReceiveCount without reaching the dead-letter queue (the earlier tests settled: the
      // bill queue holds only this bill's message).
      await waitFor(
        () => worker.stats().records - recordsBefore > queueDefinitions.bill.maxReceiveCount || undefined,
        'more attempts than maxReceiveCount',
        leaseAttemptsMs,
      );
      expect(billPuts(bill.uuid)).toHaveLength(0);
      // Only the first delivery noted it received; the waits are logged, not audited.
      const steps = async () => (await state.read(ref(bill.uuid))).map((entry) => entry.step);
      expect(await steps()).toEqual(['received']);
      await state.releaseLease(lease, 'another-worker');
      expect((await settled(bill.uuid)).status).toBe('synced');
      expect(billPuts(bill.uuid)).toHaveLength(1);
      expect((await steps()).filter((step) => step === 'received')).toHaveLength(1);
      expect(await steps()).toContain('written');
    },
    leaseAttemptsMs + 60_000,
  );

  it('fails a bill whose vendor is not linked, naming the vendor, and writes nothing', async () => {
    const bill = createBill({ invoice: 'INV-1003', vendor: pc.unlinkedVendor });
    await send(bill.uuid);
    const final = await settled(bill.uuid);
    expect(final).toMatchObject({
      status: 'failed',
      errorClass: 'data',
      message: `Vendor Stranger Things Supply (Procurify ${pc.unlinkedVendor}) is not linked to a NetSuite vendor`,
    });
    expect(billPuts(bill.uuid)).toHaveLength(0);
  });

  it('ignores a bill that is not approved, with the reason', async () => {
    const bill = createBill({ invoice: 'INV-1004', status: 1 });
    await send(bill.uuid);
    const final = await settled(bill.uuid);
    expect(final.status).toBe('skipped');
    expect(final.message).toMatch(
      /Bill status is Confirmed \(1\): only approved \(or since paid\) bills are written/,
    );
    expect(billPuts(bill.uuid)).toHaveLength(0);
  });

  it('parks a bill with a missing account mapping, then writes it once the account syncs', async () => {
    const bill = createBill({
      invoice: 'INV-1005',
      lines: [
        { description: 'Flights', amount: '420.00', allocations: [['6300', 'Marketing']] },
        { description: 'Paper', amount: '10.00', allocations: [['6100', 'Operations']] },
      ],
    });
    await send(bill.uuid);
    const parked = await settled(bill.uuid);
    expect(parked).toMatchObject({ status: 'review', waitingFor: ['account-code:6300'] });
    expect(parked.message).toMatch(/account code 6300: no NetSuite account has this Number/);
    expect(billPuts(bill.uuid)).toHaveLength(0);
    // No NetSuite account changed since: the poll leaves it parked (no re-send loop).
    const quiet = await stack.scheduler.runNow('procurifyPoll');
    expect((quiet.result as { parkedBills?: { resent: number } }).parkedBills?.resent).toBe(0);
    // That first poll also enqueued the bill itself (approved minutes ago): it is parked again.
    expect((await settled(bill.uuid, 2)).status).toBe('review');

    // An accountant creates the account in NetSuite: notice → inbound worker links it to code 6300.
    const account = stack.netsuite.userCreate('account', {
      acctNumber: '6300',
      acctName: 'Travel',
      acctType: 'Expense',
    }).id;
    const accountState = await settledState(
      stack,
      state,
      { system: 'netsuite', kind: 'account', id: account },
      { where: (entry) => entry.step === 'written' },
    );
    expect(accountState?.status).toBe('synced');
    expect(await state.findBySource('netsuite', 'account', account)).toBeDefined();
    const run = await stack.scheduler.runNow('procurifyPoll');
    expect(run.outcome).toBe('succeeded');
    expect((run.result as { parkedBills?: { resent: number } }).parkedBills?.resent).toBeGreaterThanOrEqual(
      1,
    );

    // Should a poll message for this bill come after the re-send, it finds the bill unchanged.
    const final = await waitFor(async () => {
      const current = await state.getState(ref(bill.uuid));
      return current?.status === 'synced' || current?.status === 'unchanged' ? current : undefined;
    }, 'the parked bill written');
    await handled(stack, bill.uuid);
    expect(final.waitingFor).toBeUndefined();
    expect(billPuts(bill.uuid)).toHaveLength(1);
    const link = await state.findBySource('procurify', 'bill', bill.uuid);
    const written = stack.netsuite.record('vendorBill', link!.netsuiteId)!;
    expect(written.total).toBe(430);
    expect(
      (written.expense as { items: Array<{ account: { id: string } }> }).items.map((line) => line.account.id),
    ).toEqual([account, ns.accounts['6100']]);
    const trail = await state.read(ref(bill.uuid));
    expect(
      trail.some((entry) => entry.step === 'received' && entry.facts?.origin === 'mapping-available'),
    ).toBe(true);
  });

  it('links a Vendor Bill already written under its external id (a crash between write and link)', async () => {
    const bill = createBill({ invoice: 'INV-1006' });
    const client = createNetSuiteClient({
      baseUrl: stack.netsuite.url,
      ...stack.netsuite.credentials,
      concurrencyShare: 2,
    });
    const earlier = await client.records.upsertByExternalId('vendorBill', billExternalId(bill.uuid), {
      entity: { id: ns.vendor },
      expense: { items: [{ account: { id: ns.accounts['6100'] }, amount: 1 }] },
    });
    expect(earlier.id).toMatch(/^\d+$/);
    await send(bill.uuid);
    expect((await settled(bill.uuid)).status).toBe('synced');
    expect(await state.findBySource('procurify', 'bill', bill.uuid)).toMatchObject({
      netsuiteId: earlier.id,
    });
    const [only, ...others] = netsuiteBill(billExternalId(bill.uuid));
    expect(others).toHaveLength(0);
    const written = stack.netsuite.record('vendorBill', only!.id)!;
    expect(written.total).toBe(150.75);
    expect((written.expense as { items: unknown[] }).items).toHaveLength(3);
    expect((await state.read(ref(bill.uuid))).at(-1)?.facts).toMatchObject({ action: 'updated' });
  });

  it('recognizes Vendor Bills of an older integration and does not create a second one', async () => {
    const byPattern = createBill({ invoice: 'INV-2001' });
    const byField = createBill({ invoice: 'INV-2002' });
    const legacy = stack.netsuite.seed({
      records: {
        vendorBill: [
          {
            entity: { id: ns.vendor },
            externalId: `LEGACY-${byPattern.uuid}`,
            tranId: 'INV-2001',
            expense: { items: [{ account: { id: ns.accounts['6100'] }, amount: 150.75 }] },
          },
          {
            entity: { id: ns.vendor },
            tranId: 'INV-2002',
            custbody_procurify_bill: byField.uuid,
            expense: { items: [{ account: { id: ns.accounts['6100'] }, amount: 150.75 }] },
          },
        ],
      },
    }).created.vendorBill!;
    await state.putConfig(billSyncConfigName, {
      legacy: { externalIdPattern: '^LEGACY-([0-9a-f-]{36})$', field: 'custbody_procurify_bill' },
    });
    try {
      const before = stack.netsuite.store.list('vendorBill').length;
      await send(byPattern.uuid);
      await send(byField.uuid);
      const first = await settled(byPattern.uuid);
      const second = await settled(byField.uuid);
      expect(first.status).toBe('skipped');
      expect(first.message).toMatch(
        new RegExp(`Already in NetSuite as Vendor Bill ${legacy[0]} \\(created by an older`),
      );
      expect(second.message).toMatch(new RegExp(`Already in NetSuite as Vendor Bill ${legacy[1]}`));
      expect(await state.findBySource('procurify', 'bill', byPattern.uuid)).toMatchObject({
        netsuiteId: legacy[0],
        origin: 'legacy',
      });
      expect((await state.findBySource('netsuite', 'bill', legacy[1]!))?.procurifyId).toBe(byField.uuid);
      // Sent again (e.g. edited in Procurify): still no write, the link decides.
      await send(byPattern.uuid, 'replay');
      await settled(byPattern.uuid, 2);
      expect(billPuts(byPattern.uuid)).toHaveLength(0);
      expect(billPuts(byField.uuid)).toHaveLength(0);
      expect(stack.netsuite.store.list('vendorBill').length).toBe(before);
    } finally {
      await state.putConfig(billSyncConfigName, {});
    }
  });

  it('imports legacy links from a CSV file, reporting bad lines by number', async () => {
    const good = createBill({ invoice: 'INV-3001' });
    const taken = createBill({ invoice: 'INV-3002' });
    const [existing, other] = stack.netsuite.seed({
      records: {
        vendorBill: [
          {
            entity: { id: ns.otherVendor },
            tranId: 'OLD-1',
            expense: { items: [{ account: { id: ns.accounts['6100'] }, amount: 5 }] },
          },
          {
            entity: { id: ns.otherVendor },
            tranId: 'OLD-2',
            expense: { items: [{ account: { id: ns.accounts['6100'] }, amount: 6 }] },
          },
        ],
      },
    }).created.vendorBill as [string, string];
    await state.link({ kind: 'bill', procurifyId: taken.uuid, netsuiteId: '999999', origin: 'created' });
    const client = createNetSuiteClient({
      baseUrl: stack.netsuite.url,
      ...stack.netsuite.credentials,
      concurrencyShare: 2,
    });
    const csv = [
      'netsuite_bill_id,procurify_bill_uuid',
      `${existing},${good.uuid.toUpperCase()}`,
      `${other},not-a-uuid`,
      '',
      `${ns.accounts['6100']},${createBill({ invoice: 'INV-3003' }).uuid}`,
      `${other},${taken.uuid}`,
      `${other},${good.uuid}`,
    ].join('\r\n');
    const result = await importBillLinks(csv, { state, lookups: createNetSuiteBillLookups(client.suiteQl) });
    expect(result.imported).toBe(1);
    expect(result.errors).toEqual([
      { line: 3, message: 'procurify_bill_uuid "not-a-uuid" is not a Procurify bill UUID' },
      { line: 5, message: `NetSuite record ${ns.accounts['6100']} is not a Vendor Bill (or does not exist)` },
      {
        line: 6,
        message: `Procurify bill ${taken.uuid} is already linked to NetSuite bill 999999 (created)`,
      },
      { line: 7, message: `Procurify bill ${good.uuid} is already on line 2` },
    ]);
    expect(await state.findBySource('procurify', 'bill', good.uuid)).toMatchObject({
      netsuiteId: existing,
      origin: 'import',
    });
    expect(await state.findBySource('netsuite', 'bill', other)).toBeUndefined();
    // Importing the same file again changes nothing.
    const again = await importBillLinks(csv, { state, lookups: createNetSuiteBillLookups(client.suiteQl) });
    expect(again).toMatchObject({ imported: 0, alreadyLinked: 1 });

    await send(good.uuid);
    const final = await settled(good.uuid);
    expect(final.status).toBe('skipped');
    expect(final.message).toMatch(new RegExp(`Vendor Bill ${existing} \\(link imported\\)`));
    expect(billPuts(good.uuid)).toHaveLength(0);
  });
});
