// The Procurify client against the Procurify sandbox over loopback HTTP: pagination following `next`,
// filters, typed endpoints, tokens (cache, renewal after 20 h, renewal after a 401 mid-iteration,
// one renewal for concurrent callers), retries honouring Retry-After, writes after lost connections,
// the error classes, taxed bills with costs, custom fields and attachments, a payment's bills read for
// its applications only (a bill line it cannot read does not stop them), and invoice file downloads
// (token only on the Procurify host — a second small server plays pre-signed storage —, size limit,
// SHA-1 check).
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  billStatus,
  invoicePdf,
  type ProcurifySandbox,
  startProcurifySandbox,
} from '../../infra/sandboxes/procurify/index.ts';
import type { InvoiceFile } from '../../shared/ap/bill.ts';
import { AuthError, BugError, DataError, TransientError } from '../../shared/errors.ts';
import {
  createProcurifyClient,
  type ProcurifyClient,
  type ProcurifyClientDeps,
  procurifyBillStatus,
} from '../../shared/procurify/index.ts';
import { refusedOnPurpose } from '../support/contracts/policy.ts';

let sandbox: ProcurifySandbox;

const fastRetries = { maxAttempts: 6, baseMs: 1, capMs: 5 };

function clientFor(overrides: Record<string, unknown> = {}, deps: ProcurifyClientDeps = {}): ProcurifyClient {
  return createProcurifyClient(
    {
      baseUrl: sandbox.url,
      tokenUrl: sandbox.credentials.tokenUrl,
      clientId: sandbox.credentials.clientId,
      clientSecret: sandbox.credentials.clientSecret,
      audience: sandbox.credentials.audience,
      retryPolicy: fastRetries,
      requestTimeoutMs: 2_000,
      ...overrides,
    },
    deps,
  );
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * A window start that every earlier change precedes and every later change follows (modification
 * times are microseconds; filters are sent with millisecond ISO strings).
 */
async function windowStart(): Promise<Date> {
  const start = Math.ceil(sandbox.store.clock.tick() / 1000) + 1;
  while (Date.now() < start) await new Promise((resolve) => setTimeout(resolve, 1));
  return new Date(start);
}

const requests = (route: string) => sandbox.requestLog().filter((entry) => entry.route === route);

beforeAll(async () => {
  sandbox = await startProcurifySandbox({ seed: 7, demo: { seed: 7, today: '2025-06-30' } });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.setConfig({ retryAfterSeconds: 1, nextLinkBaseUrl: null });
  sandbox.clearRequestLog();
});

describe('lists', () => {
  it('follows `next` over several pages and yields every record once', async () => {
    const client = clientFor({ pageSize: 7 });
    const vendors = await collect(client.listVendors());
    expect(vendors).toHaveLength(40);
    expect(new Set(vendors.map((v) => v.id)).size).toBe(40);
    const pages = requests('GET /api/v3/vendors/');
    expect(pages.map((entry) => new URLSearchParams(entry.query).get('page'))).toEqual([
      null,
      '2',
      '3',
      '4',
      '5',
      '6',
    ]);
    expect(pages.every((entry) => entry.clientHeader)).toBe(true);
  });

  it('applies filters: vendors by external_id, account codes by code and active, departments by branch', async () => {
    const client = clientFor();
    sandbox.store.vendors.get(5)!.external_id = 'ns-505';
    const [vendor] = await collect(client.listVendors({ externalId: 'ns-505' }));
    expect(vendor).toMatchObject({ id: 5, externalId: 'ns-505' });
    expect(await client.findVendorByExternalId('ns-nothing')).toBeUndefined();
    expect((await collect(client.listAccountCodes({ code: '6020' }))).map((a) => a.id)).toEqual([10]);
    const inactive = await collect(client.listAccountCodes({ active: false }));
    expect(inactive.map((a) => a.code)).toEqual(['6900']);
    const toronto = await collect(client.listDepartments({ branch: 2 }));
    expect(toronto.map((d) => d.name).sort()).toEqual(['IT', 'Sales']);
    expect((await collect(client.listLocations())).map((l) => l.name)).toContain('London Office');
    const methods = await collect(client.listCompanyPaymentMethods());
    expect(methods.map((m) => m.glCode)).toEqual(['1010', '1020', '1030', '1040', '9999']);
  });

  it('lists bills modified in a window, keeping the asked statuses', async () => {
    const client = clientFor({ pageSize: 5 });
    const start = await windowStart();
    const [first, second] = [...sandbox.store.bills.values()].filter(
      (b) => b.status === billStatus.confirmed,
    );
    sandbox.approveBill(first!.uuid);
    sandbox.editBill(second!.uuid, { note: 'edited, still awaiting approval' });
    const changed = await collect(client.listBills({ modifiedAfter: start }));
    expect(changed.map((b) => b.uuid).sort()).toEqual([first!.uuid, second!.uuid].sort());
    const approved = await collect(
      client.listBills({ modifiedAfter: start, status: procurifyBillStatus.approved }),
    );
    expect(approved.map((b) => b.uuid)).toEqual([first!.uuid]);
    const none = await collect(
      client.listBills({ modifiedAfter: start, modifiedBefore: new Date(start.getTime() - 1) }),
    );
    expect(none).toEqual([]);
    const query = new URLSearchParams(requests('GET /api/v3/ap/bills/')[0]!.query);
    expect(query.get('last_modified_datetime_0')).toBe(start.toISOString());
  });

  it('lists payments by updated_at window and statuses', async () => {
    const client = clientFor();
    const all = await collect(client.listPayments());
    expect(all.length).toBeGreaterThanOrEqual(12);
    const failed = await collect(client.listPayments({ statuses: ['failed'] }));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((p) => p.status === 'failed')).toBe(true);
    const start = await windowStart();
    const target = all.find((p) => p.status === 'approved')!;
    sandbox.setPaymentStatus(target.id, 'paid');
    const recent = await collect(
      client.listPayments({ updatedAfter: start, statuses: ['paid', 'processing'] }),
    );
    expect(recent.map((p) => p.id)).toEqual([target.id]);
    expect(recent[0]).toMatchObject({ status: 'paid', glCode: expect.any(String) });
  });

  it('page numbers skip bills that move during the read; scanBills reads them all', async () => {
    const client = clientFor({ pageSize: 5 });
    const readWhileEditing = async (bills: AsyncIterable<{ uuid: string }>) => {
      const seen = new Set<string>();
      const firstPage: string[] = [];
      for await (const bill of bills) {
        seen.add(bill.uuid);
        if (firstPage.length < 5) firstPage.push(bill.uuid);
        if (firstPage.length === 5 && seen.size === 5) {
          sandbox.editBill(firstPage[0]!, { note: 'edited during the read' });
          sandbox.editBill(firstPage[1]!, { note: 'edited during the read' });
        }
      }
      return seen.size;
    };
    const total = sandbox.store.bills.size;
    // Offsets: the two edited bills move to the end and two others slip into the page already read.
    expect(await readWhileEditing(client.listBills({ orderBy: 'last_modified_datetime' }))).toBe(total - 2);
    expect(await readWhileEditing(client.scanBills())).toBe(total);
    const scanned = requests('GET /api/v3/ap/bills/')
      .slice(-3)
      .map((e) => new URLSearchParams(e.query));
    expect(
      scanned.every((q) => q.get('order_by') === 'last_modified_datetime' && q.get('page') === null),
    ).toBe(true);
    expect(scanned[1]!.get('last_modified_datetime_0')).toEqual(expect.any(String));
  });

  it('scans past a full page of bills sharing one modification time', async () => {
    const client = clientFor({ pageSize: 5 });
    const start = await windowStart();
    const bills = Array.from({ length: 12 }, (_, n) =>
      sandbox.createBill({
        vendor: 1,
        invoice_number: `TIE-${n}`,
        items: [{ description: 'x', amount: '1.00', account_code: 9, department: 1 }],
      }),
    );
    const tie = bills[3]!.modified;
    for (const bill of bills.slice(3)) bill.modified = tie;
    const seen = await collect(client.scanBills({ modifiedAfter: start }));
    expect(seen.map((b) => b.invoiceNumber).sort()).toEqual(bills.map((b) => b.invoice_number).sort());
  });

  it('scans payments by update time, filtering statuses', async () => {
    const client = clientFor({ pageSize: 4 });
    const all = await collect(client.scanPayments());
    expect(new Set(all.map((p) => p.id)).size).toBe(sandbox.store.payments.size);
    const paid = await collect(client.scanPayments({ statuses: ['paid'] }));
    expect(paid.length).toBe([...sandbox.store.payments.values()].filter((p) => p.status === 'paid').length);
    const times = all.map((p) => p.updatedAt);
    expect([...times].sort()).toEqual(times);
  });

  it('refuses a next link that leaves the configured host', async () => {
    sandbox.setConfig({ nextLinkBaseUrl: 'http://elsewhere.example:8443' });
    const client = clientFor({ pageSize: 10 });
    const error = await collect(client.listVendors()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BugError);
    expect((error as BugError).message).toContain('elsewhere.example');
    expect(requests('GET /api/v3/vendors/')).toHaveLength(1);
  });
});

describe('bills, payments and mark-as-paid', () => {
  it('reads a bill with its cost allocations, money as decimal strings', async () => {
    const client = clientFor();
    const bill = sandbox.createBill({
      vendor: 3,
      invoice_number: 'CLIENT-1',
      invoice_date: '2025-06-03',
      due_date: '2025-07-03',
      status: billStatus.approved,
      items: [
        {
          description: 'Split',
          amount: '1000.10',
          cost_allocations: [
            { account_code: 10, department: 1, amount: '600.05' },
            { account_code: 14, department: 2 },
          ],
        },
      ],
    });
    const read = await client.getBill(bill.uuid);
    expect(read).toMatchObject({
      uuid: bill.uuid,
      status: procurifyBillStatus.approved,
      invoiceNumber: 'CLIENT-1',
      totalCost: '1000.1',
      vendor: { id: 3 },
      currency: 'USD',
    });
    expect(read.lines[0]!.allocations.map((a) => [a.accountCode, a.department.name, a.amount])).toEqual([
      ['6020', 'Engineering', '600.05'],
      ['6060', 'Finance', '400.05'],
    ]);
    const missing = await client.getBill('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DataError);
    expect((missing as DataError).status).toBe(404);
  });

  it('resolves the amounts a payment applies to each of its bills (several bills, partial)', async () => {
    const client = clientFor();
    const bills = ['700.00', '300.00'].map((amount, n) =>
      sandbox.createBill({
        vendor: 8,
        invoice_number: `APPLY-${n}`,
        status: billStatus.approved,
        items: [{ description: 'x', amount, account_code: 9, department: 1 }],
      }),
    );
    const recorded = sandbox.recordPayment({
      bills: [
        { uuid: bills[0]!.uuid, amount: '700.00' },
        { uuid: bills[1]!.uuid, amount: '120.50' },
      ],
      method: 2,
      payment_date: '2025-06-25',
    });
    const [payment] = await collect(client.listPayments({ ids: [recorded.id] }));
    expect(payment).toMatchObject({ amount: '820.50', glCode: '1020', billGroups: [expect.any(Number)] });
    const resolved = await client.getPaymentApplications(payment!);
    expect(resolved.complete).toBe(true);
    expect(resolved.appliedTotal).toBe('820.50');
    expect(resolved.applications.map((a) => [a.billUuid, a.amount]).sort()).toEqual(
      [
        [bills[0]!.uuid, '700.00'],
        [bills[1]!.uuid, '120.50'],
      ].sort(),
    );
    // A later payment of the same bill hides this payment's split for that bill: reported incomplete.
    sandbox.recordPayment({ bills: [{ uuid: bills[1]!.uuid, amount: '179.50' }], method: 2 });
    const later = await client.getPaymentApplications(payment!);
    expect(later.complete).toBe(false);
    expect(later.applications.map((a) => a.billUuid)).toEqual([bills[0]!.uuid]);
  });

  it('checks of a payment’s bills only what its applications use: a bill line it cannot read does not stop them', async () => {
    const bill = sandbox.createBill({
      vendor: 8,
      invoice_number: 'APPLY-LINES',
      status: billStatus.approved,
      items: [{ description: 'x', amount: '40.00', account_code: 9, department: 1 }],
    });
    const recorded = sandbox.recordPayment({ bills: [{ uuid: bill.uuid, amount: '40.00' }], method: 2 });
    // Procurify answering the bill with a line bill sync cannot read (a cost allocation without budget).
    const unreadableLines: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes(`/api/v2/ap/bills/${bill.uuid}/`)) return response;
      const body = (await response.json()) as { data: { items: Array<{ cost_allocations: unknown[] }> } };
      for (const item of body.data.items) item.cost_allocations = [{ id: 1, amount: '40.00' }];
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    const client = clientFor({}, { fetch: unreadableLines });
    const [payment] = await collect(client.listPayments({ ids: [recorded.id] }));
    expect(await client.getPaymentApplications(payment!)).toEqual({
      applications: [{ billUuid: bill.uuid, billId: bill.id, vendorId: 8, currency: 'GBP', amount: '40.00' }],
      appliedTotal: '40.00',
      complete: true,
    });
    await expect(client.getBill(bill.uuid)).rejects.toThrow(
      /^procurify: unexpected bill \(items\.0\.cost_allocations\.0\.budget/,
    );
  });

  it('marks a batch of bills paid; a lost answer is checked against the bills instead of failing', async () => {
    const client = clientFor();
    const newBill = () =>
      sandbox.createBill({
        vendor: 9,
        invoice_number: `PAID-${Math.random()}`,
        status: billStatus.approved,
        items: [{ description: 'x', amount: '10.00', account_code: 9, department: 1 }],
      });
    const batch = [newBill(), newBill(), newBill()];
    const result = await client.markBillsPaid(
      batch.map((b) => b.uuid),
      '2025-06-28',
    );
    expect(result).toEqual({
      billUuids: batch.map((b) => b.uuid),
      paymentDate: '2025-06-28',
      alreadyPaid: [],
    });
    expect(batch.every((b) => b.status === billStatus.paid && b.paidDate === '2025-06-28')).toBe(true);

    const lost = [newBill(), newBill()];
    sandbox.loseConnections({ method: 'POST', path: '/api/v3/ap/bills/mark-as-paid/', when: 'after' });
    const recovered = await client.markBillsPaid(
      lost.map((b) => b.uuid),
      '2025-06-29',
    );
    expect(recovered.alreadyPaid.sort()).toEqual(lost.map((b) => b.uuid).sort());
    expect(requests('POST /api/v3/ap/bills/mark-as-paid/')).toHaveLength(2);

    const unapproved = sandbox.createBill({
      vendor: 9,
      invoice_number: 'NOT-APPROVED',
      items: [{ description: 'x', amount: '10.00', account_code: 9, department: 1 }],
    });
    const refused = await client.markBillsPaid([unapproved.uuid], '2025-06-29').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataError);
    expect((refused as DataError).path).toBe('bill_uuids');
    expect(unapproved.status).toBe(billStatus.confirmed);
  });
});

describe('tokens', () => {
  it('caches the token, and concurrent first callers share one token request', async () => {
    const client = clientFor();
    const issuedBefore = sandbox.stats().tokensIssued;
    await Promise.all([1, 2, 3, 4, 5, 6].map((id) => client.getVendor(id)));
    await client.getVendor(7);
    expect(sandbox.stats().tokensIssued - issuedBefore).toBe(1);
    const tokenCall = requests('POST /oauth/token')[0]!;
    expect(tokenCall.status).toBe(200);
  });

  it('renews once when tokens expire mid-iteration, and the iteration completes', async () => {
    const client = clientFor({ pageSize: 5 });
    const before = sandbox.stats();
    const seen: number[] = [];
    for await (const vendor of client.listVendors()) {
      seen.push(vendor.id);
      if (seen.length === 12) sandbox.expireAllTokens();
    }
    expect(seen).toHaveLength(40);
    const after = sandbox.stats();
    expect(after.tokensIssued - before.tokensIssued).toBe(2);
    expect(after.unauthorized - before.unauthorized).toBe(1);
  });

  it('renews once for concurrent calls all refused with the same expired token', async () => {
    const client = clientFor();
    await client.getVendor(1);
    sandbox.expireAllTokens();
    const before = sandbox.stats();
    await Promise.all([2, 3, 4, 5].map((id) => client.getVendor(id)));
    const after = sandbox.stats();
    expect(after.tokensIssued - before.tokensIssued).toBe(1);
    expect(after.unauthorized - before.unauthorized).toBe(4);
  });

  it('renews a token 20 hours after obtaining it, before Procurify refuses it', async () => {
    let now = Date.now();
    const client = clientFor({}, { now: () => now });
    await client.getVendor(1);
    now += 19 * 3_600_000;
    await client.getVendor(2);
    const before = sandbox.stats();
    now += 1.5 * 3_600_000;
    await client.getVendor(3);
    const after = sandbox.stats();
    expect(after.tokensIssued - before.tokensIssued).toBe(1);
    expect(after.unauthorized - before.unauthorized).toBe(0);
  });

  it('reports refused credentials as an AuthError without retrying', async () => {
    const client = clientFor({ clientSecret: 'wrong' });
    const error = await client.getVendor(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('invalid_client');
    expect(requests('POST /oauth/token')).toHaveLength(1);
  });
});

describe('retries', () => {
  it('rides out a 429 storm, each wait at least the Retry-After', async () => {
    sandbox.faults.reseed(5);
    sandbox.faults.set('GET /api/v3/vendors/', { rate429: 0.5 });
    const waits: number[] = [];
    const client = clientFor({ pageSize: 5 }, { sleep: async (ms) => void waits.push(ms) });
    const vendors = await collect(client.listVendors());
    expect(vendors).toHaveLength(40);
    const limited = requests('GET /api/v3/vendors/').filter((entry) => entry.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(waits).toHaveLength(limited.length);
    expect(waits.every((ms) => ms >= 1_000)).toBe(true);
  });

  it('really waits the Retry-After before trying again', async () => {
    sandbox.faults.set('GET /api/v2/locations/', { rate429: 1 });
    const client = clientFor({}, { onRetry: () => sandbox.faults.clear() });
    const started = performance.now();
    const locations = await collect(client.listLocations());
    expect(locations).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('does not wait a Retry-After longer than maxRetryAfterMs: the transient error comes back at once', async () => {
    sandbox.setConfig({ retryAfterSeconds: 120 });
    sandbox.faults.set('GET /api/v2/locations/', { rate429: 1 });
    const client = clientFor({ maxRetryAfterMs: 60_000 });
    const error = await collect(client.listLocations()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(120_000);
    expect(requests('GET /api/v2/locations/')).toHaveLength(1);
  });

  it('gives up on a request Procurify holds after requestTimeoutMs, and tries again', async () => {
    sandbox.faults.set('GET /api/v2/locations/', { rateTimeout: 1 });
    // Only the held request may reach the deadline: the token and the retry must answer well within it
    // even on a busy machine (a retry timed out too would be answered 200 twice).
    const client = clientFor({ requestTimeoutMs: 1_000 }, { onRetry: () => sandbox.faults.clear() });
    expect(await collect(client.listLocations())).toHaveLength(3);
    expect(requests('GET /api/v2/locations/').filter((entry) => entry.status === 200)).toHaveLength(1);
  });

  it('retries a throttled token request', async () => {
    sandbox.faults.set('POST /oauth/token', { rate429: 1 });
    const waits: number[] = [];
    const client = clientFor(
      {},
      { onRetry: () => sandbox.faults.clear(), sleep: async (ms) => void waits.push(ms) },
    );
    expect((await client.getVendor(1)).id).toBe(1);
    expect(waits).toEqual([expect.any(Number)]);
    expect(waits[0]).toBeGreaterThanOrEqual(1_000);
  });

  it('retries 500s and dropped connections on reads, and gives up after the attempts with a TransientError', async () => {
    sandbox.faults.set('GET /api/v3/vendors/', { rate500: 1 });
    const client = clientFor();
    const error = await client.getVendor(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).status).toBe(500);
    expect(requests('GET /api/v3/vendors/{id}/')).toHaveLength(fastRetries.maxAttempts);
    sandbox.faults.clear();
    sandbox.loseConnections({ method: 'GET', path: '/api/v3/vendors/', when: 'before', count: 2 });
    expect((await client.getVendor(1)).id).toBe(1);
  });
});

describe('writes', () => {
  it('creates and updates vendors, account codes and departments', async () => {
    const client = clientFor();
    const vendor = await client.createVendor({
      name: 'Client Vendor',
      email: ['ap@client-vendor.example'],
      type: 3,
      external_id: 'ns-c-1',
      currency: 1,
      payment_term_ref: { name: 'Net 45' },
    });
    expect(vendor).toMatchObject({ name: 'Client Vendor', externalId: 'ns-c-1', active: true });
    expect(vendor.paymentTerm).toMatchObject({ name: 'Net 45' });
    const currencies = await collect(client.listCurrencies());
    expect(currencies.find((c) => c.code === 'CAD')).toMatchObject({ id: 2, rate: '0.730000' });
    const updated = await client.updateVendor(vendor.id, {
      name: 'Client Vendor Inc',
      email: [],
      type: 3,
      active: false,
    });
    expect(updated).toMatchObject({ name: 'Client Vendor Inc', active: false, email: [], currencyId: 1 });
    expect(await client.patchVendor(vendor.id, { active: true })).toMatchObject({ active: true });

    const code = await client.createAccountCode({
      code: '6555',
      description: 'Client code',
      account_type: 2,
    });
    // The answer says whether the code is active; the API has no way to change it.
    expect(
      await client.updateAccountCode(code.id, { code: '6555', description: 'Client Code 2' }),
    ).toMatchObject({
      description: 'Client Code 2',
      active: true,
    });
    const department = await client.createDepartment({
      name: 'Client Dept',
      branch: 1,
      external_id: 'ns-d-9',
    });
    expect(await client.updateDepartment(department.id, { name: 'Client Dept 2', branch: 3 })).toMatchObject({
      name: 'Client Dept 2',
      locationId: 3,
    });
  });

  it('retries a vendor PUT whose answer was lost (idempotent): one vendor, the new values', async () => {
    const client = clientFor();
    sandbox.loseConnections({ method: 'PUT', path: '/api/v3/vendors/', when: 'after' });
    const updated = await client.updateVendor(11, {
      name: 'Renamed After Loss',
      email: ['x@renamed.example'],
      type: 3,
    });
    expect(updated.name).toBe('Renamed After Loss');
    expect(requests('PUT /api/v3/vendors/{id}/')).toHaveLength(2);
    expect([...sandbox.store.vendors.values()].filter((v) => v.name === 'Renamed After Loss')).toHaveLength(
      1,
    );
  });

  it('after a vendor POST whose answer was lost, finds the vendor by external_id instead of creating it twice', async () => {
    const client = clientFor();
    sandbox.loseConnections({ method: 'POST', path: '/api/v3/vendors/', when: 'after' });
    const vendor = await client.createVendor({
      name: 'Lost Answer Vendor',
      email: [],
      type: 3,
      external_id: 'ns-lost-1',
    });
    expect(vendor.externalId).toBe('ns-lost-1');
    expect([...sandbox.store.vendors.values()].filter((v) => v.external_id === 'ns-lost-1')).toHaveLength(1);
    expect(requests('POST /api/v3/vendors/')).toHaveLength(1);
    expect(
      requests('GET /api/v3/vendors/').map((e) => new URLSearchParams(e.query).get('external_id')),
    ).toEqual(['ns-lost-1']);
  });

  it('after a vendor POST dropped before Procurify saw it, looks it up, finds nothing, and creates it once', async () => {
    const client = clientFor();
    sandbox.loseConnections({ method: 'POST', path: '/api/v3/vendors/', when: 'before' });
    const vendor = await client.createVendor({
      name: 'Dropped Vendor',
      email: [],
      type: 3,
      external_id: 'ns-lost-2',
    });
    expect(vendor.name).toBe('Dropped Vendor');
    expect([...sandbox.store.vendors.values()].filter((v) => v.external_id === 'ns-lost-2')).toHaveLength(1);
    expect(requests('POST /api/v3/vendors/')).toHaveLength(2);
  });

  it('after a vendor POST that timed out unanswered, looks it up and creates it once', async () => {
    sandbox.faults.set('POST /api/v3/vendors/', { rateTimeout: 1 });
    // Only the held POST may reach the deadline (a lookup timed out too would be sent twice).
    const client = clientFor({ requestTimeoutMs: 1_000 }, { onRetry: () => sandbox.faults.clear() });
    const vendor = await client.createVendor({
      name: 'Held Vendor',
      email: [],
      type: 3,
      external_id: 'ns-held-1',
    });
    expect(vendor.externalId).toBe('ns-held-1');
    expect([...sandbox.store.vendors.values()].filter((v) => v.external_id === 'ns-held-1')).toHaveLength(1);
    expect(requests('GET /api/v3/vendors/')).toHaveLength(1);
  });

  it('reports a lost vendor POST without external_id as ambiguous (DataError), never re-creating it', async () => {
    const client = clientFor();
    sandbox.loseConnections({ method: 'POST', path: '/api/v3/vendors/', when: 'after' });
    const error = await client
      .createVendor({ name: 'No External Id', email: [], type: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('ambiguous_create');
    expect(requests('POST /api/v3/vendors/')).toHaveLength(1);
    expect([...sandbox.store.vendors.values()].filter((v) => v.name === 'No External Id')).toHaveLength(1);
  });

  it('after an account code POST whose answer was lost, finds it by code', async () => {
    const client = clientFor();
    sandbox.loseConnections({ method: 'POST', path: '/api/v3/account-codes/', when: 'after' });
    const code = await client.createAccountCode({ code: '6777', description: 'Lost code' });
    expect(code.code).toBe('6777');
    expect(requests('POST /api/v3/account-codes/')).toHaveLength(1);
  });

  it('turns validation errors into DataErrors naming the field, from Procurify or before sending', async () => {
    const client = clientFor();
    const refused = await client
      .createVendor({ name: 'Bad Currency', email: [], type: 3, external_id: 'ns-bad-1', currency: 999 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataError);
    expect((refused as DataError).status).toBe(400);
    expect((refused as DataError).path).toBe('currency');
    expect((refused as DataError).message).toContain('Invalid pk "999"');
    const duplicate = await client
      .createAccountCode({ code: '6010', description: 'dup' })
      .catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(DataError);
    expect((duplicate as DataError).path).toBe('code');

    sandbox.clearRequestLog();
    const tooLong = await client
      .createVendor({ name: 'x'.repeat(151), email: [], type: 3 })
      .catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(DataError);
    expect((tooLong as DataError).path).toBe('name');
    expect(sandbox.requestLog()).toHaveLength(0);
  });

  it('never sends `active` for an account code: neither of its request schemas has it', async () => {
    const client = clientFor();
    const error = await client
      .updateAccountCode(12, { code: '6040', description: 'Travel', active: false } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).path).toBe('');
    expect(sandbox.requestLog().filter((entry) => entry.path.startsWith('/api/v3/account-codes/'))).toEqual(
      [],
    );
  });

  it('gets 405 from Procurify for a bill POST (bills cannot be written through the API)', async () => {
    refusedOnPurpose({
      vendor: 'procurify',
      operation: 'POST /api/v3/ap/bills/',
      reason: 'bills cannot be created',
    });
    // The client offers no way to write bills; this checks the classification of the sandbox's answer.
    const { classifyProcurifyAnswer } = await import('../../shared/procurify/index.ts');
    const token = await fetch(sandbox.credentials.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: sandbox.credentials.clientId,
        client_secret: sandbox.credentials.clientSecret,
        audience: sandbox.credentials.audience,
        grant_type: 'client_credentials',
      }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const response = await fetch(`${sandbox.url}/api/v3/ap/bills/`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.access_token}`,
        'x-procurify-client': 'api',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    const error = classifyProcurifyAnswer({
      method: 'POST',
      path: '/api/v3/ap/bills/',
      status: response.status,
      headers: response.headers,
      bodyText: await response.text(),
    });
    expect(error).toBeInstanceOf(DataError);
    expect(error.status).toBe(405);
    expect(error.message).toContain('Method "POST" not allowed.');
  });
});

describe('taxed bills and invoice files', () => {
  const pdf = invoicePdf(['INVOICE CLIENT-77', 'Initech Consulting', 'Total due: 24.99 USD']);
  const sha1 = createHash('sha1').update(pdf).digest('hex');

  /** A second server playing a file store: records each request's headers; paths choose the answer. */
  let storage: Server;
  let storageUrl: string;
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  beforeAll(async () => {
    storage = createServer((req, res) => {
      const path = req.url ?? '/';
      seen.push({ path, headers: req.headers });
      if (path.startsWith('/signed/invoice.pdf')) {
        res.writeHead(200, { 'content-type': 'binary/octet-stream', 'content-length': pdf.length });
        res.end(pdf);
      } else if (path === '/hop') {
        res.writeHead(302, { location: '/signed/invoice.pdf?X-Amz-Signature=abc' });
        res.end();
      } else if (path === '/expired') {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      } else if (path === '/huge') {
        // Announces 21 MiB; the client must refuse before reading it.
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': 21 * 1024 * 1024 });
        res.write(Buffer.alloc(64 * 1024));
        res.on('error', () => undefined);
      } else if (path === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/pdf' });
        for (let i = 0; i < 4; i++) res.write(Buffer.alloc(64 * 1024, i));
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    storage.closeAllConnections();
    await new Promise((resolve) => storage.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const attachmentAt = (url: string, extra: Partial<InvoiceFile> = {}): InvoiceFile => ({
    uuid: '11111111-2222-4333-8444-555555555555',
    url,
    name: 'invoice.pdf',
    mimetype: 'application/pdf',
    length: null,
    sha1: null,
    ...extra,
  });

  const billWithFiles = (files: Array<Record<string, unknown>>) =>
    sandbox.createBill({
      vendor: 3,
      invoice_number: `FILES-${Math.floor(Math.random() * 1e9)}`,
      status: billStatus.approved,
      items: [{ description: 'Consulting', amount: '100.00', account_code: 14, department: 1 }],
      invoice_attachments: files.map((file) => ({
        name: 'invoice.pdf',
        content: pdf.toString('base64'),
        ...file,
      })),
    });

  it('reads a taxed bill: net and tax per line, shipping, costs, custom fields, attachments', async () => {
    const client = clientFor();
    const bill = sandbox.createBill({
      vendor: 4,
      currency: 'CAD',
      invoice_number: 'CLIENT-TAX',
      status: billStatus.approved,
      items: [
        {
          description: 'Cables',
          amount: '19.99',
          tax_name: 'HST',
          tax_percentage: '13',
          tax_is_inclusive: true,
          shipping_amount: '5.00',
          account_code: 11,
          department: 6,
          custom_fields: [
            { field: 'Client project', value: 'P-9' },
            { field: 'Client capex', value: false },
          ],
        },
        {
          description: 'Adapters',
          quantity: '3',
          unit_cost: '12.345',
          tax_name: 'GST',
          tax_percentage: '5',
          cost_allocations: [
            { account_code: 11, department: 1, amount: '20.00' },
            { account_code: 11, department: 8 },
          ],
        },
      ],
      costs: [{ name: 'Freight', amount: '7.50', account_code: 22, department: 4 }],
      invoice_attachments: [{ name: 'client-tax.pdf', content: pdf.toString('base64') }],
    });
    const read = await client.getBill(bill.uuid);
    expect(read).toMatchObject({ currency: 'CAD', totalCost: '62.23' });
    expect(read.lines[0]).toMatchObject({
      net: '17.69',
      tax: '2.3',
      netWithTax: '19.99',
      taxName: 'HST',
      taxPercentage: '13',
      taxIncluded: true,
      shipping: '5.00',
      billByCost: false,
    });
    expect(read.lines[0]!.fields.map((v) => [v.name, v.value])).toEqual([
      ['Client project', 'P-9'],
      ['Client capex', false],
    ]);
    expect(read.lines[1]).toMatchObject({
      quantity: '3',
      unitCost: '12.345',
      net: '37.04',
      tax: '1.85',
    });
    expect(read.lines[1]!.allocations.map((a) => [a.amount, a.department.location])).toEqual([
      ['20.00', sandbox.store.locations.get(1)!.name],
      ['17.04', sandbox.store.locations.get(3)!.name],
    ]);
    expect(read.costs).toEqual([
      expect.objectContaining({
        name: 'Freight',
        amount: '7.50',
        allocation: expect.objectContaining({ accountCode: '6140' }),
      }),
    ]);
    expect(read.invoiceFiles).toEqual([
      expect.objectContaining({
        name: 'client-tax.pdf',
        mimetype: 'application/pdf',
        length: pdf.length,
        sha1: sha1,
      }),
    ]);
  });

  it('downloads an invoice file with the token, and its SHA-1 matches', async () => {
    const client = clientFor();
    const bill = billWithFiles([{}]);
    const [attachment] = (await client.getBill(bill.uuid)).invoiceFiles;
    expect(attachment!.url.startsWith(`${sandbox.url}/api/v3/attachments/`)).toBe(true);
    const file = await client.downloadAttachment(attachment!);
    expect(file.contentType).toBe('application/pdf');
    expect(Buffer.from(file.content).equals(pdf)).toBe(true);
    const downloads = requests('GET /api/v3/attachments/{uuid}/download/');
    expect(downloads.map((entry) => [entry.status, entry.clientHeader])).toEqual([[200, true]]);
  });

  it('renews an expired token once (401), and rides out a 429 with its Retry-After', async () => {
    const bill = billWithFiles([{}]);
    const waits: number[] = [];
    const client = clientFor(
      {},
      { onRetry: () => sandbox.faults.clear(), sleep: async (ms) => void waits.push(ms) },
    );
    const [attachment] = (await client.getBill(bill.uuid)).invoiceFiles;
    sandbox.expireAllTokens();
    expect(Buffer.from((await client.downloadAttachment(attachment!)).content).equals(pdf)).toBe(true);
    sandbox.faults.set('GET /api/v3/attachments/', { rate429: 1 });
    expect(Buffer.from((await client.downloadAttachment(attachment!)).content).equals(pdf)).toBe(true);
    expect(requests('GET /api/v3/attachments/{uuid}/download/').map((entry) => entry.status)).toEqual([
      401, 200, 429, 200,
    ]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1_000);
  });

  it('follows a Procurify redirect with the token (a link without its trailing slash)', async () => {
    refusedOnPurpose({
      vendor: 'procurify',
      operation: 'GET /api/v3/attachments/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/download',
      statuses: [301],
      reason: 'a file link without its trailing slash is redirected to the slashed one',
    });
    const bill = billWithFiles([{ uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' }]);
    const [attachment] = (await clientFor().getBill(bill.uuid)).invoiceFiles;
    const unslashed = { ...attachment!, url: attachment!.url.replace(/\/$/, '') };
    const file = await clientFor().downloadAttachment(unslashed);
    expect(Buffer.from(file.content).equals(pdf)).toBe(true);
    expect(
      sandbox
        .requestLog()
        .filter((entry) => entry.path.startsWith('/api/v3/attachments/'))
        .map((e) => e.status),
    ).toEqual([301, 200]);
  });

  it('refuses a file whose SHA-1 is not its sha1_hash, naming the file', async () => {
    const bill = billWithFiles([{ name: 'damaged-invoice.pdf', sha1_hash: 'f'.repeat(40) }]);
    const client = clientFor();
    const [attachment] = (await client.getBill(bill.uuid)).invoiceFiles;
    const error = await client.downloadAttachment(attachment!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('attachment_checksum');
    expect((error as DataError).message).toContain('damaged-invoice.pdf');
    // No retry for a data problem.
    expect(requests('GET /api/v3/attachments/{uuid}/download/')).toHaveLength(1);
  });

  it('fetches a pre-signed link on other storage without any credentials, following its redirect', async () => {
    const bill = billWithFiles([{ file_url: `${storageUrl}/signed/invoice.pdf?X-Amz-Signature=abc` }]);
    const client = clientFor();
    const [attachment] = (await client.getBill(bill.uuid)).invoiceFiles;
    expect(attachment!.url).toBe(`${storageUrl}/signed/invoice.pdf?X-Amz-Signature=abc`);
    const direct = await client.downloadAttachment(attachment!);
    // Storage says binary/octet-stream: the attachment's own mimetype is more telling.
    expect(direct.contentType).toBe('application/pdf');
    expect(Buffer.from(direct.content).equals(pdf)).toBe(true);
    const redirected = await client.downloadAttachment({ ...attachment!, url: `${storageUrl}/hop` });
    expect(Buffer.from(redirected.content).equals(pdf)).toBe(true);
    expect(seen.map((request) => request.path)).toEqual([
      '/signed/invoice.pdf?X-Amz-Signature=abc',
      '/hop',
      '/signed/invoice.pdf?X-Amz-Signature=abc',
    ]);
    for (const request of seen) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['x-procurify-client']).toBeUndefined();
    }
    // The storage server is on the sandbox's own host (127.0.0.1), another port: another origin, no token.
    expect(new URL(storageUrl).hostname).toBe(new URL(sandbox.url).hostname);
  });

  it('reports an expired storage link as a DataError, naming the file, without its signature', async () => {
    const client = clientFor();
    const error = await client
      .downloadAttachment(attachmentAt(`${storageUrl}/expired?X-Amz-Signature=secret`, { name: 'old.pdf' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('attachment_link_refused');
    expect((error as DataError).message).toContain('old.pdf');
    expect((error as DataError).message).not.toContain('secret');
    expect(seen).toHaveLength(1);
  });

  it('refuses files above 20 MiB (announced, or by their length) and above a configured limit while reading', async () => {
    const client = clientFor();
    const announced = await client
      .downloadAttachment(attachmentAt(`${storageUrl}/huge`, { name: 'huge.pdf' }))
      .catch((e: unknown) => e);
    expect(announced).toBeInstanceOf(DataError);
    expect((announced as DataError).code).toBe('attachment_too_large');
    expect((announced as DataError).message).toContain('huge.pdf');
    expect((announced as DataError).message).toContain(String(20 * 1024 * 1024));
    seen.length = 0;
    const byLength = await client
      .downloadAttachment(
        attachmentAt(`${storageUrl}/signed/invoice.pdf`, { name: 'big.pdf', length: 21 * 1024 * 1024 }),
      )
      .catch((e: unknown) => e);
    expect(byLength).toBeInstanceOf(DataError);
    expect((byLength as DataError).message).toContain('big.pdf');
    expect(seen).toHaveLength(0);
    const streamed = await clientFor({ maxAttachmentBytes: 100_000 })
      .downloadAttachment(attachmentAt(`${storageUrl}/chunked`, { name: 'streamed.pdf' }))
      .catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(DataError);
    expect((streamed as DataError).message).toContain('streamed.pdf');
    const fits = await clientFor({ maxAttachmentBytes: 300_000 }).downloadAttachment(
      attachmentAt(`${storageUrl}/chunked`, { name: 'streamed.pdf' }),
    );
    expect(fits.content.byteLength).toBe(4 * 64 * 1024);
  });

  it('refuses a file link that is not http(s)', async () => {
    const error = await clientFor()
      .downloadAttachment(attachmentAt('ftp://files.example/invoice.pdf'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain('invoice.pdf');
  });
});
