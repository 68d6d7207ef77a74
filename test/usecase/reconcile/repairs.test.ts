// Reconciliation's link repair (shared/reconcile/repairs.ts relink) on its own: a record without a link gets
// one (origin created, nothing said of a previous one); a payment's link names its Vendor Payment; the link
// of the record the wrong link pointed at is restored only when that record still names it; and the inbound
// repair stamps its message with the machine's clock when no clock is given.
import { beforeEach, describe, expect, it } from 'vitest';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import type { ReconcileRepairs } from '../../../shared/reconcile/ports.ts';
import { createReconcileRepairs } from '../../../shared/reconcile/repairs.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let state: InMemoryStateStore;
let inbound: InMemoryQueue<InboundMessage>;
let repairs: ReconcileRepairs;

beforeEach(() => {
  state = new InMemoryStateStore();
  inbound = new InMemoryQueue();
  repairs = createReconcileRepairs({
    inbound,
    bills: new InMemoryQueue<BillMessage>(),
    payments: new InMemoryQueue<PaymentMessage>(),
    state,
    paidBills: async () => {
      throw new Error('not used by these repairs');
    },
    procurify: async () => {
      throw new Error('not used by these repairs');
    },
  });
});

describe('relink', () => {
  it('links a payment that had no link: created, named a Vendor Payment, no previous record in the audit trail', async () => {
    const outcome = await repairs.relink('payment', 'P-1', '801', 'wrong external id', 'P-2');
    expect(outcome).toBe('payment:P-1 now linked to NetSuite Vendor Payment 801');
    expect(await state.findBySource('procurify', 'payment', 'P-1')).toMatchObject({
      netsuiteId: '801',
      origin: 'created',
    });
    expect(await state.findBySource('procurify', 'payment', 'P-2')).toBeUndefined();
    const audit = await state.read({ system: 'procurify', kind: 'payment', id: 'P-1' });
    expect(audit.map((e) => [e.message, e.facts])).toEqual([
      ['wrong external id: link replaced', { by: 'apsync reconcile', netsuiteId: '801' }],
    ]);
  });

  it('keeps the previous origin, and restores the other link only when that record still names the wrong one', async () => {
    await state.link({ kind: 'bill', procurifyId: 'B-1', netsuiteId: '502', origin: 'legacy' });
    await state.link({ kind: 'bill', procurifyId: 'B-2', netsuiteId: '999', origin: 'created' });
    const outcome = await repairs.relink('bill', 'B-1', '501', 'wrong external id', 'B-2');
    expect(outcome).toBe('bill:B-1 now linked to NetSuite Vendor Bill 501 (was 502)');
    expect(await state.findBySource('procurify', 'bill', 'B-1')).toMatchObject({
      netsuiteId: '501',
      origin: 'legacy',
    });
    expect(await state.findBySource('procurify', 'bill', 'B-2')).toMatchObject({ netsuiteId: '999' });
  });

  it('relinking to the record already linked restores nothing', async () => {
    await state.link({ kind: 'bill', procurifyId: 'B-1', netsuiteId: '501', origin: 'import' });
    await state.link({ kind: 'bill', procurifyId: 'B-2', netsuiteId: '501', origin: 'created' });
    expect(await repairs.relink('bill', 'B-1', '501', 'checked', 'B-2')).toBe(
      'bill:B-1 now linked to NetSuite Vendor Bill 501 (was 501)',
    );
    expect(await state.findBySource('procurify', 'bill', 'B-1')).toMatchObject({ origin: 'import' });
  });
});

describe('inbound repairs without a clock', () => {
  it('stamp the message with the machine clock', async () => {
    const before = Date.now();
    const outcome = await repairs.deactivateMasterRecord('vendor', '101', 'gone');
    expect(outcome).toMatch(/^vendor:101 queued as deleted: /);
    const [message] = inbound.bodies();
    expect(message).toMatchObject({ recordType: 'vendor', recordId: '101', eventType: 'delete' });
    const at = Date.parse((message as { receivedAt: string }).receivedAt);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});
