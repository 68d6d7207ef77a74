// The resumable loop of the initial load's later phases (payments in push mode, paid bills in pull
// mode): per window (`recent`: since the load's date; `history`: before it, on request) the records are
// read first (so the phase knows its size: "n of m"), then handled in batches; after each batch the
// cursor — the modification time of the last record handled, the counts — is kept in a configuration
// item of the state table, so an interrupted load resumes after the last batch it finished, and
// `apsync status` shows how far it got (initial-load.ts).

import type { ApBillSummary } from '../ap/bill.ts';
import type { BillBackfillPhase } from '../bills/backfill-bills.ts';
import { DataError } from '../errors.ts';
import { type PaymentMode, readPaymentMode } from '../payment-mode.ts';
import type { ProcurifyBills } from '../procurify/ports.ts';
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

/**
 * A phase of the load that runs in one payment mode only (payments: push; paid bills: pull): in the
 * other mode it is refused, and the reason says what to use instead.
 */
async function requirePaymentMode(
  state: ConfigStore,
  defaultMode: PaymentMode,
  needed: PaymentMode,
): Promise<void> {
  if ((await readPaymentMode(state, defaultMode)).mode === needed) return;
  throw new DataError(wrongModeRefusals[needed], {
    source: 'apsync',
    code: needed === 'push' ? 'MODE_PULL' : 'MODE_PUSH',
  });
}

/** What the operator is told when a phase needing this mode runs in the other one. */
const wrongModeRefusals: Record<PaymentMode, string> = {
  push:
    '--payments is for push mode (Procurify payments become NetSuite Vendor Payments); the payment mode is pull: ' +
    'bills paid in NetSuite before go-live are marked paid with --mark-paid instead',
  pull:
    '--mark-paid is for pull mode (bills paid in NetSuite are marked paid in Procurify); the payment mode is push: ' +
    'payments of the loaded bills are pushed with --payments instead',
};

/** The window and pace of a load phase as the command asks for it. */
export interface LoadOptions<Counts> {
  /** ISO start of the load's recent window (backfill-bills.ts loadSince). */
  since: string;
  /** Then also the records before it. */
  history?: boolean;
  batchSize?: number;
  onProgress?: (progress: LoadProgress<Counts>) => void;
}

/** Problems (records that cannot be written, with why) kept in a cursor. */
const problemLimit = 200;

/**
 * What a listing phase keeps in its cursor beside the counts: whether it writes (the operator asked)
 * and the lists it shows (records listed, problems), kept short (the cursor is one state-table item,
 * which DynamoDB keeps under 400 KB).
 */
export type Listing = { writes: boolean } & Record<string, unknown[] | boolean>;

/**
 * runLoad for a phase that lists (or, when asked, writes): the listing travels in the cursor, so an
 * interrupted run resumes with what it had listed; a listing run and a writing run are different loads
 * (switching starts over: what the writing run wrote is linked by then and not read again).
 */
export async function runListingLoad<Item, Counts, Extra extends Listing>(
  deps: { state: ConfigStore; defaultMode: PaymentMode; now?: () => Date },
  options: LoadOptions<Counts>,
  spec: Omit<LoadSpec<Item, Counts>, 'since' | 'history' | 'batchSize' | 'onProgress'> & {
    /** The payment mode the phase runs in (refused in the other one). */
    mode: PaymentMode;
    defaultBatchSize: number;
  },
  extra: Extra,
): Promise<LoadCursor<Counts> & Extra> {
  await requirePaymentMode(deps.state, deps.defaultMode, spec.mode);
  const stored = await deps.state.getConfig<LoadCursor<Counts> & Extra>(spec.name);
  if (stored?.status === 'running' && stored.writes === extra.writes && stored.since === options.since) {
    for (const [key, value] of Object.entries(extra)) {
      if (Array.isArray(value)) Object.assign(extra, { [key]: stored[key] ?? [] });
    }
  } else if (stored?.status === 'running') {
    await deps.state.putConfig(spec.name, { ...stored, status: 'done' });
  }
  const state: ConfigStore = {
    getConfig: deps.state.getConfig.bind(deps.state),
    putConfig: (name, value) => deps.state.putConfig(name, { ...(value as LoadCursor<Counts>), ...extra }),
  };
  const cursor = await runLoad(
    { state, now: deps.now },
    {
      ...spec,
      since: options.since,
      history: options.history === true,
      batchSize: options.batchSize ?? spec.defaultBatchSize,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    },
  );
  return { ...cursor, ...extra };
}

/** What every listing phase counts, beside its own counts. */
export interface ListingCounts {
  /** Records read in the window. */
  read: number;
  /** To be written but not written (the operator did not ask): listed with what would be written. */
  listed: number;
  /** Written at the operator's request but refused or failed (the problems say why). */
  failed: number;
}

/**
 * A listing phase of the load declared once: its cursor (configuration item, its own counts beside
 * ListingCounts), how it reads and handles its records, the payment mode it runs in, and what it lists for
 * the options given (whether the operator asked it to write, its empty lists). Gives the phase's run
 * (runListingLoad), which counts the records read.
 */
export function listingPhase<
  Deps extends { state: ConfigStore; defaultMode: PaymentMode; now?: () => Date },
  Options extends LoadOptions<Counts>,
  Item,
  Counts extends ListingCounts,
  Extra extends Listing,
>(
  phase: Pick<LoadSpec<Item, Counts>, 'name' | 'timeOf' | 'keyOf'> & {
    /** The phase's own counts, at zero. */
    counts: Omit<Counts, keyof ListingCounts>;
    mode: PaymentMode;
    defaultBatchSize: number;
    listing(options: Options): Extra;
    read(deps: Deps, window: { after?: string; before?: string }): AsyncIterable<Item>;
    handle(deps: Deps, options: Options, batch: Item[], counts: Counts, extra: Extra): Promise<void>;
  },
): (deps: Deps, options: Options) => Promise<LoadCursor<Counts> & Extra> {
  const { counts: ownCounts, listing, read, handle, ...spec } = phase;
  return (deps, options) => {
    const extra = listing(options);
    return runListingLoad(
      deps,
      options,
      {
        ...spec,
        emptyCounts: () => ({ read: 0, ...ownCounts, listed: 0, failed: 0 }) as Counts,
        read: (window) => read(deps, window),
        handle: (batch, counts) => {
          counts.read += batch.length;
          return handle(deps, options, batch, counts, extra);
        },
      },
      extra,
    );
  };
}

/**
 * Adds to a listing up to its limit (the counts count them all: the cursor is one state-table item,
 * which DynamoDB keeps under 400 KB); a reason is cut to 500 characters.
 */
export function keepListed<T>(list: T[], item: T, limit = problemLimit): void {
  if (list.length >= limit) return;
  const reason = (item as { reason?: unknown }).reason;
  list.push(typeof reason === 'string' ? { ...item, reason: reason.slice(0, 500) } : item);
}

/** The Procurify bills of a load window in the given statuses (the window's bounds inclusive). */
export function billsOfWindow(
  procurify: Pick<ProcurifyBills, 'scanBills'>,
  status: number[],
  window: { after?: string; before?: string },
): AsyncIterable<ApBillSummary> {
  return procurify.scanBills({
    status,
    ...(window.after === undefined ? {} : { modifiedAfter: window.after }),
    ...(window.before === undefined ? {} : { modifiedBefore: window.before }),
  });
}
