// The resumable loop of the initial load's later phases (payments in push mode, paid bills in pull
// mode): per window (`recent`: since the load's date; `history`: before it, on request) the records are
// read first (so the phase knows its size: "n of m"), then handled in batches; after each batch the
// cursor — the modification time of the last record handled, the counts — is kept in a configuration
// item of the state table, so an interrupted load resumes after the last batch it finished, and
// `apsync status` shows how far it got (initial-load.ts).
import type { BillBackfillPhase } from '../bills/backfill-bills.ts';
import type { ConfigStore } from '../state/ports.ts';

export type LoadPhase = BillBackfillPhase;

export interface LoadCursor<Counts> {
  status: 'running' | 'done';
  since: string;
  history: boolean;
  phase: LoadPhase;
  /** Modification time of the last record handled in this phase: the read resumes there. */
  resumeAfter?: string;
  /** The records handled that have exactly that time (the read is inclusive): not handled again. */
  handledAtResume?: string[];
  /** Records handled (n) of the records the phase read (m), per phase. */
  progress: Record<LoadPhase, { processed: number; total: number }>;
  counts: Counts;
  startedAt: string;
  finishedAt?: string;
}

export interface LoadProgress<Counts> {
  phase: LoadPhase;
  processed: number;
  total: number;
  counts: Counts;
  done: boolean;
}

export interface LoadSpec<Item, Counts> {
  /** The configuration item holding the cursor. */
  name: string;
  /** ISO start of the `recent` window. */
  since: string;
  history: boolean;
  emptyCounts(): Counts;
  /** The records of a window, oldest change first (both bounds inclusive). */
  read(window: { after?: string; before?: string }): AsyncIterable<Item>;
  timeOf(item: Item): string;
  keyOf(item: Item): string;
  batchSize: number;
  /** Handles one batch, adding to the counts. */
  handle(batch: Item[], counts: Counts): Promise<void>;
  onProgress?: (progress: LoadProgress<Counts>) => void;
}

export async function runLoad<Item, Counts>(
  deps: { state: ConfigStore; now?: () => Date },
  spec: LoadSpec<Item, Counts>,
): Promise<LoadCursor<Counts>> {
  const now = deps.now ?? (() => new Date());
  const stored = await deps.state.getConfig<LoadCursor<Counts>>(spec.name);
  const resume =
    stored !== undefined && stored.status === 'running' && stored.since === spec.since ? stored : undefined;
  const cursor: LoadCursor<Counts> = resume ?? {
    status: 'running',
    since: spec.since,
    history: spec.history,
    phase: 'recent',
    progress: { recent: { processed: 0, total: 0 }, history: { processed: 0, total: 0 } },
    counts: spec.emptyCounts(),
    startedAt: now().toISOString(),
  };
  cursor.history = cursor.history || spec.history;
  await deps.state.putConfig(spec.name, cursor);
  const phases: LoadPhase[] = cursor.history ? ['recent', 'history'] : ['recent'];
  for (const phase of phases.slice(Math.max(0, phases.indexOf(cursor.phase)))) {
    if (cursor.phase !== phase) {
      cursor.phase = phase;
      delete cursor.resumeAfter;
      delete cursor.handledAtResume;
    }
    const progress = cursor.progress[phase];
    const window =
      phase === 'recent'
        ? { after: cursor.resumeAfter ?? spec.since }
        : {
            before: spec.since,
            ...(cursor.resumeAfter === undefined ? {} : { after: cursor.resumeAfter }),
          };
    // A record changed during the read may come twice: handled once (and not again after a resume).
    const seen = new Set(cursor.handledAtResume ?? []);
    const unique: Item[] = [];
    for await (const item of spec.read(window)) {
      const key = spec.keyOf(item);
      if (seen.has(key)) continue;
      seen.add(key);
      unique.push(item);
    }
    unique.sort((a, b) => (spec.timeOf(a) < spec.timeOf(b) ? -1 : spec.timeOf(a) > spec.timeOf(b) ? 1 : 0));
    progress.total = progress.processed + unique.length;
    spec.onProgress?.({ phase, ...progress, counts: cursor.counts, done: false });
    for (let start = 0; start < unique.length; start += spec.batchSize) {
      const batch = unique.slice(start, start + spec.batchSize);
      await spec.handle(batch, cursor.counts);
      progress.processed += batch.length;
      const last = spec.timeOf(batch.at(-1)!);
      const atLast = batch.filter((item) => spec.timeOf(item) === last).map(spec.keyOf);
      cursor.handledAtResume =
        cursor.resumeAfter === last ? [...(cursor.handledAtResume ?? []), ...atLast] : atLast;
      cursor.resumeAfter = last;
      await deps.state.putConfig(spec.name, cursor);
      spec.onProgress?.({ phase, ...progress, counts: cursor.counts, done: false });
    }
    spec.onProgress?.({ phase, ...progress, counts: cursor.counts, done: true });
  }
  cursor.status = 'done';
  cursor.finishedAt = now().toISOString();
  delete cursor.resumeAfter;
  delete cursor.handledAtResume;
  await deps.state.putConfig(spec.name, cursor);
  return cursor;
}
