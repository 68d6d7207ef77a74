// The initial load's paid history in pull mode (`apsync backfill --bills [--mark-paid]`): Procurify bills
// of the load (approved, modified in the load's window) whose linked NetSuite Vendor Bill was already
// paid in full before go-live. The paid-bill pull never sees them (its window starts at go-live), and
// they are never marked silently: without `--mark-paid` they are listed (count and ids); with it they
// are marked paid in Procurify with the date of the NetSuite payment. The decision is the pull's own
// (planPaidBillUpdates: paid in full → mark, partly paid → noted, not markable → said why). Resumable
// (configuration item `paid-bill-backfill`, load-cursor.ts); NetSuite read through the paid-bill pull's
// port (ports.ts PaidBillReads).

import type { ApBillSummary } from '../ap/bill.ts';
import { classOf, type SyncError } from '../errors.ts';
import type { PaymentMode } from '../payment-mode.ts';
import type { ProcurifyBillPayer, ProcurifyBills } from '../procurify/ports.ts';
import type { RecordLink, RecordRef } from '../state/model.ts';
import type { AuditTrail, ConfigStore, LinkStore } from '../state/ports.ts';
import type { ListingCounts, LoadCursor, LoadOptions } from './load-cursor.ts';
import { billsOfWindow, keepListed, listingPhase } from './load-cursor.ts';
import { type BillToMark, markBatches, planPaidBillUpdates } from './paid-bill-plan.ts';
import type { PaidBillReads } from './ports.ts';

export const paidBillBackfillConfigName = 'paid-bill-backfill';

/** Bills listed in the cursor (keepListed). */
const listLimit = 1000;

/** A bill paid in NetSuite listed, not marked: what marking it would write. */
export type PaidBillListed = Pick<BillToMark, 'billUuid' | 'netsuiteBillId' | 'paymentDate'>;

/**
 * The phase's counts: ListingCounts (Procurify bills read, approved or with a payment under way; paid in
 * full in NetSuite and listed, not marked, without --mark-paid; Procurify refused to mark them), and:
 */
export interface PaidBillBackfillCounts extends ListingCounts {
  /** Without a NetSuite link (not loaded, parked, or still on the bill queue). */
  notLinked: number;
  /** Still open in NetSuite, nothing paid. */
  open: number;
  /** Paid in full in NetSuite: to mark (listed), or marked with --mark-paid. */
  paidInNetSuite: number;
  marked: number;
  partial: number;
  notMarkable: number;
}

/** What the cursor carries beside the counts: marking or listing, and what was listed. */
export type PaidBillListing = {
  /** Marking them paid (--mark-paid) rather than listing. */
  writes: boolean;
  /** The first bills paid in NetSuite that were listed, not marked. */
  listedBills: PaidBillListed[];
  problems: Array<{ billUuid: string; netsuiteBillId?: string; reason: string }>;
};

export type PaidBillBackfillCursor = LoadCursor<PaidBillBackfillCounts> & PaidBillListing;

export interface BackfillPaidBillsDependencies {
  /** What NetSuite shows paid (netsuite-payment-facts.ts createNetSuitePaidBillReads, the pull's own reads). */
  paidBills: Pick<PaidBillReads, 'billsById' | 'latestPaymentDates'>;
  procurify: Pick<ProcurifyBills, 'scanBills'> & Pick<ProcurifyBillPayer, 'markBillsPaid'>;
  state: ConfigStore & Pick<LinkStore, 'findBySource'> & AuditTrail;
  defaultMode: PaymentMode;
  now?: () => Date;
}

export interface BackfillPaidBillsOptions extends LoadOptions<PaidBillBackfillCounts> {
  /** Mark them paid in Procurify (the operator asked); otherwise list them. */
  markPaid?: boolean;
}

/** Procurify statuses read: Approved (markable) and the payment-under-way ones (said why not). */
const readStatuses = [2, 6, 7, 8];

const billRef = (uuid: string): RecordRef => ({ system: 'procurify', kind: 'bill', id: uuid });

/**
 * The phase: its cursor's configuration item, its counts, its payment mode (pull; in the other one the
 * operator is told what to use instead), and what it lists.
 */
export const backfillPaidBills = listingPhase({
  name: paidBillBackfillConfigName,
  timeOf: (bill: ApBillSummary) => bill.lastModified,
  keyOf: (bill: ApBillSummary) => bill.uuid.toLowerCase(),
  defaultBatchSize: 100,
  counts: { notLinked: 0, open: 0, paidInNetSuite: 0, marked: 0, partial: 0, notMarkable: 0 },
  mode: 'pull',
  // Already marked bills are no longer Approved in Procurify: a marking run does not read them again.
  listing: (options: BackfillPaidBillsOptions): PaidBillListing => ({
    writes: options.markPaid === true,
    listedBills: [],
    problems: [],
  }),
  read: (deps: BackfillPaidBillsDependencies, window) => billsOfWindow(deps.procurify, readStatuses, window),
  handle: (deps, _options, batch, counts: PaidBillBackfillCounts, extra) =>
    handleBatch(deps, batch, counts, extra),
});

async function handleBatch(
  deps: BackfillPaidBillsDependencies,
  batch: ApBillSummary[],
  counts: PaidBillBackfillCounts,
  extra: PaidBillListing,
): Promise<void> {
  const links = new Map<string, RecordLink | undefined>();
  const statuses = new Map<string, number>();
  for (const bill of batch) {
    const uuid = bill.uuid.toLowerCase();
    const link = await deps.state.findBySource('procurify', 'bill', uuid);
    if (link === undefined) {
      counts.notLinked += 1;
      continue;
    }
    links.set(link.netsuiteId, link);
    statuses.set(link.procurifyId, bill.status);
  }
  const rows = (await deps.paidBills.billsById([...links.keys()])).filter(
    (row) => row.status === 'B' || row.paidCents > 0,
  );
  counts.open += links.size - rows.length;
  const paymentDates = await deps.paidBills.latestPaymentDates(
    rows.filter((row) => row.status === 'B').map((row) => row.id),
  );
  const plan = planPaidBillUpdates(rows, { links, procurifyStatuses: statuses, paymentDates });
  counts.paidInNetSuite += plan.markPaid.length;
  counts.partial += plan.partial.length;
  counts.notMarkable += plan.notMarkable.length;
  for (const bill of plan.notMarkable) keepListed(extra.problems, bill);
  if (!extra.writes) {
    counts.listed += plan.markPaid.length;
    for (const bill of plan.markPaid) keepListed(extra.listedBills, listing(bill), listLimit);
    return;
  }
  for (const group of markBatches(plan.markPaid, 100)) {
    await mark(deps, group.paymentDate, group.bills, counts, extra);
  }
}

const listing = (bill: BillToMark): PaidBillListed => ({
  billUuid: bill.billUuid,
  netsuiteBillId: bill.netsuiteBillId,
  paymentDate: bill.paymentDate,
});

/** One mark-as-paid request; when Procurify refuses the batch (all or nothing), bill by bill. */
async function mark(
  deps: BackfillPaidBillsDependencies,
  paymentDate: string,
  bills: BillToMark[],
  counts: PaidBillBackfillCounts,
  extra: Pick<PaidBillListing, 'problems'>,
): Promise<void> {
  try {
    await deps.procurify.markBillsPaid(
      bills.map((bill) => bill.billUuid),
      paymentDate,
    );
  } catch (error) {
    if (classOf(error) !== 'data') throw error;
    if (bills.length > 1) {
      for (const bill of bills) await mark(deps, paymentDate, [bill], counts, extra);
      return;
    }
    const bill = bills[0]!;
    const reason = `Procurify refused mark-as-paid: ${(error as SyncError).message}`;
    counts.failed += 1;
    keepListed(extra.problems, { billUuid: bill.billUuid, netsuiteBillId: bill.netsuiteBillId, reason });
    await deps.state.append(billRef(bill.billUuid), {
      step: 'failed',
      message: `initial load (--mark-paid): NetSuite bill ${bill.netsuiteBillId} is paid in full but ${reason}`,
      facts: { netsuiteBillId: bill.netsuiteBillId, paymentDate },
    });
    return;
  }
  counts.marked += bills.length;
  for (const bill of bills) {
    await deps.state.append(billRef(bill.billUuid), {
      step: 'written',
      message: `marked paid in Procurify by the initial load (--mark-paid): NetSuite bill ${bill.netsuiteBillId} was paid in full before go-live (payment date ${paymentDate})`,
      facts: {
        netsuiteBillId: bill.netsuiteBillId,
        paymentDate,
        dateSource: bill.dateSource,
        origin: 'backfill',
      },
    });
  }
}
