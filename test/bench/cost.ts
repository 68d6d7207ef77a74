// Benchmark (not a test) for issue 16 §6: the AWS cost of running apsync, computed from counts measured in local mode.
// Run: node test/bench/cost.ts [--quick] [--changes 100] [--bills 60] [--payments 40]
//   [--prices test/bench/aws-prices-us-east-1-2026-12.json]   (npm run bench:cost -- --quick)
// Local stack with the demo company (synced master data, bill settings) and sandbox latencies of 150 ms
// (NetSuite) and 100 ms (Procurify), as the latency benchmark uses. Four phases, each counted apart:
//   master data: `--changes` vendor edits as a NetSuite user; the sandbox posts each signed notice to the
//     webhook (API Gateway → webhook-ingest → inbound queue → inbound-worker → Procurify);
//   bills: `--bills` approved Procurify bills (addBulkBills) found by one procurify-poll run, synced by the
//     bill-sync worker;
//   payments: `--payments` Procurify payments over those bills (addBulkPayments), found by one
//     procurify-poll run, pushed by the payment worker;
//   idle: one run of each schedule with nothing to do, scaled to a month at the default rates.
// Counted where the work happens (the functions run in their own worker threads, infra/local/
// function-instances.ts): invocations, their wall time (posted to answered; billed at the registry's
// memory, Arm) and the bytes their threads log at the deployed level INFO, from each function's instance
// pool; every DynamoDB, SQS and Secrets Manager call any thread makes, at the emulators' HTTP endpoints
// (infra/local/aws/index.ts AwsObserver), DynamoDB request units from the items read and written (size
// by size, eventually consistent reads at half, transactions double, failed conditional writes one unit)
// and the global secondary index writes from each item before and after the write (awsObserver
// onItemWrite below); the event source's SQS receive and delete are modelled as Lambda's (one
// ReceiveMessage and one DeleteMessageBatch per invocation); plus Lambda's START/END/REPORT lines, 340
// bytes an invocation (an estimate). Prices come from the dated JSON file, printed with the result.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseConfiguration } from '../../infra/cdk/config.ts';
import type { AwsObserver } from '../../infra/local/aws/index.ts';
import { startLocalStack } from '../../infra/local/stack.ts';
import { addBulkBills, addBulkPayments } from '../../infra/sandboxes/procurify/index.ts';
import { functionRegistry, scheduleOf } from '../../shared/function-registry.ts';
import { logger } from '../../shared/observability.ts';
import { secretDefinitions } from '../../shared/resources.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    changes: { type: 'string' },
    bills: { type: 'string' },
    payments: { type: 'string' },
    prices: { type: 'string', default: 'test/bench/aws-prices-us-east-1-2026-12.json' },
  },
});
const quick = values.quick === true;
const changeCount = Number(values.changes ?? (quick ? 40 : 100));
const billCount = Number(values.bills ?? (quick ? 20 : 60));
const paymentCount = Number(values.payments ?? (quick ? 15 : 40));

interface PriceEntry {
  usd: number;
  unit: string;
  source: string;
}
const pricesPath = join(projectRoot, values.prices ?? '');
const priceFile = JSON.parse(readFileSync(pricesPath, 'utf8')) as {
  region: string;
  asOf: string;
  note: string;
  prices: Record<string, PriceEntry>;
};
const price = (key: string): number => {
  const entry = priceFile.prices[key];
  if (entry === undefined) throw new Error(`${relative(projectRoot, pricesPath)} has no price ${key}`);
  return entry.usd;
};

// --- instrumentation --------------------------------------------------------------------------------

/** Lambda's own START, END and REPORT lines per invocation (bytes; an estimate, not measured). */
const platformLogBytesPerInvocation = 340;

interface Counts {
  invocations: Record<string, number>;
  durationMs: Record<string, number>;
  dynamoReadUnits: number;
  /** Table writes (a transactional write counts 2), failed conditional writes included. */
  dynamoWriteUnits: number;
  /** Writes to global secondary indexes (the state table's byState), counted apart. */
  dynamoIndexWriteUnits: number;
  dynamoCalls: Record<string, number>;
  sqsRequests: number;
  secretsCalls: number;
  logBytes: number;
}
const emptyCounts = (): Counts => ({
  invocations: {},
  durationMs: {},
  dynamoReadUnits: 0,
  dynamoWriteUnits: 0,
  dynamoIndexWriteUnits: 0,
  dynamoCalls: {},
  sqsRequests: 0,
  secretsCalls: 0,
  logBytes: 0,
});
let counts = emptyCounts();
let counting = false;
const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

type Attribute = Record<string, unknown>;
type Item = Record<string, Attribute>;
/**
 * An item's size as DynamoDB counts it: each attribute's name plus its value (strings and binaries by
 * their bytes, numbers about one byte per two digits plus one, booleans and nulls one byte, lists and
 * maps three bytes plus one per element and their elements).
 */
function itemBytes(item: Item | undefined): number {
  if (item === undefined) return 0;
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}
function valueBytes(value: Attribute): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(inner));
    case 'B':
      return Buffer.from(String(inner), 'base64').length;
    case 'N':
      return Math.ceil(String(inner).replace(/^-|\.|^0+/g, '').length / 2) + 1;
    case 'SS':
    case 'NS':
    case 'BS':
      return (inner as unknown[]).reduce<number>((sum, v) => sum + valueBytes({ [type.slice(0, 1)]: v }), 0);
    case 'L':
      return 3 + (inner as Attribute[]).reduce((sum, v) => sum + 1 + valueBytes(v), 0);
    case 'M':
      return 3 + Object.keys(inner as Item).length + itemBytes(inner as Item);
    default:
      return 1;
  }
}
/** Write units of an item of `bytes`: one per KB or part of one (at least 1). */
const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Read units of `bytes` read: one per 4 KB or part of one, half for an eventually consistent read. */
const readUnitsOf = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/**
 * What the emulators serve, whichever thread called (the functions' instances each have their own SDK
 * clients, in their own threads): counted while a phase runs. The bench's own reads happen outside.
 */
const awsObserver: AwsObserver = {
  onCall({ service, operation, input, reply }) {
    if (!counting) return;
    const body = (reply.body ?? {}) as Record<string, unknown>;
    if (service === 'dynamodb') {
      bump(counts.dynamoCalls, operation);
      const consistent = input.ConsistentRead === true;
      if (operation === 'GetItem')
        counts.dynamoReadUnits += readUnitsOf(itemBytes(body.Item as Item), consistent);
      else if (operation === 'Query' || operation === 'Scan') {
        // A filter reads every item it scans: the returned items' size scaled by scanned / returned.
        const items = (body.Items as Item[] | undefined) ?? [];
        const returned = items.reduce((sum, item) => sum + itemBytes(item), 0);
        const scanned = Number(body.ScannedCount ?? items.length);
        const perItem = items.length > 0 ? returned / items.length : 0;
        counts.dynamoReadUnits += readUnitsOf(perItem * scanned, consistent);
      } else if (operation === 'BatchGetItem') {
        const asked = (input.RequestItems ?? {}) as Record<
          string,
          { Keys?: unknown[]; ConsistentRead?: boolean }
        >;
        const got = (body.Responses ?? {}) as Record<string, Item[]>;
        for (const [table, request] of Object.entries(asked)) {
          const found = got[table] ?? [];
          const c = request.ConsistentRead === true;
          counts.dynamoReadUnits += found.reduce((sum, item) => sum + readUnitsOf(itemBytes(item), c), 0);
          counts.dynamoReadUnits +=
            Math.max(0, (request.Keys?.length ?? 0) - found.length) * readUnitsOf(0, c);
        }
      } else if (operation === 'TransactGetItems') {
        const responses = (body.Responses as Array<{ Item?: Item }> | undefined) ?? [];
        counts.dynamoReadUnits += responses.reduce(
          (sum, r) => sum + 2 * readUnitsOf(itemBytes(r.Item), true),
          0,
        );
      } else if (operation === 'TransactWriteItems' && reply.status === 200) {
        // Its Put, Update and Delete are counted as items written (onItemWrite); a ConditionCheck is 2 units.
        const items = (input.TransactItems as Array<Record<string, unknown>> | undefined) ?? [];
        counts.dynamoWriteUnits += 2 * items.filter((item) => item.ConditionCheck !== undefined).length;
      } else if (reply.status !== 200 && /^(Put|Update|Delete)Item$/.test(operation)) {
        // A write refused by its condition still consumes a write unit; the items written are counted below.
        if (String(body.__type ?? '').endsWith('ConditionalCheckFailedException'))
          counts.dynamoWriteUnits += 1;
      }
    } else if (service === 'sqs') {
      // The event source's receive and delete (this thread's client) are modelled per invocation instead.
      if (operation !== 'ReceiveMessage' && operation !== 'DeleteMessageBatch') counts.sqsRequests += 1;
    } else if (service === 'secretsManager') counts.secretsCalls += 1;
  },
  /**
   * A table write is one unit per KB of the larger of the item before and after (two in a transaction).
   * Each global secondary index the item is in (its key attributes all present) costs writes of its own
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes,
   * "Provisioned throughput considerations for global secondary indexes", Writes): an item entering the
   * index, or leaving it, one; an update that changes the index key, two (a delete and a put in the
   * index); an update of an item that stays in the index under the same key, one — with ALL projection,
   * as the state table's byState (infra/cdk/stateful-stack.ts), every change is of a projected attribute.
   * Each index write is one unit per KB of the index entry (the item, with ALL projection). Index writes
   * of a transaction are counted once, not doubled.
   */
  onItemWrite({ before, after, indexes, transactional }) {
    if (!counting) return;
    const beforeBytes = itemBytes(before);
    const afterBytes = itemBytes(after);
    counts.dynamoWriteUnits += (transactional ? 2 : 1) * writeUnitsOf(Math.max(beforeBytes, afterBytes));
    for (const index of indexes) {
      const inIndex = (item: Item | undefined) =>
        item !== undefined && index.keys.every((key) => item[key] !== undefined);
      const keyOf = (item: Item) => JSON.stringify(index.keys.map((key) => item[key]));
      const was = inIndex(before);
      const is = inIndex(after);
      if (was && is) {
        counts.dynamoIndexWriteUnits +=
          keyOf(before!) === keyOf(after!)
            ? writeUnitsOf(afterBytes)
            : writeUnitsOf(beforeBytes) + writeUnitsOf(afterBytes);
      } else if (was) counts.dynamoIndexWriteUnits += writeUnitsOf(beforeBytes);
      else if (is) counts.dynamoIndexWriteUnits += writeUnitsOf(afterBytes);
    }
  },
};

// Log lines: the functions' threads write them; each instance pool counts its threads' output bytes.
// Threads read their level from the environment they start with: the deployed level, INFO.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.LOG_LEVEL = 'INFO';
// Their JSON lines stay off the terminal (the report is what this prints).
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  (stream as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return write(chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const kept = text
      .split('\n')
      .filter((line) => !line.startsWith('{"level":"INFO"') && !line.startsWith('{"_aws"'))
      .join('\n');
    return kept.trim() === '' ? true : write(kept, ...rest);
  };
}

// --- the run --------------------------------------------------------------------------------------

// This thread runs no function (their instances have threads of their own): only the stack's own lines.
logger.setLogLevel('WARN');
const stack = await startLocalStack({
  demo: true,
  awsObserver,
  workerConcurrency: 2,
  settings: { retryBaseSeconds: '1' },
  onWorkerError: (error) => console.error('worker error:', error),
});
const sources = Object.values(stack.eventSources);
const pools = Object.values(stack.instances);
const totalInvocations = () => pools.reduce((sum, pool) => sum + pool.stats().invocations, 0);

/** Until `done()` and no invocation has started or run for `quietMs`. */
async function settle(done: () => Promise<boolean> | boolean, timeoutMs: number, quietMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let quietSince = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = totalInvocations() + sources.reduce((sum, s) => sum + s.stats().invocations, 0);
    const busy = sources.some((s) => s.stats().inFlight > 0) || pools.some((pool) => pool.stats().busy > 0);
    if (now !== last || busy) {
      last = now;
      quietSince = Date.now();
    }
    if (Date.now() - quietSince >= quietMs && (await done())) return true;
    if (Date.now() > deadline) return false;
  }
}

/** What each function's instances report (invocations, their wall time, output bytes), by function. */
const instanceReports = () =>
  Object.fromEntries(
    Object.entries(stack.instances).map(([name, pool]) => {
      const stats = pool.stats();
      return [name, { invocations: stats.invocations, ms: stats.invocationMs, bytes: stats.outputBytes }];
    }),
  );

interface Phase {
  name: string;
  units: number;
  counts: Counts;
  wallMs: number;
  settled: boolean;
  outcome: string;
}
async function phase(
  name: string,
  units: number,
  act: () => Promise<void> | void,
  done: () => Promise<boolean> | boolean,
  outcome: () => Promise<string>,
): Promise<Phase> {
  counts = emptyCounts();
  const before = instanceReports();
  counting = true;
  const start = performance.now();
  await act();
  const settled = await settle(done, 10 * 60_000);
  const wallMs = performance.now() - start;
  counting = false;
  for (const [fn, report] of Object.entries(instanceReports())) {
    const was = before[fn] ?? { invocations: 0, ms: 0, bytes: 0 };
    if (report.invocations === was.invocations && report.bytes === was.bytes) continue;
    bump(counts.invocations, fn, report.invocations - was.invocations);
    // Lambda bills each invocation's duration rounded up to the ms; the sum is rounded up here.
    bump(counts.durationMs, fn, Math.ceil(report.ms - was.ms));
    counts.logBytes += report.bytes - was.bytes;
  }
  return { name, units, counts, wallMs, settled, outcome: await outcome() };
}

const phases: Phase[] = [];
let failed = false;
try {
  const dynamo = new DynamoDBClient(stack.aws.clientConfig('dynamodb'));
  const state = new DynamoStateStore(dynamo, stack.aws.names.tables.state);
  // What the demo left to do (its approved bills) is done before anything is counted.
  await stack.scheduler.runNow('procurify-poll');
  await settle(() => true, 5 * 60_000);
  stack.netsuite.faults.set('/services/rest', { latency: { baseMs: 150 } });
  stack.procurify.faults.set('/api', { latency: { baseMs: 100 } });
  const records = (fn: string) => stack.eventSources[fn]?.stats().records ?? 0;

  // Master data: vendor edits with their notices.
  const vendors = stack.netsuite.store
    .list('vendor')
    .filter((vendor) => vendor.fields.isInactive !== true)
    .map((vendor) => vendor.id);
  const inboundBefore = records('inbound-worker');
  /** The last name each edited vendor was given: Procurify must show it once the phase settles. */
  const lastName = new Map<string, string>();
  const inProcurify = async () => {
    let equal = 0;
    for (const [id, name] of lastName) {
      const link = await state.findBySource('netsuite', 'vendor', id);
      const vendor =
        link === undefined ? undefined : stack.procurify.store.vendors.get(Number(link.procurifyId));
      if (vendor?.name === name) equal++;
    }
    return equal;
  };
  phases.push(
    await phase(
      'master data',
      changeCount,
      async () => {
        for (let i = 0; i < changeCount; i++) {
          const id = vendors[i % vendors.length]!;
          lastName.set(id, `Cost Bench Vendor ${id} #${i}`);
          stack.netsuite.userUpdate('vendor', id, { companyName: lastName.get(id) });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      () => records('inbound-worker') - inboundBefore >= changeCount,
      async () =>
        `${records('inbound-worker') - inboundBefore} notices handled by the inbound worker ` +
        `(${await inProcurify()} of the ${lastName.size} vendors edited show their last name in Procurify)`,
    ),
  );

  // Bills: approved in Procurify, found by the poll, written by the bill-sync worker.
  const billStatus = async () =>
    (
      await Promise.all(
        (['synced', 'review', 'failed'] as const).map(async (s) => [s, await state.countByStatus('bill', s)]),
      )
    ).map(([s, n]) => `${s} ${n}`);
  const billsBefore = records('bill-sync-worker');
  const billStatesBefore = (await billStatus()).join(', ');
  phases.push(
    await phase(
      'bills',
      billCount,
      async () => {
        addBulkBills(stack.procurify.store, billCount, { seed: 17 });
        await stack.scheduler.runNow('procurify-poll');
      },
      () => records('bill-sync-worker') - billsBefore >= billCount,
      async () =>
        `${records('bill-sync-worker') - billsBefore} bill messages handled (bill states ${billStatesBefore} → ` +
        `${(await billStatus()).join(', ')})`,
    ),
  );

  // Payments: recorded in Procurify over open bills, found by the poll, pushed as Vendor Payments.
  const paymentsBefore = records('payment-push-worker');
  let recorded = 0;
  phases.push(
    await phase(
      'payments',
      paymentCount,
      async () => {
        recorded = addBulkPayments(stack.procurify.store, paymentCount, { seed: 19 }).length;
        await stack.scheduler.runNow('procurify-poll');
      },
      () => records('payment-push-worker') - paymentsBefore >= recorded,
      async () =>
        `${recorded} payments recorded, ${records('payment-push-worker') - paymentsBefore} payment messages handled ` +
        `(payment states: synced ${await state.countByStatus('payment', 'synced')}, review ${await state.countByStatus('payment', 'review')}, ` +
        `failed ${await state.countByStatus('payment', 'failed')})`,
    ),
  );
  if (recorded !== paymentCount) {
    const last = phases.at(-1)!;
    last.units = recorded;
  }

  // Idle: each schedule once with nothing new (a first, uncounted run catches up with the phases above).
  for (const definition of functionRegistry) {
    if (scheduleOf(definition) === undefined) continue;
    await stack.scheduler.runNow(definition.name);
  }
  await settle(() => true, 5 * 60_000);
  for (const definition of functionRegistry) {
    const schedule = scheduleOf(definition);
    if (schedule === undefined) continue;
    phases.push(
      await phase(
        `idle ${definition.name}`,
        1,
        async () => {
          await stack.scheduler.runNow(definition.name);
        },
        () => true,
        async () => `one run (${schedule})`,
      ),
    );
  }
} finally {
  await stack.stop();
}

// --- the cost ------------------------------------------------------------------------------------

const memoryGb = (fn: string) => (functionRegistry.find((d) => d.name === fn)?.memoryMb ?? 512) / 1024;
const queueConsumers = new Set(
  functionRegistry.filter((d) => d.trigger.startsWith('queue:')).map((d) => d.name),
);

interface Cost {
  lambdaRequests: number;
  lambdaDuration: number;
  dynamo: number;
  sqs: number;
  apiGateway: number;
  logs: number;
  secrets: number;
  total: number;
}
function costOf(c: Counts): Cost {
  const invocations = Object.values(c.invocations).reduce((sum, n) => sum + n, 0);
  const gbSeconds = Object.entries(c.durationMs).reduce(
    (sum, [fn, ms]) => sum + (ms / 1000) * memoryGb(fn),
    0,
  );
  const consumerInvocations = Object.entries(c.invocations)
    .filter(([fn]) => queueConsumers.has(fn))
    .reduce((sum, [, n]) => sum + n, 0);
  const sqsRequests = c.sqsRequests + 2 * consumerInvocations;
  const logBytes = c.logBytes + invocations * platformLogBytesPerInvocation;
  const parts = {
    lambdaRequests: invocations * price('lambdaRequest'),
    lambdaDuration: gbSeconds * price('lambdaArmGbSecond'),
    dynamo:
      c.dynamoReadUnits * price('dynamoReadRequestUnit') +
      (c.dynamoWriteUnits + c.dynamoIndexWriteUnits) * price('dynamoWriteRequestUnit'),
    sqs: sqsRequests * price('sqsRequest'),
    apiGateway: (c.invocations['webhook-ingest'] ?? 0) * price('httpApiRequest'),
    logs: (logBytes / 1024 ** 3) * price('logsIngestedGb'),
    secrets: c.secretsCalls * price('secretsManagerApiCall'),
  };
  return { ...parts, total: Object.values(parts).reduce((sum, n) => sum + n, 0) };
}
const scale = (cost: Cost, by: number): Cost =>
  Object.fromEntries(Object.entries(cost).map(([key, value]) => [key, value * by])) as unknown as Cost;

const usd = (value: number) => (value < 0.01 ? `$${value.toFixed(5)}` : `$${value.toFixed(4)}`);
const perUnit = (p: Phase) => {
  const c = p.counts;
  const n = Math.max(1, p.units);
  const invocations = Object.values(c.invocations).reduce((sum, x) => sum + x, 0);
  const ms = Object.values(c.durationMs).reduce((sum, x) => sum + x, 0);
  return {
    invocations: invocations / n,
    durationMs: ms / n,
    dynamoReadUnits: c.dynamoReadUnits / n,
    dynamoWriteUnits: c.dynamoWriteUnits / n,
    dynamoIndexWriteUnits: c.dynamoIndexWriteUnits / n,
    sqsFunctionRequests: c.sqsRequests / n,
    apiRequests: (c.invocations['webhook-ingest'] ?? 0) / n,
    logBytes: c.logBytes / n,
    secretsCalls: c.secretsCalls / n,
  };
};

console.log(
  `\nAWS cost from measured counts (local mode, NetSuite 150 ms and Procurify 100 ms per call; prices ${priceFile.region}, ` +
    `${relative(projectRoot, pricesPath)}, as of ${priceFile.asOf})`,
);
console.log('  per record, measured:');
for (const p of phases.filter((x) => !x.name.startsWith('idle'))) {
  const u = perUnit(p);
  console.log(
    `    ${p.name.padEnd(12)} ${p.units} in ${(p.wallMs / 1000).toFixed(1)} s${p.settled ? '' : ' (NOT settled)'}: ` +
      `${u.invocations.toFixed(2)} invocations, ${u.durationMs.toFixed(0)} ms of Lambda, DynamoDB ${u.dynamoReadUnits.toFixed(2)} RRU + ` +
      `${u.dynamoWriteUnits.toFixed(2)} WRU (+ ${u.dynamoIndexWriteUnits.toFixed(2)} WRU of GSI writes), SQS ${u.sqsFunctionRequests.toFixed(2)} sent/changed, API ${u.apiRequests.toFixed(2)}, ` +
      `log ${u.logBytes.toFixed(0)} B, Secrets Manager ${u.secretsCalls.toFixed(2)}`,
  );
  console.log(`      invocations by function: ${JSON.stringify(p.counts.invocations)}; ${p.outcome}`);
  console.log(`      DynamoDB calls: ${JSON.stringify(p.counts.dynamoCalls)}`);
}

const byName = (name: string) => phases.find((p) => p.name === name)!;
const results = [
  { what: '10,000 master-data changes', phase: byName('master data'), per: 10_000 },
  { what: '1,000 bills', phase: byName('bills'), per: 1000 },
  { what: '1,000 payments', phase: byName('payments'), per: 1000 },
].map(({ what, phase: p, per }) => ({ what, cost: scale(costOf(p.counts), per / Math.max(1, p.units)) }));

// Idle month: the schedules at their default rates, plus what costs by the month whatever happens.
const minutesPerMonth = 30 * 24 * 60;
const defaults = parseConfiguration({ prefix: 'apsync' }).schedules as unknown as Record<string, number>;
const defaultMinutes = (schedule: string): number => defaults[`${schedule}Minutes`] ?? Number.NaN;
let idle = scale(costOf(emptyCounts()), 0);
let runsPerMonth = 0;
const idleLines: string[] = [];
for (const p of phases.filter((x) => x.name.startsWith('idle'))) {
  const fn = p.name.slice(5);
  const schedule = scheduleOf(functionRegistry.find((d) => d.name === fn)!)!;
  const runs = minutesPerMonth / defaultMinutes(schedule);
  runsPerMonth += runs;
  const month = scale(costOf(p.counts), runs);
  idleLines.push(
    `    ${fn.padEnd(16)} every ${String(defaultMinutes(schedule)).padStart(4)} min = ${runs} runs: ` +
      `${(p.counts.durationMs[fn] ?? 0).toFixed(0)} ms a run, ${p.counts.dynamoReadUnits} RRU + ${p.counts.dynamoWriteUnits} WRU + ${p.counts.dynamoIndexWriteUnits} GSI WRU, ` +
      `log ${p.counts.logBytes} B → ${usd(month.total)}/month`,
  );
  idle = Object.fromEntries(
    Object.entries(idle).map(([key, value]) => [key, value + month[key as keyof Cost]]),
  ) as unknown as Cost;
}
const secretCount = Object.keys(secretDefinitions).length;
const idleQueuePollers = queueConsumers.size;
// Lambda's SQS event source long-polls an idle queue (20 s waits) with about five pollers: requests it
// bills to the account whatever the traffic (an assumption from AWS's documentation, see the price file).
const idlePollRequests = idleQueuePollers * 5 * 3 * minutesPerMonth;
const fixed = {
  secretsStored: secretCount * price('secretsManagerSecretMonth'),
  schedulerInvocations: runsPerMonth * price('schedulerInvocation'),
  sqsIdlePolling: idlePollRequests * price('sqsRequest'),
};
const idleTotal = idle.total + Object.values(fixed).reduce((sum, n) => sum + n, 0);

console.log('\n  cost (no free tier):');
for (const { what, cost } of results) {
  console.log(
    `    ${what.padEnd(28)} ${usd(cost.total).padStart(9)}  (Lambda ${usd(cost.lambdaRequests + cost.lambdaDuration)}, ` +
      `DynamoDB ${usd(cost.dynamo)}, SQS ${usd(cost.sqs)}, API Gateway ${usd(cost.apiGateway)}, logs ${usd(cost.logs)}, ` +
      `Secrets Manager ${usd(cost.secrets)})`,
  );
}
console.log(`    idle month                   ${usd(idleTotal).padStart(9)}`);
for (const line of idleLines) console.log(line);
console.log(
  `    + ${secretCount} secrets ${usd(fixed.secretsStored)}, ${runsPerMonth} scheduler invocations ${usd(fixed.schedulerInvocations)}, ` +
    `SQS long polling of ${idleQueuePollers} idle queues (${idlePollRequests.toLocaleString('en-US')} requests) ${usd(fixed.sqsIdlePolling)}`,
);
const master = results[0]!.cost.total;
const goals = { masterPer10k: 0.1, idleMonth: 5 };
console.log(
  `\n  goal: under $${goals.masterPer10k.toFixed(2)} per 10,000 master-data changes: ${master < goals.masterPer10k ? 'met' : 'MISSED'} ` +
    `(${usd(master)}); under $${goals.idleMonth} an idle month: ${idleTotal < goals.idleMonth ? 'met' : 'MISSED'} (${usd(idleTotal)})`,
);
console.log(`\n  price table (${priceFile.region}, as of ${priceFile.asOf}; ${priceFile.note}):`);
for (const [key, entry] of Object.entries(priceFile.prices))
  console.log(`    ${key.padEnd(28)} $${entry.usd} ${entry.unit}  — ${entry.source}`);
console.log(
  `  not counted: CloudWatch alarms and custom-metric charges (their EMF log lines ${
    process.env.POWERTOOLS_METRICS_DISABLED === 'true'
      ? 'are OFF in this run: not in the log bytes'
      : 'are in the log bytes'
  }), DynamoDB storage and backups, log storage, data transfer, free tiers.`,
);

if (process.env.APSYNC_BENCH_FIGURES === '1') {
  const figures = {
    region: priceFile.region,
    pricesAsOf: priceFile.asOf,
    priceFile: relative(projectRoot, pricesPath),
    perRecord: Object.fromEntries(
      phases
        .filter((p) => !p.name.startsWith('idle'))
        .map((p) => [p.name, { units: p.units, ...perUnit(p) }]),
    ),
    costUsd: Object.fromEntries(results.map(({ what, cost }) => [what, cost])),
    idleMonthUsd: { total: idleTotal, schedules: idle, ...fixed },
    goals,
    masterDataGoalMet: master < goals.masterPer10k,
    idleGoalMet: idleTotal < goals.idleMonth,
    settled: phases.every((p) => p.settled),
  };
  console.log(`@@figures ${JSON.stringify(figures)}`);
}
failed = !phases.every((p) => p.settled);
if (failed) {
  console.error('cost benchmark: a phase did not settle; its counts are partial');
  process.exitCode = 1;
}
