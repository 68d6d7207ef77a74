// The initial load's cursor (shared/payments/load-cursor.ts) over the in-memory state store: records read
// out of order are handled oldest first (ties in the order read), with the machine's clock when none is
// given; a cursor stored without the records handled at its resume time (stored before that field
// existed) resumes by handling every record of its resume time again (none is known handled); a listing keeps at most its limit and cuts reasons.
import { describe, expect, it } from 'vitest';
import { keepListed, type LoadCursor, runLoad } from '../../../shared/payments/load-cursor.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

interface Item {
  id: string;
  at: string;
}
const since = '2026-06-01T00:00:00.000Z';
const at = (minute: number) => `2026-07-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

function load(state: InMemoryStateStore, items: Item[], handled: string[]) {
  return runLoad<Item, { handled: number }>(
    { state },
    {
      name: 'payment-backfill',
      since,
      history: false,
      emptyCounts: () => ({ handled: 0 }),
      read: async function* (window: { after?: string }) {
        for (const item of items) if (window.after === undefined || item.at >= window.after) yield item;
      },
      timeOf: (item) => item.at,
      keyOf: (item) => item.id,
      batchSize: 2,
      handle: async (batch, counts) => {
        handled.push(...batch.map((item) => item.id));
        counts.handled += batch.length;
      },
    },
  );
}

describe('runLoad order and resume', () => {
  it('handles records read out of order oldest first, ties as read, stamped by the machine clock', async () => {
    const state = new InMemoryStateStore();
    const handled: string[] = [];
    const before = Date.now();
    const cursor = await load(
      state,
      [
        { id: 'c', at: at(3) },
        { id: 'a', at: at(1) },
        { id: 'b2', at: at(2) },
        { id: 'b1', at: at(2) },
      ],
      handled,
    );
    expect(handled).toEqual(['a', 'b2', 'b1', 'c']);
    expect(cursor).toMatchObject({
      status: 'done',
      counts: { handled: 4 },
      progress: { recent: { processed: 4, total: 4 } },
    });
    expect(Date.parse(cursor.startedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(cursor.finishedAt!)).toBeLessThanOrEqual(Date.now());
  });

  it('resumes a cursor stored without the records handled at its resume time by reading all of that time again', async () => {
    const state = new InMemoryStateStore();
    const stored: LoadCursor<{ handled: number }> = {
      status: 'running',
      since,
      history: false,
      phase: 'recent',
      resumeAfter: at(1),
      progress: { recent: { processed: 1, total: 4 }, history: { processed: 0, total: 0 } },
      counts: { handled: 1 },
      startedAt: since,
    };
    await state.putConfig('payment-backfill', stored);
    const handled: string[] = [];
    const cursor = await load(
      state,
      [
        { id: 'x', at: at(1) },
        { id: 'y', at: at(1) },
        { id: 'z', at: at(2) },
      ],
      handled,
    );
    // Without the list, every record at the resume time is read again; the cursor then keeps them all.
    expect(handled).toEqual(['x', 'y', 'z']);
    expect(cursor).toMatchObject({
      counts: { handled: 4 },
      progress: { recent: { processed: 4, total: 4 } },
    });
  });
});

describe('keepListed', () => {
  it('keeps at most its limit and cuts a reason to 500 characters', () => {
    const list: Array<{ id: string; reason?: string }> = [];
    keepListed(list, { id: '1', reason: 'r'.repeat(600) }, 2);
    keepListed(list, { id: '2' }, 2);
    keepListed(list, { id: '3', reason: 'over the limit' }, 2);
    expect(list.map((item) => [item.id, item.reason?.length])).toEqual([
      ['1', 500],
      ['2', undefined],
    ]);
  });
});
