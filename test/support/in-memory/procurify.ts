// Procurify in memory, behind the port interfaces the use cases take (shared/procurify/index.ts):
// bills (list and scan by modification time, both bounds inclusive as the API's `_0`/`_1` filters,
// oldest first; read one by uuid; a missing one is the DataError 404 the client throws) and their
// invoice files (downloaded by attachment, a missing file a DataError naming it).
import { DataError } from '../../../shared/errors.ts';
import type {
  BillListFilter,
  BillScanFilter,
  DownloadedAttachment,
  PaymentListFilter,
  ProcurifyAttachment,
  ProcurifyBill,
  ProcurifyBillSummary,
  ProcurifyBills,
  ProcurifyInvoiceFiles,
  ProcurifyPayment,
} from '../../../shared/procurify/ports.ts';
import { Faults } from './faults.ts';

export type ProcurifyOperation = 'getBill' | 'scanBills' | 'downloadAttachment' | 'listPayments';

const time = (value: Date | string | undefined): number | undefined =>
  value === undefined ? undefined : new Date(value).getTime();

export class InMemoryProcurify implements ProcurifyBills, ProcurifyInvoiceFiles {
  readonly faults = new Faults<ProcurifyOperation>('procurify');
  readonly bills = new Map<string, ProcurifyBill>();
  readonly payments = new Map<number, ProcurifyPayment>();
  /** Invoice file bytes by attachment uuid. */
  readonly files = new Map<string, DownloadedAttachment>();

  putBill(bill: ProcurifyBill): ProcurifyBill {
    this.bills.set(bill.uuid.toLowerCase(), structuredClone(bill));
    return bill;
  }

  async getBill(uuid: string): Promise<ProcurifyBill> {
    this.faults.check('getBill');
    if (!/^[0-9a-f-]+$/i.test(uuid)) {
      throw new DataError(`procurify: ${JSON.stringify(uuid)} is not a bill UUID`, {
        source: 'procurify',
        path: 'uuid',
      });
    }
    const bill = this.bills.get(uuid.toLowerCase());
    if (bill === undefined) {
      throw new DataError(`procurify: bill ${uuid} not found`, { source: 'procurify', status: 404 });
    }
    return structuredClone(bill);
  }

  async *listBills(filter: BillListFilter = {}): AsyncIterable<ProcurifyBillSummary> {
    yield* this.summaries({ ...filter, status: filter.status }).filter(
      (bill) => filter.group === undefined || bill.group === filter.group,
    );
  }

  async *scanBills(filter: BillScanFilter = {}): AsyncIterable<ProcurifyBillSummary> {
    this.faults.check('scanBills');
    for (const summary of this.summaries(filter)) {
      yield summary;
      this.faults.check('scanBills');
    }
  }

  putPayment(payment: ProcurifyPayment): ProcurifyPayment {
    this.payments.set(payment.id, structuredClone(payment));
    return payment;
  }

  /** Payments by update time (both bounds inclusive), status, bill group and id, oldest first. */
  async *listPayments(filter: PaymentListFilter = {}): AsyncIterable<ProcurifyPayment> {
    this.faults.check('listPayments');
    const after = time(filter.updatedAfter);
    const before = time(filter.updatedBefore);
    const found = [...this.payments.values()].filter((payment) => {
      const updated = Date.parse(payment.updated_at);
      return (
        (after === undefined || updated >= after) &&
        (before === undefined || updated <= before) &&
        (filter.statuses === undefined || filter.statuses.includes(payment.status as never)) &&
        (filter.ids === undefined || filter.ids.includes(payment.id)) &&
        (filter.billGroups === undefined ||
          payment.bill_groups.some((group) => filter.billGroups!.includes(group)))
      );
    });
    const key = filter.orderBy?.replace('-', '') === 'created_at' ? 'created_at' : 'updated_at';
    found.sort((a, b) => Date.parse(a[key]) - Date.parse(b[key]));
    if (filter.orderBy?.startsWith('-') === true) found.reverse();
    for (const payment of found) yield structuredClone(payment);
  }

  async downloadAttachment(attachment: ProcurifyAttachment): Promise<DownloadedAttachment> {
    this.faults.check('downloadAttachment');
    const file = this.files.get(attachment.uuid);
    if (file === undefined) {
      throw new DataError(`procurify: invoice file ${attachment.name} cannot be downloaded`, {
        source: 'procurify',
        status: 404,
      });
    }
    return { content: file.content, contentType: file.contentType };
  }

  private summaries(filter: {
    modifiedAfter?: Date | string;
    modifiedBefore?: Date | string;
    status?: number | number[];
  }): ProcurifyBillSummary[] {
    const statuses = filter.status === undefined ? undefined : new Set([filter.status].flat());
    const after = time(filter.modifiedAfter);
    const before = time(filter.modifiedBefore);
    return [...this.bills.values()]
      .filter((bill) => {
        const modified = Date.parse(bill.last_modified_datetime);
        return (
          (after === undefined || modified >= after) &&
          (before === undefined || modified <= before) &&
          (statuses === undefined || statuses.has(bill.status))
        );
      })
      .sort((a, b) => Date.parse(a.last_modified_datetime) - Date.parse(b.last_modified_datetime))
      .map((bill) => ({
        id: bill.id,
        uuid: bill.uuid,
        status: bill.status,
        last_modified_datetime: bill.last_modified_datetime,
        invoice_number: bill.invoice_number,
        vendor: { id: bill.vendor.id, name: bill.vendor.name },
        currency: bill.currency,
        group: bill.group,
        total_cost_with_tax: bill.total_cost_with_tax,
        invoice_date: bill.invoice_date,
        due_date: bill.due_date,
      }));
  }
}
