// The Procurify sandbox's snapshot file (local mode, `dataFile`): a sandbox started again on the file has
// the same stores (what the API shows included), continues its id and UUID sequences and its modification
// clock, knows which payments apply to which bills, accepts the same API clients, keeps its configuration
// and does not load the demo company over the restored one. An answered write is on disk (the journal)
// before its answer, without a close, and an unusable file stops the start with an error naming it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  billStatus,
  type ProcurifySandbox,
  type ProcurifySandboxOptions,
  startProcurifySandbox,
} from '../../infra/sandboxes/procurify/index.ts';
import { SandboxSnapshotError } from '../../infra/sandboxes/snapshot-file.ts';

const client = { clientId: 'persisted-client', clientSecret: 'persisted-secret' };
const today = '2025-06-30';
// A pinned wall clock: only the sandbox's own strictly increasing ticks move modification times.
const now = () => Date.parse('2025-06-30T12:00:00Z');
const options: ProcurifySandboxOptions = { seed: 42, demo: { seed: 42, today }, now };

let dir: string;
const open: ProcurifySandbox[] = [];

async function start(dataFile: string, extra: ProcurifySandboxOptions = {}): Promise<ProcurifySandbox> {
  const sandbox = await startProcurifySandbox({ ...options, ...extra, dataFile });
  open.push(sandbox);
  return sandbox;
}

async function close(sandbox: ProcurifySandbox): Promise<void> {
  await sandbox.close();
  open.splice(open.indexOf(sandbox), 1);
}

async function token(sandbox: ProcurifySandbox, credentials = client): Promise<string> {
  const response = await fetch(sandbox.credentials.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      audience: sandbox.credentials.audience,
      grant_type: 'client_credentials',
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function api(sandbox: ProcurifySandbox, bearer: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      'x-procurify-client': 'api',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return (await response.json()) as { data: Record<string, unknown> };
}

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apsync-procurify-snapshot-'));
});

afterAll(async () => {
  for (const sandbox of open) await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Procurify sandbox snapshot file', () => {
  const file = () => join(dir, 'procurify.json');
  let before: ReturnType<ProcurifySandbox['store']['snapshot']>;
  let partlyPaid: string;
  let billView: Record<string, unknown>;
  let vendorId: number;

  it('loads the demo company into a new file, then keeps API writes, user actions and configuration', async () => {
    const first = await start(file(), { clients: [client] });
    expect(first.restored).toBe(false);
    expect(first.store.vendors.size).toBeGreaterThan(0);
    const bearer = await token(first);
    await api(first, bearer, 'PATCH', '/api/v3/vendors/1/', { name: 'Persisted Vendor' });
    vendorId = Number(
      (
        await api(first, bearer, 'POST', '/api/v3/vendors/', {
          name: 'Created Over API',
          email: ['ap@created.example'],
          type: 3,
          external_id: 'ns-persist',
          overall_score: null,
        })
      ).data.id,
    );
    const bill = first.createBill({
      vendor: 6,
      invoice_number: 'PERSIST-1',
      status: billStatus.approved,
      items: [{ description: 'x', amount: '250.00', account_code: 9, department: 1 }],
    });
    partlyPaid = bill.uuid;
    first.recordPayment({ bills: [{ uuid: bill.uuid, amount: '100.00' }], method: 3, status: 'paid' });
    const config = await fetch(`${first.adminUrl}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxPageSize: 50 }),
    });
    expect(config.status).toBe(200);
    billView = (await api(first, bearer, 'GET', `/api/v2/ap/bills/${bill.uuid}/`)).data;
    expect(billView).toMatchObject({
      status: billStatus.paymentApproved,
      bill_payment: { amount: '100.00' },
    });
    before = plain(first.store.snapshot());
    await close(first);
    expect(JSON.parse(await readFile(file(), 'utf8'))).toMatchObject({ sandbox: 'procurify', version: 1 });
  });

  it('restores the same stores, clients and configuration, without loading the demo company again', async () => {
    const second = await start(file());
    expect(second.restored).toBe(true);
    expect(plain(second.store.snapshot())).toEqual(before);
    expect(second.config().maxPageSize).toBe(50);

    // The client given at the first start only (not at this one) still gets tokens.
    expect(second.credentials.clientId).toBe(client.clientId);
    const bearer = await token(second);
    expect((await api(second, bearer, 'GET', '/api/v3/vendors/1/')).data.name).toBe('Persisted Vendor');
    expect((await api(second, bearer, 'GET', `/api/v2/ap/bills/${partlyPaid}/`)).data).toEqual(billView);

    // Payments still apply to their bills: only the open 150.00 can be paid now, which pays the bill.
    expect(() =>
      second.recordPayment({ bills: [{ uuid: partlyPaid, amount: '200.00' }], method: 3, status: 'paid' }),
    ).toThrow(/above the open amount/);
    second.recordPayment({ bills: [{ uuid: partlyPaid, amount: '150.00' }], method: 3, status: 'paid' });
    expect(second.store.bill(partlyPaid).status).toBe(billStatus.paid);

    // Ids, UUIDs and modification times continue after the restored ones.
    const bill = second.createBill({
      vendor: 6,
      invoice_number: 'PERSIST-2',
      items: [{ description: 'y', amount: '10.00', account_code: 9, department: 1 }],
    });
    expect(bill.id).toBe(Math.max(...before.bills.map((b) => b.id)) + 1);
    expect(before.bills.map((b) => b.uuid)).not.toContain(bill.uuid);
    expect(bill.modified).toBeGreaterThan(before.lastTick);
    const vendor = await api(second, bearer, 'POST', '/api/v3/vendors/', {
      name: 'After Restart',
      email: ['ap@after.example'],
      type: 3,
      overall_score: null,
    });
    expect(vendor.data.id).toBe(vendorId + 1);
    await close(second);
  });

  it('has every answered write on disk before the answer, without a close (a killed process keeps it)', async () => {
    const third = await start(file(), { clients: [client] });
    third.createBill({
      vendor: 6,
      invoice_number: 'WRITTEN-WITHOUT-CLOSE',
      items: [{ description: 'z', amount: '5.00', account_code: 9, department: 1 }],
    });
    const bearer = await token(third);
    const answered = Number(
      (
        await api(third, bearer, 'POST', '/api/v3/vendors/', {
          name: 'Answered Before Kill',
          email: ['ap@answered.example'],
          type: 3,
          external_id: 'ns-answered',
          overall_score: null,
        })
      ).data.id,
    );
    const config = await fetch(`${third.adminUrl}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxPageSize: 40 }),
    });
    expect(config.status).toBe(200);
    // Right after the answers, no wait: the files as a SIGKILL now would leave them (snapshot and journal).
    const copy = join(dir, 'copy.json');
    await writeFile(copy, await readFile(file()));
    await writeFile(`${copy}.journal`, await readFile(`${file()}.journal`));
    const reader = await start(copy);
    expect([...reader.store.bills.values()].some((b) => b.invoice_number === 'WRITTEN-WITHOUT-CLOSE')).toBe(
      true,
    );
    expect(reader.store.vendors.get(answered)?.name).toBe('Answered Before Kill');
    expect(reader.config().maxPageSize).toBe(40);
    // The id counter was committed with the record: the next vendor gets a new id.
    expect(reader.store.createVendorFromApi({ name: 'Next' }).id).toBe(answered + 1);
    await close(reader);
    await close(third);
    // Closing compacts the journal into the snapshot.
    await expect(readFile(`${file()}.journal`)).rejects.toThrow(/ENOENT/);
    expect(await readFile(file(), 'utf8')).toContain('Answered Before Kill');
  });

  it('leaves no file behind when nothing changed (a failed start is not taken for a restart later)', async () => {
    const untouched = join(dir, 'untouched.json');
    await (await startProcurifySandbox({ dataFile: untouched })).close();
    await expect(readFile(untouched)).rejects.toThrow(/ENOENT/);
    // The demo company loaded at start is a change: it is kept.
    const demoOnly = join(dir, 'demo-only.json');
    await close(await start(demoOnly));
    const reopened = await startProcurifySandbox({ dataFile: demoOnly });
    open.push(reopened);
    expect(reopened.restored).toBe(true);
    expect(reopened.store.vendors.size).toBeGreaterThan(0);
    await close(reopened);
  });

  it('refuses a corrupt file and a file of the other sandbox, naming the file', async () => {
    const corrupt = join(dir, 'corrupt.json');
    await writeFile(corrupt, '{"sandbox":"procurify","version":1,"state":{"store":');
    await expect(startProcurifySandbox({ dataFile: corrupt })).rejects.toThrow(SandboxSnapshotError);
    await expect(startProcurifySandbox({ dataFile: corrupt })).rejects.toThrow(corrupt);

    const foreign = join(dir, 'foreign.json');
    await writeFile(foreign, JSON.stringify({ sandbox: 'netsuite', version: 1, state: {} }));
    await expect(startProcurifySandbox({ dataFile: foreign })).rejects.toThrow(/netsuite sandbox/);

    const badShape = join(dir, 'bad-shape.json');
    const good = JSON.parse(await readFile(file(), 'utf8')) as { state: { clients: unknown[] } };
    good.state.clients = [];
    await writeFile(badShape, JSON.stringify(good));
    await expect(startProcurifySandbox({ dataFile: badShape })).rejects.toThrow(/state\.clients/);
  });
});
