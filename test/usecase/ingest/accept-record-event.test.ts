// The webhook-ingest use case (shared/ingest/accept-record-event.ts) over an in-memory enqueue-once and
// queue: a signed notice is queued once; every refusal (size, content type, headers, signature, stale
// time, JSON, schema, id mismatch) and every unavailability (no secret, a send in progress, an outage)
// is answered without queuing anything; a bug is thrown.
import { beforeEach, describe, expect, it } from 'vitest';
import { BugError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { acceptRecordEvent, maxNoticeBytes } from '../../../shared/ingest/accept-record-event.ts';
import { InMemoryEnqueueOnce } from '../../support/in-memory/enqueue-once.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { newSigningSecret, sampleNotice, signedHeaders } from '../../support/webhook-signing.ts';

const secret = newSigningSecret();
const previousSecret = newSigningSecret();
const receivedAt = new Date('2026-11-02T09:00:00.000Z');
let queue: InMemoryQueue<InboundMessage>;
let secrets: string[];
let deps: Parameters<typeof acceptRecordEvent>[1];

beforeEach(() => {
  queue = new InMemoryQueue();
  secrets = [secret];
  deps = {
    signingSecrets: async () => secrets,
    enqueueOnce: new InMemoryEnqueueOnce(queue).enqueueOnce,
    now: () => receivedAt,
  };
});

function request(body: string, headers: Record<string, string | undefined>) {
  return { rawBody: Buffer.from(body), headers };
}

function signed(notice: object & { eventId: string }, key = secret, at = new Date()) {
  const body = JSON.stringify(notice);
  return request(body, signedHeaders(key, notice.eventId, body, at));
}

describe('acceptRecordEvent', () => {
  it('queues a signed notice once and answers a repeat as a duplicate', async () => {
    const notice = sampleNotice({ recordType: 'vendor', lastModified: '2026-11-02T08:59:00Z' });
    expect(await acceptRecordEvent(signed(notice), deps)).toEqual({
      kind: 'accepted',
      eventId: notice.eventId,
      duplicate: false,
    });
    expect(queue.bodies()).toEqual([
      {
        kind: 'record-event',
        origin: 'webhook',
        eventId: notice.eventId,
        recordType: 'vendor',
        recordId: '101',
        eventType: 'edit',
        lastModified: '2026-11-02T08:59:00Z',
        receivedAt: receivedAt.toISOString(),
      },
    ]);
    expect(await acceptRecordEvent(signed(notice), deps)).toMatchObject({
      kind: 'accepted',
      duplicate: true,
    });
    expect(queue.sent).toHaveLength(1);
  });

  it('accepts a notice signed with the previous secret during a rotation', async () => {
    secrets = [secret, previousSecret];
    const notice = sampleNotice();
    expect(await acceptRecordEvent(signed(notice, previousSecret), deps)).toMatchObject({ kind: 'accepted' });
  });

  it.each([
    ['a body over the limit', request('x'.repeat(maxNoticeBytes + 1), {}), 413, 'body_too_large'],
    ['no content type', request('{}', {}), 415, 'unsupported_content_type'],
    ['a text body', request('{}', { 'content-type': 'text/plain' }), 415, 'unsupported_content_type'],
    [
      'no signature headers',
      request('{}', { 'content-type': 'application/json; charset=utf-8' }),
      401,
      'missing_signature',
    ],
  ] as const)('refuses %s', async (_what, req, status, reason) => {
    expect(await acceptRecordEvent(req, deps)).toMatchObject({ kind: 'refused', status, reason });
    expect(queue.sent).toEqual([]);
  });

  it('names each missing signature header', async () => {
    const notice = sampleNotice();
    const { rawBody, headers } = signed(notice);
    const outcome = await acceptRecordEvent(
      { rawBody, headers: { ...headers, 'webhook-signature': undefined, 'webhook-timestamp': '' } },
      deps,
    );
    expect(outcome).toEqual({
      kind: 'refused',
      status: 401,
      reason: 'missing_signature',
      message: 'missing header(s): webhook-timestamp, webhook-signature',
    });
  });

  it('refuses a signature no current secret made, a stale time and a time that is not a number', async () => {
    const notice = sampleNotice();
    secrets = [secret, previousSecret];
    expect(await acceptRecordEvent(signed(notice, newSigningSecret()), deps)).toMatchObject({
      status: 401,
      reason: 'bad_signature',
      message: 'webhook-signature does not match the body with any current signing secret',
    });
    expect(
      await acceptRecordEvent(signed(notice, secret, new Date(Date.now() - 10 * 60_000)), deps),
    ).toMatchObject({
      status: 401,
      reason: 'stale_timestamp',
    });
    expect(
      await acceptRecordEvent(signed(notice, secret, new Date(Date.now() + 10 * 60_000)), deps),
    ).toMatchObject({
      reason: 'stale_timestamp',
    });
    const { rawBody, headers } = signed(notice);
    expect(
      await acceptRecordEvent({ rawBody, headers: { ...headers, 'webhook-timestamp': 'yesterday' } }, deps),
    ).toEqual({
      kind: 'refused',
      status: 401,
      reason: 'bad_signature',
      message: 'webhook-timestamp is not a unix time in seconds',
    });
    expect(queue.sent).toEqual([]);
  });

  it('refuses a body that is not JSON, a notice that breaks the schema and an event id unlike the header', async () => {
    const eventId = 'evt_1';
    const body = '{"eventId":';
    expect(await acceptRecordEvent(request(body, signedHeaders(secret, eventId, body)), deps)).toMatchObject({
      status: 400,
      reason: 'invalid_json',
      message: expect.stringMatching(/^body is not valid JSON: /),
    });
    const bad = JSON.stringify({ ...sampleNotice({ eventId }), recordId: 'V-1' });
    expect(await acceptRecordEvent(request(bad, signedHeaders(secret, eventId, bad)), deps)).toEqual({
      kind: 'refused',
      status: 400,
      reason: 'schema_violation',
      message: 'notice is invalid: recordId: must be a NetSuite internal id (digits)',
    });
    const other = JSON.stringify(sampleNotice({ eventId: 'evt_2' }));
    expect(await acceptRecordEvent(request(other, signedHeaders(secret, eventId, other)), deps)).toEqual({
      kind: 'refused',
      status: 400,
      reason: 'schema_violation',
      message: 'eventId must equal the webhook-id header (evt_1)',
    });
    expect(queue.sent).toEqual([]);
  });

  it('answers 503 without a signing secret, while the same notice is being queued, and during an outage', async () => {
    const notice = sampleNotice();
    secrets = [];
    expect(await acceptRecordEvent(signed(notice), deps)).toEqual({
      kind: 'unavailable',
      status: 503,
      reason: 'not_configured',
      message: 'no webhook signing secret is configured',
    });
    secrets = [secret];

    queue.faults.failNext('send');
    expect(await acceptRecordEvent(signed(notice), deps)).toMatchObject({
      status: 503,
      reason: 'dependency_unavailable',
      message: 'notice not queued, retry later: sqs: send unavailable',
    });

    // Two deliveries of one notice at once: the second is told to retry, the first queues it.
    const [first, second] = await Promise.all([
      acceptRecordEvent(signed(notice), deps),
      acceptRecordEvent(signed(notice), deps),
    ]);
    expect(first).toMatchObject({ kind: 'accepted', duplicate: false });
    expect(second).toMatchObject({ kind: 'unavailable', status: 503, reason: 'in_progress' });
    expect(queue.sent).toHaveLength(1);
  });

  it('throws what is a bug, not the sender’s fault', async () => {
    queue.faults.failNext('send', new BugError('sqs: QueueDoesNotExist'));
    await expect(acceptRecordEvent(signed(sampleNotice()), deps)).rejects.toBeInstanceOf(BugError);
  });

  it('throws on a signing secret that is not a secret (a configuration bug), never refusing the sender', async () => {
    secrets = ['whsec_###'];
    await expect(acceptRecordEvent(signed(sampleNotice()), deps)).rejects.toThrow('incorrect padding');
    expect(queue.sent).toEqual([]);
  });
});
