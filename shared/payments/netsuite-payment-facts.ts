// The NetSuite reads of the payment flows: bills with their open amounts, accounts by Number, the
// Vendor Payment already written for a payment — for a whole batch of payments at once (push mode,
// createNetSuitePaymentFacts) — and bills paid since a watermark with the date of the payment that paid
// them (pull mode). SuiteQL values are strings and null columns are
// absent, so every column but the id is optional here.
import * as z from 'zod';
import { toCents } from '../money/money.ts';
import type { NetSuiteRecords, SuiteQl } from '../netsuite/index.ts';
import { suiteQlTimestamp } from '../netsuite/index.ts';
import type {
  PaidBillReads,
  PaidBillRow,
  PaymentFacts,
  PaymentFactsReads,
  PaymentFactsRequest,
  PaymentFactsSource,
} from './ports.ts';
import type {
  ExistingVendorPayment,
  NetSuiteBillFacts,
  NetSuitePaymentAccount,
} from './vendor-payment-plan.ts';

/** NetSuite refuses IN lists of more than 1000 values (netsuite-reference.ts `suiteQlReference`). */
const inListLimit = 1000;

/**
 * Rows of `sql(placeholders)` for `values`, at most 1000 values per query (duplicates dropped); the
 * query binds the values where it puts the placeholders (`… IN (?, ?, …)`).
 */
async function* rowsByValues<T>(
  suiteQl: SuiteQl,
  values: readonly string[],
  sql: (placeholders: string) => string,
  schema: z.ZodType<T>,
): AsyncIterable<T> {
  const unique = [...new Set(values)];
  for (let start = 0; start < unique.length; start += inListLimit) {
    const part = unique.slice(start, start + inListLimit);
    yield* suiteQl.query(sql(part.map(() => '?').join(', ')), part, schema);
  }
}

/**
 * A SuiteQL row: the id, and `columns` each optional (SuiteQL values are strings; a null column is absent).
 */
function suiteQlRow<const Column extends string>(...columns: Column[]) {
  const optional = Object.fromEntries(columns.map((column) => [column, z.string().optional()]));
  return z.object({ id: z.string(), ...(optional as Record<Column, z.ZodOptional<z.ZodString>>) });
}

const billColumns = [
  'entity',
  'currency',
  'currencysymbol',
  'subsidiary',
  'status',
  'foreignamountunpaid',
  'tranid',
] as const;
const billRowSchema = suiteQlRow(...billColumns);

/**
 * The vendor bills among `ids` (a missing id is a bill that no longer exists): the batch read of
 * readBillsAndVendorPaymentIds, with no Vendor Payment asked for.
 */
export async function readBillFacts(
  suiteQl: SuiteQl,
  ids: readonly string[],
): Promise<Map<string, NetSuiteBillFacts>> {
  return (await readBillsAndVendorPaymentIds(suiteQl, ids, [])).bills;
}

function billFactsFromRow(row: z.infer<typeof billRowSchema>): NetSuiteBillFacts {
  return {
    id: row.id,
    entity: row.entity ?? '',
    currency: row.currency ?? '',
    ...(row.currencysymbol === undefined ? {} : { currencySymbol: row.currencysymbol }),
    ...(row.subsidiary === undefined ? {} : { subsidiary: row.subsidiary }),
    status: row.status ?? '',
    unpaidCents: toCents(row.foreignamountunpaid ?? '0') ?? 0,
    ...(row.tranid === undefined ? {} : { tranId: row.tranid }),
  };
}

const accountRowSchema = suiteQlRow('acctnumber', 'accttype', 'isinactive', 'currency');

/**
 * Every account whose Number is one of `numbers`, by Number (active or not, any type: the planner says
 * why none fits); a Number no account has maps to an empty list.
 */
export async function readAccountsByNumbers(
  suiteQl: SuiteQl,
  numbers: readonly string[],
): Promise<Map<string, NetSuitePaymentAccount[]>> {
  const wanted = numbers.map((number) => number.trim()).filter((number) => number !== '');
  const accounts = new Map<string, NetSuitePaymentAccount[]>(wanted.map((number) => [number, []]));
  const rows = rowsByValues(
    suiteQl,
    wanted,
    (list) =>
      `SELECT id, acctnumber, accttype, isinactive, currency FROM account WHERE acctnumber IN (${list})`,
    accountRowSchema,
  );
  for await (const row of rows) {
    const number = row.acctnumber ?? '';
    accounts.get(number)?.push({
      id: row.id,
      number,
      type: row.accttype ?? '',
      inactive: row.isinactive === 'T',
      ...(row.currency === undefined ? {} : { currency: row.currency }),
    });
  }
  return accounts;
}

/** Every account whose Number is `number` (active or not, any type: the planner says why none fits). */
export async function readAccountsByNumber(
  suiteQl: SuiteQl,
  number: string,
): Promise<NetSuitePaymentAccount[]> {
  return (await readAccountsByNumbers(suiteQl, [number])).get(number.trim()) ?? [];
}

/**
 * Payment accounts by GL code, kept for a few minutes per container: the chart of accounts changes
 * rarely, and this saves one NetSuite request per payment (the account limit is the bottleneck). Only
 * usable answers (an active Bank account) are kept, so a missing or fixed mapping is seen at once. A
 * Number being read is not read twice: a second caller waits for that read (the payment-push worker
 * reads its batch's accounts ahead of the batch's facts read, which may come while it is under way),
 * and reads it again only if that read failed (once for all the callers that waited for it).
 */
export class PaymentAccountCache {
  private readonly entries = new Map<string, { at: number; accounts: NetSuitePaymentAccount[] }>();
  private readonly reading = new Map<string, Promise<Map<string, NetSuitePaymentAccount[]>>>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(maxAgeMs = 300_000, now: () => number = Date.now) {
    this.maxAgeMs = maxAgeMs;
    this.now = now;
  }

  async accountsByNumber(suiteQl: SuiteQl, number: string): Promise<NetSuitePaymentAccount[]> {
    return (await this.accountsByNumbers(suiteQl, [number])).get(number.trim()) ?? [];
  }

  /** The accounts of each Number, the ones neither kept nor being read read in one query. */
  async accountsByNumbers(
    suiteQl: SuiteQl,
    numbers: readonly string[],
  ): Promise<Map<string, NetSuitePaymentAccount[]>> {
    const found = new Map<string, NetSuitePaymentAccount[]>();
    const missing: string[] = [];
    const joined = new Map<string, Promise<Map<string, NetSuitePaymentAccount[]>>>();
    for (const key of new Set(numbers.map((number) => number.trim()))) {
      const cached = this.entries.get(key);
      const underWay = this.reading.get(key);
      if (cached !== undefined && this.now() - cached.at < this.maxAgeMs) found.set(key, cached.accounts);
      else if (underWay !== undefined) joined.set(key, underWay);
      else missing.push(key);
    }
    const own = missing.length === 0 ? undefined : this.read(suiteQl, missing);
    for (const [key, accounts] of (await own) ?? []) found.set(key, accounts);
    // Another caller's read of these Numbers: its answers; the Numbers whose read failed are read again,
    // together in one query of our own — or, where another waiter of that read has already started
    // reading them again, by waiting for that read (whose failure is then ours).
    const failed: string[] = [];
    for (const [key, underWay] of joined) {
      const answer = await underWay.catch(() => undefined);
      if (answer === undefined) failed.push(key);
      else found.set(key, answer.get(key) ?? []);
    }
    const rejoined = new Map<string, Promise<Map<string, NetSuitePaymentAccount[]>>>();
    const reread: string[] = [];
    for (const key of failed) {
      const restarted = this.reading.get(key);
      if (restarted !== undefined && restarted !== joined.get(key)) rejoined.set(key, restarted);
      else reread.push(key);
    }
    const again = reread.length === 0 ? undefined : this.read(suiteQl, reread);
    for (const [key, accounts] of (await again) ?? []) found.set(key, accounts);
    for (const [key, underWay] of rejoined) found.set(key, (await underWay).get(key) ?? []);
    return found;
  }

  /** One query for `keys`, known as under way until it ends; its usable answers kept. */
  private read(suiteQl: SuiteQl, keys: readonly string[]): Promise<Map<string, NetSuitePaymentAccount[]>> {
    const read = readAccountsByNumbers(suiteQl, keys).then((accounts) => {
      for (const key of keys) {
        const answer = accounts.get(key) ?? [];
        accounts.set(key, answer);
        if (answer.some((account) => !account.inactive && account.type === 'Bank')) {
          this.entries.set(key, { at: this.now(), accounts: answer });
        } else {
          this.entries.delete(key);
        }
      }
      return accounts;
    });
    for (const key of keys) this.reading.set(key, read);
    const ended = () => {
      for (const key of keys) if (this.reading.get(key) === read) this.reading.delete(key);
    };
    read.then(ended, ended);
    return read;
  }
}

// ---- payment push ----------------------------------------------------------------------------------

const vendorPaymentSchema = z.object({
  id: z.string(),
  // The payment's status letter, V once voided (infra/contracts/facts/netsuite-reference.ts `vendorPayment`).
  status: z.object({ id: z.string() }).optional(),
  account: z.object({ id: z.string() }).optional(),
  tranDate: z.string().optional(),
  apply: z
    .object({
      items: z
        .array(
          z.object({
            doc: z.object({ id: z.string() }),
            apply: z.boolean().optional(),
            amount: z.number().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** The Vendor Payment with this external id, with the bills it applies to (reads list open bills too). */
export function readExistingVendorPayment(
  records: NetSuiteRecords,
  externalId: string,
): Promise<ExistingVendorPayment | undefined> {
  return readVendorPayment(records, `eid:${externalId}`);
}

/**
 * A Vendor Payment by internal id or `eid:` reference, with the bills it applies to. One GET: SuiteQL
 * has no column for the payment's account (infra/contracts/facts/netsuite-reference.ts `suiteQlReference` lists none), which the planner compares.
 */
async function readVendorPayment(
  records: NetSuiteRecords,
  id: string,
): Promise<ExistingVendorPayment | undefined> {
  const record = await records.find('vendorPayment', id, {
    expandSubResources: true,
    schema: vendorPaymentSchema,
  });
  if (record === undefined) return undefined;
  const applied = new Map<string, number>();
  for (const item of record.apply?.items ?? []) {
    if (item.apply !== true) continue;
    applied.set(item.doc.id, (applied.get(item.doc.id) ?? 0) + (toCents(item.amount ?? 0) ?? 0));
  }
  return {
    id: record.id,
    applied,
    ...(record.account === undefined ? {} : { accountId: record.account.id }),
    ...(record.tranDate === undefined ? {} : { tranDate: record.tranDate.slice(0, 10) }),
    voided: record.status?.id === 'V',
  };
}

// ---- paid-bill pull --------------------------------------------------------------------------------

const paidBillRowSchema = suiteQlRow('status', 'foreignamountunpaid', 'foreignamountpaid', 'tranid').extend({
  lastmodified: z.string(),
});

/** A paid-bill row as the pull reads it (amounts in cents). */
function paidBillFromRow(row: z.infer<typeof paidBillRowSchema>): PaidBillRow {
  return {
    id: row.id,
    status: row.status ?? '',
    unpaidCents: toCents(row.foreignamountunpaid ?? '0') ?? 0,
    paidCents: toCents(row.foreignamountpaid ?? '0') ?? 0,
    ...(row.tranid === undefined ? {} : { tranId: row.tranid }),
    lastModified: row.lastmodified,
  };
}

/**
 * Vendor bills that are Paid In Full, or open with a part paid, modified at or after `since`
 * (`YYYY-MM-DD HH24:MI:SS`). Paying a bill changes its last-modified time, so this finds new payments.
 */
export async function* readPaidBills(suiteQl: SuiteQl, since: string): AsyncIterable<PaidBillRow> {
  const rows = suiteQl.windowed({
    select:
      't.id, t.status, t.foreignamountunpaid, t.foreignamountpaid, t.tranid, ' +
      `${suiteQlTimestamp('t.lastmodifieddate')} AS lastmodified`,
    from: 'transaction t',
    where: "t.type = 'VendBill' AND (t.status = 'B' OR (t.status = 'A' AND t.foreignamountpaid > 0))",
    keyColumns: { lastModified: 't.lastmodifieddate', id: 't.id' },
    after: { lastModified: since },
    schema: paidBillRowSchema,
  });
  for await (const row of rows) yield paidBillFromRow(row);
}

const paymentDateRowSchema = z.object({ bill: z.string(), paymentdate: z.string().optional() });

/** For each bill, the date (YYYY-MM-DD) of the latest Vendor Payment applied to it (bill → payment links). */
export async function readLatestPaymentDates(
  suiteQl: SuiteQl,
  billIds: readonly string[],
): Promise<Map<string, string>> {
  const dates = new Map<string, string>();
  const rows = rowsByValues(
    suiteQl,
    billIds,
    (list) =>
      "SELECT l.previousdoc AS bill, TO_CHAR(MAX(p.trandate), 'YYYY-MM-DD') AS paymentdate " +
      'FROM nexttransactionlinelink l JOIN transaction p ON p.id = l.nextdoc ' +
      `WHERE p.type = 'VendPymt' AND l.previousdoc IN (${list}) GROUP BY l.previousdoc`,
    paymentDateRowSchema,
  );
  for await (const row of rows) if (row.paymentdate !== undefined) dates.set(row.bill, row.paymentdate);
  return dates;
}

/**
 * The vendor bills among `ids` as the paid-bill pull reads them, whatever their status (the bills a
 * previous run could not mark are read again by id: the watermark has moved past them). A missing id is
 * a bill that no longer exists.
 */
export async function readBillsForPull(suiteQl: SuiteQl, ids: readonly string[]): Promise<PaidBillRow[]> {
  const bills: PaidBillRow[] = [];
  const rows = rowsByValues(
    suiteQl,
    ids,
    (list) =>
      'SELECT t.id, t.status, t.foreignamountunpaid, t.foreignamountpaid, t.tranid, ' +
      `${suiteQlTimestamp('t.lastmodifieddate')} AS lastmodified FROM transaction t ` +
      `WHERE t.type = 'VendBill' AND t.id IN (${list})`,
    paidBillRowSchema,
  );
  for await (const row of rows) bills.push(paidBillFromRow(row));
  return bills;
}

/** The paid-bill pull's reads (PaidBillReads) through SuiteQL. */
export function createNetSuitePaidBillReads(suiteQl: SuiteQl): PaidBillReads {
  return {
    paidSince: (since) => readPaidBills(suiteQl, since),
    billsById: (ids) => readBillsForPull(suiteQl, ids),
    latestPaymentDates: (ids) => readLatestPaymentDates(suiteQl, ids),
  };
}

// ---- the facts of a batch of payments ---------------------------------------------------------------

const transactionRowSchema = suiteQlRow(...billColumns, 'type', 'externalid');

/**
 * The vendor bills among `billIds` and the Vendor Payments written under `externalIds`, from one read of
 * `transaction` (infra/contracts/facts/netsuite-reference.ts `suiteQlReference`: `id`, `type` VendBill/VendPymt, `externalid`; every transaction
 * has its main line, `transactionline.mainline = 'T'`, which carries the subsidiary). At most 1000 values
 * per IN list (the same `suiteQlReference`): more make more queries. Vendor Payments by external id in lower
 * case (NetSuite's external ids are case-insensitive).
 */
export async function readBillsAndVendorPaymentIds(
  suiteQl: SuiteQl,
  billIds: readonly string[],
  externalIds: readonly string[],
): Promise<{ bills: Map<string, NetSuiteBillFacts>; vendorPaymentIds: Map<string, string> }> {
  const bills = new Map<string, NetSuiteBillFacts>();
  const vendorPaymentIds = new Map<string, string>();
  const uniqueBills = [...new Set(billIds)];
  const uniqueExternalIds = [...new Set(externalIds)];
  const queries = Math.ceil(Math.max(uniqueBills.length, uniqueExternalIds.length) / inListLimit);
  for (let query = 0; query < queries; query++) {
    const billPart = uniqueBills.slice(query * inListLimit, (query + 1) * inListLimit);
    const externalPart = uniqueExternalIds.slice(query * inListLimit, (query + 1) * inListLimit);
    const placeholders = (values: readonly string[]) => values.map(() => '?').join(', ');
    const conditions = [
      ...(billPart.length === 0 ? [] : [`(t.type = 'VendBill' AND t.id IN (${placeholders(billPart)}))`]),
      ...(externalPart.length === 0
        ? []
        : [`(t.type = 'VendPymt' AND t.externalid IN (${placeholders(externalPart)}))`]),
    ];
    const rows = suiteQl.query(
      'SELECT t.id, t.type, t.externalid, t.entity, t.currency, c.symbol AS currencysymbol, tl.subsidiary, ' +
        't.status, t.foreignamountunpaid, t.tranid FROM transaction t ' +
        "JOIN transactionline tl ON tl.transaction = t.id AND tl.mainline = 'T' " +
        'LEFT JOIN currency c ON c.id = t.currency ' +
        `WHERE ${conditions.join(' OR ')}`,
      [...billPart, ...externalPart],
      transactionRowSchema,
    );
    for await (const row of rows) {
      if (row.type === 'VendPymt') {
        if (row.externalid !== undefined) vendorPaymentIds.set(row.externalid.toLowerCase(), row.id);
      } else {
        bills.set(row.id, billFactsFromRow(row));
      }
    }
  }
  return { bills, vendorPaymentIds };
}

/**
 * The NetSuite facts of several payments (PaymentFactsReads): one query for their bills and the Vendor
 * Payments already written under their external ids, one GET for each Vendor Payment found (rare: a
 * retry after a write; SuiteQL has no column for its account) and, only if it applies to other bills,
 * one more query for those; the GL codes' accounts not kept in the cache in one query alongside (or
 * read ahead: readAccountsAhead). N payments in 1-2 requests instead of 2-3 each.
 */
export function createNetSuitePaymentFacts(
  netsuite: { records: NetSuiteRecords; suiteQl: SuiteQl },
  accounts: PaymentAccountCache = new PaymentAccountCache(0),
): PaymentFactsReads & PaymentFactsSource {
  const readMany = async (requests: readonly PaymentFactsRequest[]): Promise<PaymentFacts[]> => {
    if (requests.length === 0) return [];
    const glCodes = requests.flatMap((request) => (request.glCode === null ? [] : [request.glCode]));
    const [transactions, accountsByCode] = await Promise.all([
      readBillsAndVendorPaymentIds(
        netsuite.suiteQl,
        requests.flatMap((request) => request.billIds),
        requests.map((request) => request.externalId),
      ),
      glCodes.length === 0
        ? new Map<string, NetSuitePaymentAccount[]>()
        : accounts.accountsByNumbers(netsuite.suiteQl, glCodes),
    ]);
    const { bills } = transactions;
    const existing = await Promise.all(
      requests.map(async (request) => {
        const id = transactions.vendorPaymentIds.get(request.externalId.toLowerCase());
        return id === undefined ? undefined : readVendorPayment(netsuite.records, id);
      }),
    );
    const asked = new Set(requests.flatMap((request) => request.billIds));
    const appliedElsewhere = existing.flatMap((found) =>
      [...(found?.applied.keys() ?? [])].filter((id) => !asked.has(id)),
    );
    if (appliedElsewhere.length > 0) {
      for (const [id, bill] of await readBillFacts(netsuite.suiteQl, appliedElsewhere)) bills.set(id, bill);
    }
    return requests.map((request, index) => {
      const found = existing[index];
      const wanted = new Set([...request.billIds, ...(found?.applied.keys() ?? [])]);
      return {
        ...(found === undefined ? {} : { existing: found }),
        bills: new Map([...bills].filter(([id]) => wanted.has(id))),
        accounts: request.glCode === null ? [] : (accountsByCode.get(request.glCode.trim()) ?? []),
      };
    });
  };
  return {
    readMany,
    readAccountsAhead: async (glCodes) => {
      await accounts.accountsByNumbers(netsuite.suiteQl, glCodes);
    },
    read: async (request) => (await readMany([request]))[0]!,
    findVendorPayment: (externalId) => readExistingVendorPayment(netsuite.records, externalId),
  };
}
