// The Procurify sandbox's payments, as a Procurify user records them (one vendor and currency, partial
// amounts, bill groups) and moves them through their statuses; each bill's status follows its payments.
// Part of the store (store.ts); each write is told to the change hook (store-records.ts) before it
// returns.
import { type PaymentInput, paymentInputSchema } from './inputs.ts';
import {
  type BillRecord,
  billStatus,
  type PaymentApplication,
  type PaymentRecord,
  type PaymentStatus,
  parseCents,
} from './model.ts';
import { setBillStatus } from './store-bills.ts';
import { type ProcurifyRecords, SandboxInputError, voidPaymentStatuses } from './store-records.ts';

/** Payment statuses past approval (the bill shows "Payment Approved" while they are under way). */
const advancedPaymentStatuses: ReadonlySet<PaymentStatus> = new Set([
  'approved',
  'scheduled',
  'processing',
  'paid',
]);
/** Bill statuses a payment may be recorded against (approved, or already partly in payment). */
const payableBillStatuses: ReadonlySet<number> = new Set([
  billStatus.approved,
  billStatus.paymentConfirmed,
  billStatus.paymentApproved,
  billStatus.paymentLimbo,
]);

/**
 * A Procurify user records a payment of one or several approved bills (same vendor and currency);
 * an amount below a bill's open amount is a partial payment. Bills not yet in a bill group are put
 * in a new one (the payment's `bill_groups`), and each bill's status follows its payments.
 */
export function recordPayment(store: ProcurifyRecords, input: PaymentInput): PaymentRecord {
  const value = paymentInputSchema.parse(input);
  const method = store.paymentMethods.get(value.method);
  if (method === undefined) throw new SandboxInputError(`no company payment method ${value.method}`);
  if (value.id !== undefined && store.payments.has(value.id))
    throw new SandboxInputError(`payment ${value.id} exists`, 409);
  const seen = new Set<string>();
  const bills = value.bills.map((entry) => {
    if (seen.has(entry.uuid)) throw new SandboxInputError(`bill ${entry.uuid} listed twice`);
    seen.add(entry.uuid);
    const bill = store.bill(entry.uuid);
    const amountCents = parseCents(entry.amount)!;
    if (!payableBillStatuses.has(bill.status)) {
      throw new SandboxInputError(
        `bill ${bill.uuid} has status ${bill.status}; only approved bills can be paid`,
        409,
      );
    }
    if (amountCents <= 0)
      throw new SandboxInputError(`bill ${bill.uuid}: the applied amount must be positive`);
    if (amountCents > store.openCents(bill)) {
      throw new SandboxInputError(`bill ${bill.uuid}: the applied amount is above the open amount`);
    }
    return { bill, amountCents };
  });
  const first = bills[0]!.bill;
  for (const { bill } of bills) {
    if (bill.vendorId !== first.vendorId)
      throw new SandboxInputError('all bills of a payment must have one vendor');
    if (bill.currencyId !== first.currencyId)
      throw new SandboxInputError('all bills of a payment must have one currency');
  }
  const at = store.clock.tick();
  const payment: PaymentRecord = {
    id: store.allocate('payment', value.id),
    uuid: store.uuid(),
    creator: { email: value.creator_email, first_name: 'AP', last_name: 'Clerk' },
    created: at,
    modified: at,
    amountCents: bills.reduce((sum, entry) => sum + entry.amountCents, 0),
    currencyId: first.currencyId,
    status: value.status,
    methodId: method.id,
    // Money that left the company has a date: a paid or processing payment without one is dated today.
    paymentDate:
      value.payment_date ??
      (value.status === 'paid' || value.status === 'processing'
        ? new Date(Math.floor(at / 1000)).toISOString().slice(0, 10)
        : null),
    memo: value.memo,
    reference_number: value.reference_number,
    applications: [],
  };
  const ungrouped = bills.filter(({ bill }) => bill.group === null);
  if (ungrouped.length > 0) {
    const group = store.allocate('billGroup');
    for (const { bill } of ungrouped) bill.group = group;
  }
  for (const { bill, amountCents } of bills) {
    const app: PaymentApplication = {
      billPaymentId: store.allocate('billPayment'),
      billUuid: bill.uuid,
      amountCents,
    };
    payment.applications.push(app);
    store.linkApplication(payment, app);
  }
  store.payments.set(payment.id, payment);
  for (const { bill } of bills) followPayments(store, bill);
  store.changed(
    { collection: 'payments', record: payment },
    ...bills.map(({ bill }) => ({ collection: 'bills' as const, record: bill })),
  );
  return payment;
}

/** Changes a payment's status (approval, processing, paid, failed, ...); its bills follow. */
export function setPaymentStatus(store: ProcurifyRecords, id: number, status: PaymentStatus): PaymentRecord {
  const payment = store.payment(id);
  if (payment.status === status) return payment;
  payment.status = status;
  payment.modified = store.clock.tick();
  for (const app of payment.applications) followPayments(store, store.bill(app.billUuid));
  store.changed(
    { collection: 'payments', record: payment },
    ...payment.applications.map((app) => ({
      collection: 'bills' as const,
      record: store.bill(app.billUuid),
    })),
  );
  return payment;
}

/** A bill's status after a change to its payments; always a new modification time. */
function followPayments(store: ProcurifyRecords, bill: BillRecord): void {
  const entries = store.applicationsOf(bill.uuid);
  const live = entries.filter((entry) => !voidPaymentStatuses.has(entry.payment.status));
  const paidCents = live
    .filter((entry) => entry.payment.status === 'paid')
    .reduce((sum, entry) => sum + entry.app.amountCents, 0);
  let status: number;
  if (paidCents >= store.billTotalCents(bill)) status = billStatus.paid;
  else if (live.some((entry) => advancedPaymentStatuses.has(entry.payment.status)))
    status = billStatus.paymentApproved;
  else if (live.length > 0) status = billStatus.paymentConfirmed;
  else if (entries.some((entry) => entry.payment.status === 'failed')) status = billStatus.paymentLimbo;
  else status = billStatus.approved;
  const at = store.clock.tick();
  setBillStatus(store, bill, status, at);
  if (status === billStatus.paid) {
    const dates = live.map((entry) => entry.payment.paymentDate).filter((d): d is string => d !== null);
    bill.paidDate = dates.sort().at(-1) ?? bill.paidDate;
  }
  bill.version += 1;
  bill.modified = at;
}
