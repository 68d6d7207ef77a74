// Signs record-event notices the way NetSuite's user-event script does (Standard Webhooks), for tests
// and benchmarks that post to the webhook endpoint.
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { RecordEventNotice } from '../../shared/events/record-event-notice.ts';

export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export function sampleNotice(overrides: Partial<RecordEventNotice> = {}): RecordEventNotice {
  return {
    eventId: `evt_${randomUUID()}`,
    accountId: '1234567_SB1',
    recordType: 'vendor',
    recordId: '101',
    eventType: 'edit',
    lastModified: new Date().toISOString(),
    ...overrides,
  };
}

export function signedHeaders(
  secret: string,
  eventId: string,
  body: string,
  at: Date = new Date(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, at, body),
  };
}
