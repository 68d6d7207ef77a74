// Before `review replay` or `payment resync` queues anything: the record must be one the state table
// or its source system knows (shared/review/known-record.ts).
import { DataError } from '../../../shared/errors.ts';
import { findKnownRecord, notFoundMessage } from '../../../shared/review/known-record.ts';
import type { RecordRef } from '../../../shared/state/model.ts';
import type { CliServices } from '../services.ts';

/**
 * Refuses (exit 1, nothing queued) a record neither the state table nor its source system has: queued,
 * it would only fail and stay in the review list.
 */
export async function requireKnownRecord(
  services: CliServices,
  ref: RecordRef,
  record: string,
): Promise<void> {
  const known = await findKnownRecord(ref, {
    state: services.state,
    netsuite: async () => (await services.netsuite()).records,
    procurify: async () => (await services.syncClients()).procurify,
  });
  if (known === undefined) {
    throw new DataError(notFoundMessage(ref, record), { source: 'apsync-cli', code: 'unknown-record' });
  }
}
