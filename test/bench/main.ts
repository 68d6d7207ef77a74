// The benchmark suite (`npm run bench [-- --quick] [-- --only latency-10,backfill] [-- --verbose]`):
// runs each benchmark script of test/bench as its own child process (so one's memory and event loop do
// not colour the next, and local mode's RSS is its own), reads the one `@@figures {json}` line each
// prints when APSYNC_BENCH_FIGURES=1, prints a table of the figures against their goals with the
// machine they were measured on, and writes everything to bench-results/latest.json (plus a dated
// copy, and each step's full output under bench-results/logs/{full,quick}/). Full run about 10 minutes
// on 2 cores, --quick about 3. `--only a,b` runs some steps; `--verbose` shows each step's own output.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const figuresMarker = '@@figures ';

/** Mean wait for the next run of the cadences users live with today. */
const cadences = { hourly: 30 * 60 * 1000, nightly: 12 * 60 * 60 * 1000 } as const;

interface Step {
  key: string;
  title: string;
  script: string;
  args: string[];
  env?: Record<string, string>;
  /** How the figure is measured, for the JSON and the README. */
  method: string;
  timeoutMs: number;
}

function plan(quick: boolean): Step[] {
  const latencySeconds = quick ? '5' : '15';
  const payments = quick ? '100' : '500';
  const bills = quick ? '60' : '300';
  const latencyMethod = (rate: number, seconds: string, scaled: boolean) =>
    `test/bench/master-data-latency.ts: local stack, each function instance in its own worker thread ` +
    `(provisioned warm before the first edit), sandboxes and AWS emulators on the main thread; NetSuite sandbox ` +
    `150 ms and Procurify 100 ms per call; ${rate} vendors/s edited as a NetSuite user for ${seconds} s (signed ` +
    `notice → webhook → inbound queue → worker → Procurify); latency = edit → vendor renamed in the Procurify ` +
    `store (watched every 5 ms); drain = last edit → last vendor renamed; ` +
    `${scaled ? '10 worker instances, NetSuite share 10 of limit 15' : '4 worker instances, NetSuite share 4 of limit 5'} (one permit each); ` +
    `NetSuite requests per record = REST requests (token excluded) / records synced; product CPU per record = ` +
    'CPU time of the webhook-ingest and inbound-worker threads (process.threadCpuUsage) / records synced, apart ' +
    "from the main thread's (sandboxes, emulators, event sources, the script)";
  // The issue 16 goal is 50/s for 60 s; the quick run keeps 5 s.
  const latency50Seconds = quick ? '5' : '60';
  const steps: Step[] = [
    {
      key: 'bundles',
      title: 'bundle sizes and init times',
      script: 'test/bench/bundles.ts',
      args: [],
      env: { APSYNC_BENCH_RUNS: quick ? '3' : '7' },
      method:
        'test/bench/bundles.ts: the service stack synthesized as `cdk synth` does (esbuild bundles); init = ' +
        `import() of each bundle in a fresh node process, median of ${quick ? 3 : 7} runs, AWS endpoints pointing at nothing`,
      timeoutMs: 5 * 60_000,
    },
    {
      key: 'latency-10',
      title: 'notice → Procurify latency at 10/s',
      script: 'test/bench/master-data-latency.ts',
      args: ['--rate', '10', '--seconds', latencySeconds],
      method: latencyMethod(10, latencySeconds, false),
      timeoutMs: 4 * 60_000,
    },
    {
      key: 'latency-50',
      title: 'notice → Procurify latency at 50/s',
      script: 'test/bench/master-data-latency.ts',
      args: ['--rate', '50', '--seconds', latency50Seconds],
      method: latencyMethod(50, latency50Seconds, false),
      timeoutMs: 4 * 60_000,
    },
    {
      key: 'burst-200',
      title: 'a burst of 200 notices/s for 10 s',
      script: 'test/bench/master-data-latency.ts',
      args: ['--rate', '200', '--seconds', '10'],
      method: latencyMethod(200, '10', false),
      timeoutMs: 4 * 60_000,
    },
    ...(quick
      ? []
      : [
          {
            // Each instance is a thread with its own client and one NetSuite permit, as on Lambda: 10
            // instances hold the share of 10 (no longer 32 invocations sharing one client's 10 permits).
            key: 'latency-50-scaled',
            title: 'notice → Procurify latency at 50/s, 10 instances',
            script: 'test/bench/master-data-latency.ts',
            args: [
              '--rate',
              '50',
              '--seconds',
              latencySeconds,
              '--concurrency',
              '10',
              '--share',
              '10',
              '--netsuite-limit',
              '15',
            ],
            method: latencyMethod(50, latencySeconds, true),
            timeoutMs: 4 * 60_000,
          },
        ]),
    // One instance per permit: each instance is a thread with its own client, as on Lambda, so
    // invocations beyond the permits (the former `-x2` step) would no longer share them.
    ...[
      { limit: 5, invocations: 5 },
      { limit: 15, invocations: 15 },
    ].map(({ limit, invocations }) => ({
      key: `payments-c${limit}${invocations === limit ? '' : `-x${invocations / limit}`}`,
      title: `payment push at C=${limit}${invocations === limit ? '' : `, ${invocations} invocations`}`,
      script: 'test/bench/payment-push.ts',
      args: [
        '--payments',
        payments,
        '--limit',
        String(limit),
        ...(invocations === limit ? [] : ['--invocations', String(invocations)]),
      ],
      method:
        `test/bench/payment-push.ts --payments ${payments} --limit ${limit}: local stack, NetSuite sandbox at ` +
        `concurrency limit C=${limit} and L=200 ms on every call; ${payments} paid Procurify payments (1-3 bills each) ` +
        `seeded with their bill links and enqueued at once; ${limit} worker instances (threads, provisioned warm) × 1 permit` +
        `${invocations === limit ? '' : `, ${invocations} concurrent invocations sharing them`}; rate = NetSuite ` +
        `requests (token included) / wall (enqueue → last payment synced), against C/L; baseline = the raw client's ` +
        "concurrent GET loop at the same C and L, same run; product CPU per payment = the worker threads' CPU time " +
        "/ payments (each instance's first invocation shown apart); NetSuite requests in flight per second of the " +
        "wall from the sandbox's request log. The full 2,000-payment figure is recorded separately.",
      timeoutMs: 10 * 60_000,
    })),
    {
      key: 'bills',
      title: 'bill sync with realistic bills at C=5',
      script: 'test/bench/bill-sync.ts',
      args: ['--bills', bills],
      method:
        `test/bench/bill-sync.ts --bills ${bills}: local stack, NetSuite demo company (seedDemo) with the bill-sync ` +
        'settings set through changeBillSettings (tax as lines, shipping account, coded costs, locations, class, ' +
        'attachments folder); NetSuite sandbox at concurrency limit C=5 and L=200 ms on every call (REST, SuiteQL, ' +
        `RESTlet, token); ${bills} approved Procurify bills of 5 lines (exclusive and inclusive tax at 8.875/10.25 % and ` +
        '5/13 %, per-line shipping, a line split over two departments, Net 30) with one invoice PDF each, enqueued at ' +
        'once; 5 worker instances × 1 permit; rate = bills / wall (enqueue → last bill final) against the ceiling ' +
        'C / (L × NetSuite requests per bill, token included); every Vendor Bill total checked against ' +
        "Procurify's invoice_total and each PDF attached exactly once (the step fails otherwise)",
      timeoutMs: 10 * 60_000,
    },
    {
      key: 'backfill',
      title: 'backfill read of vendor bills by SuiteQL',
      script: 'test/bench/backfill.ts',
      args: quick ? ['--bills', '20000', '--baseline-pages', '10'] : [],
      method:
        `test/bench/backfill.ts: NetSuite sandbox seeded with ${quick ? '20,000' : '100,000'} bills (bulkBills), 150 ms added ` +
        "to every SuiteQL page; apsync's client reads them all with suiteQl.windowed (keyset paging, then 100,000-row " +
        'windows); ceiling = 1000 rows per page / 150 ms × 1 page in flight (a read is sequential); baseline = the ' +
        'same keyset SQL with plain fetch over the first pages, same run',
      timeoutMs: 8 * 60_000,
    },
    {
      key: 'memory',
      title: 'local mode memory under load',
      script: 'test/bench/memory.ts',
      args: quick ? ['--seconds', '8', '--idle-seconds', '3', '--drain-seconds', '45'] : [],
      method:
        'test/bench/memory.ts: `node infra/local/main.ts --ephemeral --port 0 --no-schedules` as a child process; ' +
        'RSS from /proc/<pid>/status every 100 ms; idle = median over the idle seconds after ready; load = vendor ' +
        `edits at 50/s for ${quick ? 8 : 20} s through the NetSuite sandbox admin API (signed notices to the webhook), ` +
        'sandboxes at loopback speed; peak = max RSS from the first edit until every edit reached Procurify; ' +
        'settled = median over 5 s after that',
      timeoutMs: 5 * 60_000,
    },
    {
      key: 'reconcile',
      title: 'reconcile of master data and bills in bulk',
      script: 'test/bench/reconcile.ts',
      args: quick ? ['--quick'] : [],
      method:
        `test/bench/reconcile.ts${quick ? ' --quick' : ''}: local stack; NetSuite demo company with ` +
        `${quick ? '1,000 vendors and 200' : '10,000 vendors and 2,000'} numbered accounts, their Procurify records made ` +
        "from the reconciler's own SuiteQL reads through the inbound worker's mapping, " +
        `${quick ? '5,000' : '50,000'} approved Procurify bills (addBulkBills) each with a Vendor Bill carrying ` +
        'its external id and total, every link written to the state table (seeding excluded); then NetSuite 150 ms ' +
        'on every call and a client share of 4 (limit 5), and the reconciliation use case with the `apsync reconcile` ' +
        'wiring (shared/reconcile/wiring.ts), every area, no --fix, grace 0; NetSuite requests against one read per ' +
        'table of 1000-row pages; RSS of the process (sandboxes included) sampled every 20 ms',
      timeoutMs: 10 * 60_000,
    },
    {
      key: 'cost',
      title: 'AWS cost from measured counts',
      script: 'test/bench/cost.ts',
      args: quick ? ['--quick'] : [],
      // The EMF metric lines are log bytes on AWS: this step keeps them.
      env: { POWERTOOLS_METRICS_DISABLED: 'false' },
      method:
        'test/bench/cost.ts: local stack with the demo company, NetSuite 150 ms and Procurify 100 ms per call; ' +
        `${quick ? 40 : 100} vendor edits with signed notices, ${quick ? 20 : 60} approved bills and ${quick ? 15 : 40} ` +
        'payments found by procurify-poll, then one run of each schedule with nothing new; counted in-process: handler ' +
        'invocations and wall time (billed at the registry memory, Arm), DynamoDB request units, SQS requests (receive ' +
        'and delete modelled per invocation), Secrets Manager calls, bytes logged at INFO (+340 B of Lambda platform ' +
        'lines per invocation); priced with test/bench/aws-prices-us-east-1-2026-12.json (no free tiers)',
      timeoutMs: 10 * 60_000,
    },
  ];
  return steps;
}

interface StepResult {
  title: string;
  command: string;
  method: string;
  seconds: number;
  /** CPU time of the step's own process (user + system, its children not included), last read before exit. */
  cpuSeconds?: number;
  exitCode: number | null;
  log: string;
  figures?: Record<string, unknown>;
  error?: string;
}

/**
 * User + system CPU seconds of a process from /proc/<pid>/stat (Linux; undefined elsewhere); not its
 * children's (local mode's own share is in the memory step's figures). A step that
 * used about one core for its whole run was bound by the one event loop that runs the emulators, the
 * sandboxes and the workers together, not by the code under test's waits.
 */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / clockTicksPerSecond : undefined;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const clockTicksPerSecond = 100;

/** The step running now: its own process group, so Ctrl-C on the suite must end it explicitly. */
let running: ChildProcess | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (running?.pid !== undefined && running.exitCode === null) process.kill(-running.pid, 'SIGTERM');
    process.exit(130);
  });
}

function runStep(step: Step, logDir: string, verbose: boolean): Promise<StepResult> {
  const command = `node ${step.script} ${step.args.join(' ')}`.trim();
  const logPath = join(logDir, `${step.key}.log`);
  const log = createWriteStream(logPath);
  const started = performance.now();
  return new Promise((resolve) => {
    // Its own process group, so a timeout also ends what the step started (local mode in `memory`).
    const child: ChildProcess = spawn(process.execPath, [join(projectRoot, step.script), ...step.args], {
      cwd: projectRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...step.env,
        APSYNC_BENCH_FIGURES: '1',
        // A log line per record would cost the measured process more than Lambda pays for it.
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
        POWERTOOLS_METRICS_DISABLED: step.env?.POWERTOOLS_METRICS_DISABLED ?? 'true',
        POWERTOOLS_TRACE_ENABLED: 'false',
      },
    });
    running = child;
    let cpuSeconds: number | undefined;
    const cpuSampler = setInterval(() => {
      if (child.pid !== undefined) cpuSeconds = cpuSecondsOf(child.pid) ?? cpuSeconds;
    }, 250);
    let figures: Record<string, unknown> | undefined;
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log.write(text);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(figuresMarker)) figures = JSON.parse(line.slice(figuresMarker.length));
        else if (verbose) process.stdout.write(`  │ ${line}\n`);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (verbose) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => {
      log.write(`\n[bench] ${step.key} timed out after ${step.timeoutMs} ms: its process group is ended\n`);
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, step.timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      clearInterval(cpuSampler);
      if (pending.startsWith(figuresMarker)) figures = JSON.parse(pending.slice(figuresMarker.length));
      log.end();
      const seconds = (performance.now() - started) / 1000;
      const result: StepResult = {
        title: step.title,
        command,
        method: step.method,
        seconds,
        ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
        exitCode: code,
        log: relative(projectRoot, logPath),
        ...(figures === undefined ? {} : { figures }),
      };
      if (code !== 0 || figures === undefined) {
        result.error = code !== 0 ? `exited with ${code}` : 'printed no figures';
      }
      resolve(result);
    });
  });
}

// --- the table ---------------------------------------------------------------------------------

type Status = 'met' | 'MISSED' | '' | 'failed';
interface Row {
  figure: string;
  value: string;
  goal: string;
  status: Status;
  step: string;
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);
const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const times = (ratio: number) => `${Math.round(ratio).toLocaleString('en-US')}x`;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const check = (ok: boolean): Status => (ok ? 'met' : 'MISSED');

function rowsOf(key: string, result: StepResult): Row[] {
  const f = result.figures;
  if (f === undefined) {
    return [
      {
        figure: result.title,
        value: `no figures (${result.error}; see ${result.log})`,
        goal: '',
        status: 'failed',
        step: key,
      },
    ];
  }
  const row = (figure: string, value: string, goal = '', status: Status = ''): Row => ({
    figure,
    value,
    goal,
    status,
    step: key,
  });
  if (key.startsWith('latency') || key.startsWith('burst')) {
    const latency = f.latencyMs as { p50: number; p99: number; max: number };
    const synced = `${num(f.synced)}/${num(f.edits)} synced`;
    const setup = `${num(f.workerConcurrency)} invocations, share ${num(f.netsuiteShare)}/${num(f.netsuiteLimit)}`;
    const burst = key.startsWith('burst');
    const rows = [
      burst
        ? row(
            `burst of ${num(f.rate)} notices/s for ${num(f.seconds)} s (${setup})`,
            `${synced}, drained ${ms(num(f.drainMs))} after the last edit (p99 ${ms(latency.p99)})`,
            'none lost, drained ≤ 30 s',
            check(f.synced === f.edits && num(f.drainMs) <= 30_000),
          )
        : row(
            `notice → Procurify at ${num(f.rate)}/s for ${num(f.seconds)} s (${setup})`,
            `p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)} (${synced})`,
            'p99 ≤ 2,000 ms',
            check(latency.p99 <= 2000 && f.synced === f.edits),
          ),
    ];
    if (!burst) {
      rows.push(
        row(
          '  p50 vs hourly sync (30 min mean wait) / nightly (12 h)',
          `${times(cadences.hourly / latency.p50)} / ${times(cadences.nightly / latency.p50)} sooner`,
        ),
      );
    }
    if (f.productCpuMsPerRecord !== undefined) {
      rows.push(
        row(
          '  product CPU per synced record (function threads)',
          `${num(f.productCpuMsPerRecord).toFixed(2)} ms (sandboxes + emulators + harness: ${num(f.mainThreadCpuMsPerRecord).toFixed(2)} ms)`,
          '≤ 5 ms',
          check(num(f.productCpuMsPerRecord) <= 5),
        ),
      );
    }
    rows.push(
      row(
        '  NetSuite requests per synced record',
        num(f.netsuiteRequestsPerRecord).toFixed(2),
        '≤ 0.25',
        check(num(f.netsuiteRequestsPerRecord) <= 0.25),
      ),
      row('  NetSuite 429s', String(num(f.governance429)), '0', check(num(f.governance429) === 0)),
    );
    return rows;
  }
  if (key.startsWith('payments')) {
    const ratio = num(f.ratioToCeiling);
    const outcome = f.outcome as { synced: number; failed: number; review: number; duplicates: number };
    return [
      row(
        `payments/s at C=${num(f.limit)}, L=${num(f.latencyMs)} ms (${num(f.payments)} payments` +
          `${f.invocations === f.instances ? '' : `, ${num(f.invocations)} invocations on ${num(f.instances)} permits`})`,
        `${num(f.paymentsPerSecond).toFixed(2)} of ${num(f.ceilingPaymentsPerSecond).toFixed(2)} = ${pct(ratio)} of C/L ` +
          `(${num(f.requestsPerPayment).toFixed(2)} req/payment)`,
        '≥ 90% of C/L',
        check(ratio >= 0.9 && outcome.synced === num(f.payments)),
      ),
      row(
        '  vs raw client at the same C and L (same run)',
        `${pct(num(f.ratioToBaseline))} of its ${num((f.baseline as Record<string, unknown>).requestRate).toFixed(1)} req/s`,
      ),
      row(
        '  429s; duplicates',
        `${num(f.governance429)}; ${outcome.duplicates}`,
        '0; 0',
        check(num(f.governance429) === 0 && outcome.duplicates === 0),
      ),
      ...(f.productCpuMsPerPayment === undefined
        ? []
        : [
            row(
              '  product CPU per payment (payment-push-worker threads)',
              `${num(f.productCpuMsPerPayment).toFixed(2)} ms (sandboxes + emulators + harness: ${num(f.mainThreadCpuMsPerPayment).toFixed(2)} ms)`,
            ),
          ]),
    ];
  }
  if (key === 'bills') {
    const ratio = num(f.ratioToCeiling);
    const outcome = f.outcome as { synced: number; totalsEqual: number; attachedOnce: number };
    const kinds = f.requestsPerBillByKind as Record<string, number>;
    const bills = num(f.bills);
    return [
      row(
        `bills/s at C=${num(f.limit)}, L=${num(f.latencyMs)} ms (${bills} bills, ${num(f.linesPerBill)} lines, tax, shipping, PDF)`,
        `${num(f.billsPerSecond).toFixed(2)} of ${num(f.ceilingBillsPerSecond).toFixed(2)} = ${pct(ratio)} of C/(L × req/bill)`,
      ),
      row(
        '  NetSuite requests per bill (SuiteQL / record writes / RESTlet)',
        `${num(f.requestsPerBill).toFixed(2)} (${num(kinds.suiteql).toFixed(2)} / ${num(kinds.recordWrites).toFixed(2)} / ` +
          `${num(kinds.restlet).toFixed(2)}); Procurify ${num(f.procurifyRequestsPerBill).toFixed(2)}`,
      ),
      row(
        '  429s; totals = invoice_total; PDFs attached once',
        `${num(f.netsuite429)}; ${outcome.totalsEqual}/${bills}; ${outcome.attachedOnce}/${bills}`,
        `0; ${bills}/${bills}; ${bills}/${bills}`,
        check(f.verified === true && num(f.netsuite429) === 0),
      ),
    ];
  }
  if (key === 'backfill') {
    const reads = f.reads as Array<Record<string, unknown>>;
    const baseline = f.baseline as Record<string, unknown>;
    const ceiling = num(f.ceilingRowsPerSecond);
    const rows = [
      row(
        `SuiteQL paging ceiling (${num(f.pageLatencyMs)} ms per page)`,
        `${Math.round(ceiling).toLocaleString('en-US')} rows/s (1000 rows/page, 1 page in flight)`,
      ),
    ];
    for (const read of reads) {
      rows.push(
        row(
          `  ${num(f.bills).toLocaleString('en-US')} bills, ${String(read.name)}`,
          `${Math.round(num(read.rowsPerSecond)).toLocaleString('en-US')} rows/s = ${pct(num(read.ratioToCeiling))} of ceiling ` +
            `(page ${num(read.meanPageMs).toFixed(0)} ms at the sandbox: ${pct(num(read.ratioToObservedPaging))} of 1000 rows per that)`,
        ),
      );
    }
    const keyset = reads[0];
    if (keyset !== undefined) {
      rows.push(
        row(
          '  keyset read vs plain-fetch baseline (same SQL, first pages)',
          pct(num(keyset.firstRowsPerSecond) / num(baseline.rowsPerSecond)),
        ),
      );
    }
    return rows;
  }
  if (key === 'bundles') {
    const functions = f.functions as Array<{ name: string; bytes: number; median: number }>;
    const goals = f.goals as { bundleBytes: number; initMs: number };
    const largest = functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const slowest = functions.reduce((a, b) => (b.median > a.median ? b : a));
    return [
      row(
        `bundle size, largest of ${functions.length} (${largest.name})`,
        `${(largest.bytes / 1024).toFixed(1)} KiB`,
        '< 1,024 KiB',
        check(functions.every((fn) => fn.bytes < goals.bundleBytes)),
      ),
      row(
        `init time, slowest median (${slowest.name})`,
        `${slowest.median.toFixed(1)} ms`,
        `< ${goals.initMs} ms`,
        check(functions.every((fn) => fn.median < goals.initMs)),
      ),
    ];
  }
  if (key === 'memory') {
    return [
      row(
        'local mode idle RSS',
        `${mib(num(f.idleRssMiB))} (ready in ${(num(f.readyMs) / 1000).toFixed(1)} s)`,
      ),
      row(
        `local mode peak RSS, ${num(f.rate)}/s for ${num(f.seconds)} s`,
        `${mib(num(f.peakRssMiB))} = ${num(f.peakToIdle).toFixed(2)}x idle (${num(f.synced)}/${num(f.edits)} synced ` +
          `in ${(num(f.drainMs) / 1000).toFixed(1)} s, ${pct(num(f.loadCpuShare))} of one core)`,
        '',
        f.synced === f.edits ? '' : 'MISSED',
      ),
      row(
        `local mode RSS ${num(f.settleSeconds)} s after the drain`,
        `${mib(num(f.settledRssMiB))} = ${(num(f.settledRssMiB) / num(f.idleRssMiB)).toFixed(2)}x idle`,
      ),
    ];
  }
  if (key === 'reconcile') {
    const rows = `${num(f.vendors).toLocaleString('en-US')} vendors, ${num(f.accountCodes).toLocaleString('en-US')} account codes, ${num(f.bills).toLocaleString('en-US')} bills`;
    return [
      row(
        `reconcile ${rows} (NetSuite ${num(f.latencyMs)} ms, share ${num(f.share)})`,
        `${(num(f.wallMs) / 1000).toFixed(1)} s, ${num(f.discrepancies)} discrepancies`,
        '0 discrepancies',
        check(num(f.discrepancies) === 0),
      ),
      row(
        '  NetSuite requests vs N/1000 (one read per table); Procurify requests',
        `${num(f.netsuiteRequests)} for ${num(f.netsuiteRows).toLocaleString('en-US')} rows (${num(f.netsuitePagesFloor)} pages); ${num(f.procurifyRequests)}`,
        '≈ N/1000',
        check(num(f.netsuiteRequests) <= num(f.netsuitePagesFloor) * 1.1 + 1),
      ),
      row(
        '  RSS before → peak (sandboxes in the same process)',
        `${mib(num(f.rssBeforeMiB))} → ${mib(num(f.rssPeakMiB))}`,
      ),
    ];
  }
  if (key === 'cost') {
    const cost = f.costUsd as Record<string, { total: number }>;
    const idle = f.idleMonthUsd as { total: number };
    const usd = (value: number) => `$${value.toFixed(4)}`;
    return [
      row(
        `AWS cost per 10,000 master-data changes (${String(f.region)}, prices of ${String(f.pricesAsOf)})`,
        usd(num(cost['10,000 master-data changes']?.total)),
        '< $0.10',
        check(f.masterDataGoalMet === true),
      ),
      row(
        '  per 1,000 bills / per 1,000 payments',
        `${usd(num(cost['1,000 bills']?.total))} / ${usd(num(cost['1,000 payments']?.total))}`,
      ),
      row(
        '  idle month (schedules, secrets, queue polling)',
        usd(num(idle.total)),
        '< $5',
        check(f.idleGoalMet === true),
      ),
    ];
  }
  return [];
}

function table(rows: Row[]): string {
  const cells = [
    ['figure', 'value', 'goal', 'status', 'step'],
    ...rows.map((row) => [row.figure, row.value, row.goal, row.status, row.step]),
  ];
  const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...cells.map((cell) => cell[column]!.length)));
  const line = (cell: string[]) =>
    cell
      .map((text, column) => text.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [
    line(cells[0]!),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

// --- the run -----------------------------------------------------------------------------------

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results/latest.json' },
    help: { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;
const allSteps = plan(quick);
if (values.help === true) {
  console.log(
    'npm run bench [-- --quick] [-- --only <step,...>] [-- --verbose] [-- --out bench-results/latest.json]\n' +
      `steps: ${allSteps.map((step) => step.key).join(', ')}`,
  );
  process.exit(0);
}
const only = values.only?.split(',').map((key) => key.trim());
const unknown = only?.filter((key) => !allSteps.some((step) => step.key === key)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown step ${unknown.join(', ')}; steps: ${allSteps.map((step) => step.key).join(', ')}`);
  process.exit(2);
}
const steps = only === undefined ? allSteps : allSteps.filter((step) => only.includes(step.key));

const processors = cpus();
const machine = {
  cpuModel: processors[0]?.model ?? 'unknown',
  cpuCount: processors.length,
  totalMemoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
  node: process.version,
  platform: `${platform()} ${release()}`,
  loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
};
const outPath = resolve(projectRoot, values.out ?? 'bench-results/latest.json');
const logDir = join(dirname(outPath), 'logs', quick ? 'quick' : 'full');
mkdirSync(logDir, { recursive: true });

const machineLine =
  `${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, node ${machine.node}, ` +
  `${machine.platform}, load ${machine.loadAverageAtStart.join(' ')}`;
console.log(`apsync benchmarks (${quick ? 'quick' : 'full'} run) on ${machineLine}`);
const startedAt = new Date();
const suiteStart = performance.now();
const results: Record<string, StepResult> = {};
for (const [index, step] of steps.entries()) {
  process.stdout.write(`[${index + 1}/${steps.length}] ${step.title} (${step.key}) … `);
  const result = await runStep(step, logDir, values.verbose === true);
  results[step.key] = result;
  const cpu =
    result.cpuSeconds === undefined
      ? ''
      : `, CPU ${result.cpuSeconds.toFixed(1)} s = ${pct(result.cpuSeconds / result.seconds)} of one core`;
  console.log(
    `${result.seconds.toFixed(1)} s${cpu}${result.error === undefined ? '' : ` — ${result.error}, see ${result.log}`}`,
  );
}
const totalSeconds = (performance.now() - suiteStart) / 1000;

const rows = Object.entries(results).flatMap(([key, result]) => rowsOf(key, result));
console.log(`\n${table(rows)}`);
console.log(
  `\nmeasured on ${machineLine}; suite ${(totalSeconds / 60).toFixed(1)} min. ` +
    'Sandboxes, emulators and workers share this machine, so a figure is a floor for what the code does, ' +
    'with the latency of the real services replaced by the configured sandbox latency.',
);
const missed = rows.filter((row) => row.status === 'MISSED' || row.status === 'failed');
if (missed.length > 0)
  console.log(
    `goals missed or steps failed: ${missed.map((row) => `${row.step}: ${row.figure.trim()}`).join('; ')}`,
  );

const report = {
  suite: 'apsync benchmarks',
  mode: quick ? 'quick' : 'full',
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  totalSeconds,
  machine: { ...machine, loadAverageAtEnd: loadavg().map((load) => Number(load.toFixed(2))) },
  cadences: { hourlyMeanWaitMs: cadences.hourly, nightlyMeanWaitMs: cadences.nightly },
  steps: results,
  table: rows,
};
writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
const dated = join(
  dirname(outPath),
  `${startedAt.toISOString().replace(/[:.]/g, '-')}-${quick ? 'quick' : 'full'}.json`,
);
copyFileSync(outPath, dated);
console.log(
  `figures: ${relative(projectRoot, outPath)} (and ${relative(projectRoot, dated)}); step logs in ${relative(projectRoot, logDir)}/`,
);
process.exitCode = Object.values(results).some((result) => result.error !== undefined) ? 1 : 0;
