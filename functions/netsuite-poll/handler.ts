// netsuite-poll Lambda (EventBridge Scheduler, every 15 minutes by default; local mode's scheduler):
// the SuiteQL delta poll of vendors, accounts and departments that brings changes whose record-event
// notice was lost. Thin: the rules are in pollMasterData; this logs the run's summary, emits the sync
// lag and fails the invocation when a record type failed (alarms, schedule DLQ).
import type { Context } from 'aws-lambda';
import { syncLagMetricName } from '../../shared/lambda/metric-names.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import type { ScheduledRunEvent } from '../../shared/lambda/scheduled-event.ts';
import {
  type PollMasterDataDependencies,
  type PollMasterDataOptions,
  type PollMasterDataSummary,
  pollMasterData,
  syncLagSeconds,
} from '../../shared/netsuite-poll/index.ts';
import { logger, MetricUnit, metrics } from '../../shared/observability.ts';

export interface NetSuitePollDependencies {
  /** The poll's dependencies, built once per container (the client rebuilt only when its secret changes). */
  poll(): Promise<PollMasterDataDependencies>;
  options: PollMasterDataOptions;
  /** No new batch is started when fewer milliseconds than this remain before the timeout (default 30 s). */
  stopMarginMs?: number;
  now?: () => Date;
}

export function createNetSuitePollHandler(deps: NetSuitePollDependencies) {
  const stopMarginMs = deps.stopMarginMs ?? 30_000;
  const now = deps.now ?? (() => new Date());
  const handle = async (event: ScheduledRunEvent, context: Context): Promise<PollMasterDataSummary> => {
    const { summary, errors } = await pollMasterData(await deps.poll(), {
      ...deps.options,
      // Stopping between batches leaves the watermark at the last batch sent; the next run resumes there.
      shouldStop: () => context.getRemainingTimeInMillis() < stopMarginMs,
    });
    const lagSeconds = syncLagSeconds(summary, now());
    const run = { scheduledTime: event.scheduledTime, schedule: event.schedule, lagSeconds, ...summary };
    if (summary.skippedBecauseLeaseHeld) {
      logger.info('netsuite poll skipped: another run holds the lease', run);
      return summary;
    }
    // Emitted on failed runs too: a poll failing run after run shows a growing lag (alarm at 3 periods).
    if (lagSeconds !== undefined) metrics.addMetric(syncLagMetricName, MetricUnit.Seconds, lagSeconds);
    if (errors.length > 0) {
      logger.error('netsuite poll failed', run);
      throw errors[0];
    }
    logger.info('netsuite poll finished', run);
    return summary;
  };
  return withPowertools(handle);
}
