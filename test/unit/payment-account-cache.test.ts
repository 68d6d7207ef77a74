// The payment-account cache: one SuiteQL read per GL code while the answer is usable, none kept when
// the mapping is missing (so a fix in NetSuite is seen at once), and a fresh read after it expires.
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
        for (const row of rows.filter((r) => r.acctnumber === params[0])) yield schema.parse(row);
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
});
