// Creating a Procurify record without ever creating it twice: POST is not idempotent, so after a
// failure that may hide a success the record is looked up before it is posted again.
import { DataError, SyncError } from '../errors.ts';
import { source, writeMayHaveHappened } from './errors.ts';
import type { ProcurifyTransport } from './transport.ts';

/**
 * Runs `post` with retries. After a failure that may hide a success (connection lost, timeout, 5xx), the
 * next attempt first looks the record up (`lookup`) and returns it when found; with no way to look
 * it up, the failure is reported as a data error for a person to check (never re-created blindly).
 */
export function createWithLookup<T>(
  transport: ProcurifyTransport,
  post: () => Promise<T>,
  lookup: (() => Promise<T | undefined>) | undefined,
  what: string,
): Promise<T> {
  let uncertain = false;
  return transport.retrying(async () => {
    if (uncertain) {
      const existing = await lookup?.();
      if (existing !== undefined) return existing;
      uncertain = false;
    }
    try {
      return await post();
    } catch (error) {
      if (error instanceof SyncError && writeMayHaveHappened(error)) {
        if (lookup === undefined) {
          throw new DataError(
            `procurify: creating ${what} failed and may have succeeded (${error.message}); check Procurify before trying again`,
            { source, code: 'ambiguous_create', status: error.status, cause: error },
          );
        }
        uncertain = true;
      }
      throw error;
    }
  });
}
