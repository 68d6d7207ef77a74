// Pure comparison of pushed payments: every payment link must name a NetSuite Vendor Payment that exists,
// is not voided, carries the payment's external id and applies the payment's amount; in push mode every
// paid Procurify payment needs one. A Vendor Payment deleted, voided or changed in NetSuite is a hand
// edit: reported with what to do, never written over. No I/O.
import type { PaymentMode } from '../payment-mode.ts';
import { paymentExternalId } from '../payments/vendor-payment-plan.ts';
import type { RecordState } from '../state/model.ts';
import {
  indexNetSuiteRows,
  type LinkedComparisonInput,
  notLinkedDiscrepancies,
  relinkToCarrier,
} from './compare-linked.ts';
import { type Discrepancy, forAPerson, sameMagnitude, showAmount } from './model.ts';
import type { NetSuitePaymentRow, ProcurifyPaymentRow } from './ports.ts';

export interface PaymentComparisonInput
  extends LinkedComparisonInput<NetSuitePaymentRow, ProcurifyPaymentRow> {
  mode: PaymentMode;
}

/** States that explain a payment without a Vendor Payment: parked, failed, dismissed, skipped (pull mode). */
const explained = (state: RecordState | undefined): boolean =>
  state !== undefined && state.status !== 'synced' && state.status !== 'pending';

export function comparePayments(input: PaymentComparisonInput): {
  discrepancies: Discrepancy[];
  checked: number;
} {
  const found: Discrepancy[] = [];
  const procurify = new Map<string, ProcurifyPaymentRow>();
  for (const payment of input.procurify) procurify.set(payment.id, payment);
  const { byId, byExternalId } = indexNetSuiteRows(input.netsuite);

  for (const [paymentId, link] of input.links) {
    const expected = paymentExternalId(paymentId);
    const written = byId.get(link.netsuiteId);
    const carrier = byExternalId.get(expected);
    const payment = procurify.get(paymentId);
    const base = { area: 'payment' as const, netsuiteId: link.netsuiteId, procurifyId: paymentId };
    const amount = payment === undefined ? null : showAmount(payment.amount);
    if (written === undefined || (written.externalId?.toLowerCase() !== expected && carrier !== undefined)) {
      if (carrier !== undefined && carrier.id !== link.netsuiteId) {
        const named =
          written === undefined
            ? ', which no longer exists'
            : `, whose external id is ${written.externalId ?? 'empty'}`;
        found.push(
          relinkToCarrier(
            base,
            link,
            carrier,
            `the link of payment ${paymentId} names Vendor Payment ${link.netsuiteId}${named}; Vendor Payment ${carrier.id} carries ${expected}: the link is replaced with it`,
            written === undefined
              ? undefined
              : { written, links: input.links, ownerPattern: /^procurify-pay-(\d+)$/i },
          ),
        );
        continue;
      }
      found.push(
        forAPerson({
          ...base,
          kind: 'missing-in-netsuite',
          netsuiteValue: null,
          procurifyValue: amount,
          message: `Vendor Payment ${link.netsuiteId} (${expected}) was deleted in NetSuite; apsync pushes a payment once and does not re-create it: if the payment stands, enter it again in NetSuite; if it was taken back, void it in Procurify`,
        }),
      );
      continue;
    }
    if (written.externalId?.toLowerCase() !== expected) {
      found.push(
        forAPerson({
          ...base,
          kind: 'wrong-link',
          field: 'externalId',
          netsuiteValue: written.externalId ?? null,
          procurifyValue: expected,
          message: `the link of payment ${paymentId} names Vendor Payment ${written.id}, whose external id is ${written.externalId ?? 'empty'}, and no Vendor Payment carries ${expected}: give the payment's Vendor Payment in NetSuite the external id ${expected} (or enter it), then apsync reconcile --kind payment --fix links it`,
        }),
      );
      continue;
    }
    if (written.voided) {
      found.push(
        forAPerson({
          ...base,
          kind: 'voided-in-netsuite',
          field: 'status',
          netsuiteValue: 'voided',
          procurifyValue: payment?.status ?? null,
          message: `Vendor Payment ${written.id} (${expected}) was voided in NetSuite while Procurify payment ${paymentId} is ${payment?.status ?? 'gone'}: if the payment stands, enter it again in NetSuite; otherwise void it in Procurify too`,
        }),
      );
      continue;
    }
    if (payment !== undefined && !sameMagnitude(written.total, payment.amount)) {
      found.push(
        forAPerson({
          ...base,
          kind: 'edited-in-netsuite',
          field: 'amount',
          netsuiteValue: showAmount(written.total),
          procurifyValue: amount,
          message: `Vendor Payment ${written.id} applies ${showAmount(written.total)}, Procurify payment ${paymentId} is ${amount} ${payment.currency}: it was changed on one side after apsync pushed it (apsync does not write a pushed payment again); correct the side that is wrong by hand`,
        }),
      );
    }
  }

  if (input.mode === 'push') {
    found.push(
      // Paid payments only: pull mode pushes none.
      ...notLinkedDiscrepancies(input, procurify, {
        area: 'payment',
        explained,
        due: (payment) => payment.status === 'paid',
        lastChanged: (payment) => payment.updatedAt,
        carrier: (paymentId) => byExternalId.get(paymentExternalId(paymentId)),
        amount: (payment) => showAmount(payment.amount),
        send: {
          action: 'push',
          message: (paymentId, payment) =>
            `paid Procurify payment ${paymentId} (${showAmount(payment.amount)} ${payment.currency}) has no Vendor Payment: queued for the payment-push worker`,
        },
        relinked: (paymentId, _payment, carrierId) =>
          `paid Procurify payment ${paymentId} is not linked, but Vendor Payment ${carrierId} carries its external id: linked to it`,
      }),
    );
  }
  return { discrepancies: found, checked: input.links.size };
}
