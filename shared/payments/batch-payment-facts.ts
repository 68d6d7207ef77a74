// Gathers the NetSuite fact reads of one batch's payments into one bulk read: each payment of the batch
// gets a participant; the read goes out once every participant has either asked for its facts or
// finished without needing them (or after `maxWaitMs`, so a slow payment does not hold the others).
// Needs the batch's payments to run side by side (the payment-push worker's processInParallel).

import type { PaymentFacts, PaymentFactsReads, PaymentFactsRequest, PaymentFactsSource } from './ports.ts';
import type { ExistingVendorPayment } from './vendor-payment-plan.ts';

export interface PaymentFactsParticipant extends PaymentFactsSource {
  /** This payment needs no (more) facts: the others need not wait for it. Call once it ends. */
  done(): void;
}

export interface BatchPaymentFacts {
  participant(): PaymentFactsParticipant;
}

interface Waiting {
  request: PaymentFactsRequest;
  resolve(facts: PaymentFacts): void;
  reject(error: unknown): void;
}

export function gatherPaymentFacts(
  reads: PaymentFactsReads & Pick<PaymentFactsSource, 'findVendorPayment'>,
  participants: number,
  // Long enough for a batch's payments to reach their facts on a loaded container (each first reads
  // Procurify and the state table): at 1 s, test/bench/payment-push.ts at C=15 on a busy machine split
  // batches into 2.3 reads; a payment stuck longer than this still does not hold the others.
  maxWaitMs = 5000,
): BatchPaymentFacts {
  let active = participants;
  let waiting: Waiting[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const group = waiting;
    waiting = [];
    if (group.length === 0) return;
    reads.readMany(group.map((entry) => entry.request)).then(
      (facts) => {
        for (const [index, entry] of group.entries()) entry.resolve(facts[index]!);
      },
      (error: unknown) => {
        for (const entry of group) entry.reject(error);
      },
    );
  };
  const settle = () => {
    if (active <= 0) flush();
    else if (waiting.length > 0 && timer === undefined) timer = setTimeout(flush, maxWaitMs);
  };

  return {
    participant: () => {
      let state: 'active' | 'asked' | 'done' = 'active';
      const leave = () => {
        if (state === 'active') active -= 1;
      };
      return {
        read: (request) => {
          // A second read (or one after done) is the payment's own: read at once.
          if (state !== 'active') return reads.readMany([request]).then((facts) => facts[0]!);
          leave();
          state = 'asked';
          return new Promise<PaymentFacts>((resolve, reject) => {
            waiting.push({ request, resolve, reject });
            settle();
          });
        },
        findVendorPayment: (externalId: string): Promise<ExistingVendorPayment | undefined> =>
          reads.findVendorPayment(externalId),
        done: () => {
          leave();
          state = 'done';
          settle();
        },
      };
    },
  };
}
