// Benchmark (not a test) for issue 7 §3: a backfill's SuiteQL read of 100,000 vendor bills against the
// paging ceiling. Run: npx node test/bench/backfill.ts [--bills 100000] [--page-latency 150] [--limit 5]
// (npm run bench runs it as one step). The NetSuite sandbox is seeded with `bulkBills`, every SuiteQL
// page is served after `--page-latency` ms, and the rows are read through apsync's client
// (`suiteQl.windowed`): keyset paging (the default, one query per 1000-row page) and 100,000-row windows
// (offset paging inside one query). A SuiteQL read is sequential — the next page is asked for once the
// previous one said `hasMore` — so one page is in flight and the paging ceiling is
// 1000 rows / page latency. Baseline in the same run: the same keyset SQL read with plain fetch (no
// client: no governor, no validation) over its first `--baseline-pages` pages, next to the client's
// default read over the same first pages: the client's own cost is the ratio between the two.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { SandboxAccess } from '../../infra/sandboxes/netsuite/access.ts';
import { startNetSuiteSandbox } from '../../infra/sandboxes/netsuite/index.ts';
import {
  buildWindowQuery,
  createNetSuiteClient,
  suiteQlTimestamp,
  type WindowKey,
} from '../../shared/netsuite/index.ts';
import { suiteQlMaxPageSize } from '../../shared/netsuite/suiteql.ts';

const { values } = parseArgs({
  options: {
    bills: { type: 'string', default: '100000' },
    'page-latency': { type: 'string', default: '150' },
    limit: { type: 'string', default: '5' },
    'baseline-pages': { type: 'string', default: '20' },
  },
});
const billCount = Number(values.bills);
const pageLatencyMs = Number(values['page-latency']);
const limit = Number(values.limit);
/** The baseline reads this many rows only (keeps the suite short); compared over the same first pages. */
const baselineRows = Math.min(billCount, Number(values['baseline-pages']) * 1000);
const suiteQlPath = '/services/rest/query/v1/suiteql';
/** One page in flight: a SuiteQL read learns whether there is a next page only from the previous one. */
const pagesInFlight = 1;
const ceiling = (suiteQlMaxPageSize / (pageLatencyMs / 1000)) * pagesInFlight;

const billRow = z.object({
  id: z.string(),
  tranid: z.string().optional(),
  lastmodified: z.string(),
  foreigntotal: z.string(),
  entity: z.string(),
  trandate: z.string(),
});
const select = `id, tranid, ${suiteQlTimestamp('lastmodifieddate')} AS lastmodified, foreigntotal, entity, TO_CHAR(trandate, 'YYYY-MM-DD') AS trandate`;
const where = 'recordtype = ?';
const params = ['vendorbill'];

export interface BackfillRead {
  name: string;
  rows: number;
  pages: number;
  wallMs: number;
  rowsPerSecond: number;
  /** Mean time the sandbox took per page (the injected latency plus its own SQL work). */
  meanPageMs: number;
  /** rows/s ÷ the paging ceiling at the configured page latency. */
  ratioToCeiling: number;
  /** rows/s ÷ 1000 rows per observed page time: what is left is the reader's own cost between pages. */
  ratioToObservedPaging: number;
  /** rows/s over the first `baselineRows` rows (the stretch the baseline reads). */
  firstRowsPerSecond: number;
  retries: number;
  governance429: number;
}

const sandbox = await startNetSuiteSandbox({ concurrencyLimit: limit, seed: 3 });
try {
  const seedStart = performance.now();
  sandbox.seedDemo({ bills: 0, payments: 0 });
  sandbox.bulkBills(billCount);
  const seedMs = performance.now() - seedStart;

  const { accountId, clientId, certificateId, privateKeyPem, algorithm, tokenUrl } = sandbox.credentials;
  const netsuite = createNetSuiteClient({
    baseUrl: sandbox.url,
    accountId,
    clientId,
    certificateId,
    privateKeyPem,
    algorithm,
    tokenUrl,
    concurrencyShare: limit,
  });
  // The sandbox loads new records into its SQL mirror on the first query, and the token is fetched
  // once: both stay out of the figures.
  const warmStart = performance.now();
  let counted = 0;
  for await (const row of netsuite.suiteQl.query(
    `SELECT COUNT(*) AS n FROM transaction WHERE ${where}`,
    params,
    z.object({ n: z.string() }),
  )) {
    counted = Number(row.n);
  }
  const mirrorLoadMs = performance.now() - warmStart;
  if (counted !== billCount) throw new Error(`the sandbox holds ${counted} bills, expected ${billCount}`);

  sandbox.faults.set(`POST ${suiteQlPath}`, { latency: { baseMs: pageLatencyMs } });

  const measure = async (name: string, read: () => AsyncIterable<unknown>): Promise<BackfillRead> => {
    sandbox.resetStats();
    sandbox.clearRequestLog();
    const retriesBefore = netsuite.stats().retries;
    const start = performance.now();
    let rows = 0;
    let firstMs = Number.NaN;
    for await (const _ of read()) {
      rows++;
      if (rows === baselineRows) firstMs = performance.now() - start;
    }
    const wallMs = performance.now() - start;
    return summarise(name, rows, wallMs, firstMs, netsuite.stats().retries - retriesBefore, billCount);
  };
  const summarise = (
    name: string,
    rows: number,
    wallMs: number,
    firstMs: number,
    retries: number,
    expected: number,
  ): BackfillRead => {
    const pages = sandbox.requestLog().filter((entry) => entry.path === suiteQlPath);
    const meanPageMs = pages.reduce((sum, entry) => sum + entry.durationMs, 0) / Math.max(1, pages.length);
    const rowsPerSecond = rows / (wallMs / 1000);
    if (rows !== expected) throw new Error(`${name} read ${rows} rows, expected ${expected}`);
    return {
      name,
      rows,
      pages: pages.length,
      wallMs,
      rowsPerSecond,
      meanPageMs,
      ratioToCeiling: rowsPerSecond / ceiling,
      ratioToObservedPaging: rowsPerSecond / ((suiteQlMaxPageSize / meanPageMs) * 1000),
      firstRowsPerSecond: baselineRows / (firstMs / 1000),
      retries,
      governance429: sandbox.stats().governance429,
    };
  };

  const reads: BackfillRead[] = [];
  reads.push(
    await measure('windowed(), keyset paging (default)', () =>
      netsuite.suiteQl.windowed({ select, from: 'transaction', where, params, schema: billRow }),
    ),
  );
  reads.push(
    await measure('windowed(), 100,000-row windows', () =>
      netsuite.suiteQl.windowed({
        select,
        from: 'transaction',
        where,
        params,
        schema: billRow,
        windowRows: 100_000,
      }),
    ),
  );

  // Baseline: the default read's SQL, page after page, with plain fetch and no checks.
  const access = new SandboxAccess(sandbox);
  await access.accessToken();
  sandbox.resetStats();
  sandbox.clearRequestLog();
  const rawStart = performance.now();
  let rawRows = 0;
  let after: WindowKey | undefined;
  for (;;) {
    const { q, params: bound } = buildWindowQuery({ select, from: 'transaction', where, params }, after);
    const page = await access.rows(q, bound, { limit: suiteQlMaxPageSize, offset: 0 });
    rawRows += page.items.length;
    const last = page.items.at(-1);
    if (!page.hasMore || last === undefined || rawRows >= baselineRows) break;
    after = { lastModified: String(last.apsync_window_lm), id: String(last.apsync_window_id) };
  }
  const rawMs = performance.now() - rawStart;
  const baseline = summarise(
    `baseline: keyset SQL, plain fetch, ${baselineRows / 1000} pages`,
    rawRows,
    rawMs,
    rawMs,
    0,
    baselineRows,
  );

  const figures = {
    bills: billCount,
    pageLatencyMs,
    sandboxConcurrencyLimit: limit,
    pagesInFlight,
    ceilingRowsPerSecond: ceiling,
    accountCeilingRowsPerSecond: ceiling * limit,
    seedMs,
    mirrorLoadMs,
    reads,
    baseline,
  };

  const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
  console.log(
    `\nbackfill read: ${billCount.toLocaleString('en-US')} vendor bills by SuiteQL, ${pageLatencyMs} ms per page ` +
      `(seed ${(seedMs / 1000).toFixed(1)} s, sandbox mirror load ${(mirrorLoadMs / 1000).toFixed(1)} s, excluded)`,
  );
  console.log(
    `  paging ceiling    ${suiteQlMaxPageSize} rows/page ÷ ${pageLatencyMs} ms × ${pagesInFlight} page in flight = ` +
      `${Math.round(ceiling).toLocaleString('en-US')} rows/s (pages of one read are sequential; ` +
      `C=${limit} parallel reads would allow ${Math.round(ceiling * limit).toLocaleString('en-US')})`,
  );
  for (const read of [...reads, baseline]) {
    console.log(
      `  ${read.name.padEnd(40)} ${String(read.rows).padStart(7)} rows ${String(read.pages).padStart(4)} pages ` +
        `${(read.wallMs / 1000).toFixed(1).padStart(6)} s ${Math.round(read.rowsPerSecond).toLocaleString('en-US').padStart(6)} rows/s ` +
        `= ${pct(read.ratioToCeiling)} of the ceiling; page ${read.meanPageMs.toFixed(0)} ms at the sandbox ` +
        `(${pct(read.ratioToObservedPaging)} of 1000 rows per that), 429s ${read.governance429}, retries ${read.retries}`,
    );
  }
  const keyset = reads[0]!;
  console.log(
    `  client vs baseline over the first ${baselineRows.toLocaleString('en-US')} rows (same SQL, same pages): ` +
      `${Math.round(keyset.firstRowsPerSecond).toLocaleString('en-US')} vs ${Math.round(baseline.rowsPerSecond).toLocaleString('en-US')} rows/s = ` +
      `${pct(keyset.firstRowsPerSecond / baseline.rowsPerSecond)}`,
  );
  if (process.env.APSYNC_BENCH_FIGURES === '1') console.log(`@@figures ${JSON.stringify(figures)}`);
} finally {
  await sandbox.close();
}
