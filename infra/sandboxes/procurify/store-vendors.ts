// The Procurify sandbox's vendors: seeded ones and the API's creates, PUTs and PATCHes (a nested payment
// term found by name or created). Part of the store (store.ts); each write is told to the change hook
// (store-records.ts) before it returns.
import { type VendorInput, vendorInputSchema } from './inputs.ts';
import type { VendorRecord } from './model.ts';
import type { ProcurifyRecords } from './store-records.ts';
import { addPaymentTerm } from './store-settings.ts';

export function addVendor(store: ProcurifyRecords, input: VendorInput): VendorRecord {
  const { currency, payment_terms, ...value } = vendorInputSchema.parse(input);
  let termId: number | null = null;
  if (payment_terms !== null) {
    const term = [...store.paymentTerms.values()].find((t) => t.name === payment_terms);
    termId = term?.id ?? addPaymentTerm(store, { name: payment_terms }).id;
  }
  const record: VendorRecord = {
    ...value,
    id: store.allocate('vendor', value.id),
    currency: currency === null ? null : store.currencyByCode(currency).id,
    payment_term_ref: termId,
    phoneTwo: null,
    fax: null,
    comments: null,
    tax: null,
    default_payment_method: null,
    is_1099_eligible: null,
    modified: store.clock.tick(),
  };
  return store.put('vendors', record);
}

/** A nested payment term of a vendor write as a term id: found by name, created when new. */
function paymentTermFrom(store: ProcurifyRecords, values: Record<string, unknown>): Record<string, unknown> {
  if (!('payment_term_ref' in values)) return values;
  const term = values.payment_term_ref as {
    name: string;
    description?: string | null;
    active?: boolean;
  } | null;
  if (term === null) return { ...values, payment_term_ref: null };
  const existing = [...store.paymentTerms.values()].find((t) => t.name === term.name);
  const record =
    existing ??
    addPaymentTerm(store, {
      name: term.name,
      description: term.description ?? null,
      active: term.active ?? true,
    });
  return { ...values, payment_term_ref: record.id };
}

export function createVendorFromApi(store: ProcurifyRecords, values: Record<string, unknown>): VendorRecord {
  const record: VendorRecord = {
    id: store.allocate('vendor'),
    name: '',
    active: true,
    addressLineOne: null,
    addressLineTwo: null,
    postalCode: null,
    city: null,
    state_province: null,
    country: null,
    phoneOne: null,
    phoneTwo: null,
    fax: null,
    email: [],
    comments: null,
    contact: null,
    url: null,
    external_id: null,
    currency: null,
    payment_term_ref: null,
    type: 3,
    tax: null,
    default_payment_method: null,
    is_1099_eligible: null,
    modified: 0,
  };
  Object.assign(record, paymentTermFrom(store, values), { modified: store.clock.tick() });
  return store.put('vendors', record);
}

/** PUT and PATCH: fields absent from the body keep their value (as Django REST Framework does). */
export function updateVendorFromApi(
  store: ProcurifyRecords,
  record: VendorRecord,
  values: Record<string, unknown>,
): VendorRecord {
  return store.assign('vendors', record, {
    ...paymentTermFrom(store, values),
    modified: store.clock.tick(),
  });
}
