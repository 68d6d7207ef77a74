// Turns Procurify answers into the error classes of shared/errors.ts: 429/5xx → transient (with the
// `Retry-After` wait), 401/403 → auth, other 4xx → data (naming the fields Procurify blamed),
// unexpected redirects and shapes → bug. Pure; used by the Procurify client and its token provider.
import { AuthError, BugError, DataError, type SyncError, TransientError } from '../errors.ts';

export const source = 'procurify';

/**
 * `Retry-After` in milliseconds: delta-seconds (`"3"`) or an HTTP date (RFC 9110). A date in the past
 * gives 0. Anything else (missing, negative, garbage) gives undefined.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (/^-/.test(text) || /^\d/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export interface FieldMessage {
  /** Dotted path of the field, e.g. `email.0`; `detail` for a whole-request message. */
  field: string;
  message: string;
}

/**
 * Django REST Framework error bodies as field messages: `{"detail": "..."}`,
 * `{"field": ["message"]}`, nested `{"email": {"0": ["..."]}}`, `{"non_field_errors": [...]}`, and
 * OAuth's `{"error": "...", "error_description": "..."}`.
 */
export function fieldMessages(body: unknown, prefix = ''): FieldMessage[] {
  if (typeof body === 'string') return [{ field: prefix === '' ? 'detail' : prefix, message: body }];
  if (Array.isArray(body)) {
    return body.flatMap((item, index) =>
      typeof item === 'string'
        ? [{ field: prefix === '' ? 'detail' : prefix, message: item }]
        : fieldMessages(item, join(prefix, String(index))),
    );
  }
  if (body === null || typeof body !== 'object') return [];
  const record = body as Record<string, unknown>;
  if (prefix === '' && typeof record.error === 'string') {
    const description = typeof record.error_description === 'string' ? `: ${record.error_description}` : '';
    return [{ field: 'error', message: `${record.error}${description}` }];
  }
  return Object.entries(record).flatMap(([key, value]) => fieldMessages(value, join(prefix, key)));
}

const join = (prefix: string, key: string): string => (prefix === '' ? key : `${prefix}.${key}`);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface ProcurifyAnswer {
  method: string;
  /** Path (and query) of the request, never the host or credentials. */
  path: string;
  status: number;
  headers: Headers;
  bodyText: string;
}

/** The error for a non-2xx answer. */
export function classifyProcurifyAnswer(answer: ProcurifyAnswer, nowMs: number = Date.now()): SyncError {
  const { method, path, status } = answer;
  const body = parseJson(answer.bodyText);
  const messages = fieldMessages(body);
  const summary =
    messages.length > 0
      ? messages.map((m) => (m.field === 'detail' ? m.message : `${m.field}: ${m.message}`)).join('; ')
      : answer.bodyText
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 200) || '(no body)';
  const firstField = messages.find((m) => m.field !== 'detail' && m.field !== 'error')?.field;
  const code =
    body !== null && typeof body === 'object' && typeof (body as Record<string, unknown>).error === 'string'
      ? ((body as Record<string, unknown>).error as string)
      : undefined;
  const details = { source, status, code, detail: summary, path: firstField };
  const message = `procurify: ${method} ${path} answered ${status}: ${summary}`;
  if (status === 429 || status === 408 || status >= 500) {
    return new TransientError(message, {
      ...details,
      retryAfterMs: parseRetryAfter(answer.headers.get('retry-after'), nowMs),
    });
  }
  // 403: the API user's role lacks a permission (or the token's audience is refused): a person must fix
  // the Procurify setup; renewing the token would not help.
  if (status === 401 || status === 403) return new AuthError(message, details);
  if (status >= 300 && status < 400) {
    return new BugError(
      `procurify: ${method} ${path} was redirected (${status} to ${answer.headers.get('location') ?? '?'}); paths need their trailing slash`,
      details,
    );
  }
  return new DataError(message, details);
}

/** Whether a failed write may nevertheless have been carried out by Procurify. */
export function writeMayHaveHappened(error: SyncError): boolean {
  if (error.errorClass !== 'transient') return false;
  if (error.status === 429) return false;
  if (error.status === undefined && /ECONNREFUSED/.test(error.message)) return false;
  return true;
}
