// The demo company of local mode, consistent on both sides: the NetSuite sandbox holds the chart of
// accounts, departments and vendors; apsync's own backfill brings them to Procurify (so they are
// linked, as after a real first run); then Procurify gets bills coded with those account codes and
// departments — some approved (they become Vendor Bills), some waiting for approval (for the walkthrough).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { createNetSuiteClient } from '../../shared/netsuite/index.ts';
import { backfillMasterData } from '../../shared/netsuite-poll/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import type { NetSuiteSandbox } from '../sandboxes/netsuite/index.ts';
import type { ProcurifySandbox } from '../sandboxes/procurify/index.ts';
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
  const enqueued = await backfillMasterData({ suiteQl: client.suiteQl, queue }, {});
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

  const approvedBills: string[] = [];
  const billsAwaitingApproval: string[] = [];
  const today = new Date().toISOString().slice(0, 10);
  for (let i = 0; i < 12; i++) {
    const vendor = vendors[i % vendors.length]!;
    const bill = procurify.createBill({
      vendor, // the bill takes the vendor's currency, as NetSuite requires
      invoice_number: `INV-${1000 + i}`,
      invoice_date: today,
      due_date: today,
      items: [
        {
          description: `Demo line ${i + 1}a`,
          amount: `${100 + i * 15}.50`,
          account_code: accounts[i % accounts.length]!,
          department: departments[i % departments.length]!,
        },
        {
          description: `Demo line ${i + 1}b`,
          amount: `${40 + i}.25`,
          account_code: accounts[(i + 3) % accounts.length]!,
          department: departments[(i + 1) % departments.length]!,
        },
      ],
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
