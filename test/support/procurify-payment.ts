// A Procurify payment as Procurify keeps it (PaymentResponse, shared/procurify/schemas.ts): payment 55,
// paid in USD from GL 1000, posted 2026-11-02, with the given fields over it. The payment use-case and
// preview tests put it in the in-memory Procurify and read it back through the adapter's mapping.
import type { ProcurifyPayment } from '../../shared/procurify/schemas.ts';

export const paidProcurifyPayment = (overrides: Partial<ProcurifyPayment> = {}): ProcurifyPayment => ({
  id: 55,
  uuid: 'p-55',
  status: 'paid',
  amount: '150.25',
  currency: { id: 1, name: 'USD' },
  gl_code: '1000',
  bill_groups: [],
  vendor_name: 'Northwind',
  payment_source_name: null,
  processing_date: null,
  posted_date: '2026-11-02T09:00:00Z',
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-02T10:00:00Z',
  ...overrides,
});
