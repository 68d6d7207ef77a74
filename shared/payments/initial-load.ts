// How far the initial load (`apsync backfill --bills`) got, from the cursor each of its phases keeps in
// the state table — bills (backfill-bills.ts), then payments in push mode (backfill-payments.ts) or paid
// bills in pull mode (backfill-paid-bills.ts): "running (phase, n of m)" or "done at …". Read by
// `apsync status` and the console's overview.
import type { BillBackfillCursor, BillBackfillPhase } from '../bills/backfill-bills.ts';
import type { ConfigStore } from '../state/ports.ts';
import type { PaidBillBackfillCursor } from './backfill-paid-bills.ts';
import type { PaymentBackfillCursor } from './backfill-payments.ts';
import type { LoadCursor } from './load-cursor.ts';

// The cursors' names as the backfills store them (their billBackfillConfigName, paymentBackfillConfigName
// and paidBillBackfillConfigName; test/usecase/payments/initial-load-status.test.ts writes under theirs),
// written here so the console's overview does not load the backfills and the payment plans they import.
const billBackfillConfigName = 'bill-backfill';
const paymentBackfillConfigName = 'payment-backfill';
const paidBillBackfillConfigName = 'paid-bill-backfill';

export interface InitialLoadStatus {
  state: 'never' | 'running' | 'done';
  /** e.g. `bills (recent)`, `payments (history)`, `paid bills (recent)`. */
  phase?: string;
  processed?: number;
  /** Absent for a bill cursor stored before the bill phase counted its window. */
  total?: number;
  /** What the phase did so far, e.g. `100 queued, 20 already linked`. */
  detail?: string;
  startedAt?: string;
  finishedAt?: string;
}

interface PhaseView {
  name: string;
  running: boolean;
  processed: number;
  total?: number;
  detail?: string;
  startedAt: string;
  finishedAt?: string;
}

function billView(cursor: BillBackfillCursor): PhaseView {
  const counts = cursor.counts[cursor.phase];
  return {
    name: `bills (${cursor.phase})`,
    running: cursor.status === 'running',
    processed: counts.scanned,
    ...(counts.total === undefined ? {} : { total: counts.total }),
    detail: `${counts.queued} queued, ${counts.alreadyLinked} already linked${counts.notApproved ? `, ${counts.notApproved} not approved` : ''}`,
    startedAt: cursor.startedAt,
    ...(cursor.finishedAt === undefined ? {} : { finishedAt: cursor.finishedAt }),
  };
}

function loadView(name: string, cursor: LoadCursor<unknown>): PhaseView {
  const progress = cursor.progress[cursor.phase as BillBackfillPhase];
  return {
    name: `${name} (${cursor.phase})`,
    running: cursor.status === 'running',
    processed: progress.processed,
    total: progress.total,
    startedAt: cursor.startedAt,
    ...(cursor.finishedAt === undefined ? {} : { finishedAt: cursor.finishedAt }),
  };
}

export async function readInitialLoad(state: ConfigStore): Promise<InitialLoadStatus> {
  const [bills, payments, paidBills] = await Promise.all([
    state.getConfig<BillBackfillCursor>(billBackfillConfigName),
    state.getConfig<PaymentBackfillCursor>(paymentBackfillConfigName),
    state.getConfig<PaidBillBackfillCursor>(paidBillBackfillConfigName),
  ]);
  const views = [
    ...(bills === undefined ? [] : [billView(bills)]),
    ...(payments === undefined ? [] : [loadView('payments', payments)]),
    ...(paidBills === undefined ? [] : [loadView('paid bills', paidBills)]),
  ];
  if (views.length === 0) return { state: 'never' };
  const running = views.find((view) => view.running);
  if (running !== undefined) {
    return {
      state: 'running',
      phase: running.name,
      processed: running.processed,
      ...(running.total === undefined ? {} : { total: running.total }),
      ...(running.detail === undefined ? {} : { detail: running.detail }),
      startedAt: running.startedAt,
    };
  }
  const last = views.reduce((latest, view) =>
    (view.finishedAt ?? '') > (latest.finishedAt ?? '') ? view : latest,
  );
  return {
    state: 'done',
    phase: last.name,
    startedAt: last.startedAt,
    ...(last.finishedAt === undefined ? {} : { finishedAt: last.finishedAt }),
  };
}

/** `initial load: running (payments (recent), 40 of 120)`, `… done at <time>` or `… never run (…)`. */
export function initialLoadLine(status: InitialLoadStatus): string {
  if (status.state === 'never') return 'initial load: never run (apsync backfill --bills)';
  if (status.state === 'running') {
    const done =
      status.total === undefined ? `${status.processed} read` : `${status.processed} of ${status.total}`;
    return `initial load: running (${status.phase}, ${done}${status.detail === undefined ? '' : `: ${status.detail}`})`;
  }
  return `initial load: done at ${status.finishedAt ?? '?'} (last phase: ${status.phase})`;
}
