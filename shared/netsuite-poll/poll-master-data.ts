// The NetSuite delta poll of master data (the safety net for lost record-event notices).
// Called by the netsuite-poll Lambda every 15 minutes (functions/netsuite-poll) and by local mode.
//
// Per record type (vendor, account, department), under one lease so runs never overlap, with the
// watermarked poll runner both polls use (shared/poll/watermarked-poll.ts):
// - read, in (last-modified, id) order, every record modified at or after the stored watermark minus an
//   overlap window (default 10 minutes): SuiteQL's time zone and second-truncated times make an exact
//   watermark unsafe, and a record saved late with an earlier time must still be seen;
// - skip the (id, last-modified) pairs a previous run already enqueued (the memo of the pairs enqueued
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
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import type { SyncError } from '../errors.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import {
  type FlowPassSummary,
  type PollRunSummary,
  type PollTimeScale,
  pollFlow,
  runPoll,
} from '../poll/watermarked-poll.ts';
import type { ConfigStore, LeaseStore, WatermarkStore } from '../state/ports.ts';
import {
  checkTimeZone,
  instantToWallTime,
  isoSeconds,
  shiftWallTime,
  wallTimePattern,
} from './account-time.ts';
import { type AccountTimeZoneCheck, checkAccountTimeZone } from './account-time-zone-check.ts';
import { changeMessage } from './master-record-changes.ts';
import {
  type AccountClock,
  type ChangedRecord,
  type MasterRecordChanges,
  type MasterRecordType,
  masterRecordTypes,
} from './ports.ts';

export interface PollMasterDataDependencies {
  changes: MasterRecordChanges;
  /** The account's clock; when given, each run first checks `accountTimeZone` against the account. */
  clock?: AccountClock;
  queue: QueuePublisher<InboundMessage>;
  state: WatermarkStore & LeaseStore & ConfigStore;
  now?: () => Date;
}

export interface PollMasterDataOptions {
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

export type RecordTypePollSummary = FlowPassSummary;

export interface PollMasterDataSummary extends PollRunSummary {
  recordTypes: Partial<Record<MasterRecordType, RecordTypePollSummary>>;
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
  const scale = wallTimeScale(settings.accountTimeZone);
  return runPoll(
    deps,
    settings,
    isoSeconds,
    (base): PollMasterDataSummary => ({ ...base, recordTypes: {} }),
    async (summary, run) => {
      if (deps.clock !== undefined) {
        const { check, error } = await checkAccountTimeZone(deps.clock, settings.accountTimeZone);
        summary.timeZoneCheck = check;
        // Nothing is read on a mismatch: the first watermark and the messages' instants would be wrong.
        if (error !== undefined) {
          run.errors.push(error);
          return 'done';
        }
      }
      for (const type of settings.recordTypes) {
        const result: RecordTypePollSummary = { enqueued: 0, alreadyEnqueued: 0 };
        summary.recordTypes[type] = result;
        const end = await run.attempt(
          `netsuite poll of ${type}`,
          () =>
            pollFlow<ChangedRecord>(
              {
                watermark: `${settings.name}:${type}`,
                memo: { name: `${settings.name}:enqueued:${type}`, cap: enqueuedMemoCap },
                scale,
                scan: (from) => deps.changes.changedSince(type, from),
                idOf: (record) => record.id,
                timeOf: (record) => record.lastModified,
                send: (batch, receivedAt) =>
                  deps.queue.sendAll(
                    batch.map((record) =>
                      changeMessage(type, record, 'poll', receivedAt, settings.accountTimeZone),
                    ),
                  ),
                // Nothing changed since the starting point: keep it, so a later run does not start later still.
                readToEnd: (from) => from,
              },
              { state: deps.state, now: run.now },
              settings,
              run.startedAt,
              result,
            ),
          (error) => {
            result.error = { errorClass: error.errorClass, message: error.message };
          },
        );
        if (end === 'stopped') return 'stopped';
      }
      return 'done';
    },
  );
}

/** Pairs kept at most in a type's memo, `<name>:enqueued:<type>` (EnqueuedVersions.load says why). */
export const enqueuedMemoCap = 5000;

/** Account wall time (`YYYY-MM-DD HH24:MI:SS`, as SuiteQL shows it): watermarks bound back unchanged. */
function wallTimeScale(accountTimeZone: string): PollTimeScale {
  return {
    describes: 'a SuiteQL timestamp',
    isWatermark: (value) => wallTimePattern.test(value),
    watermarkOf: (time) => time,
    shiftMinutes: shiftWallTime,
    instant: (at) => instantToWallTime(at, accountTimeZone),
    entry: (id, time) => `${time}|${id}`,
  };
}

type PollSettings = Required<PollMasterDataOptions>;

function resolveOptions(options: PollMasterDataOptions): PollSettings {
  const settings: PollSettings = {
    overlapMinutes: options.overlapMinutes ?? pollDefaults.overlapMinutes,
    accountTimeZone: options.accountTimeZone ?? pollDefaults.accountTimeZone,
    leaseSeconds: options.leaseSeconds ?? pollDefaults.leaseSeconds,
    recordTypes: options.recordTypes ?? masterRecordTypes,
    batchSize: options.batchSize ?? pollDefaults.batchSize,
    shouldStop: options.shouldStop ?? (() => false),
    name: options.name ?? pollDefaults.name,
  };
  checkTimeZone(settings.accountTimeZone);
  return settings;
}

/** The `SyncLagSeconds` metric: now minus the instant everything before which is enqueued. */
export function syncLagSeconds(summary: PollMasterDataSummary, now: Date): number | undefined {
  if (summary.skippedBecauseLeaseHeld || summary.caughtUpTo === undefined) return undefined;
  return Math.max(0, Math.round((now.getTime() - Date.parse(summary.caughtUpTo)) / 1000));
}
