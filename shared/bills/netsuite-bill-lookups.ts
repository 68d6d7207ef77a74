// The NetSuite reads of the bill flow, all through SuiteQL with bound parameters: accounts by Number,
// departments by id or name, the vendor's subsidiary, currencies by ISO code (cached per container: they
// rarely change), Vendor Bills of an older integration (legacy links) and bill ids for the link import.
// Used by sync-bill.ts, bill-coding.ts, legacy-bills.ts and import-bill-links.ts.
import { z } from 'zod';
import { BugError } from '../errors.ts';
import type { SuiteQl, SuiteQlParam } from '../netsuite/index.ts';

export interface AccountRow {
  id: string;
  acctnumber: string;
  inactive: boolean;
}

export interface DepartmentRow {
  id: string;
  name: string;
  inactive: boolean;
}

export interface VendorRow {
  id: string;
  subsidiary?: string;
  currency?: string;
  inactive: boolean;
}

export interface LegacyBillRow {
  id: string;
  externalId?: string;
}

export interface BillLookups {
  accountsByNumber(numbers: readonly string[]): Promise<AccountRow[]>;
  /** Departments with one of these internal ids or one of these names. */
  departments(ids: readonly string[], names: readonly string[]): Promise<DepartmentRow[]>;
  vendor(id: string): Promise<VendorRow | undefined>;
  /** The internal id of the active currency with this ISO code (NetSuite's `symbol`). */
  currencyByCode(code: string): Promise<string | undefined>;
  /** The vendor's Vendor Bills that carry an external id. */
  vendorBillsWithExternalId(vendorId: string): Promise<LegacyBillRow[]>;
  /** Vendor Bills whose body field `field` (a validated custbody_ id) equals `value`. */
  vendorBillsByField(field: string, value: string): Promise<LegacyBillRow[]>;
  /** Which of these internal ids are Vendor Bills. */
  existingVendorBills(ids: readonly string[]): Promise<Set<string>>;
}

/** SuiteQL refuses IN lists over 1000 values. */
const inListLimit = 1000;
const currencyCacheMs = 10 * 60_000;

const id = z.union([z.string(), z.number()]).transform(String);
const flag = z
  .string()
  .optional()
  .transform((value) => value === 'T');
const accountRow = z.object({ id, acctnumber: z.string(), isinactive: flag });
const departmentRow = z.object({ id, name: z.string(), isinactive: flag });
const vendorRow = z.object({ id, subsidiary: id.optional(), currency: id.optional(), isinactive: flag });
const currencyRow = z.object({ id, symbol: z.string().optional(), name: z.string(), isinactive: flag });
const billRow = z.object({ id, externalid: z.string().optional() });

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

/** Currencies read once per container and kept for ten minutes (shared by every bill it syncs). */
export class CurrencyCache {
  private entry: { at: number; rows: Array<z.output<typeof currencyRow>> } | undefined;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  async rows(load: () => Promise<Array<z.output<typeof currencyRow>>>) {
    if (this.entry === undefined || this.now() - this.entry.at > currencyCacheMs) {
      this.entry = { at: this.now(), rows: await load() };
    }
    return this.entry.rows;
  }
}

export function createNetSuiteBillLookups(suiteQl: SuiteQl, currencies = new CurrencyCache()): BillLookups {
  const query = <T>(sql: string, params: readonly SuiteQlParam[], schema: z.ZodType<T>) =>
    collect(suiteQl.query(sql, params, schema));
  return {
    async accountsByNumber(numbers) {
      const rows: AccountRow[] = [];
      for (const chunk of chunks([...new Set(numbers)])) {
        const found = await query(
          `SELECT id, acctnumber, isinactive FROM account WHERE acctnumber IN (${placeholders(chunk.length)})`,
          chunk,
          accountRow,
        );
        rows.push(
          ...found.map((row) => ({ id: row.id, acctnumber: row.acctnumber, inactive: row.isinactive })),
        );
      }
      return rows;
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
          `SELECT id, name, isinactive FROM department WHERE ${conditions.join(' OR ')}`,
          [...idChunk, ...nameChunk],
          departmentRow,
        );
        for (const row of found) rows.set(row.id, { id: row.id, name: row.name, inactive: row.isinactive });
      }
      return [...rows.values()];
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

    async currencyByCode(code) {
      const rows = await currencies.rows(() =>
        query('SELECT id, symbol, name, isinactive FROM currency', [], currencyRow),
      );
      const wanted = code.trim().toUpperCase();
      const active = rows.filter((row) => !row.isinactive);
      const match =
        active.find((row) => row.symbol?.toUpperCase() === wanted) ??
        active.find((row) => row.name.toUpperCase() === wanted);
      return match?.id;
    },

    async vendorBillsWithExternalId(vendorId) {
      const rows = await query(
        "SELECT id, externalid FROM transaction WHERE type = 'VendBill' AND entity = ? AND externalid IS NOT NULL",
        [vendorId],
        billRow,
      );
      return rows.map(toLegacyRow);
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
