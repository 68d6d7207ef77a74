// batchLanes (shared/worker/batch-lanes.ts): at most `limit` records at once, records of one key one
// after another in arrival order, a failed record neither blocks nor fails the next of its key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchLanes } from '../../shared/worker/batch-lanes.ts';

/** A promise settled from outside, to hold a record's work open. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('batchLanes', () => {
  it('runs at most the limit at once, starting the next as one ends', async () => {
    const lanes = batchLanes(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = gates.map((gate, index) =>
      lanes.run(`bill-${index}`, async () => {
        started.push(index);
        await gate.promise;
        return index;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(results)).toEqual([0, 1, 2]);
  });

  it('runs records of one key one after another, a failure not stopping the next', async () => {
    const lanes = batchLanes(5);
    const first = deferred();
    const events: string[] = [];
    const a = lanes.run('bill-a', async () => {
      events.push('a1 start');
      await first.promise;
      events.push('a1 end');
    });
    const b = lanes.run('bill-b', async () => {
      events.push('b start');
    });
    const a2 = lanes.run('bill-a', async () => {
      events.push('a2 start');
    });
    await flush();
    expect(events).toEqual(['a1 start', 'b start']);
    first.reject(new Error('NetSuite is down'));
    await expect(a).rejects.toThrow('NetSuite is down');
    await a2;
    await b;
    expect(events).toEqual(['a1 start', 'b start', 'a2 start']);
  });

  it('never exceeds the limit nor overlaps two records of one key, in any mix', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 12,
        }),
        async (limit, records) => {
          const lanes = batchLanes(limit);
          let running = 0;
          let most = 0;
          const busy = new Set<string>();
          const order = new Map<string, number[]>();
          await Promise.all(
            records.map(([key, ticks], index) =>
              lanes.run(key, async () => {
                expect(busy.has(key)).toBe(false);
                busy.add(key);
                running += 1;
                most = Math.max(most, running);
                order.set(key, [...(order.get(key) ?? []), index]);
                for (let tick = 0; tick < ticks; tick++) await flush();
                running -= 1;
                busy.delete(key);
              }),
            ),
          );
          expect(most).toBeLessThanOrEqual(limit);
          for (const indexes of order.values()) expect(indexes).toEqual([...indexes].sort((x, y) => x - y));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a limit below one', () => {
    expect(() => batchLanes(0)).toThrow('batch lanes need a limit of 1 or more, got 0');
  });
});
