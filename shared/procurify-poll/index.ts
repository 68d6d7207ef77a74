// Public surface of the Procurify poll (bills and payments): what the procurify-poll function and the CLI import.
export {
  type FlowPollSummary,
  type ProcurifyPollDependencies,
  type ProcurifyPollOptions,
  type ProcurifyPollOutcome,
  type ProcurifyPollSummary,
  polledBillStatuses,
  pollProcurify,
  procurifyPollDefaults,
  pushedPaymentStatuses,
} from './poll-procurify.ts';
