// Splits the configured NetSuite concurrency share among the functions that call NetSuite, so that
// together they stay within the share and can use it fully. Called by the service stack when it wires
// SQS event sources (maxConcurrency) and function environments (per-instance permits).
import { type FunctionDefinition, queueOf } from '../../shared/function-registry.ts';

/** SQS event sources accept a maxConcurrency from 2 to 1000. */
export const eventSourceConcurrencyRange = { min: 2, max: 1000 } as const;

export interface NetSuiteAllotment {
  /** Cap on concurrent instances (SQS event source `maxConcurrency`); undefined for scheduled runs. */
  readonly maxConcurrency: number | undefined;
  /** In-flight NetSuite requests one instance may hold (its client's governor limit). */
  readonly permitsPerInstance: number;
}

export interface NetSuiteAllocation {
  readonly allotments: ReadonlyMap<string, NetSuiteAllotment>;
  /** Instances that may call NetSuite at once when every queue worker runs at its cap. */
  readonly plannedInstances: number;
  /** Set when the share is too small for the SQS minimum of 2 instances per NetSuite queue worker. */
  readonly shortfall: string | undefined;
}

/**
 * Queue workers split the share by weight (each gets at least the SQS minimum of 2 instances) and each
 * instance holds one permit: workers process their batch's records one after another. Scheduled
 * functions take one permit and no planned slot: they hold a lease, so one run of each exists at a time,
 * and they run minutes apart; the client's adaptive governor absorbs the overlap (halves on a 429).
 *
 * The cap is the event source's maxConcurrency, not reserved concurrency: reserving takes from the
 * account's unreserved pool (a new account's limit of 10 cannot spare any, so the deploy would fail),
 * and an SQS batch throttled by a reservation goes back to the queue and counts as a receive toward
 * the dead-letter queue; maxConcurrency simply stops polling at the cap.
 */
export function allocateNetSuiteConcurrency(
  share: number,
  definitions: readonly FunctionDefinition[],
): NetSuiteAllocation {
  const workers = definitions.filter((d) => d.netsuite !== undefined && queueOf(d) !== undefined);
  const totalWeight = workers.reduce((sum, d) => sum + (d.netsuite?.weight ?? 0), 0);
  const allotments = new Map<string, NetSuiteAllotment>();
  let plannedInstances = 0;
  for (const worker of workers) {
    const fair = totalWeight === 0 ? 0 : Math.floor((share * (worker.netsuite?.weight ?? 0)) / totalWeight);
    const maxConcurrency = Math.min(
      eventSourceConcurrencyRange.max,
      Math.max(eventSourceConcurrencyRange.min, fair),
    );
    plannedInstances += maxConcurrency;
    allotments.set(worker.name, { maxConcurrency, permitsPerInstance: 1 });
  }
  for (const scheduled of definitions.filter((d) => d.netsuite !== undefined && queueOf(d) === undefined)) {
    allotments.set(scheduled.name, { maxConcurrency: undefined, permitsPerInstance: 1 });
  }
  const shortfall =
    plannedInstances > share
      ? `NetSuite concurrency share ${share} is below the ${plannedInstances} instances its ${workers.length} ` +
        `queue workers run at most (SQS event sources run at least ${eventSourceConcurrencyRange.min} each); ` +
        'raise apsync.netsuite.concurrencyShare if the account allows it, otherwise the NetSuite client ' +
        'governor backs off on 429s'
      : undefined;
  return { allotments, plannedInstances, shortfall };
}
