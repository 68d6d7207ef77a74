// The failure digest run (functions/failure-digest's handler and use case) against the DynamoDB emulator:
// records parked and failed by the workers' state store, the audit trail and the last reconcile report
// are read; the digest goes to an in-memory publisher standing in for the alarm topic (the local AWS
// emulators have no SNS) and to a chat webhook on loopback; nothing is sent when nothing is new.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFailureDigestHandler } from '../../functions/failure-digest/handler.ts';
import { type AwsEmulators, startAwsEmulators } from '../../infra/local/aws/index.ts';
import type { FailureDigest } from '../../shared/digest/failure-digest.ts';
import { chatWebhookDigestPublisher } from '../../shared/digest/publishers.ts';
import type { DigestPublisher } from '../../shared/digest/send-failure-digest.ts';
import { createReconcileReportStore } from '../../shared/reconcile/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

let aws: AwsEmulators;
let store: DynamoStateStore;
let clock = new Date('2026-12-01T06:00:00.000Z');
let server: Server;
let webhookUrl: string;
const posted: Array<{ text: string }> = [];
const topic: FailureDigest[] = [];
const inMemoryTopic: DigestPublisher = {
  name: 'alarm-topic',
  required: true,
  publish: async (digest) => {
    topic.push(digest);
  },
};
let secretValue: string | undefined;
const secrets = { get: async () => secretValue };

beforeAll(async () => {
  aws = await startAwsEmulators();
  store = new DynamoStateStore(
    new DynamoDBClient(aws.clientConfig('dynamodb')),
    aws.names.tables.state,
    () => clock,
  );
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      posted.push(JSON.parse(body) as { text: string });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await aws?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

const context = {} as Context;
const run = (publishers: DigestPublisher[]) =>
  createFailureDigestHandler({
    digest: async () => ({ state: store, publishers, prefix: 'acme', now: () => clock }),
  })({ scheduledTime: clock.toISOString(), schedule: 'failureDigest' }, context);

describe('failure digest', () => {
  it('sends nothing when nothing failed', async () => {
    const summary = await run([inMemoryTopic]);
    expect(summary).toMatchObject({ sent: false, newFailures: 0, openFailures: 0 });
    expect(topic).toEqual([]);
  });

  it('sends the new failures by kind, the oldest open one and open reconcile discrepancies', async () => {
    clock = new Date('2026-12-01T08:00:00.000Z');
    const vendor = { system: 'netsuite', kind: 'vendor', id: '12' } as const;
    await store.append(vendor, { step: 'review', message: 'two Procurify vendors are named Acme' });
    await store.putState({ ref: vendor, status: 'review', message: 'two Procurify vendors are named Acme' });
    clock = new Date('2026-12-01T09:00:00.000Z');
    const payment = { system: 'procurify', kind: 'payment', id: '77' } as const;
    await store.putState({ ref: payment, status: 'failed', message: 'Bill not synced', errorClass: 'data' });
    const bill = { system: 'procurify', kind: 'bill', id: 'b-1' } as const;
    await store.putState({
      ref: bill,
      status: 'review',
      message: 'GL 6100 unmapped',
      waitingFor: ['account-code:6100'],
    });
    const synced = { system: 'procurify', kind: 'bill', id: 'b-2' } as const;
    await store.putState({ ref: synced, status: 'synced' });
    await createReconcileReportStore(store).saveReport({
      reconciledAsOf: '2026-12-01T09:30:00.000Z',
      finishedAt: '2026-12-01T09:40:00.000Z',
      areas: ['bill'],
      fix: false,
      checked: { bill: 3 },
      counts: { bill: { 'edited-in-netsuite': 1 } },
      totals: { discrepancies: 1, repaired: 0, needsFix: 0, failed: 0, open: 1 },
      discrepancies: [],
    });

    clock = new Date('2026-12-02T06:00:00.000Z');
    secretValue = JSON.stringify({ url: webhookUrl.replace('http:', 'https:') });
    // The chat webhook takes https URLs only: the loopback server is reached through a fetch stub.
    const viaLoopback: typeof fetch = (_url, init) => fetch(webhookUrl, init);
    const summary = await run([
      inMemoryTopic,
      chatWebhookDigestPublisher(secrets, 'acme/digest-webhook', viaLoopback),
    ]);
    expect(summary).toMatchObject({
      sent: true,
      since: '2026-12-01T06:00:00.000Z',
      newFailures: 3,
      openFailures: 3,
      reconcileOpen: 1,
      publishedTo: ['alarm-topic', 'chat-webhook'],
      publishFailures: [],
    });
    expect(topic).toHaveLength(1);
    const digest = topic[0]!;
    expect(digest.subject).toBe(
      'apsync acme failures: 1 payments failed, 1 bills parked, 1 records in review, 1 discrepancies',
    );
    expect(digest.text).toContain('payment:77 (failed, 2026-12-01T09:00:00.000Z): Bill not synced');
    expect(digest.text).toContain('bill:b-1 (review, 2026-12-01T09:00:00.000Z): GL 6100 unmapped');
    expect(digest.text).not.toContain('b-2');
    expect(digest.oldest).toEqual({
      record: 'vendor:12',
      since: '2026-12-01T08:00:00.000Z',
      message: 'two Procurify vendors are named Acme',
    });
    expect(digest.text).toContain('1 open discrepancies of 1');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain(digest.subject);
    expect(posted[0]!.text).toContain('Bill not synced');
  });

  it('sends nothing the next day when nothing new failed; a new failure is sent with the old ones counted', async () => {
    clock = new Date('2026-12-03T06:00:00.000Z');
    expect(await run([inMemoryTopic])).toMatchObject({ sent: false, newFailures: 0, openFailures: 3 });
    expect(topic).toHaveLength(1);

    clock = new Date('2026-12-03T10:00:00.000Z');
    const account = { system: 'netsuite', kind: 'account', id: '6200' } as const;
    await store.putState({ ref: account, status: 'review', message: 'deactivate account code 6200 by hand' });
    clock = new Date('2026-12-04T06:00:00.000Z');
    expect(await run([inMemoryTopic])).toMatchObject({ sent: true, newFailures: 1, openFailures: 4 });
    expect(topic[1]!.groups.find((group) => group.kind === 'recordsInReview')).toMatchObject({
      newCount: 1,
      openCount: 2,
    });
  });

  it('an unconfigured chat webhook posts nothing; a failing one does not stop the e-mail', async () => {
    clock = new Date('2026-12-04T10:00:00.000Z');
    await store.putState({
      ref: { system: 'procurify', kind: 'payment', id: '78' },
      status: 'failed',
      message: 'x',
    });
    clock = new Date('2026-12-05T06:00:00.000Z');
    secretValue = undefined;
    const before = posted.length;
    const unconfigured = await run([
      inMemoryTopic,
      chatWebhookDigestPublisher(secrets, 'acme/digest-webhook'),
    ]);
    expect(unconfigured.publishedTo).toEqual(['alarm-topic', 'chat-webhook']);
    expect(posted).toHaveLength(before);

    clock = new Date('2026-12-05T10:00:00.000Z');
    await store.putState({
      ref: { system: 'procurify', kind: 'payment', id: '79' },
      status: 'failed',
      message: 'y',
    });
    clock = new Date('2026-12-06T06:00:00.000Z');
    secretValue = 'not json';
    const failing = await run([inMemoryTopic, chatWebhookDigestPublisher(secrets, 'acme/digest-webhook')]);
    expect(failing.publishedTo).toEqual(['alarm-topic']);
    expect(failing.publishFailures).toEqual([
      {
        publisher: 'chat-webhook',
        message: 'secret acme/digest-webhook is not JSON: store {"url": "https://…"}',
      },
    ]);
  });
});
