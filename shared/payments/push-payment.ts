// Use case behind the payment-push worker (push mode): one Procurify payment becomes one
// NetSuite Vendor Payment applied to its linked Vendor Bills, exactly once, as decide-payment.ts decides
// (the decision `apsync preview payment:<id>` shows too). Layers: the worker is
// idempotent on the payment id (push-once.ts), the Vendor Payment already written under the payment's
// external id is looked up before writing, and the write is an upsert by that external id. Data errors
// stop at once with a message a person can act on; every outcome lands in the payment's sync state and
// audit trail (the entries noted on the way, received and fetched, written with the outcome's in one
// request: OutcomeJournal.defer).
import type { ApPayment, PaymentApplications } from '../ap/payment.ts';
import { classOf, DataError, type SyncError, TransientError } from '../errors.ts';
import type { PaymentMessage } from '../events/payment-message.ts';
import { formatCents } from '../money/money.ts';
import type { NetSuiteRecords } from '../netsuite/index.ts';
import { type PaymentMode, type PaymentModeSetting, readPaymentMode } from '../payment-mode.ts';
import type { ProcurifyPayments } from '../procurify/ports.ts';
import type { RecordRef, SyncStatus } from '../state/model.ts';
import { OutcomeJournal } from '../state/outcome-journal.ts';
import type {
  AuditTrail,
  ConfigStore,
  LinkReads,
  LinkStore,
  RecordWrites,
  SyncStateStore,
} from '../state/ports.ts';
import { type DecidePaymentDependencies, decidePayment, decidePaymentStatus } from './decide-payment.ts';
import type { PaymentFactsSource } from './ports.ts';
import type { BatchPayments } from './push-batch-payments.ts';
import type { PaymentPushOnce } from './push-once.ts';
import { paymentProblems } from './vendor-payment-plan.ts';

export interface PushPaymentDependencies extends DecidePaymentDependencies {
  /** Where the Vendor Payment is written. */
  netsuite: { records: NetSuiteRecords };
  procurify: Pick<ProcurifyPayments, 'listPayments' | 'getPaymentApplications' | 'listCompanyPaymentMethods'>;
  state: LinkStore & SyncStateStore & AuditTrail & Partial<RecordWrites & LinkReads>;
  /**
   * Runs right after the Vendor Payment was written and before apsync's own bookkeeping: the moment a
   * crash is most dangerous. Tests make it crash; production leaves it out.
   */
  afterNetSuiteWrite?: (vendorPaymentId: string) => Promise<void> | void;
}

export interface HandlePaymentDependencies {
  /** The push dependencies (clients built from secrets once per container). */
  push(): Promise<PushPaymentDependencies>;
  /** Where the payment mode, links, sync states and audit trails live (the push's `state` too). */
  state: ConfigStore & SyncStateStore & AuditTrail & LinkStore & Partial<RecordWrites>;
  defaultMode: PaymentMode;
  /**
   * The payment mode as read for this message (a worker reads it once for its batch); by default read
   * from `state` for each message.
   */
  mode?: () => Promise<PaymentModeSetting>;
  once: PaymentPushOnce;
}

export interface PaymentPushOutcome {
  status: SyncStatus;
  message?: string;
  vendorPaymentId?: string;
  /** `found`: the Vendor Payment was already in NetSuite as planned (nothing written). */
  action?: 'created' | 'updated' | 'found';
  /** The push had completed before (idempotency record). */
  duplicate?: boolean;
}

export const paymentRef = (paymentId: string): RecordRef => ({
  system: 'procurify',
  kind: 'payment',
  id: paymentId,
});

/** The message the payment's state carries when a push message arrives in pull mode. */
export const pullModeMessage = 'mode is pull';

/**
 * A payment's journal: a payment is written to NetSuite once, so its `synced` state is final (a later
 * skip or failure is in the audit trail only; `review` still replaces it, to tell a person).
 */
const paymentJournal = (
  state: SyncStateStore & AuditTrail & LinkStore & Partial<RecordWrites>,
  ref: RecordRef,
) => new OutcomeJournal(state, ref, { syncedIsFinal: true });

/** One payment message: mode check, the payment's current status, then the push, at most once. */
export async function handlePaymentMessage(
  message: PaymentMessage,
  deps: HandlePaymentDependencies,
  /** The payment's share of its batch's bulk read (otherwise its facts are read alone). */
  facts?: PaymentFactsSource,
  /** Its batch's Procurify payments, read together (otherwise, or when not found there, read alone). */
  batchPayments?: BatchPayments,
  /** The payment's share of its batch's link lookups (otherwise its links are read alone). */
  links?: LinkReads,
): Promise<PaymentPushOutcome> {
  const ref = paymentRef(message.paymentId);
  const journal = paymentJournal(deps.state, ref);
  journal.defer({
    step: 'received',
    facts: {
      origin: message.origin,
      ...(message.updatedAt === undefined ? {} : { updatedAt: message.updatedAt }),
    },
  });
  // Every path writes its entries with an outcome or a note; nothing is left, unless a path forgot.
  return flushedAfter(journal, () =>
    handleReceived(message, deps, journal, { facts, links, payments: batchPayments }),
  );
}

/**
 * Runs an attempt, then writes what is left in its journal. When the attempt threw, its error is what
 * the worker acts on: a store failing to write the rest then must not hide it.
 */
async function flushedAfter<T>(journal: OutcomeJournal, attempt: () => Promise<T>): Promise<T> {
  let outcome: T;
  try {
    outcome = await attempt();
  } catch (error) {
    await journal.flush().catch(() => undefined);
    throw error;
  }
  await journal.flush();
  return outcome;
}

/** What a message shares with its batch's other messages (each absent when it is handled alone). */
interface BatchShare {
  facts: PaymentFactsSource | undefined;
  links: LinkReads | undefined;
  payments: BatchPayments | undefined;
}

async function handleReceived(
  message: PaymentMessage,
  deps: HandlePaymentDependencies,
  journal: OutcomeJournal,
  batch: BatchShare,
): Promise<PaymentPushOutcome> {
  const ref = journal.ref;
  // Checked on every message, outside the idempotency record: a payment skipped in pull mode is pushed
  // if it comes again after a switch back to push.
  const mode = await (deps.mode?.() ?? readPaymentMode(deps.state, deps.defaultMode));
  // A payment pushed under push mode stays as it is: switching modes affects only new activity.
  if (mode.mode !== 'push') {
    await journal.outcome(
      'skipped',
      { message: pullModeMessage },
      { step: 'skipped', message: pullModeMessage },
    );
    return { status: 'skipped', message: pullModeMessage };
  }
  try {
    const push = await deps.push();
    const payment = await fetchPayment(push.procurify, message.paymentId, batch.payments);
    journal.read(payment.updatedAt);
    // The payment's state is read only where it decides something: for a payment not paid (skipped, or
    // put on the review list if it was pushed) and for a duplicate push (below). A paid payment's push
    // does not need it — the push-once record and the Vendor Payment looked up by external id keep it
    // from being written twice — so the common case makes one DynamoDB read less.
    // One await for both cases (an await inside one branch of the condition hid the paid path from V8's
    // branch coverage).
    const stored = await (payment.status === 'paid' ? undefined : deps.state.getState(ref));
    const status = decidePaymentStatus(payment, stored);
    if (status.kind !== 'paid') {
      const outcome = status.kind === 'review' ? 'review' : 'skipped';
      await journal.outcome(outcome, { message: status.message }, { step: outcome, message: status.message });
      return { status: outcome, message: status.message };
    }
    // Read while the idempotency record is taken (a read only: if the push is a duplicate, it is unused).
    const applications = push.procurify.getPaymentApplications(payment);
    applications.catch(() => undefined);
    const { value, duplicate } = await deps.once(message.paymentId, () =>
      pushPayment(
        payment,
        {
          ...push,
          ...(batch.facts === undefined ? {} : { facts: batch.facts }),
          ...(batch.links === undefined ? {} : { links: batch.links }),
        },
        journal,
        applications,
      ),
    );
    if (duplicate) {
      const note = `already pushed as Vendor Payment ${value.vendorPaymentId ?? '?'}; not written again`;
      const facts = {
        origin: message.origin,
        ...(value.vendorPaymentId === undefined ? {} : { vendorPaymentId: value.vendorPaymentId }),
      };
      if ((await deps.state.getState(ref))?.status === 'synced') {
        await journal.note({ step: 'note', message: note, facts });
      } else {
        await journal.outcome(
          'synced',
          { message: value.message ?? 'pushed to NetSuite' },
          { step: 'note', message: note, facts },
        );
      }
      return { ...value, duplicate: true };
    }
    return value;
  } catch (error) {
    if ((error as Partial<SyncError>).code === 'IN_PROGRESS') {
      // Another worker holds this payment: its outcome, not this attempt's, is the payment's state.
      await journal.note({ step: 'note', message: (error as Error).message });
    } else {
      await journal.failure(error);
    }
    throw error;
  }
}

async function fetchPayment(
  procurify: PushPaymentDependencies['procurify'],
  paymentId: string,
  batchPayments: BatchPayments | undefined,
) {
  const fromBatch = await batchPayments?.(paymentId).catch(() => undefined);
  if (fromBatch !== undefined) return fromBatch;
  for await (const payment of procurify.listPayments({ ids: [Number(paymentId)] })) {
    if (String(payment.id) === paymentId) return payment;
  }
  throw new DataError(`${paymentProblems.syncIncomplete}: Procurify payment ${paymentId} was not found`, {
    source: 'procurify',
    code: 'syncIncomplete',
  });
}

/** The push itself (inside the idempotency record): gather, plan, write unless already written, record. */
export async function pushPayment(
  payment: ApPayment,
  deps: PushPaymentDependencies,
  /** The message's journal (its caller writes what is left in it); a journal of its own by default. */
  journal?: OutcomeJournal,
  /** The payment's applications, when its caller started reading them; read here otherwise. */
  applicationsRead?: Promise<PaymentApplications>,
): Promise<PaymentPushOutcome> {
  if (journal !== undefined) return pushWithJournal(payment, deps, journal, applicationsRead);
  const own = paymentJournal(deps.state, paymentRef(String(payment.id)));
  // An attempt that threw before its outcome still leaves its `fetched` entry.
  return flushedAfter(own, () => pushWithJournal(payment, deps, own, applicationsRead));
}

async function pushWithJournal(
  payment: ApPayment,
  deps: PushPaymentDependencies,
  journal: OutcomeJournal,
  applicationsRead: Promise<PaymentApplications> | undefined,
): Promise<PaymentPushOutcome> {
  const paymentId = String(payment.id);
  journal.read(payment.updatedAt);
  const applications = await (applicationsRead ?? deps.procurify.getPaymentApplications(payment));
  journal.defer({
    step: 'fetched',
    facts: {
      amount: payment.amount,
      currency: payment.currency,
      bills: applications.applications.length,
      complete: applications.complete,
    },
  });
  const decision = await decidePayment(payment, applications, deps);
  if (decision.kind === 'skip') {
    await journal.outcome(
      'skipped',
      { message: decision.message },
      { step: 'skipped', message: decision.message },
    );
    return { status: 'skipped', message: decision.message };
  }
  if (decision.kind === 'refuse') {
    throw await journal.refusal(
      decision.error,
      decision.status,
      { message: decision.error.message, errorClass: 'data', waitingFor: decision.waitingFor },
      {
        step: decision.status === 'review' ? 'review' : 'failed',
        message: decision.error.message,
        facts: { errorClass: 'data', problem: decision.problem },
      },
    );
  }
  const { plan, existing, target } = decision;
  const { externalId } = target;

  let vendorPaymentId: string;
  let action: 'created' | 'updated' | 'found';
  if (decision.action === 'unchanged' && existing !== undefined) {
    vendorPaymentId = existing.id;
    action = 'found';
  } else {
    const written = await writeVendorPayment(deps.netsuite.records, externalId, plan.body);
    action = existing === undefined ? 'created' : 'updated';
    vendorPaymentId = written.id ?? existing?.id ?? (await writtenVendorPaymentId(deps.facts, externalId));
    await deps.afterNetSuiteWrite?.(vendorPaymentId);
  }

  // Bookkeeping. A crash anywhere here is repaired by the next attempt, which finds the Vendor Payment.
  const total = formatCents(plan.totalCents);
  const message = `Vendor Payment ${vendorPaymentId} applies ${total} ${payment.currency} to ${plan.lines.length} bill(s)`;
  // Written with the audit entries, before the state (the outcome below).
  journal.deferLink({
    kind: 'payment',
    procurifyId: paymentId,
    netsuiteId: vendorPaymentId,
    origin: 'created',
  });
  await journal.outcome(
    'synced',
    { message },
    {
      step: action === 'found' ? 'unchanged' : 'written',
      message,
      facts: {
        vendorPaymentId,
        action,
        externalId,
        total,
        bills: plan.lines.length,
        account: plan.accountId,
      },
    },
  );
  return { status: 'synced', message, vendorPaymentId, action };
}

/**
 * The id of the Vendor Payment just written when the upsert did not name it (NetSuite names only the
 * records it creates) and none was known: read back by external id. Not found, nothing is linked: the
 * attempt fails as transient, and the next one (the upsert is safe to repeat) finds it.
 */
async function writtenVendorPaymentId(facts: PaymentFactsSource, externalId: string): Promise<string> {
  const found = await facts.findVendorPayment(externalId);
  if (found !== undefined) return found.id;
  throw new TransientError(
    `NetSuite took Vendor Payment ${externalId} but neither named it nor shows it yet; the push is tried again`,
    { source: 'netsuite', code: 'VENDOR_PAYMENT_UNSEEN' },
  );
}

/**
 * The upsert by external id. NetSuite refusing the record (a business rule, a closed period, a value)
 * is a generic "Sync could not complete" message, with NetSuite's own words after it.
 */
async function writeVendorPayment(
  records: NetSuiteRecords,
  externalId: string,
  body: Record<string, unknown>,
) {
  try {
    return await records.upsertByExternalId('vendorPayment', externalId, body);
  } catch (error) {
    if (classOf(error) !== 'data') throw error;
    const refused = error as SyncError;
    throw new DataError(
      `${paymentProblems.syncIncomplete}: NetSuite refused Vendor Payment ${externalId}: ${refused.detail ?? refused.message}` +
        (refused.path === undefined ? '' : ` (${refused.path})`),
      {
        source: 'netsuite',
        ...(refused.code === undefined ? {} : { code: refused.code }),
        ...(refused.path === undefined ? {} : { path: refused.path }),
        ...(refused.status === undefined ? {} : { status: refused.status }),
        cause: error,
      },
    );
  }
}
