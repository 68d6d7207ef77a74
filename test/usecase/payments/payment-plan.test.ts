// planVendorPayment (shared/payments/vendor-payment-plan.ts): the Vendor Payment a Procurify payment
// becomes, and every data error with its message, without I/O. Also the cents arithmetic it relies on.
import { describe, expect, it } from 'vitest';
import type { ApPayment, PaymentApplications } from '../../../shared/ap/payment.ts';
import { DataError } from '../../../shared/errors.ts';
import { formatCents, toCents } from '../../../shared/money/money.ts';
import {
  type ExistingVendorPayment,
  type NetSuiteBillFacts,
  type NetSuitePaymentAccount,
  type PaymentLinks,
  type PaymentPlanResult,
  planVendorPayment,
} from '../../../shared/payments/vendor-payment-plan.ts';
import type { RecordLink } from '../../../shared/state/model.ts';

const payment = (overrides: Partial<ApPayment> = {}): ApPayment => ({
  id: 77,
  status: 'paid',
  amount: '150.00',
  currency: 'USD',
  glCode: '1000',
  billGroups: [5],
  vendorName: 'Acme Office Supply',
  paymentSourceName: 'Operating - Check',
  processingDate: '2026-03-01',
  postedDate: '2026-03-02',
  updatedAt: '2026-03-02T10:00:00Z',
  ...overrides,
});

const app = (billUuid: string, amount: string, extra: { vendorId?: number; currency?: string } = {}) => ({
  billUuid,
  billId: Number(billUuid.replace(/\D/g, '') || '1'),
  vendorId: extra.vendorId ?? 12,
  currency: extra.currency ?? 'USD',
  amount,
});

const applications = (apps: ReturnType<typeof app>[], complete = true): PaymentApplications => ({
  applications: apps,
  appliedTotal: apps.reduce((sum, a) => sum + Number(a.amount), 0).toFixed(2),
  complete,
});

const link = (kind: RecordLink['kind'], procurifyId: string, netsuiteId: string): RecordLink => ({
  kind,
  procurifyId,
  netsuiteId,
  origin: 'created',
  linkedAt: '2026-01-01T00:00:00Z',
});

const bill = (id: string, unpaid: number, extra: Partial<NetSuiteBillFacts> = {}): NetSuiteBillFacts => ({
  id,
  entity: '105',
  currency: '1',
  currencySymbol: 'USD',
  subsidiary: '1',
  status: 'A',
  unpaidCents: unpaid,
  ...extra,
});

const bank: NetSuitePaymentAccount = {
  id: '1',
  number: '1000',
  type: 'Bank',
  inactive: false,
  currency: '1',
};

/** `vendor` null: the vendor has no link. */
function links(billPairs: Array<[string, string | undefined]>, vendor: string | null = '105'): PaymentLinks {
  return {
    bills: new Map(
      billPairs.map(([uuid, ns]) => [uuid, ns === undefined ? undefined : link('bill', uuid, ns)]),
    ),
    vendors: new Map([[12, vendor === null ? undefined : link('vendor', '12', vendor)]]),
  };
}

function plan(
  apps: ReturnType<typeof app>[],
  options: {
    complete?: boolean;
    links?: PaymentLinks;
    bills?: NetSuiteBillFacts[];
    accounts?: NetSuitePaymentAccount[];
    glCode?: string | null;
    existing?: ExistingVendorPayment;
    payment?: Partial<ApPayment>;
  } = {},
): PaymentPlanResult {
  return planVendorPayment(
    payment(options.payment),
    applications(apps, options.complete),
    options.links ?? links(apps.map((a, index) => [a.billUuid, String(1001 + index)])),
    options.accounts ?? [bank],
    {
      glCode: options.glCode === undefined ? '1000' : options.glCode,
      netsuiteBills: new Map(
        (options.bills ?? apps.map((_, index) => bill(String(1001 + index), 100_00))).map((b) => [b.id, b]),
      ),
      ...(options.existing === undefined ? {} : { existing: options.existing }),
    },
  );
}

function refusal(result: PaymentPlanResult) {
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

describe('planVendorPayment', () => {
  it('plans one Vendor Payment applying each bill its amount, keyed by the payment external id', () => {
    const result = plan([app('b1', '100.00'), app('b2', '30.50'), app('b3', '19.50')], {
      bills: [bill('1001', 100_00), bill('1002', 80_00), bill('1003', 19_50)],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan).toMatchObject({
      externalId: 'procurify-pay-77',
      vendorId: '105',
      subsidiaryId: '1',
      accountId: '1',
      currencyId: '1',
      tranDate: '2026-03-02',
      totalCents: 150_00,
      upToDate: false,
    });
    expect(result.plan.body).toMatchObject({
      externalId: 'procurify-pay-77',
      entity: { id: '105' },
      subsidiary: { id: '1' },
      account: { id: '1' },
      currency: { id: '1' },
      tranDate: '2026-03-02',
      apply: {
        items: [
          { doc: { id: '1001' }, apply: true, amount: 100 },
          { doc: { id: '1002' }, apply: true, amount: 30.5 },
          { doc: { id: '1003' }, apply: true, amount: 19.5 },
        ],
      },
    });
  });

  it('uses the processing date when the payment has no posted date', () => {
    const result = plan([app('b1', '10.00')], { payment: { postedDate: null } });
    expect(result.ok && result.plan.tranDate).toBe('2026-03-01');
  });

  it('refuses a bill without a NetSuite link: "Bill not synced", naming the bill and why', () => {
    const result = refusal(
      plan([app('b1', '10.00'), app('b2', '5.00')], {
        links: {
          ...links([
            ['b1', '1001'],
            ['b2', undefined],
          ]),
          billStates: new Map([
            [
              'b2',
              {
                ref: { system: 'procurify', kind: 'bill', id: 'b2' },
                status: 'failed',
                message: 'Account code 6100 has no NetSuite account',
                updatedAt: '',
              },
            ],
          ]),
        },
      }),
    );
    expect(result.problem).toBe('billNotSynced');
    expect(result.error).toBeInstanceOf(DataError);
    expect(result.error.errorClass).toBe('data');
    expect(result.error.message).toMatch(
      /^Bill not synced: Procurify bill 2 \(b2\) has no NetSuite Vendor Bill/,
    );
    expect(result.error.message).toContain('its bill sync failed: Account code 6100 has no NetSuite account');
    expect(result.waitingFor).toEqual(['bill:b2']);
    expect(result.status).toBe('failed');
  });

  it('refuses a vendor without a NetSuite link: "Sync could not complete", naming the vendor', () => {
    const result = refusal(plan([app('b1', '10.00')], { links: links([['b1', '1001']], null) }));
    expect(result.error.message).toMatch(
      /^Sync could not complete: Procurify vendor 12 \(Acme Office Supply\) has no link/,
    );
    expect(result.waitingFor).toEqual(['vendor:12']);
  });

  it('refuses a link to a NetSuite bill that no longer exists: "Sync could not complete"', () => {
    const result = refusal(plan([app('b1', '10.00')], { bills: [] }));
    expect(result.error.message).toMatch(
      /^Sync could not complete: the NetSuite Vendor Bill 1001 linked to Procurify bill 1 \(b1\) no longer exists/,
    );
  });

  it('refuses a NetSuite bill of another vendor than the linked one', () => {
    const result = refusal(plan([app('b1', '10.00')], { bills: [bill('1001', 100_00, { entity: '999' })] }));
    expect(result.error.message).toMatch(
      /^Sync could not complete: Procurify vendor 12 is linked to NetSuite vendor 105/,
    );
  });

  it('refuses when no active bank account has the GL code: "Payment account not found", naming the code', () => {
    const none = refusal(plan([app('b1', '10.00')], { accounts: [], glCode: '4321' }));
    expect(none.error.message).toMatch(
      /^Payment account not found: no active NetSuite bank account has the Number 4321/,
    );
    expect(none.error.message).toContain('payment method "Operating - Check"');
    expect(none.waitingFor).toEqual(['account-number:4321']);
    const inactive = refusal(
      plan([app('b1', '10.00')], { accounts: [{ ...bank, id: '9', inactive: true }], glCode: '1000' }),
    );
    expect(inactive.error.message).toContain('NetSuite account 9 has that Number but is inactive');
    const wrongType = refusal(plan([app('b1', '10.00')], { accounts: [{ ...bank, type: 'Expense' }] }));
    expect(wrongType.error.message).toContain('is of type Expense, not Bank');
    const noCode = refusal(plan([app('b1', '10.00')], { glCode: null }));
    expect(noCode.error.message).toMatch(
      /^Payment account not found: payment method "Operating - Check" has no GL code/,
    );
  });

  it('prefers the bank account in the bills’ currency when several share the Number', () => {
    const result = plan([app('b1', '10.00')], {
      accounts: [
        { ...bank, id: '7', currency: '2' },
        { ...bank, id: '8', currency: '1' },
      ],
    });
    expect(result.ok && result.plan.accountId).toBe('8');
  });

  it('refuses bills of different vendors or currencies in one payment', () => {
    const vendors = refusal(plan([app('b1', '10.00'), app('b2', '5.00', { vendorId: 13 })]));
    expect(vendors.problem).toBe('mixedVendors');
    expect(vendors.error.message).toMatch(
      /^Bills of different vendors: payment 77 pays bills of Procurify vendors 12 and 13/,
    );
    const currencies = refusal(plan([app('b1', '10.00'), app('b2', '5.00', { currency: 'CAD' })]));
    expect(currencies.problem).toBe('mixedCurrencies');
    const netsuiteVendors = refusal(
      plan([app('b1', '10.00'), app('b2', '5.00')], {
        bills: [bill('1001', 100_00), bill('1002', 100_00, { entity: '106' })],
      }),
    );
    expect(netsuiteVendors.problem).toBe('mixedVendors');
    const netsuiteCurrency = refusal(
      plan([app('b1', '10.00')], { bills: [bill('1001', 100_00, { currency: '2', currencySymbol: 'CAD' })] }),
    );
    expect(netsuiteCurrency.error.message).toMatch(/^Bills in different currencies: payment 77 is in USD/);
  });

  it('refuses an applied amount above the NetSuite bill’s open amount, and a bill that is not open', () => {
    const above = refusal(plan([app('b1', '60.00')], { bills: [bill('1001', 50_00)] }));
    expect(above.problem).toBe('aboveOpen');
    expect(above.error.message).toMatch(
      /^Amount above open balance: 60.00 USD applied to Procurify bill 1 \(b1\) is more than the open amount 50.00 of NetSuite Vendor Bill 1001 \(Open\)/,
    );
    const paid = refusal(plan([app('b1', '1.00')], { bills: [bill('1001', 0, { status: 'B' })] }));
    expect(paid.error.message).toContain('open amount 0.00 of NetSuite Vendor Bill 1001 (Paid In Full)');
    const pending = refusal(plan([app('b1', '1.00')], { bills: [bill('1001', 100_00, { status: 'D' })] }));
    expect(pending.error.message).toContain('(Pending Approval)');
    // Exactly the open amount is a full payment.
    expect(plan([app('b1', '50.00')], { bills: [bill('1001', 50_00)] }).ok).toBe(true);
  });

  it('parks an incomplete picture of the payment for review instead of guessing', () => {
    const result = refusal(plan([app('b1', '10.00')], { complete: false }));
    expect(result.status).toBe('review');
    expect(result.problem).toBe('needsReview');
    expect(result.error.message).toMatch(
      /^Payment needs review: Procurify shows where only 10.00 of payment 77's 150.00 USD went/,
    );
    expect(refusal(plan([])).status).toBe('review');
  });

  it('refuses a payment without any date', () => {
    const result = refusal(
      plan([app('b1', '1.00')], { payment: { postedDate: null, processingDate: null } }),
    );
    expect(result.error.message).toMatch(/^Payment date missing/);
  });

  it('counts this payment’s own earlier application as open, and knows when nothing needs writing', () => {
    const existing: ExistingVendorPayment = {
      id: '2001',
      applied: new Map([['1001', 100_00]]),
      accountId: '1',
      tranDate: '2026-03-02',
      voided: false,
    };
    // After the write the bill is paid in full (unpaid 0): a retry must still plan the same payment.
    const again = plan([app('b1', '100.00')], { bills: [bill('1001', 0, { status: 'B' })], existing });
    expect(again.ok && again.plan.upToDate).toBe(true);
    const changed = plan([app('b1', '80.00')], { bills: [bill('1001', 0, { status: 'B' })], existing });
    expect(changed.ok && changed.plan.upToDate).toBe(false);
  });

  it('takes back the application of a bill the payment no longer pays', () => {
    const existing: ExistingVendorPayment = {
      id: '2001',
      applied: new Map([
        ['1001', 10_00],
        ['1009', 5_00],
      ]),
      accountId: '1',
      tranDate: '2026-03-02',
      voided: false,
    };
    const result = plan([app('b1', '10.00')], { existing });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.upToDate).toBe(false);
    expect((result.plan.body.apply as { items: unknown[] }).items).toEqual([
      { doc: { id: '1001' }, apply: true, amount: 10 },
      { doc: { id: '1009' }, apply: false },
    ]);
  });

  it('refuses, for review, to write a Vendor Payment voided in NetSuite again, saying what a person does', () => {
    // Voided: it applies nothing, so the bill is open again and every other check would pass.
    const existing: ExistingVendorPayment = {
      id: '2001',
      applied: new Map(),
      accountId: '1',
      tranDate: '2026-03-02',
      voided: true,
    };
    const result = refusal(plan([app('b1', '100.00')], { existing }));
    expect(result).toMatchObject({ status: 'review', problem: 'voidedInNetSuite', waitingFor: [] });
    expect(result.error.message).toBe(
      'Vendor Payment voided in NetSuite: Vendor Payment 2001 (procurify-pay-77) was voided in NetSuite; ' +
        'apsync does not write a voided payment again. If Procurify payment 77 stands, enter it in NetSuite by ' +
        'hand; if it was taken back, void it in Procurify too; then apsync review dismiss payment:77 --reason …',
    );
    expect(plan([app('b1', '100.00')], { existing: { ...existing, voided: false } }).ok).toBe(true);
  });
});

describe('payment money', () => {
  it('reads Procurify decimals and Oracle-printed numbers as cents', () => {
    expect(toCents('120.50')).toBe(12050);
    expect(toCents('.5')).toBe(50);
    expect(toCents('-120.5')).toBe(-12050);
    expect(toCents('25')).toBe(2500);
    expect(toCents(30.5)).toBe(3050);
    expect(toCents('0.125')).toBe(13);
    expect(toCents('abc')).toBeUndefined();
    expect(toCents('.')).toBeUndefined();
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-12050)).toBe('-120.50');
  });
});

describe('planVendorPayment: what NetSuite or Procurify leaves out', () => {
  it('names an unlinked vendor Procurify gives no name for by its id', () => {
    const result = refusal(
      plan([app('b1', '100.00')], { links: links([['b1', '1001']], null), payment: { vendorName: null } }),
    );
    expect(result.error.message).toContain(
      'Procurify vendor 12 has no link to a NetSuite vendor; sync the vendor from NetSuite',
    );
  });

  it("pays from the bank account in the bills' currency, else from the first with the Number", () => {
    const euros = { ...bank, id: '2', currency: '2' };
    const both = plan([app('b1', '100.00')], { accounts: [euros, bank] });
    const only = plan([app('b1', '100.00')], { accounts: [euros] });
    expect([both, only].map((result) => result.ok && result.plan.accountId)).toEqual(['1', '2']);
  });

  it('writes no subsidiary when the bills show none', () => {
    const result = plan([app('b1', '100.00')], { bills: [bill('1001', 100_00, { subsidiary: undefined })] });
    expect(result.ok && result.plan.body).not.toHaveProperty('subsidiary');
    expect(result.ok && result.plan.body).toMatchObject({ entity: { id: '105' } });
  });

  it('names a bill status it has no name for as NetSuite gives it', () => {
    const result = refusal(plan([app('b1', '100.00')], { bills: [bill('1001', 100_00, { status: 'Z' })] }));
    expect(result.error.message).toContain(
      'more than the open amount 0.00 of NetSuite Vendor Bill 1001 (Z);',
    );
  });
});
