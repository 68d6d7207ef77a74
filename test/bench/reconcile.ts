// Benchmark (not a test) for issue 14's figures: one reconcile of 10,000 vendors, 2,000 account codes and 50,000 bills.
// Run: node test/bench/reconcile.ts [--quick] [--vendors 10000] [--accounts 2000] [--bills 50000]
//   [--latency 150] [--share 4] [--limit 5]   (npm run bench:reconcile -- --quick)
// Local stack (AWS emulators, both sandboxes). Seeding, excluded from the figures: the NetSuite demo
// company with `--vendors` vendors (seedDemo) and GL accounts up to `--accounts` numbered accounts; their
// Procurify records are made from the reconciler's own SuiteQL reads through the inbound worker's mapping
// functions (so every mapped field agrees); `--bills` approved Procurify bills (addBulkBills) each with a
// NetSuite Vendor Bill carrying `procurify-bill-<uuid>` and Procurify's total; every link (both
// directions) written straight to the state table with BatchWriteItem. Then the NetSuite sandbox answers
// every call after `--latency` ms (SuiteQL pages and token) and apsync's client holds a share of `--share`
// permits, and the reconciliation use case runs with the same wiring as `apsync reconcile`
// (shared/reconcile/wiring.ts), every area, no --fix, grace 0. Prints seconds, NetSuite requests against
// N/1000, Procurify requests, discrepancies (expected 0), and the process's RSS before and at its peak
// during the run (sampled every 20 ms; the sandboxes' and emulators' data live in the same process).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { startLocalStack } from '../../infra/local/stack.ts';
import { addBulkBills } from '../../infra/sandboxes/procurify/index.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { billExternalId } from '../../shared/bills/bill-plan.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import type { PaymentMessage } from '../../shared/events/payment-message.ts';
import { mapAccount, mapDepartment, mapVendor } from '../../shared/master-data/map-master-data.ts';
import { createNetSuiteClient } from '../../shared/netsuite/index.ts';
import { logger } from '../../shared/observability.ts';
import { createProcurifyClient } from '../../shared/procurify/index.ts';
import { reconcile, reconcileDependencies } from '../../shared/reconcile/index.ts';
import type { RecordKind, RecordLink } from '../../shared/state/model.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    vendors: { type: 'string' },
    accounts: { type: 'string' },
    bills: { type: 'string' },
    latency: { type: 'string', default: '150' },
    share: { type: 'string', default: '4' },
    limit: { type: 'string', default: '5' },
  },
});
const quick = values.quick === true;
const vendorCount = Number(values.vendors ?? (quick ? 1000 : 10_000));
const accountCount = Number(values.accounts ?? (quick ? 200 : 2000));
const billCount = Number(values.bills ?? (quick ? 5000 : 50_000));
const latencyMs = Number(values.latency);
const share = Number(values.share);
const limit = Number(values.limit);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => bytes / 1024 ** 2;

logger.setLogLevel('WARN');
const stack = await startLocalStack({ netsuite: { concurrencyLimit: limit }, workerConcurrency: 1 });
let failed = false;
try {
  const dynamodb = new DynamoDBClient(stack.aws.clientConfig('dynamodb'));
  const table = stack.aws.names.tables.state;
  const state = new DynamoStateStore(dynamodb, table);
  const sqs = new SQSClient(stack.aws.clientConfig('sqs'));
  const netsuite = createNetSuiteClient({
    baseUrl: stack.netsuite.url,
    ...stack.netsuite.credentials,
    concurrencyShare: share,
  });
  const procurify = createProcurifyClient({
    baseUrl: stack.procurify.url,
    tokenUrl: stack.procurify.credentials.tokenUrl,
    clientId: stack.procurify.credentials.clientId,
    clientSecret: stack.procurify.credentials.clientSecret,
    audience: stack.procurify.credentials.audience,
  });
  const store = stack.procurify.store;
  const seattle = store.addLocation({ name: 'Seattle', headquarter: true, currency: 'USD' });
  const deps = reconcileDependencies({
    netsuite,
    procurify,
    state,
    dynamodb,
    stateTable: table,
    queues: {
      inbound: new SqsQueuePublisher<InboundMessage>(sqs, stack.aws.queueUrls.inbound),
      bills: new SqsQueuePublisher<BillMessage>(sqs, stack.aws.queueUrls.bill),
      payments: new SqsQueuePublisher<PaymentMessage>(sqs, stack.aws.queueUrls.payment),
    },
    settings: { netsuiteTimeZone: 'UTC', departmentLocationId: seattle.id },
    defaultPaymentMode: 'push',
  });

  // --- seeding (not measured) -------------------------------------------------------------------
  const seedStart = performance.now();
  const demo = stack.netsuite.seedDemo({ vendors: vendorCount, bills: 0, payments: 0 });
  const accountsBefore = stack.netsuite.store.list('account').filter((a) => a.fields.acctNumber).length;
  const extra = Math.max(0, accountCount - accountsBefore);
  if (extra > 0) {
    stack.netsuite.seed({
      records: {
        account: Array.from({ length: extra }, (_, index) => ({
          acctNumber: `7${String(index).padStart(5, '0')}`,
          acctName: `Bench expense ${index}`,
          acctType: 'Expense',
        })),
      },
    });
  }
  const links: Array<Omit<RecordLink, 'linkedAt'>> = [];
  const lookups = await deps.lookups();
  const currencyCode = new Map([...store.currencies.values()].map((c) => [c.id, c.name]));
  const vendorOf = new Map<number, string>();
  for await (const row of deps.netsuite.vendors()) {
    const { write } = mapVendor(row.record, lookups, row.currencyCode);
    const vendor = store.addVendor({
      name: write.name,
      active: write.active,
      email: write.email ?? [],
      phoneOne: write.phoneOne ?? null,
      external_id: write.external_id ?? null,
      currency: write.currency == null ? null : (currencyCode.get(write.currency) ?? null),
    });
    vendorOf.set(vendor.id, row.record.id);
    links.push({
      kind: 'vendor',
      procurifyId: String(vendor.id),
      netsuiteId: row.record.id,
      origin: 'created',
    });
  }
  const accountParents: Array<{ code: number; parent: string }> = [];
  const codeOf = new Map<string, number>();
  for await (const row of deps.netsuite.accounts()) {
    const mapped = mapAccount(row.record);
    if ('skip' in mapped) continue;
    const code = store.addAccountCode({
      code: mapped.write.code,
      description: mapped.write.description,
      account_type: mapped.write.account_type,
      active: row.record.isInactive !== true,
    });
    codeOf.set(row.record.id, code.id);
    if (mapped.parentNetSuiteId !== undefined)
      accountParents.push({ code: code.id, parent: mapped.parentNetSuiteId });
    links.push({
      kind: 'account',
      procurifyId: String(code.id),
      netsuiteId: row.record.id,
      origin: 'created',
    });
  }
  for (const { code, parent } of accountParents) {
    const record = store.accountCodes.get(code);
    const parentCode = codeOf.get(parent);
    if (record !== undefined && parentCode !== undefined) record.parent = parentCode;
  }
  for await (const row of deps.netsuite.departments()) {
    const write = mapDepartment(row.record, lookups);
    const department = store.addDepartment({
      name: write.name,
      branch: write.branch ?? seattle.id,
      external_id: write.external_id,
      active: write.active,
    });
    links.push({
      kind: 'department',
      procurifyId: String(department.id),
      netsuiteId: row.record.id,
      origin: 'created',
    });
  }
  const masterLinks = links.length;

  // Bills: approved in Procurify, each with its Vendor Bill in NetSuite (apsync's external id, same total).
  const uuids = addBulkBills(store, billCount, { seed: 5 });
  const nsStore = stack.netsuite.store;
  const payable = nsStore.list('account').find((a) => a.fields.acctType === 'AcctPay')!;
  const expense = nsStore.list('account').find((a) => a.fields.acctType === 'Expense')!;
  const modified = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  for (const uuid of uuids) {
    const bill = store.bill(uuid);
    // The NetSuite store keeps amounts in cents (as bulkVendorBills writes them).
    const total = store.billAmounts(bill).owedCents;
    const vendorId = vendorOf.get(bill.vendorId)!;
    const vendor = nsStore.get('vendor', vendorId)!;
    const id = nsStore.nextId('vendorBill');
    const field = (name: string) => {
      const value = vendor.fields[name] as { id?: string } | string | undefined;
      return typeof value === 'object' ? (value?.id ?? null) : (value ?? null);
    };
    nsStore.save({
      type: 'vendorBill',
      id,
      fields: {
        entity: vendorId,
        subsidiary: field('subsidiary'),
        currency: field('currency'),
        exchangeRate: 1,
        tranDate: bill.invoice_date,
        dueDate: bill.due_date,
        tranId: bill.invoice_number,
        externalId: billExternalId(uuid),
        account: payable.id,
        approvalStatus: '2',
        paymentHold: false,
        expense: [{ line: 1, account: expense.id, amount: total }],
        total,
        userTotal: total,
      },
      createdDate: modified,
      lastModifiedDate: modified,
    });
    links.push({ kind: 'bill', procurifyId: uuid.toLowerCase(), netsuiteId: id, origin: 'created' });
  }
  // Links as DynamoStateStore.link writes them (both directions), 25 items a batch, 8 batches at a time.
  const doc = DynamoDBDocumentClient.from(dynamodb);
  const linkedAt = new Date(Date.now() - 3_600_000).toISOString();
  const items = links.flatMap((link) =>
    (['procurify', 'netsuite'] as const).map((side) => ({
      pk: `LINK#${side}#${link.kind}#${side === 'procurify' ? link.procurifyId : link.netsuiteId}`,
      sk: 'LINK',
      ...link,
      linkedAt,
    })),
  );
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let nextBatch = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (nextBatch < batches.length) {
        let pending = batches[nextBatch++]!.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const answer = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (answer.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    }),
  );
  // The SuiteQL mirror loads the bulk-inserted bills on the next query: not part of the figure.
  for await (const _ of netsuite.suiteQl.query(
    "SELECT COUNT(*) AS n FROM transaction WHERE recordtype = 'vendorbill'",
    [],
    z.object({ n: z.string() }),
  ));
  const seedMs = performance.now() - seedStart;
  const kinds = (kind: RecordKind) => links.filter((link) => link.kind === kind).length;
  console.log(
    `seeded in ${seconds(seedMs)}: ${kinds('vendor')} vendors, ${kinds('account')} account codes, ` +
      `${kinds('department')} departments, ${kinds('bill')} bills, ${items.length} link items ` +
      `(${masterLinks} master links; demo ${demo.vendors.length} vendors)`,
  );

  // --- the measured run -------------------------------------------------------------------------
  stack.netsuite.faults.set('*', { latency: { baseMs: latencyMs } });
  stack.netsuite.resetStats();
  stack.netsuite.clearRequestLog();
  stack.procurify.clearRequestLog();
  const rssBefore = process.memoryUsage.rss();
  const heapBefore = process.memoryUsage().heapUsed;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 20);
  const steps: Array<{ step: string; atMs: number }> = [];
  const start = performance.now();
  const report = await reconcile(deps, {
    graceMinutes: 0,
    onProgress: (step) => {
      steps.push({ step, atMs: performance.now() - start });
      console.error(`  … ${step} at ${seconds(performance.now() - start)}`);
    },
  });
  const wallMs = performance.now() - start;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const heapAfter = process.memoryUsage().heapUsed;

  const netsuiteLog = stack.netsuite.requestLog();
  const netsuiteRequests = netsuiteLog.length;
  const tokenRequests = netsuiteLog.filter((entry) => entry.path.includes('/oauth2/')).length;
  const netsuite429 = netsuiteLog.filter((entry) => entry.status === 429).length;
  const procurifyLog = stack.procurify.requestLog();
  const byRoute = new Map<string, number>();
  for (const entry of procurifyLog) byRoute.set(entry.route, (byRoute.get(entry.route) ?? 0) + 1);
  // Time each side's server spent answering (the sandbox's own work plus the injected latency).
  const netsuiteBusyMs = netsuiteLog.reduce((sum, entry) => sum + entry.durationMs, 0);
  const procurifyBusyMs = procurifyLog.reduce((sum, entry) => sum + entry.durationMs, 0);
  const compared = Object.values(report.checked).reduce((sum, n) => sum + (n ?? 0), 0);
  // One SuiteQL read per table (an empty one still costs its one page): the floor is each read's pages.
  const tables = ['vendor', 'account', 'department', 'vendorBill', 'vendorPayment'] as const;
  const rowsByTable = Object.fromEntries(tables.map((type) => [type, nsStore.count(type)]));
  const netsuiteRows = Object.values(rowsByTable).reduce((sum, n) => sum + n, 0);
  const pagesFloor = tables.reduce(
    (sum, type) => sum + Math.max(1, Math.ceil(nsStore.count(type) / 1000)),
    0,
  );
  const discrepancies = report.discrepancies.length;
  const counts = Object.entries(report.counts)
    .flatMap(([area, kinds]) => Object.entries(kinds ?? {}).map(([kind, n]) => `${area}/${kind} ${n}`))
    .join(', ');

  console.log(
    `\nreconcile: ${vendorCount.toLocaleString('en-US')} vendors, ${kinds('account').toLocaleString('en-US')} account codes, ` +
      `${billCount.toLocaleString('en-US')} bills; NetSuite ${latencyMs} ms per call, share ${share} of limit ${limit}`,
  );
  console.log(`  wall              ${seconds(wallMs)} (every area, no --fix, grace 0)`);
  for (const [index, step] of steps.entries())
    console.log(
      `    ${step.step.padEnd(32)} ${seconds((steps[index + 1]?.atMs ?? wallMs) - step.atMs).padStart(8)}`,
    );
  console.log(`  compared          ${compared.toLocaleString('en-US')} (${JSON.stringify(report.checked)})`);
  console.log(
    `  NetSuite requests ${netsuiteRequests} (token ${tokenRequests}, 429s ${netsuite429}) for ` +
      `${netsuiteRows.toLocaleString('en-US')} rows: N/1000 = ${(netsuiteRows / 1000).toFixed(1)}, one read per table ` +
      `${pagesFloor} pages, ratio ${(netsuiteRequests / pagesFloor).toFixed(2)}; answered in ${seconds(netsuiteBusyMs)} in all; ` +
      `report's count ${report.requests?.netsuite ?? '?'}`,
  );
  console.log(
    `  Procurify requests ${procurifyLog.length}, answered in ${seconds(procurifyBusyMs)} in all (${[
      ...byRoute,
    ]
      .sort((a, b) => b[1] - a[1])
      .map(([route, n]) => `${route} ${n}`)
      .join(', ')})`,
  );
  console.log(`  discrepancies     ${discrepancies}${counts === '' ? '' : ` (${counts})`}`);
  console.log(
    `  RSS               ${mib(rssBefore).toFixed(0)} MiB before, peak ${mib(rssPeak).toFixed(0)} MiB ` +
      `(+${mib(rssPeak - rssBefore).toFixed(0)} MiB); heap used ${mib(heapBefore).toFixed(0)} → ${mib(heapAfter).toFixed(0)} MiB`,
  );
  if (process.env.APSYNC_BENCH_FIGURES === '1') {
    const figures = {
      vendors: vendorCount,
      accountCodes: kinds('account'),
      departments: kinds('department'),
      bills: billCount,
      latencyMs,
      share,
      limit,
      seedMs,
      wallMs,
      steps,
      checked: report.checked,
      netsuiteRows,
      netsuiteRowsByTable: rowsByTable,
      netsuiteRequests,
      netsuiteTokenRequests: tokenRequests,
      netsuite429,
      netsuitePagesFloor: pagesFloor,
      netsuiteBusyMs,
      procurifyRequests: procurifyLog.length,
      procurifyBusyMs,
      procurifyRequestsByRoute: Object.fromEntries(byRoute),
      discrepancies,
      rssBeforeMiB: mib(rssBefore),
      rssPeakMiB: mib(rssPeak),
      heapUsedBeforeMiB: mib(heapBefore),
      heapUsedAfterMiB: mib(heapAfter),
    };
    console.log(`@@figures ${JSON.stringify(figures)}`);
  }
  failed = discrepancies > 0 || netsuite429 > 0;
} finally {
  await stack.stop();
}
if (failed) {
  console.error('reconcile benchmark: discrepancies or 429s where none were seeded');
  process.exitCode = 1;
}
