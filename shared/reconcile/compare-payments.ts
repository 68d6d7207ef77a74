// Pure comparison of pushed payments: every payment link must name a NetSuite Vendor Payment that exists,
// is not voided, carries the payment's external id and applies the payment's amount; in push mode every
// paid Procurify payment needs one. A Vendor Payment deleted, voided or changed in NetSuite is a hand
// edit: reported with what to do, never written over. No I/O.
import type { PaymentMode } from '../payment-mode.ts';
import { paymentExternalId } from '../payments/vendor-payment-plan.ts';
import type { RecordState } from '../state/model.ts';
import {
  type Discrepancy,
  type LinkedComparisonInput,
  sameMagnitude,
  showAmount,
  unlinkedPastGrace,
} from './model.ts';
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
  const byId = new Map<string, NetSuitePaymentRow>();
  const byExternalId = new Map<string, NetSuitePaymentRow>();
  for (const payment of input.netsuite) {
    byId.set(payment.id, payment);
    if (payment.externalId !== undefined) byExternalId.set(payment.externalId.toLowerCase(), payment);
  }

  for (const [paymentId, link] of input.links) {
    const expected = paymentExternalId(paymentId);
    const written = byId.get(link.netsuiteId);
    const carrier = byExternalId.get(expected);
    const payment = procurify.get(paymentId);
    const base = { area: 'payment' as const, netsuiteId: link.netsuiteId, procurifyId: paymentId };
    const amount = payment === undefined ? null : showAmount(payment.amount);
    if (written === undefined || (written.externalId?.toLowerCase() !== expected && carrier !== undefined)) {
      if (carrier !== undefined && carrier.id !== link.netsuiteId) {
        const owner = /^procurify-pay-(\d+)$/i.exec(written?.externalId ?? '')?.[1];
        const restore =
          owner !== undefined && written !== undefined && input.links.get(owner)?.netsuiteId === written.id
            ? owner
            : undefined;
        found.push({
          ...(restore === undefined ? {} : { restoreLinkOf: restore }),
          ...base,
          kind: 'wrong-link',
          field: 'netsuiteId',
          netsuiteValue: carrier.id,
          procurifyValue: link.netsuiteId,
          action: 'relink',
          relinkTo: carrier.id,
          owner: 'apsync',
          message: `the link of payment ${paymentId} names Vendor Payment ${link.netsuiteId}${written === undefined ? ', which no longer exists' : `, whose external id is ${written.externalId ?? 'empty'}`}; Vendor Payment ${carrier.id} carries ${expected}: the link is replaced with it`,
        });
        continue;
      }
      found.push({
        ...base,
        kind: 'missing-in-netsuite',
        netsuiteValue: null,
        procurifyValue: amount,
        action: 'none',
        owner: 'hand-edit',
        message: `Vendor Payment ${link.netsuiteId} (${expected}) was deleted in NetSuite; apsync pushes a payment once and does not re-create it: if the payment stands, enter it again in NetSuite; if it was taken back, void it in Procurify`,
      });
      continue;
    }
    if (written.externalId?.toLowerCase() !== expected) {
      found.push({
        ...base,
        kind: 'wrong-link',
        field: 'externalId',
        netsuiteValue: written.externalId ?? null,
        procurifyValue: expected,
        action: 'none',
        owner: 'hand-edit',
        message: `the link of payment ${paymentId} names Vendor Payment ${written.id}, whose external id is ${written.externalId ?? 'empty'}, and no Vendor Payment carries ${expected}: give the payment's Vendor Payment in NetSuite the external id ${expected} (or enter it), then apsync reconcile --kind payment --fix links it`,
      });
      continue;
    }
    if (written.voided) {
      found.push({
        ...base,
        kind: 'voided-in-netsuite',
        field: 'status',
        netsuiteValue: 'voided',
        procurifyValue: payment?.status ?? null,
        action: 'none',
        owner: 'hand-edit',
        message: `Vendor Payment ${written.id} (${expected}) was voided in NetSuite while Procurify payment ${paymentId} is ${payment?.status ?? 'gone'}: if the payment stands, enter it again in NetSuite; otherwise void it in Procurify too`,
      });
      continue;
    }
    if (payment !== undefined && !sameMagnitude(written.total, payment.amount)) {
      found.push({
        ...base,
        kind: 'edited-in-netsuite',
        field: 'amount',
        netsuiteValue: showAmount(written.total),
        procurifyValue: amount,
        action: 'none',
        owner: 'hand-edit',
        message: `Vendor Payment ${written.id} applies ${showAmount(written.total)}, Procurify payment ${paymentId} is ${amount} ${payment.currency}: it was changed on one side after apsync pushed it (apsync does not write a pushed payment again); correct the side that is wrong by hand`,
      });
    }
  }

  if (input.mode === 'push') {
    const unlinked = unlinkedPastGrace(input, procurify, {
      due: (payment) => payment.status === 'paid',
      lastChanged: (payment) => payment.updatedAt,
      explained,
    });
    for (const [paymentId, payment] of unlinked) {
      const carrier = byExternalId.get(paymentExternalId(paymentId));
      found.push({
        area: 'payment',
        kind: 'not-linked',
        netsuiteId: carrier?.id ?? null,
        procurifyId: paymentId,
        netsuiteValue: carrier === undefined ? null : showAmount(carrier.total),
        procurifyValue: showAmount(payment.amount),
        owner: 'apsync',
        ...(carrier === undefined
          ? {
              action: 'push' as const,
              message: `paid Procurify payment ${paymentId} (${showAmount(payment.amount)} ${payment.currency}) has no Vendor Payment: queued for the payment-push worker`,
            }
          : {
              action: 'relink' as const,
              relinkTo: carrier.id,
              message: `paid Procurify payment ${paymentId} is not linked, but Vendor Payment ${carrier.id} carries its external id: linked to it`,
            }),
      });
    }
  }
  return { discrepancies: found, checked: input.links.size };
}
