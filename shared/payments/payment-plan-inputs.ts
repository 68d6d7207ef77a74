// What the Vendor Payment planner (vendor-payment-plan.ts) needs about one Procurify payment, read the
// way the payment-push worker reads it (push-payment.ts): how Procurify applies it to bills, the links
// of those bills and their vendor (with the bills' states, to say why one is not synced), and — only
// when every link is there — the Vendor Payment already under the payment's external id, the NetSuite
// bills and the accounts carrying the payment's GL code. Then the plan itself. Used by the initial
// load's payment phase (backfill-payments.ts).
import type { NetSuiteRecords, SuiteQl } from '../netsuite/index.ts';
import type { PaymentApplications, ProcurifyPayment, ProcurifyPayments } from '../procurify/ports.ts';
import type { RecordLink, RecordState } from '../state/model.ts';
import type { LinkStore, SyncStateStore } from '../state/ports.ts';
import {
  type PaymentAccountCache,
  readAccountsByNumber,
  readBillFacts,
  readExistingVendorPayment,
} from './netsuite-payment-facts.ts';
import {
  type ExistingVendorPayment,
  type PaymentLinks,
  type PaymentPlanResult,
  paymentExternalId,
  planVendorPayment,
} from './vendor-payment-plan.ts';

export interface PaymentPlanInputsDependencies {
  netsuite: { records: NetSuiteRecords; suiteQl: SuiteQl };
  procurify: Pick<ProcurifyPayments, 'getPaymentApplications' | 'listCompanyPaymentMethods'>;
  state: LinkStore & Pick<SyncStateStore, 'getState'>;
  accounts?: PaymentAccountCache;
}

export interface PaymentPlanInputs {
  applications: PaymentApplications;
  links: PaymentLinks;
  /** Every bill and the vendor are linked (NetSuite was read). */
  linked: boolean;
  /** The payment pays only bills an operator excluded: it is never written (their states). */
  excludedOnly?: RecordState[];
  existing?: ExistingVendorPayment;
  result: PaymentPlanResult;
}

export async function readPaymentPlan(
  payment: ProcurifyPayment,
  deps: PaymentPlanInputsDependencies,
): Promise<PaymentPlanInputs> {
  const applications = await deps.procurify.getPaymentApplications(payment);
  const glCode = payment.gl_code ?? (await methodGlCode(deps.procurify, payment));
  const links: PaymentLinks = { bills: new Map(), vendors: new Map(), billStates: new Map() };
  const billLinks = links.bills as Map<string, RecordLink | undefined>;
  const vendorLinks = links.vendors as Map<number, RecordLink | undefined>;
  const billStates = links.billStates as Map<string, RecordState | undefined>;
  for (const app of applications.applications) {
    // Bill sync keys bills by the lower-case UUID.
    const uuid = app.billUuid.toLowerCase();
    const link = await deps.state.findBySource('procurify', 'bill', uuid);
    billLinks.set(app.billUuid, link);
    if (link === undefined) {
      billStates.set(
        app.billUuid,
        await deps.state.getState({ system: 'procurify', kind: 'bill', id: uuid }),
      );
    }
    if (!vendorLinks.has(app.vendorId)) {
      vendorLinks.set(
        app.vendorId,
        await deps.state.findBySource('procurify', 'vendor', String(app.vendorId)),
      );
    }
  }
  const excluded = [...billStates.values()].filter((billState) => billState?.excluded !== undefined);
  const linked =
    [...billLinks.values()].every((link) => link !== undefined) &&
    [...vendorLinks.values()].every((link) => link !== undefined);
  const existing = linked
    ? await readExistingVendorPayment(deps.netsuite.records, paymentExternalId(payment.id))
    : undefined;
  const billIds = [
    ...[...billLinks.values()].flatMap((link) => (link === undefined ? [] : [link.netsuiteId])),
    ...(existing === undefined ? [] : [...existing.applied.keys()]),
  ];
  const netsuiteBills = linked ? await readBillFacts(deps.netsuite.suiteQl, billIds) : new Map();
  const accounts =
    linked && glCode !== null
      ? await (deps.accounts?.accountsByNumber(deps.netsuite.suiteQl, glCode) ??
          readAccountsByNumber(deps.netsuite.suiteQl, glCode))
      : [];
  const result = planVendorPayment(payment, applications, links, accounts, {
    glCode,
    netsuiteBills,
    ...(existing === undefined ? {} : { existing }),
  });
  return {
    applications,
    links,
    linked,
    ...(excluded.length > 0 && excluded.length === applications.applications.length
      ? { excludedOnly: excluded as RecordState[] }
      : {}),
    ...(existing === undefined ? {} : { existing }),
    result,
  };
}

/** The GL code of the payment's company payment method, when the payment does not carry it. */
async function methodGlCode(
  procurify: PaymentPlanInputsDependencies['procurify'],
  payment: ProcurifyPayment,
): Promise<string | null> {
  if (payment.payment_source_name === null) return null;
  for await (const method of procurify.listCompanyPaymentMethods()) {
    if (method.name === payment.payment_source_name) return method.gl_code;
  }
  return null;
}
