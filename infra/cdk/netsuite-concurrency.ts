// Splits the configured NetSuite concurrency share among the functions that call NetSuite, so that
// together they stay within the share and can use it fully. Called by the service stack when it wires
// SQS event sources (maxConcurrency) and function environments (per-instance permits).
import { type FunctionDefinition, queueOf } from '../../shared/function-registry.ts';

/** SQS event sources accept a maxConcurrency from 2 to 1000 (Lambda API reference, ScalingConfig). */
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
 * instance holds one permit. The payment-push worker runs a batch's payments side by side behind that
 * permit (functions/payment-push-worker/handler.ts processInParallel), yet one permit per instance stays:
 * an instance runs one invocation at a time, so k permits idle together through the batch's own steps
 * before its first NetSuite request (Procurify, the state table, its facts read) and after its last, and
 * its requests (one facts read, then a write per payment) fill k permits only in part. Measured with
 * test/bench/payment-push.ts at C=15 (500 payments, 2026-12-04, load 0.9-4.8): 15 instances x 1 permit,
 * batch 5: 75.5 % of C/L; 5 x 3: 53.0 % (batch 5), 61.3 % (batch 10); 3 x 5: 33.9 % (batch 5), 53.3 %
 * (batch 10). Batches above 10 need a batching window of at least 1 s (Lambda API reference, BatchSize:
 * "When you set BatchSize to a value greater than 10, you must set MaximumBatchingWindowInSeconds to at
 * least 1"), and maxConcurrency is 2 to 1000 (https://docs.aws.amazon.com/lambda/latest/dg/API_ScalingConfig.html),
 * so a share of 5 has no layout but 5 x 1 (2 x 2 leaves a permit unused). Scheduled
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
