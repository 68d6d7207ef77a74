// Conformance of the Procurify sandbox with Procurify's API (its facts: infra/contracts/facts/procurify.json
// and procurify-reference.ts; the decisions documented in infra/sandboxes/procurify/index.ts), over plain fetch: tokens, headers, trailing
// slashes, the list envelope and pagination, filters, writes and their validation, bills,
// mark-as-paid, payments, faults, the request log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  billStatus,
  type ProcurifySandbox,
  startProcurifySandbox,
} from '../../infra/sandboxes/procurify/index.ts';
import { refusedOnPurpose } from '../support/contracts/policy.ts';

let sandbox: ProcurifySandbox;
let token: string;

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: any;
}

async function requestToken(fields: Record<string, string>): Promise<Answer> {
  const response = await fetch(sandbox.credentials.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const goodTokenRequest = () => ({
  client_id: sandbox.credentials.clientId,
  client_secret: sandbox.credentials.clientSecret,
  audience: sandbox.credentials.audience,
  grant_type: 'client_credentials',
});

async function api(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    ...(options.auth === false ? {} : { authorization: `Bearer ${token}`, 'x-procurify-client': 'api' }),
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  const response = await fetch(path.startsWith('http') ? path : `${sandbox.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // HTML or empty bodies stay text
  }
  return { status: response.status, headers: response.headers, body };
}

async function admin(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${sandbox.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const today = '2025-06-30';

beforeAll(async () => {
  sandbox = await startProcurifySandbox({ seed: 42, demo: { seed: 42, today } });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.faults.clear();
  sandbox.setConfig({
    retryAfterSeconds: 1,
    maxPageSize: 100,
    nextLinkBaseUrl: null,
    vendorListActiveOnly: false,
  });
  token = (await requestToken(goodTokenRequest())).body.access_token;
});

describe('token endpoint', () => {
  it('issues a 24-hour bearer token for a JSON client-credentials request', async () => {
    const answer = await requestToken(goodTokenRequest());
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ expires_in: 86_400, token_type: 'Bearer' });
    expect(answer.body.access_token).toEqual(expect.any(String));
    expect(answer.body.scope).toContain('urn:procurify-api:domain:demo');
  });

  it('refuses bad credentials, audience and grant type', async () => {
    const wrongSecret = await requestToken({ ...goodTokenRequest(), client_secret: 'nope' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
    const unknownClient = await requestToken({ ...goodTokenRequest(), client_id: 'someone-else' });
    expect(unknownClient.status).toBe(401);
    const wrongAudience = await requestToken({ ...goodTokenRequest(), audience: 'https://example.com/' });
    expect(wrongAudience.status).toBe(403);
    expect(wrongAudience.body.error).toBe('access_denied');
    const wrongGrant = await requestToken({ ...goodTokenRequest(), grant_type: 'password' });
    expect(wrongGrant.status).toBe(400);
    expect(wrongGrant.body.error).toBe('unsupported_grant_type');
    const missing = await requestToken({ client_id: sandbox.credentials.clientId });
    expect(missing.status).toBe(400);
  });

  it('uses the configured token lifetime, and tokens stop working when it has passed', async () => {
    let now = Date.parse('2025-06-30T12:00:00Z');
    const timed = await startProcurifySandbox({ tokenLifetimeSeconds: 600, now: () => now });
    try {
      const issued = await fetch(timed.credentials.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: timed.credentials.clientId,
          client_secret: timed.credentials.clientSecret,
          audience: timed.credentials.audience,
          grant_type: 'client_credentials',
        }),
      });
      const { access_token, expires_in } = (await issued.json()) as {
        access_token: string;
        expires_in: number;
      };
      expect(expires_in).toBe(600);
      const call = () =>
        fetch(`${timed.url}/api/v2/locations/`, {
          headers: { authorization: `Bearer ${access_token}`, 'x-procurify-client': 'api' },
        });
      expect((await call()).status).toBe(200);
      now += 601_000;
      const expired = await call();
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { detail: string }).detail).toBe('Token has expired.');
    } finally {
      await timed.close();
    }
  });
});

describe('authentication of API calls', () => {
  it('answers 401 without a token, with an unknown token, and without X-Procurify-Client', async () => {
    const none = await api('GET', '/api/v3/vendors/', { auth: false });
    expect(none.status).toBe(401);
    expect(none.body.detail).toBe('Authentication credentials were not provided.');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const unknown = await api('GET', '/api/v3/vendors/', {
      auth: false,
      headers: { authorization: 'Bearer forged', 'x-procurify-client': 'api' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe('Invalid token.');
    const noClientHeader = await api('GET', '/api/v3/vendors/', {
      auth: false,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(noClientHeader.status).toBe(401);
    expect(noClientHeader.body.detail).toContain('X-Procurify-Client');
  });

  it('refuses every token issued before expireAllTokens()', async () => {
    expect((await api('GET', '/api/v2/locations/')).status).toBe(200);
    sandbox.expireAllTokens();
    const refused = await api('GET', '/api/v2/locations/');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('Token has expired.');
  });
});

describe('paths', () => {
  it('redirects a path without its trailing slash (301, before authentication), keeping the query', async () => {
    refusedOnPurpose(
      {
        vendor: 'procurify',
        operation: 'GET /api/v3/vendors',
        statuses: [301],
        reason: 'paths without the slash redirect',
      },
      {
        vendor: 'procurify',
        operation: 'POST /api/v3/vendors',
        statuses: [301],
        reason: 'paths without the slash redirect',
      },
    );
    const answer = await api('GET', '/api/v3/vendors?page=2', { auth: false });
    expect(answer.status).toBe(301);
    expect(answer.headers.get('location')).toBe('/api/v3/vendors/?page=2');
    const post = await api('POST', '/api/v3/vendors', { body: { name: 'x' } });
    expect(post.status).toBe(301);
  });

  it('answers 404 for unknown paths', async () => {
    refusedOnPurpose({
      vendor: 'procurify',
      operation: 'GET /api/v3/nothing-here/',
      reason: 'an unknown path',
    });
    expect((await api('GET', '/api/v3/nothing-here/')).status).toBe(404);
  });
});

describe('lists and pagination', () => {
  it('pages with page/page_size inside the Procurify envelope, `next` being an absolute URL', async () => {
    const ids = new Set<number>();
    let url: string | null = `${sandbox.url}/api/v3/vendors/?page_size=15`;
    const pages: Array<{ count: number; current_page: number; num_pages: number; previous: string | null }> =
      [];
    while (url !== null) {
      const answer = await api('GET', url);
      expect(answer.status).toBe(200);
      for (const vendor of answer.body.data) ids.add(vendor.id);
      pages.push(answer.body.metadata.pagination);
      url = answer.body.metadata.pagination.next;
      if (url !== null) expect(url.startsWith(sandbox.url)).toBe(true);
    }
    expect(ids.size).toBe(40);
    expect(pages.map((p) => p.current_page)).toEqual([1, 2, 3]);
    expect(pages[0]).toMatchObject({ count: 40, num_pages: 3, previous: null, page_size: 15 });
    expect(pages[1]!.previous).toBe(`${sandbox.url}/api/v3/vendors/?page_size=15`);
  });

  it('answers 404 "Invalid page." past the last page or for a page that is not a number', async () => {
    refusedOnPurpose({
      vendor: 'procurify',
      operation: 'GET /api/v3/vendors/',
      reason: 'pages past the end or not numbers',
    });
    const past = await api('GET', '/api/v3/vendors/?page_size=15&page=4');
    expect(past.status).toBe(404);
    expect(past.body).toEqual({ detail: 'Invalid page.' });
    expect((await api('GET', '/api/v3/vendors/?page=abc')).status).toBe(404);
    expect((await api('GET', '/api/v3/vendors/?page=0')).status).toBe(404);
  });

  it('caps page_size at the configured maximum and uses the default without one', async () => {
    sandbox.setConfig({ maxPageSize: 25 });
    const capped = await api('GET', '/api/v3/vendors/?page_size=1000');
    expect(capped.body.data).toHaveLength(25);
    expect(capped.body.metadata.pagination.page_size).toBe(25);
    const defaulted = await api('GET', '/api/v3/vendors/');
    expect(defaulted.body.data).toHaveLength(10);
  });

  it('builds next links on the configured base URL when one is set', async () => {
    sandbox.setConfig({ nextLinkBaseUrl: 'https://demo.procurify.com' });
    const answer = await api('GET', '/api/v3/vendors/?page_size=5');
    expect(answer.body.metadata.pagination.next).toBe(
      'https://demo.procurify.com/api/v3/vendors/?page_size=5&page=2',
    );
  });

  it('wraps single objects as {metadata: {}, data}', async () => {
    const answer = await api('GET', '/api/v3/vendors/1/');
    expect(answer.status).toBe(200);
    expect(answer.body.metadata).toEqual({});
    expect(answer.body.data.id).toBe(1);
    expect((await api('GET', '/api/v3/vendors/99999/')).status).toBe(404);
  });
});

describe('vendors', () => {
  it('creates, finds by external_id, updates with PUT (absent fields kept) and PATCH, bumping dateModified', async () => {
    const created = await api('POST', '/api/v3/vendors/', {
      body: {
        name: 'Conformance Vendor',
        email: ['ap@conformance.example', 'billing@conformance.example'],
        type: 4,
        external_id: 'ns-9001',
        addressLineOne: '1 Test Road',
        city: 'Testville',
        currency: 2,
        payment_term_ref: { name: 'Net 30' },
        overall_score: null,
      },
    });
    expect(created.status).toBe(201);
    const vendor = created.body.data;
    expect(vendor).toMatchObject({
      name: 'Conformance Vendor',
      email: ['ap@conformance.example', 'billing@conformance.example'],
      external_id: 'ns-9001',
      active: true,
      type: 4,
      currency: 2,
      addressLineOne: '1 Test Road',
    });
    expect(vendor.payment_term_ref).toMatchObject({ id: 3, name: 'Net 30' });

    const found = await api('GET', '/api/v3/vendors/?external_id=ns-9001');
    expect(found.body.data.map((v: { id: number }) => v.id)).toEqual([vendor.id]);

    const put = await api('PUT', `/api/v3/vendors/${vendor.id}/`, {
      body: { name: 'Conformance Vendor Ltd', email: [], type: 4, active: false, overall_score: null },
    });
    expect(put.status).toBe(200);
    // PUT answers the Vendor shape: the payment term as its id.
    expect(put.body.data.payment_term_ref).toBe(3);
    expect(put.body.data).toMatchObject({
      name: 'Conformance Vendor Ltd',
      email: [],
      active: false,
      city: 'Testville',
    });
    expect(put.body.data.dateModified > vendor.dateModified).toBe(true);

    const patch = await api('PATCH', `/api/v3/vendors/${vendor.id}/`, { body: { active: true } });
    expect(patch.body.data).toMatchObject({ name: 'Conformance Vendor Ltd', active: true });
    expect(patch.body.data.dateModified > put.body.data.dateModified).toBe(true);
  });

  it('answers DRF-style 400s naming each field', async () => {
    refusedOnPurpose(
      {
        vendor: 'procurify',
        operation: 'POST /api/v3/vendors/',
        reason: 'bad vendor bodies are sent to see the 400s',
      },
      {
        vendor: 'procurify',
        operation: 'PATCH /api/v3/vendors/{id}/',
        reason: 'bad vendor bodies are sent to see the 400s',
      },
    );
    const answer = await api('POST', '/api/v3/vendors/', {
      body: { email: ['good@example.com', 'not-an-email'], type: 9, external_id: 'x'.repeat(101) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      name: ['This field is required.'],
      email: { '1': ['Enter a valid email address.'] },
      type: ['"9" is not a valid choice.'],
      external_id: ['Ensure this field has no more than 100 characters.'],
      overall_score: ['This field is required.'],
    });
    const notAList = await api('POST', '/api/v3/vendors/', { body: { name: 'A', email: 'a@b.c', type: 3 } });
    expect(notAList.body.email).toEqual(['Expected a list of items but got type "str".']);
    const badCurrency = await api('PATCH', '/api/v3/vendors/1/', { body: { currency: 999 } });
    expect(badCurrency.body).toEqual({ currency: ['Invalid pk "999" - object does not exist.'] });
    const termById = await api('PATCH', '/api/v3/vendors/1/', { body: { payment_term_ref: 3 } });
    expect(termById.body).toEqual({
      payment_term_ref: { non_field_errors: ['Invalid data. Expected a dictionary, but got int.'] },
    });
    const newTerm = await api('PATCH', '/api/v3/vendors/1/', {
      body: { payment_term_ref: { name: 'Net 90' } },
    });
    expect(newTerm.body.data.payment_term_ref).toMatchObject({ name: 'Net 90', active: true });
    const notJson = await api('POST', '/api/v3/vendors/', {
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(notJson.status).toBe(415);
  });

  it('lists inactive vendors unless vendorListActiveOnly is set', async () => {
    const all = await api('GET', '/api/v3/vendors/?page_size=100');
    const inactive = all.body.data.filter((v: { active: boolean }) => !v.active);
    expect(inactive.length).toBeGreaterThan(0);
    sandbox.setConfig({ vendorListActiveOnly: true });
    const activeOnly = await api('GET', '/api/v3/vendors/?page_size=100');
    expect(activeOnly.body.data.every((v: { active: boolean }) => v.active)).toBe(true);
    expect(activeOnly.body.data.length).toBe(all.body.data.length - inactive.length);
  });
});

describe('account codes', () => {
  it('creates and updates with code ≤ 50, description ≤ 200, account_type 0..5 and a unique code', async () => {
    refusedOnPurpose({
      vendor: 'procurify',
      operation: 'POST /api/v3/account-codes/',
      reason: 'bad and duplicate account codes are sent to see the 400s',
    });
    const created = await api('POST', '/api/v3/account-codes/', {
      body: { code: '6999', description: 'Conformance expense', account_type: 2, parent: 8 },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ code: '6999', account_type: 2, active: true, parent: 8 });
    const id = created.body.data.id;

    const invalid = await api('POST', '/api/v3/account-codes/', {
      body: { code: 'c'.repeat(51), description: 'd'.repeat(201), account_type: 6 },
    });
    expect(invalid.body).toEqual({
      code: ['Ensure this field has no more than 50 characters.'],
      description: ['Ensure this field has no more than 200 characters.'],
      account_type: ['"6" is not a valid choice.'],
    });
    const duplicate = await api('POST', '/api/v3/account-codes/', {
      body: { code: '6999', description: 'again' },
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.code).toEqual(['account code with this code already exists.']);

    const updated = await api('PUT', `/api/v3/account-codes/${id}/`, {
      body: { code: '6999', description: 'Renamed', account_type: 2 },
    });
    expect(updated.body.data).toMatchObject({ description: 'Renamed', active: true });

    const byCode = await api('GET', '/api/v3/account-codes/?code=6999');
    expect(byCode.body.data).toHaveLength(1);
    const inactive = await api('GET', '/api/v3/account-codes/?active=false&page_size=100');
    expect(inactive.body.data.map((a: { code: string }) => a.code)).toEqual(expect.arrayContaining(['6900']));
    expect(inactive.body.data.every((a: { active: boolean }) => !a.active)).toBe(true);
  });

  it('ignores active on account code writes, as Procurify does (its request schemas lack it); GET on one account code is 405', async () => {
    refusedOnPurpose(
      {
        vendor: 'procurify',
        operation: 'PUT /api/v3/account-codes/{id}/',
        statuses: [200],
        reason: '`active` is sent to see it ignored, as DRF ignores fields a serializer does not have',
      },
      {
        vendor: 'procurify',
        operation: 'POST /api/v3/account-codes/',
        statuses: [201],
        reason: '`active` is sent to see it ignored, as DRF ignores fields a serializer does not have',
      },
      {
        vendor: 'procurify',
        operation: 'GET /api/v3/account-codes/9/',
        reason: 'only PUT is documented there',
      },
    );
    const answer = await api('PUT', '/api/v3/account-codes/9/', {
      body: { code: '6010', description: 'Office Supplies', active: false },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.data.active).toBe(true);
    const created = await api('POST', '/api/v3/account-codes/', {
      body: { code: '6011', description: 'Created inactive?', active: false },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.active).toBe(true);
    // A user deactivates it in the web app (the admin API stands for that).
    const deactivated = await fetch(`${sandbox.adminUrl}/account-codes/${created.body.data.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ active: false }),
    });
    expect(deactivated.status).toBe(200);
    expect(sandbox.store.accountCodes.get(created.body.data.id)?.active).toBe(false);
    const get = await api('GET', '/api/v3/account-codes/9/');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toContain('PUT');
  });
});

describe('departments, locations, company payment methods', () => {
  it('creates and updates departments on a location (branch) and filters them by branch', async () => {
    const created = await api('POST', '/api/v3/departments/', {
      body: { name: 'Conformance', branch: 2, external_id: 'ns-d-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: 'Conformance',
      branch: { id: 2, name: 'Toronto Office' },
      active: true,
    });
    const badBranch = await api('POST', '/api/v3/departments/', { body: { name: 'Nowhere', branch: 77 } });
    expect(badBranch.body).toEqual({ branch: ['Invalid pk "77" - object does not exist.'] });
    const updated = await api('PUT', `/api/v3/departments/${created.body.data.id}/`, {
      body: { name: 'Conformance', branch: 2, active: false },
    });
    expect(updated.body.data.active).toBe(false);
    const onBranch = await api('GET', '/api/v3/departments/?branch=2&page_size=100');
    expect(onBranch.body.data.every((d: { branch: { id: number } }) => d.branch.id === 2)).toBe(true);
    expect(onBranch.body.data.map((d: { name: string }) => d.name)).toContain('Conformance');
  });

  it('lists locations, currencies, and payment methods with their GL codes', async () => {
    const currencies = await api('GET', '/api/v2/currencies/');
    expect(currencies.body.data.map((c: { name: string }) => c.name)).toEqual(['USD', 'CAD', 'EUR', 'GBP']);
    expect((await api('GET', '/api/v2/currencies/?base=true')).body.data).toEqual([
      expect.objectContaining({ name: 'USD', base: true }),
    ]);
    const locations = await api('GET', '/api/v2/locations/');
    expect(locations.body.data.map((l: { name: string }) => l.name)).toEqual([
      'San Francisco HQ',
      'Toronto Office',
      'London Office',
    ]);
    expect(locations.body.data[0].currency.name).toBe('USD');
    const methods = await api('GET', '/api/v2/ap/company-payment-methods/');
    expect(methods.body.data.map((m: { gl_code: string }) => m.gl_code)).toEqual([
      '1010',
      '1020',
      '1030',
      '1040',
      '9999',
    ]);
    expect(methods.body.data[1]).toMatchObject({ type: 2, currency: { name: 'USD' } });
  });
});

describe('bills', () => {
  it('filters the list on last_modified_datetime_0/_1, inclusive; approving bumps the time', async () => {
    refusedOnPurpose(
      {
        vendor: 'procurify',
        operation: 'GET /api/v3/ap/bills/',
        reason: 'a bad date-time is sent to see the 400',
      },
      {
        vendor: 'procurify',
        operation: 'GET /api/v3/ap/bills/',
        statuses: [200],
        reason: 'the undocumented `status` filter is sent to see it ignored',
      },
    );
    const bill = sandbox.createBill({
      vendor: 1,
      invoice_number: 'CONF-1',
      invoice_date: '2025-06-01',
      due_date: '2025-07-01',
      items: [{ description: 'Thing', amount: '100.00', account_code: 9, department: 1 }],
    });
    const created = await api('GET', `/api/v2/ap/bills/${bill.uuid}/`);
    const before = created.body.data.last_modified_datetime as string;
    sandbox.approveBill(bill.uuid);
    const after = (await api('GET', `/api/v2/ap/bills/${bill.uuid}/`)).body.data;
    expect(after.status).toBe(billStatus.approved);
    expect(after.last_modified_datetime > before).toBe(true);

    const window = await api(
      'GET',
      `/api/v3/ap/bills/?last_modified_datetime_0=${encodeURIComponent(after.last_modified_datetime)}&last_modified_datetime_1=${encodeURIComponent(after.last_modified_datetime)}`,
    );
    expect(window.body.data.map((b: { uuid: string }) => b.uuid)).toEqual([bill.uuid]);
    const since = await api(
      'GET',
      `/api/v3/ap/bills/?last_modified_datetime_0=${encodeURIComponent(after.last_modified_datetime)}`,
    );
    expect(since.body.metadata.pagination.count).toBe(1);
    const bad = await api('GET', '/api/v3/ap/bills/?last_modified_datetime_0=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ last_modified_datetime: ['Enter a valid date/time.'] });
    // `status` is not a documented bills filter: ignored.
    const all = await api('GET', '/api/v3/ap/bills/');
    const withStatus = await api('GET', '/api/v3/ap/bills/?status=2');
    expect(withStatus.body.metadata.pagination.count).toBe(all.body.metadata.pagination.count);
  });

  it('shows the bill detail with cost allocations per line, money as Procurify types it', async () => {
    const bill = sandbox.createBill({
      vendor: 4,
      currency: 'CAD',
      invoice_number: 'CONF-2',
      invoice_date: '2025-06-02',
      due_date: '2025-07-02',
      status: billStatus.approved,
      items: [
        {
          description: 'Split line',
          amount: '300.50',
          cost_allocations: [
            { account_code: 10, department: 2, amount: '100.25' },
            { account_code: 11, department: 3 },
          ],
        },
        { description: 'Plain line', amount: '20.00', account_code: 12, department: 6 },
      ],
    });
    const answer = await api('GET', `/api/v2/ap/bills/${bill.uuid}/`);
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({
      uuid: bill.uuid,
      status: 2,
      invoice_number: 'CONF-2',
      invoice_date: '2025-06-02T00:00:00Z',
      due_date: '2025-07-02T00:00:00Z',
      currency: { name: 'CAD' },
      vendor: { id: 4 },
      total_cost: 320.5,
      bill_payment: null,
    });
    expect(data.items).toHaveLength(2);
    const allocations = data.items[0].cost_allocations;
    expect(allocations.map((a: { amount: string }) => a.amount)).toEqual(['100.25', '200.25']);
    expect(allocations[0].budget.account_code).toMatchObject({ id: 10, code: '6020' });
    expect(allocations[0].budget.department).toMatchObject({ id: 2, name: 'Finance' });
    expect(data.items[1].cost_allocations[0].budget).toMatchObject({
      account_code: { code: '6040' },
      department: { name: 'Sales' },
    });
    expect((await api('GET', '/api/v2/ap/bills/00000000-0000-4000-8000-000000000000/')).status).toBe(404);
  });

  it('answers 405 to POST on the list and DELETE on a bill', async () => {
    refusedOnPurpose({
      vendor: 'procurify',
      operation: 'POST /api/v3/ap/bills/',
      reason: 'bills cannot be created through the API',
    });
    const post = await api('POST', '/api/v3/ap/bills/', { body: { invoice_number: 'X' } });
    expect(post.status).toBe(405);
    expect(post.body).toEqual({ detail: 'Method "POST" not allowed.' });
    const [first] = sandbox.store.bills.keys();
    refusedOnPurpose({
      vendor: 'procurify',
      operation: `DELETE /api/v2/ap/bills/${first}/`,
      reason: 'bills cannot be deleted through the API',
    });
    const del = await api('DELETE', `/api/v2/ap/bills/${first}/`);
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toContain('GET');
  });
});

describe('mark-as-paid', () => {
  const newBill = (status: number = billStatus.approved) =>
    sandbox.createBill({
      vendor: 2,
      invoice_number: `MAP-${Math.random()}`,
      status,
      items: [{ description: 'x', amount: '10.00', account_code: 9, department: 1 }],
    });

  it('sets approved bills without payments to paid (4), echoing the request, bumping modification time', async () => {
    const bills = [newBill(), newBill()];
    const before = bills.map((b) => b.modified);
    const answer = await api('POST', '/api/v3/ap/bills/mark-as-paid/', {
      body: { bill_uuids: bills.map((b) => b.uuid), payment_date: '2025-06-15' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      bill_uuids: bills.map((b) => b.uuid),
      bill_group_ids: [],
      payment_date: '2025-06-15',
    });
    for (const [index, bill] of bills.entries()) {
      expect(bill.status).toBe(billStatus.paid);
      expect(bill.paidDate).toBe('2025-06-15');
      expect(bill.modified).toBeGreaterThan(before[index]!);
    }
    const again = await api('POST', '/api/v3/ap/bills/mark-as-paid/', {
      body: { bill_uuids: [bills[0]!.uuid], payment_date: '2025-06-15' },
    });
    expect(again.status).toBe(400);
    expect(again.body.bill_uuids[0]).toContain('Only approved bills without payments');
  });

  it('refuses unknown and unapproved bills all or nothing, bad dates and missing fields', async () => {
    refusedOnPurpose({
      vendor: 'procurify',
      operation: 'POST /api/v3/ap/bills/mark-as-paid/',
      reason: 'bad mark-as-paid bodies are sent to see the 400s',
    });
    const approved = newBill();
    const confirmed = newBill(billStatus.confirmed);
    const mixed = await api('POST', '/api/v3/ap/bills/mark-as-paid/', {
      body: { bill_uuids: [approved.uuid, confirmed.uuid], payment_date: '2025-06-15' },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.bill_uuids[0]).toContain(confirmed.uuid);
    expect(approved.status).toBe(billStatus.approved);
    const unknown = await api('POST', '/api/v3/ap/bills/mark-as-paid/', {
      body: { bill_uuids: ['00000000-0000-4000-8000-000000000000'], payment_date: '2025-06-15' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.bill_uuids[0]).toContain('not found');
    const badDate = await api('POST', '/api/v3/ap/bills/mark-as-paid/', {
      body: { bill_uuids: [approved.uuid], payment_date: '15/06/2025' },
    });
    expect(badDate.body).toEqual({
      payment_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    });
    const missing = await api('POST', '/api/v3/ap/bills/mark-as-paid/', { body: {} });
    expect(missing.body).toEqual({
      bill_uuids: ['This field is required.'],
      payment_date: ['This field is required.'],
    });
  });
});

describe('payments', () => {
  it('lists payments with gl_code, bill_groups, amounts, status strings; applied amounts live on the bills', async () => {
    const bills = [1, 2].map((n) =>
      sandbox.createBill({
        vendor: 6,
        invoice_number: `PAY-CONF-${n}`,
        status: billStatus.approved,
        items: [{ description: 'x', amount: '250.00', account_code: 9, department: 1 }],
      }),
    );
    const payment = sandbox.recordPayment({
      bills: [
        { uuid: bills[0]!.uuid, amount: '250.00' },
        { uuid: bills[1]!.uuid, amount: '100.00' },
      ],
      method: 3,
      payment_date: '2025-06-20',
      status: 'paid',
    });
    const listed = await api('GET', `/api/public/v1/payments/?ids=${payment.id}`);
    expect(listed.body.data).toHaveLength(1);
    const row = listed.body.data[0];
    expect(row).toMatchObject({
      id: payment.id,
      amount: '350.00',
      currency: { name: 'USD' },
      status: 'paid',
      gl_code: '1030',
      processing_date: '2025-06-20',
      posted_date: '2025-06-20',
      vendor_name: sandbox.store.vendors.get(6)!.name,
    });
    expect(row.bill_groups).toHaveLength(1);
    const first = (await api('GET', `/api/v2/ap/bills/${bills[0]!.uuid}/`)).body.data;
    const second = (await api('GET', `/api/v2/ap/bills/${bills[1]!.uuid}/`)).body.data;
    expect(first).toMatchObject({ status: billStatus.paid, group: row.bill_groups[0] });
    expect(first.bill_payment).toMatchObject({
      amount: '250.00',
      payment: { id: payment.id, amount: '350.00' },
    });
    expect(second).toMatchObject({ status: billStatus.paymentApproved, bill_payment: { amount: '100.00' } });
    const inGroup = await api('GET', `/api/v3/ap/bills/?group=${row.bill_groups[0]}`);
    expect(inGroup.body.data.map((b: { uuid: string }) => b.uuid).sort()).toEqual(
      bills.map((b) => b.uuid).sort(),
    );
  });

  it('filters on updated_at_after/_before and status lists; a status change bumps updated_at', async () => {
    refusedOnPurpose({
      vendor: 'procurify',
      operation: 'GET /api/public/v1/payments/',
      reason: 'a bad status and a bad date-time are sent to see the 400s',
    });
    const [target] = [...sandbox.store.payments.values()].filter((p) => p.status === 'scheduled');
    expect(target).toBeDefined();
    const before = (await api('GET', `/api/public/v1/payments/?ids=${target!.id}`)).body.data[0]
      .updated_at as string;
    sandbox.setPaymentStatus(target!.id, 'processing');
    const changed = (await api('GET', `/api/public/v1/payments/?ids=${target!.id}`)).body.data[0];
    expect(changed.updated_at > before).toBe(true);
    const since = await api(
      'GET',
      `/api/public/v1/payments/?updated_at_after=${encodeURIComponent(changed.updated_at)}`,
    );
    expect(since.body.data.map((p: { id: number }) => p.id)).toEqual([target!.id]);
    const until = await api(
      'GET',
      `/api/public/v1/payments/?updated_at_before=${encodeURIComponent(before)}&page_size=100`,
    );
    expect(until.body.data.map((p: { id: number }) => p.id)).not.toContain(target!.id);

    const statuses = await api(
      'GET',
      '/api/public/v1/payments/?status=failed,scheduled,processing&page_size=100',
    );
    expect(statuses.body.data.length).toBeGreaterThan(0);
    expect(
      statuses.body.data.every((p: { status: string }) =>
        ['failed', 'scheduled', 'processing'].includes(p.status),
      ),
    ).toBe(true);
    const bad = await api('GET', '/api/public/v1/payments/?status=paid,lost');
    expect(bad.status).toBe(400);
    expect(bad.body.status[0]).toContain('lost');
    const badDate = await api('GET', '/api/public/v1/payments/?updated_at_after=soon');
    expect(badDate.body).toEqual({ updated_at: ['Enter a valid date/time.'] });
  });
});

describe('faults and the request log', () => {
  it('answers 429 with Retry-After, 500 with an HTML page, and drops connections, as the fault plan says', async () => {
    sandbox.setConfig({ retryAfterSeconds: 3 });
    sandbox.faults.set('GET /api/v2/locations/', { rate429: 1 });
    const limited = await api('GET', '/api/v2/locations/');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    sandbox.faults.set('GET /api/v2/locations/', { rate500: 1 });
    const failed = await api('GET', '/api/v2/locations/');
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toContain('text/html');
    sandbox.faults.set('GET /api/v2/locations/', { rateDrop: 1 });
    await expect(api('GET', '/api/v2/locations/')).rejects.toThrow();
    sandbox.faults.set('POST /oauth/token', { rate429: 1 });
    expect((await requestToken(goodTokenRequest())).status).toBe(429);
  });

  it('loses connections before or after handling on request (one-shot rules)', async () => {
    sandbox.loseConnections({ method: 'PATCH', path: '/api/v3/vendors/', when: 'after' });
    await expect(api('PATCH', '/api/v3/vendors/3/', { body: { contact: 'Lost Answer' } })).rejects.toThrow();
    expect(sandbox.store.vendors.get(3)!.contact).toBe('Lost Answer');
    sandbox.loseConnections({ method: 'PATCH', path: '/api/v3/vendors/', when: 'before' });
    await expect(api('PATCH', '/api/v3/vendors/3/', { body: { contact: 'Never Seen' } })).rejects.toThrow();
    expect(sandbox.store.vendors.get(3)!.contact).toBe('Lost Answer');
    expect((await api('PATCH', '/api/v3/vendors/3/', { body: { contact: 'Fine' } })).status).toBe(200);
  });

  it('logs API requests with route, status and fault, but not admin requests; counts them in stats', async () => {
    sandbox.clearRequestLog();
    sandbox.faults.set('GET /api/v3/departments/', { rate429: 1, latency: { baseMs: 30 } });
    await api('GET', '/api/v3/departments/?page=1');
    await api('GET', '/api/v3/vendors/2/');
    await admin('GET', '/stats');
    const log = sandbox.requestLog();
    expect(log.map((e) => [e.route, e.status, e.fault])).toEqual([
      ['GET /api/v3/departments/', 429, '429'],
      ['GET /api/v3/vendors/{id}/', 200, 'none'],
    ]);
    expect(log[0]!.query).toBe('page=1');
    expect(log[0]!.clientHeader).toBe(true);
    expect(log[0]!.durationMs).toBeGreaterThanOrEqual(25);
    const stats = sandbox.stats();
    expect(stats.faults['429']).toBeGreaterThan(0);
    expect(stats.byRoute['GET /api/v3/vendors/{id}/']).toBeGreaterThan(0);
  });
});
