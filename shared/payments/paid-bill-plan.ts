// Pure planning of the paid-bill pull (SPEC F5, mode pull): from the NetSuite bills found paid since
// the watermark, the links apsync holds, the Procurify bills' statuses and the NetSuite payment dates,
// decide which Procurify bills to mark paid (grouped by payment date), which are already paid, which
// are only partly paid (recorded with their open amount, not marked), and how many are unknown.
import type { RecordLink } from '../state/model.ts';
import { formatCents } from './money.ts';
import type { PaidBillRow } from './netsuite-payment-facts.ts';

/** Procurify bill statuses the pull reads (shared/procurify/schemas.ts procurifyBillStatus). */
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
            ? 'the Procurify bill could not be read'
            : procurifyPaymentUnderWay.has(status)
              ? `the Procurify bill has a payment under way (status ${status}); mark-as-paid takes only approved bills without payments`
              : `the Procurify bill has status ${status}, not Approved`,
      });
    }
  }
  return plan;
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
