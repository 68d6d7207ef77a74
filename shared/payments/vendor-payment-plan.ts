// Pure planning of one Procurify payment as a NetSuite Vendor Payment (mode push). From the payment, how
// Procurify applies it to bills, the links apsync holds, the NetSuite accounts carrying the payment's
// GL code and the NetSuite bills' open amounts, it returns the Vendor Payment to write, or the data
// error a person must fix (never a guess). No I/O: push-payment.ts gathers the inputs and writes.

import type { ApPayment, PaymentApplications } from '../ap/payment.ts';
import { DataError } from '../errors.ts';
import { centsToAmount, formatCents, toCents } from '../money/money.ts';
import type { RecordLink, RecordState } from '../state/model.ts';

/** The Vendor Payment's external id: the key of the NetSuite upsert. */
export const paymentExternalId = (paymentId: string | number): string => `procurify-pay-${paymentId}`;

/** The first words of every data error on a payment's sync status. */
export const paymentProblems = {
  billNotSynced: 'Bill not synced',
  accountNotFound: 'Payment account not found',
  syncIncomplete: 'Sync could not complete',
  mixedVendors: 'Bills of different vendors',
  mixedCurrencies: 'Bills in different currencies',
  aboveOpen: 'Amount above open balance',
  needsReview: 'Payment needs review',
  noDate: 'Payment date missing',
  voidedInNetSuite: 'Vendor Payment voided in NetSuite',
} as const;
export type PaymentProblem = keyof typeof paymentProblems;

/** A NetSuite vendor bill as the payment needs it (SuiteQL `transaction` + main line). */
export interface NetSuiteBillFacts {
  id: string;
  entity: string;
  currency: string;
  /** The currency's ISO code (`currency.symbol`), when known. */
  currencySymbol?: string;
  subsidiary?: string;
  /** SuiteQL status letter: A open, B paid in full, C cancelled, D pending approval, E rejected, F in transit. */
  status: string;
  /** `foreignamountunpaid` in cents. */
  unpaidCents: number;
  tranId?: string;
}

/** A NetSuite account whose Number equals the payment's GL code. */
export interface NetSuitePaymentAccount {
  id: string;
  number: string;
  type: string;
  inactive: boolean;
  currency?: string;
}

/** The Vendor Payment already in NetSuite under this payment's external id. */
export interface ExistingVendorPayment {
  id: string;
  /** NetSuite bill id → cents this payment applies to it. */
  applied: ReadonlyMap<string, number>;
  accountId?: string;
  tranDate?: string;
  /** Voided in NetSuite (status V): it applies nothing and is never written again. */
  voided: boolean;
}

export interface PaymentLinks {
  /** By Procurify bill UUID; undefined when the bill has no NetSuite link. */
  bills: ReadonlyMap<string, RecordLink | undefined>;
  /** By Procurify vendor id. */
  vendors: ReadonlyMap<number, RecordLink | undefined>;
  /** Bill sync states by Procurify bill UUID, to say why a bill is not synced. */
  billStates?: ReadonlyMap<string, RecordState | undefined>;
}

export interface PaymentPlanContext {
  /** GL code of the payment's company payment method (payment.glCode, else the method's). */
  glCode: string | null;
  /** NetSuite bills by internal id, for the bills the links name (absent = no longer exists). */
  netsuiteBills: ReadonlyMap<string, NetSuiteBillFacts>;
  existing?: ExistingVendorPayment;
}

export interface VendorPaymentLine {
  billUuid: string;
  netsuiteBillId: string;
  cents: number;
}

export interface VendorPaymentPlan {
  paymentId: string;
  externalId: string;
  vendorId: string;
  subsidiaryId: string | undefined;
  accountId: string;
  currencyId: string;
  tranDate: string;
  lines: VendorPaymentLine[];
  totalCents: number;
  /** Body of `PUT /vendorPayment/eid:<externalId>`. */
  body: Record<string, unknown>;
  /** The existing Vendor Payment already says all this: nothing to write. */
  upToDate: boolean;
}

export type PaymentPlanResult =
  | { ok: true; plan: VendorPaymentPlan }
  | {
      ok: false;
      /** `review` when Procurify's own data is incomplete; `failed` when a link or mapping is missing. */
      status: 'failed' | 'review';
      problem: PaymentProblem;
      error: DataError;
      /** What the payment waits for, e.g. `bill:<uuid>`, `account-number:1000`, `vendor:12`. */
      waitingFor: string[];
    };

interface Application {
  billUuid: string;
  billId: number;
  vendorId: number;
  currency: string;
  cents: number;
}

const payableStatuses = new Set(['A', 'B']);
const statusNames: Record<string, string> = {
  A: 'Open',
  B: 'Paid In Full',
  C: 'Cancelled',
  D: 'Pending Approval',
  E: 'Rejected',
  F: 'Payment In Transit',
};

function refuse(
  problem: PaymentProblem,
  detail: string,
  waitingFor: string[] = [],
  status: 'failed' | 'review' = 'failed',
): PaymentPlanResult {
  return {
    ok: false,
    status,
    problem,
    error: new DataError(`${paymentProblems[problem]}: ${detail}`, { source: 'apsync', code: problem }),
    waitingFor,
  };
}

const billName = (app: { billId: number; billUuid: string }) =>
  `Procurify bill ${app.billId} (${app.billUuid})`;
const list = (items: string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** The payment's date as YYYY-MM-DD: posted (paid) date, else processing date. */
export function paymentDate(payment: ApPayment): string | undefined {
  const value = payment.postedDate ?? payment.processingDate;
  const match = value === null ? null : /^\d{4}-\d{2}-\d{2}/.exec(value);
  return match?.[0];
}

export function planVendorPayment(
  payment: ApPayment,
  applications: PaymentApplications,
  links: PaymentLinks,
  accounts: readonly NetSuitePaymentAccount[],
  context: PaymentPlanContext,
): PaymentPlanResult {
  const paymentId = String(payment.id);
  const currency = payment.currency;

  // 0. A Vendor Payment voided in NetSuite stays voided: writing it again would re-apply it (a person decides).
  const voided = context.existing?.voided === true ? context.existing : undefined;
  if (voided !== undefined) {
    return refuse(
      'voidedInNetSuite',
      `Vendor Payment ${voided.id} (${paymentExternalId(paymentId)}) was voided in NetSuite; apsync does not ` +
        `write a voided payment again. If Procurify payment ${paymentId} stands, enter it in NetSuite by hand; ` +
        'if it was taken back, void it in Procurify too; then apsync review dismiss ' +
        `payment:${paymentId} --reason …`,
      [],
      'review',
    );
  }

  // 1. Procurify's own picture of the payment: complete, one vendor, one currency, a date.
  const apps: Application[] = [];
  for (const app of applications.applications) {
    const cents = toCents(app.amount);
    if (cents === undefined || cents < 0) {
      return refuse(
        'needsReview',
        `Procurify shows an amount of ${app.amount} applied to ${billName(app)}; check the payment in Procurify, then re-sync it`,
        [`payment:${paymentId}`],
        'review',
      );
    }
    if (cents > 0) apps.push({ ...app, cents });
  }
  if (!applications.complete || apps.length === 0) {
    return refuse(
      'needsReview',
      `Procurify shows where only ${applications.appliedTotal} of payment ${paymentId}'s ${payment.amount} ${currency} ` +
        `went (${apps.length} bill(s)); a bill paid again since hides the split. Check the payment's bills in Procurify, ` +
        'then re-sync the payment (apsync does not guess the split)',
      [`payment:${paymentId}`],
      'review',
    );
  }
  const vendorIds = [...new Set(apps.map((app) => app.vendorId))];
  if (vendorIds.length > 1) {
    return refuse(
      'mixedVendors',
      `payment ${paymentId} pays bills of Procurify vendors ${list(vendorIds.map(String))}; one Vendor Payment pays one vendor`,
    );
  }
  const currencies = [...new Set([currency, ...apps.map((app) => app.currency)])];
  if (currencies.length > 1) {
    return refuse(
      'mixedCurrencies',
      `payment ${paymentId} is in ${currency} but pays bills in ${list([...new Set(apps.map((app) => app.currency))])}; one Vendor Payment has one currency`,
    );
  }
  const tranDate = paymentDate(payment);
  if (tranDate === undefined) {
    return refuse('noDate', `Procurify payment ${paymentId} has neither a posted nor a processing date`, [
      `payment:${paymentId}`,
    ]);
  }

  // 2. Links: every bill, then the vendor.
  const unsynced = apps.filter((app) => links.bills.get(app.billUuid) === undefined);
  if (unsynced.length > 0) {
    const reasons = unsynced
      .map((app) => {
        const state = links.billStates?.get(app.billUuid);
        if (state?.excluded !== undefined) return ` (it is excluded from the sync: ${state.excluded.reason})`;
        return state !== undefined && (state.status === 'failed' || state.status === 'review')
          ? ` (its bill sync ${state.status === 'failed' ? 'failed' : 'is parked'}: ${state.message ?? 'no message'})`
          : '';
      })
      .join('');
    return refuse(
      'billNotSynced',
      `${list(unsynced.map(billName))} ${unsynced.length === 1 ? 'has' : 'have'} no NetSuite Vendor Bill${reasons}; ` +
        'sync the bill, then re-sync the payment',
      unsynced.map((app) => `bill:${app.billUuid}`),
    );
  }
  const vendorId = vendorIds[0]!;
  const vendorLink = links.vendors.get(vendorId);
  if (vendorLink === undefined) {
    return refuse(
      'syncIncomplete',
      `Procurify vendor ${vendorId}${payment.vendorName === null ? '' : ` (${payment.vendorName})`} has no link to a ` +
        'NetSuite vendor; sync the vendor from NetSuite and re-sync its bills, then re-sync the payment',
      [`vendor:${vendorId}`],
    );
  }

  // 3. The NetSuite bills: they exist, belong to the linked vendor, share a currency, and are open.
  const resolved: Array<Application & { bill: NetSuiteBillFacts }> = [];
  for (const app of apps) {
    const netsuiteId = links.bills.get(app.billUuid)!.netsuiteId;
    const bill = context.netsuiteBills.get(netsuiteId);
    if (bill === undefined) {
      return refuse(
        'syncIncomplete',
        `the NetSuite Vendor Bill ${netsuiteId} linked to ${billName(app)} no longer exists; re-sync the bill, then the payment`,
        [`bill:${app.billUuid}`],
      );
    }
    resolved.push({ ...app, bill });
  }
  const entities = [...new Set(resolved.map((entry) => entry.bill.entity))];
  if (entities.length > 1) {
    return refuse(
      'mixedVendors',
      `the NetSuite Vendor Bills ${list(resolved.map((entry) => entry.bill.id))} of payment ${paymentId} belong to NetSuite vendors ${list(entities)}`,
    );
  }
  if (entities[0] !== vendorLink.netsuiteId) {
    return refuse(
      'syncIncomplete',
      `Procurify vendor ${vendorId} is linked to NetSuite vendor ${vendorLink.netsuiteId}, but NetSuite Vendor Bill ` +
        `${resolved[0]!.bill.id} belongs to NetSuite vendor ${entities[0]}; re-sync the bill, then the payment`,
      [`bill:${resolved[0]!.billUuid}`],
    );
  }
  const netsuiteCurrencies = [...new Set(resolved.map((entry) => entry.bill.currency))];
  const symbols = [
    ...new Set(
      resolved.map((entry) => entry.bill.currencySymbol).filter((s): s is string => s !== undefined),
    ),
  ];
  if (
    netsuiteCurrencies.length > 1 ||
    symbols.some((symbol) => symbol.toUpperCase() !== currency.toUpperCase())
  ) {
    return refuse(
      'mixedCurrencies',
      // By symbol only when every bill has one: else the bills' currency ids (a bill without a symbol
      // would hide the currency that differs).
      `payment ${paymentId} is in ${currency} but its NetSuite Vendor Bills are in ${list(resolved.every((entry) => entry.bill.currencySymbol !== undefined) ? symbols : netsuiteCurrencies)}`,
    );
  }
  const currencyId = netsuiteCurrencies[0]!;

  // 4. The payment account: the GL code equals the Number of an active NetSuite bank account.
  const glCode = context.glCode?.trim() ?? '';
  const method =
    payment.paymentSourceName === null
      ? 'its payment method'
      : `payment method "${payment.paymentSourceName}"`;
  if (glCode === '') {
    return refuse(
      'accountNotFound',
      `${method} has no GL code; give it the Number of an active NetSuite bank account, then re-sync the payment`,
      ['account-number:'],
    );
  }
  const sameNumber = accounts.filter((account) => account.number === glCode);
  const usable = sameNumber.filter((account) => !account.inactive && account.type === 'Bank');
  if (usable.length === 0) {
    const near = sameNumber[0];
    const hint =
      near === undefined
        ? ''
        : near.inactive
          ? ` (NetSuite account ${near.id} has that Number but is inactive)`
          : ` (NetSuite account ${near.id} has that Number but is of type ${near.type}, not Bank)`;
    return refuse(
      'accountNotFound',
      `no active NetSuite bank account has the Number ${glCode}, the GL code of ${method}${hint}; ` +
        'fix the GL code or the NetSuite account, then re-sync the payment',
      [`account-number:${glCode}`],
    );
  }
  const account = usable.find((candidate) => candidate.currency === currencyId) ?? usable[0]!;

  // 5. Amounts: each at most the bill's open amount (not counting this payment's own earlier application).
  const previous = context.existing?.applied ?? new Map<string, number>();
  for (const entry of resolved) {
    const status = entry.bill.status;
    const open = payableStatuses.has(status)
      ? entry.bill.unpaidCents + (previous.get(entry.bill.id) ?? 0)
      : 0;
    if (entry.cents > open) {
      return refuse(
        'aboveOpen',
        `${formatCents(entry.cents)} ${currency} applied to ${billName(entry)} is more than the open amount ` +
          `${formatCents(open)} of NetSuite Vendor Bill ${entry.bill.id} (${statusNames[status] ?? status}); ` +
          'check the payment and the bill in both systems, then re-sync the payment',
        [`bill:${entry.billUuid}`],
      );
    }
  }

  const lines = resolved.map((entry) => ({
    billUuid: entry.billUuid,
    netsuiteBillId: entry.bill.id,
    cents: entry.cents,
  }));
  const planned = new Map(lines.map((line) => [line.netsuiteBillId, line.cents]));
  const existing = context.existing;
  const upToDate =
    existing !== undefined &&
    existing.accountId === account.id &&
    existing.tranDate === tranDate &&
    existing.applied.size === planned.size &&
    [...planned].every(([bill, cents]) => existing.applied.get(bill) === cents);
  const withdrawn = [...previous.keys()].filter((bill) => !planned.has(bill));
  const externalId = paymentExternalId(paymentId);
  const subsidiaryId = resolved[0]!.bill.subsidiary;
  const body: Record<string, unknown> = {
    externalId,
    entity: { id: vendorLink.netsuiteId },
    ...(subsidiaryId === undefined ? {} : { subsidiary: { id: subsidiaryId } }),
    account: { id: account.id },
    currency: { id: currencyId },
    tranDate,
    memo: `Procurify payment ${paymentId}${payment.paymentSourceName === null ? '' : ` (${payment.paymentSourceName})`}`.slice(
      0,
      999,
    ),
    apply: {
      items: [
        ...lines.map((line) => ({
          doc: { id: line.netsuiteBillId },
          apply: true,
          amount: centsToAmount(line.cents),
        })),
        // A bill this payment no longer pays (the payment changed in Procurify): take the application back.
        ...withdrawn.map((bill) => ({ doc: { id: bill }, apply: false })),
      ],
    },
  };
  return {
    ok: true,
    plan: {
      paymentId,
      externalId,
      vendorId: vendorLink.netsuiteId,
      subsidiaryId,
      accountId: account.id,
      currencyId,
      tranDate,
      lines,
      totalCents: lines.reduce((sum, line) => sum + line.cents, 0),
      body,
      upToDate,
    },
  };
}
