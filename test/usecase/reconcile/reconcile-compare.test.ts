// Unit tests of reconciliation's pure core (shared/reconcile/): each discrepancy kind of master data,
// bills, paid status and payments, the bill-total judgement against the plan, the run's repair policy
// (master data always, transactions only with fix) and the CSV report.
import { describe, expect, it } from 'vitest';
import type { ApVendor } from '../../../shared/ap/master-data.ts';
import type { ProcurifyLookups } from '../../../shared/master-data/map-master-data.ts';
import { toApAccountCode, toApDepartment, toApVendor } from '../../../shared/procurify/master-records.ts';
import type {
  ProcurifyAccountCode,
  ProcurifyDepartment,
  ProcurifyVendor,
} from '../../../shared/procurify/schemas.ts';
import {
  amountUnits,
  compareAccounts,
  compareBills,
  compareDepartments,
  comparePaidStatus,
  comparePayments,
  compareVendors,
  indexBills,
  judgeBillTotal,
  type NetSuiteBillRow,
  type ProcurifyBillRow,
  type ReconcileRepairs,
  reconcile,
  reconcileReportCsv,
  showAmount,
} from '../../../shared/reconcile/index.ts';
import type { NetSuiteVendorRow } from '../../../shared/reconcile/ports.ts';
import type { RecordLink, RecordState } from '../../../shared/state/model.ts';

const now = new Date('2026-03-01T12:00:00Z');
const old = '2026-02-01T00:00:00.000Z';
const lookups: ProcurifyLookups = { currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 };
const link = (
  kind: RecordLink['kind'],
  netsuiteId: string,
  procurifyId: string,
  origin: RecordLink['origin'] = 'created',
): RecordLink => ({
  kind,
  netsuiteId,
  procurifyId,
  origin,
  linkedAt: old,
});
const state = (
  kind: RecordState['ref']['kind'],
  id: string,
  extra: Partial<RecordState> = {},
): RecordState => ({
  ref: { system: kind === 'bill' || kind === 'payment' ? 'procurify' : 'netsuite', kind, id },
  status: 'synced',
  updatedAt: old,
  ...extra,
});
const context = (links: RecordLink[], states: RecordState[] = []) => ({
  links: new Map(links.map((entry) => [entry.netsuiteId, entry])),
  states: new Map(states.map((entry) => [entry.ref.id, entry])),
  scope: {},
  lookups,
  now,
  graceMs: 10 * 60_000,
});

const nsVendor = (id: string, extra: Partial<NetSuiteVendorRow['record']> = {}): NetSuiteVendorRow => ({
  record: {
    id,
    companyName: `Vendor ${id}`,
    isInactive: false,
    currency: { id: '1' },
    email: 'ap@example.com',
    ...extra,
  },
  currencyCode: 'USD',
  lastModified: old,
});
// Procurify's records as it sends them, read through the adapter's mapping (as the client reads them).
const pVendor = (id: number, external: string, extra: Partial<ProcurifyVendor> = {}): ApVendor =>
  toApVendor({
    id,
    name: `Vendor ${external}`,
    active: true,
    external_id: external,
    email: ['ap@example.com'],
    addressLineOne: null,
    addressLineTwo: null,
    postalCode: null,
    city: null,
    state_province: null,
    country: null,
    phoneOne: null,
    contact: null,
    url: null,
    currency: 1,
    payment_term_ref: null,
    type: 4,
    dateModified: null,
    ...extra,
  } as ProcurifyVendor);

describe('master data', () => {
  it('finds nothing when Procurify carries the mapping of every linked NetSuite vendor', () => {
    expect(
      compareVendors([nsVendor('101')], [pVendor(1, '101')], context([link('vendor', '101', '1')])),
    ).toEqual([]);
  });

  it('reports a field edited by hand in Procurify, to be written again from NetSuite', () => {
    const found = compareVendors(
      [nsVendor('101')],
      [pVendor(1, '101', { name: 'Renamed By Hand' })],
      context([link('vendor', '101', '1')]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        area: 'vendor',
        kind: 'field-differs',
        field: 'name',
        netsuiteValue: 'Vendor 101',
        procurifyValue: 'Renamed By Hand',
        action: 'resync',
        owner: 'apsync',
      }),
    ]);
  });

  it('reports a link whose Procurify vendor no longer exists, for a person (apsync never re-creates it)', () => {
    const found = compareVendors([nsVendor('101')], [], context([link('vendor', '101', '1')]));
    expect(found).toEqual([
      expect.objectContaining({
        area: 'vendor',
        kind: 'missing-in-procurify',
        netsuiteId: '101',
        procurifyId: '1',
        netsuiteValue: 'Vendor 101',
        procurifyValue: null,
        action: 'none',
        owner: 'hand-edit',
      }),
    ]);
    expect(found[0]!.message).toContain('apsync review replay vendor:101');
  });

  it('reports a vendor in scope without a link, unless it changed moments ago or is on the review list', () => {
    const fresh = { ...nsVendor('102'), lastModified: '2026-03-01T11:58:00.000Z' };
    const parked = nsVendor('103');
    const found = compareVendors(
      [nsVendor('101'), fresh, parked],
      [],
      context([], [state('vendor', '103', { status: 'review' })]),
    );
    expect(found.map((entry) => [entry.netsuiteId, entry.kind, entry.action])).toEqual([
      ['101', 'not-linked', 'resync'],
    ]);
  });

  it('reports a link whose NetSuite vendor is gone while the Procurify vendor is active: deactivate, never delete', () => {
    const found = compareVendors(
      [],
      [pVendor(1, '101'), pVendor(2, '102', { active: false })],
      context([link('vendor', '101', '1'), link('vendor', '102', '2')]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'deleted-in-netsuite',
        netsuiteId: '101',
        procurifyId: '1',
        action: 'deactivate',
        owner: 'apsync',
      }),
    ]);
  });

  it('reports a NetSuite change newer than the version apsync synced', () => {
    const changed = { ...nsVendor('101'), lastModified: '2026-02-20T10:00:00.000Z' };
    const found = compareVendors(
      [changed],
      [pVendor(1, '101')],
      context(
        [link('vendor', '101', '1')],
        [state('vendor', '101', { sourceModified: '2026-02-10T10:00:00Z' })],
      ),
    );
    expect(found).toEqual([expect.objectContaining({ kind: 'outdated', action: 'resync' })]);
  });

  it('leaves vendors out of scope alone', () => {
    const outside = nsVendor('101', { subsidiary: { id: '9' } });
    expect(compareVendors([outside], [], { ...context([]), scope: { subsidiaryIds: ['1'] } })).toEqual([]);
  });

  it('account codes: fields are repaired; an active flag that differs is for a person (the API cannot change it)', () => {
    const account = {
      record: { id: '13', acctNumber: '6100', acctName: 'Supplies', acctType: 'Expense', isInactive: true },
      lastModified: old,
    };
    const code: ProcurifyAccountCode = {
      id: 5,
      code: '6100',
      description: 'Office',
      account_type: 2,
      active: true,
      parent: null,
    };
    const found = compareAccounts([account], [toApAccountCode(code)], context([link('account', '13', '5')]));
    expect(found.map((entry) => [entry.field, entry.action, entry.owner])).toEqual([
      ['description', 'resync', 'apsync'],
      ['active', 'none', 'hand-edit'],
    ]);
    expect(found[1]!.message).toMatch(/deactivate account code 6100 in Procurify/);
  });

  it('account codes: an inactive account without a code is fine; a deleted one is for a person', () => {
    const inactive = { record: { id: '14', acctNumber: '6200', isInactive: true }, lastModified: old };
    const code: ProcurifyAccountCode = {
      id: 6,
      code: '6300',
      description: 'x',
      account_type: 2,
      active: true,
      parent: null,
    };
    const found = compareAccounts([inactive], [toApAccountCode(code)], context([link('account', '15', '6')]));
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'deleted-in-netsuite',
        netsuiteId: '15',
        action: 'none',
        owner: 'hand-edit',
      }),
    ]);
  });

  it('departments: name, active flag, external id and location are compared', () => {
    const department = { record: { id: '3', name: 'Marketing', isInactive: false }, lastModified: old };
    const procurify: ProcurifyDepartment = {
      id: 9,
      name: 'Marketing',
      branch: { id: 8 },
      external_id: '3',
      active: false,
    };
    const found = compareDepartments(
      [department],
      [toApDepartment(procurify)],
      context([link('department', '3', '9')]),
    );
    expect(found.map((entry) => [entry.field, entry.netsuiteValue, entry.procurifyValue])).toEqual([
      ['active', 'true', 'false'],
      ['branch', '7', '8'],
    ]);
  });
});

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const nsBill = (id: string, n: number, extra: Partial<NetSuiteBillRow> = {}): NetSuiteBillRow => ({
  id,
  externalId: `procurify-bill-${uuid(n)}`,
  total: '-150.75',
  unpaid: '150.75',
  status: 'A',
  lastModified: old,
  ...extra,
});
const pBill = (n: number, extra: Partial<ProcurifyBillRow> = {}): ProcurifyBillRow => ({
  uuid: uuid(n),
  id: n,
  status: 2,
  total: '150.75',
  invoiceNumber: `INV-${n}`,
  lastModified: old,
  ...extra,
});
const billInput = (
  links: RecordLink[],
  netsuite: NetSuiteBillRow[],
  procurify: ProcurifyBillRow[],
  states: RecordState[] = [],
) => ({
  links: new Map(links.map((entry) => [entry.procurifyId, entry])),
  states: new Map(states.map((entry) => [entry.ref.id, entry])),
  netsuite,
  procurify,
  now,
  graceMs: 10 * 60_000,
});

describe('bills', () => {
  it('finds nothing when the linked Vendor Bill exists with its external id and total', () => {
    const result = compareBills(billInput([link('bill', '1001', uuid(1))], [nsBill('1001', 1)], [pBill(1)]));
    expect(result).toMatchObject({ discrepancies: [], totalsToCheck: [], checked: 1 });
  });

  it('a Vendor Bill deleted in NetSuite is re-sent (approved) or left to a person (past approval)', () => {
    const result = compareBills(
      billInput(
        [link('bill', '1001', uuid(1)), link('bill', '1002', uuid(2))],
        [],
        [pBill(1), pBill(2, { status: 4 })],
      ),
    );
    expect(
      result.discrepancies.map((entry) => [entry.procurifyId, entry.kind, entry.action, entry.owner]),
    ).toEqual([
      [uuid(1), 'missing-in-netsuite', 'resend', 'apsync'],
      [uuid(2), 'missing-in-netsuite', 'none', 'hand-edit'],
    ]);
  });

  it('a linked bill gone from Procurify is reported for a person, with its Vendor Bill total', () => {
    const result = compareBills(billInput([link('bill', '1001', uuid(1))], [nsBill('1001', 1)], []));
    expect(
      result.discrepancies.map((entry) => [entry.procurifyId, entry.kind, entry.action, entry.owner]),
    ).toEqual([[uuid(1), 'missing-in-procurify', 'none', 'hand-edit']]);
    expect(result.discrepancies[0]!.netsuiteValue).not.toBeNull();
    expect(result.discrepancies[0]!.message).toContain('void the Vendor Bill in NetSuite');
  });

  it('a link to a Vendor Bill with another external id is replaced with the bill that carries the expected one', () => {
    const result = compareBills(
      billInput(
        [link('bill', '1001', uuid(1)), link('bill', '1001', uuid(2))],
        [nsBill('1001', 1), nsBill('1002', 2)],
        [pBill(1), pBill(2)],
      ),
    );
    expect(result.discrepancies).toEqual([
      expect.objectContaining({
        procurifyId: uuid(2),
        kind: 'wrong-link',
        action: 'relink',
        relinkTo: '1002',
        netsuiteId: '1001',
        restoreLinkOf: uuid(1),
      }),
    ]);
  });

  it('a wrong link with no bill carrying the expected external id re-sends the bill', () => {
    const result = compareBills(billInput([link('bill', '1001', uuid(2))], [nsBill('1001', 1)], [pBill(2)]));
    expect(result.discrepancies).toEqual([
      expect.objectContaining({ kind: 'wrong-link', action: 'resend', field: 'externalId' }),
    ]);
  });

  it('a total that differs goes to the plan for approved bills apsync wrote; otherwise it is reported', () => {
    const result = compareBills(
      billInput(
        [link('bill', '1001', uuid(1)), link('bill', '1002', uuid(2), 'legacy')],
        [nsBill('1001', 1, { total: '-140.00' }), nsBill('1002', 2, { externalId: 'OLD-2', total: '-10' })],
        [pBill(1), pBill(2)],
      ),
    );
    expect(result.totalsToCheck.map((entry) => entry.uuid)).toEqual([uuid(1)]);
    expect(result.discrepancies).toEqual([
      expect.objectContaining({
        procurifyId: uuid(2),
        kind: 'field-differs',
        field: 'total',
        owner: 'hand-edit',
      }),
    ]);
  });

  it('judges a differing total: equal to the plan is fine, apsync wrote the plan → edited by hand, else outdated', () => {
    const [suspect] = compareBills(
      billInput(
        [link('bill', '1001', uuid(1))],
        [nsBill('1001', 1, { total: '-140.00' })],
        [pBill(1)],
        [state('bill', uuid(1), { contentHash: 'h1' })],
      ),
    ).totalsToCheck;
    expect(
      judgeBillTotal(suspect!, { kind: 'plan', total: '140.00', currency: 'USD', hash: 'h2' }),
    ).toBeUndefined();
    expect(
      judgeBillTotal(suspect!, { kind: 'plan', total: '150.75', currency: 'USD', hash: 'h1' }),
    ).toMatchObject({
      kind: 'edited-in-netsuite',
      action: 'none',
      owner: 'hand-edit',
      netsuiteValue: '140.00',
      procurifyValue: '150.75',
    });
    expect(
      judgeBillTotal(suspect!, { kind: 'plan', total: '150.75', currency: 'USD', hash: 'h3' }),
    ).toMatchObject({
      kind: 'outdated',
      action: 'resend',
      owner: 'apsync',
    });
    expect(judgeBillTotal(suspect!, { kind: 'no-plan', reason: 'Waiting for: tax' })).toMatchObject({
      action: 'none',
    });
  });

  it('approved bills without a link are re-sent (or linked to the bill carrying their external id)', () => {
    const result = compareBills(
      billInput(
        [],
        [nsBill('1003', 3)],
        [
          pBill(1),
          pBill(2, { status: 1 }),
          pBill(3),
          pBill(4, { lastModified: '2026-03-01T11:59:00Z' }),
          pBill(5),
        ],
        [state('bill', uuid(5), { status: 'review' })],
      ),
    );
    expect(
      result.discrepancies.map((entry) => [entry.procurifyId, entry.kind, entry.action, entry.relinkTo]),
    ).toEqual([
      [uuid(1), 'not-linked', 'resend', undefined],
      [uuid(3), 'not-linked', 'relink', '1003'],
    ]);
  });

  it('paid status: paid on one side only, with the action of the payment mode', () => {
    const links = new Map([
      [uuid(1), link('bill', '1001', uuid(1))],
      [uuid(2), link('bill', '1002', uuid(2))],
      [uuid(3), link('bill', '1003', uuid(3))],
    ]);
    const indexes = indexBills(
      [
        nsBill('1001', 1),
        nsBill('1002', 2, { status: 'B', unpaid: '0' }),
        nsBill('1003', 3, { status: 'B' }),
      ],
      [pBill(1, { status: 4 }), pBill(2), pBill(3, { status: 4 })],
    );
    const push = comparePaidStatus({ links, mode: 'push' }, indexes);
    expect(
      push.discrepancies.map((entry) => [entry.procurifyId, entry.kind, entry.action, entry.owner]),
    ).toEqual([
      [uuid(1), 'paid-in-procurify-only', 'none', 'apsync'],
      [uuid(2), 'paid-in-netsuite-only', 'none', 'hand-edit'],
    ]);
    const pull = comparePaidStatus({ links, mode: 'pull' }, indexes);
    expect(pull.discrepancies.map((entry) => [entry.kind, entry.action])).toEqual([
      ['paid-in-procurify-only', 'none'],
      ['paid-in-netsuite-only', 'mark-paid'],
    ]);
  });
});

describe('payments', () => {
  const payment = (id: string, extra = {}) => ({
    id,
    status: 'paid',
    amount: '100.00',
    currency: 'USD',
    updatedAt: old,
    ...extra,
  });
  const nsPayment = (id: string, paymentId: string, extra = {}) => ({
    id,
    externalId: `procurify-pay-${paymentId}`,
    total: '-100.00',
    voided: false,
    lastModified: old,
    ...extra,
  });
  const input = (
    links: RecordLink[],
    netsuite: ReturnType<typeof nsPayment>[],
    procurify: ReturnType<typeof payment>[],
    states: RecordState[] = [],
  ) => ({
    links: new Map(links.map((entry) => [entry.procurifyId, entry])),
    states: new Map(states.map((entry) => [entry.ref.id, entry])),
    netsuite,
    procurify,
    mode: 'push' as const,
    now,
    graceMs: 0,
  });

  it('reports deleted, voided, re-pointed and changed Vendor Payments with what to do', () => {
    const result = comparePayments(
      input(
        [
          link('payment', '2001', '1'),
          link('payment', '2002', '2'),
          link('payment', '2003', '3'),
          link('payment', '2004', '4'),
          link('payment', '2005', '5'),
        ],
        [
          nsPayment('2002', '2', { voided: true }),
          nsPayment('2003', '9'),
          nsPayment('2033', '3'),
          nsPayment('2004', '4', { total: '-90.00' }),
          nsPayment('2005', '5'),
        ],
        [payment('1'), payment('2'), payment('3'), payment('4'), payment('5')],
      ),
    );
    expect(
      result.discrepancies.map((entry) => [entry.procurifyId, entry.kind, entry.action, entry.owner]),
    ).toEqual([
      ['1', 'missing-in-netsuite', 'none', 'hand-edit'],
      ['2', 'voided-in-netsuite', 'none', 'hand-edit'],
      ['3', 'wrong-link', 'relink', 'apsync'],
      ['4', 'edited-in-netsuite', 'none', 'hand-edit'],
    ]);
  });

  it('in push mode, a paid payment with no Vendor Payment is pushed; pull mode and parked payments are explained', () => {
    const result = comparePayments(
      input(
        [],
        [],
        [payment('1'), payment('2', { status: 'approved' }), payment('3')],
        [state('payment', '3', { status: 'failed' })],
      ),
    );
    expect(result.discrepancies.map((entry) => [entry.procurifyId, entry.kind, entry.action])).toEqual([
      ['1', 'not-linked', 'push'],
    ]);
    expect(comparePayments({ ...input([], [], [payment('1')]), mode: 'pull' }).discrepancies).toEqual([]);
  });
});

describe('amounts', () => {
  it('reads SuiteQL and Procurify amounts exactly', () => {
    expect(amountUnits('.5')).toBe(50_000_000n);
    expect(amountUnits('-120.5')).toBe(-12_050_000_000n);
    expect(amountUnits('abc')).toBeUndefined();
    expect(showAmount('-143.190')).toBe('143.19');
    expect(showAmount(10)).toBe('10.00');
  });
});

describe('a run', () => {
  function fakeRepairs(calls: string[]): ReconcileRepairs {
    const record =
      (what: string) =>
      async (...args: unknown[]) => {
        calls.push(`${what} ${args.slice(0, 2).join(' ')}`);
        return `${what} done`;
      };
    return {
      resyncMasterRecord: record('resync'),
      deactivateMasterRecord: record('deactivate'),
      resendBill: record('resend'),
      relink: record('relink'),
      pushPayment: record('push'),
      markBillPaid: record('mark-paid'),
    };
  }
  const empty = async function* <T>(): AsyncIterable<T> {};
  const from = <T>(items: T[]) =>
    async function* (): AsyncIterable<T> {
      yield* items;
    };

  const deps = (calls: string[]) => ({
    netsuite: {
      vendors: from([nsVendor('101')]),
      accounts: empty,
      departments: empty,
      vendorBills: from<NetSuiteBillRow>([]),
      vendorPayments: empty,
    },
    procurify: {
      vendors: from([pVendor(1, '101', { name: 'Hand Edit', phoneOne: '555' }), pVendor(2, '102')]),
      accountCodes: empty,
      departments: empty,
      bills: from([pBill(1)]),
      payments: empty,
    },
    state: {
      snapshot: async () => ({
        links: [
          { from: 'netsuite' as const, link: link('vendor', '101', '1') },
          { from: 'netsuite' as const, link: link('vendor', '102', '2') },
          { from: 'procurify' as const, link: link('bill', '1001', uuid(1)) },
        ],
        states: [],
      }),
    },
    plans: { planOf: async () => ({ kind: 'no-plan' as const, reason: 'unused' }) },
    repairs: fakeRepairs(calls),
    paymentMode: async () => 'push' as const,
    scope: {},
    lookups: async () => lookups,
    now: () => now,
  });

  it('repairs master data at once, one repair per record; transactions wait for fix', async () => {
    const calls: string[] = [];
    const report = await reconcile(deps(calls), { areas: ['vendor', 'bill'] });
    expect(calls).toEqual(['resync vendor 101', 'deactivate vendor 102']);
    expect(report.counts).toEqual({
      vendor: { 'field-differs': 2, 'deleted-in-netsuite': 1 },
      bill: { 'missing-in-netsuite': 1 },
    });
    expect(report.totals).toEqual({ discrepancies: 4, repaired: 3, needsFix: 1, failed: 0, open: 1 });
    expect(report.discrepancies.find((entry) => entry.area === 'bill')?.repair?.status).toBe('needs-fix');

    const fixed: string[] = [];
    const withFix = await reconcile(deps(fixed), { areas: ['bill'], fix: true });
    expect(fixed).toEqual([`resend ${uuid(1)} reconcile: missing-in-netsuite`]);
    expect(withFix.totals.open).toBe(0);
  });

  it('writes a CSV report an accountant can open: heading, counts by kind, every discrepancy', async () => {
    const report = await reconcile(deps([]), { areas: ['vendor', 'bill', 'payment'] });
    const csv = reconcileReportCsv(report);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('apsync reconciliation report');
    expect(lines[1]).toBe(`reconciled as of,${now.toISOString()}`);
    expect(csv).toContain('vendor,1,field-differs,2\r\n');
    expect(csv).toContain('payment,0,none,0\r\n');
    expect(csv).toContain(
      'area,kind,netsuite id,procurify id,field,netsuite value,procurify value,owner,action,repair,repair detail,what to do\r\n',
    );
    expect(csv).toMatch(
      /vendor,field-differs,101,1,name,Vendor 101,Hand Edit,apsync,resync,done,resync done,/,
    );
  });
});
