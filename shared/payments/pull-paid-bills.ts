// Use case behind the paid-bill-pull schedule (pull mode): bills that became Paid In Full in
// NetSuite since the watermark (minus an overlap: SuiteQL time zones and truncation make an exact one
// unsafe) are marked paid in Procurify with the date of the NetSuite payment. Only bills apsync knows
// (linked, legacy links included) are considered; already-paid ones are skipped; partly paid ones are
// recorded with their open amount. No payment record is created in Procurify. One run at a time (lease).
import { randomUUID } from 'node:crypto';
import { classOf, type SyncError } from '../errors.ts';
import type { SuiteQl } from '../netsuite/index.ts';
import { type PaymentMode, readPaymentMode } from '../payment-mode.ts';
import type { ProcurifyBillPayer } from '../procurify/index.ts';
import type { RecordLink, RecordRef } from '../state/model.ts';
import type { AuditTrail, ConfigStore, LeaseStore, LinkStore, WatermarkStore } from '../state/ports.ts';
import { type PaidBillRow, readLatestPaymentDates, readPaidBills } from './netsuite-payment-facts.ts';
import { type BillToMark, markBatches, type PaidBillPlan, planPaidBillUpdates } from './paid-bill-plan.ts';

export const paidBillPullFlow = 'paid-bill-pull';

export interface PaidBillPullDependencies {
  netsuite: { suiteQl: SuiteQl };
  procurify: ProcurifyBillPayer;
  state: LinkStore & AuditTrail & WatermarkStore & LeaseStore & ConfigStore;
  defaultMode: PaymentMode;
  now?: () => Date;
  /** Re-read this much before the watermark (default 15 minutes). */
  overlapMinutes?: number;
  /** First run without a watermark: look back this far (default 30 days). */
  initialLookbackDays?: number;
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
  watermark?: string;
}

const billRef = (uuid: string): RecordRef => ({ system: 'procurify', kind: 'bill', id: uuid });

/** `YYYY-MM-DD HH24:MI:SS` (the account's zone, as SuiteQL renders it) moved by minutes. */
export function shiftTimestamp(stamp: string, minutes: number): string {
  const base = Date.parse(`${stamp.replace(' ', 'T')}Z`);
  return renderTimestamp(new Date(base + minutes * 60_000));
}

const renderTimestamp = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

export async function pullPaidBills(deps: PaidBillPullDependencies): Promise<PaidBillPullSummary> {
  const summary: PaidBillPullSummary = {
    examined: 0,
    unknown: 0,
    marked: 0,
    alreadyPaid: 0,
    partial: [],
    notMarkable: [],
    failed: [],
  };
  const mode = await readPaymentMode(deps.state, deps.defaultMode);
  if (mode.mode !== 'pull') return { ...summary, skipped: `mode is ${mode.mode}` };
  const holder = randomUUID();
  const lease = `flow:${paidBillPullFlow}`;
  if (!(await deps.state.acquireLease(lease, holder, deps.leaseSeconds ?? 900))) {
    return { ...summary, skipped: 'another run holds the lease' };
  }
  try {
    return await run(deps, summary);
  } finally {
    await deps.state.releaseLease(lease, holder);
  }
}

async function run(
  deps: PaidBillPullDependencies,
  summary: PaidBillPullSummary,
): Promise<PaidBillPullSummary> {
  const now = (deps.now ?? (() => new Date()))();
  const watermark = await deps.state.getWatermark(paidBillPullFlow);
  const since =
    watermark === undefined
      ? renderTimestamp(new Date(now.getTime() - (deps.initialLookbackDays ?? 30) * 24 * 3_600_000))
      : shiftTimestamp(watermark, -(deps.overlapMinutes ?? 15));
  summary.since = since;

  const rows: PaidBillRow[] = [];
  for await (const row of readPaidBills(deps.netsuite.suiteQl, since)) rows.push(row);
  summary.examined = rows.length;

  const links = new Map<string, RecordLink | undefined>();
  for (const row of rows) {
    if (!links.has(row.id)) links.set(row.id, await deps.state.findBySource('netsuite', 'bill', row.id));
  }
  // Procurify statuses and payment dates only for linked bills paid in full (the ones that may be marked).
  const fullyPaid = rows.filter(
    (row) => links.get(row.id) !== undefined && row.status === 'B' && row.unpaidCents <= 0,
  );
  const procurifyStatuses = new Map<string, number>();
  for (const row of fullyPaid) {
    const uuid = links.get(row.id)!.procurifyId;
    procurifyStatuses.set(uuid, (await deps.procurify.getBill(uuid)).status);
  }
  const paymentDates = await readLatestPaymentDates(
    deps.netsuite.suiteQl,
    fullyPaid.map((row) => row.id),
  );
  const plan = planPaidBillUpdates(rows, { links, procurifyStatuses, paymentDates });
  summary.unknown = plan.unknownBillIds.length;
  summary.alreadyPaid = plan.alreadyPaid.length;
  summary.notMarkable = plan.notMarkable;
  summary.partial = plan.partial.map(({ billUuid, netsuiteBillId, openAmount }) => ({
    billUuid,
    netsuiteBillId,
    openAmount,
  }));

  await recordObservations(deps.state, plan);
  for (const batch of markBatches(plan.markPaid, deps.batchSize ?? 100)) {
    await markBatch(deps, batch.paymentDate, batch.bills, summary);
  }

  // Everything read was handled (data failures are recorded and not retried): move the watermark on.
  const newest = rows.reduce<string | undefined>(
    (max, row) => (max === undefined || row.lastModified > max ? row.lastModified : max),
    undefined,
  );
  if (newest !== undefined) await deps.state.advanceWatermark(paidBillPullFlow, newest);
  summary.watermark = (await deps.state.getWatermark(paidBillPullFlow)) ?? newest;
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
  for (const bill of plan.notMarkable) {
    await state.append(billRef(bill.billUuid), {
      step: 'skipped',
      message: `paid in full in NetSuite, not marked paid in Procurify: ${bill.reason}`,
      facts: { netsuiteBillId: bill.netsuiteBillId },
    });
  }
}

/** One mark-as-paid request; when Procurify refuses the batch (all or nothing), bill by bill. */
async function markBatch(
  deps: PaidBillPullDependencies,
  paymentDate: string,
  bills: BillToMark[],
  summary: PaidBillPullSummary,
): Promise<void> {
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
  } catch (error) {
    if (classOf(error) !== 'data') throw error;
    if (bills.length > 1) {
      for (const bill of bills) await markBatch(deps, paymentDate, [bill], summary);
      return;
    }
    const bill = bills[0]!;
    const message = (error as SyncError).message;
    summary.failed.push({ billUuid: bill.billUuid, message });
    await deps.state.append(billRef(bill.billUuid), {
      step: 'failed',
      message: `could not mark paid in Procurify: ${message}`,
      facts: { netsuiteBillId: bill.netsuiteBillId, paymentDate, errorClass: 'data' },
    });
  }
}
