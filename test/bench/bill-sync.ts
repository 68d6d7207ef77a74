// Benchmark (not a test) for issue 11: bill sync throughput with realistic AP bills through the
// bill-sync worker at the account's NetSuite concurrency limit. Run:
//   node test/bench/bill-sync.ts [--bills 300] [--limit 5] [--latency 200] [--instances 5]
//     [--invocations N] [--procurify-latency 0]   (npm run bench:bills -- --bills 60)
// Local stack, NetSuite demo company (seedDemo) with the bill-sync settings set through
// changeBillSettings as `apsync bills config set` does (tax as lines to the GST/HST and PST accounts,
// shipping to Freight In, bill-level costs coded, locations by Procurify location, a default class, the
// "Procurify Invoices" folder). Every bill has five lines (quantity × unit cost and billed by cost,
// exclusive and inclusive tax at several rates, one untaxed line, per-line shipping, a line split over
// two departments), Net 30 terms and one invoice PDF made in code; all are sent to the bill queue at
// once. The NetSuite sandbox answers every call (REST, SuiteQL, RESTlet, token) after L ms, at most C at
// a time; the worker runs C instances × 1 permit (a batch's bills side by side, billsInParallel at a time).
// Prints bills/s against the ceiling C / (L × NetSuite requests per bill), NetSuite requests per bill by
// kind (SuiteQL by query, record writes, RESTlet), Procurify requests per bill, 429s, and verifies every
// bill: one Vendor Bill whose total is Procurify's invoice_total to the cent, its invoice file stored and
// attached exactly once (same SHA-1). Any check failing makes the script exit 1.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { billsInParallel } from '../../functions/bill-sync-worker/handler.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { type DemoSummary, RESTLET_PATH } from '../../infra/sandboxes/netsuite/index.ts';
import { SuiteqlEngine } from '../../infra/sandboxes/netsuite/suiteql.ts';
import { invoicePdfBase64 } from '../../infra/sandboxes/procurify/invoice-pdf.ts';
import type { BillRecord } from '../../infra/sandboxes/procurify/model.ts';
import { billDetailView } from '../../infra/sandboxes/procurify/views.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { billExternalId } from '../../shared/bills/bill-plan.ts';
import type { BillSyncSettingsInput } from '../../shared/bills/bill-sync-settings.ts';
import { changeBillSettings } from '../../shared/bills/change-bill-settings.ts';
import { createNetSuiteBillLookups } from '../../shared/bills/netsuite-bill-lookups.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import { functionRegistry } from '../../shared/function-registry.ts';
import { createNetSuiteClient } from '../../shared/netsuite/index.ts';
import { logger } from '../../shared/observability.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

const { values } = parseArgs({
  options: {
    bills: { type: 'string', default: '300' },
    limit: { type: 'string', default: '5' },
    latency: { type: 'string', default: '200' },
    instances: { type: 'string' },
    invocations: { type: 'string' },
    'procurify-latency': { type: 'string', default: '0' },
    vendors: { type: 'string', default: '12' },
    seed: { type: 'string', default: '11' },
  },
});
const billCount = Number(values.bills);
const limit = Number(values.limit);
const latencyMs = Number(values.latency);
// Mirrors the CDK: each worker instance holds one NetSuite permit, so N instances × 1 permit = C.
const instances = Number(values.instances ?? values.limit);
const invocations = Number(values.invocations ?? instances);
const procurifyLatencyMs = Number(values['procurify-latency']);
const vendorCount = Number(values.vendors);
const requestCeiling = limit / (latencyMs / 1000);
const tokenPath = '/services/rest/auth/oauth2/v1/token';
const suiteQlPath = '/services/rest/query/v1/suiteql';
const recordPath = '/services/rest/record/v1/';
const linesPerBill = 5;

/** Deterministic amounts (mulberry32): the same seed gives the same workload. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

// SuiteQL by query: the sandbox runs in this process, so its engine is wrapped to count each query's
// shape (table and conditions, placeholders folded). Instrumentation of the sandbox only.
const suiteQlShapes = new Map<string, number>();
const execute = SuiteqlEngine.prototype.execute;
SuiteqlEngine.prototype.execute = function (this: SuiteqlEngine, query: string, params: unknown[]) {
  const shape = query
    .replace(/\s+/g, ' ')
    .replace(/^SELECT .*? FROM /i, 'FROM ')
    .replace(/\(\?(?:, \?)*\)/g, '(?…)')
    .trim();
  suiteQlShapes.set(shape, (suiteQlShapes.get(shape) ?? 0) + 1);
  return execute.call(this, query, params);
};

// DynamoDB calls of the workers (the `rest` of a bill's time), by operation: counted at the emulator's
// endpoint (the workers run in their own threads, each with its own clients), less this script's own
// (its client's sends, through the smithy Client.prototype.send, wrapped here), while measuring.
const dynamoCalls = new Map<string, number>();
let countDynamo = false;
let ownDynamoConfig: unknown;
type Sendable = { config?: { serviceId?: string }; send: (command: object, ...rest: unknown[]) => unknown };
const clientPrototype = Object.getPrototypeOf(DynamoDBClient.prototype) as Sendable;
const send = clientPrototype.send;
clientPrototype.send = function (this: Sendable, command: object, ...rest: unknown[]) {
  if (countDynamo && this.config !== undefined && this.config === ownDynamoConfig) {
    const operation = command.constructor.name.replace(/Command$/, '');
    dynamoCalls.set(operation, (dynamoCalls.get(operation) ?? 0) - 1);
  }
  return send.call(this, command, ...rest);
};

interface SeededBill {
  uuid: string;
  invoice: string;
  attachment: { uuid: string; sha1: string };
}

interface Company {
  demo: DemoSummary;
  bills: SeededBill[];
}

/** The NetSuite demo company, its Procurify side (linked as the master-data sync leaves it), and the bills. */
async function seedWorkload(stack: LocalStack, state: DynamoStateStore): Promise<Company> {
  const random = seededRandom(Number(values.seed));
  // Demo vendors: every eighth is Canadian and every nineteenth inactive; the bills are in US dollars in
  // the US subsidiary, whose locations Seattle HQ and Portland Warehouse are.
  const demo = stack.netsuite.seedDemo({ vendors: vendorCount * 2, bills: 0, payments: 0 });
  const netsuiteVendors = demo.vendors
    .filter((_, index) => index % 8 !== 7 && index % 19 !== 18)
    .slice(0, vendorCount);
  const netsuiteDepartment = (name: string) => {
    const id = demo.departments.find((candidate) => {
      return stack.netsuite.store.get('department', candidate)?.fields.name === name;
    });
    if (id === undefined) throw new Error(`the demo company has no department ${name}`);
    return id;
  };
  const store = stack.procurify.store;
  const seattle = store.addLocation({ name: 'Seattle', headquarter: true, currency: 'USD' });
  const portland = store.addLocation({ name: 'Portland', currency: 'USD' });
  const departments = {
    Operations: store.addDepartment({ name: 'Operations', branch: seattle.id }).id,
    Engineering: store.addDepartment({ name: 'Engineering', branch: portland.id }).id,
    Finance: store.addDepartment({ name: 'Finance', branch: seattle.id }).id,
  };
  const codes: Record<string, number> = {};
  for (const code of ['6100', '6110', '6120', '6200', '6500'])
    codes[code] = store.addAccountCode({ code, description: code }).id;
  const procurifyVendors = netsuiteVendors.map(
    (_, index) => store.addVendor({ name: `Bench Supplier ${index}`, currency: 'USD' }).id,
  );
  const links = [
    ...netsuiteVendors.map((netsuiteId, index) => ({
      kind: 'vendor' as const,
      procurifyId: String(procurifyVendors[index]),
      netsuiteId,
    })),
    ...Object.entries(departments).map(([name, procurifyId]) => ({
      kind: 'department' as const,
      procurifyId: String(procurifyId),
      netsuiteId: netsuiteDepartment(name),
    })),
  ];
  await inParallel(links, 8, (link) => state.link({ ...link, origin: 'created' }));

  const money = (min: number, max: number) =>
    ((min * 100 + Math.floor(random() * (max - min) * 100)) / 100).toFixed(2);
  const bills = Array.from({ length: billCount }, (_, index) => {
    const invoice = `BB-${String(index + 1).padStart(5, '0')}`;
    const vendor = procurifyVendors[index % procurifyVendors.length]!;
    const bill: BillRecord = stack.procurify.createBill({
      vendor,
      invoice_number: invoice,
      invoice_date: '2026-11-20',
      due_date: '2026-12-20',
      payment_terms: 'Net 30',
      status: 2,
      items: [
        {
          description: 'Copy paper, case',
          quantity: String(1 + Math.floor(random() * 9)),
          unit_cost: money(8, 60),
          tax_name: 'WA Sales Tax',
          tax_percentage: '8.875',
          shipping_amount: money(3, 15),
          account_code: codes['6100']!,
          department: departments.Operations,
        },
        {
          description: 'Design software seat',
          amount: money(10, 400),
          bill_by_cost: true,
          tax_name: 'GST',
          tax_percentage: '5',
          tax_is_inclusive: true,
          account_code: codes['6110']!,
          department: departments.Engineering,
        },
        {
          description: 'Site visit travel',
          amount: money(80, 900),
          bill_by_cost: true,
          tax_name: 'GST',
          tax_percentage: '13',
          tax_is_inclusive: true,
          cost_allocations: [
            { account_code: codes['6120']!, department: departments.Engineering, amount: '50.00' },
            { account_code: codes['6120']!, department: departments.Operations },
          ],
        },
        {
          description: 'Audit support, hours',
          quantity: String(2 + Math.floor(random() * 20)),
          unit_cost: money(90, 180),
          account_code: codes['6200']!,
          department: departments.Finance,
        },
        {
          description: 'Trade show banners',
          quantity: String(1 + Math.floor(random() * 4)),
          unit_cost: money(20, 250),
          tax_name: 'WA Sales Tax',
          tax_percentage: '10.25',
          shipping_amount: money(5, 40),
          account_code: codes['6500']!,
          department: departments.Operations,
        },
      ],
      invoice_attachments: [
        {
          name: `${invoice}.pdf`,
          content: invoicePdfBase64([
            `Invoice ${invoice}`,
            `Bench Supplier ${index % procurifyVendors.length}`,
          ]),
        },
      ],
    });
    const attachment = bill.attachments[0]!;
    return { uuid: bill.uuid, invoice, attachment: { uuid: attachment.uuid, sha1: attachment.sha1 } };
  });
  return { demo, bills };
}

function settings(demo: DemoSummary): BillSyncSettingsInput {
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
    attachments: { folderId: demo.attachmentFolder },
  };
}

/** The bill-sync settings as `apsync bills config set` stores them: checked against NetSuite first. */
async function configure(stack: LocalStack, state: DynamoStateStore, demo: DemoSummary) {
  const netsuite = createNetSuiteClient({
    baseUrl: stack.netsuite.url,
    ...stack.netsuite.credentials,
    concurrencyShare: 1,
    restlets: { baseUrl: stack.netsuite.url },
  });
  const bills = new SqsQueuePublisher<BillMessage>(
    new SQSClient(stack.aws.clientConfig('sqs')),
    stack.aws.queueUrls.bill,
  );
  return changeBillSettings(settings(demo), {
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
}

type NetSuiteKind = 'token' | 'suiteql' | 'record write' | 'record read' | 'restlet' | 'other';
function netsuiteKind(entry: { method: string; path: string }): NetSuiteKind {
  if (entry.path === tokenPath) return 'token';
  if (entry.path === suiteQlPath) return 'suiteql';
  if (entry.path === RESTLET_PATH) return 'restlet';
  if (entry.path.startsWith(recordPath)) return entry.method === 'GET' ? 'record read' : 'record write';
  return 'other';
}

/** `PUT /services/rest/record/v1/vendorBill/eid:{id}` and the like: ids out of the paths. */
const requestKind = (entry: { method: string; path: string }) =>
  `${entry.method} ${entry.path
    .replace(/eid:[^/]+/g, 'eid:{id}')
    .replace(/\/\d+(?=\/|$)/g, '/{id}')
    .replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}(?=\/|$)/gi, '/{uuid}')}`;

function requestTable(
  entries: ReadonlyArray<{ kind: string; status: number; durationMs: number }>,
  bills: number,
): string[] {
  const kinds = new Map<string, { count: number; ms: number; statuses: Map<number, number> }>();
  for (const entry of entries) {
    const row = kinds.get(entry.kind) ?? { count: 0, ms: 0, statuses: new Map() };
    row.count++;
    row.ms += entry.durationMs;
    row.statuses.set(entry.status, (row.statuses.get(entry.status) ?? 0) + 1);
    kinds.set(entry.kind, row);
  }
  return [...kinds]
    .sort((a, b) => b[1].count - a[1].count)
    .map(
      ([kind, row]) =>
        `    ${kind.padEnd(62)} ${String(row.count).padStart(6)}  ${(row.count / bills).toFixed(2).padStart(5)}/bill  ` +
        `mean ${(row.ms / row.count).toFixed(0).padStart(4)} ms  status ${[...row.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
    );
}

// A log line per bill would cost this process (workers and emulators share it) more than Lambda pays.
logger.setLogLevel('WARN');
const stack = await startLocalStack({
  awsObserver: {
    onCall: ({ service, operation }) => {
      if (countDynamo && service === 'dynamodb')
        dynamoCalls.set(operation, (dynamoCalls.get(operation) ?? 0) + 1);
    },
  },
  netsuite: { concurrencyLimit: limit },
  // Local mode gives each worker instance (a thread with its own client) one NetSuite permit, as the CDK
  // gives each Lambda instance (infra/local/stack.ts, infra/cdk/netsuite-concurrency.ts): the N concurrent
  // invocations (workerConcurrency) together hold N permits, one each at most in flight.
  settings: { netsuiteConcurrencyShare: String(instances), retryBaseSeconds: '1' },
  workerConcurrency: invocations,
  onWorkerError: (error) => console.error('worker error:', error),
});
let failed = false;
try {
  const dynamo = new DynamoDBClient(stack.aws.clientConfig('dynamodb'));
  // The bench's own reads (polling the counts, verifying) are not the workers'.
  ownDynamoConfig = dynamo.config;
  const state = new DynamoStateStore(dynamo, stack.aws.names.tables.state);
  const queue = new SqsQueuePublisher<BillMessage>(
    new SQSClient(stack.aws.clientConfig('sqs')),
    stack.aws.queueUrls.bill,
  );

  const seedStart = performance.now();
  const { demo, bills } = await seedWorkload(stack, state);
  const configured = await configure(stack, state, demo);
  const seedMs = performance.now() - seedStart;
  const filesBefore = stack.netsuite.store.list('file').length;

  // L on every NetSuite call: REST records, SuiteQL, the attachment RESTlet and the token.
  stack.netsuite.faults.set('*', { latency: { baseMs: latencyMs } });
  if (procurifyLatencyMs > 0) stack.procurify.faults.set('/api', { latency: { baseMs: procurifyLatencyMs } });
  stack.netsuite.resetStats();
  stack.netsuite.clearRequestLog();
  stack.procurify.clearRequestLog();
  suiteQlShapes.clear();
  countDynamo = true;
  const source = stack.eventSources['bill-sync-worker']!;
  const workerBefore = source.stats();

  const messages: BillMessage[] = bills.map((bill) => ({
    kind: 'bill',
    origin: 'poll',
    billUuid: bill.uuid,
    enqueuedAt: new Date().toISOString(),
  }));
  const startedAt = Date.now();
  await queue.sendAll(messages);
  const enqueuedMs = Date.now() - startedAt;

  // Expect about 12 NetSuite requests per bill at the ceiling; give three times that, plus a minute.
  const deadline = startedAt + ((billCount * 12) / requestCeiling) * 3000 + 60_000;
  let lastReport = startedAt;
  let counts = { synced: 0, failed: 0, review: 0 };
  let files = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [synced, failedCount, review] = await Promise.all([
      state.countByStatus('bill', 'synced'),
      state.countByStatus('bill', 'failed'),
      state.countByStatus('bill', 'review'),
    ]);
    counts = { synced, failed: failedCount, review };
    files = stack.netsuite.store.list('file').length - filesBefore;
    // A bill is `synced` before its file is stored: done when every file is in and no invocation runs.
    const settled = synced + failedCount + review >= billCount && files >= synced;
    if ((settled && source.stats().inFlight === 0) || Date.now() > deadline) break;
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      console.error(
        `  … ${synced}/${billCount} synced, ${files} files after ${seconds(Date.now() - startedAt)}`,
      );
    }
  }
  countDynamo = false;
  const lastSynced = await state.latestStateUpdate('bill', 'synced');
  const wallMs = (lastSynced === undefined ? Date.now() : Date.parse(lastSynced)) - startedAt;
  const worker = source.stats();
  const batches = worker.invocations - workerBefore.invocations;
  const records = worker.records - workerBefore.records;

  // NetSuite: every request of the run (token included, as governance counts it).
  const netsuiteStats = stack.netsuite.stats();
  const log = stack.netsuite.requestLog();
  const byKind: Record<NetSuiteKind, number> = {
    token: 0,
    suiteql: 0,
    'record write': 0,
    'record read': 0,
    restlet: 0,
    other: 0,
  };
  for (const entry of log) byKind[netsuiteKind(entry)]++;
  const netsuite429 = log.filter((entry) => entry.status === 429).length;
  const admitted = log.filter((entry) => entry.rejectedBy === undefined);
  const busyMs = admitted.reduce((sum, entry) => sum + entry.durationMs, 0);
  const perBill = log.length / billCount;
  const netsuiteRate = log.length / (wallMs / 1000);
  const procurifyLog = stack.procurify.requestLog();
  const procurifyBusyMs = procurifyLog.reduce((sum, entry) => sum + entry.durationMs, 0);
  const procurify429 = procurifyLog.filter((entry) => entry.status === 429).length;

  // Every bill: one Vendor Bill, its total Procurify's invoice_total, its file stored and attached once.
  const byExternalId = new Map<string, number>();
  for (const record of stack.netsuite.store.list('vendorBill')) {
    const externalId = String(record.fields.externalId ?? '').toLowerCase();
    byExternalId.set(externalId, (byExternalId.get(externalId) ?? 0) + 1);
  }
  const problems: string[] = [];
  let totalsEqual = 0;
  let attachedOnce = 0;
  let expenseLines = 0;
  let invoiceCents = 0;
  await inParallel(bills, 8, async (bill) => {
    const copies = byExternalId.get(billExternalId(bill.uuid).toLowerCase()) ?? 0;
    const link = await state.findBySource('procurify', 'bill', bill.uuid.toLowerCase());
    if (link === undefined || copies !== 1) {
      problems.push(`${bill.invoice}: ${copies} Vendor Bills, ${link === undefined ? 'no link' : 'linked'}`);
      return;
    }
    const view = billDetailView(
      stack.procurify.store,
      stack.procurify.store.bill(bill.uuid),
      stack.procurify.url,
    ) as { invoice_total: number };
    const rendered = stack.netsuite.record('vendorBill', link.netsuiteId) as
      | { total: number; expense?: { items?: unknown[] } }
      | undefined;
    const expected = Math.round(view.invoice_total * 100);
    const written = rendered === undefined ? Number.NaN : Math.round(rendered.total * 100);
    invoiceCents += expected;
    expenseLines += rendered?.expense?.items?.length ?? 0;
    if (written === expected) totalsEqual++;
    else
      problems.push(
        `${bill.invoice}: Vendor Bill total ${written / 100} ≠ invoice_total ${view.invoice_total}`,
      );
    const attached = stack.netsuite.attachedFiles('vendorBill', link.netsuiteId);
    const current = await state.getState({ system: 'procurify', kind: 'bill', id: bill.uuid.toLowerCase() });
    if (
      attached.length === 1 &&
      attached[0]!.sha1 === bill.attachment.sha1 &&
      attached[0]!.folder === demo.attachmentFolder &&
      current?.attachments?.length === 1 &&
      current.attachments[0] === bill.attachment.uuid
    ) {
      attachedOnce++;
    } else {
      problems.push(
        `${bill.invoice}: ${attached.length} attached file(s), state lists ${current?.attachments?.length ?? 0}`,
      );
    }
  });
  const restletPerFile = byKind.restlet / Math.max(1, files);
  const verified =
    counts.synced === billCount &&
    totalsEqual === billCount &&
    attachedOnce === billCount &&
    files === billCount &&
    byKind.restlet === billCount &&
    netsuite429 === 0 &&
    problems.length === 0;

  const billsPerSecond = billCount / (wallMs / 1000);
  const ceilingBillsPerSecond = limit / ((latencyMs / 1000) * perBill);
  const ratio = billsPerSecond / ceilingBillsPerSecond;
  const cycleMs = (invocations * wallMs) / billCount;
  const netsuitePerBillMs = busyMs / billCount;
  const procurifyPerBillMs = procurifyBusyMs / billCount;
  const shapes = [...suiteQlShapes].sort((a, b) => b[1] - a[1]);

  console.log(
    `\nbill sync: ${billCount} bills (${linesPerBill} lines, exclusive and inclusive tax, shipping, Net 30, one PDF each), ` +
      `NetSuite limit C=${limit}, latency L=${latencyMs} ms${procurifyLatencyMs > 0 ? `, Procurify ${procurifyLatencyMs} ms` : ''}`,
  );
  console.log(
    `  worker: ${instances} instances × 1 NetSuite permit (local: workerConcurrency ${invocations}, share ${instances}), ` +
      `batch ${functionRegistry.find((d) => d.name === 'bill-sync-worker')?.batch?.size ?? '?'}, ${billsInParallel} of a batch's bills at a time`,
  );
  console.log(
    `  seeding + settings ${seconds(seedMs)} (settings checked against NetSuite, ${configured.resent} parked bills re-sent), ` +
      `enqueue (sendAll) ${seconds(enqueuedMs)}`,
  );
  console.log(
    `  outcome           synced ${counts.synced}, failed ${counts.failed}, review ${counts.review}; ` +
      `${(expenseLines / billCount).toFixed(2)} expense lines per Vendor Bill, ${(invoiceCents / 100).toFixed(2)} USD in all`,
  );
  console.log(`  wall              ${seconds(wallMs)} (enqueue start → last bill's final state)`);
  console.log(
    `  bills/s           ${billsPerSecond.toFixed(3)} against the ceiling C / (L × ${perBill.toFixed(2)} req/bill) = ` +
      `${ceilingBillsPerSecond.toFixed(3)}: ${pct(ratio)}`,
  );
  console.log(
    `  NetSuite requests ${log.length} = ${perBill.toFixed(2)} per bill: SuiteQL ${(byKind.suiteql / billCount).toFixed(2)}, ` +
      `record writes ${(byKind['record write'] / billCount).toFixed(2)}, record reads ${(byKind['record read'] / billCount).toFixed(2)}, ` +
      `RESTlet ${(byKind.restlet / billCount).toFixed(2)}, token ${byKind.token}${byKind.other > 0 ? `, other ${byKind.other}` : ''}`,
  );
  console.log(
    `  request rate      ${netsuiteRate.toFixed(1)} req/s of C/L = ${requestCeiling.toFixed(1)} req/s; max in flight ` +
      `${netsuiteStats.maxInFlight}/${limit}`,
  );
  console.log(
    `  429s              NetSuite ${netsuite429} (governance ${netsuiteStats.governance429}; must be 0), Procurify ${procurify429}`,
  );
  console.log(
    `  verified          ${totalsEqual}/${billCount} Vendor Bill totals = Procurify invoice_total; ` +
      `${attachedOnce}/${billCount} invoice PDFs attached once (same SHA-1); ${files} files stored, ` +
      `${byKind.restlet} RESTlet calls (${restletPerFile.toFixed(2)} per file)`,
  );
  for (const problem of problems.slice(0, 10)) console.log(`    ✘ ${problem}`);
  if (problems.length > 10) console.log(`    … and ${problems.length - 10} more`);
  console.log('  NetSuite requests by kind:');
  for (const line of requestTable(
    log.map((entry) => ({ ...entry, kind: requestKind(entry) })),
    billCount,
  ))
    console.log(line);
  console.log('  SuiteQL by query (per bill):');
  for (const [shape, count] of shapes)
    console.log(
      `    ${(count / billCount).toFixed(2).padStart(5)}  ${shape.length > 150 ? `${shape.slice(0, 147)}...` : shape}`,
    );
  console.log(
    `  Procurify requests ${procurifyLog.length} (${(procurifyLog.length / billCount).toFixed(2)} per bill)`,
  );
  for (const line of requestTable(
    procurifyLog.map((entry) => ({ ...entry, kind: entry.route })),
    billCount,
  ))
    console.log(line);
  console.log(`  where a worker invocation's time goes, per bill (${invocations} concurrent):`);
  console.log(`    cycle             ${cycleMs.toFixed(0)} ms (invocations × wall / bills)`);
  console.log(
    `    NetSuite          ${netsuitePerBillMs.toFixed(0)} ms (${pct(netsuitePerBillMs / cycleMs)}; the permit is busy only here)`,
  );
  console.log(
    `    Procurify         ${procurifyPerBillMs.toFixed(0)} ms (${pct(procurifyPerBillMs / cycleMs)})`,
  );
  console.log(
    `    rest              ${(cycleMs - netsuitePerBillMs - procurifyPerBillMs).toFixed(0)} ms ` +
      '(DynamoDB state/audit/lease, SQS receive/delete, PDF base64, CPU of the in-process emulators)',
  );
  const dynamoTotal = [...dynamoCalls.values()].reduce((sum, count) => sum + count, 0);
  console.log(
    `    DynamoDB calls    ${(dynamoTotal / billCount).toFixed(2)} per bill (${[...dynamoCalls]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `${name} ${(count / billCount).toFixed(2)}`)
      .join(', ')}), one after another`,
  );
  console.log(
    `    permit use        ${pct(busyMs / (limit * wallMs))} of C × wall; ${batches} invocations, ` +
      `${(records / Math.max(1, batches)).toFixed(2)} messages per batch`,
  );
  console.log(verified ? '\nverified: every bill synced exactly, once' : '\nNOT verified: see ✘ above');
  if (process.env.APSYNC_BENCH_FIGURES === '1') {
    const figures = {
      bills: billCount,
      linesPerBill,
      limit,
      latencyMs,
      instances,
      invocations,
      outcome: { ...counts, totalsEqual, attachedOnce, filesStored: files, problems: problems.length },
      verified,
      wallMs,
      billsPerSecond,
      ceilingBillsPerSecond,
      ratioToCeiling: ratio,
      netsuiteRequests: log.length,
      requestsPerBill: perBill,
      requestsPerBillByKind: {
        suiteql: byKind.suiteql / billCount,
        recordWrites: byKind['record write'] / billCount,
        recordReads: byKind['record read'] / billCount,
        restlet: byKind.restlet / billCount,
        token: byKind.token / billCount,
      },
      suiteQlPerBill: Object.fromEntries(shapes.map(([shape, count]) => [shape, count / billCount])),
      requestRate: netsuiteRate,
      ceilingRequestRate: requestCeiling,
      procurifyRequestsPerBill: procurifyLog.length / billCount,
      dynamoCallsPerBill: [...dynamoCalls.values()].reduce((sum, count) => sum + count, 0) / billCount,
      governance429: netsuiteStats.governance429,
      netsuite429,
      procurify429,
      maxInFlight: netsuiteStats.maxInFlight,
      expenseLinesPerBill: expenseLines / billCount,
    };
    console.log(`@@figures ${JSON.stringify(figures)}`);
  }
  failed = !verified;
} finally {
  await stack.stop();
}
if (failed) {
  console.error('bill sync benchmark: verification failed');
  process.exitCode = 1;
}
