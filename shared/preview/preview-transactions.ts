// The next write of a Procurify bill or payment to NetSuite (`apsync preview bill:<uuid>`,
// `payment:<id>`, the console's record page): what the bill-sync and payment-push workers would write
// now, read-only. Each renders the very decision its worker applies (shared/bills/decide-bill.ts,
// shared/payments/decide-payment.ts), so the body shown is the body the worker would send.

import type { ApPayment } from '../ap/payment.ts';
import { type BillDecision, decideBill } from '../bills/decide-bill.ts';
import { classOf } from '../errors.ts';
import { readPaymentMode } from '../payment-mode.ts';
import { decidePayment, decidePaymentStatus, type PaymentDecision } from '../payments/decide-payment.ts';
import { paymentRef } from '../payments/push-payment.ts';
import type { PlannedWrite, PreviewSources } from './ports.ts';

type Planned = PlannedWrite;

const noWrite = (
  outcome: 'skipped' | 'invalid' | 'review',
  reason: string,
  issues: string[] = [],
): Planned => ({
  outcome,
  reason,
  target: null,
  payload: null,
  validation: {
    valid: outcome === 'skipped',
    issues: outcome === 'skipped' ? [] : issues.length > 0 ? issues : [reason],
  },
  notes: [],
});

/** A data error met on the way (a missing link, a bad amount) is the outcome; anything else is thrown. */
async function orInvalid(plan: () => Promise<Planned>): Promise<Planned> {
  try {
    return await plan();
  } catch (error) {
    if (classOf(error) !== 'data') throw error;
    return noWrite('invalid', (error as Error).message);
  }
}

export function previewBill(services: PreviewSources, uuid: string): Promise<Planned> {
  return orInvalid(async () => {
    const { procurify, billLookups } = await services.transactionReads();
    const bill = await procurify.getBill(uuid);
    const decision = await decideBill(bill, { state: services.state, lookups: billLookups });
    return renderBillDecision(decision);
  });
}

/** The bill-sync decision as preview output: the same decision the worker applies (decide-bill.ts). */
export function renderBillDecision(decision: BillDecision): Planned {
  switch (decision.kind) {
    case 'skip':
      return noWrite('skipped', decision.message);
    case 'note':
      return noWrite('skipped', decision.message.replace('left as it is', 'would be left as it is'));
    case 'link-legacy':
      return noWrite(
        'skipped',
        decision.message.replace('linked, not written again', 'it would be linked, not written'),
      );
    case 'link-matched':
      return noWrite(
        'skipped',
        decision.message.replace('linked, not written', 'it would be linked, not written'),
      );
    case 'park':
      return noWrite('review', decision.message, decision.waitingFor);
    case 'write': {
      const { plan, target, link } = decision;
      const { totals } = plan;
      const files = plan.attachments.filter((file) => !decision.storedFiles.includes(file.uuid));
      return {
        outcome: decision.action,
        ...(decision.action === 'unchanged'
          ? { reason: 'the Vendor Bill equals what was last written; only a replay would send it again' }
          : {}),
        target: netsuiteTarget(target, link?.netsuiteId ?? null),
        payload: plan.body,
        validation: { valid: true, issues: [] },
        notes: [
          `${plan.lineCount} line(s); lines ${totals.lines}, tax ${totals.tax}, shipping ${totals.shipping}, costs ${totals.costs}; total ${totals.currency} ${totals.total}`,
          ...files.map(
            (file) =>
              `invoice file to store in folder ${file.folderId} and attach: ${file.name} (${file.mimetype})`,
          ),
          ...plan.notes,
        ],
      };
    }
  }
}

export function previewPayment(services: PreviewSources, paymentId: string): Promise<Planned> {
  return orInvalid(async () => {
    const state = services.state;
    const mode = await readPaymentMode(state, services.defaultPaymentMode);
    if (mode.mode !== 'push')
      return noWrite('skipped', 'payment mode is pull: payments are not pushed to NetSuite');
    const { procurify, paymentFacts } = await services.transactionReads();
    let current: ApPayment | undefined;
    for await (const candidate of procurify.listPayments({ ids: [Number(paymentId)] })) {
      if (String(candidate.id) === paymentId) current = candidate;
    }
    if (current === undefined) return noWrite('invalid', `Procurify payment ${paymentId} was not found`);
    const status = decidePaymentStatus(current, await state.getState(paymentRef(paymentId)));
    if (status.kind !== 'paid')
      return noWrite(status.kind === 'review' ? 'review' : 'skipped', status.message);
    const applications = await procurify.getPaymentApplications(current);
    const decision = await decidePayment(current, applications, {
      facts: paymentFacts,
      procurify,
      state,
    });
    return renderPaymentDecision(decision, current.currency);
  });
}

/** The payment-push decision as preview output: the same decision the worker applies (decide-payment.ts). */
export function renderPaymentDecision(decision: PaymentDecision, currency: string): Planned {
  switch (decision.kind) {
    case 'skip':
      return noWrite('skipped', decision.message);
    case 'refuse':
      return noWrite(
        decision.status === 'review' ? 'review' : 'invalid',
        decision.error.message,
        decision.waitingFor,
      );
    case 'write': {
      const { plan, existing, target } = decision;
      return {
        outcome: decision.action,
        ...(decision.action === 'unchanged' && existing !== undefined
          ? { reason: `Vendor Payment ${existing.id} already says all this; nothing would be written` }
          : {}),
        target: netsuiteTarget(target, existing?.id ?? null),
        payload: plan.body,
        validation: { valid: true, issues: [] },
        notes: [`applies ${currency} ${(plan.totalCents / 100).toFixed(2)} to ${plan.lines.length} bill(s)`],
      };
    }
  }
}

/** Where the write would go in NetSuite: the plan's target and the record it updates (null: created). */
function netsuiteTarget(target: { type: string; method: string; path: string }, id: string | null) {
  return { system: 'netsuite' as const, kind: target.type, id, method: target.method, path: target.path };
}
