// Counts a record that ended needing a person (review, or failed with a data error) on its kind's metric
// (metric-names.ts, dataFailureMetrics), where the worker records the outcome: its alarm and the daily
// failure digest then make sure the failure reaches someone. syncRecord is a queue worker's one record:
// counted, then logged.
import { classOf } from '../errors.ts';
import { logger, MetricUnit, metrics } from '../observability.ts';
import type { SyncStatus } from '../state/model.ts';
import { type DataFailureKind, dataFailureMetrics } from './metric-names.ts';

/** Adds `count` to the kind's metric (nothing for 0). */
export function countDataFailures(kind: DataFailureKind, count = 1): void {
  if (count > 0) metrics.addMetric(dataFailureMetrics[kind].metricName, MetricUnit.Count, count);
}

/**
 * Runs one record's sync and counts it when it ends in `review` or `failed`, or throws a data error
 * (the message ends; transient errors are retried and not counted). The outcome or error is passed on.
 */
export async function countingDataFailures<T extends { status: SyncStatus }>(
  kind: DataFailureKind,
  run: () => Promise<T>,
): Promise<T> {
  let outcome: T;
  try {
    outcome = await run();
  } catch (error) {
    if (classOf(error) === 'data') countDataFailures(kind);
    throw error;
  }
  if (outcome.status === 'review' || outcome.status === 'failed') countDataFailures(kind);
  return outcome;
}

/**
 * One record of a queue worker: its sync run through countingDataFailures, then one log line naming the
 * record (`facts`) and what became of it (its status, and the outcome's own `details`).
 */
export async function syncRecord<T extends { status: SyncStatus }>(
  kind: DataFailureKind,
  run: () => Promise<T>,
  log: {
    message: string;
    facts: Record<string, unknown>;
    details?: (outcome: T) => Record<string, unknown>;
  },
): Promise<T> {
  const outcome = await countingDataFailures(kind, run);
  logger.info(log.message, { ...log.facts, status: outcome.status, ...log.details?.(outcome) });
  return outcome;
}
