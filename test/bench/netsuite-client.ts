// Benchmark of apsync's NetSuite client against the NetSuite sandbox (not a test): SuiteQL read
// throughput over 50,000 rows, and the governor's achieved request rate against the ceiling C/L of a
// sandbox with concurrency limit C and latency L, next to a naive unbounded Promise.all.
// Run: npx node test/bench/netsuite-client.ts
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../infra/sandboxes/netsuite/index.ts';
import {
  createNetSuiteClient,
  type NetSuiteClient,
  type NetSuiteClientConfigInput,
  suiteQlTimestamp,
} from '../../shared/netsuite/index.ts';

const BULK_ROWS = 50_000;
const READ_PATH = '/services/rest/record/v1/vendor';

function clientFor(sandbox: NetSuiteSandbox, overrides: Partial<NetSuiteClientConfigInput>): NetSuiteClient {
  const { accountId, clientId, certificateId, privateKeyPem, algorithm, tokenUrl } = sandbox.credentials;
  return createNetSuiteClient({
    baseUrl: sandbox.url,
    accountId,
    clientId,
    certificateId,
    privateKeyPem,
    algorithm,
    tokenUrl,
    concurrencyShare: 5,
    ...overrides,
  });
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  return [
    line(cells[0]!),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

const billRow = z.object({
  id: z.string(),
  tranid: z.string().optional(),
  lastmodified: z.string(),
  foreigntotal: z.string(),
  entity: z.string(),
});

async function suiteQlThroughput(): Promise<void> {
  const sandbox = await startNetSuiteSandbox({ concurrencyLimit: 5, seed: 3 });
  try {
    sandbox.seedDemo({ bills: 0, payments: 0 });
    sandbox.bulkBills(BULK_ROWS);
    const ns = clientFor(sandbox, {});
    // The sandbox loads new records into its SQL mirror on the first query: keep that out of the figures.
    const warmStart = performance.now();
    for await (const _ of ns.suiteQl.query(
      'SELECT COUNT(*) AS n FROM transaction',
      [],
      z.object({ n: z.string() }),
    )) {
      // one row
    }
    const warmMs = performance.now() - warmStart;

    const select = `id, tranid, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified, foreigntotal, entity`;
    const runs: Array<{ name: string; read: () => AsyncIterable<unknown> }> = [
      {
        name: 'query(): offset paging, 1000/page',
        read: () =>
          ns.suiteQl.query(
            `SELECT ${select} FROM transaction WHERE recordtype = ? ORDER BY id`,
            ['vendorbill'],
            billRow,
          ),
      },
      {
        name: 'windowed(): keyset paging (default)',
        read: () =>
          ns.suiteQl.windowed({
            select,
            from: 'transaction',
            where: 'recordtype = ?',
            params: ['vendorbill'],
            schema: billRow,
          }),
      },
      {
        name: 'windowed(): 100,000-row windows',
        read: () =>
          ns.suiteQl.windowed({
            select,
            from: 'transaction',
            where: 'recordtype = ?',
            params: ['vendorbill'],
            schema: billRow,
            windowRows: 100_000,
          }),
      },
    ];
    const rows: Array<Array<string | number>> = [];
    for (const run of runs) {
      const before = ns.stats().requests;
      const start = performance.now();
      let count = 0;
      for await (const _ of run.read()) count++;
      const wallMs = performance.now() - start;
      const pages = ns.stats().requests - before;
      rows.push([run.name, count, pages, (wallMs / 1000).toFixed(2), Math.round(count / (wallMs / 1000))]);
    }
    console.log(
      `\n(1) SuiteQL read throughput, ${BULK_ROWS.toLocaleString('en-US')} vendor bills (sandbox mirror load ${(warmMs / 1000).toFixed(2)} s, excluded)`,
    );
    console.log(table(['read', 'rows', 'pages', 'wall s', 'rows/s'], rows));
  } finally {
    await sandbox.close();
  }
}

interface RateResult {
  mode: string;
  limit: number;
  latencyMs: number;
  requests: number;
  wallMs: number;
  governance429: number;
  maxInFlight: number;
  retries: number;
}

async function measureRate(
  sandbox: NetSuiteSandbox,
  vendorIds: string[],
  mode: 'governor' | 'naive',
  limit: number,
  latencyMs: number,
  requests: number,
): Promise<RateResult> {
  sandbox.setConfig({ concurrencyLimit: limit });
  sandbox.faults.clear();
  const ns =
    mode === 'governor'
      ? clientFor(sandbox, { concurrencyShare: limit })
      : // No governor to speak of: every call goes out at once; retries with backoff so every call still ends.
        clientFor(sandbox, {
          concurrencyShare: 1000,
          adaptiveConcurrency: false,
          retryPolicy: { maxAttempts: 50, baseMs: 20, capMs: 2000 },
        });
  await ns.records.get('vendor', vendorIds[0]!); // token and first connection outside the measurement
  sandbox.faults.set(`GET ${READ_PATH}`, { latency: { baseMs: latencyMs } });
  sandbox.resetStats();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: requests }, (_, n) => ns.records.get('vendor', vendorIds[n % vendorIds.length]!)),
  );
  const wallMs = performance.now() - start;
  const stats = sandbox.stats();
  return {
    mode,
    limit,
    latencyMs,
    requests,
    wallMs,
    governance429: stats.governance429,
    maxInFlight: stats.maxInFlight,
    retries: ns.stats().retries,
  };
}

async function governorRate(): Promise<void> {
  const sandbox = await startNetSuiteSandbox({ concurrencyLimit: 5, seed: 5 });
  try {
    const demo = sandbox.seedDemo({ bills: 0, payments: 0 });
    const results: RateResult[] = [];
    for (const [limit, latencyMs, requests] of [
      [5, 100, 150],
      [5, 200, 80],
    ] as const) {
      results.push(await measureRate(sandbox, demo.vendors, 'governor', limit, latencyMs, requests));
      results.push(await measureRate(sandbox, demo.vendors, 'naive', limit, latencyMs, requests));
    }
    console.log(
      '\n(2) Request rate against the account ceiling C/L (sandbox limit C, latency L on every call)',
    );
    console.log(
      table(
        [
          'client',
          'C',
          'L ms',
          'calls',
          'wall s',
          'req/s',
          'ceiling',
          'ratio',
          '429s',
          'retries',
          'max in flight',
        ],
        results.map((result) => {
          const rate = result.requests / (result.wallMs / 1000);
          const ceiling = result.limit / (result.latencyMs / 1000);
          return [
            result.mode === 'governor' ? `governor, share = C` : 'naive Promise.all',
            result.limit,
            result.latencyMs,
            result.requests,
            (result.wallMs / 1000).toFixed(2),
            rate.toFixed(1),
            ceiling.toFixed(1),
            `${((rate / ceiling) * 100).toFixed(1)}%`,
            result.governance429,
            result.retries,
            result.maxInFlight,
          ];
        }),
      ),
    );
  } finally {
    await sandbox.close();
  }
}

const started = performance.now();
await suiteQlThroughput();
await governorRate();
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
