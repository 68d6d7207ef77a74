// The watermark names the status and the console's overview list (shared/flow-watermarks.ts, written there
// so the console does not load the use cases) are the names the scheduled use cases keep theirs under.
import { describe, expect, it } from 'vitest';
import { flowWatermarks } from '../../shared/flow-watermarks.ts';
import { masterRecordTypes, pollDefaults } from '../../shared/netsuite-poll/index.ts';
import { paidBillPullFlow } from '../../shared/payments/pull-paid-bills.ts';
import { procurifyPollDefaults } from '../../shared/procurify-poll/poll-procurify.ts';

describe('flow watermarks', () => {
  it('are named as the NetSuite poll, the Procurify poll and the paid-bill pull name theirs', () => {
    expect(flowWatermarks.netsuitePoll).toEqual([
      `${pollDefaults.name}:caught-up`,
      ...masterRecordTypes.map((type) => `${pollDefaults.name}:${type}`),
    ]);
    expect(flowWatermarks.procurifyPoll).toEqual(
      ['caught-up', 'bills', 'payments'].map((flow) => `${procurifyPollDefaults.name}:${flow}`),
    );
    expect(flowWatermarks.paidBillPull).toEqual([paidBillPullFlow]);
  });
});
