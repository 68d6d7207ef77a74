// The record-event notice NetSuite's user-event script (infra/netsuite-script/) posts and the
// webhook-ingest Lambda accepts; also what the NetSuite poll and backfill enqueue. The one schema for all of them.
import * as z from 'zod';

/** NetSuite record type ids as SuiteScript spells them (`record.type`), lower-case. */
export const noticeRecordTypes = ['vendor', 'account', 'department', 'vendorbill', 'vendorpayment'] as const;
export type NoticeRecordType = (typeof noticeRecordTypes)[number];

export const noticeEventTypes = ['create', 'edit', 'xedit', 'delete', 'paybills'] as const;
export type NoticeEventType = (typeof noticeEventTypes)[number];

export const recordEventNoticeSchema = z
  .object({
    /** Unique per event; equals the `webhook-id` header; the de-duplication key. */
    eventId: z.string().min(1).max(200),
    accountId: z.string().min(1).max(64),
    recordType: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(noticeRecordTypes)),
    recordId: z.string().regex(/^\d{1,18}$/, 'must be a NetSuite internal id (digits)'),
    eventType: z.enum(noticeEventTypes),
    lastModified: z.iso.datetime({ offset: true }),
  })
  .strict();

export type RecordEventNotice = z.infer<typeof recordEventNoticeSchema>;

/** A zod issue list as one sentence that names each bad field, for 400 answers and audit trails. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
