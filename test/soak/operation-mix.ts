// The soak's operations, chosen by a seeded PRNG: what NetSuite and Procurify users do all day —
// vendor, account and department changes in NetSuite (some with their notice lost or delivered twice),
// approved bills, edits, bills coded with an account NetSuite lacks, payments over one to three bills
// (push mode) and bills paid in NetSuite (pull mode) — plus lost Procurify answers after a write, and
// drift only the final reconcile can find (final-reconcile.ts): vendors and accounts deleted in NetSuite
// with their delete notice lost, Procurify vendors renamed by hand, and NetSuite users' hand edits of
// what apsync wrote — a Vendor Bill edited (a line added) or deleted, a pushed Vendor Payment voided —
// through the NetSuite sandbox's user changes (its admin API: what a NetSuite user does in the UI). Once
// everything settled (`driftAtRest`), a reserved vendor is deleted with its notice lost, so that only the
// reconcile can deactivate it, one bill's link is made to name another bill's Vendor Bill (the
// crash-test finding of issue 14), and each lost delete notice and hand edit the run could not make
// (no record was ready in time) is made, so every run gives the final reconcile every kind to close.
// Bills are real AP bills: USD or CAD, lines taxed inclusive or exclusive (5, 7.25, 8.875, 13 %), by
// quantity or by cost, some with shipping or custom fields, split over departments, some with freight
// or handling costs and an invoice PDF; their own PRNG (`rich`) draws these, so the operations the seed
// chooses stay the same. The kinds and amounts come from the seed; a bill is paid, or a vendor billed,
// only once apsync has synced it, so which ones are picked depends on timing too (the driver never
// waits: `notReady` counts the records it looked at too early) — except at the end of a phase that paid
// nothing yet: `surelyPaid` then waits for a synced bill, so every run does the work of both modes.
import type { NoticeEventType } from '../../infra/sandboxes/netsuite/index.ts';
import type { RecordType } from '../../infra/sandboxes/netsuite/record-types.ts';
import type { BillInput, BillRecord } from '../../infra/sandboxes/procurify/index.ts';
import { invoicePdfBase64 } from '../../infra/sandboxes/procurify/invoice-pdf.ts';
import { lineTaxSplit } from '../../infra/sandboxes/procurify/model.ts';
import type { NoticeDuplicates } from './notice-duplicates.ts';
import {
  accountNumber,
  departmentName,
  emailOf,
  type MasterKind,
  type MasterRecord,
  masterKey,
  type PaymentIntent,
  type Pool,
  type SoakBill,
  type SoakCompany,
  type SoakCost,
  type SoakCurrency,
  type SoakLine,
  type SoakTax,
  today,
  vendorBody,
  vendorName,
} from './soak-company.ts';
import type { SoakEnvironment } from './soak-environment.ts';

export const operationKinds = [
  'vendor.create',
  'vendor.rename',
  'vendor.deactivate',
  'vendor.reactivate',
  'vendor.delete',
  'vendor.deleteNoticeLost',
  'vendor.renameInProcurify',
  'account.create',
  'account.rename',
  'account.renumber',
  'account.deactivate',
  'account.reactivate',
  'account.delete',
  'account.deleteNoticeLost',
  'department.create',
  'department.rename',
  'department.deactivate',
  'department.reactivate',
  'department.delete',
  'bill.create',
  'bill.createPending',
  'bill.approve',
  'bill.edit',
  'bill.orphanCode',
  'orphanCode.resolve',
  'payment',
  'payment.approvedOnly',
  'payment.markPaid',
  'payment.unmatchedAccount',
  'payment.parkedBill',
  'netsuite.payBills',
  'payment.inPullMode',
  'bill.editInNetSuite',
  'bill.deleteInNetSuite',
  'payment.voidInNetSuite',
  // Only at rest (driftAtRest), never drawn:
  'vendor.deleteNoticeLostAtRest',
  'bill.wrongLink',
] as const;
export type OperationKind = (typeof operationKinds)[number];

export type Phase = 'push' | 'pull';

const masterWeights: Partial<Record<OperationKind, number>> = {
  'vendor.create': 5,
  'vendor.rename': 6,
  'vendor.deactivate': 2,
  'vendor.reactivate': 1,
  'vendor.delete': 0.7,
  'vendor.deleteNoticeLost': 0.7,
  'vendor.renameInProcurify': 1,
  'account.create': 3,
  'account.rename': 3,
  'account.renumber': 1,
  'account.deactivate': 1.5,
  'account.reactivate': 0.7,
  'account.delete': 0.4,
  'account.deleteNoticeLost': 0.4,
  'department.create': 3,
  'department.rename': 3,
  'department.deactivate': 1.5,
  'department.reactivate': 0.7,
  'department.delete': 0.4,
  'bill.create': 22,
  'bill.createPending': 3,
  'bill.approve': 2.5,
  'bill.edit': 3,
  'bill.orphanCode': 1,
  'orphanCode.resolve': 0.5,
  'bill.editInNetSuite': 0.5,
  'bill.deleteInNetSuite': 0.4,
};

const phaseWeights: Record<Phase, Partial<Record<OperationKind, number>>> = {
  push: {
    ...masterWeights,
    payment: 16,
    'payment.approvedOnly': 2,
    'payment.markPaid': 1.5,
    'payment.unmatchedAccount': 0.8,
    'payment.parkedBill': 0.6,
    'payment.voidInNetSuite': 0.4,
  },
  pull: { ...masterWeights, 'netsuite.payBills': 16, 'payment.inPullMode': 1 },
};

/** The taxes a line may carry, by the bill's currency (the rates of the vendor's country). */
const soakTaxes: Record<SoakCurrency, SoakTax[]> = {
  USD: [
    { name: 'CA Sales Tax', percentage: '7.25', inclusive: false },
    { name: 'NY Sales Tax', percentage: '8.875', inclusive: false },
  ],
  CAD: [
    { name: 'GST', percentage: '5', inclusive: false },
    { name: 'HST', percentage: '13', inclusive: true },
    { name: 'HST', percentage: '13', inclusive: false },
  ],
};

export interface OperationMixOptions {
  lostNoticeRate: number;
  duplicateNoticeRate: number;
  /** Share of Procurify master-data and mark-as-paid writes whose answer is lost after the change. */
  procurifyLostAnswerRate: number;
  /** A record is used (coding, paying) only this many operations after it was created or changed. */
  settleOperations: number;
}

export interface OperationCounts {
  performed: Record<string, number>;
  /** Operations whose first choice was not possible (nothing eligible) and fell back to another. */
  fellBack: number;
  /** Records an operation looked at but could not use yet (not synced, or not with its latest edit). */
  notReady: number;
  lostNotices: number;
  procurifyAnswersLostArmed: number;
}

export class OperationMix {
  private readonly env: SoakEnvironment;
  private readonly company: SoakCompany;
  private readonly random: () => number;
  /** Draws what makes a bill real (currency, tax, shipping, costs, files), apart from `random`. */
  private readonly rich: () => number;
  private readonly options: OperationMixOptions;
  private readonly duplicates: NoticeDuplicates;
  private readonly procurifyIds = new Map<string, number>();
  /** `uuid@edits` → the NetSuite bill, once it showed that version's total. */
  private readonly readyBills = new Map<string, string>();
  private index = 0;
  readonly counts: OperationCounts = {
    performed: {},
    fellBack: 0,
    notReady: 0,
    lostNotices: 0,
    procurifyAnswersLostArmed: 0,
  };

  constructor(
    env: SoakEnvironment,
    company: SoakCompany,
    random: () => number,
    duplicates: NoticeDuplicates,
    options: OperationMixOptions,
    rich: () => number = Math.random,
  ) {
    this.env = env;
    this.company = company;
    this.random = random;
    this.rich = rich;
    this.duplicates = duplicates;
    this.options = options;
  }

  private static readonly surelyOnce: readonly OperationKind[] = [
    'vendor.deleteNoticeLost',
    'account.deleteNoticeLost',
    'vendor.renameInProcurify',
    'payment.voidInNetSuite',
    'bill.editInNetSuite',
    'bill.deleteInNetSuite',
  ];

  /** Performs operation number `index` of the run; returns the kind actually performed. */
  async perform(index: number, phase: Phase): Promise<OperationKind> {
    this.index = index;
    // Each lost delete notice and hand edit happens at least once, whatever the draws: even a small run
    // gives the final reconcile every kind to close (once records old enough to use exist).
    // One not done yet is tried every fifth operation (the record it needs may not be synced yet).
    const since = index - 3 * this.options.settleOperations;
    const due =
      since >= 0 && since % 5 === 0
        ? OperationMix.surelyOnce.find((kind) => this.counts.performed[kind] === undefined)
        : undefined;
    // A pushed payment is voided only in push mode (a surely-once kind not possible now waits its turn).
    const possible =
      due === 'payment.voidInNetSuite' && phase !== 'push'
        ? OperationMix.surelyOnce.find((kind) => kind !== due && this.counts.performed[kind] === undefined)
        : due;
    const wanted = possible ?? this.pick(phaseWeights[phase]);
    let kind = wanted;
    let done = await this.run(kind);
    if (!done) {
      this.counts.fellBack += 1;
      kind = this.random() < 0.5 ? 'vendor.rename' : 'bill.create';
      done = await this.run(kind);
    }
    this.counts.performed[kind] = (this.counts.performed[kind] ?? 0) + 1;
    return kind;
  }

  private pick(weights: Partial<Record<OperationKind, number>>): OperationKind {
    const entries = Object.entries(weights) as Array<[OperationKind, number]>;
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.random() * total;
    for (const [kind, weight] of entries) {
      draw -= weight;
      if (draw < 0) return kind;
    }
    return entries.at(-1)![0];
  }

  private choose<T>(items: readonly T[], random = this.random): T | undefined {
    if (items.length === 0) return undefined;
    return items[Math.floor(random() * items.length)];
  }

  /** false when nothing was eligible (the caller falls back to another operation). */
  private async run(kind: OperationKind): Promise<boolean> {
    switch (kind) {
      case 'vendor.create':
        return this.createMaster('vendor');
      case 'account.create':
        return this.createMaster('account');
      case 'department.create':
        return this.createMaster('department');
      case 'vendor.rename':
        return this.rename('vendor');
      case 'account.rename':
        return this.rename('account');
      case 'department.rename':
        return this.rename('department');
      case 'account.renumber':
        return this.renumber();
      case 'vendor.deactivate':
        return this.setInactive('vendor', true);
      case 'account.deactivate':
        return this.setInactive('account', true);
      case 'department.deactivate':
        return this.setInactive('department', true);
      case 'vendor.reactivate':
        return this.setInactive('vendor', false);
      case 'account.reactivate':
        return this.setInactive('account', false);
      case 'department.reactivate':
        return this.setInactive('department', false);
      case 'vendor.delete':
        return this.delete('vendor');
      case 'account.delete':
        return this.delete('account');
      case 'vendor.deleteNoticeLost':
        return this.delete('vendor', true);
      case 'account.deleteNoticeLost':
        return this.delete('account', true);
      case 'vendor.renameInProcurify':
        return this.renameInProcurify();
      case 'department.delete':
        return this.delete('department');
      case 'bill.create':
        return this.createBill(true);
      case 'bill.createPending':
        return this.createBill(false);
      case 'bill.approve':
        return this.approvePending();
      case 'bill.edit':
        return this.editBill();
      case 'bill.orphanCode':
        return this.createOrphanBill();
      case 'orphanCode.resolve':
        return this.resolveOrphanCode();
      case 'payment':
        return this.pay('normal', 'paid');
      case 'payment.approvedOnly':
        return this.pay('normal', 'approved');
      case 'payment.markPaid':
        return this.markPaymentPaid();
      case 'payment.unmatchedAccount':
        return this.pay('unmatchedAccount', 'paid');
      case 'payment.parkedBill':
        return this.payParkedBill();
      case 'payment.inPullMode':
        return this.pay('pullMode', 'paid');
      case 'netsuite.payBills':
        return this.payInNetSuite();
      case 'bill.editInNetSuite':
        return this.editBillInNetSuite();
      case 'bill.deleteInNetSuite':
        return this.deleteBillInNetSuite();
      case 'payment.voidInNetSuite':
        return this.voidPaymentInNetSuite();
      case 'vendor.deleteNoticeLostAtRest':
      case 'bill.wrongLink':
        return false; // driftAtRest's, never drawn
    }
  }

  // ---- NetSuite user changes, with the notice lost or delivered twice -------------------------------

  private userChange<T>(
    record: { type: RecordType; id?: string; eventType: NoticeEventType },
    change: () => T,
    master?: MasterRecord,
    loseNotice = false,
  ): T {
    const { netsuite, procurify } = this.env;
    const draw = this.random();
    const lost = loseNotice || draw < this.options.lostNoticeRate;
    const duplicate = !lost && draw < this.options.lostNoticeRate + this.options.duplicateNoticeRate;
    // The first master-data change always loses its Procurify answer: the small run must see the fault
    // whatever order timing gives its operations; later ones lose it at the configured rate.
    const armFirst = this.options.procurifyLostAnswerRate > 0 && this.counts.procurifyAnswersLostArmed === 0;
    if (master !== undefined && (armFirst || this.random() < this.options.procurifyLostAnswerRate)) {
      const path = {
        vendor: '/api/v3/vendors/',
        account: '/api/v3/account-codes/',
        department: '/api/v3/departments/',
      }[master.kind];
      // The method apsync's Procurify client uses for the write (shared/procurify/vendors.ts,
      // account-codes.ts, departments.ts): POST creates; a vendor is updated with PATCH, the others with PUT.
      const method = record.eventType === 'create' ? 'POST' : master.kind === 'vendor' ? 'PATCH' : 'PUT';
      procurify.loseConnections({ method, path, when: 'after', count: 1 });
      this.counts.procurifyAnswersLostArmed += 1;
    }
    let result: T;
    if (lost) {
      const webhook = netsuite.config().webhook;
      netsuite.setConfig({ webhook: null });
      try {
        result = change();
      } finally {
        netsuite.setConfig({ webhook });
      }
      this.counts.lostNotices += 1;
      if (master !== undefined) {
        if (record.eventType === 'delete') master.deleteNoticeLost = true;
        else master.lostNotices += 1;
      }
    } else {
      result = change();
    }
    if (duplicate) {
      const noticeType = record.type === 'vendorPayment' ? 'vendorpayment' : record.type;
      const id = record.id ?? (result as { id: string }).id;
      this.duplicates.want(noticeType, id, record.eventType);
    }
    return result;
  }

  /** Records the operations may use (never a reserved one: driftAtRest's). */
  private masters(kind: MasterKind, filter: (record: MasterRecord) => boolean): MasterRecord[] {
    return [...this.company.masters.values()].filter(
      (record) => record.kind === kind && !record.deleted && record.pool !== 'reserved' && filter(record),
    );
  }

  private createMaster(kind: MasterKind): boolean {
    const pool: Pool = this.random() < 0.5 ? 'trading' : 'churn';
    const { netsuite } = this.env;
    let body: Record<string, unknown>;
    let name: string;
    let number: string | undefined;
    if (kind === 'vendor') {
      name = vendorName(this.company);
      body = vendorBody(this.company, name);
    } else if (kind === 'account') {
      number = accountNumber(this.company);
      name = `Soak Account ${number}`;
      body = { acctNumber: number, acctName: name, acctType: 'Expense' };
    } else {
      name = departmentName(this.company);
      body = { name };
    }
    const master: MasterRecord = {
      kind,
      netsuiteId: '',
      pool,
      name,
      ...(number === undefined ? {} : { number }),
      inactive: false,
      deleted: false,
      createdAt: this.index,
      lostNotices: 0,
      deleteNoticeLost: false,
    };
    const created = this.userChange(
      { type: kind, eventType: 'create' },
      () => netsuite.userCreate(kind, body),
      master,
    );
    master.netsuiteId = created.id;
    this.company.masters.set(masterKey(kind, created.id), master);
    return true;
  }

  private rename(kind: MasterKind): boolean {
    const master = this.choose(this.masters(kind, () => true));
    if (master === undefined) return false;
    const base = master.name.replace(/ \(r\d+\)$/, '');
    const version = Number(/\(r(\d+)\)$/.exec(master.name)?.[1] ?? '0') + 1;
    const name = `${base} (r${version})`;
    const body =
      kind === 'vendor'
        ? { companyName: name, ...(this.random() < 0.5 ? { email: emailOf(base, version) } : {}) }
        : kind === 'account'
          ? { acctName: name }
          : { name };
    this.userChange(
      { type: kind, id: master.netsuiteId, eventType: 'edit' },
      () => this.env.netsuite.userUpdate(kind, master.netsuiteId, body),
      master,
    );
    master.name = name;
    return true;
  }

  private renumber(): boolean {
    const master = this.choose(
      this.masters('account', (record) => record.pool === 'churn' && record.createdAt >= 0),
    );
    if (master === undefined) return false;
    const number = accountNumber(this.company);
    this.userChange(
      { type: 'account', id: master.netsuiteId, eventType: 'edit' },
      () => this.env.netsuite.userUpdate('account', master.netsuiteId, { acctNumber: number }),
      master,
    );
    master.number = number;
    return true;
  }

  private setInactive(kind: MasterKind, inactive: boolean): boolean {
    const master = this.choose(
      this.masters(
        kind,
        (record) => record.pool === 'churn' && record.createdAt >= 0 && record.inactive !== inactive,
      ),
    );
    if (master === undefined) return false;
    this.userChange(
      { type: kind, id: master.netsuiteId, eventType: 'xedit' },
      () => this.env.netsuite.userUpdate(kind, master.netsuiteId, { isInactive: inactive }, 'xedit'),
      master,
    );
    master.inactive = inactive;
    return true;
  }

  /** `noticeLost`: deleted while the webhook is off — only the final reconcile can find it. */
  private async delete(kind: MasterKind, noticeLost = false): Promise<boolean> {
    const master = this.choose(
      this.masters(
        kind,
        // A lost delete notice on a record apsync made active in Procurify: the drift the reconcile closes.
        (record) => record.pool === 'churn' && record.createdAt >= 0 && !(noticeLost && record.inactive),
      ),
    );
    if (master === undefined) return false;
    if (noticeLost && (await this.procurifyIdOf(master)) === undefined) {
      this.counts.notReady += 1;
      return false;
    }
    this.userChange(
      { type: kind, id: master.netsuiteId, eventType: 'delete' },
      () => this.env.netsuite.userDelete(kind, master.netsuiteId),
      master,
      noticeLost,
    );
    master.deleted = true;
    return true;
  }

  /** A Procurify user renames a synced vendor by hand: no notice, no poll sees it; the reconcile does. */
  private async renameInProcurify(): Promise<boolean> {
    const master = this.choose(this.masters('vendor', () => true));
    if (master === undefined) return false;
    const id = await this.procurifyIdOf(master);
    const record = id === undefined ? undefined : this.env.procurify.store.vendors.get(id);
    if (record === undefined) {
      this.counts.notReady += 1;
      return false;
    }
    const store = this.env.procurify.store;
    store.assign('vendors', record, {
      name: `${record.name} (renamed in Procurify)`,
      modified: store.clock.tick(),
    });
    master.renamedInProcurify = true;
    return true;
  }

  // ---- bills -------------------------------------------------------------------------------------

  /** The Procurify id of a master record once apsync linked it (undefined while it is not synced). */
  private async procurifyIdOf(master: MasterRecord): Promise<number | undefined> {
    const key = masterKey(master.kind, master.netsuiteId);
    const known = this.procurifyIds.get(key);
    if (known !== undefined) return known;
    const link = await this.env.state().findBySource('netsuite', master.kind, master.netsuiteId);
    if (link === undefined) return undefined;
    const id = Number(link.procurifyId);
    this.procurifyIds.set(key, id);
    return id;
  }

  /**
   * A trading record to code or bill with: one created long enough ago and already synced (a few are
   * tried), else one seeded before the run. Never waits: the load keeps its pace whatever apsync does.
   */
  private async codingRecord(
    kind: MasterKind,
    random = this.random,
  ): Promise<{ master: MasterRecord; procurifyId: number }> {
    const settled = this.masters(
      kind,
      (record) => record.pool === 'trading' && record.createdAt <= this.index - this.options.settleOperations,
    );
    for (let attempt = 0; attempt < 3; attempt++) {
      const chosen = this.choose(settled, random);
      if (chosen === undefined) break;
      const id = await this.procurifyIdOf(chosen);
      if (id !== undefined) return { master: chosen, procurifyId: id };
      this.counts.notReady += 1;
    }
    const seeded = this.masters(kind, (record) => record.pool === 'trading' && record.createdAt < 0);
    const fallback = seeded[Math.floor(random() * seeded.length)]!;
    return { master: fallback, procurifyId: (await this.procurifyIdOf(fallback))! };
  }

  /**
   * A line's tax and shipping: shares of at least 0.16 on every allocation (amounts of 10.00 or more,
   * rates of 5 % or more, a third at least per allocation), so each becomes its own expense line.
   */
  private lineExtras(currency: SoakCurrency): Pick<SoakLine, 'tax' | 'shippingCents'> {
    const taxes = soakTaxes[currency];
    const tax = this.rich() < 0.6 ? taxes[Math.floor(this.rich() * taxes.length)] : undefined;
    const shippingCents = this.rich() < 0.15 ? 100 + Math.floor(this.rich() * 2900) : undefined;
    return {
      ...(tax === undefined ? {} : { tax }),
      ...(shippingCents === undefined ? {} : { shippingCents }),
    };
  }

  /** Allocations of a line's net: one, or a third and the rest. */
  private static splitNet(
    line: Pick<SoakLine, 'amountCents' | 'tax'>,
    coding: Array<{ accountCode: number; department: number }>,
  ): SoakLine['allocations'] {
    const { netCents } = lineTaxSplit(line.amountCents, line.tax ?? null);
    const parts =
      coding.length > 1 ? [Math.floor(netCents / 3), netCents - Math.floor(netCents / 3)] : [netCents];
    return coding.map((code, index) => ({ ...code, amountCents: parts[index]! }));
  }

  private async billLines(currency: SoakCurrency, orphanCode?: number): Promise<SoakLine[]> {
    const lines: SoakLine[] = [];
    const count = 1 + Math.floor(this.random() * 3);
    for (let item = 0; item < count; item++) {
      const amountCents = 1000 + Math.floor(this.random() * 49_000);
      const split = this.random() < 0.3;
      const coding = [];
      for (let index = 0; index < (split ? 2 : 1); index++) {
        const account =
          orphanCode !== undefined && item === 0 && index === 0
            ? orphanCode
            : (await this.codingRecord('account')).procurifyId;
        const department = (await this.codingRecord('department')).procurifyId;
        coding.push({ accountCode: account, department });
      }
      const extras = this.lineExtras(currency);
      lines.push({
        amountCents,
        ...extras,
        allocations: OperationMix.splitNet({ amountCents, ...extras }, coding),
      });
    }
    return lines;
  }

  /** Freight on a fifth of the bills, a handling fee on some, coded with trading accounts. */
  private async billCosts(): Promise<SoakCost[]> {
    const costs: SoakCost[] = [];
    if (this.rich() >= 0.2) return costs;
    for (const name of this.rich() < 0.3 ? ['Freight', 'Handling fee'] : ['Freight']) {
      costs.push({
        name,
        amountCents: 500 + Math.floor(this.rich() * 9500),
        accountCode: (await this.codingRecord('account', this.rich)).procurifyId,
        department: (await this.codingRecord('department', this.rich)).procurifyId,
      });
    }
    return costs;
  }

  private procurifyItems(lines: SoakLine[]): BillInput['items'] {
    return lines.map((line, index) => {
      // A third of the lines are billed by quantity: 4 × a quarter of the amount (whole cents).
      const byQuantity = index % 3 === 1 && line.amountCents % 4 === 0;
      return {
        description: `Soak line ${index + 1}`,
        ...(byQuantity
          ? { quantity: '4', unit_cost: money(line.amountCents / 4) }
          : { amount: money(line.amountCents), bill_by_cost: index % 2 === 1 }),
        ...(line.tax === undefined
          ? {}
          : {
              tax_name: line.tax.name,
              tax_percentage: line.tax.percentage,
              tax_is_inclusive: line.tax.inclusive,
            }),
        ...(line.shippingCents === undefined ? {} : { shipping_amount: money(line.shippingCents) }),
        ...(index === 0 ? { custom_fields: [{ field: 'Soak batch', value: `B-${this.index % 7}` }] } : {}),
        cost_allocations: line.allocations.map((allocation) => ({
          account_code: allocation.accountCode,
          department: allocation.department,
          amount: money(allocation.amountCents),
        })),
      };
    });
  }

  /** What the Vendor Bill must hold for this Procurify bill (the owed total and its expense lines). */
  private static expected(
    record: BillRecord,
    owedCents: number,
  ): Pick<SoakBill, 'totalCents' | 'expenseLines'> {
    let expenseLines = record.costs.filter((cost) => cost.amountCents !== 0).length;
    for (const item of record.items) {
      const perAllocation = 1 + (item.taxCents !== 0 ? 1 : 0) + ((item.shippingCents ?? 0) !== 0 ? 1 : 0);
      expenseLines += item.allocations.length * perAllocation;
    }
    return { totalCents: owedCents, expenseLines };
  }

  private async createBill(
    approve: boolean,
    orphan?: { code: string; procurifyId: number },
  ): Promise<boolean> {
    const vendor = await this.codingRecord('vendor');
    const currency: SoakCurrency = this.rich() < 0.25 ? 'CAD' : 'USD';
    const lines = await this.billLines(currency, orphan?.procurifyId);
    const costs = await this.billCosts();
    this.company.counters.invoice += 1;
    const invoice = `SOAK-${String(this.company.counters.invoice).padStart(6, '0')}`;
    const attach = this.rich() < 0.3;
    const procurify = this.env.procurify;
    const created = procurify.createBill({
      vendor: vendor.procurifyId,
      currency,
      invoice_number: invoice,
      invoice_date: today(),
      due_date: today(),
      status: 1,
      items: this.procurifyItems(lines),
      costs: costs.map((cost) => ({
        name: cost.name,
        amount: money(cost.amountCents),
        account_code: cost.accountCode,
        department: cost.department,
      })),
      invoice_attachments: attach
        ? [
            {
              name: `${invoice}.pdf`,
              content: invoicePdfBase64([`INVOICE ${invoice}`, vendor.master.name, currency]),
            },
          ]
        : [],
    });
    if (approve) procurify.approveBill(created.uuid);
    const bill: SoakBill = {
      uuid: created.uuid,
      vendorNetSuiteId: vendor.master.netsuiteId,
      procurifyVendor: vendor.procurifyId,
      currency,
      lines,
      costs,
      attachments: attach ? 1 : 0,
      ...OperationMix.expected(created, procurify.store.billTotalCents(created)),
      approved: approve,
      approvedAt: approve ? this.index : -1,
      ...(orphan === undefined ? {} : { orphanCode: orphan.code }),
      editedAt: this.index,
      edits: 0,
    };
    this.company.bills.set(bill.uuid, bill);
    return true;
  }

  private async approvePending(): Promise<boolean> {
    const bill = this.choose([...this.company.bills.values()].filter((candidate) => !candidate.approved));
    if (bill === undefined) return false;
    this.env.procurify.approveBill(bill.uuid);
    bill.approved = true;
    bill.approvedAt = this.index;
    return true;
  }

  private async editBill(): Promise<boolean> {
    const bill = this.choose(this.payableBills().filter((candidate) => candidate.orphanCode === undefined));
    if (bill === undefined) return false;
    // New amounts; each line keeps its coding, tax and shipping (costs and files stay on the bill).
    const lines = bill.lines.map((line) => {
      const amountCents = 1000 + Math.floor(this.random() * 49_000);
      const edited = { ...line, amountCents };
      return { ...edited, allocations: OperationMix.splitNet(edited, line.allocations) };
    });
    const procurify = this.env.procurify;
    const record = procurify.editBill(bill.uuid, { items: this.procurifyItems(lines) });
    bill.lines = lines;
    Object.assign(bill, OperationMix.expected(record, procurify.store.billTotalCents(record)));
    bill.editedAt = this.index;
    bill.edits += 1;
    return true;
  }

  private async createOrphanBill(): Promise<boolean> {
    this.company.counters.orphan += 1;
    const code = String(90_000 + this.company.counters.orphan);
    const accountCode = this.env.procurify.store.addAccountCode({
      code,
      description: `Procurify-only ${code}`,
    });
    this.company.orphanCodes.set(code, { procurifyId: accountCode.id });
    return this.createBill(true, { code, procurifyId: accountCode.id });
  }

  private async resolveOrphanCode(): Promise<boolean> {
    const open = [...this.company.orphanCodes.entries()].filter(
      ([, orphan]) => orphan.netsuiteAccount === undefined,
    );
    const chosen = this.choose(open);
    if (chosen === undefined) return false;
    const [code, orphan] = chosen;
    const name = `Soak Account ${code}`;
    const master: MasterRecord = {
      kind: 'account',
      netsuiteId: '',
      pool: 'trading',
      name,
      number: code,
      inactive: false,
      deleted: false,
      createdAt: this.index,
      lostNotices: 0,
      deleteNoticeLost: false,
    };
    const created = this.userChange(
      { type: 'account', eventType: 'create' },
      () =>
        this.env.netsuite.userCreate('account', { acctNumber: code, acctName: name, acctType: 'Expense' }),
      master,
    );
    master.netsuiteId = created.id;
    orphan.netsuiteAccount = created.id;
    this.company.masters.set(masterKey('account', created.id), master);
    return true;
  }

  // ---- payments ----------------------------------------------------------------------------------

  /** Approved, unpaid bills whose last change is old enough to have been synced. */
  private payableBills(): SoakBill[] {
    const settledBefore = this.index - this.options.settleOperations;
    return [...this.company.bills.values()].filter(
      (bill) =>
        bill.approved &&
        bill.paidBy === undefined &&
        bill.handEdit === undefined &&
        bill.approvedAt <= settledBefore &&
        bill.editedAt <= settledBefore &&
        (bill.orphanCode === undefined ||
          this.company.orphanCodes.get(bill.orphanCode)?.netsuiteAccount !== undefined),
    );
  }

  /** The NetSuite bill of a Procurify bill if it is written with the bill's current total and open. */
  private async netsuiteBillIfReady(bill: SoakBill): Promise<string | undefined> {
    const key = `${bill.uuid}@${bill.edits}`;
    const known = this.readyBills.get(key);
    if (known !== undefined) return known;
    const link = await this.env.state().findBySource('procurify', 'bill', bill.uuid.toLowerCase());
    if (link === undefined) return undefined;
    const record = this.env.netsuite.record('vendorBill', link.netsuiteId) as
      | { total?: number; balance?: number }
      | undefined;
    if (
      record === undefined ||
      Math.round((record.total ?? 0) * 100) !== bill.totalCents ||
      Math.round((record.balance ?? 0) * 100) !== bill.totalCents
    ) {
      return undefined;
    }
    this.readyBills.set(key, link.netsuiteId);
    return link.netsuiteId;
  }

  /** One to three payable bills of one vendor, each already in NetSuite as it is now (never waits). */
  private async billsToPay(): Promise<Array<{ bill: SoakBill; netsuiteBillId: string }>> {
    // One payment pays bills of one vendor in one currency.
    const byVendor = new Map<string, SoakBill[]>();
    for (const bill of this.payableBills()) {
      const key = `${bill.vendorNetSuiteId}/${bill.currency}`;
      byVendor.set(key, [...(byVendor.get(key) ?? []), bill]);
    }
    const vendors = [...byVendor.keys()].sort();
    for (let attempt = 0; attempt < 3 && vendors.length > 0; attempt++) {
      const vendor = vendors.splice(Math.floor(this.random() * vendors.length), 1)[0]!;
      const ready: Array<{ bill: SoakBill; netsuiteBillId: string }> = [];
      for (const bill of byVendor.get(vendor)!.slice(0, 8)) {
        const netsuiteBillId = await this.netsuiteBillIfReady(bill);
        if (netsuiteBillId === undefined) this.counts.notReady += 1;
        else ready.push({ bill, netsuiteBillId });
      }
      if (ready.length === 0) continue;
      const count = 1 + Math.floor(this.random() * 3);
      const chosen = [];
      while (chosen.length < count && ready.length > 0) {
        chosen.push(ready.splice(Math.floor(this.random() * ready.length), 1)[0]!);
      }
      return chosen;
    }
    return [];
  }

  private amountFor(bill: SoakBill, partialShare: number): number {
    if (this.random() >= partialShare) return bill.totalCents;
    return Math.max(100, Math.floor(bill.totalCents * (0.2 + this.random() * 0.7)));
  }

  private async pay(intent: PaymentIntent, status: 'paid' | 'approved'): Promise<boolean> {
    const ready = await this.billsToPay();
    if (ready.length === 0) return false;
    const chosen = intent === 'normal' ? ready : ready.slice(0, 1);
    const bills = chosen.map(({ bill }) => ({
      uuid: bill.uuid,
      amountCents: intent === 'normal' ? this.amountFor(bill, 0.25) : bill.totalCents,
    }));
    this.record(intent, status, bills);
    return true;
  }

  private async payParkedBill(): Promise<boolean> {
    const parked = [...this.company.bills.values()].filter(
      (bill) =>
        bill.approved &&
        bill.paidBy === undefined &&
        bill.orphanCode !== undefined &&
        this.company.orphanCodes.get(bill.orphanCode)?.netsuiteAccount === undefined,
    );
    const bill = this.choose(parked);
    if (bill === undefined) return false;
    this.record('parkedBill', 'paid', [{ uuid: bill.uuid, amountCents: bill.totalCents }]);
    return true;
  }

  private record(
    intent: PaymentIntent,
    status: 'paid' | 'approved',
    bills: Array<{ uuid: string; amountCents: number }>,
  ) {
    const currency = this.company.bills.get(bills[0]!.uuid)!.currency;
    const payment = this.env.procurify.recordPayment({
      bills: bills.map((bill) => ({ uuid: bill.uuid, amount: money(bill.amountCents) })),
      // The bank account of the bills' currency (its GL code is a NetSuite bank account in it).
      method:
        intent === 'unmatchedAccount' ? this.company.unmatchedMethod : this.company.matchedMethods[currency],
      payment_date: today(),
      status,
    });
    for (const entry of bills) {
      this.company.bills.get(entry.uuid)!.paidBy = { kind: 'procurify', paymentId: payment.id };
    }
    this.company.payments.set(payment.id, {
      id: payment.id,
      intent,
      bills,
      totalCents: bills.reduce((sum, bill) => sum + bill.amountCents, 0),
      status,
      recordedAt: this.index,
      phase: intent === 'pullMode' ? 'pull' : 'push',
    });
  }

  private async markPaymentPaid(): Promise<boolean> {
    const payment = this.choose(
      [...this.company.payments.values()].filter(
        (candidate) => candidate.status === 'approved' && candidate.phase === 'push',
      ),
    );
    if (payment === undefined) return false;
    this.env.procurify.setPaymentStatus(payment.id, 'paid');
    payment.status = 'paid';
    return true;
  }

  // ---- NetSuite users' hand edits of what apsync wrote --------------------------------------------

  /** A written, open bill whose Vendor Bill shows its current total (a few tried; never waits). */
  private async writtenBill(): Promise<{ bill: SoakBill; netsuiteBillId: string } | undefined> {
    const candidates = this.payableBills().filter((bill) => bill.orphanCode === undefined);
    for (let attempt = 0; attempt < 3 && candidates.length > 0; attempt++) {
      const bill = candidates.splice(Math.floor(this.random() * candidates.length), 1)[0]!;
      const netsuiteBillId = await this.netsuiteBillIfReady(bill);
      if (netsuiteBillId !== undefined) return { bill, netsuiteBillId };
      this.counts.notReady += 1;
    }
    return undefined;
  }

  /**
   * A NetSuite user adds an expense line to a Vendor Bill apsync wrote. The Procurify bill does not change,
   * so apsync must leave the edit alone; the final reconcile reports it (`edited-in-netsuite`).
   */
  private async editBillInNetSuite(): Promise<boolean> {
    const chosen = await this.writtenBill();
    if (chosen === undefined) return false;
    const { bill, netsuiteBillId } = chosen;
    const account = (await this.codingRecord('account')).master.netsuiteId;
    const department = (await this.codingRecord('department')).master.netsuiteId;
    const amount = (1000 + Math.floor(this.random() * 9000)) / 100;
    this.env.netsuite.userUpdate('vendorBill', netsuiteBillId, {
      expense: {
        items: [{ account: { id: account }, department: { id: department }, amount, memo: 'Added by hand' }],
      },
    });
    const edited = this.env.netsuite.record('vendorBill', netsuiteBillId) as {
      total?: number;
      expense?: { items?: unknown[] };
    };
    bill.handEdit = {
      kind: 'edited',
      netsuiteBillId,
      totalCents: Math.round((edited.total ?? 0) * 100),
      expenseLines: edited.expense?.items?.length ?? 0,
    };
    return true;
  }

  /** A NetSuite user deletes an open Vendor Bill apsync wrote: the final `reconcile --fix` re-sends it. */
  private async deleteBillInNetSuite(): Promise<boolean> {
    const chosen = await this.writtenBill();
    if (chosen === undefined) return false;
    this.env.netsuite.userDelete('vendorBill', chosen.netsuiteBillId);
    chosen.bill.handEdit = { kind: 'deleted', netsuiteBillId: chosen.netsuiteBillId };
    return true;
  }

  /**
   * A NetSuite user voids a Vendor Payment apsync pushed (the payment settled: synced, recorded long
   * enough ago). apsync never pushes a payment twice; the final reconcile reports it for a person.
   */
  private async voidPaymentInNetSuite(): Promise<boolean> {
    const settledBefore = this.index - this.options.settleOperations;
    const candidates = [...this.company.payments.values()].filter(
      (payment) =>
        payment.intent === 'normal' &&
        payment.status === 'paid' &&
        payment.phase === 'push' &&
        payment.voidedInNetSuite === undefined &&
        payment.recordedAt <= settledBefore,
    );
    for (let attempt = 0; attempt < 3 && candidates.length > 0; attempt++) {
      const payment = candidates.splice(Math.floor(this.random() * candidates.length), 1)[0]!;
      const ref = { system: 'procurify', kind: 'payment', id: String(payment.id) } as const;
      const state = await this.env.state().getState(ref);
      const link = await this.env.state().findBySource('procurify', 'payment', String(payment.id));
      if (state?.status !== 'synced' || link === undefined) {
        this.counts.notReady += 1;
        continue;
      }
      this.env.netsuite.userVoidPayment(link.netsuiteId);
      payment.voidedInNetSuite = link.netsuiteId;
      return true;
    }
    return false;
  }

  /**
   * Makes sure the phase did the work of its payment mode at least once: in push mode a payment recorded
   * in Procurify (pushed by apsync, its first Vendor Payment write dying: soak-environment.ts), in pull
   * mode a bill paid in full in NetSuite (marked paid by apsync). A bill is paid only once apsync has
   * synced it and the driver never waits, so a busy machine may end a phase before any bill was ready:
   * then this retries until apsync has synced a payable bill, or until `deadline` (apsync synced none: the
   * payment checks fail). Called at the end of each phase; returns what it did, if anything.
   */
  async surelyPaid(phase: Phase, deadline: number): Promise<string | undefined> {
    const done = () =>
      phase === 'push'
        ? [...this.company.payments.values()].some(
            (payment) => payment.intent === 'normal' && payment.status === 'paid' && payment.phase === 'push',
          )
        : this.company.netsuitePayments.some((payment) => payment.bills.some((line) => line.paysInFull));
    if (done()) return undefined;
    const kind: OperationKind = phase === 'push' ? 'payment' : 'netsuite.payBills';
    const started = Date.now();
    for (;;) {
      if (phase === 'push' ? await this.pay('normal', 'paid') : await this.payInNetSuite(true)) {
        this.counts.performed[`${kind} (end of phase, waited for a synced bill)`] = 1;
        return `${kind} after waiting ${((Date.now() - started) / 1000).toFixed(1)} s for apsync to sync a payable bill`;
      }
      if (Date.now() > deadline) return `${kind} not possible: no payable bill synced by the deadline`;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Drift made once everything settled, right before the final reconcile, so that nothing but the
   * reconcile can see it: the reserved vendor deleted in NetSuite with its notice lost (nothing else
   * touches it: no queued message, poll or duplicate names it), and one bill's link pointed at another
   * bill's Vendor Bill (both directions, as a wrong write of the link would leave them). Returns what was done.
   */
  async driftAtRest(): Promise<string[]> {
    const done: string[] = [];
    // Everything settled: every record made so far may be used. A surely-once kind the run could not do
    // (nothing was ready in time: timing decides, the driver never waits) is done now, at rest.
    this.index += this.options.settleOperations + 1;
    for (const kind of OperationMix.surelyOnce) {
      if (this.counts.performed[kind] !== undefined || !(await this.run(kind))) continue;
      this.counts.performed[`${kind} (at rest)`] = 1;
      done.push(`${kind} (not done during the run)`);
    }
    const reserved = [...this.company.masters.values()].find(
      (record) => record.pool === 'reserved' && record.kind === 'vendor' && !record.deleted,
    );
    if (reserved !== undefined && (await this.procurifyIdOf(reserved)) !== undefined) {
      this.userChange(
        { type: 'vendor', id: reserved.netsuiteId, eventType: 'delete' },
        () => this.env.netsuite.userDelete('vendor', reserved.netsuiteId),
        undefined,
        true,
      );
      reserved.deleted = true;
      reserved.deleteNoticeLost = true;
      this.counts.performed['vendor.deleteNoticeLostAtRest'] = 1;
      done.push(`vendor ${reserved.netsuiteId} deleted in NetSuite, notice lost`);
    }
    // Two open bills, each linked to its own Vendor Bill (paid status alike: only the link differs).
    const linked: Array<{ bill: SoakBill; netsuiteBillId: string }> = [];
    for (const bill of this.company.bills.values()) {
      if (linked.length === 2) break;
      if (!bill.approved || bill.paidBy !== undefined || bill.handEdit !== undefined) continue;
      if (
        bill.orphanCode !== undefined &&
        this.company.orphanCodes.get(bill.orphanCode)?.netsuiteAccount === undefined
      )
        continue;
      const link = await this.env.state().findBySource('procurify', 'bill', bill.uuid.toLowerCase());
      if (link !== undefined && this.env.netsuite.record('vendorBill', link.netsuiteId) !== undefined) {
        linked.push({ bill, netsuiteBillId: link.netsuiteId });
      }
    }
    if (linked.length === 2) {
      const [wrong, owner] = linked as [(typeof linked)[0], (typeof linked)[0]];
      await this.env.state().link({
        kind: 'bill',
        procurifyId: wrong.bill.uuid.toLowerCase(),
        netsuiteId: owner.netsuiteBillId,
        origin: 'created',
      });
      this.company.wrongLink = {
        uuid: wrong.bill.uuid.toLowerCase(),
        ownBill: wrong.netsuiteBillId,
        namedBill: owner.netsuiteBillId,
        ownerUuid: owner.bill.uuid.toLowerCase(),
      };
      this.counts.performed['bill.wrongLink'] = 1;
      done.push(
        `bill ${wrong.bill.uuid} linked to Vendor Bill ${owner.netsuiteBillId} (bill ${owner.bill.uuid}'s)`,
      );
    }
    return done;
  }

  /** Pull mode: a NetSuite user pays one to three bills on the Pay Bills page (`inFull`: no partial amount). */
  private async payInNetSuite(inFull = false): Promise<boolean> {
    const ready = await this.billsToPay();
    if (ready.length === 0) return false;
    if (this.random() < this.options.procurifyLostAnswerRate * 3) {
      this.env.procurify.loseConnections({
        method: 'POST',
        path: '/api/v3/ap/bills/mark-as-paid/',
        when: 'after',
        count: 1,
      });
      this.counts.procurifyAnswersLostArmed += 1;
    }
    const lines = ready.map(({ bill, netsuiteBillId }) => {
      const amountCents = inFull ? bill.totalCents : this.amountFor(bill, 0.2);
      return { uuid: bill.uuid, netsuiteBillId, amountCents, paysInFull: amountCents === bill.totalCents };
    });
    const vendorId = ready[0]!.bill.vendorNetSuiteId;
    const currency = ready[0]!.bill.currency;
    const tranDate = today();
    const created = this.userChange({ type: 'vendorPayment', eventType: 'paybills' }, () =>
      this.env.netsuite.userCreate(
        'vendorPayment',
        {
          entity: { id: vendorId },
          currency: { id: this.company.currencies[currency] },
          account: { id: this.company.bankAccounts[currency] },
          tranDate,
          apply: {
            items: lines.map((line) => ({
              doc: { id: line.netsuiteBillId },
              apply: true,
              amount: line.amountCents / 100,
            })),
          },
        },
        'paybills',
      ),
    );
    for (const { bill } of ready) bill.paidBy = { kind: 'netsuite', vendorPaymentId: created.id };
    this.company.netsuitePayments.push({ vendorPaymentId: created.id, tranDate, bills: lines });
    return true;
  }
}

const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
