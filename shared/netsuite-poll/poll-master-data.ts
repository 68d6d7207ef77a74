// The NetSuite delta poll of master data (the safety net for lost record-event notices).
// Called by the netsuite-poll Lambda every 15 minutes (functions/netsuite-poll) and by local mode.
//
// Per record type (vendor, account, department), under one lease so runs never overlap:
// - read, in (last-modified, id) order, every record modified at or after the stored watermark minus an
//   overlap window (default 10 minutes): SuiteQL's time zone and second-truncated times make an exact
//   watermark unsafe, and a record saved late with an earlier time must still be seen;
// - skip the (id, last-modified) pairs a previous run already enqueued (EnqueuedMemo: the pairs enqueued
//   inside the overlap behind the watermark), enqueue the rest as inbound messages (origin `poll`);
// - after each batch is on the queue, remember its pairs and move the watermark to the last-modified
//   time of the last row read: everything up to it is enqueued, so a run that fails or is cut short
//   resumes there, and a failed enqueue never moves it.
//
// Time zone: watermarks are stored as SuiteQL shows them (account wall time, `YYYY-MM-DD HH24:MI:SS`)
// and bound back unchanged, so reading needs no conversion; the first run's starting point ("now") and
// the messages' ISO `lastModified` convert with `accountTimeZone` (default UTC; the setting
// `netsuite.timeZone`: the time zone SuiteQL renders in for the integration's user). A wrong zone would
// put the first watermark hours off, so when the record API is given (`records`), each run first checks
// the zone against the account (account-time-zone-check.ts) and does not poll on a mismatch. Wall times
// repeat when clocks go back: an account not on UTC needs an overlap longer than the DST shift for that
// hour to be safe.
//
// Deleted records: SuiteQL does not return them; the webhook's delete notice deactivates them.
// Subsidiary scope: not applied here; the inbound worker applies it to every message.
import { randomUUID } from 'node:crypto';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { BugError, DataError, SyncError } from '../errors.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import type { NetSuiteRecords, SuiteQl } from '../netsuite/index.ts';
import type { ConfigStore, LeaseStore, WatermarkStore } from '../state/ports.ts';
import {
  checkTimeZone,
  instantToWallTime,
  isoSeconds,
  shiftWallTime,
  wallTimePattern,
} from './account-time.ts';
import { type AccountTimeZoneCheck, checkAccountTimeZone } from './account-time-zone-check.ts';
import { EnqueuedMemo } from './enqueued-memo.ts';
import {
  type ChangedRecord,
  changeMessage,
  type MasterRecordType,
  masterRecordTypes,
  type ReadWindowOptions,
  readChangedRecords,
} from './master-record-changes.ts';

export interface PollMasterDataDependencies {
  suiteQl: SuiteQl;
  /** The record API; when given, each run first checks `accountTimeZone` against the account. */
  records?: Pick<NetSuiteRecords, 'find'>;
  queue: QueuePublisher<InboundMessage>;
  state: WatermarkStore & LeaseStore & ConfigStore;
  now?: () => Date;
}

export interface PollMasterDataOptions extends ReadWindowOptions {
  /** Minutes re-read behind the watermark (default 10). */
  overlapMinutes?: number;
  /** IANA time zone SuiteQL renders `lastmodifieddate` in (default UTC). */
  accountTimeZone?: string;
  /** Lease length; longer than the function timeout so a live run never loses it (default 360). */
  leaseSeconds?: number;
  recordTypes?: readonly MasterRecordType[];
  /** Rows enqueued (one `sendAll`) before the watermark moves (default 100). */
  batchSize?: number;
  /** Asked after each batch: true ends the run there (e.g. the Lambda is near its timeout). */
  shouldStop?: () => boolean;
  /** Name of the lease; prefix of the watermarks and memos (default `netsuite-poll`). */
  name?: string;
}

export const pollDefaults = {
  overlapMinutes: 10,
  accountTimeZone: 'UTC',
  leaseSeconds: 360,
  batchSize: 100,
  name: 'netsuite-poll',
} as const;

export interface RecordTypePollSummary {
  /** New (id, last-modified) pairs put on the inbound queue by this run. */
  enqueued: number;
  /** Rows read again in the overlap that an earlier run had enqueued. */
  alreadyEnqueued: number;
  watermarkBefore?: string;
  watermarkAfter?: string;
  /** Set when this type failed (the others still ran). */
  error?: { errorClass: string; message: string };
}

export interface PollMasterDataSummary {
  skippedBecauseLeaseHeld: boolean;
  /** Every type read to the end (not cut short, none failed). */
  complete: boolean;
  startedAt: string;
  recordTypes: Partial<Record<MasterRecordType, RecordTypePollSummary>>;
  /**
   * Every change modified before this instant is on the queue: the start of this run when complete,
   * else of the last complete run. The sync lag is now minus this (a quiet account has no lag even
   * when its watermark is old).
   */
  caughtUpTo?: string;
  /** The time zone check of this run (absent when the poll was given no record API). */
  timeZoneCheck?: AccountTimeZoneCheck;
}

export interface PollMasterDataOutcome {
  summary: PollMasterDataSummary;
  /** The failures of the types that failed, classified; the caller decides to fail the run. */
  errors: SyncError[];
}

export async function pollMasterData(
  deps: PollMasterDataDependencies,
  options: PollMasterDataOptions = {},
): Promise<PollMasterDataOutcome> {
  const settings = resolveOptions(options);
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const summary: PollMasterDataSummary = {
    skippedBecauseLeaseHeld: false,
    complete: false,
    startedAt: startedAt.toISOString(),
    recordTypes: {},
  };
  const errors: SyncError[] = [];
  const holder = `${summary.startedAt}:${randomUUID()}`;
  if (!(await deps.state.acquireLease(settings.name, holder, settings.leaseSeconds))) {
    summary.skippedBecauseLeaseHeld = true;
    return { summary, errors };
  }
  try {
    let stopped = false;
    if (deps.records !== undefined) {
      const { check, error } = await checkAccountTimeZone(
        { suiteQl: deps.suiteQl, records: deps.records },
        settings.accountTimeZone,
      );
      summary.timeZoneCheck = check;
      // Nothing is read on a mismatch: the first watermark and the messages' instants would be wrong.
      if (error !== undefined) errors.push(error);
    }
    for (const type of errors.length > 0 ? [] : settings.recordTypes) {
      const result: RecordTypePollSummary = { enqueued: 0, alreadyEnqueued: 0 };
      summary.recordTypes[type] = result;
      try {
        const end = await new RecordTypePoll(type, deps, settings, startedAt, now, result).run();
        if (end === 'stopped') {
          stopped = true;
          break;
        }
      } catch (error) {
        const classified =
          error instanceof SyncError
            ? error
            : new BugError(`netsuite poll of ${type}: ${String(error)}`, { cause: error });
        result.error = { errorClass: classified.errorClass, message: classified.message };
        errors.push(classified);
      }
    }
    summary.complete = !stopped && errors.length === 0;
    const caughtUpFlow = `${settings.name}:caught-up`;
    if (summary.complete) {
      await deps.state.advanceWatermark(caughtUpFlow, isoSeconds(startedAt));
      summary.caughtUpTo = isoSeconds(startedAt);
    } else {
      const previous = await deps.state.getWatermark(caughtUpFlow);
      if (previous !== undefined) summary.caughtUpTo = previous;
    }
    return { summary, errors };
  } finally {
    await deps.state.releaseLease(settings.name, holder);
  }
}

type PollSettings = Required<Omit<PollMasterDataOptions, keyof ReadWindowOptions>> & ReadWindowOptions;

function resolveOptions(options: PollMasterDataOptions): PollSettings {
  const settings: PollSettings = {
    overlapMinutes: options.overlapMinutes ?? pollDefaults.overlapMinutes,
    accountTimeZone: options.accountTimeZone ?? pollDefaults.accountTimeZone,
    leaseSeconds: options.leaseSeconds ?? pollDefaults.leaseSeconds,
    recordTypes: options.recordTypes ?? masterRecordTypes,
    batchSize: options.batchSize ?? pollDefaults.batchSize,
    shouldStop: options.shouldStop ?? (() => false),
    name: options.name ?? pollDefaults.name,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.windowRows === undefined ? {} : { windowRows: options.windowRows }),
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
  checkTimeZone(settings.accountTimeZone);
  return settings;
}

/** One record type's read → enqueue → watermark pass. */
class RecordTypePoll {
  private readonly type: MasterRecordType;
  private readonly deps: PollMasterDataDependencies;
  private readonly settings: PollSettings;
  private readonly startedAt: Date;
  private readonly now: () => Date;
  private readonly result: RecordTypePollSummary;
  private readonly flow: string;

  constructor(
    type: MasterRecordType,
    deps: PollMasterDataDependencies,
    settings: PollSettings,
    startedAt: Date,
    now: () => Date,
    result: RecordTypePollSummary,
  ) {
    this.type = type;
    this.deps = deps;
    this.settings = settings;
    this.startedAt = startedAt;
    this.now = now;
    this.result = result;
    this.flow = `${settings.name}:${type}`;
  }

  async run(): Promise<'done' | 'stopped'> {
    const { state } = this.deps;
    const { overlapMinutes, accountTimeZone } = this.settings;
    const stored = await state.getWatermark(this.flow);
    if (stored !== undefined && !wallTimePattern.test(stored)) {
      throw new BugError(`watermark ${this.flow} is "${stored}", not a SuiteQL timestamp`, {
        source: 'apsync',
      });
    }
    if (stored !== undefined) {
      this.result.watermarkBefore = stored;
      this.result.watermarkAfter = stored;
    }
    // First run: history is the backfill's job (`apsync backfill`); start one overlap before now.
    const from = shiftWallTime(stored ?? instantToWallTime(this.startedAt, accountTimeZone), -overlapMinutes);
    const memo = await EnqueuedMemo.load(state, this.settings.name, this.type);
    memo.prune(from);

    let pending: ChangedRecord[] = [];
    let lastRead: string | undefined;
    const flush = async () => {
      const watermark = maxWallTime(lastRead, this.result.watermarkAfter);
      if (pending.length === 0 && watermark === this.result.watermarkAfter) return;
      if (pending.length > 0) {
        const receivedAt = this.now();
        await this.deps.queue.sendAll(
          pending.map((record) => changeMessage(this.type, record, 'poll', receivedAt, accountTimeZone)),
        );
        for (const record of pending) memo.add(record.id, record.lastModified);
        this.result.enqueued += pending.length;
        pending = [];
      }
      if (watermark === undefined) return;
      // The memo first: a watermark ahead of its memo would re-read pairs it no longer knows.
      memo.prune(shiftWallTime(watermark, -overlapMinutes));
      await memo.save(state);
      await state.advanceWatermark(this.flow, watermark);
      this.result.watermarkAfter = watermark;
    };

    for await (const record of readChangedRecords(this.deps.suiteQl, this.type, from, this.settings)) {
      lastRead = record.lastModified;
      if (memo.has(record.id, record.lastModified)) {
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
    if (stored === undefined && this.result.watermarkAfter === undefined) {
      // Nothing changed since the starting point: keep it, so a later run does not start later still.
      await state.advanceWatermark(this.flow, from);
      this.result.watermarkAfter = from;
    }
    return 'done';
  }
}

/** The `SyncLagSeconds` metric: now minus the instant everything before which is enqueued. */
export function syncLagSeconds(summary: PollMasterDataSummary, now: Date): number | undefined {
  if (summary.skippedBecauseLeaseHeld || summary.caughtUpTo === undefined) return undefined;
  return Math.max(0, Math.round((now.getTime() - Date.parse(summary.caughtUpTo)) / 1000));
}

function maxWallTime(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
