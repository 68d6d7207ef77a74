// The one road to Procurify's JSON API: the token as a Bearer header (renewed once after a 401), a
// deadline per request, answers classified into apsync's error classes (errors.ts), retries with
// backoff (backoff.ts), and zod at the boundary: answers checked against their schema (a misfit is a
// bug) and bodies checked before they are written (a misfit is a data problem naming the field).
import * as z from 'zod';
import { BugError, classifyNetworkFailure, DataError } from '../errors.ts';
import { fetchExchange } from '../http/fetch-exchange.ts';
import type { Exchange, ExchangeAnswer } from '../http/node-exchange.ts';
import { type RetryHooks, withRetry } from '../retry.ts';
import { describeIssue, type ParsedProcurifyClientConfig } from './config.ts';
import { classifyProcurifyAnswer, source } from './errors.ts';
import { singleSchema } from './schemas.ts';
import type { AccessTokenSource } from './token.ts';

/** The `{data}` envelope of one record, its record checked apart (built once: see schemas.ts). */
const anyEnvelope = singleSchema(z.unknown());

export interface ProcurifyTransportOptions {
  config: ParsedProcurifyClientConfig;
  tokens: AccessTokenSource;
  fetch: typeof fetch;
  /**
   * How a JSON request is sent (shared/http/node-exchange.ts, the composition's choice when no fetch is given);
   * without it, through `fetch`.
   */
  exchange?: Exchange;
  now: () => number;
  /** Hooks for one retry loop; asked afresh for each loop. */
  retryHooks: () => RetryHooks;
}

export type Query = Record<string, string | undefined>;

export class ProcurifyTransport {
  readonly config: ParsedProcurifyClientConfig;
  /** The configured Procurify origin (`baseUrl`). */
  readonly base: URL;
  readonly tokens: AccessTokenSource;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  private readonly retryHooks: () => RetryHooks;
  private readonly send: Exchange;

  constructor(options: ProcurifyTransportOptions) {
    this.config = options.config;
    this.base = new URL(options.config.baseUrl);
    this.tokens = options.tokens;
    this.fetch = options.fetch;
    // Redirects answered as they come, as node:http answers them.
    this.send = options.exchange ?? fetchExchange(options.fetch, 'manual');
    this.now = options.now;
    this.retryHooks = options.retryHooks;
  }

  /** Runs `attempt` with the configured retry policy (transient errors only). */
  retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetry(attempt, this.config.retryPolicy, this.retryHooks());
  }

  url(path: string, query: Query = {}): URL {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  private async exchange(method: string, url: URL, body: unknown, token: string): Promise<ExchangeAnswer> {
    try {
      return await this.send({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          'x-procurify-client': 'api',
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.config.requestTimeoutMs,
      });
    } catch (error) {
      throw classifyNetworkFailure(error, source);
    }
  }

  /** One attempt: a token, the request, and after a 401 one renewal and one more try. */
  async call(method: string, url: URL, body?: unknown): Promise<unknown> {
    const token = await this.tokens.getToken();
    let answer = await this.exchange(method, url, body, token);
    if (answer.status === 401) {
      this.tokens.invalidate(token);
      answer = await this.exchange(method, url, body, await this.tokens.getToken());
    }
    const path = `${url.pathname}${url.search}`;
    if (answer.status < 200 || answer.status >= 300) {
      throw classifyProcurifyAnswer({ method, path, ...answer }, this.now());
    }
    if (answer.bodyText === '') return undefined;
    try {
      return JSON.parse(answer.bodyText);
    } catch {
      throw new BugError(
        `procurify: ${method} ${path} answered ${answer.status} with a body that is not JSON`,
        {
          source,
          status: answer.status,
        },
      );
    }
  }

  /** An answer checked against its schema; a misfit is a BugError. */
  parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
    const result = schema.safeParse(value);
    if (!result.success)
      throw new BugError(`procurify: unexpected ${what} (${describeIssue(result.error)})`, { source });
    return result.data;
  }

  /** Validates a body apsync is about to write; a misfit is a data problem naming the field. */
  writable<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
    const result = schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new DataError(`procurify: ${what} cannot be written (${describeIssue(result.error)})`, {
        source,
        path: issue?.path.join('.'),
        detail: issue?.message,
      });
    }
    return result.data;
  }

  /** A request whose answer is one record in a `{data}` envelope, retried (reads and idempotent writes). */
  async one<T extends z.ZodType>(
    method: string,
    path: string,
    body: unknown,
    item: T,
    what: string,
  ): Promise<z.output<T>> {
    const answer = await this.retrying(() => this.call(method, this.url(path), body));
    const envelope = this.parse(anyEnvelope, answer, what);
    return this.parse(item, envelope.data, what);
  }
}
