// The adapter boundary for master data: Procurify's wire answers for vendors, account codes, departments,
// locations and currencies, as the zod schemas of schemas.ts parse them (snake_case, nested references),
// mapped to the domain records the use cases take (shared/ap/master-data.ts).
import type { ApAccountCode, ApCurrency, ApDepartment, ApLocation, ApVendor } from '../ap/master-data.ts';
import type {
  ProcurifyAccountCode,
  ProcurifyCurrency,
  ProcurifyDepartment,
  ProcurifyLocation,
  ProcurifyVendor,
} from './schemas.ts';

/** A vendor's payment term: nested ({id, name}) or, in the answer of a PUT, an id alone (no name). */
const toPaymentTerm = (term: ProcurifyVendor['payment_term_ref']): ApVendor['paymentTerm'] =>
  term === null
    ? null
    : { id: term.id, name: 'name' in term && typeof term.name === 'string' ? term.name : null };

/** Vendor (VendorDetail, OptimizedVendor, or the answer of a write) → the vendor master data reads. */
export const toApVendor = (vendor: ProcurifyVendor): ApVendor => ({
  id: vendor.id,
  name: vendor.name,
  active: vendor.active,
  externalId: vendor.external_id,
  email: vendor.email,
  addressLineOne: vendor.addressLineOne,
  addressLineTwo: vendor.addressLineTwo,
  postalCode: vendor.postalCode,
  city: vendor.city,
  stateProvince: vendor.state_province,
  country: vendor.country,
  phoneOne: vendor.phoneOne,
  phoneTwo: vendor.phoneTwo ?? null,
  fax: vendor.fax ?? null,
  contact: vendor.contact,
  url: vendor.url,
  currencyId: vendor.currency,
  paymentTerm: toPaymentTerm(vendor.payment_term_ref),
  type: vendor.type,
  lastModified: vendor.dateModified,
});

export const toApAccountCode = (code: ProcurifyAccountCode): ApAccountCode => ({
  id: code.id,
  code: code.code,
  description: code.description,
  accountType: code.account_type,
  active: code.active,
  parentId: code.parent,
});

export const toApDepartment = (department: ProcurifyDepartment): ApDepartment => ({
  id: department.id,
  name: department.name,
  locationId: department.branch.id,
  externalId: department.external_id,
  active: department.active,
});

export const toApLocation = (location: ProcurifyLocation): ApLocation => ({
  id: location.id,
  name: location.name,
  active: location.active !== false,
  externalId: location.external_id,
  headquarter: location.headquarter === true,
  currency: location.currency?.name ?? null,
});

export const toApCurrency = (currency: ProcurifyCurrency): ApCurrency => ({
  id: currency.id,
  code: currency.name,
  description: currency.description,
  rate: currency.rate ?? null,
  base: currency.base === true,
  active: currency.active !== false,
});
