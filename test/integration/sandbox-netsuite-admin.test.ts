// Conformance of the NetSuite sandbox's admin API (`/__admin/`) and of the record-event notices a
// NetSuite user's change sends to apsync's webhook: Standard Webhooks signatures, the shared notice schema,
// fire-and-forget delivery, and 400s that name the bad field.
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningServer,
  readBody,
  sendJson,
  startHttpServer,
} from '../../infra/sandboxes/http-server.ts';
import { SandboxAccess } from '../../infra/sandboxes/netsuite/access.ts';
import {
  type NetSuiteSandbox,
  recordEventNoticeSchema,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { waitFor } from '../support/wait.ts';

const SECRET = `whsec_${Buffer.from('sandbox-webhook-secret-of-32-bytes!').toString('base64')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let sandbox: NetSuiteSandbox;
let receiver: RunningServer;
let received: Received[] = [];
let receiverStatus = 202;

type Json = Record<string, unknown>;

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${sandbox.adminUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          body: typeof body === 'string' ? body : JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

async function nextNotices(count: number): Promise<Received[]> {
  // waitFor's deadline bounds only a failing test (a fixed number of 5 ms turns was ~2 s).
  await waitFor(() => received.length >= count || undefined, `${count} notice(s)`, 20_000, 5);
  expect(received).toHaveLength(count);
  const out = received;
  received = [];
  return out;
}

function verified(notice: Received): Json {
  const payload = new Webhook(SECRET).verify(notice.body, notice.headers as Record<string, string>) as Json;
  expect(notice.headers['content-type']).toBe('application/json');
  expect(notice.headers['webhook-id']).toBe(payload.eventId);
  return recordEventNoticeSchema.parse(payload) as Json;
}

beforeAll(async () => {
  receiver = await startHttpServer(async (req, res) => {
    received.push({ headers: req.headers, body: (await readBody(req)).toString('utf8') });
    sendJson(res, receiverStatus, { accepted: true });
  });
  sandbox = await startNetSuiteSandbox();
  sandbox.seedDemo({ vendors: 6, bills: 4, payments: 0 });
});

afterEach(() => {
  receiverStatus = 202;
  received = [];
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

describe('record changes as a NetSuite user, with signed notices', () => {
  beforeAll(async () => {
    const configured = await admin('PUT', '/config', {
      webhook: { url: `${receiver.url}/netsuite/events`, secret: SECRET },
    });
    expect(configured.status).toBe(200);
    expect(configured.body.webhook).toEqual({
      url: `${receiver.url}/netsuite/events`,
      secretFormat: 'standard',
      secretSet: true,
    });
  });

  it('sends create, edit, xedit and delete notices signed with Standard Webhooks', async () => {
    const created = await admin('POST', '/records/vendor', { companyName: 'Notice Vendor' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const [create] = await nextNotices(1);
    expect(verified(create!)).toMatchObject({
      accountId: sandbox.accountId,
      recordType: 'vendor',
      recordId: id,
      eventType: 'create',
    });

    const edited = await admin('PATCH', `/records/vendor/${id}`, { phone: '555-0101' });
    expect(edited.status).toBe(200);
    expect((edited.body.record as Json).phone).toBe('555-0101');
    const [edit] = await nextNotices(1);
    const editNotice = verified(edit!);
    expect(editNotice).toMatchObject({ eventType: 'edit', recordId: id });
    expect(editNotice.lastModified).toBe(sandbox.store.get('vendor', id)!.lastModifiedDate);
    expect(String(editNotice.eventId)).toMatch(/^evt_\d+_[0-9a-f]{32}$/);

    await admin('PATCH', `/records/vendor/${id}?eventType=xedit`, { isInactive: true });
    expect(verified((await nextNotices(1))[0]!)).toMatchObject({ eventType: 'xedit' });
    expect((await admin('DELETE', `/records/vendor/${id}`)).status).toBe(204);
    expect(verified((await nextNotices(1))[0]!)).toMatchObject({ eventType: 'delete', recordId: id });
  });

  it('sends paybills for a payment made on the Pay Bills page, with SuiteScript record types', async () => {
    const bill = sandbox.store.list('vendorBill')[0]!;
    const made = await admin('POST', '/records/vendorPayment?eventType=paybills', {
      entity: { id: bill.fields.entity },
      apply: { items: [{ doc: { id: bill.id }, apply: true }] },
    });
    expect(made.status).toBe(201);
    expect(verified((await nextNotices(1))[0]!)).toMatchObject({
      recordType: 'vendorpayment',
      eventType: 'paybills',
      recordId: made.body.id,
    });
  });

  it("sends nothing for apsync's own REST writes (echo suppression)", async () => {
    const access = new SandboxAccess(sandbox);
    expect((await access.record('POST', 'department', { name: 'From apsync' })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(0);
  });

  it('never fails the admin change when delivery fails: retries once, then counts the failure', async () => {
    receiverStatus = 503;
    const before = sandbox.stats().noticesFailed;
    const created = await admin('POST', '/records/department', { name: 'Undelivered' });
    expect(created.status).toBe(201);
    await nextNotices(2);
    await waitFor(
      () => sandbox.stats().noticesFailed > before || undefined,
      'the failure counted',
      20_000,
      5,
    );
    expect(sandbox.stats().noticesFailed).toBe(before + 1);
    const deliveries = (await admin('GET', '/notices')).body.deliveries as Array<{
      ok: boolean;
      attempts: number;
      status: number;
    }>;
    expect(deliveries.at(-1)).toMatchObject({ ok: false, attempts: 2, status: 503 });
  });

  it('sends a notice on request (POST /__admin/notices and sandbox.sendNotice)', async () => {
    const vendor = sandbox.store.list('vendor')[0]!;
    const sent = await admin('POST', '/notices', {
      recordType: 'vendor',
      recordId: vendor.id,
      eventType: 'edit',
    });
    expect(sent.status).toBe(200);
    expect(sent.body.delivery).toMatchObject({ ok: true, status: 202 });
    verified((await nextNotices(1))[0]!);
    const delivery = await sandbox.sendNotice({
      recordType: 'vendorBill',
      recordId: '1001',
      eventType: 'edit',
    });
    expect(delivery).toMatchObject({ ok: true });
    expect(verified((await nextNotices(1))[0]!)).toMatchObject({ recordType: 'vendorbill' });
  });

  it('applies NetSuite rules to user changes and names the field when refused', async () => {
    const refused = await admin('POST', '/records/vendorBill', {
      entity: { id: '999999' },
      expense: { items: [] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'INVALID_CONTENT', field: 'entity' });
    expect(received).toHaveLength(0);
  });
});

describe('admin API', () => {
  it('lists its routes and reads records', async () => {
    const index = await admin('GET', '');
    expect(index.body.routes).toEqual(expect.arrayContaining(['POST /__admin/reset']));
    const vendors = await admin('GET', '/records/vendor?limit=2');
    expect(vendors.body.totalResults).toBe(sandbox.store.count('vendor'));
    expect(vendors.body.items as Json[]).toHaveLength(2);
    const first = (vendors.body.items as Json[])[0]!;
    expect((await admin('GET', `/records/vendor/${first.id}`)).body.id).toBe(first.id);
    expect((await admin('GET', '/records/vendor/424242')).status).toBe(404);
    expect((await admin('GET', '/records/widget')).body).toMatchObject({
      error: 'invalid_request',
      field: 'type',
    });
  });

  it('seeds records (with system fields), custom fields, a demo company and bulk bills; validates the body', async () => {
    const seeded = await admin('POST', '/seed', {
      customFields: { vendor: { custentity_legacy_ref: 'text' } },
      records: {
        vendor: [
          {
            companyName: 'Seeded Co',
            id: '5000',
            custentity_legacy_ref: 'OLD-1',
            lastModifiedDate: '2024-05-06T07:08:09Z',
          },
        ],
      },
      bulkBills: { count: 25, externalIdPrefix: 'seed-bulk-' },
    });
    expect(seeded.status).toBe(200);
    expect(seeded.body.created).toEqual({ vendor: ['5000'] });
    expect(seeded.body.bulkBills).toMatchObject({ count: 25 });
    const vendor = await admin('GET', '/records/vendor/5000');
    expect(vendor.body).toMatchObject({
      companyName: 'Seeded Co',
      custentity_legacy_ref: 'OLD-1',
      lastModifiedDate: '2024-05-06T07:08:09Z',
    });

    for (const [body, field] of [
      [{ demo: { vendors: -1 } }, 'demo.vendors'],
      [{ records: { widget: [{}] } }, 'records.widget'],
      [{ unknown: true }, '(body)'],
      [{ bulkBills: { count: 0 } }, 'bulkBills.count'],
    ] as const) {
      const refused = await admin('POST', '/seed', body);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain(field === '(body)' ? 'unknown' : field);
    }
    const ruleBroken = await admin('POST', '/seed', {
      records: { vendorBill: [{ entity: { id: '999999' } }] },
    });
    expect(ruleBroken).toMatchObject({
      status: 400,
      body: { error: 'INVALID_CONTENT', field: 'records.vendorBill[0].entity' },
    });
    expect((await admin('POST', '/seed', '{not json')).body).toMatchObject({ error: 'invalid_request' });
  });

  it('validates config and fault rules, naming the field', async () => {
    expect((await admin('PUT', '/config', { concurrencyLimit: 0 })).body).toMatchObject({
      field: 'concurrencyLimit',
    });
    expect(
      (await admin('PUT', '/config', { webhook: { url: 'not a url', secret: SECRET } })).body,
    ).toMatchObject({ field: 'webhook.url' });
    expect(
      (await admin('PUT', '/config', { webhook: { url: 'http://127.0.0.1:1/x', secret: 'whsec_***' } })).body,
    ).toMatchObject({ field: 'webhook.secret' });
    expect((await admin('PUT', '/config', { nonsense: 1 })).status).toBe(400);
    const changed = await admin('PUT', '/config', { concurrencyLimit: 7, tokenLifetimeSeconds: 1800 });
    expect(changed.body).toMatchObject({
      concurrencyLimit: 7,
      tokenLifetimeSeconds: 1800,
      accountId: sandbox.accountId,
    });
    expect(sandbox.config().concurrencyLimit).toBe(7);
    await admin('PUT', '/config', { concurrencyLimit: 5, tokenLifetimeSeconds: 3600 });

    const badFaults = await admin('PUT', '/faults', { '*': { rate429: 2 } });
    expect(badFaults.status).toBe(400);
    expect(badFaults.body.field).toBe('*.rate429');
    const faults = await admin('PUT', '/faults', { 'GET /services/rest/record': { latency: { baseMs: 5 } } });
    expect(faults.status).toBe(200);
    expect((await admin('GET', '/faults')).body).toMatchObject({
      'GET /services/rest/record': { latency: { baseMs: 5 } },
    });
    expect((await admin('DELETE', '/faults')).status).toBe(204);
  });

  it('bypasses governance, auth and faults; expires tokens; reads and clears the log and stats', async () => {
    const access = new SandboxAccess(sandbox);
    expect((await access.record('GET', 'vendor?limit=1')).status).toBe(200);
    await admin('PUT', '/faults', { '*': { rate500: 1 } });
    expect((await admin('GET', '/stats')).status).toBe(200);
    await admin('DELETE', '/faults');
    expect((await admin('POST', '/expire-tokens')).status).toBe(204);
    expect((await access.record('GET', 'vendor?limit=1')).status).toBe(401);
    const log = (await admin('GET', '/requests')).body.requests as Array<{ path: string }>;
    expect(log.every((entry) => !entry.path.startsWith('/__admin'))).toBe(true);
    expect((await admin('DELETE', '/requests')).status).toBe(204);
    expect((await admin('GET', '/requests')).body.requests).toEqual([]);
    expect((await admin('GET', '/stats')).body).toMatchObject({
      requests: expect.any(Number),
      rejected429: 0,
    });
    expect((await admin('DELETE', '/stats')).status).toBe(204);
    expect((await admin('GET', '/stats')).body.requests).toBe(0);
  });

  it('serves the default credentials and registers more clients', async () => {
    const credentials = await admin('GET', '/credentials');
    expect(credentials.body).toEqual({ ...sandbox.credentials });
    const refused = await admin('POST', '/clients', {
      clientId: 'x',
      certificateId: 'y',
      publicKeyPem: 'not a key',
    });
    expect(refused.body).toMatchObject({ error: 'invalid_request', field: 'publicKeyPem' });
    expect((await admin('POST', '/clients', { clientId: 'x' })).status).toBe(400);
  });

  it('resets the account', async () => {
    const other = await startNetSuiteSandbox();
    try {
      other.seedDemo({ vendors: 2, bills: 1, payments: 0 });
      expect((await fetch(`${other.adminUrl}/reset`, { method: 'POST' })).status).toBe(204);
      expect(other.store.count('vendor')).toBe(0);
      const rows = await new SandboxAccess(other).rows('SELECT COUNT(*) AS n FROM transaction');
      expect(rows.items[0]!.n).toBe('0');
    } finally {
      await other.close();
    }
  });
});
