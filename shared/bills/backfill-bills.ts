// The Procurify side of the initial load (`apsync backfill --bills`): every approved (or since paid)
// Procurify bill modified in the last 12 months — or since a given date, and older history on request —
// is queued for the bill-sync worker with origin `backfill`, which matches it in NetSuite before writing
// anything (same vendor, invoice number and total → linked, two candidates → review, none → written:
// decide-bill.ts). Bills already linked are not queued. Each phase first asks Procurify how many bills
// its window holds (the list's `count`), so progress reads "n of m". Resumable: a cursor per phase (the
// last bill's modification time, and the bills read at exactly that time, since Procurify's filter
// includes its lower bound) is kept in the configuration item `bill-backfill` after each batch, so an
// interrupted load continues where it stopped without reading a bill twice; `apsync status` reads the
// same item.
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import { DataError } from '../errors.ts';
import type { BillMessage } from '../events/bill-message.ts';
import type { ProcurifyBills } from '../procurify/ports.ts';
import type { ConfigStore, LinkStore } from '../state/ports.ts';
import { writableBillStatuses } from './bill-plan.ts';

export const billBackfillConfigName = 'bill-backfill';

export type BillBackfillPhase = 'recent' | 'history';

/** A phase's counts: bills read (n) of the bills its window holds (m), and what became of them. */
export interface BillBackfillCounts {
  scanned: number;
  /** How many bills the window holds (Procurify's count when the phase began; at least `scanned`). */
  total: number;
  queued: number;
  alreadyLinked: number;
  /** Not approved (draft, waiting for approval, denied, withdrawn): not loaded. */
  notApproved: number;
}

export interface BillBackfillProgress extends BillBackfillCounts {
  phase: BillBackfillPhase;
  done: boolean;
}

/** The load's cursor and counts, as stored (and shown by `apsync status`). */
export interface BillBackfillCursor {
  status: 'running' | 'done';
  since: string;
  history: boolean;
  phase: BillBackfillPhase;
  /** Modification time of the last bill queued in this phase: the scan resumes after it. */
  resumeAfter?: string;
  /** The bills (uuids) read that have exactly that time (the filter is inclusive): skipped on resume.
   *  Absent in cursors stored before it existed (read as none). */
  readAtResume?: string[];
  counts: Record<BillBackfillPhase, BillBackfillCounts>;
  startedAt: string;
  finishedAt?: string;
}

export interface BackfillBillsDependencies {
  procurify: Pick<ProcurifyBills, 'scanBills' | 'countBills'>;
  state: ConfigStore & Pick<LinkStore, 'findBySource'>;
  bills: QueuePublisher<BillMessage>;
  now?: () => Date;
}

export interface BackfillBillsOptions {
  /** YYYY-MM-DD or an ISO date-time; default 12 months ago. */
  since?: string;
  /** Then also the bills modified before `since`. */
  history?: boolean;
  onProgress?: (progress: BillBackfillProgress) => void;
}

const batchSize = 50;

/** The ISO start of the load's recent window: `--since` (YYYY-MM-DD or ISO), else 12 months ago. */
export function loadSince(since: string | undefined, now: Date): string {
  if (since === undefined) {
    const start = new Date(now);
    start.setUTCFullYear(start.getUTCFullYear() - 1);
    return start.toISOString();
  }
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since);
  if (Number.isNaN(parsed)) {
    throw new DataError(`--since: "${since}" is not YYYY-MM-DD or an ISO date-time`, {
      source: 'apsync',
      path: 'since',
    });
  }
  return new Date(parsed).toISOString();
}

export async function backfillBills(
  deps: BackfillBillsDependencies,
  options: BackfillBillsOptions = {},
): Promise<BillBackfillCursor> {
  const now = deps.now ?? (() => new Date());
  const stored = await deps.state.getConfig<BillBackfillCursor>(billBackfillConfigName);
  // Without --since, an interrupted load resumes with its own window (12 months before it started).
  const since =
    options.since === undefined && stored?.status === 'running'
      ? stored.since
      : loadSince(options.since, now());
  const resume =
    stored !== undefined && stored.status === 'running' && stored.since === since ? stored : undefined;
  const empty: BillBackfillCounts = { scanned: 0, total: 0, queued: 0, alreadyLinked: 0, notApproved: 0 };
  const cursor: BillBackfillCursor = resume ?? {
    status: 'running',
    since,
    history: options.history === true,
    phase: 'recent',
    counts: { recent: { ...empty }, history: { ...empty } },
    startedAt: now().toISOString(),
  };
  cursor.history = cursor.history || options.history === true;
  const phases: BillBackfillPhase[] = cursor.history ? ['recent', 'history'] : ['recent'];
  for (const phase of phases.slice(phases.indexOf(cursor.phase))) {
    if (cursor.phase !== phase) {
      cursor.phase = phase;
      delete cursor.resumeAfter;
      delete cursor.readAtResume;
    }
    // A cursor stored before the counts grew fields gets them now.
    const counts = { ...empty, ...cursor.counts[phase] };
    cursor.counts[phase] = counts;
    const window =
      phase === 'recent'
        ? { modifiedAfter: cursor.resumeAfter ?? since }
        : {
            modifiedBefore: since,
            ...(cursor.resumeAfter === undefined ? {} : { modifiedAfter: cursor.resumeAfter }),
          };
    // The bills at the cursor's time already read come again (the filter is inclusive): skipped.
    const resumedAt = cursor.resumeAfter;
    const readBefore = new Set(resumedAt === undefined ? [] : (cursor.readAtResume ?? []));
    // Every bill of the window is read (the count cannot filter by status): n of m.
    const windowCount = await deps.procurify.countBills(window);
    counts.total = counts.scanned + Math.max(0, windowCount - readBefore.size);
    await deps.state.putConfig(billBackfillConfigName, cursor);
    options.onProgress?.({ phase, ...counts, done: false });
    const scan = deps.procurify.scanBills(window);
    let batch: BillMessage[] = [];
    let lastModified: string | undefined = resumedAt;
    // The uuids read with the time `lastModified` (carried over from the cursor while it is unchanged).
    let readAtLast = [...readBefore];
    const flush = async () => {
      if (batch.length > 0) await deps.bills.sendAll(batch);
      counts.queued += batch.length;
      batch = [];
      if (lastModified !== undefined) {
        cursor.resumeAfter = lastModified;
        cursor.readAtResume = [...readAtLast];
      }
      await deps.state.putConfig(billBackfillConfigName, cursor);
      options.onProgress?.({ phase, ...counts, done: false });
    };
    const enqueuedAt = now().toISOString();
    for await (const summary of scan) {
      const uuid = summary.uuid.toLowerCase();
      if (summary.lastModified === resumedAt && readBefore.has(uuid)) continue;
      counts.scanned += 1;
      // A bill changed during the read comes again: more read than counted.
      counts.total = Math.max(counts.total, counts.scanned);
      if (summary.lastModified !== lastModified) readAtLast = [];
      lastModified = summary.lastModified;
      readAtLast.push(uuid);
      if (!writableBillStatuses.has(summary.status)) {
        counts.notApproved += 1;
      } else if ((await deps.state.findBySource('procurify', 'bill', uuid)) !== undefined) {
        counts.alreadyLinked += 1;
      } else {
        batch.push({
          kind: 'bill',
          origin: 'backfill',
          billUuid: uuid,
          lastModified: summary.lastModified,
          enqueuedAt,
        });
      }
      if (batch.length >= batchSize || counts.scanned % batchSize === 0) await flush();
    }
    await flush();
    options.onProgress?.({ phase, ...counts, done: true });
  }
  cursor.status = 'done';
  cursor.finishedAt = now().toISOString();
  delete cursor.resumeAfter;
  delete cursor.readAtResume;
  await deps.state.putConfig(billBackfillConfigName, cursor);
  return cursor;
}
