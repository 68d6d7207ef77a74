// The event of a scheduled function (netsuite-poll, procurify-poll, paid-bill-pull): the input each
// schedule gives its target (infra/cdk/service-stack.ts), which local mode's scheduler
// (infra/local/scheduler.ts) and `apsync sync now` (infra/cli/commands/sync-now.ts) imitate. The
// functions log it; `source` tells a run its schedule started from one asked for (shared/lambda/schedule-switch.ts).
export interface ScheduledRunEvent {
  scheduledTime?: string;
  schedule?: string;
  /** `apsync.schedule` from EventBridge Scheduler. */
  source?: string;
  executionId?: string;
}
