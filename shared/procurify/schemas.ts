// Zod schemas of the Procurify answers apsync reads (after Procurify's OpenAPI document): the wire
// format, used by the Procurify adapter at the boundary (the bodies it writes are in writes.ts). Bills, payments
// and master data reach the use cases as domain records (ap-records.ts and master-records.ts map them;
// shared/ap/), never as these types. Money stays a
// decimal string; fields the API sends as JSON numbers are turned into decimal strings here.
// Each schema is built when it first checks an answer (z.lazy), not at load: every function holding the
// Procurify client imports this file, and building them all cost each cold start ~250 zod schema objects,
// most of them for records that function never reads (README, benchmarks footnote 5).
import * as z from 'zod';
import { isDecimalString, numberToDecimalString } from '../money/money.ts';

/** Money as a decimal string, from a decimal string or a JSON number. */
export const decimalString = z.lazy(() =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const text = typeof value === 'number' ? numberToDecimalString(value) : value.trim();
    if (text === undefined || !isDecimalString(text)) {
      ctx.addIssue({ code: 'custom', message: `not a decimal amount: ${String(value)}` });
      return z.NEVER;
    }
    return text;
  }),
);

/** A date-time Procurify renders (ISO 8601, possibly with microseconds). */
export const dateTimeString = z.lazy(() =>
  z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date-time'),
);

/** An object schema built when it first checks an answer. */
function lazyObject<Shape extends z.ZodRawShape>(shape: () => Shape) {
  return z.lazy(() => z.object(shape()));
}

/** A part several schemas share, built when the first of them is built, then kept. */
function shared<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

const nullableText = shared(() =>
  z
    .string()
    .nullish()
    .transform((value) => value ?? null),
);
const nullableInt = shared(() =>
  z
    .number()
    .int()
    .nullish()
    .transform((value) => value ?? null),
);

/**
 * A Procurify record's integer id and its name, as every record below with a name has them (OpenAPI:
 * `id` integer, `name` string); a record named inside another answer is read as just these (`reference`).
 */
const namedRecord = shared(() => ({ id: z.number().int(), name: z.string() }));
const reference = shared(() => z.object(namedRecord()));

/**
 * An envelope schema built once per item schema and kept: zod compiles a schema on its first parse, so
 * one built per page (or per answer) would cost that again on every call.
 */
function keptPerItem<Build extends (item: z.ZodType) => z.ZodType>(build: Build): Build {
  const kept = new WeakMap<z.ZodType, z.ZodType>();
  return ((item: z.ZodType) => {
    let schema = kept.get(item);
    if (schema === undefined) {
      schema = build(item);
      kept.set(item, schema);
    }
    return schema;
  }) as Build;
}

/** `{metadata: {pagination: {...}}, data: [...]}`. */
export const pageSchema = keptPerItem(<T extends z.ZodType>(item: T) =>
  z.object({
    metadata: z.object({
      pagination: z.object({
        count: z.number().int().min(0),
        next: z.string().nullable(),
        previous: z.string().nullish(),
        page_size: z.number().int().optional(),
        num_pages: z.number().int().optional(),
        current_page: z.number().int().optional(),
      }),
    }),
    data: z.array(item),
  }),
);

/** `{metadata: {...}, data: {...}}`. */
export const singleSchema = keptPerItem(<T extends z.ZodType>(item: T) =>
  z.object({ metadata: z.unknown().optional(), data: item }),
);

export const tokenResponseSchema = lazyObject(() => ({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
}));

// ---- master data -------------------------------------------------------------------------------

export const vendorSchema = lazyObject(() => ({
  ...namedRecord(),
  active: z.boolean(),
  external_id: nullableText(),
  email: z
    .array(z.string())
    .nullish()
    .transform((value) => value ?? []),
  addressLineOne: nullableText(),
  addressLineTwo: nullableText(),
  postalCode: nullableText(),
  city: nullableText(),
  state_province: nullableText(),
  country: nullableText(),
  phoneOne: nullableText(),
  // Read when the answer has them (written by master data; absent from older fixtures).
  phoneTwo: z.string().nullish(),
  fax: z.string().nullish(),
  contact: nullableText(),
  url: nullableText(),
  currency: nullableInt(),
  // Nested ({id, name, ...}: VendorDetail, OptimizedVendor) or an id (Vendor, the answer of a PUT).
  payment_term_ref: z
    .union([
      reference().partial({ name: true }),
      z
        .number()
        .int()
        .transform((id) => ({ id })),
    ])
    .nullish()
    .transform((value) => value ?? null),
  type: z.number().int(),
  dateModified: nullableText(),
}));
export type ProcurifyVendor = z.infer<typeof vendorSchema>;

export const accountCodeSchema = lazyObject(() => ({
  id: z.number().int(),
  code: z.string(),
  description: z.string(),
  /** 0 assets, 1 liability, 2 expense, 3 income, 4 equity, 5 other. */
  account_type: nullableInt(),
  active: z.boolean(),
  parent: nullableInt(),
}));
export type ProcurifyAccountCode = z.infer<typeof accountCodeSchema>;

export const departmentSchema = lazyObject(() => ({
  ...namedRecord(),
  branch: reference().partial({ name: true }),
  external_id: nullableText(),
  active: z.boolean(),
}));
export type ProcurifyDepartment = z.infer<typeof departmentSchema>;

export const locationSchema = lazyObject(() => ({
  ...namedRecord(),
  active: z.boolean().optional(),
  external_id: nullableText(),
  headquarter: z.boolean().optional(),
  currency: reference().nullish(),
}));
export type ProcurifyLocation = z.infer<typeof locationSchema>;

/** A currency; its `name` is the ISO code, e.g. `USD`. */
export const currencySchema = lazyObject(() => ({
  ...namedRecord(),
  description: nullableText(),
  rate: decimalString.nullish(),
  base: z.boolean().optional(),
  active: z.boolean().optional(),
}));
export type ProcurifyCurrency = z.infer<typeof currencySchema>;

export const companyPaymentMethodSchema = lazyObject(() => ({
  ...namedRecord(),
  /** 0 other, 1 check, 2 ACH, 3 EFT, 4 wire, 5-7 Procurify-managed, 8 Airwallex. */
  type: z.number().int(),
  /** The GL code apsync matches to the Number of a NetSuite account. */
  gl_code: nullableText(),
  currency: reference().nullish(),
}));
export type ProcurifyCompanyPaymentMethod = z.infer<typeof companyPaymentMethodSchema>;

// ---- bills ---------------------------------------------------------------------------------------

/**
 * What the bill list's row (SimpleBill) and the bill (BillRead) both say of a bill, the same fields with
 * the same meaning in Procurify's OpenAPI document: the bill, its status and last change, its invoice's
 * number and dates, its currency (SimpleCurrency or Currency: apsync reads the id and the ISO code) and
 * its bill group (what a payment's `bill_groups` name).
 */
const billHeaderFields = shared(() => ({
  id: z.number().int(),
  uuid: z.string().min(1),
  status: z.number().int(),
  last_modified_datetime: dateTimeString,
  invoice_number: nullableText(),
  invoice_date: nullableText(),
  due_date: nullableText(),
  currency: reference(),
  group: nullableInt(),
}));

/** One row of `GET /api/v3/ap/bills/` (SimpleBill). */
export const billSummarySchema = lazyObject(() => ({
  ...billHeaderFields(),
  vendor: reference(),
  version: z.number().int().optional(),
  total_cost_with_tax: decimalString.nullish(),
  /** What the vendor is owed: total_cost_with_tax + shipping (what reconciliation compares totals with). */
  invoice_total: decimalString.nullish(),
}));
export type ProcurifyBillSummary = z.infer<typeof billSummarySchema>;

export const costAllocationSchema = lazyObject(() => ({
  id: z.number().int(),
  amount: decimalString,
  budget: z.object({
    account_code: z.object({
      id: z.number().int(),
      code: z.string(),
      description: z.string(),
      active: z.boolean().optional(),
    }),
    department: z.object({
      id: z.number().int(),
      name: z.string(),
      external_id: nullableText(),
      active: z.boolean().optional(),
      branch: reference().partial({ name: true }).nullish(),
    }),
  }),
}));
export type ProcurifyCostAllocation = z.infer<typeof costAllocationSchema>;

/** CustomFieldValueRead: a custom field's value on a bill line (`value` is a string or a boolean). */
export const customFieldValueSchema = lazyObject(() => ({
  id: z.number().int().optional(),
  value: z
    .union([z.string(), z.boolean()])
    .nullish()
    .transform((value) => value ?? null),
  field: z.object({
    id: z.number().int().optional(),
    name: z.string(),
    field_type: z.unknown().optional(),
  }),
}));
export type ProcurifyCustomFieldValue = z.infer<typeof customFieldValueSchema>;

const optionalDecimal = shared(() => decimalString.nullish().transform((value) => value ?? null));

/**
 * ItemReadSerializer_v2 (a bill line). `total_cost` is the line without tax ("Item total cost without tax
 * amount"), `total_cost_with_tax` the line with its tax, `tax_amount` the tax whether it was included in
 * the entered price or added to it (`tax_is_inclusive`); `shipping_amount` is the line's shipping.
 */
export const billItemSchema = lazyObject(() => ({
  id: z.number().int(),
  description: z.string(),
  quantity: optionalDecimal(),
  unit_cost: optionalDecimal(),
  bill_by_cost: z.boolean().nullish(),
  total_cost: decimalString,
  tax_name: nullableText(),
  tax_percentage: optionalDecimal(),
  tax_amount: optionalDecimal(),
  tax_is_inclusive: z.boolean().nullish(),
  total_cost_with_tax: optionalDecimal(),
  shipping_amount: optionalDecimal(),
  custom_fields: z
    .array(customFieldValueSchema)
    .nullish()
    .transform((value) => value ?? []),
  cost_allocations: z.array(costAllocationSchema),
}));
export type ProcurifyBillItem = z.infer<typeof billItemSchema>;

/** BillCostRead: a bill-level cost (freight, a fee) with its own account coding. */
export const billCostSchema = lazyObject(() => ({
  ...namedRecord(),
  amount: decimalString,
  cost_allocation: costAllocationSchema,
}));
export type ProcurifyBillCost = z.infer<typeof billCostSchema>;

/** Attachment: an invoice file; `file` is where its content is downloaded from. */
export const attachmentSchema = lazyObject(() => ({
  id: z.number().int().optional(),
  uuid: z.string().min(1),
  file: z.string().min(1),
  name: nullableText(),
  mimetype: nullableText(),
  length: nullableInt(),
  sha1_hash: nullableText(),
}));
export type ProcurifyAttachment = z.infer<typeof attachmentSchema>;

/** BillRead's `bill_payment`: the bill's payment and the amount applied to this bill. */
export const billPaymentSchema = lazyObject(() => ({
  id: z.number().int(),
  amount: decimalString,
  payment: z.object({
    id: z.number().int(),
    amount: decimalString.nullish(),
    payment_date: nullableText(),
    status: z.number().int().nullish(),
  }),
}));

/** `GET /api/v2/ap/bills/{uuid}/` (BillRead). */
export const billSchema = lazyObject(() => ({
  ...billHeaderFields(),
  vendor: z.object({ ...namedRecord(), external_id: nullableText() }),
  payment_terms: nullableText(),
  /** Lines without tax and shipping, plus bill-level costs (BillRead: "should not contain any tax or shipping, but include bill cost"). */
  total_cost: decimalString,
  tax_amount: optionalDecimal(),
  shipping_amount: optionalDecimal(),
  total_cost_with_tax: optionalDecimal(),
  note: nullableText(),
  items: z.array(billItemSchema),
  costs: z
    .array(billCostSchema)
    .nullish()
    .transform((value) => value ?? []),
  invoice_attachments: z
    .array(attachmentSchema)
    .nullish()
    .transform((value) => value ?? []),
  bill_payment: billPaymentSchema.nullish().transform((value) => value ?? null),
}));
export type ProcurifyBill = z.infer<typeof billSchema>;

/** The answer of mark-as-paid: the request's echo (bare, or inside `data`). */
export const markAsPaidAnswerSchema = z.lazy(() =>
  z
    .union([
      z.object({ data: z.object({ bill_uuids: z.array(z.string()), payment_date: z.string() }) }),
      z.object({ bill_uuids: z.array(z.string()), payment_date: z.string() }),
    ])
    .transform((value) => ('data' in value ? value.data : value)),
);

// ---- payments -------------------------------------------------------------------------------------

/** One row of `GET /api/public/v1/payments/` (PaymentResponse). */
export const paymentSchema = lazyObject(() => ({
  id: z.number().int(),
  uuid: z.string(),
  /** One of procurifyPaymentStatuses (kept open: a new status must not stop polling). */
  status: z.string().nullable(),
  amount: decimalString,
  currency: reference(),
  /** The GL code of the payment source (company payment method). */
  gl_code: nullableText(),
  bill_groups: z
    .array(z.number().int())
    .nullish()
    .transform((value) => value ?? []),
  vendor_name: nullableText(),
  payment_source_name: nullableText(),
  processing_date: nullableText(),
  posted_date: nullableText(),
  created_at: dateTimeString,
  updated_at: dateTimeString,
}));
export type ProcurifyPayment = z.infer<typeof paymentSchema>;
