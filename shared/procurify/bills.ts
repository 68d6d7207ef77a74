// Procurify AP bills: the bill list (page numbers), its count for a window (the page's `count`,
// procurify.openapi.yml PaginationDocs, in infra/contracts/facts/procurify.json) and the change scan by
// modification time, one bill by UUID (mapped to the domain's AP bill, or only its payment: what a
// payment's applications read), and mark-as-paid for a batch, which after a failure that may hide a
// success re-reads the bills and posts again only for those still unpaid.
import * as z from 'zod';
import type { ApBill, ApBillSummary } from '../ap/bill.ts';
import { procurifyBillStatus } from '../ap/bill.ts';
import { DataError, SyncError } from '../errors.ts';
import { toApBill, toApBillSummary } from './ap-records.ts';
import { ProcurifyEndpoint } from './endpoint.ts';
import { source, writeMayHaveHappened } from './errors.ts';
import { scanByTime, toIso } from './paging.ts';
import type {
  BillListFilter,
  BillScanFilter,
  MarkBillsPaidResult,
  ProcurifyBillPayer,
  ProcurifyBills,
} from './ports.ts';
import {
  billPaymentSchema,
  billSchema,
  billSummarySchema,
  markAsPaidAnswerSchema,
  type ProcurifyBill,
  pageSchema,
} from './schemas.ts';

export class RestProcurifyBills extends ProcurifyEndpoint implements ProcurifyBills, ProcurifyBillPayer {
  async *listBills(filter: BillListFilter = {}): AsyncIterable<ApBillSummary> {
    const statuses = filter.status === undefined ? undefined : new Set([filter.status].flat());
    const rows = this.list('/api/v3/ap/bills/', billSummarySchema, 'bill list', {
      last_modified_datetime_0: toIso(filter.modifiedAfter),
      last_modified_datetime_1: toIso(filter.modifiedBefore),
      vendor: filter.vendor === undefined ? undefined : String(filter.vendor),
      group: filter.group === undefined ? undefined : String(filter.group),
      order_by: filter.orderBy,
    });
    for await (const bill of rows) {
      if (statuses !== undefined && !statuses.has(bill.status)) continue;
      if (filter.group !== undefined && bill.group !== filter.group) continue;
      yield toApBillSummary(bill);
    }
  }

  async *scanBills(filter: BillScanFilter = {}): AsyncIterable<ApBillSummary> {
    const statuses = filter.status === undefined ? undefined : new Set([filter.status].flat());
    const rows = scanByTime(this.transport, {
      path: '/api/v3/ap/bills/',
      query: {},
      lowerParam: 'last_modified_datetime_0',
      upperParam: 'last_modified_datetime_1',
      orderBy: 'last_modified_datetime',
      after: toIso(filter.modifiedAfter),
      before: toIso(filter.modifiedBefore),
      item: billSummarySchema,
      timeOf: (bill) => bill.last_modified_datetime,
      keyOf: (bill) => bill.uuid,
      what: 'bill list',
    });
    for await (const bill of rows) {
      if (statuses !== undefined && !statuses.has(bill.status)) continue;
      yield toApBillSummary(bill);
    }
  }

  async countBills(filter: Omit<BillScanFilter, 'status'> = {}): Promise<number> {
    const url = this.transport.url('/api/v3/ap/bills/', {
      last_modified_datetime_0: toIso(filter.modifiedAfter),
      last_modified_datetime_1: toIso(filter.modifiedBefore),
      page_size: '1',
    });
    const body = await this.transport.retrying(() => this.transport.call('GET', url));
    return this.transport.parse(pageSchema(billSummarySchema), body, 'bill list').metadata.pagination.count;
  }

  async getBill(uuid: string): Promise<ApBill> {
    return toApBill(await this.readBill(uuid));
  }

  /** BillRead as Procurify sends it (what bill sync and mark-as-paid read). */
  readBill(uuid: string): Promise<ProcurifyBill> {
    return this.billRead(uuid, billSchema);
  }

  /**
   * A bill's payment as BillRead gives it, and what a payment's application names besides (the bill's
   * ids, vendor and currency): the payment push reads only these, so only these are checked — the whole
   * BillRead's schema (lines, cost allocations, files) cost about twice the CPU per bill read, and
   * about 15 ms more on an instance's first read (zod builds and compiles each object schema then).
   */
  readBillPayment(uuid: string): Promise<ProcurifyBillPayment> {
    return this.billRead(uuid, billPaymentReadSchema);
  }

  /** `GET /api/v2/ap/bills/{uuid}/` checked against `schema`. */
  private async billRead<T extends z.ZodType>(uuid: string, schema: T): Promise<z.output<T>> {
    if (!/^[0-9a-f-]+$/i.test(uuid)) {
      throw new DataError(`procurify: ${JSON.stringify(uuid)} is not a bill UUID`, { source, path: 'uuid' });
    }
    return this.transport.one('GET', `/api/v2/ap/bills/${uuid.toLowerCase()}/`, undefined, schema, 'bill');
  }

  async markBillsPaid(uuids: string[], paymentDate: string): Promise<MarkBillsPaidResult> {
    if (uuids.length === 0)
      throw new DataError('procurify: mark-as-paid needs at least one bill', { source, path: 'bill_uuids' });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(paymentDate)) {
      throw new DataError(`procurify: payment date ${paymentDate} is not YYYY-MM-DD`, {
        source,
        path: 'payment_date',
      });
    }
    const t = this.transport;
    let remaining = [...new Set(uuids)];
    const alreadyPaid: string[] = [];
    let uncertain = false;
    return t.retrying(async () => {
      if (uncertain) {
        // The previous POST may have gone through: keep only the bills still unpaid.
        const stillOpen: string[] = [];
        for (const uuid of remaining) {
          const bill = await this.readBill(uuid);
          if (bill.status === procurifyBillStatus.paid) alreadyPaid.push(uuid);
          else stillOpen.push(uuid);
        }
        remaining = stillOpen;
        uncertain = false;
        if (remaining.length === 0) return { billUuids: uuids, paymentDate, alreadyPaid };
      }
      try {
        const answer = await t.call('POST', t.url('/api/v3/ap/bills/mark-as-paid/'), {
          bill_uuids: remaining,
          payment_date: paymentDate,
        });
        const echo = t.parse(markAsPaidAnswerSchema, answer, 'mark-as-paid answer');
        return { billUuids: uuids, paymentDate: echo.payment_date, alreadyPaid };
      } catch (error) {
        if (error instanceof SyncError && writeMayHaveHappened(error)) uncertain = true;
        throw error;
      }
    });
  }
}

/** The part of BillRead (`GET /api/v2/ap/bills/{uuid}/`) readBillPayment checks and gives. */
const billPaymentReadSchema = z.lazy(() =>
  z.object({
    id: z.number().int(),
    uuid: z.string().min(1),
    vendor: z.object({ id: z.number().int() }),
    currency: z.object({ name: z.string() }),
    bill_payment: billPaymentSchema.nullish().transform((value) => value ?? null),
  }),
);
export type ProcurifyBillPayment = z.infer<typeof billPaymentReadSchema>;
