// Integration tests of the NetSuite client (shared/netsuite) against a scripted loopback server, for
// the answers the NetSuite sandbox does not produce on demand: a token endpoint refusing the
// client, a 401 for a freshly issued token, 5xx on a create, a timeout, DELETE re-sent after a drop.
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningServer,
  readBody,
  sendEmpty,
  sendJson,
  startHttpServer,
} from '../../infra/sandboxes/http-server.ts';
import { AuthError, DataError, SyncError, TransientError } from '../../shared/errors.ts';
import { AmbiguousWriteError } from '../../shared/netsuite/error-classification.ts';
import { createNetSuiteClient, type NetSuiteClientConfigInput } from '../../shared/netsuite/index.ts';

type Script = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

let server: RunningServer;
let seen: Seen[] = [];
let tokenScript: Script;
let apiScript: Script;
let tokenCounter = 0;

const privateKeyPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

const issueToken: Script = (_req, res) => {
  tokenCounter++;
  sendJson(res, 200, { access_token: `token-${tokenCounter}`, expires_in: 3600, token_type: 'bearer' });
};

function nsProblem(res: ServerResponse, status: number, code: string, detail: string, path?: string): void {
  sendJson(
    res,
    status,
    {
      title: 'x',
      status,
      'o:errorDetails': [{ detail, 'o:errorCode': code, ...(path ? { 'o:errorPath': path } : {}) }],
    },
    {},
    'application/vnd.oracle.resource+json; type=error',
  );
}

beforeAll(async () => {
  server = await startHttpServer(async (req, res) => {
    const body = (await readBody(req)).toString('utf8');
    const path = (req.url ?? '').split('?')[0]!;
    seen.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
    if (path === '/services/rest/auth/oauth2/v1/token') return tokenScript(req, res, body);
    return apiScript(req, res, body);
  });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  seen = [];
  tokenCounter = 0;
  tokenScript = issueToken;
  apiScript = (_req, res) => sendJson(res, 200, { id: '1' });
});

function config(overrides: Partial<NetSuiteClientConfigInput> = {}): NetSuiteClientConfigInput {
  return {
    baseUrl: server.url,
    accountId: 'TSTDRV1',
    clientId: 'client',
    certificateId: 'cert',
    privateKeyPem,
    algorithm: 'ES256',
    concurrencyShare: 4,
    retryPolicy: { maxAttempts: 4, baseMs: 1, capMs: 5 },
    ...overrides,
  };
}

const tokenRequests = () => seen.filter((s) => s.path.endsWith('/token'));
const apiRequests = () => seen.filter((s) => !s.path.endsWith('/token'));

async function caught(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('token endpoint', () => {
  it('sends a form-encoded client-credentials request and accepts token_type in any case', async () => {
    const client = createNetSuiteClient(config());
    await client.records.get('vendor', '1');
    const [token] = tokenRequests();
    const form = new URLSearchParams(token!.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form.get('client_assertion')?.split('.')).toHaveLength(3);
    expect(apiRequests()[0]!.authorization).toBe('Bearer token-1');
  });

  it('reports invalid_client as an auth error without retrying it', async () => {
    tokenScript = (_req, res) => sendJson(res, 401, { error: 'invalid_client' });
    const client = createNetSuiteClient(config());
    const error = await caught(client.records.get('vendor', '1'));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('invalid_client');
    expect(tokenRequests()).toHaveLength(1);
    expect(apiRequests()).toHaveLength(0);
  });

  it('retries a token endpoint 503 and then succeeds', async () => {
    let failures = 2;
    tokenScript = (req, res, body) => {
      if (failures-- > 0) return sendJson(res, 503, { error: 'temporarily_unavailable' });
      return issueToken(req, res, body);
    };
    const client = createNetSuiteClient(config());
    await client.records.get('vendor', '1');
    expect(tokenRequests()).toHaveLength(3);
    expect(client.stats().retries).toBe(2);
  });

  it('renews before the last minutes of a token, never inside them', async () => {
    let nowMs = Date.parse('2026-03-01T10:00:00Z');
    const client = createNetSuiteClient(config({ renewBeforeSeconds: 300 }), { clock: { now: () => nowMs } });
    await client.records.get('vendor', '1');
    nowMs += (3600 - 301) * 1000;
    await client.records.get('vendor', '1');
    expect(tokenRequests()).toHaveLength(1);
    nowMs += 2000; // now inside the last 300 s
    await client.records.get('vendor', '1');
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests().map((r) => r.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });
});

describe('401 handling', () => {
  it('refreshes once after a 401 and retries with the new token', async () => {
    apiScript = (req, res) => {
      if (req.headers.authorization === 'Bearer token-1') {
        return nsProblem(res, 401, 'INVALID_LOGIN', 'Invalid login attempt.');
      }
      sendJson(res, 200, { id: '1' });
    };
    const client = createNetSuiteClient(config());
    await expect(client.records.get('vendor', '1')).resolves.toMatchObject({ id: '1' });
    expect(tokenRequests()).toHaveLength(2);
    expect(client.stats().reauthentications).toBe(1);
  });

  it('treats a 401 for a freshly issued token as transient INVALID_LOGIN', async () => {
    apiScript = (_req, res) => nsProblem(res, 401, 'INVALID_LOGIN', 'Invalid login attempt.');
    const client = createNetSuiteClient(config({ retryPolicy: { maxAttempts: 1, baseMs: 1, capMs: 1 } }));
    const error = await caught(client.records.get('vendor', '1'));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.code).toBe('INVALID_LOGIN');
    expect(error.status).toBe(401);
    expect(apiRequests()).toHaveLength(2);
    expect(tokenRequests()).toHaveLength(2);
  });
});

describe('writes and unknown outcomes', () => {
  it('does not re-send a create after a 5xx: ambiguous, one request', async () => {
    apiScript = (_req, res) => nsProblem(res, 500, 'UNEXPECTED_ERROR', 'An unexpected error occurred.');
    const client = createNetSuiteClient(config());
    const error = await caught(client.records.create('vendor', { companyName: 'Acme' }));
    expect(error).toBeInstanceOf(AmbiguousWriteError);
    expect(error.errorClass).toBe('transient');
    expect((error as AmbiguousWriteError).ambiguous).toBe(true);
    expect(apiRequests()).toHaveLength(1);
    expect(client.stats().ambiguous).toBe(1);
  });

  it('re-sends a create refused with 429 (NetSuite blocked it before running it)', async () => {
    let refusals = 2;
    apiScript = (_req, res) => {
      if (refusals-- > 0)
        return nsProblem(res, 429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded.');
      sendEmpty(res, 204, { location: `${server.url}/services/rest/record/v1/vendor/321` });
    };
    const client = createNetSuiteClient(config());
    await expect(client.records.create('vendor', { companyName: 'Acme' })).resolves.toBe('321');
    expect(apiRequests()).toHaveLength(3);
    expect(client.stats().overLimit).toBe(2);
  });

  it('re-sends a create whose connection was refused (it never left this machine)', async () => {
    const closed = await startHttpServer(() => undefined);
    const closedUrl = closed.url;
    await closed.close();
    const client = createNetSuiteClient(
      config({ baseUrl: closedUrl, tokenUrl: `${server.url}/services/rest/auth/oauth2/v1/token` }),
    );
    const error = await caught(client.records.create('vendor', { companyName: 'Acme' }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(AmbiguousWriteError);
    expect(client.stats().retries).toBe(3);
  });

  it('treats a DELETE that finds the record gone after a dropped connection as done', async () => {
    let drop = true;
    apiScript = (req, res) => {
      if (drop) {
        drop = false;
        req.socket.destroy();
        return;
      }
      nsProblem(res, 404, 'NONEXISTENT_ID', 'The record instance does not exist.');
    };
    const client = createNetSuiteClient(config());
    await expect(client.records.delete('vendor', '5')).resolves.toBeUndefined();
    expect(apiRequests()).toHaveLength(2);
  });

  it('still reports a DELETE of a missing record as data when nothing was ambiguous', async () => {
    apiScript = (_req, res) => nsProblem(res, 404, 'NONEXISTENT_ID', 'The record instance does not exist.');
    const client = createNetSuiteClient(config());
    const error = await caught(client.records.delete('vendor', '5'));
    expect(error).toBeInstanceOf(DataError);
    expect(error.code).toBe('NONEXISTENT_ID');
  });

  it('gives up on a request past its deadline and retries it when it is a read', async () => {
    let hang = true;
    apiScript = (_req, res) => {
      if (hang) {
        hang = false;
        return; // never answered
      }
      sendJson(res, 200, { id: '9' });
    };
    // Only the held request may reach the deadline: every other answer (the token, the retry) must come
    // well within it even on a busy machine, or the counts below would be of timing, not of the rule.
    const client = createNetSuiteClient(config({ requestTimeoutMs: 1_000 }));
    await expect(client.records.get('vendor', '9')).resolves.toMatchObject({ id: '9' });
    expect(apiRequests()).toHaveLength(2);
    expect(client.stats().retries).toBe(1);
  });

  it('sends JSON bodies and reads the id NetSuite gives an upsert', async () => {
    apiScript = (_req, res) =>
      sendEmpty(res, 204, { location: `${server.url}/services/rest/record/v1/vendorBill/88` });
    const client = createNetSuiteClient(config());
    const result = await client.records.upsertByExternalId('vendorBill', 'procurify-bill-1', { memo: 'x' });
    expect(result).toEqual({ id: '88' });
    const [put] = apiRequests();
    expect(put).toMatchObject({
      method: 'PUT',
      path: '/services/rest/record/v1/vendorBill/eid:procurify-bill-1',
    });
    expect(JSON.parse(put!.body)).toEqual({ memo: 'x' });
  });

  it('refuses a bad external id before sending anything', async () => {
    const client = createNetSuiteClient(config());
    const error = await caught(client.records.upsertByExternalId('vendorBill', 'bad id/1', {}));
    expect(error).toBeInstanceOf(DataError);
    expect(seen).toHaveLength(0);
  });
});
