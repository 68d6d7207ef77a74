// The SDK clients the functions call on every record (shared/aws/sdk-clients.ts): built without the
// SDK's logger middleware (it masks every input and answer for a log line nobody writes), the rest of
// the SDK's stack as it is, and resolving their stack once per command class (cacheMiddleware): the
// state store sends its document commands through the DynamoDB client itself (document-requests.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
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
