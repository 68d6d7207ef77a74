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
// requests through a leaner HTTP handler than the SDK's own (sdk-http-handler.ts), and sign them with
// one SigV4 signer per client (reusedSigner, below) where the SDK builds a new one for every request.
import { DynamoDBClient, type DynamoDBClientResolvedConfig } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
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

/** What the SDK's own signer is built from: the client's resolved configuration. */
type SignerConfig = Pick<
  DynamoDBClientResolvedConfig,
  'credentials' | 'region' | 'sha256' | 'signingEscapePath'
>;

/**
 * The client's `signer` option (documented in the SDK's client configuration): the SigV4 signer its
 * requests are signed with. Without it the SDK builds a new SignatureV4 for every request from a copy of
 * the whole client configuration (@aws-sdk/core's resolveAwsSdkSigV4Config): 1.1–1.5 % of the function
 * threads' CPU samples at 50 notices/s, about 3 % of a request's CPU in a worker thread on loopback. This
 * one is built once, on the client's first request, from what the SDK builds it from: the client's credentials (their provider, with the SDK's caching and refresh),
 * region, SHA-256 and path escaping, and the service's signing name. The region and service of each
 * signature are still the request's own: the SDK passes its auth scheme's signing region and name (the
 * endpoint middleware copies them from the endpoint's rules) and its clock-skew-corrected date to every
 * sign call, as before — so the signatures are the SDK's (test/unit/sdk-clients.test.ts).
 */
function reusedSigner(config: () => SignerConfig, service: string): () => Promise<SignatureV4> {
  let signer: SignatureV4 | undefined;
  return async () => {
    if (signer === undefined) {
      const { region, sha256, signingEscapePath } = config();
      // The client's credentials provider read at every signature, as the SDK's signer reads it (one set
      // on the client later is used), with its caching and refresh.
      const credentials = () => config().credentials();
      signer = new SignatureV4({ credentials, region, service, sha256, uriEscapePath: signingEscapePath });
    }
    return signer;
  };
}

/**
 * For the state store (document-requests.ts) and for callers sending @aws-sdk/client-dynamodb's commands
 * themselves (Powertools idempotency); not for lib-dynamodb's document client, which refuses it.
 */
export const dynamoDbClient = (): DynamoDBClient => {
  const client: DynamoDBClient = withoutSdkLogging(
    new DynamoDBClient({
      cacheMiddleware: true,
      requestHandler: new SdkHttpHandler(),
      signer: reusedSigner(() => client.config, 'dynamodb'),
    }),
  );
  return client;
};

export const sqsClient = (): SQSClient => {
  const client: SQSClient = withoutSdkLogging(
    new SQSClient({
      cacheMiddleware: true,
      requestHandler: new SdkHttpHandler(),
      signer: reusedSigner(() => client.config, 'sqs'),
    }),
  );
  return client;
};
