// Procurify adapter of reconciliation's bulk reads: vendors, account codes, departments, bills and
// payments through the client's list pages (no request per record).
import type { ProcurifyClient } from '../procurify/ports.ts';
import type { ProcurifyBillRow, ProcurifyBulkReads, ProcurifyPaymentRow } from './ports.ts';

export type ProcurifyListClient = Pick<
  ProcurifyClient,
  'listVendors' | 'listAccountCodes' | 'listDepartments' | 'listBills' | 'listPayments'
>;

export function createProcurifyBulkReads(client: ProcurifyListClient): ProcurifyBulkReads {
  return {
    vendors: () => client.listVendors(),
    accountCodes: () => client.listAccountCodes(),
    departments: () => client.listDepartments(),
    async *bills(): AsyncIterable<ProcurifyBillRow> {
      for await (const bill of client.listBills()) {
        yield {
          uuid: bill.uuid.toLowerCase(),
          id: bill.id,
          status: bill.status,
          total: bill.total,
          invoiceNumber: bill.invoiceNumber,
          lastModified: bill.lastModified,
        };
      }
    },
    async *payments(): AsyncIterable<ProcurifyPaymentRow> {
      for await (const payment of client.listPayments()) {
        yield {
          id: String(payment.id),
          status: payment.status,
          amount: payment.amount,
          currency: payment.currency,
          updatedAt: payment.updatedAt,
        };
      }
    },
  };
}
