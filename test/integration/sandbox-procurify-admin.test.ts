// The Procurify sandbox's admin API (/__admin/): reset, seed (demo, records, bulk), records, acting as
// a Procurify user (bills and payments), faults, config, stats, token expiry, lost connections; and
// that admin requests bypass authentication, faults and the request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProcurifySandbox, startProcurifySandbox } from '../../infra/sandboxes/procurify/index.ts';

let sandbox: ProcurifySandbox;

// biome-ignore lint/suspicious/noExplicitAny: admin answers are inspected field by field
async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${sandbox.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  sandbox = await startProcurifySandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe('admin API', () => {
  it('starts empty (currencies and payment terms only), seeds the demo company, resets', async () => {
    const empty = await admin('GET', '/records');
    expect(empty.body).toMatchObject({ currencies: 4, paymentTerms: 5, vendors: 0, bills: 0, payments: 0 });
    const seeded = await admin('POST', '/seed', { demo: { seed: 9, today: '2025-06-30' } });
    expect(seeded.status).toBe(200);
    expect(seeded.body.counts).toMatchObject({
      vendors: 40,
      locations: 3,
      departments: 9,
      accountCodes: 25,
      paymentMethods: 5,
      bills: 60,
    });
    expect(seeded.body.counts.payments).toBeGreaterThanOrEqual(12);
    const reset = await admin('POST', '/reset', {});
    expect(reset.status).toBe(200);
    expect((await admin('GET', '/records')).body).toMatchObject({ vendors: 0, bills: 0 });
  });

  it('seeds explicit records and reads them back in API shapes', async () => {
    await admin('POST', '/reset', {});
    const seeded = await admin('POST', '/seed', {
      records: {
        locations: [{ id: 1, name: 'HQ' }],
        departments: [{ id: 1, name: 'Ops', branch: 1 }],
        accountCodes: [{ id: 1, code: '6010', description: 'Supplies' }],
        vendors: [{ id: 1, name: 'Seeded Vendor', email: ['a@seeded.example'], currency: 'CAD' }],
        paymentMethods: [{ id: 1, name: 'Check', type: 1, gl_code: '1010' }],
      },
    });
    expect(seeded.status).toBe(200);
    const vendor = await admin('GET', '/records/vendors/1');
    expect(vendor.body).toMatchObject({
      id: 1,
      name: 'Seeded Vendor',
      email: ['a@seeded.example'],
      currency: 2,
    });
    expect((await admin('GET', '/records/payment-methods')).body).toEqual([
      expect.objectContaining({ name: 'Check', gl_code: '1010' }),
    ]);
    expect((await admin('GET', '/records/vendors/77')).status).toBe(404);
    expect((await admin('GET', '/records/nothing')).status).toBe(404);
    const invalid = await admin('POST', '/seed', { records: { vendors: [{ email: [] }] } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues[0].path).toEqual(['records', 'vendors', 0, 'name']);
  });

  it('creates, edits and approves bills, records payments and changes their status, like a Procurify user', async () => {
    const created = await admin('POST', '/bills', {
      vendor: 1,
      invoice_number: 'ADM-1',
      invoice_date: '2025-06-01',
      items: [{ description: 'Paper', amount: '80.00', account_code: 1, department: 1 }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 1, currency: { name: 'CAD' }, total_cost: 80 });
    const uuid = created.body.uuid as string;
    const edited = await admin('PATCH', `/bills/${uuid}`, {
      items: [{ description: 'Paper', amount: '120.00', account_code: 1, department: 1 }],
    });
    expect(edited.body).toMatchObject({ total_cost: 120, version: 2 });
    expect(edited.body.last_modified_datetime > created.body.last_modified_datetime).toBe(true);
    const approved = await admin('POST', `/bills/${uuid}/approve`);
    expect(approved.body.status).toBe(2);
    expect(approved.body.last_modified_datetime > edited.body.last_modified_datetime).toBe(true);

    const tooMuch = await admin('POST', '/payments', { bills: [{ uuid, amount: '500.00' }], method: 1 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toContain('open amount');
    const payment = await admin('POST', '/payments', {
      bills: [{ uuid, amount: '20.00' }],
      method: 1,
      payment_date: '2025-06-10',
      status: 'scheduled',
    });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({
      amount: '20.00',
      status: 'scheduled',
      gl_code: '1010',
      posted_date: null,
    });
    expect(payment.body.sandbox.bills).toEqual([{ uuid, amount: '20.00' }]);
    const partly = await admin('GET', `/records/bills/${uuid}`);
    expect(partly.body).toMatchObject({ status: 7, sandbox: { open_amount: '100.00' } });

    const paid = await admin('POST', `/payments/${payment.body.id}/status`, { status: 'paid' });
    expect(paid.body).toMatchObject({ status: 'paid', posted_date: '2025-06-10' });
    expect(paid.body.updated_at > payment.body.updated_at).toBe(true);
    const failed = await admin('POST', `/payments/${payment.body.id}/status`, { status: 'failed' });
    expect(failed.body.status).toBe('failed');
    expect((await admin('GET', `/records/bills/${uuid}`)).body).toMatchObject({
      status: 8,
      sandbox: { open_amount: '120.00' },
    });
    const rest = await admin('POST', '/payments', {
      bills: [{ uuid, amount: '120.00' }],
      method: 1,
      payment_date: '2025-06-12',
    });
    expect(rest.body.status).toBe('paid');
    expect((await admin('GET', `/records/bills/${uuid}`)).body).toMatchObject({
      status: 4,
      sandbox: { paid_date: '2025-06-12' },
    });
    expect((await admin('POST', '/bills/not-a-bill/approve')).status).toBe(404);
  });

  it('reads and replaces faults and config, expires tokens, reports stats, keeps admin calls out of the log', async () => {
    const faults = await admin('PUT', '/faults', {
      rules: { 'GET /api/v3/vendors/': { rate429: 0.5 } },
      seed: 3,
    });
    expect(faults.body.rules['GET /api/v3/vendors/'].rate429).toBe(0.5);
    expect((await admin('GET', '/faults')).body.rules).toHaveProperty(['GET /api/v3/vendors/']);
    expect((await admin('PUT', '/faults', { rules: { '*': { rate429: 2 } } })).status).toBe(400);
    await admin('PUT', '/faults', { rules: {} });

    const config = await admin('PUT', '/config', { tokenLifetimeSeconds: 120 });
    expect(config.body.tokenLifetimeSeconds).toBe(120);
    expect((await admin('GET', '/config')).body.tokenLifetimeSeconds).toBe(120);
    expect((await admin('PUT', '/config', { tokenLifetimeSeconds: -1 })).status).toBe(400);

    const tokenAnswer = await fetch(sandbox.credentials.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: sandbox.credentials.clientId,
        client_secret: sandbox.credentials.clientSecret,
        audience: sandbox.credentials.audience,
        grant_type: 'client_credentials',
      }),
    });
    const { access_token, expires_in } = (await tokenAnswer.json()) as {
      access_token: string;
      expires_in: number;
    };
    expect(expires_in).toBe(120);
    await admin('POST', '/tokens/expire');
    const refused = await fetch(`${sandbox.url}/api/v2/locations/`, {
      headers: { authorization: `Bearer ${access_token}`, 'x-procurify-client': 'api' },
    });
    expect(refused.status).toBe(401);

    await admin('POST', '/lost-connections', { method: 'GET', path: '/api/v2/locations/', when: 'before' });
    expect((await admin('GET', '/lost-connections')).body).toHaveLength(1);
    await admin('DELETE', '/lost-connections');
    expect((await admin('GET', '/lost-connections')).body).toHaveLength(0);

    const log = await admin('GET', '/requests');
    expect(log.body.every((entry: { path: string }) => !entry.path.startsWith('/__admin'))).toBe(true);
    expect(log.body.map((entry: { route: string }) => entry.route)).toEqual([
      'POST /oauth/token',
      'GET /api/v2/locations/',
    ]);
    const stats = await admin('GET', '/stats');
    expect(stats.body).toMatchObject({ requests: 2, tokensIssued: 1, unauthorized: 1 });
    await admin('DELETE', '/requests');
    expect((await admin('GET', '/requests')).body).toEqual([]);
  });

  it('adds bulk bills and payments for benchmarks', async () => {
    await admin('POST', '/reset', {});
    const seeded = await admin('POST', '/seed', {
      demo: { seed: 2 },
      bulk: { bills: 300, payments: 100, seed: 5 },
    });
    expect(seeded.body.bulk).toEqual({ bills: 300, payments: 100 });
    expect(seeded.body.counts.bills).toBe(360);
    const payments = [...sandbox.store.payments.values()];
    expect(payments.some((p) => p.applications.length > 1)).toBe(true);
    for (const payment of payments) {
      const bills = payment.applications.map((a) => sandbox.store.bills.get(a.billUuid)!);
      expect(new Set(bills.map((b) => `${b.vendorId}/${b.currencyId}`)).size).toBe(1);
    }
  });
});
