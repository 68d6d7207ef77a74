// Unit tests of the NetSuite concurrency governor (shared/netsuite/governor.ts): never more permits
// than the share, first come first served, and the additive-increase / multiplicative-decrease cut.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConcurrencyGovernor, type GovernorPermit } from '../../shared/netsuite/governor.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ConcurrencyGovernor', () => {
  it('grants up to the limit at once and queues the rest in order', async () => {
    const governor = new ConcurrencyGovernor({ limit: 2 });
    const order: number[] = [];
    const permits: GovernorPermit[] = [];
    const pending = [0, 1, 2, 3, 4].map((n) =>
      governor.acquire().then((permit) => {
        order.push(n);
        permits.push(permit);
      }),
    );
    await tick();
    expect(order).toEqual([0, 1]);
    expect(governor.stats()).toMatchObject({ inFlight: 2, waiting: 3, maxInFlight: 2 });
    permits[0]!.release();
    permits[0]!.release(); // a second release must not free another slot
    await tick();
    expect(order).toEqual([0, 1, 2]);
    expect(governor.stats().inFlight).toBe(2);
    permits[1]!.release();
    permits[2]!.release();
    await tick();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    for (const permit of permits) permit.release();
    await Promise.all(pending);
    expect(governor.stats()).toMatchObject({ inFlight: 0, waiting: 0, maxInFlight: 2, granted: 5 });
  });

  it('never exceeds the limit under random task durations (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 40 }),
        async (limit, durations) => {
          const governor = new ConcurrencyGovernor({ limit, adaptive: false });
          let running = 0;
          let peak = 0;
          await Promise.all(
            durations.map((ticks) =>
              governor.run(async () => {
                running++;
                peak = Math.max(peak, running);
                for (let n = 0; n < ticks; n++) await tick();
                running--;
              }),
            ),
          );
          expect(peak).toBeLessThanOrEqual(limit);
          expect(peak).toBe(Math.min(limit, durations.length));
          expect(governor.stats().maxInFlight).toBe(peak);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('serves an urgent waiter (a token renewal) before the queue', async () => {
    const governor = new ConcurrencyGovernor({ limit: 1 });
    const holder = await governor.acquire();
    const order: string[] = [];
    const queued = [1, 2].map((n) =>
      governor.acquire().then((permit) => {
        order.push(`request ${n}`);
        permit.release();
      }),
    );
    const urgent = governor.acquire({ urgent: true }).then((permit) => {
      order.push('token');
      permit.release();
    });
    holder.release();
    await Promise.all([...queued, urgent]);
    expect(order).toEqual(['token', 'request 1', 'request 2']);
  });

  it('releases the permit when the task throws', async () => {
    const governor = new ConcurrencyGovernor({ limit: 1 });
    await expect(governor.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(governor.stats().inFlight).toBe(0);
  });

  it('halves the permitted concurrency once per burst of 429s and creeps back', async () => {
    const governor = new ConcurrencyGovernor({ limit: 8 });
    const burst = await Promise.all(Array.from({ length: 8 }, () => governor.acquire()));
    // Eight requests of the same generation are refused: one cut, not eight.
    for (const permit of burst) {
      governor.recordOverLimit(permit);
      permit.release();
    }
    expect(governor.stats()).toMatchObject({ permitted: 4, decreases: 1, overLimitSignals: 8 });

    const next = await governor.acquire();
    governor.recordOverLimit(next);
    next.release();
    expect(governor.stats().permitted).toBe(2);

    // permitted successes give one slot back each time: 2 → 3 after 2, → 4 after 3 more, ...
    for (let n = 0; n < 2; n++) governor.recordSuccess();
    expect(governor.stats().permitted).toBe(3);
    for (let n = 0; n < 3 + 4 + 5 + 6 + 7; n++) governor.recordSuccess();
    expect(governor.stats().permitted).toBe(8);
    for (let n = 0; n < 20; n++) governor.recordSuccess();
    expect(governor.stats().permitted).toBe(8);
  });

  it('holds waiters back while the permitted concurrency is cut, and lets them in as it recovers', async () => {
    const governor = new ConcurrencyGovernor({ limit: 4 });
    const first = await governor.acquire();
    governor.recordOverLimit(first); // 4 → 2
    governor.recordOverLimit(await governor.acquire()); // generation 1: 2 → 1
    expect(governor.stats()).toMatchObject({ permitted: 1, inFlight: 2 });
    let granted = false;
    const waiting = governor.acquire().then((permit) => {
      granted = true;
      return permit;
    });
    first.release();
    await tick();
    expect(granted).toBe(false); // one still in flight, only one permitted
    governor.recordSuccess(); // 1 success at permitted 1 → permitted 2: the waiter gets in
    await tick();
    expect(granted).toBe(true);
    (await waiting).release();
  });

  it('does not adapt when adaptive is off', async () => {
    const governor = new ConcurrencyGovernor({ limit: 4, adaptive: false });
    const permit = await governor.acquire();
    governor.recordOverLimit(permit);
    expect(governor.stats()).toMatchObject({ permitted: 4, overLimitSignals: 1, decreases: 0 });
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new ConcurrencyGovernor({ limit: 0 })).toThrow(RangeError);
    expect(() => new ConcurrencyGovernor({ limit: 1.5 })).toThrow(RangeError);
  });
});
