// Vitest setup file of the integration and end-to-end projects (vitest.config.ts): checks every exchange
// with a NetSuite or Procurify sandbox against the vendors' contracts (checker.ts) and fails the test
// during which a finding that is neither a known spec defect nor refused on purpose was seen (policy.ts).
// Sandboxes in this process are observed directly; those of child processes (local mode started by the
// end-to-end tests) write their exchanges to the file named by APSYNC_SANDBOX_EXCHANGE_LOG. Exchanges are
// checked after each test, not while it runs: compiling a schema the first time takes up to a second,
// which must not stall a sandbox in the middle of a timed test. APSYNC_CONTRACT_STATS=<folder> writes each test file's figures there;
// APSYNC_CONTRACT_FINDINGS=<file> appends every finding (allowed or not) to <file> as JSON lines.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
// Imported before APSYNC_SANDBOX_EXCHANGE_LOG is set below, so this process's own sandboxes are observed
// in-process only (the module reads the variable when it loads).
import { type ObservedExchange, observeExchanges } from '../../../infra/sandboxes/http-server.ts';
import { ContractChecker, type Exchange, type Vendor, type Violation } from './checker.ts';
import { clearRefusals, isRefusedOnPurpose, KnownDefects } from './policy.ts';

const vendors = new Set<string>(['procurify', 'netsuite']);
const checker = new ContractChecker();
const knownDefects = new KnownDefects();
const counts = { findings: 0, knownDefects: 0, refusedOnPurpose: 0, childExchanges: 0 };
let failures: Violation[] = [];
let observedDuringTest: Exchange[] = [];
const findingsFile = process.env.APSYNC_CONTRACT_FINDINGS;

function consider(exchange: Exchange): void {
  if (exchange.path.startsWith('/__admin')) return;
  for (const violation of checker.check(exchange)) {
    counts.findings++;
    if (findingsFile !== undefined && findingsFile !== '')
      appendFileSync(
        findingsFile,
        `${JSON.stringify({ test: expect.getState().currentTestName, ...violation })}\n`,
      );
    if (knownDefects.covers(violation)) counts.knownDefects++;
    else if (isRefusedOnPurpose(violation)) counts.refusedOnPurpose++;
    else failures.push(violation);
  }
}

function exchangeOf(observed: ObservedExchange): Exchange | undefined {
  if (!vendors.has(observed.server)) return undefined;
  const at = observed.url.indexOf('?');
  return {
    vendor: observed.server as Vendor,
    method: observed.method,
    path: at < 0 ? observed.url : observed.url.slice(0, at),
    query: at < 0 ? '' : observed.url.slice(at + 1),
    requestHeaders: observed.requestHeaders,
    requestBody: observed.requestBody?.toString('utf8'),
    status: observed.status,
    responseHeaders: observed.responseHeaders,
    responseBody: observed.responseBody.toString('utf8'),
  };
}

observeExchanges((observed) => {
  const exchange = exchangeOf(observed);
  if (exchange !== undefined) observedDuringTest.push(exchange);
});

const childLog = join(tmpdir(), `apsync-sandbox-exchanges-${process.pid}-${randomUUID()}.jsonl`);
process.env.APSYNC_SANDBOX_EXCHANGE_LOG = childLog;
let childLogOffset = 0;

/** Checks the exchanges child processes appended since the last call (whole lines only). */
function readChildLog(): void {
  if (!existsSync(childLog)) return;
  const content = readFileSync(childLog);
  const end = content.lastIndexOf(0x0a) + 1;
  if (end <= childLogOffset) return;
  const text = content.subarray(childLogOffset, end).toString('utf8');
  childLogOffset = end;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const raw = JSON.parse(line) as Omit<ObservedExchange, 'requestBody' | 'responseBody'> & {
      requestBody?: string;
      responseBody: string;
    };
    const exchange = exchangeOf({
      ...raw,
      requestBody: raw.requestBody === undefined ? undefined : Buffer.from(raw.requestBody, 'utf8'),
      responseBody: Buffer.from(raw.responseBody, 'utf8'),
    });
    if (exchange === undefined) continue;
    counts.childExchanges++;
    consider(exchange);
  }
}

function report(found: Violation[]): string {
  const lines = found
    .slice(0, 20)
    .map(
      (v) =>
        `  ${v.vendor} ${v.operation} → ${v.status || 'no answer'}: ${v.direction} ${v.kind}${v.keyword === undefined ? '' : ` [${v.keyword}]`} ${v.at}: ${v.message}`,
    );
  return [
    `${found.length} exchange(s) with a sandbox differ from the vendor's contract (infra/contracts/facts):`,
    ...lines,
    ...(found.length > 20 ? [`  … and ${found.length - 20} more`] : []),
    'Fix the client or the sandbox; a defect of the vendor description goes in infra/contracts/known-spec-defects.json',
    'with its reason; a request sent wrong on purpose is marked with refusedOnPurpose (test/support/contracts/policy.ts).',
  ].join('\n');
}

function settle(): void {
  const observed = observedDuringTest;
  observedDuringTest = [];
  for (const exchange of observed) consider(exchange);
  readChildLog();
  const found = failures;
  failures = [];
  clearRefusals();
  expect(found, report(found)).toEqual([]);
}

afterEach(() => settle());

afterAll(() => {
  try {
    settle();
  } finally {
    const statsFolder = process.env.APSYNC_CONTRACT_STATS;
    if (statsFolder !== undefined && statsFolder !== '') {
      mkdirSync(statsFolder, { recursive: true });
      const file = expect.getState().testPath ?? 'unknown';
      writeFileSync(
        join(statsFolder, `${basename(file)}-${randomUUID()}.json`),
        JSON.stringify({ file, ...checker.stats, ...counts, knownDefectHits: knownDefects.hits }),
      );
    }
    rmSync(childLog, { force: true });
  }
});
