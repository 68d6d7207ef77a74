// The payment-push worker's message handling with its batch (shared/payments/push-payment.ts
// handlePaymentMessage, push-batch-payments.ts readPaymentsTogether) over in-memory Procurify, NetSuite,
// state and push-once: the batch's payments read in one list request and each pushed from it; a payment
// the batch's read does not hold, a failed batch read, or a batch of ids no filter can carry read alone;
// a message whose id Procurify spells otherwise not taken for another payment; a Vendor Payment NetSuite
// took but neither names nor shows yet linked to nothing, the push tried again; the GL codes of a batch's
// paid payments (batchGlCodes), whose accounts the worker reads ahead.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApPayment } from '../../../shared/ap/payment.ts';
import { TransientError } from '../../../shared/errors.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import { gatherLinkReads } from '../../../shared/payments/batch-payment-facts.ts';
import { batchGlCodes, readPaymentsTogether } from '../../../shared/payments/push-batch-payments.ts';
import {
  type HandlePaymentDependencies,
  handlePaymentMessage,
  type PushPaymentDependencies,
  paymentRef,
} from '../../../shared/payments/push-payment.ts';
import type { PaymentListFilter } from '../../../shared/procurify/ports.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryPaymentFacts } from '../../support/in-memory/payment-facts.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { createInMemoryPushOnce } from '../../support/in-memory/push-once.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { paidProcurifyPayment } from '../../support/procurify-payment.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let procurify: InMemoryProcurify;
let netsuite: InMemoryNetSuite;
let facts: InMemoryPaymentFacts;
/** The `ids` of every payment list request made to Procurify. */
let listed: Array<readonly number[] | undefined>;

/** Paid payment `id` applying 10.00 to Procurify bill `b-<id>`, linked to NetSuite Vendor Bill 5<id>. */
async function paidPayment(id: number): Promise<void> {
  procurify.putPayment(paidProcurifyPayment({ id, uuid: `p-${id}`, amount: '10.00' }));
  procurify.applications.set(id, {
    applications: [{ billUuid: `b-${id}`, billId: id, vendorId: 7, currency: 'USD', amount: '10.00' }],
    appliedTotal: '10.00',
    complete: true,
  });
  facts.bills.set(`5${id}`, {
    id: `5${id}`,
    entity: '300',
    currency: '1',
    currencySymbol: 'USD',
    subsidiary: '2',
    status: 'A',
    unpaidCents: 1000,
  });
  await state.link({ kind: 'bill', procurifyId: `b-${id}`, netsuiteId: `5${id}`, origin: 'created' });
}
const message = (paymentId: string): PaymentMessage => ({
  kind: 'payment',
  origin: 'poll',
  paymentId,
  enqueuedAt: clock.iso(),
});
const handling = (push: Partial<PushPaymentDependencies> = {}): HandlePaymentDependencies => ({
  state,
  defaultMode: 'push',
  once: createInMemoryPushOnce(),
  push: async () => ({ netsuite: { records: netsuite }, procurify, state, facts, ...push }),
});
/** The worker's batch: its messages handled side by side with the batch's payments read together. */
function batch(paymentIds: string[], deps = handling()) {
  const payments = readPaymentsTogether(procurify, paymentIds);
  return Promise.allSettled(
    paymentIds.map((paymentId) => handlePaymentMessage(message(paymentId), deps, undefined, payments)),
  );
}

beforeEach(async () => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  procurify = new InMemoryProcurify();
  netsuite = new InMemoryNetSuite();
  facts = new InMemoryPaymentFacts(netsuite);
  facts.accounts = [{ id: '11', number: '1000', type: 'Bank', inactive: false, currency: '1' }];
  await state.link({ kind: 'vendor', procurifyId: '7', netsuiteId: '300', origin: 'created' });
  listed = [];
  const listPayments = procurify.listPayments.bind(procurify);
  procurify.listPayments = (filter: PaymentListFilter = {}): AsyncIterable<ApPayment> => {
    listed.push(filter.ids);
    return listPayments(filter);
  };
});

describe('handlePaymentMessage with its batch’s payments', () => {
  it('pushes each payment of the batch from one list request', async () => {
    await paidPayment(55);
    await paidPayment(56);
    const outcomes = await batch(['56', '55']);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(listed).toEqual([[56, 55]]);
    for (const id of ['55', '56']) {
      expect(await state.findBySource('procurify', 'payment', id)).toMatchObject({ origin: 'created' });
    }
    expect(netsuite.writes).toHaveLength(2);
  });

  it('reads the links of the batch’s decisions in one request, each payment finding its own', async () => {
    await paidPayment(55);
    await paidPayment(56);
    await paidPayment(57);
    // Payment 57's bill is not linked: it is refused, the others pushed, from one lookup of all.
    await state.unlink({ kind: 'bill', procurifyId: 'b-57', netsuiteId: '557' });
    const lookups: string[][] = [];
    const findManyBySource = state.findManyBySource.bind(state);
    state.findManyBySource = async (asked) => {
      lookups.push(asked.map(({ kind, id }) => `${kind}:${id}`));
      return findManyBySource(asked);
    };
    const ids = ['55', '56', '57'];
    const payments = readPaymentsTogether(procurify, ids);
    const links = gatherLinkReads(state, ids.length);
    const deps = handling();
    const outcomes = await Promise.allSettled(
      ids.map((paymentId) => {
        const share = links.participant();
        return handlePaymentMessage(message(paymentId), deps, undefined, payments, share).finally(() =>
          share.done(),
        );
      }),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(outcomes[2]).toMatchObject({ reason: { message: expect.stringMatching(/b-57/) } });
    expect(lookups).toEqual([
      [
        'payment:55',
        'bill:b-55',
        'vendor:7',
        'payment:56',
        'bill:b-56',
        'vendor:7',
        'payment:57',
        'bill:b-57',
        'vendor:7',
      ],
    ]);
    expect(netsuite.writes).toHaveLength(2);
  });

  it('reads alone a payment the batch’s answer lacks, and every payment when the batch’s read fails', async () => {
    await paidPayment(55);
    await paidPayment(56);
    // Payment 56 is not in the batch's answer (Procurify listed it late): read alone.
    const payments = readPaymentsTogether(procurify, ['55']);
    const deps = handling();
    await handlePaymentMessage(message('55'), deps, undefined, payments);
    await handlePaymentMessage(message('56'), deps, undefined, payments);
    expect(listed).toEqual([[55], [56]]);
    expect(netsuite.writes).toHaveLength(2);

    listed = [];
    await paidPayment(57);
    await paidPayment(58);
    procurify.faults.failNext('listPayments');
    const outcomes = await batch(['57', '58']);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(listed).toEqual([[57, 58], [57], [58]]);
    expect(netsuite.writes).toHaveLength(4);
  });

  it('reads nothing together for ids no filter can carry, and takes no other payment for the one asked', async () => {
    await paidPayment(55);
    // No id of the batch can be a filter value: nothing listed together (an empty filter lists every payment).
    const [tooLarge] = await batch(['99999999999999999999']);
    expect(listed).toEqual([[1e20]]);
    expect(tooLarge).toMatchObject({ status: 'rejected', reason: { code: 'syncIncomplete' } });
    // Procurify's id 55 is not the payment '055' names: the batch's answer and the lone read hold only 55.
    listed = [];
    const [padded] = await batch(['055']);
    expect(listed).toEqual([[55], [55]]);
    expect(padded).toMatchObject({
      status: 'rejected',
      reason: {
        code: 'syncIncomplete',
        message: 'Sync could not complete: Procurify payment 055 was not found',
      },
    });
    expect(await state.getState(paymentRef('055'))).toMatchObject({ status: 'failed', errorClass: 'data' });
    expect(await state.findBySource('procurify', 'payment', '55')).toBeUndefined();
    expect(netsuite.writes).toEqual([]);
  });
});

describe('batchGlCodes', () => {
  it('names each GL code of the batch’s paid payments once, none where the batch’s read failed', async () => {
    procurify.putPayment(paidProcurifyPayment({ id: 55, gl_code: '1000' }));
    procurify.putPayment(paidProcurifyPayment({ id: 56, gl_code: '1000' }));
    procurify.putPayment(paidProcurifyPayment({ id: 57, gl_code: '1010' }));
    procurify.putPayment(paidProcurifyPayment({ id: 58, gl_code: null }));
    procurify.putPayment(paidProcurifyPayment({ id: 59, gl_code: '2000', status: 'pending' }));
    const ids = ['55', '56', '57', '58', '59', '60'];
    expect(await batchGlCodes(readPaymentsTogether(procurify, ids), ids)).toEqual(['1000', '1010']);
    expect(listed).toEqual([[55, 56, 57, 58, 59, 60]]);
    procurify.faults.failNext('listPayments');
    expect(await batchGlCodes(readPaymentsTogether(procurify, ids), ids)).toEqual([]);
  });
});

describe('a Vendor Payment NetSuite took but does not show yet', () => {
  it('is linked to nothing: the push fails as transient and the next attempt links it', async () => {
    await paidPayment(55);
    const unnamed = {
      ...netsuite,
      upsertByExternalId: async (type: string, externalId: string, body: Record<string, unknown>) => {
        await netsuite.upsertByExternalId(type, externalId, body);
        return { id: undefined };
      },
    } as InMemoryNetSuite;
    const notShown = Object.assign(Object.create(facts) as InMemoryPaymentFacts, {
      findVendorPayment: async () => undefined,
    });
    const deps = handling({ netsuite: { records: unnamed }, facts: notShown });
    const error = await handlePaymentMessage(message('55'), deps).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({
      code: 'VENDOR_PAYMENT_UNSEEN',
      message:
        'NetSuite took Vendor Payment procurify-pay-55 but neither named it nor shows it yet; the push is tried again',
    });
    expect(await state.findBySource('procurify', 'payment', '55')).toBeUndefined();
    expect(await state.getState(paymentRef('55'))).toMatchObject({ status: 'failed' });

    // The next attempt finds the Vendor Payment written under the external id, and links it.
    const again = await handlePaymentMessage(message('55'), { ...deps, push: handling().push });
    const written = netsuite.record('vendorPayment', 'eid:procurify-pay-55');
    expect(again).toMatchObject({ status: 'synced', action: 'found', vendorPaymentId: written?.id });
    expect(await state.findBySource('procurify', 'payment', '55')).toMatchObject({ netsuiteId: written?.id });
  });
});
