// Unit checks of the NetSuite sandbox's SuiteQL pieces (no network): the Oracle-to-SQLite rewrite,
// Oracle date and number formats, the record-API `q` filter, and the mirror kept in step with writes.
import { describe, expect, it } from 'vitest';
import { parseRecordQuery, recordMatches } from '../../infra/sandboxes/netsuite/record-query.ts';
import { RecordStore } from '../../infra/sandboxes/netsuite/store.ts';
import { SuiteqlEngine } from '../../infra/sandboxes/netsuite/suiteql.ts';
import { rewriteSuiteql, SuiteqlError, tokenize } from '../../infra/sandboxes/netsuite/suiteql-dialect.ts';
import {
  formatDate,
  formatNumber,
  oracleNumber,
  parseDate,
  userDate,
} from '../../infra/sandboxes/netsuite/suiteql-functions.ts';
import { SuiteqlMirror } from '../../infra/sandboxes/netsuite/suiteql-mirror.ts';
import { createRecord, updateRecord, writeContext } from '../../infra/sandboxes/netsuite/writes.ts';

const catalog = (table: string): string[] =>
  ({ transaction: ['id', 'status', 'type', 'entity'], transactionline: ['transaction', 'department'] })[
    table
  ] ?? [];

describe('SuiteQL rewrite', () => {
  it('turns BUILTIN.DF into display functions that know the column', () => {
    const { sql, aliases } = rewriteSuiteql(
      'SELECT BUILTIN.DF(t.status), BUILTIN.DF(entity), BUILTIN.DF( tl.department ) FROM transaction t JOIN transactionline tl ON tl.transaction = t.id',
      catalog,
    );
    expect(sql).toContain('ns_df_status(t.type, t.status)');
    expect(sql).toContain("ns_df_ref('vendor', entity)");
    expect(sql).toContain("ns_df_ref('department', tl.department)");
    expect(sql).toContain('FROM "transaction" t');
    expect(aliases.get('t')).toBe('transaction');
    expect(aliases.get('tl')).toBe('transactionline');
  });

  it('leaves string literals and comments alone and counts placeholders outside them', () => {
    const query = "SELECT id FROM transaction WHERE memo = 'BUILTIN.DF(x) ?' AND id = ? -- SYSDATE ?";
    const { sql, placeholders } = rewriteSuiteql(query, catalog);
    expect(sql).toContain("'BUILTIN.DF(x) ?'");
    expect(sql).toContain('-- SYSDATE ?');
    expect(placeholders).toBe(1);
    expect(tokenize("'it''s'")).toEqual([{ kind: 'string', text: "'it''s'" }]);
  });

  it('refuses what SuiteQL refuses', () => {
    for (const query of [
      'WITH a AS (SELECT 1 FROM dual) SELECT * FROM a',
      'DELETE FROM transaction',
      'SELECT 1 FROM vendor; DROP TABLE vendor',
      'SELECT * FROM sqlite_master',
      "SELECT 'open",
      'SELECT BUILTIN.CONSOLIDATE(x) FROM transaction',
    ]) {
      expect(() => rewriteSuiteql(query, catalog), query).toThrow(SuiteqlError);
    }
  });
});

describe('Oracle formats', () => {
  it('parses with TO_DATE / TO_TIMESTAMP models and refuses what does not fit', () => {
    expect(parseDate('2026-01-31', 'YYYY-MM-DD', true)).toBe('2026-01-31T00:00:00');
    expect(parseDate('2026-01-31 13:05:09', 'YYYY-MM-DD HH24:MI:SS', true)).toBe('2026-01-31T13:05:09');
    expect(parseDate('1/5/2026', 'MM/DD/YYYY', true)).toBe('2026-01-05T00:00:00');
    expect(parseDate('05-JAN-2026 01:02:03 PM', 'DD-MON-YYYY HH:MI:SS AM', true)).toBe('2026-01-05T13:02:03');
    expect(() => parseDate('2026-02-30', 'YYYY-MM-DD', true)).toThrow(SuiteqlError);
    expect(() => parseDate('2026-01-31 10:00:00', 'YYYY-MM-DD', true)).toThrow(SuiteqlError);
    expect(() => parseDate('2026-01-31', 'YYYY-XX-DD', true)).toThrow(SuiteqlError);
  });

  it('formats with TO_CHAR models, shows raw dates as M/D/YYYY and numbers as Oracle does', () => {
    expect(formatDate('2026-03-04T05:06:07', 'YYYY-MM-DD HH24:MI:SS')).toBe('2026-03-04 05:06:07');
    expect(formatDate('2026-03-04T15:06:07', 'DD Mon YYYY HH:MI AM')).toBe('04 Mar 2026 03:06 PM');
    expect(formatDate('2026-03-04T15:06:07', 'YYYY"T"HH24')).toBe('2026T15');
    expect(formatDate('2026-12-31T00:00:00', 'FMMM/DD/YYYY')).toBe('12/31/2026');
    expect(userDate('2026-01-05T10:00:00')).toBe('1/5/2026');
    expect(oracleNumber(0.5)).toBe('.5');
    expect(oracleNumber(-0.25)).toBe('-.25');
    expect(oracleNumber(0.1 + 0.2)).toBe('.3');
    expect(oracleNumber(-120.5)).toBe('-120.5');
    expect(oracleNumber(0)).toBe('0');
    expect(formatNumber(1234.5, 'FM999,990.00')).toBe('1,234.50');
  });
});

describe('record API q filter', () => {
  it('evaluates AND before OR over stored fields', () => {
    const store = new RecordStore();
    const context = writeContext(store, 'seed');
    createRecord(context, 'currency', { name: 'US Dollar', symbol: 'USD', isBaseCurrency: true });
    createRecord(context, 'subsidiary', { name: 'Parent' });
    const a = createRecord(context, 'vendor', { companyName: 'Alpha Co', email: 'ap@alpha.test' }).record;
    const b = createRecord(context, 'vendor', { companyName: 'Beta Co', isInactive: true }).record;
    const groups = parseRecordQuery(
      store,
      'vendor',
      'isInactive IS true OR companyName START_WITH "alp" AND email CONTAIN alpha',
    );
    expect(recordMatches(a, groups)).toBe(true);
    expect(recordMatches(b, groups)).toBe(true);
    const none = parseRecordQuery(store, 'vendor', 'id ANY_OF [999, 998]');
    expect(recordMatches(a, none)).toBe(false);
    expect(() => parseRecordQuery(store, 'vendor', 'companyName LOOKS_LIKE x')).toThrow();
  });
});

describe('SQLite mirror', () => {
  it('follows creates, updates and payments without a rebuild, and answers a new query after each', () => {
    const store = new RecordStore();
    const mirror = new SuiteqlMirror(store);
    const engine = new SuiteqlEngine(store, mirror);
    const context = writeContext(store, 'seed');
    createRecord(context, 'currency', { name: 'US Dollar', symbol: 'USD', isBaseCurrency: true });
    createRecord(context, 'subsidiary', { name: 'Parent' });
    createRecord(context, 'account', { acctNumber: '2000', acctName: 'A/P', acctType: 'AcctPay' });
    const bank = createRecord(context, 'account', {
      acctNumber: '1000',
      acctName: 'Bank',
      acctType: 'Bank',
    }).record;
    const expense = createRecord(context, 'account', {
      acctNumber: '6000',
      acctName: 'Expense',
      acctType: 'Expense',
    }).record;
    const vendor = createRecord(context, 'vendor', { companyName: 'Vendor' }).record;
    const bill = createRecord(context, 'vendorBill', {
      entity: { id: vendor.id },
      expense: { items: [{ account: { id: expense.id }, amount: 10 }] },
    }).record;
    const status = () =>
      engine.execute('SELECT status, foreignamountunpaid AS unpaid, memo FROM transaction WHERE id = ?', [
        bill.id,
      ]).rows[0];
    expect(status()).toEqual({ status: 'A', unpaid: '10' });
    updateRecord(context, store.get('vendorBill', bill.id)!, { memo: 'changed' });
    expect(status()).toEqual({ status: 'A', unpaid: '10', memo: 'changed' });
    createRecord(context, 'vendorPayment', {
      entity: { id: vendor.id },
      account: { id: bank.id },
      apply: { items: [{ doc: { id: bill.id }, apply: true, amount: 10 }] },
    });
    expect(status()).toEqual({ status: 'B', unpaid: '0', memo: 'changed' });
    expect(engine.execute('SELECT COUNT(*) FROM nexttransactionlinelink', []).rows[0]).toEqual({
      expr1: '1',
    });
    mirror.close();
  });
});
