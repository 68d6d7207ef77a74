// Messages on the payment queue: "push this Procurify payment to NetSuite as a Vendor Payment" (push
// mode). Sent by the Procurify poll, by a manual re-sync and by backfill; consumed by the payment-push
// worker, which is idempotent on the payment id.
import * as z from 'zod';

export const paymentMessageSchema = z
  .object({
    kind: z.literal('payment'),
    origin: z.enum(['poll', 'resync', 'backfill']),
    /** Procurify payment id. */
    paymentId: z.string().regex(/^\d+$/, 'must be a Procurify payment id (digits)'),
    /** Procurify `updated_at` of the version that was seen (informational). */
    updatedAt: z.string().optional(),
    enqueuedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type PaymentMessage = z.infer<typeof paymentMessageSchema>;
