// Benchmark (not a test) for issue 7 §3: peak memory of local mode under load. Run:
//   npx node test/bench/memory.ts [--rate 50] [--seconds 20] [--idle-seconds 5] [--drain-seconds 90] [--settle-seconds 5]
//     [--netsuite-latency 0] [--procurify-latency 0]        (npm run bench runs it as one step)
// Starts `npm start`'s entry as a child process (`node infra/local/main.ts --ephemeral --port 0
// --no-schedules`: demo company, every worker, webhook endpoint), samples its resident set from
// /proc/<pid>/status every 100 ms, measures the idle RSS once it is ready, then drives the latency
// benchmark's workload from outside through the NetSuite sandbox's admin API: vendors seeded without
// notices, then each edited "as a NetSuite user" at a steady rate, so the sandbox posts a signed notice
// to the webhook and the inbound worker writes the vendor to Procurify. Reports the peak RSS during load
// and drain against the idle RSS of the same run, the RSS once the work is done (settled), and how many
// edits reached Procurify.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    'idle-seconds': { type: 'string', default: '5' },
    'drain-seconds': { type: 'string', default: '90' },
    'settle-seconds': { type: 'string', default: '5' },
    'netsuite-latency': { type: 'string', default: '0' },
    'procurify-latency': { type: 'string', default: '0' },
  },
});
const rate = Number(values.rate);
const loadSeconds = Number(values.seconds);
const idleSeconds = Number(values['idle-seconds']);
const drainSeconds = Number(values['drain-seconds']);
const settleSeconds = Number(values['settle-seconds']);
const netsuiteLatencyMs = Number(values['netsuite-latency']);
const procurifyLatencyMs = Number(values['procurify-latency']);
const count = Math.round(rate * loadSeconds);
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sampleEveryMs = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (kib: number) => kib / 1024;

/** VmRSS (now) and VmHWM (the kernel's peak since start) of a process, in KiB. */
function memoryOf(pid: number): { rssKiB: number; hwmKiB: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** RSS samples of one phase. */
class RssSampler {
  private readonly pid: number;
  private timer: NodeJS.Timeout | undefined;
  samples: number[] = [];

  constructor(pid: number) {
    this.pid = pid;
  }

  start(): void {
    this.samples = [];
    this.take();
    this.timer = setInterval(() => this.take(), sampleEveryMs);
  }

  stop(): number[] {
    clearInterval(this.timer);
    this.take();
    return this.samples;
  }

  private take(): void {
    const memory = memoryOf(this.pid);
    if (memory !== undefined && Number.isFinite(memory.rssKiB)) this.samples.push(memory.rssKiB);
  }
}

/** User + system CPU seconds of a process (/proc/<pid>/stat fields 14 and 15, USER_HZ 100). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

const median = (samples: number[]) =>
  [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? NaN;

async function adminJson(url: string, method = 'GET', body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** Waits for `apsync ready` and reads the sandboxes' admin URLs from what local mode prints. */
function waitForReady(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ netsuiteAdmin: string; procurifyAdmin: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`local mode not ready after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const netsuite = /NetSuite\s+sandbox \S+ \(admin (\S+)\)/.exec(output);
      const procurify = /Procurify\s+sandbox \S+ \(admin (\S+)\)/.exec(output);
      if (netsuite?.[1] !== undefined && procurify?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ netsuiteAdmin: netsuite[1], procurifyAdmin: procurify[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local mode exited with ${code} before it was ready:\n${output}`));
    });
  });
}

const startRequested = performance.now();
const child = spawn(
  process.execPath,
  [join(projectRoot, 'infra/local/main.ts'), '--ephemeral', '--port', '0', '--no-schedules'],
  { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
);
let childErrors = '';
child.stderr?.on('data', (chunk: Buffer) => {
  childErrors = (childErrors + chunk.toString('utf8')).slice(-20_000);
});
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

try {
  const pid = child.pid;
  if (pid === undefined) throw new Error('local mode did not start');
  if (memoryOf(pid) === undefined)
    throw new Error('no /proc/<pid>/status here: the memory benchmark needs Linux');
  const { netsuiteAdmin, procurifyAdmin } = await waitForReady(child, 120_000);
  const readyMs = performance.now() - startRequested;
  const startupHwmKiB = memoryOf(pid)?.hwmKiB ?? NaN;

  // Idle: ready, nothing to do (schedules on demand), after a short settling pause.
  await sleep(2000);
  const sampler = new RssSampler(pid);
  sampler.start();
  await sleep(idleSeconds * 1000);
  const idleSamples = sampler.stop();
  const idleKiB = median(idleSamples);

  // The workload: vendors like the demo's first one (its subsidiary and currency), seeded without notices.
  const template = (
    (await adminJson(`${netsuiteAdmin}/records/vendor?limit=1`)) as {
      items: Array<{ subsidiary?: { id: string }; currency?: { id: string } }>;
    }
  ).items[0];
  if (template?.subsidiary === undefined || template.currency === undefined)
    throw new Error('local mode has no demo vendor to copy');
  const seeded = (await adminJson(`${netsuiteAdmin}/seed`, 'POST', {
    records: {
      vendor: Array.from({ length: count }, (_, i) => ({
        entityId: `M-${i}`,
        companyName: `Memory Vendor ${i}`,
        subsidiary: { id: template.subsidiary?.id },
        currency: { id: template.currency?.id },
        email: `ap${i}@memory.example`,
      })),
    },
  })) as { created: { vendor?: string[] } };
  const vendorIds = seeded.created.vendor ?? [];
  if (vendorIds.length !== count) throw new Error(`seeded ${vendorIds.length} vendors, expected ${count}`);
  const procurifyVendors = async () =>
    ((await adminJson(`${procurifyAdmin}/records`)) as { vendors: number }).vendors;
  const vendorsBefore = await procurifyVendors();
  if (netsuiteLatencyMs > 0)
    await adminJson(`${netsuiteAdmin}/faults`, 'PUT', {
      '/services/rest': { latency: { baseMs: netsuiteLatencyMs } },
    });
  if (procurifyLatencyMs > 0)
    await adminJson(`${procurifyAdmin}/faults`, 'PUT', {
      rules: { '/api': { latency: { baseMs: procurifyLatencyMs } } },
    });

  sampler.start();
  const cpuBefore = cpuSecondsOf(pid);
  const loadStart = performance.now();
  const edits: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i++) {
    const wait = loadStart + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    edits.push(
      adminJson(`${netsuiteAdmin}/records/vendor/${vendorIds[i]}`, 'PATCH', {
        companyName: `Memory Vendor ${i} (edited)`,
      }),
    );
  }
  await Promise.all(edits);
  const loadMs = performance.now() - loadStart;
  let synced = 0;
  const drainDeadline = performance.now() + drainSeconds * 1000;
  for (;;) {
    synced = (await procurifyVendors()) - vendorsBefore;
    if (synced >= count || performance.now() > drainDeadline) break;
    await sleep(500);
  }
  const drainedMs = performance.now() - loadStart;
  const loadCpuSeconds = cpuSecondsOf(pid) - cpuBefore;
  const loadSamples = sampler.stop();
  const peakKiB = Math.max(...loadSamples);
  const endHwmKiB = memoryOf(pid)?.hwmKiB ?? NaN;
  // Settled: the work is done; what stays (caches, request logs, queues' and tables' contents) shows here.
  sampler.start();
  await sleep(settleSeconds * 1000);
  const settledKiB = median(sampler.stop());

  const figures = {
    rate,
    seconds: loadSeconds,
    edits: count,
    synced,
    netsuiteLatencyMs,
    procurifyLatencyMs,
    readyMs,
    idleRssMiB: mib(idleKiB),
    peakRssMiB: mib(peakKiB),
    peakToIdle: peakKiB / idleKiB,
    startupHwmMiB: mib(startupHwmKiB),
    hwmMiB: mib(endHwmKiB),
    settleSeconds,
    settledRssMiB: mib(settledKiB),
    loadMs,
    drainMs: drainedMs,
    syncedPerSecond: synced / (drainedMs / 1000),
    /** Local mode's CPU from the first edit to the drain, as a share of one core. */
    loadCpuShare: loadCpuSeconds / (drainedMs / 1000),
    samples: { idle: idleSamples.length, load: loadSamples.length, everyMs: sampleEveryMs },
  };

  console.log(
    `\nlocal mode memory (node infra/local/main.ts --ephemeral --port 0 --no-schedules, pid ${pid}, ready in ${(readyMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `  idle RSS          ${mib(idleKiB).toFixed(0)} MiB (median of ${idleSamples.length} samples over ${idleSeconds} s; start-up peak VmHWM ${mib(startupHwmKiB).toFixed(0)} MiB)`,
  );
  console.log(
    `  load              ${count} vendor edits at ${rate}/s through the NetSuite admin API → signed notices → webhook` +
      ` (sandbox latency NetSuite ${netsuiteLatencyMs} ms, Procurify ${procurifyLatencyMs} ms)`,
  );
  console.log(
    `  synced            ${synced}/${count} in ${(drainedMs / 1000).toFixed(1)} s from the first edit ` +
      `(${figures.syncedPerSecond.toFixed(1)}/s; edits sent in ${(loadMs / 1000).toFixed(1)} s; ` +
      `local mode used ${(figures.loadCpuShare * 100).toFixed(0)}% of one core meanwhile)`,
  );
  console.log(
    `  peak RSS          ${mib(peakKiB).toFixed(0)} MiB under load and drain = ${figures.peakToIdle.toFixed(2)}x idle ` +
      `(max of ${loadSamples.length} samples every ${sampleEveryMs} ms; VmHWM at the end ${mib(endHwmKiB).toFixed(0)} MiB)`,
  );
  console.log(
    `  settled RSS       ${mib(settledKiB).toFixed(0)} MiB = ${(settledKiB / idleKiB).toFixed(2)}x idle (median over ${settleSeconds} s after the drain)`,
  );
  if (process.env.APSYNC_BENCH_FIGURES === '1') console.log(`@@figures ${JSON.stringify(figures)}`);
} catch (error) {
  if (childErrors !== '') console.error(`local mode's stderr:\n${childErrors}`);
  throw error;
} finally {
  if (child.exitCode === null) {
    const stopStart = performance.now();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      delay(20_000, 'timeout' as const, { ref: false }), // unref'd: must not keep this process alive
    ]);
    if (code === 'timeout') child.kill('SIGKILL');
    console.error(
      `local mode stopped in ${((performance.now() - stopStart) / 1000).toFixed(1)} s (${String(code)})`,
    );
  }
}
