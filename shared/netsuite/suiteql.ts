// SuiteQL reads (infra/contracts/facts/netsuite-reference.ts `suiteQlReference`): pages of at most 1000 rows at offsets that are multiples of
// the page size, rows normalised (column names lower-cased, `links` dropped) and validated with the
// caller's zod schema, and key-windowed reads that go past the 100,000-row cap of one query.
// The use cases (delta polls, backfill, paid-bill pull) depend on the SuiteQl interface.

import * as z from 'zod';
import { BugError } from '../errors.ts';
import { validateAnswer } from './records.ts';
import type { NetSuiteTransport } from './transport.ts';

export type SuiteQlParam = string | number | boolean;

/** Rows NetSuite returns for one query at most; past it, re-window (see `windowed`). */
export const suiteQlRowCap = 100_000;
export const suiteQlMaxPageSize = 1000;
/** The one format dates are read and compared in: the user's date preference never applies to it. */
export const suiteQlTimestampFormat = 'YYYY-MM-DD HH24:MI:SS';

/** `TO_CHAR(column, 'YYYY-MM-DD HH24:MI:SS')`: select datetimes through this, never bare. */
export function suiteQlTimestamp(column: string): string {
  return `TO_CHAR(${column}, '${suiteQlTimestampFormat}')`;
}

/** `TO_CHAR(column, 'YYYY-MM-DD')` for date-only columns (trandate, duedate). */
export function suiteQlDate(column: string): string {
  return `TO_CHAR(${column}, 'YYYY-MM-DD')`;
}

export interface SuiteQlQueryOptions {
  /** Rows per page, 1..1000 (default 1000). */
  pageSize?: number;
  /** Rows one query may return (default and maximum 100,000). */
  rowCap?: number;
}

/** A position in (last-modified, id) order: the last row already read. */
export interface WindowKey {
  /** `YYYY-MM-DD HH24:MI:SS`, as TO_CHAR renders it. */
  lastModified: string;
  /** Internal id; omitted means "every row modified at or after `lastModified`". */
  id?: string;
}

export interface WindowedQuery<T> {
  /** Select list, e.g. `id, entityid, companyname` (no trailing comma). */
  select: string;
  /** Table and joins, e.g. `vendor` or `transaction t JOIN transactionline tl ON ...`. */
  from: string;
  /** Filter with `?` placeholders bound from `params` (never concatenate values into it). */
  where?: string;
  params?: readonly SuiteQlParam[];
  /** Columns ordering the windows (default `lastmodifieddate` and `id`; qualify them for joins). */
  keyColumns?: { lastModified: string; id: string };
  /** Start strictly after this key (a watermark minus the overlap). */
  after?: WindowKey;
  schema: z.ZodType<T>;
  pageSize?: number;
  /**
   * Rows read by one query before a new one starts after the last key read (1..100,000, a multiple
   * of `pageSize`). Default: `pageSize`, i.e. keyset paging: every page is its own query, so a record
   * modified while the read runs cannot shift an unread row across a page boundary.
   */
  windowRows?: number;
}

export interface SuiteQl {
  /**
   * Rows of one query, page after page. Fails with a BugError when the query has more rows than one
   * query may return: such reads must use `windowed`.
   */
  query<T>(
    sql: string,
    params: readonly SuiteQlParam[],
    schema: z.ZodType<T>,
    options?: SuiteQlQueryOptions,
  ): AsyncIterable<T>;
  /** Rows in (last-modified, id) order, any number of them, re-querying after the last key read. */
  windowed<T>(query: WindowedQuery<T>): AsyncIterable<T>;
}

const windowLastModifiedAlias = 'apsync_window_lm';
const windowIdAlias = 'apsync_window_id';

/**
 * The SQL of one window: the caller's query plus the key columns (rendered with TO_CHAR so they can
 * be bound back in exactly), restricted to keys after `after`, ordered by the key.
 */
export function buildWindowQuery(
  query: Pick<WindowedQuery<unknown>, 'select' | 'from' | 'where' | 'params' | 'keyColumns'>,
  after?: WindowKey,
): { q: string; params: SuiteQlParam[] } {
  const { lastModified, id } = query.keyColumns ?? { lastModified: 'lastmodifieddate', id: 'id' };
  const conditions: string[] = [];
  const params: SuiteQlParam[] = [...(query.params ?? [])];
  if (query.where !== undefined && query.where.trim() !== '') conditions.push(`(${query.where})`);
  const stamp = `TO_TIMESTAMP(?, '${suiteQlTimestampFormat}')`;
  if (after !== undefined) {
    if (after.id === undefined) {
      conditions.push(`${lastModified} >= ${stamp}`);
      params.push(after.lastModified);
    } else {
      conditions.push(`(${lastModified} > ${stamp} OR (${lastModified} = ${stamp} AND ${id} > ?))`);
      params.push(after.lastModified, after.lastModified, after.id);
    }
  }
  const q =
    `SELECT ${query.select}, ${suiteQlTimestamp(lastModified)} AS ${windowLastModifiedAlias}, ` +
    `${id} AS ${windowIdAlias} FROM ${query.from}` +
    (conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`) +
    ` ORDER BY ${lastModified}, ${id}`;
  return { q, params };
}

/** Drops the per-row `links` and lower-cases column names (their case varies). */
export function normaliseSuiteQlRow(item: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name === 'links') continue;
    row[name.toLowerCase()] = value;
  }
  return row;
}

const pageSchema = z.object({
  items: z.array(z.record(z.string(), z.unknown())),
  hasMore: z.boolean(),
});

interface ReadState {
  capReached: boolean;
  rows: number;
}

function checkPageSize(pageSize: number): void {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > suiteQlMaxPageSize) {
    throw new BugError(`SuiteQL page size must be 1..${suiteQlMaxPageSize}, got ${pageSize}`, {
      source: 'netsuite',
    });
  }
}

export class RestSuiteQl implements SuiteQl {
  private readonly transport: NetSuiteTransport;

  constructor(transport: NetSuiteTransport) {
    this.transport = transport;
  }

  async *query<T>(
    sql: string,
    params: readonly SuiteQlParam[],
    schema: z.ZodType<T>,
    options: SuiteQlQueryOptions = {},
  ): AsyncIterable<T> {
    const pageSize = options.pageSize ?? suiteQlMaxPageSize;
    const rowCap = options.rowCap ?? suiteQlRowCap;
    const state: ReadState = { capReached: false, rows: 0 };
    for await (const row of this.read(sql, params, pageSize, rowCap, state)) {
      yield validateAnswer(schema, row, `SuiteQL row ${state.rows}`);
    }
    if (state.capReached) {
      throw new BugError(
        `SuiteQL query returned more than ${state.rows} rows, the most one query may return; read it with windowed()`,
        { source: 'netsuite', code: 'ROW_CAP' },
      );
    }
  }

  async *windowed<T>(query: WindowedQuery<T>): AsyncIterable<T> {
    const pageSize = query.pageSize ?? suiteQlMaxPageSize;
    checkPageSize(pageSize);
    const windowRows = query.windowRows ?? pageSize;
    if (
      !Number.isInteger(windowRows) ||
      windowRows < pageSize ||
      windowRows > suiteQlRowCap ||
      windowRows % pageSize !== 0
    ) {
      throw new BugError(`SuiteQL windowRows must be a multiple of the page size up to ${suiteQlRowCap}`, {
        source: 'netsuite',
      });
    }
    let after = query.after;
    for (;;) {
      const { q, params } = buildWindowQuery(query, after);
      const state: ReadState = { capReached: false, rows: 0 };
      let last: WindowKey | undefined;
      for await (const row of this.read(q, params, pageSize, windowRows, state)) {
        const lastModified = row[windowLastModifiedAlias];
        const id = row[windowIdAlias];
        if (typeof lastModified !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) {
          throw new BugError(
            `SuiteQL windowed row has no key (${windowLastModifiedAlias}, ${windowIdAlias})`,
            {
              source: 'netsuite',
            },
          );
        }
        last = { lastModified, id: String(id) };
        delete row[windowLastModifiedAlias];
        delete row[windowIdAlias];
        yield validateAnswer(query.schema, row, `SuiteQL row (id ${String(id)})`);
      }
      // A window that ended before its cap read everything after `after`.
      if (!state.capReached || last === undefined) return;
      after = last;
    }
  }

  /** Rows of one query, up to `rowCap`; sets `state.capReached` when rows remain past it. */
  private async *read(
    q: string,
    params: readonly SuiteQlParam[],
    pageSize: number,
    rowCap: number,
    state: ReadState,
  ): AsyncGenerator<Record<string, unknown>> {
    checkPageSize(pageSize);
    if (!Number.isInteger(rowCap) || rowCap < pageSize || rowCap > suiteQlRowCap) {
      throw new BugError(`SuiteQL row cap must be between the page size and ${suiteQlRowCap}`, {
        source: 'netsuite',
      });
    }
    for (let offset = 0; ; offset += pageSize) {
      const response = await this.transport.send({
        method: 'POST',
        path: '/services/rest/query/v1/suiteql',
        query: { limit: pageSize, offset },
        headers: { prefer: 'transient' },
        body: { q, params },
        // A query reads only: sending it again is harmless.
        idempotent: true,
      });
      let json: unknown;
      try {
        json = JSON.parse(response.bodyText);
      } catch {
        throw new BugError('NetSuite answered a SuiteQL page with a body that is not JSON', {
          source: 'netsuite',
          status: response.status,
        });
      }
      const page = validateAnswer(pageSchema, json, 'SuiteQL page');
      for (const item of page.items) {
        state.rows++;
        yield normaliseSuiteQlRow(item);
      }
      if (!page.hasMore) return;
      if (page.items.length === 0) {
        throw new BugError(`NetSuite SuiteQL page at offset ${offset} is empty but says it has more`, {
          source: 'netsuite',
        });
      }
      if (offset + 2 * pageSize > rowCap) {
        state.capReached = true;
        return;
      }
    }
  }
}
