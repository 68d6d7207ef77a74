// The company the soak works on, and what the driver did to it: the NetSuite chart of accounts,
// departments and vendors (seeded, then brought to Procurify by apsync's own backfill, as on a first
// run), the Procurify location and payment methods, and a record of every vendor, account, department,
// bill and payment the operations created or changed, which the invariant checks read at the end.
// Bills are real AP bills: USD or CAD (every vendor takes both), taxed lines, shipping, bill-level
// costs and invoice PDFs; the NetSuite side has the tax, freight and CAD bank accounts and the File
// Cabinet folder the bill-sync settings (set here, as an operator would) point at.
// Used by operation-mix.ts (the operations), invariants.ts (the checks) and run-soak.ts (setup).
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { type BillSyncSettingsInput, billSyncConfigName } from '../../shared/bills/bill-sync-settings.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { createNetSuiteClient } from '../../shared/netsuite/index.ts';
import { backfillMasterData, suiteQlMasterRecordChanges } from '../../shared/netsuite-poll/index.ts';
import type { SoakEnvironment } from './soak-environment.ts';

export type MasterKind = 'vendor' | 'account' | 'department';

/**
 * `trading` records code bills (renamed only, never deactivated, so bills stay valid); `churn` records
 * are created, renamed, deactivated, reactivated, renumbered and deleted; a `reserved` record is left
 * alone by the operations for one change at a known moment (the vendor deleted without a notice once
 * everything settled, which only the final reconcile can then deactivate).
 */
export type Pool = 'trading' | 'churn' | 'reserved';

export interface MasterRecord {
  kind: MasterKind;
  netsuiteId: string;
  pool: Pool;
  name: string;
  /** Accounts: the Number. */
  number?: string;
  inactive: boolean;
  deleted: boolean;
  /** Operation index that created it (-1: seeded before the run). */
  createdAt: number;
  /** Changes made while the webhook was off (the NetSuite poll must bring them). */
  lostNotices: number;
  /** The delete's notice was lost: SuiteQL does not show deletes, so nothing can bring it. */
  deleteNoticeLost: boolean;
  /** Vendors: renamed by hand in Procurify (drift only the reconcile finds; it re-syncs the name). */
  renamedInProcurify?: boolean;
}

export type SoakCurrency = 'USD' | 'CAD';

/** A line's tax (the rates of the bill's country). */
export interface SoakTax {
  name: string;
  percentage: string;
  inclusive: boolean;
}

export interface SoakLine {
  /** The amount entered: net of tax, or with the tax in it (inclusive). */
  amountCents: number;
  tax?: SoakTax;
  shippingCents?: number;
  /** They add up to the line's net of tax. */
  allocations: Array<{ accountCode: number; department: number; amountCents: number }>;
}

export interface SoakCost {
  name: string;
  amountCents: number;
  accountCode: number;
  department: number;
}

export interface SoakBill {
  uuid: string;
  vendorNetSuiteId: string;
  procurifyVendor: number;
  currency: SoakCurrency;
  lines: SoakLine[];
  costs: SoakCost[];
  /** Invoice files (one PDF, or none). */
  attachments: number;
  /** What the vendor is owed (Procurify's invoice_total): lines with tax and shipping, and costs. */
  totalCents: number;
  /**
   * The Vendor Bill's expense lines with the bill-sync settings set here: per line, one per allocation,
   * one tax share and one shipping share per allocation when it has them; one per bill-level cost.
   */
  expenseLines: number;
  /** Approved (directly, or by a later operation); pending bills must never reach NetSuite. */
  approved: boolean;
  approvedAt: number;
  /** Coded with an account code NetSuite does not have (parked for review until it does). */
  orphanCode?: string;
  editedAt: number;
  edits: number;
  /** Paid from Procurify (push or pull phase) or in NetSuite (pull phase). */
  paidBy?: { kind: 'procurify'; paymentId: number } | { kind: 'netsuite'; vendorPaymentId: string };
  /**
   * Its Vendor Bill changed by a NetSuite user once apsync wrote it (the bill is then left alone):
   * `edited` — a line added, so the total and lines are the edit's, which apsync must never overwrite;
   * `deleted` — the final `reconcile --fix` must send the bill again.
   */
  handEdit?:
    | { kind: 'edited'; netsuiteBillId: string; totalCents: number; expenseLines: number }
    | { kind: 'deleted'; netsuiteBillId: string };
}

export type PaymentIntent =
  /** Ordinary: exactly one Vendor Payment expected. */
  | 'normal'
  /** Paid with a method whose GL code no NetSuite account has: "Payment account not found". */
  | 'unmatchedAccount'
  /** Over a bill parked for review: "Bill not synced" (or pushed if the mapping arrived first). */
  | 'parkedBill'
  /** Recorded in pull mode: never pushed. */
  | 'pullMode';

export interface SoakPayment {
  id: number;
  intent: PaymentIntent;
  bills: Array<{ uuid: string; amountCents: number }>;
  totalCents: number;
  /** `approved` until a later operation marks it paid (only paid payments are pushed). */
  status: 'paid' | 'approved';
  recordedAt: number;
  phase: 'push' | 'pull';
  /** Its Vendor Payment, voided by a NetSuite user after apsync pushed it (reported, never re-pushed). */
  voidedInNetSuite?: string;
}

export interface NetSuiteUserPayment {
  vendorPaymentId: string;
  tranDate: string;
  bills: Array<{ uuid: string; netsuiteBillId: string; amountCents: number; paysInFull: boolean }>;
}

export interface SoakCompany {
  currencyId: string;
  /** NetSuite currency ids by ISO code. */
  currencies: Record<SoakCurrency, string>;
  subsidiaryId: string;
  bankAccountId: string;
  /** The NetSuite bank accounts payments leave from, by currency. */
  bankAccounts: Record<SoakCurrency, string>;
  /** GL code of the payment method NetSuite knows, and of the one it does not. */
  matchedMethod: number;
  unmatchedMethod: number;
  /** The Procurify payment methods whose GL codes are NetSuite bank accounts, by currency. */
  matchedMethods: Record<SoakCurrency, number>;
  locationId: number;
  masters: Map<string, MasterRecord>;
  bills: Map<string, SoakBill>;
  payments: Map<number, SoakPayment>;
  netsuitePayments: NetSuiteUserPayment[];
  /** Procurify-only account codes: code → Procurify id (and the NetSuite account once created). */
  orphanCodes: Map<string, { procurifyId: number; netsuiteAccount?: string }>;
  counters: { vendor: number; account: number; department: number; invoice: number; orphan: number };
  /** When the payment mode went to pull (operation index), if it did. */
  pullFrom?: number;
  /**
   * The link apsync's state table was made to get wrong once everything settled (the crash-test finding
   * of issue 14): bill `uuid`'s link named Vendor Bill `namedBill`, the Vendor Bill of bill `ownerUuid`.
   */
  wrongLink?: { uuid: string; ownBill: string; namedBill: string; ownerUuid: string };
}

export const masterKey = (kind: MasterKind, netsuiteId: string): string => `${kind}:${netsuiteId}`;

export interface CompanySize {
  tradingVendors: number;
  codingAccounts: number;
  codingDepartments: number;
}

/** Seeds both sides, runs the backfill and waits until every master record is linked. */
export async function setUpCompany(
  env: SoakEnvironment,
  size: CompanySize,
  timeoutMs = 120_000,
): Promise<SoakCompany> {
  const { netsuite, procurify } = env;
  const [currencyId, cadId] = netsuite.seed({
    records: {
      currency: [
        { name: 'US Dollar', symbol: 'USD', isBaseCurrency: true },
        { name: 'Canadian Dollar', symbol: 'CAD', exchangeRate: 0.73 },
      ],
    },
  }).created.currency! as [string, string];
  const subsidiaryId = netsuite.seed({
    records: { subsidiary: [{ name: 'Soak Holdings Inc.', currency: { id: currencyId } }] },
  }).created.subsidiary![0]!;
  const company: SoakCompany = {
    currencyId,
    currencies: { USD: currencyId, CAD: cadId },
    subsidiaryId,
    bankAccountId: '',
    bankAccounts: { USD: '', CAD: '' },
    matchedMethod: 0,
    unmatchedMethod: 0,
    matchedMethods: { USD: 0, CAD: 0 },
    locationId: 0,
    masters: new Map(),
    bills: new Map(),
    payments: new Map(),
    netsuitePayments: [],
    orphanCodes: new Map(),
    counters: { vendor: 0, account: 0, department: 0, invoice: 0, orphan: 0 },
  };
  const seeded = netsuite.seed({
    records: {
      account: [
        {
          acctNumber: '1000',
          acctName: 'Operating Checking',
          acctType: 'Bank',
          currency: { id: currencyId },
          subsidiary: { items: [{ id: subsidiaryId }] },
        },
        { acctNumber: '2000', acctName: 'Accounts Payable', acctType: 'AcctPay' },
        ...Array.from({ length: size.codingAccounts }, (_, index) => ({
          acctNumber: String(6100 + index * 10),
          acctName: `Coding Expense ${index + 1}`,
          acctType: 'Expense',
        })),
      ],
      department: Array.from({ length: size.codingDepartments }, () => ({
        name: departmentName(company),
      })),
      // The trading vendors, then the reserved one (Pool).
      vendor: Array.from({ length: size.tradingVendors + 1 }, () => vendorBody(company)),
    },
  }).created;
  const accounts = seeded.account ?? [];
  company.bankAccountId = accounts[0]!;
  company.bankAccounts.USD = accounts[0]!;
  for (const [index, id] of accounts.entries()) {
    const fields = netsuite.store.get('account', id)?.fields ?? {};
    company.masters.set(masterKey('account', id), {
      kind: 'account',
      netsuiteId: id,
      pool: index >= 2 ? 'trading' : 'churn',
      name: String(fields.acctName),
      number: String(fields.acctNumber),
      inactive: false,
      deleted: false,
      createdAt: -1,
      lostNotices: 0,
      deleteNoticeLost: false,
    });
  }
  for (const id of seeded.department ?? []) {
    company.masters.set(masterKey('department', id), {
      kind: 'department',
      netsuiteId: id,
      pool: 'trading',
      name: String(netsuite.store.get('department', id)?.fields.name),
      inactive: false,
      deleted: false,
      createdAt: -1,
      lostNotices: 0,
      deleteNoticeLost: false,
    });
  }
  for (const [index, id] of (seeded.vendor ?? []).entries()) {
    company.masters.set(masterKey('vendor', id), {
      kind: 'vendor',
      netsuiteId: id,
      pool: index < size.tradingVendors ? 'trading' : 'reserved',
      name: String(netsuite.store.get('vendor', id)?.fields.companyName),
      inactive: false,
      deleted: false,
      createdAt: -1,
      lostNotices: 0,
      deleteNoticeLost: false,
    });
  }

  // What real AP bills need on the NetSuite side: a CAD bank account, tax and freight accounts (never
  // used to code bills, never churned) and the File Cabinet folder for invoice files.
  const apAccounts = netsuite.seed({
    records: {
      account: [
        {
          acctNumber: '1050',
          acctName: 'CAD Operating',
          acctType: 'Bank',
          currency: { id: cadId },
          subsidiary: { items: [{ id: subsidiaryId }] },
        },
        { acctNumber: '2200', acctName: 'GST/HST Receivable', acctType: 'OthCurrAsset' },
        { acctNumber: '2210', acctName: 'Sales Tax Receivable', acctType: 'OthCurrAsset' },
        { acctNumber: '5100', acctName: 'Freight In', acctType: 'COGS' },
      ],
    },
  }).created.account!;
  const [cadBank, gstHst, salesTax, freight] = apAccounts as [string, string, string, string];
  company.bankAccounts.CAD = cadBank;
  for (const id of apAccounts) {
    const fields = netsuite.store.get('account', id)?.fields ?? {};
    company.masters.set(masterKey('account', id), {
      kind: 'account',
      netsuiteId: id,
      pool: 'churn',
      name: String(fields.acctName),
      number: String(fields.acctNumber),
      inactive: false,
      deleted: false,
      createdAt: -1,
      lostNotices: 0,
      deleteNoticeLost: false,
    });
  }
  const folderId = netsuite.seed({ records: { folder: [{ name: 'Procurify Invoices' }] } }).created
    .folder![0]!;

  const store = procurify.store;
  company.locationId = store.addLocation({ name: 'Head Office', headquarter: true, currency: 'USD' }).id;
  company.matchedMethod = store.addPaymentMethod({
    name: 'Operating account (ACH)',
    type: 2,
    gl_code: '1000',
  }).id;
  company.matchedMethods.USD = company.matchedMethod;
  company.matchedMethods.CAD = store.addPaymentMethod({
    name: 'CAD account (EFT)',
    type: 3,
    gl_code: '1050',
    currency: 'CAD',
  }).id;
  company.unmatchedMethod = store.addPaymentMethod({ name: 'Old wire account', type: 4, gl_code: '9999' }).id;

  // The bill-sync settings an operator sets (`apsync bills config set`): tax as lines to the tax
  // accounts, shipping to Freight In, costs as Procurify coded them, invoice files to the folder.
  const settings: BillSyncSettingsInput = {
    tax: {
      strategy: 'tax-lines',
      accounts: { GST: gstHst, HST: gstHst, 'CA Sales Tax': salesTax, 'NY Sales Tax': salesTax },
    },
    shipping: { mode: 'account', accountId: freight },
    costs: { mode: 'coded' },
    attachments: { folderId },
  };
  await env.state().putConfig(billSyncConfigName, settings);

  // apsync's own backfill (`apsync backfill`), through the running inbound worker.
  const client = createNetSuiteClient({
    ...netsuite.credentials,
    baseUrl: netsuite.url,
    concurrencyShare: 2,
  });
  const stack = env.stack();
  const sqs = new SQSClient(stack.aws.clientConfig('sqs'));
  try {
    const queue = new SqsQueuePublisher<InboundMessage>(sqs, stack.aws.queueUrls.inbound);
    await backfillMasterData({ changes: suiteQlMasterRecordChanges(client.suiteQl), queue }, {});
  } finally {
    sqs.destroy();
  }
  const deadline = Date.now() + timeoutMs;
  for (const record of company.masters.values()) {
    for (;;) {
      if (await env.state().findBySource('netsuite', record.kind, record.netsuiteId)) break;
      if (Date.now() > deadline) {
        throw new Error(`soak setup: NetSuite ${record.kind} ${record.netsuiteId} was not linked in time`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return company;
}

export function vendorName(company: SoakCompany): string {
  company.counters.vendor += 1;
  return `Soak Vendor ${String(company.counters.vendor).padStart(5, '0')}`;
}

export function departmentName(company: SoakCompany): string {
  company.counters.department += 1;
  return `Soak Department ${String(company.counters.department).padStart(5, '0')}`;
}

/** A new account Number: 70001 upwards, never reused (renumbering takes a new one too). */
export function accountNumber(company: SoakCompany): string {
  company.counters.account += 1;
  return String(70_000 + company.counters.account);
}

export function vendorBody(company: SoakCompany, name = vendorName(company)): Record<string, unknown> {
  return {
    companyName: name,
    entityId: name,
    email: emailOf(name, 0),
    subsidiary: { id: company.subsidiaryId },
    currency: { id: company.currencyId },
    // Every supplier also invoices in Canadian dollars.
    currencyList: { items: [{ currency: { id: company.currencies.CAD } }] },
  };
}

export const emailOf = (name: string, version: number): string =>
  `ap${version === 0 ? '' : `-${version}`}@${name.toLowerCase().replaceAll(' ', '-')}.example.com`;

/** Today as NetSuite and Procurify dates are written. */
export const today = (): string => new Date().toISOString().slice(0, 10);
