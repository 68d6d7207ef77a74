// Procurify OAuth 2.0 client-credentials tokens for the Procurify client: requested with a JSON body,
// cached, renewed after 20 hours (or earlier for short-lived tokens, never in a token's last minutes),
// one renewal shared by concurrent callers, and dropped when a call is refused with 401. The token
// request goes through the client's node:http exchange when it has one (no fetch given), so a container
// never loads fetch (undici) for it.
import { AuthError, BugError, classifyNetworkFailure, type SyncError } from '../errors.ts';
import { fetchExchange } from '../http/fetch-exchange.ts';
import type { Exchange, ExchangeAnswer } from '../http/node-exchange.ts';
import { type RetryHooks, type RetryPolicy, withRetry } from '../retry.ts';
import { classifyProcurifyAnswer, source } from './errors.ts';
import { tokenResponseSchema } from './schemas.ts';

export interface TokenProviderConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  /** Renew a token this long after it was obtained (Procurify tokens last 24 h; default 20 h). */
  renewAfterMs: number;
  requestTimeoutMs: number;
  retryPolicy: RetryPolicy;
}

export interface TokenProviderDeps {
  fetch?: typeof fetch;
  /** How the token request is sent, in place of fetch (the client's node:http exchange, given no fetch). */
  exchange?: Exchange;
  now?: () => number;
  retryHooks?: RetryHooks;
}

/** What the client needs from a token source (tests and other callers may supply their own). */
export interface AccessTokenSource {
  getToken(): Promise<string>;
  /** The call made with `token` was refused (401): the next getToken() obtains a new token. */
  invalidate(token: string): void;
}

export class ProcurifyTokenProvider implements AccessTokenSource {
  /** Tokens obtained so far (for tests and metrics). */
  renewals = 0;
  private current: { token: string; renewAtMs: number } | undefined;
  private pending: Promise<string> | undefined;
  private readonly config: TokenProviderConfig;
  private readonly post: (body: string) => Promise<ExchangeAnswer>;
  private readonly now: () => number;
  private readonly retryHooks: RetryHooks;

  constructor(config: TokenProviderConfig, deps: TokenProviderDeps = {}) {
    this.config = config;
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    const send = deps.exchange ?? fetchExchange(deps.fetch ?? fetch, 'manual');
    this.post = (body) =>
      send({
        method: 'POST',
        url: new URL(config.tokenUrl),
        headers,
        body,
        timeoutMs: config.requestTimeoutMs,
      });
    this.now = deps.now ?? Date.now;
    this.retryHooks = deps.retryHooks ?? {};
  }

  getToken(): Promise<string> {
    if (this.current !== undefined && this.now() < this.current.renewAtMs)
      return Promise.resolve(this.current.token);
    this.pending ??= this.renew().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(token: string): void {
    // Only the token that was refused: several calls refused together cause one renewal, not several.
    if (this.current?.token === token) this.current = undefined;
  }

  private async renew(): Promise<string> {
    const obtainedAt = this.now();
    const answer = await withRetry(() => this.requestToken(), this.config.retryPolicy, this.retryHooks);
    const lifetimeMs = answer.expires_in * 1000;
    // Never use a token in its last minutes: renew at 20 h, or earlier when the token is short-lived.
    const margin = Math.min(5 * 60_000, lifetimeMs * 0.1);
    this.current = {
      token: answer.access_token,
      renewAtMs: obtainedAt + Math.min(this.config.renewAfterMs, lifetimeMs - margin),
    };
    this.renewals += 1;
    return answer.access_token;
  }

  private async requestToken() {
    const path = new URL(this.config.tokenUrl).pathname;
    let response: ExchangeAnswer;
    try {
      // Never redirected: fetch is told not to follow (`manual`), node:http never does.
      response = await this.post(
        JSON.stringify({
          client_id: this.config.clientId,
          client_secret: this.config.clientSecret,
          audience: this.config.audience,
          grant_type: 'client_credentials',
        }),
      );
    } catch (error) {
      throw classifyNetworkFailure(error, source);
    }
    const { bodyText } = response;
    if (response.status < 200 || response.status >= 300) {
      const error: SyncError = classifyProcurifyAnswer({
        method: 'POST',
        path,
        status: response.status,
        headers: response.headers,
        bodyText,
      });
      // Any refusal of the token request itself (bad client id/secret, audience, grant) is a credentials
      // problem for a person to fix; 429 and 5xx stay transient.
      if (error.errorClass === 'data') {
        throw new AuthError(error.message, {
          source,
          status: error.status,
          code: error.code,
          detail: error.detail,
        });
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      throw new BugError(`procurify: POST ${path} answered ${response.status} with a body that is not JSON`, {
        source,
        status: response.status,
      });
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new BugError(
        `procurify: unexpected token answer (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        {
          source,
          status: response.status,
        },
      );
    }
    return parsed.data;
  }
}
