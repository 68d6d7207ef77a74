// Turns a NetSuite HTTP answer that is not a success into one of the four error classes
// (shared/errors.ts), carrying NetSuite's own code, detail and field path. Called by the request
// pipeline (transport.ts) and the token provider; pure, so it is unit-tested from bodies alone.
import * as z from 'zod';
import {
  AuthError,
  BugError,
  DataError,
  type SyncError,
  type SyncErrorDetails,
  TransientError,
} from '../errors.ts';

const source = 'netsuite';

/** NetSuite's REST error body (`application/vnd.oracle.resource+json; type=error`). */
export const netSuiteErrorBodySchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.union([z.number(), z.string()]).optional(),
  'o:errorDetails': z
    .array(
      z.object({
        detail: z.string().optional(),
        'o:errorCode': z.string().optional(),
        'o:errorPath': z.string().optional(),
        'o:errorHeader': z.string().optional(),
        'o:errorQueryParam': z.string().optional(),
      }),
    )
    .min(1),
});

/**
 * A RESTlet's error body, `{"error": {"code", "message"}}`: an error the script did not catch, or the
 * platform refusing the call (unknown script, login) — the shape commonly observed, not in Oracle's text.
 */
export const restletErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string().optional() }),
});

/** The OAuth 2.0 token endpoint's error body. */
export const tokenErrorBodySchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** A request that was sent but whose outcome is unknown: a create that must not be re-sent blindly. */
export class AmbiguousWriteError extends TransientError {
  readonly ambiguous = true;
}

export interface NetSuiteAnswer {
  status: number;
  /** Response headers (only `retry-after` and `www-authenticate` are read). */
  headers?: Headers | Record<string, string | undefined>;
  bodyText: string;
  /** For the message: what we asked, e.g. `PUT vendorBill/eid:procurify-bill-1`. */
  request?: string;
}

interface ParsedDetails {
  code: string | undefined;
  detail: string | undefined;
  path: string | undefined;
  /** Every detail, joined, for the message (NetSuite can report several problems at once). */
  summary: string | undefined;
  parsed: boolean;
}

function header(headers: NetSuiteAnswer['headers'], name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (NetSuite documents none; honour it if sent). */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function parseBody(bodyText: string): ParsedDetails {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { code: undefined, detail: undefined, path: undefined, summary: undefined, parsed: false };
  }
  const record = netSuiteErrorBodySchema.safeParse(json);
  if (record.success) {
    const details = record.data['o:errorDetails'];
    const first = details[0]!;
    const summary = details
      .map((item) => {
        const where = item['o:errorPath'] ?? item['o:errorQueryParam'] ?? item['o:errorHeader'];
        return `${item.detail ?? '(no detail)'}${where === undefined ? '' : ` [at ${where}]`}`;
      })
      .join('; ');
    return {
      code: first['o:errorCode'],
      detail: first.detail,
      path: first['o:errorPath'] ?? first['o:errorQueryParam'] ?? first['o:errorHeader'],
      summary,
      parsed: true,
    };
  }
  const restlet = restletErrorBodySchema.safeParse(json);
  if (restlet.success) {
    const { code, message } = restlet.data.error;
    return { code, detail: message, path: undefined, summary: message ?? code, parsed: true };
  }
  const token = tokenErrorBodySchema.safeParse(json);
  if (token.success) {
    return {
      code: token.data.error,
      detail: token.data.error_description,
      path: undefined,
      summary: token.data.error_description ?? token.data.error,
      parsed: true,
    };
  }
  return { code: undefined, detail: undefined, path: undefined, summary: undefined, parsed: false };
}

/** The `error="..."` of a `WWW-Authenticate: Bearer ...` header, e.g. `invalid_token`. */
function bearerError(value: string | undefined): string | undefined {
  return value === undefined ? undefined : /error="([^"]*)"/.exec(value)?.[1];
}

/**
 * Classifies a non-2xx answer of the record, query or token API.
 * - 429 (CONCURRENCY_LIMIT_EXCEEDED), 408 and 5xx: transient.
 * - 401: auth (the token pipeline refreshes once, then reports a repeat as transient).
 * - 403 INSUFFICIENT_PERMISSION: data — a person must give apsync's role the permission; retrying
 *   cannot help.
 * - other 4xx with a NetSuite error body: data (a bad value, business rule, missing record or field).
 * - anything else, or a body we cannot read: bug.
 */
export function classifyNetSuiteAnswer(answer: NetSuiteAnswer, nowMs = Date.now()): SyncError {
  const { status } = answer;
  const parsed = parseBody(answer.bodyText);
  const asked = answer.request === undefined ? 'NetSuite' : `NetSuite ${answer.request}`;
  const base: SyncErrorDetails = {
    source,
    status,
    code: parsed.code,
    detail: parsed.detail,
    path: parsed.path,
  };
  const said = parsed.summary === undefined ? '' : `: ${parsed.summary}`;
  const codeText = parsed.code === undefined ? '' : ` ${parsed.code}`;

  if (status === 429) {
    return new TransientError(
      `${asked} refused with 429${codeText || ' CONCURRENCY_LIMIT_EXCEEDED'}${said}`,
      {
        ...base,
        code: parsed.code ?? 'CONCURRENCY_LIMIT_EXCEEDED',
        retryAfterMs: parseRetryAfter(header(answer.headers, 'retry-after'), nowMs),
      },
    );
  }
  if (status >= 500 || status === 408) {
    return new TransientError(`${asked} failed with ${status}${codeText}${said}`, {
      ...base,
      retryAfterMs: parseRetryAfter(header(answer.headers, 'retry-after'), nowMs),
    });
  }
  if (status === 401) {
    const challenge = bearerError(header(answer.headers, 'www-authenticate'));
    return new AuthError(`${asked} refused the credentials (401${codeText || ' INVALID_LOGIN'})${said}`, {
      ...base,
      code: parsed.code ?? (challenge === 'invalid_token' ? 'INVALID_LOGIN' : challenge) ?? 'INVALID_LOGIN',
    });
  }
  if (status >= 400 && status < 500 && parsed.parsed) {
    if (status === 403) {
      return new DataError(
        `${asked} was refused for lack of permission (403${codeText}): give apsync's integration role the permission${said}`,
        base,
      );
    }
    const where = parsed.path === undefined ? '' : ` (field ${parsed.path})`;
    return new DataError(`${asked} was rejected (${status}${codeText})${where}${said}`, base);
  }
  const excerpt = answer.bodyText.slice(0, 200).replace(/\s+/g, ' ').trim();
  return new BugError(`${asked} answered ${status} with an unexpected body: ${excerpt || '(empty)'}`, base);
}

/**
 * Classifies a failed answer of the OAuth 2.0 token endpoint: `invalid_client`, `invalid_grant` and
 * the other OAuth errors are auth failures a person must fix (revoked certificate, wrong client id,
 * clock skew); 429 and 5xx are transient; anything else is a bug.
 */
export function classifyTokenEndpointAnswer(answer: NetSuiteAnswer, nowMs = Date.now()): SyncError {
  const { status } = answer;
  if (status === 429 || status === 408 || status >= 500) return classifyNetSuiteAnswer(answer, nowMs);
  const parsed = parseBody(answer.bodyText);
  if (status >= 400 && status < 500 && parsed.parsed) {
    return new AuthError(
      `NetSuite token endpoint refused the client assertion (${status} ${parsed.code ?? ''})${
        parsed.summary === undefined || parsed.summary === parsed.code ? '' : `: ${parsed.summary}`
      }`,
      { source, status, code: parsed.code, detail: parsed.detail },
    );
  }
  const excerpt = answer.bodyText.slice(0, 200).replace(/\s+/g, ' ').trim();
  return new BugError(
    `NetSuite token endpoint answered ${status} with an unexpected body: ${excerpt || '(empty)'}`,
    {
      source,
      status,
    },
  );
}
