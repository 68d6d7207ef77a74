// Conformance of the NetSuite sandbox's record API with NetSuite's: CRUD, Location,
// eid: upsert, external-id rules, references, property validation headers, sublists, collections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAccess } from '../../infra/sandboxes/netsuite/access.ts';
import {
  type DemoSummary,
  type NetSuiteSandbox,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { refusedOnPurpose } from '../support/contracts/policy.ts';

let sandbox: NetSuiteSandbox;
let access: SandboxAccess;
let demo: DemoSummary;
let vendor: string;
let expenseAccount: string;
let inactiveAccount: string;
let inactiveDepartment: string;

type Json = Record<string, unknown>;
type ErrorBody = {
  status: number;
  title: string;
  type: string;
  'o:errorDetails': Array<Record<string, string>>;
};

async function problem(
  response: Response,
): Promise<{ status: number; code: string; path: string | undefined; detail: string }> {
  expect(response.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=error');
  const body = (await response.json()) as ErrorBody;
  expect(body.status).toBe(response.status);
  const first = body['o:errorDetails'][0]!;
  return {
    status: response.status,
    code: first['o:errorCode']!,
    path: first['o:errorPath'],
    detail: first.detail!,
  };
}

async function json(response: Response): Promise<Json> {
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

const bill = (overrides: Json = {}): Json => ({
  entity: { id: vendor },
  tranDate: '2026-03-01',
  tranId: 'INV-1',
  expense: { items: [{ account: { id: expenseAccount }, amount: 100, memo: 'line one' }] },
  ...overrides,
});

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox();
  access = new SandboxAccess(sandbox);
  demo = sandbox.seedDemo({ bills: 0, payments: 0 });
  vendor = demo.vendors[0]!;
  expenseAccount = demo.expenseAccounts[0]!;
  const seeded = sandbox.seed({
    records: {
      account: [{ acctNumber: '6998', acctName: 'Closed Account', acctType: 'Expense', isInactive: true }],
      department: [{ name: 'Closed Department', isInactive: true }],
    },
  });
  inactiveAccount = seeded.created.account![0]!;
  inactiveDepartment = seeded.created.department![0]!;
});

afterAll(async () => {
  await sandbox.close();
});

describe('create, read, update, delete', () => {
  it('creates with 204, an empty body and a Location header, and reads the record back', async () => {
    const created = await access.record('POST', 'vendor', {
      companyName: 'Acme Widgets',
      email: 'ap@acme.example',
      externalId: 'pcf-v-1',
    });
    expect(created.status).toBe(204);
    expect(await created.text()).toBe('');
    const id = SandboxAccess.idFromLocation(created);
    expect(created.headers.get('location')).toBe(`${sandbox.url}/services/rest/record/v1/vendor/${id}`);
    expect(id).toMatch(/^\d+$/);

    const read = await access.record('GET', `vendor/${id}`);
    expect(read.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=singular');
    const body = await json(read);
    expect(body).toMatchObject({
      id,
      companyName: 'Acme Widgets',
      entityId: 'Acme Widgets',
      email: 'ap@acme.example',
      externalId: 'pcf-v-1',
      isInactive: false,
      links: [{ rel: 'self', href: `${sandbox.url}/services/rest/record/v1/vendor/${id}` }],
    });
    expect(body.subsidiary).toEqual({
      links: [
        { rel: 'self', href: `${sandbox.url}/services/rest/record/v1/subsidiary/${demo.subsidiaries[0]}` },
      ],
      id: demo.subsidiaries[0],
      refName: 'Harbor Goods Inc.',
    });
    expect(body.lastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('shows the vendor address book as a sublist with its address subrecord', async () => {
    const vendorRecord = await json(await access.record('GET', `vendor/${vendor}?expandSubResources=true`));
    const book = vendorRecord.addressBook as {
      items: Array<{ defaultBilling: boolean; addressBookAddress: Json }>;
    };
    expect(book.items[0]!.defaultBilling).toBe(true);
    expect(book.items[0]!.addressBookAddress).toMatchObject({
      country: { id: expect.any(String) },
      city: expect.any(String),
    });
    expect(vendorRecord[demo.syncFlagField]).toEqual(expect.any(Boolean));
  });

  it('limits body fields with fields= and leaves sublists as links unless expandSubResources=true', async () => {
    const id = SandboxAccess.idFromLocation(
      await access.record('POST', 'vendorBill', bill({ tranId: 'INV-FIELDS' })),
    );
    const limited = await json(await access.record('GET', `vendorBill/${id}?fields=tranId,total`));
    expect(Object.keys(limited).sort()).toEqual(['links', 'total', 'tranId']);

    const plain = await json(await access.record('GET', `vendorBill/${id}`));
    expect(plain.expense).toEqual({
      links: [{ rel: 'self', href: `${sandbox.url}/services/rest/record/v1/vendorBill/${id}/expense` }],
    });
    expect(plain.status).toEqual({ id: 'A', refName: 'Open' });
    expect(plain.approvalStatus).toEqual({ id: '2', refName: 'Approved' });
    expect(plain.total).toBe(100);

    const expanded = await json(await access.record('GET', `vendorBill/${id}?expandSubResources=true`));
    const expense = expanded.expense as { items: Json[]; totalResults: number };
    expect(expense.totalResults).toBe(1);
    expect(expense.items[0]).toMatchObject({
      line: 1,
      amount: 100,
      memo: 'line one',
      account: { id: expenseAccount },
    });

    const sublist = await json(await access.record('GET', `vendorBill/${id}/expense`));
    expect((sublist.items as Json[])[0]).toEqual({
      links: [{ rel: 'self', href: `${sandbox.url}/services/rest/record/v1/vendorBill/${id}/expense/1` }],
    });
    const line = await json(await access.record('GET', `vendorBill/${id}/expense/1`));
    expect(line).toMatchObject({ line: 1, amount: 100 });

    const unknown = await problem(await access.record('GET', `vendorBill/${id}?fields=nope`));
    expect(unknown.code).toBe('NONEXISTENT_FIELD');
  });

  it('PATCH answers 204, sets lastModifiedDate and keeps createdDate', async () => {
    const seeded = sandbox.seed({
      records: {
        vendor: [
          {
            companyName: 'Old Vendor',
            lastModifiedDate: '2020-01-02T03:04:05Z',
            createdDate: '2019-01-01T00:00:00Z',
          },
        ],
      },
    });
    const id = seeded.created.vendor![0]!;
    const patched = await access.record('PATCH', `vendor/${id}`, { phone: '555-0100' });
    expect(patched.status).toBe(204);
    const body = await json(await access.record('GET', `vendor/${id}`));
    expect(body.phone).toBe('555-0100');
    expect(body.companyName).toBe('Old Vendor');
    expect(body.dateCreated).toBe('2019-01-01T00:00:00Z');
    expect(Date.parse(body.lastModifiedDate as string)).toBeGreaterThan(Date.parse('2025-01-01T00:00:00Z'));
  });

  it('DELETE answers 204; the record is then 404 NONEXISTENT_ID', async () => {
    const id = SandboxAccess.idFromLocation(await access.record('POST', 'department', { name: 'Temporary' }));
    expect((await access.record('DELETE', `department/${id}`)).status).toBe(204);
    const gone = await problem(await access.record('GET', `department/${id}`));
    expect(gone).toMatchObject({ status: 404, code: 'NONEXISTENT_ID' });
    expect((await problem(await access.record('PATCH', `department/${id}`, { name: 'x' }))).status).toBe(404);
    expect((await problem(await access.record('DELETE', 'department/99999'))).code).toBe('NONEXISTENT_ID');
  });

  it('refuses to delete a record other records use', async () => {
    const id = SandboxAccess.idFromLocation(
      await access.record('POST', 'vendorBill', bill({ tranId: 'INV-DEP' })),
    );
    expect(id).toMatch(/^\d+$/);
    const refused = await problem(await access.record('DELETE', `vendor/${vendor}`));
    expect(refused).toMatchObject({ status: 400, code: 'USER_ERROR' });
  });

  it('answers 404 for an unknown record type', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'GET /services/rest/record/v1/salesOrder/1',
      reason: 'a record type the sandbox does not have answers 404',
    });
    expect((await problem(await access.record('GET', 'salesOrder/1'))).status).toBe(404);
  });

  it('takes record bodies only as application/vnd.oracle.resource+json; type=singular (415 otherwise)', async () => {
    refusedOnPurpose(
      {
        vendor: 'netsuite',
        operation: 'POST /services/rest/record/v1/vendor',
        reason: 'bodies in other media types are sent to see them refused',
      },
      {
        vendor: 'netsuite',
        operation: 'PATCH /services/rest/record/v1/vendor/{id}',
        reason: 'bodies in other media types are sent to see them refused',
      },
    );
    const body = { companyName: 'Media Type Test' };
    for (const contentType of [
      'application/json',
      'text/plain',
      'application/vnd.oracle.resource+json; type=collection',
    ]) {
      const refused = await problem(
        await access.record('POST', 'vendor', body, { 'content-type': contentType }),
      );
      expect(refused, contentType).toMatchObject({ status: 415, code: 'INVALID_REQUEST' });
    }
    const patched = await problem(
      await access.record(
        'PATCH',
        `vendor/${vendor}`,
        { phone: '1' },
        { 'content-type': 'application/json' },
      ),
    );
    expect(patched.status).toBe(415);
    const created = await access.record('POST', 'vendor', body, {
      'content-type': 'application/vnd.oracle.resource+json;type=singular',
    });
    expect(created.status).toBe(204);
  });
});

describe('external ids', () => {
  it('upserts with PUT eid: (create with Location, then update in place) and takes eid: wherever an id goes', async () => {
    const first = await access.record(
      'PUT',
      'vendorBill/eid:procurify-bill-100',
      bill({ tranId: 'INV-100' }),
    );
    expect(first.status).toBe(204);
    const id = SandboxAccess.idFromLocation(first);
    const second = await access.record('PUT', 'vendorBill/eid:procurify-bill-100', { memo: 'second write' });
    expect(second.status).toBe(204);
    expect(second.headers.get('location')).toBeNull();
    const byEid = await json(await access.record('GET', 'vendorBill/eid:procurify-bill-100'));
    expect(byEid).toMatchObject({
      id,
      memo: 'second write',
      tranId: 'INV-100',
      externalId: 'procurify-bill-100',
    });
    expect(
      (await access.record('PATCH', 'vendorBill/eid:procurify-bill-100', { memo: 'patched' })).status,
    ).toBe(204);
    expect((await json(await access.record('GET', `vendorBill/${id}`))).memo).toBe('patched');
    expect((await access.record('DELETE', 'vendorBill/eid:procurify-bill-100')).status).toBe(204);
    expect((await access.record('GET', 'vendorBill/eid:procurify-bill-100')).status).toBe(404);
  });

  it('refuses PUT with an internal id', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'PUT /services/rest/record/v1/vendor/{id}',
      reason: 'an upsert names its record by eid:, never by internal id',
    });
    expect((await problem(await access.record('PUT', 'vendor/101', { phone: '1' }))).code).toBe(
      'INVALID_REQUEST',
    );
  });

  it('accepts letters, digits, _ and - only', async () => {
    const inUrl = await problem(await access.record('PUT', 'vendorBill/eid:bad.id', bill()));
    expect(inUrl).toMatchObject({ status: 400, code: 'INVALID_CONTENT' });
    const inBody = await problem(
      await access.record('POST', 'vendor', { companyName: 'X', externalId: 'has space' }),
    );
    expect(inBody).toMatchObject({ status: 400, code: 'INVALID_CONTENT', path: 'externalId' });
  });

  it('keeps external ids unique, ignoring case, across all transactions (and separately across entities)', async () => {
    expect(
      (await access.record('PUT', 'vendorBill/eid:Shared-Key-1', bill({ tranId: 'INV-SK' }))).status,
    ).toBe(204);
    const payment = await problem(
      await access.record('PUT', 'vendorPayment/eid:shared-key-1', {
        entity: { id: vendor },
        apply: { items: [] },
      }),
    );
    expect(payment).toMatchObject({ status: 400, code: 'USER_ERROR', path: 'externalId' });
    const secondBill = await problem(
      await access.record('POST', 'vendorBill', bill({ externalId: 'SHARED-KEY-1' })),
    );
    expect(secondBill).toMatchObject({ status: 400, code: 'USER_ERROR', path: 'externalId' });
    // Entities are another group: a vendor may use the same external id.
    expect(
      (await access.record('POST', 'vendor', { companyName: 'Same Key Co', externalId: 'shared-key-1' }))
        .status,
    ).toBe(204);
    const secondVendor = await problem(
      await access.record('POST', 'vendor', { companyName: 'Other Co', externalId: 'Shared-KEY-1' }),
    );
    expect(secondVendor.code).toBe('USER_ERROR');
  });
});

describe('references and validation', () => {
  it('resolves references by id or externalId and refuses ones that point nowhere, with the path', async () => {
    await access.record('PUT', 'vendor/eid:ref-vendor', { companyName: 'Ref Vendor' });
    const byExternal = await access.record(
      'POST',
      'vendorBill',
      bill({ entity: { externalId: 'ref-vendor' }, tranId: 'INV-REF' }),
    );
    expect(byExternal.status).toBe(204);
    const missingVendor = await problem(
      await access.record('POST', 'vendorBill', bill({ entity: { id: '99999' } })),
    );
    expect(missingVendor).toMatchObject({ status: 400, code: 'INVALID_CONTENT', path: 'entity' });
    const missingAccount = await problem(
      await access.record(
        'POST',
        'vendorBill',
        bill({
          expense: {
            items: [
              { account: { id: expenseAccount }, amount: 1 },
              { account: { id: '99999' }, amount: 2 },
            ],
          },
        }),
      ),
    );
    expect(missingAccount).toMatchObject({ code: 'INVALID_CONTENT', path: 'expense.items[1].account' });
  });

  it('refuses inactive accounts and departments on new lines', async () => {
    const account = await problem(
      await access.record(
        'POST',
        'vendorBill',
        bill({ expense: { items: [{ account: { id: inactiveAccount }, amount: 5 }] } }),
      ),
    );
    expect(account).toMatchObject({ code: 'INVALID_CONTENT', path: 'expense.items[0].account' });
    const department = await problem(
      await access.record(
        'POST',
        'vendorBill',
        bill({
          expense: {
            items: [{ account: { id: expenseAccount }, amount: 5, department: { id: inactiveDepartment } }],
          },
        }),
      ),
    );
    expect(department).toMatchObject({ code: 'INVALID_CONTENT', path: 'expense.items[0].department' });
  });

  it('asks for mandatory values', async () => {
    const noVendor = await problem(
      await access.record('POST', 'vendorBill', {
        expense: { items: [{ account: { id: expenseAccount }, amount: 1 }] },
      }),
    );
    expect(noVendor).toMatchObject({ code: 'USER_ERROR', path: 'entity' });
    expect(noVendor.detail).toMatch(/Please enter value\(s\) for: Vendor/);
    const noLines = await problem(await access.record('POST', 'vendorBill', { entity: { id: vendor } }));
    expect(noLines.code).toBe('USER_ERROR');
  });

  it('follows X-NetSuite-PropertyNameValidation for unknown fields (Warning by default)', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'POST /services/rest/record/v1/vendor',
      statuses: [204, 400],
      reason: 'unknown fields are sent to see them warned about (204) or refused (400) per the header',
    });
    const warned = await access.record('POST', 'vendor', {
      companyName: 'Warned Co',
      notAField: 1,
      custentity_unknown_flag: true,
    });
    expect(warned.status).toBe(204);
    expect(warned.headers.get('x-netsuite-propertyvalidation')).toMatch(/notAField/);
    const stored = await json(await access.record('GET', `vendor/${SandboxAccess.idFromLocation(warned)}`));
    expect(stored.notAField).toBeUndefined();
    expect(stored.custentity_unknown_flag).toBeUndefined();

    const strict = await problem(
      await access.record(
        'POST',
        'vendor',
        { companyName: 'Strict Co', notAField: 1 },
        { 'X-NetSuite-PropertyNameValidation': 'Error' },
      ),
    );
    expect(strict).toMatchObject({ code: 'NONEXISTENT_FIELD', path: 'notAField' });
    const ignored = await access.record(
      'POST',
      'vendor',
      { companyName: 'Quiet Co', notAField: 1 },
      { 'X-NetSuite-PropertyNameValidation': 'Ignore' },
    );
    expect(ignored.status).toBe(204);
    expect(ignored.headers.get('x-netsuite-propertyvalidation')).toBeNull();
  });

  it('takes declared custom fields (the sync flag) and follows X-NetSuite-PropertyValueValidation for bad values', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'POST /services/rest/record/v1/vendor',
      statuses: [204, 400],
      reason: 'a bad value is sent to see it refused (400) or only warned about (204) per the header',
    });
    const flagged = await access.record('POST', 'vendor', {
      companyName: 'Flagged Co',
      [demo.syncFlagField]: true,
    });
    const stored = await json(await access.record('GET', `vendor/${SandboxAccess.idFromLocation(flagged)}`));
    expect(stored[demo.syncFlagField]).toBe(true);
    const bad = await problem(
      await access.record('POST', 'vendor', { companyName: 'Bad Value Co', isInactive: 'yes' }),
    );
    expect(bad).toMatchObject({ code: 'INVALID_CONTENT', path: 'isInactive' });
    const tolerated = await access.record(
      'POST',
      'vendor',
      { companyName: 'Tolerated Co', isInactive: 'yes' },
      { 'X-NetSuite-PropertyValueValidation': 'Warning' },
    );
    expect(tolerated.status).toBe(204);
  });
});

describe('sublists', () => {
  it('adds lines on an upsert without replace (as NetSuite does) and replaces them with replace=expense', async () => {
    const body = bill({
      tranId: 'INV-SUB',
      expense: {
        items: [
          { account: { id: expenseAccount }, amount: 40 },
          { account: { id: expenseAccount }, amount: 60 },
        ],
      },
    });
    await access.record('PUT', 'vendorBill/eid:sublist-bill', body);
    expect((await json(await access.record('GET', 'vendorBill/eid:sublist-bill'))).total).toBe(100);
    await access.record('PUT', 'vendorBill/eid:sublist-bill', body);
    expect((await json(await access.record('GET', 'vendorBill/eid:sublist-bill'))).total).toBe(200);
    await access.record('PUT', 'vendorBill/eid:sublist-bill?replace=expense', body);
    const replaced = await json(
      await access.record('GET', 'vendorBill/eid:sublist-bill?expandSubResources=true'),
    );
    expect(replaced.total).toBe(100);
    expect((replaced.expense as { items: Json[] }).items.map((line) => line.amount)).toEqual([40, 60]);
  });

  it('updates the line a body names by its line number', async () => {
    await access.record('PUT', 'vendorBill/eid:line-bill', bill({ tranId: 'INV-LINE' }));
    expect(
      (
        await access.record('PATCH', 'vendorBill/eid:line-bill', {
          expense: { items: [{ line: 1, amount: 75.25 }] },
        })
      ).status,
    ).toBe(204);
    expect((await json(await access.record('GET', 'vendorBill/eid:line-bill'))).total).toBe(75.25);
    const missing = await problem(
      await access.record('PATCH', 'vendorBill/eid:line-bill', {
        expense: { items: [{ line: 9, amount: 1 }] },
      }),
    );
    expect(missing).toMatchObject({ code: 'INVALID_CONTENT', path: 'expense.items[0].line' });
  });
});

describe('collections', () => {
  it('pages ids and links in the collection envelope', async () => {
    const first = await access.record('GET', 'vendor?limit=10');
    expect(first.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=collection');
    const page = await json(first);
    const total = sandbox.store.count('vendor');
    expect(page).toMatchObject({ count: 10, offset: 0, hasMore: true, totalResults: total });
    const items = page.items as Array<{ id: string; links: Json[] }>;
    expect(Object.keys(items[0]!).sort()).toEqual(['id', 'links']);
    const rels = (page.links as Array<{ rel: string }>).map((link) => link.rel);
    expect(rels).toEqual(['next', 'last', 'self']);
    const second = await json(await access.record('GET', 'vendor?limit=10&offset=10'));
    expect((second.links as Array<{ rel: string }>).map((link) => link.rel)).toContain('previous');
    expect((second.items as Array<{ id: string }>)[0]!.id).not.toBe(items[0]!.id);
    expect((await problem(await access.record('GET', 'vendor?limit=10&offset=5'))).code).toBe(
      'INVALID_PARAMETER',
    );
    expect((await problem(await access.record('GET', 'vendor?limit=1001'))).code).toBe('INVALID_PARAMETER');
  });

  it('filters with q', async () => {
    const inactive = await json(
      await access.record('GET', `vendor?q=${encodeURIComponent('isInactive IS true')}`),
    );
    const expected = sandbox.store
      .list('vendor')
      .filter((record) => record.fields.isInactive === true).length;
    expect(expected).toBeGreaterThan(0);
    expect(inactive.totalResults).toBe(expected);
    const named = await json(
      await access.record(
        'GET',
        `vendor?q=${encodeURIComponent('companyName START_WITH "Northwind" AND isInactive IS false')}`,
      ),
    );
    expect(named.totalResults).toBe(1);
    expect(
      (await problem(await access.record('GET', `vendor?q=${encodeURIComponent('nope IS 1')}`))).code,
    ).toBe('INVALID_PARAMETER');
  });
});

describe('transform', () => {
  it('turns a bill into a vendor payment of its unpaid amount', async () => {
    const billId = SandboxAccess.idFromLocation(
      await access.record('POST', 'vendorBill', bill({ tranId: 'INV-TRANSFORM' })),
    );
    const transformed = await access.record('POST', `vendorBill/${billId}/!transform/vendorPayment`, {
      account: { id: demo.bankAccounts[0] },
    });
    expect(transformed.status).toBe(204);
    const paymentId = SandboxAccess.idFromLocation(transformed);
    expect(transformed.headers.get('location')).toContain('/vendorPayment/');
    const payment = await json(await access.record('GET', `vendorPayment/${paymentId}`));
    expect(payment.total).toBe(100);
    expect((await json(await access.record('GET', `vendorBill/${billId}`))).status).toEqual({
      id: 'B',
      refName: 'Paid In Full',
    });
  });
});
