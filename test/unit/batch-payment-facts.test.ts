// Gathering a batch's payment facts into one read: the read goes out once every payment has asked or
// ended, answers each payment with its own facts, passes a failure to every asker, and does not let a
// payment that never asks hold the others past the wait limit.
import { describe, expect, it } from 'vitest';
import { gatherPaymentFacts } from '../../shared/payments/batch-payment-facts.ts';
import type { PaymentFacts, PaymentFactsRequest } from '../../shared/payments/ports.ts';

/** Reads answering each request with its external id as the only bill, recording every readMany. */
function recordingReads(fail = false) {
  const calls: string[][] = [];
  return {
    calls,
    reads: {
      readMany: async (requests: readonly PaymentFactsRequest[]): Promise<PaymentFacts[]> => {
        calls.push(requests.map((request) => request.externalId));
        if (fail) throw new Error('NetSuite unavailable');
        return requests.map((request) => ({
          bills: new Map([[request.externalId, { id: request.externalId } as never]]),
          accounts: [],
        }));
      },
      findVendorPayment: async () => undefined,
    },
  };
}

const request = (externalId: string): PaymentFactsRequest => ({ externalId, billIds: ['1'], glCode: null });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('gatherPaymentFacts', () => {
  it('reads once, after every payment of the batch asked or ended, each answered with its own facts', async () => {
    const { calls, reads } = recordingReads();
    const batch = gatherPaymentFacts(reads, 3, 60_000);
    const [a, b, c] = [batch.participant(), batch.participant(), batch.participant()];
    const first = a.read(request('pay-1'));
    await tick();
    expect(calls).toEqual([]);
    const second = b.read(request('pay-2'));
    await tick();
    expect(calls).toEqual([]);
    c.done();
    expect([...(await first).bills.keys()]).toEqual(['pay-1']);
    expect([...(await second).bills.keys()]).toEqual(['pay-2']);
    expect(calls).toEqual([['pay-1', 'pay-2']]);
    // A later read of a payment that already had its answer is its own.
    await a.read(request('pay-1'));
    expect(calls).toEqual([['pay-1', 'pay-2'], ['pay-1']]);
  });

  it('gives every asker the read failure', async () => {
    const { reads } = recordingReads(true);
    const batch = gatherPaymentFacts(reads, 2, 60_000);
    const [a, b] = [batch.participant(), batch.participant()];
    const answers = [a.read(request('pay-1')), b.read(request('pay-2'))];
    await expect(answers[0]).rejects.toThrow('NetSuite unavailable');
    await expect(answers[1]).rejects.toThrow('NetSuite unavailable');
  });

  it('reads for the payments that asked when another neither asks nor ends within the wait limit', async () => {
    const { calls, reads } = recordingReads();
    const batch = gatherPaymentFacts(reads, 2, 20);
    const [a] = [batch.participant(), batch.participant()];
    const facts = await a.read(request('pay-1'));
    expect([...facts.bills.keys()]).toEqual(['pay-1']);
    expect(calls).toEqual([['pay-1']]);
  });
});
