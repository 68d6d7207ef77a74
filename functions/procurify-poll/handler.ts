// procurify-poll Lambda (EventBridge Scheduler, every 5 minutes by default; local mode's scheduler and
// `apsync sync now`): approved bills → bill queue, paid payments in push mode → payment queue, parked
// bills re-sent when their mapping may exist. Thin: the rules are in pollProcurify; the run's log, sync
// lag and failing the invocation when a flow failed are the polls' common handler
// (shared/lambda/poll-handler.ts); this adds the enqueued counts and the skipped-run metric.
import { createPollHandler, type PollFunctionDependencies } from '../../shared/lambda/poll-handler.ts';
import {
  type ProcurifyPollDependencies,
  type ProcurifyPollOptions,
  pollProcurify,
} from '../../shared/procurify-poll/poll-procurify.ts';

export type ProcurifyPollHandlerDependencies = PollFunctionDependencies<
  ProcurifyPollDependencies,
  ProcurifyPollOptions
>;

export function createProcurifyPollHandler(deps: ProcurifyPollHandlerDependencies) {
  return createPollHandler({
    name: 'procurify poll',
    stopMarginMs: deps.stopMarginMs ?? 20_000,
    run: async (shouldStop) => pollProcurify(await deps.poll(), { ...deps.options, shouldStop }),
    lagSeconds: (summary) => summary.lagSeconds,
    skippedMetric: 'PollSkippedLeaseHeld',
    counts: (summary) => ({
      BillsEnqueued: summary.bills?.enqueued ?? 0,
      PaymentsEnqueued: summary.payments?.enqueued ?? 0,
      ParkedBillsResent: summary.parkedBills?.resent ?? 0,
    }),
  });
}
