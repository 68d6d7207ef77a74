// The one road every NetSuite API request takes: bearer token, a governor permit, a deadline, the
// answer classified, one token refresh after a 401, and retries of transient failures with backoff
// and full jitter, except where re-sending could write twice. Called by records.ts and suiteql.ts.
import { classifyNetworkFailure, type SyncError, TransientError } from '../errors.ts';
import { fetchExchange } from '../http/fetch-exchange.ts';
import type { Exchange } from '../http/node-exchange.ts';
import { type RetryHooks, type RetryPolicy, withRetry } from '../retry.ts';
import { AmbiguousWriteError, classifyNetSuiteAnswer } from './error-classification.ts';
import type { ConcurrencyGovernor, GovernorPermit } from './governor.ts';
import type { NetSuiteTokenSource } from './token.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface NetSuiteRequest {
  method: HttpMethod;
  /** Path below the base URL, e.g. `/services/rest/record/v1/vendor/12`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** The body's media type; default `application/json` (record writes use the record API's own). */
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * Safe to send again when an earlier attempt's outcome is unknown (reads, SuiteQL, PUT by external
   * id, PATCH, DELETE). A POST create is not: after a dropped connection, a timeout or a 5xx it fails
   * with AmbiguousWriteError instead of being re-sent.
   */
  idempotent: boolean;
  /**
   * Statuses that, on a retry after an unknown outcome, mean the earlier attempt already did the work
   * (a DELETE re-sent after a dropped connection finds the record gone: 404).
   */
  doneOnRetryStatuses?: readonly number[];
}

export interface NetSuiteResponse {
  status: number;
  headers: Headers;
  bodyText: string;
}

export interface TransportStats {
  /** HTTP requests sent to the API (token requests not included). */
  requests: number;
  /** Retries after transient failures. */
  retries: number;
  /** 429 answers received. */
  overLimit: number;
  /** Token refreshes forced by a 401. */
  reauthentications: number;
  /** Writes given up as ambiguous. */
  ambiguous: number;
}

export interface NetSuiteTransportOptions {
  baseUrl: string;
  tokens: NetSuiteTokenSource;
  governor: ConcurrencyGovernor;
  retryPolicy: RetryPolicy;
  requestTimeoutMs: number;
  fetch?: typeof fetch;
  /**
   * How a request is sent (shared/http/node-exchange.ts, the client's choice when no fetch is given);
   * else through fetch.
   */
  exchange?: Exchange;
  retryHooks?: RetryHooks;
}

/** The answers fetch follows to their Location (WHATWG Fetch: redirect status). */
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Error codes meaning the request never left this machine, so even a create may be re-sent. */
const neverSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function neverReachedServer(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && neverSentCodes.has(code)) return true;
    current = current.cause;
  }
  return false;
}

function describe(request: NetSuiteRequest): string {
  return `${request.method} ${request.path.replace(/^\/services\/rest\/(record|query)\/v1\//, '')}`;
}

export class NetSuiteTransport {
  private readonly options: NetSuiteTransportOptions;
  private readonly fetch: typeof fetch;
  private readonly exchange: Exchange;
  private readonly counters: TransportStats = {
    requests: 0,
    retries: 0,
    overLimit: 0,
    reauthentications: 0,
    ambiguous: 0,
  };

  constructor(options: NetSuiteTransportOptions) {
    this.options = options;
    this.fetch = options.fetch ?? globalThis.fetch;
    const exchange = options.exchange;
    const viaFetch = fetchExchange(this.fetch);
    this.exchange =
      exchange === undefined
        ? viaFetch
        : async (request) => {
            const answer = await exchange(request);
            // fetch follows redirects and node:http does not: a redirect (nothing done where it was
            // sent) is asked again through fetch, which follows it as before.
            return redirectStatuses.has(answer.status) ? viaFetch(request) : answer;
          };
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  /** Sends `request` until it succeeds or fails for good; non-2xx answers are thrown as SyncErrors. */
  async send(request: NetSuiteRequest): Promise<NetSuiteResponse> {
    const attempt: AttemptState = { outcomeUnknown: false };
    const hooks: RetryHooks = {
      ...this.options.retryHooks,
      onRetry: (info) => {
        this.counters.retries++;
        this.options.retryHooks?.onRetry?.(info);
      },
    };
    const result = await withRetry(
      async () => {
        try {
          const response = await this.sendAuthenticated(request, attempt);
          return { response };
        } catch (error) {
          // Ambiguous writes leave withRetry (which retries every transient error) as a value.
          if (error instanceof AmbiguousWriteError) return { ambiguous: error };
          if (error instanceof ResponseError) {
            const done = request.doneOnRetryStatuses?.includes(error.response.status) ?? false;
            if (attempt.previousOutcomeUnknown && done) return { response: error.response };
            throw error.error;
          }
          throw error;
        }
      },
      this.options.retryPolicy,
      hooks,
    );
    if ('ambiguous' in result) {
      this.counters.ambiguous++;
      throw result.ambiguous;
    }
    return result.response;
  }

  /** One attempt: a token, the request, and after a 401 one fresh token and one re-send. */
  private async sendAuthenticated(
    request: NetSuiteRequest,
    attempt: AttemptState,
  ): Promise<NetSuiteResponse> {
    attempt.previousOutcomeUnknown ||= attempt.outcomeUnknown;
    attempt.outcomeUnknown = false;
    const token = await this.options.tokens.getToken();
    let response = await this.sendOnce(request, token, attempt);
    if (response.status === 401) {
      this.counters.reauthentications++;
      this.options.tokens.invalidate(token);
      const fresh = await this.options.tokens.getToken();
      response = await this.sendOnce(request, fresh, attempt);
      if (response.status === 401) {
        // Refresh once and retry; a second refusal is treated as transient (and alarmed on).
        const refused = classifyNetSuiteAnswer({ ...answerOf(response), request: describe(request) });
        throw new ResponseError(
          response,
          new TransientError(`${refused.message}; a freshly issued token was refused too`, {
            source: 'netsuite',
            status: 401,
            code: refused.code ?? 'INVALID_LOGIN',
            detail: refused.detail,
            path: refused.path,
          }),
        );
      }
    }
    if (response.status >= 200 && response.status < 300) return response;
    const error = classifyNetSuiteAnswer({ ...answerOf(response), request: describe(request) });
    if (!request.idempotent && response.status >= 500) {
      throw new AmbiguousWriteError(ambiguousMessage(request, error.message), {
        source: 'netsuite',
        status: error.status,
        code: error.code,
        detail: error.detail,
        path: error.path,
        cause: error,
      });
    }
    throw new ResponseError(response, error);
  }

  /** One HTTP exchange under a governor permit; the body is read before the permit is given back. */
  private async sendOnce(
    request: NetSuiteRequest,
    token: string,
    attempt: AttemptState,
  ): Promise<NetSuiteResponse> {
    const url = new URL(`${this.options.baseUrl}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...request.headers };
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    const permit: GovernorPermit = await this.options.governor.acquire();
    let response: NetSuiteResponse;
    try {
      this.counters.requests++;
      response = await this.exchange({
        method: request.method,
        url,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        timeoutMs: this.options.requestTimeoutMs,
      });
    } catch (error) {
      const classified = classifyNetworkFailure(error, 'netsuite');
      if (classified.errorClass === 'transient' && !neverReachedServer(error)) attempt.outcomeUnknown = true;
      if (!request.idempotent && classified.errorClass === 'transient' && !neverReachedServer(error)) {
        throw new AmbiguousWriteError(ambiguousMessage(request, classified.message), {
          source: 'netsuite',
          cause: error,
        });
      }
      throw classified;
    } finally {
      permit.release();
    }
    if (response.status >= 500) attempt.outcomeUnknown = true;
    if (response.status === 429) {
      this.counters.overLimit++;
      this.options.governor.recordOverLimit(permit);
    } else {
      this.options.governor.recordSuccess();
    }
    return response;
  }
}

/** Whether an attempt of one `send`, or any attempt before it, may have been carried out by NetSuite. */
interface AttemptState {
  outcomeUnknown: boolean;
  previousOutcomeUnknown?: boolean;
}

/** A classified non-2xx answer, kept with the answer so `doneOnRetryStatuses` can be checked. */
class ResponseError extends Error {
  readonly response: NetSuiteResponse;
  readonly error: SyncError;

  constructor(response: NetSuiteResponse, error: SyncError) {
    super(error.message);
    this.response = response;
    this.error = error;
  }
}

function answerOf(response: NetSuiteResponse) {
  return { status: response.status, headers: response.headers, bodyText: response.bodyText };
}

function ambiguousMessage(request: NetSuiteRequest, why: string): string {
  return (
    `NetSuite ${describe(request)}: outcome unknown (${why}); not re-sent because it could create a ` +
    'second record. Look the record up (by external id) before trying again.'
  );
}
