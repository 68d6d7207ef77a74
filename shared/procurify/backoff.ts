// When the Procurify client waits before retrying (shared/retry.ts does the backoff and honours
// Retry-After): a Retry-After longer than the configured maximum is not waited inside a Lambda
// invocation; the transient error is thrown at once and the queue retries later.
import type { SyncError } from '../errors.ts';
import { type RetryHooks, sleep } from '../retry.ts';

export interface BackoffDeps {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: RetryHooks['onRetry'];
}

/** Hooks for one retry loop (each loop remembers its own last error). */
export function procurifyRetryHooks(deps: BackoffDeps, maxRetryAfterMs: number): RetryHooks {
  let last: SyncError | undefined;
  return {
    random: deps.random,
    onRetry: (info) => {
      last = info.error;
      deps.onRetry?.(info);
    },
    sleep: async (ms) => {
      if (last?.retryAfterMs !== undefined && last.retryAfterMs > maxRetryAfterMs) throw last;
      await (deps.sleep ?? sleep)(ms);
    },
  };
}
