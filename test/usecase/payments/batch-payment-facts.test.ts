// Gathering a batch's payment facts into one read (shared/payments/batch-payment-facts.ts, the
// payment-push worker's batch and the initial load's decidePayments): the read goes out once every payment
// has asked or ended, answers each payment with its own facts, passes a failure to every asker, does not
// let a payment that never asks hold the others past the wait limit (vitest's fake timer), and leaves a
// payment's lookup of its Vendor Payment to the reads. The batch's link lookups gathered the same way
// (gatherLinkReads): one request for all, each payment finding its own, a failure passed to each.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gatherLinkReads, gatherPaymentFacts } from '../../../shared/payments/batch-payment-facts.ts';
import type { PaymentFacts, PaymentFactsRequest } from '../../../shared/payments/ports.ts';
import type { RecordKind } from '../../../shared/state/model.ts';
import { linkLookupKey } from '../../../shared/state/ports.ts';

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
      findVendorPayment: async (externalId: string) => ({
        id: `vp-${externalId}`,
        applied: new Map<string, number>(),
        voided: false,
      }),
    },
  };
}

const request = (externalId: string): PaymentFactsRequest => ({ externalId, billIds: ['1'], glCode: null });
const tick = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

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
    vi.useFakeTimers();
    const { calls, reads } = recordingReads();
    const batch = gatherPaymentFacts(reads, 3, 5000);
    const [a, b] = [batch.participant(), batch.participant(), batch.participant()];
    const first = a.read(request('pay-1'));
    await vi.advanceTimersByTimeAsync(4000);
    const second = b.read(request('pay-2'));
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual([]);
    // The limit runs from the first ask: the third payment holds neither past it.
    await vi.advanceTimersByTimeAsync(1);
    expect([...(await first).bills.keys()]).toEqual(['pay-1']);
    expect([...(await second).bills.keys()]).toEqual(['pay-2']);
    expect(calls).toEqual([['pay-1', 'pay-2']]);
  });

  it('reads at once for a payment that asks after it ended, while the others are still to ask', async () => {
    const { calls, reads } = recordingReads();
    const batch = gatherPaymentFacts(reads, 2, 60_000);
    const [a] = [batch.participant(), batch.participant()];
    a.done();
    expect([...(await a.read(request('pay-1'))).bills.keys()]).toEqual(['pay-1']);
    expect(calls).toEqual([['pay-1']]);
  });

  it('leaves a payment’s lookup of its Vendor Payment to the reads, outside the batch', async () => {
    const { calls, reads } = recordingReads();
    const participant = gatherPaymentFacts(reads, 2, 60_000).participant();
    expect(await participant.findVendorPayment('procurify-pay-55')).toMatchObject({
      id: 'vp-procurify-pay-55',
    });
    expect(calls).toEqual([]);
  });
});

describe('gatherLinkReads', () => {
  const lookup = (kind: RecordKind, id: string) => ({ system: 'procurify' as const, kind, id });

  it('looks up every payment’s links in one request once each asked or ended, and passes a failure to each', async () => {
    const asked: string[][] = [];
    let fail = false;
    const reads = {
      findManyBySource: async (
        lookups: ReadonlyArray<{ system: 'procurify'; kind: RecordKind; id: string }>,
      ) => {
        asked.push(lookups.map(({ kind, id }) => `${kind}:${id}`));
        if (fail) throw new Error('DynamoDB unavailable');
        return new Map(
          lookups
            .filter(({ id }) => id !== 'b-2')
            .map(({ system, kind, id }) => [
              linkLookupKey(system, kind, id),
              { kind, procurifyId: id, netsuiteId: `ns-${id}`, origin: 'created' as const, linkedAt: 'x' },
            ]),
        );
      },
    };
    const batch = gatherLinkReads(reads, 3, 60_000);
    const [a, b, c] = [batch.participant(), batch.participant(), batch.participant()];
    const first = a.findManyBySource([lookup('payment', '1'), lookup('bill', 'b-1')]);
    const second = b.findManyBySource([lookup('payment', '2'), lookup('bill', 'b-2')]);
    await tick();
    expect(asked).toEqual([]);
    c.done();
    const [mine, theirs] = [await first, await second];
    expect(asked).toEqual([['payment:1', 'bill:b-1', 'payment:2', 'bill:b-2']]);
    expect(mine.get(linkLookupKey('procurify', 'bill', 'b-1'))).toMatchObject({ netsuiteId: 'ns-b-1' });
    // b-2 has no link: absent for its payment as findManyBySource answers alone.
    expect(theirs.has(linkLookupKey('procurify', 'bill', 'b-2'))).toBe(false);
    expect(theirs.get(linkLookupKey('procurify', 'payment', '2'))).toMatchObject({ netsuiteId: 'ns-2' });

    fail = true;
    const failing = gatherLinkReads(reads, 2, 60_000);
    const answers = [failing.participant(), failing.participant()].map((participant) =>
      participant.findManyBySource([lookup('vendor', '7')]),
    );
    await expect(answers[0]).rejects.toThrow('DynamoDB unavailable');
    await expect(answers[1]).rejects.toThrow('DynamoDB unavailable');
    expect(asked.at(-1)).toEqual(['vendor:7', 'vendor:7']);
  });
});
