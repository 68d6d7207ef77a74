// Issue 11 end to end on one machine: a real AP bill (exclusive and inclusive tax, quantity × unit cost,
// shipping, a bill-level freight cost, several departments and Procurify locations, a custom segment from
// a line custom field, an invoice PDF) goes Procurify → bill queue → worker → NetSuite demo company. It
// parks until tax and shipping are configured; the configuration is checked against NetSuite (a tax
// account that does not exist is refused) and re-sends it; the Vendor Bill equals the Procurify bill to
// the cent, with location, class and segment per line; the PDF is stored and attached once (a replay
// does not store it again); a payment of the full amount closes it. A class not available in the bill's
// subsidiary parks the bill naming it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { DemoSummary } from '../../infra/sandboxes/netsuite/index.ts';
import { invoicePdf } from '../../infra/sandboxes/procurify/invoice-pdf.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { backfillBills } from '../../shared/bills/backfill-bills.ts';
import { billExternalId } from '../../shared/bills/bill-plan.ts';
import {
  excludeBill,
  includeBill,
  listExcludedBills,
  selectBills,
  unlinkBill,
} from '../../shared/bills/bill-selection.ts';
import type { BillSyncSettingsInput } from '../../shared/bills/bill-sync-settings.ts';
import { changeBillSettings } from '../../shared/bills/change-bill-settings.ts';
import { importBillLinks } from '../../shared/bills/import-bill-links.ts';
import { createNetSuiteBillLookups } from '../../shared/bills/netsuite-bill-lookups.ts';
import { replayBill } from '../../shared/bills/replay-bill.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { createNetSuiteClient, type NetSuiteClient } from '../../shared/netsuite/index.ts';
import { createProcurifyClient } from '../../shared/procurify/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { settledState } from '../support/sync-outcome.ts';

let stack: LocalStack;
let state: DynamoStateStore;
let bills: SqsQueuePublisher<BillMessage>;
let netsuite: NetSuiteClient;
let demo: DemoSummary;
const pc = { vendor: 0, codes: {} as Record<string, number>, departments: {} as Record<string, number> };

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  bills = new SqsQueuePublisher(new SQSClient(stack.aws.clientConfig('sqs')), stack.aws.queueUrls.bill);
  demo = stack.netsuite.seedDemo({ vendors: 4, bills: 0, payments: 0 });
  netsuite = createNetSuiteClient({
    baseUrl: stack.netsuite.url,
    ...stack.netsuite.credentials,
    concurrencyShare: 2,
    restlets: { baseUrl: stack.netsuite.url },
  });

  // Procurify: Seattle and Portland locations, departments named as NetSuite's, the demo's expense codes.
  const store = stack.procurify.store;
  const seattle = store.addLocation({ name: 'Seattle', headquarter: true, currency: 'USD' });
  const portland = store.addLocation({ name: 'Portland', currency: 'USD' });
  pc.departments.Operations = store.addDepartment({ name: 'Operations', branch: seattle.id }).id;
  pc.departments.Engineering = store.addDepartment({ name: 'Engineering', branch: portland.id }).id;
  for (const code of ['6100', '6110', '6600'])
    pc.codes[code] = store.addAccountCode({ code, description: code }).id;
  pc.vendor = store.addVendor({ name: 'Cascade Office Supply', currency: 'USD' }).id;
  await state.link({
    kind: 'vendor',
    procurifyId: String(pc.vendor),
    netsuiteId: demo.vendors[0]!,
    origin: 'created',
  });
});

afterAll(async () => stack?.stop());

const ref = (uuid: string) => ({ system: 'procurify' as const, kind: 'bill' as const, id: uuid });
const send = (uuid: string) =>
  bills.send({ kind: 'bill', origin: 'poll', billUuid: uuid, enqueuedAt: new Date().toISOString() });

function settings(overrides: Partial<BillSyncSettingsInput> = {}): BillSyncSettingsInput {
  return {
    tax: {
      strategy: 'tax-lines',
      accounts: { GST: demo.taxAccounts.gstHst, 'WA Sales Tax': demo.taxAccounts.pst },
    },
    shipping: { mode: 'account', accountId: demo.freightAccount },
    costs: { mode: 'coded' },
    location: {
      byProcurifyLocation: {
        Seattle: demo.locations['Seattle HQ']!,
        Portland: demo.locations['Portland Warehouse']!,
      },
    },
    class: { byDepartment: { Engineering: demo.classes.Product! }, defaultId: demo.classes.Services! },
    customFields: [
      {
        field: 'cseg_region',
        from: { lineField: 'Region' },
        values: { PNW: demo.segment.values['Pacific Northwest']! },
      },
      { field: 'custcol_procurify_quantity', from: { lineValue: 'quantity' } },
      { field: 'custbody_ap_approver', from: { constant: 'apsync' } },
    ],
    attachments: { folderId: demo.attachmentFolder },
    ...overrides,
  };
}

const configure = (input: unknown) =>
  changeBillSettings(input, {
    state,
    lookups: createNetSuiteBillLookups(netsuite.suiteQl),
    bills,
    vendorBillFields: async () => {
      const { record, lines } = await netsuite.metadata.recordFields('vendorBill');
      const shape = (fields: typeof record | undefined) =>
        new Map(
          [...(fields ?? new Map())].map(([name, field]) => [
            name,
            { ...field, reference: field.$ref !== undefined },
          ]),
        );
      return { body: shape(record), expenseLine: shape(lines.get('expense')) };
    },
    checkFolder: (folderId) => netsuite.attachments!.checkFolder(folderId),
  });

function taxedBill(invoice: string) {
  return stack.procurify.createBill({
    vendor: pc.vendor,
    invoice_number: invoice,
    invoice_date: '2026-11-20',
    due_date: '2026-12-20',
    status: 2,
    items: [
      {
        description: 'Copy paper, case',
        quantity: '4',
        unit_cost: '25.13',
        tax_name: 'WA Sales Tax',
        tax_percentage: '8.875',
        shipping_amount: '7.00',
        custom_fields: [{ field: 'Region', value: 'PNW' }],
        account_code: pc.codes['6100']!,
        department: pc.departments.Operations!,
      },
      {
        description: 'Design software seat',
        amount: '19.99',
        bill_by_cost: true,
        tax_name: 'GST',
        tax_percentage: '5',
        tax_is_inclusive: true,
        custom_fields: [{ field: 'Region', value: 'PNW' }],
        cost_allocations: [
          { account_code: pc.codes['6110']!, department: pc.departments.Engineering!, amount: '10.00' },
          { account_code: pc.codes['6110']!, department: pc.departments.Operations! },
        ],
      },
    ],
    costs: [
      {
        name: 'Freight',
        amount: '15.00',
        account_code: pc.codes['6600']!,
        department: pc.departments.Operations!,
      },
    ],
    invoice_attachments: [
      {
        name: `${invoice}.pdf`,
        content: invoicePdf([`Invoice ${invoice}`, 'Cascade Office Supply']).toString('base64'),
      },
    ],
  });
}

/** The Procurify bill as its API serves it (BillRead), read with a token like any client. */
async function procurifyView(uuid: string) {
  const { credentials, url } = stack.procurify;
  const tokenAnswer = await fetch(credentials.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      audience: credentials.audience,
      grant_type: 'client_credentials',
    }),
  });
  const { access_token } = (await tokenAnswer.json()) as { access_token: string };
  const response = await fetch(`${url}/api/v2/ap/bills/${uuid}/`, {
    headers: { authorization: `Bearer ${access_token}`, 'x-procurify-client': 'api' },
  });
  return (await response.json()) as {
    data: { total_cost_with_tax: number; shipping_amount: number; invoice_total: number };
  };
}

describe('a real AP bill reaches NetSuite to the cent', () => {
  it('parks until configured, is written with tax, shipping, cost, location, class, segment and its PDF, and a full payment closes it', async () => {
    const bill = taxedBill('CAS-7001');
    await send(bill.uuid);
    const parked = await settledState(stack, state, ref(bill.uuid));
    expect(parked).toMatchObject({ status: 'review', waitingFor: ['setting:tax', 'setting:shipping'] });

    // A tax account NetSuite does not have is refused at configuration time, naming it; nothing is stored.
    await expect(
      configure(settings({ tax: { strategy: 'tax-lines', accounts: { GST: '99999' } } })),
    ).rejects.toThrow(/tax\.accounts\["GST"\]: account 99999 does not exist in NetSuite/);
    expect(await state.getConfig('bill-sync')).toBeUndefined();

    const changed = await configure(settings());
    expect(changed.resent).toBe(1);
    const synced = await settledState(stack, state, ref(bill.uuid), { count: 2 });
    expect(synced).toMatchObject({ status: 'synced', attachments: [bill.attachments[0]!.uuid] });

    const link = (await state.findBySource('procurify', 'bill', bill.uuid))!;
    const written = stack.netsuite.store.get('vendorBill', link.netsuiteId)!;
    const view = await procurifyView(bill.uuid);
    // 4 × 25.13 = 100.52 + 8.92 tax (8.875 %) + 7.00 shipping; 19.99 incl. GST 5 % (19.04 + 0.95); freight 15.00.
    expect(view.data.invoice_total).toBe(151.43);
    expect(Number(written.fields.total) / 100).toBe(view.data.invoice_total);
    const lines = written.fields.expense as unknown as Array<Record<string, unknown>>;
    expect(lines).toHaveLength(8);
    expect(written.fields.custbody_ap_approver).toBe('apsync');
    expect(lines[0]).toMatchObject({
      location: demo.locations['Seattle HQ'],
      class: demo.classes.Services,
      cseg_region: demo.segment.values['Pacific Northwest'],
    });
    expect(stack.netsuite.attachedFiles('vendorBill', link.netsuiteId)).toHaveLength(1);

    // A replay writes the bill again but does not store its invoice file a second time.
    await replayBill(bill.uuid, { bills, audit: state });
    await settledState(stack, state, ref(bill.uuid), { count: 3 });
    expect(stack.netsuite.attachedFiles('vendorBill', link.netsuiteId)).toHaveLength(1);
    expect(
      stack.netsuite.store
        .list('vendorBill')
        .filter((b) => String(b.fields.externalId) === billExternalId(bill.uuid)),
    ).toHaveLength(1);

    // Paying the Procurify amount in full closes the NetSuite bill.
    const payment = await netsuite.records.create('vendorPayment', {
      entity: { id: demo.vendors[0] },
      account: { id: demo.bankAccounts[0] },
      apply: { items: [{ doc: { id: link.netsuiteId }, apply: true, amount: view.data.invoice_total }] },
    });
    expect(payment).toMatch(/^\d+$/);
    const [row] = await collect(
      netsuite.suiteQl.query(
        'SELECT BUILTIN.DF(status) AS status FROM transaction WHERE id = ?',
        [link.netsuiteId],
        z.object({ status: z.string() }),
      ),
    );
    expect(row).toMatchObject({ status: 'Bill : Paid In Full' });
  });

  it('a Vendor Bill deleted by hand in NetSuite and sent again carries its invoice file again', async () => {
    const bill = taxedBill('CAS-7002');
    await send(bill.uuid);
    await settledState(stack, state, ref(bill.uuid));
    const first = (await state.findBySource('procurify', 'bill', bill.uuid))!.netsuiteId;
    expect(stack.netsuite.attachedFiles('vendorBill', first)).toHaveLength(1);
    const files = stack.netsuite.store.list('file').length;

    stack.netsuite.userDelete('vendorBill', first);
    await replayBill(bill.uuid, { bills, audit: state });
    const resent = await settledState(stack, state, ref(bill.uuid), { count: 2 });
    expect(resent).toMatchObject({ status: 'synced', attachments: [bill.attachments[0]!.uuid] });
    const second = (await state.findBySource('procurify', 'bill', bill.uuid))!.netsuiteId;
    expect(second).not.toBe(first);
    expect(stack.netsuite.attachedFiles('vendorBill', second)).toHaveLength(1);
    // The file stored the first time is attached again, not stored a second time.
    expect(stack.netsuite.store.list('file')).toHaveLength(files);
  });

  it('parks a bill whose class is not available in its subsidiary, naming the class and the subsidiary', async () => {
    await state.putConfig(
      'bill-sync',
      settings({ class: { byDepartment: {}, defaultId: demo.classes['Canadian Retail']! } }),
    );
    const bill = taxedBill('CAS-7002');
    await send(bill.uuid);
    const parked = await settledState(stack, state, ref(bill.uuid));
    expect(parked?.status).toBe('review');
    expect(parked?.waitingFor).toEqual(['class:Operations', 'class:Engineering']);
    expect(parked?.message).toMatch(/class \d+ is not available in subsidiary/);
    expect(
      stack.netsuite.store
        .list('vendorBill')
        .filter((b) => String(b.fields.externalId) === billExternalId(bill.uuid)),
    ).toHaveLength(0);
  });
});

describe('which bills sync', () => {
  const selection = () => ({ state, bills });

  it('in manual mode writes only a selected bill; an excluded bill is never written until included', async () => {
    await state.putConfig('bill-sync', settings({ mode: 'manual' }));
    const waiting = taxedBill('CAS-7101');
    await send(waiting.uuid);
    const skipped = await settledState(stack, state, ref(waiting.uuid));
    expect(skipped).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining('apsync bills sync'),
    });

    await selectBills([waiting.uuid], selection(), 'ops');
    expect(await settledState(stack, state, ref(waiting.uuid), { count: 2 })).toMatchObject({
      status: 'synced',
      selected: { by: 'ops' },
    });

    await state.putConfig('bill-sync', settings());
    const excluded = taxedBill('CAS-7102');
    await excludeBill(excluded.uuid, 'keyed by hand in NetSuite', selection(), 'ops');
    await send(excluded.uuid);
    expect(await settledState(stack, state, ref(excluded.uuid))).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining('keyed by hand in NetSuite'),
      excluded: { reason: 'keyed by hand in NetSuite', by: 'ops' },
    });
    expect(await listExcludedBills({ state })).toEqual([
      expect.objectContaining({ ref: ref(excluded.uuid) }),
    ]);
    expect(
      stack.netsuite.store
        .list('vendorBill')
        .filter((b) => String(b.fields.externalId) === billExternalId(excluded.uuid)),
    ).toHaveLength(0);

    // Its payment is not pushed either: skipped, naming the exclusion.
    const method = stack.procurify.store.addPaymentMethod({
      name: 'Operating (ACH)',
      type: 2,
      gl_code: '1000',
    });
    const payment = stack.procurify.recordPayment({
      bills: [{ uuid: excluded.uuid, amount: '151.43' }],
      method: method.id,
      payment_date: '2026-11-25',
      status: 'paid',
    });
    await new SqsQueuePublisher<PaymentMessage>(
      new SQSClient(stack.aws.clientConfig('sqs')),
      stack.aws.queueUrls.payment,
    ).send({
      kind: 'payment',
      origin: 'poll',
      paymentId: String(payment.id),
      enqueuedAt: new Date().toISOString(),
    });
    const paymentRef = { system: 'procurify' as const, kind: 'payment' as const, id: String(payment.id) };
    expect(await settledState(stack, state, paymentRef)).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining('pays only bills excluded from the sync'),
    });

    await includeBill(excluded.uuid, selection(), 'ops');
    const included = await settledState(stack, state, ref(excluded.uuid), { count: 2 });
    expect(included).toMatchObject({ status: 'synced' });
    expect(included?.excluded).toBeUndefined();
  });

  it('unlinks a bill both ways without touching either bill', async () => {
    await state.putConfig('bill-sync', settings());
    const bill = taxedBill('CAS-7103');
    await send(bill.uuid);
    await settledState(stack, state, ref(bill.uuid));
    const link = (await state.findBySource('procurify', 'bill', bill.uuid))!;
    await unlinkBill(bill.uuid, selection(), 'ops');
    expect(await state.findBySource('procurify', 'bill', bill.uuid)).toBeUndefined();
    expect(await state.findBySource('netsuite', 'bill', link.netsuiteId)).toBeUndefined();
    expect(stack.netsuite.store.get('vendorBill', link.netsuiteId)).toBeDefined();
    await expect(unlinkBill(bill.uuid, selection())).rejects.toThrow(/is not linked/);
  });
});

describe('initial load of Procurify bills', () => {
  it("matches bills already in NetSuite (keyed by hand, or under an older integration's external ids) before writing, writes the rest, parks two candidates; a second run queues nothing linked", async () => {
    // An older integration wrote Vendor Bills under its own external ids (legacy recognition).
    await state.putConfig(
      'bill-sync',
      settings({ legacy: { externalIdPattern: '^LEGACY-([0-9a-f-]{36})$' } }),
    );
    const procurify = createProcurifyClient({
      baseUrl: stack.procurify.url,
      tokenUrl: stack.procurify.credentials.tokenUrl,
      clientId: stack.procurify.credentials.clientId,
      clientSecret: stack.procurify.credentials.clientSecret,
      audience: stack.procurify.credentials.audience,
    });
    // Keyed by hand in NetSuite before go-live: same vendor, invoice number and total (151.43).
    const keyed = taxedBill('CAS-8001');
    const byHand = await netsuite.records.create('vendorBill', {
      entity: { id: demo.vendors[0] },
      tranId: 'CAS-8001',
      expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount: 151.43 }] },
    });
    // Twice in NetSuite with the same total: an operator must say which.
    const doubled = taxedBill('CAS-8002');
    const twins: string[] = [];
    for (let i = 0; i < 2; i++) {
      twins.push(
        await netsuite.records.create('vendorBill', {
          entity: { id: demo.vendors[0] },
          tranId: 'CAS-8002',
          expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount: 151.43 }] },
        }),
      );
    }
    const fresh = taxedBill('CAS-8003');
    const older = taxedBill('CAS-8004');
    const [byOlderIntegration] = stack.netsuite.seed({
      records: {
        vendorBill: [
          {
            entity: { id: demo.vendors[0] },
            externalId: `LEGACY-${older.uuid}`,
            tranId: 'OLD-8004',
            expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount: 151.43 }] },
          },
        ],
      },
    }).created.vendorBill!;

    const cursor = await backfillBills({ procurify, state, bills }, { since: '2026-01-01' });
    expect(cursor).toMatchObject({ status: 'done', phase: 'recent' });
    expect(cursor.counts.recent.queued).toBeGreaterThanOrEqual(3);

    const matched = await settledState(stack, state, ref(keyed.uuid));
    expect(matched).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining(`Vendor Bill ${byHand}`),
    });
    expect(await state.findBySource('procurify', 'bill', keyed.uuid)).toMatchObject({
      netsuiteId: byHand,
      origin: 'matched',
    });
    const parked = await settledState(stack, state, ref(doubled.uuid));
    expect(parked).toMatchObject({ status: 'review', waitingFor: ['match:CAS-8002'] });
    expect(parked?.message).toContain(twins.join(', '));
    expect(await settledState(stack, state, ref(fresh.uuid))).toMatchObject({ status: 'synced' });
    expect(await settledState(stack, state, ref(older.uuid))).toMatchObject({ status: 'skipped' });
    expect(await state.findBySource('procurify', 'bill', older.uuid)).toMatchObject({
      netsuiteId: byOlderIntegration,
      origin: 'legacy',
    });
    const count = (invoice: string) =>
      stack.netsuite.store.list('vendorBill').filter((bill) => bill.fields.tranId === invoice).length;
    expect([count('CAS-8001'), count('CAS-8002'), count('CAS-8003'), count('CAS-8004')]).toEqual([
      1, 2, 1, 0,
    ]);
    expect(count('OLD-8004')).toBe(1);

    // A second run queues nothing already linked, and a new load after 'done' starts over cleanly.
    const again = await backfillBills({ procurify, state, bills }, { since: '2026-01-01' });
    expect(again.counts.recent.alreadyLinked).toBeGreaterThanOrEqual(3);
    expect(count('CAS-8001')).toBe(1);
    expect(count('CAS-8004')).toBe(0);
  });
});

describe('importing links', () => {
  it('links a pair only when the NetSuite bill has the same vendor and the same total', async () => {
    const procurify = createProcurifyClient({
      baseUrl: stack.procurify.url,
      tokenUrl: stack.procurify.credentials.tokenUrl,
      clientId: stack.procurify.credentials.clientId,
      clientSecret: stack.procurify.credentials.clientSecret,
      audience: stack.procurify.credentials.audience,
    });
    const vendorBill = (vendor: string, amount: number) =>
      netsuite.records.create('vendorBill', {
        entity: { id: vendor },
        expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount }] },
      });
    const right = taxedBill('CAS-9001');
    const wrongTotal = taxedBill('CAS-9002');
    const wrongVendor = taxedBill('CAS-9003');
    const [rightId, wrongTotalId, wrongVendorId] = [
      await vendorBill(demo.vendors[0]!, 151.43),
      await vendorBill(demo.vendors[0]!, 150),
      await vendorBill(demo.vendors[1]!, 151.43),
    ];
    const csv = [
      'procurify_bill_uuid,netsuite_bill_id',
      `${right.uuid},${rightId}`,
      `${wrongTotal.uuid},${wrongTotalId}`,
      `${wrongVendor.uuid},${wrongVendorId}`,
    ].join('\n');
    const result = await importBillLinks(csv, {
      state,
      lookups: createNetSuiteBillLookups(netsuite.suiteQl),
      procurify,
    });
    expect(result.imported).toBe(1);
    expect(result.errors).toEqual([
      {
        line: 3,
        message: `NetSuite bill ${wrongTotalId} totals 150, Procurify bill ${wrongTotal.uuid} 151.43 (lines, tax, shipping and costs)`,
      },
      {
        line: 4,
        message: expect.stringContaining(`NetSuite bill ${wrongVendorId} is of vendor ${demo.vendors[1]}`),
      },
    ]);
    expect(await state.findBySource('procurify', 'bill', right.uuid)).toMatchObject({
      netsuiteId: rightId,
      origin: 'import',
    });
    expect(await state.findBySource('procurify', 'bill', wrongTotal.uuid)).toBeUndefined();
  });
});

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const row of rows) result.push(row);
  return result;
}
