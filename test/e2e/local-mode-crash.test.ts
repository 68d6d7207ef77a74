// Local mode killed with SIGKILL right after answered sandbox writes (issue 16 §3): `node infra/local/main.ts`
// as its own process on one data directory; NetSuite vendors (admin record API) and Procurify bills (admin
// API) are created, the process is killed 0, 20, 50 and 100 ms after a write was answered while more
// writes are under way, and after each restart on the same directory every answered write is there,
// unchanged, and new records get ids (and Procurify UUIDs) never given before.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalManifest, localManifestSchema, manifestPath } from '../../infra/local/manifest.ts';
import { waitFor } from '../support/wait.ts';

const root = resolve(import.meta.dirname, '../..');
const node = join(root, 'node_modules/.bin/node');
const offsetsMs = [0, 20, 50, 100];

let dataDir: string;
let running: { child: ChildProcess; exited: Promise<unknown>; manifest: LocalManifest } | undefined;

async function start(): Promise<LocalManifest> {
  const child = spawn(node, ['infra/local/main.ts', '--data-dir', dataDir, '--port', '0', '--no-schedules'], {
    cwd: root,
    env: { ...process.env, APSYNC_RETRY_BASE_SECONDS: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise((done) => child.on('exit', done));
  await waitFor(
    () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`local mode exited: ${output}`);
      return output.includes('apsync ready') || undefined;
    },
    'apsync ready',
    // As the other end-to-end tests allow: the first start seeds the demo company through the inbound
    // worker's instances (threads that start cold), on a machine other work may share.
    120_000,
  );
  const manifest = localManifestSchema.parse(JSON.parse(await readFile(manifestPath(dataDir), 'utf8')));
  expect(manifest.pid).toBe(child.pid);
  running = { child, exited, manifest };
  return manifest;
}

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apsync-e2e-crash-'));
});

afterAll(async () => {
  if (running !== undefined) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('local mode killed right after answered writes', () => {
  // Five starts of local mode (~30 s in all at load 15, several times that while a full suite runs
  // alongside): the limit below bounds a failing run, not a passing one.
  it('keeps every answered write and never gives an id twice, at every kill offset', async () => {
    let manifest = await start();
    const ns = () => manifest.sandboxes.netsuite!.adminUrl;
    const pf = () => manifest.sandboxes.procurify!.adminUrl;
    // What a bill needs, from the demo company.
    const firstId = async (kind: string) =>
      ((await call(`${pf()}/records/${kind}`, 'GET')) as Array<{ id: number }>)[0]!.id;
    const bill = {
      vendor: await firstId('vendors'),
      account_code: await firstId('account-codes'),
      department: await firstId('departments'),
    };

    /** Answered writes: NetSuite vendor id → name; Procurify bill UUID → invoice number (and ids). */
    const vendors = new Map<string, string>();
    const bills = new Map<string, string>();
    const billIds = new Set<number>();
    let sequence = 0;
    const createVendor = async () => {
      const name = `Crash Vendor ${++sequence}`;
      const answer = (await call(`${ns()}/records/vendor`, 'POST', { companyName: name })) as { id: string };
      expect(vendors.has(answer.id), `NetSuite vendor id ${answer.id} given twice`).toBe(false);
      vendors.set(answer.id, name);
    };
    const createBill = async () => {
      const invoice = `CRASH-${++sequence}`;
      const answer = (await call(`${pf()}/bills`, 'POST', {
        vendor: bill.vendor,
        invoice_number: invoice,
        items: [
          {
            description: 'crash test',
            amount: '10.00',
            account_code: bill.account_code,
            department: bill.department,
          },
        ],
      })) as { id: number; uuid: string };
      expect(bills.has(answer.uuid), `Procurify bill UUID ${answer.uuid} given twice`).toBe(false);
      expect(billIds.has(answer.id), `Procurify bill id ${answer.id} given twice`).toBe(false);
      bills.set(answer.uuid, invoice);
      billIds.add(answer.id);
    };

    const rounds: Array<{ offsetMs: number; answered: number }> = [];
    for (const offsetMs of offsetsMs) {
      for (let i = 0; i < 3; i++) await Promise.all([createVendor(), createBill()]);
      // Writes keep coming until the kill; those answered before it count like the others.
      let killed = false;
      const background = (async () => {
        while (!killed) await Promise.all([createVendor(), createBill()]).catch(() => undefined);
      })();
      await Promise.all([createVendor(), createBill()]);
      const before = vendors.size + bills.size;
      await new Promise((done) => setTimeout(done, offsetMs));
      process.kill(manifest.pid, 'SIGKILL');
      killed = true;
      await running!.exited;
      running = undefined;
      await background;
      rounds.push({ offsetMs, answered: vendors.size + bills.size - before });

      manifest = await start();
      const storedVendors = (await call(`${ns()}/records/vendor?limit=100000`, 'GET')) as {
        items: Array<{ id: string; companyName: string }>;
      };
      const byId = new Map(storedVendors.items.map((v) => [v.id, v.companyName]));
      for (const [id, name] of vendors) expect(byId.get(id), `NetSuite vendor ${id}`).toBe(name);
      const storedBills = new Map(
        ((await call(`${pf()}/records/bills`, 'GET')) as Array<{ uuid: string; invoice_number: string }>).map(
          (stored) => [stored.uuid, stored.invoice_number],
        ),
      );
      for (const [uuid, invoice] of bills)
        expect(storedBills.get(uuid), `Procurify bill ${uuid}`).toBe(invoice);
      // The next records get new ids: createVendor and createBill check against every one answered so far.
      await Promise.all([createVendor(), createBill()]);
    }
    console.info(
      `crash test: ${vendors.size} NetSuite vendors and ${bills.size} Procurify bills answered and kept; ` +
        `answered between the last counted write and the kill: ${rounds.map((r) => `${r.offsetMs} ms → ${r.answered}`).join(', ')}`,
    );
    process.kill(manifest.pid, 'SIGTERM');
    await running!.exited;
    running = undefined;
  }, 300_000);
});
