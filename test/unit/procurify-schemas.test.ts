// Pure parts of the Procurify client's data handling: decimal money (never floats), the schemas of
// Procurify answers (bill detail, payments, pagination) and of apsync's writes, and config validation.
import { describe, expect, it } from 'vitest';
import { BugError } from '../../shared/errors.ts';
import { compareDecimals, numberToDecimalString, sumDecimals } from '../../shared/money/money.ts';
import { createProcurifyClient } from '../../shared/procurify/index.ts';
import {
  billSchema,
  decimalString,
  pageSchema,
  paymentSchema,
  singleSchema,
  vendorSchema,
} from '../../shared/procurify/schemas.ts';
import { vendorWriteSchema } from '../../shared/procurify/writes.ts';

describe('decimal money', () => {
  it('keeps decimal strings and turns JSON numbers into their shortest decimal digits', () => {
    expect(decimalString.parse('120.50')).toBe('120.50');
    expect(decimalString.parse(' -3 ')).toBe('-3');
    expect(decimalString.parse(320.5)).toBe('320.5');
    expect(decimalString.parse(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(decimalString.parse(1234567.89)).toBe('1234567.89');
    for (const bad of ['12,50', 'NaN', '1e5', Number.NaN, 1e21, 1e-7])
      expect(decimalString.safeParse(bad).success).toBe(false);
    expect(numberToDecimalString(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('sums and compares exactly', () => {
    expect(sumDecimals(['0.10', '0.20'])).toBe('0.30');
    expect(sumDecimals(['700.00', '120.5', '-20'])).toBe('800.50');
    expect(sumDecimals([])).toBe('0.00');
    expect(sumDecimals(['0.00000001', '1'])).toBe('1.00000001');
    expect(compareDecimals('1.50', '1.5')).toBe(0);
    expect(compareDecimals('-0.01', '0')).toBe(-1);
    expect(compareDecimals('10', '9.99')).toBe(1);
    expect(() => sumDecimals(['ten'])).toThrow(RangeError);
  });
});

const bill = {
  id: 7,
  uuid: '2b76878d-1d82-4fc7-8352-29add1b7518d',
  status: 2,
  last_modified_datetime: '2025-06-30T02:34:33.713005Z',
  vendor: { id: 2, name: 'Globex Software', external_id: null, email: ['ap@globex.example'] },
  currency: { id: 1, name: 'USD', rate: '1.000000' },
  invoice_number: 'INV-1005',
  invoice_date: '2025-06-01T00:00:00Z',
  due_date: null,
  payment_terms: 'Net 30',
  total_cost: 2826.04,
  group: null,
  note: '',
  items: [
    {
      id: 12,
      description: 'Licences',
      quantity: '1',
      total_cost: 2826.04,
      cost_allocations: [
        {
          id: 30,
          amount: '2826.04',
          budget: {
            id: 1000006,
            account_code: { id: 10, code: '6020', description: 'Software Subscriptions', active: true },
            department: {
              id: 6,
              name: 'Sales',
              external_id: null,
              active: true,
              branch: { id: 2, name: 'Toronto' },
            },
          },
        },
      ],
    },
  ],
  bill_payment: null,
};

describe('answer schemas', () => {
  it('reads a bill detail, money as decimal strings, extra fields dropped', () => {
    const parsed = billSchema.parse(bill);
    expect(parsed.total_cost).toBe('2826.04');
    expect(parsed.items[0]!.total_cost).toBe('2826.04');
    expect(parsed.items[0]!.cost_allocations[0]!.budget.account_code.code).toBe('6020');
    expect(parsed.vendor).toEqual({ id: 2, name: 'Globex Software', external_id: null });
  });

  it('refuses a bill whose allocation lacks its account code', () => {
    const broken = structuredClone(bill) as {
      items: Array<{ cost_allocations: Array<{ budget: Record<string, unknown> }> }>;
    };
    delete broken.items[0]!.cost_allocations[0]!.budget.account_code;
    const result = billSchema.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([
      'items',
      0,
      'cost_allocations',
      0,
      'budget',
      'account_code',
    ]);
  });

  it('reads payments with missing optional fields, and list envelopes', () => {
    const payment = paymentSchema.parse({
      id: 3,
      uuid: 'b071c772-4831-47ce-9b4a-8d80e4ec6b25',
      status: 'paid',
      amount: '23102.37',
      currency: { id: 1, name: 'USD' },
      gl_code: '1020',
      created_at: '2025-06-30T02:34:33.712024Z',
      updated_at: '2025-06-30T02:34:33.712024Z',
    });
    expect(payment).toMatchObject({ bill_groups: [], posted_date: null, vendor_name: null });
    const page = pageSchema(vendorSchema).parse({
      metadata: {
        pagination: { count: 1, next: null, previous: null, page_size: 10, num_pages: 1, current_page: 1 },
      },
      data: [{ id: 1, name: 'A', active: true, type: 3, email: ['a@a.example'] }],
    });
    expect(page.data[0]).toMatchObject({ external_id: null, currency: null, payment_term_ref: null });
  });

  it('validates vendor writes: email list, name length, type range', () => {
    expect(vendorWriteSchema.safeParse({ name: 'A', email: ['a@a.example'], type: 3 }).success).toBe(true);
    const issues = vendorWriteSchema.safeParse({ name: '', email: ['nope'], type: 9 }).error?.issues ?? [];
    expect(issues.map((issue) => issue.path.join('.'))).toEqual(['name', 'email.0', 'type']);
  });
});

describe('client configuration', () => {
  it('refuses a bad configuration with a BugError naming the field, and fills defaults', () => {
    expect(() =>
      createProcurifyClient({
        baseUrl: 'not a url',
        tokenUrl: 'https://x/oauth/token',
        clientId: 'a',
        clientSecret: 'b',
      }),
    ).toThrow(BugError);
    expect(() =>
      createProcurifyClient({
        baseUrl: 'https://demo.procurify.com',
        tokenUrl: 'https://demo.procurify.com/oauth/token',
        clientId: '',
        clientSecret: 'b',
      }),
    ).toThrow(/clientId/);
    expect(
      createProcurifyClient({
        baseUrl: 'https://demo.procurify.com',
        tokenUrl: 'https://demo.procurify.com/oauth/token',
        clientId: 'a',
        clientSecret: 'b',
      }),
    ).toBeDefined();
  });
});

describe('envelope schemas', () => {
  it('are built once per item schema (zod compiles each schema on its first parse)', () => {
    expect(pageSchema(vendorSchema)).toBe(pageSchema(vendorSchema));
    expect(singleSchema(vendorSchema)).toBe(singleSchema(vendorSchema));
    expect(pageSchema(billSchema)).not.toBe(pageSchema(vendorSchema));
    const page = { metadata: { pagination: { count: 0, next: null } }, data: [] };
    expect(pageSchema(billSchema).parse(page)).toEqual(page);
  });
});
