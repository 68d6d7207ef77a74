// The watermarks each scheduled flow keeps in the state table (WatermarkStore), by the names its use
// case gives them: one list for `apsync status` and the operator console. `…:caught-up` is the start
// time of the last complete run, from which the flow's sync lag is measured.
// The flows' names are written here, not imported from their use cases: the console's overview reads this
// list, and importing the use cases loaded the NetSuite client and the payment plans into every console
// container (test/unit/flow-watermarks.test.ts checks the names are the use cases' own).
import { masterRecordTypes } from './netsuite-poll/ports.ts';

/** shared/netsuite-poll/poll-master-data.ts's pollDefaults.name. */
const netsuitePollName = 'netsuite-poll';
/** shared/procurify-poll/poll-procurify.ts's procurifyPollDefaults.name. */
const procurifyPollName = 'procurify-poll';
/** shared/payments/pull-paid-bills.ts's paidBillPullFlow. */
const paidBillPullFlow = 'paid-bill-pull';

/** By schedule (shared/function-registry.ts); a scheduled flow not listed keeps none. */
export const flowWatermarks: Readonly<Record<string, readonly string[]>> = {
  netsuitePoll: [
    `${netsuitePollName}:caught-up`,
    ...masterRecordTypes.map((type) => `${netsuitePollName}:${type}`),
  ],
  procurifyPoll: ['caught-up', 'bills', 'payments'].map((flow) => `${procurifyPollName}:${flow}`),
  paidBillPull: [paidBillPullFlow],
  reconcile: [],
};
