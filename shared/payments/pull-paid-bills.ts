// Use case behind the paid-bill-pull schedule (pull mode): bills that became Paid In Full in
// NetSuite since the watermark (minus an overlap: SuiteQL time zones and truncation make an exact one
// unsafe) are marked paid in Procurify with the date of the NetSuite payment. Only bills apsync knows
// (linked, legacy links included) are considered; already-paid ones are skipped; partly paid ones are
// recorded with their open amount. No payment record is created in Procurify. One run at a time (lease).
//
// Nothing is lost: a bill the pull cannot mark (Procurify refuses mark-as-paid, the bill is not Approved
// or has a payment under way, it cannot be read) is parked for review (sync state `review`, audit entry)
// and kept in a retry list that every later run reads again by id, so the watermark moving on never
// skips it. Bills paid before pull mode began are not considered ("existing payments are not
// migrated"): the window never starts before the recorded switch from push to pull, or — in a
// deployment that starts in pull mode — before its first run (go-live), recorded then. Bills paid in
// NetSuite before go-live are the initial load's (`apsync backfill --bills`: listed, marked only with
// --mark-paid).
import { randomUUID } from 'node:crypto';
import { classOf, type SyncError } from '../errors.ts';
import { instantToWallTime } from '../netsuite-poll/account-time.ts';
import { type PaymentMode, type PaymentModeSetting, readPaymentMode } from '../payment-mode.ts';
import type { ProcurifyBillPayer } from '../procurify/ports.ts';
import { type RecordLink, type RecordRef, recordLeaseName, type SyncStatus } from '../state/model.ts';
import type {
  AuditTrail,
  ConfigStore,
  LeaseStore,
  LinkStore,
  SyncStateStore,
  WatermarkStore,
} from '../state/ports.ts';
import {
  type BillToMark,
  markBatches,
  markPaidReviewMessage,
  markPaidWaitingKey,
  type PaidBillPlan,
  type PaidBillRetry,
  planPaidBillUpdates,
} from './paid-bill-plan.ts';
import type { PaidBillReads, PaidBillRow } from './ports.ts';

export const paidBillPullFlow = 'paid-bill-pull';
/** The instant (ISO) before which every bill paid in NetSuite has been read: the lag metric's base. */
export const paidBillPullCaughtUpFlow = `${paidBillPullFlow}:caught-up`;
/**
 * State-table configuration holding the instant pull mode began for a deployment that started in it
 * (no switch recorded): its first run's start, `{ at: ISO }`.
 */
export const paidBillPullGoLiveConfig = `${paidBillPullFlow}:go-live`;
/** State-table configuration holding the bills to try again (PaidBillRetry by NetSuite bill id). */
export const paidBillRetriesConfig = `${paidBillPullFlow}:retries`;

export interface PaidBillPullDependencies {
  /** What NetSuite shows paid (netsuite-payment-facts.ts createNetSuitePaidBillReads). */
  paidBills: PaidBillReads;
  procurify: ProcurifyBillPayer;
  state: LinkStore & SyncStateStore & AuditTrail & WatermarkStore & LeaseStore & ConfigStore;
  defaultMode: PaymentMode;
  /** IANA zone SuiteQL shows times in (the watermark's zone; default UTC). */
  timeZone?: string;
  now?: () => Date;
  /** Re-read this much before the watermark (default 15 minutes). */
  overlapMinutes?: number;
  /** Bills per mark-as-paid request (default 100). */
  batchSize?: number;
  /** The lease outlives a run cut short by the function timeout (default 900 s). */
  leaseSeconds?: number;
}

export interface PaidBillPullSummary {
  /** Why the run did nothing (`mode is push`, another run holds the lease). */
  skipped?: string;
  since?: string;
  examined: number;
  unknown: number;
  marked: number;
  alreadyPaid: number;
  partial: Array<{ billUuid: string; netsuiteBillId: string; openAmount: string }>;
  notMarkable: Array<{ billUuid: string; netsuiteBillId: string; reason: string }>;
  failed: Array<{ billUuid: string; message: string }>;
  /** Bills a previous run could not mark, read again by id this run. */
  retried: number;
  /** Bills on the review list (not marked this run), to be tried again by the next run. */
  parked: number;
  watermark?: string;
  /** Seconds since the instant everything paid before was read (the SyncLagSeconds metric). */
  lagSeconds?: number;
}

interface RetryDocument {
  bills: Record<string, PaidBillRetry>;
}

const billRef = (uuid: string): RecordRef => ({ system: 'procurify', kind: 'bill', id: uuid });

/** `YYYY-MM-DD HH24:MI:SS` (the account's zone, as SuiteQL renders it) moved by minutes. */
export function shiftTimestamp(stamp: string, minutes: number): string {
  const base = Date.parse(`${stamp.replace(' ', 'T')}Z`);
  return new Date(base + minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Where a run starts reading: the watermark minus the overlap, never before pull mode began (the
 * switch to pull, or go-live); the first run, with no watermark, starts there (wall times in the
 * account's zone).
 */
export function pullWindowStart(input: {
  watermark: string | undefined;
  timeZone: string;
  overlapMinutes: number;
  /** ISO instant pull mode began. */
  pullSince: string;
  /** Whether that instant is an operator's switch from push (else go-live). */
  switched: boolean;
}): { since: string; from: 'watermark' | 'mode switch' | 'go-live' } {
  const start = {
    since: instantToWallTime(new Date(input.pullSince), input.timeZone),
    from: input.switched ? ('mode switch' as const) : ('go-live' as const),
  };
  if (input.watermark === undefined) return start;
  const since = shiftTimestamp(input.watermark, -input.overlapMinutes);
  return since > start.since ? { since, from: 'watermark' } : start;
}

/**
 * When pull mode began: the operator's switch to pull, else the recorded go-live — recorded now when
 * this is the deployment's first run (no watermark yet: nothing was read before).
 */
async function pullModeSince(
  state: ConfigStore & WatermarkStore,
  mode: PaymentModeSetting,
  now: Date,
): Promise<{ at: string; switched: boolean }> {
  if (mode.source === 'operator' && mode.changedAt !== undefined)
    return { at: mode.changedAt, switched: true };
  const recorded = await state.getConfig<{ at: string }>(paidBillPullGoLiveConfig);
  if (recorded !== undefined) return { at: recorded.at, switched: false };
  const watermark = await state.getWatermark(paidBillPullFlow);
  // A deployment whose pull ran before go-live was recorded keeps reading from its watermark.
  const at = watermark === undefined ? now.toISOString() : new Date(0).toISOString();
  await state.putConfig(paidBillPullGoLiveConfig, { at });
  return { at, switched: false };
}

/** The SyncLagSeconds value: now minus the instant the pull last read everything up to (undefined: never). */
export async function paidBillPullLag(state: WatermarkStore, now: Date): Promise<number | undefined> {
  const caughtUp = await state.getWatermark(paidBillPullCaughtUpFlow);
  if (caughtUp === undefined) return undefined;
  return Math.max(0, Math.round((now.getTime() - Date.parse(caughtUp)) / 1000));
}

export async function pullPaidBills(deps: PaidBillPullDependencies): Promise<PaidBillPullSummary> {
  const summary: PaidBillPullSummary = {
    examined: 0,
    unknown: 0,
    marked: 0,
    alreadyPaid: 0,
    partial: [],
    notMarkable: [],
    failed: [],
    retried: 0,
    parked: 0,
  };
  const mode = await readPaymentMode(deps.state, deps.defaultMode);
  if (mode.mode !== 'pull') return { ...summary, skipped: `mode is ${mode.mode}` };
  const holder = randomUUID();
  const lease = `flow:${paidBillPullFlow}`;
  if (!(await deps.state.acquireLease(lease, holder, deps.leaseSeconds ?? 900))) {
    return { ...summary, skipped: 'another run holds the lease' };
  }
  try {
    return await run(deps, summary, mode);
  } finally {
    await deps.state.releaseLease(lease, holder);
  }
}

async function run(
  deps: PaidBillPullDependencies,
  summary: PaidBillPullSummary,
  mode: PaymentModeSetting,
): Promise<PaidBillPullSummary> {
  const now = (deps.now ?? (() => new Date()))();
  const startedAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
  const { state } = deps;
  const watermark = await state.getWatermark(paidBillPullFlow);
  const pullSince = await pullModeSince(state, mode, new Date(startedAt));
  const { since } = pullWindowStart({
    watermark,
    timeZone: deps.timeZone ?? 'UTC',
    overlapMinutes: deps.overlapMinutes ?? 15,
    pullSince: pullSince.at,
    switched: pullSince.switched,
  });
  summary.since = since;

  const windowRows: PaidBillRow[] = [];
  for await (const row of deps.paidBills.paidSince(since)) windowRows.push(row);
  summary.examined = windowRows.length;

  // The bills earlier runs could not mark, read again by id (the window has moved past most of them).
  // Dismissed ones are not read again: they stay as tombstones while the window may still show them.
  const retries = (await state.getConfig<RetryDocument>(paidBillRetriesConfig))?.bills ?? {};
  const retryIds = Object.keys(retries).filter((id) => retries[id]!.dismissedAt === undefined);
  summary.retried = retryIds.length;
  const inWindow = new Set(windowRows.map((row) => row.id));
  const retryRows = await deps.paidBills.billsById(retryIds.filter((id) => !inWindow.has(id)));
  const resolved = new Map<string, string>();
  const found = new Set([...inWindow, ...retryRows.map((row) => row.id)]);
  for (const id of retryIds) {
    if (!found.has(id)) resolved.set(id, `NetSuite bill ${id} no longer exists`);
  }
  const rows = [...windowRows];
  for (const row of retryRows) {
    if (row.status !== 'B' && row.paidCents <= 0) {
      resolved.set(row.id, `NetSuite bill ${row.id} is no longer paid (a new payment brings it back)`);
    } else {
      rows.push(row);
    }
  }
  const lastModified = new Map(rows.map((row) => [row.id, row.lastModified]));

  const links = new Map<string, RecordLink | undefined>();
  for (const row of rows) {
    if (!links.has(row.id)) links.set(row.id, await state.findBySource('netsuite', 'bill', row.id));
  }
  // Procurify statuses and payment dates only for linked bills paid in full (the ones that may be marked).
  const fullyPaid = rows.filter(
    (row) => links.get(row.id) !== undefined && row.status === 'B' && row.unpaidCents <= 0,
  );
  const procurifyStatuses = new Map<string, number>();
  const procurifyReadErrors = new Map<string, string>();
  for (const row of fullyPaid) {
    const uuid = links.get(row.id)!.procurifyId;
    if (procurifyStatuses.has(uuid) || procurifyReadErrors.has(uuid)) continue;
    try {
      procurifyStatuses.set(uuid, (await deps.procurify.getBill(uuid)).status);
    } catch (error) {
      // Gone or refused (a data error) is this bill's problem: parked. Anything else ends the run.
      if (classOf(error) !== 'data') throw error;
      procurifyReadErrors.set(uuid, (error as SyncError).message);
    }
  }
  const paymentDates = await deps.paidBills.latestPaymentDates(fullyPaid.map((row) => row.id));
  const plan = planPaidBillUpdates(rows, { links, procurifyStatuses, paymentDates, procurifyReadErrors });
  summary.unknown = plan.unknownBillIds.length;
  summary.alreadyPaid = plan.alreadyPaid.length;
  summary.notMarkable = plan.notMarkable;
  summary.partial = plan.partial.map(({ billUuid, netsuiteBillId, openAmount }) => ({
    billUuid,
    netsuiteBillId,
    openAmount,
  }));

  await recordObservations(state, plan);
  const marked: BillToMark[] = [];
  for (const batch of markBatches(plan.markPaid, deps.batchSize ?? 100)) {
    marked.push(...(await markBatch(deps, batch.paymentDate, batch.bills, summary)));
  }

  // What the retry list becomes: bills that could not be marked stay (or join); the others leave it.
  const cannotMark = new Map<string, { billUuid: string; reason: string }>();
  for (const bill of plan.notMarkable) cannotMark.set(bill.netsuiteBillId, bill);
  const failedByUuid = new Map(summary.failed.map((failure) => [failure.billUuid, failure.message]));
  for (const bill of plan.markPaid) {
    const message = failedByUuid.get(bill.billUuid);
    if (message !== undefined) {
      cannotMark.set(bill.netsuiteBillId, {
        billUuid: bill.billUuid,
        reason: `Procurify refused mark-as-paid: ${message}`,
      });
    }
  }
  for (const bill of marked) resolved.set(bill.netsuiteBillId, 'marked paid in Procurify');
  for (const bill of plan.alreadyPaid) resolved.set(bill.netsuiteBillId, 'already paid in Procurify');
  for (const bill of plan.partial) {
    resolved.set(bill.netsuiteBillId, `no longer paid in full in NetSuite (${bill.openAmount} open)`);
  }
  for (const id of plan.unknownBillIds) resolved.set(id, `NetSuite bill ${id} is no longer linked`);

  const next: Record<string, PaidBillRetry> = {};
  for (const [netsuiteBillId, retry] of Object.entries(retries)) {
    if (resolved.has(netsuiteBillId) || cannotMark.has(netsuiteBillId)) continue;
    // A tombstone goes once the window starts after the version that was dismissed.
    if (retry.dismissedAt !== undefined && retry.lastModified < since) continue;
    next[netsuiteBillId] = retry;
  }
  for (const [netsuiteBillId, bill] of cannotMark) {
    next[netsuiteBillId] = await park(deps, {
      netsuiteBillId,
      billUuid: bill.billUuid,
      reason: bill.reason,
      lastModified: lastModified.get(netsuiteBillId)!,
      previous: retries[netsuiteBillId],
      now,
    });
  }
  for (const [netsuiteBillId, outcome] of resolved) {
    const retry = retries[netsuiteBillId];
    if (retry !== undefined && !cannotMark.has(netsuiteBillId)) await unpark(deps, retry, outcome);
  }
  // Bills an operator dismissed are not reported as parked again.
  const dismissed = new Set(
    Object.values(next)
      .filter((retry) => retry.dismissedAt !== undefined)
      .map((retry) => retry.billUuid),
  );
  summary.notMarkable = summary.notMarkable.filter((bill) => !dismissed.has(bill.billUuid));
  summary.failed = summary.failed.filter((bill) => !dismissed.has(bill.billUuid));
  summary.parked = Object.values(next).length - dismissed.size;
  if (Object.keys(retries).length > 0 || Object.keys(next).length > 0) {
    await state.putConfig(paidBillRetriesConfig, { bills: next } satisfies RetryDocument);
  }

  // Everything read was handled (bills that could not be marked are on the retry list): move on.
  const newest = windowRows.reduce<string | undefined>(
    (max, row) => (max === undefined || row.lastModified > max ? row.lastModified : max),
    undefined,
  );
  if (newest !== undefined) await state.advanceWatermark(paidBillPullFlow, newest);
  summary.watermark = (await state.getWatermark(paidBillPullFlow)) ?? newest;
  await state.advanceWatermark(paidBillPullCaughtUpFlow, startedAt);
  summary.lagSeconds = await paidBillPullLag(state, now);
  return summary;
}

async function recordObservations(state: AuditTrail, plan: PaidBillPlan): Promise<void> {
  for (const bill of plan.partial) {
    await state.append(billRef(bill.billUuid), {
      step: 'note',
      message: `partly paid in NetSuite: ${bill.openAmount} still open (${bill.paidAmount} paid); not marked paid`,
      facts: {
        netsuiteBillId: bill.netsuiteBillId,
        openAmount: bill.openAmount,
        paidAmount: bill.paidAmount,
      },
    });
  }
}

/**
 * A bill that could not be marked: on the review list with the reason (audited when it is new or the
 * reason changed, not every run) and on the retry list. A bill an operator dismissed from the review
 * list stays dismissed (a tombstone on the retry list, not tried again) until NetSuite changes it.
 */
async function park(
  deps: PaidBillPullDependencies,
  bill: {
    netsuiteBillId: string;
    billUuid: string;
    reason: string;
    lastModified: string;
    previous: PaidBillRetry | undefined;
    now: Date;
  },
): Promise<PaidBillRetry> {
  const { netsuiteBillId, billUuid, reason, previous } = bill;
  const ref = billRef(billUuid);
  const message = markPaidReviewMessage(netsuiteBillId, reason);
  const current = await deps.state.getState(ref);
  if (previous?.dismissedAt !== undefined && previous.lastModified === bill.lastModified) return previous;
  // Dismissed while parked: a tombstone. Once NetSuite has changed the bill (a new lastModified, handled
  // above), the tombstone no longer holds and the bill is parked afresh below.
  if (
    previous !== undefined &&
    previous.dismissedAt === undefined &&
    current?.status === 'dismissed' &&
    current.updatedAt >= previous.since
  ) {
    await deps.state.append(ref, {
      step: 'note',
      message:
        'dismissed from the review list: the paid-bill pull no longer tries to mark it paid (until NetSuite changes the bill)',
      facts: { netsuiteBillId },
    });
    return { ...previous, lastModified: bill.lastModified, dismissedAt: current.updatedAt };
  }
  const attempts = previous?.dismissedAt === undefined ? (previous?.attempts ?? 0) + 1 : 1;
  const fresh = previous === undefined || previous.dismissedAt !== undefined;
  if (fresh || previous.reason !== reason) {
    await deps.state.append(ref, {
      step: 'review',
      message,
      facts: { netsuiteBillId, waitingFor: markPaidWaitingKey, attempts },
    });
  }
  const parkedState = current?.status === 'review' && current.waitingFor?.includes(markPaidWaitingKey);
  if (!parkedState || current?.message !== message) {
    await withBillLease(deps.state, ref, async () => {
      const latest = await deps.state.getState(ref);
      const { updatedAt: _updatedAt, errorClass: _errorClass, ...kept } = latest ?? { ref };
      const waiting = latest?.status === 'review' ? (latest.waitingFor ?? []) : [];
      await deps.state.putState({
        ...kept,
        ref,
        status: 'review',
        message,
        waitingFor: [...new Set([...waiting, markPaidWaitingKey])],
      });
    });
  }
  const previousStatus: SyncStatus | undefined = fresh
    ? current === undefined || current.status === 'review' || current.status === 'dismissed'
      ? undefined
      : current.status
    : previous.previousStatus;
  return {
    billUuid,
    netsuiteBillId,
    reason,
    since: fresh ? bill.now.toISOString() : previous.since,
    attempts,
    lastModified: bill.lastModified,
    ...(previousStatus === undefined ? {} : { previousStatus }),
  };
}

/** A parked bill the pull is done with: off the review list (its earlier state back), with why. */
async function unpark(deps: PaidBillPullDependencies, retry: PaidBillRetry, outcome: string): Promise<void> {
  const ref = billRef(retry.billUuid);
  await deps.state.append(ref, {
    step: 'note',
    message: `no longer waiting for the paid-bill pull: ${outcome}`,
    facts: { netsuiteBillId: retry.netsuiteBillId, attempts: retry.attempts },
  });
  await withBillLease(deps.state, ref, async () => {
    const current = await deps.state.getState(ref);
    if (current?.status !== 'review' || !current.waitingFor?.includes(markPaidWaitingKey)) return;
    const { updatedAt: _updatedAt, waitingFor, message: _message, ...kept } = current;
    const others = waitingFor.filter((key) => key !== markPaidWaitingKey);
    if (others.length > 0) {
      // Still parked by the bill flow for its own reason: only the pull's part goes.
      await deps.state.putState({ ...kept, status: 'review', waitingFor: others });
      return;
    }
    await deps.state.putState({ ...kept, status: retry.previousStatus ?? 'synced', message: outcome });
  });
}

/**
 * State changes of a bill under its record lease (the bill worker's), so neither overwrites the other;
 * when a worker holds it, the change waits for the next run (the retry list keeps the bill meanwhile).
 */
async function withBillLease(leases: LeaseStore, ref: RecordRef, work: () => Promise<void>): Promise<void> {
  const lease = recordLeaseName(ref);
  const holder = randomUUID();
  if (!(await leases.acquireLease(lease, holder, 30))) return;
  try {
    await work();
  } finally {
    await leases.releaseLease(lease, holder);
  }
}

/**
 * One mark-as-paid request; when Procurify refuses the batch (all or nothing), bill by bill. Returns
 * the bills now paid in Procurify (marked, or found paid).
 */
async function markBatch(
  deps: PaidBillPullDependencies,
  paymentDate: string,
  bills: BillToMark[],
  summary: PaidBillPullSummary,
): Promise<BillToMark[]> {
  try {
    const result = await deps.procurify.markBillsPaid(
      bills.map((bill) => bill.billUuid),
      paymentDate,
    );
    const already = new Set(result.alreadyPaid);
    for (const bill of bills) {
      await deps.state.append(billRef(bill.billUuid), {
        step: 'written',
        message: `marked paid in Procurify: NetSuite bill ${bill.netsuiteBillId} is paid in full (payment date ${paymentDate})`,
        facts: {
          netsuiteBillId: bill.netsuiteBillId,
          paymentDate,
          dateSource: bill.dateSource,
          linkOrigin: bill.origin,
        },
      });
    }
    summary.marked += bills.length - bills.filter((bill) => already.has(bill.billUuid)).length;
    summary.alreadyPaid += already.size;
    return bills;
  } catch (error) {
    if (classOf(error) !== 'data') throw error;
    if (bills.length > 1) {
      const done: BillToMark[] = [];
      for (const bill of bills) done.push(...(await markBatch(deps, paymentDate, [bill], summary)));
      return done;
    }
    const bill = bills[0]!;
    const message = (error as SyncError).message;
    summary.failed.push({ billUuid: bill.billUuid, message });
    return [];
  }
}
