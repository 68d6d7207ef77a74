// paid-bill-pull Lambda (EventBridge Scheduler, hourly; also on demand): in pull mode, marks bills
// paid in Procurify that NetSuite shows Paid In Full. Thin: the rules are in pullPaidBills. A failed
// run throws (Scheduler's retry and dead-letter queue take it); the watermark did not move.
import type { Context } from 'aws-lambda';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import type { ScheduledRunEvent } from '../../shared/lambda/scheduled-event.ts';
import { logger } from '../../shared/observability.ts';
import {
  type PaidBillPullDependencies,
  type PaidBillPullSummary,
  pullPaidBills,
} from '../../shared/payments/pull-paid-bills.ts';

export interface PaidBillPullHandlerDependencies {
  /** The pull dependencies (clients built from secrets once per container). */
  pull(): Promise<PaidBillPullDependencies>;
}

export function createPaidBillPullHandler(deps: PaidBillPullHandlerDependencies) {
  const handle = async (event: ScheduledRunEvent, _context: Context): Promise<PaidBillPullSummary> => {
    const summary = await pullPaidBills(await deps.pull());
    logger.info('paid-bill pull finished', {
      scheduledTime: event.scheduledTime,
      skipped: summary.skipped,
      examined: summary.examined,
      unknown: summary.unknown,
      marked: summary.marked,
      alreadyPaid: summary.alreadyPaid,
      partial: summary.partial.length,
      notMarkable: summary.notMarkable.length,
      failed: summary.failed.length,
      watermark: summary.watermark,
    });
    return summary;
  };
  return withPowertools(handle);
}
