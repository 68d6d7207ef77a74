// failure-digest Lambda (EventBridge Scheduler, daily by default; also on demand): sends the digest of
// data failures since the last one — records in review or failed by kind, the oldest open failure, open
// reconcile discrepancies — to the alarm topic (and a chat webhook when configured). Thin: the content
// is shared/digest/failure-digest.ts, the run shared/digest/send-failure-digest.ts.
import type { Context } from 'aws-lambda';
import {
  type FailureDigestSummary,
  type SendFailureDigestDependencies,
  sendFailureDigest,
} from '../../shared/digest/send-failure-digest.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import type { ScheduledRunEvent } from '../../shared/lambda/scheduled-event.ts';
import { logger, MetricUnit, metrics } from '../../shared/observability.ts';

export interface FailureDigestHandlerDependencies {
  digest(): Promise<SendFailureDigestDependencies>;
}

export function createFailureDigestHandler(deps: FailureDigestHandlerDependencies) {
  const handle = async (event: ScheduledRunEvent, _context: Context): Promise<FailureDigestSummary> => {
    const summary = await sendFailureDigest(await deps.digest());
    metrics.addMetric('DigestOpenFailures', MetricUnit.Count, summary.openFailures);
    for (const failure of summary.publishFailures) {
      logger.warn('failure digest not delivered to an optional publisher', failure);
    }
    logger.info('failure digest finished', { scheduledTime: event.scheduledTime, ...summary });
    return summary;
  };
  return withPowertools(handle);
}
