// fast-check generators of good and bad input for apsync's property tests, each paired with the outcome
// the code must produce. The outcome is derived from how the input was built and from the written rules
// (the notice schema, the webhook's limits, the configuration keys), never by calling the code under test.
// Used by test/integration/webhook-fuzz.test.ts and test/unit/config-fuzz.test.ts.
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { noticeEventTypes, noticeRecordTypes } from '../../shared/events/record-event-notice.ts';
import { settingNames } from '../../shared/resources.ts';

// ---------------------------------------------------------------------------------------------------
// Webhook requests
// ---------------------------------------------------------------------------------------------------

/** A notice is a few hundred bytes; bodies over 256 KiB are refused before anything else. */
export const noticeLimitBytes = 256 * 1024;
/** Standard Webhooks' tolerance; generated "fresh" timestamps stay a minute inside it. */
const toleranceSeconds = 300;

export const signatureHeaders = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
export type SignatureHeader = (typeof signatureHeaders)[number];

export const noticeFields = [
  'eventId',
  'accountId',
  'recordType',
  'recordId',
  'eventType',
  'lastModified',
] as const;
export type NoticeField = (typeof noticeFields)[number];

/** A valid notice, except that the event id is a stem the runner makes unique (fast-check repeats values). */
export interface NoticeDraft {
  eventIdStem: string;
  accountId: string;
  recordType: string;
  recordId: string;
  eventType: string;
  lastModified: string;
  /** Order the keys are written in (a permutation of noticeFields). */
  keyOrder: readonly NoticeField[];
}

export type MalformedJson =
  | { kind: 'truncated'; keep: number }
  | { kind: 'byteOrderMark' }
  | { kind: 'trailingGarbage'; text: string }
  | { kind: 'singleQuotes' }
  | { kind: 'trailingComma' }
  | { kind: 'comment' }
  | { kind: 'rawControlCharacter'; code: number }
  | { kind: 'invalidUtf8'; byte: number }
  | { kind: 'unclosedNesting'; depth: number }
  | { kind: 'garbage'; text: string };

export type BodyShape =
  | { kind: 'notice'; padToLimit: boolean }
  | {
      kind: 'schemaViolation';
      field: NoticeField;
      replacement: { kind: 'missing' } | { kind: 'value'; value: unknown };
    }
  | { kind: 'extraKey'; key: string; value: unknown }
  | { kind: 'notAnObject'; json: string }
  | { kind: 'malformedJson'; malformed: MalformedJson }
  | { kind: 'empty' }
  | { kind: 'oversized'; bytes: number; filler: 'spaces' | 'padding' };

export type ContentTypeChoice =
  | { kind: 'json'; value: string }
  | { kind: 'other'; value: string }
  | { kind: 'absent' };

export type Signing =
  | { kind: 'valid'; secret: 'current' | 'previous'; alongside: 'none' | 'bogusFirst' | 'otherVersionFirst' }
  | { kind: 'unknownSecret' }
  | { kind: 'tampered'; at: number; byte: number }
  | { kind: 'malformed'; form: 'noVersion' | 'v2' | 'upperCaseVersion' | 'emptyValue' | 'spaceSeparator' }
  | { kind: 'garbage'; value: string }
  | { kind: 'otherTimestamp' }
  | { kind: 'otherId' };

export type Timing =
  | { kind: 'fresh'; skewSeconds: number }
  | { kind: 'stale'; seconds: number }
  | { kind: 'future'; seconds: number }
  | { kind: 'notANumber'; value: string };

export interface WebhookRequestSpec {
  notice: NoticeDraft;
  encoding: 'compact' | 'pretty' | 'escaped';
  body: BodyShape;
  contentType: ContentTypeChoice;
  signing: Signing;
  timing: Timing;
  missing: ReadonlyArray<{ header: SignatureHeader; as: 'absent' | 'empty' }>;
  idHeader: 'matches' | 'differs';
}

export interface SigningKeys {
  current: string;
  previous: string;
  /** A well-formed secret the endpoint does not know. */
  unknown: string;
}

/** The message the endpoint must queue for an accepted notice (receivedAt aside). */
export interface ExpectedInbound {
  kind: 'record-event';
  origin: 'webhook';
  eventId: string;
  recordType: string;
  recordId: string;
  eventType: string;
  lastModified: string;
}

export interface WebhookRequest {
  body: Buffer;
  headers: Record<string, string>;
  /** The unique event id of this request (the body's eventId when the notice is valid). */
  eventId: string;
  inbound: ExpectedInbound;
}

export type RefusalReason =
  | 'body_too_large'
  | 'unsupported_content_type'
  | 'missing_signature'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'invalid_json'
  | 'schema_violation';

export type ExpectedOutcome =
  | { kind: 'accepted'; status: 202 }
  | {
      kind: 'refused';
      status: 400 | 401 | 413 | 415;
      error: RefusalReason;
      /** What the message must say, as text for failure reports. */
      message: string | RegExp;
    };

/** Header-safe Latin-1: HTTP carries header values as bytes, so an id beyond U+00FF cannot be sent. */
const latin1IdCharacter = fc
  .oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0x21, max: 0x7e }) },
    { weight: 2, arbitrary: fc.integer({ min: 0xa0, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x20) },
  )
  .map((code) => String.fromCharCode(code));

const eventIdStem = fc.oneof(
  fc.uuid().map((id) => `evt_${id}`),
  fc
    .tuple(fc.constantFrom(...'aZ09'), fc.string({ unit: latin1IdCharacter, maxLength: 150 }))
    .map(([first, rest]) => first + rest),
);

/** Code points, which is what the schema's length limits count (zod 4), not UTF-16 units. */
const codePoints = (value: string) => [...value].length;

/** Any string of 1-64 characters is a legal account id to the schema, odd Unicode included. */
const accountId = fc.oneof(
  fc.stringMatching(/^\d{7}(_SB\d)?$/),
  // Astral characters are two UTF-16 units each: up to 128 units, still 64 characters.
  fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }).filter((value) => codePoints(value) <= 64),
  fc.constantFrom(
    '\ud800',
    'a\u0000b',
    '\u202eLTR',
    'e\u0301',
    '\ufeff1234567',
    '\u{1d49c}\u{1d4b8}\u{1d4b8}',
    '\u2028\u2029',
    '"\\/',
  ),
);

const pad2 = (n: number) => String(Math.abs(n)).padStart(2, '0');

/** RFC 3339 with an offset: Z or ±HH:MM, with no, milli- or microsecond fractions. */
const lastModified = fc
  .record({
    at: fc.date({
      min: new Date('1970-01-02T00:00:00Z'),
      max: new Date('2099-12-30T00:00:00Z'),
      noInvalidDate: true,
    }),
    offsetMinutes: fc.option(
      fc.integer({ min: -48, max: 56 }).map((quarters) => quarters * 15),
      { nil: undefined },
    ),
    fraction: fc.constantFrom('none', 'milli', 'micro'),
  })
  .map(({ at, offsetMinutes, fraction }) => {
    const local = new Date(at.getTime() + (offsetMinutes ?? 0) * 60_000).toISOString().slice(0, -1);
    const time = fraction === 'none' ? local.slice(0, 19) : fraction === 'micro' ? `${local}123` : local;
    if (offsetMinutes === undefined) return `${time}Z`;
    const sign = offsetMinutes < 0 ? '-' : '+';
    return `${time}${sign}${pad2(Math.trunc(offsetMinutes / 60))}:${pad2(offsetMinutes % 60)}`;
  });

export const noticeDraft: fc.Arbitrary<NoticeDraft> = fc.record({
  eventIdStem,
  accountId,
  // The schema lower-cases the record type before checking it: any letter case is legal.
  recordType: fc.mixedCase(fc.constantFrom(...noticeRecordTypes)),
  recordId: fc.stringMatching(/^\d{1,18}$/),
  eventType: fc.constantFrom(...noticeEventTypes),
  lastModified,
  keyOrder: fc.shuffledSubarray([...noticeFields], { minLength: 6, maxLength: 6 }),
});

/** Values each field must refuse, by the schema's written rules (shared/events/record-event-notice.ts). */
const invalidFieldValue: Record<NoticeField, fc.Arbitrary<unknown>> = {
  eventId: fc.oneof(
    fc.constant(''),
    fc.integer({ min: 201, max: 400 }).map((length) => 'e'.repeat(length)),
    fc.integer(),
    fc.constantFrom(null, true, [], {}),
  ),
  accountId: fc.oneof(
    fc.constant(''),
    fc.integer({ min: 65, max: 200 }).map((length) => 'A'.repeat(length)),
    fc.integer({ min: 65, max: 100 }).map((count) => '\u{1f600}'.repeat(count)),
    fc.integer(),
    fc.constantFrom(null, false, ['1234567'], { id: '1234567' }),
  ),
  recordType: fc.oneof(
    fc.constantFrom(
      '',
      'vendors',
      'bill',
      'vendor bill',
      'vend\u00f6r',
      'vendor ',
      ' vendor',
      'customer',
      'vendorbill\u0000',
      '\uff56\uff45\uff4e\uff44\uff4f\uff52',
      'invoice',
    ),
    fc
      .stringMatching(/^[a-zA-Z]{1,12}$/)
      .filter((value) => !(noticeRecordTypes as readonly string[]).includes(value.toLowerCase())),
    fc.integer(),
    fc.constantFrom(null, ['vendor'], { type: 'vendor' }),
  ),
  recordId: fc.oneof(
    fc.constantFrom(
      '',
      ' 101',
      '101 ',
      '101\n',
      '-1',
      '+1',
      '1.0',
      '1e3',
      '0x1F',
      '\u0661\u0660\u0661',
      '\uff11\uff10\uff11',
      'abc',
      '10_1',
    ),
    fc.integer({ min: 19, max: 40 }).map((length) => '1'.repeat(length)),
    fc.stringMatching(/^\d{0,5}[^\d]\d{0,5}$/),
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.constantFrom(null, true, ['101'], { id: '101' }),
  ),
  eventType: fc.oneof(
    // Unlike the record type, the event type is case-sensitive.
    fc.constantFrom('', 'EDIT', 'Create', 'update', 'remove', 'create ', 'x-edit', 'paybill'),
    fc
      .stringMatching(/^[a-z]{1,10}$/)
      .filter((value) => !(noticeEventTypes as readonly string[]).includes(value)),
    fc.integer(),
    fc.constantFrom(null, ['edit']),
  ),
  lastModified: fc.oneof(
    fc.constantFrom(
      '',
      '2024-01-01',
      '2024-01-01T00:00:00',
      '2024-13-01T00:00:00Z',
      '2024-01-32T00:00:00Z',
      '2024-01-01T25:00:00Z',
      '2024-01-01T00:61:00Z',
      '2024-01-01 00:00:00Z',
      'yesterday',
      'Mon, 01 Jan 2024 00:00:00 GMT',
      '\u0662\u0660\u0662\u0664-01-01T00:00:00Z',
    ),
    fc.stringMatching(/^[a-z ]{1,20}$/),
    fc.integer(),
    fc.constantFrom(null, { iso: '2024-01-01T00:00:00Z' }),
  ),
};

const schemaViolation: fc.Arbitrary<BodyShape> = fc.constantFrom(...noticeFields).chain((field) =>
  fc.record({
    kind: fc.constant('schemaViolation' as const),
    field: fc.constant(field),
    replacement: fc.oneof(
      { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
      {
        weight: 4,
        arbitrary: invalidFieldValue[field].map((value) => ({ kind: 'value' as const, value })),
      },
    ),
  }),
);

const extraKey: fc.Arbitrary<BodyShape> = fc.record({
  kind: fc.constant('extraKey' as const),
  key: fc.oneof(
    // Near misses of real keys and prototype names. `__proto__` is a plain own key after JSON.parse.
    fc.constantFrom(
      '__proto__',
      'constructor',
      'EventId',
      'recordid',
      'event_id',
      'padding',
      'signature',
      '',
    ),
    fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
      .filter((key) => !(noticeFields as readonly string[]).includes(key)),
  ),
  value: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 }), fc.integer(), fc.constant({ a: 1 })),
});

const notAnObject: fc.Arbitrary<BodyShape> = fc.record({
  kind: fc.constant('notAnObject' as const),
  json: fc.oneof(
    fc.constantFrom('null', '[]', '0', '-1.5e300', 'true', '"vendor"', '[{"eventId":"x"}]'),
    fc
      .jsonValue({ maxDepth: 2 })
      .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
      .map((value) => JSON.stringify(value)),
  ),
});

const malformedJson: fc.Arbitrary<BodyShape> = fc
  .oneof(
    fc.record({
      kind: fc.constant('truncated' as const),
      keep: fc.double({ min: 0, max: 0.999, noNaN: true }),
    }),
    fc.constant({ kind: 'byteOrderMark' as const }),
    fc.record({
      kind: fc.constant('trailingGarbage' as const),
      text: fc.constantFrom('x', ',', '}', ' {}', '\u0000', 'null'),
    }),
    fc.constant({ kind: 'singleQuotes' as const }),
    fc.constant({ kind: 'trailingComma' as const }),
    fc.constant({ kind: 'comment' as const }),
    fc.record({
      kind: fc.constant('rawControlCharacter' as const),
      code: fc
        .integer({ min: 0, max: 0x1f })
        .filter((code) => code !== 0x09 && code !== 0x0a && code !== 0x0d),
    }),
    fc.record({ kind: fc.constant('invalidUtf8' as const), byte: fc.integer({ min: 0x80, max: 0xff }) }),
    fc.record({ kind: fc.constant('unclosedNesting' as const), depth: fc.integer({ min: 1, max: 50_000 }) }),
    fc.record({
      kind: fc.constant('garbage' as const),
      text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((text) => !isJson(text)),
    }),
  )
  .map((malformed) => ({ kind: 'malformedJson' as const, malformed }));

const bodyShape: fc.Arbitrary<BodyShape> = fc.oneof(
  {
    weight: 70,
    arbitrary: fc.record({
      kind: fc.constant('notice' as const),
      padToLimit: fc.oneof(
        { weight: 19, arbitrary: fc.constant(false) },
        // Rare: 256 KiB bodies cost pure-JS HMAC time on both sides.
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    }),
  },
  { weight: 7, arbitrary: schemaViolation },
  { weight: 2, arbitrary: extraKey },
  { weight: 2, arbitrary: notAnObject },
  { weight: 6, arbitrary: malformedJson },
  { weight: 2, arbitrary: fc.constant({ kind: 'empty' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('oversized' as const),
      bytes: fc.oneof(
        fc.constant(noticeLimitBytes + 1),
        fc.integer({ min: noticeLimitBytes + 2, max: 1024 * 1024 }),
      ),
      filler: fc.constantFrom('spaces' as const, 'padding' as const),
    }),
  },
);

/** Header-safe text: printable Latin-1, no surrounding white space (HTTP would strip it). */
const headerText = (maxLength: number) =>
  fc
    .string({ unit: latin1IdCharacter, minLength: 1, maxLength })
    .map((value) => value.trim())
    .filter((value) => value !== '');

const contentType: fc.Arbitrary<ContentTypeChoice> = fc.oneof(
  {
    weight: 88,
    arbitrary: fc.record({
      kind: fc.constant('json' as const),
      value: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'Application/Json;charset=UTF-8',
        'application/json ; q=1',
      ),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('other' as const),
      value: fc.oneof(
        fc.constantFrom(
          'text/plain',
          'text/json',
          'application/jsonp',
          'application/json-patch+json',
          'application/vnd.api+json',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=xyz',
          'application/octet-stream',
          'application/xml',
          'json',
          '*/*',
          'application/*',
          'application/js\u00f6n',
          'application /json',
        ),
        headerText(40).filter((value) => !isJsonMediaType(value)),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'absent' as const }) },
);

const signing: fc.Arbitrary<Signing> = fc.oneof(
  {
    weight: 86,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      secret: fc.constantFrom('current' as const, 'previous' as const),
      alongside: fc.constantFrom(
        'none' as const,
        'none' as const,
        'bogusFirst' as const,
        'otherVersionFirst' as const,
      ),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'unknownSecret' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('tampered' as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0x20, max: 0x7e }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('malformed' as const),
      form: fc.constantFrom(
        'noVersion' as const,
        'v2' as const,
        'upperCaseVersion' as const,
        'emptyValue' as const,
        'spaceSeparator' as const,
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      // A header that can never hold `v1,<the right signature>`: that has no reason to appear by chance.
      value: headerText(100),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'otherTimestamp' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'otherId' as const }) },
);

const tenYears = 10 * 366 * 86_400;
// Stale and future timestamps keep half a minute away from the tolerance: the clock moves during a run.
const timing: fc.Arbitrary<Timing> = fc.oneof(
  {
    weight: 88,
    arbitrary: fc.record({
      kind: fc.constant('fresh' as const),
      skewSeconds: fc.integer({ min: -(toleranceSeconds - 60), max: toleranceSeconds - 60 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('stale' as const),
      seconds: fc.integer({ min: toleranceSeconds + 30, max: tenYears }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('future' as const),
      seconds: fc.integer({ min: toleranceSeconds + 30, max: tenYears }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('notANumber' as const),
      // parseInt stops at the first non-digit: only values starting with a non-number are "not a time".
      value: fc.oneof(
        fc.constantFrom('-', '+', '.5', 'NaN', 'Infinity', 'now', 'e10', 'T1700000000'),
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9:.-]{0,20}$/),
      ),
    }),
  },
);

const missingHeaders = fc.oneof(
  { weight: 92, arbitrary: fc.constant([]) },
  {
    weight: 8,
    arbitrary: fc.subarray([...signatureHeaders], { minLength: 1 }).chain((headers) =>
      fc.tuple(
        ...headers.map((header) =>
          fc.record({
            header: fc.constant(header),
            as: fc.constantFrom('absent' as const, 'empty' as const),
          }),
        ),
      ),
    ),
  },
);

/**
 * One request to the webhook endpoint. Each aspect is independently good most of the time, so about
 * 40% are valid, most bad ones have one defect and some have several (the first in the endpoint's order
 * of checks decides the answer).
 */
export const webhookRequestSpec: fc.Arbitrary<WebhookRequestSpec> = fc.record({
  notice: noticeDraft,
  encoding: fc.constantFrom('compact' as const, 'pretty' as const, 'escaped' as const),
  body: bodyShape,
  contentType,
  signing,
  timing,
  missing: missingHeaders,
  idHeader: fc.oneof(
    { weight: 95, arbitrary: fc.constant('matches' as const) },
    { weight: 5, arbitrary: fc.constant('differs' as const) },
  ),
});

/**
 * The bytes and headers of a spec, signed now (or at `now`). `sequence` makes the event id unique; the
 * same spec and sequence give the same body, so a sender's retry is `materialize` again later.
 */
export function materializeRequest(
  spec: WebhookRequestSpec,
  keys: SigningKeys,
  sequence: number,
  now: Date = new Date(),
): WebhookRequest {
  const eventId = `${spec.notice.eventIdStem}#${sequence}`;
  const notice: Record<NoticeField, string> = {
    eventId,
    accountId: spec.notice.accountId,
    recordType: spec.notice.recordType,
    recordId: spec.notice.recordId,
    eventType: spec.notice.eventType,
    lastModified: spec.notice.lastModified,
  };
  const ordered = Object.fromEntries(spec.notice.keyOrder.map((field) => [field, notice[field]]));
  let body = buildBody(spec, ordered);

  const webhookId = spec.idHeader === 'matches' ? eventId : `${eventId}-other`;
  const signedAt = signingTime(spec.timing, now);
  const sign = (secret: string, id = webhookId, at = signedAt) => new Webhook(secret).sign(id, at, body);
  const signature = signatureHeader(spec.signing, keys, sign, signedAt);
  if (spec.signing.kind === 'tampered') body = tamper(body, spec.signing.at, spec.signing.byte);

  const headers: Record<string, string> = {
    'webhook-id': webhookId,
    'webhook-timestamp':
      spec.timing.kind === 'notANumber' ? spec.timing.value : String(Math.floor(signedAt.getTime() / 1000)),
    'webhook-signature': signature,
  };
  if (spec.contentType.kind !== 'absent') headers['content-type'] = spec.contentType.value;
  for (const { header, as } of spec.missing) {
    if (as === 'absent') delete headers[header];
    else headers[header] = '';
  }
  return {
    body,
    headers,
    eventId,
    inbound: {
      kind: 'record-event',
      origin: 'webhook',
      eventId,
      recordType: spec.notice.recordType.toLowerCase(),
      recordId: spec.notice.recordId,
      eventType: spec.notice.eventType,
      lastModified: spec.notice.lastModified,
    },
  };
}

/** The endpoint's answer, from the endpoint's documented order of checks. */
export function expectedOutcome(spec: WebhookRequestSpec, request: WebhookRequest): ExpectedOutcome {
  const refused = (
    status: 400 | 401 | 413 | 415,
    error: RefusalReason,
    message: string | RegExp,
  ): ExpectedOutcome => ({ kind: 'refused', status, error, message });
  if (request.body.length > noticeLimitBytes) {
    return refused(
      413,
      'body_too_large',
      `body is ${request.body.length} bytes; the limit is ${noticeLimitBytes}`,
    );
  }
  if (spec.contentType.kind !== 'json') {
    const got = spec.contentType.kind === 'absent' ? 'none' : spec.contentType.value;
    return refused(415, 'unsupported_content_type', `content-type must be application/json, got ${got}`);
  }
  if (spec.missing.length > 0) {
    const names = signatureHeaders.filter((header) => spec.missing.some((m) => m.header === header));
    return refused(401, 'missing_signature', `missing header(s): ${names.join(', ')}`);
  }
  if (spec.timing.kind === 'notANumber') {
    return refused(401, 'bad_signature', 'webhook-timestamp is not a unix time in seconds');
  }
  if (spec.timing.kind === 'stale' || spec.timing.kind === 'future') {
    const word = spec.timing.kind === 'stale' ? 'old' : 'new';
    return refused(
      401,
      'stale_timestamp',
      `webhook-timestamp is more than 5 minutes from now (Message timestamp too ${word})`,
    );
  }
  if (spec.signing.kind !== 'valid') {
    return refused(
      401,
      'bad_signature',
      'webhook-signature does not match the body with any current signing secret',
    );
  }
  switch (spec.body.kind) {
    case 'empty':
    case 'malformedJson':
      return refused(400, 'invalid_json', /^body is not valid JSON: \S/);
    case 'notAnObject':
      return refused(400, 'schema_violation', /^notice is invalid: \(body\): \S/);
    case 'schemaViolation':
      return refused(
        400,
        'schema_violation',
        new RegExp(`^notice is invalid: (.+; )?${spec.body.field}: \\S`),
      );
    case 'extraKey':
      return refused(
        400,
        'schema_violation',
        new RegExp(`^notice is invalid: (.+; )?\\(body\\): .*"${escapeRegExp(spec.body.key)}"`, 's'),
      );
    case 'notice':
    case 'oversized':
      break;
  }
  if (spec.idHeader === 'differs') {
    return refused(
      400,
      'schema_violation',
      `eventId must equal the webhook-id header (${request.headers['webhook-id']})`,
    );
  }
  return { kind: 'accepted', status: 202 };
}

/** A short label for statistics and failure reports. */
export function outcomeLabel(outcome: ExpectedOutcome): string {
  return outcome.kind === 'accepted' ? 'accepted' : `${outcome.status} ${outcome.error}`;
}

function buildBody(spec: WebhookRequestSpec, notice: Record<string, unknown>): Buffer {
  const encode = (value: unknown): string => {
    const text = JSON.stringify(value, null, spec.encoding === 'pretty' ? 2 : undefined);
    // JSON.stringify leaves non-ASCII raw; a sender may as well escape it: the same notice.
    return spec.encoding === 'escaped'
      ? text.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
      : text;
  };
  const shape = spec.body;
  switch (shape.kind) {
    case 'notice': {
      const text = encode(notice);
      // Insignificant white space up to exactly the limit: the largest body that must be accepted.
      return Buffer.from(
        shape.padToLimit ? text + ' '.repeat(noticeLimitBytes - Buffer.byteLength(text)) : text,
      );
    }
    case 'schemaViolation': {
      const changed: Record<string, unknown> = { ...notice };
      if (shape.replacement.kind === 'missing') delete changed[shape.field];
      else changed[shape.field] = shape.replacement.value;
      return Buffer.from(encode(changed));
    }
    case 'extraKey': {
      const text = encode(notice);
      return Buffer.from(`{${JSON.stringify(shape.key)}:${JSON.stringify(shape.value)},${text.slice(1)}`);
    }
    case 'notAnObject':
      return Buffer.from(shape.json);
    case 'malformedJson':
      return malformedBody(shape.malformed, encode(notice));
    case 'empty':
      return Buffer.alloc(0);
    case 'oversized': {
      const text = encode(notice);
      if (shape.filler === 'spaces') {
        // A valid notice inside: were the size not checked, it would be accepted.
        return Buffer.from(text + ' '.repeat(Math.max(0, shape.bytes - Buffer.byteLength(text))));
      }
      const head = `${text.slice(0, text.lastIndexOf('}'))},"padding":"`;
      return Buffer.from(`${head}${'x'.repeat(Math.max(0, shape.bytes - Buffer.byteLength(head) - 2))}"}`);
    }
  }
}

function malformedBody(malformed: MalformedJson, text: string): Buffer {
  switch (malformed.kind) {
    case 'truncated':
      // Every proper prefix of a serialized object is incomplete JSON; keep at least the `{`.
      return Buffer.from(text.slice(0, Math.max(1, Math.floor(malformed.keep * (text.length - 1)))));
    case 'byteOrderMark':
      return Buffer.from(`\ufeff${text}`);
    case 'trailingGarbage':
      return Buffer.from(text + malformed.text);
    case 'singleQuotes':
      return Buffer.from(text.replaceAll('"', "'"));
    case 'trailingComma':
      return Buffer.from(`${text.slice(0, text.lastIndexOf('}'))},}`);
    case 'comment':
      return Buffer.from(`// NetSuite\n${text}`);
    case 'rawControlCharacter':
      // JSON strings may not hold control characters unescaped.
      return Buffer.from(`{"note":"a${String.fromCharCode(malformed.code)}b",${text.slice(1)}`);
    case 'invalidUtf8':
      // A byte that cannot start a UTF-8 character, between two tokens.
      return Buffer.concat([Buffer.from('{'), Buffer.from([malformed.byte]), Buffer.from(text.slice(1))]);
    case 'unclosedNesting':
      return Buffer.from('['.repeat(malformed.depth));
    case 'garbage':
      return Buffer.from(malformed.text);
  }
}

function signingTime(timing: Timing, now: Date): Date {
  switch (timing.kind) {
    case 'fresh':
      return new Date(now.getTime() + timing.skewSeconds * 1000);
    case 'stale':
      return new Date(now.getTime() - timing.seconds * 1000);
    case 'future':
      return new Date(now.getTime() + timing.seconds * 1000);
    case 'notANumber':
      return now;
  }
}

function signatureHeader(
  signing: Signing,
  keys: SigningKeys,
  sign: (secret: string, id?: string, at?: Date) => string,
  signedAt: Date,
): string {
  const good = sign(keys.current);
  const bare = good.slice('v1,'.length);
  switch (signing.kind) {
    case 'valid': {
      const signature = sign(keys[signing.secret]);
      // Standard Webhooks: several space-separated signatures, any one of which may match.
      if (signing.alongside === 'bogusFirst')
        return `v1,${Buffer.alloc(32, 7).toString('base64')} ${signature}`;
      if (signing.alongside === 'otherVersionFirst') return `v1a,${bare} ${signature}`;
      return signature;
    }
    case 'unknownSecret':
      return sign(keys.unknown);
    case 'tampered':
      return good;
    case 'malformed':
      switch (signing.form) {
        case 'noVersion':
          return bare;
        case 'v2':
          return `v2,${bare}`;
        case 'upperCaseVersion':
          return `V1,${bare}`;
        case 'emptyValue':
          return 'v1,';
        case 'spaceSeparator':
          return `v1 ${bare}`;
      }
      break;
    case 'garbage':
      return signing.value;
    case 'otherTimestamp':
      return sign(keys.current, undefined, new Date(signedAt.getTime() + 1000));
    case 'otherId':
      return sign(keys.current, 'evt_someone_else');
  }
  throw new Error('unreachable');
}

/** Changes one byte (to a different ASCII byte); an empty body gains one. */
function tamper(body: Buffer, at: number, byte: number): Buffer {
  if (body.length === 0) return Buffer.from([byte]);
  const copy = Buffer.from(body);
  const index = at % copy.length;
  copy[index] = copy[index] === byte ? (byte === 0x20 ? 0x21 : 0x20) : byte;
  return copy;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The webhook's media type rule: application/json in any case, parameters ignored. */
function isJsonMediaType(value: string): boolean {
  return value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------------
// CDK configuration (infra/cdk/config.ts) and function settings (shared/config/environment.ts)
// ---------------------------------------------------------------------------------------------------

/** A value a key must accept and what the parser must make of it (undefined = "not set"). */
export interface ValidValue {
  input: unknown;
  parsed: unknown;
}

/** One configuration key: where it sits under `apsync`, values it must accept, values it must refuse. */
export interface ConfigKeyModel {
  path: readonly string[];
  /** As cdk.json or a JSON override would hold it. */
  valid: fc.Arbitrary<ValidValue>;
  /** As `-c apsync.<path>=<text>` passes it: always a string. */
  validText: fc.Arbitrary<ValidValue & { input: string }>;
  invalid: fc.Arbitrary<unknown>;
  /** Refused command-line strings. */
  invalidText: fc.Arbitrary<string>;
}

/** Values the parser must produce for keys that are not given. */
export const configurationDefaults = {
  netsuite: { concurrencyShare: 4, subsidiaries: [] as string[] },
  procurify: { departmentLocations: {} },
  paymentMode: 'push',
  schedules: {
    netsuitePollMinutes: 15,
    procurifyPollMinutes: 5,
    paidBillPullMinutes: 60,
    reconcileMinutes: 1440,
    reconcileEnabled: true,
    failureDigestMinutes: 1440,
  },
  retention: { logDays: 30, auditDays: 400, idempotencyDays: 7 },
  api: { rateLimit: 25, burstLimit: 50 },
  logLevel: 'INFO',
  settings: {},
} as const;

/** CloudWatch Logs' retention values (the AWS API reference), the only legal `retention.logDays`. */
const cloudWatchRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const same = (value: unknown): ValidValue => ({ input: value, parsed: value });

/** A whole number in [min, max], written as a number or as decimal text (cdk.json holds either). */
function integerKey(min: number, max: number) {
  const value = fc.integer({ min, max });
  return {
    valid: fc.oneof(
      value.map(same),
      value.map((n) => ({ input: String(n), parsed: n })),
    ),
    validText: value.map((n) => ({ input: String(n), parsed: n })),
  };
}

/**
 * Numbers outside [min, max], fractions, words, and what JavaScript would loosely read as a number:
 * `true`, one-element arrays such as `[15]`, texts such as `"0x10"` and `"1e2"`.
 */
function outOfRange(min: number, max: number, extra: readonly unknown[] = []) {
  const numbers = fc.oneof(
    fc.integer({ min: -1_000_000, max: min - 1 }),
    above(max),
    fc.double({ min, max: Math.min(max, 1e9), noNaN: true }).filter((n) => !Number.isInteger(n)),
  );
  const words = fc.oneof(
    fc.constantFrom('soon', 'hourly', 'NaN', 'one', '5 minutes', '1,5', '--1', '0x10', '1e2', '0b11'),
    fc.stringMatching(/^[a-z]{1,10}$/),
  );
  return {
    invalid: fc.oneof(
      numbers,
      numbers.map(String),
      words,
      fc.constantFrom({}, [1, 2], true, [15], ['15'], ...extra),
    ),
    invalidText: fc.oneof(numbers.map(String), words),
  };
}

/** Numbers over `max`; past the safe integers (zod's `int()` limit) when there is no other. */
function above(max: number): fc.Arbitrary<number> {
  return max >= Number.MAX_SAFE_INTEGER
    ? fc.constantFrom(2 ** 53 + 2, 1e20, 1e300)
    : fc.integer({ min: max + 1, max: Math.max(10_000_000, max * 10) });
}

/** Optional string keys: '' and null mean "not set". */
function optionalText(valid: fc.Arbitrary<string>) {
  const unset = fc.constantFrom({ input: '', parsed: undefined }, { input: null, parsed: undefined });
  return {
    valid: fc.oneof({ weight: 4, arbitrary: valid.map(same) }, { weight: 1, arbitrary: unset }),
    validText: fc.oneof(
      { weight: 4, arbitrary: valid.map((text) => ({ input: text, parsed: text })) },
      { weight: 1, arbitrary: fc.constant({ input: '', parsed: undefined }) },
    ),
  };
}

/** Invalid command-line texts; those starting with `{` or `[` (read as JSON) included. */
function invalidStrings(
  values: readonly string[],
  more: fc.Arbitrary<string> = fc.constant(values[0] ?? ''),
) {
  return fc.oneof(fc.constantFrom(...values, '[1,2', '{"a":'), more);
}

const hostName = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/), { minLength: 1, maxLength: 3 }),
    fc.stringMatching(/^[a-z]{2,6}$/),
  )
  .map(([labels, tld]) => `${labels.join('.')}.${tld}`);

const urlTail = fc.tuple(
  fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  fc.option(fc.stringMatching(/^(\/[a-z0-9_-]{1,8}){1,3}\/?$/), { nil: undefined }),
);

const emailAddress = fc
  .tuple(fc.stringMatching(/^[a-z0-9]([a-z0-9_+-]{0,10}[a-z0-9])?$/), hostName)
  .map(([local, host]) => `${local}@${host}`);

const configKeyList: ConfigKeyModel[] = [
  {
    path: ['prefix'],
    valid: fc.stringMatching(/^[a-z][a-z0-9-]{0,19}$/).map(same),
    validText: fc.stringMatching(/^[a-z][a-z0-9-]{0,19}$/).map((text) => ({ input: text, parsed: text })),
    invalid: fc.oneof(
      fc.constantFrom(
        '',
        'Apsync',
        '1apsync',
        '-apsync',
        'ap_sync',
        'ap sync',
        '\u00e4psync',
        'apsync\n',
        5,
        null,
        true,
      ),
      fc.integer({ min: 21, max: 40 }).map((n) => 'a'.repeat(n)),
    ),
    invalidText: invalidStrings(['', 'Apsync', '1apsync', '-apsync', 'ap_sync', 'ap sync', 'a'.repeat(21)]),
  },
  {
    path: ['netsuite', 'accountId'],
    ...optionalText(fc.stringMatching(/^[0-9A-Za-z_-]{1,24}$/)),
    invalid: fc.constantFrom('1234567 SB1', '1234567.SB1', '1234/567', '\u00e9t\u00e9', 1234567, true, {}),
    invalidText: invalidStrings(['1234567 SB1', '1234567.SB1', '1234/567', '\u00e9t\u00e9']),
  },
  {
    path: ['netsuite', 'baseUrl'],
    ...optionalText(
      fc
        .tuple(hostName, urlTail)
        .map(([host, [port, path]]) => `https://${host}${port === undefined ? '' : `:${port}`}${path ?? ''}`),
    ),
    invalid: fc.constantFrom(
      'http://1234567.suitetalk.api.netsuite.com',
      'ftp://example.com',
      'suitetalk.api.netsuite.com',
      'not a url',
      5,
      true,
    ),
    invalidText: invalidStrings(['http://1234567.suitetalk.api.netsuite.com', 'ftp://x.com', 'example.com']),
  },
  {
    path: ['netsuite', 'concurrencyShare'],
    ...integerKey(2, 1000),
    ...outOfRange(2, 1000, [null, '', true]),
  },
  {
    path: ['netsuite', 'subsidiaries'],
    valid: fc.oneof(
      fc
        .array(
          fc.oneof(
            fc.stringMatching(/^\d{1,6}$/).map(same),
            fc.integer({ min: 0, max: 999_999 }).map((n) => ({ input: n, parsed: String(n) })),
          ),
          { maxLength: 5 },
        )
        .map((items) => ({ input: items.map((i) => i.input), parsed: items.map((i) => i.parsed) })),
      subsidiaryText(),
    ),
    validText: subsidiaryText(),
    invalid: fc.constantFrom(
      [-1],
      ['abc'],
      ['1.5'],
      ['-1'],
      [1.5],
      ['1', 'x'],
      'a,b',
      '1;2',
      {},
      5,
      true,
      [[1]],
      [null],
    ),
    invalidText: invalidStrings(['a,b', '1;2', '1, x', '1.5', '-1']),
  },
  {
    path: ['netsuite', 'timeZone'],
    ...optionalText(fc.constantFrom('UTC', ...Intl.supportedValuesOf('timeZone'))),
    invalid: fc.constantFrom(
      'PST',
      'EST',
      '+08:00',
      '-0500',
      'UTC+25',
      'Pacific Time',
      'Atlantis/Nowhere',
      5,
      true,
    ),
    invalidText: invalidStrings(['PST', 'EST', '+08:00', 'UTC+25', 'Pacific Time', 'Atlantis/Nowhere']),
  },
  {
    path: ['netsuite', 'syncFlagField'],
    ...optionalText(fc.stringMatching(/^custentity_[a-z0-9_]{1,20}$/)),
    invalid: fc.constantFrom(
      'custbody_apsync',
      'custentity_',
      'CUSTENTITY_SYNC',
      'custentity_a-b',
      'custentity_\u00e9',
      5,
    ),
    invalidText: invalidStrings(['custbody_apsync', 'custentity_', 'CUSTENTITY_SYNC', 'custentity_a-b']),
  },
  {
    path: ['procurify', 'domain'],
    // The sub-domain only (`acme` for acme.procurify.com): shared/procurify/domain.ts.
    ...optionalText(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/)),
    invalid: fc.oneof(
      fc.constantFrom(
        'https://acme.procurify.com',
        'acme.procurify.com',
        'acme.procurify.com/x',
        '-acme',
        'acme-',
        'acme_corp',
        '\u00e1cme',
        'ac me',
        5,
      ),
      hostName,
    ),
    invalidText: invalidStrings(
      ['https://acme.procurify.com', 'acme.procurify.com', '-acme', 'ac me'],
      hostName,
    ),
  },
  {
    path: ['procurify', 'departmentLocationId'],
    ...integerKey(1, Number.MAX_SAFE_INTEGER),
    ...outOfRange(1, Number.MAX_SAFE_INTEGER),
  },
  {
    path: ['procurify', 'departmentLocations'],
    valid: fc.oneof(
      departmentLocationEntries().map((entries) => ({
        input: Object.fromEntries(
          entries.map(([subsidiary, location, asText]) => [subsidiary, asText ? String(location) : location]),
        ),
        parsed: Object.fromEntries(entries.map(([subsidiary, location]) => [subsidiary, location])),
      })),
      departmentLocationText(),
    ),
    validText: departmentLocationText(),
    invalid: fc.constantFrom(
      { a: 3 },
      { '1': 0 },
      { '1': -2 },
      { '1': 'x' },
      { '1': 1.5 },
      { '1': null },
      { '-1': 3 },
      '1:x',
      '1=3',
      '1:3,1:4',
      '1:3;2:4',
      'x',
      5,
      true,
      [1, 2],
    ),
    invalidText: invalidStrings(['1:x', '1=3', '1:3,1:4', '1:3;2:4', 'a:1', '1:0', ':3', '1:']),
  },
  {
    path: ['retryBaseSeconds'],
    ...integerKey(1, 900),
    ...outOfRange(1, 900),
  },
  {
    path: ['paymentMode'],
    valid: fc.constantFrom('push', 'pull').map(same),
    validText: fc.constantFrom('push', 'pull').map((text) => ({ input: text, parsed: text })),
    invalid: fc.constantFrom('PUSH', 'Pull', 'both', 'none', '', 1, null, true),
    invalidText: invalidStrings(['PUSH', 'Pull', 'both', 'none', '']),
  },
  ...(['netsuitePollMinutes', 'procurifyPollMinutes', 'paidBillPullMinutes'] as const).map(
    (key): ConfigKeyModel => ({
      path: ['schedules', key],
      ...integerKey(1, 1440),
      ...outOfRange(1, 1440, [null, '']),
    }),
  ),
  {
    path: ['alarmEmail'],
    ...optionalText(emailAddress),
    invalid: fc.constantFrom(
      'ops',
      'ops@',
      '@example.com',
      'o ps@example.com',
      'ops@example',
      'ops@@example.com',
      5,
    ),
    invalidText: invalidStrings(['ops', 'ops@', '@example.com', 'o ps@example.com', 'ops@example']),
  },
  {
    path: ['retention', 'logDays'],
    valid: fc.oneof(
      fc.constantFrom(...cloudWatchRetentionDays).map(same),
      fc.constantFrom(...cloudWatchRetentionDays).map((n) => ({ input: String(n), parsed: n })),
    ),
    validText: fc.constantFrom(...cloudWatchRetentionDays).map((n) => ({ input: String(n), parsed: n })),
    invalid: fc.oneof(
      fc.integer({ min: -10, max: 4000 }).filter((n) => !cloudWatchRetentionDays.includes(n)),
      fc.constantFrom('month', 30.5, '', null, {}),
    ),
    invalidText: fc
      .integer({ min: -10, max: 4000 })
      .filter((n) => !cloudWatchRetentionDays.includes(n))
      .map(String),
  },
  { path: ['retention', 'auditDays'], ...integerKey(1, 3650), ...outOfRange(1, 3650) },
  { path: ['retention', 'idempotencyDays'], ...integerKey(1, 90), ...outOfRange(1, 90) },
  { path: ['api', 'rateLimit'], ...integerKey(1, 10_000), ...outOfRange(1, 10_000) },
  { path: ['api', 'burstLimit'], ...integerKey(1, 5000), ...outOfRange(1, 5000) },
  {
    path: ['logLevel'],
    valid: fc.constantFrom('DEBUG', 'INFO', 'WARN', 'ERROR').map(same),
    validText: fc
      .constantFrom('DEBUG', 'INFO', 'WARN', 'ERROR')
      .map((text) => ({ input: text, parsed: text })),
    invalid: fc.constantFrom('debug', 'Info', 'TRACE', 'WARNING', '', 1, null),
    invalidText: invalidStrings(['debug', 'Info', 'TRACE', 'WARNING', '']),
  },
];

/** Printed by fast-check as their key name in counterexamples, not as a dump of their generators. */
export const configKeys: readonly ConfigKeyModel[] = configKeyList.map((key) =>
  Object.assign(key, { [fc.toStringMethod]: () => `apsync.${key.path.join('.')}` }),
);

/** Distinct subsidiary ids with a location id each (written as a number or as digits). */
function departmentLocationEntries() {
  return fc.uniqueArray(
    fc.tuple(fc.stringMatching(/^[1-9]\d{0,5}$/), fc.integer({ min: 1, max: 999_999 }), fc.boolean()),
    { maxLength: 4, selector: ([subsidiary]) => subsidiary },
  );
}

/** `1:3, 2:5` (the environment and command-line form): spaces around the parts allowed. */
function departmentLocationText(): fc.Arbitrary<ValidValue & { input: string }> {
  return departmentLocationEntries().chain((entries) =>
    fc.constantFrom(',', ', ', ' , ').map((separator) => ({
      input: entries.map(([subsidiary, location]) => `${subsidiary}:${location}`).join(separator),
      parsed: Object.fromEntries(entries.map(([subsidiary, location]) => [subsidiary, location])),
    })),
  );
}

/** `1, 3,,7` from the command line: trimmed, empty parts dropped. */
function subsidiaryText(): fc.Arbitrary<ValidValue & { input: string }> {
  return fc
    .array(fc.tuple(fc.stringMatching(/^\d{1,6}$/), fc.constantFrom('', ' ', '  ')), { maxLength: 5 })
    .chain((parts) =>
      fc.constantFrom(',', ', ', ',,').map((separator) => ({
        input: parts.map(([id, space]) => `${space}${id}${space}`).join(separator),
        parsed: parts.map(([id]) => id),
      })),
    );
}

/** The object groups of the configuration, where unknown keys are refused too. */
export const configGroups = ['', 'netsuite', 'procurify', 'schedules', 'retention', 'api'] as const;

/**
 * Key names no group has. `__proto__` cannot be set as an own key by assignment (the generators build
 * objects that way); it has its own test through readConfiguration.
 */
export const unknownConfigKeyName = fc
  .oneof(
    fc.constantFrom(
      'constructor',
      'prototype',
      'toString',
      'Prefix',
      'paymentmode',
      'accountID',
      'logdays',
      'extra',
    ),
    fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/),
  )
  .filter((key) => !knownConfigKeyNames.has(key));

const knownConfigKeyNames = new Set([...configKeyList.flatMap((key) => key.path), ...configGroups]);

/** A subset of keys, each with a valid value: the nested input object and the parsed configuration. */
export function validConfiguration(form: 'json' | 'text' = 'json'): fc.Arbitrary<{
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
  given: ConfigKeyModel[];
}> {
  const [prefixKey, ...others] = configKeyList;
  return fc
    .tuple(
      (form === 'json' ? prefixKey!.valid : prefixKey!.validText).map((value) => ({
        key: prefixKey!,
        value,
      })),
      fc
        .subarray(others)
        .chain((keys) =>
          fc.tuple(
            ...keys.map((key) =>
              (form === 'json' ? key.valid : key.validText).map((value) => ({ key, value })),
            ),
          ),
        ),
    )
    .map(([prefix, rest]) => {
      const chosen = [prefix, ...rest];
      const input: Record<string, unknown> = {};
      const expected: Record<string, unknown> = structuredClone(configurationDefaults) as Record<
        string,
        unknown
      >;
      for (const { key, value } of chosen) {
        setIn(input, key.path, value.input);
        setIn(expected, key.path, value.parsed);
      }
      return { input, expected, given: chosen.map(({ key }) => key) };
    });
}

export function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
}

/** One function setting (an environment variable read by readSettings). */
export interface SettingModel {
  variable: string;
  /** The field of readSettings' answer. */
  field: string;
  fallback: unknown;
  valid: fc.Arbitrary<{ text: string; parsed: unknown }>;
  invalid: fc.Arbitrary<string>;
}

const settingNumber = (min: number, max: number, integer: boolean) =>
  (integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }))
    .map((n) => (integer ? String(n) : n.toFixed(6)))
    .filter((text) => Number(text) >= min && Number(text) <= max && !Object.is(Number(text), -0))
    .map((text) => ({ text, parsed: Number(text) }));

/** Plainly wrong texts for a number setting: out of range, not a number, or not decimal digits. */
const badNumberText = (min: number, max: number, integer: boolean) =>
  fc.oneof(
    fc.integer({ min: -100_000, max: min - 1 }).map(String),
    above(max).map(String),
    ...(integer
      ? [
          fc
            .double({ min, max, noNaN: true })
            .filter((n) => !Number.isInteger(n))
            .map(String),
        ]
      : []),
    fc.constantFrom(
      'soon',
      'NaN',
      'Infinity',
      '-Infinity',
      'ten',
      '1,5',
      '--1',
      '0x10',
      '0b11',
      '1e1',
      'true',
      '[15]',
    ),
  );

/** URLs a base URL setting must refuse: not URLs, or not http(s). */
const badUrlText = fc.constantFrom(
  'javascript:alert(1)',
  'ftp://x',
  'file:///etc/passwd',
  'mailto:a@b.c',
  'localhost:3000',
  'not a url',
  'example.com',
  '//example.com',
  'http//example.com',
  '::',
  '/netsuite',
);

const baseUrl = fc
  .tuple(fc.constantFrom('http', 'https'), hostName, urlTail)
  .map(
    ([scheme, host, [port, path]]) =>
      `${scheme}://${host}${port === undefined ? '' : `:${port}`}${path ?? ''}`,
  )
  .map((text) => ({ text, parsed: text }));

const settingModelList: SettingModel[] = [
  {
    variable: settingNames.netsuiteBaseUrl,
    field: 'netsuiteBaseUrl',
    fallback: undefined,
    valid: baseUrl,
    invalid: badUrlText,
  },
  {
    variable: settingNames.procurifyBaseUrl,
    field: 'procurifyBaseUrl',
    fallback: undefined,
    valid: baseUrl,
    invalid: badUrlText,
  },
  {
    variable: settingNames.netsuiteRequestTimeoutSeconds,
    field: 'netsuiteRequestTimeoutSeconds',
    fallback: 20,
    valid: settingNumber(1, 900, true),
    invalid: badNumberText(1, 900, true),
  },
  {
    variable: settingNames.auditRetentionDays,
    field: 'auditRetentionDays',
    fallback: 400,
    valid: settingNumber(1, 3650, true),
    invalid: badNumberText(1, 3650, true),
  },
  {
    variable: settingNames.idempotencyRetentionDays,
    field: 'idempotencyRetentionDays',
    fallback: 7,
    valid: settingNumber(1, 365, true),
    invalid: badNumberText(1, 365, true),
  },
  {
    variable: settingNames.netsuiteConcurrencyShare,
    field: 'netsuiteConcurrencyShare',
    fallback: 2,
    valid: settingNumber(1, 100, true),
    invalid: badNumberText(1, 100, true),
  },
  {
    variable: settingNames.vendorSyncFlagField,
    field: 'vendorSyncFlagField',
    fallback: undefined,
    valid: fc.stringMatching(/^custentity_[a-z0-9_]{1,20}$/).map((text) => ({ text, parsed: text })),
    invalid: fc.constantFrom('custbody_apsync', 'custentity_', 'CUSTENTITY_SYNC', 'custentity_a-b', 'sync'),
  },
  {
    variable: settingNames.departmentLocationId,
    field: 'departmentLocationId',
    fallback: undefined,
    valid: settingNumber(1, Number.MAX_SAFE_INTEGER, true),
    invalid: badNumberText(1, Number.MAX_SAFE_INTEGER, true),
  },
  {
    variable: settingNames.departmentLocations,
    field: 'departmentLocations',
    fallback: {},
    valid: departmentLocationText().map(({ input, parsed }) => ({ text: input, parsed })),
    invalid: fc.constantFrom('1:x', '1=3', '1:3,1:4', '1:3;2:4', 'a:1', '1:0', ':3', '1:', '{"1":3}', 'true'),
  },
  {
    variable: settingNames.retryBaseSeconds,
    field: 'retryBaseSeconds',
    fallback: 10,
    valid: settingNumber(0, 900, false),
    invalid: badNumberText(0, 900, false),
  },
  {
    variable: settingNames.pollOverlapMinutes,
    field: 'pollOverlapMinutes',
    fallback: 10,
    valid: settingNumber(0, 1440, false),
    invalid: badNumberText(0, 1440, false),
  },
  {
    variable: settingNames.netsuiteTimeZone,
    field: 'netsuiteTimeZone',
    fallback: 'UTC',
    valid: fc
      .constantFrom('UTC', ...Intl.supportedValuesOf('timeZone'))
      .map((text) => ({ text, parsed: text })),
    invalid: fc.oneof(
      fc.constantFrom('Mars', 'America/Vancouverx', 'UTC+25', 'Pacific Time', 'PST', 'EST', '+08:00'),
      fc.stringMatching(/^[A-Z][a-z]{2,10}$/).map((city) => `Atlantis/${city}`),
    ),
  },
  {
    variable: settingNames.reconcileScheduleEnabled,
    field: 'reconcileScheduleEnabled',
    fallback: true,
    valid: fc.constantFrom('true', 'false').map((text) => ({ text, parsed: text === 'true' })),
    invalid: fc.oneof(
      fc.constantFrom('TRUE', 'yes', 'on', 'off', '1', '0', ' true'),
      fc.stringMatching(/^[a-z]{1,8}$/).filter((text) => text !== 'true' && text !== 'false'),
    ),
  },
  {
    variable: settingNames.initialSettings,
    field: 'initialSettings',
    fallback: {},
    valid: fc
      .dictionary(fc.constantFrom('bills.mode', 'bills.manualField', 'schedules.netsuitePoll'), fc.string())
      .map((values) => ({ text: JSON.stringify(values), parsed: values })),
    invalid: fc.constantFrom('[]', 'null', '1', '"bills"', '{', 'bills.mode=manual'),
  },
];

/** Printed by fast-check as their variable name in counterexamples. */
export const settingModels: readonly SettingModel[] = settingModelList.map((model) =>
  Object.assign(model, { [fc.toStringMethod]: () => model.variable }),
);

// ---------------------------------------------------------------------------------------------------
// NetSuite master records (vendors, GL accounts, departments) as a NetSuite user enters them
// ---------------------------------------------------------------------------------------------------

/** Record-API bodies of master records; references point at the ids the runner seeded. */
export interface MasterRecordDrafts {
  vendors: Array<Record<string, unknown>>;
  accounts: Array<Record<string, unknown>>;
  departments: Array<Record<string, unknown>>;
}

/** Ids the drafts may reference (seeded beforehand by the runner). */
export interface MasterRecordRefs {
  currencies: readonly string[];
  subsidiaries: readonly string[];
  terms: readonly string[];
}

/** Text as users type it: letters, digits, spaces, punctuation, accents; sometimes long. */
const userText = (maxLength: number) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength }),
    fc.stringMatching(/^[A-Za-z0-9 .,&'()/-]{1,40}$/).map((text) => text.slice(0, maxLength)),
    fc.constantFrom('Café Nørd', 'Ünïcødé Ltd', '  padded  ', 'x'.repeat(maxLength)),
  );

const phoneText = fc.oneof(
  fc.stringMatching(/^\+?[0-9 ()-]{7,18}$/),
  // Longer than Procurify's 20 characters: cut, with a note.
  fc.stringMatching(/^[0-9 ]{21,30}$/),
  fc.constant('   '),
);

const emailText = fc.oneof(
  fc.emailAddress(),
  fc.tuple(fc.emailAddress(), fc.emailAddress()).map(([a, b]) => `${a}, ${b}`),
  fc.constantFrom('not-an-email', 'ap@', 'a@b.c; billing@example.com'),
);

const optionalField = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const addressDraft = fc.record(
  {
    addressee: userText(40),
    addr1: userText(60),
    addr2: userText(60),
    city: userText(30),
    state: fc.constantFrom('WA', 'BC', 'ON', 'CA', 'NY'),
    zip: fc.stringMatching(/^[A-Z0-9 ]{3,10}$/),
    country: fc.constantFrom('US', 'CA', 'GB'),
  },
  { requiredKeys: [] },
);

const addressBookDraft = fc.array(
  fc.record({
    defaultBilling: fc.boolean(),
    defaultShipping: fc.boolean(),
    addressBookAddress: addressDraft,
  }),
  { maxLength: 3 },
);

/** Drops the keys whose value is undefined (the record API refuses none, but the body stays minimal). */
const defined = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));

export function masterRecordDrafts(refs: MasterRecordRefs): fc.Arbitrary<MasterRecordDrafts> {
  const reference = (ids: readonly string[]) => optionalField(fc.constantFrom(...ids).map((id) => ({ id })));
  const subsidiaryList = fc
    .subarray([...refs.subsidiaries])
    .map((ids) => ({ items: ids.map((id) => ({ id })) }));
  const vendor = fc
    .record({
      entityId: fc.stringMatching(/^V-[0-9]{1,6}$/),
      companyName: optionalField(userText(160)),
      firstName: optionalField(userText(30)),
      lastName: optionalField(userText(30)),
      isPerson: optionalField(fc.boolean()),
      email: optionalField(emailText),
      phone: optionalField(phoneText),
      altPhone: optionalField(phoneText),
      mobilePhone: optionalField(phoneText),
      fax: optionalField(phoneText),
      url: optionalField(fc.webUrl()),
      isInactive: optionalField(fc.boolean()),
      currency: reference(refs.currencies),
      subsidiary: reference(refs.subsidiaries),
      terms: reference(refs.terms),
      addressBook: addressBookDraft.map((items) => ({ items })),
    })
    .map(defined);
  const account = fc
    .record({
      acctNumber: optionalField(
        fc.oneof(fc.stringMatching(/^[0-9]{3,6}(-[0-9]{1,3})?$/), fc.constant('9'.repeat(55))),
      ),
      acctName: userText(220),
      acctType: fc.constantFrom(
        'Bank',
        'AcctPay',
        'Expense',
        'OthExpense',
        'COGS',
        'Income',
        'Equity',
        'FixedAsset',
      ),
      isInactive: optionalField(fc.boolean()),
      subsidiary: subsidiaryList,
    })
    .map(defined);
  const department = fc
    .record({
      name: userText(160),
      isInactive: optionalField(fc.boolean()),
      subsidiary: subsidiaryList,
    })
    .map(defined);
  return fc.record({
    vendors: fc.array(vendor, { minLength: 1, maxLength: 4 }),
    accounts: fc.array(account, { minLength: 1, maxLength: 3 }),
    departments: fc.array(department, { minLength: 1, maxLength: 3 }),
  });
}
