// Classifies AWS SDK v3 failures into apsync's error classes: throttling, 5xx and network failures are
// transient (the caller retries or answers 503); anything else (bad request, missing resource) is a bug.
import { BugError, type SyncError, TransientError } from '../errors.ts';

const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
]);

interface SdkLikeError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  code?: string;
}

export function classifyAwsError(error: unknown, source: string): SyncError {
  const e = (error ?? {}) as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  const message = `${source}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
  const details = {
    source,
    ...(status === undefined ? {} : { status }),
    ...(e.name ? { code: e.name } : {}),
    cause: error,
  };
  if (
    (e.name !== undefined && throttlingNames.has(e.name)) ||
    (status !== undefined && status >= 500) ||
    e.$retryable !== undefined ||
    status === undefined // no HTTP answer at all: connection refused, reset, DNS, timeout
  ) {
    return new TransientError(message, details);
  }
  return new BugError(message, details);
}
