// `apsync preview bill:<uuid>` and `payment:<id>`: what the bill-sync and payment-push workers would
// write to NetSuite now, read-only. They follow the decisions of shared/bills/sync-bill.ts and
// shared/payments/push-payment.ts step by step and use their pure planners (planVendorBill,
// planVendorPayment) and read helpers, so the body shown is the body those workers would send.
import { resolveBillCoding } from '../../../shared/bills/bill-coding.ts';
import {
  approvedBillStatus,
  type BillHeader,
  billExternalId,
  billStatusNames,
  codingNeeds,
  planVendorBill,
} from '../../../shared/bills/bill-plan.ts';
import { readBillSyncSettings } from '../../../shared/bills/bill-sync-settings.ts';
import { findLegacyBills } from '../../../shared/bills/legacy-bills.ts';
import { createNetSuiteBillLookups } from '../../../shared/bills/netsuite-bill-lookups.ts';
import { replacedBillSublists } from '../../../shared/bills/sync-bill.ts';
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
import type { ProcurifyPayment } from '../../../shared/procurify/index.ts';
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
    const [{ netsuite, procurify }, link] = await Promise.all([
      services.syncClients(),
      services.state.findBySource('procurify', 'bill', uuid),
    ]);
    const state = services.state;
    const bill = await procurify.getBill(uuid);
    if (bill.status !== approvedBillStatus) {
      const statusName = `${billStatusNames[bill.status] ?? 'Unknown'} (${bill.status})`;
      return noWrite(
        'skipped',
        link === undefined
          ? `Bill status is ${statusName}: only approved bills are written to NetSuite`
          : `Procurify status is now ${statusName}; NetSuite Vendor Bill ${link.netsuiteId} would be left as it is`,
      );
    }
    if (link !== undefined && (link.origin === 'legacy' || link.origin === 'import')) {
      return noWrite(
        'skipped',
        `Already in NetSuite as Vendor Bill ${link.netsuiteId} (${link.origin} link); apsync does not write it`,
      );
    }
    const settings = await readBillSyncSettings(state);
    const vendorLink = await state.findBySource('procurify', 'vendor', String(bill.vendor.id));
    if (vendorLink === undefined) {
      return noWrite(
        'invalid',
        `Vendor ${bill.vendor.name} (Procurify ${bill.vendor.id}) is not linked to a NetSuite vendor`,
      );
    }
    const lookups = createNetSuiteBillLookups(netsuite.suiteQl);
    if (link === undefined && settings.legacy !== undefined) {
      const legacy = await findLegacyBills(bill, vendorLink.netsuiteId, settings.legacy, lookups);
      if (legacy.length === 1) {
        return noWrite(
          'skipped',
          `Already in NetSuite as Vendor Bill ${legacy[0]!.id} (older integration): it would be linked, not written`,
        );
      }
      if (legacy.length > 1) {
        return noWrite(
          'invalid',
          `${legacy.length} NetSuite Vendor Bills of an older integration match this bill (ids ${legacy.map((row) => row.id).join(', ')})`,
        );
      }
    }
    const coding = await resolveBillCoding(codingNeeds(bill), lookups, state);
    let header: BillHeader | undefined;
    if (coding.missing.length === 0) {
      let subsidiaryId = settings.subsidiaryId;
      if (subsidiaryId === undefined) {
        const vendor = await lookups.vendor(vendorLink.netsuiteId);
        if (vendor?.subsidiary === undefined) {
          return noWrite(
            'invalid',
            `NetSuite vendor ${vendorLink.netsuiteId} is missing or has no subsidiary`,
          );
        }
        subsidiaryId = vendor.subsidiary;
      }
      const currencyId = await lookups.currencyByCode(bill.currency.name);
      if (currencyId === undefined)
        return noWrite('invalid', `Currency ${bill.currency.name} is not an active NetSuite currency`);
      header = { vendorId: vendorLink.netsuiteId, subsidiaryId, currencyId };
    }
    const plan = planVendorBill(bill, coding, header);
    if (plan.kind === 'park') return noWrite('review', plan.message, plan.waitingFor);
    const previous = await state.getState({ system: 'procurify', kind: 'bill', id: uuid });
    const unchanged = link !== undefined && previous?.contentHash === plan.hash;
    return {
      outcome: unchanged ? 'unchanged' : link === undefined ? 'create' : 'update',
      ...(unchanged
        ? { reason: 'the Vendor Bill equals what was last written; only a replay would send it again' }
        : {}),
      target: {
        system: 'netsuite',
        kind: 'vendorBill',
        id: link?.netsuiteId ?? null,
        method: 'PUT',
        path: `${recordPath}/vendorBill/eid:${billExternalId(uuid)}?replace=${replacedBillSublists.join(',')}`,
      },
      payload: plan.body,
      validation: { valid: true, issues: [] },
      notes: [
        `${plan.lineCount} line(s), total ${bill.currency.name} ${(Number(plan.totalCents) / 100).toFixed(2)}`,
      ],
    };
  });
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
