// netsuite-poll Lambda (EventBridge Scheduler, every 15 minutes by default; local mode's scheduler):
// the SuiteQL delta poll of vendors, accounts and departments that brings changes whose record-event
// notice was lost. Thin: the rules are in pollMasterData; the run's log, sync lag and failing the
// invocation when a record type failed are the polls' common handler (shared/lambda/poll-handler.ts).
import { createPollHandler, type PollFunctionDependencies } from '../../shared/lambda/poll-handler.ts';
import {
  type PollMasterDataDependencies,
  type PollMasterDataOptions,
  pollMasterData,
  syncLagSeconds,
} from '../../shared/netsuite-poll/index.ts';

export interface NetSuitePollDependencies
  extends PollFunctionDependencies<PollMasterDataDependencies, PollMasterDataOptions> {
  now?: () => Date;
}

export function createNetSuitePollHandler(deps: NetSuitePollDependencies) {
  const now = deps.now ?? (() => new Date());
  return createPollHandler({
    name: 'netsuite poll',
    stopMarginMs: deps.stopMarginMs ?? 30_000,
    run: async (shouldStop) => pollMasterData(await deps.poll(), { ...deps.options, shouldStop }),
    lagSeconds: (summary) => syncLagSeconds(summary, now()),
  });
}
