// The payment-push decision, made once: for a Procurify payment as it is now, what apsync does in
// NetSuite — nothing (not paid yet, already in NetSuite under a Vendor Payment the initial load linked,
// or it pays only bills excluded from the sync), put it on the review
// list (paid, pushed, then failed or denied in Procurify), refuse it naming what is missing or that its
// Vendor Payment was voided in NetSuite (the plan's refusal), nothing because the Vendor Payment already says it all, or write the exact Vendor Payment
// (upsert by external id). Reads only (links, states, the payment method's GL code, NetSuite facts); the
// worker (push-payment.ts) applies the decision and `apsync preview payment:<id>` renders the same one.
import type { ApPayment, PaymentApplications } from '../ap/payment.ts';
import type { ProcurifyPayments } from '../procurify/ports.ts';
import type { RecordKind, RecordLink, RecordState } from '../state/model.ts';
import { type LinkReads, type LinkStore, linkLookupKey, type SyncStateStore } from '../state/ports.ts';
import { gatherPaymentFacts } from './batch-payment-facts.ts';
import type { PaymentFacts, PaymentFactsReads, PaymentFactsSource } from './ports.ts';
import {
  type ExistingVendorPayment,
  type PaymentLinks,
  type PaymentPlanResult,
  paymentExternalId,
  planVendorPayment,
  type VendorPaymentPlan,
} from './vendor-payment-plan.ts';

/** Where the write goes: NetSuite's upsert by external id (PUT …/vendorPayment/eid:<id>). */
export interface PaymentWriteTarget {
  type: 'vendorPayment';
  method: 'PUT';
  externalId: string;
  path: string;
}

/** Before any read of the payment's bills: a payment not `paid` is not pushed. */
export type PaymentStatusDecision =
  | { kind: 'paid' }
  | { kind: 'skip'; message: string }
  /** Pushed, then failed or denied in Procurify: a person voids the Vendor Payment. */
  | { kind: 'review'; message: string };

export type PaymentDecision =
  | { kind: 'skip'; message: string }
  | ({ kind: 'refuse' } & Extract<PaymentPlanResult, { ok: false }>)
  | {
      kind: 'write';
      /** `unchanged`: the Vendor Payment already in NetSuite says all this (nothing is written). */
      action: 'create' | 'update' | 'unchanged';
      target: PaymentWriteTarget;
      plan: VendorPaymentPlan;
      existing?: ExistingVendorPayment;
    };

export interface DecidePaymentDependencies {
  /** The payment's NetSuite facts (read with the rest of its batch when the worker gathers them). */
  facts: PaymentFactsSource;
  procurify: Pick<ProcurifyPayments, 'listCompanyPaymentMethods'>;
  /** Links (read at once where the store can: LinkReads) and the bills' sync states. */
  state: Pick<LinkStore, 'findBySource'> & Partial<LinkReads> & Pick<SyncStateStore, 'getState'>;
  /** Where the links are read instead of `state` (the worker reads its batch's together). */
  links?: LinkReads;
}

const recordPath = '/services/rest/record/v1';

/** Whether the payment is pushed at all, given its status and the state apsync last recorded. */
export function decidePaymentStatus(
  payment: ApPayment,
  previous: Pick<RecordState, 'status'> | undefined,
): PaymentStatusDecision {
  if (payment.status === 'paid') return { kind: 'paid' };
  const status = payment.status ?? 'unknown';
  if (previous?.status === 'synced' && (status === 'failed' || status === 'denied')) {
    return {
      kind: 'review',
      message: `payment ${payment.id} was pushed to NetSuite but is now ${status} in Procurify; void the Vendor Payment ${paymentExternalId(payment.id)} in NetSuite`,
    };
  }
  return { kind: 'skip', message: `payment status is ${status}; it is pushed to NetSuite once paid` };
}

/** The decision for a paid payment and the bills it applies to (`applications`, read by the caller). */
export async function decidePayment(
  payment: ApPayment,
  applications: PaymentApplications,
  deps: DecidePaymentDependencies,
): Promise<PaymentDecision> {
  const paymentId = String(payment.id);
  const linkOf = await readLinks(deps.links ?? deps.state, deps.state, paymentId, applications);
  // Already in NetSuite under another Vendor Payment: linked by the initial load (backfill-payments.ts).
  const known = linkOf('payment', paymentId);
  if (known !== undefined && known.origin !== 'created') {
    return {
      kind: 'skip',
      message: `already in NetSuite as Vendor Payment ${known.netsuiteId} (linked: ${known.origin}); not written`,
    };
  }
  const glCode = payment.glCode ?? (await methodGlCode(deps.procurify, payment));

  const billLinks = new Map<string, RecordLink | undefined>();
  const vendorLinks = new Map<number, RecordLink | undefined>();
  const billStates = new Map<string, RecordState | undefined>();
  const links: PaymentLinks = { bills: billLinks, vendors: vendorLinks, billStates };
  for (const app of applications.applications) {
    // Bill sync keys bills by the lower-case UUID.
    const uuid = app.billUuid.toLowerCase();
    const link = linkOf('bill', uuid);
    billLinks.set(app.billUuid, link);
    if (link === undefined) {
      billStates.set(
        app.billUuid,
        await deps.state.getState({ system: 'procurify', kind: 'bill', id: uuid }),
      );
    }
    vendorLinks.set(app.vendorId, linkOf('vendor', String(app.vendorId)));
  }
  // Bills an operator excluded (`apsync bills exclude`): their payments are never written. A payment of
  // excluded bills only is skipped, with the reason; one that also pays other bills is refused by the
  // plan below, naming the exclusion.
  const excluded = [...billStates.values()].filter((billState) => billState?.excluded !== undefined);
  if (excluded.length > 0 && excluded.length === applications.applications.length) {
    const message = `payment ${paymentId} pays only bills excluded from the sync (${excluded
      .map((billState) => `bill ${billState!.ref.id}: ${billState!.excluded!.reason}`)
      .join('; ')}); it is not pushed to NetSuite`;
    return { kind: 'skip', message };
  }
  // NetSuite is read only when every link is there (otherwise the plan stops before it needs it).
  const linkedBills = [...billLinks.values()].filter((link) => link !== undefined);
  const linked =
    linkedBills.length === billLinks.size && [...vendorLinks.values()].every((link) => link !== undefined);
  const externalId = paymentExternalId(paymentId);
  const facts: PaymentFacts = linked
    ? await deps.facts.read({ externalId, billIds: linkedBills.map((link) => link.netsuiteId), glCode })
    : { bills: new Map(), accounts: [] };
  const { existing, bills: netsuiteBills, accounts } = facts;

  const result = planVendorPayment(payment, applications, links, accounts, {
    glCode,
    netsuiteBills,
    ...(existing === undefined ? {} : { existing }),
  });
  if (!result.ok) return { kind: 'refuse', ...result };
  const { plan } = result;
  return {
    kind: 'write',
    action:
      plan.upToDate && existing !== undefined ? 'unchanged' : existing === undefined ? 'create' : 'update',
    target: {
      type: 'vendorPayment',
      method: 'PUT',
      externalId,
      path: `${recordPath}/vendorPayment/eid:${externalId}`,
    },
    plan,
    ...(existing === undefined ? {} : { existing }),
  };
}

/**
 * The decisions for several paid payments (the initial load's batch), made side by side with their
 * NetSuite facts read together: one bulk read for the batch instead of one per payment.
 */
export function decidePayments(
  payments: ReadonlyArray<{ payment: ApPayment; applications: PaymentApplications }>,
  deps: Omit<DecidePaymentDependencies, 'facts'> & {
    facts: PaymentFactsReads & Pick<PaymentFactsSource, 'findVendorPayment'>;
  },
): Promise<PaymentDecision[]> {
  const batch = gatherPaymentFacts(deps.facts, payments.length);
  return Promise.all(
    payments.map(({ payment, applications }) => {
      const facts = batch.participant();
      return decidePayment(payment, applications, { ...deps, facts }).finally(() => facts.done());
    }),
  );
}

/**
 * The links the decision looks up (the payment's, its bills' by lower-case UUID as bill sync keys them,
 * their vendors'), read before it looks: in one request where the store can, else one by one.
 */
async function readLinks(
  /** The batch's link reads, else the state store's (which may read only one at a time). */
  reads: Partial<LinkReads>,
  state: Pick<LinkStore, 'findBySource'>,
  paymentId: string,
  applications: PaymentApplications,
): Promise<(kind: 'payment' | 'bill' | 'vendor', id: string) => RecordLink | undefined> {
  const lookups = new Map(
    [
      { kind: 'payment' as const, id: paymentId },
      ...applications.applications.flatMap((app) => [
        { kind: 'bill' as const, id: app.billUuid.toLowerCase() },
        { kind: 'vendor' as const, id: String(app.vendorId) },
      ]),
    ].map(({ kind, id }) => [
      linkLookupKey('procurify', kind, id),
      { system: 'procurify' as const, kind, id },
    ]),
  );
  const found: ReadonlyMap<string, RecordLink | undefined> =
    reads.findManyBySource === undefined
      ? await oneByOne(state, [...lookups.values()])
      : await reads.findManyBySource([...lookups.values()]);
  return (kind, id) => found.get(linkLookupKey('procurify', kind, id));
}

async function oneByOne(
  state: Pick<LinkStore, 'findBySource'>,
  lookups: ReadonlyArray<{ system: 'procurify'; kind: RecordKind; id: string }>,
): Promise<Map<string, RecordLink | undefined>> {
  const found = new Map<string, RecordLink | undefined>();
  for (const { system, kind, id } of lookups) {
    found.set(linkLookupKey(system, kind, id), await state.findBySource(system, kind, id));
  }
  return found;
}

/** The GL code of the payment's company payment method, when the payment does not carry it. */
async function methodGlCode(
  procurify: DecidePaymentDependencies['procurify'],
  payment: ApPayment,
): Promise<string | null> {
  if (payment.paymentSourceName === null) return null;
  for await (const method of procurify.listCompanyPaymentMethods()) {
    if (method.name === payment.paymentSourceName) return method.glCode;
  }
  return null;
}
