// What the paid-bill pull reads from NetSuite, in memory (shared/payments/ports.ts PaidBillReads): bill
// rows as a test puts them, the window of paid ones (Paid In Full, or open with a part paid) modified at
// or after `since` oldest first, bills by id, and the date of each bill's latest Vendor Payment.
import type { PaidBillReads, PaidBillRow } from '../../../shared/payments/ports.ts';
import { Faults } from './faults.ts';

export class InMemoryPaidBills implements PaidBillReads {
  readonly faults = new Faults<'read'>('netsuite');
  /** Vendor bills by internal id. */
  readonly bills = new Map<string, PaidBillRow>();
  /** The date (YYYY-MM-DD) of each bill's latest Vendor Payment. */
  readonly paymentDates = new Map<string, string>();

  async *paidSince(since: string): AsyncIterable<PaidBillRow> {
    this.faults.check('read');
    const rows = [...this.bills.values()]
      .filter((bill) => bill.lastModified >= since)
      .filter((bill) => bill.status === 'B' || (bill.status === 'A' && bill.paidCents > 0))
      .sort((a, b) => a.lastModified.localeCompare(b.lastModified) || a.id.localeCompare(b.id));
    for (const row of rows) yield structuredClone(row);
  }

  async billsById(ids: readonly string[]): Promise<PaidBillRow[]> {
    this.faults.check('read');
    return ids.flatMap((id) => {
      const bill = this.bills.get(id);
      return bill === undefined ? [] : [structuredClone(bill)];
    });
  }

  async latestPaymentDates(billIds: readonly string[]): Promise<Map<string, string>> {
    this.faults.check('read');
    return new Map(
      billIds.flatMap((id) => {
        const date = this.paymentDates.get(id);
        return date === undefined ? [] : [[id, date] as const];
      }),
    );
  }
}
