// The adapter boundary for AP records (shared/procurify/ap-records.ts): Procurify's wire answers (bills,
// bill list rows, payments, payment methods), parsed by the schemas of shared/procurify/schemas.ts,
// mapped to the domain records of shared/ap/. Every field is compared whole (toEqual fails on a field
// dropped, renamed or swapped: each source value is distinct), with nulls, absent optional fields and
// JSON-number amounts.
import { describe, expect, it } from 'vitest';
import type { ApBill } from '../../shared/ap/bill.ts';
import {
  toApBill,
  toApBillSummary,
  toApPayment,
  toInvoiceFile,
  toPaymentMethod,
} from '../../shared/procurify/ap-records.ts';
import {
  attachmentSchema,
  billSchema,
  billSummarySchema,
  companyPaymentMethodSchema,
  paymentSchema,
} from '../../shared/procurify/schemas.ts';

/** BillRead with every field apsync reads set, each to a value found nowhere else. */
const fullBillRead = {
  id: 42,
  uuid: '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b',
  status: 2,
  last_modified_datetime: '2026-11-01T10:00:00.123456Z',
  vendor: { id: 7, name: 'Northwind Paper Co', external_id: 'NS-101' },
  currency: { id: 1, name: 'CAD' },
  invoice_number: 'INV-1001',
  invoice_date: '2026-10-27T00:00:00Z',
  due_date: '2026-11-26T00:00:00Z',
  payment_terms: 'Net 30',
  total_cost: '165.75',
  tax_amount: '5.03',
  shipping_amount: '7.00',
  total_cost_with_tax: '155.78',
  group: 12,
  note: 'Rush order',
  items: [
    {
      id: 1,
      description: 'Paper',
      quantity: '4',
      unit_cost: '25.125',
      bill_by_cost: false,
      total_cost: '100.50',
      tax_name: 'GST',
      tax_percentage: '5',
      tax_amount: '5.03',
      tax_is_inclusive: true,
      total_cost_with_tax: '105.53',
      shipping_amount: '7.00',
      custom_fields: [
        { id: 1, value: 'Q1 launch', field: { id: 9, name: 'Project' } },
        { id: 2, value: false, field: { id: 10, name: 'Capex' } },
        { id: 3, value: null, field: { id: 11, name: 'Unset' } },
      ],
      cost_allocations: [
        {
          id: 11,
          amount: '60.25',
          budget: {
            account_code: { id: 61, code: '6100', description: 'Supplies', active: true },
            department: {
              id: 3,
              name: 'Marketing',
              external_id: 'D-3',
              active: true,
              branch: { id: 8, name: 'Vancouver' },
            },
          },
        },
        {
          id: 12,
          amount: 40.25,
          budget: {
            account_code: { id: 62, code: '6200', description: 'Toner' },
            department: { id: 4, name: 'Operations', external_id: null, branch: { id: 9 } },
          },
        },
      ],
    },
    {
      id: 2,
      description: 'Toner',
      total_cost: '50.25',
      cost_allocations: [
        {
          id: 13,
          amount: '50.25',
          budget: {
            account_code: { id: 63, code: '6300', description: 'Other' },
            department: { id: 5, name: 'Engineering', external_id: null },
          },
        },
      ],
    },
  ],
  costs: [
    {
      id: 90,
      name: 'Freight',
      amount: '15.00',
      cost_allocation: {
        id: 91,
        amount: '15.00',
        budget: {
          account_code: { id: 51, code: '5100', description: 'Freight' },
          department: { id: 6, name: 'Shipping', external_id: null, branch: null },
        },
      },
    },
  ],
  invoice_attachments: [
    {
      id: 500,
      uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      file: 'https://acme.procurify.com/api/v3/attachments/aaaaaaaa/download/',
      name: 'invoice.pdf',
      mimetype: 'application/pdf',
      length: 2048,
      sha1_hash: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    },
  ],
  bill_payment: { id: 70, amount: '155.78', payment: { id: 71, amount: '155.78', status: 4 } },
};

const fullApBill: ApBill = {
  id: 42,
  uuid: '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b',
  status: 2,
  lastModified: '2026-11-01T10:00:00.123456Z',
  vendor: { id: 7, name: 'Northwind Paper Co' },
  currency: 'CAD',
  invoiceNumber: 'INV-1001',
  invoiceDate: '2026-10-27T00:00:00Z',
  dueDate: '2026-11-26T00:00:00Z',
  paymentTerms: 'Net 30',
  note: 'Rush order',
  totalCost: '165.75',
  lines: [
    {
      id: 1,
      description: 'Paper',
      quantity: '4',
      unitCost: '25.125',
      billByCost: false,
      net: '100.50',
      taxName: 'GST',
      taxPercentage: '5',
      tax: '5.03',
      taxIncluded: true,
      netWithTax: '105.53',
      shipping: '7.00',
      fields: [
        { name: 'Project', value: 'Q1 launch' },
        { name: 'Capex', value: false },
        { name: 'Unset', value: null },
      ],
      allocations: [
        {
          id: 11,
          amount: '60.25',
          accountCode: '6100',
          department: { id: 3, name: 'Marketing', location: 'Vancouver' },
        },
        // A JSON-number amount arrives as its decimal string; a location without a name is no location.
        {
          id: 12,
          amount: '40.25',
          accountCode: '6200',
          department: { id: 4, name: 'Operations', location: null },
        },
      ],
    },
    {
      id: 2,
      description: 'Toner',
      quantity: null,
      unitCost: null,
      billByCost: false,
      net: '50.25',
      taxName: null,
      taxPercentage: null,
      tax: null,
      taxIncluded: false,
      netWithTax: null,
      shipping: null,
      fields: [],
      allocations: [
        {
          id: 13,
          amount: '50.25',
          accountCode: '6300',
          department: { id: 5, name: 'Engineering', location: null },
        },
      ],
    },
  ],
  costs: [
    {
      id: 90,
      name: 'Freight',
      amount: '15.00',
      allocation: {
        id: 91,
        amount: '15.00',
        accountCode: '5100',
        department: { id: 6, name: 'Shipping', location: null },
      },
    },
  ],
  invoiceFiles: [
    {
      uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      url: 'https://acme.procurify.com/api/v3/attachments/aaaaaaaa/download/',
      name: 'invoice.pdf',
      mimetype: 'application/pdf',
      length: 2048,
      sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    },
  ],
};

describe('BillRead → AP bill', () => {
  it('maps every field the bill planners read, amounts unchanged', () => {
    expect(toApBill(billSchema.parse(fullBillRead))).toEqual(fullApBill);
  });

  it('maps absent optional fields to null, false or empty lists', () => {
    const {
      invoice_number: _number,
      invoice_date: _date,
      due_date: _due,
      payment_terms: _terms,
      note: _note,
      costs: _costs,
      invoice_attachments: _files,
      bill_payment: _payment,
      ...required
    } = fullBillRead;
    const bare = {
      ...required,
      items: [{ id: 3, description: 'Bare', total_cost: '1.00', cost_allocations: [] }],
    };
    expect(toApBill(billSchema.parse(bare))).toEqual({
      ...fullApBill,
      invoiceNumber: null,
      invoiceDate: null,
      dueDate: null,
      paymentTerms: null,
      note: null,
      lines: [
        {
          id: 3,
          description: 'Bare',
          quantity: null,
          unitCost: null,
          billByCost: false,
          net: '1.00',
          taxName: null,
          taxPercentage: null,
          tax: null,
          taxIncluded: false,
          netWithTax: null,
          shipping: null,
          fields: [],
          allocations: [],
        },
      ],
      costs: [],
      invoiceFiles: [],
    });
  });

  it('reads bill_by_cost and tax_is_inclusive as yes only when Procurify says true', () => {
    const line = (flags: Record<string, unknown>) =>
      toApBill(billSchema.parse({ ...fullBillRead, items: [{ ...fullBillRead.items[0], ...flags }] }))
        .lines[0]!;
    expect(line({ bill_by_cost: true, tax_is_inclusive: false })).toMatchObject({
      billByCost: true,
      taxIncluded: false,
    });
    expect(line({ bill_by_cost: null, tax_is_inclusive: null })).toMatchObject({
      billByCost: false,
      taxIncluded: false,
    });
  });

  it('maps an invoice file with nothing but its uuid and link', () => {
    const file = attachmentSchema.parse({ uuid: 'f1', file: '/api/v3/attachments/f1/download/' });
    expect(toInvoiceFile(file)).toEqual({
      uuid: 'f1',
      url: '/api/v3/attachments/f1/download/',
      name: null,
      mimetype: null,
      length: null,
      sha1: null,
    });
  });
});

/** PaymentResponse with every field apsync reads set, each to a value found nowhere else. */
const fullPayment = {
  id: 77,
  uuid: 'pay-uuid',
  status: 'paid',
  amount: 150.5,
  currency: { id: 2, name: 'CAD' },
  gl_code: '1000',
  bill_groups: [5, 6],
  vendor_name: 'Acme Office Supply',
  payment_source_name: 'Operating - Check',
  processing_date: '2026-03-01',
  posted_date: '2026-03-02',
  created_at: '2026-02-28T10:00:00Z',
  updated_at: '2026-03-02T10:00:00Z',
};

describe('PaymentResponse → AP payment', () => {
  it('maps every field the payment planners read, a JSON-number amount as its decimal string', () => {
    expect(toApPayment(paymentSchema.parse(fullPayment))).toEqual({
      id: 77,
      status: 'paid',
      amount: '150.5',
      currency: 'CAD',
      glCode: '1000',
      billGroups: [5, 6],
      vendorName: 'Acme Office Supply',
      paymentSourceName: 'Operating - Check',
      processingDate: '2026-03-01',
      postedDate: '2026-03-02',
      updatedAt: '2026-03-02T10:00:00Z',
    });
  });

  it('maps absent optional fields to null or an empty list', () => {
    const {
      gl_code: _gl,
      bill_groups: _groups,
      vendor_name: _vendor,
      payment_source_name: _source,
      processing_date: _processing,
      posted_date: _posted,
      ...required
    } = fullPayment;
    expect(toApPayment(paymentSchema.parse({ ...required, status: null, amount: '0.10' }))).toEqual({
      id: 77,
      status: null,
      amount: '0.10',
      currency: 'CAD',
      glCode: null,
      billGroups: [],
      vendorName: null,
      paymentSourceName: null,
      processingDate: null,
      postedDate: null,
      updatedAt: '2026-03-02T10:00:00Z',
    });
  });
});

/** SimpleBill (a row of the bill list) with every field apsync reads set, each to a distinct value. */
const fullSummary = {
  id: 42,
  uuid: '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b',
  status: 4,
  last_modified_datetime: '2026-11-01T10:00:00.123456Z',
  invoice_number: 'INV-1001',
  vendor: { id: 7, name: 'Northwind Paper Co' },
  currency: { id: 1, name: 'USD' },
  group: 12,
  version: 3,
  total_cost_with_tax: '155.78',
  invoice_total: '162.78',
  invoice_date: '2026-10-27',
  due_date: '2026-11-26',
};

describe('SimpleBill → bill summary', () => {
  it('maps every field the polls, loads and reconciliation read; the total is what the vendor is owed', () => {
    expect(toApBillSummary(billSummarySchema.parse(fullSummary))).toEqual({
      id: 42,
      uuid: '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b',
      status: 4,
      lastModified: '2026-11-01T10:00:00.123456Z',
      invoiceNumber: 'INV-1001',
      group: 12,
      total: '162.78',
    });
  });

  it('falls back to the total with tax, then to null; absent optional fields are null', () => {
    const { invoice_total: _owed, ...withTax } = fullSummary;
    expect(toApBillSummary(billSummarySchema.parse(withTax)).total).toBe('155.78');
    const {
      invoice_number: _number,
      group: _group,
      total_cost_with_tax: _withTax,
      invoice_date: _date,
      due_date: _due,
      ...bare
    } = withTax;
    expect(toApBillSummary(billSummarySchema.parse({ ...bare, total_cost_with_tax: 99.5 })).total).toBe(
      '99.5',
    );
    expect(toApBillSummary(billSummarySchema.parse(bare))).toEqual({
      id: 42,
      uuid: '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b',
      status: 4,
      lastModified: '2026-11-01T10:00:00.123456Z',
      invoiceNumber: null,
      group: null,
      total: null,
    });
  });
});

describe('CompanyPaymentMethod → payment method', () => {
  it('maps its id, name and GL code; a method without a GL code has null', () => {
    const method = {
      id: 3,
      name: 'Operating - Check',
      type: 1,
      gl_code: '1010',
      currency: { id: 1, name: 'USD' },
    };
    expect(toPaymentMethod(companyPaymentMethodSchema.parse(method))).toEqual({
      id: 3,
      name: 'Operating - Check',
      glCode: '1010',
    });
    const { gl_code: _gl, currency: _currency, ...bare } = method;
    expect(toPaymentMethod(companyPaymentMethodSchema.parse(bare))).toEqual({
      id: 3,
      name: 'Operating - Check',
      glCode: null,
    });
  });
});
