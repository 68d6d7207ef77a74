// The NetSuite sandbox's snapshot file (local mode, `dataFile`): a sandbox started again on the file
// has the same records, custom fields and id sequences, the same integration (key pair, client id),
// its other integrations and settings, a SuiteQL mirror rebuilt from the records, and no webhook. An
// answered write is on disk (the journal) before its answer, without a close, and an unusable file
// stops the start with an error naming it.
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAssertion, SandboxAccess, tokenRequest } from '../../infra/sandboxes/netsuite/access.ts';
import {
  type DemoSummary,
  type NetSuiteSandbox,
  type NetSuiteSandboxCredentials,
  SYNC_FLAG_FIELD,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { SandboxSnapshotError } from '../../infra/sandboxes/snapshot-file.ts';

let dir: string;
const open: NetSuiteSandbox[] = [];

async function start(dataFile: string, options: Parameters<typeof startNetSuiteSandbox>[0] = {}) {
  const sandbox = await startNetSuiteSandbox({ ...options, dataFile });
  open.push(sandbox);
  return sandbox;
}

async function close(sandbox: NetSuiteSandbox): Promise<void> {
  await sandbox.close();
  open.splice(open.indexOf(sandbox), 1);
}

async function createdId(response: Response): Promise<string> {
  expect(response.status, await response.clone().text()).toBe(204);
  return SandboxAccess.idFromLocation(response);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apsync-netsuite-snapshot-'));
});

afterAll(async () => {
  for (const sandbox of open) await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('NetSuite sandbox snapshot file', () => {
  const file = () => join(dir, 'netsuite.json');
  let demo: DemoSummary;
  let credentials: NetSuiteSandboxCredentials;
  let created: string;
  let deleted: string;
  let before: ReturnType<NetSuiteSandbox['store']['snapshot']>;
  let extra: NetSuiteSandboxCredentials;

  it('starts empty without a file, then keeps seeds, user changes, API writes and settings on close', async () => {
    const first = await start(file());
    expect(first.restored).toBe(false);
    expect(first.store.count('vendor')).toBe(0);
    demo = first.seedDemo();
    credentials = first.credentials;
    const vendor = demo.vendors[0]!;
    first.userUpdate('vendor', vendor, { companyName: 'Persisted Supplies' });
    created = await createdId(
      await new SandboxAccess(first).record('POST', 'vendor', {
        companyName: 'Created Over REST',
        externalId: 'pcf-v-persist',
      }),
    );
    deleted = first.userCreate('vendor', { companyName: 'Deleted Later' }).id;
    first.userDelete('vendor', deleted);
    // A second integration (its own key pair) registered at run time, and settings changed.
    const other = await startNetSuiteSandbox();
    extra = other.credentials;
    await other.close();
    first.registerClient({
      clientId: extra.clientId,
      certificateId: extra.certificateId,
      publicKeyPem: publicKeyOf(extra.privateKeyPem),
    });
    first.setConfig({
      concurrencyLimit: 3,
      integrationConcurrencyLimit: 2,
      webhook: { url: 'http://127.0.0.1:9/events', secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0' },
    });
    before = first.store.snapshot();
    await close(first);

    const stored = JSON.parse(await readFile(file(), 'utf8')) as { sandbox: string; version: number };
    expect(stored).toMatchObject({ sandbox: 'netsuite', version: 1 });
  });

  it('restores the same records, custom fields, credentials and settings (no webhook)', async () => {
    const second = await start(file());
    expect(second.restored).toBe(true);
    expect(second.store.snapshot()).toEqual(before);
    expect(second.store.get('vendor', demo.vendors[0]!)?.fields.companyName).toBe('Persisted Supplies');
    expect(second.store.get('vendor', deleted)).toBeUndefined();
    expect(second.store.customFields('vendor').get(SYNC_FLAG_FIELD)).toBe('boolean');
    expect(second.store.findByExternalId('vendor', 'PCF-V-PERSIST')?.id).toBe(created);

    expect(second.credentials).toEqual({
      ...credentials,
      tokenUrl: `${second.url}/services/rest/auth/oauth2/v1/token`,
    });
    expect(second.config()).toMatchObject({
      concurrencyLimit: 3,
      integrationConcurrencyLimit: 2,
      webhook: null,
    });

    // The kept key pairs get tokens: the default integration's and the one registered at run time.
    const access = new SandboxAccess(second);
    expect((await access.record('GET', `vendor/${created}`)).status).toBe(200);
    const answer = await tokenRequest(
      second.credentials.tokenUrl,
      await clientAssertion({ ...extra, tokenUrl: second.credentials.tokenUrl }),
    );
    expect(answer.status).toBe(200);

    // The SuiteQL mirror is rebuilt from the restored records, custom field column included.
    const renamed = await access.rows(`SELECT companyname, ${SYNC_FLAG_FIELD} FROM vendor WHERE id = ?`, [
      Number(demo.vendors[0]),
    ]);
    expect(renamed.items[0]).toMatchObject({ companyname: 'Persisted Supplies' });
    const count = await access.rows('SELECT COUNT(*) AS n FROM vendor');
    expect(count.items[0]?.n).toBe(String(second.store.count('vendor')));
    const bills = await access.rows("SELECT COUNT(*) AS n FROM transaction WHERE type = 'VendBill'");
    expect(bills.items[0]?.n).toBe(String(second.store.count('vendorBill')));

    // Id sequences continue: a new vendor gets the id after the last one allocated (the deleted vendor's,
    // which is not reused), a new transaction the id after the last transaction.
    const next = await createdId(await access.record('POST', 'vendor', { companyName: 'After Restart' }));
    expect(Number(next)).toBe(Number(deleted) + 1);
    const lastTransaction = Math.max(
      ...before.records
        .filter((r) => r.type === 'vendorBill' || r.type === 'vendorPayment')
        .map((r) => Number(r.id)),
    );
    expect(Number(second.store.nextId('vendorBill'))).toBe(lastTransaction + 1);
    await close(second);
  });

  it('has every answered write on disk before the answer, without a close (a killed process keeps it)', async () => {
    const third = await start(file());
    third.userUpdate('vendor', demo.vendors[2]!, { companyName: 'Written Without Close' });
    const access = new SandboxAccess(third);
    const answered = await createdId(
      await access.record('POST', 'vendor', { companyName: 'Answered Before Kill' }),
    );
    // Right after the answer, no wait: the files as a SIGKILL now would leave them (snapshot and journal).
    const copy = join(dir, 'copy.json');
    await writeFile(copy, await readFile(file()));
    const journal = await readFile(`${file()}.journal`);
    await writeFile(`${copy}.journal`, journal);
    const reader = await start(copy);
    expect(reader.store.get('vendor', demo.vendors[2]!)?.fields.companyName).toBe('Written Without Close');
    expect(reader.store.get('vendor', answered)?.fields.companyName).toBe('Answered Before Kill');
    // The id counter was committed with the record: the next vendor gets a new id.
    expect(Number(reader.store.nextId('vendor'))).toBe(Number(answered) + 1);
    await close(reader);

    // A crash between a compaction's snapshot and the journal's truncation leaves older entries behind:
    // the start skips the entries the snapshot has, and a last line cut short by a crash.
    third.userUpdate('vendor', answered, { companyName: 'Renamed After The Entry' });
    await close(third);
    expect(existsSync(`${file()}.journal`)).toBe(false);
    await writeFile(`${file()}.journal`, `${journal.toString('utf8')}{"seq":99,"change":{"pu`);
    const fourth = await start(file());
    expect(fourth.store.get('vendor', answered)?.fields.companyName).toBe('Renamed After The Entry');
    await close(fourth);
    expect(existsSync(`${file()}.journal`)).toBe(false);
  });

  it('leaves no file behind when nothing changed (a failed start is not taken for a restart later)', async () => {
    const untouched = join(dir, 'untouched.json');
    await (await startNetSuiteSandbox({ dataFile: untouched })).close();
    await expect(readFile(untouched)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a corrupt file, another sandbox’s file and an unknown version, naming the file', async () => {
    const corrupt = join(dir, 'corrupt.json');
    await writeFile(corrupt, '{"sandbox":"netsuite","version":1,"state":{"records":');
    await expect(startNetSuiteSandbox({ dataFile: corrupt })).rejects.toThrow(SandboxSnapshotError);
    await expect(startNetSuiteSandbox({ dataFile: corrupt })).rejects.toThrow(corrupt);

    const foreign = join(dir, 'foreign.json');
    await writeFile(foreign, JSON.stringify({ sandbox: 'procurify', version: 1, state: {} }));
    await expect(startNetSuiteSandbox({ dataFile: foreign })).rejects.toThrow(/procurify sandbox/);

    const future = join(dir, 'future.json');
    await writeFile(future, JSON.stringify({ sandbox: 'netsuite', version: 99, state: {} }));
    await expect(startNetSuiteSandbox({ dataFile: future })).rejects.toThrow(/version 99/);

    const badShape = join(dir, 'bad-shape.json');
    const good = JSON.parse(await readFile(file(), 'utf8')) as { state: { records: unknown[] } };
    good.state.records = [{ type: 'spaceship', id: '1' }];
    await writeFile(badShape, JSON.stringify(good));
    await expect(startNetSuiteSandbox({ dataFile: badShape })).rejects.toThrow(/state\.records\.0/);
  });
});

function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}
