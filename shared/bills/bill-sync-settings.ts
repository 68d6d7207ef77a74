// The bill flow's configuration, kept in the state table's configuration (ConfigStore item `bill-sync`)
// so the operator can change it without a deployment: the subsidiary bills are written to (default:
// the vendor's primary subsidiary) and how Vendor Bills of an older integration are recognized (legacy
// links). Read by the bill-sync use case on every bill; validated, a bad value is a DataError naming it.
import { z } from 'zod';
import { DataError } from '../errors.ts';
import type { ConfigStore } from '../state/state-store.ts';

export const billSyncConfigName = 'bill-sync';

const patternSchema = z.string().superRefine((value, ctx) => {
  let pattern: RegExp;
  try {
    pattern = new RegExp(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression (${(error as Error).message})` });
    return;
  }
  // A regex with a capture group matches the empty string's group count: `new RegExp('(x)|')` → 1.
  const groups = new RegExp(`${pattern.source}|`).exec('')?.length ?? 1;
  if (groups < 2) ctx.addIssue({ code: 'custom', message: 'needs a capture group for the Procurify key' });
});

export const billSyncSettingsSchema = z
  .object({
    /** NetSuite subsidiary internal id for every bill; default: the vendor's primary subsidiary. */
    subsidiaryId: z.string().regex(/^\d+$/, 'must be a NetSuite internal id (digits)').optional(),
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
  .strict();

export type BillSyncSettings = z.output<typeof billSyncSettingsSchema>;
export type BillSyncSettingsInput = z.input<typeof billSyncSettingsSchema>;

export async function readBillSyncSettings(config: ConfigStore): Promise<BillSyncSettings> {
  const stored = (await config.getConfig<unknown>(billSyncConfigName)) ?? {};
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
