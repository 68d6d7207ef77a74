// The four error classes every adapter and use case speaks; workers decide retry / park / dead-letter
// from the class alone, never from a message string (README, Architecture: "Errors are classes").
export type ErrorClass = 'transient' | 'auth' | 'data' | 'bug';

export interface SyncErrorDetails {
  /** Which system answered: "netsuite", "procurify", "dynamodb", "sqs", ... */
  source?: string;
  /** HTTP status, when the error came from an HTTP answer. */
  status?: number;
  /** The remote system's own error code, e.g. NetSuite's `o:errorCode`. */
  code?: string;
  /** The remote system's detail text, e.g. NetSuite's `detail`. */
  detail?: string;
  /** The field the remote system blamed, e.g. NetSuite's `o:errorPath`. */
  path?: string;
  /** How long the remote system asked us to wait (`Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** Base of all classified errors: a message a person can act on plus the remote system's facts. */
export class SyncError extends Error {
  readonly errorClass: ErrorClass;
  readonly source: string | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly path: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(errorClass: ErrorClass, message: string, details: SyncErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = `${errorClass[0]!.toUpperCase()}${errorClass.slice(1)}Error`;
    this.errorClass = errorClass;
    this.source = details.source;
    this.status = details.status;
    this.code = details.code;
    this.detail = details.detail;
    this.path = details.path;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** A plain object for logs, audit trails and DLQ attributes (never contains credentials). */
  toJSON(): Record<string, unknown> {
    return {
      errorClass: this.errorClass,
      message: this.message,
      source: this.source,
      status: this.status,
      code: this.code,
      detail: this.detail,
      path: this.path,
    };
  }
}

/**
 * The base of one class's errors: `instanceof` tells the class, the name says it (`TransientError`…), and
 * the constructor takes only the message and the remote system's facts.
 */
function errorsOfClass(errorClass: ErrorClass) {
  return class extends SyncError {
    constructor(message: string, details: SyncErrorDetails = {}) {
      super(errorClass, message, details);
    }
  };
}

/** 429, 5xx, timeouts, dropped connections, throttling: retry with backoff. */
export class TransientError extends errorsOfClass('transient') {}

/** Bad or expired credentials: refresh once, then treat as transient and alarm. */
export class AuthError extends errorsOfClass('auth') {}

/** Bad or missing data a person must fix: never retried. */
export class DataError extends errorsOfClass('data') {}

/** Anything unexpected: goes to the dead-letter queue, never swallowed. */
export class BugError extends errorsOfClass('bug') {}

/** The class of any thrown value; unknown throwables are bugs. */
export function classOf(error: unknown): ErrorClass {
  return error instanceof SyncError ? error.errorClass : 'bug';
}

/**
 * Classifies a failure of `fetch` itself (no HTTP answer): connection refused/reset, socket closed,
 * DNS, timeouts and aborts are transient; anything else is a bug.
 */
export function classifyNetworkFailure(error: unknown, source: string): SyncError {
  if (error instanceof SyncError) return error;
  const text = describeThrown(error);
  const transientPattern =
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR|socket|other side closed|fetch failed|terminated|timeout|aborted/i;
  if (transientPattern.test(text)) {
    return new TransientError(`${source}: network failure (${text})`, { source, cause: error });
  }
  return new BugError(`${source}: unexpected failure (${text})`, { source, cause: error });
}

function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts = [`${error.name}: ${error.message}`];
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    const code = (cause as { code?: unknown }).code;
    parts.push(`${cause.name}: ${cause.message}${typeof code === 'string' ? ` [${code}]` : ''}`);
    cause = cause.cause;
  }
  return parts.join(' <- ');
}
