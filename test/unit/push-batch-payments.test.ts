// Reading a payment-push batch's Procurify payments together: one list request by ids, started by the
// first payment that asks and shared by the others; a payment the answer lacks is undefined (its caller
// reads it alone); nothing is read when no payment asks.
import { describe, expect, it } from 'vitest';
import type { ApPayment } from '../../shared/ap/payment.ts';
import { readPaymentsTogether } from '../../shared/payments/push-batch-payments.ts';
import type { PaymentListFilter } from '../../shared/procurify/ports.ts';

/** A Procurify that has payments 1, 2 and 3, recording the ids of every list request. */
function recordingProcurify() {
  const calls: Array<number[] | undefined> = [];
  return {
    calls,
    procurify: {
      async *listPayments(filter: PaymentListFilter = {}): AsyncIterable<ApPayment> {
        calls.push(filter.ids);
        for (const id of filter.ids ?? []) if (id <= 3) yield { id } as ApPayment;
      },
    },
  };
}

describe('readPaymentsTogether', () => {
  it('reads the batch in one request, whichever payment asks first', async () => {
    const { calls, procurify } = recordingProcurify();
    const payments = readPaymentsTogether(procurify, ['2', '1', '3', '2']);
    const found = await Promise.all(['3', '1', '2'].map((id) => payments(id)));
    expect(found.map((payment) => payment?.id)).toEqual([3, 1, 2]);
    expect(calls).toEqual([[2, 1, 3]]);
  });

  it('answers undefined for a payment the list does not hold', async () => {
    const { calls, procurify } = recordingProcurify();
    const payments = readPaymentsTogether(procurify, ['1', '9']);
    expect(await payments('9')).toBeUndefined();
    expect((await payments('1'))?.id).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('lists nothing when no id of the batch can be a filter value (each is read alone)', async () => {
    const { calls, procurify } = recordingProcurify();
    const payments = readPaymentsTogether(procurify, ['99999999999999999999']);
    expect(await payments('99999999999999999999')).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('reads nothing until a payment asks', () => {
    const { calls, procurify } = recordingProcurify();
    readPaymentsTogether(procurify, ['1', '2']);
    expect(calls).toEqual([]);
  });
});
