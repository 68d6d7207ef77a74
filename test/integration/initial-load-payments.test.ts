// The initial load's payments on one machine (issue 13 §1), against the NetSuite and Procurify sandboxes
// over HTTP and the local stack's payment-push worker: a company whose bills are already linked and
// whose payments are partly applied in NetSuite already. Push mode: payments NetSuite already shows are
// linked (origin `matched`), the rest listed with what would be written and pushed nothing until
// `push` (--payments) asks; then exactly the missing one is written, once, however often the load runs;
// an interrupted load resumes without counting anything twice; the worker never pushes a matched
// payment. Pull mode: bills paid in full in NetSuite before go-live are listed, marked paid only with
// markPaid (--mark-paid). `apsync status`'s line follows the cursors.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillOutputSchema, statusOutputSchema } from '../../infra/cli/output-schemas.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { DemoSummary } from '../../infra/sandboxes/netsuite/index.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { loadSince } from '../../shared/bills/backfill-bills.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { createNetSuiteClient, type NetSuiteClient } from '../../shared/netsuite/index.ts';
import { changePaymentMode } from '../../shared/payment-mode.ts';
import { backfillPaidBills, paidBillBackfillConfigName } from '../../shared/payments/backfill-paid-bills.ts';
import {
  type BackfillPaymentsDependencies,
  backfillPayments,
  type PaymentBackfillCursor,
  paymentBackfillConfigName,
} from '../../shared/payments/backfill-payments.ts';
import { initialLoadLine, readInitialLoad } from '../../shared/payments/initial-load.ts';
import { createNetSuiteVendorPaymentApplications } from '../../shared/payments/netsuite-payment-applications.ts';
import {
  createNetSuitePaidBillReads,
  createNetSuitePaymentFacts,
} from '../../shared/payments/netsuite-payment-facts.ts';
import { createProcurifyClient, type ProcurifyClient } from '../../shared/procurify/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { type CliFixture, type CliRun, publishForCli } from '../support/cli-in-process.ts';
import { settledState } from '../support/sync-outcome.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let fixture: CliFixture;
let state: DynamoStateStore;
let payments: SqsQueuePublisher<PaymentMessage>;
let netsuite: NetSuiteClient;
let procurify: ProcurifyClient;
let demo: DemoSummary;
let procurifyVendor: number;
let method: number;
let accountCode: number;
let department: number;
let invoice = 0;
const since = loadSince('2026-01-01', new Date());

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  payments = new SqsQueuePublisher(new SQSClient(stack.aws.clientConfig('sqs')), stack.aws.queueUrls.payment);
  demo = stack.netsuite.seedDemo({ vendors: 2, bills: 0, payments: 0 });
  netsuite = createNetSuiteClient({
    baseUrl: stack.netsuite.url,
    ...stack.netsuite.credentials,
    concurrencyShare: 2,
  });
  procurify = createProcurifyClient({
    baseUrl: stack.procurify.url,
    tokenUrl: stack.procurify.credentials.tokenUrl,
    clientId: stack.procurify.credentials.clientId,
    clientSecret: stack.procurify.credentials.clientSecret,
    audience: stack.procurify.credentials.audience,
  });
  const store = stack.procurify.store;
  const location = store.addLocation({ name: 'Head Office', headquarter: true });
  department = store.addDepartment({ name: 'Operations', branch: location.id }).id;
  accountCode = store.addAccountCode({ code: '6100', description: 'Office Supplies' }).id;
  procurifyVendor = store.addVendor({ name: 'Northwind Traders Inc.', currency: 'USD' }).id;
  method = store.addPaymentMethod({ name: 'Operating - Check', type: 1, gl_code: '1000' }).id;
  await state.link({
    kind: 'vendor',
    procurifyId: String(procurifyVendor),
    netsuiteId: demo.vendors[0]!,
    origin: 'created',
  });
  fixture = await publishForCli(stack, 'apsync-initial-load-');
});

afterAll(async () => {
  await fixture?.close();
  await stack?.stop();
});

/** `apsync <argv>` in-process against the published local stack. */
async function cli(argv: readonly string[]): Promise<CliRun> {
  return fixture.cli(argv);
}

/** A Vendor Bill keyed in NetSuite before go-live, its approved Procurify twin, and their link. */
async function loadedBill(amount: number) {
  invoice += 1;
  const [netsuiteId] = stack.netsuite.seed({
    records: {
      vendorBill: [
        {
          entity: { id: demo.vendors[0] },
          tranDate: '2026-02-01',
          tranId: `LOAD-${invoice}`,
          expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount }] },
        },
      ],
    },
  }).created.vendorBill!;
  const bill = stack.procurify.store.createBill({
    vendor: procurifyVendor,
    invoice_number: `LOAD-${invoice}`,
    status: 2,
    items: [{ description: 'Toner', amount: amount.toFixed(2), account_code: accountCode, department }],
  });
  await state.link({ kind: 'bill', procurifyId: bill.uuid, netsuiteId: netsuiteId!, origin: 'matched' });
  return { uuid: bill.uuid, netsuiteId: netsuiteId! };
}

/** A payment made in Procurify before go-live. */
function procurifyPayment(lines: Array<{ uuid: string; amount: number }>): string {
  const payment = stack.procurify.recordPayment({
    bills: lines.map((line) => ({ uuid: line.uuid, amount: line.amount.toFixed(2) })),
    method,
    payment_date: '2026-03-08',
    status: 'paid',
  });
  return String(payment.id);
}

/** The same payment entered in NetSuite by hand (or by an older integration): no apsync external id. */
function payInNetSuite(lines: Array<{ bill: string; amount: number }>): string {
  return stack.netsuite.userCreate(
    'vendorPayment',
    {
      entity: { id: demo.vendors[0] },
      account: { id: demo.bankAccounts[0] },
      tranDate: '2026-03-08',
      apply: { items: lines.map((line) => ({ doc: { id: line.bill }, apply: true, amount: line.amount })) },
    },
    'paybills',
  ).id;
}

const pushedByApsync = (paymentId: string) =>
  stack.netsuite.store
    .list('vendorPayment')
    .filter((record) => String(record.fields.externalId).toLowerCase() === `procurify-pay-${paymentId}`);

const paymentWrites = () =>
  stack.netsuite
    .requestLog()
    .filter((entry) => entry.method !== 'GET' && entry.path.includes('/vendorPayment'));

const suiteQlQueries = () =>
  stack.netsuite.requestLog().filter((entry) => entry.path.endsWith('/query/v1/suiteql')).length;

function deps(overrides: Partial<BackfillPaymentsDependencies> = {}): BackfillPaymentsDependencies {
  return {
    netsuite: {
      facts: createNetSuitePaymentFacts(netsuite),
      applications: createNetSuiteVendorPaymentApplications(netsuite.suiteQl),
    },
    procurify,
    state,
    payments,
    defaultMode: 'push',
    ...overrides,
  };
}

describe('initial load: payments of the loaded bills (push mode)', () => {
  let ids: { single: string; pair: string; missing: string; different: string };
  let missingBill: { uuid: string; netsuiteId: string };

  it('links the payments NetSuite already shows, lists the others with what would be written, and writes nothing', async () => {
    const a = await loadedBill(100);
    const b = await loadedBill(50);
    const c = await loadedBill(70);
    missingBill = await loadedBill(40);
    const e = await loadedBill(30);
    ids = {
      single: procurifyPayment([{ uuid: a.uuid, amount: 100 }]),
      pair: procurifyPayment([
        { uuid: b.uuid, amount: 50 },
        { uuid: c.uuid, amount: 70 },
      ]),
      missing: procurifyPayment([{ uuid: missingBill.uuid, amount: 40 }]),
      different: procurifyPayment([{ uuid: e.uuid, amount: 30 }]),
    };
    const singleInNetSuite = payInNetSuite([{ bill: a.netsuiteId, amount: 100 }]);
    const pairInNetSuite = payInNetSuite([
      { bill: b.netsuiteId, amount: 50 },
      { bill: c.netsuiteId, amount: 70 },
    ]);
    // Part of bill e paid in NetSuite by another amount: not this payment, and the rest is too little.
    payInNetSuite([{ bill: e.netsuiteId, amount: 20 }]);
    const writesBefore = paymentWrites().length;
    const queriesBefore = suiteQlQueries();

    const listed = await backfillPayments(deps(), { since });
    // The applications (the bills' Vendor Payments, then all of theirs), then the two payments not in
    // NetSuite decided together: their bills and Vendor Payments in one query, the GL code's accounts.
    expect(suiteQlQueries() - queriesBefore).toBe(4);
    expect(listed).toMatchObject({
      status: 'done',
      writes: false,
      counts: { read: 4, matched: 2, listed: 1, skipped: 1, created: 0, failed: 0, alreadyLinked: 0 },
      progress: { recent: { processed: 4, total: 4 } },
    });
    expect(listed.listedPayments).toEqual([
      expect.objectContaining({
        paymentId: ids.missing,
        externalId: `procurify-pay-${ids.missing}`,
        netsuiteVendorId: demo.vendors[0],
        amount: '40.00',
        bills: [{ billUuid: missingBill.uuid, netsuiteBillId: missingBill.netsuiteId, amount: '40.00' }],
      }),
    ]);
    expect(listed.problems).toEqual([
      { paymentId: ids.different, reason: expect.stringContaining('Amount above open balance') },
    ]);
    expect(await state.findBySource('procurify', 'payment', ids.single)).toMatchObject({
      netsuiteId: singleInNetSuite,
      origin: 'matched',
    });
    expect(await state.findBySource('procurify', 'payment', ids.pair)).toMatchObject({
      netsuiteId: pairInNetSuite,
      origin: 'matched',
    });
    expect(await state.getState({ system: 'procurify', kind: 'payment', id: ids.pair })).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining(`Vendor Payment ${pairInNetSuite}`),
    });
    expect(await state.findBySource('procurify', 'payment', ids.missing)).toBeUndefined();
    expect(paymentWrites()).toHaveLength(writesBefore);
    expect(initialLoadLine(await readInitialLoad(state))).toMatch(/^initial load: done at \d{4}-/);
  });

  it('with push writes exactly the missing payment, once; running it again writes nothing', async () => {
    const pushed = await backfillPayments(deps(), { since, push: true });
    expect(pushed.counts).toMatchObject({ alreadyLinked: 2, matched: 0, created: 1, skipped: 1, failed: 0 });
    expect(pushedByApsync(ids.missing)).toHaveLength(1);
    const vendorPayment = pushedByApsync(ids.missing)[0]!;
    expect(await state.findBySource('procurify', 'payment', ids.missing)).toMatchObject({
      netsuiteId: vendorPayment.id,
      origin: 'created',
    });
    for (const id of [ids.single, ids.pair, ids.different]) expect(pushedByApsync(id)).toHaveLength(0);

    const writes = paymentWrites().length;
    const again = await backfillPayments(deps(), { since, push: true });
    expect(again.counts).toMatchObject({ alreadyLinked: 3, created: 0, matched: 0, skipped: 1 });
    expect(paymentWrites()).toHaveLength(writes);
    expect(pushedByApsync(ids.missing)).toHaveLength(1);
  });

  it('the payment-push worker never writes a payment linked at the initial load', async () => {
    const ref = { system: 'procurify', kind: 'payment', id: ids.single } as const;
    const before = (await state.read(ref)).length;
    await payments.send({
      kind: 'payment',
      origin: 'resync',
      paymentId: ids.single,
      enqueuedAt: new Date().toISOString(),
    });
    await settledState(stack, state, ref, { after: before });
    const trail = (await state.read(ref)).slice(before);
    expect(trail.at(-1)).toMatchObject({
      step: 'skipped',
      message: expect.stringContaining('linked: matched'),
    });
    expect(pushedByApsync(ids.single)).toHaveLength(0);
  });

  it('resumes an interrupted load after the last batch it finished, counting nothing twice', async () => {
    // A window that holds only the three payments made below, one per batch.
    const resumeSince = new Date().toISOString();
    const bills = [await loadedBill(11), await loadedBill(12), await loadedBill(13)];
    const fresh = bills.map((bill, index) => procurifyPayment([{ uuid: bill.uuid, amount: 11 + index }]));
    payInNetSuite([{ bill: bills[0]!.netsuiteId, amount: 11 }]);
    let reads = 0;
    const failing: ProcurifyClient = Object.create(procurify);
    failing.getPaymentApplications = async (payment) => {
      reads += 1;
      if (String(payment.id) === fresh[2]) throw new Error('connection reset');
      return procurify.getPaymentApplications(payment);
    };
    await expect(
      backfillPayments(deps({ procurify: failing }), { since: resumeSince, batchSize: 1 }),
    ).rejects.toThrow('connection reset');
    const stopped = (await state.getConfig<PaymentBackfillCursor>(paymentBackfillConfigName))!;
    expect(stopped).toMatchObject({
      status: 'running',
      progress: { recent: { processed: 2, total: 3 } },
      counts: { matched: 1, listed: 1 },
    });
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      'initial load: running (payments (recent), 2 of 3)',
    );
    expect(reads).toBe(3);

    const resumed = await backfillPayments(deps(), { since: resumeSince, batchSize: 1 });
    expect(resumed).toMatchObject({
      status: 'done',
      progress: { recent: { processed: 3, total: 3 } },
      counts: { read: 3, matched: 1, listed: 2, alreadyLinked: 0 },
    });
    expect(resumed.listedPayments.map((entry) => entry.paymentId)).toEqual([fresh[1], fresh[2]]);
  });

  it('finds the payment of a loaded bill however long before the window the payment itself was updated', async () => {
    const bill = await loadedBill(19);
    const paymentId = procurifyPayment([{ uuid: bill.uuid, amount: 19 }]);
    // The window opens after the payment's last update; the bill is modified inside it (a note).
    const windowStart = new Date(Math.ceil(stack.procurify.store.clock.tick() / 1000) + 1).toISOString();
    await waitFor(() => Date.now() > Date.parse(windowStart) || undefined, 'the clock past the window start');
    stack.procurify.store.editBill(bill.uuid, { note: 'checked at go-live' });
    for await (const payment of procurify.listPayments({ ids: [Number(paymentId)] })) {
      expect(payment.updatedAt < windowStart).toBe(true);
    }

    const loaded = await backfillPayments(deps(), { since: windowStart });
    expect(loaded.counts).toMatchObject({ read: 1, listed: 1 });
    expect(loaded.listedPayments.map((entry) => entry.paymentId)).toEqual([paymentId]);
    // Once, however many of its bills the window holds, and again once with the history phase.
    const history = await backfillPayments(deps(), { since: windowStart, history: true });
    expect(history.listedPayments.filter((entry) => entry.paymentId === paymentId)).toHaveLength(1);
  });

  it('counts a push the worker could not complete as failed, with why; the next run finds it pushed', async () => {
    const loadSince2 = new Date().toISOString();
    const bill = await loadedBill(17);
    const paymentId = procurifyPayment([{ uuid: bill.uuid, amount: 17 }]);
    stack.netsuite.faults.set('PUT /services/rest/record/v1/vendorPayment', { rate500: 1 });
    let failed: PaymentBackfillCursor;
    try {
      failed = await backfillPayments(deps(), { since: loadSince2, push: true });
    } finally {
      stack.netsuite.faults.clear();
    }
    expect(failed.counts).toMatchObject({ read: 1, created: 0, failed: 1 });
    expect(failed.problems).toEqual([{ paymentId, reason: expect.stringMatching(/^failed: /) }]);
    // The worker retries the message once NetSuite answers again.
    await waitFor(
      () => state.findBySource('procurify', 'payment', paymentId),
      `the link of payment ${paymentId}`,
    );
    const again = await backfillPayments(deps(), { since: loadSince2, push: true });
    expect(again.counts).toMatchObject({ read: 1, alreadyLinked: 1, created: 0, failed: 0 });
    expect(pushedByApsync(paymentId)).toHaveLength(1);
  });

  it('refuses --mark-paid in push mode', async () => {
    await expect(
      backfillPaidBills(
        { paidBills: createNetSuitePaidBillReads(netsuite.suiteQl), procurify, state, defaultMode: 'push' },
        { since, markPaid: true },
      ),
    ).rejects.toThrow(/--mark-paid is for pull mode/);
  });
});

describe('apsync backfill --bills, --payments (push mode)', () => {
  it('links and lists without --payments, pushes only with it, and apsync status says when it was done', async () => {
    const cliSince = new Date().toISOString();
    const matched = await loadedBill(21);
    const missing = await loadedBill(22);
    const matchedPayment = procurifyPayment([{ uuid: matched.uuid, amount: 21 }]);
    const missingPayment = procurifyPayment([{ uuid: missing.uuid, amount: 22 }]);
    const inNetSuite = payInNetSuite([{ bill: matched.netsuiteId, amount: 21 }]);

    const text = await cli(['backfill', '--bills', '--since', cliSince]);
    expect(text.code, text.err).toBe(0);
    // Without a terminal each phase's end is a line with its counts: the bills read of the window's count.
    expect(text.err).toContain('bill (recent): 2 of 2 (queued 0, already linked 2, not approved 0)\n');
    expect(text.err).toMatch(
      /payments \(recent\): 2 of 2 \(matched 1, listed 1, skipped 0, already linked 0\)/,
    );
    expect(text.out).toContain(
      '1 already in NetSuite (linked, not pushed), 1 not in NetSuite (listed below, not pushed)',
    );
    expect(text.out).toContain(`procurify-pay-${missingPayment}`);
    expect(text.out).toContain('run the same command with --payments');
    expect(await state.findBySource('procurify', 'payment', matchedPayment)).toMatchObject({
      netsuiteId: inNetSuite,
      origin: 'matched',
    });
    expect(pushedByApsync(missingPayment)).toHaveLength(0);

    const run = await cli(['backfill', '--bills', '--payments', '--since', cliSince, '--json']);
    expect(run.code, run.out).toBe(0);
    const output = backfillOutputSchema.parse(JSON.parse(run.out));
    expect(output.payments).toMatchObject({
      pushed: true,
      counts: { read: 2, alreadyLinked: 1, matched: 0, created: 1, failed: 0 },
    });
    expect(pushedByApsync(missingPayment)).toHaveLength(1);
    expect(pushedByApsync(matchedPayment)).toHaveLength(0);

    const status = await cli(['status', '--json']);
    const initialLoad = statusOutputSchema.parse(JSON.parse(status.out)).initialLoad;
    expect(initialLoad).toMatchObject({ state: 'done', phase: 'payments (recent)' });
    expect(initialLoad.line).toMatch(/^initial load: done at \d{4}-\d{2}-\d{2}T/);
    expect((await cli(['status'])).out).toContain(initialLoad.line);

    const both = await cli(['backfill', '--payments', '--mark-paid']);
    expect(both.code).toBe(2);
    expect(both.out + both.err).toContain('do not go together');
  });
});

describe('initial load: bills paid in NetSuite before go-live (pull mode)', () => {
  it('lists them without --mark-paid and marks them paid only when asked', async () => {
    await changePaymentMode(state, 'pull', 'test');
    const markSince = new Date().toISOString();
    const paid = await loadedBill(80);
    const partly = await loadedBill(90);
    const open = await loadedBill(60);
    payInNetSuite([{ bill: paid.netsuiteId, amount: 80 }]);
    payInNetSuite([{ bill: partly.netsuiteId, amount: 30 }]);
    const pullDeps = {
      paidBills: createNetSuitePaidBillReads(netsuite.suiteQl),
      procurify,
      state,
      defaultMode: 'push' as const,
    };

    const listed = await backfillPaidBills(pullDeps, { since: markSince });
    expect(listed).toMatchObject({
      status: 'done',
      writes: false,
      counts: { read: 3, paidInNetSuite: 1, listed: 1, marked: 0, partial: 1, open: 1 },
      listedBills: [{ billUuid: paid.uuid, netsuiteBillId: paid.netsuiteId, paymentDate: '2026-03-08' }],
    });
    expect(stack.procurify.store.bills.get(paid.uuid)).toMatchObject({ status: 2 });

    const marked = await backfillPaidBills(pullDeps, { since: markSince, markPaid: true });
    expect(marked.counts).toMatchObject({ paidInNetSuite: 1, marked: 1, listed: 0, failed: 0 });
    expect(stack.procurify.store.bills.get(paid.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-08' });
    expect(stack.procurify.store.bills.get(partly.uuid)).toMatchObject({ status: 2 });
    expect(stack.procurify.store.bills.get(open.uuid)).toMatchObject({ status: 2 });
    const trail = await state.read({ system: 'procurify', kind: 'bill', id: paid.uuid });
    expect(trail.at(-1)).toMatchObject({ step: 'written', message: expect.stringContaining('--mark-paid') });
    expect((await state.getConfig(paidBillBackfillConfigName)) as object).toMatchObject({ status: 'done' });

    // The payments phase is for push mode.
    await expect(backfillPayments(deps(), { since: markSince })).rejects.toThrow(
      /--payments is for push mode/,
    );
  });

  it('apsync backfill --bills lists them (count and ids) and --mark-paid marks them', async () => {
    const cliSince = new Date().toISOString();
    const paid = await loadedBill(33);
    payInNetSuite([{ bill: paid.netsuiteId, amount: 33 }]);
    const listed = await cli(['backfill', '--bills', '--since', cliSince]);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toContain('1 paid in full in NetSuite, 1 listed below (not marked)');
    expect(listed.out).toContain(paid.uuid);
    expect(stack.procurify.store.bills.get(paid.uuid)).toMatchObject({ status: 2 });

    const run = await cli(['backfill', '--bills', '--mark-paid', '--since', cliSince, '--json']);
    expect(run.code, run.out).toBe(0);
    expect(backfillOutputSchema.parse(JSON.parse(run.out)).paidBills).toMatchObject({
      marked: true,
      counts: { paidInNetSuite: 1, marked: 1, listed: 0 },
    });
    expect(stack.procurify.store.bills.get(paid.uuid)).toMatchObject({ status: 4, paidDate: '2026-03-08' });

    const refused = await cli(['backfill', '--payments']);
    expect(refused.code).toBe(1);
    expect(refused.out + refused.err).toContain('--payments is for push mode');
  });
});
