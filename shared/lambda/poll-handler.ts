// The handler both watermarked polls' Lambdas return (functions/netsuite-poll, functions/procurify-poll):
// one run of the poll (shared/poll/watermarked-poll.ts), told to start no new batch once the invocation
// nears its timeout; the run's summary logged; the sync lag emitted, on failed runs too; and the
// invocation failed with the run's first error when a part of it failed (alarms, the schedule's DLQ).
import type { Context } from 'aws-lambda';
import type { SyncError } from '../errors.ts';
import { logger, MetricUnit, metrics } from '../observability.ts';
import type { PollRunSummary } from '../poll/watermarked-poll.ts';
import { syncLagMetricName } from './metric-names.ts';
import { type LambdaHandler, withPowertools } from './powertools-handler.ts';
import type { ScheduledRunEvent } from './scheduled-event.ts';

/** What a poll function's composition root gives its handler. */
export interface PollFunctionDependencies<Dependencies, Options> {
  /** The poll's dependencies, built once per container (the client rebuilt only when its secret changes). */
  poll(): Promise<Dependencies>;
  options: Options;
  /** No new batch is started when fewer milliseconds than this remain before the timeout (default per poll). */
  stopMarginMs?: number;
}

/** What differs between the polls. */
export interface PollHandlerSpec<Summary extends PollRunSummary> {
  /** How the log lines name the poll: `<name> finished`, `<name> failed`. */
  name: string;
  /** One run; it starts no new batch once shouldStop() is true. */
  run(shouldStop: () => boolean): Promise<{ summary: Summary; errors: SyncError[] }>;
  stopMarginMs: number;
  /** The run's sync lag in seconds; undefined emits none. */
  lagSeconds(summary: Summary): number | undefined;
  /** Count metrics of a run that was not skipped, emitted after the lag (failed runs too). */
  counts?(summary: Summary): Record<string, number>;
  /** A count metric emitted (1) when the run is skipped because another run holds the lease. */
  skippedMetric?: string;
}

export function createPollHandler<Summary extends PollRunSummary>(
  spec: PollHandlerSpec<Summary>,
): LambdaHandler<ScheduledRunEvent, Summary> {
  const handle = async (event: ScheduledRunEvent, context: Context): Promise<Summary> => {
    // Stopping between batches leaves the watermark at the last batch sent; the next run resumes there.
    const { summary, errors } = await spec.run(() => context.getRemainingTimeInMillis() < spec.stopMarginMs);
    const lagSeconds = spec.lagSeconds(summary);
    const fields: PollRunSummary = summary; // every field is logged; the type only lets the logger take it
    const run = { scheduledTime: event.scheduledTime, schedule: event.schedule, lagSeconds, ...fields };
    if (summary.skippedBecauseLeaseHeld) {
      if (spec.skippedMetric !== undefined) metrics.addMetric(spec.skippedMetric, MetricUnit.Count, 1);
      logger.info(`${spec.name} skipped: another run holds the lease`, run);
      return summary;
    }
    // Emitted on failed runs too: a poll failing run after run shows a growing lag (alarm at 3 periods).
    if (lagSeconds !== undefined) metrics.addMetric(syncLagMetricName, MetricUnit.Seconds, lagSeconds);
    for (const [name, count] of Object.entries(spec.counts?.(summary) ?? {})) {
      metrics.addMetric(name, MetricUnit.Count, count);
    }
    if (errors.length > 0) {
      logger.error(`${spec.name} failed`, run);
      throw errors[0];
    }
    logger.info(`${spec.name} finished`, run);
    return summary;
  };
  return withPowertools(handle);
}
