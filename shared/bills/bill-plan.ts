// Pure planning of a Procurify bill as a NetSuite Vendor Bill: which NetSuite records the bill
// needs (billNeeds), and, once they are looked up (bill-coding.ts), either the exact body to upsert —
// lines, tax, shipping, costs, location, class, custom fields — with the invoice files to store, or the
// list of what the bill waits for (billPlan 'park'). No I/O. To the cent: the Vendor Bill's lines add up
// exactly to the Procurify bill's total with tax, shipping and costs, or the bill is parked/refused.
//
// Procurify's amounts (procurify.openapi.yml, ItemReadSerializer_v2 / BillRead / BillCostRead, whose
// descriptions infra/sandboxes/procurify/model.ts billAmounts quotes; as the AP bill of shared/ap/bill.ts
// carries them): a line's `net` is without tax, `tax` its tax (inclusive or
// exclusive: either way not in net), `netWithTax` = net + tax, `shipping` its shipping; the bill's
// `totalCost` is the lines without tax and shipping plus the bill-level `costs`. What the vendor is
// owed, and what the Vendor Bill totals, is Σ lines + Σ tax + Σ shipping + Σ costs.
import type { ApBill, ApBillLine, CostAllocation, InvoiceFile } from '../ap/bill.ts';
import { BugError, DataError } from '../errors.ts';
import { contentHash } from '../master-data/map-master-data.ts';
import {
  formatMinor,
  formatUnits,
  isWholeMinor,
  minorToAmount,
  sumUnits,
  unitsPerMinor,
} from '../money/money.ts';
import { apportion, roundAllToMinor, toUnits } from './bill-money.ts';
import type { BillSyncSettings, CustomFieldSetting } from './bill-sync-settings.ts';

/** The one Procurify bill status apsync rewrites in NetSuite (2, Approved). */
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

/** The external id of the Vendor Bill apsync writes for a Procurify bill (prefixed by type; infra/contracts/facts/netsuite-reference.ts `recordId`). */
export const billExternalId = (uuid: string): string => `procurify-bill-${uuid.toLowerCase()}`;

/** Waiting-for keys of parked bills: what an operator reads, and what the re-send sweep matches on. */
export const accountCodeKey = (code: string): string => `account-code:${code}`;
export const departmentKey = (name: string): string => `department:${name}`;
export const locationKey = (procurifyLocation: string): string => `location:${procurifyLocation}`;
export const classKey = (department: string): string => `class:${department}`;
export const taxKey = (taxName: string): string => `tax:${taxName}`;
export const settingKey = (setting: string): string => `setting:${setting}`;
export const fieldValueKey = (field: string, value: string): string => `field:${field}=${value}`;
export const subsidiaryKey = (what: string): string => `subsidiary:${what}`;
export const currencyKey = (code: string): string => `currency:${code}`;
export const termKey = (name: string): string => `term:${name}`;
export const amountsKey = 'amounts';

export interface DepartmentNeed {
  procurifyId: number;
  name: string;
  /** The Procurify location (branch) the department belongs to, when Procurify says. */
  location?: string;
}

export interface BillNeeds {
  /** Distinct Procurify account codes (lines, and costs written to their own coding), in order of use. */
  accountCodes: string[];
  /** Distinct Procurify departments, in order of first use. */
  departments: DepartmentNeed[];
  /** Distinct Procurify locations of those departments. */
  procurifyLocations: string[];
  /** NetSuite accounts the configuration sends lines to (tax, shipping, costs). */
  configuredAccounts: string[];
  currencyCode: string;
  /** The bill's payment terms, when it has some. */
  term?: string;
}

/** What a bill's plan needs from NetSuite, read from the bill and the configuration. */
export function billNeeds(bill: ApBill, settings: BillSyncSettings): BillNeeds {
  const accountCodes = new Set<string>();
  const departments = new Map<number, DepartmentNeed>();
  const addAllocation = (allocation: CostAllocation, withAccount: boolean) => {
    if (withAccount) accountCodes.add(allocation.accountCode);
    const department = allocation.department;
    if (!departments.has(department.id)) departments.set(department.id, departmentOf(allocation)!);
  };
  for (const line of bill.lines) for (const allocation of line.allocations) addAllocation(allocation, true);
  if (settings.costs.mode !== 'apportion') {
    for (const cost of bill.costs) addAllocation(cost.allocation, settings.costs.mode === 'coded');
  }
  const configuredAccounts = new Set<string>();
  if (settings.tax?.strategy === 'tax-lines' && bill.lines.some((line) => hasAmount(line.tax))) {
    for (const name of taxNames(bill)) {
      const account = settings.tax.accounts[name] ?? settings.tax.defaultAccountId;
      if (account !== undefined) configuredAccounts.add(account);
    }
  }
  if (settings.shipping?.mode === 'account' && bill.lines.some((line) => hasAmount(line.shipping))) {
    configuredAccounts.add(settings.shipping.accountId);
  }
  if (settings.costs.mode === 'account' && bill.costs.length > 0)
    configuredAccounts.add(settings.costs.accountId);
  const term = bill.paymentTerms?.trim();
  return {
    accountCodes: [...accountCodes],
    departments: [...departments.values()],
    procurifyLocations: [
      ...new Set([...departments.values()].flatMap((d) => (d.location === undefined ? [] : [d.location]))),
    ],
    configuredAccounts: [...configuredAccounts],
    currencyCode: bill.currency,
    ...(term === undefined || term === '' ? {} : { term }),
  };
}

export interface MissingMapping {
  /** `account-code:6100`, `department:Marketing`, `tax:GST`, `setting:shipping`… */
  key: string;
  /** Why, for a person: which NetSuite record is missing, inactive or unavailable. */
  reason: string;
}

/** The NetSuite side of a bill, looked up for its needs (bill-coding.ts). */
export interface BillCoding {
  vendorId: string;
  subsidiaryId: string;
  currency: { id: string; code: string; precision: number };
  termId?: string;
  /** NetSuite account internal id per Procurify account code. */
  accounts: ReadonlyMap<string, string>;
  /** NetSuite department internal id per Procurify department id. */
  departments: ReadonlyMap<number, string>;
  /** NetSuite location internal id per Procurify location name (when locations are configured). */
  locations: ReadonlyMap<string, string>;
  /** NetSuite class internal id per Procurify department name (when classes are configured). */
  classes: ReadonlyMap<string, string>;
  /** Everything that did not map or is not usable in the subsidiary. */
  missing: readonly MissingMapping[];
}

export interface ExpenseLine {
  account: { id: string };
  amount: number;
  department?: { id: string };
  location?: { id: string };
  class?: { id: string };
  memo: string;
  /** custcol_… and cseg_… values. */
  [customField: string]: unknown;
}

export interface VendorBillBody {
  externalId: string;
  entity: { id: string };
  subsidiary: { id: string };
  currency: { id: string };
  terms?: { id: string };
  tranDate?: string;
  dueDate?: string;
  tranId?: string;
  memo: string;
  expense: { items: ExpenseLine[] };
  /** Always empty: with `replace=expense,item` any item line someone added is removed too. */
  item: { items: [] };
  /** custbody_… and body cseg_… values. */
  [customField: string]: unknown;
}

/** An invoice file to store in the File Cabinet and attach to the Vendor Bill (once). */
export interface AttachmentToStore {
  /** The configured File Cabinet folder. */
  folderId: string;
  uuid: string;
  name: string;
  mimetype: string;
  sha1?: string;
  attachment: InvoiceFile;
}

/** The amounts of the plan, for messages, preview and audit. */
export interface BillTotals {
  currency: string;
  precision: number;
  lines: string;
  tax: string;
  shipping: string;
  costs: string;
  total: string;
  totalMinor: bigint;
}

export type BillPlan =
  | { kind: 'park'; waitingFor: string[]; message: string }
  | {
      kind: 'write';
      body: VendorBillBody;
      hash: string;
      totals: BillTotals;
      lineCount: number;
      /** Invoice files to store (empty when the bill has none or no folder is configured). */
      attachments: AttachmentToStore[];
      /** What the plan deliberately leaves out, for preview and audit (e.g. files without a folder). */
      notes: string[];
    };

const memoLimit = 999;
const datePattern = /^(\d{4}-\d{2}-\d{2})/;

/** `2026-01-15T00:00:00Z` → `2026-01-15` (the calendar date as Procurify wrote it, not shifted to UTC). */
function calendarDate(value: string | null): string | undefined {
  return value === null ? undefined : datePattern.exec(value)?.[1];
}

const hasAmount = (value: string | null | undefined): boolean =>
  value !== null && value !== undefined && toUnits(value, 'amount') !== 0n;

/** `"8.87500000"` → `8.875`, `"5"` → `5` (a rate as people write it). */
const percent = (value: string): string => formatUnits(toUnits(value, 'tax %')).replace(/\.?0+$/, '');

const rateOf = (line: ApBillLine): string =>
  line.taxPercentage === null ? '' : ` ${percent(line.taxPercentage)}%`;

/** The line's tax as Procurify names it, else "Tax" with its rate (the key of the tax accounts). */
const taxNameOf = (line: ApBillLine): string => {
  const name = line.taxName?.trim();
  return name !== undefined && name !== '' ? name : `Tax${rateOf(line)}`;
};

/** "GST 5% (included) on Paper"; a tax without a name already carries its rate: "Tax 12.5% on Ink". */
const taxMemo = (line: ApBillLine): string => {
  const name = line.taxName?.trim();
  const named = name !== undefined && name !== '' ? `${name}${rateOf(line)}` : taxNameOf(line);
  return `${named}${line.taxIncluded ? ' (included)' : ''} on ${line.description}`;
};

function taxNames(bill: ApBill): string[] {
  return [...new Set(bill.lines.filter((line) => hasAmount(line.tax)).map(taxNameOf))];
}

/** One future expense line, in exact units, with what codes it. */
interface Piece {
  kind: 'line' | 'tax' | 'shipping' | 'cost';
  units: bigint;
  /** A Procurify account code to map, or a configured NetSuite account id. */
  account: { code: string } | { id: string };
  department?: { procurifyId: number; name: string; location?: string };
  item?: ApBillLine;
  memo: string;
}

const billLabel = (bill: ApBill): string => `Bill ${bill.invoiceNumber ?? bill.uuid}`;

/**
 * The amounts of a bill as pieces of expense lines, in exact units, with every consistency check on
 * Procurify's numbers (a DataError naming the line when they do not add up) and what the configuration
 * is missing for them (tax, shipping).
 */
export function billPieces(
  bill: ApBill,
  settings: BillSyncSettings,
): {
  pieces: Piece[];
  missing: MissingMapping[];
  sums: { lines: bigint; tax: bigint; shipping: bigint; costs: bigint };
} {
  if (bill.lines.length === 0) {
    throw new DataError(`${billLabel(bill)} has no lines`, { source: 'procurify', path: 'items' });
  }
  const missing: MissingMapping[] = [];
  const pieces: Piece[] = [];
  const sums = { lines: 0n, tax: 0n, shipping: 0n, costs: 0n };
  bill.lines.forEach((item, index) => {
    const label = `line ${index + 1} (${item.description.slice(0, 60)})`;
    const path = `items[${index}]`;
    if (item.allocations.length === 0) {
      throw new DataError(
        `${billLabel(bill)}: ${label} has no cost allocation (account code and department); code it in Procurify`,
        { source: 'procurify', path: `${path}.cost_allocations` },
      );
    }
    const net = toUnits(item.net, `${label} total`);
    const allocations = item.allocations.map((allocation) =>
      toUnits(allocation.amount, `${label} allocation ${allocation.id}`),
    );
    if (sumUnits(allocations) !== net) {
      throw new DataError(
        `${billLabel(bill)}: the cost allocations of ${label} add up to ${formatUnits(sumUnits(allocations))}, the line is ${formatUnits(net)}`,
        { source: 'procurify', path: `${path}.cost_allocations` },
      );
    }
    const tax = item.tax === null ? 0n : toUnits(item.tax, `${label} tax`);
    if (item.netWithTax !== null) {
      const withTax = toUnits(item.netWithTax, `${label} total with tax`);
      if (withTax !== net + tax) {
        throw new DataError(
          `${billLabel(bill)}: ${label} is ${formatUnits(net)} with tax ${formatUnits(tax)}, but its total with tax is ${formatUnits(withTax)}`,
          { source: 'procurify', path: `${path}.total_cost_with_tax` },
        );
      }
    }
    const shipping = item.shipping === null ? 0n : toUnits(item.shipping, `${label} shipping`);
    sums.lines += net;
    sums.tax += tax;
    sums.shipping += shipping;
    const quantity = quantityNote(item);
    const linePieces: Piece[] = item.allocations.map((allocation, at) => ({
      kind: 'line',
      units: allocations[at]!,
      account: { code: allocation.accountCode },
      department: departmentOf(allocation),
      item,
      memo: `${item.description}${quantity}`,
    }));
    pieces.push(...linePieces);
    if (tax !== 0n) {
      const name = taxNameOf(item);
      const tax_ = settings.tax;
      const account =
        tax_?.strategy === 'tax-lines' ? (tax_.accounts[name] ?? tax_.defaultAccountId) : undefined;
      if (tax_ === undefined) {
        missing.push({
          key: settingKey('tax'),
          reason: `${label} carries tax (${name} ${formatUnits(tax)}): configure the tax strategy (bills config: tax)`,
        });
      } else if (tax_.strategy !== 'tax-lines') {
        missing.push({
          key: settingKey('tax'),
          reason: `tax strategy ${tax_.strategy} cannot be written through NetSuite's REST record API; use tax-lines`,
        });
      } else if (account === undefined) {
        missing.push({
          key: taxKey(name),
          reason: `tax ${name}: no NetSuite tax account configured for it (bills config: tax.accounts["${name}"] or tax.defaultAccountId)`,
        });
      } else {
        apportion(tax, allocations).forEach((share, at) => {
          const allocation = item.allocations[at]!;
          pieces.push({
            kind: 'tax',
            units: share,
            account: { id: account },
            department: departmentOf(allocation),
            item,
            memo: taxMemo(item),
          });
        });
      }
    }
    if (shipping !== 0n) {
      const mode = settings.shipping;
      if (mode === undefined) {
        missing.push({
          key: settingKey('shipping'),
          reason: `${label} carries shipping (${formatUnits(shipping)}): configure how shipping is written (bills config: shipping)`,
        });
      } else if (mode.mode === 'apportion') {
        apportion(shipping, allocations).forEach((share, at) => {
          linePieces[at]!.units += share;
        });
      } else {
        apportion(shipping, allocations).forEach((share, at) => {
          pieces.push({
            kind: 'shipping',
            units: share,
            account: { id: mode.accountId },
            department: departmentOf(item.allocations[at]!),
            item,
            memo: `Shipping: ${item.description}`,
          });
        });
      }
    }
  });
  for (const cost of bill.costs) {
    const units = toUnits(cost.amount, `cost ${cost.name}`);
    sums.costs += units;
    if (units === 0n) continue;
    const allocation = cost.allocation;
    if (settings.costs.mode === 'apportion') {
      const targets = pieces.filter((piece) => piece.kind === 'line');
      apportion(
        units,
        targets.map((piece) => piece.units),
      ).forEach((share, at) => {
        targets[at]!.units += share;
      });
      continue;
    }
    pieces.push({
      kind: 'cost',
      units,
      account:
        settings.costs.mode === 'account'
          ? { id: settings.costs.accountId }
          : { code: allocation.accountCode },
      department: departmentOf(allocation),
      memo: `Cost: ${cost.name}`,
    });
  }
  const expected = sums.lines + sums.costs;
  const billTotal = toUnits(bill.totalCost, 'bill total');
  if (billTotal !== expected) {
    throw new DataError(
      `${billLabel(bill)}: the lines (${formatUnits(sums.lines)}) and costs (${formatUnits(sums.costs)}) add up to ${formatUnits(expected)}, the bill total is ${formatUnits(billTotal)}`,
      { source: 'procurify', path: 'total_cost' },
    );
  }
  return { pieces, missing, sums };
}

function departmentOf(allocation: CostAllocation): Piece['department'] {
  const { id, name, location } = allocation.department;
  return { procurifyId: id, name, ...(location === null ? {} : { location }) };
}

/** ` (3 × 12.50)` for a bill-by-quantity line; empty for bill-by-cost lines. */
function quantityNote(item: ApBillLine): string {
  if (item.billByCost || item.quantity === null || item.unitCost === null) return '';
  return ` (${formatUnits(toUnits(item.quantity, 'quantity')).replace(/\.00$/, '')} × ${formatUnits(toUnits(item.unitCost, 'unit cost'))})`;
}

function customValue(
  setting: CustomFieldSetting,
  bill: ApBill,
  item: ApBillLine | undefined,
  kind: Piece['kind'] = 'line',
): string | number | boolean | undefined {
  const from = setting.from;
  if ('constant' in from) return from.constant;
  if ('billField' in from) {
    const values = {
      id: String(bill.id),
      uuid: bill.uuid,
      invoiceNumber: bill.invoiceNumber ?? undefined,
      note: bill.note ?? undefined,
      paymentTerms: bill.paymentTerms ?? undefined,
    };
    const value = values[from.billField];
    return value === undefined || value === '' ? undefined : value;
  }
  if (item === undefined) return undefined;
  if ('lineValue' in from) {
    // Quantity and unit cost belong to bill-by-quantity lines (ItemReadSerializer_v2.unit_cost: "applicable
    // to bill by quantity items only"), and only to the line itself, not to its tax or shipping lines.
    if (item.billByCost || kind !== 'line') return undefined;
    const value = from.lineValue === 'quantity' ? item.quantity : item.unitCost;
    return value === null ? undefined : Number(formatUnits(toUnits(value, from.lineValue)));
  }
  const found = item.fields.find((field) => field.name === from.lineField);
  return found === undefined || found.value === null || found.value === '' ? undefined : found.value;
}

/** The custom segment values a bill's configured `cseg_` fields map to (checked for availability). */
export function segmentValueNeeds(
  bill: ApBill,
  settings: BillSyncSettings,
): Array<{ segment: string; id: string }> {
  const needs = new Map<string, { segment: string; id: string }>();
  for (const setting of settings.customFields) {
    if (!setting.field.startsWith('cseg') || setting.values === undefined) continue;
    // A cseg_ field goes on the lines (onBody: only custbody_ fields go on the body).
    for (const item of bill.lines) {
      const value = customValue(setting, bill, item);
      const id = value === undefined ? undefined : setting.values[String(value)];
      if (id !== undefined) needs.set(`${setting.field}:${id}`, { segment: setting.field, id });
    }
  }
  return [...needs.values()];
}

/** Where a configured field goes: custbody_ on the body, custcol_ on lines, cseg_ on lines. */
const onBody = (field: string): boolean => field.startsWith('custbody');

/**
 * Sets the configured custom fields of one place (the body, or one line): the value, or `{id}` through
 * the field's `values` map. A value the map lacks is a missing mapping naming the field and the value.
 */
function applyCustomFields(
  target: Record<string, unknown>,
  fields: readonly CustomFieldSetting[],
  sourceValue: (setting: CustomFieldSetting) => string | number | boolean | undefined,
  missing: MissingMapping[],
): void {
  for (const setting of fields) {
    const value = sourceValue(setting);
    if (value === undefined) continue;
    if (setting.values === undefined) {
      target[setting.field] = value;
      continue;
    }
    const id = setting.values[String(value)];
    if (id === undefined) {
      missing.push({
        key: fieldValueKey(setting.field, String(value)),
        reason: `${setting.field}: Procurify value "${String(value)}" has no NetSuite id in the configuration (bills config: customFields ${setting.field} values)`,
      });
    } else {
      target[setting.field] = { id };
    }
  }
}

/**
 * The Vendor Bill for a bill whose needs were looked up: parked when anything is missing (nothing is
 * written then), else the body with one expense line per cost allocation, tax share, shipping share and
 * cost. Lines are rounded to the currency's minor unit so that they add up exactly to the exact total;
 * a total the currency cannot represent (more decimals than it has) parks the bill.
 */
export function planVendorBill(bill: ApBill, settings: BillSyncSettings, coding: BillCoding): BillPlan {
  const { pieces, missing: settingGaps, sums } = billPieces(bill, settings);
  const missing: MissingMapping[] = [...settingGaps, ...coding.missing];
  const precision = coding.currency.precision;
  const total = sumUnits(pieces.map((piece) => piece.units));
  if (!isWholeMinor(total, precision)) {
    missing.push({
      key: amountsKey,
      reason: `the total ${formatUnits(total)} has more decimals than ${coding.currency.code} allows (${precision}); correct the bill in Procurify`,
    });
  }
  const totalMinor = total / unitsPerMinor(precision);
  const minor = isWholeMinor(total, precision)
    ? roundAllToMinor(
        pieces.map((p) => p.units),
        totalMinor,
        precision,
      )
    : [];

  const lineFields = settings.customFields.filter((setting) => !onBody(setting.field));
  const bodyFields = settings.customFields.filter((setting) => onBody(setting.field));
  const items: ExpenseLine[] = [];
  pieces.forEach((piece, index) => {
    const amount = minor[index];
    if (amount === 0n) return;
    const account = 'id' in piece.account ? piece.account.id : coding.accounts.get(piece.account.code);
    const line: ExpenseLine = {
      account: { id: account ?? '' },
      amount: amount === undefined ? 0 : minorToAmount(amount, precision),
      memo: piece.memo.slice(0, memoLimit),
    };
    if (piece.department !== undefined) {
      const department = coding.departments.get(piece.department.procurifyId);
      if (department !== undefined) line.department = { id: department };
      if (settings.location !== undefined && piece.department.location !== undefined) {
        const location = coding.locations.get(piece.department.location);
        if (location !== undefined) line.location = { id: location };
      }
      if (settings.class !== undefined) {
        const classId = coding.classes.get(piece.department.name) ?? settings.class.defaultId;
        if (classId !== undefined) line.class = { id: classId };
      }
    }
    applyCustomFields(
      line,
      lineFields,
      (setting) => customValue(setting, bill, piece.item, piece.kind),
      missing,
    );
    items.push(line);
  });

  const bodyValues: Record<string, unknown> = {};
  applyCustomFields(
    bodyValues,
    bodyFields,
    (setting) => {
      if (!('lineField' in setting.from) && !('lineValue' in setting.from)) {
        return customValue(setting, bill, undefined);
      }
      const values = [...new Set(bill.lines.map((line) => customValue(setting, bill, line)))];
      if (values.length > 1) {
        missing.push({
          key: fieldValueKey(setting.field, 'differs-between-lines'),
          reason: `${setting.field}: a body field, but its Procurify source differs between lines (${values.map(String).join(', ')})`,
        });
        return undefined;
      }
      return values[0];
    },
    missing,
  );

  if (missing.length > 0) {
    const waitingFor = [...new Set(missing.map((entry) => entry.key))];
    const reasons = [...new Set(missing.map((entry) => entry.reason))];
    return { kind: 'park', waitingFor, message: `Waiting for: ${reasons.join('; ')}` };
  }
  if (items.length === 0) {
    throw new DataError(`${billLabel(bill)} has nothing to bill (total ${formatUnits(total)})`, {
      source: 'procurify',
      path: 'total_cost',
    });
  }
  for (const line of items) {
    if (line.account.id === '') {
      throw new BugError(`bill ${bill.uuid}: a line's account was neither resolved nor reported missing`);
    }
  }
  const note = bill.note?.trim() ?? '';
  const tranDate = calendarDate(bill.invoiceDate);
  const dueDate = calendarDate(bill.dueDate);
  const body: VendorBillBody = {
    externalId: billExternalId(bill.uuid),
    entity: { id: coding.vendorId },
    subsidiary: { id: coding.subsidiaryId },
    currency: { id: coding.currency.id },
    ...(coding.termId === undefined ? {} : { terms: { id: coding.termId } }),
    ...(tranDate === undefined ? {} : { tranDate }),
    ...(dueDate === undefined ? {} : { dueDate }),
    ...(bill.invoiceNumber === null || bill.invoiceNumber === '' ? {} : { tranId: bill.invoiceNumber }),
    memo: (note === '' ? `Procurify bill ${bill.id}` : note).slice(0, memoLimit),
    ...bodyValues,
    expense: { items },
    item: { items: [] },
  };
  const notes: string[] = [];
  const files = bill.invoiceFiles;
  if (files.length > 0 && settings.attachments === undefined) {
    notes.push(
      `${files.length} invoice file(s) not stored: no File Cabinet folder configured (bills config: attachments.folderId)`,
    );
  }
  const folderId = settings.attachments?.folderId;
  const attachments: AttachmentToStore[] =
    folderId === undefined
      ? []
      : files.map((file, index) => ({
          folderId,
          uuid: file.uuid,
          name: file.name ?? `invoice-${index + 1}`,
          mimetype: file.mimetype ?? 'application/octet-stream',
          ...(file.sha1 === null ? {} : { sha1: file.sha1 }),
          attachment: file,
        }));
  const step = unitsPerMinor(precision);
  const show = (units: bigint) => formatMinor(units / step, precision);
  const exactShow = (units: bigint) => (isWholeMinor(units, precision) ? show(units) : formatUnits(units));
  return {
    kind: 'write',
    body,
    hash: contentHash(body),
    totals: {
      currency: coding.currency.code,
      precision,
      lines: exactShow(sums.lines),
      tax: exactShow(sums.tax),
      shipping: exactShow(sums.shipping),
      costs: exactShow(sums.costs),
      total: formatMinor(totalMinor, precision),
      totalMinor,
    },
    lineCount: items.length,
    attachments,
    notes,
  };
}
