// OAuth 2.0 client-credentials tokens for NetSuite (infra/contracts/facts/netsuite-reference.ts: the token endpoint): signs a JWT
// assertion with the certificate key (jose), caches the access token, renews it before its last
// minutes, and makes concurrent callers share one renewal. Called by the request pipeline. The token
// request goes through the client's node:http exchange when it has one (no fetch given), so a container
// never loads fetch (undici) for it: about 20 ms of CPU on its first token.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import * as z from 'zod';
import { BugError, classifyNetworkFailure } from '../errors.ts';
import { fetchExchange } from '../http/fetch-exchange.ts';
import type { Exchange, ExchangeAnswer } from '../http/node-exchange.ts';
import type { NetSuiteClientConfig } from './config.ts';
import { loadPrivateKey, tokenScopes } from './config.ts';
import { classifyTokenEndpointAnswer } from './error-classification.ts';
import type { ConcurrencyGovernor } from './governor.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What the request pipeline needs from a token source. */
export interface NetSuiteTokenSource {
  /** A bearer token with more than `renewBeforeSeconds` left. */
  getToken(): Promise<string>;
  /** Forget `token` after NetSuite refused it; a newer cached token is kept. */
  invalidate(token: string): void;
}

export interface TokenProviderStats {
  /** Successful token-endpoint answers. */
  renewals: number;
  /** Token-endpoint requests sent. */
  tokenRequests: number;
  invalidations: number;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  token_type: z.string(),
});

type TokenConfig = Pick<
  NetSuiteClientConfig,
  | 'clientId'
  | 'certificateId'
  | 'privateKeyPem'
  | 'algorithm'
  | 'tokenUrl'
  | 'renewBeforeSeconds'
  | 'assertionLifetimeSeconds'
  | 'requestTimeoutMs'
> &
  Partial<Pick<NetSuiteClientConfig, 'restlets'>>;

export interface NetSuiteTokenProviderOptions {
  config: TokenConfig;
  fetch?: typeof fetch;
  /** How the token request is sent, in place of fetch (the client's node:http exchange, given no fetch). */
  exchange?: Exchange;
  clock?: Clock;
  /** When given, token requests take a permit like any other request (see governor.ts). */
  governor?: ConcurrencyGovernor;
}

interface CachedToken {
  token: string;
  renewAtMs: number;
}

export class NetSuiteTokenProvider implements NetSuiteTokenSource {
  private readonly config: TokenConfig;
  private readonly post: (body: string) => Promise<ExchangeAnswer>;
  private readonly clock: Clock;
  private readonly governor: ConcurrencyGovernor | undefined;
  private readonly key: ReturnType<typeof loadPrivateKey>;
  private cached: CachedToken | undefined;
  private renewal: Promise<string> | undefined;
  private readonly counters: TokenProviderStats = {
    renewals: 0,
    tokenRequests: 0,
    invalidations: 0,
  };

  constructor(options: NetSuiteTokenProviderOptions) {
    this.config = options.config;
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const send = options.exchange ?? fetchExchange(options.fetch ?? globalThis.fetch);
    this.post = (body) =>
      send({
        method: 'POST',
        url: new URL(this.config.tokenUrl),
        headers,
        body,
        timeoutMs: this.config.requestTimeoutMs,
      });
    this.clock = options.clock ?? systemClock;
    this.governor = options.governor;
    this.key = loadPrivateKey(options.config.privateKeyPem);
  }

  getToken(): Promise<string> {
    const cached = this.cached;
    if (cached !== undefined && this.clock.now() < cached.renewAtMs) return Promise.resolve(cached.token);
    if (this.renewal === undefined) {
      this.renewal = this.renew().finally(() => {
        this.renewal = undefined;
      });
    }
    return this.renewal;
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) {
      this.cached = undefined;
      this.counters.invalidations++;
    }
  }

  stats(): TokenProviderStats {
    return { ...this.counters };
  }

  /** A newly signed client assertion (public so tests can check what NetSuite receives). */
  async signAssertion(): Promise<string> {
    const issuedAt = Math.floor(this.clock.now() / 1000);
    // `restlets` too when apsync's RESTlets are configured: one token serves both kinds of request.
    return new SignJWT({ scope: tokenScopes(this.config) })
      .setProtectedHeader({ typ: 'JWT', alg: this.config.algorithm, kid: this.config.certificateId })
      .setIssuer(this.config.clientId)
      .setAudience(this.config.tokenUrl)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.config.assertionLifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /**
   * One token request. A transient failure is not retried here but by the request pipeline, whose
   * retry covers the whole attempt (token included): nested retries would multiply.
   */
  private async renew(): Promise<string> {
    // A fresh assertion per attempt: NetSuite refuses a replayed one (same jti) with invalid_grant.
    const assertion = await this.signAssertion();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    const sentAtMs = this.clock.now();
    // Urgent: every request queued behind it is waiting for this token.
    const permit = await this.governor?.acquire({ urgent: true });
    let status: number;
    let bodyText: string;
    let headers: Headers;
    try {
      this.counters.tokenRequests++;
      ({ status, headers, bodyText } = await this.post(form.toString()));
    } catch (error) {
      throw classifyNetworkFailure(error, 'netsuite');
    } finally {
      permit?.release();
    }
    if (status === 429 && permit !== undefined) this.governor?.recordOverLimit(permit);
    if (status < 200 || status >= 300) {
      throw classifyTokenEndpointAnswer({ status, headers, bodyText, request: 'POST token' });
    }
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      throw new BugError(`NetSuite token endpoint answered ${status} with a body that is not JSON`, {
        source: 'netsuite',
        status,
      });
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new BugError(
        `NetSuite token endpoint answered an unexpected token: ${parsed.error.issues
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('; ')}`,
        { source: 'netsuite', status },
      );
    }
    if (parsed.data.token_type.toLowerCase() !== 'bearer') {
      throw new BugError(
        `NetSuite token endpoint answered token_type ${parsed.data.token_type}, not Bearer`,
        {
          source: 'netsuite',
          status,
        },
      );
    }
    this.counters.renewals++;
    const lifetimeSeconds = parsed.data.expires_in;
    // Never use a token in its last minutes; a short-lived token is renewed at half its life instead.
    const marginSeconds = Math.min(this.config.renewBeforeSeconds, lifetimeSeconds / 2);
    this.cached = {
      token: parsed.data.access_token,
      renewAtMs: sentAtMs + (lifetimeSeconds - marginSeconds) * 1000,
    };
    return parsed.data.access_token;
  }
}
