// One worker per record at a time: runs a record's sync under a lease in the state table, so two
// concurrent first syncs cannot both create the record on the other side. A held lease is a transient
// error (the message is retried later, by which time the other worker has finished) carrying the lease's
// remaining time (code LEASE_HELD, retryAfterMs), so a worker can wait it out instead of retrying sooner.
// The work may give the lease back itself with its last state write (RecordLease.givenBack: the
// DynamoDB store keeps a record's lease on its state item, StateWithLease); otherwise it is released
// once the work ends, as it is when the work fails.
import { randomUUID } from 'node:crypto';
import { type SyncError, TransientError } from '../errors.ts';
import { type RecordRef, recordLeaseName } from './model.ts';
import type { LeaseStore } from './ports.ts';

const recordLeaseSeconds = 120;

/** The code of the transient error "another worker holds this record's lease". */
export const leaseHeldCode = 'LEASE_HELD';

/** The lease a record's work runs under. */
export interface RecordLease {
  readonly name: string;
  readonly holder: string;
  /** The work's last state write gave the lease back: it is not released again. */
  givenBack(): void;
}

export async function withRecordLease<T>(
  leases: LeaseStore,
  ref: RecordRef,
  work: (lease: RecordLease) => Promise<T>,
  onFailure: (error: SyncError) => Promise<void>,
): Promise<T> {
  const lease = recordLeaseName(ref);
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
  let given = false;
  try {
    return await work({
      name: lease,
      holder,
      givenBack: () => {
        given = true;
      },
    });
  } catch (error) {
    await onFailure(error as SyncError);
    throw error;
  } finally {
    if (!given) await leases.releaseLease(lease, holder);
  }
}
