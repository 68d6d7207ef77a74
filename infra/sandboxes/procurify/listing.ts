// List answers of the Procurify sandbox: Django REST Framework page-number pagination inside
// Procurify's envelope `{metadata: {pagination: {...}}, data: [...]}`, and django-filter style query
// parsing (booleans, integers, comma lists, date-time ranges). Used by the API routes (api.ts).
import type { IncomingMessage } from 'node:http';
import { parseMicros } from './model.ts';
import type { FieldErrors } from './validation.ts';

export interface PageSettings {
  defaultPageSize: number;
  maxPageSize: number;
  /** Base of `next`/`previous` links; null = built from the request's Host header, as DRF does. */
  linkBaseUrl: string | null;
}

export type ListAnswer = { status: 200; body: unknown } | { status: 404; body: { detail: string } };

/**
 * One page of `items`. `page` is 1-based; a missing page means 1; anything else that is not a page
 * number in range answers 404 `{"detail": "Invalid page."}` (DRF's answer). `page_size` that is not a
 * positive integer is ignored and sizes above the maximum are capped (DRF's behaviour).
 */
export function paginate<T>(
  req: IncomingMessage,
  url: URL,
  items: readonly T[],
  render: (item: T) => unknown,
  settings: PageSettings,
  extraMetadata: Record<string, unknown> = {},
): ListAnswer {
  const sizeParam = url.searchParams.get('page_size');
  let pageSize = settings.defaultPageSize;
  if (sizeParam !== null && /^\d+$/.test(sizeParam) && Number(sizeParam) > 0) {
    pageSize = Math.min(Number(sizeParam), settings.maxPageSize);
  }
  const numPages = Math.max(1, Math.ceil(items.length / pageSize));
  const pageParam = url.searchParams.get('page');
  let page = 1;
  if (pageParam !== null) {
    if (pageParam === 'last') page = numPages;
    else if (/^\d+$/.test(pageParam)) page = Number(pageParam);
    else page = 0;
  }
  if (page < 1 || page > numPages) return { status: 404, body: { detail: 'Invalid page.' } };
  const base = settings.linkBaseUrl ?? `http://${req.headers.host ?? '127.0.0.1'}`;
  const link = (target: number): string => {
    const next = new URL(`${url.pathname}${url.search}`, base);
    if (target === 1) next.searchParams.delete('page');
    else next.searchParams.set('page', String(target));
    return next.toString();
  };
  const start = (page - 1) * pageSize;
  return {
    status: 200,
    body: {
      metadata: {
        ...extraMetadata,
        pagination: {
          count: items.length,
          next: page < numPages ? link(page + 1) : null,
          previous: page > 1 ? link(page - 1) : null,
          page_size: pageSize,
          num_pages: numPages,
          current_page: page,
        },
      },
      data: items.slice(start, start + pageSize).map(render),
    },
  };
}

/** Collects query-parameter errors keyed by the filter's name, as django-filter reports them. */
export class QueryReader {
  readonly errors: FieldErrors = {};
  private readonly params: URLSearchParams;

  constructor(params: URLSearchParams) {
    this.params = params;
  }

  text(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null || value === '' ? undefined : value;
  }

  /** django-filter's BooleanWidget: `true`/`false` (any case, or 1/0); other values disable the filter. */
  boolean(name: string): boolean | undefined {
    const value = this.text(name)?.toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return undefined;
  }

  integer(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) {
      this.errors[name] = ['Enter a whole number.'];
      return undefined;
    }
    return Number(value);
  }

  integerList(name: string): number[] | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const parts = value.split(',').map((part) => part.trim());
    if (!parts.every((part) => /^\d+$/.test(part))) {
      this.errors[name] = ['Enter a whole number.'];
      return undefined;
    }
    return parts.map(Number);
  }

  /** A comma list restricted to `choices`. */
  choiceList<C extends string>(name: string, choices: readonly C[]): C[] | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const parts = value.split(',').map((part) => part.trim());
    const bad = parts.find((part) => !choices.includes(part as C));
    if (bad !== undefined) {
      this.errors[name] = [`Select a valid choice. ${bad} is not one of the available choices.`];
      return undefined;
    }
    return parts as C[];
  }

  choice<C extends string>(name: string, choices: readonly C[]): C | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!choices.includes(value as C)) {
      this.errors[name] = [`Select a valid choice. ${value} is not one of the available choices.`];
      return undefined;
    }
    return value as C;
  }

  /**
   * A django-filter date-time range: `<field><lowSuffix>` ≥ and `<field><highSuffix>` ≤ (both
   * inclusive), in microseconds. A bad value is reported under the field's name.
   */
  dateTimeRange(field: string, lowSuffix: string, highSuffix: string): { low?: number; high?: number } {
    const range: { low?: number; high?: number } = {};
    for (const [suffix, key] of [
      [lowSuffix, 'low'],
      [highSuffix, 'high'],
    ] as const) {
      const value = this.text(`${field}${suffix}`);
      if (value === undefined) continue;
      const micros = parseMicros(value);
      if (micros === undefined) this.errors[field] = ['Enter a valid date/time.'];
      else range[key] = micros;
    }
    return range;
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

export const inRange = (value: number, range: { low?: number; high?: number }): boolean =>
  (range.low === undefined || value >= range.low) && (range.high === undefined || value <= range.high);

/** Sorts by `order_by` (`field` or `-field`) among `keys`; ties and the default go by id. */
export function orderBy<T extends { id: number }>(
  items: T[],
  order: string | undefined,
  keys: Record<string, (item: T) => number | string>,
): T[] {
  const descending = order?.startsWith('-') ?? false;
  const key = order === undefined ? undefined : keys[order.replace(/^-/, '')];
  return items.sort((a, b) => {
    if (key !== undefined) {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * (descending ? -1 : 1);
    }
    return (a.id - b.id) * (descending && key !== undefined ? -1 : 1);
  });
}
