// `apsync preview bill:<uuid>` and `payment:<id>`: what the bill-sync and payment-push workers would
// write to NetSuite now, read-only. Bills render the very decision the worker applies
// (shared/bills/decide-bill.ts); payments follow shared/payments/push-payment.ts with its pure planner
// (planVendorPayment) and read helpers, so the body shown is the body the worker would send.
import { type BillDecision, decideBill } from '../../../shared/bills/decide-bill.ts';
import { createNetSuiteBillLookups } from '../../../shared/bills/netsuite-bill-lookups.ts';
import { classOf } from '../../../shared/errors.ts';
import { readPaymentMode } from '../../../shared/payment-mode.ts';
import {
  readAccountsByNumber,
  readBillFacts,
  readExistingVendorPayment,
} from '../../../shared/payments/netsuite-payment-facts.ts';
import {
  type PaymentLinks,
  paymentExternalId,
  planVendorPayment,
} from '../../../shared/payments/vendor-payment-plan.ts';
import type { ProcurifyPayment } from '../../../shared/procurify/ports.ts';
import type { RecordLink, RecordState } from '../../../shared/state/model.ts';
import type { PreviewOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';

type Planned = Omit<PreviewOutput, 'record' | 'ref'>;

const recordPath = '/services/rest/record/v1';

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

export function previewBill(services: CliServices, uuid: string): Promise<Planned> {
  return orInvalid(async () => {
    const { netsuite, procurify } = await services.syncClients();
    const bill = await procurify.getBill(uuid);
    const decision = await decideBill(bill, {
      state: services.state,
      lookups: createNetSuiteBillLookups(netsuite.suiteQl),
    });
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
        target: {
          system: 'netsuite',
          kind: target.type,
          id: link?.netsuiteId ?? null,
          method: target.method,
          path: target.path,
        },
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

export function previewPayment(services: CliServices, paymentId: string): Promise<Planned> {
  return orInvalid(async () => {
    const state = services.state;
    const mode = await readPaymentMode(state, services.target.defaultPaymentMode);
    if (mode.mode !== 'push')
      return noWrite('skipped', 'payment mode is pull: payments are not pushed to NetSuite');
    const { netsuite, procurify } = await services.syncClients();
    let current: ProcurifyPayment | undefined;
    for await (const candidate of procurify.listPayments({ ids: [Number(paymentId)] })) {
      if (String(candidate.id) === paymentId) current = candidate;
    }
    if (current === undefined) return noWrite('invalid', `Procurify payment ${paymentId} was not found`);
    if (current.status !== 'paid') {
      return noWrite(
        'skipped',
        `payment status is ${current.status ?? 'unknown'}; it is pushed to NetSuite once paid`,
      );
    }
    const applications = await procurify.getPaymentApplications(current);
    let glCode = current.gl_code ?? null;
    if (glCode === null && current.payment_source_name !== null) {
      for await (const method of procurify.listCompanyPaymentMethods()) {
        if (method.name === current.payment_source_name) glCode = method.gl_code;
      }
    }
    const links: PaymentLinks = { bills: new Map(), vendors: new Map(), billStates: new Map() };
    const billLinks = links.bills as Map<string, RecordLink | undefined>;
    const vendorLinks = links.vendors as Map<number, RecordLink | undefined>;
    for (const app of applications.applications) {
      const uuid = app.billUuid.toLowerCase();
      const link = await state.findBySource('procurify', 'bill', uuid);
      billLinks.set(app.billUuid, link);
      if (link === undefined) {
        (links.billStates as Map<string, RecordState | undefined>).set(
          app.billUuid,
          await state.getState({ system: 'procurify', kind: 'bill', id: uuid }),
        );
      }
      if (!vendorLinks.has(app.vendorId)) {
        vendorLinks.set(app.vendorId, await state.findBySource('procurify', 'vendor', String(app.vendorId)));
      }
    }
    const linked =
      [...billLinks.values()].every((link) => link !== undefined) &&
      [...vendorLinks.values()].every((link) => link !== undefined);
    const externalId = paymentExternalId(paymentId);
    const existing = linked ? await readExistingVendorPayment(netsuite.records, externalId) : undefined;
    const billIds = [
      ...[...billLinks.values()].flatMap((link) => (link === undefined ? [] : [link.netsuiteId])),
      ...(existing === undefined ? [] : [...existing.applied.keys()]),
    ];
    const netsuiteBills = linked ? await readBillFacts(netsuite.suiteQl, billIds) : new Map();
    const accounts = linked && glCode !== null ? await readAccountsByNumber(netsuite.suiteQl, glCode) : [];
    const result = planVendorPayment(current, applications, links, accounts, {
      glCode,
      netsuiteBills,
      ...(existing === undefined ? {} : { existing }),
    });
    if (!result.ok)
      return noWrite(
        result.status === 'review' ? 'review' : 'invalid',
        result.error.message,
        result.waitingFor,
      );
    const { plan } = result;
    const unchanged = plan.upToDate && existing !== undefined;
    return {
      outcome: unchanged ? 'unchanged' : existing === undefined ? 'create' : 'update',
      ...(unchanged
        ? { reason: `Vendor Payment ${existing.id} already says all this; nothing would be written` }
        : {}),
      target: {
        system: 'netsuite',
        kind: 'vendorPayment',
        id: existing?.id ?? null,
        method: 'PUT',
        path: `${recordPath}/vendorPayment/eid:${externalId}`,
      },
      payload: plan.body,
      validation: { valid: true, issues: [] },
      notes: [
        `applies ${current.currency.name} ${(plan.totalCents / 100).toFixed(2)} to ${plan.lines.length} bill(s)`,
      ],
    };
  });
}
