// The SDK clients the functions call on every record (shared/aws/sdk-clients.ts): built without the
// SDK's logger middleware (it masks every input and answer for a log line nobody writes), the rest of
// the SDK's stack as it is, and resolving their stack once per command class (cacheMiddleware): the
// state store sends its document commands through the DynamoDB client itself (document-requests.ts);
// and signing with one SigV4 signer per client, whose signatures are the SDK's own signer's.
import { createHash } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoDbClient, sqsClient } from '../../shared/aws/sdk-clients.ts';
import { SdkHttpHandler } from '../../shared/aws/sdk-http-handler.ts';
import { functionAws } from '../../shared/config/runtime-parts.ts';

const middleware = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe('SDK clients of the functions', () => {
  it('have no logger middleware, and every other middleware of a default client', () => {
    const reference = middleware(new DynamoDBClient({}));
    // The name it is removed by: a renamed middleware in a new SDK would stay unnoticed otherwise.
    expect(reference).toContain('loggerMiddleware');
    for (const client of [dynamoDbClient(), functionAws.dynamodb()]) {
      expect(middleware(client)).toEqual(reference.filter((name) => name !== 'loggerMiddleware'));
      client.destroy();
    }
    for (const client of [sqsClient(), functionAws.sqs()]) {
      expect(middleware(client)).not.toContain('loggerMiddleware');
      expect(middleware(client)).toContain('httpSigningMiddleware');
      client.destroy();
    }
  });

  it('resolve their middleware once per command class (which the document client would refuse), through SdkHttpHandler', () => {
    const clients = [dynamoDbClient(), functionAws.dynamodb(), sqsClient(), functionAws.sqs()];
    for (const client of clients) {
      expect(client.config.cacheMiddleware).toBe(true);
      // Through the leaner HTTP handler (test/unit/sdk-http-handler.test.ts).
      expect(client.config.requestHandler).toBeInstanceOf(SdkHttpHandler);
    }
    expect(() => DynamoDBDocumentClient.from(functionAws.dynamodb())).toThrow(/cacheMiddleware/);
    for (const client of clients) client.destroy();
  });
});

describe('their SigV4 signer', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.useRealTimers();
  });

  const request = () => ({
    protocol: 'https:',
    hostname: 'dynamodb.eu-west-1.amazonaws.com',
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.PutItem',
      host: 'dynamodb.eu-west-1.amazonaws.com',
      'amz-sdk-invocation-id': '0f4b3c2e-1d2c-4b3a-9e8f-7a6b5c4d3e2f',
    },
    query: {},
    body: '{"TableName":"state","Item":{"pk":{"S":"record:vendor:1"}}}',
  });

  it('is built once per client, where the SDK builds one per request', async () => {
    for (const client of [dynamoDbClient(), sqsClient(), functionAws.dynamodb(), functionAws.sqs()]) {
      const first = await client.config.signer();
      expect(await client.config.signer()).toBe(first);
      client.destroy();
    }
    const reference = new DynamoDBClient({ region: 'eu-west-1' });
    expect(await reference.config.signer()).not.toBe(await reference.config.signer());
    reference.destroy();
  });

  it("signs as the SDK's own signer: the same credentials (from the environment, as on Lambda), region and service", async () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session-token');
    const pairs = [
      [dynamoDbClient(), new DynamoDBClient({}), 'dynamodb'],
      [sqsClient(), new SQSClient({}), 'sqs'],
    ] as const;
    const signingDate = new Date('2026-12-04T05:00:00Z');
    for (const [ours, sdks, signingService] of pairs) {
      const [oursSigner, sdksSigner] = [await ours.config.signer(), await sdks.config.signer()];
      // As the SDK signs a request (its auth scheme's region and signing name), and with the signer's own.
      for (const options of [{ signingDate, signingRegion: 'eu-west-1', signingService }, { signingDate }]) {
        const signed = await oursSigner.sign(request(), options);
        const expected = await sdksSigner.sign(request(), options);
        expect(signed.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
        expect(signed.headers).toEqual(expected.headers);
      }
      ours.destroy();
      sdks.destroy();
    }
  });

  it("signs what the client sends as the SDK's own signer does, with credentials that rotate between requests", async () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T05:00:00Z'));
    /** Credentials that expire within the SDK's refresh window: a new key for every request. */
    const rotating = () => {
      let issued = 0;
      return async () => {
        issued++;
        return {
          accessKeyId: `AKID${issued}`,
          secretAccessKey: `secret-${issued}`,
          sessionToken: `token-${issued}`,
          expiration: new Date(Date.now() + 60_000),
        };
      };
    };
    /** The signed requests a client sends (answered at once, before the network). */
    type Args = { request: { headers: Record<string, string> } };
    type Handler = (args: Args) => Promise<unknown>;
    const capture = (client: {
      middlewareStack: {
        add(middleware: unknown, options: object): void;
        addRelativeTo(middleware: unknown, options: object): void;
      };
    }) => {
      const stack = client.middlewareStack;
      const sent: Array<Record<string, string>> = [];
      // The one random header the signature covers, fixed so two clients' signatures can be compared.
      stack.addRelativeTo(
        (next: Handler) => async (args: Args) => {
          args.request.headers['amz-sdk-invocation-id'] = 'fixed';
          return next(args);
        },
        { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'fixInvocationId' },
      );
      stack.add(
        () => async (args: Args) => {
          sent.push({ ...args.request.headers });
          return {
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/x-amz-json-1.0' },
              // SendMessage's answer is checked against the body's MD5 ('{}'); DynamoDB ignores it.
              body: new TextEncoder().encode(
                JSON.stringify({
                  MessageId: 'm1',
                  MD5OfMessageBody: createHash('md5').update('{}').digest('hex'),
                }),
              ),
            },
            output: {},
          } as never;
        },
        { step: 'deserialize', priority: 'low', name: 'captureSignedRequest' },
      );
      return sent;
    };
    const ours = [dynamoDbClient(), sqsClient()] as const;
    const sdks = [
      new DynamoDBClient({ credentials: rotating() }),
      new SQSClient({ credentials: rotating() }),
    ] as const;
    for (const client of ours) client.config.credentials = rotating();
    const put = () =>
      new PutItemCommand({
        TableName: 'state',
        Item: { pk: { S: 'record:vendor:1' }, name: { S: 'a/b c' } },
      });
    const sendMessage = () =>
      new SendMessageCommand({
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/inbound',
        MessageBody: '{}',
      });
    const headersOf = async (dynamo: DynamoDBClient, sqs: SQSClient) => {
      const [dynamoSent, sqsSent] = [capture(dynamo), capture(sqs)];
      for (let request = 0; request < 2; request++) {
        await dynamo.send(put());
        await sqs.send(sendMessage());
      }
      return [...dynamoSent, ...sqsSent].map((headers) => ({
        authorization: headers.authorization,
        token: headers['x-amz-security-token'],
        date: headers['x-amz-date'],
      }));
    };
    const [oursSigned, sdksSigned] = [await headersOf(...ours), await headersOf(...sdks)];
    expect(oursSigned).toEqual(sdksSigned);
    // Each request signed with the credentials current at its signature: rotated between requests.
    const [dynamoFirst, dynamoSecond, sqsFirst, sqsSecond] = oursSigned;
    expect(dynamoFirst?.token).not.toBe(dynamoSecond?.token);
    expect(sqsFirst?.token).not.toBe(sqsSecond?.token);
    expect(dynamoFirst?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\d+\/20261204\/eu-west-1\/dynamodb\/aws4_request, /,
    );
    expect(sqsFirst?.authorization).toMatch(/Credential=AKID\d+\/20261204\/eu-west-1\/sqs\/aws4_request, /);
    for (const client of [...ours, ...sdks]) client.destroy();
  });
});
