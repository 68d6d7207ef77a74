// The NetSuite reads of the bill flow, all through SuiteQL with bound parameters: accounts by Number or
// id, departments by id or name, locations, classes and custom segment values by id (each with the
// subsidiaries it is available in), the vendor's subsidiaries, currencies by ISO code with their
// precision and subsidiaries (cached per container: they rarely change), terms by name, Vendor Bills of an
// older integration (legacy links) and bill ids for the link import. Used by bill-coding.ts,
// bill-settings-check.ts, legacy-bills.ts and import-bill-links.ts.
//
// Availability: department, classification, location and account rows carry `subsidiary` (the
// subsidiaries they are restricted to; empty = all) and `includechildren`; a custom segment's values are
// restricted through MAP_customrecord_cseg_<id>_cseg_<id>_filterby_subsidiary(mapone = value, maptwo =
// subsidiary) (infra/sandboxes/netsuite/README.md gives the sources).
import * as z from 'zod';
import { BugError } from '../errors.ts';
import type { SuiteQl, SuiteQlParam } from '../netsuite/index.ts';
import type { AccountRow, BillLookups, DepartmentRow, LegacyBillRow, SegmentRow } from './ports.ts';

/** SuiteQL refuses IN lists over 1000 values. */
const inListLimit = 1000;
const currencyCacheMs = 10 * 60_000;

const id = z.union([z.string(), z.number()]).transform(String);
const flag = z
  .string()
  .optional()
  .transform((value) => value === 'T');
const idList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );
const availability = { subsidiary: idList, includechildren: flag };
const accountRow = z.object({ id, acctnumber: z.string(), isinactive: flag, ...availability });
const departmentRow = z.object({ id, name: z.string(), isinactive: flag, ...availability });
const segmentValueRow = z.object({ id, name: z.string(), isinactive: flag });
const mapRow = z.object({ mapone: id, maptwo: id });
const subsidiaryRow = z.object({ id, name: z.string(), parent: id.optional(), isinactive: flag });
const termRow = z.object({ id, name: z.string(), isinactive: flag });
const relationshipRow = z.object({ subsidiary: id });
const vendorRow = z.object({ id, subsidiary: id.optional(), currency: id.optional(), isinactive: flag });
const currencyRow = z.object({
  id,
  symbol: z.string().optional(),
  name: z.string(),
  isinactive: flag,
  currencyprecision: z.coerce.number().int().min(0).max(8).optional(),
});
const billRow = z.object({ id, externalid: z.string().optional() });
const factsRow = z.object({
  id,
  entity: id,
  foreigntotal: z.union([z.string(), z.number()]).transform(String),
});
const invoiceRow = z.object({
  id,
  externalid: z.string().optional(),
  foreigntotal: z.union([z.string(), z.number()]).transform(String),
});

const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

function chunks<T>(values: readonly T[], size = inListLimit): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
  return result;
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const row of rows) result.push(row);
  return result;
}

/**
 * Reference data read once per container and kept for ten minutes, shared by every bill it syncs:
 * currencies, subsidiaries, terms, and the accounts the configuration names (tax, shipping, costs) —
 * the same rows for every bill. A change in NetSuite is seen within ten minutes; meanwhile NetSuite
 * itself refuses a write that uses a record made inactive, naming the field.
 */
export class ReferenceDataCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry !== undefined && this.now() - entry.at <= currencyCacheMs) return entry.value as Promise<T>;
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    // A failed read is not kept: the next bill asks again.
    value.catch(() => this.entries.delete(key));
    return value;
  }

  async rows(load: () => Promise<Array<z.output<typeof currencyRow>>>) {
    return this.get('currency', load);
  }
}

/** The name the composition roots have used for the cache (currencies were its first rows). */
export const CurrencyCache = ReferenceDataCache;
export type CurrencyCache = ReferenceDataCache;

export function createNetSuiteBillLookups(
  suiteQl: SuiteQl,
  cache: ReferenceDataCache = new ReferenceDataCache(),
): BillLookups {
  const query = <T>(sql: string, params: readonly SuiteQlParam[], schema: z.ZodType<T>) =>
    collect(suiteQl.query(sql, params, schema));
  const byIds = async <T>(sql: (list: string) => string, ids: readonly string[], schema: z.ZodType<T>) => {
    const rows: T[] = [];
    for (const chunk of chunks([...new Set(ids)]))
      rows.push(...(await query(sql(placeholders(chunk.length)), chunk, schema)));
    return rows;
  };
  const toAccount = (row: z.output<typeof accountRow>): AccountRow => ({
    id: row.id,
    acctnumber: row.acctnumber,
    inactive: row.isinactive,
    subsidiaries: row.subsidiary,
    includeChildren: row.includechildren,
  });
  const toSegment = (row: z.output<typeof departmentRow>): SegmentRow => ({
    id: row.id,
    name: row.name,
    inactive: row.isinactive,
    subsidiaries: row.subsidiary,
    includeChildren: row.includechildren,
  });
  const segmentTable = (table: 'location' | 'classification') => (ids: readonly string[]) =>
    byIds(
      (list) =>
        `SELECT id, name, isinactive, subsidiary, includechildren FROM ${table} WHERE id IN (${list})`,
      ids,
      departmentRow,
    ).then((rows) => rows.map(toSegment));
  return {
    async accountsByNumber(numbers) {
      const rows = await byIds(
        (list) =>
          `SELECT id, acctnumber, isinactive, subsidiary, includechildren FROM account WHERE acctnumber IN (${list})`,
        numbers,
        accountRow,
      );
      return rows.map(toAccount);
    },

    async accountsById(ids) {
      const key = `accounts:${[...new Set(ids)].sort().join(',')}`;
      const rows = await cache.get(key, () =>
        byIds(
          (list) =>
            `SELECT id, acctnumber, isinactive, subsidiary, includechildren FROM account WHERE id IN (${list})`,
          ids,
          accountRow,
        ),
      );
      return rows.map(toAccount);
    },

    async departments(ids, names) {
      const rows = new Map<string, DepartmentRow>();
      const idChunks = chunks([...new Set(ids)]);
      const nameChunks = chunks([...new Set(names)]);
      for (let index = 0; index < Math.max(idChunks.length, nameChunks.length); index++) {
        const idChunk = idChunks[index] ?? [];
        const nameChunk = nameChunks[index] ?? [];
        const conditions = [
          ...(idChunk.length === 0 ? [] : [`id IN (${placeholders(idChunk.length)})`]),
          ...(nameChunk.length === 0 ? [] : [`name IN (${placeholders(nameChunk.length)})`]),
        ];
        const found = await query(
          `SELECT id, name, isinactive, subsidiary, includechildren FROM department WHERE ${conditions.join(' OR ')}`,
          [...idChunk, ...nameChunk],
          departmentRow,
        );
        for (const row of found) rows.set(row.id, toSegment(row));
      }
      return [...rows.values()];
    },

    locations: segmentTable('location'),
    classes: segmentTable('classification'),

    async segmentValues(segment, ids) {
      if (!/^cseg[a-z0-9_]+$/.test(segment)) throw new BugError(`not a custom segment id: ${segment}`);
      const table = `customrecord_${segment}`;
      const values = await byIds(
        (list) => `SELECT id, name, isinactive FROM ${table} WHERE id IN (${list})`,
        ids,
        segmentValueRow,
      );
      const maps = await byIds(
        (list) =>
          `SELECT mapone, maptwo FROM MAP_${table}_${segment}_filterby_subsidiary WHERE mapone IN (${list})`,
        ids,
        mapRow,
      );
      return values.map((row) => ({
        id: row.id,
        name: row.name,
        inactive: row.isinactive,
        subsidiaries: maps.filter((map) => map.mapone === row.id).map((map) => map.maptwo),
        includeChildren: false,
      }));
    },

    async subsidiaries() {
      const rows = await cache.get('subsidiaries', () =>
        query('SELECT id, name, parent, isinactive FROM subsidiary', [], subsidiaryRow),
      );
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        inactive: row.isinactive,
        ...(row.parent === undefined ? {} : { parent: row.parent }),
      }));
    },

    async vendor(vendorId) {
      const [row] = await query(
        'SELECT id, subsidiary, currency, isinactive FROM vendor WHERE id = ?',
        [vendorId],
        vendorRow,
      );
      if (row === undefined) return undefined;
      return {
        id: row.id,
        inactive: row.isinactive,
        ...(row.subsidiary === undefined ? {} : { subsidiary: row.subsidiary }),
        ...(row.currency === undefined ? {} : { currency: row.currency }),
      };
    },

    async vendorSubsidiaries(vendorId) {
      const rows = await query(
        'SELECT subsidiary FROM vendorsubsidiaryrelationship WHERE entity = ?',
        [vendorId],
        relationshipRow,
      );
      const vendor = await this.vendor(vendorId);
      return [
        ...new Set([
          ...(vendor?.subsidiary === undefined ? [] : [vendor.subsidiary]),
          ...rows.map((row) => row.subsidiary),
        ]),
      ];
    },

    async currencyByCode(code) {
      const rows = await cache.rows(() =>
        query('SELECT id, symbol, name, isinactive, currencyprecision FROM currency', [], currencyRow),
      );
      const wanted = code.trim().toUpperCase();
      const active = rows.filter((row) => !row.isinactive);
      const match =
        active.find((row) => row.symbol?.toUpperCase() === wanted) ??
        active.find((row) => row.name.toUpperCase() === wanted);
      return match === undefined
        ? undefined
        : { id: match.id, code: match.symbol ?? match.name, precision: match.currencyprecision ?? 2 };
    },

    async termByName(name) {
      const rows = await cache.get('terms', () =>
        query('SELECT id, name, isinactive FROM term', [], termRow),
      );
      const wanted = name.trim().toUpperCase();
      return rows.find((row) => !row.isinactive && row.name.trim().toUpperCase() === wanted)?.id;
    },

    async vendorBillsWithExternalId(vendorId) {
      const rows = await query(
        "SELECT id, externalid FROM transaction WHERE type = 'VendBill' AND entity = ? AND externalid IS NOT NULL",
        [vendorId],
        billRow,
      );
      return rows.map(toLegacyRow);
    },

    async vendorBillsByInvoice(vendorId, invoiceNumber) {
      const rows = await query(
        "SELECT id, externalid, foreigntotal FROM transaction WHERE type = 'VendBill' AND entity = ? AND tranid = ?",
        [vendorId, invoiceNumber],
        invoiceRow,
      );
      return rows.map((row) => ({
        id: row.id,
        total: row.foreigntotal.replace(/^-/, ''),
        ...(row.externalid === undefined ? {} : { externalId: row.externalid }),
      }));
    },

    async vendorBillsByField(field, value) {
      if (!/^custbody_[a-z0-9_]+$/.test(field))
        throw new BugError(`not a custbody field id: ${field}`, { source: 'apsync' });
      const rows = await query(
        `SELECT id, externalid FROM transaction WHERE type = 'VendBill' AND ${field} = ?`,
        [value],
        billRow,
      );
      return rows.map(toLegacyRow);
    },

    async vendorBillFacts(ids) {
      const facts = new Map<string, { vendorId: string; total: string }>();
      const rows = await byIds(
        (list) =>
          `SELECT id, entity, foreigntotal FROM transaction WHERE type = 'VendBill' AND id IN (${list})`,
        ids,
        factsRow,
      );
      for (const row of rows)
        facts.set(row.id, { vendorId: row.entity, total: row.foreigntotal.replace(/^-/, '') });
      return facts;
    },

    async existingVendorBills(ids) {
      const found = new Set<string>();
      for (const chunk of chunks([...new Set(ids)])) {
        const rows = await query(
          `SELECT id FROM transaction WHERE type = 'VendBill' AND id IN (${placeholders(chunk.length)})`,
          chunk,
          billRow,
        );
        for (const row of rows) found.add(row.id);
      }
      return found;
    },
  };
}

function toLegacyRow(row: z.output<typeof billRow>): LegacyBillRow {
  return { id: row.id, ...(row.externalid === undefined ? {} : { externalId: row.externalid }) };
}
