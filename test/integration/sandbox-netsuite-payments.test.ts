// Conformance of the NetSuite sandbox's vendor payments (apsync's push target): NetSuite's rules with
// their error codes and paths, bill paid/unpaid amounts and status, idempotent upserts, reversal, and a
// NetSuite user voiding a payment (the admin API's stand-in for the UI's Void button), after which no
// REST write of it is accepted.
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
let vendorA: string;
let vendorB: string;
let usdBank: string;
let cadBank: string;
let inactiveBank: string;
let expenseAccount: string;
let cadCurrency: string;

type Json = Record<string, unknown>;

async function problem(
  response: Response,
): Promise<{ status: number; code: string; path: string | undefined; detail: string }> {
  const body = (await response.json()) as { 'o:errorDetails': Array<Record<string, string>> };
  const first = body['o:errorDetails'][0]!;
  return {
    status: response.status,
    code: first['o:errorCode']!,
    path: first['o:errorPath'],
    detail: first.detail!,
  };
}

async function createBill(vendor: string, amount: number, extra: Json = {}): Promise<string> {
  const response = await access.record('POST', 'vendorBill', {
    entity: { id: vendor },
    tranDate: '2026-02-01',
    expense: { items: [{ account: { id: expenseAccount }, amount }] },
    ...extra,
  });
  expect(response.status).toBe(204);
  return SandboxAccess.idFromLocation(response);
}

const payment = (vendor: string, items: Json[], extra: Json = {}): Json => ({
  entity: { id: vendor },
  account: { id: usdBank },
  tranDate: '2026-03-01',
  apply: { items },
  ...extra,
});

async function billState(
  id: string,
): Promise<{ status: string; balance: number; paid: string; unpaid: string; suiteqlStatus: string }> {
  const record = (await (await access.record('GET', `vendorBill/${id}`)).json()) as {
    status: { id: string };
    balance: number;
  };
  const rows = await access.rows(
    'SELECT status, foreignamountpaid, foreignamountunpaid FROM transaction WHERE id = ?',
    [id],
  );
  const row = rows.items[0]!;
  return {
    status: record.status.id,
    balance: record.balance,
    paid: String(row.foreignamountpaid),
    unpaid: String(row.foreignamountunpaid),
    suiteqlStatus: String(row.status),
  };
}

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox();
  access = new SandboxAccess(sandbox);
  demo = sandbox.seedDemo({ bills: 0, payments: 0 });
  const usdVendors = demo.vendors.filter((id) => {
    const record = sandbox.store.get('vendor', id)!;
    return record.fields.currency === demo.currencies.USD && record.fields.isInactive !== true;
  });
  vendorA = usdVendors[0]!;
  vendorB = usdVendors[1]!;
  usdBank = demo.bankAccounts[0]!;
  cadBank = demo.bankAccounts[2]!;
  cadCurrency = demo.currencies.CAD!;
  expenseAccount = demo.expenseAccounts[0]!;
  inactiveBank = sandbox.store.list('account').find((account) => account.fields.acctNumber === '1020')!.id;
});

afterAll(async () => {
  await sandbox.close();
});

describe('vendor payment rules', () => {
  it('requires the payee', async () => {
    const bill = await createBill(vendorA, 10);
    const refused = await problem(
      await access.record('POST', 'vendorPayment', {
        account: { id: usdBank },
        apply: { items: [{ doc: { id: bill }, apply: true, amount: 5 }] },
      }),
    );
    expect(refused).toMatchObject({ status: 400, code: 'USER_ERROR', path: 'entity' });
    expect(refused.detail).toMatch(/Payee/);
  });

  it('takes only an active bank account in the payment currency', async () => {
    const bill = await createBill(vendorA, 10);
    const items = [{ doc: { id: bill }, apply: true, amount: 5 }];
    for (const account of [expenseAccount, inactiveBank, cadBank]) {
      const refused = await problem(
        await access.record('POST', 'vendorPayment', payment(vendorA, items, { account: { id: account } })),
      );
      expect(refused).toMatchObject({ status: 400, code: 'INVALID_CONTENT', path: 'account' });
    }
    const wrongCurrency = await problem(
      await access.record(
        'POST',
        'vendorPayment',
        payment(vendorA, items, { currency: { id: cadCurrency } }),
      ),
    );
    expect(wrongCurrency).toMatchObject({ code: 'INVALID_CONTENT', path: 'currency' });
  });

  it('takes tranDate as YYYY-MM-DD only', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'POST /services/rest/record/v1/vendorPayment',
      reason: 'dates in other forms are sent to see them refused',
    });
    const bill = await createBill(vendorA, 10);
    const refused = await problem(
      await access.record(
        'POST',
        'vendorPayment',
        payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 5 }], { tranDate: '03/01/2026' }),
      ),
    );
    expect(refused).toMatchObject({ status: 400, code: 'INVALID_CONTENT', path: 'tranDate' });
  });

  it('applies only to existing vendor bills', async () => {
    const bill = await createBill(vendorA, 10);
    const missing = await problem(
      await access.record(
        'POST',
        'vendorPayment',
        payment(vendorA, [
          { doc: { id: bill }, apply: true, amount: 1 },
          { doc: { id: '999999' }, apply: true, amount: 1 },
        ]),
      ),
    );
    expect(missing).toMatchObject({ code: 'INVALID_CONTENT', path: 'apply.items[1].doc' });
    const paid = await access.record(
      'POST',
      'vendorPayment',
      payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 1 }]),
    );
    const paymentId = SandboxAccess.idFromLocation(paid);
    const notABill = await problem(
      await access.record(
        'POST',
        'vendorPayment',
        payment(vendorA, [{ doc: { id: paymentId }, apply: true, amount: 1 }]),
      ),
    );
    expect(notABill).toMatchObject({ code: 'INVALID_CONTENT', path: 'apply.items[0].doc' });
  });

  it("refuses another vendor's bill, a bill that is not open, and amounts not in (0, unpaid]", async () => {
    const otherVendors = await createBill(vendorB, 30);
    const foreign = await problem(
      await access.record(
        'POST',
        'vendorPayment',
        payment(vendorA, [{ doc: { id: otherVendors }, apply: true, amount: 5 }]),
      ),
    );
    expect(foreign).toMatchObject({ code: 'USER_ERROR', path: 'apply.items[0].doc' });

    const pending = await createBill(vendorA, 30, { approvalStatus: { id: '1' } });
    expect((await billState(pending)).status).toBe('D');
    const notOpen = await problem(
      await access.record(
        'POST',
        'vendorPayment',
        payment(vendorA, [{ doc: { id: pending }, apply: true, amount: 5 }]),
      ),
    );
    expect(notOpen).toMatchObject({ code: 'USER_ERROR', path: 'apply.items[0].doc' });

    const bill = await createBill(vendorA, 30);
    for (const amount of [0, -5, 30.01]) {
      const refused = await problem(
        await access.record(
          'POST',
          'vendorPayment',
          payment(vendorA, [{ doc: { id: bill }, apply: true, amount }]),
        ),
      );
      expect(refused).toMatchObject({ code: 'USER_ERROR', path: 'apply.items[0].amount' });
    }
    const nothing = await problem(
      await access.record('POST', 'vendorPayment', payment(vendorA, [{ doc: { id: bill }, apply: false }])),
    );
    expect(nothing).toMatchObject({ code: 'USER_ERROR', path: 'apply' });

    const held = await createBill(vendorA, 30, { paymentHold: true });
    expect(
      (
        await problem(
          await access.record(
            'POST',
            'vendorPayment',
            payment(vendorA, [{ doc: { id: held }, apply: true }]),
          ),
        )
      ).code,
    ).toBe('USER_ERROR');
    expect(await billState(bill)).toMatchObject({ status: 'A', unpaid: '30' });
  });
});

describe('bill amounts and status', () => {
  it('a partial then a full payment moves the bill from A (Open) to B (Paid In Full)', async () => {
    const bill = await createBill(vendorA, 100);
    expect(await billState(bill)).toEqual({
      status: 'A',
      balance: 100,
      paid: '0',
      unpaid: '100',
      suiteqlStatus: 'A',
    });
    expect(
      (
        await access.record(
          'POST',
          'vendorPayment',
          payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 40 }]),
        )
      ).status,
    ).toBe(204);
    expect(await billState(bill)).toEqual({
      status: 'A',
      balance: 60,
      paid: '40',
      unpaid: '60',
      suiteqlStatus: 'A',
    });
    expect(
      (
        await access.record(
          'POST',
          'vendorPayment',
          payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 60 }]),
        )
      ).status,
    ).toBe(204);
    expect(await billState(bill)).toEqual({
      status: 'B',
      balance: 0,
      paid: '100',
      unpaid: '0',
      suiteqlStatus: 'B',
    });
    const again = await problem(
      await access.record(
        'POST',
        'vendorPayment',
        payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 1 }]),
      ),
    );
    expect(again).toMatchObject({ code: 'USER_ERROR', path: 'apply.items[0].doc' });
  });

  it('pays several bills in one payment, the total being the sum applied; no amount pays the unpaid amount', async () => {
    const first = await createBill(vendorA, 20);
    const second = await createBill(vendorA, 35.5);
    const created = await access.record(
      'POST',
      'vendorPayment',
      payment(vendorA, [
        { doc: { id: first }, apply: true, amount: 20 },
        { doc: { id: second }, apply: true },
      ]),
    );
    const id = SandboxAccess.idFromLocation(created);
    const record = (await (
      await access.record('GET', `vendorPayment/${id}?expandSubResources=true`)
    ).json()) as {
      total: number;
      apply: { items: Array<{ doc: { id: string }; apply: boolean; amount?: number }> };
    };
    expect(record.total).toBe(55.5);
    const applied = record.apply.items.filter((line) => line.apply);
    expect(applied.map((line) => [line.doc.id, line.amount])).toEqual([
      [first, 20],
      [second, 35.5],
    ]);
    // NetSuite lists the payee's other open bills too, not applied.
    expect(record.apply.items.some((line) => !line.apply)).toBe(true);
    expect((await billState(second)).status).toBe('B');
  });

  it('re-upserting a payment by external id never applies it twice', async () => {
    const bill = await createBill(vendorA, 50);
    const body = payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 30 }]);
    expect((await access.record('PUT', 'vendorPayment/eid:procurify-pay-7', body)).status).toBe(204);
    expect((await access.record('PUT', 'vendorPayment/eid:procurify-pay-7', body)).status).toBe(204);
    expect(await billState(bill)).toMatchObject({ status: 'A', unpaid: '20' });
    // Paying the whole bill through the same payment is judged without its earlier 30.
    await access.record(
      'PUT',
      'vendorPayment/eid:procurify-pay-7',
      payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 50 }]),
    );
    expect(await billState(bill)).toMatchObject({ status: 'B', unpaid: '0' });
    await access.record(
      'PUT',
      'vendorPayment/eid:procurify-pay-7',
      payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 10 }]),
    );
    expect(await billState(bill)).toMatchObject({ status: 'A', unpaid: '40' });
    const total = await access.rows(
      "SELECT foreigntotal FROM transaction WHERE externalid = 'procurify-pay-7'",
    );
    expect(total.items[0]!.foreigntotal).toBe('-10');
    const payments = await access.rows(
      "SELECT COUNT(*) AS n FROM transaction WHERE type = 'VendPymt' AND externalid = 'procurify-pay-7'",
    );
    expect(payments.items[0]!.n).toBe('1');
  });

  it('deleting a payment gives the amount back to the bill', async () => {
    const bill = await createBill(vendorA, 80);
    const id = SandboxAccess.idFromLocation(
      await access.record('POST', 'vendorPayment', payment(vendorA, [{ doc: { id: bill }, apply: true }])),
    );
    expect((await billState(bill)).status).toBe('B');
    expect((await access.record('DELETE', `vendorBill/${bill}`)).status).toBe(400);
    expect((await access.record('DELETE', `vendorPayment/${id}`)).status).toBe(204);
    expect(await billState(bill)).toMatchObject({ status: 'A', unpaid: '80', paid: '0' });
  });

  it('a payment voided by a NetSuite user stays, Voided with nothing applied; its bill is open again', async () => {
    const bill = await createBill(vendorA, 70);
    const id = SandboxAccess.idFromLocation(
      await access.record(
        'POST',
        'vendorPayment',
        payment(vendorA, [{ doc: { id: bill }, apply: true }], { externalId: 'procurify-pay-void-1' }),
      ),
    );
    expect((await billState(bill)).status).toBe('B');
    const voidUrl = `${sandbox.adminUrl}/records/vendorPayment/${id}/void`;
    expect((await fetch(voidUrl, { method: 'GET' })).status).toBe(405);
    const voided = await fetch(voidUrl, { method: 'POST' });
    expect(voided.status).toBe(200);
    expect(await billState(bill)).toMatchObject({ status: 'A', unpaid: '70', paid: '0' });
    const rows = await access.rows(
      "SELECT voided, status, foreigntotal FROM transaction WHERE externalid = 'procurify-pay-void-1'",
    );
    expect(rows.items).toEqual([expect.objectContaining({ voided: 'T', status: 'V', foreigntotal: '0' })]);
    const record = (await (await access.record('GET', `vendorPayment/${id}`)).json()) as {
      status: { id: string; refName: string };
      total: number;
    };
    expect(record).toMatchObject({ status: { id: 'V', refName: 'Voided' }, total: 0 });
    // Voided once: the button is gone; an ordinary payment is not voided.
    expect((await fetch(voidUrl, { method: 'POST' })).status).toBe(400);
    const others = await access.rows(
      "SELECT COUNT(*) AS n FROM transaction WHERE type = 'VendPymt' AND voided = 'T'",
    );
    expect(others.items[0]!.n).toBe('1');
  });

  it('a voided payment refuses every REST write: its bills stay open, its total zero, still Voided', async () => {
    const bill = await createBill(vendorA, 65);
    const body = payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 65 }], {
      externalId: 'procurify-pay-void-2',
    });
    expect((await access.record('PUT', 'vendorPayment/eid:procurify-pay-void-2', body)).status).toBe(204);
    const [row] = (await access.rows("SELECT id FROM transaction WHERE externalid = 'procurify-pay-void-2'"))
      .items;
    const id = String(row!.id);
    const voided = await fetch(`${sandbox.adminUrl}/records/vendorPayment/${id}/void`, { method: 'POST' });
    expect(voided.status).toBe(200);
    const refusals = [
      await access.record('PUT', 'vendorPayment/eid:procurify-pay-void-2', body),
      await access.record('PUT', 'vendorPayment/eid:procurify-pay-void-2?replace=apply', body),
      await access.record('PATCH', `vendorPayment/${id}`, { memo: 'edited' }),
      await access.record('PATCH', 'vendorPayment/eid:procurify-pay-void-2', {
        apply: { items: [{ doc: { id: bill }, apply: true, amount: 65 }] },
      }),
    ];
    for (const refused of refusals) {
      expect(await problem(refused)).toMatchObject({
        status: 400,
        code: 'USER_ERROR',
        detail: expect.stringContaining(`Bill Payment ${id} has been voided`),
      });
    }
    expect(await billState(bill)).toMatchObject({ status: 'A', unpaid: '65', paid: '0' });
    const record = (await (
      await access.record('GET', `vendorPayment/${id}?expandSubResources=true`)
    ).json()) as {
      status: { id: string };
      total: number;
      memo?: string;
      apply: { items: Array<{ apply: boolean }> };
    };
    expect(record).toMatchObject({ status: { id: 'V' }, total: 0 });
    expect(record.memo).not.toBe('edited');
    expect(record.apply.items.filter((line) => line.apply)).toEqual([]);
    const rows = await access.rows(
      "SELECT voided, status, foreigntotal FROM transaction WHERE externalid = 'procurify-pay-void-2'",
    );
    expect(rows.items).toEqual([expect.objectContaining({ voided: 'T', status: 'V', foreigntotal: '0' })]);
    // Another payment of the same bill is an ordinary write.
    expect(
      (await access.record('POST', 'vendorPayment', payment(vendorA, [{ doc: { id: bill }, apply: true }])))
        .status,
    ).toBe(204);
    expect((await billState(bill)).status).toBe('B');
  });

  it("a payment changes the paid bill's lastModifiedDate (the paid-bill pull relies on it)", async () => {
    const seeded = sandbox.seed({
      records: {
        vendorBill: [
          {
            entity: { id: vendorA },
            tranDate: '2025-01-01',
            lastModifiedDate: '2025-01-02T00:00:00Z',
            expense: { items: [{ account: { id: expenseAccount }, amount: 12 }] },
          },
        ],
      },
    });
    const bill = seeded.created.vendorBill![0]!;
    await access.record('POST', 'vendorPayment', payment(vendorA, [{ doc: { id: bill }, apply: true }]));
    const rows = await access.rows(
      "SELECT TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified FROM transaction WHERE id = ? AND status = 'B'",
      [bill],
    );
    expect(String(rows.items[0]!.modified) > '2025-01-02 00:00:00').toBe(true);
  });

  it('refuses to lower a bill below what is already paid', async () => {
    const bill = await createBill(vendorA, 60);
    await access.record(
      'POST',
      'vendorPayment',
      payment(vendorA, [{ doc: { id: bill }, apply: true, amount: 50 }]),
    );
    const refused = await problem(
      await access.record('PATCH', `vendorBill/${bill}?replace=expense`, {
        expense: { items: [{ account: { id: expenseAccount }, amount: 40 }] },
      }),
    );
    expect(refused.code).toBe('USER_ERROR');
  });
});
