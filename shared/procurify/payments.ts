// Procurify payments (`/api/public/v1/payments/`): the list (page numbers) and the change scan by update
// time, how a payment was applied to bills (read from its bill groups' bills), and the company's
// payment methods.

import type { ApPayment, PaymentApplication, PaymentApplications, PaymentMethod } from '../ap/payment.ts';
import { compareDecimals, sumDecimals } from '../money/money.ts';
import { toApPayment, toPaymentMethod } from './ap-records.ts';
import type { RestProcurifyBills } from './bills.ts';
import { listPages, scanByTime, toIso } from './paging.ts';
import type { PaymentListFilter, PaymentScanFilter, ProcurifyPayments } from './ports.ts';
import { companyPaymentMethodSchema, paymentSchema } from './schemas.ts';
import type { ProcurifyTransport } from './transport.ts';

export class RestProcurifyPayments implements ProcurifyPayments {
  private readonly transport: ProcurifyTransport;
  private readonly bills: Pick<RestProcurifyBills, 'listBills' | 'readBillPayment'>;

  constructor(
    transport: ProcurifyTransport,
    bills: Pick<RestProcurifyBills, 'listBills' | 'readBillPayment'>,
  ) {
    this.transport = transport;
    this.bills = bills;
  }

  async *listPayments(filter: PaymentListFilter = {}): AsyncIterable<ApPayment> {
    const statuses = filter.statuses === undefined ? undefined : new Set<string>(filter.statuses);
    const rows = listPages(
      this.transport,
      '/api/public/v1/payments/',
      {
        updated_at_after: toIso(filter.updatedAfter),
        updated_at_before: toIso(filter.updatedBefore),
        status: filter.statuses?.join(','),
        bill_groups: filter.billGroups?.join(','),
        ids: filter.ids?.join(','),
        order_by: filter.orderBy,
      },
      paymentSchema,
      'payment list',
    );
    for await (const payment of rows) {
      if (statuses !== undefined && (payment.status === null || !statuses.has(payment.status))) continue;
      yield toApPayment(payment);
    }
  }

  async *scanPayments(filter: PaymentScanFilter = {}): AsyncIterable<ApPayment> {
    const statuses = filter.statuses === undefined ? undefined : new Set<string>(filter.statuses);
    const rows = scanByTime(this.transport, {
      path: '/api/public/v1/payments/',
      query: { status: filter.statuses?.join(',') },
      lowerParam: 'updated_at_after',
      upperParam: 'updated_at_before',
      orderBy: 'updated_at',
      after: toIso(filter.updatedAfter),
      before: toIso(filter.updatedBefore),
      item: paymentSchema,
      timeOf: (payment) => payment.updated_at,
      keyOf: (payment) => String(payment.id),
      what: 'payment list',
    });
    for await (const payment of rows) {
      if (statuses !== undefined && (payment.status === null || !statuses.has(payment.status))) continue;
      yield toApPayment(payment);
    }
  }

  async getPaymentApplications(payment: ApPayment): Promise<PaymentApplications> {
    const uuids = new Set<string>();
    for (const group of payment.billGroups) {
      for await (const summary of this.bills.listBills({ group })) uuids.add(summary.uuid);
    }
    // The bills read side by side, a few at a time (a payment's bills are read while its worker holds
    // a NetSuite permit idle); the applications keep the listing's order.
    const bills = await inOrder([...uuids], billReadsAtOnce, (uuid) => this.bills.readBillPayment(uuid));
    const applications: PaymentApplication[] = [];
    for (const bill of bills) {
      if (bill.bill_payment === null || bill.bill_payment.payment.id !== payment.id) continue;
      applications.push({
        billUuid: bill.uuid,
        billId: bill.id,
        vendorId: bill.vendor.id,
        currency: bill.currency.name,
        amount: bill.bill_payment.amount,
      });
    }
    const appliedTotal = sumDecimals(applications.map((a) => a.amount));
    return { applications, appliedTotal, complete: compareDecimals(appliedTotal, payment.amount) === 0 };
  }

  async *listCompanyPaymentMethods(): AsyncIterable<PaymentMethod> {
    const rows = listPages(
      this.transport,
      '/api/v2/ap/company-payment-methods/',
      {},
      companyPaymentMethodSchema,
      'company payment method list',
    );
    for await (const method of rows) yield toPaymentMethod(method);
  }
}

/** Bills of one payment read at once. */
const billReadsAtOnce = 4;

/**
 * `read` of every item, at most `width` at a time; the results in the items' order. The first failure
 * is the answer, and no read starts after it.
 */
async function inOrder<T, R>(
  items: readonly T[],
  width: number,
  read: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length && !failed) {
        const index = next++;
        try {
          results[index] = await read(items[index]!);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
  return results;
}
