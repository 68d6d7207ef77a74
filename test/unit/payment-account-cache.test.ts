// The payment-account cache: one SuiteQL read per GL code while the answer is usable, none kept when
// the mapping is missing (so a fix in NetSuite is seen at once), and a fresh read after it expires; a
// Number being read is not read a second time (the payment-push worker reads its batch's ahead), and
// the Numbers of a failed shared read are read again in one query.
import { describe, expect, it } from 'vitest';
import type { SuiteQl } from '../../shared/netsuite/index.ts';
import { PaymentAccountCache } from '../../shared/payments/netsuite-payment-facts.ts';

/** A SuiteQL answering from a table of account rows, counting its queries (pure: no I/O to stand in for). */
function accountTable(rows: Array<Record<string, string>>) {
  let queries = 0;
  const suiteQl: SuiteQl = {
    query: (_sql, params, schema) =>
      (async function* () {
        queries++;
        for (const row of rows.filter((r) => params.includes(r.acctnumber ?? ''))) yield schema.parse(row);
      })(),
    windowed: () => {
      throw new Error('not used');
    },
  };
  return { suiteQl, queries: () => queries, rows };
}

describe('PaymentAccountCache', () => {
  it('reads a usable account once while it is fresh, then again after it expires', async () => {
    let now = 0;
    const cache = new PaymentAccountCache(1000, () => now);
    const table = accountTable([{ id: '5', acctnumber: '1000', accttype: 'Bank', isinactive: 'F' }]);
    expect((await cache.accountsByNumber(table.suiteQl, '1000')).map((a) => a.id)).toEqual(['5']);
    await cache.accountsByNumber(table.suiteQl, ' 1000 ');
    expect(table.queries()).toBe(1);
    now = 1500;
    await cache.accountsByNumber(table.suiteQl, '1000');
    expect(table.queries()).toBe(2);
  });

  it('does not keep an answer without a usable account, so a fix is seen at once', async () => {
    const cache = new PaymentAccountCache();
    const table = accountTable([{ id: '6', acctnumber: '9000', accttype: 'Bank', isinactive: 'T' }]);
    expect(await cache.accountsByNumber(table.suiteQl, '9000')).toHaveLength(1);
    table.rows[0]!.isinactive = 'F';
    const accounts = await cache.accountsByNumber(table.suiteQl, '9000');
    expect(accounts[0]?.inactive).toBe(false);
    expect(table.queries()).toBe(2);
  });

  it('does not read a Number again while it is being read, and reads it again when that read failed', async () => {
    const cache = new PaymentAccountCache();
    const table = accountTable([
      { id: '5', acctnumber: '1000', accttype: 'Bank', isinactive: 'F' },
      { id: '6', acctnumber: '9000', accttype: 'Bank', isinactive: 'T' },
    ]);
    const [ahead, later, other] = await Promise.all([
      cache.accountsByNumbers(table.suiteQl, ['1000', '9000']),
      cache.accountsByNumbers(table.suiteQl, ['9000', ' 1000']),
      cache.accountsByNumbers(table.suiteQl, ['2000', '9000']),
    ]);
    // The later callers get the first one's answers (the one not kept, inactive, too) and read only 2000.
    expect(table.queries()).toBe(2);
    const ids = (found: Map<string, Array<{ id: string }>>) =>
      [...found].map(([number, accounts]) => [number, accounts.map((a) => a.id)]);
    expect(ids(ahead)).toEqual([
      ['1000', ['5']],
      ['9000', ['6']],
    ]);
    expect(ids(later)).toEqual([
      ['9000', ['6']],
      ['1000', ['5']],
    ]);
    expect(ids(other)).toEqual([
      ['2000', []],
      ['9000', ['6']],
    ]);

    // A read under way fails: the caller that started it gets the error; one that waited for it reads
    // the Numbers of that read again, together in one query.
    const fresh = new PaymentAccountCache();
    let failing = true;
    let attempts = 0;
    const flaky: SuiteQl = {
      ...table.suiteQl,
      query: (sql, params, schema) => {
        attempts++;
        if (!failing) return table.suiteQl.query(sql, params, schema);
        failing = false;
        return (async function* () {
          yield* [];
          throw new Error('NetSuite is down');
        })();
      },
    };
    const before = table.queries();
    const [failed, retried] = await Promise.allSettled([
      fresh.accountsByNumbers(flaky, ['1000', '9000']),
      fresh.accountsByNumbers(flaky, ['9000', '1000']),
    ]);
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'NetSuite is down' } });
    expect(retried.status).toBe('fulfilled');
    if (retried.status === 'fulfilled') {
      expect(ids(retried.value).sort()).toEqual([
        ['1000', ['5']],
        ['9000', ['6']],
      ]);
    }
    expect(attempts).toBe(2);
    expect(table.queries() - before).toBe(1);

    // Two callers waited for the read that failed: the first reads its Numbers again, the second waits
    // for that read instead of a query of its own.
    const third = new PaymentAccountCache();
    failing = true;
    attempts = 0;
    const [first, second, waiting] = await Promise.allSettled([
      third.accountsByNumbers(flaky, ['1000', '9000']),
      third.accountsByNumbers(flaky, ['1000', '9000']),
      third.accountsByNumbers(flaky, ['9000', '1000']),
    ]);
    expect(first.status).toBe('rejected');
    for (const settled of [second, waiting]) {
      expect(settled.status).toBe('fulfilled');
      if (settled.status === 'fulfilled') {
        expect(ids(settled.value).sort()).toEqual([
          ['1000', ['5']],
          ['9000', ['6']],
        ]);
      }
    }
    expect(attempts).toBe(2);
  });
});
