// Pure planning of a Procurify bill as a NetSuite Vendor Bill (SPEC F3): which mappings the bill needs,
// and, once they are resolved, either the exact body to upsert or the list of missing mappings the bill
// waits for. No I/O: the bill-sync use case (sync-bill.ts) resolves the mappings and writes.
import { BugError, DataError } from '../errors.ts';
import { contentHash } from '../master-data/map-master-data.ts';
import { compareDecimals, type ProcurifyBill, sumDecimals } from '../procurify/index.ts';
import {
  centsToAmount,
  decimalScale,
  formatCents,
  roundingRemainder,
  sumCents,
  toCents,
} from './bill-money.ts';

/** The one Procurify bill status apsync writes to NetSuite (2, Approved). */
export const approvedBillStatus = 2;

/**
 * Statuses in which a bill not yet in NetSuite is written: Approved, and the states a bill reaches only
 * after approval (4 Paid, 6–8 payment states) — a bill approved and paid between two polls must still
 * become a Vendor Bill, or its payment could never be pushed ("Bill not synced").
 */
export const writableBillStatuses: ReadonlySet<number> = new Set([2, 4, 6, 7, 8]);

export const billStatusNames: Readonly<Record<number, string>> = {
  0: 'Draft',
  1: 'Confirmed',
  2: 'Approved',
  3: 'Denied',
  4: 'Paid',
  5: 'Withdrawn',
  6: 'Payment Confirmed',
  7: 'Payment Approved',
  8: 'Payment Limbo',
};

/** The external id of the Vendor Bill apsync writes for a Procurify bill (netsuite.md: prefix by type). */
export const billExternalId = (uuid: string): string => `procurify-bill-${uuid.toLowerCase()}`;

/** Waiting-for keys of parked bills: what an operator reads, and what the re-send sweep matches on. */
export const accountCodeKey = (code: string): string => `account-code:${code}`;
export const departmentKey = (name: string): string => `department:${name}`;

export interface DepartmentNeed {
  procurifyId: number;
  name: string;
}

export interface CodingNeeds {
  /** Distinct Procurify account codes, in order of first use. */
  accountCodes: string[];
  /** Distinct Procurify departments, in order of first use. */
  departments: DepartmentNeed[];
}

/** The account codes and departments a bill's cost allocations use. */
export function codingNeeds(bill: ProcurifyBill): CodingNeeds {
  const accountCodes = new Set<string>();
  const departments = new Map<number, DepartmentNeed>();
  for (const item of bill.items) {
    for (const allocation of item.cost_allocations) {
      accountCodes.add(allocation.budget.account_code.code);
      const department = allocation.budget.department;
      if (!departments.has(department.id)) {
        departments.set(department.id, { procurifyId: department.id, name: department.name });
      }
    }
  }
  return { accountCodes: [...accountCodes], departments: [...departments.values()] };
}

export interface MissingMapping {
  /** `account-code:6100`, `department:Marketing`. */
  key: string;
  /** Why, for a person: which NetSuite record is missing or inactive. */
  reason: string;
}

export interface BillCoding {
  /** NetSuite account internal id per Procurify account code, for the codes that map. */
  accounts: ReadonlyMap<string, string>;
  /** NetSuite department internal id per Procurify department id, for the departments that map. */
  departments: ReadonlyMap<number, string>;
  missing: readonly MissingMapping[];
}

export interface BillHeader {
  vendorId: string;
  subsidiaryId: string;
  currencyId: string;
}

export interface ExpenseLine {
  account: { id: string };
  amount: number;
  department: { id: string };
  memo: string;
}

export interface VendorBillBody {
  externalId: string;
  entity: { id: string };
  subsidiary: { id: string };
  currency: { id: string };
  tranDate?: string;
  dueDate?: string;
  tranId?: string;
  memo: string;
  expense: { items: ExpenseLine[] };
  /** Always empty: with `replace=expense,item` any item line someone added is removed too. */
  item: { items: [] };
}

export type BillPlan =
  | { kind: 'park'; waitingFor: string[]; message: string }
  | { kind: 'write'; body: VendorBillBody; hash: string; totalCents: bigint; lineCount: number };

const memoLimit = 999;
const datePattern = /^(\d{4}-\d{2}-\d{2})/;

/** `2026-01-15T00:00:00Z` → `2026-01-15` (the calendar date as Procurify wrote it, not shifted to UTC). */
function calendarDate(value: string | null): string | undefined {
  return value === null ? undefined : datePattern.exec(value)?.[1];
}

/**
 * The Vendor Bill for a bill whose mappings were looked up: parked when any mapping is missing (nothing
 * is written then; `header` may be undefined, it is looked up only for bills that will be written), else the body with one expense line per cost allocation. Amounts are exact: each
 * line's allocations must add up to the line and the lines to the bill (a DataError otherwise), and
 * when rounding to cents loses a cent the largest line absorbs it, so NetSuite's total is the bill's.
 */
export function planVendorBill(
  bill: ProcurifyBill,
  coding: BillCoding,
  header: BillHeader | undefined,
): BillPlan {
  const lines = expenseAmounts(bill);
  if (coding.missing.length > 0) {
    const waitingFor = [...new Set(coding.missing.map((missing) => missing.key))];
    return {
      kind: 'park',
      waitingFor,
      message: `Waiting for mappings in NetSuite: ${coding.missing.map((missing) => missing.reason).join('; ')}`,
    };
  }
  if (header === undefined) {
    throw new BugError(
      `bill ${bill.uuid}: every mapping resolved but no vendor, subsidiary and currency given`,
    );
  }
  const items: ExpenseLine[] = lines.map((line) => {
    const account = coding.accounts.get(line.accountCode);
    const department = coding.departments.get(line.departmentId);
    if (account === undefined || department === undefined) {
      // The caller resolved every need or reported it missing; a gap here is a bug in the caller.
      throw new BugError(`bill ${bill.uuid}: a line's mapping was neither resolved nor reported missing`);
    }
    return {
      account: { id: account },
      amount: centsToAmount(line.cents),
      department: { id: department },
      memo: line.memo,
    };
  });
  const note = bill.note?.trim() ?? '';
  const tranDate = calendarDate(bill.invoice_date);
  const dueDate = calendarDate(bill.due_date);
  const body: VendorBillBody = {
    externalId: billExternalId(bill.uuid),
    entity: { id: header.vendorId },
    subsidiary: { id: header.subsidiaryId },
    currency: { id: header.currencyId },
    ...(tranDate === undefined ? {} : { tranDate }),
    ...(dueDate === undefined ? {} : { dueDate }),
    ...(bill.invoice_number === null || bill.invoice_number === '' ? {} : { tranId: bill.invoice_number }),
    memo: (note === '' ? `Procurify bill ${bill.id}` : note).slice(0, memoLimit),
    expense: { items },
    item: { items: [] },
  };
  return {
    kind: 'write',
    body,
    hash: contentHash(body),
    totalCents: sumCents(lines.map((line) => line.cents)),
    lineCount: items.length,
  };
}

interface LineAmount {
  accountCode: string;
  departmentId: number;
  cents: bigint;
  /** The amount as Procurify wrote it. */
  exact: string;
  memo: string;
}

/** One amount per cost allocation, in cents, adding up exactly to the bill's total. */
export function expenseAmounts(bill: ProcurifyBill): LineAmount[] {
  if (bill.items.length === 0) {
    throw new DataError(`Bill ${bill.invoice_number ?? bill.uuid} has no lines`, { source: 'procurify' });
  }
  const lines: LineAmount[] = [];
  bill.items.forEach((item, index) => {
    const label = `line ${index + 1} (${item.description.slice(0, 60)})`;
    if (item.cost_allocations.length === 0) {
      throw new DataError(
        `Bill ${bill.invoice_number ?? bill.uuid}: ${label} has no cost allocation (account code and department); code it in Procurify`,
        { source: 'procurify', path: `items[${index}].cost_allocations` },
      );
    }
    const allocated = sumDecimals(item.cost_allocations.map((allocation) => allocation.amount));
    if (compareDecimals(allocated, item.total_cost) !== 0) {
      throw new DataError(
        `Bill ${bill.invoice_number ?? bill.uuid}: the cost allocations of ${label} add up to ${allocated}, the line is ${item.total_cost}`,
        { source: 'procurify', path: `items[${index}].cost_allocations` },
      );
    }
    for (const allocation of item.cost_allocations) {
      lines.push({
        accountCode: allocation.budget.account_code.code,
        departmentId: allocation.budget.department.id,
        cents: toCents(allocation.amount, `${label} allocation ${allocation.id}`),
        exact: allocation.amount,
        memo: item.description.slice(0, memoLimit),
      });
    }
  });
  const linesTotal = sumDecimals(bill.items.map((item) => item.total_cost));
  if (compareDecimals(linesTotal, bill.total_cost) !== 0) {
    throw new DataError(
      `Bill ${bill.invoice_number ?? bill.uuid}: the lines add up to ${linesTotal}, the bill total is ${bill.total_cost}`,
      { source: 'procurify', path: 'total_cost' },
    );
  }
  // Rounding each amount to cents may lose or gain cents against the rounded total: they go, one by
  // one, to the lines rounding moved most the other way (largest remainder), so the total is exact.
  const target = toCents(bill.total_cost, 'bill total');
  let difference = target - sumCents(lines.map((line) => line.cents));
  if (difference !== 0n) {
    const scale = decimalScale(lines.map((line) => line.exact));
    const step = difference > 0n ? 1n : -1n;
    const order = lines
      .map((line, index) => ({ line, index, remainder: roundingRemainder(line.exact, scale) * step }))
      .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
    for (let turn = 0; difference !== 0n; turn++) {
      order[turn % order.length]!.line.cents += step;
      difference -= step;
    }
  }
  const nonZero = lines.filter((line) => line.cents !== 0n);
  if (nonZero.length === 0) {
    throw new DataError(
      `Bill ${bill.invoice_number ?? bill.uuid} has nothing to bill (total ${formatCents(target)})`,
      { source: 'procurify', path: 'total_cost' },
    );
  }
  return nonZero;
}
