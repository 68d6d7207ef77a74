// The Procurify poll of bills and payments (Procurify has no webhooks). Called by the procurify-poll Lambda
// every 5 minutes (functions/procurify-poll), by local mode and on demand (`apsync sync now`).
//
// Under one lease so runs never overlap:
// - bills: every Approved bill modified at or after the stored watermark minus an overlap window
//   (default 10 minutes: a bill saved late with an earlier time, and clock differences, must still be
//   seen) goes on the bill queue; the (uuid, last_modified_datetime) pairs a previous run already
//   enqueued are skipped (the memo of the watermarked poll runner, shared/poll/watermarked-poll.ts);
// - payments, in push mode only (readPaymentMode, checked on every run): every payment updated since its
//   watermark, in the states that mean the money has left the company (pushedPaymentStatuses), goes on
//   the payment queue, de-duplicated the same way; never one updated before the switch to push;
// - after each batch is on its queue, its pairs are remembered and the watermark moves to the
//   modification time of the last record read: everything up to it is enqueued, so a run that fails or
//   is cut short resumes there, and a failed enqueue never moves it; a flow read to the end moves its
//   watermark to the run's start (quiet periods do not widen the next window);
// - parked bills whose missing mapping may now exist are sent again (resendParkedBills).
// Reads use scanBills/scanPayments, which never skip a record that changes during the read.
// First run: history is the backfill's job (`apsync backfill`); the poll starts one overlap before now.
import type { ApBillSummary } from '../ap/bill.ts';
import type { ApPayment } from '../ap/payment.ts';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import {
  type ResendParkedBillsOptions,
  type ResendParkedBillsSummary,
  resendParkedBills,
} from '../bills/resend-parked-bills.ts';
import type { SyncError } from '../errors.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { PaymentMessage } from '../events/payment-message.ts';
import { type PaymentMode, readPaymentMode } from '../payment-mode.ts';
import {
  type FlowPassSummary,
  type PollRunSummary,
  type PollTimeScale,
  pollFlow,
  runPoll,
  type WatermarkedFlow,
} from '../poll/watermarked-poll.ts';
import type { ProcurifyBills, ProcurifyPaymentStatus, ProcurifyPayments } from '../procurify/ports.ts';
import type {
  AuditTrail,
  ConfigStore,
  LeaseStore,
  StateActivity,
  SyncStateStore,
  WatermarkStore,
} from '../state/ports.ts';

/**
 * The Procurify payment states pushed to NetSuite as Vendor Payments: only `paid`. A NetSuite Vendor
 * Payment says the money has left the company. `processing` does not say that yet: Procurify-managed
 * rails (ACH, EFT, wire) can still end `failed` after processing, and apsync has no flow that voids a
 * Vendor Payment, so pushing at `processing` would leave NetSuite showing bills paid that are not.
 * A payment that goes processing → paid gets a new `updated_at` and is picked up then. The earlier
 * states (draft, pending_approval, approved, scheduled) move no money; failed and denied never will.
 */
export const pushedPaymentStatuses: readonly ProcurifyPaymentStatus[] = ['paid'];

/**
 * Bill statuses the poll enqueues: Approved, and the paid/payment states a bill reaches after approval
 * (a bill approved and paid between two polls must still reach NetSuite); the worker checks again.
 */
export const polledBillStatuses: ReadonlySet<number> = new Set([2, 4, 6, 7, 8]);

export interface ProcurifyPollDependencies {
  procurify: Pick<ProcurifyBills, 'scanBills'> & Pick<ProcurifyPayments, 'scanPayments'>;
  state: WatermarkStore & LeaseStore & ConfigStore & SyncStateStore & StateActivity & AuditTrail;
  bills: QueuePublisher<BillMessage>;
  payments: QueuePublisher<PaymentMessage>;
  /** The payment mode until an operator sets one (APSYNC_DEFAULT_PAYMENT_MODE). */
  defaultPaymentMode: PaymentMode;
  now?: () => Date;
}

export interface ProcurifyPollOptions {
  /** Minutes re-read behind each watermark (default 10). */
  overlapMinutes?: number;
  /** Lease length; longer than the function timeout so a live run never loses it (default 300). */
  leaseSeconds?: number;
  /** Records enqueued (one `sendAll`) before the watermark moves (default 100). */
  batchSize?: number;
  /** Asked after each batch: true ends the run there (e.g. the Lambda is near its timeout). */
  shouldStop?: () => boolean;
  /** Name of the lease; prefix of the watermarks and memos (default `procurify-poll`). */
  name?: string;
  parkedBills?: ResendParkedBillsOptions;
}

export const procurifyPollDefaults = {
  overlapMinutes: 10,
  leaseSeconds: 300,
  batchSize: 100,
  name: 'procurify-poll',
} as const;

export type FlowPollSummary = FlowPassSummary;

export interface ProcurifyPollSummary extends PollRunSummary {
  paymentMode?: PaymentMode;
  bills?: FlowPollSummary;
  /** Absent in pull mode: payments are not polled then. */
  payments?: FlowPollSummary;
  parkedBills?: ResendParkedBillsSummary & { error?: { errorClass: string; message: string } };
  /** Seconds between `caughtUpTo` and the end of this run (the SyncLagSeconds metric). */
  lagSeconds?: number;
}

export interface ProcurifyPollOutcome {
  summary: ProcurifyPollSummary;
  /** The failures of the flows that failed, classified; the caller decides to fail the run. */
  errors: SyncError[];
}

type Settings = Required<Omit<ProcurifyPollOptions, 'parkedBills'>> & {
  parkedBills: ResendParkedBillsOptions;
};

export async function pollProcurify(
  deps: ProcurifyPollDependencies,
  options: ProcurifyPollOptions = {},
): Promise<ProcurifyPollOutcome> {
  const settings = resolveOptions(options);
  const described = (error: SyncError) => ({ errorClass: error.errorClass, message: error.message });
  const label = 'procurify poll';
  const outcome = await runPoll(
    deps,
    settings,
    iso,
    (base): ProcurifyPollSummary => base,
    async (summary, run) => {
      const passOf = <T, M extends PollMessage>(
        flow: 'bills' | 'payments',
        { queue, kind, about, ...spec }: FlowSpec<T, M>,
        result: FlowPollSummary,
      ) =>
        run.attempt(
          label,
          () =>
            pollFlow<T>(
              {
                ...spec,
                send: (batch, enqueuedAt) =>
                  queue.sendAll(
                    batch.map(
                      (record) =>
                        ({ kind, origin: 'poll', ...about(record), enqueuedAt: iso(enqueuedAt) }) as M,
                    ),
                  ),
                watermark: `${settings.name}:${flow}`,
                memo: { name: `${settings.name}:enqueued:${flow}`, cap: enqueuedVersionsCap },
                scale: isoScale,
                // Read to the end: everything modified before this run started has been read and
                // enqueued, so the watermark moves to the run's start even in a quiet period (windows
                // stay short). Procurify's clock and ours may differ by less than the overlap, which
                // the next run re-reads.
                readToEnd: (_from, startedAt) => iso(startedAt),
              },
              { state: deps.state, now: run.now },
              settings,
              run.startedAt,
              result,
            ),
          (error) => {
            result.error = described(error);
          },
        );

      const bills: FlowPollSummary = { enqueued: 0, alreadyEnqueued: 0 };
      summary.bills = bills;
      const billEnd = await passOf<ApBillSummary, BillMessage>(
        'bills',
        {
          // Every bill is read (Procurify has no status filter) so the watermark passes them all.
          scan: (from) => deps.procurify.scanBills({ modifiedAfter: from }),
          accept: (bill) => polledBillStatuses.has(bill.status),
          idOf: (bill) => bill.uuid,
          timeOf: (bill) => bill.lastModified,
          queue: deps.bills,
          kind: 'bill',
          about: (bill) => ({ billUuid: bill.uuid.toLowerCase(), lastModified: bill.lastModified }),
        },
        bills,
      );
      let stopped = billEnd === 'stopped';

      const setting = await run.attempt(label, () => readPaymentMode(deps.state, deps.defaultPaymentMode));
      const mode = setting?.mode;
      if (mode !== undefined) summary.paymentMode = mode;
      if (mode === 'push' && !stopped) {
        const payments: FlowPollSummary = { enqueued: 0, alreadyEnqueued: 0 };
        summary.payments = payments;
        const paymentEnd = await passOf<ApPayment, PaymentMessage>(
          'payments',
          {
            // Switching to push affects only new activity (shared/payment-mode.ts): payments updated
            // before the operator switched are not pushed, however old the watermark is.
            ...(setting?.changedAt === undefined ? {} : { notBefore: iso(setting.changedAt) }),
            scan: (from) =>
              deps.procurify.scanPayments({ updatedAfter: from, statuses: [...pushedPaymentStatuses] }),
            idOf: (payment) => String(payment.id),
            timeOf: (payment) => payment.updatedAt,
            queue: deps.payments,
            kind: 'payment',
            about: (payment) => ({ paymentId: String(payment.id), updatedAt: payment.updatedAt }),
          },
          payments,
        );
        if (paymentEnd === 'stopped') stopped = true;
      }

      const parked = await run.attempt(
        label,
        () => resendParkedBills({ state: deps.state, bills: deps.bills, now: run.now }, settings.parkedBills),
        (error) => {
          summary.parkedBills = { parked: 0, resent: 0, error: described(error) };
        },
      );
      if (parked !== undefined) summary.parkedBills = parked;
      return stopped ? 'stopped' : 'done';
    },
  );
  const { summary } = outcome;
  if (summary.caughtUpTo !== undefined) {
    const end = (deps.now ?? (() => new Date()))();
    summary.lagSeconds = Math.max(0, Math.round((end.getTime() - Date.parse(summary.caughtUpTo)) / 1000));
  }
  return outcome;
}

function resolveOptions(options: ProcurifyPollOptions): Settings {
  return {
    overlapMinutes: options.overlapMinutes ?? procurifyPollDefaults.overlapMinutes,
    leaseSeconds: options.leaseSeconds ?? procurifyPollDefaults.leaseSeconds,
    batchSize: options.batchSize ?? procurifyPollDefaults.batchSize,
    shouldStop: options.shouldStop ?? (() => false),
    name: options.name ?? procurifyPollDefaults.name,
    parkedBills: options.parkedBills ?? {},
  };
}

// Pairs kept at most in a flow's memo, `<name>:enqueued:<flow>` (EnqueuedVersions.load says why).
export const enqueuedVersionsCap = 4000;

type PollMessage = BillMessage | PaymentMessage;

/**
 * What differs between the bill and payment flows: the records read, and the queue each goes on with
 * what its message says of it (the kind, origin `poll` and the enqueue time are the poll's own).
 */
type FlowSpec<T, M extends PollMessage> = Omit<
  WatermarkedFlow<T>,
  'watermark' | 'memo' | 'scale' | 'readToEnd' | 'send'
> & {
  queue: QueuePublisher<M>;
  kind: M['kind'];
  about(record: T): Omit<M, 'kind' | 'origin' | 'enqueuedAt'>;
};

const iso = (time: string | number | Date): string => new Date(time).toISOString();

/**
 * Procurify's times as ISO instants. A memo entry keeps the time as Procurify wrote it too: two versions
 * within one millisecond are two versions.
 */
const isoScale: PollTimeScale = {
  describes: 'a date-time',
  isWatermark: (value) => !Number.isNaN(Date.parse(value)),
  watermarkOf: iso,
  shiftMinutes: (time, minutes) => new Date(Date.parse(time) + minutes * 60_000).toISOString(),
  instant: iso,
  entry: (id, time) => `${iso(time)}|${id}|${time}`,
};
