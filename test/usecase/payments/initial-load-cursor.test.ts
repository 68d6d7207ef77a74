// The initial load's resumable loop (shared/payments/load-cursor.ts) and its status line
// (shared/payments/initial-load.ts) over the in-memory state store: each window read once, handled in
// batches, the cursor kept after each; an interrupted load resumes after the last batch it finished and
// never handles a record twice (also records sharing the cursor's modification time); history only on
// request; "running (phase, n of m)" then "done at".
import { beforeEach, describe, expect, it } from 'vitest';
import { billBackfillConfigName } from '../../../shared/bills/backfill-bills.ts';
import { initialLoadLine, readInitialLoad } from '../../../shared/payments/initial-load.ts';
import { type LoadCursor, runLoad } from '../../../shared/payments/load-cursor.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

interface Item {
  id: string;
  at: string;
}

let clock: ManualClock;
let state: InMemoryStateStore;
const since = '2026-06-01T00:00:00.000Z';
const name = 'payment-backfill';

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
});

/** Records in a window, as a Procurify scan gives them (both bounds inclusive, oldest first). */
function source(items: Item[]) {
  const reads: Array<{ after?: string; before?: string }> = [];
  return {
    reads,
    read: async function* (window: { after?: string; before?: string }) {
      reads.push(window);
      for (const item of [...items].sort((a, b) => a.at.localeCompare(b.at))) {
        if (window.after !== undefined && item.at < window.after) continue;
        if (window.before !== undefined && item.at > window.before) continue;
        yield item;
      }
    },
  };
}

function load(
  items: Item[],
  options: { history?: boolean; failOn?: string; handled?: string[]; progress?: unknown[] } = {},
) {
  const { read, reads } = source(items);
  const run = runLoad<Item, { handled: number }>(
    { state, now: clock.now },
    {
      name,
      since,
      history: options.history === true,
      emptyCounts: () => ({ handled: 0 }),
      read,
      timeOf: (item) => item.at,
      keyOf: (item) => item.id,
      batchSize: 2,
      handle: async (batch, counts) => {
        for (const item of batch) {
          if (item.id === options.failOn) throw new Error(`cannot handle ${item.id}`);
        }
        options.handled?.push(...batch.map((item) => item.id));
        counts.handled += batch.length;
      },
      onProgress: (progress) => options.progress?.push(progress),
    },
  );
  return { run, reads };
}

const at = (minute: number) => `2026-07-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

describe('runLoad', () => {
  it('reads the recent window once, handles it in batches and records n of m, then done', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => ({ id: `p${n}`, at: at(n) }));
    const handled: string[] = [];
    const progress: unknown[] = [];
    const { run, reads } = load([...items, { id: 'old', at: '2026-01-01T00:00:00.000Z' }], {
      handled,
      progress,
    });
    const cursor = await run;
    expect(reads).toEqual([{ after: since }]);
    expect(handled).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(cursor).toMatchObject({
      status: 'done',
      phase: 'recent',
      progress: { recent: { processed: 5, total: 5 }, history: { processed: 0, total: 0 } },
      counts: { handled: 5 },
      finishedAt: clock.iso(),
    });
    expect(cursor.resumeAfter).toBeUndefined();
    expect(progress.at(-1)).toMatchObject({ phase: 'recent', processed: 5, total: 5, done: true });
    expect(await state.getConfig(name)).toEqual(cursor);
  });

  it('resumes after the last batch it finished, never handling a record twice, even at the same time', async () => {
    // p2 and p3 share a modification time: the cursor stops between them (batches of two).
    const items = [
      { id: 'p1', at: at(1) },
      { id: 'p2', at: at(2) },
      { id: 'p3', at: at(2) },
      { id: 'p4', at: at(4) },
      { id: 'p5', at: at(5) },
    ];
    const handled: string[] = [];
    await expect(load(items, { failOn: 'p3', handled }).run).rejects.toThrow('cannot handle p3');
    const stopped = await state.getConfig<LoadCursor<{ handled: number }>>(name);
    expect(stopped).toMatchObject({
      status: 'running',
      resumeAfter: at(2),
      handledAtResume: ['p2'],
      progress: { recent: { processed: 2, total: 5 } },
    });
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      'initial load: running (payments (recent), 2 of 5)',
    );

    const { run, reads } = load(items, { handled });
    const cursor = await run;
    expect(reads).toEqual([{ after: at(2) }]);
    expect(handled).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(cursor).toMatchObject({
      status: 'done',
      counts: { handled: 5 },
      progress: { recent: { processed: 5, total: 5 } },
    });
    expect(cursor.handledAtResume).toBeUndefined();
  });

  it('goes back in history only on request, then resumes that phase where it stopped', async () => {
    const items = [
      { id: 'new', at: at(1) },
      { id: 'h1', at: '2026-01-01T00:00:00.000Z' },
      { id: 'h2', at: '2026-02-01T00:00:00.000Z' },
      { id: 'h3', at: '2026-03-01T00:00:00.000Z' },
    ];
    const handled: string[] = [];
    await expect(load(items, { history: true, failOn: 'h3', handled }).run).rejects.toThrow();
    expect(await state.getConfig(name)).toMatchObject({ phase: 'history', resumeAfter: items[2]!.at });
    const { run, reads } = load(items, { history: true, handled });
    expect(await run).toMatchObject({
      status: 'done',
      phase: 'history',
      progress: { recent: { processed: 1, total: 1 }, history: { processed: 3, total: 3 } },
    });
    expect(reads).toEqual([{ before: since, after: items[2]!.at }]);
    expect(handled).toEqual(['new', 'h1', 'h2', 'h3']);
  });

  it('starts over once done, or for another window', async () => {
    const items = [{ id: 'p1', at: at(1) }];
    await load(items).run;
    const again = load(items);
    expect(await again.run).toMatchObject({ counts: { handled: 1 } });
    expect(again.reads).toEqual([{ after: since }]);
  });
});

describe('readInitialLoad', () => {
  it('says never, then the bill phase read and queued, then done at the last phase’s end', async () => {
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      'initial load: never run (apsync backfill --bills)',
    );
    await state.putConfig(billBackfillConfigName, {
      status: 'running',
      since,
      history: false,
      phase: 'recent',
      counts: {
        recent: { scanned: 120, queued: 100, alreadyLinked: 20 },
        history: { scanned: 0, queued: 0, alreadyLinked: 0 },
      },
      startedAt: clock.iso(),
    });
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      'initial load: running (bills (recent), 120 read: 100 queued, 20 already linked)',
    );
    await state.putConfig(billBackfillConfigName, {
      ...(await state.getConfig<object>(billBackfillConfigName)),
      status: 'done',
      finishedAt: '2026-07-01T10:00:00.000Z',
    });
    await load([{ id: 'p1', at: at(1) }]).run;
    expect(await readInitialLoad(state)).toMatchObject({
      state: 'done',
      phase: 'payments (recent)',
      finishedAt: clock.iso(),
    });
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      `initial load: done at ${clock.iso()} (last phase: payments (recent))`,
    );
  });
});
