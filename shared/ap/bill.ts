// Domain: a Procurify AP bill as apsync's bill planners and use cases read it — its lines with their
// tax, shipping and cost allocations (account code, department, location), its bill-level costs and
// invoice files, vendor, currency and status — and a row of the bill list (what the polls, the initial
// load and reconciliation read). Plain data, no I/O: the Procurify adapter maps its wire answers
// (BillRead, SimpleBill: shared/procurify/schemas.ts) to them (shared/procurify/ap-records.ts). Money stays an
// exact decimal string, as Procurify wrote it (read with shared/bills/bill-money.ts `toUnits`).

/** Procurify's bill status integers (BillRead `status`). */
export const procurifyBillStatus = {
  draft: 0,
  confirmed: 1,
  approved: 2,
  denied: 3,
  paid: 4,
  withdrawn: 5,
  paymentConfirmed: 6,
  paymentApproved: 7,
  paymentLimbo: 8,
} as const;

/** A Procurify department that a line's cost is allocated to, with its location when Procurify gives one. */
export interface AllocatedDepartment {
  id: number;
  name: string;
  /** The Procurify location (branch) the department belongs to; null when Procurify does not say. */
  location: string | null;
}

/** A share of a line's (or cost's) amount coded to one account code and department. */
export interface CostAllocation {
  id: number;
  /** Decimal string. */
  amount: string;
  /** The Procurify account code (its Number in NetSuite). */
  accountCode: string;
  department: AllocatedDepartment;
}

/** A custom field's value on a bill line (text or yes/no; null when unset). */
export interface LineFieldValue {
  name: string;
  value: string | boolean | null;
}

/**
 * A bill line. `net` is the line without tax, `tax` its tax (included in the entered price or added to
 * it: either way not in `net`), `netWithTax` net + tax when Procurify gives it, `shipping` the line's
 * shipping. All decimal strings.
 */
export interface ApBillLine {
  id: number;
  description: string;
  quantity: string | null;
  unitCost: string | null;
  /** Billed by cost (no quantity × unit cost). */
  billByCost: boolean;
  net: string;
  taxName: string | null;
  taxPercentage: string | null;
  tax: string | null;
  taxIncluded: boolean;
  netWithTax: string | null;
  shipping: string | null;
  fields: LineFieldValue[];
  allocations: CostAllocation[];
}

/** A bill-level cost (freight, a fee) with its own account coding. */
export interface BillCost {
  id: number;
  name: string;
  /** Decimal string. */
  amount: string;
  allocation: CostAllocation;
}

/** An invoice file attached to a bill, and where its content is downloaded from. */
export interface InvoiceFile {
  uuid: string;
  /** Where the content is downloaded from (absolute, or relative to the Procurify host). */
  url: string;
  name: string | null;
  mimetype: string | null;
  /** Size in bytes, when Procurify says. */
  length: number | null;
  /** SHA-1 of the content (hex), when Procurify says. */
  sha1: string | null;
}

/** A Procurify AP bill. */
export interface ApBill {
  id: number;
  uuid: string;
  /** One of procurifyBillStatus. */
  status: number;
  /** When Procurify last modified the bill (ISO 8601, possibly with microseconds). */
  lastModified: string;
  vendor: { id: number; name: string };
  /** ISO currency code, e.g. `USD`. */
  currency: string;
  invoiceNumber: string | null;
  invoiceDate: string | null;
  dueDate: string | null;
  paymentTerms: string | null;
  note: string | null;
  /** The lines without tax and shipping, plus the bill-level costs (decimal string). */
  totalCost: string;
  lines: ApBillLine[];
  costs: BillCost[];
  invoiceFiles: InvoiceFile[];
}

/** A row of Procurify's bill list: what the polls, the initial load and reconciliation read of a bill. */
export interface ApBillSummary {
  id: number;
  uuid: string;
  /** One of procurifyBillStatus. */
  status: number;
  /** When Procurify last modified the bill (ISO 8601, possibly with microseconds). */
  lastModified: string;
  invoiceNumber: string | null;
  /** The bill group (a payment names the groups of the bills it pays); null when it has none. */
  group: number | null;
  /**
   * What the vendor is owed (decimal string): the list's `invoice_total` (lines + tax + shipping +
   * costs), else its total with tax; null when the list gives neither.
   */
  total: string | null;
}
