// Unit tests of NetSuite answer classification (shared/netsuite/error-classification.ts): every
// documented status/code pair lands in the right error class with NetSuite's code, detail and path.
import { describe, expect, it } from 'vitest';
import { AuthError, BugError, DataError, TransientError } from '../../shared/errors.ts';
import {
  classifyNetSuiteAnswer,
  classifyTokenEndpointAnswer,
  parseRetryAfter,
} from '../../shared/netsuite/error-classification.ts';

function nsError(status: number, code: string, detail: string, path?: string): string {
  return JSON.stringify({
    type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
    title: 'Some title',
    status,
    'o:errorDetails': [
      { detail, 'o:errorCode': code, ...(path === undefined ? {} : { 'o:errorPath': path }) },
    ],
  });
}

describe('classifyNetSuiteAnswer', () => {
  it('treats a governance 429 as transient with its code and honours Retry-After', () => {
    const error = classifyNetSuiteAnswer({
      status: 429,
      headers: { 'Retry-After': '3' },
      bodyText: nsError(
        429,
        'CONCURRENCY_LIMIT_EXCEEDED',
        'Concurrent request limit exceeded. Request blocked.',
      ),
      request: 'GET vendor/12',
    });
    expect(error).toBeInstanceOf(TransientError);
    expect(error.code).toBe('CONCURRENCY_LIMIT_EXCEEDED');
    expect(error.retryAfterMs).toBe(3000);
    expect(error.source).toBe('netsuite');
    expect(error.status).toBe(429);
  });

  it('treats a 429 without a body as a governance refusal', () => {
    const error = classifyNetSuiteAnswer({ status: 429, bodyText: '' });
    expect(error).toBeInstanceOf(TransientError);
    expect(error.code).toBe('CONCURRENCY_LIMIT_EXCEEDED');
  });

  it.each([500, 502, 503, 504])('treats %i as transient', (status) => {
    const error = classifyNetSuiteAnswer({ status, bodyText: nsError(status, 'UNEXPECTED_ERROR', 'boom') });
    expect(error).toBeInstanceOf(TransientError);
    expect(error.code).toBe('UNEXPECTED_ERROR');
  });

  it('treats a 5xx with an HTML body as transient too', () => {
    expect(classifyNetSuiteAnswer({ status: 503, bodyText: '<html>down</html>' })).toBeInstanceOf(
      TransientError,
    );
  });

  it('treats 401 as auth, reading INVALID_LOGIN from the body or the challenge', () => {
    const fromBody = classifyNetSuiteAnswer({
      status: 401,
      bodyText: nsError(401, 'INVALID_LOGIN', 'Invalid login attempt.'),
    });
    expect(fromBody).toBeInstanceOf(AuthError);
    expect(fromBody.code).toBe('INVALID_LOGIN');
    const fromHeader = classifyNetSuiteAnswer({
      status: 401,
      headers: new Headers({
        'www-authenticate':
          'Bearer realm="123", error="invalid_token", error_description="Invalid login attempt."',
      }),
      bodyText: '',
    });
    expect(fromHeader).toBeInstanceOf(AuthError);
    expect(fromHeader.code).toBe('INVALID_LOGIN');
  });

  it.each([
    [400, 'INVALID_CONTENT', 'apply.items[0].doc'],
    [400, 'USER_ERROR', undefined],
    [400, 'INVALID_REFERENCE', 'entity'],
    [400, 'NONEXISTENT_FIELD', undefined],
    [400, 'INVALID_PARAMETER', undefined],
    [404, 'NONEXISTENT_ID', undefined],
  ])('treats %i %s as data, with detail and path', (status, code, path) => {
    const detail = `Detail for ${code}.`;
    const error = classifyNetSuiteAnswer({
      status,
      bodyText: nsError(status, code, detail, path),
      request: 'PUT vendorPayment/eid:procurify-pay-1',
    });
    expect(error).toBeInstanceOf(DataError);
    expect(error.code).toBe(code);
    expect(error.detail).toBe(detail);
    expect(error.path).toBe(path);
    expect(error.message).toContain(detail);
    expect(error.message).toContain('PUT vendorPayment/eid:procurify-pay-1');
    if (path !== undefined) expect(error.message).toContain(path);
  });

  it('names every detail when NetSuite reports several', () => {
    const error = classifyNetSuiteAnswer({
      status: 400,
      bodyText: JSON.stringify({
        title: 'Bad Request',
        status: 400,
        'o:errorDetails': [
          { detail: 'First problem.', 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'entity' },
          { detail: 'Second problem.', 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'account' },
        ],
      }),
    });
    expect(error.path).toBe('entity');
    expect(error.message).toContain('First problem.');
    expect(error.message).toContain('Second problem. [at account]');
  });

  it('treats 403 INSUFFICIENT_PERMISSION as data a person must fix on the role', () => {
    const error = classifyNetSuiteAnswer({
      status: 403,
      bodyText: nsError(403, 'INSUFFICIENT_PERMISSION', 'Permission Violation: you need Vendor Payment.'),
    });
    expect(error).toBeInstanceOf(DataError);
    expect(error.code).toBe('INSUFFICIENT_PERMISSION');
    expect(error.message).toMatch(/role/);
  });

  it('treats unreadable 4xx bodies and odd statuses as bugs', () => {
    expect(classifyNetSuiteAnswer({ status: 400, bodyText: '<html>proxy</html>' })).toBeInstanceOf(BugError);
    expect(classifyNetSuiteAnswer({ status: 404, bodyText: '{"unexpected":true}' })).toBeInstanceOf(BugError);
    expect(classifyNetSuiteAnswer({ status: 302, bodyText: '' })).toBeInstanceOf(BugError);
  });
});

describe('classifyTokenEndpointAnswer', () => {
  it.each([
    [401, 'invalid_client'],
    [400, 'invalid_grant'],
    [400, 'invalid_request'],
    [400, 'unsupported_grant_type'],
    [400, 'invalid_scope'],
  ])('treats %i %s as auth, never to be retried', (status, code) => {
    const error = classifyTokenEndpointAnswer({ status, bodyText: JSON.stringify({ error: code }) });
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe(code);
  });

  it('treats token endpoint 429 and 5xx as transient', () => {
    expect(classifyTokenEndpointAnswer({ status: 429, bodyText: '' })).toBeInstanceOf(TransientError);
    expect(classifyTokenEndpointAnswer({ status: 502, bodyText: 'bad gateway' })).toBeInstanceOf(
      TransientError,
    );
  });

  it('treats an unreadable refusal as a bug', () => {
    expect(classifyTokenEndpointAnswer({ status: 400, bodyText: 'nope' })).toBeInstanceOf(BugError);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
