// The Procurify poll of bills and payments (Procurify has no webhooks). Called by the procurify-poll Lambda
// every 5 minutes (functions/procurify-poll), by local mode and on demand (`apsync sync now`).
//
// Under one lease so runs never overlap:
// - bills: every Approved bill modified at or after the stored watermark minus an overlap window
//   (default 10 minutes: a bill saved late with an earlier time, and clock differences, must still be
//   seen) goes on the bill queue; the (uuid, last_modified_datetime) pairs a previous run already
//   enqueued are skipped (EnqueuedVersions);
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
import { randomUUID } from 'node:crypto';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import {
  type ResendParkedBillsOptions,
  type ResendParkedBillsSummary,
  resendParkedBills,
} from '../bills/resend-parked-bills.ts';
import { BugError, DataError, SyncError } from '../errors.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { PaymentMessage } from '../events/payment-message.ts';
import { type PaymentMode, readPaymentMode } from '../payment-mode.ts';
import type {
  ProcurifyBillSummary,
  ProcurifyBills,
  ProcurifyPayment,
  ProcurifyPaymentStatus,
  ProcurifyPayments,
} from '../procurify/ports.ts';
import type {
  AuditTrail,
  ConfigStore,
  LeaseStore,
  StateActivity,
  SyncStateStore,
  WatermarkStore,
} from '../state/ports.ts';
import { EnqueuedVersions } from './enqueued-versions.ts';

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

export interface FlowPollSummary {
  /** New (id, modification time) pairs put on the queue by this run. */
  enqueued: number;
  /** Records read again in the overlap that an earlier run had enqueued. */
  alreadyEnqueued: number;
  watermarkBefore?: string;
  watermarkAfter?: string;
  /** Set when this flow failed (the others still ran). */
  error?: { errorClass: string; message: string };
}

export interface ProcurifyPollSummary {
  skippedBecauseLeaseHeld: boolean;
  /** Every flow read to the end (not cut short, none failed). */
  complete: boolean;
  startedAt: string;
  paymentMode?: PaymentMode;
  bills?: FlowPollSummary;
  /** Absent in pull mode: payments are not polled then. */
  payments?: FlowPollSummary;
  parkedBills?: ResendParkedBillsSummary & { error?: { errorClass: string; message: string } };
  /**
   * Every change modified before this instant is on a queue: the start of this run when complete,
   * else of the last complete run. The sync lag is now minus this (a quiet company has no lag).
   */
  caughtUpTo?: string;
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
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const summary: ProcurifyPollSummary = {
    skippedBecauseLeaseHeld: false,
    complete: false,
    startedAt: startedAt.toISOString(),
  };
  const errors: SyncError[] = [];
  const holder = `${summary.startedAt}:${randomUUID()}`;
  if (!(await deps.state.acquireLease(settings.name, holder, settings.leaseSeconds))) {
    summary.skippedBecauseLeaseHeld = true;
    return { summary, errors };
  }
  const attempt = async <T>(run: () => Promise<T>, onError: (error: SyncError) => void) => {
    try {
      return await run();
    } catch (error) {
      const classified =
        error instanceof SyncError
          ? error
          : new BugError(`procurify poll: ${String(error)}`, { cause: error });
      errors.push(classified);
      onError(classified);
      return undefined;
    }
  };
  const described = (error: SyncError) => ({ errorClass: error.errorClass, message: error.message });
  try {
    let stopped = false;
    const bills: FlowPollSummary = { enqueued: 0, alreadyEnqueued: 0 };
    summary.bills = bills;
    const billEnd = await attempt(
      () =>
        new FlowPoll<ProcurifyBillSummary>(
          {
            flow: 'bills',
            // Every bill is read (Procurify has no status filter) so the watermark passes them all.
            scan: (from) => deps.procurify.scanBills({ modifiedAfter: from }),
            accept: (bill) => polledBillStatuses.has(bill.status),
            idOf: (bill) => bill.uuid,
            timeOf: (bill) => bill.last_modified_datetime,
            send: (batch, enqueuedAt) =>
              deps.bills.sendAll(
                batch.map((bill) => ({
                  kind: 'bill',
                  origin: 'poll',
                  billUuid: bill.uuid.toLowerCase(),
                  lastModified: bill.last_modified_datetime,
                  enqueuedAt,
                })),
              ),
          },
          deps,
          settings,
          startedAt,
          now,
          bills,
        ).run(),
      (error) => {
        bills.error = described(error);
      },
    );
    if (billEnd === 'stopped') stopped = true;

    const setting = await attempt(
      () => readPaymentMode(deps.state, deps.defaultPaymentMode),
      () => undefined,
    );
    const mode = setting?.mode;
    if (mode !== undefined) summary.paymentMode = mode;
    if (mode === 'push' && !stopped) {
      const payments: FlowPollSummary = { enqueued: 0, alreadyEnqueued: 0 };
      summary.payments = payments;
      const paymentEnd = await attempt(
        () =>
          new FlowPoll<ProcurifyPayment>(
            {
              flow: 'payments',
              // Switching to push affects only new activity (shared/payment-mode.ts): payments updated
              // before the operator switched are not pushed, however old the watermark is.
              ...(setting?.changedAt === undefined ? {} : { notBefore: setting.changedAt }),
              scan: (from) =>
                deps.procurify.scanPayments({ updatedAfter: from, statuses: [...pushedPaymentStatuses] }),
              idOf: (payment) => String(payment.id),
              timeOf: (payment) => payment.updated_at,
              send: (batch, enqueuedAt) =>
                deps.payments.sendAll(
                  batch.map((payment) => ({
                    kind: 'payment',
                    origin: 'poll',
                    paymentId: String(payment.id),
                    updatedAt: payment.updated_at,
                    enqueuedAt,
                  })),
                ),
            },
            deps,
            settings,
            startedAt,
            now,
            payments,
          ).run(),
        (error) => {
          payments.error = described(error);
        },
      );
      if (paymentEnd === 'stopped') stopped = true;
    }

    const parked = await attempt(
      () => resendParkedBills({ state: deps.state, bills: deps.bills, now }, settings.parkedBills),
      (error) => {
        summary.parkedBills = { parked: 0, resent: 0, error: described(error) };
      },
    );
    if (parked !== undefined) summary.parkedBills = parked;

    summary.complete = !stopped && errors.length === 0;
    const caughtUpFlow = `${settings.name}:caught-up`;
    if (summary.complete) {
      await deps.state.advanceWatermark(caughtUpFlow, summary.startedAt);
      summary.caughtUpTo = summary.startedAt;
    } else {
      const previous = await deps.state.getWatermark(caughtUpFlow);
      if (previous !== undefined) summary.caughtUpTo = previous;
    }
    if (summary.caughtUpTo !== undefined) {
      summary.lagSeconds = Math.max(0, Math.round((now().getTime() - Date.parse(summary.caughtUpTo)) / 1000));
    }
    return { summary, errors };
  } finally {
    await deps.state.releaseLease(settings.name, holder);
  }
}

function resolveOptions(options: ProcurifyPollOptions): Settings {
  const settings: Settings = {
    overlapMinutes: options.overlapMinutes ?? procurifyPollDefaults.overlapMinutes,
    leaseSeconds: options.leaseSeconds ?? procurifyPollDefaults.leaseSeconds,
    batchSize: options.batchSize ?? procurifyPollDefaults.batchSize,
    shouldStop: options.shouldStop ?? (() => false),
    name: options.name ?? procurifyPollDefaults.name,
    parkedBills: options.parkedBills ?? {},
  };
  if (!Number.isFinite(settings.overlapMinutes) || settings.overlapMinutes < 0) {
    throw new DataError(`the poll overlap must be a number of minutes ≥ 0, got ${settings.overlapMinutes}`);
  }
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1) {
    throw new BugError(`the poll batch size must be a positive integer, got ${settings.batchSize}`);
  }
  if (!Number.isInteger(settings.leaseSeconds) || settings.leaseSeconds < 1) {
    throw new BugError(`the poll lease must be a positive number of seconds, got ${settings.leaseSeconds}`);
  }
  return settings;
}

interface FlowSpec<T> {
  flow: 'bills' | 'payments';
  /** Never read records modified before this instant (ISO). */
  notBefore?: string;
  /** Records modified at or after `from` (ISO), oldest first. */
  scan(from: string): AsyncIterable<T>;
  /** Whether a record read is enqueued (default: all). */
  accept?(record: T): boolean;
  idOf(record: T): string;
  /** The record's modification time as Procurify wrote it. */
  timeOf(record: T): string;
  send(records: T[], enqueuedAt: string): Promise<void>;
}

const iso = (time: string | number | Date): string => new Date(time).toISOString();
const shiftMinutes = (time: string, minutes: number): string =>
  new Date(Date.parse(time) + minutes * 60_000).toISOString();

/** One flow's read → enqueue → watermark pass. */
class FlowPoll<T> {
  private readonly spec: FlowSpec<T>;
  private readonly deps: ProcurifyPollDependencies;
  private readonly settings: Settings;
  private readonly startedAt: Date;
  private readonly now: () => Date;
  private readonly result: FlowPollSummary;
  private readonly watermarkName: string;

  constructor(
    spec: FlowSpec<T>,
    deps: ProcurifyPollDependencies,
    settings: Settings,
    startedAt: Date,
    now: () => Date,
    result: FlowPollSummary,
  ) {
    this.spec = spec;
    this.deps = deps;
    this.settings = settings;
    this.startedAt = startedAt;
    this.now = now;
    this.result = result;
    this.watermarkName = `${settings.name}:${spec.flow}`;
  }

  async run(): Promise<'done' | 'stopped'> {
    const { state } = this.deps;
    const { overlapMinutes } = this.settings;
    const stored = await state.getWatermark(this.watermarkName);
    if (stored !== undefined && Number.isNaN(Date.parse(stored))) {
      throw new BugError(`watermark ${this.watermarkName} is "${stored}", not a date-time`, {
        source: 'apsync',
      });
    }
    if (stored !== undefined) {
      this.result.watermarkBefore = stored;
      this.result.watermarkAfter = stored;
    }
    const overlapped = shiftMinutes(stored ?? iso(this.startedAt), -overlapMinutes);
    const from = latest(
      overlapped,
      this.spec.notBefore === undefined ? undefined : iso(this.spec.notBefore),
    )!;
    const memo = await EnqueuedVersions.load(state, `${this.settings.name}:enqueued:${this.spec.flow}`);
    memo.prune(from);

    let pending: T[] = [];
    let lastRead: string | undefined;
    const flush = async () => {
      const watermark = latest(lastRead, this.result.watermarkAfter);
      if (pending.length === 0 && watermark === this.result.watermarkAfter) return;
      if (pending.length > 0) {
        await this.spec.send(pending, iso(this.now()));
        for (const record of pending) memo.add(this.spec.idOf(record), this.spec.timeOf(record));
        this.result.enqueued += pending.length;
        pending = [];
      }
      if (watermark === undefined) return;
      // The memo first: a watermark ahead of its memo would re-read pairs it no longer knows.
      memo.prune(shiftMinutes(watermark, -overlapMinutes));
      await memo.save(state);
      await state.advanceWatermark(this.watermarkName, watermark);
      this.result.watermarkAfter = watermark;
    };

    for await (const record of this.spec.scan(from)) {
      const time = this.spec.timeOf(record);
      lastRead = latest(lastRead, iso(time));
      if (this.spec.accept !== undefined && !this.spec.accept(record)) continue;
      if (memo.has(this.spec.idOf(record), time)) {
        this.result.alreadyEnqueued++;
        continue;
      }
      pending.push(record);
      if (pending.length >= this.settings.batchSize) {
        await flush();
        if (this.settings.shouldStop()) return 'stopped';
      }
    }
    await flush();
    // Read to the end: everything modified before this run started has been read and enqueued, so the
    // watermark moves to the run's start even in a quiet period (windows stay short). Procurify's clock
    // and ours may differ by less than the overlap, which the next run re-reads.
    const caughtUp = latest(this.result.watermarkAfter, iso(this.startedAt))!;
    if (caughtUp !== this.result.watermarkAfter) {
      memo.prune(shiftMinutes(caughtUp, -overlapMinutes));
      await memo.save(state);
      await state.advanceWatermark(this.watermarkName, caughtUp);
      this.result.watermarkAfter = caughtUp;
    }
    return 'done';
  }
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
