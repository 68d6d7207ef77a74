// Benchmark (not a test) for issue 3 (webhook and master-data sync): how fast a NetSuite change reaches Procurify.
// Run: npx node test/bench/master-data-latency.ts [--rate 20] [--seconds 15] [--concurrency 4]
//   [--share 4] [--netsuite-limit 5]   (concurrent inbound-worker invocations, the NetSuite client's
//   share and the sandbox's concurrency limit; the defaults are the ones this benchmark always used)
// Local stack with sandbox latencies of 150 ms (NetSuite) and 100 ms (Procurify): vendors are changed as a
// NetSuite user at a steady rate, the sandbox posts each signed notice, and we time change → Procurify
// write. Prints p50/p99 against the floor (one NetSuite GET + the Procurify calls at the configured
// sandbox latencies), NetSuite requests per synced record, how long after the last edit the last record
// arrived (the drain, for bursts), and the ingest handler's own time per request.
// The functions run in their worker threads (infra/local/function-instances.ts), provisioned (warm)
// before the first edit; the product's CPU per synced record is the CPU time of the webhook-ingest and
// inbound-worker threads during the run, apart from this thread's (sandboxes, AWS emulators, event
// sources, this script). DynamoDB requests are counted at the emulator's endpoint (any thread's
// client) from the first edit until the last record arrived, by operation.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { composeWebhookIngest } from '../../functions/webhook-ingest/compose.ts';
import { createWebhookIngestHandler } from '../../functions/webhook-ingest/handler.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { startLocalStack } from '../../infra/local/stack.ts';
import { sampleNotice, signedHeaders } from '../support/webhook-signing.ts';
import { startCpuMeter } from './function-cpu.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '4' },
    share: { type: 'string', default: '4' },
    'netsuite-limit': { type: 'string', default: '5' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const workerConcurrency = Number(values.concurrency);
const share = Number(values.share);
const netsuiteLimit = Number(values['netsuite-limit']);
const count = Math.round(rate * seconds);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    n: sorted.length,
  };
};

/** DynamoDB requests by operation while `countingDynamo` (the timed edits and their syncs). */
const dynamoCalls = new Map<string, number>();
let countingDynamo = false;
const stack = await startLocalStack({
  awsObserver: {
    onCall: ({ service, operation }) => {
      if (countingDynamo && service === 'dynamodb')
        dynamoCalls.set(operation, (dynamoCalls.get(operation) ?? 0) + 1);
    },
  },
  workerConcurrency,
  netsuite: { concurrencyLimit: netsuiteLimit },
  settings: { netsuiteConcurrencyShare: String(share) },
});
try {
  const netsuite = stack.netsuite;
  const procurify = stack.procurify;
  procurify.store.addLocation({ name: 'Head Office', headquarter: true, currency: 'USD' });
  const currency = netsuite.seed({
    records: { currency: [{ name: 'USD', symbol: 'USD', isBaseCurrency: true }] },
  }).created.currency?.[0];
  const subsidiary = netsuite.seed({
    records: { subsidiary: [{ name: 'Parent', currency: { id: currency } }] },
  }).created.subsidiary?.[0];
  // Vendors exist in NetSuite (seeded without notices); each edit below is their first sync to Procurify.
  const vendorIds =
    netsuite.seed({
      records: {
        vendor: Array.from({ length: count }, (_, i) => ({
          entityId: `B-${i}`,
          companyName: `Bench Vendor ${i}`,
          subsidiary: { id: subsidiary },
          currency: { id: currency },
          email: `ap${i}@bench.example`,
        })),
      },
    }).created.vendor ?? [];

  netsuite.faults.set('/services/rest', { latency: { baseMs: 150 } });
  procurify.faults.set('/api', { latency: { baseMs: 100 } });

  // The floor of a first sync, from the sandbox latencies: one NetSuite GET, then three Procurify calls
  // (find by external id, find by name, create). Everything above it is queueing, DynamoDB and SQS.
  const floorMs = 150 + 3 * 100;

  // Warm instances of the product's two functions, and their CPU from here on.
  const productFunctions = ['webhook-ingest', 'inbound-worker'] as const;
  const cpuMeter = await startCpuMeter(stack, productFunctions);
  const functionCpuMs = () => productFunctions.map((name) => stack.instances[name]?.stats().cpuMs ?? 0);
  const functionCpuBefore = functionCpuMs();
  netsuite.resetStats();
  const changedAt = new Map<string, number>();
  const syncedAt = new Map<string, number>();
  const expectedName = (i: number) => `Bench Vendor ${i} (edited)`;
  const vendorIndex = new Map(vendorIds.map((id, i) => [id, i]));

  // Watch Procurify for each edited vendor reaching its new name.
  const watcher = setInterval(() => {
    const now = performance.now();
    for (const vendor of procurify.store.vendors.values()) {
      const id = vendor.external_id;
      if (id === null || syncedAt.has(id) || !changedAt.has(id)) continue;
      if (vendor.name === expectedName(vendorIndex.get(id) ?? -1)) syncedAt.set(id, now);
    }
  }, 5);

  const started = performance.now();
  countingDynamo = true;
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const id = vendorIds[i]!;
    changedAt.set(id, performance.now());
    netsuite.userUpdate('vendor', id, { companyName: expectedName(i) });
  }
  const lastEditAt = performance.now();
  const deadline = performance.now() + 60_000;
  while (syncedAt.size < count && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  clearInterval(watcher);
  // Read once the invocations have answered (a record reaches Procurify before its invocation ends).
  const { productMs, mainMs } = await cpuMeter.read();
  const functionCpu = functionCpuMs().map((ms, i) => ms - (functionCpuBefore[i] ?? 0));
  countingDynamo = false;
  const dynamoRequests = [...dynamoCalls.values()].reduce((sum, n) => sum + n, 0);
  const cpu = { product: productMs, main: mainMs };
  const drainMs = Math.max(0, Math.max(...syncedAt.values()) - lastEditAt);

  const latencies = [...syncedAt].map(([id, at]) => at - (changedAt.get(id) ?? at));
  const latency = summary(latencies);
  const netsuiteRequests = netsuite.requestLog().filter((entry) => !entry.path.includes('/oauth2/')).length;

  // The ingest handler's own time: signed notices straight into the handler (no HTTP), same emulators.
  netsuite.faults.clear();
  procurify.faults.clear();
  const ingest = createWebhookIngestHandler(composeWebhookIngest(stack.env));
  const ingestTimes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const notice = sampleNotice({ recordId: String(900000 + i) });
    const body = JSON.stringify(notice);
    const t0 = performance.now();
    const answer = await ingest(
      {
        version: '2.0',
        routeKey: 'POST /netsuite/events',
        rawPath: '/netsuite/events',
        rawQueryString: '',
        headers: signedHeaders(stack.webhookSecret, notice.eventId, body),
        requestContext: {} as never,
        body,
        isBase64Encoded: false,
      },
      createLambdaContext('webhook-ingest', 10_000),
    );
    ingestTimes.push(performance.now() - t0);
    if (typeof answer !== 'object' || answer.statusCode !== 202)
      throw new Error(`ingest answered ${JSON.stringify(answer)}`);
  }
  const ingestStats = summary(ingestTimes.slice(20)); // the first calls warm the SDK clients

  const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(
    `\nnotice → Procurify latency, ${count} vendor edits at ${rate}/s (NetSuite 150 ms, Procurify 100 ms per call; ` +
      `${workerConcurrency} concurrent worker invocations, NetSuite share ${share} of limit ${netsuiteLimit})`,
  );
  console.log(`  synced            ${syncedAt.size}/${count}`);
  console.log(
    `  p50               ${fmt(latency.p50)}   (${(latency.p50 / floorMs).toFixed(2)}x the ${floorMs} ms floor of 1 NetSuite GET + 3 Procurify calls)`,
  );
  console.log(
    `  p99               ${fmt(latency.p99)}   goal ≤ 2000 ms: ${latency.p99 <= 2000 ? 'met' : 'NOT met'}`,
  );
  console.log(`  max               ${fmt(latency.max)}`);
  console.log(`  drain             ${fmt(drainMs)} from the last edit to the last record in Procurify`);
  const perRecord = (ms: number) => `${(ms / Math.max(1, syncedAt.size)).toFixed(2)} ms`;
  console.log(
    `  CPU per synced record: product ${perRecord(cpu.product)} (webhook-ingest and inbound-worker threads; ` +
      `goal ≤ 5 ms), sandboxes + emulators + event sources + this script ${perRecord(cpu.main)}`,
  );
  console.log(
    `    by function: ${productFunctions.map((name, i) => `${name} ${perRecord(functionCpu[i] ?? 0)}`).join(', ')}`,
  );
  console.log(
    `  vs an hourly sync (mean wait 30 min): ${(1_800_000 / latency.p50).toFixed(0)}x faster at p50`,
  );
  console.log(
    `  NetSuite requests per synced record: ${(netsuiteRequests / Math.max(1, syncedAt.size)).toFixed(2)} (goal ≤ 0.25; token requests excluded)`,
  );
  console.log(
    `  NetSuite 429s: ${netsuite.stats().governance429} governance, max in flight ${netsuite.stats().maxInFlight}`,
  );
  console.log(
    `  DynamoDB requests per synced record: ${(dynamoRequests / Math.max(1, syncedAt.size)).toFixed(2)} ` +
      `(${[...dynamoCalls]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operation, n]) => `${operation} ${(n / Math.max(1, syncedAt.size)).toFixed(2)}`)
        .join(', ')})`,
  );
  console.log(
    `\ningest handler's own time per request (${ingestStats.n} signed notices, emulators on loopback)`,
  );
  console.log(
    `  p50 ${ingestStats.p50.toFixed(1)} ms   p99 ${ingestStats.p99.toFixed(1)} ms   max ${ingestStats.max.toFixed(1)} ms`,
  );
  if (process.env.APSYNC_BENCH_FIGURES === '1') {
    const figures = {
      rate,
      seconds,
      edits: count,
      synced: syncedAt.size,
      workerConcurrency,
      netsuiteShare: share,
      netsuiteLimit,
      floorMs,
      latencyMs: latency,
      drainMs,
      productCpuMsPerRecord: cpu.product / Math.max(1, syncedAt.size),
      mainThreadCpuMsPerRecord: cpu.main / Math.max(1, syncedAt.size),
      functionCpuMsPerRecord: Object.fromEntries(
        productFunctions.map((name, i) => [name, (functionCpu[i] ?? 0) / Math.max(1, syncedAt.size)]),
      ),
      netsuiteRequests,
      netsuiteRequestsPerRecord: netsuiteRequests / Math.max(1, syncedAt.size),
      dynamoRequestsPerRecord: dynamoRequests / Math.max(1, syncedAt.size),
      dynamoCallsPerRecord: Object.fromEntries(
        [...dynamoCalls].map(([operation, n]) => [operation, n / Math.max(1, syncedAt.size)]),
      ),
      governance429: netsuite.stats().governance429,
      maxInFlight: netsuite.stats().maxInFlight,
      ingestMs: ingestStats,
    };
    console.log(`@@figures ${JSON.stringify(figures)}`);
  }
} finally {
  await stack.stop();
}
