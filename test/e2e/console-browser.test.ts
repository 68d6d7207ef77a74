// The operator console in a real browser: `npm start` as its own process and Debian's Chromium driven
// headless by playwright-core — sign in with the token of the `apsync ready` banner, see a bill parked
// for an inactive GL account on the failures page, fix the account in the NetSuite sandbox, replay the
// bill from its page and see it written. Skipped (saying how to install it) without /usr/bin/chromium.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalManifest, localManifestSchema, manifestPath } from '../../infra/local/manifest.ts';
import { waitFor } from '../support/wait.ts';

const chromiumPath = process.env.APSYNC_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(chromiumPath);
if (!haveBrowser) {
  console.warn(
    `console-browser.test.ts skipped: no Chromium at ${chromiumPath} — install it with \`sudo apt-get install chromium\` (or set APSYNC_CHROMIUM)`,
  );
}

const root = resolve(import.meta.dirname, '../..');
/** `APSYNC_CONSOLE_SCREENSHOTS=docs/console` saves the README's screenshots of the main pages there. */
const screenshots = process.env.APSYNC_CONSOLE_SCREENSHOTS;
const shoot = async (page: Page, name: string): Promise<void> => {
  if (screenshots === undefined || screenshots === '') return;
  await page.setViewportSize({ width: 1280, height: 800 });
  // The first screen only: the README shows what a laptop shows, and the PNGs stay small.
  await page.screenshot({ path: resolve(root, screenshots, `${name}.png`) });
};
const node = join(root, 'node_modules/.bin/node');
/**
 * expect.poll gives up after 1 s by default, and one answer from the browser can take longer than that on
 * a busy machine: the same bound as waitFor's (the page already shows the state; this only bounds failing).
 */
const browserWait = { timeout: 20_000 };
/**
 * A bill's sync through local mode's bill worker (its thread may start cold) seen through page loads: 20 s
 * was not enough at load 24 (the parked bill not yet on the failures page); the bound of a failing run only.
 */
const workerWait = 60_000;
const run = promisify(execFile);

let dataDir: string;
let child: ChildProcess | undefined;
let exited: Promise<unknown> | undefined;
let output = '';
let manifest: LocalManifest;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!haveBrowser) return;
  dataDir = await mkdtemp(join(tmpdir(), 'apsync-console-e2e-'));
  child = spawn(node, ['infra/local/main.ts', '--data-dir', dataDir, '--port', '0', '--no-schedules'], {
    cwd: root,
    env: { ...process.env, APSYNC_RETRY_BASE_SECONDS: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = child;
  exited = new Promise((done) => started.on('exit', done));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
  }
  await waitFor(
    () => {
      if (started.exitCode !== null) throw new Error(`local mode exited: ${output}`);
      return output.includes('apsync ready') || undefined;
    },
    'apsync ready',
    // As test/e2e/local-mode.test.ts allows: the first start seeds the demo company (~15 s on an idle
    // 2-core machine, several times that while a full suite runs alongside).
    120_000,
  );
  manifest = localManifestSchema.parse(JSON.parse(await readFile(manifestPath(dataDir), 'utf8')));
  // Root (CI containers) needs --no-sandbox; the browser only ever opens the loopback console.
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  if (child !== undefined && child.exitCode === null) {
    child.kill('SIGTERM');
    await exited;
  }
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

async function admin(url: string, method: string, body?: unknown): Promise<unknown> {
  const answer = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(answer.status, `${method} ${url}`).toBeLessThan(300);
  const text = await answer.text();
  return text === '' ? undefined : JSON.parse(text);
}

describe.skipIf(!haveBrowser)('operator console in Chromium', () => {
  it('prints the console and its token in the banner and refuses a request without it', async () => {
    const consoleEntry = manifest.console;
    expect(consoleEntry).toBeDefined();
    expect(output).toContain(consoleEntry!.url);
    expect(output).toContain(consoleEntry!.token);
    const refused = await fetch(new URL('failures', consoleEntry!.url), { redirect: 'manual' });
    expect(refused.status).toBe(303);
    const post = await fetch(new URL('actions/redrive', consoleEntry!.url), {
      method: 'POST',
      body: 'queue=bill',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(post.status).toBe(401);
  });

  it('signs in, shows a parked bill, and replays it once the mapping is fixed', async () => {
    const { url, token } = manifest.console!;
    const ns = manifest.sandboxes.netsuite!.adminUrl;
    const pf = manifest.sandboxes.procurify!.adminUrl;
    const page = await browser!.newPage();
    await page.goto(url);
    await expect.poll(() => page.url(), browserWait).toContain('/login');
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();

    // A bill coded with account 6100 (NetSuite account 13), approved while the account is inactive.
    const bills = (await admin(`${pf}/records/bills`, 'GET')) as Array<{ uuid: string; status: number }>;
    const bill = bills.filter((entry) => entry.status === 1)[1]?.uuid;
    expect(bill).toBeDefined();
    await admin(`${ns}/records/account/13`, 'PATCH', { isInactive: true });
    await admin(`${pf}/bills/${bill}/approve`, 'POST');
    await run(node, ['infra/cli/bin/apsync.js', '--data-dir', dataDir, 'sync', 'now', 'bills'], {
      cwd: root,
    });

    const row = page.getByRole('row').filter({ hasText: `bill:${bill}` });
    await waitFor(
      async () => {
        await page.goto(new URL('failures?kind=bill', url).toString());
        return (await row.count()) > 0 || undefined;
      },
      'the parked bill on the failures page',
      workerWait,
    );
    await expect.poll(() => row.textContent(), browserWait).toMatch(/inactive/);
    await shoot(page, 'failures');

    await admin(`${ns}/records/account/13`, 'PATCH', { isInactive: false });
    await row.getByRole('link', { name: `bill:${bill}` }).click();
    await shoot(page, 'record');
    await page.getByRole('link', { name: 'Replay…' }).click();
    await shoot(page, 'confirm');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByRole('status').filter({ hasText: 'on the bill queue again' }).waitFor();

    await waitFor(
      async () => {
        await page.reload();
        return (await page.getByText('synced', { exact: true }).count()) > 0 || undefined;
      },
      'the bill written after the replay',
      workerWait,
    );
    await expect.poll(() => page.locator('ol.timeline').textContent(), browserWait).toMatch(/written/);
    await page.goto(url);
    await shoot(page, 'overview');
    const vendorBill = await fetch(`${ns}/records/vendorBill/eid:procurify-bill-${bill}`);
    expect(vendorBill.status).toBe(200);
    await page.close();
  });
});
