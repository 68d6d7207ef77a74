// Backfill of master data: every vendor, GL account and department — or those modified since a
// date — put on the inbound queue (origin `backfill`) for the inbound worker, which fetches each record
// and writes only what changed. Called by the operator CLI (`apsync backfill`, with a progress bar).
// Same read of changed records as the poll (ports.ts), without its watermark, memo or lease: a second
// backfill, or one that runs beside the poll, only enqueues duplicates the worker's content hash makes
// harmless.
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { BugError, DataError } from '../errors.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import { checkTimeZone, instantToWallTime } from './account-time.ts';
import { batchesOf, changeMessage } from './master-record-changes.ts';
import { type MasterRecordChanges, type MasterRecordType, masterRecordTypes } from './ports.ts';

export interface BackfillMasterDataDependencies {
  changes: MasterRecordChanges;
  queue: QueuePublisher<InboundMessage>;
  now?: () => Date;
}

export interface BackfillProgress {
  recordType: MasterRecordType;
  /** Messages enqueued so far for this type. */
  enqueued: number;
  /** True once, when the type is finished. */
  done: boolean;
}

export interface BackfillMasterDataOptions {
  /**
   * Only records modified since then: an instant (Date or ISO date-time with offset) or a calendar day
   * `YYYY-MM-DD`, taken as midnight in the account's time zone. Absent: every record.
   */
  since?: Date | string;
  /** IANA time zone SuiteQL renders `lastmodifieddate` in (default UTC). */
  accountTimeZone?: string;
  recordTypes?: readonly MasterRecordType[];
  /** Rows per `sendAll` and per progress report (default 100). */
  batchSize?: number;
  onProgress?: (progress: BackfillProgress) => void;
}

/** Messages enqueued per record type. */
export type BackfillSummary = Partial<Record<MasterRecordType, number>>;

export async function backfillMasterData(
  deps: BackfillMasterDataDependencies,
  options: BackfillMasterDataOptions = {},
): Promise<BackfillSummary> {
  const timeZone = options.accountTimeZone ?? 'UTC';
  checkTimeZone(timeZone);
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new BugError(`the backfill batch size must be a positive integer, got ${batchSize}`);
  }
  const from = options.since === undefined ? undefined : sinceWallTime(options.since, timeZone);
  const now = deps.now ?? (() => new Date());
  const summary: BackfillSummary = {};
  for (const type of options.recordTypes ?? masterRecordTypes) {
    let enqueued = 0;
    for await (const batch of batchesOf(deps.changes.changedSince(type, from), batchSize)) {
      const receivedAt = now();
      await deps.queue.sendAll(
        batch.map((record) => changeMessage(type, record, 'backfill', receivedAt, timeZone)),
      );
      enqueued += batch.length;
      summary[type] = enqueued;
      options.onProgress?.({ recordType: type, enqueued, done: false });
    }
    summary[type] = enqueued;
    options.onProgress?.({ recordType: type, enqueued, done: true });
  }
  return summary;
}

/** The account wall time a `since` option starts at. */
export function sinceWallTime(since: Date | string, timeZone: string): string {
  if (typeof since === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(since)) return `${since} 00:00:00`;
  const instant = typeof since === 'string' ? new Date(since) : since;
  if (
    Number.isNaN(instant.getTime()) ||
    (typeof since === 'string' && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(since))
  ) {
    throw new DataError(
      `backfill "since" must be a date (YYYY-MM-DD) or an ISO date-time with an offset, got ${String(since)}`,
    );
  }
  return instantToWallTime(instant, timeZone);
}
