// One worker per record at a time: runs a record's sync under a lease in the state table, so two
// concurrent first syncs cannot both create the record on the other side. A held lease is a transient
// error (the message is retried later, by which time the other worker has finished) carrying the lease's
// remaining time (code LEASE_HELD, retryAfterMs), so a worker can wait it out instead of retrying sooner.
// The work may give the lease back itself with its last state write (RecordLease.givenBack: the
// DynamoDB store keeps a record's lease on its state item, StateWithLease); otherwise it is released
// once the work ends, as it is when the work fails. A store that takes the lease and reads the record's
// state in one request (RecordLeaseTaking) hands the work that state (RecordLease.found) and a held
// lease's remaining time with its refusal.
import { randomUUID } from 'node:crypto';
import { type SyncError, TransientError } from '../errors.ts';
import { type RecordRef, type RecordState, recordLeaseName } from './model.ts';
import type { LeaseStore, RecordLeaseTaking } from './ports.ts';

const recordLeaseSeconds = 120;

/** The code of the transient error "another worker holds this record's lease". */
export const leaseHeldCode = 'LEASE_HELD';

/** The lease a record's work runs under. */
export interface RecordLease {
  readonly name: string;
  readonly holder: string;
  /** The work's last state write gave the lease back: it is not released again. */
  givenBack(): void;
  /**
   * The record's state when the lease was taken, read strongly with it (RecordLeaseTaking); absent
   * where the store took the lease alone (the work reads the state itself).
   */
  readonly found?: { state: RecordState | undefined };
}

export async function withRecordLease<T>(
  leases: LeaseStore & Partial<RecordLeaseTaking>,
  ref: RecordRef,
  work: (lease: RecordLease) => Promise<T>,
  onFailure: (error: SyncError) => Promise<void>,
): Promise<T> {
  const lease = recordLeaseName(ref);
  const holder = randomUUID();
  const taken = await take(leases, ref, lease, holder);
  if (!taken.taken) {
    throw new TransientError(
      `another worker is syncing ${ref.system} ${ref.kind} ${ref.id}; retrying later`,
      { source: 'apsync', code: leaseHeldCode, retryAfterMs: Math.max(1, taken.waitSeconds) * 1000 },
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
      ...(taken.found === undefined ? {} : { found: taken.found }),
    });
  } catch (error) {
    await onFailure(error as SyncError);
    throw error;
  } finally {
    if (!given) await leases.releaseLease(lease, holder);
  }
}

/** The lease taken (with the record's state, where the store reads it with the take), or how long it is held. */
async function take(
  leases: LeaseStore & Partial<RecordLeaseTaking>,
  ref: RecordRef,
  lease: string,
  holder: string,
): Promise<
  { taken: true; found?: { state: RecordState | undefined } } | { taken: false; waitSeconds: number }
> {
  if (leases.takeRecordLease !== undefined) {
    const answer = await leases.takeRecordLease(ref, holder, recordLeaseSeconds);
    return answer.taken ? { taken: true, found: { state: answer.state } } : answer;
  }
  if (await leases.acquireLease(lease, holder, recordLeaseSeconds)) return { taken: true };
  // Only a hint: a failed read assumes the lease's whole time.
  const waitSeconds =
    (await leases.leaseWaitSeconds?.(lease).catch(() => undefined)) ?? recordLeaseSeconds + 1;
  return { taken: false, waitSeconds };
}
