// Property-based bad-input tests of webhook-ingest (issue 7 §2): thousands of generated requests, bad
// and good interleaved, each with the answer the model in test/support/arbitraries.ts expects. Over real
// HTTP into the API Gateway front with the real handler, Secrets Manager, DynamoDB and SQS emulators;
// the in-process run feeds the same handler API Gateway events directly, for volume.
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeWebhookIngest } from '../../functions/webhook-ingest/compose.ts';
import { createWebhookIngestHandler } from '../../functions/webhook-ingest/handler.ts';
import { type AwsEmulators, applyToProcessEnv, startAwsEmulators } from '../../infra/local/aws/index.ts';
import { startHttpApi } from '../../infra/local/http-api.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import type { RunningServer } from '../../infra/sandboxes/http-server.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { inboundMessageSchema } from '../../shared/events/inbound-message.ts';
import {
  type ExpectedOutcome,
  expectedOutcome,
  materializeRequest,
  noticeDraft,
  outcomeLabel,
  type SigningKeys,
  type WebhookRequest,
  type WebhookRequestSpec,
  webhookRequestSpec,
} from '../support/arbitraries.ts';
import { newSigningSecret } from '../support/webhook-signing.ts';

interface Answer {
  status: number;
  headers: Record<string, string>;
  json: { error?: string; message?: string; status?: string; eventId?: string };
}

const keys: SigningKeys = {
  current: newSigningSecret(),
  previous: newSigningSecret(),
  unknown: newSigningSecret(),
};
/** Requests in flight at once over HTTP: enough to overlap, modest for a 2-core machine. */
const concurrency = 8;

let aws: AwsEmulators;
let api: RunningServer;
let sqs: SQSClient;
let sequence = 0;
const nextSequence = () => ++sequence;

beforeAll(async () => {
  aws = await startAwsEmulators();
  applyToProcessEnv(aws.env);
  const secrets = new SecretsManagerClient(aws.clientConfig('secretsManager'));
  const value = JSON.stringify({ current: keys.current, previous: keys.previous });
  try {
    await secrets.send(new CreateSecretCommand({ Name: aws.names.secrets.webhook, SecretString: value }));
  } catch {
    // The emulator creates every secret empty at start.
    await secrets.send(
      new PutSecretValueCommand({ SecretId: aws.names.secrets.webhook, SecretString: value }),
    );
  }
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

/**
 * Posts one request. `signal` is the test's own: once the test timed out, no request of it is still sent
 * (a property still running in the background would otherwise queue notices the next test drains).
 */
async function post(
  request: Pick<WebhookRequest, 'body' | 'headers'>,
  signal?: AbortSignal,
): Promise<Answer> {
  signal?.throwIfAborted();
  // A byte body: fetch adds no content-type of its own, so "absent" stays absent.
  const response = await fetch(`${api.url}/netsuite/events`, {
    method: 'POST',
    body: new Uint8Array(request.body),
    headers: request.headers,
    ...(signal === undefined ? {} : { signal }),
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    json: (await response.json()) as Answer['json'],
  };
}

/** Drains the inbound queue: every message body, parsed. */
async function drainInbound(): Promise<InboundMessage[]> {
  const messages: InboundMessage[] = [];
  for (;;) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: aws.queueUrls.inbound,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    const received = answer.Messages ?? [];
    if (received.length === 0) return messages;
    for (const message of received) messages.push(inboundMessageSchema.parse(JSON.parse(message.Body ?? '')));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: aws.queueUrls.inbound,
        Entries: received.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}

/**
 * Runs `work` over `items` with at most `limit` in flight; results in input order. After a failure no
 * lane takes another item, and it returns (rejects) only once every lane stopped: nothing of a failed
 * run is still posted while the next run or test drains the queue.
 */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  const settled = await Promise.allSettled(lanes);
  const failure = settled.find((lane) => lane.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return results;
}

function describeCase(spec: WebhookRequestSpec, request: WebhookRequest): string {
  const { notice: _notice, ...aspects } = spec;
  const shown = JSON.stringify(aspects, (_key, value) =>
    typeof value === 'string' && value.length > 80 ? `${value.slice(0, 80)}…(${value.length})` : value,
  );
  return `${shown} headers=${JSON.stringify(request.headers).slice(0, 400)} body=${request.body.length}B`;
}

/** The answer must be exactly the expected one: status, error code and message; 202s name the event. */
function checkAnswer(answer: Answer, expected: ExpectedOutcome, duplicate: boolean, context: string): void {
  if (expected.kind === 'accepted') {
    expect(answer.status, context).toBe(202);
    expect(answer.json, context).toEqual({
      status: duplicate ? 'duplicate' : 'accepted',
      eventId: answer.json.eventId,
    });
    return;
  }
  expect(answer.status, context).toBe(expected.status);
  expect(answer.json.error, context).toBe(expected.error);
  if (typeof expected.message === 'string') expect(answer.json.message, context).toBe(expected.message);
  else expect(answer.json.message, context).toMatch(expected.message);
}

/** Each queued message must be an accepted notice, and each accepted notice queued once, unchanged. */
function checkQueued(queued: readonly InboundMessage[], accepted: readonly WebhookRequest[]): void {
  const byId = new Map(accepted.map((request) => [request.eventId, request]));
  const ids = queued.map((message) => message.eventId);
  expect(new Set(ids).size, 'an event id was queued twice').toBe(ids.length);
  expect([...ids].sort()).toEqual([...byId.keys()].sort());
  for (const message of queued) {
    const { receivedAt: _receivedAt, ...rest } = message;
    expect(rest).toEqual(byId.get(message.eventId)?.inbound);
  }
}

/**
 * Deadlines of the tests that do thousands of requests: they only bound a failing run, so they fit a
 * loaded 2-core machine (a full suite running alongside), not an idle one.
 */
const overHttpTimeoutMs = 300_000;
const inProcessTimeoutMs = 180_000;

const tally = new Map<string, number>();
const count = (label: string) => tally.set(label, (tally.get(label) ?? 0) + 1);

describe('webhook-ingest under generated bad input', () => {
  it('answers every generated request as the model expects, over HTTP, and queues exactly the accepted ones', {
    timeout: overHttpTimeoutMs,
  }, async ({ signal }) => {
    let requests = 0;
    const allAccepted = new Set<string>();
    const replay = fc.record({
      pick: fc.nat(),
      how: fc.constantFrom('identical' as const, 'resigned' as const),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(webhookRequestSpec, { minLength: 30, maxLength: 44 }),
        fc.array(replay, { maxLength: 6 }),
        async (specs, replays) => {
          await drainInbound(); // leftovers of a failed run while fast-check shrinks
          const sent = await inPool(specs, concurrency, async (spec) => {
            const seq = nextSequence();
            const request = materializeRequest(spec, keys, seq);
            const expected = expectedOutcome(spec, request);
            const answer = await post(request, signal);
            requests++;
            count(outcomeLabel(expected));
            checkAnswer(answer, expected, false, describeCase(spec, request));
            if (expected.kind === 'accepted') expect(answer.json.eventId).toBe(request.eventId);
            return { spec, seq, request, expected };
          });
          // Replays once the originals are answered: the same bytes again, or the sender's retry
          // (same notice, new timestamp and signature). A refused request stays refused the same way.
          await inPool(replays, concurrency, async ({ pick, how }) => {
            const original = sent[pick % sent.length];
            if (original === undefined) return;
            const request =
              how === 'identical' ? original.request : materializeRequest(original.spec, keys, original.seq);
            const expected = expectedOutcome(original.spec, request);
            const answer = await post(request, signal);
            requests++;
            count(`replay ${outcomeLabel(expected)}`);
            checkAnswer(answer, expected, true, `replay (${how}) of ${describeCase(original.spec, request)}`);
          });
          const accepted = sent.filter((s) => s.expected.kind === 'accepted').map((s) => s.request);
          checkQueued(await drainInbound(), accepted);
          for (const request of accepted) allAccepted.add(request.eventId);
        },
      ),
      { seed: 7_0207, numRuns: 55, endOnFailure: true },
    );
    console.log(
      `webhook fuzz over HTTP: ${requests} requests, ${allAccepted.size} accepted and queued once; ` +
        `by expected outcome: ${JSON.stringify(Object.fromEntries([...tally].sort()))}`,
    );
    expect(requests).toBeGreaterThanOrEqual(2000);
    // Every kind of refusal was exercised, not just generated in principle.
    for (const label of [
      '413 body_too_large',
      '415 unsupported_content_type',
      '401 missing_signature',
      '401 bad_signature',
      '401 stale_timestamp',
      '400 invalid_json',
      '400 schema_violation',
      'replay accepted',
    ]) {
      expect(tally.get(label) ?? 0, label).toBeGreaterThanOrEqual(10);
    }
  });

  it('lets exactly one of several simultaneous deliveries of a notice through; the others are duplicates or told to retry', async ({
    signal,
  }) => {
    let requests = 0;
    let toldToRetry = 0;
    await drainInbound(); // what an earlier test left, so that only this test's deliveries are counted
    await fc.assert(
      fc.asyncProperty(noticeDraft, fc.integer({ min: 2, max: 5 }), async (notice, copies) => {
        const spec: WebhookRequestSpec = {
          notice,
          encoding: 'compact',
          body: { kind: 'notice', padToLimit: false },
          contentType: { kind: 'json', value: 'application/json' },
          signing: { kind: 'valid', secret: 'current', alongside: 'none' },
          timing: { kind: 'fresh', skewSeconds: 0 },
          missing: [],
          idHeader: 'matches',
        };
        const seq = nextSequence();
        const deliveries = Array.from({ length: copies }, () => materializeRequest(spec, keys, seq));
        const answers = await Promise.all(deliveries.map((request) => post(request, signal)));
        requests += copies;
        const statuses = answers.map((answer) =>
          answer.status === 202 ? answer.json.status : answer.json.error,
        );
        expect(
          statuses.filter((status) => status === 'accepted'),
          String(statuses),
        ).toHaveLength(1);
        for (const answer of answers) {
          if (answer.status === 202) continue;
          // Still being queued by the first delivery: the sender is told to come back.
          expect(answer.status, String(statuses)).toBe(503);
          toldToRetry++;
          expect(answer.json.error).toBe('unavailable');
          expect(answer.headers['retry-after']).toBe('5');
          const retry = await post(materializeRequest(spec, keys, seq), signal);
          requests++;
          expect(retry.json).toEqual({ status: 'duplicate', eventId: deliveries[0]?.eventId });
        }
        const queued = await drainInbound();
        expect(queued.map((message) => message.eventId)).toEqual([deliveries[0]?.eventId]);
      }),
      { seed: 7_0209, numRuns: 30, endOnFailure: true },
    );
    console.log(
      `webhook fuzz, simultaneous deliveries: ${requests} requests, ${toldToRetry} told to retry (503)`,
    );
  });

  it("refuses a body over API Gateway's own 10 MB limit with 413 and queues nothing", async () => {
    const spec = fc.sample(webhookRequestSpec, { seed: 1, numRuns: 1 })[0] as WebhookRequestSpec;
    const request = materializeRequest(
      { ...spec, body: { kind: 'oversized', bytes: 11 * 1024 * 1024, filler: 'spaces' }, missing: [] },
      keys,
      nextSequence(),
    );
    const answer = await post(request);
    expect(answer.status).toBe(413);
    expect(answer.json.message).toMatch(/too large/i);
    expect(await drainInbound()).toEqual([]);
  });

  it('answers generated requests as the model expects when API Gateway events are handed to the handler directly', {
    timeout: inProcessTimeoutMs,
  }, async ({ signal }) => {
    // The same handler with in-memory dependencies: volume at no I/O cost, base64-encoded bodies (what
    // API Gateway sends for binary media types) and header names in any case.
    const queued = new Map<string, InboundMessage>();
    const handler = createWebhookIngestHandler({
      signingSecrets: async () => [keys.current, keys.previous],
      enqueueOnce: async (message) => {
        if (queued.has(message.eventId)) return { duplicate: true };
        queued.set(message.eventId, message);
        return { duplicate: false };
      },
      now: () => new Date(),
    });
    const invoke = async (
      request: WebhookRequest,
      headerCase: 'lower' | 'upper' | 'title',
    ): Promise<Answer> => {
      const result = (await handler(
        toEvent(request, headerCase),
        createLambdaContext('webhook-ingest', 10_000),
      )) as APIGatewayProxyStructuredResultV2;
      return {
        status: result.statusCode ?? 0,
        headers: Object.fromEntries(
          Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
        ),
        json: JSON.parse(result.body ?? 'null') as Answer['json'],
      };
    };
    let requests = 0;
    const accepted: WebhookRequest[] = [];
    await fc.assert(
      fc.asyncProperty(
        webhookRequestSpec,
        fc.constantFrom('lower' as const, 'upper' as const, 'title' as const),
        async (spec, headerCase) => {
          signal.throwIfAborted();
          const seq = nextSequence();
          const request = materializeRequest(spec, keys, seq);
          const expected = expectedOutcome(spec, request);
          requests++;
          checkAnswer(await invoke(request, headerCase), expected, false, describeCase(spec, request));
          if (expected.kind !== 'accepted') return;
          accepted.push(request);
          // A sender's retry of an accepted notice is a duplicate.
          const retry = materializeRequest(spec, keys, seq);
          checkAnswer(
            await invoke(retry, headerCase),
            expected,
            true,
            `retry of ${describeCase(spec, request)}`,
          );
          requests++;
        },
      ),
      { seed: 7_0208, numRuns: 3000 },
    );
    console.log(`webhook fuzz in process: ${requests} handler invocations, ${accepted.length} accepted`);
    checkQueued([...queued.values()], accepted);
  });
});

/** What API Gateway would send for this request, body base64-encoded, header names in the given case. */
function toEvent(request: WebhookRequest, headerCase: 'lower' | 'upper' | 'title'): APIGatewayProxyEventV2 {
  const rename = (name: string) =>
    headerCase === 'lower'
      ? name
      : headerCase === 'upper'
        ? name.toUpperCase()
        : name.replace(
            /(^|-)([a-z])/g,
            (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
          );
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'POST /netsuite/events',
    rawPath: '/netsuite/events',
    rawQueryString: '',
    headers: Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [rename(name), value]),
    ),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: '/netsuite/events',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'fuzz',
      },
      requestId: `fuzz-${now.getTime()}`,
      routeKey: 'POST /netsuite/events',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: request.body.length === 0 ? undefined : request.body.toString('base64'),
    isBase64Encoded: request.body.length > 0,
  };
}
