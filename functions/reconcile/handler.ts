// reconcile Lambda (EventBridge Scheduler, daily by default; also on demand): compares NetSuite and
// Procurify in bulk and repairs master data (issue 14). Thin: the rules are in shared/reconcile; this logs
// the run's totals and emits one metric per discrepancy kind plus the open count its alarm watches.
// Scheduled runs never pass --fix: bills and payments are reported, repaired by `apsync reconcile --fix`.
import type { Context } from 'aws-lambda';
import { reconcileOpenMetricName } from '../../shared/lambda/metric-names.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import type { ScheduledRunEvent } from '../../shared/lambda/scheduled-event.ts';
import { logger, MetricUnit, metrics } from '../../shared/observability.ts';
import { type ReconcileDependencies, type ReconcileReport, reconcile } from '../../shared/reconcile/index.ts';

export interface ReconcileHandlerDependencies {
  /** The reconcile dependencies (clients built from secrets once per container). */
  reconcile(): Promise<ReconcileDependencies>;
}

/** What a run returns: the report without the discrepancy list (kept in the state table for `apsync status`). */
export type ReconcileRunSummary = Omit<ReconcileReport, 'discrepancies'>;

export function createReconcileHandler(deps: ReconcileHandlerDependencies) {
  const handle = async (event: ScheduledRunEvent, _context: Context): Promise<ReconcileRunSummary> => {
    const report = await reconcile(await deps.reconcile());
    for (const [area, kinds] of Object.entries(report.counts)) {
      for (const [kind, count] of Object.entries(kinds ?? {})) {
        metrics.addMetric(`Discrepancies_${area}_${kind}`, MetricUnit.Count, count ?? 0);
      }
    }
    metrics.addMetric(reconcileOpenMetricName, MetricUnit.Count, report.totals.open);
    logger.info('reconcile finished', {
      scheduledTime: event.scheduledTime,
      reconciledAsOf: report.reconciledAsOf,
      checked: report.checked,
      counts: report.counts,
      totals: report.totals,
      requests: report.requests,
    });
    const { discrepancies: _discrepancies, ...summary } = report;
    return summary;
  };
  return withPowertools(handle);
}
