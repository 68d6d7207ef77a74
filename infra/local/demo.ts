// The demo company of local mode, consistent on both sides: the NetSuite sandbox holds the chart of
// accounts, departments and vendors; apsync's own backfill brings them to Procurify (so they are
// linked, as after a real first run); the bill-sync configuration maps tax, shipping, classes, a custom
// segment and line fields to the demo's NetSuite records, with invoice files stored in its File Cabinet
// folder; then Procurify gets real AP bills coded with those account codes and departments — several
// lines, exclusive and inclusive tax at several rates, shipping, freight costs, a region custom field,
// some with an invoice PDF — some approved (they become Vendor Bills), some waiting for approval (for
// the walkthrough).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { billSyncConfigName, parseBillSyncSettings } from '../../shared/bills/bill-sync-settings.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { createNetSuiteClient } from '../../shared/netsuite/index.ts';
import { backfillMasterData, suiteQlMasterRecordChanges } from '../../shared/netsuite-poll/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import type { NetSuiteSandbox } from '../sandboxes/netsuite/index.ts';
import type { ProcurifySandbox } from '../sandboxes/procurify/index.ts';
import { invoicePdf } from '../sandboxes/procurify/invoice-pdf.ts';
import type { AwsEmulators } from './aws/index.ts';

export interface DemoCompany {
  /** Procurify bills by state, for the walkthrough. */
  approvedBills: string[];
  billsAwaitingApproval: string[];
  /** GL codes of the Procurify payment methods: one matches a NetSuite bank account, one does not. */
  paymentMethods: { matched: string; unmatched: string };
}

export async function seedDemoCompany(
  aws: AwsEmulators,
  netsuite: NetSuiteSandbox,
  procurify: ProcurifySandbox,
  timeoutMs = 60_000,
): Promise<DemoCompany> {
  const summary = netsuite.seedDemo();
  const bank = netsuite.record('account', summary.bankAccounts[0] ?? '');
  const matched = typeof bank?.acctNumber === 'string' ? bank.acctNumber : '1000';
  procurify.store.addLocation({ name: 'Head Office', headquarter: true, currency: 'USD' });
  procurify.store.addPaymentMethod({ name: 'Operating account (ACH)', type: 2, gl_code: matched });
  procurify.store.addPaymentMethod({ name: 'Corporate card', type: 0, gl_code: '9999' });

  // apsync's own backfill (the same use case `apsync backfill` runs) through the running inbound worker.
  const client = createNetSuiteClient({
    ...netsuite.credentials,
    baseUrl: netsuite.url,
    concurrencyShare: 2,
  });
  const queue = new SqsQueuePublisher<InboundMessage>(
    new SQSClient(aws.clientConfig('sqs')),
    aws.queueUrls.inbound,
  );
  const enqueued = await backfillMasterData(
    { changes: suiteQlMasterRecordChanges(client.suiteQl), queue },
    {},
  );
  const total = Object.values(enqueued).reduce((sum, count) => sum + (count ?? 0), 0);
  const state = new DynamoStateStore(
    new DynamoDBClient(aws.clientConfig('dynamodb')),
    aws.names.tables.state,
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const settled = await countSettled(state);
    if (settled >= total) break;
    if (Date.now() > deadline)
      throw new Error(`demo: only ${settled} of ${total} master records synced in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const link = async (kind: 'vendor' | 'account' | 'department', id: string) =>
    (await state.findBySource('netsuite', kind, id))?.procurifyId;
  const vendors: number[] = [];
  for (const id of summary.vendors) {
    const procurifyId = await link('vendor', id);
    const record = netsuite.record('vendor', id);
    if (procurifyId !== undefined && record?.isInactive !== true) vendors.push(Number(procurifyId));
  }
  const accounts: number[] = [];
  for (const id of summary.expenseAccounts) {
    const procurifyId = await link('account', id);
    if (procurifyId !== undefined) accounts.push(Number(procurifyId));
  }
  const departments: number[] = [];
  for (const id of summary.departments) {
    const procurifyId = await link('department', id);
    if (procurifyId !== undefined) departments.push(Number(procurifyId));
  }
  if (vendors.length === 0 || accounts.length === 0 || departments.length === 0) {
    throw new Error('demo: the backfill linked no vendors, accounts or departments');
  }

  // The bill-sync configuration for the demo company (README "Bill settings"; `apsync bills config get`).
  const billSettings = {
    tax: {
      strategy: 'tax-lines',
      accounts: { GST: summary.taxAccounts.gstHst, HST: summary.taxAccounts.gstHst },
      defaultAccountId: summary.taxAccounts.pst,
    },
    shipping: { mode: 'account', accountId: summary.freightAccount },
    costs: { mode: 'coded' },
    class: { byDepartment: {}, defaultId: summary.classes.Services },
    customFields: [
      {
        field: summary.segment.id,
        from: { lineField: 'Region' },
        values: { 'Pacific Northwest': summary.segment.values['Pacific Northwest'] },
      },
      { field: 'custcol_procurify_quantity', from: { lineValue: 'quantity' } },
      { field: 'custcol_procurify_unit_cost', from: { lineValue: 'unitCost' } },
    ],
    attachments: { folderId: summary.attachmentFolder },
  };
  parseBillSyncSettings(billSettings);
  await state.putConfig(billSyncConfigName, billSettings);

  const approvedBills: string[] = [];
  const billsAwaitingApproval: string[] = [];
  const today = new Date().toISOString().slice(0, 10);
  const taxes = [
    { tax_name: 'WA Sales Tax', tax_percentage: '8.875' },
    { tax_name: 'GST', tax_percentage: '5', tax_is_inclusive: true },
    { tax_name: 'HST', tax_percentage: '13', tax_is_inclusive: true },
    {},
  ];
  const region = [{ field: 'Region', value: 'Pacific Northwest' }];
  for (let i = 0; i < 12; i++) {
    const vendor = vendors[i % vendors.length]!;
    const invoice = `INV-${1000 + i}`;
    const bill = procurify.createBill({
      vendor, // the bill takes the vendor's currency, as NetSuite requires
      invoice_number: invoice,
      invoice_date: today,
      due_date: today,
      items: [
        {
          description: `Copy paper, case (demo ${i + 1})`,
          quantity: String(2 + (i % 4)),
          unit_cost: `${24 + i}.99`,
          ...taxes[i % taxes.length],
          ...(i % 3 === 0 ? { shipping_amount: '12.50' } : {}),
          custom_fields: region,
          account_code: accounts[i % accounts.length]!,
          department: departments[i % departments.length]!,
        },
        {
          description: `Software seat (demo ${i + 1})`,
          amount: `${40 + i}.25`,
          bill_by_cost: true,
          ...taxes[(i + 1) % taxes.length],
          custom_fields: region,
          cost_allocations: [
            {
              account_code: accounts[(i + 3) % accounts.length]!,
              department: departments[(i + 1) % departments.length]!,
              amount: '20.00',
            },
            {
              account_code: accounts[(i + 3) % accounts.length]!,
              department: departments[(i + 2) % departments.length]!,
            },
          ],
        },
        {
          description: `Desk lamp (demo ${i + 1})`,
          amount: `${15 + i}.10`,
          ...taxes[(i + 2) % taxes.length],
          account_code: accounts[(i + 5) % accounts.length]!,
          department: departments[i % departments.length]!,
        },
      ],
      costs:
        i % 4 === 1
          ? [
              {
                name: 'Freight',
                amount: '18.00',
                account_code: accounts[(i + 1) % accounts.length]!,
                department: departments[0]!,
              },
            ]
          : [],
      invoice_attachments:
        i % 2 === 0
          ? [
              {
                name: `${invoice}.pdf`,
                content: invoicePdf([`Invoice ${invoice}`, `Demo vendor ${vendor}`]).toString('base64'),
              },
            ]
          : [],
    });
    if (i < 8) {
      procurify.approveBill(bill.uuid);
      approvedBills.push(bill.uuid);
    } else {
      billsAwaitingApproval.push(bill.uuid);
    }
  }
  return { approvedBills, billsAwaitingApproval, paymentMethods: { matched, unmatched: '9999' } };
}

async function countSettled(state: DynamoStateStore): Promise<number> {
  let settled = 0;
  for (const kind of ['vendor', 'account', 'department'] as const) {
    for (const status of ['synced', 'unchanged', 'skipped', 'review', 'failed'] as const) {
      settled += (await state.listByStatus(kind, status)).length;
    }
  }
  return settled;
}
