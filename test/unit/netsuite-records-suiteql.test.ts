// Unit tests of the pure parts of the NetSuite records and SuiteQL adapters (shared/netsuite/
// records.ts, suiteql.ts): external ids, Location parsing, row normalisation and window SQL.
import { describe, expect, it } from 'vitest';
import { BugError, DataError } from '../../shared/errors.ts';
import { externalIdRef, idFromLocation } from '../../shared/netsuite/records.ts';
import { buildWindowQuery, normaliseSuiteQlRow, suiteQlTimestamp } from '../../shared/netsuite/suiteql.ts';

describe('external ids', () => {
  it('accepts letters, digits, _ and -', () => {
    expect(externalIdRef('procurify-bill-8f0c_12')).toBe('eid:procurify-bill-8f0c_12');
  });

  it.each(['has space', 'slash/id', 'dot.id', 'colon:id', 'ünï', ''])('refuses %j as a DataError', (bad) => {
    expect(() => externalIdRef(bad)).toThrow(DataError);
    try {
      externalIdRef(bad);
    } catch (error) {
      expect((error as DataError).message).toContain('letters, digits');
    }
  });
});

describe('idFromLocation', () => {
  it('reads the new internal id from Location', () => {
    expect(
      idFromLocation(
        'https://123.suitetalk.api.netsuite.com/services/rest/record/v1/vendorPayment/4711',
        'vendorPayment',
      ),
    ).toBe('4711');
    expect(idFromLocation('http://127.0.0.1:9/services/rest/record/v1/vendor/12', 'vendor')).toBe('12');
  });

  it('treats a missing or odd Location as a bug', () => {
    expect(() => idFromLocation(null, 'vendor')).toThrow(BugError);
    expect(() => idFromLocation('https://x/services/rest/record/v1/vendor/', 'vendor')).toThrow(BugError);
    expect(() => idFromLocation('https://x/elsewhere', 'vendor')).toThrow(BugError);
  });
});

describe('normaliseSuiteQlRow', () => {
  it('lower-cases column names and drops links', () => {
    expect(normaliseSuiteQlRow({ links: [], ID: '12', CompanyName: 'Acme', lastmodifieddate: 'x' })).toEqual({
      id: '12',
      companyname: 'Acme',
      lastmodifieddate: 'x',
    });
  });
});

describe('buildWindowQuery', () => {
  const base = {
    select: 'id, entityid',
    from: 'vendor',
    where: 'isinactive = ?',
    params: ['F'] as const,
  };

  it('orders by (lastmodifieddate, id) and selects both keys through TO_CHAR', () => {
    const { q, params } = buildWindowQuery(base);
    expect(q).toBe(
      "SELECT id, entityid, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS apsync_window_lm, id AS apsync_window_id " +
        'FROM vendor WHERE (isinactive = ?) ORDER BY lastmodifieddate, id',
    );
    expect(params).toEqual(['F']);
  });

  it('continues strictly after the last key read, values bound as parameters', () => {
    const { q, params } = buildWindowQuery(base, { lastModified: '2026-01-31 23:59:59', id: '77' });
    expect(q).toContain(
      "WHERE (isinactive = ?) AND (lastmodifieddate > TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS') OR " +
        "(lastmodifieddate = TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS') AND id > ?))",
    );
    expect(params).toEqual(['F', '2026-01-31 23:59:59', '2026-01-31 23:59:59', '77']);
    expect(q).not.toContain('2026');
  });

  it('starts at a watermark without an id inclusively, and works with qualified key columns', () => {
    const { q, params } = buildWindowQuery(
      {
        select: 't.id, t.tranid',
        from: 'transaction t',
        keyColumns: { lastModified: 't.lastmodifieddate', id: 't.id' },
      },
      { lastModified: '2026-02-01 00:00:00' },
    );
    expect(q).toBe(
      `SELECT t.id, t.tranid, ${suiteQlTimestamp('t.lastmodifieddate')} AS apsync_window_lm, t.id AS apsync_window_id ` +
        "FROM transaction t WHERE t.lastmodifieddate >= TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS') " +
        'ORDER BY t.lastmodifieddate, t.id',
    );
    expect(params).toEqual(['2026-02-01 00:00:00']);
  });
});
