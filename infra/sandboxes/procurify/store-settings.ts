// The Procurify sandbox's company settings, as seeding and an administrator create them: currencies,
// payment terms, company payment methods and the custom fields of bill lines. Part of the store
// (store.ts); each write is told to the change hook (store-records.ts) before it returns.
import {
  type CurrencyInput,
  type CustomFieldInput,
  currencyInputSchema,
  customFieldInputSchema,
  type PaymentMethodInput,
  type PaymentTermInput,
  paymentMethodInputSchema,
  paymentTermInputSchema,
} from './inputs.ts';
import {
  billLineContentType,
  type CompanyPaymentMethodRecord,
  type CurrencyRecord,
  type CustomFieldRecord,
  type PaymentTermRecord,
} from './model.ts';
import { type ProcurifyRecords, SandboxInputError } from './store-records.ts';

export function addCurrency(store: ProcurifyRecords, input: CurrencyInput): CurrencyRecord {
  const value = currencyInputSchema.parse(input);
  const record: CurrencyRecord = { ...value, id: store.allocate('currency', value.id) };
  return store.put('currencies', record);
}

export function addPaymentTerm(store: ProcurifyRecords, input: PaymentTermInput): PaymentTermRecord {
  const value = paymentTermInputSchema.parse(input);
  const record: PaymentTermRecord = { ...value, id: store.allocate('paymentTerm', value.id) };
  return store.put('paymentTerms', record);
}

export function addPaymentMethod(
  store: ProcurifyRecords,
  input: PaymentMethodInput,
): CompanyPaymentMethodRecord {
  const { currency, ...value } = paymentMethodInputSchema.parse(input);
  const record: CompanyPaymentMethodRecord = {
    ...value,
    id: store.allocate('paymentMethod', value.id),
    currencyId: store.currencyByCode(currency).id,
  };
  return store.put('paymentMethods', record);
}

export function addCustomField(store: ProcurifyRecords, input: CustomFieldInput): CustomFieldRecord {
  const value = customFieldInputSchema.parse(input);
  if (store.customFieldByName(value.name) !== undefined)
    throw new SandboxInputError(`custom field ${value.name} already exists`, 409);
  const record: CustomFieldRecord = {
    ...value,
    id: store.allocate('customField', value.id),
    content_type: billLineContentType,
  };
  return store.put('customFields', record);
}
