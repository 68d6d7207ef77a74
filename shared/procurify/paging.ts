// Reading Procurify's paged lists: page by page following `next` (kept on the configured host), and the
// change scan by modification time that skips nothing when records change during the read.
import type * as z from 'zod';
import { BugError } from '../errors.ts';
import { source } from './errors.ts';
import { pageSchema } from './schemas.ts';
import type { ProcurifyTransport, Query } from './transport.ts';

/**
 * The `next` link as a URL to follow: it must stay on the configured host and port; its scheme is
 * forced to the configured one (a proxy that renders `http://` links must not make the client send
 * its token in clear).
 */
function followNext(transport: ProcurifyTransport, next: string): URL {
  const base = transport.base;
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    throw new BugError(`procurify: pagination link is not an absolute URL: ${next}`, { source });
  }
  if (url.hostname !== base.hostname || url.port !== base.port) {
    throw new BugError(`procurify: pagination link leaves ${base.host}: ${url.host}`, { source });
  }
  url.protocol = base.protocol;
  return url;
}

/** Every record of a list, page by page (page numbers: fine for static reads). */
export async function* listPages<T extends z.ZodType>(
  transport: ProcurifyTransport,
  path: string,
  query: Query,
  item: T,
  what: string,
): AsyncGenerator<z.output<T>> {
  let url: URL | undefined = transport.url(path, { ...query, page_size: String(transport.config.pageSize) });
  const seen = new Set<string>();
  while (url !== undefined) {
    if (seen.has(url.href))
      throw new BugError(`procurify: pagination loops back to ${url.pathname}${url.search}`, { source });
    seen.add(url.href);
    const current: URL = url;
    const body = await transport.retrying(() => transport.call('GET', current));
    const page = transport.parse(pageSchema(item), body, what);
    for (const entry of page.data) yield entry;
    url =
      page.metadata.pagination.next === null
        ? undefined
        : followNext(transport, page.metadata.pagination.next);
  }
}

export interface ScanOptions<T extends z.ZodType> {
  path: string;
  query: Query;
  lowerParam: string;
  upperParam: string;
  orderBy: string;
  after: string | undefined;
  before: string | undefined;
  item: T;
  timeOf: (item: z.output<T>) => string;
  keyOf: (item: z.output<T>) => string;
  what: string;
}

/**
 * Reads every record whose time is in [after, before] without page numbers. Offsets shift when a
 * record's modification time changes during the read (it moves to the end and the records behind it
 * move up into pages already read: they would be skipped). Instead each request starts at the time
 * of the last record read (inclusive) in ascending time order, skipping the records already read at
 * exactly that time; a record changed meanwhile is read again later (callers are idempotent). Only a
 * full page of records sharing one time is continued by page number.
 */
export async function* scanByTime<T extends z.ZodType>(
  transport: ProcurifyTransport,
  options: ScanOptions<T>,
): AsyncGenerator<z.output<T>> {
  const firstPage = (lower: string | undefined) =>
    transport.url(options.path, {
      ...options.query,
      [options.lowerParam]: lower,
      [options.upperParam]: options.before,
      order_by: options.orderBy,
      page_size: String(transport.config.pageSize),
    });
  let lower = options.after;
  let readAtLower = new Set<string>();
  let url = firstPage(lower);
  for (;;) {
    const current = url;
    const body = await transport.retrying(() => transport.call('GET', current));
    const page = transport.parse(pageSchema(options.item), body, options.what);
    const items = page.data;
    for (let i = 1; i < items.length; i++) {
      if (Date.parse(options.timeOf(items[i]!)) < Date.parse(options.timeOf(items[i - 1]!))) {
        throw new BugError(`procurify: ${options.path} did not order by ${options.orderBy}`, { source });
      }
    }
    for (const entry of items) {
      if (lower !== undefined && options.timeOf(entry) === lower && readAtLower.has(options.keyOf(entry)))
        continue;
      yield entry;
    }
    const next = page.metadata.pagination.next;
    const last = items.at(-1);
    if (next === null || last === undefined) return;
    const lastTime = options.timeOf(last);
    if (lastTime === lower) {
      // A whole page at one time: continue this time by page number.
      for (const entry of items) readAtLower.add(options.keyOf(entry));
      url = followNext(transport, next);
      continue;
    }
    readAtLower = new Set(items.filter((entry) => options.timeOf(entry) === lastTime).map(options.keyOf));
    lower = lastTime;
    url = firstPage(lower);
  }
}

/** A filter's time as Procurify's query wants it (ISO 8601). */
export const toIso = (value: Date | string | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : value.toISOString();
