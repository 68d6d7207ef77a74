// The ports of the bill-sync use case that are not the NetSuite record API or the state store: the
// NetSuite reads a bill's coding, settings checks, legacy links and link import need (BillLookups and the
// rows it answers; adapter: netsuite-bill-lookups.ts, SuiteQL), where invoice files are downloaded from
// (the Procurify client) and where they are stored and attached (the NetSuite client's attachment
// RESTlet). Adapters: shared/procurify/attachments.ts, shared/netsuite/restlet.ts.
import type { InvoiceFile } from '../ap/bill.ts';
import type { NetSuiteAttachments } from '../netsuite/index.ts';

/** Downloads an invoice file's content as Procurify serves it (from its `url`). */
export interface InvoiceFiles {
  downloadAttachment(file: InvoiceFile): Promise<{ content: Uint8Array; contentType: string }>;
}

/** Stores a file in the File Cabinet and attaches it to a record (once per file name). */
export type InvoiceFileCabinet = Pick<NetSuiteAttachments, 'storeAttachment'>;

/** Where a record may be used: the subsidiaries it lists (empty = every one), and whether their children too. */
export interface Availability {
  subsidiaries: string[];
  includeChildren: boolean;
}

export interface AccountRow extends Availability {
  id: string;
  acctnumber: string;
  inactive: boolean;
}

export interface DepartmentRow extends Availability {
  id: string;
  name: string;
  inactive: boolean;
}

/** A location, class or custom segment value. */
export interface SegmentRow extends Availability {
  id: string;
  name: string;
  inactive: boolean;
}

export interface SubsidiaryRow {
  id: string;
  name: string;
  parent?: string;
  inactive: boolean;
}

export interface CurrencyRow {
  id: string;
  code: string;
  /** Decimals of the currency (2 for USD, 0 for JPY). */
  precision: number;
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
  accountsById(ids: readonly string[]): Promise<AccountRow[]>;
  /** Departments with one of these internal ids or one of these names. */
  departments(ids: readonly string[], names: readonly string[]): Promise<DepartmentRow[]>;
  locations(ids: readonly string[]): Promise<SegmentRow[]>;
  classes(ids: readonly string[]): Promise<SegmentRow[]>;
  /** Values of custom segment `segment` (`cseg_region`) with these ids. */
  segmentValues(segment: string, ids: readonly string[]): Promise<SegmentRow[]>;
  subsidiaries(): Promise<SubsidiaryRow[]>;
  vendor(id: string): Promise<VendorRow | undefined>;
  /** Every subsidiary the vendor may transact in (its own and its shared ones). */
  vendorSubsidiaries(id: string): Promise<string[]>;
  /** The active currency with this ISO code (NetSuite's `symbol`). */
  currencyByCode(code: string): Promise<CurrencyRow | undefined>;
  /** The internal id of the active term with this name (case-insensitive). */
  termByName(name: string): Promise<string | undefined>;
  /** The vendor's Vendor Bills that carry an external id. */
  vendorBillsWithExternalId(vendorId: string): Promise<LegacyBillRow[]>;
  /**
   * The vendor's Vendor Bills with this invoice number (`tranId`), with their total in the bill's
   * currency (`foreigntotal` is negative for bills in SuiteQL; given here as a positive decimal string).
   */
  vendorBillsByInvoice(
    vendorId: string,
    invoiceNumber: string,
  ): Promise<Array<{ id: string; total: string; externalId?: string }>>;
  /** Vendor Bills whose body field `field` (a validated custbody_ id) equals `value`. */
  vendorBillsByField(field: string, value: string): Promise<LegacyBillRow[]>;
  /** Vendor, currency total (positive decimal string) of these Vendor Bills, by internal id. */
  vendorBillFacts(ids: readonly string[]): Promise<Map<string, { vendorId: string; total: string }>>;
  /** Which of these internal ids are Vendor Bills. */
  existingVendorBills(ids: readonly string[]): Promise<Set<string>>;
}
