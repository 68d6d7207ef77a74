// Retry with exponential backoff and full jitter, honouring Retry-After; used by the NetSuite and
// Procurify clients (and anything else that calls a remote system) for transient and auth errors.
import { classOf, type SyncError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Base delay: attempt n (0-based) waits up to min(capMs, baseMs * 2^n). */
  baseMs: number;
  capMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseMs: 200, capMs: 10_000 };

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait, for logs and metrics. */
  onRetry?: (info: { attempt: number; delayMs: number; error: SyncError }) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Full-jitter delay for a 0-based retry number, raised to the server's Retry-After when given. */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
) {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}

/**
 * Runs `attempt` until it succeeds, a non-transient error is thrown, or the attempts run out; the last
 * error is rethrown unchanged. Only `transient` errors are retried here (auth retries are the token
 * provider's business: one refresh, then the error is reported as transient).
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy = defaultRetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  const random = hooks.random ?? Math.random;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (classOf(error) !== 'transient' || n + 1 >= policy.maxAttempts) throw error;
      const syncError = error as SyncError;
      const delayMs = backoffDelay(n, policy, random, syncError.retryAfterMs);
      hooks.onRetry?.({ attempt: n + 1, delayMs, error: syncError });
      await wait(delayMs);
    }
  }
}
