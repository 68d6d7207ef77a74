// Pure comparison of linked bills and of their paid status. Every bill link must name a NetSuite Vendor
// Bill that exists and carries the external id the link expects; its total must equal Procurify's (a bill
// whose total differs is judged against the plan apsync would write now: judgeBillTotal); approved
// Procurify bills need a link; a linked bill is paid on both sides or on neither. No I/O.
import { approvedBillStatus, billExternalId, billStatusNames } from '../bills/bill-plan.ts';
import type { PaymentMode } from '../payment-mode.ts';
import { procurifyBillStatus } from '../procurify/ports.ts';
import type { RecordLink, RecordState } from '../state/model.ts';
import {
  indexNetSuiteRows,
  type LinkedComparisonInput,
  notLinkedDiscrepancies,
  relinkToCarrier,
} from './compare-linked.ts';
import { type Discrepancy, forAPerson, sameMagnitude, showAmount } from './model.ts';
import type { BillPlanCheck, NetSuiteBillRow, ProcurifyBillRow } from './ports.ts';

export type BillComparisonInput = LinkedComparisonInput<NetSuiteBillRow, ProcurifyBillRow>;

/** A linked, approved bill whose NetSuite total differs from Procurify's: the plan decides who is right. */
export interface BillTotalToCheck {
  uuid: string;
  link: RecordLink;
  netsuite: NetSuiteBillRow;
  procurify: ProcurifyBillRow;
  state: RecordState | undefined;
}

export interface BillComparison {
  discrepancies: Discrepancy[];
  totalsToCheck: BillTotalToCheck[];
  /** Links compared (bills checked). */
  checked: number;
}

/** Procurify bills, NetSuite bills by id and by external id (lower case), as both comparisons use them. */
export interface BillIndexes {
  procurify: Map<string, ProcurifyBillRow>;
  netsuiteById: Map<string, NetSuiteBillRow>;
  netsuiteByExternalId: Map<string, NetSuiteBillRow>;
}

export function indexBills(
  netsuite: Iterable<NetSuiteBillRow>,
  procurify: Iterable<ProcurifyBillRow>,
): BillIndexes {
  const { byId, byExternalId } = indexNetSuiteRows(netsuite);
  return {
    procurify: new Map([...procurify].map((bill) => [bill.uuid.toLowerCase(), bill])),
    netsuiteById: byId,
    netsuiteByExternalId: byExternalId,
  };
}

const statusName = (status: number): string => `${billStatusNames[status] ?? 'Unknown'} (${status})`;
const explained = (state: RecordState | undefined): boolean =>
  state !== undefined &&
  (state.status === 'review' ||
    state.status === 'failed' ||
    state.status === 'dismissed' ||
    state.excluded !== undefined);

export function compareBills(input: BillComparisonInput, indexes?: BillIndexes): BillComparison {
  const { procurify, netsuiteById, netsuiteByExternalId } =
    indexes ?? indexBills(input.netsuite, input.procurify);
  const found: Discrepancy[] = [];
  const totalsToCheck: BillTotalToCheck[] = [];
  for (const [uuid, link] of input.links) {
    const bill = procurify.get(uuid);
    const written = netsuiteById.get(link.netsuiteId);
    const expected = billExternalId(uuid);
    const carrier = netsuiteByExternalId.get(expected);
    const apsyncMade = link.origin === 'created';
    const base = { area: 'bill' as const, netsuiteId: link.netsuiteId, procurifyId: uuid };
    if (bill === undefined) {
      found.push(
        forAPerson({
          ...base,
          kind: 'missing-in-procurify',
          netsuiteValue: written === undefined ? null : showAmount(written.total),
          procurifyValue: null,
          message: `Procurify bill ${uuid}, linked to Vendor Bill ${link.netsuiteId}, is no longer in Procurify's bill list; if it was withdrawn on purpose, void the Vendor Bill in NetSuite`,
        }),
      );
      continue;
    }
    const writable = bill.status === approvedBillStatus;
    if (written === undefined) {
      if (!apsyncMade) {
        found.push(
          forAPerson({
            ...base,
            kind: 'missing-in-netsuite',
            netsuiteValue: null,
            procurifyValue: showAmount(bill.total),
            message: `Vendor Bill ${link.netsuiteId} (${link.origin === 'legacy' ? 'an older integration' : 'an imported link'}) no longer exists in NetSuite; apsync does not write bills it did not create: re-create it in NetSuite and import its link (apsync bills import-links)`,
          }),
        );
      } else if (carrier !== undefined) {
        found.push(
          relinkToCarrier(
            base,
            link,
            carrier,
            relinked(uuid, carrier, `Vendor Bill ${link.netsuiteId} no longer exists`),
          ),
        );
      } else {
        found.push({
          ...base,
          kind: 'missing-in-netsuite',
          netsuiteValue: null,
          procurifyValue: showAmount(bill.total),
          action: writable ? 'resend' : 'none',
          owner: writable ? 'apsync' : 'hand-edit',
          message: writable
            ? `Vendor Bill ${link.netsuiteId} (${expected}) was deleted in NetSuite: the bill is sent again (a new Vendor Bill, the link follows)`
            : `Vendor Bill ${link.netsuiteId} (${expected}) was deleted in NetSuite; the Procurify bill is ${statusName(bill.status)}, which apsync no longer writes: re-create the Vendor Bill in NetSuite by hand`,
        });
      }
      continue;
    }
    if (apsyncMade && written.externalId?.toLowerCase() !== expected) {
      if (carrier !== undefined && carrier.id !== written.id) {
        // The Vendor Bill it names belongs to another Procurify bill whose link names it: restore that one.
        found.push(
          relinkToCarrier(
            base,
            link,
            carrier,
            relinked(uuid, carrier, `the link names Vendor Bill ${written.id}`),
            {
              written,
              links: input.links,
              ownerPattern: /^procurify-bill-(.+)$/i,
            },
          ),
        );
      } else {
        found.push({
          ...base,
          kind: 'wrong-link',
          field: 'externalId',
          netsuiteValue: written.externalId ?? null,
          procurifyValue: expected,
          action: writable ? 'resend' : 'none',
          owner: writable ? 'apsync' : 'hand-edit',
          message:
            `the link names Vendor Bill ${written.id}, whose external id is ${written.externalId ?? 'empty'}, not ${expected}` +
            (writable
              ? '; no Vendor Bill carries it: the bill is sent again (written under its external id, the link follows)'
              : `; the Procurify bill is ${statusName(bill.status)}: find its Vendor Bill in NetSuite and import the link (apsync bills import-links)`),
        });
      }
      continue;
    }
    if (bill.total !== null && !sameMagnitude(written.total, bill.total)) {
      if (writable && apsyncMade) {
        totalsToCheck.push({ uuid, link, netsuite: written, procurify: bill, state: input.states.get(uuid) });
      } else {
        found.push(
          forAPerson({
            ...base,
            kind: 'field-differs',
            field: 'total',
            netsuiteValue: showAmount(written.total),
            procurifyValue: showAmount(bill.total),
            message: `Vendor Bill ${written.id} total ${showAmount(written.total)} differs from Procurify's ${showAmount(bill.total)}; ${
              apsyncMade
                ? `the Procurify bill is ${statusName(bill.status)}, which apsync no longer writes`
                : 'apsync did not write this Vendor Bill'
            }: correct the side that is wrong by hand`,
          }),
        );
      }
    }
  }

  found.push(
    ...notLinkedDiscrepancies(input, procurify, {
      area: 'bill',
      due: (bill) => bill.status === approvedBillStatus,
      lastChanged: (bill) => bill.lastModified,
      explained,
      carrier: (uuid) => netsuiteByExternalId.get(billExternalId(uuid)),
      amount: (bill) => showAmount(bill.total),
      send: {
        action: 'resend',
        message: (uuid, bill) =>
          `approved Procurify bill ${bill.invoiceNumber ?? uuid} has no Vendor Bill: sent to the bill-sync worker`,
      },
      relinked: (uuid, bill, carrierId) =>
        `approved Procurify bill ${bill.invoiceNumber ?? uuid} is not linked, but Vendor Bill ${carrierId} carries its external id: linked to it`,
    }),
  );
  return { discrepancies: found, totalsToCheck, checked: input.links.size };
}

const relinked = (uuid: string, carrier: NetSuiteBillRow, why: string): string =>
  `${why}; Vendor Bill ${carrier.id} carries ${billExternalId(uuid)}: the link is replaced with it`;

/**
 * A linked approved bill whose NetSuite total differs from Procurify's, judged against the plan apsync
 * would write now. Equal to the plan: nothing (Procurify's list total is not the planned one). apsync's
 * last write was this very plan (same content hash): NetSuite was edited by hand — reported, never
 * overwritten. Otherwise the Procurify bill changed after apsync wrote it: sent again.
 */
export function judgeBillTotal(check: BillTotalToCheck, plan: BillPlanCheck): Discrepancy | undefined {
  const { uuid, link, netsuite } = check;
  const base = {
    area: 'bill' as const,
    netsuiteId: link.netsuiteId,
    procurifyId: uuid,
    field: 'total',
    netsuiteValue: showAmount(netsuite.total),
  };
  if (plan.kind === 'no-plan') {
    return forAPerson({
      ...base,
      kind: 'field-differs',
      procurifyValue: showAmount(check.procurify.total),
      message: `Vendor Bill ${netsuite.id} total ${showAmount(netsuite.total)} differs from Procurify's ${showAmount(check.procurify.total)}, and apsync has no plan for the bill now (${plan.reason}): fix what it waits for, then apsync review replay bill:${uuid}`,
    });
  }
  if (sameMagnitude(netsuite.total, plan.total)) return undefined;
  if (check.state?.contentHash === plan.hash) {
    return forAPerson({
      ...base,
      kind: 'edited-in-netsuite',
      procurifyValue: showAmount(plan.total),
      message:
        `Vendor Bill ${netsuite.id} total is ${showAmount(netsuite.total)} ${plan.currency}; apsync wrote ${showAmount(plan.total)} for this bill and it has not changed in Procurify since: ` +
        `the Vendor Bill was edited in NetSuite and is not overwritten. Correct it in NetSuite, or run apsync review replay bill:${uuid} to write Procurify's bill over the edit`,
    });
  }
  return {
    ...base,
    kind: 'outdated',
    procurifyValue: showAmount(plan.total),
    action: 'resend',
    owner: 'apsync',
    message: `Procurify bill ${check.procurify.invoiceNumber ?? uuid} changed after apsync wrote Vendor Bill ${netsuite.id} (NetSuite ${showAmount(netsuite.total)}, the bill now ${showAmount(plan.total)} ${plan.currency}): sent again`,
  };
}

export interface PaidComparisonInput {
  links: ReadonlyMap<string, RecordLink>;
  mode: PaymentMode;
}

/**
 * Paid status of linked bills: Procurify Paid (4) ↔ NetSuite Paid In Full (B). A bill whose Procurify
 * payment is on its way (statuses 6-8) is neither: only Approved (2) counts as open.
 */
export function comparePaidStatus(
  input: PaidComparisonInput,
  indexes: BillIndexes,
): { discrepancies: Discrepancy[]; checked: number } {
  const found: Discrepancy[] = [];
  let checked = 0;
  for (const [uuid, link] of input.links) {
    const bill = indexes.procurify.get(uuid);
    const netsuite = indexes.netsuiteById.get(link.netsuiteId);
    if (bill === undefined || netsuite === undefined) continue;
    checked++;
    const procurifyPaid = bill.status === procurifyBillStatus.paid;
    const netsuitePaid = netsuite.status === 'B';
    const base = {
      area: 'paid' as const,
      netsuiteId: netsuite.id,
      procurifyId: uuid,
      field: 'status',
      netsuiteValue: netsuitePaid ? 'Paid In Full' : `Open (${showAmount(netsuite.unpaid)} unpaid)`,
      procurifyValue: statusName(bill.status),
    };
    if (procurifyPaid && !netsuitePaid) {
      found.push({
        ...base,
        kind: 'paid-in-procurify-only',
        action: 'none',
        ...(input.mode === 'push'
          ? {
              owner: 'apsync' as const,
              // A payment that never reached NetSuite can be pushed again; one whose Vendor Payment a person
              // voided is not written again (decide-payment.ts parks it): it needs a person.
              message:
                `Procurify bill ${bill.invoiceNumber ?? uuid} is paid; Vendor Bill ${netsuite.id} still has ${showAmount(netsuite.unpaid)} open: ` +
                'its payment did not reach NetSuite, or its Vendor Payment was voided there. A payment on apsync review list --kind payment ' +
                'that failed can be pushed again with apsync payment resync <id>; one whose Vendor Payment was voided (apsync reconcile --kind payment ' +
                'reports it voided-in-netsuite) is not written again: enter the payment in NetSuite by hand if it stands, else void it in Procurify',
            }
          : {
              owner: 'hand-edit' as const,
              message: `Procurify bill ${bill.invoiceNumber ?? uuid} was marked paid in Procurify while Vendor Bill ${netsuite.id} has ${showAmount(netsuite.unpaid)} open (pull mode: NetSuite pays); pay it in NetSuite, or reopen it in Procurify`,
            }),
      });
    } else if (netsuitePaid && !procurifyPaid && bill.status === approvedBillStatus) {
      found.push({
        ...base,
        kind: 'paid-in-netsuite-only',
        ...(input.mode === 'pull'
          ? {
              action: 'mark-paid' as const,
              owner: 'apsync' as const,
              message: `Vendor Bill ${netsuite.id} is paid in full in NetSuite; Procurify bill ${bill.invoiceNumber ?? uuid} is not marked paid: marked paid with the NetSuite payment's date`,
            }
          : {
              action: 'none' as const,
              owner: 'hand-edit' as const,
              message: `Vendor Bill ${netsuite.id} was paid in full in NetSuite, but payments come from Procurify (push mode): record the payment in Procurify (mark the bill paid), or reverse the NetSuite payment`,
            }),
      });
    }
  }
  return { discrepancies: found, checked };
}
