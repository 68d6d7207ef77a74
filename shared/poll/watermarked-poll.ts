// The watermarked poll runner both polls use (shared/netsuite-poll/poll-master-data.ts,
// shared/procurify-poll/poll-procurify.ts), over the state ports:
// - `runPoll`: one run under a lease so runs never overlap; each part's failure is classified and kept
//   while the other parts still run; a run that read everything (not cut short, nothing failed) moves
//   the `<name>:caught-up` watermark to its start, which the sync-lag metric is measured from;
// - `pollFlow`: one flow's read → enqueue → watermark pass. It reads every record modified at or after
//   the stored watermark minus an overlap window (a record saved late with an earlier time, and clock
//   differences, must still be seen), skips the (id, modification time) pairs a previous run already
//   enqueued (EnqueuedVersions), and after each batch is on its queue remembers its pairs and moves the
//   watermark to the modification time of the last record read: everything up to it is enqueued, so a
//   run that fails or is cut short resumes there, and a failed enqueue never moves it.
// Times are on a scale the poll names (PollTimeScale): NetSuite's account wall time, Procurify's ISO
// instants; watermarks and memo entries are in that scale's form, which sorts as text in time order.
import { randomUUID } from 'node:crypto';
import { BugError, DataError, SyncError } from '../errors.ts';
import type { ConfigStore, LeaseStore, WatermarkStore } from '../state/ports.ts';
import { EnqueuedVersions } from './enqueued-versions.ts';

/** The settings every poll checks the same way. */
export interface PollLimits {
  /** Minutes re-read behind each watermark. */
  overlapMinutes: number;
  /** Records enqueued (one send) before the watermark moves. */
  batchSize: number;
  /** Lease length; longer than the function timeout so a live run never loses it. */
  leaseSeconds: number;
}

/** Throws naming the bad setting (runPoll checks them before anything else). */
function checkPollLimits(limits: PollLimits): void {
  if (!Number.isFinite(limits.overlapMinutes) || limits.overlapMinutes < 0) {
    throw new DataError(`the poll overlap must be a number of minutes ≥ 0, got ${limits.overlapMinutes}`);
  }
  if (!Number.isInteger(limits.batchSize) || limits.batchSize < 1) {
    throw new BugError(`the poll batch size must be a positive integer, got ${limits.batchSize}`);
  }
  if (!Number.isInteger(limits.leaseSeconds) || limits.leaseSeconds < 1) {
    throw new BugError(`the poll lease must be a positive number of seconds, got ${limits.leaseSeconds}`);
  }
}

export interface PollRunSummary {
  skippedBecauseLeaseHeld: boolean;
  /** Every part read to the end (not cut short, none failed). */
  complete: boolean;
  startedAt: string;
  /**
   * Every change modified before this instant is on a queue: the start of this run when complete, else
   * of the last complete run. The sync lag is now minus this (a quiet account has no lag even when its
   * watermarks are old).
   */
  caughtUpTo?: string;
}

export interface PollRun {
  readonly startedAt: Date;
  readonly now: () => Date;
  /** The failures of the parts that failed, classified; the caller decides to fail the run. */
  readonly errors: SyncError[];
  /** Runs one part: its failure is classified (`label` names it), kept and handed to `onError`. */
  attempt<T>(
    label: string,
    part: () => Promise<T>,
    onError?: (error: SyncError) => void,
  ): Promise<T | undefined>;
}

export interface PollRunSettings extends PollLimits {
  /** Name of the lease; prefix of the watermarks and memos. */
  name: string;
}

/**
 * One run under the lease (settings checked first): `body` runs the parts (through `run.attempt`) and says whether it stopped
 * early; `caughtUpMark` is the caught-up watermark of a complete run that started at that instant.
 * Returns the summary `makeSummary` built, completed, and the failures.
 */
export async function runPoll<S extends PollRunSummary>(
  deps: { state: WatermarkStore & LeaseStore; now?: () => Date },
  settings: PollRunSettings,
  caughtUpMark: (startedAt: Date) => string,
  makeSummary: (base: PollRunSummary) => S,
  body: (summary: S, run: PollRun) => Promise<'done' | 'stopped'>,
): Promise<{ summary: S; errors: SyncError[] }> {
  checkPollLimits(settings);
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const summary = makeSummary({
    skippedBecauseLeaseHeld: false,
    complete: false,
    startedAt: startedAt.toISOString(),
  });
  const errors: SyncError[] = [];
  const holder = `${summary.startedAt}:${randomUUID()}`;
  if (!(await deps.state.acquireLease(settings.name, holder, settings.leaseSeconds))) {
    summary.skippedBecauseLeaseHeld = true;
    return { summary, errors };
  }
  const run: PollRun = {
    startedAt,
    now,
    errors,
    async attempt(label, part, onError) {
      try {
        return await part();
      } catch (error) {
        const classified =
          error instanceof SyncError ? error : new BugError(`${label}: ${String(error)}`, { cause: error });
        errors.push(classified);
        onError?.(classified);
        return undefined;
      }
    },
  };
  try {
    const end = await body(summary, run);
    summary.complete = end === 'done' && errors.length === 0;
    const caughtUpFlow = `${settings.name}:caught-up`;
    if (summary.complete) {
      const mark = caughtUpMark(startedAt);
      await deps.state.advanceWatermark(caughtUpFlow, mark);
      summary.caughtUpTo = mark;
    } else {
      const previous = await deps.state.getWatermark(caughtUpFlow);
      if (previous !== undefined) summary.caughtUpTo = previous;
    }
    return { summary, errors };
  } finally {
    await deps.state.releaseLease(settings.name, holder);
  }
}

/** How a poll's source writes time. Its watermark form sorts as text in time order. */
export interface PollTimeScale {
  /** What a watermark is, for the error about a stored one that is not (e.g. `a date-time`). */
  describes: string;
  isWatermark(value: string): boolean;
  /** A record's modification time in watermark form. */
  watermarkOf(time: string): string;
  shiftMinutes(watermark: string, minutes: number): string;
  /** The run's start in watermark form (the first run starts one overlap before it). */
  instant(at: Date): string;
  /** A version's memo entry: starts with its watermark form. */
  entry(id: string, time: string): string;
}

export interface FlowPassSummary {
  /** New (id, modification time) pairs put on the queue by this run. */
  enqueued: number;
  /** Records read again in the overlap that an earlier run had enqueued. */
  alreadyEnqueued: number;
  watermarkBefore?: string;
  watermarkAfter?: string;
  /** Set when this flow failed (the others still ran). */
  error?: { errorClass: string; message: string };
}

export interface WatermarkedFlow<T> {
  /** Watermark name (WatermarkStore). */
  watermark: string;
  /** Memo name (ConfigStore) and the most pairs it keeps. */
  memo: { name: string; cap: number };
  scale: PollTimeScale;
  /** Never read records modified before this (watermark form). */
  notBefore?: string;
  /** Records modified at or after `from` (watermark form), oldest first. */
  scan(from: string): AsyncIterable<T>;
  /** Whether a record read is enqueued (default: all; every record read moves the watermark). */
  accept?(record: T): boolean;
  idOf(record: T): string;
  /** The record's modification time as its source wrote it. */
  timeOf(record: T): string;
  send(records: T[], enqueuedAt: Date): Promise<void>;
  /**
   * Where the watermark stands at least once the flow is read to the end, given where this run started
   * reading (`from`): e.g. the run's start, when the source's clock is trusted within the overlap.
   */
  readToEnd(from: string, startedAt: Date): string;
}

export interface FlowPassSettings {
  overlapMinutes: number;
  batchSize: number;
  /** Asked after each batch: true ends the pass there (e.g. the Lambda is near its timeout). */
  shouldStop: () => boolean;
}

/** One flow's read → enqueue → watermark pass; fills `result` as it goes. */
export async function pollFlow<T>(
  flow: WatermarkedFlow<T>,
  deps: { state: WatermarkStore & ConfigStore; now: () => Date },
  settings: FlowPassSettings,
  startedAt: Date,
  result: FlowPassSummary,
): Promise<'done' | 'stopped'> {
  const { state } = deps;
  const { scale } = flow;
  const { overlapMinutes } = settings;
  const stored = await state.getWatermark(flow.watermark);
  if (stored !== undefined && !scale.isWatermark(stored)) {
    throw new BugError(`watermark ${flow.watermark} is "${stored}", not ${scale.describes}`, {
      source: 'apsync',
    });
  }
  if (stored !== undefined) {
    result.watermarkBefore = stored;
    result.watermarkAfter = stored;
  }
  // First run: history is the backfill's job (`apsync backfill`); start one overlap before now.
  const from = latest(
    scale.shiftMinutes(stored ?? scale.instant(startedAt), -overlapMinutes),
    flow.notBefore,
  )!;
  const memo = await EnqueuedVersions.load(state, flow.memo.name, scale.entry, flow.memo.cap);
  memo.prune(from);

  const moveTo = async (watermark: string) => {
    // The memo first: a watermark ahead of its memo would re-read pairs it no longer knows.
    memo.prune(scale.shiftMinutes(watermark, -overlapMinutes));
    await memo.save(state);
    await state.advanceWatermark(flow.watermark, watermark);
    result.watermarkAfter = watermark;
  };
  let pending: T[] = [];
  let lastRead: string | undefined;
  const flush = async () => {
    const watermark = latest(lastRead, result.watermarkAfter);
    // Nothing read and no watermark yet, or nothing to send and the watermark where it is: nothing to do.
    if (watermark === undefined || (pending.length === 0 && watermark === result.watermarkAfter)) return;
    if (pending.length > 0) {
      await flow.send(pending, deps.now());
      for (const record of pending) memo.add(flow.idOf(record), flow.timeOf(record));
      result.enqueued += pending.length;
      pending = [];
    }
    await moveTo(watermark);
  };

  for await (const record of flow.scan(from)) {
    const time = flow.timeOf(record);
    lastRead = latest(lastRead, scale.watermarkOf(time));
    if (flow.accept !== undefined && !flow.accept(record)) continue;
    if (memo.has(flow.idOf(record), time)) {
      result.alreadyEnqueued++;
      continue;
    }
    pending.push(record);
    if (pending.length >= settings.batchSize) {
      await flush();
      if (settings.shouldStop()) return 'stopped';
    }
  }
  await flush();
  const end = latest(result.watermarkAfter, flow.readToEnd(from, startedAt))!;
  if (end !== result.watermarkAfter) await moveTo(end);
  return 'done';
}

/** The later of two times in watermark form. */
export function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
