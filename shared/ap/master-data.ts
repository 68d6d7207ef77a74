// Domain: Procurify's master data as apsync's master-data use cases, reconciliation and settings read it —
// vendors, account codes, departments, and the locations and currencies they refer to. Plain data, no
// I/O: the Procurify adapter maps its wire answers (shared/procurify/schemas.ts) to these records
// (shared/procurify/master-records.ts); what apsync writes back is the request bodies of
// shared/procurify/writes.ts. A field Procurify leaves out is null here (a flag: its meaning when absent).

/** A Procurify vendor. */
export interface ApVendor {
  id: number;
  name: string;
  active: boolean;
  /** The NetSuite vendor id apsync wrote (Procurify `external_id`); null when none is set. */
  externalId: string | null;
  /** E-mail addresses; empty when none. */
  email: string[];
  addressLineOne: string | null;
  addressLineTwo: string | null;
  postalCode: string | null;
  city: string | null;
  stateProvince: string | null;
  country: string | null;
  phoneOne: string | null;
  phoneTwo: string | null;
  fax: string | null;
  contact: string | null;
  url: string | null;
  /** The Procurify currency id (an ApCurrency's id); null when unset. */
  currencyId: number | null;
  /** The payment term: its id, and its name when Procurify gives it. */
  paymentTerm: { id: number; name: string | null } | null;
  /** Procurify's vendor type (2 hidden, 3 preferred, 4 regular, …). */
  type: number;
  /** When Procurify last changed the vendor (as Procurify renders it), when it says. */
  lastModified: string | null;
}

/** A Procurify account code (the Number of a NetSuite account). */
export interface ApAccountCode {
  id: number;
  code: string;
  description: string;
  /** 0 assets, 1 liability, 2 expense, 3 income, 4 equity, 5 other; null when unset. */
  accountType: number | null;
  active: boolean;
  /** The parent account code's id; null when it has none. */
  parentId: number | null;
}

/** A Procurify department, under one location. */
export interface ApDepartment {
  id: number;
  name: string;
  /** The id of the location (Procurify `branch`) it belongs to. */
  locationId: number;
  /** The NetSuite department id apsync wrote; null when none is set. */
  externalId: string | null;
  active: boolean;
}

/** A Procurify location (what departments belong to). */
export interface ApLocation {
  id: number;
  name: string;
  /** True unless Procurify says it is inactive. */
  active: boolean;
  externalId: string | null;
  /** Whether it is the headquarters (false when Procurify does not say). */
  headquarter: boolean;
  /** The ISO code of its currency; null when Procurify gives none. */
  currency: string | null;
}

/** A currency Procurify knows (a vendor's `currencyId` is its id). */
export interface ApCurrency {
  id: number;
  /** ISO code, e.g. `USD`. */
  code: string;
  description: string | null;
  /** Exchange rate to the base currency, a decimal string; null when Procurify gives none. */
  rate: string | null;
  /** Whether it is the company's base currency (false when Procurify does not say). */
  base: boolean;
  /** True unless Procurify says it is inactive. */
  active: boolean;
}
