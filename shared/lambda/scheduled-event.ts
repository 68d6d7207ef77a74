// The event of a scheduled function (netsuite-poll, procurify-poll, paid-bill-pull): the input each
// schedule gives its target (infra/cdk/service-stack.ts), which local mode's scheduler
// (infra/local/scheduler.ts) and `apsync sync now` (infra/cli/commands/sync-now.ts) imitate. The
// functions only log it.
export interface ScheduledRunEvent {
  scheduledTime?: string;
  schedule?: string;
  /** `apsync.schedule` from EventBridge Scheduler. */
  source?: string;
  executionId?: string;
}
