// The AWS SDK clients the functions call on every record (DynamoDB, SQS), as the composition roots
// build them: the SDK's defaults (the Lambda's region and role; endpoints from the environment), less
// the SDK's logger middleware. apsync gives the SDK no logger, yet that middleware still walks every
// request's input and every answer to mask their sensitive fields for a log line nobody writes (the
// `logger?.info?.(…)` of @aws-sdk/core's loggerMiddleware evaluates its arguments first): CPU on every
// call for nothing. Errors still reach the caller, classified (sdk-errors.ts).
// Both resolve their middleware stack once per command class instead of on every request
// (`cacheMiddleware`, a documented client option: nothing here changes a stack after construction). The
// state store sends lib-dynamodb's document commands through the DynamoDB client itself
// (document-requests.ts): the document client refuses a client with cacheMiddleware. Both send their
// requests through a leaner HTTP handler than the SDK's own (sdk-http-handler.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SdkHttpHandler } from './sdk-http-handler.ts';

/** The name @aws-sdk/core registers its logger middleware under (loggerMiddlewareOptions). */
const sdkLoggerMiddleware = 'loggerMiddleware';

/** A client without the SDK's logger middleware (see above). */
export function withoutSdkLogging<C extends { middlewareStack: { remove(name: string): boolean } }>(
  client: C,
): C {
  client.middlewareStack.remove(sdkLoggerMiddleware);
  return client;
}

/**
 * For the state store (document-requests.ts) and for callers sending @aws-sdk/client-dynamodb's commands
 * themselves (Powertools idempotency); not for lib-dynamodb's document client, which refuses it.
 */
export const dynamoDbClient = (): DynamoDBClient =>
  withoutSdkLogging(new DynamoDBClient({ cacheMiddleware: true, requestHandler: new SdkHttpHandler() }));

export const sqsClient = (): SQSClient =>
  withoutSdkLogging(new SQSClient({ cacheMiddleware: true, requestHandler: new SdkHttpHandler() }));
