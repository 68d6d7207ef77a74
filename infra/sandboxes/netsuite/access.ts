// Plain-fetch access to a running NetSuite sandbox for conformance tests and scripts (deliberately not
// apsync's NetSuite client): signs an OAuth 2.0 client assertion with jose, exchanges it for a token,
// and sends record-API and SuiteQL requests with the bearer token.
import { randomUUID } from 'node:crypto';
import { type CryptoKey, importPKCS8, type JWTPayload, SignJWT } from 'jose';
import type { NetSuiteSandboxCredentials } from './auth.ts';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AssertionOptions {
  /** Claims to add or override (set a claim to undefined to leave it out). */
  claims?: Record<string, unknown>;
  /** Header fields to override (alg, kid, typ). */
  header?: Record<string, unknown>;
  /** Key to sign with (default: the credentials' private key). */
  key?: CryptoKey | Uint8Array;
  /** `iat` (seconds) to use; default now. */
  issuedAt?: number;
  /** Lifetime in seconds (`exp - iat`); default 3000. */
  lifetimeSeconds?: number;
}

export async function clientAssertion(
  credentials: NetSuiteSandboxCredentials,
  options: AssertionOptions = {},
): Promise<string> {
  const header = {
    alg: credentials.algorithm,
    typ: 'JWT',
    kid: credentials.certificateId,
    ...options.header,
  };
  const key = options.key ?? (await importPKCS8(credentials.privateKeyPem, String(header.alg)));
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: credentials.clientId,
    scope: 'rest_webservices',
    aud: credentials.tokenUrl,
    iat,
    exp: iat + (options.lifetimeSeconds ?? 3000),
    jti: randomUUID(),
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key);
}

export function tokenRequest(
  tokenUrl: string,
  assertion: string,
  overrides: Record<string, string> = {},
): Promise<Response> {
  return fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
      ...overrides,
    }),
  });
}

export interface SuiteqlAnswer {
  links: Array<{ rel: string; href: string }>;
  count: number;
  hasMore: boolean;
  offset: number;
  totalResults: number;
  items: Array<Record<string, unknown>>;
}

export class SandboxAccess {
  private readonly url: string;
  private readonly credentials: NetSuiteSandboxCredentials;
  private token: string | undefined;

  constructor(sandbox: { url: string; credentials: NetSuiteSandboxCredentials }) {
    this.url = sandbox.url;
    this.credentials = sandbox.credentials;
  }

  async accessToken(): Promise<string> {
    if (this.token !== undefined) return this.token;
    const response = await tokenRequest(this.credentials.tokenUrl, await clientAssertion(this.credentials));
    const body = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || body.access_token === undefined) {
      throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
    }
    this.token = body.access_token;
    return this.token;
  }

  forgetToken(): void {
    this.token = undefined;
  }

  /** `path` is relative to the sandbox root (e.g. `/services/rest/record/v1/vendor/12`). */
  async request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.accessToken()}`,
      ...options.headers,
    };
    // Record bodies go as the record API's media type; SuiteQL takes plain JSON.
    if (options.body !== undefined)
      headers['content-type'] ??= path.startsWith('/services/rest/record/')
        ? 'application/vnd.oracle.resource+json; type=singular'
        : 'application/json';
    return fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
  }

  record(
    method: string,
    typeAndId: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.request(method, `/services/rest/record/v1/${typeAndId}`, {
      ...(body === undefined ? {} : { body }),
      headers,
    });
  }

  async suiteql(
    q: string,
    params?: unknown[],
    page: { limit?: number; offset?: number } = {},
    headers: Record<string, string> = { prefer: 'transient' },
  ): Promise<Response> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.offset !== undefined) query.set('offset', String(page.offset));
    const suffix = query.size > 0 ? `?${query}` : '';
    return this.request('POST', `/services/rest/query/v1/suiteql${suffix}`, {
      body: params === undefined ? { q } : { q, params },
      headers,
    });
  }

  /** Runs a query that must succeed and returns the page. */
  async rows(
    q: string,
    params?: unknown[],
    page: { limit?: number; offset?: number } = {},
  ): Promise<SuiteqlAnswer> {
    const response = await this.suiteql(q, params, page);
    const body = (await response.json()) as SuiteqlAnswer;
    if (response.status !== 200)
      throw new Error(`SuiteQL failed: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  /** The new record's internal id from a 204's Location header. */
  static idFromLocation(response: Response): string {
    const location = response.headers.get('location') ?? '';
    const id = location.split('/').pop() ?? '';
    if (!/^\d+$/.test(id)) throw new Error(`no record id in Location '${location}'`);
    return id;
  }
}
