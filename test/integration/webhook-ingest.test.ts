// webhook-ingest end to end on one machine: real HTTP into the API Gateway front, the real handler,
// Secrets Manager, DynamoDB (idempotency) and SQS emulators through the AWS SDK. Nothing is mocked.
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeWebhookIngest } from '../../functions/webhook-ingest/compose.ts';
import { createWebhookIngestHandler } from '../../functions/webhook-ingest/handler.ts';
import { type AwsEmulators, applyToProcessEnv, startAwsEmulators } from '../../infra/local/aws/index.ts';
import { startHttpApi } from '../../infra/local/http-api.ts';
import type { RunningServer } from '../../infra/sandboxes/http-server.ts';
import { inboundMessageSchema } from '../../shared/events/inbound-message.ts';
import { newSigningSecret, sampleNotice, signedHeaders } from '../support/webhook-signing.ts';

let aws: AwsEmulators;
let api: RunningServer;
let sqs: SQSClient;
const oldSecret = newSigningSecret();
const currentSecret = newSigningSecret();

beforeAll(async () => {
  aws = await startAwsEmulators();
  applyToProcessEnv(aws.env);
  const secrets = new SecretsManagerClient(aws.clientConfig('secretsManager'));
  // Create-or-update: the emulator may have created the secret already (the stack creates it empty).
  try {
    await secrets.send(
      new CreateSecretCommand({
        Name: aws.names.secrets.webhook,
        SecretString: JSON.stringify({ current: oldSecret }),
      }),
    );
  } catch {
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: aws.names.secrets.webhook,
        SecretString: JSON.stringify({ current: oldSecret }),
      }),
    );
  }
  // Rotation: the old secret becomes "previous", and both verify.
  await secrets.send(
    new PutSecretValueCommand({
      SecretId: aws.names.secrets.webhook,
      SecretString: JSON.stringify({ current: currentSecret, previous: oldSecret }),
    }),
  );
  const handler = createWebhookIngestHandler(composeWebhookIngest(aws.env));
  api = await startHttpApi([
    { method: 'POST', path: '/netsuite/events', functionName: 'webhook-ingest', handler },
  ]);
  sqs = new SQSClient(aws.clientConfig('sqs'));
});

afterAll(async () => {
  await api?.close();
  await aws?.stop();
});

async function post(body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${api.url}/netsuite/events`, { method: 'POST', body, headers });
  return {
    status: response.status,
    json: (await response.json()) as { error?: string; message?: string; status?: string; eventId?: string },
  };
}

/** Drains the inbound queue and returns the messages (bodies parsed). */
async function drainInbound(): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queueUrls.inbound,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) return bodies;
    for (const message of messages) {
      bodies.push(JSON.parse(message.Body ?? 'null'));
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: aws.queueUrls.inbound, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

describe('webhook-ingest', () => {
  it('accepts a signed notice, answers 202 with the event id and queues one inbound message', async () => {
    const notice = sampleNotice({ recordId: '4242' });
    const body = JSON.stringify(notice);
    const answer = await post(body, signedHeaders(currentSecret, notice.eventId, body));
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ status: 'accepted', eventId: notice.eventId });
    const messages = await drainInbound();
    expect(messages).toHaveLength(1);
    const message = inboundMessageSchema.parse(messages[0]);
    expect(message).toMatchObject({
      origin: 'webhook',
      eventId: notice.eventId,
      recordType: 'vendor',
      recordId: '4242',
    });
  });

  it('answers a duplicate delivery 202 again without a second message', async () => {
    const notice = sampleNotice();
    const body = JSON.stringify(notice);
    const first = await post(body, signedHeaders(currentSecret, notice.eventId, body));
    const second = await post(body, signedHeaders(currentSecret, notice.eventId, body));
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.json.status).toBe('duplicate');
    expect(await drainInbound()).toHaveLength(1);
  });

  it('accepts the previous secret during a rotation', async () => {
    const notice = sampleNotice();
    const body = JSON.stringify(notice);
    expect((await post(body, signedHeaders(oldSecret, notice.eventId, body))).status).toBe(202);
    expect(await drainInbound()).toHaveLength(1);
  });

  const refusals: Array<
    [string, () => { body: string | Buffer; headers: Record<string, string> }, number, RegExp]
  > = [
    [
      'a tampered body',
      () => {
        const notice = sampleNotice();
        const body = JSON.stringify(notice);
        return {
          body: body.replace('"101"', '"102"'),
          headers: signedHeaders(currentSecret, notice.eventId, body),
        };
      },
      401,
      /does not match/,
    ],
    [
      'an unsigned request',
      () => ({ body: JSON.stringify(sampleNotice()), headers: { 'content-type': 'application/json' } }),
      401,
      /missing header\(s\): webhook-id, webhook-timestamp, webhook-signature/,
    ],
    [
      'a signature made with an unknown secret',
      () => {
        const notice = sampleNotice();
        const body = JSON.stringify(notice);
        return { body, headers: signedHeaders(newSigningSecret(), notice.eventId, body) };
      },
      401,
      /does not match/,
    ],
    [
      'a stale timestamp (10 minutes old)',
      () => {
        const notice = sampleNotice();
        const body = JSON.stringify(notice);
        return {
          body,
          headers: signedHeaders(currentSecret, notice.eventId, body, new Date(Date.now() - 600_000)),
        };
      },
      401,
      /more than 5 minutes/,
    ],
    [
      'a timestamp 10 minutes in the future',
      () => {
        const notice = sampleNotice();
        const body = JSON.stringify(notice);
        return {
          body,
          headers: signedHeaders(currentSecret, notice.eventId, body, new Date(Date.now() + 600_000)),
        };
      },
      401,
      /more than 5 minutes/,
    ],
    [
      'a wrong content type',
      () => {
        const notice = sampleNotice();
        const body = JSON.stringify(notice);
        return {
          body,
          headers: { ...signedHeaders(currentSecret, notice.eventId, body), 'content-type': 'text/plain' },
        };
      },
      415,
      /content-type must be application\/json, got text\/plain/,
    ],
    [
      'a signed body that is not JSON',
      () => {
        const body = '{"eventId": "evt_1", oops';
        return { body, headers: signedHeaders(currentSecret, 'evt_1', body) };
      },
      400,
      /not valid JSON/,
    ],
    [
      'a signed notice without recordId',
      () => {
        const { recordId: _omit, ...notice } = sampleNotice();
        const body = JSON.stringify(notice);
        return { body, headers: signedHeaders(currentSecret, notice.eventId, body) };
      },
      400,
      /recordId/,
    ],
    [
      'a signed notice with an unknown event type',
      () => {
        const notice = { ...sampleNotice(), eventType: 'approve' };
        const body = JSON.stringify(notice);
        return { body, headers: signedHeaders(currentSecret, notice.eventId, body) };
      },
      400,
      /eventType/,
    ],
    [
      'a body over 256 KiB',
      () => {
        const notice = sampleNotice();
        const body = JSON.stringify({ ...notice, padding: 'x'.repeat(300 * 1024) });
        return { body, headers: signedHeaders(currentSecret, notice.eventId, body) };
      },
      413,
      /limit is 262144/,
    ],
  ];

  for (const [name, build, status, message] of refusals) {
    it(`refuses ${name} with ${status}, a message, and nothing queued`, async () => {
      const { body, headers } = build();
      const answer = await post(body, headers);
      expect(answer.status).toBe(status);
      expect(answer.json.message).toMatch(message);
      expect(await drainInbound()).toHaveLength(0);
    });
  }

  it('answers 503 when the queue is unavailable, then accepts the same notice once it is back', async () => {
    const notice = sampleNotice();
    const body = JSON.stringify(notice);
    aws.setAvailability('sqs', false);
    try {
      const answer = await post(body, signedHeaders(currentSecret, notice.eventId, body));
      expect(answer.status).toBe(503);
      expect(answer.json.error).toBe('unavailable');
    } finally {
      aws.setAvailability('sqs', true);
    }
    const retry = await post(body, signedHeaders(currentSecret, notice.eventId, body));
    expect(retry.status).toBe(202);
    expect(retry.json.status).toBe('accepted');
    expect(await drainInbound()).toHaveLength(1);
  });
});
