// SuiteQL for the NetSuite sandbox: `POST /services/rest/query/v1/suiteql` runs the query as real SQL
// on the SQLite mirror of the record store, with NetSuite's rules (Prefer: transient, limit 1..1000,
// offset a multiple of limit, 100,000 rows per query) and its answer shape (every value a string, null
// columns left out, lower-case names, raw dates in the user's format). Called by the sandbox router.
import type { StatementSync } from 'node:sqlite';
import { NetSuiteProblem, problems } from './problem.ts';
import { accountTypes, approvalStatuses, billStatuses, paymentStatuses } from './record-types.ts';
import { refName } from './render.ts';
import type { RecordStore } from './store.ts';
import { isoSeconds } from './store.ts';
import { rewriteSuiteql, SuiteqlError } from './suiteql-dialect.ts';
import { formatDate, formatNumber, oracleNumber, parseDate, userDate } from './suiteql-functions.ts';
import { STORED_DATE, type SuiteqlMirror } from './suiteql-mirror.ts';

export const SUITEQL_PATH = '/services/rest/query/v1/suiteql';
export const MAX_PAGE = 1000;
export const MAX_ROWS_PER_QUERY = 100_000;

type SqlValue = string | number | bigint | null | Uint8Array;
export type SuiteqlRow = Record<string, string>;

interface Result {
  rows: SuiteqlRow[];
  total: number;
}

const transactionTypes: Record<string, string> = {
  VendBill: 'Bill',
  VendPymt: 'Bill Payment',
  VendCred: 'Bill Credit',
  PurchOrd: 'Purchase Order',
};

function invalidSearch(detail: string): NetSuiteProblem {
  return problems.invalidParameter(
    `Invalid search query. Detailed unprocessed description follows. Search error occurred: ${detail}`,
  );
}

function renderValue(value: SqlValue): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return oracleNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return STORED_DATE.test(value) ? userDate(value) : value;
  return undefined;
}

function isStoredDate(value: unknown): value is string {
  return typeof value === 'string' && STORED_DATE.test(value);
}

export class SuiteqlEngine {
  private readonly store: RecordStore;
  private readonly mirror: SuiteqlMirror;
  private readonly clock: () => Date;
  private cache = new Map<string, { version: number; result: Result }>();

  constructor(store: RecordStore, mirror: SuiteqlMirror, clock: () => Date = () => new Date()) {
    this.store = store;
    this.mirror = mirror;
    this.clock = clock;
    this.registerFunctions();
  }

  private registerFunctions(): void {
    const db = this.mirror.db;
    const fn = (name: string, body: (...args: SqlValue[]) => SqlValue, deterministic = true) =>
      db.function(name, { varargs: true, deterministic }, (...args: SqlValue[]) => body(...args));
    const dateArg = (value: SqlValue, format: SqlValue, allowTime: boolean, name: string): SqlValue => {
      if (value === null) return null;
      if (isStoredDate(value)) return value;
      if (typeof value !== 'string') throw new SuiteqlError(`${name} expects a text value.`);
      const model = typeof format === 'string' ? format : allowTime ? 'MM/DD/YYYY HH:MI:SS AM' : 'MM/DD/YYYY';
      return parseDate(value, model, allowTime);
    };
    fn('to_date', (value = null, format = null) => dateArg(value, format, true, 'TO_DATE'));
    fn('to_timestamp', (value = null, format = null) => dateArg(value, format, true, 'TO_TIMESTAMP'));
    fn('to_char', (value = null, format = null) => {
      if (value === null) return null;
      if (isStoredDate(value))
        return typeof format === 'string' ? formatDate(value, format) : userDate(value);
      if (typeof value === 'number')
        return typeof format === 'string' ? formatNumber(value, format) : oracleNumber(value);
      return String(value);
    });
    fn('to_number', (value = null) => {
      if (value === null || typeof value === 'number') return value;
      const number = Number(String(value).trim());
      if (String(value).trim() === '' || Number.isNaN(number))
        throw new SuiteqlError(`Invalid number '${String(value)}'.`);
      return number;
    });
    fn('nvl', (value = null, fallback = null) => value ?? fallback);
    fn('nvl2', (value = null, whenSet = null, whenNull = null) => (value === null ? whenNull : whenSet));
    fn('decode', (...args) => {
      const [expression, ...pairs] = args;
      for (let index = 0; index + 1 < pairs.length; index += 2) {
        if (pairs[index] === expression) return pairs[index + 1] ?? null;
      }
      return pairs.length % 2 === 1 ? (pairs[pairs.length - 1] ?? null) : null;
    });
    fn('greatest', (...args) =>
      args.includes(null) ? null : (args.reduce((a, b) => ((a ?? 0) > (b ?? 0) ? a : b)) ?? null),
    );
    fn('least', (...args) =>
      args.includes(null) ? null : (args.reduce((a, b) => ((a ?? 0) < (b ?? 0) ? a : b)) ?? null),
    );
    fn('trunc', (value = null, precision = null) => {
      if (value === null) return null;
      if (isStoredDate(value)) return `${value.slice(0, 10)}T00:00:00`;
      if (typeof value === 'number') {
        const digits = typeof precision === 'number' ? precision : 0;
        return Math.trunc(value * 10 ** digits) / 10 ** digits;
      }
      return value;
    });
    fn('ns_sysdate', () => this.mirror.wallTime(isoSeconds(this.clock())), false);
    fn(
      'ns_current_date',
      () => `${this.mirror.wallTime(isoSeconds(this.clock())).slice(0, 10)}T00:00:00`,
      false,
    );
    fn('ns_df_status', (type = null, status = null) => {
      if (status === null) return null;
      const letter = String(status);
      if (type === 'VendBill') return `Bill : ${billStatuses[letter] ?? letter}`;
      if (type === 'VendPymt') return `Bill Payment : ${paymentStatuses[letter] ?? letter}`;
      return letter;
    });
    fn('ns_df_enum', (kind = null, value = null) => {
      if (value === null) return null;
      const key = String(value);
      const table =
        kind === 'transactiontype'
          ? transactionTypes
          : kind === 'approvalstatus'
            ? approvalStatuses
            : accountTypes;
      return table[key] ?? key;
    });
    fn(
      'ns_df_ref',
      (type = null, value = null) => {
        if (value === null) return null;
        const ids = String(value).split(/,\s*/);
        const names = ids.map((id) => {
          if (type === 'transaction') {
            return refName(this.store, 'vendorBill', id) ?? refName(this.store, 'vendorPayment', id) ?? id;
          }
          return refName(this.store, type as Parameters<typeof refName>[1], id) ?? id;
        });
        return names.join(', ');
      },
      false,
    );
  }

  /** Runs a query (cached until the next change) and returns its rows rendered as NetSuite does. */
  execute(query: string, params: unknown[]): Result {
    this.mirror.flush();
    // Queries reading the clock are never served from the cache.
    if (/sysdate|systimestamp|current_date|current_timestamp/i.test(query)) return this.run(query, params);
    const key = `${query}\u0000${JSON.stringify(params)}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.version === this.mirror.version) return cached.result;
    const result = this.run(query, params);
    this.cache.delete(key);
    this.cache.set(key, { version: this.mirror.version, result });
    while (this.cache.size > 4) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }

  private run(query: string, params: unknown[]): Result {
    let rewritten: ReturnType<typeof rewriteSuiteql>;
    try {
      rewritten = rewriteSuiteql(query, (table) => this.mirror.columnsOf(table));
    } catch (error) {
      if (error instanceof SuiteqlError) throw invalidSearch(error.message);
      throw error;
    }
    if (params.length !== rewritten.placeholders) {
      throw problems.invalidParameter(
        `The query has ${rewritten.placeholders} ? placeholder(s) but ${params.length} param(s) were sent.`,
      );
    }
    const bound = params.map((param, index): string | number | null => {
      if (param === null) return null;
      if (typeof param === 'string' || typeof param === 'number') return param;
      if (typeof param === 'boolean') return param ? 'T' : 'F';
      throw problems.invalidParameter(
        `Invalid value of params[${index}]: only strings, numbers and booleans can be bound.`,
      );
    });
    let statement: StatementSync;
    try {
      statement = this.mirror.db.prepare(rewritten.sql);
      statement.setReturnArrays(true);
      // Unaliased expressions come back as expr1, expr2, ... (Oracle's generated names).
      let expressions = 0;
      const names = statement.columns().map((column) => {
        if (column.column === null && !/^[A-Za-z_][A-Za-z0-9_$#]*$/.test(column.name)) {
          expressions += 1;
          return `expr${expressions}`;
        }
        return column.name.toLowerCase();
      });
      const rows: SuiteqlRow[] = [];
      let total = 0;
      for (const values of statement.iterate(...bound) as Iterable<SqlValue[]>) {
        total += 1;
        if (rows.length >= MAX_ROWS_PER_QUERY) continue;
        const row: SuiteqlRow = {};
        for (const [index, name] of names.entries()) {
          const text = renderValue(values[index] ?? null);
          if (text !== undefined) row[name] = text;
        }
        rows.push(row);
      }
      return { rows, total };
    } catch (error) {
      throw this.translate(error, rewritten.aliases);
    }
  }

  private translate(error: unknown, aliases: Map<string, string>): NetSuiteProblem {
    if (error instanceof NetSuiteProblem) return error;
    if (error instanceof SuiteqlError) return invalidSearch(error.message);
    const message = error instanceof Error ? error.message : String(error);
    const available = `{${[...aliases.entries()].map(([alias, table]) => `${alias}=${table}`).join(', ')}}`;
    const column = /no such column: (.+)$/.exec(message);
    if (column !== null)
      return invalidSearch(`Unknown identifier '${column[1]}'. Available identifiers are: ${available}.`);
    const table = /no such table: (?:main\.)?(.+)$/.exec(message);
    if (table !== null) return invalidSearch(`Record '${table[1]}' was not found.`);
    const fn = /no such function: (.+)$/.exec(message);
    if (fn !== null) return invalidSearch(`Unknown function '${fn[1]}'.`);
    if (/column index out of range|bind/i.test(message)) {
      return problems.invalidParameter(
        'The number of params does not match the number of ? placeholders in the query.',
      );
    }
    return invalidSearch('Invalid or unsupported search.');
  }
}

export interface SuiteqlPageRequest {
  baseUrl: string;
  query: URLSearchParams;
  preferHeader: string | undefined;
  body: unknown;
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw))
    throw problems.invalidParameter(`Invalid value of query parameter ${name}: '${raw}'.`, name);
  return Number(raw);
}

/** One page of a SuiteQL query in NetSuite's collection envelope. */
export function suiteqlPage(engine: SuiteqlEngine, request: SuiteqlPageRequest): Record<string, unknown> {
  const prefer = (request.preferHeader ?? '').split(',').map((part) => part.trim().toLowerCase());
  if (!prefer.includes('transient')) {
    throw new NetSuiteProblem(
      400,
      'INVALID_REQUEST',
      "The 'Prefer: transient' header is required for SuiteQL queries.",
      {
        header: 'Prefer',
      },
    );
  }
  const limit = intParam(request.query, 'limit', MAX_PAGE);
  const offset = intParam(request.query, 'offset', 0);
  if (limit < 1 || limit > MAX_PAGE) {
    throw problems.invalidParameter(
      `Invalid value of query parameter limit: it must be between 1 and ${MAX_PAGE}.`,
      'limit',
    );
  }
  if (offset % limit !== 0) {
    throw problems.invalidParameter(
      'Invalid value of query parameter offset: it must be a multiple of limit.',
      'offset',
    );
  }
  if (offset + limit > MAX_ROWS_PER_QUERY) {
    throw problems.invalidParameter(
      `The query would return rows beyond the first ${MAX_ROWS_PER_QUERY}; a SuiteQL query can page through at most ${MAX_ROWS_PER_QUERY} rows.`,
      'offset',
    );
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null || typeof (body as { q?: unknown }).q !== 'string') {
    throw problems.invalidRequest("The request body must be a JSON object with a 'q' string.");
  }
  const { q, params } = body as { q: string; params?: unknown };
  if (params !== undefined && !Array.isArray(params))
    throw problems.invalidRequest("'params' must be an array.");
  const result = engine.execute(q, (params as unknown[] | undefined) ?? []);
  const page = result.rows.slice(offset, offset + limit);
  const reachable = Math.min(result.total, MAX_ROWS_PER_QUERY);
  const hasMore = offset + page.length < result.total;
  const href = (at: number) => `${request.baseUrl}${SUITEQL_PATH}?limit=${limit}&offset=${at}`;
  const links: Array<{ rel: string; href: string }> = [];
  if (offset > 0) {
    links.push({ rel: 'previous', href: href(Math.max(0, offset - limit)) });
    links.push({ rel: 'first', href: href(0) });
  }
  if (hasMore) {
    links.push({ rel: 'next', href: href(offset + limit) });
    const lastOffset = Math.max(0, Math.floor((reachable - 1) / limit) * limit);
    links.push({ rel: 'last', href: href(lastOffset) });
  }
  links.push({ rel: 'self', href: href(offset) });
  return {
    links,
    count: page.length,
    hasMore,
    items: page.map((row) => ({ links: [], ...row })),
    offset,
    totalResults: result.total,
  };
}
