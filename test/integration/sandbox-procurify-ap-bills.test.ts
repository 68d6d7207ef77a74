// The Procurify sandbox's real AP bills over plain fetch: per-line tax (inclusive and exclusive, several
// rates, half-up rounding), bill by quantity or by cost, shipping, bill-level costs, custom fields,
// allocations over departments of several locations, a CAD bill, invoice files and their download
// (token, 401, 404, bytes with their media type and length), payments against the owed amount, and a
// snapshot file keeping it all (older files without these fields still load). Amount rules: model.ts
// billAmounts, after BillRead / ItemReadSerializer_v2 in procurify.openapi.yml.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  billStatus,
  invoicePdf,
  type ProcurifySandbox,
  startProcurifySandbox,
} from '../../infra/sandboxes/procurify/index.ts';

let sandbox: ProcurifySandbox;
let token: string;

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: any;
  bytes: Buffer;
}

async function getToken(target: ProcurifySandbox): Promise<string> {
  const response = await fetch(target.credentials.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: target.credentials.clientId,
      client_secret: target.credentials.clientSecret,
      audience: target.credentials.audience,
      grant_type: 'client_credentials',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function api(
  path: string,
  options: { bearer?: string | null; target?: ProcurifySandbox } = {},
): Promise<Answer> {
  const target = options.target ?? sandbox;
  const bearer = options.bearer === undefined ? token : options.bearer;
  const response = await fetch(path.startsWith('http') ? path : `${target.url}${path}`, {
    headers: bearer === null ? {} : { authorization: `Bearer ${bearer}`, 'x-procurify-client': 'api' },
    redirect: 'manual',
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  let body: unknown;
  if ((response.headers.get('content-type') ?? '').startsWith('application/json'))
    body = JSON.parse(bytes.toString('utf8'));
  return { status: response.status, headers: response.headers, body, bytes };
}

async function admin(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${sandbox.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body: JSON.parse(bytes.toString()), bytes };
}

/** A GET with another Host header (fetch cannot set one), as through a proxy. */
function getWithHost(
  path: string,
  host: string,
): Promise<{ data: { invoice_attachments: Array<{ file: string }> } }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${sandbox.url}${path}`,
      { headers: { host, authorization: `Bearer ${token}`, 'x-procurify-client': 'api' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

const detail = async (uuid: string) => (await api(`/api/v2/ap/bills/${uuid}/`)).body.data;
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');
const today = '2025-06-30';

beforeAll(async () => {
  sandbox = await startProcurifySandbox({ seed: 42, demo: { seed: 42, today } });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.faults.clear();
  token = await getToken(sandbox);
});

// Demo company (seed 42): account codes 9-23 are expenses (10 = 6020, 22 = 6140 Shipping and Postage);
// departments 1-5 are in location 1 (San Francisco HQ), 6-7 in location 2 (Toronto), 8 in location 3
// (London); vendor 4 bills in CAD; payment method 4 pays CAD.

describe('taxed bills', () => {
  it('splits each line into net and tax, half up, inclusive and exclusive, at several rates', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'TAX-1',
      invoice_date: '2025-06-02',
      status: billStatus.approved,
      items: [
        // Exclusive 5 %: 100.00 + 5.00.
        {
          description: 'Paper',
          amount: '100.00',
          tax_name: 'GST',
          tax_percentage: '5',
          account_code: 9,
          department: 1,
        },
        // Exclusive 7.25 %: 33.33 × 0.0725 = 2.416425 → 2.42.
        {
          description: 'Toner',
          amount: '33.33',
          tax_name: 'CA sales tax',
          tax_percentage: '7.25',
          account_code: 9,
          department: 1,
        },
        // Inclusive 13 %: 19.99 / 1.13 = 17.6902... → net 17.69, tax 2.30.
        {
          description: 'Cables',
          amount: '19.99',
          tax_name: 'HST',
          tax_percentage: '13',
          tax_is_inclusive: true,
          account_code: 11,
          department: 7,
        },
        // Exclusive 8.875 %: 10.00 × 0.08875 = 0.8875 → 0.89.
        {
          description: 'Lunch',
          amount: '10.00',
          tax_name: 'NYC sales tax',
          tax_percentage: '8.875',
          account_code: 13,
          department: 3,
        },
        // Exclusive 5 % of 10.10 = 0.505: half up gives 0.51 (half to even would give 0.50).
        {
          description: 'Stamps',
          amount: '10.10',
          tax_name: 'GST',
          tax_percentage: '5',
          account_code: 22,
          department: 4,
        },
        // By quantity: 3 × 12.345 = 37.035 → 37.04; exclusive 13 %: 4.8152 → 4.82.
        {
          description: 'Adapters',
          quantity: '3',
          unit_cost: '12.345',
          unit: 'box',
          tax_name: 'HST',
          tax_percentage: '13',
          account_code: 11,
          department: 6,
        },
        // Inclusive 8.875 % on 50.00: 50 / 1.08875 = 45.9242... → net 45.92, tax 4.08.
        {
          description: 'Snacks',
          amount: '50.00',
          bill_by_cost: true,
          tax_name: 'NYC sales tax',
          tax_percentage: '8.875',
          tax_is_inclusive: true,
          account_code: 13,
          department: 3,
        },
      ],
    });
    const data = await detail(bill.uuid);
    const lines = data.items.map((item: Record<string, unknown>) => ({
      total_cost: item.total_cost,
      tax_amount: item.tax_amount,
      total_cost_with_tax: item.total_cost_with_tax,
      tax_percentage: item.tax_percentage,
      tax_is_inclusive: item.tax_is_inclusive,
    }));
    expect(lines).toEqual([
      {
        total_cost: 100,
        tax_amount: 5,
        total_cost_with_tax: 105,
        tax_percentage: '5',
        tax_is_inclusive: false,
      },
      {
        total_cost: 33.33,
        tax_amount: 2.42,
        total_cost_with_tax: 35.75,
        tax_percentage: '7.25',
        tax_is_inclusive: false,
      },
      {
        total_cost: 17.69,
        tax_amount: 2.3,
        total_cost_with_tax: 19.99,
        tax_percentage: '13',
        tax_is_inclusive: true,
      },
      {
        total_cost: 10,
        tax_amount: 0.89,
        total_cost_with_tax: 10.89,
        tax_percentage: '8.875',
        tax_is_inclusive: false,
      },
      {
        total_cost: 10.1,
        tax_amount: 0.51,
        total_cost_with_tax: 10.61,
        tax_percentage: '5',
        tax_is_inclusive: false,
      },
      {
        total_cost: 37.04,
        tax_amount: 4.82,
        total_cost_with_tax: 41.86,
        tax_percentage: '13',
        tax_is_inclusive: false,
      },
      {
        total_cost: 45.92,
        tax_amount: 4.08,
        total_cost_with_tax: 50,
        tax_percentage: '8.875',
        tax_is_inclusive: true,
      },
    ]);
    expect(data.items[0].tax_name).toBe('GST');
    // By quantity and by cost.
    expect(data.items[5]).toMatchObject({
      quantity: '3',
      unit_cost: 12.345,
      unit: 'box',
      bill_by_cost: false,
    });
    expect(data.items[6]).toMatchObject({ quantity: '1', unit_cost: 50, bill_by_cost: true });
    // Allocations add up to each line's net, whatever the tax.
    expect(data.items[2].cost_allocations.map((a: { amount: string }) => a.amount)).toEqual(['17.69']);
    expect(data.items[5].cost_allocations.map((a: { amount: string }) => a.amount)).toEqual(['37.04']);
    // Bill level: subtotal = total (no costs) = Σ net; tax split by the lines' flag; owed = with tax.
    const net = 100 + 33.33 + 17.69 + 10 + 10.1 + 37.04 + 45.92; // 254.08
    expect(data).toMatchObject({
      subtotal_cost: 254.08,
      total_cost: 254.08,
      tax_amount: 20.02,
      inclusive_tax_amount: 6.38,
      exclusive_tax_amount: 13.64,
      shipping_amount: 0,
      total_cost_with_tax: 274.1,
      invoice_total: 274.1,
    });
    expect(Math.round(net * 100)).toBe(25_408);
    const row = (await api('/api/v3/ap/bills/?order_by=-id&page_size=1')).body.data[0];
    expect(row).toMatchObject({ uuid: bill.uuid, total_cost_with_tax: 274.1, invoice_total: 274.1 });
  });

  it('keeps shipping and bill-level costs apart: total_cost has costs, invoice_total has tax and shipping too', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'SHIP-1',
      status: billStatus.approved,
      items: [
        {
          description: 'Monitors',
          quantity: '2',
          unit_cost: '150',
          tax_name: 'CA sales tax',
          tax_percentage: '7.25',
          shipping_amount: '15.00',
          account_code: 11,
          department: 1,
        },
        {
          description: 'Desk mats',
          amount: '40.00',
          shipping_amount: '4.99',
          account_code: 9,
          department: 2,
        },
      ],
      costs: [
        { name: 'Freight', amount: '25.00', account_code: 22, department: 4 },
        { name: 'Handling fee', amount: '4.50', account_code: 22, department: 8, cost: 3 },
      ],
    });
    const data = await detail(bill.uuid);
    // Lines: 300.00 + 21.75 tax + 15.00 shipping; 40.00 + 4.99 shipping. Costs 29.50.
    expect(data.items.map((i: { shipping_amount: string | null }) => i.shipping_amount)).toEqual([
      '15.00',
      '4.99',
    ]);
    expect(data).toMatchObject({
      subtotal_cost: 340,
      total_cost: 369.5,
      tax_amount: 21.75,
      exclusive_tax_amount: 21.75,
      inclusive_tax_amount: 0,
      shipping_amount: 19.99,
      total_cost_with_tax: 391.25,
      invoice_total: 411.24,
    });
    expect(data.costs).toHaveLength(2);
    expect(data.costs[0]).toMatchObject({
      name: 'Freight',
      amount: '25.00',
      bill: data.id,
      cost: null,
      currency: data.currency.id,
      cost_allocation: {
        amount: '25.00',
        object_id: data.costs[0].id,
        budget: { account_code: { id: 22, code: '6140' }, department: { id: 4, name: 'Operations' } },
      },
    });
    expect(data.costs[1]).toMatchObject({
      name: 'Handling fee',
      cost: 3,
      cost_allocation: { budget: { department: { id: 8, branch: { id: 3, name: 'London Office' } } } },
    });
    expect((await admin('GET', `/records/bills/${bill.uuid}`)).body.sandbox.open_amount).toBe('411.24');
  });

  it('spreads a line over departments of several locations', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'SPLIT-1',
      status: billStatus.approved,
      items: [
        {
          description: 'Company offsite',
          amount: '1130.00',
          tax_name: 'HST',
          tax_percentage: '13',
          tax_is_inclusive: true,
          // Net 1000.00 over San Francisco, Toronto and London.
          cost_allocations: [
            { account_code: 12, department: 2, amount: '500.00' },
            { account_code: 12, department: 6, amount: '300.00' },
            { account_code: 20, department: 8 },
          ],
        },
      ],
    });
    const allocations = (await detail(bill.uuid)).items[0].cost_allocations;
    expect(
      allocations.map((a: { amount: string; budget: { department: { branch: { id: number } } } }) => [
        a.amount,
        a.budget.department.branch.id,
      ]),
    ).toEqual([
      ['500.00', 1],
      ['300.00', 2],
      ['200.00', 3],
    ]);
    // Allocations of the gross are refused: they must add up to the net.
    const refused = await admin('POST', '/bills', {
      vendor: 2,
      invoice_number: 'SPLIT-2',
      items: [
        {
          description: 'Gross split',
          amount: '113.00',
          tax_percentage: '13',
          tax_is_inclusive: true,
          cost_allocations: [
            { account_code: 12, department: 2, amount: '56.50' },
            { account_code: 12, department: 6, amount: '56.50' },
          ],
        },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain('net of tax (100.00)');
  });

  it('bills in CAD at the currency rate, and pays a taxed CAD bill in full: it becomes Paid', async () => {
    const bill = sandbox.createBill({
      vendor: 4,
      currency: 'CAD',
      invoice_number: 'CAD-1',
      status: billStatus.approved,
      items: [
        {
          description: 'Toronto rent',
          amount: '2000.00',
          tax_name: 'HST',
          tax_percentage: '13',
          shipping_amount: '0.00',
          account_code: 17,
          department: 6,
        },
      ],
      costs: [{ name: 'Key cutting', amount: '12.00', account_code: 21, department: 7 }],
    });
    const data = await detail(bill.uuid);
    expect(data.currency).toMatchObject({ name: 'CAD', base: false });
    expect(data.items[0].currency.name).toBe('CAD');
    expect(data).toMatchObject({ total_cost: 2012, tax_amount: 260, invoice_total: 2272 });
    // converted_total_cost: total_cost at CAD's rate (0.73).
    expect(data.converted_total_cost).toBe(1468.76);
    // A partial payment of the net amount leaves the tax open; the rest closes the bill.
    const first = await admin('POST', '/payments', {
      bills: [{ uuid: bill.uuid, amount: '2012.00' }],
      method: 4,
      status: 'paid',
    });
    expect(first.status).toBe(201);
    expect(first.body.currency.name).toBe('CAD');
    expect((await detail(bill.uuid)).status).toBe(billStatus.paymentApproved);
    const tooMuch = await admin('POST', '/payments', {
      bills: [{ uuid: bill.uuid, amount: '260.01' }],
      method: 4,
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toContain('open amount');
    await admin('POST', '/payments', {
      bills: [{ uuid: bill.uuid, amount: '260.00' }],
      method: 4,
      status: 'paid',
    });
    const paid = await detail(bill.uuid);
    expect(paid).toMatchObject({ status: billStatus.paid, locked: true, bill_payment: { amount: '260.00' } });
    expect((await admin('GET', `/records/bills/${bill.uuid}`)).body.sandbox.open_amount).toBe('0.00');
  });

  it('pays a taxed bill with shipping in full in one payment: Paid', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'PAYFULL-1',
      status: billStatus.approved,
      items: [
        {
          description: 'Chairs',
          amount: '19.99',
          tax_percentage: '13',
          tax_is_inclusive: true,
          shipping_amount: '5.00',
          account_code: 9,
          department: 1,
        },
      ],
    });
    const payment = sandbox.recordPayment({ bills: [{ uuid: bill.uuid, amount: '24.99' }], method: 1 });
    expect(payment.amountCents).toBe(2499);
    expect((await detail(bill.uuid)).status).toBe(billStatus.paid);
  });

  it('renders a bill without tax, shipping or costs as before: every tax figure zero, totals equal', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'PLAIN-1',
      items: [{ description: 'Plain', amount: '20.00', account_code: 12, department: 6 }],
    });
    const data = await detail(bill.uuid);
    expect(data).toMatchObject({
      costs: [],
      invoice_attachments: [],
      tax_amount: 0,
      inclusive_tax_amount: 0,
      exclusive_tax_amount: 0,
      shipping_amount: 0,
      subtotal_cost: 20,
      total_cost: 20,
      total_cost_with_tax: 20,
      invoice_total: 20,
    });
    expect(data.items[0]).toMatchObject({
      quantity: '1',
      unit_cost: 20,
      total_cost: 20,
      total_cost_with_tax: 20,
      tax_name: '',
      tax_percentage: null,
      tax_amount: 0,
      tax_is_inclusive: false,
      shipping_amount: null,
      custom_fields: [],
      bill_by_cost: false,
    });
  });
});

describe('custom fields', () => {
  it('shows line values with their field (CustomFieldValueRead): text, boolean and dropdown', async () => {
    const created = await admin('POST', '/custom-fields', {
      name: 'Cost centre',
      field_type: 'm',
      field_choices: ['North', 'South'],
      is_required: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Cost centre',
      field_type: 'm',
      field_label: 'Dropdown Choices',
    });
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'CF-1',
      items: [
        {
          description: 'Tagged line',
          amount: '75.00',
          account_code: 14,
          department: 2,
          custom_fields: [
            { field: 'Project code', value: 'PRJ-42' },
            { field: 'Capitalize', value: true },
            { field: 'Cost centre', value: 'North' },
          ],
        },
      ],
    });
    const values = (await detail(bill.uuid)).items[0].custom_fields;
    expect(values).toHaveLength(3);
    expect(values[0]).toMatchObject({
      value: 'PRJ-42',
      field: { name: 'Project code', field_type: 't', content_type: expect.any(Number), is_active: true },
    });
    expect(values[1]).toMatchObject({ value: true, field: { name: 'Capitalize', field_type: 'b' } });
    expect(values[2]).toMatchObject({
      value: 'North',
      field: { name: 'Cost centre', field_choices: ['North', 'South'] },
    });
    expect(new Set(values.map((v: { id: number }) => v.id)).size).toBe(3);
    const wrongChoice = await admin('POST', '/bills', {
      vendor: 2,
      invoice_number: 'CF-2',
      items: [
        {
          description: 'x',
          amount: '1.00',
          account_code: 14,
          department: 2,
          custom_fields: [{ field: 'Cost centre', value: 'East' }],
        },
      ],
    });
    expect(wrongChoice.status).toBe(400);
    const wrongType = await admin('POST', '/bills', {
      vendor: 2,
      invoice_number: 'CF-3',
      items: [
        {
          description: 'x',
          amount: '1.00',
          account_code: 14,
          department: 2,
          custom_fields: [{ field: 'Capitalize', value: 'yes' }],
        },
      ],
    });
    expect(wrongType.status).toBe(400);
    // The demo company's own fields (Project code, Capital expense) and the ones made here, once each.
    const names = (await admin('GET', '/records/custom-fields')).body.map((f: { name: string }) => f.name);
    expect(names).toEqual(expect.arrayContaining(['Cost centre', 'Project code', 'Capitalize']));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('invoice files', () => {
  const pdf = invoicePdf(['INVOICE INV-77', 'Globex Software', 'Total due: 105.00 USD']);

  it('lists attachments with an absolute file URL and serves their bytes behind the token', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'ATT-1',
      items: [{ description: 'Licence', amount: '100.00', account_code: 10, department: 1 }],
      invoice_attachments: [
        { name: 'INV-77.pdf', content: pdf.toString('base64'), description: 'Vendor invoice' },
      ],
    });
    const [attachment] = (await detail(bill.uuid)).invoice_attachments;
    expect(attachment).toMatchObject({
      name: 'INV-77.pdf',
      mimetype: 'application/pdf',
      length: pdf.length,
      sha1_hash: sha1(pdf),
      user: 1,
      description: 'Vendor invoice',
      file: `${sandbox.url}/api/v3/attachments/${attachment.uuid}/download/`,
    });
    expect(attachment.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const download = await api(attachment.file);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-length')).toBe(String(pdf.length));
    expect(download.headers.get('content-disposition')).toContain('INV-77.pdf');
    expect(download.bytes.equals(pdf)).toBe(true);
    expect(download.bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    // The link follows the host the request came in on.
    const proxied = await getWithHost(`/api/v2/ap/bills/${bill.uuid}/`, 'procurify.test:8443');
    expect(proxied.data.invoice_attachments[0]?.file).toBe(
      `http://procurify.test:8443/api/v3/attachments/${attachment.uuid}/download/`,
    );
  });

  it('answers 401 without a token or with a bad one, 404 for an unknown attachment', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'ATT-2',
      items: [{ description: 'Licence', amount: '100.00', account_code: 10, department: 1 }],
      invoice_attachments: [{ name: 'INV-78.pdf', content: pdf.toString('base64') }],
    });
    const { file } = (await detail(bill.uuid)).invoice_attachments[0];
    const anonymous = await api(file, { bearer: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.detail).toBe('Authentication credentials were not provided.');
    expect((await api(file, { bearer: 'pfy.not-a-token' })).status).toBe(401);
    sandbox.expireAllTokens();
    expect((await api(file)).status).toBe(401);
    token = await getToken(sandbox);
    expect((await api('/api/v3/attachments/00000000-0000-4000-8000-000000000000/download/')).status).toBe(
      404,
    );
    expect((await api(file)).status).toBe(200);
  });

  it('attaches a file through the admin API: a new version and modification time; other media types kept', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'ATT-3',
      items: [{ description: 'Licence', amount: '100.00', account_code: 10, department: 1 }],
    });
    const before = await detail(bill.uuid);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const added = await admin('POST', `/bills/${bill.uuid}/attachments`, {
      name: 'receipt.png',
      mimetype: 'image/png',
      content: png.toString('base64'),
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'receipt.png', mimetype: 'image/png', length: png.length });
    const after = await detail(bill.uuid);
    expect(after.version).toBe(before.version + 1);
    expect(after.last_modified_datetime > before.last_modified_datetime).toBe(true);
    const download = await api(after.invoice_attachments[0].file);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.bytes.equals(png)).toBe(true);
    const bad = await admin('POST', `/bills/${bill.uuid}/attachments`, {
      name: 'x.pdf',
      content: 'not base64!',
    });
    expect(bad.status).toBe(400);
    const unknownBill = await admin('POST', '/bills/00000000-0000-4000-8000-000000000000/attachments', {
      name: 'x.pdf',
      content: pdf.toString('base64'),
    });
    expect(unknownBill.status).toBe(404);
  });

  it('shows the given sha1_hash (a damaged file) and the given file_url (other storage), serving neither here', async () => {
    const bill = sandbox.createBill({
      vendor: 2,
      invoice_number: 'ATT-4',
      items: [{ description: 'Licence', amount: '100.00', account_code: 10, department: 1 }],
      invoice_attachments: [
        { name: 'damaged.pdf', content: pdf.toString('base64'), sha1_hash: '0'.repeat(40) },
        {
          name: 'stored-elsewhere.pdf',
          content: pdf.toString('base64'),
          file_url: 'https://storage.example/attachments/abc.pdf?X-Signature=1',
        },
      ],
    });
    const [damaged, elsewhere] = (await detail(bill.uuid)).invoice_attachments;
    expect(damaged.sha1_hash).toBe('0'.repeat(40));
    expect((await api(damaged.file)).bytes.equals(pdf)).toBe(true);
    expect(elsewhere.file).toBe('https://storage.example/attachments/abc.pdf?X-Signature=1');
    expect((await api(`/api/v3/attachments/${elsewhere.uuid}/download/`)).status).toBe(404);
  });
});

describe('snapshot file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apsync-procurify-ap-bills-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps taxed bills, costs, custom fields and attachments across a restart; older files still load', async () => {
    const dataFile = join(dir, 'procurify.json');
    const now = () => Date.parse('2025-06-30T12:00:00Z');
    const first = await startProcurifySandbox({ seed: 3, demo: { seed: 3, today }, now, dataFile });
    const pdf = invoicePdf(['INVOICE SNAP-1']);
    const bill = first.createBill({
      vendor: 2,
      invoice_number: 'SNAP-1',
      items: [
        {
          description: 'Taxed',
          amount: '19.99',
          tax_percentage: '13',
          tax_is_inclusive: true,
          shipping_amount: '2.00',
          account_code: 10,
          department: 1,
          custom_fields: [{ field: 'Project code', value: 'P-1' }],
        },
      ],
      costs: [{ name: 'Freight', amount: '3.00', account_code: 22, department: 4 }],
      invoice_attachments: [{ name: 'snap.pdf', content: pdf.toString('base64') }],
    });
    const before = (
      await api(`/api/v2/ap/bills/${bill.uuid}/`, { target: first, bearer: await getToken(first) })
    ).body.data;
    await first.close();

    const second = await startProcurifySandbox({ seed: 3, now, dataFile });
    try {
      const bearer = await getToken(second);
      const after = (await api(`/api/v2/ap/bills/${bill.uuid}/`, { target: second, bearer })).body.data;
      // The port differs between runs: compare with the links on the new host.
      const rehost = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(first.url, second.url));
      expect(after).toEqual(rehost(before));
      expect(
        (await api(after.invoice_attachments[0].file, { target: second, bearer })).bytes.equals(pdf),
      ).toBe(true);
    } finally {
      await second.close();
    }

    // A file written before bills had these fields: the bill shows none of them.
    const document = JSON.parse(await readFile(dataFile, 'utf8'));
    const store = document.state.store;
    delete store.customFields;
    for (const stored of store.bills) {
      delete stored.costs;
      delete stored.attachments;
      for (const item of stored.items) {
        for (const field of ['unitCost', 'billByCost', 'taxCents', 'tax', 'shippingCents', 'customFields'])
          delete item[field];
      }
    }
    await writeFile(dataFile, JSON.stringify(document));
    const old = await startProcurifySandbox({ seed: 3, now, dataFile });
    try {
      const data = (await api(`/api/v2/ap/bills/${bill.uuid}/`, { target: old, bearer: await getToken(old) }))
        .body.data;
      expect(data).toMatchObject({ costs: [], invoice_attachments: [], tax_amount: 0, shipping_amount: 0 });
      // The stored line net stays what it was (17.69), now without tax.
      expect(data.items[0]).toMatchObject({ total_cost: 17.69, tax_amount: 0, custom_fields: [] });
    } finally {
      await old.close();
    }
  });
});
