// Conformance of the NetSuite sandbox's concurrency governance (429 CONCURRENCY_LIMIT_EXCEEDED for
// requests beyond the in-flight limit, latency counted as in-flight time), governanceLimits, injected
// faults and the request log. Deterministic by construction: held requests, not timing races.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAccess } from '../../infra/sandboxes/netsuite/access.ts';
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../infra/sandboxes/netsuite/index.ts';
import { refusedOnPurpose } from '../support/contracts/policy.ts';
import { waitFor } from '../support/wait.ts';

let sandbox: NetSuiteSandbox;
let access: SandboxAccess;

const errorCode = async (response: Response): Promise<string> =>
  ((await response.json()) as { 'o:errorDetails': Array<{ 'o:errorCode': string }> })['o:errorDetails'][0]![
    'o:errorCode'
  ];

/** Waits until the condition holds (waitFor's deadline bounds only a failing test). */
async function until(condition: () => boolean, what: string): Promise<void> {
  await waitFor(() => condition() || undefined, what, 20_000, 5);
}

/** Starts `count` requests the fault plan holds open (they stay in flight until aborted). */
async function holdRequests(count: number): Promise<() => Promise<void>> {
  sandbox.faults.set('GET /services/rest/record/v1/vendor', { rateTimeout: 1 });
  const token = await access.accessToken();
  const controller = new AbortController();
  const held = Array.from({ length: count }, () =>
    fetch(`${sandbox.url}/services/rest/record/v1/vendor`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    }).catch(() => undefined),
  );
  await until(() => sandbox.stats().inFlight === count, `${count} requests in flight`);
  return async () => {
    controller.abort();
    await Promise.all(held);
    await until(() => sandbox.stats().inFlight === 0, 'no request in flight');
  };
}

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox({ concurrencyLimit: 2 });
  access = new SandboxAccess(sandbox);
  sandbox.seedDemo({ vendors: 5, bills: 0, payments: 0 });
  await access.accessToken();
});

afterEach(() => {
  sandbox.faults.clear();
  sandbox.setConfig({ concurrencyLimit: 2, integrationConcurrencyLimit: null });
  sandbox.resetStats();
});

afterAll(async () => {
  await sandbox.close();
});

describe('concurrency governance', () => {
  it('answers 429 CONCURRENCY_LIMIT_EXCEEDED to every request arriving while the limit is in flight', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'POST /services/rest/auth/oauth2/v1/token',
      statuses: [429],
      reason: 'an empty token request is sent only to see the limit refuse it first',
    });
    const release = await holdRequests(2);
    let answers: Response[];
    let tokenCall: Response;
    try {
      answers = await Promise.all([1, 2, 3].map(() => access.record('GET', 'account')));
      // The token endpoint is a REST call too: it counts and is refused the same way.
      tokenCall = await fetch(sandbox.credentials.tokenUrl, { method: 'POST' });
    } finally {
      await release();
    }
    expect(answers.map((answer) => answer.status)).toEqual([429, 429, 429]);
    const body = (await answers[0]!.json()) as {
      status: number;
      'o:errorDetails': Array<Record<string, string>>;
    };
    expect(body.status).toBe(429);
    expect(body['o:errorDetails'][0]).toEqual({
      detail: 'Concurrent request limit exceeded. Request blocked.',
      'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED',
    });
    expect(tokenCall.status).toBe(429);
    expect((await access.record('GET', 'account')).status).toBe(200);
    expect(sandbox.stats()).toMatchObject({
      maxInFlight: 2,
      rejected429: 4,
      governance429: 4,
      injected429: 0,
    });
  });

  it('counts injected latency as in-flight time: limit 2, 5 requests of 2 s at once -> exactly 3 rejected', async () => {
    // All five must arrive while the first two are held: 2 s, not 500 ms, so that a busy machine's
    // stalls between the arrivals do not let a late one in after an early one ended.
    sandbox.faults.set('GET /services/rest/record/v1/account', { latency: { baseMs: 2_000 } });
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => access.record('GET', 'account').then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    expect(statuses.filter((status) => status === 429)).toHaveLength(3);
    expect(sandbox.stats()).toMatchObject({ maxInFlight: 2, rejected429: 3 });
  });

  it('follows a limit changed at run time', async () => {
    sandbox.setConfig({ concurrencyLimit: 3 });
    const release = await holdRequests(3);
    try {
      expect((await access.record('GET', 'account')).status).toBe(429);
    } finally {
      await release();
    }
  });

  it('reports the limits at governanceLimits, and enforces a share reserved for the integration', async () => {
    sandbox.setConfig({ concurrencyLimit: 5 });
    const open = await access.request('GET', '/services/rest/system/v1/governanceLimits');
    expect(await open.json()).toEqual({
      accountConcurrencyLimit: 5,
      accountUnallocatedConcurrencyLimit: 5,
      integrationConcurrencyLimit: 5,
      integrationLimitType: 'accountLimit',
    });
    sandbox.setConfig({ integrationConcurrencyLimit: 2 });
    const reserved = await access.request('GET', '/services/rest/system/v1/governanceLimits');
    expect(await reserved.json()).toEqual({
      accountConcurrencyLimit: 5,
      accountUnallocatedConcurrencyLimit: 3,
      integrationConcurrencyLimit: 2,
      integrationLimitType: 'integrationSpecific',
    });
    const release = await holdRequests(2);
    try {
      const third = await access.record('GET', 'account');
      expect(third.status).toBe(429);
      expect(await errorCode(third)).toBe('CONCURRENCY_LIMIT_EXCEEDED');
    } finally {
      await release();
    }
    expect(sandbox.requestLog().some((entry) => entry.rejectedBy === 'integration-limit')).toBe(true);
  });
});

describe('faults', () => {
  it('injects 429s counted apart from governance 429s', async () => {
    sandbox.faults.set('GET /services/rest/record/v1/department', { rate429: 1 });
    const answer = await access.record('GET', 'department');
    expect(answer.status).toBe(429);
    expect(await errorCode(answer)).toBe('CONCURRENCY_LIMIT_EXCEEDED');
    expect(sandbox.stats()).toMatchObject({ injected429: 1, rejected429: 0, governance429: 0 });
  });

  it('injects 500 UNEXPECTED_ERROR', async () => {
    sandbox.faults.set('/services/rest/query', { rate500: 1 });
    const answer = await access.suiteql('SELECT id FROM vendor');
    expect(answer.status).toBe(500);
    expect(await errorCode(answer)).toBe('UNEXPECTED_ERROR');
    expect(sandbox.stats().injected500).toBe(1);
  });

  it('drops connections and holds requests until the client gives up', async () => {
    sandbox.faults.set('GET /services/rest/record/v1/account', { rateDrop: 1 });
    await expect(access.record('GET', 'account')).rejects.toThrow();
    sandbox.faults.set('GET /services/rest/record/v1/account', { rateTimeout: 1 });
    const token = await access.accessToken();
    // The client gives up once the sandbox holds the request (a fixed timeout could fire, on a busy
    // machine, before the request even arrived: nothing would be held, nor logged as a timeout).
    const giveUp = new AbortController();
    const held = fetch(`${sandbox.url}/services/rest/record/v1/account`, {
      headers: { authorization: `Bearer ${token}` },
      signal: giveUp.signal,
    });
    held.catch(() => undefined);
    await until(() => sandbox.stats().inFlight === 1, 'the request held');
    giveUp.abort();
    await expect(held).rejects.toThrow();
    await until(() => sandbox.stats().inFlight === 0, 'the held request to end');
    const entries = sandbox
      .requestLog()
      .filter((entry) => entry.path === '/services/rest/record/v1/account')
      .slice(-2);
    expect(entries.map((entry) => [entry.fault, entry.status])).toEqual([
      ['drop', 0],
      ['timeout', 0],
    ]);
  });
});

describe('request log', () => {
  it('records NetSuite requests with status, timing and concurrency, and not admin requests', async () => {
    sandbox.clearRequestLog();
    await access.record('GET', 'vendor?limit=2');
    await fetch(`${sandbox.adminUrl}/stats`);
    const log = sandbox.requestLog();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: '/services/rest/record/v1/vendor',
      query: '?limit=2',
      status: 200,
      inFlightAtStart: 1,
      clientId: sandbox.credentials.clientId,
    });
    expect(log[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(log[0]!.startedAt)).not.toBeNaN();
  });
});
