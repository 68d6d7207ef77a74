// Pure planning of the paid-bill pull (mode pull): from the NetSuite bills found paid since
// the watermark (and those a previous run could not mark), the links apsync holds, the Procurify bills'
// statuses and the NetSuite payment dates, decide which Procurify bills to mark paid (grouped by payment
// date), which are already paid, which are only partly paid (recorded with their open amount, not
// marked), which cannot be marked now (parked for review and tried again), and how many are unknown.

import { formatCents } from '../money/money.ts';
import type { RecordLink, SyncStatus } from '../state/model.ts';
import type { PaidBillRow } from './ports.ts';

/** Procurify bill statuses the pull reads (shared/ap/bill.ts procurifyBillStatus). */
const procurifyApproved = 2;
const procurifyPaid = 4;
const procurifyPaymentUnderWay = new Set([6, 7, 8]);

export interface PaidBillFacts {
  /** NetSuite bill id → its link (undefined: a bill apsync does not know). */
  links: ReadonlyMap<string, RecordLink | undefined>;
  /** Procurify bill UUID → its status, for linked bills paid in full. */
  procurifyStatuses: ReadonlyMap<string, number>;
  /** NetSuite bill id → YYYY-MM-DD of the latest Vendor Payment applied to it. */
  paymentDates: ReadonlyMap<string, string>;
  /** Procurify bill UUID → why it could not be read (a data error: gone, refused); no status then. */
  procurifyReadErrors?: ReadonlyMap<string, string>;
}

export interface BillToMark {
  billUuid: string;
  netsuiteBillId: string;
  paymentDate: string;
  /** `last-modified` when no Vendor Payment is linked to the bill (paid by a credit or journal). */
  dateSource: 'payment' | 'last-modified';
  origin: RecordLink['origin'];
}

export interface PaidBillPlan {
  markPaid: BillToMark[];
  alreadyPaid: Array<{ billUuid: string; netsuiteBillId: string }>;
  partial: Array<{ billUuid: string; netsuiteBillId: string; openAmount: string; paidAmount: string }>;
  notMarkable: Array<{ billUuid: string; netsuiteBillId: string; reason: string }>;
  /** NetSuite bills without a link: ignored, counted. */
  unknownBillIds: string[];
}

export function planPaidBillUpdates(rows: readonly PaidBillRow[], facts: PaidBillFacts): PaidBillPlan {
  const plan: PaidBillPlan = {
    markPaid: [],
    alreadyPaid: [],
    partial: [],
    notMarkable: [],
    unknownBillIds: [],
  };
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const link = facts.links.get(row.id);
    if (link === undefined) {
      plan.unknownBillIds.push(row.id);
      continue;
    }
    const billUuid = link.procurifyId;
    const netsuiteBillId = row.id;
    if (row.status !== 'B' || row.unpaidCents > 0) {
      plan.partial.push({
        billUuid,
        netsuiteBillId,
        openAmount: formatCents(row.unpaidCents),
        paidAmount: formatCents(row.paidCents),
      });
      continue;
    }
    const status = facts.procurifyStatuses.get(billUuid);
    if (status === procurifyPaid) {
      plan.alreadyPaid.push({ billUuid, netsuiteBillId });
    } else if (status === procurifyApproved) {
      const paymentDate = facts.paymentDates.get(netsuiteBillId);
      plan.markPaid.push({
        billUuid,
        netsuiteBillId,
        paymentDate: paymentDate ?? row.lastModified.slice(0, 10),
        dateSource: paymentDate === undefined ? 'last-modified' : 'payment',
        origin: link.origin,
      });
    } else {
      plan.notMarkable.push({
        billUuid,
        netsuiteBillId,
        reason:
          status === undefined
            ? `the Procurify bill could not be read${readError(facts, billUuid)}`
            : procurifyPaymentUnderWay.has(status)
              ? `the Procurify bill has a payment under way (status ${status}); mark-as-paid takes only approved bills without payments`
              : `the Procurify bill has status ${status}${statusName(status)}, not Approved`,
      });
    }
  }
  return plan;
}

const statusNames: Record<number, string> = {
  0: 'draft',
  1: 'waiting for approval',
  3: 'denied',
  5: 'withdrawn',
};

const statusName = (status: number): string =>
  statusNames[status] === undefined ? '' : ` (${statusNames[status]})`;

function readError(facts: PaidBillFacts, uuid: string): string {
  const error = facts.procurifyReadErrors?.get(uuid);
  return error === undefined ? '' : `: ${error}`;
}

/**
 * A bill paid in full in NetSuite that the pull could not mark paid in Procurify: kept (state table
 * configuration `paid-bill-pull:retries`) until a run marks it, finds it paid or no longer paid in full,
 * or an operator dismisses it from the review list (then kept as a tombstone while the pull's window
 * may still show that version). Keyed by the NetSuite bill id.
 */
export interface PaidBillRetry {
  billUuid: string;
  netsuiteBillId: string;
  reason: string;
  /** When the pull first failed to mark it (ISO). */
  since: string;
  /** Runs that tried it, the first included. */
  attempts: number;
  /** The NetSuite bill's last-modified time (account wall time) when last read. */
  lastModified: string;
  /** The bill's sync state before the pull parked it: restored once it is marked. */
  previousStatus?: SyncStatus;
  /** An operator dismissed it from the review list (ISO): not tried again until NetSuite changes it. */
  dismissedAt?: string;
}

/** `waitingFor` of a bill the pull parked (the parked-bill re-send of the bill flow ignores it). */
export const markPaidWaitingKey = 'mark-paid';

/** The review-list message of a bill the pull could not mark paid. */
export function markPaidReviewMessage(netsuiteBillId: string, reason: string): string {
  return (
    `paid in full in NetSuite (bill ${netsuiteBillId}) but not marked paid in Procurify: ${reason}; ` +
    'fix it in Procurify: the next paid-bill pull tries again (or `apsync sync now paid-bills`)'
  );
}

/** The bills to mark, grouped by payment date, in batches of at most `batchSize`. */
export function markBatches(
  bills: readonly BillToMark[],
  batchSize: number,
): Array<{ paymentDate: string; bills: BillToMark[] }> {
  const byDate = new Map<string, BillToMark[]>();
  for (const bill of bills) byDate.set(bill.paymentDate, [...(byDate.get(bill.paymentDate) ?? []), bill]);
  const batches: Array<{ paymentDate: string; bills: BillToMark[] }> = [];
  for (const [paymentDate, group] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
    for (let start = 0; start < group.length; start += batchSize) {
      batches.push({ paymentDate, bills: group.slice(start, start + batchSize) });
    }
  }
  return batches;
}
