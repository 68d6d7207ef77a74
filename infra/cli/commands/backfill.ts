// `apsync backfill [--since <date>] [--bills [--history]]`: the initial load — every NetSuite vendor, GL
// account and department (or those modified since a date) put on the inbound queue through the backfill
// use case (shared/netsuite-poll); with `--bills`, then the approved Procurify bills of the last 12
// months (or since the date; `--history` for older ones) on the bill queue, matched in NetSuite before
// anything is written (shared/bills/backfill-bills.ts, resumable). Once the workers have drained the
// inbound and bill queues, the payments of the load: in push mode matched ones are linked and the rest
// listed with what would be written, pushed only with `--payments` (shared/payments/backfill-payments.ts);
// in pull mode bills paid in NetSuite before go-live are listed, marked paid only with `--mark-paid`
// (shared/payments/backfill-paid-bills.ts). A progress bar per phase and a summary. The CLI runs the
// use cases itself, with the target's queues and the stored credentials (the governed NetSuite client).
import { queueDepth } from '../../../shared/aws/queue-depth.ts';
import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import { backfillBills } from '../../../shared/bills/backfill-bills.ts';
import { DataError } from '../../../shared/errors.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import { backfillMasterData, suiteQlMasterRecordChanges } from '../../../shared/netsuite-poll/index.ts';
import { readPaymentMode } from '../../../shared/payment-mode.ts';
import { backfillPaidBills } from '../../../shared/payments/backfill-paid-bills.ts';
import { backfillPayments } from '../../../shared/payments/backfill-payments.ts';
import type { LoadProgress } from '../../../shared/payments/load-cursor.ts';
import { createNetSuiteVendorPaymentApplications } from '../../../shared/payments/netsuite-payment-applications.ts';
import {
  createNetSuitePaidBillReads,
  createNetSuitePaymentFacts,
  PaymentAccountCache,
} from '../../../shared/payments/netsuite-payment-facts.ts';
import type { QueueKey } from '../../../shared/resources.ts';
import type { BackfillOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';
import { table } from '../terminal.ts';

export interface BackfillOptions {
  since?: string;
  bills?: boolean;
  history?: boolean;
  /** Push mode: push the payments of the load that are not in NetSuite yet. */
  payments?: boolean;
  /** Pull mode: mark paid in Procurify the bills paid in full in NetSuite before go-live. */
  markPaid?: boolean;
  /** How long to wait for the workers to drain the inbound and bill queues (default 60 minutes). */
  drainTimeoutMs?: number;
}

export interface BackfillProgress {
  recordType: string;
  enqueued: number;
  done: boolean;
  /** The phase's size when known (n of m). */
  total?: number;
  /** Counts to show next to the bar, e.g. `matched 3, listed 2, skipped 1`. */
  detail?: string;
}

/** A load phase's progress (payments, paid bills) as a bar: n of m, with its counts. */
function loadProgress(label: string, progress: LoadProgress<unknown>, detail: string): BackfillProgress {
  const { phase, processed, total, done } = progress;
  return { recordType: `${label} (${phase})`, enqueued: processed, total, done, detail };
}

export async function runBackfill(
  services: CliServices,
  options: BackfillOptions,
  onProgress: (progress: BackfillProgress) => void = () => undefined,
): Promise<BackfillOutput> {
  if (options.payments === true && options.markPaid === true) {
    throw new DataError('--payments (push mode) and --mark-paid (pull mode) do not go together', {
      source: 'apsync-cli',
      code: 'usage',
    });
  }
  const started = Date.now();
  const netsuite = await services.netsuite();
  // `--since 2025-11-22` is midnight in the account's time zone (the functions' NetSuite time zone).
  const { netsuiteTimeZone } = await services.settings();
  const summary = await backfillMasterData(
    {
      changes: suiteQlMasterRecordChanges(netsuite.suiteQl),
      queue: new SqsQueuePublisher<InboundMessage>(services.sqs, services.target.queues.inbound.url),
    },
    {
      ...(options.since === undefined ? {} : { since: options.since }),
      accountTimeZone: netsuiteTimeZone,
      onProgress,
    },
  );
  const enqueued: Record<string, number> = {};
  for (const [type, count] of Object.entries(summary)) enqueued[type] = count ?? 0;
  let payments: BackfillOutput['payments'];
  let paidBills: BackfillOutput['paidBills'];
  if (options.bills === true || options.payments === true || options.markPaid === true) {
    const { procurify } = await services.syncClients();
    const cursor = await backfillBills(
      {
        procurify,
        state: services.state,
        bills: new SqsQueuePublisher<BillMessage>(services.sqs, services.target.queues.bill.url),
      },
      {
        ...(options.since === undefined ? {} : { since: options.since }),
        ...(options.history === true ? { history: true } : {}),
        onProgress: (progress) =>
          onProgress({
            recordType: `bill (${progress.phase})`,
            enqueued: progress.scanned,
            total: progress.total,
            done: progress.done,
            detail: `queued ${progress.queued}, already linked ${progress.alreadyLinked}, not approved ${progress.notApproved}`,
          }),
      },
    );
    enqueued.bill = cursor.counts.recent.queued + cursor.counts.history.queued;
    enqueued['bill already linked'] =
      cursor.counts.recent.alreadyLinked + cursor.counts.history.alreadyLinked;
    // The payments need the bills' links: wait until the workers have taken every queued record.
    await waitForQueues(services, ['inbound', 'bill'], options.drainTimeoutMs ?? 3_600_000, (waiting) =>
      onProgress({
        recordType: 'workers',
        enqueued: waiting,
        done: waiting === 0,
        detail: `${waiting} on the queues`,
      }),
    );
    const mode = await readPaymentMode(services.state, services.target.defaultPaymentMode);
    const window = { since: cursor.since, ...(cursor.history ? { history: true } : {}) };
    const clients = await services.syncClients();
    if (mode.mode === 'push' || options.payments === true) {
      const result = await backfillPayments(
        {
          netsuite: {
            facts: createNetSuitePaymentFacts(clients.netsuite, new PaymentAccountCache()),
            applications: createNetSuiteVendorPaymentApplications(clients.netsuite.suiteQl),
          },
          procurify,
          state: services.state,
          payments: new SqsQueuePublisher<PaymentMessage>(services.sqs, services.target.queues.payment.url),
          defaultMode: services.target.defaultPaymentMode,
        },
        {
          ...window,
          ...(options.payments === true ? { push: true } : {}),
          onProgress: (progress) =>
            onProgress(
              loadProgress(
                'payments',
                progress,
                `matched ${progress.counts.matched}, ${options.payments === true ? `created ${progress.counts.created}, failed ${progress.counts.failed}` : `listed ${progress.counts.listed}`}, skipped ${progress.counts.skipped}, already linked ${progress.counts.alreadyLinked}`,
              ),
            ),
        },
      );
      payments = {
        pushed: result.writes,
        counts: result.counts,
        listed: result.listedPayments,
        problems: result.problems,
      };
    } else {
      const result = await backfillPaidBills(
        {
          paidBills: createNetSuitePaidBillReads(clients.netsuite.suiteQl),
          procurify,
          state: services.state,
          defaultMode: services.target.defaultPaymentMode,
        },
        {
          ...window,
          ...(options.markPaid === true ? { markPaid: true } : {}),
          onProgress: (progress) =>
            onProgress(
              loadProgress(
                'paid bills',
                progress,
                `paid in NetSuite ${progress.counts.paidInNetSuite}, ${options.markPaid === true ? `marked ${progress.counts.marked}, failed ${progress.counts.failed}` : `listed ${progress.counts.listed}`}, partly paid ${progress.counts.partial}`,
              ),
            ),
        },
      );
      paidBills = {
        marked: result.writes,
        counts: result.counts,
        listed: result.listedBills,
        problems: result.problems,
      };
    }
  }
  return {
    since: options.since ?? null,
    enqueued,
    total: Object.entries(enqueued)
      .filter(([type]) => type !== 'bill already linked')
      .reduce((sum, [, count]) => sum + count, 0),
    durationMs: Date.now() - started,
    ...(payments === undefined ? {} : { payments }),
    ...(paidBills === undefined ? {} : { paidBills }),
  };
}

/** Waits until the queues hold nothing (visible, in flight or delayed): the workers have taken it all. */
async function waitForQueues(
  services: CliServices,
  queues: QueueKey[],
  timeoutMs: number,
  onWaiting: (waiting: number) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let waiting = 0;
    for (const queue of queues) {
      const depth = await queueDepth(services.sqs, services.target.queues[queue].url);
      waiting += depth.visible + depth.inFlight + depth.delayed;
    }
    onWaiting(waiting);
    if (waiting === 0) return;
    if (Date.now() > deadline) {
      throw new DataError(
        `the ${queues.join(' and ')} queues still hold ${waiting} message(s) after ${Math.round(timeoutMs / 60_000)} min: ` +
          'check that the workers run (apsync status), then run the same backfill again (it resumes)',
        { source: 'apsync-cli', code: 'BACKFILL_WAIT' },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export function renderBackfill(output: BackfillOutput): string {
  const rows = Object.entries(output.enqueued).map(([type, count]) => [type, String(count)]);
  const parts = [
    `${table(['record type', 'enqueued'], [...rows, ['total', String(output.total)]])}backfill ${
      output.since === null ? 'of every record' : `of records modified since ${output.since}`
    } queued in ${(output.durationMs / 1000).toFixed(1)} s; the inbound worker writes what changed (apsync status shows the queue drain)\n`,
  ];
  if (output.payments !== undefined) parts.push(renderPayments(output.payments));
  if (output.paidBills !== undefined) parts.push(renderPaidBills(output.paidBills));
  return parts.join('\n');
}

function renderPayments(payments: NonNullable<BackfillOutput['payments']>): string {
  const { counts } = payments;
  const lines = [
    `payments of the loaded bills (push mode): ${counts.read} read — ${counts.matched} already in NetSuite (linked, not pushed), ` +
      (payments.pushed
        ? `${counts.created} pushed, ${counts.failed} failed`
        : `${counts.listed} not in NetSuite (listed below, not pushed)`) +
      `, ${counts.skipped} cannot be written, ${counts.alreadyLinked} linked before`,
  ];
  if (payments.listed.length > 0) {
    lines.push(
      table(
        ['payment', 'would write', 'vendor', 'account', 'date', 'amount', 'bills (NetSuite id: amount)'],
        payments.listed.map((entry) => [
          entry.paymentId,
          entry.upToDate ? `${entry.externalId} (already there)` : entry.externalId,
          entry.netsuiteVendorId,
          entry.accountId,
          entry.tranDate,
          `${entry.currency} ${entry.amount}`,
          entry.bills.map((bill) => `${bill.netsuiteBillId}: ${bill.amount}`).join(', '),
        ]),
      ),
    );
  }
  if (payments.problems.length > 0) {
    lines.push(
      table(
        ['payment', 'why it is not written'],
        payments.problems.map((problem) => [problem.paymentId, problem.reason]),
      ),
    );
  }
  if (payments.listed.length < counts.listed) {
    lines.push(`(the first ${payments.listed.length} of ${counts.listed} listed payments are shown)`);
  }
  if (!payments.pushed && counts.listed > 0) {
    lines.push(
      'nothing was pushed: run the same command with --payments to push the listed payments (each exactly once)',
    );
  }
  return `${lines.join('\n')}\n`;
}

function renderPaidBills(paidBills: NonNullable<BackfillOutput['paidBills']>): string {
  const { counts } = paidBills;
  const lines = [
    `bills paid in NetSuite before go-live (pull mode): ${counts.read} approved bills read — ${counts.paidInNetSuite} paid in full in NetSuite, ` +
      (paidBills.marked
        ? `${counts.marked} marked paid in Procurify, ${counts.failed} refused`
        : `${counts.listed} listed below (not marked)`) +
      `; ${counts.partial} partly paid, ${counts.notMarkable} not markable, ${counts.open} open, ${counts.notLinked} not linked`,
  ];
  if (paidBills.listed.length > 0) {
    lines.push(
      table(
        ['Procurify bill', 'NetSuite bill', 'payment date'],
        paidBills.listed.map((bill) => [bill.billUuid, bill.netsuiteBillId, bill.paymentDate]),
      ),
    );
  }
  if (paidBills.problems.length > 0) {
    lines.push(
      table(
        ['Procurify bill', 'NetSuite bill', 'why not'],
        paidBills.problems.map((problem) => [
          problem.billUuid,
          problem.netsuiteBillId ?? '-',
          problem.reason,
        ]),
      ),
    );
  }
  if (paidBills.listed.length < counts.listed) {
    lines.push(`(the first ${paidBills.listed.length} of ${counts.listed} listed bills are shown)`);
  }
  if (!paidBills.marked && counts.listed > 0) {
    lines.push('nothing was marked: run the same command with --mark-paid to mark them paid in Procurify');
  }
  return `${lines.join('\n')}\n`;
}
