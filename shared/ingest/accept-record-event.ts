// Use case behind the webhook-ingest Lambda: verify a signed record-event notice on its raw
// body, validate it, and queue it exactly once. Returns an outcome the handler maps to HTTP; never throws
// for anything the sender did wrong.
import type { Context } from 'aws-lambda';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { classOf, type SyncError } from '../errors.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import {
  describeIssues,
  type RecordEventNotice,
  recordEventNoticeSchema,
} from '../events/record-event-notice.ts';

/** API Gateway's payload limit is 10 MB; a notice is a few hundred bytes, so anything over this is abuse. */
export const maxNoticeBytes = 256 * 1024;

export type RefusalReason =
  | 'body_too_large'
  | 'unsupported_content_type'
  | 'missing_signature'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'invalid_json'
  | 'schema_violation';

export type IngestOutcome =
  | { kind: 'accepted'; eventId: string; duplicate: boolean }
  | { kind: 'refused'; status: 400 | 401 | 413 | 415; reason: RefusalReason; message: string }
  | {
      kind: 'unavailable';
      status: 503;
      /** `in_progress`: the same notice is being queued by another request right now (a sender retry). */
      reason: 'in_progress' | 'dependency_unavailable' | 'not_configured';
      message: string;
    };

export interface RecordEventRequest {
  /** The body exactly as received (after base64 decoding when API Gateway flagged it). */
  rawBody: Buffer;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
}

export interface AcceptRecordEventDependencies {
  /** Signing secrets that are currently valid: the current one first, then the previous one if any. */
  signingSecrets(): Promise<readonly string[]>;
  /**
   * Queues the message unless a message with the same event id was already queued; resolves
   * `duplicate: true` in that case. Throws a transient error when the queue or the table is unavailable.
   */
  enqueueOnce(message: InboundMessage): Promise<{ duplicate: boolean }>;
  now(): Date;
  /** Called with each invocation's Lambda context before the notice is handled (idempotency timeouts). */
  beginInvocation?(context: Context): void;
}

export async function acceptRecordEvent(
  request: RecordEventRequest,
  deps: AcceptRecordEventDependencies,
): Promise<IngestOutcome> {
  if (request.rawBody.length > maxNoticeBytes) {
    return refuse(
      413,
      'body_too_large',
      `body is ${request.rawBody.length} bytes; the limit is ${maxNoticeBytes}`,
    );
  }
  const contentType = request.headers['content-type'];
  if (!isJsonContentType(contentType)) {
    return refuse(
      415,
      'unsupported_content_type',
      `content-type must be application/json, got ${contentType ?? 'none'}`,
    );
  }

  const signatureFailure = await verifySignature(request, await deps.signingSecrets());
  if (signatureFailure !== undefined) return signatureFailure;

  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString('utf8'));
  } catch (error) {
    return refuse(400, 'invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = recordEventNoticeSchema.safeParse(json);
  if (!parsed.success)
    return refuse(400, 'schema_violation', `notice is invalid: ${describeIssues(parsed.error)}`);
  const notice = parsed.data;
  const webhookId = request.headers['webhook-id'];
  if (webhookId !== notice.eventId) {
    return refuse(400, 'schema_violation', `eventId must equal the webhook-id header (${webhookId})`);
  }

  try {
    const { duplicate } = await deps.enqueueOnce(toInboundMessage(notice, deps.now()));
    return { kind: 'accepted', eventId: notice.eventId, duplicate };
  } catch (error) {
    if (classOf(error) === 'transient') {
      return {
        kind: 'unavailable',
        status: 503,
        reason: (error as SyncError).code === 'IN_PROGRESS' ? 'in_progress' : 'dependency_unavailable',
        message: `notice not queued, retry later: ${(error as Error).message}`,
      };
    }
    throw error;
  }
}

export function toInboundMessage(notice: RecordEventNotice, receivedAt: Date): InboundMessage {
  return {
    kind: 'record-event',
    origin: 'webhook',
    eventId: notice.eventId,
    recordType: notice.recordType,
    recordId: notice.recordId,
    eventType: notice.eventType,
    lastModified: notice.lastModified,
    receivedAt: receivedAt.toISOString(),
  };
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const mediaType = value.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/** Standard Webhooks verification against each valid secret; undefined when one of them matches. */
async function verifySignature(
  request: RecordEventRequest,
  secrets: readonly string[],
): Promise<IngestOutcome | undefined> {
  const headers = {
    'webhook-id': request.headers['webhook-id'] ?? '',
    'webhook-timestamp': request.headers['webhook-timestamp'] ?? '',
    'webhook-signature': request.headers['webhook-signature'] ?? '',
  };
  const missing = Object.entries(headers)
    .filter(([, value]) => value === '')
    .map(([name]) => name);
  if (missing.length > 0) return refuse(401, 'missing_signature', `missing header(s): ${missing.join(', ')}`);
  if (secrets.length === 0) {
    return {
      kind: 'unavailable',
      status: 503,
      reason: 'not_configured',
      message: 'no webhook signing secret is configured',
    };
  }
  let lastMessage = 'No matching signature found';
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(request.rawBody, headers, { jsonParse: false });
      return undefined;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      lastMessage = error.message;
      // A timestamp problem is the same for every secret: stop there.
      if (/timestamp|Invalid Signature Headers/i.test(error.message)) break;
    }
  }
  if (/timestamp too (old|new)/i.test(lastMessage)) {
    return refuse(
      401,
      'stale_timestamp',
      `webhook-timestamp is more than 5 minutes from now (${lastMessage})`,
    );
  }
  if (/Invalid Signature Headers/i.test(lastMessage)) {
    return refuse(401, 'bad_signature', 'webhook-timestamp is not a unix time in seconds');
  }
  return refuse(
    401,
    'bad_signature',
    'webhook-signature does not match the body with any current signing secret',
  );
}

function refuse(status: 400 | 401 | 413 | 415, reason: RefusalReason, message: string): IngestOutcome {
  return { kind: 'refused', status, reason, message };
}
