// Integration tests of apsync's NetSuite client (shared/netsuite) against the NetSuite sandbox over
// loopback HTTP: tokens, records, SuiteQL paging and windowing, error classes, retries under faults,
// and the governor against the sandbox's concurrency governance.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type DemoSummary,
  type NetSuiteSandbox,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { BugError, DataError, SyncError } from '../../shared/errors.ts';
import {
  AmbiguousWriteError,
  createNetSuiteClient,
  type NetSuiteClient,
  type NetSuiteClientConfigInput,
  type NetSuiteClientDependencies,
  suiteQlTimestamp,
} from '../../shared/netsuite/index.ts';

const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
const SUITEQL_PATH = '/services/rest/query/v1/suiteql';

let sandbox: NetSuiteSandbox;
let demo: DemoSummary;

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox({ seed: 11 });
  demo = sandbox.seedDemo();
});

afterAll(async () => {
  await sandbox?.close();
});

beforeEach(() => {
  sandbox.faults.clear();
  sandbox.setConfig({ concurrencyLimit: 5 });
  sandbox.clearRequestLog();
  sandbox.resetStats();
});

function client(
  overrides: Partial<NetSuiteClientConfigInput> = {},
  dependencies: NetSuiteClientDependencies = {},
): NetSuiteClient {
  const { accountId, clientId, certificateId, privateKeyPem, algorithm, tokenUrl } = sandbox.credentials;
  return createNetSuiteClient(
    {
      baseUrl: sandbox.url,
      accountId,
      clientId,
      certificateId,
      privateKeyPem,
      algorithm,
      tokenUrl,
      concurrencyShare: 5,
      retryPolicy: { maxAttempts: 8, baseMs: 2, capMs: 20 },
      ...overrides,
    },
    dependencies,
  );
}

const log = () => sandbox.requestLog();
const tokenRequests = () => log().filter((entry) => entry.path === TOKEN_PATH);

async function caught(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

const vendorRow = z.object({ id: z.string(), entityid: z.string(), email: z.string().optional() });

function billBody(memo: string, amount = 120.5): Record<string, unknown> {
  return {
    entity: { id: demo.vendors[0] },
    tranDate: '2026-01-15',
    memo,
    expense: {
      items: [{ account: { id: demo.expenseAccounts[0] }, amount, department: { id: demo.departments[0] } }],
    },
  };
}

async function billsWithExternalId(ns: NetSuiteClient, externalId: string): Promise<string[]> {
  const rows = await collect(
    ns.suiteQl.query(
      'SELECT id FROM transaction WHERE UPPER(externalid) = UPPER(?)',
      [externalId],
      z.object({ id: z.string() }),
    ),
  );
  return rows.map((row) => row.id);
}

describe('tokens', () => {
  it('gets one token and reuses it', async () => {
    const ns = client();
    await ns.records.get('vendor', demo.vendors[0]!);
    await ns.records.get('vendor', demo.vendors[1]!);
    expect(tokenRequests()).toHaveLength(1);
    expect(tokenRequests()[0]!.status).toBe(200);
    expect(ns.stats().tokens.renewals).toBe(1);
  });

  it('makes concurrent first callers share one token request', async () => {
    const ns = client();
    await Promise.all(demo.vendors.slice(0, 12).map((id) => ns.records.get('vendor', id)));
    expect(tokenRequests()).toHaveLength(1);
  });

  it('renews once when every token expires under concurrent callers', async () => {
    const ns = client();
    await ns.records.get('vendor', demo.vendors[0]!);
    sandbox.expireAllTokens();
    await Promise.all(demo.vendors.slice(0, 10).map((id) => ns.records.get('vendor', id)));
    expect(tokenRequests()).toHaveLength(2);
    const refused = log().filter((entry) => entry.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(ns.stats().tokens.invalidations).toBe(1);
  });

  it('survives token expiry in the middle of a SuiteQL iteration with one renewal', async () => {
    const ns = client();
    const rows: z.infer<typeof vendorRow>[] = [];
    for await (const row of ns.suiteQl.query(
      'SELECT id, entityid, email FROM vendor ORDER BY id',
      [],
      vendorRow,
      {
        pageSize: 5,
      },
    )) {
      rows.push(row);
      if (rows.length === 7) sandbox.expireAllTokens();
    }
    expect(rows).toHaveLength(demo.vendors.length);
    expect(new Set(rows.map((row) => row.id)).size).toBe(demo.vendors.length);
    expect(tokenRequests()).toHaveLength(2);
    expect(ns.stats().reauthentications).toBe(1);
  });

  it('renews a token in its last minutes, never using it inside them', async () => {
    // A short token lifetime keeps the injected clock within the sandbox's tolerance for `iat`.
    sandbox.setConfig({ tokenLifetimeSeconds: 400 });
    try {
      let now = Date.now();
      const ns = client({ renewBeforeSeconds: 120 }, { clock: { now: () => now } });
      await ns.records.get('vendor', demo.vendors[0]!);
      now += 270_000; // 130 s left: still usable
      await ns.records.get('vendor', demo.vendors[0]!);
      expect(tokenRequests()).toHaveLength(1);
      now += 20_000; // 110 s left: inside the last 120 s
      await ns.records.get('vendor', demo.vendors[0]!);
      expect(tokenRequests()).toHaveLength(2);
      expect(log().filter((entry) => entry.status === 401)).toHaveLength(0);
    } finally {
      sandbox.setConfig({ tokenLifetimeSeconds: 3600 });
    }
  });
});

describe('records', () => {
  it('creates, reads, patches and deletes a department', async () => {
    const ns = client();
    const id = await ns.records.create('department', { name: `Client test ${Date.now()}` });
    expect(id).toMatch(/^\d+$/);
    const created = await ns.records.get('department', id, {
      schema: z.object({ id: z.string(), name: z.string() }).loose(),
    });
    expect(created.id).toBe(id);
    await ns.records.patch('department', id, { name: 'Renamed by client test' });
    expect((await ns.records.get('department', id)).name).toBe('Renamed by client test');
    await ns.records.delete('department', id);
    expect(await ns.records.find('department', id)).toBeUndefined();
  });

  it('upserts a bill by external id: the second PUT updates the same record', async () => {
    const ns = client();
    const externalId = `procurify-bill-upsert-${Date.now()}`;
    const first = await ns.records.upsertByExternalId('vendorBill', externalId, billBody('first'));
    await ns.records.upsertByExternalId('vendorBill', externalId, billBody('second', 99));
    const ids = await billsWithExternalId(ns, externalId);
    expect(ids).toHaveLength(1);
    expect(first.id).toBe(ids[0]); // the creating upsert names the new record in Location
    const bill = await ns.records.get('vendorBill', `eid:${externalId}`, {
      schema: z.object({ id: z.string(), memo: z.string(), externalId: z.string() }).loose(),
    });
    expect(bill).toMatchObject({ id: ids[0], memo: 'second', externalId });
  });

  it('reads only the fields asked for', async () => {
    const ns = client();
    const vendor = await ns.records.get('vendor', demo.vendors[0]!, { fields: ['companyName'] });
    expect(vendor.companyName).toEqual(expect.any(String));
    expect(vendor.email).toBeUndefined();
  });

  it('lists ids page after page', async () => {
    const ns = client();
    const ids = await collect(ns.records.list('vendor', { pageSize: 7 }));
    expect(new Set(ids)).toEqual(new Set(demo.vendors));
  });
});

describe('data errors carry NetSuite code, detail and path', () => {
  it('a missing record is NONEXISTENT_ID', async () => {
    const error = await caught(client().records.get('vendor', '999999'));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ status: 404, code: 'NONEXISTENT_ID', source: 'netsuite' });
    expect(error.detail).toContain('does not exist');
    expect(await client().records.find('vendorBill', 'eid:procurify-bill-none-such')).toBeUndefined();
  });

  it('a bad reference names the field', async () => {
    const body = { ...billBody('bad'), entity: { id: '987654' } };
    const error = await caught(
      client().records.upsertByExternalId('vendorBill', `bad-ref-${Date.now()}`, body),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.status).toBe(400);
    expect(error.code).toMatch(/INVALID_CONTENT|INVALID_REFERENCE|USER_ERROR/);
    expect(error.path).toBe('entity');
    expect(error.message).toContain('entity');
    expect(log().filter((entry) => entry.method === 'PUT')).toHaveLength(1); // never retried
  });

  it('a missing required value names it', async () => {
    const error = await caught(
      client().records.upsertByExternalId('vendorBill', `no-entity-${Date.now()}`, { memo: 'x' }),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'USER_ERROR', path: 'entity' });
  });

  it('an unknown SuiteQL column is reported with NetSuite’s words', async () => {
    const error = await caught(
      collect(client().suiteQl.query('SELECT nosuchcolumn FROM vendor', [], z.object({}))),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.detail).toContain('Unknown identifier');
  });
});

describe('SuiteQL', () => {
  it('pages with offsets that are multiples of the limit, lower-cased columns and omitted nulls', async () => {
    const ns = client();
    const rows = await collect(
      ns.suiteQl.query(
        `SELECT id AS ID, tranid AS TranId, ${suiteQlTimestamp('lastmodifieddate')} AS LastModified, ` +
          'externalid AS ExternalId FROM transaction WHERE recordtype = ? AND externalid IS NULL ORDER BY id',
        ['vendorbill'],
        z.strictObject({
          id: z.string(),
          tranid: z.string(),
          lastmodified: z.string(),
          externalid: z.string().optional(),
        }),
        { pageSize: 9 },
      ),
    );
    expect(rows).toHaveLength(demo.bills.length);
    expect(rows[0]!.lastmodified).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(rows.every((row) => !('externalid' in row))).toBe(true);
    const pages = log().filter((entry) => entry.path === SUITEQL_PATH);
    expect(pages.map((entry) => new URLSearchParams(entry.query).get('offset'))).toEqual(
      Array.from({ length: Math.ceil(demo.bills.length / 9) }, (_, n) => String(n * 9)),
    );
    expect(pages.every((entry) => new URLSearchParams(entry.query).get('limit') === '9')).toBe(true);
  });

  it('refuses to silently stop at the per-query row cap', async () => {
    const error = await caught(
      collect(
        client().suiteQl.query('SELECT id FROM transaction', [], z.object({ id: z.string() }), {
          pageSize: 10,
          rowCap: 20,
        }),
      ),
    );
    expect(error).toBeInstanceOf(BugError);
    expect(error.code).toBe('ROW_CAP');
  });

  it('reads past the row cap in (lastmodified, id) windows without losing or repeating rows', async () => {
    const ns = client();
    const expected = await collect(
      ns.suiteQl.query('SELECT id FROM transaction', [], z.object({ id: z.string() })),
    );
    const rows = await collect(
      ns.suiteQl.windowed({
        select: 'id, type',
        from: 'transaction',
        schema: z.object({ id: z.string(), type: z.string() }),
        pageSize: 10,
        windowRows: 20,
      }),
    );
    expect(rows.map((row) => row.id).sort()).toEqual(expected.map((row) => row.id).sort());
    const windows = log().filter(
      (entry) => entry.path === SUITEQL_PATH && entry.query === '?limit=10&offset=0',
    );
    expect(windows.length).toBe(Math.ceil(expected.length / 20) + (expected.length % 20 === 0 ? 1 : 0));
  });

  it('windows through rows sharing one lastmodifieddate by id (keyset paging)', async () => {
    const ns = client();
    const stamps = await collect(
      ns.suiteQl.query(
        `SELECT ${suiteQlTimestamp('lastmodifieddate')} AS lm FROM vendor`,
        [],
        z.object({ lm: z.string() }),
      ),
    );
    expect(new Set(stamps.map((row) => row.lm)).size).toBeLessThan(stamps.length); // ties exist
    const rows = await collect(
      ns.suiteQl.windowed({
        select: 'id',
        from: 'vendor',
        schema: z.object({ id: z.string() }),
        pageSize: 3,
      }),
    );
    expect(rows.map((row) => row.id).sort()).toEqual([...demo.vendors].sort());
  });

  it('starts after a watermark key', async () => {
    const ns = client();
    const all = await collect(
      ns.suiteQl.windowed({
        select: `id, ${suiteQlTimestamp('lastmodifieddate')} AS lm`,
        from: 'transaction',
        schema: z.object({ id: z.string(), lm: z.string() }),
      }),
    );
    const pivot = all[Math.floor(all.length / 2)]!;
    const rest = await collect(
      ns.suiteQl.windowed({
        select: 'id',
        from: 'transaction',
        schema: z.object({ id: z.string() }),
        after: { lastModified: pivot.lm, id: pivot.id },
      }),
    );
    expect(rest.map((row) => row.id)).toEqual(all.slice(all.indexOf(pivot) + 1).map((row) => row.id));
  });
});

describe('faults and retries', () => {
  it('gets every call through a 429 storm by retrying', async () => {
    sandbox.faults.set('GET /services/rest/record/v1/vendor', { rate429: 0.5 });
    const ns = client({ retryPolicy: { maxAttempts: 20, baseMs: 2, capMs: 20 } });
    const vendors = await Promise.all(demo.vendors.slice(0, 20).map((id) => ns.records.get('vendor', id)));
    expect(vendors).toHaveLength(20);
    const injected = sandbox.stats().injected429;
    expect(injected).toBeGreaterThan(0);
    expect(ns.stats().retries).toBe(injected);
    expect(ns.stats().overLimit).toBe(injected);
  });

  it('re-sends a PUT upsert after a dropped connection and ends with exactly one record', async () => {
    sandbox.faults.set('PUT /services/rest/record/v1/vendorBill', { rateDrop: 1 });
    const ns = client({}, { onRetry: () => sandbox.faults.clear() });
    const externalId = `procurify-bill-drop-${Date.now()}`;
    await ns.records.upsertByExternalId('vendorBill', externalId, billBody('after a drop'));
    const puts = log().filter((entry) => entry.method === 'PUT');
    expect(puts.map((entry) => entry.status)).toEqual([0, 204]);
    expect(ns.stats().retries).toBe(1);
    expect(await billsWithExternalId(ns, externalId)).toHaveLength(1);
  });

  it('does not re-send a POST create after a dropped connection: ambiguous', async () => {
    sandbox.faults.set('POST /services/rest/record/v1/department', { rateDrop: 1 });
    const ns = client();
    const error = await caught(ns.records.create('department', { name: `Dropped ${Date.now()}` }));
    expect(error).toBeInstanceOf(AmbiguousWriteError);
    expect(error.errorClass).toBe('transient');
    expect(
      log().filter((entry) => entry.method === 'POST' && entry.path.endsWith('/department')),
    ).toHaveLength(1);
    expect(ns.stats().retries).toBe(0);
  });

  it('retries SuiteQL pages refused with 500', async () => {
    sandbox.faults.set(`POST ${SUITEQL_PATH}`, { rate500: 0.4 });
    const ns = client({ retryPolicy: { maxAttempts: 20, baseMs: 1, capMs: 5 } });
    const rows = await collect(
      ns.suiteQl.query('SELECT id FROM vendor', [], z.object({ id: z.string() }), { pageSize: 4 }),
    );
    expect(rows).toHaveLength(demo.vendors.length);
    expect(sandbox.stats().injected500).toBeGreaterThan(0);
    expect(ns.stats().retries).toBe(sandbox.stats().injected500);
  });
});

describe('governor', () => {
  it('keeps parallel calls within the share: the account limit is reached, never exceeded', async () => {
    sandbox.setConfig({ concurrencyLimit: 3 });
    sandbox.faults.set('GET /services/rest/record/v1/vendor', { latency: { baseMs: 20 } });
    const ns = client({ concurrencyShare: 3 });
    await Promise.all(demo.vendors.map((id) => ns.records.get('vendor', id)));
    expect(sandbox.stats().governance429).toBe(0);
    expect(sandbox.stats().maxInFlight).toBe(3);
    expect(ns.stats().governor.maxInFlight).toBe(3);
    expect(ns.stats().overLimit).toBe(0);
  });

  it('counts token requests against the share (the sandbox governs the token endpoint too)', async () => {
    sandbox.setConfig({ concurrencyLimit: 2 });
    sandbox.faults.set('GET /services/rest/record/v1/vendor', { latency: { baseMs: 15 } });
    const ns = client({ concurrencyShare: 2 });
    await ns.records.get('vendor', demo.vendors[0]!);
    sandbox.expireAllTokens();
    await Promise.all(demo.vendors.slice(0, 12).map((id) => ns.records.get('vendor', id)));
    expect(sandbox.stats().governance429).toBe(0);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('with a share above the account limit, backs off after 429s and still finishes every call', async () => {
    sandbox.setConfig({ concurrencyLimit: 2 });
    sandbox.faults.set('GET /services/rest/record/v1/vendor', { latency: { baseMs: 10 } });
    const ns = client({ concurrencyShare: 8, retryPolicy: { maxAttempts: 30, baseMs: 2, capMs: 30 } });
    const vendors = await Promise.all(demo.vendors.map((id) => ns.records.get('vendor', id)));
    expect(vendors).toHaveLength(demo.vendors.length);
    expect(sandbox.stats().governance429).toBeGreaterThan(0);
    expect(ns.stats().governor.decreases).toBeGreaterThan(0);
  });
});
