// The watermarks each scheduled flow keeps in the state table (WatermarkStore), by the names its use
// case gives them: one list for `apsync status` and the operator console. `…:caught-up` is the start
// time of the last complete run, from which the flow's sync lag is measured.
import { masterRecordTypes, pollDefaults } from './netsuite-poll/index.ts';
import { paidBillPullFlow } from './payments/pull-paid-bills.ts';
import { procurifyPollDefaults } from './procurify-poll/poll-procurify.ts';

/** By schedule (shared/function-registry.ts); a scheduled flow not listed keeps none. */
export const flowWatermarks: Readonly<Record<string, readonly string[]>> = {
  netsuitePoll: [
    `${pollDefaults.name}:caught-up`,
    ...masterRecordTypes.map((type) => `${pollDefaults.name}:${type}`),
  ],
  procurifyPoll: ['caught-up', 'bills', 'payments'].map((flow) => `${procurifyPollDefaults.name}:${flow}`),
  paidBillPull: [paidBillPullFlow],
  reconcile: [],
};
