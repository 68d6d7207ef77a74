// Inputs of the Procurify sandbox's "act as a Procurify user" operations and of seeding, validated
// with zod: used by the admin API (admin.ts), the sandbox's methods (index.ts) and demo-data.ts.
// These are the sandbox's own forms (Procurify has no API to create bills or payments).
import { z } from 'zod';
import { paymentStatuses } from './model.ts';

const money = z.string().regex(/^-?\d{1,13}(\.\d{1,2})?$/, 'a decimal string with at most two decimals');
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const currencyCode = z.string().min(3).max(10);

export const currencyInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: currencyCode,
  description: z.string().default(''),
  rate: z.string().default('1.000000'),
  base: z.boolean().default(false),
  active: z.boolean().default(true),
});

export const paymentTermInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1).max(100),
  description: z.string().nullable().default(null),
  active: z.boolean().default(true),
});

export const locationInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1).max(150),
  currency: currencyCode.default('USD'),
  active: z.boolean().default(true),
  external_id: z.string().max(100).nullable().default(null),
  headquarter: z.boolean().default(false),
  phoneOne: z.string().max(20).default('555-0100'),
  email: z.string().nullable().default(null),
  addressLineOne: z.string().default('1 Main Street'),
  city: z.string().default('Vancouver'),
  postalCode: z.string().default('V6B 1A1'),
  state_province: z.string().default('BC'),
  country: z.string().default('Canada'),
});

export const departmentInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1).max(150),
  /** Location id. */
  branch: z.number().int().positive(),
  external_id: z.string().max(100).nullable().default(null),
  active: z.boolean().default(true),
});

export const accountCodeInputSchema = z.object({
  id: z.number().int().positive().optional(),
  code: z.string().min(1).max(50),
  description: z.string().max(200).default(''),
  account_type: z.number().int().min(0).max(5).default(2),
  active: z.boolean().default(true),
  parent: z.number().int().positive().nullable().default(null),
  departments: z.array(z.number().int().positive()).default([]),
});

export const vendorInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1).max(150),
  active: z.boolean().default(true),
  email: z.array(z.string()).default([]),
  external_id: z.string().max(100).nullable().default(null),
  /** Currency code, e.g. "USD". */
  currency: currencyCode.nullable().default(null),
  /** Payment term name, e.g. "Net 30". */
  payment_terms: z.string().nullable().default(null),
  type: z.number().int().min(1).max(7).default(3),
  addressLineOne: z.string().nullable().default(null),
  addressLineTwo: z.string().nullable().default(null),
  postalCode: z.string().nullable().default(null),
  city: z.string().nullable().default(null),
  state_province: z.string().nullable().default(null),
  country: z.string().nullable().default(null),
  phoneOne: z.string().nullable().default(null),
  contact: z.string().nullable().default(null),
  url: z.string().nullable().default(null),
});

export const paymentMethodInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1).max(255),
  type: z.number().int().min(0).max(8),
  gl_code: z.string().max(100),
  currency: currencyCode.default('USD'),
  data: z.record(z.string(), z.unknown()).default({}),
});

const costAllocationInputSchema = z.object({
  account_code: z.number().int().positive(),
  department: z.number().int().positive(),
  /** Defaults to the rest of the line. */
  amount: money.optional(),
});

const billItemInputSchema = z.object({
  description: z.string().min(1).max(1000),
  sku: z.string().max(100).default(''),
  unit: z.string().max(30).default('each'),
  quantity: z.string().default('1'),
  /** The line total. */
  amount: money,
  /** Shorthand for one allocation of the whole line. */
  account_code: z.number().int().positive().optional(),
  department: z.number().int().positive().optional(),
  cost_allocations: z.array(costAllocationInputSchema).optional(),
});

export const billInputSchema = z.object({
  uuid: z.uuid().optional(),
  /** Vendor id. */
  vendor: z.number().int().positive(),
  /** Currency code; defaults to the vendor's currency, else the base currency. */
  currency: currencyCode.optional(),
  invoice_number: z.string().min(1).max(50),
  invoice_date: calendarDate.nullable().default(null),
  due_date: calendarDate.nullable().default(null),
  payment_terms: z.string().max(100).default(''),
  /** Bill status integer; defaults to 1 (Confirmed: submitted, awaiting approval). */
  status: z.number().int().min(0).max(8).default(1),
  type: z.number().int().min(0).max(2).default(0),
  note: z.string().default(''),
  items: z.array(billItemInputSchema).min(1),
});

export const billPatchSchema = billInputSchema
  .omit({ uuid: true })
  .partial()
  .extend({ status: z.number().int().min(0).max(8).optional() });

export const paymentInputSchema = z.object({
  id: z.number().int().positive().optional(),
  /** The bills paid and the amount applied to each (below the open amount = partial payment). */
  bills: z.array(z.object({ uuid: z.string(), amount: money })).min(1),
  /** Company payment method id (its gl_code becomes the payment's gl_code). */
  method: z.number().int().positive(),
  payment_date: calendarDate.nullable().default(null),
  status: z.enum(paymentStatuses).default('paid'),
  memo: z.string().max(255).default(''),
  reference_number: z.string().max(255).default(''),
  creator_email: z.email().default('ap.clerk@demo.example'),
});

export const paymentStatusInputSchema = z.object({ status: z.enum(paymentStatuses) });

export const seedRecordsSchema = z.object({
  currencies: z.array(currencyInputSchema).default([]),
  paymentTerms: z.array(paymentTermInputSchema).default([]),
  locations: z.array(locationInputSchema).default([]),
  departments: z.array(departmentInputSchema).default([]),
  accountCodes: z.array(accountCodeInputSchema).default([]),
  vendors: z.array(vendorInputSchema).default([]),
  paymentMethods: z.array(paymentMethodInputSchema).default([]),
  bills: z.array(billInputSchema).default([]),
  payments: z.array(paymentInputSchema).default([]),
});

export type CurrencyInput = z.input<typeof currencyInputSchema>;
export type PaymentTermInput = z.input<typeof paymentTermInputSchema>;
export type LocationInput = z.input<typeof locationInputSchema>;
export type DepartmentInput = z.input<typeof departmentInputSchema>;
export type AccountCodeInput = z.input<typeof accountCodeInputSchema>;
export type VendorInput = z.input<typeof vendorInputSchema>;
export type PaymentMethodInput = z.input<typeof paymentMethodInputSchema>;
export type BillInput = z.input<typeof billInputSchema>;
export type BillPatch = z.input<typeof billPatchSchema>;
export type PaymentInput = z.input<typeof paymentInputSchema>;
export type SeedRecords = z.input<typeof seedRecordsSchema>;
