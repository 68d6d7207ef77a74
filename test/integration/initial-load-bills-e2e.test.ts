// Issue 13's "done when" for the bills in one run, against the NetSuite and Procurify sandboxes over
// HTTP and the local stack's workers: a company with a year of approved Procurify bills (two vendors,
// two lines each, tax, shipping) of which some were keyed by hand in NetSuite (same vendor, invoice
// number and total), some written by an older integration under its own external ids, and some of
// those paid in NetSuite. `apsync backfill --bills` is interrupted after its first batch (the bill
// list fails, shared/bills/backfill-bills.ts keeps its cursor per batch), then resumed: every bill is
// linked (matched, legacy) or written exactly once, no Vendor Bill twice, the resumed run reads only
// what the first did not finish, and the summary and `apsync status` count what happened.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillOutputSchema, statusOutputSchema } from '../../infra/cli/output-schemas.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import type { FaultDecision } from '../../infra/sandboxes/faults.ts';
import type { DemoSummary } from '../../infra/sandboxes/netsuite/index.ts';
import { formatMicros } from '../../infra/sandboxes/procurify/model.ts';
import {
  type BillBackfillCursor,
  billBackfillConfigName,
  loadSince,
} from '../../shared/bills/backfill-bills.ts';
import { billExternalId } from '../../shared/bills/bill-plan.ts';
import type { BillSyncSettingsInput } from '../../shared/bills/bill-sync-settings.ts';
import { changePaymentMode } from '../../shared/payment-mode.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { type CliFixture, type CliRun, publishForCli } from '../support/cli-in-process.ts';
import { settledState } from '../support/sync-outcome.ts';

let stack: LocalStack;
let fixture: CliFixture;
let state: DynamoStateStore;
let demo: DemoSummary;
const pc = { vendors: [] as number[], codes: [] as number[], department: 0 };

/** Bills of the year: 60, so the load's first batch (50) is stored before the list's last page. */
const billCount = 60;
const keyedByHand = new Set([2, 9, 16, 23, 30, 37, 44, 51, 58]);
const byOlderIntegration = new Set([5, 19, 33, 47, 55]);
const paidInNetSuite = new Set([9, 30, 19, 58]);
/** Awaiting approval or denied: read and counted once, never loaded (the 50th, at the cursor, among them). */
const notApproved = new Set([1, 4, 7, 10, 13, 22, 25, 28, 31, 34, 40, 43, 46, 49, 52]);
const billList = '/api/v3/ap/bills/';

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  demo = stack.netsuite.seedDemo({ vendors: 2, bills: 0, payments: 0 });
  const store = stack.procurify.store;
  const seattle = store.addLocation({ name: 'Seattle', headquarter: true, currency: 'USD' });
  pc.department = store.addDepartment({ name: 'Operations', branch: seattle.id }).id;
  for (const code of ['6100', '6110']) pc.codes.push(store.addAccountCode({ code, description: code }).id);
  for (const [i, name] of ['Cascade Office Supply', 'Northwind Traders Inc.'].entries()) {
    const vendor = store.addVendor({ name, currency: 'USD' }).id;
    pc.vendors.push(vendor);
    await state.link({
      kind: 'vendor',
      procurifyId: String(vendor),
      netsuiteId: demo.vendors[i]!,
      origin: 'created',
    });
  }
  const settings: BillSyncSettingsInput = {
    tax: { strategy: 'tax-lines', accounts: { GST: demo.taxAccounts.gstHst } },
    shipping: { mode: 'account', accountId: demo.freightAccount },
    costs: { mode: 'coded' },
    location: { byProcurifyLocation: { Seattle: demo.locations['Seattle HQ']! } },
    legacy: { externalIdPattern: '^LEGACY-([0-9a-f-]{36})$' },
  };
  await state.putConfig('bill-sync', settings);
  // Pull mode: the load lists the bills already paid in NetSuite (marked paid only with --mark-paid).
  await changePaymentMode(state, 'pull', 'test');
  // Pages of 20 (the sandbox caps page_size): the list's fourth request comes after the first batch.
  stack.procurify.setConfig({ maxPageSize: 20 });
  fixture = await publishForCli(stack, 'apsync-initial-load-e2e-');
});

afterAll(async () => {
  await fixture?.close();
  await stack?.stop();
});

/** `apsync <argv>` in-process against the published local stack. */
async function cli(argv: readonly string[]): Promise<CliRun> {
  return fixture.cli(argv);
}

const ref = (uuid: string) => ({ system: 'procurify' as const, kind: 'bill' as const, id: uuid });

interface SeededBill {
  index: number;
  uuid: string;
  invoice: string;
  vendor: string;
  /** The invoice total in cents: lines, 5 % GST on the first, shipping. */
  totalCents: number;
}

/** Bill `i` of the year: invoice date in month i % 12 before December 2026, two lines, tax, shipping. */
function procurifyBill(i: number): SeededBill {
  const vendor = i % 2;
  const invoice = `INV-${2000 + i}`;
  const month = new Date(Date.UTC(2025, 11 - (i % 12), 3 + (i % 20)));
  const invoiceDate = month.toISOString().slice(0, 10);
  const taxed = 100 + i;
  const untaxed = 20 + (i % 7);
  const bill = stack.procurify.createBill({
    vendor: pc.vendors[vendor]!,
    invoice_number: invoice,
    invoice_date: invoiceDate,
    due_date: invoiceDate,
    status: notApproved.has(i) ? (i % 2 === 0 ? 3 : 1) : 2,
    items: [
      {
        description: `Supplies ${i}`,
        amount: `${taxed}.00`,
        tax_name: 'GST',
        tax_percentage: '5',
        shipping_amount: '3.00',
        account_code: pc.codes[0]!,
        department: pc.department,
      },
      {
        description: `Service ${i}`,
        amount: `${untaxed}.00`,
        account_code: pc.codes[1]!,
        department: pc.department,
      },
    ],
  });
  // 5 % of a whole number of dollars is a whole number of cents.
  const totalCents = taxed * 100 + taxed * 5 + 300 + untaxed * 100;
  return { index: i, uuid: bill.uuid, invoice, vendor: demo.vendors[vendor]!, totalCents };
}

/** A Vendor Bill already in NetSuite before go-live, one expense line of the bill's total. */
function vendorBillInNetSuite(bill: SeededBill, fields: { tranId: string; externalId?: string }): string {
  const [id] = stack.netsuite.seed({
    records: {
      vendorBill: [
        {
          entity: { id: bill.vendor },
          tranDate: '2026-01-15',
          ...fields,
          expense: { items: [{ account: { id: demo.expenseAccounts[0] }, amount: bill.totalCents / 100 }] },
        },
      ],
    },
  }).created.vendorBill!;
  return id!;
}

function payInNetSuite(bill: SeededBill, netsuiteId: string): void {
  stack.netsuite.userCreate(
    'vendorPayment',
    {
      entity: { id: bill.vendor },
      account: { id: demo.bankAccounts[0] },
      tranDate: '2026-02-01',
      apply: { items: [{ doc: { id: netsuiteId }, apply: true, amount: bill.totalCents / 100 }] },
    },
    'paybills',
  );
}

const listRequests = () =>
  stack.procurify.requestLog().filter((entry) => entry.method === 'GET' && entry.path === billList);

describe('apsync backfill --bills on a company with a year of history on both sides', () => {
  it('links what exists, writes what is missing, duplicates nothing, and resumes an interrupted load after its last batch', async () => {
    const seeded: SeededBill[] = [];
    const existing = new Map<string, { netsuiteId: string; origin: 'matched' | 'legacy' }>();
    for (let i = 0; i < billCount; i++) {
      const bill = procurifyBill(i);
      seeded.push(bill);
      if (keyedByHand.has(i)) {
        existing.set(bill.uuid, {
          netsuiteId: vendorBillInNetSuite(bill, { tranId: bill.invoice }),
          origin: 'matched',
        });
      } else if (byOlderIntegration.has(i)) {
        const netsuiteId = vendorBillInNetSuite(bill, {
          tranId: `OLD-${bill.invoice}`,
          externalId: `LEGACY-${bill.uuid}`,
        });
        existing.set(bill.uuid, { netsuiteId, origin: 'legacy' });
      }
      if (paidInNetSuite.has(i)) payInNetSuite(bill, existing.get(bill.uuid)!.netsuiteId);
    }
    const vendorBillsBefore = stack.netsuite.store.list('vendorBill').length;
    const paymentsBefore = stack.netsuite.store.list('vendorPayment').length;
    const since = '2026-01-01';

    // The first run: the bill list fails (every retry) from its fifth request on — the count, three
    // full pages of 20, then the page after the 60th bill — after the batch of the first 50 was stored.
    const faults = stack.procurify.faults;
    const decide = faults.decide.bind(faults);
    let lists = 0;
    faults.decide = (method: string, path: string): FaultDecision => {
      if (method === 'GET' && path === billList && ++lists > 4) return { delayMs: 0, outcome: '500' };
      return decide(method, path);
    };
    let first: CliRun;
    try {
      first = await cli(['backfill', '--bills', '--since', since]);
    } finally {
      faults.decide = decide;
    }
    expect(first.code, first.out + first.err).not.toBe(0);
    const below50 = [...notApproved].filter((i) => i < 50).length;
    const interrupted = (await state.getConfig<BillBackfillCursor>(billBackfillConfigName))!;
    expect(interrupted).toMatchObject({
      status: 'running',
      phase: 'recent',
      counts: {
        recent: {
          scanned: 50,
          total: billCount,
          queued: 50 - below50,
          alreadyLinked: 0,
          notApproved: below50,
        },
      },
    });
    const fiftieth = stack.procurify.store.bills.get(seeded[49]!.uuid)!;
    expect(interrupted.resumeAfter).toBe(formatMicros(fiftieth.modified));
    // The bill read at exactly that time, so the resumed run (whose lower bound includes it) skips it.
    expect(interrupted.readAtResume).toEqual([seeded[49]!.uuid]);
    // Interrupted where meant: the count and three pages answered, then only failures.
    expect(listRequests().map((entry) => entry.status)).toEqual([
      200,
      200,
      200,
      200,
      ...Array(lists - 4).fill(500),
    ]);
    expect((await cli(['status'])).out).toContain(
      `initial load: running (bills (recent), 50 of ${billCount}: ${50 - below50} queued, 0 already linked, ${below50} not approved)`,
    );

    // The resumed run reads only from the stored cursor on: one count and one page (the 50th, skipped, 51-60).
    const readBefore = listRequests().length;
    const second = await cli(['backfill', '--bills', '--since', since, '--json']);
    expect(second.code, second.out + second.err).toBe(0);
    const resumedLists = listRequests().slice(readBefore);
    // The bill phase reads from the stored cursor (a count and one page); the paid-bill phase that
    // follows reads the whole window, from its start.
    const lowerBound = (query: string) => new URLSearchParams(query).get('last_modified_datetime_0');
    expect(resumedLists.slice(0, 2).map((entry) => lowerBound(entry.query))).toEqual([
      interrupted.resumeAfter,
      interrupted.resumeAfter,
    ]);
    expect(resumedLists.slice(2).map((entry) => lowerBound(entry.query))).not.toContain(
      interrupted.resumeAfter,
    );
    expect(lowerBound(resumedLists[2]!.query)).toBe(loadSince(since, new Date()));
    const output = backfillOutputSchema.parse(JSON.parse(second.out));
    // Every bill read and counted once, every approved bill queued once: the bill at the cursor (the 50th)
    // comes again (the list's lower bound is inclusive) but the cursor remembers it was read.
    const approved = billCount - notApproved.size;
    expect(output.enqueued).toMatchObject({ bill: approved, 'bill already linked': 0 });
    const done = (await state.getConfig<BillBackfillCursor>(billBackfillConfigName))!;
    expect(done).toMatchObject({
      status: 'done',
      startedAt: interrupted.startedAt,
      counts: {
        recent: {
          scanned: billCount,
          total: billCount,
          queued: approved,
          alreadyLinked: 0,
          notApproved: notApproved.size,
        },
      },
    });

    // Every bill linked to what exists or written once.
    const written: SeededBill[] = [];
    for (const bill of seeded) {
      if (notApproved.has(bill.index)) {
        expect(await state.read(ref(bill.uuid)), bill.invoice).toEqual([]);
        continue;
      }
      const outcome = await settledState(stack, state, ref(bill.uuid));
      const before = existing.get(bill.uuid);
      const link = await state.findBySource('procurify', 'bill', bill.uuid);
      if (before !== undefined) {
        expect(outcome, bill.invoice).toMatchObject({ status: 'skipped' });
        expect(link, bill.invoice).toMatchObject({ netsuiteId: before.netsuiteId, origin: before.origin });
      } else {
        expect(outcome, `${bill.invoice}: ${outcome?.message}`).toMatchObject({ status: 'synced' });
        expect(link, bill.invoice).toMatchObject({ origin: 'created' });
        written.push(bill);
      }
    }
    expect(written).toHaveLength(billCount - keyedByHand.size - byOlderIntegration.size - notApproved.size);

    // No Vendor Bill twice: one per external id, one per vendor and invoice number; each to the cent.
    const vendorBills = stack.netsuite.store.list('vendorBill');
    expect(vendorBills).toHaveLength(vendorBillsBefore + written.length);
    const tally = (key: (fields: Record<string, unknown>) => string) => {
      const counts = new Map<string, number>();
      for (const record of vendorBills)
        counts.set(key(record.fields), (counts.get(key(record.fields)) ?? 0) + 1);
      return [...counts.values()].filter((count) => count > 1);
    };
    expect(
      tally((fields) => String(fields.externalId ?? `none-${String(fields.tranId)}`).toLowerCase()),
    ).toEqual([]);
    expect(tally((fields) => `${JSON.stringify(fields.entity)}|${String(fields.tranId)}`)).toEqual([]);
    for (const bill of written) {
      const [record] = vendorBills.filter(
        (entry) => String(entry.fields.externalId).toLowerCase() === billExternalId(bill.uuid),
      );
      expect(record?.fields, bill.invoice).toMatchObject({ tranId: bill.invoice });
      // The sandbox keeps a bill's total in cents (infra/sandboxes/netsuite/bills.ts).
      expect(record?.fields.total, bill.invoice).toBe(bill.totalCents);
    }
    expect(stack.netsuite.store.list('vendorPayment')).toHaveLength(paymentsBefore);

    // The bills paid in NetSuite before go-live are listed, not marked paid in Procurify.
    const paid = seeded.filter((bill) => paidInNetSuite.has(bill.index));
    expect(output.paidBills).toMatchObject({
      marked: false,
      counts: { paidInNetSuite: paid.length, listed: paid.length, marked: 0 },
    });
    expect(output.paidBills?.listed.map((entry) => entry.billUuid).sort()).toEqual(
      paid.map((bill) => bill.uuid).sort(),
    );
    for (const bill of paid) expect(stack.procurify.store.bills.get(bill.uuid)).toMatchObject({ status: 2 });

    const status = statusOutputSchema.parse(JSON.parse((await cli(['status', '--json'])).out));
    expect(status.initialLoad).toMatchObject({ state: 'done' });
  });
});
