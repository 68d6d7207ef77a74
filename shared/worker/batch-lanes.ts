// Runs the records of one queue batch side by side, at most `limit` at once, and those that share a key
// (two messages of one bill) one after another in arrival order, so they never race for the record's
// lease. One instance per invocation (queue-worker.ts); each record's outcome stays its own.

export interface BatchLanes {
  run<R>(key: string | undefined, work: () => Promise<R>): Promise<R>;
}

export function batchLanes(limit: number): BatchLanes {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`batch lanes need a limit of 1 or more, got ${limit}`);
  let running = 0;
  const waiting: Array<() => void> = [];
  /** The last record queued under each key: the next one of that key starts after it settles. */
  const tails = new Map<string, Promise<unknown>>();

  const slot = async <R>(work: () => Promise<R>): Promise<R> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiting record, or is freed.
      const next = waiting.shift();
      if (next === undefined) running -= 1;
      else next();
    }
  };

  return {
    run: (key, work) => {
      if (key === undefined) return slot(work);
      const previous = tails.get(key);
      const result =
        previous === undefined
          ? slot(work)
          : previous.then(
              () => slot(work),
              () => slot(work),
            );
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
