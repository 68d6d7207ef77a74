// The payment push's NetSuite facts in memory (shared/payments/ports.ts: PaymentFactsSource and
// PaymentFactsReads): Vendor Bills with their amount open before any payment and accounts as a test puts
// them; the Vendor Payment under an external id is the one the use case wrote to the in-memory NetSuite
// (netsuite.ts), its applications read from its `apply` lines (the last line of a bill wins, as NetSuite
// adds the lines of an upsert without ?replace= to the record's own), and a bill's open amount is less
// what every stored Vendor Payment applies to it. The initial load's VendorPaymentApplicationReads: the
// applications of the stored Vendor Payments (not voided) that apply money to given bills.
import { toCents } from '../../../shared/money/money.ts';
import type { VendorPaymentApplication } from '../../../shared/payments/match-vendor-payment.ts';
import type {
  PaymentFacts,
  PaymentFactsReads,
  PaymentFactsRequest,
  PaymentFactsSource,
  VendorPaymentApplicationReads,
} from '../../../shared/payments/ports.ts';
import type {
  ExistingVendorPayment,
  NetSuiteBillFacts,
  NetSuitePaymentAccount,
} from '../../../shared/payments/vendor-payment-plan.ts';
import type { InMemoryNetSuite } from './netsuite.ts';

interface ApplyLine {
  doc?: { id?: string };
  apply?: boolean;
  amount?: string | number;
}

const cents = (amount: string | number | undefined): number => toCents(amount ?? 0) ?? 0;

export class InMemoryPaymentFacts
  implements PaymentFactsSource, PaymentFactsReads, VendorPaymentApplicationReads
{
  /** Vendor Bills by internal id, `unpaidCents` being the amount open before any Vendor Payment. */
  readonly bills = new Map<string, NetSuiteBillFacts>();
  accounts: NetSuitePaymentAccount[] = [];
  /** How many times the facts were read (one per payment, or one per batch through readMany). */
  reads = 0;

  private readonly netsuite: InMemoryNetSuite;

  constructor(netsuite: InMemoryNetSuite) {
    this.netsuite = netsuite;
  }

  async read(request: PaymentFactsRequest): Promise<PaymentFacts> {
    this.reads += 1;
    return this.factsOf(request);
  }

  async readMany(requests: readonly PaymentFactsRequest[]): Promise<PaymentFacts[]> {
    this.reads += 1;
    return requests.map((request) => this.factsOf(request));
  }

  async findVendorPayment(externalId: string): Promise<ExistingVendorPayment | undefined> {
    return this.existing(externalId);
  }

  async applicationsTouching(billIds: readonly string[]): Promise<VendorPaymentApplication[]> {
    const wanted = new Set(billIds);
    return this.netsuite
      .recordsOf('vendorPayment')
      .filter((record) => (record.status as { id?: string } | undefined)?.id !== 'V')
      .flatMap((record) => {
        const lines = [...applied(record)];
        if (!lines.some(([billId]) => wanted.has(billId))) return [];
        return lines.map(([netsuiteBillId, cents]) => ({
          vendorPaymentId: String(record.id),
          netsuiteBillId,
          cents,
        }));
      });
  }

  private factsOf(request: PaymentFactsRequest): PaymentFacts {
    const existing = this.existing(request.externalId);
    const ids = new Set([...request.billIds, ...(existing?.applied.keys() ?? [])]);
    const bills = new Map<string, NetSuiteBillFacts>();
    for (const id of ids) {
      const bill = this.bills.get(id);
      if (bill !== undefined) bills.set(id, { ...bill, unpaidCents: bill.unpaidCents - this.appliedTo(id) });
    }
    const accounts =
      request.glCode === null ? [] : this.accounts.filter((account) => account.number === request.glCode);
    return { ...(existing === undefined ? {} : { existing }), bills, accounts: structuredClone(accounts) };
  }

  private existing(externalId: string): ExistingVendorPayment | undefined {
    const record = this.netsuite.record('vendorPayment', `eid:${externalId}`);
    if (record === undefined) return undefined;
    const account = (record.account as { id?: string } | undefined)?.id;
    return {
      id: String(record.id),
      applied: applied(record),
      ...(account === undefined ? {} : { accountId: account }),
      ...(typeof record.tranDate === 'string' ? { tranDate: record.tranDate } : {}),
      voided: (record.status as { id?: string } | undefined)?.id === 'V',
    };
  }

  private appliedTo(billId: string): number {
    return this.netsuite
      .recordsOf('vendorPayment')
      .reduce((sum, record) => sum + (applied(record).get(billId) ?? 0), 0);
  }
}

function applied(record: Record<string, unknown>): Map<string, number> {
  const lines = ((record.apply as { items?: ApplyLine[] } | undefined)?.items ?? []) as ApplyLine[];
  const result = new Map<string, number>();
  for (const line of lines) {
    const id = line.doc?.id;
    if (id === undefined) continue;
    if (line.apply === false) result.delete(id);
    else result.set(id, cents(line.amount));
  }
  return result;
}
