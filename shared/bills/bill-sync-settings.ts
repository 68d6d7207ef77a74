// The bill flow's configuration, kept in the state table's configuration (ConfigStore item `bill-sync`)
// so the operator can change it without a deployment (`apsync bills config set --file`): the subsidiary
// bills are written to, how tax, shipping and bill-level costs are written, how lines get a location and
// a class, which Procurify custom fields fill which NetSuite fields, where invoice files are stored, and
// how Vendor Bills of an older integration are recognized (legacy links). Read by the bill-sync use case
// on every bill; validated, a bad value is a DataError naming it. What NetSuite must also confirm (the
// accounts, folder and fields exist) is checked when the operator sets it (bill-settings-check.ts).
import * as z from 'zod';
import { DataError } from '../errors.ts';
import type { ConfigStore } from '../state/state-store.ts';

export const billSyncConfigName = 'bill-sync';

/**
 * The document's schemas, built when a configuration is first read and then kept: every function reading
 * a setting's stored value (settings-store.ts) imports this file, most never read the bill flow's
 * configuration, and building these at load cost each of their cold starts ~120 zod schema objects.
 */
function buildSchemas() {
  const patternSchema = z.string().superRefine((value, ctx) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a regular expression (${(error as Error).message})` });
      return;
    }
    // With an empty alternative any regex matches '' and reports its groups: `/(x)|/.exec('')` has length 2.
    const groups = new RegExp(`${pattern.source}|`).exec('')!.length;
    if (groups < 2) ctx.addIssue({ code: 'custom', message: 'needs a capture group for the Procurify key' });
  });

  const internalId = z.string().regex(/^\d+$/, 'must be a NetSuite internal id (digits)');
  /** Procurify names (tax names, location and department names, custom field values) → NetSuite ids. */
  const idMap = z.record(z.string().min(1), internalId);

  /**
   * Tax. The REST record API cannot write legacy tax (taxCode, taxRate1, tax1Amt, grossAmt are not
   * supported: Oracle help "Limitations of REST Web Services" / our NetSuite reference), so the strategy that
   * works on every account is `tax-lines`: each line's tax becomes an expense line to the tax account
   * mapped from the Procurify tax name (coded like the line it taxes). `tax-codes` (legacy) and `suitetax`
   * (taxDetails) are refused with that reason at configuration time.
   */
  const taxSchema = z.discriminatedUnion('strategy', [
    z
      .object({
        strategy: z.literal('tax-lines'),
        /** Procurify `tax_name` → NetSuite account internal id. */
        accounts: idMap.default({}),
        /** For tax names not in `accounts`; without it such a bill is parked naming the tax. */
        defaultAccountId: internalId.optional(),
      })
      .strict(),
    z.object({ strategy: z.literal('tax-codes'), codes: idMap.optional() }).strict(),
    z.object({ strategy: z.literal('suitetax') }).strict(),
  ]);

  /** Shipping (per line in Procurify): one expense line to an account, or spread over the line's allocations. */
  const shippingSchema = z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('account'), accountId: internalId }).strict(),
    z.object({ mode: z.literal('apportion') }).strict(),
  ]);

  /**
   * Bill-level costs (BillCostRead): `coded` writes each cost to its own account coding (the cost's cost
   * allocation, as Procurify coded it), `account` to one configured account (department from the cost's
   * coding), `apportion` spreads it over the bill's lines in proportion to their amounts.
   */
  const costsSchema = z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('coded') }).strict(),
    z.object({ mode: z.literal('account'), accountId: internalId }).strict(),
    z.object({ mode: z.literal('apportion') }).strict(),
  ]);

  /** A line's NetSuite location, from the Procurify location (branch) of the line's department. */
  const locationSchema = z
    .object({
      /** Procurify location name → NetSuite location internal id; a location not in it parks the bill. */
      byProcurifyLocation: idMap,
    })
    .strict();

  /** A line's NetSuite class: by the line's Procurify department, else a default. */
  const classSchema = z
    .object({
      byDepartment: idMap.default({}),
      defaultId: internalId.optional(),
    })
    .strict();

  const fieldId = z
    .string()
    .regex(
      /^(custbody|custcol|cseg)[a-z0-9_]+$/,
      'must be a NetSuite custbody_…, custcol_… or cseg_… field id (lower case)',
    );

  /** Where a NetSuite custom field's value comes from. */
  const customFieldSourceSchema = z.union([
    /** A Procurify line custom field, by its name (CustomFieldValueRead.field.name). */
    z.object({ lineField: z.string().min(1) }).strict(),
    /** A value of the bill: its Procurify number or UUID, invoice number, note or payment terms. */
    z.object({ billField: z.enum(['id', 'uuid', 'invoiceNumber', 'note', 'paymentTerms']) }).strict(),
    /** The line's quantity or unit cost (bill by quantity lines). */
    z.object({ lineValue: z.enum(['quantity', 'unitCost']) }).strict(),
    /** The same value on every bill. */
    z.object({ constant: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
  ]);

  const customFieldSchema = z
    .object({
      field: fieldId,
      from: customFieldSourceSchema,
      /**
       * For select fields and segments: Procurify value → NetSuite internal id. A value not in it parks the
       * bill naming the field and the value.
       */
      values: idMap.optional(),
    })
    .strict();

  const attachmentsSchema = z
    .object({
      /** The File Cabinet folder invoice files are stored in (internal id). */
      folderId: internalId,
    })
    .strict();

  return {
    customField: customFieldSchema,
    settings: z
      .object({
        /**
         * `auto`: every approved bill is written. `manual`: only bills an operator selects (`apsync bills
         * sync <uuid…>`) or that carry `manualField` (a Procurify line custom field, true or non-empty on
         * any line) — the two modes of Procurify's own NetSuite integration.
         */
        mode: z.enum(['auto', 'manual']).default('auto'),
        manualField: z.string().min(1).optional(),
        /** NetSuite subsidiary internal id for every bill; default: the vendor's primary subsidiary. */
        subsidiaryId: internalId.optional(),
        /**
         * Procurify location name → NetSuite subsidiary internal id: a bill whose lines' departments are in
         * that location goes to that subsidiary (before `subsidiaryId` and the vendor's subsidiary).
         */
        subsidiaryByLocation: idMap.optional(),
        tax: taxSchema.optional(),
        shipping: shippingSchema.optional(),
        costs: costsSchema.default({ mode: 'coded' }),
        location: locationSchema.optional(),
        class: classSchema.optional(),
        customFields: z.array(customFieldSchema).default([]),
        attachments: attachmentsSchema.optional(),
        /** How Vendor Bills created by an older integration are recognized (see legacy-bills.ts). */
        legacy: z
          .object({
            /**
             * Regular expression over a NetSuite bill's external id; its first capture group is compared
             * (case-insensitively) with the Procurify bill's UUID or invoice number (`matchOn`), e.g.
             * `^PROC-([0-9a-f-]{36})$`.
             */
            externalIdPattern: patternSchema.optional(),
            /** NetSuite transaction body field holding the Procurify key, e.g. `custbody_procurify_bill`. */
            field: z
              .string()
              .regex(/^custbody_[a-z0-9_]+$/, 'must be a NetSuite transaction body field id (custbody_...)')
              .optional(),
            /** Which Procurify value the legacy key is: the bill's UUID (default) or its invoice number. */
            matchOn: z.enum(['uuid', 'invoiceNumber']).default('uuid'),
          })
          .strict()
          .optional(),
      })
      .strict(),
  };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;
const builtSchemas = () => {
  schemas ??= buildSchemas();
  return schemas;
};

export const billSyncSettingsSchema = z.lazy(() => builtSchemas().settings);
/** The document's fields and their schemas (the settings catalog's `bills.*`, `apsync bills config set`). */
export const billSyncSettingsShape = () => builtSchemas().settings.shape;

export type BillSyncSettings = z.output<typeof billSyncSettingsSchema>;
export type CustomFieldSetting = z.output<ReturnType<typeof buildSchemas>['customField']>;
export type BillSyncSettingsInput = z.input<typeof billSyncSettingsSchema>;

export async function readBillSyncSettings(
  config: Pick<ConfigStore, 'getConfig'>,
): Promise<BillSyncSettings> {
  return parseBillSyncSettings((await config.getConfig<unknown>(billSyncConfigName)) ?? {});
}

/** Validates a configuration (stored, or given by the operator); a bad value is a DataError naming it. */
export function parseBillSyncSettings(stored: unknown): BillSyncSettings {
  const parsed = billSyncSettingsSchema.safeParse(stored);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new DataError(`the bill sync configuration (${billSyncConfigName}) is invalid: ${problems}`, {
      source: 'apsync',
      path: parsed.error.issues[0]?.path.join('.'),
    });
  }
  return parsed.data;
}
