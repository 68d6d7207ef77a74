// Inputs of the Procurify sandbox's "act as a Procurify user" operations and of seeding, validated
// with zod: used by the admin API (admin.ts), the sandbox's methods (index.ts) and demo-data.ts.
// These are the sandbox's own forms (Procurify has no API to create bills or payments).
import * as z from 'zod';
import { customFieldTypes, paymentStatuses } from './model.ts';

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
export type CurrencyInput = z.input<typeof currencyInputSchema>;

export const paymentTermInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1).max(100),
  description: z.string().nullable().default(null),
  active: z.boolean().default(true),
});
export type PaymentTermInput = z.input<typeof paymentTermInputSchema>;

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
export type LocationInput = z.input<typeof locationInputSchema>;

export const departmentInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1).max(150),
  /** Location id. */
  branch: z.number().int().positive(),
  external_id: z.string().max(100).nullable().default(null),
  active: z.boolean().default(true),
});
export type DepartmentInput = z.input<typeof departmentInputSchema>;

export const accountCodeInputSchema = z.object({
  id: z.number().int().positive().optional(),
  code: z.string().min(1).max(50),
  description: z.string().max(200).default(''),
  account_type: z.number().int().min(0).max(5).default(2),
  active: z.boolean().default(true),
  parent: z.number().int().positive().nullable().default(null),
  departments: z.array(z.number().int().positive()).default([]),
});
export type AccountCodeInput = z.input<typeof accountCodeInputSchema>;

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
export type VendorInput = z.input<typeof vendorInputSchema>;

export const paymentMethodInputSchema = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().min(1).max(255),
  type: z.number().int().min(0).max(8),
  gl_code: z.string().max(100),
  currency: currencyCode.default('USD'),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type PaymentMethodInput = z.input<typeof paymentMethodInputSchema>;

/** A company custom field on bill lines (CustomFieldRead). */
export const customFieldInputSchema = z
  .object({
    id: z.number().int().positive().optional(),
    name: z.string().min(1).max(200),
    field_type: z.enum(customFieldTypes).default('t'),
    default_value: z.string().max(5000).default(''),
    is_required: z.boolean().default(false),
    field_choices: z.array(z.string().min(1)).default([]),
    is_active: z.boolean().default(true),
  })
  .refine((field) => field.field_type === 'm' || field.field_choices.length === 0, {
    message: 'only dropdown (m) fields have field_choices',
    path: ['field_choices'],
  });
export type CustomFieldInput = z.input<typeof customFieldInputSchema>;

const costAllocationInputSchema = z.object({
  account_code: z.number().int().positive(),
  department: z.number().int().positive(),
  /** Defaults to the rest of the line. */
  amount: money.optional(),
});

/**
 * A decimal string of at most 8 decimals (quantities, unit costs, tax percentages: the patterns of
 * Procurify's OpenAPI document, in infra/contracts/facts/procurify.json).
 */
const decimal8 = z.string().regex(/^\d{1,13}(\.\d{1,8})?$/, 'a decimal string with at most eight decimals');
const percentage = z
  .string()
  .regex(/^\d{1,8}(\.\d{1,8})?$/, 'a percentage, e.g. "7.25" (ItemReadSerializer_v2.tax_percentage)');

const customFieldValueInputSchema = z.object({
  /** The field's name; a field of that name is created when the company has none (boolean values make a `b` field). */
  field: z.string().min(1).max(200),
  value: z.union([z.string().max(5000), z.boolean()]),
});

const billItemInputSchema = z
  .object({
    description: z.string().min(1).max(1000),
    sku: z.string().max(100).default(''),
    unit: z.string().max(30).default('each'),
    /** Bill by quantity: the quantity (default 1). */
    quantity: decimal8.default('1'),
    /** Bill by quantity: the unit cost; the line amount is quantity × unit_cost (rounded to cents). */
    unit_cost: decimal8.optional(),
    /** The line amount (net of tax, or with the tax in it when tax_is_inclusive). Give it or unit_cost. */
    amount: money.optional(),
    /** A line billed by cost (amount only; ItemReadSerializer_v2.bill_by_cost). */
    bill_by_cost: z.boolean().default(false),
    tax_name: z.string().max(100).optional(),
    /** The tax rate in percent; no tax without it. */
    tax_percentage: percentage.optional(),
    /** The entered amount (or unit cost) already contains the tax. */
    tax_is_inclusive: z.boolean().default(false),
    shipping_amount: money.optional(),
    custom_fields: z.array(customFieldValueInputSchema).default([]),
    /** Shorthand for one allocation of the whole line (its net). */
    account_code: z.number().int().positive().optional(),
    department: z.number().int().positive().optional(),
    /** They must add up to the line net of tax; the last one may omit its amount (the rest). */
    cost_allocations: z.array(costAllocationInputSchema).optional(),
  })
  .superRefine((item, ctx) => {
    if ((item.amount === undefined) === (item.unit_cost === undefined))
      ctx.addIssue({ code: 'custom', message: 'give amount or unit_cost (not both)', path: ['amount'] });
    if (item.bill_by_cost && item.unit_cost !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'a line billed by cost has no unit_cost',
        path: ['unit_cost'],
      });
    if (item.tax_percentage === undefined && (item.tax_name !== undefined || item.tax_is_inclusive))
      ctx.addIssue({ code: 'custom', message: 'a tax needs tax_percentage', path: ['tax_percentage'] });
  });
/** A bill line as read (defaults filled). */
export type BillItemValues = z.output<typeof billItemInputSchema>;

const billCostInputSchema = z.object({
  /** e.g. "Freight", "Handling fee" (BillCostRead.name, at most 100 characters). */
  name: z.string().min(1).max(100),
  amount: money,
  account_code: z.number().int().positive(),
  department: z.number().int().positive(),
  /** BillCostRead.cost, the "Cost Class" id. */
  cost: z.number().int().positive().nullable().default(null),
});
/** A bill-level cost as read (defaults filled). */
export type BillCostValues = z.output<typeof billCostInputSchema>;

/**
 * An invoice file (Attachment). `content` is the file's bytes in base64 (checked without a repeated
 * regex group: a 10 MB string must not exhaust the stack).
 */
export const attachmentInputSchema = z.object({
  uuid: z.uuid().optional(),
  name: z.string().min(1).max(255),
  mimetype: z
    .string()
    .max(100)
    .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, 'a media type, e.g. application/pdf')
    .default('application/pdf'),
  description: z.string().max(1000).default(''),
  content: z
    .string()
    .refine(
      (value) => value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value),
      'base64 content (RFC 4648, padded)',
    ),
  /** Simulates a corrupted file: Procurify's `sha1_hash` says this instead of the content's SHA-1. */
  sha1_hash: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  /** `file` points here (a file kept on other storage, e.g. a pre-signed link) instead of the sandbox's download route. */
  file_url: z.url({ protocol: /^https?$/ }).optional(),
});
export type AttachmentInput = z.input<typeof attachmentInputSchema>;

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
  /** Bill-level costs (freight, fees): in total_cost, outside the lines. */
  costs: z.array(billCostInputSchema).default([]),
  invoice_attachments: z.array(attachmentInputSchema).default([]),
});
export type BillInput = z.input<typeof billInputSchema>;

/** Items, costs and invoice_attachments, when given, replace the bill's. */
export const billPatchSchema = billInputSchema
  .omit({ uuid: true })
  .partial()
  .extend({
    status: z.number().int().min(0).max(8).optional(),
    costs: z.array(billCostInputSchema).optional(),
    invoice_attachments: z.array(attachmentInputSchema).optional(),
  });
export type BillPatch = z.input<typeof billPatchSchema>;

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
export type PaymentInput = z.input<typeof paymentInputSchema>;

export const paymentStatusInputSchema = z.object({ status: z.enum(paymentStatuses) });

export const seedRecordsSchema = z.object({
  currencies: z.array(currencyInputSchema).default([]),
  paymentTerms: z.array(paymentTermInputSchema).default([]),
  locations: z.array(locationInputSchema).default([]),
  departments: z.array(departmentInputSchema).default([]),
  accountCodes: z.array(accountCodeInputSchema).default([]),
  vendors: z.array(vendorInputSchema).default([]),
  customFields: z.array(customFieldInputSchema).default([]),
  paymentMethods: z.array(paymentMethodInputSchema).default([]),
  bills: z.array(billInputSchema).default([]),
  payments: z.array(paymentInputSchema).default([]),
});
export type SeedRecords = z.input<typeof seedRecordsSchema>;
