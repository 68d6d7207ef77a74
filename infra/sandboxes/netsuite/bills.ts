// Vendor bill rules: defaults from the vendor (subsidiary, currency, A/P account, terms), a currency from
// the vendor's currency list, expense and item lines checked against active accounts, departments,
// classes, locations and custom segment values usable in the bill's subsidiary, the
// total kept as the sum of the lines, and the paid/unpaid amounts and status derived from the vendor
// payments applied to it. Used by the write pipeline, the renderer and the SuiteQL mirror.
import { checkBillSegments } from './custom-segments.ts';
import {
  availableInSubsidiary,
  defaultAccountId,
  defaultExchangeRate,
  isActive,
  vendorCurrencies,
  vendorSubsidiaries,
} from './master-data.ts';
import { problems } from './problem.ts';
import type { FieldBag, RecordStore, StoredLine, StoredRecord } from './store.ts';
import { linesOf, numberField, textField } from './store.ts';
import type { RuleContext, TypeRules } from './type-rules.ts';

export interface BillState {
  totalCents: number;
  paidCents: number;
  unpaidCents: number;
  /** SuiteQL's single letter: A Open, B Paid In Full, C Cancelled, D Pending Approval, E Rejected, F Payment In Transit. */
  status: string;
}

export function billState(store: RecordStore, bill: StoredRecord): BillState {
  const totalCents = numberField(bill.fields, 'total') ?? 0;
  const paidCents = store.paidCents(bill.id);
  return {
    totalCents,
    paidCents,
    unpaidCents: totalCents - paidCents,
    status: billStatus(bill.fields, totalCents - paidCents),
  };
}

function billStatus(fields: FieldBag, unpaidCents: number): string {
  const override = textField(fields, 'statusOverride');
  if (override !== undefined && override !== 'A' && override !== 'B') return override;
  const approval = textField(fields, 'approvalStatus');
  if (approval === '1') return 'D';
  if (approval === '3') return 'E';
  return unpaidCents <= 0 ? 'B' : 'A';
}

export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

function linePath(context: RuleContext, line: StoredLine, sublist: string, index: number): string {
  return context.linePaths.get(line) ?? `${sublist}.items[${index}]`;
}

/** Checks an account or department used on a line or header: exists, active (when set now), usable in the subsidiary. */
export function checkSegment(
  context: RuleContext,
  type: 'account' | 'department' | 'classification' | 'location',
  id: string | undefined,
  subsidiary: string,
  path: string,
  fieldName: string,
  setNow: boolean,
): StoredRecord | undefined {
  if (id === undefined) return undefined;
  const record = context.store.get(type, id);
  if (record === undefined) throw problems.invalidValue(fieldName, id, path);
  if (setNow && !isActive(record)) throw problems.invalidValue(fieldName, id, path);
  if (setNow && !availableInSubsidiary(context.store, record.fields, subsidiary)) {
    throw problems.invalidValue(fieldName, id, path);
  }
  return record;
}

/**
 * The department, class and location of a body (`at` = the field name) or a line (`at` = its path):
 * each must exist and, when set now, be active and available in the record's subsidiary.
 */
export function checkClassifications(
  context: RuleContext,
  fields: FieldBag,
  subsidiary: string,
  at: (field: string) => string,
  setNow: (field: string) => boolean,
): void {
  for (const [type, field] of [
    ['department', 'department'],
    ['classification', 'class'],
    ['location', 'location'],
  ] as const) {
    checkSegment(context, type, textField(fields, field), subsidiary, at(field), field, setNow(field));
  }
}

/**
 * A vendor transaction's subsidiary and currency: defaulted from the vendor, and one of the vendor's
 * subsidiaries and currencies (with `activeSubsidiary`, an active subsidiary too); the exchange rate
 * defaulted from the subsidiary's currency.
 */
export function completeVendorTerms(
  store: RecordStore,
  draft: FieldBag,
  vendor: StoredRecord,
  options: { activeSubsidiary: boolean },
): { subsidiary: string; currency: string } {
  if (draft.subsidiary === undefined) draft.subsidiary = textField(vendor.fields, 'subsidiary') ?? null;
  const subsidiary = textField(draft, 'subsidiary');
  if (subsidiary === undefined) throw problems.missingValue('Subsidiary', 'subsidiary');
  if (
    !vendorSubsidiaries(store, vendor).includes(subsidiary) ||
    (options.activeSubsidiary && !isActive(store.get('subsidiary', subsidiary)))
  ) {
    throw problems.invalidValue('subsidiary', subsidiary, 'subsidiary');
  }
  if (draft.currency === undefined) draft.currency = textField(vendor.fields, 'currency') ?? null;
  const currency = textField(draft, 'currency');
  if (currency === undefined) throw problems.missingValue('Currency', 'currency');
  if (!vendorCurrencies(vendor).includes(currency))
    throw problems.invalidValue('currency', currency, 'currency');
  if (draft.exchangeRate === undefined) {
    const subsidiaryCurrency = textField(store.get('subsidiary', subsidiary)?.fields ?? {}, 'currency');
    draft.exchangeRate = defaultExchangeRate(store, currency, subsidiaryCurrency);
  }
  return { subsidiary, currency };
}

/** The body's department, class and location (checkClassifications), judged when changed. */
export function checkBodyClassifications(context: RuleContext, draft: FieldBag, subsidiary: string): void {
  checkClassifications(
    context,
    draft,
    subsidiary,
    (field) => field,
    (field) => context.changed.has(field),
  );
}

/** The transaction's vendor (`entity`, labelled as NetSuite's form does): it exists, and is active when set now. */
export function transactionVendor(context: RuleContext, draft: FieldBag, label: string): StoredRecord {
  const entity = textField(draft, 'entity');
  if (entity === undefined) throw problems.missingValue(label, 'entity');
  const vendor = context.store.get('vendor', entity);
  if (
    vendor === undefined ||
    ((context.existing === undefined || context.changed.has('entity')) && !isActive(vendor))
  ) {
    throw problems.invalidValue('entity', entity, 'entity');
  }
  return vendor;
}

export const billRules: TypeRules = {
  complete(draft, context) {
    const { store, existing, changed } = context;
    const creating = existing === undefined;
    const vendor = transactionVendor(context, draft, 'Vendor');
    const paid = existing === undefined ? 0 : store.paidCents(existing.id);
    if (paid > 0 && existing !== undefined) {
      for (const locked of ['entity', 'currency', 'subsidiary']) {
        if (draft[locked] !== existing.fields[locked]) {
          throw problems.userError(
            `You cannot change the ${locked} of a bill that has payments applied.`,
            locked,
          );
        }
      }
    }
    const { subsidiary } = completeVendorTerms(store, draft, vendor, { activeSubsidiary: true });

    if (draft.account === undefined) draft.account = defaultAccountId(store, subsidiary, 'AcctPay');
    const payable = checkSegment(
      context,
      'account',
      textField(draft, 'account'),
      subsidiary,
      'account',
      'account',
      creating || changed.has('account'),
    );
    if (payable?.fields.acctType !== 'AcctPay')
      throw problems.invalidValue('account', textField(draft, 'account') ?? '', 'account');
    checkBodyClassifications(context, draft, subsidiary);

    if (draft.tranDate === undefined) draft.tranDate = store.today();
    if (draft.terms === undefined && textField(vendor.fields, 'terms') !== undefined)
      draft.terms = textField(vendor.fields, 'terms')!;
    if (draft.dueDate === undefined) {
      const days =
        numberField(store.get('term', textField(draft, 'terms') ?? '')?.fields ?? {}, 'daysUntilNetDue') ?? 0;
      draft.dueDate = addDays(textField(draft, 'tranDate')!, days);
    }
    if (draft.approvalStatus === undefined) draft.approvalStatus = '2';
    if (draft.paymentHold === undefined) draft.paymentHold = false;

    const checkLine = (line: StoredLine, path: string, setNow: boolean) =>
      checkClassifications(
        context,
        line,
        subsidiary,
        (field) => `${path}.${field}`,
        () => setNow,
      );
    let total = 0;
    const expense = linesOf(draft, 'expense');
    for (const [index, line] of expense.entries()) {
      const path = linePath(context, line, 'expense', index);
      const setNow = context.touchedLines.has(line);
      const accountId = textField(line, 'account');
      if (accountId === undefined) throw problems.missingValue('Account', `${path}.account`);
      const account = checkSegment(
        context,
        'account',
        accountId,
        subsidiary,
        `${path}.account`,
        'account',
        setNow,
      );
      const type = account?.fields.acctType;
      if (type === 'AcctPay' || type === 'AcctRec' || type === 'NonPosting' || type === 'Stat') {
        throw problems.invalidValue('account', accountId, `${path}.account`);
      }
      const amount = numberField(line, 'amount');
      if (amount === undefined) throw problems.missingValue('Amount', `${path}.amount`);
      checkLine(line, path, setNow);
      total += amount;
    }
    for (const [index, line] of linesOf(draft, 'item').entries()) {
      const path = linePath(context, line, 'item', index);
      const setNow = context.touchedLines.has(line);
      if (textField(line, 'item') === undefined) throw problems.missingValue('Item', `${path}.item`);
      if (line.quantity === undefined) line.quantity = 1;
      if (line.amount === undefined) {
        const rate = numberField(line, 'rate');
        if (rate === undefined) throw problems.missingValue('Amount', `${path}.amount`);
        line.amount = Math.round((numberField(line, 'quantity') ?? 1) * rate * 100);
      }
      checkLine(line, path, setNow);
      total += numberField(line, 'amount') ?? 0;
    }
    checkBillSegments(context, draft, subsidiary, (line, sublist, index) =>
      linePath(context, line, sublist, index),
    );
    if (expense.length === 0 && linesOf(draft, 'item').length === 0) {
      throw problems.userError('You must enter at least one line item for this transaction.', 'expense');
    }
    if (total < 0) throw problems.userError('The total of a bill cannot be negative.', 'expense');
    if (total < paid) {
      throw problems.userError(
        `The bill total ${(total / 100).toFixed(2)} is below the ${(paid / 100).toFixed(2)} already paid.`,
        'expense',
      );
    }
    draft.total = total;
    draft.userTotal = total;
  },
};
