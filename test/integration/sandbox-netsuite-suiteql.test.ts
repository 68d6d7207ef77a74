// Conformance of the NetSuite sandbox's SuiteQL endpoint with NetSuite's: paging
// rules, the Prefer header, the answer envelope, string values, omitted nulls, Oracle date functions,
// BUILTIN.DF, bound params, the tables apsync reads and NetSuite's error texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAccess } from '../../infra/sandboxes/netsuite/access.ts';
import {
  type DemoSummary,
  type NetSuiteSandbox,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { refusedOnPurpose } from '../support/contracts/policy.ts';

let sandbox: NetSuiteSandbox;
let access: SandboxAccess;
let demo: DemoSummary;
const BULK = 2500;

async function problem(response: Response): Promise<{ status: number; code: string; detail: string }> {
  expect(response.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=error');
  const body = (await response.json()) as { 'o:errorDetails': Array<Record<string, string>> };
  const first = body['o:errorDetails'][0]!;
  return { status: response.status, code: first['o:errorCode']!, detail: first.detail! };
}

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox();
  access = new SandboxAccess(sandbox);
  demo = sandbox.seedDemo({ today: '2026-06-30' });
  sandbox.bulkBills(BULK, { endDate: '2026-06-30', firstModified: new Date('2026-01-01T00:00:00Z') });
});

afterAll(async () => {
  await sandbox.close();
});

describe('request rules', () => {
  it('requires Prefer: transient', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'POST /services/rest/query/v1/suiteql',
      reason: 'a query without Prefer: transient is sent to see it refused',
    });
    const refused = await access.suiteql('SELECT id FROM vendor', undefined, {}, {});
    expect(refused.status).toBe(400);
    expect(
      (await access.suiteql('SELECT id FROM vendor', undefined, {}, { prefer: 'respond-async' })).status,
    ).toBe(400);
    expect(
      (await access.suiteql('SELECT id FROM vendor', undefined, {}, { prefer: 'transient' })).status,
    ).toBe(200);
  });

  it('takes limit 1..1000 (default 1000) and an offset that is a multiple of limit', async () => {
    const all = await access.rows("SELECT id FROM transaction WHERE type = 'VendBill'");
    expect(all.count).toBe(1000);
    for (const page of [{ limit: 0 }, { limit: 1001 }, { limit: 10, offset: 15 }, { limit: 7, offset: 10 }]) {
      const refused = await problem(await access.suiteql('SELECT id FROM vendor', undefined, page));
      expect(refused).toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
    }
  });

  it('reaches at most 100,000 rows per query (offset + limit)', async () => {
    expect(
      (await access.suiteql('SELECT id FROM vendor', undefined, { limit: 1000, offset: 99_000 })).status,
    ).toBe(200);
    expect(
      (await access.suiteql('SELECT id FROM vendor', undefined, { limit: 500, offset: 99_500 })).status,
    ).toBe(200);
    const beyond = await problem(
      await access.suiteql('SELECT id FROM vendor', undefined, { limit: 1000, offset: 100_000 }),
    );
    expect(beyond).toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
    const straddling = await problem(
      await access.suiteql('SELECT id FROM vendor', undefined, { limit: 800, offset: 99_200 + 800 }),
    );
    expect(straddling.code).toBe('INVALID_PARAMETER');
  });

  it('refuses WITH, unknown columns and unknown tables with NetSuite texts', async () => {
    const withClause = await problem(
      await access.suiteql('WITH x AS (SELECT id FROM vendor) SELECT id FROM x'),
    );
    expect(withClause).toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
    const column = await problem(await access.suiteql('SELECT t.nosuchcolumn FROM transaction t'));
    expect(column.code).toBe('INVALID_PARAMETER');
    expect(column.detail).toMatch(/Unknown identifier 't\.nosuchcolumn'/);
    const table = await problem(await access.suiteql('SELECT id FROM customrecord_nothing'));
    expect(table.detail).toMatch(/Record 'customrecord_nothing' was not found/);
    const syntax = await problem(await access.suiteql('SELECT FROM WHERE'));
    expect(syntax.code).toBe('INVALID_PARAMETER');
    const two = await problem(await access.suiteql('SELECT id FROM vendor; SELECT id FROM account'));
    expect(two.code).toBe('INVALID_PARAMETER');
  });
});

describe('answer shape', () => {
  it('pages in the collection envelope with next/last/previous/first/self links', async () => {
    const q = "SELECT id FROM transaction WHERE type = 'VendBill' ORDER BY id";
    const first = await access.rows(q, undefined, { limit: 1000 });
    const total = demo.bills.length + BULK;
    expect(first).toMatchObject({ count: 1000, hasMore: true, offset: 0, totalResults: total });
    expect(first.links.map((link) => link.rel)).toEqual(['next', 'last', 'self']);
    expect(first.links.find((link) => link.rel === 'next')!.href).toBe(
      `${sandbox.url}/services/rest/query/v1/suiteql?limit=1000&offset=1000`,
    );
    expect(first.links.find((link) => link.rel === 'last')!.href).toMatch(/offset=2000$/);
    const middle = await access.rows(q, undefined, { limit: 1000, offset: 1000 });
    expect(middle.links.map((link) => link.rel)).toEqual(['previous', 'first', 'next', 'last', 'self']);
    const last = await access.rows(q, undefined, { limit: 1000, offset: 2000 });
    expect(last).toMatchObject({ count: total - 2000, hasMore: false });
    const ids = [...first.items, ...middle.items, ...last.items].map((row) => row.id);
    expect(new Set(ids).size).toBe(total);
    expect(first.items[0]!.links).toEqual([]);
  });

  it('returns every value as a string, lower-case names, and leaves null columns out', async () => {
    const rows = await access.rows(
      'SELECT ID, TranId AS "TRANID", foreigntotal, exchangerate, memo, NULL AS nothing, 1.5 AS ratio, 0.73 AS small FROM transaction WHERE type = \'VendBill\' AND memo IS NULL ORDER BY id',
      undefined,
      { limit: 1 },
    );
    const row = rows.items[0]!;
    expect(Object.keys(row).sort()).toEqual([
      'exchangerate',
      'foreigntotal',
      'id',
      'links',
      'ratio',
      'small',
      'tranid',
    ]);
    for (const [name, value] of Object.entries(row))
      if (name !== 'links') expect(typeof value).toBe('string');
    expect(Number(row.foreigntotal)).toBeLessThan(0);
    // Oracle prints fractions without the leading zero.
    expect(row.small).toBe('.73');
    expect(row.ratio).toBe('1.5');
  });

  it("shows booleans as 'T'/'F' (custom checkboxes too)", async () => {
    const rows = await access.rows(`SELECT isinactive, ${demo.syncFlagField} AS flag FROM vendor`);
    const values = new Set(rows.items.flatMap((row) => [row.isinactive, row.flag]));
    expect([...values].sort()).toEqual(['F', 'T']);
  });

  it('binds ? params and refuses a params/placeholder mismatch', async () => {
    const vendor = demo.vendors[0]!;
    const rows = await access.rows('SELECT id, companyname FROM vendor WHERE id = ? AND isinactive = ?', [
      vendor,
      'F',
    ]);
    expect(rows.items).toEqual([
      { links: [], id: vendor, companyname: sandbox.store.get('vendor', vendor)!.fields.companyName },
    ]);
    const injection = await access.rows('SELECT id FROM vendor WHERE companyname = ?', ["x' OR '1'='1"]);
    expect(injection.totalResults).toBe(0);
    expect((await problem(await access.suiteql('SELECT id FROM vendor WHERE id = ?', []))).code).toBe(
      'INVALID_PARAMETER',
    );
  });

  it('compares LIKE case-sensitively, as Oracle does', async () => {
    const upper = await access.rows("SELECT id FROM vendor WHERE companyname LIKE 'Northwind%'");
    const lower = await access.rows("SELECT id FROM vendor WHERE companyname LIKE 'northwind%'");
    expect(upper.totalResults).toBeGreaterThan(0);
    expect(lower.totalResults).toBe(0);
  });
});

describe('dates and display values', () => {
  it('renders raw dates in the user format and formats them with TO_CHAR', async () => {
    const seeded = sandbox.seed({
      records: {
        vendorBill: [
          {
            entity: { id: demo.vendors[0] },
            tranDate: '2026-11-05',
            lastModifiedDate: '2026-11-22T09:08:07Z',
            expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount: 1 }] },
          },
        ],
      },
    });
    const id = seeded.created.vendorBill![0]!;
    const rows = await access.rows(
      `SELECT trandate, lastmodifieddate, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified,
              TO_CHAR(trandate, 'YYYY-MM-DD') AS day, TO_CHAR(trandate, 'Mon DD, YYYY') AS pretty
         FROM transaction WHERE id = ?`,
      [id],
    );
    expect(rows.items[0]).toEqual({
      links: [],
      trandate: '11/5/2026',
      lastmodifieddate: '11/22/2026',
      modified: '2026-11-22 09:08:07',
      day: '2026-11-05',
      pretty: 'Nov 05, 2026',
    });
  });

  it('filters with TO_DATE and TO_TIMESTAMP and refuses unparseable dates', async () => {
    const window = await access.rows(
      "SELECT COUNT(*) AS n FROM transaction WHERE type = 'VendBill' AND lastmodifieddate >= TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS') AND lastmodifieddate < TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS')",
      ['2026-01-01 00:00:00', '2026-01-01 00:01:40'],
    );
    // Bulk bills are one second apart from 2026-01-01T00:00:00Z: 100 of them fall in the window.
    expect(window.items[0]!.n).toBe('100');
    const byDate = await access.rows(
      "SELECT COUNT(*) AS n FROM transaction WHERE type = 'VendBill' AND trandate >= TO_DATE('2026-06-01', 'YYYY-MM-DD')",
    );
    expect(Number(byDate.items[0]!.n)).toBeGreaterThan(0);
    const bad = await problem(
      await access.suiteql(
        "SELECT id FROM vendor WHERE lastmodifieddate > TO_DATE('31/01/2026', 'YYYY-MM-DD')",
      ),
    );
    expect(bad).toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
  });

  it('gives display text with BUILTIN.DF', async () => {
    const paidBill = sandbox.store.get('vendorBill', demo.bills[0]!)!;
    const rows = await access.rows(
      'SELECT t.status, BUILTIN.DF(t.status) AS statustext, BUILTIN.DF(t.type) AS typetext, BUILTIN.DF(t.entity) AS vendor, BUILTIN.DF(currency) AS cur FROM transaction t WHERE t.id = ?',
      [demo.bills[0]],
    );
    expect(rows.items[0]).toEqual({
      links: [],
      status: 'B',
      statustext: 'Bill : Paid In Full',
      typetext: 'Bill',
      vendor: sandbox.store.get('vendor', paidBill.fields.entity as string)!.fields.entityId,
      cur: 'US Dollar',
    });
    const open = await access.rows(
      "SELECT BUILTIN.DF(status) AS s FROM transaction WHERE type = 'VendBill' AND status = 'A'",
      undefined,
      { limit: 1 },
    );
    expect(open.items[0]!.s).toBe('Bill : Open');
    const bank = await access.rows(
      "SELECT BUILTIN.DF(a.accttype) AS t FROM account a WHERE a.acctnumber = '1000'",
    );
    expect(bank.items[0]!.t).toBe('Bank');
  });
});

describe('tables apsync reads', () => {
  it('links a bill to the payment that paid it in nexttransactionlinelink', async () => {
    const billId = demo.bills[0]!;
    const paymentId = demo.payments[0]!;
    const rows = await access.rows(
      `SELECT l.previousdoc, l.nextdoc, l.foreignamount, p.type, p.trandate
         FROM nexttransactionlinelink l JOIN transaction p ON p.id = l.nextdoc
        WHERE l.previousdoc = ?`,
      [billId],
    );
    const bill = sandbox.store.get('vendorBill', billId)!;
    expect(rows.items).toHaveLength(1);
    expect(rows.items[0]).toMatchObject({
      previousdoc: billId,
      nextdoc: paymentId,
      type: 'VendPymt',
      foreignamount: String((bill.fields.total as number) / 100),
    });
  });

  it('has the mainline subsidiary, expense lines, vendor subsidiaries, account numbers and department names', async () => {
    const lines = await access.rows(
      'SELECT tl.mainline, tl.subsidiary, tl.expenseaccount, tl.foreignamount FROM transactionline tl WHERE tl.transaction = ? ORDER BY tl.id',
      [demo.bills[1]],
    );
    expect(lines.items[0]).toMatchObject({ mainline: 'T', subsidiary: expect.any(String) });
    expect(lines.items[0]!.expenseaccount).toBeUndefined();
    expect(
      lines.items.slice(1).every((line) => line.mainline === 'F' && typeof line.expenseaccount === 'string'),
    ).toBe(true);
    const relationship = await access.rows(
      'SELECT entity, subsidiary, isprimarysub FROM vendorsubsidiaryrelationship WHERE entity = ?',
      [demo.vendors[0]],
    );
    expect(relationship.items[0]).toMatchObject({ isprimarysub: 'T', subsidiary: demo.subsidiaries[0] });
    const accounts = await access.rows(
      "SELECT id FROM account WHERE acctnumber IS NULL AND isinactive = 'F'",
    );
    expect(accounts.totalResults).toBeGreaterThanOrEqual(2);
    const departments = await access.rows("SELECT fullname FROM department WHERE name = 'Warehouse'");
    expect(departments.items[0]!.fullname).toBe('Operations : Warehouse');
  });

  it("renders dates in the account's time zone when one is configured", async () => {
    const pacific = await startNetSuiteSandbox({ timeZone: 'America/Los_Angeles' });
    try {
      pacific.seed({
        records: {
          currency: [{ name: 'US Dollar', symbol: 'USD', lastModifiedDate: '2026-01-15T12:00:00Z' }],
        },
      });
      const rows = await new SandboxAccess(pacific).rows(
        "SELECT TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS m FROM currency",
      );
      expect(rows.items[0]!.m).toBe('2026-01-15 04:00:00');
    } finally {
      await pacific.close();
    }
  });
});
