// shared/aws/sdk-http-handler.ts in place of the SDK's NodeHttpHandler: a DynamoDB client sends the same
// request and reads the same answer, an AWS error answer is the same exception, and a connection the
// server drops is the same retryable TimeoutError (retried by the SDK), with either handler — both run
// against one local HTTP server playing DynamoDB. Its own parts: the query string as the SDK writes
// it, an abort signal, a request timeout.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SdkHttpHandler } from '../../shared/aws/sdk-http-handler.ts';

/** What the server does with the next request; every request is noted. */
let answer: (request: IncomingMessage, body: string, response: ServerResponse) => void;
let received: Array<{ method: string; url: string; target: string; signed: boolean; body: unknown }>;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        target: String(request.headers['x-amz-target']),
        signed: String(request.headers.authorization).startsWith('AWS4-HMAC-SHA256 '),
        body: body === '' ? undefined : JSON.parse(body),
      });
      answer(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
});

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' });
  response.end(JSON.stringify(body));
};

const handlers = [
  { name: "the SDK's NodeHttpHandler", handler: () => undefined },
  { name: 'SdkHttpHandler', handler: () => new SdkHttpHandler() },
] as const;

const client = (handler: SdkHttpHandler | undefined, maxAttempts = 1) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts,
    ...(handler === undefined ? {} : { requestHandler: handler }),
  });

describe.each(handlers)('a DynamoDB client with $name', ({ handler }) => {
  it('sends the signed request and reads the answer', async () => {
    answer = (_request, _body, response) =>
      json(response, 200, { Item: { pk: { S: 'REC#1' }, n: { N: '7' }, text: { S: 'é ✓' } } });
    const output = await client(handler()).send(
      new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'REC#1' } }, ConsistentRead: true }),
    );
    expect(output.Item).toEqual({ pk: { S: 'REC#1' }, n: { N: '7' }, text: { S: 'é ✓' } });
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, requestId: 'req-1', attempts: 1 });
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/',
        target: 'DynamoDB_20120810.GetItem',
        signed: true,
        body: { TableName: 'state', Key: { pk: { S: 'REC#1' } }, ConsistentRead: true },
      },
    ]);
  });

  it("turns DynamoDB's error answer into its exception", async () => {
    answer = (_request, _body, response) =>
      json(response, 400, {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: { pk: { S: 'REC#1' }, leaseUntil: { N: '99' } },
      });
    const sent = client(handler()).send(
      new PutItemCommand({
        TableName: 'state',
        Item: { pk: { S: 'REC#1' } },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    await expect(sent).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await expect(sent).rejects.toMatchObject({ Item: { leaseUntil: { N: '99' } } });
  });

  it('gives a dropped connection as a retryable TimeoutError: the SDK sends the request again', async () => {
    let dropped = 0;
    answer = (request, _body, response) => {
      if (dropped++ === 0) request.socket.destroy();
      else json(response, 200, {});
    };
    const output = await client(handler(), 2).send(
      new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'REC#2' } } }),
    );
    expect(output.$metadata.attempts).toBe(2);
    expect(received).toHaveLength(2);
    answer = (request) => request.socket.destroy();
    await expect(
      client(handler(), 1).send(new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'REC#3' } } })),
    ).rejects.toMatchObject({ name: 'TimeoutError', code: 'ECONNRESET' });
  });
});

describe('SdkHttpHandler', () => {
  const request = (query?: Record<string, string | Array<string | null> | null>) => ({
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: Number(new URL(endpoint).port),
    method: 'GET',
    path: '/path',
    query,
    headers: { host: '127.0.0.1' },
  });

  it('writes the query as the SDK does: names sorted, RFC 3986 escapes, repeated and empty values', async () => {
    answer = (_request, _body, response) => json(response, 200, {});
    const { response } = await new SdkHttpHandler().handle(
      request({ z: "it's (a) b*c!", a: ['1', '2 3'], empty: '', bare: null }),
    );
    expect(response.statusCode).toBe(200);
    expect(received[0]?.url).toBe('/path?a=1&a=2%203&bare&empty=&z=it%27s%20%28a%29%20b%2Ac%21');
  });

  it('ends a request when its abort signal fires, and refuses one already aborted', async () => {
    answer = () => undefined; // never answers
    const controller = new AbortController();
    const sent = new SdkHttpHandler().handle(request(), { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(sent).rejects.toMatchObject({ name: 'AbortError' });
    await expect(
      new SdkHttpHandler().handle(request(), { abortSignal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('ends a request past its request timeout with a TimeoutError', async () => {
    answer = () => undefined; // never answers
    await expect(new SdkHttpHandler().handle(request(), { requestTimeout: 50 })).rejects.toMatchObject({
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
    });
  });
});
