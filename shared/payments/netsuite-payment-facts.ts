// The NetSuite reads of the payment flows: bills with their open amounts, accounts by Number, the
// Vendor Payment already written for a payment (push mode), and bills paid since a watermark with the
// date of the payment that paid them (pull mode). SuiteQL values are strings and null columns are
// absent, so every column but the id is optional here.
import { z } from 'zod';
import { toCents } from '../money/money.ts';
import type { NetSuiteRecords, SuiteQl } from '../netsuite/index.ts';
import { suiteQlTimestamp } from '../netsuite/index.ts';
import type {
  ExistingVendorPayment,
  NetSuiteBillFacts,
  NetSuitePaymentAccount,
} from './vendor-payment-plan.ts';

/** NetSuite refuses IN lists of more than 1000 values. */
const inListLimit = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

const billRowSchema = z.object({
  id: z.string(),
  entity: z.string().optional(),
  currency: z.string().optional(),
  currencysymbol: z.string().optional(),
  subsidiary: z.string().optional(),
  status: z.string().optional(),
  foreignamountunpaid: z.string().optional(),
  tranid: z.string().optional(),
});

/** The vendor bills among `ids` (a missing id is a bill that no longer exists). */
export async function readBillFacts(
  suiteQl: SuiteQl,
  ids: readonly string[],
): Promise<Map<string, NetSuiteBillFacts>> {
  const bills = new Map<string, NetSuiteBillFacts>();
  for (const part of chunks([...new Set(ids)], inListLimit)) {
    const rows = suiteQl.query(
      'SELECT t.id, t.entity, t.currency, c.symbol AS currencysymbol, tl.subsidiary, t.status, ' +
        't.foreignamountunpaid, t.tranid FROM transaction t ' +
        "JOIN transactionline tl ON tl.transaction = t.id AND tl.mainline = 'T' " +
        'LEFT JOIN currency c ON c.id = t.currency ' +
        `WHERE t.type = 'VendBill' AND t.id IN (${placeholders(part.length)})`,
      part,
      billRowSchema,
    );
    for await (const row of rows) {
      bills.set(row.id, {
        id: row.id,
        entity: row.entity ?? '',
        currency: row.currency ?? '',
        ...(row.currencysymbol === undefined ? {} : { currencySymbol: row.currencysymbol }),
        ...(row.subsidiary === undefined ? {} : { subsidiary: row.subsidiary }),
        status: row.status ?? '',
        unpaidCents: toCents(row.foreignamountunpaid ?? '0') ?? 0,
        ...(row.tranid === undefined ? {} : { tranId: row.tranid }),
      });
    }
  }
  return bills;
}

const accountRowSchema = z.object({
  id: z.string(),
  acctnumber: z.string().optional(),
  accttype: z.string().optional(),
  isinactive: z.string().optional(),
  currency: z.string().optional(),
});

/** Every account whose Number is `number` (active or not, any type: the planner says why none fits). */
export async function readAccountsByNumber(
  suiteQl: SuiteQl,
  number: string,
): Promise<NetSuitePaymentAccount[]> {
  const accounts: NetSuitePaymentAccount[] = [];
  if (number.trim() === '') return accounts;
  const rows = suiteQl.query(
    'SELECT id, acctnumber, accttype, isinactive, currency FROM account WHERE acctnumber = ?',
    [number.trim()],
    accountRowSchema,
  );
  for await (const row of rows) {
    accounts.push({
      id: row.id,
      number: row.acctnumber ?? '',
      type: row.accttype ?? '',
      inactive: row.isinactive === 'T',
      ...(row.currency === undefined ? {} : { currency: row.currency }),
    });
  }
  return accounts;
}

/**
 * Payment accounts by GL code, kept for a few minutes per container: the chart of accounts changes
 * rarely, and this saves one NetSuite request per payment (the account limit is the bottleneck). Only
 * usable answers (an active Bank account) are kept, so a missing or fixed mapping is seen at once.
 */
export class PaymentAccountCache {
  private readonly entries = new Map<string, { at: number; accounts: NetSuitePaymentAccount[] }>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(maxAgeMs = 300_000, now: () => number = Date.now) {
    this.maxAgeMs = maxAgeMs;
    this.now = now;
  }

  async accountsByNumber(suiteQl: SuiteQl, number: string): Promise<NetSuitePaymentAccount[]> {
    const key = number.trim();
    const cached = this.entries.get(key);
    if (cached !== undefined && this.now() - cached.at < this.maxAgeMs) return cached.accounts;
    const accounts = await readAccountsByNumber(suiteQl, key);
    if (accounts.some((account) => !account.inactive && account.type === 'Bank')) {
      this.entries.set(key, { at: this.now(), accounts });
    } else {
      this.entries.delete(key);
    }
    return accounts;
  }
}

const vendorPaymentSchema = z.object({
  id: z.string(),
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
export async function readExistingVendorPayment(
  records: NetSuiteRecords,
  externalId: string,
): Promise<ExistingVendorPayment | undefined> {
  const record = await records.find('vendorPayment', `eid:${externalId}`, {
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
  };
}

// ---- paid-bill pull --------------------------------------------------------------------------------

/** A vendor bill with money paid against it, as the paid-bill pull reads it. */
export interface PaidBillRow {
  id: string;
  /** A Paid In Full, or A Open with part of it paid. */
  status: string;
  unpaidCents: number;
  paidCents: number;
  tranId?: string;
  /** `YYYY-MM-DD HH24:MI:SS` in the account's time zone (as the watermark is kept). */
  lastModified: string;
}

const paidBillRowSchema = z.object({
  id: z.string(),
  status: z.string().optional(),
  foreignamountunpaid: z.string().optional(),
  foreignamountpaid: z.string().optional(),
  tranid: z.string().optional(),
  lastmodified: z.string(),
});

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
  for await (const row of rows) {
    yield {
      id: row.id,
      status: row.status ?? '',
      unpaidCents: toCents(row.foreignamountunpaid ?? '0') ?? 0,
      paidCents: toCents(row.foreignamountpaid ?? '0') ?? 0,
      ...(row.tranid === undefined ? {} : { tranId: row.tranid }),
      lastModified: row.lastmodified,
    };
  }
}

const paymentDateRowSchema = z.object({ bill: z.string(), paymentdate: z.string().optional() });

/** For each bill, the date (YYYY-MM-DD) of the latest Vendor Payment applied to it (bill → payment links). */
export async function readLatestPaymentDates(
  suiteQl: SuiteQl,
  billIds: readonly string[],
): Promise<Map<string, string>> {
  const dates = new Map<string, string>();
  for (const part of chunks([...new Set(billIds)], inListLimit)) {
    const rows = suiteQl.query(
      "SELECT l.previousdoc AS bill, TO_CHAR(MAX(p.trandate), 'YYYY-MM-DD') AS paymentdate " +
        'FROM nexttransactionlinelink l JOIN transaction p ON p.id = l.nextdoc ' +
        `WHERE p.type = 'VendPymt' AND l.previousdoc IN (${placeholders(part.length)}) GROUP BY l.previousdoc`,
      part,
      paymentDateRowSchema,
    );
    for await (const row of rows) if (row.paymentdate !== undefined) dates.set(row.bill, row.paymentdate);
  }
  return dates;
}

/**
 * The vendor bills among `ids` as the paid-bill pull reads them, whatever their status (the bills a
 * previous run could not mark are read again by id: the watermark has moved past them). A missing id is
 * a bill that no longer exists.
 */
export async function readBillsForPull(suiteQl: SuiteQl, ids: readonly string[]): Promise<PaidBillRow[]> {
  const bills: PaidBillRow[] = [];
  for (const part of chunks([...new Set(ids)], inListLimit)) {
    const rows = suiteQl.query(
      'SELECT t.id, t.status, t.foreignamountunpaid, t.foreignamountpaid, t.tranid, ' +
        `${suiteQlTimestamp('t.lastmodifieddate')} AS lastmodified FROM transaction t ` +
        `WHERE t.type = 'VendBill' AND t.id IN (${placeholders(part.length)})`,
      part,
      paidBillRowSchema,
    );
    for await (const row of rows) {
      bills.push({
        id: row.id,
        status: row.status ?? '',
        unpaidCents: toCents(row.foreignamountunpaid ?? '0') ?? 0,
        paidCents: toCents(row.foreignamountpaid ?? '0') ?? 0,
        ...(row.tranid === undefined ? {} : { tranId: row.tranid }),
        lastModified: row.lastmodified,
      });
    }
  }
  return bills;
}
