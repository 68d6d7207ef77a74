// procurify-poll Lambda (EventBridge Scheduler, every 5 minutes by default; local mode's scheduler and
// `apsync sync now`): approved bills → bill queue, paid payments in push mode → payment queue, parked
// bills re-sent when their mapping may exist. Thin: the rules are in pollProcurify; this logs the run's
// summary, emits the sync lag and fails the invocation when a flow failed.
import type { Context } from 'aws-lambda';
import { syncLagMetricName } from '../../shared/lambda/metric-names.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import type { ScheduledRunEvent } from '../../shared/lambda/scheduled-event.ts';
import { logger, MetricUnit, metrics } from '../../shared/observability.ts';
import {
  type ProcurifyPollDependencies,
  type ProcurifyPollOptions,
  type ProcurifyPollSummary,
  pollProcurify,
} from '../../shared/procurify-poll/poll-procurify.ts';

export interface ProcurifyPollHandlerDependencies {
  /** The poll's dependencies, built once per container (the client rebuilt only when its secret changes). */
  poll(): Promise<ProcurifyPollDependencies>;
  options: ProcurifyPollOptions;
  /** No new batch is started when fewer milliseconds than this remain before the timeout (default 20 s). */
  stopMarginMs?: number;
}

export function createProcurifyPollHandler(deps: ProcurifyPollHandlerDependencies) {
  const stopMarginMs = deps.stopMarginMs ?? 20_000;
  const handle = async (event: ScheduledRunEvent, context: Context): Promise<ProcurifyPollSummary> => {
    const { summary, errors } = await pollProcurify(await deps.poll(), {
      ...deps.options,
      // Stopping between batches leaves the watermark at the last batch sent; the next run resumes there.
      shouldStop: () => context.getRemainingTimeInMillis() < stopMarginMs,
    });
    const run = { scheduledTime: event.scheduledTime, schedule: event.schedule, ...summary };
    if (summary.skippedBecauseLeaseHeld) {
      metrics.addMetric('PollSkippedLeaseHeld', MetricUnit.Count, 1);
      logger.info('procurify poll skipped: another run holds the lease', run);
      return summary;
    }
    // Emitted on failed runs too: a poll failing run after run shows a growing lag (alarm at 3 periods).
    if (summary.lagSeconds !== undefined) {
      metrics.addMetric(syncLagMetricName, MetricUnit.Seconds, summary.lagSeconds);
    }
    metrics.addMetric('BillsEnqueued', MetricUnit.Count, summary.bills?.enqueued ?? 0);
    metrics.addMetric('PaymentsEnqueued', MetricUnit.Count, summary.payments?.enqueued ?? 0);
    metrics.addMetric('ParkedBillsResent', MetricUnit.Count, summary.parkedBills?.resent ?? 0);
    if (errors.length > 0) {
      logger.error('procurify poll failed', run);
      throw errors[0];
    }
    logger.info('procurify poll finished', run);
    return summary;
  };
  return withPowertools(handle);
}
