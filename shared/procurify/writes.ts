// The bodies apsync writes to Procurify's master data (vendors, account codes, departments), after
// Procurify's OpenAPI request schemas: what the master-data planners build exactly, what the ports take
// (ports.ts), and what the client and `apsync preview` check before a body is sent. Each schema is built
// when a body is first checked (z.lazy): every function holding the Procurify client imports this file,
// and building them all at load cost each cold start ~200 zod schema objects even where no master data
// is written (README, benchmarks footnote 5).
import * as z from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

/** The fields of a vendor apsync writes (OptimizedVendorRequest / PatchedOptimizedVendorRequest). */
const vendorFields = () => ({
  name: text(150),
  active: z.boolean().optional(),
  email: z.array(z.email()),
  /**
   * 2 hidden, 3 preferred, 4 regular, 6 credit card provider, 7 checkout (VendorTypeEnum; 1 other and
   * 5 employee are read-only types).
   */
  type: z.union([z.literal(2), z.literal(3), z.literal(4), z.literal(6), z.literal(7)]),
  external_id: optionalText(100),
  addressLineOne: optionalText(300),
  addressLineTwo: optionalText(300),
  postalCode: optionalText(20),
  city: optionalText(50),
  state_province: optionalText(40),
  country: optionalText(80),
  phoneOne: optionalText(20),
  phoneTwo: optionalText(20),
  fax: optionalText(20),
  contact: optionalText(50),
  url: optionalText(200),
  /** Procurify currency id. */
  currency: z.number().int().nullable().optional(),
  /** Payment terms by name (Procurify finds the term by name; the OpenAPI has no payment term list). */
  payment_term_ref: z
    .object({
      name: text(100),
      description: z.string().nullable().optional(),
      active: z.boolean().optional(),
    })
    .nullable()
    .optional(),
});

/**
 * A vendor as POST and PUT send it: whole, with `overall_score`, which OptimizedVendorRequest requires
 * (a decimal string of at most 2 + 3 digits, or null; apsync has no score: null). PUT replaces the
 * score too, so apsync updates vendors with PATCH.
 */
export const vendorWriteSchema = z.lazy(() =>
  z.object({
    ...vendorFields(),
    overall_score: z
      .string()
      .regex(/^-?\d{0,2}(?:\.\d{0,3})?$/)
      .nullable()
      .default(null),
  }),
);
export type VendorWrite = z.input<typeof vendorWriteSchema>;
/** A vendor as PATCH sends it (PatchedOptimizedVendorRequest: every field optional, no score). */
export const vendorPatchSchema = z.lazy(() => z.object(vendorFields()).partial());
export type VendorPatch = z.input<typeof vendorPatchSchema>;

/**
 * An account code as PUT sends it (AccountCodeUpdateRequest). There is no `active`: Procurify's API
 * cannot (de)activate an account code (master data puts that on the review list instead).
 */
const accountCodeWrite = () =>
  z.strictObject({
    code: text(50),
    description: z.string().trim().max(200),
    account_type: z.number().int().min(0).max(5).optional(),
    parent: z.number().int().nullable().optional(),
  });
export const accountCodeWriteSchema = z.lazy(accountCodeWrite);
export type AccountCodeWrite = z.input<typeof accountCodeWriteSchema>;
/** An account code as POST sends it (AccountCodeCreateRequest: also the departments it applies to). */
export const accountCodeCreateSchema = z.lazy(() =>
  accountCodeWrite().extend({
    departments: z.array(z.number().int()).optional(),
  }),
);
export type AccountCodeCreate = z.input<typeof accountCodeCreateSchema>;

export const departmentWriteSchema = z.lazy(() =>
  z.object({
    name: text(150),
    /** Location id. */
    branch: z.number().int(),
    external_id: optionalText(100),
    active: z.boolean().optional(),
  }),
);
export type DepartmentWrite = z.input<typeof departmentWriteSchema>;
