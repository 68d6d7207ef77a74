// A small world for the bill use cases: Procurify with one approved bill of a linked vendor, NetSuite
// with the records that bill needs (subsidiary, vendor, USD, the Net 30 term, accounts 6100 and 6200,
// the Marketing and Operations departments), the state store and the bill queue — all in memory.

import type { ApBill } from '../../../shared/ap/bill.ts';
import type { BillSyncSettingsInput } from '../../../shared/bills/bill-sync-settings.ts';
import { billSyncConfigName } from '../../../shared/bills/bill-sync-settings.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import { toApBill } from '../../../shared/procurify/ap-records.ts';
import type { ProcurifyBill, ProcurifyBillItem } from '../../../shared/procurify/schemas.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

export const billUuid = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b';
export const otherUuid = '9e1d2c3b-4a5f-4e6d-8c7b-0a1b2c3d4e5f';

const departments: Record<number, [string, string]> = {
  3: ['Marketing', 'Vancouver'],
  4: ['Operations', 'Seattle'],
};

export function allocation(id: number, amount: string, code: string, department: number) {
  const [name, location] = departments[department]!;
  return {
    id,
    amount,
    budget: {
      account_code: { id: Number(code), code, description: `Account ${code}` },
      department: { id: department, name, external_id: null, branch: { id: department, name: location } },
    },
  };
}

export function billItem(overrides: Partial<ProcurifyBillItem> = {}): ProcurifyBillItem {
  return {
    id: 1,
    description: 'Paper',
    quantity: null,
    unit_cost: null,
    bill_by_cost: true,
    tax_name: null,
    tax_percentage: null,
    tax_amount: null,
    tax_is_inclusive: null,
    total_cost_with_tax: null,
    shipping_amount: null,
    custom_fields: [],
    total_cost: '100.50',
    cost_allocations: [allocation(11, '100.50', '6100', 3)],
    ...overrides,
  };
}

export function procurifyBill(overrides: Partial<ProcurifyBill> = {}): ProcurifyBill {
  return {
    id: 42,
    uuid: billUuid,
    status: 2,
    last_modified_datetime: '2026-11-01T10:00:00.123456Z',
    vendor: { id: 7, name: 'Northwind Paper Co', external_id: null },
    currency: { id: 1, name: 'USD' },
    invoice_number: 'INV-1001',
    invoice_date: '2026-10-27T00:00:00Z',
    due_date: '2026-11-26T00:00:00Z',
    payment_terms: 'Net 30',
    total_cost: '100.50',
    tax_amount: null,
    shipping_amount: null,
    total_cost_with_tax: null,
    group: null,
    note: '',
    items: [billItem()],
    costs: [],
    invoice_attachments: [],
    bill_payment: null,
    ...overrides,
  };
}

/** The world bill as the use cases take it: Procurify's answer mapped by the adapter's own mapping. */
export const apBill = (overrides: Partial<ProcurifyBill> = {}): ApBill => toApBill(procurifyBill(overrides));

export function pdf(uuid: string, name = 'invoice.pdf', mimetype: string | null = 'application/pdf') {
  return { uuid, file: `https://files.example/${uuid}`, name, mimetype, length: 4, sha1_hash: null };
}

export class BillWorld {
  readonly clock = new ManualClock();
  readonly state = new InMemoryStateStore(this.clock.now);
  readonly netsuite = new InMemoryNetSuite({
    subsidiaries: [{ id: '1', name: 'Northwind US', inactive: false }],
    vendors: [{ id: '101', subsidiary: '1', currency: '1', inactive: false }],
    currencies: [{ id: '1', code: 'USD', precision: 2 }],
    terms: [{ id: '4', name: 'Net 30', inactive: false }],
    accounts: [
      { id: '61', acctnumber: '6100', inactive: false, subsidiaries: [], includeChildren: false },
      { id: '62', acctnumber: '6200', inactive: false, subsidiaries: [], includeChildren: false },
    ],
    departments: [
      { id: '30', name: 'Marketing', inactive: false, subsidiaries: [], includeChildren: false },
      { id: '40', name: 'Operations', inactive: false, subsidiaries: [], includeChildren: false },
    ],
  });
  readonly procurify = new InMemoryProcurify();
  readonly bills = new InMemoryQueue<BillMessage>();

  constructor() {
    this.netsuite.folders.add('77');
  }

  /** Links Procurify vendor 7 to NetSuite vendor 101 (what the master-data sync did before). */
  async linkVendor(): Promise<void> {
    await this.state.link({ kind: 'vendor', netsuiteId: '101', procurifyId: '7', origin: 'created' });
  }

  async configure(settings: BillSyncSettingsInput): Promise<void> {
    await this.state.putConfig(billSyncConfigName, settings);
  }

  syncDeps(options: { fileCabinet?: boolean } = {}) {
    return {
      procurify: this.procurify,
      netsuite: this.netsuite,
      lookups: this.netsuite,
      state: this.state,
      ...(options.fileCabinet === false ? {} : { fileCabinet: this.netsuite }),
    };
  }

  message(origin: BillMessage['origin'] = 'poll', uuid = billUuid): BillMessage {
    return { kind: 'bill', origin, billUuid: uuid, enqueuedAt: this.clock.iso() };
  }

  async steps(uuid = billUuid): Promise<string[]> {
    return (await this.state.read({ system: 'procurify', kind: 'bill', id: uuid })).map(
      (entry) => entry.step,
    );
  }
}
