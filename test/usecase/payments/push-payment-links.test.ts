// The payment push (shared/payments/push-payment.ts) over a state store that reads links one at a time (no
// findManyBySource, which the port leaves optional): the decision asks for each link it needs, one request
// each, and the payment is written and linked as with a store that reads them at once.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApPayment } from '../../../shared/ap/payment.ts';
import { type PushPaymentDependencies, pushPayment } from '../../../shared/payments/push-payment.ts';
import { toApPayment } from '../../../shared/procurify/ap-records.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryPaymentFacts } from '../../support/in-memory/payment-facts.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';
import { paidProcurifyPayment } from '../../support/procurify-payment.ts';

let state: InMemoryStateStore;
let procurify: InMemoryProcurify;
let netsuite: InMemoryNetSuite;
let facts: InMemoryPaymentFacts;

const payment = (): ApPayment =>
  toApPayment(procurify.putPayment(paidProcurifyPayment({ amount: '100.00' })));

beforeEach(async () => {
  state = new InMemoryStateStore();
  procurify = new InMemoryProcurify();
  netsuite = new InMemoryNetSuite();
  facts = new InMemoryPaymentFacts(netsuite);
  facts.accounts = [{ id: '11', number: '1000', type: 'Bank', inactive: false, currency: '1' }];
  facts.bills.set('501', {
    id: '501',
    entity: '300',
    currency: '1',
    currencySymbol: 'USD',
    subsidiary: '2',
    status: 'A',
    unpaidCents: 10_000,
  });
  await state.link({ kind: 'vendor', procurifyId: '7', netsuiteId: '300', origin: 'created' });
  await state.link({ kind: 'bill', procurifyId: 'b-1', netsuiteId: '501', origin: 'created' });
  procurify.applications.set(55, {
    applications: [{ billUuid: 'B-1', billId: 1, vendorId: 7, currency: 'USD', amount: '100.00' }],
    appliedTotal: '100.00',
    complete: true,
  });
});

describe('pushPayment over a store that reads links one at a time', () => {
  it('asks for each link the decision needs and writes and links the Vendor Payment', async () => {
    const asked: string[] = [];
    const oneAtATime = new Proxy(state, {
      get(target, name, receiver) {
        if (name === 'findManyBySource') return undefined;
        if (name === 'findBySource') {
          return (system: string, kind: string, id: string) => {
            asked.push(`${kind}:${id}`);
            return target.findBySource(system as 'procurify', kind as 'bill', id);
          };
        }
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as PushPaymentDependencies['state'];
    const outcome = await pushPayment(payment(), {
      netsuite: { records: netsuite },
      procurify,
      state: oneAtATime,
      facts,
    });
    const written = netsuite.record('vendorPayment', 'eid:procurify-pay-55');
    expect(outcome).toMatchObject({ status: 'synced', action: 'created', vendorPaymentId: written?.id });
    expect(written).toMatchObject({ entity: { id: '300' } });
    expect(asked).toEqual(['payment:55', 'bill:b-1', 'vendor:7']);
    expect(await state.findBySource('procurify', 'payment', '55')).toMatchObject({ netsuiteId: written?.id });
  });
});
