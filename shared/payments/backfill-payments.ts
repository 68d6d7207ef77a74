// The initial load's payments in push mode (`apsync backfill --bills [--payments]`): the paid Procurify
// payments of the loaded bills — the bills of the load's window (modified since its date; before it with
// --history), their payments found through the bills' groups, however long ago a payment itself was
// last updated; each payment once, in the order of its bills' modification. A payment whose
// bills already carry the same applications in NetSuite — one Vendor Payment applying exactly its
// amounts to exactly its linked Vendor Bills (match-vendor-payment.ts) — is linked (origin `matched`),
// never pushed. The others are listed with what the push would write: the payment-push worker's own
// decision (decide-payment.ts: the exact Vendor Payment, or why it cannot be written). Only
// when the operator asks (`--payments`) are the writable ones put on the payment queue (origin
// `backfill`), where the worker pushes each exactly once, within the NetSuite share; the load waits for
// each outcome and counts it. Resumable (configuration item `payment-backfill`, load-cursor.ts).
import type { ApPayment } from '../ap/payment.ts';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { writableBillStatuses } from '../bills/bill-plan.ts';
import { TransientError } from '../errors.ts';
import type { PaymentMessage } from '../events/payment-message.ts';
import { formatCents, toCents } from '../money/money.ts';
import type { PaymentMode } from '../payment-mode.ts';
import type { PaymentApplications, ProcurifyBills, ProcurifyPayments } from '../procurify/ports.ts';
import type { RecordRef } from '../state/model.ts';
import type { AuditTrail, ConfigStore, LinkStore, SyncStateStore } from '../state/ports.ts';
import { decidePayments } from './decide-payment.ts';
import type { ListingCounts, LoadCursor, LoadOptions } from './load-cursor.ts';
import { billsOfWindow, keepListed, listingPhase } from './load-cursor.ts';
import { applicationsByVendorPayment, matchVendorPayment, type PaymentLine } from './match-vendor-payment.ts';
import type { PaymentFactsReads, PaymentFactsSource, VendorPaymentApplicationReads } from './ports.ts';
import type { VendorPaymentPlan } from './vendor-payment-plan.ts';

export const paymentBackfillConfigName = 'payment-backfill';

/** Payments listed in the cursor (keepListed). */
const listLimit = 300;

/** What the push would write for a listed payment (the worker's plan). */
export interface PaymentPreview {
  paymentId: string;
  externalId: string;
  netsuiteVendorId: string;
  accountId: string;
  tranDate: string;
  currency: string;
  amount: string;
  bills: Array<{ billUuid: string; netsuiteBillId: string; amount: string }>;
  /** A Vendor Payment under this external id already says all this: the push would write nothing. */
  upToDate: boolean;
}

export interface PaymentProblemListing {
  paymentId: string;
  reason: string;
}

/**
 * The phase's counts: ListingCounts (paid payments read; writable ones listed without --payments, with
 * their preview; pushed with --payments but refused or failed by the worker, its state says why), and:
 */
export interface PaymentBackfillCounts extends ListingCounts {
  /** Linked before this load (pushed by apsync, or matched by an earlier run). */
  alreadyLinked: number;
  /** Already in NetSuite: linked, not pushed. */
  matched: number;
  /** Pushed with --payments: the worker wrote (or found) its Vendor Payment. */
  created: number;
  /** Cannot be written as things are (bill not synced, account missing, amount above open…): listed with why. */
  skipped: number;
}

/** What the cursor carries beside the counts: pushing or listing, and what was listed. */
export type PaymentListing = {
  /** Pushing (--payments) rather than listing. */
  writes: boolean;
  listedPayments: PaymentPreview[];
  problems: PaymentProblemListing[];
};

export type PaymentBackfillCursor = LoadCursor<PaymentBackfillCounts> & PaymentListing;

export interface BackfillPaymentsDependencies {
  /**
   * What NetSuite says: the payment-push worker's facts (netsuite-payment-facts.ts
   * createNetSuitePaymentFacts) and the Vendor Payments already applied to the bills
   * (netsuite-payment-applications.ts createNetSuiteVendorPaymentApplications).
   */
  netsuite: {
    facts: PaymentFactsReads & Pick<PaymentFactsSource, 'findVendorPayment'>;
    applications: VendorPaymentApplicationReads;
  };
  procurify: Pick<
    ProcurifyPayments,
    'listPayments' | 'getPaymentApplications' | 'listCompanyPaymentMethods'
  > &
    Pick<ProcurifyBills, 'scanBills'>;
  state: ConfigStore & LinkStore & SyncStateStore & AuditTrail;
  /** The payment queue (the payment-push worker). */
  payments: QueuePublisher<PaymentMessage>;
  defaultMode: PaymentMode;
  now?: () => Date;
  /** Waits between looks at the pushed payments' outcomes (default: a timer). */
  pause?: (ms: number) => Promise<void>;
}

export interface BackfillPaymentsOptions extends LoadOptions<PaymentBackfillCounts> {
  /** Push the writable payments (the operator asked); otherwise list them. */
  push?: boolean;
  /** How long to wait for the worker's outcomes of one batch (default 15 minutes). */
  outcomeTimeoutMs?: number;
}

const paymentRef = (paymentId: string): RecordRef => ({
  system: 'procurify',
  kind: 'payment',
  id: paymentId,
});

/**
 * The phase: its cursor's configuration item, its counts, its payment mode (push; in the other one the
 * operator is told what to use instead), and what it lists.
 */
export const backfillPayments = listingPhase({
  name: paymentBackfillConfigName,
  timeOf: (entry: LoadedPayment) => entry.billsModified,
  keyOf: (entry: LoadedPayment) => String(entry.payment.id),
  defaultBatchSize: 25,
  counts: { alreadyLinked: 0, matched: 0, created: 0, skipped: 0 },
  mode: 'push',
  listing: (options: BackfillPaymentsOptions): PaymentListing => ({
    writes: options.push === true,
    listedPayments: [],
    problems: [],
  }),
  read: (deps: BackfillPaymentsDependencies, window) => paymentsOfLoadedBills(deps.procurify, window),
  handle: (deps, options, batch, counts: PaymentBackfillCounts, extra) =>
    handleBatch(
      deps,
      options,
      batch.map((entry) => entry.payment),
      counts,
      extra,
    ),
});

/** A paid payment of the loaded bills, and the latest modification of those bills in the window. */
interface LoadedPayment {
  payment: ApPayment;
  billsModified: string;
}

/** Bill groups asked for in one payment list request (a comma-separated query value). */
const groupsPerRequest = 50;

/**
 * The paid payments of the bills the load reads in a window (the bill phase's statuses): through the
 * bills' groups (`bill_groups`, the only link from a payment to its bills in Procurify's payment list).
 */
async function* paymentsOfLoadedBills(
  procurify: BackfillPaymentsDependencies['procurify'],
  window: { after?: string; before?: string },
): AsyncIterable<LoadedPayment> {
  // Each group's latest bill modification: the scan is by modification time, so its last bill's.
  const groups = new Map<number, string>();
  for await (const bill of billsOfWindow(procurify, [...writableBillStatuses], window)) {
    if (bill.group !== null) groups.set(bill.group, bill.lastModified);
  }
  const ids = [...groups.keys()];
  for (let start = 0; start < ids.length; start += groupsPerRequest) {
    const billGroups = ids.slice(start, start + groupsPerRequest);
    for await (const payment of procurify.listPayments({ billGroups, statuses: ['paid'] })) {
      const times = payment.billGroups.flatMap((group) => groups.get(group) ?? []);
      yield { payment, billsModified: times.sort().at(-1)! };
    }
  }
}

interface Gathered {
  payment: ApPayment;
  applications: PaymentApplications;
  /** By linked NetSuite Vendor Bill; empty when a bill has no link (nothing to match then). */
  lines: PaymentLine[];
}

async function handleBatch(
  deps: BackfillPaymentsDependencies,
  options: BackfillPaymentsOptions,
  batch: ApPayment[],
  counts: PaymentBackfillCounts,
  extra: PaymentListing,
): Promise<void> {
  const gathered: Gathered[] = [];
  for (const payment of batch) {
    const paymentId = String(payment.id);
    if ((await deps.state.findBySource('procurify', 'payment', paymentId)) !== undefined) {
      counts.alreadyLinked += 1;
      continue;
    }
    const applications = await deps.procurify.getPaymentApplications(payment);
    gathered.push({ payment, applications, lines: await linkedLines(deps, applications) });
  }

  // What NetSuite already applies to these bills, for the whole batch in two reads.
  const applied = applicationsByVendorPayment(
    await deps.netsuite.applications.applicationsTouching(
      gathered.flatMap((entry) => entry.lines.map((line) => line.netsuiteBillId)),
    ),
  );
  const linkedElsewhere = new Set<string>();
  for (const vendorPaymentId of applied.keys()) {
    if ((await deps.state.findBySource('netsuite', 'payment', vendorPaymentId)) !== undefined) {
      linkedElsewhere.add(vendorPaymentId);
    }
  }

  const matches = new Map<Gathered, ReturnType<typeof matchVendorPayment>>();
  for (const entry of gathered) {
    const match = matchVendorPayment(entry.lines, applied, linkedElsewhere);
    // Taken now, so a second payment with the same applications in this batch is not matched to it.
    if (match.kind === 'matched') linkedElsewhere.add(match.vendorPaymentId);
    matches.set(entry, match);
  }
  // Not in NetSuite: what the payment-push worker would do with each, their NetSuite facts read in bulk.
  const undecided = gathered.filter((entry) => matches.get(entry)?.kind === 'none');
  const decided = await decidePayments(undecided, { ...deps, facts: deps.netsuite.facts });
  const decisions = new Map(undecided.map((entry, index) => [entry, decided[index]!]));

  const toPush: string[] = [];
  for (const entry of gathered) {
    const { payment, lines } = entry;
    const paymentId = String(payment.id);
    const match = matches.get(entry)!;
    if (match.kind === 'matched') {
      await linkMatched(deps, payment, match.vendorPaymentId, lines);
      counts.matched += 1;
      continue;
    }
    if (match.kind === 'ambiguous') {
      counts.skipped += 1;
      keepListed(extra.problems, {
        paymentId,
        reason: `NetSuite Vendor Payments ${match.vendorPaymentIds.join(', ')} each apply the same amounts to its bills; not linked and not pushed (a person must say which)`,
      });
      continue;
    }
    const decision = decisions.get(entry)!;
    if (decision.kind === 'skip') {
      counts.skipped += 1;
      keepListed(extra.problems, { paymentId, reason: decision.message });
      continue;
    }
    if (decision.kind === 'refuse') {
      counts.skipped += 1;
      keepListed(extra.problems, { paymentId, reason: decision.error.message });
      continue;
    }
    if (!extra.writes) {
      counts.listed += 1;
      keepListed(extra.listedPayments, preview(payment, decision.plan), listLimit);
      continue;
    }
    toPush.push(paymentId);
  }
  if (toPush.length > 0) await pushAndWait(deps, options, toPush, counts, extra);
}

/**
 * The payment's amounts by linked NetSuite Vendor Bill (bills it applies nothing to left out); empty when
 * one of its bills has no link or one of its amounts cannot be read.
 */
async function linkedLines(
  deps: BackfillPaymentsDependencies,
  applications: PaymentApplications,
): Promise<PaymentLine[]> {
  const lines: PaymentLine[] = [];
  for (const app of applications.applications) {
    const cents = toCents(app.amount);
    // An amount that cannot be read matches nothing: the worker's decision parks such a payment for review.
    if (cents === undefined) return [];
    if (cents <= 0) continue;
    // Bill sync keys bills by the lower-case UUID.
    const link = await deps.state.findBySource('procurify', 'bill', app.billUuid.toLowerCase());
    if (link === undefined) return [];
    lines.push({ netsuiteBillId: link.netsuiteId, cents });
  }
  return lines;
}

async function linkMatched(
  deps: BackfillPaymentsDependencies,
  payment: ApPayment,
  vendorPaymentId: string,
  lines: PaymentLine[],
): Promise<void> {
  const paymentId = String(payment.id);
  const ref = paymentRef(paymentId);
  const total = formatCents(lines.reduce((sum, line) => sum + line.cents, 0));
  const message =
    `Already in NetSuite as Vendor Payment ${vendorPaymentId} (the same ${payment.currency} ${total} applied to ` +
    `Vendor Bill${lines.length === 1 ? '' : 's'} ${lines.map((line) => line.netsuiteBillId).join(', ')}); linked at the initial load, not written`;
  await deps.state.link({
    kind: 'payment',
    procurifyId: paymentId,
    netsuiteId: vendorPaymentId,
    origin: 'matched',
  });
  await deps.state.append(ref, {
    step: 'skipped',
    message,
    facts: { origin: 'backfill', vendorPaymentId, total, bills: lines.length },
  });
  await deps.state.putState({ ref, status: 'skipped', message, sourceModified: payment.updatedAt });
}

function preview(payment: ApPayment, plan: VendorPaymentPlan): PaymentPreview {
  return {
    paymentId: plan.paymentId,
    externalId: plan.externalId,
    netsuiteVendorId: plan.vendorId,
    accountId: plan.accountId,
    tranDate: plan.tranDate,
    currency: payment.currency,
    amount: formatCents(plan.totalCents),
    bills: plan.lines.map((line) => ({
      billUuid: line.billUuid,
      netsuiteBillId: line.netsuiteBillId,
      amount: formatCents(line.cents),
    })),
    upToDate: plan.upToDate,
  };
}

/**
 * Puts the payments on the payment queue and waits until the worker has dealt with each: linked (its
 * Vendor Payment is in NetSuite) or a newer state that says why not.
 */
async function pushAndWait(
  deps: BackfillPaymentsDependencies,
  options: BackfillPaymentsOptions,
  paymentIds: string[],
  counts: PaymentBackfillCounts,
  extra: Pick<PaymentListing, 'problems'>,
): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const pause = deps.pause ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const enqueuedAt = now().toISOString();
  // A new state (another updatedAt than now) is the worker's outcome: no clock of this machine compared.
  const before = new Map<string, string | undefined>();
  for (const paymentId of paymentIds) {
    before.set(paymentId, (await deps.state.getState(paymentRef(paymentId)))?.updatedAt);
  }
  await deps.payments.sendAll(
    paymentIds.map((paymentId) => ({ kind: 'payment', origin: 'backfill', paymentId, enqueuedAt })),
  );
  const timeoutMs = options.outcomeTimeoutMs ?? 15 * 60_000;
  const deadline = now().getTime() + timeoutMs;
  const pending = new Set(paymentIds);
  for (;;) {
    for (const paymentId of [...pending]) {
      if ((await deps.state.findBySource('procurify', 'payment', paymentId)) !== undefined) {
        counts.created += 1;
        pending.delete(paymentId);
        continue;
      }
      const current = await deps.state.getState(paymentRef(paymentId));
      if (
        current !== undefined &&
        current.updatedAt !== before.get(paymentId) &&
        current.status !== 'pending'
      ) {
        counts.failed += 1;
        keepListed(extra.problems, {
          paymentId,
          reason: `${current.status}: ${current.message ?? 'no message'}`,
        });
        pending.delete(paymentId);
      }
    }
    if (pending.size === 0) return;
    if (now().getTime() > deadline) {
      throw new TransientError(
        `the payment-push worker has not dealt with payment(s) ${[...pending].join(', ')} in ${Math.round(timeoutMs / 60_000)} min; ` +
          'check that it runs (apsync status), then run the same backfill again: it resumes with this batch',
        { source: 'apsync', code: 'BACKFILL_WAIT' },
      );
    }
    await pause(1000);
  }
}
