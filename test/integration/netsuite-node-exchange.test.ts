// The NetSuite client given no fetch (as the functions build it, shared/sync-clients.ts) sends its API
// and token requests over node:http with a kept-alive connection (shared/http/node-exchange.ts), not
// through the global fetch (never loaded for them), against the NetSuite sandbox over loopback HTTP; a redirect is still followed as fetch
// follows it (through fetch); a client given a fetch still uses it. Timeouts, dropped connections and ambiguous
// writes on this path: netsuite-client.test.ts and netsuite-client-edges.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type DemoSummary,
  type NetSuiteSandbox,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { createNetSuiteClient, type NetSuiteClientDependencies } from '../../shared/netsuite/index.ts';

let sandbox: NetSuiteSandbox;
let demo: DemoSummary;
/** Answers every request with a 307 to the same path on the sandbox. */
let redirector: Server;
let redirectorUrl: string;

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox({ seed: 13 });
  demo = sandbox.seedDemo();
  redirector = createServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: `${sandbox.url}${req.url ?? '/'}` }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => redirector?.close(resolve));
  await sandbox?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function client(baseUrl: string, dependencies: NetSuiteClientDependencies = {}) {
  const { accountId, clientId, certificateId, privateKeyPem, algorithm, tokenUrl } = sandbox.credentials;
  return createNetSuiteClient(
    {
      baseUrl,
      accountId,
      clientId,
      certificateId,
      privateKeyPem,
      algorithm,
      tokenUrl,
      concurrencyShare: 2,
      retryPolicy: { maxAttempts: 2, baseMs: 1, capMs: 2 },
    },
    dependencies,
  );
}

/** The URLs the global fetch (or a given one) was asked for, the token requests' included. */
const fetchedUrls = (fetchSpy: { mock: { calls: unknown[][] } }) =>
  fetchSpy.mock.calls.map(([url]) => String(url));

describe('the NetSuite client without a given fetch', () => {
  it('reads records and SuiteQL over node:http, none of its requests (its token’s neither) through fetch', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    sandbox.clearRequestLog();
    const ns = client(sandbox.url);
    const vendor = await ns.records.get('vendor', demo.vendors[0] as string);
    expect(String(vendor.id)).toBe(String(demo.vendors[0]));
    const rows = [];
    for await (const row of ns.suiteQl.query(
      'SELECT id FROM vendor ORDER BY id',
      [],
      z.object({ id: z.string() }),
    )) {
      rows.push(row.id);
    }
    expect(rows).toContain(String(demo.vendors[0]));
    expect(fetchedUrls(fetchSpy)).toEqual([]);
    expect(sandbox.requestLog().filter((entry) => entry.path.endsWith('/oauth2/v1/token')).length).toBe(1);
    const api = sandbox.requestLog().filter((entry) => entry.path.startsWith('/services/rest/record/'));
    expect(api.length).toBe(1);
    expect(ns.stats().requests).toBeGreaterThanOrEqual(2);
  });

  it('follows a redirect as fetch does: to another origin without the Authorization header', async () => {
    sandbox.clearRequestLog();
    const id = demo.vendors[1] as string;
    const viaFetch = client(redirectorUrl, { fetch: (input, init) => fetch(input, init) });
    const viaNode = client(redirectorUrl);
    for (const ns of [viaFetch, viaNode]) {
      // Fetch drops Authorization on a cross-origin redirect: the sandbox refuses the request it reached.
      await expect(ns.records.get('vendor', id)).rejects.toThrow(/refused the credentials \(401/);
    }
    const reached = sandbox
      .requestLog()
      .filter((entry) => entry.path === `/services/rest/record/v1/vendor/${id}`);
    expect(reached.length).toBeGreaterThanOrEqual(2);
  });

  it('a client given a fetch sends through it', async () => {
    const given = vi.fn<typeof fetch>((input, init) => fetch(input, init));
    const ns = client(sandbox.url, { fetch: given });
    await ns.records.get('vendor', demo.vendors[2] as string);
    const urls = fetchedUrls(given);
    expect(urls).toContain(sandbox.credentials.tokenUrl);
    expect(urls.some((url) => url.includes('/services/rest/record/v1/vendor/'))).toBe(true);
  });
});
