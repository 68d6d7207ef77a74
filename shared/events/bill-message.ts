// Messages on the bill queue: "sync this approved Procurify bill to NetSuite". Sent by the Procurify
// poll, by a replay of a parked bill and by backfill; consumed by the bill-sync worker, which reads the
// bill's current detail instead of trusting the message.
import * as z from 'zod';

export const billMessageSchema = z
  .object({
    kind: z.literal('bill'),
    origin: z.enum(['poll', 'replay', 'mapping-available', 'backfill']),
    /** Procurify bill UUID (any version: Procurify does not promise RFC 9562 variants). */
    billUuid: z.guid(),
    /** Procurify `last_modified_datetime` of the version that was seen (informational). */
    lastModified: z.string().optional(),
    enqueuedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type BillMessage = z.infer<typeof billMessageSchema>;
