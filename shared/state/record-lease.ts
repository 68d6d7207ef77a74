// One worker per record at a time: runs a record's sync under a lease in the state table, so two
// concurrent first syncs cannot both create the record on the other side. A held lease is a transient
// error (the message is retried later, by which time the other worker has finished) carrying the lease's
// remaining time (code LEASE_HELD, retryAfterMs), so a worker can wait it out instead of retrying sooner.
import { randomUUID } from 'node:crypto';
import { type SyncError, TransientError } from '../errors.ts';
import { type RecordRef, refKey } from './model.ts';
import type { LeaseStore } from './ports.ts';

const recordLeaseSeconds = 120;

/** The code of the transient error "another worker holds this record's lease". */
export const leaseHeldCode = 'LEASE_HELD';

export async function withRecordLease<T>(
  leases: LeaseStore,
  ref: RecordRef,
  work: () => Promise<T>,
  onFailure: (error: SyncError) => Promise<void>,
): Promise<T> {
  const lease = `record:${refKey(ref)}`;
  const holder = randomUUID();
  if (!(await leases.acquireLease(lease, holder, recordLeaseSeconds))) {
    // Only a hint: a failed read assumes the lease's whole time.
    const waitSeconds =
      (await leases.leaseWaitSeconds?.(lease).catch(() => undefined)) ?? recordLeaseSeconds + 1;
    throw new TransientError(
      `another worker is syncing ${ref.system} ${ref.kind} ${ref.id}; retrying later`,
      { source: 'apsync', code: leaseHeldCode, retryAfterMs: Math.max(1, waitSeconds) * 1000 },
    );
  }
  try {
    return await work();
  } catch (error) {
    await onFailure(error as SyncError);
    throw error;
  } finally {
    await leases.releaseLease(lease, holder);
  }
}
