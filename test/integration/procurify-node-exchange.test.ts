// The Procurify client given no fetch (as the functions build it, shared/sync-clients.ts) sends its JSON
// requests, its token's too, over node:http with a kept-alive connection (shared/http/node-exchange.ts),
// not through the global fetch (never loaded for them), against the Procurify sandbox over loopback HTTP: reads and a write arrive whole,
// with their headers; a client given a fetch still uses it. The exchange's failure handling (timeouts,
// dropped connections, Retry-After, lost POSTs) is covered by procurify-client.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ProcurifySandbox, startProcurifySandbox } from '../../infra/sandboxes/procurify/index.ts';
import { createProcurifyClient, type ProcurifyClientDeps } from '../../shared/procurify/index.ts';

let sandbox: ProcurifySandbox;

beforeAll(async () => {
  sandbox = await startProcurifySandbox({ seed: 11, demo: { seed: 11, today: '2025-06-30' } });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const clientFor = (deps: ProcurifyClientDeps = {}) =>
  createProcurifyClient(
    {
      baseUrl: sandbox.url,
      tokenUrl: sandbox.credentials.tokenUrl,
      clientId: sandbox.credentials.clientId,
      clientSecret: sandbox.credentials.clientSecret,
      audience: sandbox.credentials.audience,
      pageSize: 10,
    },
    deps,
  );

/** The URLs the global fetch (or a given one) was asked for, the token request's included. */
const fetchedUrls = (fetchSpy: { mock: { calls: unknown[][] } }) =>
  fetchSpy.mock.calls.map(([url]) => String(url));

describe('the Procurify client without a given fetch', () => {
  it('reads and writes over node:http, none of its JSON requests (its token’s neither) through fetch', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    sandbox.clearRequestLog();
    const client = clientFor();
    const vendors = [];
    for await (const vendor of client.listVendors()) vendors.push(vendor);
    expect(vendors.length).toBeGreaterThan(10);
    const created = await client.createVendor({
      name: 'Exchange Vendor',
      email: ['ap@exchange-vendor.example'],
      type: 3,
      external_id: 'ns-exchange-1',
      currency: 1,
      payment_term_ref: { name: 'Net 45' },
    });
    expect(await client.getVendor(created.id)).toMatchObject({
      name: 'Exchange Vendor',
      externalId: 'ns-exchange-1',
    });
    expect(fetchedUrls(fetchSpy)).toEqual([]);
    expect(sandbox.requestLog().filter((entry) => entry.route === 'POST /oauth/token').length).toBe(1);
    const api = sandbox.requestLog().filter((entry) => entry.path.startsWith('/api/'));
    expect(api.filter((entry) => entry.route === 'GET /api/v3/vendors/').length).toBe(
      Math.ceil(vendors.length / 10),
    );
    expect(api.some((entry) => entry.route.startsWith('POST /api/v3/vendors'))).toBe(true);
    expect(api.every((entry) => entry.clientHeader && entry.status >= 200 && entry.status < 300)).toBe(true);
  });

  it('a client given a fetch sends through it', async () => {
    const given = vi.fn<typeof fetch>((input, init) => fetch(input, init));
    const client = clientFor({ fetch: given });
    for await (const _vendor of client.listVendors()) break;
    const urls = fetchedUrls(given);
    expect(urls).toContain(sandbox.credentials.tokenUrl);
    expect(urls.some((url) => url.includes('/api/v3/vendors/'))).toBe(true);
  });
});
