// paid-bill-pull Lambda (EventBridge Scheduler, hourly; also on demand): in pull mode, marks bills
// paid in Procurify that NetSuite shows Paid In Full. Thin: the rules are in pullPaidBills; this logs
// the run's summary and emits the sync lag its alarm watches (SyncLagSeconds: now minus the instant the
// last complete run started), on failed runs too. A failed run throws (Scheduler's retry and dead-letter
// queue take it); the watermark did not move.
import type { Context } from 'aws-lambda';
import { countDataFailures } from '../../shared/lambda/data-failure-metric.ts';
import { syncLagMetricName } from '../../shared/lambda/metric-names.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import type { ScheduledRunEvent } from '../../shared/lambda/scheduled-event.ts';
import { logger, MetricUnit, metrics } from '../../shared/observability.ts';
import {
  type PaidBillPullDependencies,
  type PaidBillPullSummary,
  paidBillPullLag,
  pullPaidBills,
} from '../../shared/payments/pull-paid-bills.ts';

export interface PaidBillPullHandlerDependencies {
  /** The pull dependencies (clients built from secrets once per container). */
  pull(): Promise<PaidBillPullDependencies>;
  now?: () => Date;
}

export function createPaidBillPullHandler(deps: PaidBillPullHandlerDependencies) {
  const now = deps.now ?? (() => new Date());
  const handle = async (event: ScheduledRunEvent, _context: Context): Promise<PaidBillPullSummary> => {
    const pull = await deps.pull();
    let summary: PaidBillPullSummary;
    try {
      summary = await pullPaidBills(pull);
    } catch (error) {
      // A run failing run after run shows a growing lag (alarm at three periods).
      const lagSeconds = await paidBillPullLag(pull.state, now()).catch(() => undefined);
      if (lagSeconds !== undefined) metrics.addMetric(syncLagMetricName, MetricUnit.Seconds, lagSeconds);
      logger.error('paid-bill pull failed', { scheduledTime: event.scheduledTime, lagSeconds, error });
      throw error;
    }
    // Push mode and a run left to another one emit nothing: the alarm treats missing data as fine.
    if (summary.lagSeconds !== undefined) {
      metrics.addMetric(syncLagMetricName, MetricUnit.Seconds, summary.lagSeconds);
    }
    if (summary.skipped === undefined) {
      metrics.addMetric('BillsMarkedPaid', MetricUnit.Count, summary.marked);
      metrics.addMetric('PaidBillsParked', MetricUnit.Count, summary.parked);
      // Bills this run could not mark (refused or not markable: parked, tried again next run).
      countDataFailures('marksFailed', summary.failed.length + summary.notMarkable.length);
    }
    logger.info('paid-bill pull finished', {
      scheduledTime: event.scheduledTime,
      skipped: summary.skipped,
      since: summary.since,
      examined: summary.examined,
      unknown: summary.unknown,
      marked: summary.marked,
      alreadyPaid: summary.alreadyPaid,
      partial: summary.partial.length,
      notMarkable: summary.notMarkable.length,
      failed: summary.failed.length,
      retried: summary.retried,
      parked: summary.parked,
      watermark: summary.watermark,
      lagSeconds: summary.lagSeconds,
    });
    return summary;
  };
  return withPowertools(handle);
}
