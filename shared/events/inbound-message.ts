// Messages on the inbound queue: "look at this NetSuite record now". Sent by webhook-ingest (from a
// signed notice), by the NetSuite poll and by backfill; consumed by the inbound worker, which always
// fetches the current record instead of trusting the message.
import * as z from 'zod';
import { noticeEventTypes, noticeRecordTypes } from './record-event-notice.ts';

export const inboundMessageSchema = z
  .object({
    kind: z.literal('record-event'),
    /** Where the message came from; the poll is the safety net for lost notices. */
    origin: z.enum(['webhook', 'poll', 'backfill', 'replay']),
    eventId: z.string().min(1),
    recordType: z.enum(noticeRecordTypes),
    recordId: z.string().regex(/^\d{1,18}$/),
    eventType: z.enum(noticeEventTypes),
    lastModified: z.iso.datetime({ offset: true }),
    receivedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type InboundMessage = z.infer<typeof inboundMessageSchema>;
