// Pure parts of the Procurify client's error handling: Retry-After parsing, DRF error bodies as field
// messages, classification of answers into the error classes, and which failed writes may have
// happened anyway.
import { describe, expect, it } from 'vitest';
import { AuthError, BugError, DataError, TransientError } from '../../shared/errors.ts';
import {
  classifyProcurifyAnswer,
  fieldMessages,
  parseRetryAfter,
  writeMayHaveHappened,
} from '../../shared/procurify/index.ts';

const now = Date.parse('2025-06-30T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
  });

  it('reads an HTTP date, a past date giving 0', () => {
    expect(parseRetryAfter('Mon, 30 Jun 2025 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Mon, 30 Jun 2025 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is neither', () => {
    for (const value of [undefined, null, '', 'soon', '-5', '10s', '2025-13-45']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});

describe('fieldMessages', () => {
  it('flattens DRF bodies into dotted field paths', () => {
    expect(fieldMessages({ detail: 'Not found.' })).toEqual([{ field: 'detail', message: 'Not found.' }]);
    expect(
      fieldMessages({
        name: ['This field is required.'],
        email: { '1': ['Enter a valid email address.'] },
        non_field_errors: ['Bad.'],
      }),
    ).toEqual([
      { field: 'name', message: 'This field is required.' },
      { field: 'email.1', message: 'Enter a valid email address.' },
      { field: 'non_field_errors', message: 'Bad.' },
    ]);
    expect(fieldMessages(['Whole request refused.'])).toEqual([
      { field: 'detail', message: 'Whole request refused.' },
    ]);
    expect(
      fieldMessages({ error: 'invalid_client', error_description: 'Client authentication failed.' }),
    ).toEqual([{ field: 'error', message: 'invalid_client: Client authentication failed.' }]);
    expect(fieldMessages(42)).toEqual([]);
  });
});

describe('classifyProcurifyAnswer', () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    classifyProcurifyAnswer(
      {
        method: 'POST',
        path: '/api/v3/vendors/',
        status,
        headers: new Headers(headers),
        bodyText: typeof body === 'string' ? body : JSON.stringify(body),
      },
      now,
    );

  it('makes 429 and 5xx transient, with the Retry-After wait', () => {
    const limited = answer(429, { detail: 'Request was throttled.' }, { 'retry-after': '7' });
    expect(limited).toBeInstanceOf(TransientError);
    expect(limited.retryAfterMs).toBe(7_000);
    const html = answer(500, '<h1>Server Error (500)</h1>');
    expect(html).toBeInstanceOf(TransientError);
    expect(html.detail).toBe('Server Error (500)');
    expect(answer(503, '', { 'retry-after': 'Mon, 30 Jun 2025 12:01:00 GMT' }).retryAfterMs).toBe(60_000);
    expect(answer(502, '')).toBeInstanceOf(TransientError);
    expect(answer(408, '')).toBeInstanceOf(TransientError);
  });

  it('makes 401 and 403 auth errors', () => {
    expect(answer(401, { detail: 'Invalid token.' })).toBeInstanceOf(AuthError);
    const forbidden = answer(403, { detail: 'You do not have permission to perform this action.' });
    expect(forbidden).toBeInstanceOf(AuthError);
    expect(forbidden.message).toContain('permission');
    expect(answer(401, { error: 'invalid_client', error_description: 'x' }).code).toBe('invalid_client');
  });

  it('makes 400/404/405/409 data errors naming the first field Procurify blamed', () => {
    const invalid = answer(400, {
      email: { '0': ['Enter a valid email address.'] },
      type: ['"9" is not a valid choice.'],
    });
    expect(invalid).toBeInstanceOf(DataError);
    expect(invalid.path).toBe('email.0');
    expect(invalid.status).toBe(400);
    expect(invalid.message).toBe(
      'procurify: POST /api/v3/vendors/ answered 400: email.0: Enter a valid email address.; type: "9" is not a valid choice.',
    );
    const missing = answer(404, { detail: 'Not found.' });
    expect(missing).toBeInstanceOf(DataError);
    expect(missing.path).toBeUndefined();
    expect(missing.detail).toBe('Not found.');
    expect(answer(405, { detail: 'Method "POST" not allowed.' })).toBeInstanceOf(DataError);
    expect(answer(409, { detail: 'Conflict.' })).toBeInstanceOf(DataError);
  });

  it('makes redirects bugs (a path without its trailing slash)', () => {
    const redirected = answer(301, '', { location: '/api/v3/vendors/' });
    expect(redirected).toBeInstanceOf(BugError);
    expect(redirected.message).toContain('trailing slash');
  });
});

describe('writeMayHaveHappened', () => {
  it('is false for refusals and throttling, true for lost answers and server errors', () => {
    expect(writeMayHaveHappened(new TransientError('x', { status: 429 }))).toBe(false);
    expect(writeMayHaveHappened(new TransientError('fetch failed <- Error: connect ECONNREFUSED'))).toBe(
      false,
    );
    expect(writeMayHaveHappened(new TransientError('procurify: network failure (other side closed)'))).toBe(
      true,
    );
    expect(writeMayHaveHappened(new TransientError('x', { status: 502 }))).toBe(true);
    expect(writeMayHaveHappened(new DataError('x', { status: 400 }))).toBe(false);
  });
});
