// Vendor payment rules (apsync's push target): payee, an active bank account in the payment's
// currency, and apply lines that each pay an open bill of the same vendor and currency by at most its
// unpaid amount. Re-saving a payment first takes back its own earlier application, so an upsert never
// applies twice; deleting or voiding it gives the amounts back; a voided payment refuses every write. Bills it pays get a new lastModifiedDate.
import { billState, checkBodyClassifications, completeVendorTerms, transactionVendor } from './bills.ts';
import { availableInSubsidiary, defaultAccountId, isActive } from './master-data.ts';
import { problems } from './problem.ts';
import type { FieldBag, RecordStore, StoredLine, StoredRecord } from './store.ts';
import { appliedLines, linesOf, numberField, textField } from './store.ts';
import type { RuleContext, TypeRules } from './type-rules.ts';

function applicationMap(record: StoredRecord | undefined): Map<string, number> {
  const map = new Map<string, number>();
  if (record === undefined) return map;
  for (const line of appliedLines(record)) map.set(line.doc, (map.get(line.doc) ?? 0) + line.cents);
  return map;
}

function completePayment(draft: FieldBag, context: RuleContext): void {
  const { store, existing, changed } = context;
  // A voided payment is final: no write applies it again. Assumption (no fact in the repository): NetSuite
  // refuses any edit of a voided transaction as a business rule, USER_ERROR like the others here; the
  // wording is the sandbox's own.
  if (existing?.fields.status === 'V') {
    throw problems.userError(
      `Bill Payment ${existing.id} has been voided and can no longer be edited; enter a new payment instead.`,
    );
  }
  const creating = existing === undefined;
  const vendor = transactionVendor(context, draft, 'Payee');
  const entity = textField(draft, 'entity');
  const { subsidiary, currency } = completeVendorTerms(store, draft, vendor, { activeSubsidiary: false });

  // The bank account the money leaves from: NetSuite offers only active bank accounts in the payment's
  // currency and subsidiary, so anything else is an invalid value.
  if (draft.account === undefined) {
    draft.account = defaultAccountId(
      store,
      subsidiary,
      'Bank',
      (fields) => textField(fields, 'currency') === currency,
    );
  }
  const accountId = textField(draft, 'account')!;
  const account = store.get('account', accountId);
  const checkAccount = creating || changed.has('account') || changed.has('currency');
  if (
    account === undefined ||
    account.fields.acctType !== 'Bank' ||
    (checkAccount &&
      (!isActive(account) ||
        textField(account.fields, 'currency') !== currency ||
        !availableInSubsidiary(store, account.fields, subsidiary)))
  ) {
    throw problems.invalidValue('account', accountId, 'account');
  }
  checkBodyClassifications(context, draft, subsidiary);
  if (draft.tranDate === undefined) draft.tranDate = store.today();
  if (draft.toBePrinted === undefined) draft.toBePrinted = false;

  // Apply lines: judged against each bill as it would be without this payment's earlier application.
  const previous = applicationMap(existing);
  const kept: StoredLine[] = [];
  let total = 0;
  let lineNumber = 0;
  const lines = linesOf(draft, 'apply');
  for (const [index, line] of lines.entries()) {
    const path = context.linePaths.get(line) ?? `apply.items[${index}]`;
    if (line.apply !== true) continue;
    const doc = textField(line, 'doc');
    if (doc === undefined) throw problems.missingValue('Bill', `${path}.doc`);
    const bill = store.get('vendorBill', doc);
    if (bill === undefined) throw problems.invalidValue('doc', doc, `${path}.doc`);
    const state = billState(store, bill);
    const unpaid = state.unpaidCents + (previous.get(doc) ?? 0);
    const statusWithout = unpaid > 0 && state.status === 'B' ? 'A' : state.status;
    if (textField(bill.fields, 'entity') !== entity) {
      throw problems.userError(
        `Bill ${doc} belongs to another vendor than the payee ${entity}.`,
        `${path}.doc`,
      );
    }
    if (textField(bill.fields, 'currency') !== currency) {
      throw problems.userError(`Bill ${doc} is in another currency than the payment.`, `${path}.doc`);
    }
    if (statusWithout !== 'A' || unpaid <= 0) {
      throw problems.userError(
        `Bill ${doc} is not open (status ${statusWithout}); only open bills can be paid.`,
        `${path}.doc`,
      );
    }
    if (bill.fields.paymentHold === true && context.touchedLines.has(line)) {
      throw problems.userError(`Bill ${doc} is on payment hold.`, `${path}.doc`);
    }
    if (line.amount === undefined) line.amount = unpaid;
    const amount = numberField(line, 'amount') ?? 0;
    if (amount <= 0) {
      throw problems.userError('The amount applied to a bill must be greater than zero.', `${path}.amount`);
    }
    if (amount > unpaid) {
      throw problems.userError(
        `The amount applied to bill ${doc} (${(amount / 100).toFixed(2)}) is more than its amount due (${(unpaid / 100).toFixed(2)}).`,
        `${path}.amount`,
      );
    }
    lineNumber += 1;
    kept.push({ line: lineNumber, doc, apply: true, amount });
    total += amount;
  }
  if (kept.length === 0)
    throw problems.userError('You must enter at least one line item for this transaction.', 'apply');
  draft.apply = kept;

  if (draft.apAcct === undefined) {
    const firstBill = store.get('vendorBill', textField(kept[0]!, 'doc')!);
    const billAccount = textField(firstBill?.fields ?? {}, 'account');
    if (billAccount !== undefined) draft.apAcct = billAccount;
  }
  const apAcct = textField(draft, 'apAcct');
  if (apAcct !== undefined && store.get('account', apAcct)?.fields.acctType !== 'AcctPay') {
    throw problems.invalidValue('apAcct', apAcct, 'apAcct');
  }
  draft.total = total;
  draft.unapplied = 0;
  draft.balance = 0;
}

function touchChangedBills(
  store: RecordStore,
  before: StoredRecord | undefined,
  after: StoredRecord | undefined,
): void {
  const old = applicationMap(before);
  const now = applicationMap(after);
  for (const doc of new Set([...old.keys(), ...now.keys()])) {
    if (old.get(doc) !== now.get(doc)) store.touch('vendorBill', doc);
  }
}

export const paymentRules: TypeRules = {
  complete: completePayment,
  afterSave(record, before, store) {
    touchChangedBills(store, before, record);
  },
  afterDelete(record, store) {
    touchChangedBills(store, record, undefined);
  },
};

/**
 * A NetSuite user voids a Bill Payment (the Void button of the record in the UI). apsync never voids, so
 * the sandbox offers it only as a user change (the admin API). A user-event script sees no void type: the
 * void is an edit, which infra/netsuite-script/apsync_record_event_ue.js sends as one. The payment stays,
 * with status V Voided (the status letters of infra/contracts/facts/netsuite-reference.ts `vendorPayment`;
 * record-types.ts `paymentStatuses`; SuiteQL's `transaction.voided` is 'T'). Assumption (no fact in the
 * repository): the void leaves a zero total and nothing applied, so the bills it paid are open again (as
 * when the accounting preference "Void Transactions Using Reversing Journals" is off); a voided payment
 * cannot be voided again, nor written (completePayment).
 */
export function voidPayment(store: RecordStore, payment: StoredRecord): StoredRecord {
  if (payment.fields.status === 'V') {
    throw problems.userError(`Bill Payment ${payment.id} is already voided.`);
  }
  const voided: StoredRecord = {
    ...payment,
    fields: {
      ...payment.fields,
      status: 'V',
      total: 0,
      unapplied: 0,
      balance: 0,
      apply: linesOf(payment.fields, 'apply').map((line) => ({ ...line, apply: false })),
    },
    lastModifiedDate: store.now(),
  };
  store.save(voided);
  touchChangedBills(store, payment, voided);
  return voided;
}

/**
 * What a read shows in `apply`: the applied bills, then every other open bill of the payee in the
 * payment's currency with `apply: false` (NetSuite lists all payable bills; clients must filter).
 */
export function applyLinesForDisplay(
  store: RecordStore,
  payment: StoredRecord,
): Array<{ bill: StoredRecord; apply: boolean; amountCents: number | undefined; dueCents: number }> {
  const out: Array<{
    bill: StoredRecord;
    apply: boolean;
    amountCents: number | undefined;
    dueCents: number;
  }> = [];
  const applied = applicationMap(payment);
  for (const [doc, cents] of applied) {
    const bill = store.get('vendorBill', doc);
    if (bill !== undefined)
      out.push({
        bill,
        apply: true,
        amountCents: cents,
        dueCents: billState(store, bill).unpaidCents + cents,
      });
  }
  const entity = textField(payment.fields, 'entity');
  const currency = textField(payment.fields, 'currency');
  for (const bill of store.list('vendorBill')) {
    if (applied.has(bill.id) || bill.fields.entity !== entity || bill.fields.currency !== currency) continue;
    const state = billState(store, bill);
    if (state.status === 'A' && state.unpaidCents > 0) {
      out.push({ bill, apply: false, amountCents: undefined, dueCents: state.unpaidCents });
    }
  }
  return out;
}

/** The body `POST /vendorBill/{id}/!transform/vendorPayment` starts from: pay the bill's unpaid amount. */
export function paymentFromBill(
  store: RecordStore,
  bill: StoredRecord,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const start: Record<string, unknown> = {
    entity: { id: textField(bill.fields, 'entity') },
    subsidiary: { id: textField(bill.fields, 'subsidiary') },
    currency: { id: textField(bill.fields, 'currency') },
    apply: { items: [{ doc: { id: bill.id }, apply: true }] },
  };
  if (billState(store, bill).unpaidCents <= 0) {
    throw problems.userError(`Bill ${bill.id} is not open; there is nothing to pay.`);
  }
  return { ...start, ...body };
}
