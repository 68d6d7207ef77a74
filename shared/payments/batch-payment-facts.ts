// Gathers the reads of one batch's payments into one read each: their NetSuite facts (one SuiteQL read)
// and the links their decisions look up (one DynamoDB BatchGetItem). Each payment of the batch gets a
// participant; a read goes out once every participant has either asked for it or finished without
// needing it (or after `maxWaitMs`, so a slow payment does not hold the others). Needs the batch's
// payments to run side by side (the payment-push worker's processInParallel).

import type { RecordKind, RecordLink, SystemName } from '../state/model.ts';
import type { LinkReads } from '../state/ports.ts';
import type { PaymentFacts, PaymentFactsReads, PaymentFactsRequest, PaymentFactsSource } from './ports.ts';
import type { ExistingVendorPayment } from './vendor-payment-plan.ts';

/** One payment's share of a gathered read. */
interface GatheredParticipant<Request, Answer> {
  read(request: Request): Promise<Answer>;
  /** This payment needs no (more) of this read: the others need not wait for it. Call once it ends. */
  done(): void;
}

export interface PaymentFactsParticipant extends PaymentFactsSource {
  /** This payment needs no (more) facts: the others need not wait for it. Call once it ends. */
  done(): void;
}

export interface BatchPaymentFacts {
  participant(): PaymentFactsParticipant;
}

export interface LinkReadsParticipant extends LinkReads {
  /** This payment looks up no (more) links: the others need not wait for it. Call once it ends. */
  done(): void;
}

export interface BatchLinkReads {
  participant(): LinkReadsParticipant;
}

interface Waiting<Request, Answer> {
  request: Request;
  resolve(answer: Answer): void;
  reject(error: unknown): void;
}

/**
 * The gathering itself: `readMany` answers several requests in one go (in their order); each
 * participant's first read waits for the group, a later one (or one after done) is read alone.
 */
function gatherReads<Request, Answer>(
  readMany: (requests: readonly Request[]) => Promise<readonly Answer[]>,
  participants: number,
  maxWaitMs: number,
): { participant(): GatheredParticipant<Request, Answer> } {
  let active = participants;
  let waiting: Waiting<Request, Answer>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const group = waiting;
    waiting = [];
    if (group.length === 0) return;
    readMany(group.map((entry) => entry.request)).then(
      (answers) => {
        for (const [index, entry] of group.entries()) entry.resolve(answers[index]!);
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
          if (state !== 'active') return readMany([request]).then((answers) => answers[0]!);
          leave();
          state = 'asked';
          return new Promise<Answer>((resolve, reject) => {
            waiting.push({ request, resolve, reject });
            settle();
          });
        },
        done: () => {
          leave();
          state = 'done';
          settle();
        },
      };
    },
  };
}

/**
 * Long enough for a batch's payments to reach their facts on a loaded container (each first reads
 * Procurify and the state table): at 1 s, test/bench/payment-push.ts at C=15 on a busy machine split
 * batches into 2.3 reads; a payment stuck longer than this still does not hold the others.
 */
const defaultMaxWaitMs = 5000;

export function gatherPaymentFacts(
  reads: PaymentFactsReads & Pick<PaymentFactsSource, 'findVendorPayment'>,
  participants: number,
  maxWaitMs = defaultMaxWaitMs,
): BatchPaymentFacts {
  const gathered = gatherReads<PaymentFactsRequest, PaymentFacts>(
    (requests) => reads.readMany(requests),
    participants,
    maxWaitMs,
  );
  return {
    participant: () => {
      const { read, done } = gathered.participant();
      return {
        read,
        findVendorPayment: (externalId: string): Promise<ExistingVendorPayment | undefined> =>
          reads.findVendorPayment(externalId),
        done,
      };
    },
  };
}

type LinkLookups = ReadonlyArray<{ system: SystemName; kind: RecordKind; id: string }>;

/**
 * The batch's link lookups (each payment's own link, its bills' and their vendors') in one
 * findManyBySource: every participant gets the answer to all of them, keyed as findManyBySource keys
 * it, so each finds its own (a key absent is a link not found, for every payment alike).
 */
export function gatherLinkReads(
  reads: LinkReads,
  participants: number,
  maxWaitMs = defaultMaxWaitMs,
): BatchLinkReads {
  const gathered = gatherReads<LinkLookups, Map<string, RecordLink>>(
    async (requests) => {
      const found = await reads.findManyBySource(requests.flat());
      return requests.map(() => found);
    },
    participants,
    maxWaitMs,
  );
  return {
    participant: () => {
      const { read, done } = gathered.participant();
      return { findManyBySource: read, done };
    },
  };
}
