// The NetSuite side of a bill as the bill-sync decision (shared/bills/decide-bill.ts) looks it up
// (bill-coding.ts) and plans it (bill-plan.ts), over in-memory NetSuite and state: the subsidiary (by
// Procurify location, configured, or the vendor's), currency and terms, account codes, departments
// (linked or by name), locations, classes, custom segment values and the configured tax, shipping and
// cost accounts — each parked naming what is missing, inactive or not available in the subsidiary — and
// the Vendor Bill written when everything maps: tax inclusive and exclusive, shipping, costs, credit
// lines, custom fields from the bill and its lines, currencies without decimals, rounding to the cent.
import { beforeEach, describe, expect, it } from 'vitest';
import type { BillSyncSettingsInput } from '../../../shared/bills/bill-sync-settings.ts';
import { type BillDecision, decideBill } from '../../../shared/bills/decide-bill.ts';
import { syncBill } from '../../../shared/bills/sync-bill.ts';
import { DataError } from '../../../shared/errors.ts';
import type { ProcurifyBill } from '../../../shared/procurify/schemas.ts';
import { allocation, apBill, BillWorld, billItem, billUuid, pdf, procurifyBill } from './world.ts';

const anywhere = { subsidiaries: [], includeChildren: false };
const onlyIn = (subsidiaries: string[], includeChildren = false) => ({ subsidiaries, includeChildren });

const ref = { system: 'procurify', kind: 'bill', id: billUuid } as const;
let world: BillWorld;

beforeEach(async () => {
  world = new BillWorld();
  await world.linkVendor();
  const reference = world.netsuite.reference;
  // Northwind US (1) with a child, Northwind West (3); Northwind CA (2) stands alone.
  reference.subsidiaries.push(
    { id: '2', name: 'Northwind CA', inactive: false },
    { id: '3', name: 'Northwind West', parent: '1', inactive: false },
  );
  reference.currencies.push(
    { id: '2', code: 'EUR', precision: 2, inactive: true },
    { id: '3', code: 'JPY', precision: 0 },
  );
  reference.accounts.push(
    { id: '24', acctnumber: '2400', inactive: false, ...anywhere },
    { id: '26', acctnumber: '2600', inactive: false, ...anywhere },
    { id: '27', acctnumber: '2700', inactive: true, ...anywhere },
    { id: '28', acctnumber: '2800', inactive: false, ...onlyIn(['2']) },
  );
  reference.locations.push(
    { id: '1', name: 'Seattle', inactive: false, ...anywhere },
    { id: '2', name: 'Vancouver', inactive: false, ...anywhere },
    { id: '5', name: 'Old Vancouver', inactive: true, ...anywhere },
    { id: '6', name: 'Toronto', inactive: false, ...onlyIn(['2']) },
  );
  reference.classes.push(
    { id: '70', name: 'General', inactive: false, ...anywhere },
    { id: '71', name: 'Brand', inactive: false, ...anywhere },
    { id: '72', name: 'Retired', inactive: true, ...anywhere },
    { id: '73', name: 'Canada only', inactive: false, ...onlyIn(['2']) },
  );
  reference.segmentValues.cseg_region = [
    { id: '1', name: 'West', inactive: false, ...anywhere },
    { id: '2', name: 'East', inactive: true, ...anywhere },
    { id: '3', name: 'North', inactive: false, ...onlyIn(['2']) },
  ];
});

async function decide(
  overrides: Partial<ProcurifyBill> = {},
  settings?: BillSyncSettingsInput,
): Promise<BillDecision> {
  if (settings !== undefined) await world.configure(settings);
  return decideBill(apBill(overrides), world.syncDeps());
}

type Written = Extract<BillDecision, { kind: 'write' }>;

function written(decision: BillDecision): Written {
  if (decision.kind !== 'write') throw new Error(`expected a write, got ${JSON.stringify(decision)}`);
  return decision;
}

/** The message of a parked decision (what the operator reads). */
function parkMessage(decision: BillDecision): string {
  if (decision.kind !== 'park') throw new Error(`expected a park, got ${JSON.stringify(decision)}`);
  return decision.message;
}

const lines = (decision: BillDecision) => written(decision).plan.body.expense.items;

/** The bill of the world with its one line coded to `code` in department `department` (3 Vancouver, 4 Seattle). */
const codedTo = (code: string, department = 3): Partial<ProcurifyBill> => ({
  items: [billItem({ cost_allocations: [allocation(11, '100.50', code, department)] })],
});

/** One line of 100.00 split over Marketing (Vancouver) and Operations (Seattle). */
const split = (overrides: Parameters<typeof billItem>[0] = {}): Partial<ProcurifyBill> => ({
  total_cost: '100.00',
  items: [
    billItem({
      total_cost: '100.00',
      cost_allocations: [allocation(11, '60.00', '6100', 3), allocation(12, '40.00', '6200', 4)],
      ...overrides,
    }),
  ],
});

describe('bill coding: the subsidiary', () => {
  it("writes to the subsidiary of the lines' Procurify location when the vendor is shared with it", async () => {
    world.netsuite.reference.vendorSharedSubsidiaries['101'] = ['2'];
    const decision = await decide({}, { subsidiaryByLocation: { Vancouver: '2', Seattle: '1' } });
    expect(written(decision).plan.body.subsidiary).toEqual({ id: '2' });
  });

  it('parks a bill whose vendor is not shared with that subsidiary, naming both', async () => {
    expect(await decide({}, { subsidiaryByLocation: { Vancouver: '2' } })).toEqual({
      kind: 'park',
      waitingFor: ['subsidiary:vendor:101'],
      message:
        'Waiting for: vendor Northwind Paper Co (NetSuite 101) is not shared with subsidiary Northwind CA; add the subsidiary to the vendor',
    });
  });

  it('parks a bill whose lines are in locations of several subsidiaries', async () => {
    const decision = await decide(split(), { subsidiaryByLocation: { Vancouver: '2', Seattle: '1' } });
    expect(decision).toMatchObject({ kind: 'park', waitingFor: ['subsidiary:several'] });
    expect(parkMessage(decision)).toContain(
      "the bill's lines are in Procurify locations of several subsidiaries (Northwind CA, Northwind US); split the bill in Procurify",
    );
  });

  it('uses the configured subsidiary when no location maps, naming an unknown one by its id', async () => {
    world.netsuite.reference.vendorSharedSubsidiaries['101'] = ['3'];
    const west = await decide({}, { subsidiaryId: '3', subsidiaryByLocation: { Toronto: '2' } });
    expect(written(west).plan.body.subsidiary).toEqual({ id: '3' });
    expect(await decide({}, { subsidiaryId: '9' })).toMatchObject({
      kind: 'park',
      waitingFor: ['subsidiary:vendor:101'],
      message: expect.stringContaining('is not shared with subsidiary 9;'),
    });
  });

  it('parks a bill whose vendor link names a NetSuite vendor that no longer exists', async () => {
    await world.state.link({ kind: 'vendor', netsuiteId: '999', procurifyId: '7', origin: 'created' });
    expect(await decide()).toEqual({
      kind: 'park',
      waitingFor: ['vendor:999'],
      message:
        'Waiting for: vendor Northwind Paper Co is linked to NetSuite vendor 999, which no longer exists',
    });
  });

  it('parks a bill whose vendor has no subsidiary when none is configured', async () => {
    world.netsuite.reference.vendors[0] = { id: '101', inactive: false };
    expect(await decide()).toEqual({
      kind: 'park',
      waitingFor: ['setting:subsidiary'],
      message:
        'Waiting for: NetSuite vendor 101 has no subsidiary; set one, or configure the bill subsidiary',
    });
  });
});

describe('bill coding: currency and terms', () => {
  it('parks a bill in a currency that is not active and with terms NetSuite does not have', async () => {
    const decision = await decide({ currency: { id: 2, name: 'EUR' }, payment_terms: 'Net 45' });
    expect(decision).toEqual({
      kind: 'park',
      waitingFor: ['currency:EUR', 'term:Net 45'],
      message:
        'Waiting for: currency EUR is not an active NetSuite currency; payment terms "Net 45": no active NetSuite term has this name',
    });
  });

  it('writes a bill without terms, dates or invoice number with none of them', async () => {
    const decision = await decide({
      payment_terms: '  ',
      note: null,
      invoice_date: null,
      due_date: null,
      invoice_number: null,
    });
    const body = written(decision).plan.body;
    expect(body).not.toHaveProperty('terms');
    expect(body).not.toHaveProperty('tranDate');
    expect(body).not.toHaveProperty('dueDate');
    expect(body).not.toHaveProperty('tranId');
    expect(body.memo).toBe('Procurify bill 42');
  });

  it('writes whole amounts in a currency without decimals, and parks a total it cannot hold', async () => {
    const yen = (amount: string) => ({
      currency: { id: 3, name: 'JPY' },
      total_cost: amount,
      items: [billItem({ total_cost: amount, cost_allocations: [allocation(11, amount, '6100', 3)] })],
    });
    const decision = await decide(yen('10050'));
    expect(written(decision).plan.body).toMatchObject({ currency: { id: '3' } });
    expect(lines(decision).map((line) => line.amount)).toEqual([10050]);
    expect(written(decision).plan.totals).toMatchObject({ currency: 'JPY', total: '10050' });
    expect(await decide(yen('10050.5'))).toEqual({
      kind: 'park',
      waitingFor: ['amounts'],
      message:
        'Waiting for: the total 10050.50 has more decimals than JPY allows (0); correct the bill in Procurify',
    });
  });
});

describe('bill coding: account codes and departments', () => {
  it('parks account codes that several active accounts share, that are inactive or not available', async () => {
    world.netsuite.reference.accounts.push({ id: '25', acctnumber: '2400', inactive: false, ...anywhere });
    const twice = await decide(codedTo('2400'));
    expect(twice).toMatchObject({ kind: 'park', waitingFor: ['account-code:2400'] });
    expect(parkMessage(twice)).toContain(
      'account code 2400: 2 active NetSuite accounts have this Number (ids 24, 25); make it unique',
    );
    expect(parkMessage(await decide(codedTo('2700')))).toBe(
      'Waiting for: account code 2700: NetSuite account 27 with this Number is inactive',
    );
    expect(parkMessage(await decide(codedTo('2800')))).toBe(
      'Waiting for: account code 2800: NetSuite account 28 is not available in subsidiary Northwind US',
    );
  });

  it("uses an account restricted to the bill subsidiary's parent when it includes children", async () => {
    world.netsuite.reference.vendors[0] = { id: '101', subsidiary: '3', inactive: false };
    world.netsuite.reference.accounts.push(
      { id: '31', acctnumber: '3100', inactive: false, ...onlyIn(['1'], true) },
      { id: '32', acctnumber: '3200', inactive: false, ...onlyIn(['1']) },
      { id: '33', acctnumber: '3300', inactive: false, ...onlyIn(['2'], true) },
    );
    expect(lines(await decide(codedTo('3100')))[0]).toMatchObject({ account: { id: '31' } });
    expect(parkMessage(await decide(codedTo('3200')))).toBe(
      'Waiting for: account code 3200: NetSuite account 32 is not available in subsidiary Northwind West',
    );
    expect(parkMessage(await decide(codedTo('3300')))).toBe(
      'Waiting for: account code 3300: NetSuite account 33 is not available in subsidiary Northwind West',
    );
  });

  it('uses the department the master-data sync linked, whatever its name', async () => {
    world.netsuite.reference.departments.push({ id: '35', name: 'Mktg', inactive: false, ...anywhere });
    await world.state.link({ kind: 'department', netsuiteId: '35', procurifyId: '3', origin: 'created' });
    expect(lines(await decide())[0]).toMatchObject({ department: { id: '35' } });
  });

  it('parks a department whose linked NetSuite department is gone or inactive', async () => {
    await world.state.link({ kind: 'department', netsuiteId: '36', procurifyId: '3', origin: 'created' });
    expect(await decide()).toEqual({
      kind: 'park',
      waitingFor: ['department:Marketing'],
      message: 'Waiting for: department Marketing (Procurify 3): its NetSuite department 36 no longer exists',
    });
    world.netsuite.reference.departments.push({ id: '36', name: 'Marketing', inactive: true, ...anywhere });
    expect(parkMessage(await decide())).toBe(
      'Waiting for: department Marketing (Procurify 3): its NetSuite department 36 is inactive',
    );
  });

  it('parks an unlinked department that no active department or several have the name of', async () => {
    world.netsuite.reference.departments = [
      { id: '30', name: 'Marketing', inactive: false, ...anywhere },
      { id: '31', name: 'Marketing', inactive: false, ...anywhere },
      { id: '40', name: 'Operations', inactive: true, ...anywhere },
    ];
    const decision = await decide(split());
    expect(decision).toEqual({
      kind: 'park',
      waitingFor: ['department:Marketing', 'department:Operations'],
      message:
        'Waiting for: department Marketing (Procurify 3): not linked to a NetSuite department, and 2 active NetSuite departments have this name (ids 30, 31); link one; department Operations (Procurify 4): not linked to a NetSuite department, and no active NetSuite department has this name',
    });
  });

  it('parks a department not available in the subsidiary', async () => {
    world.netsuite.reference.departments[0] = {
      id: '30',
      name: 'Marketing',
      inactive: false,
      ...onlyIn(['2']),
    };
    expect(parkMessage(await decide())).toBe(
      'Waiting for: department Marketing (Procurify 3): NetSuite department 30 is not available in subsidiary Northwind US',
    );
  });
});

describe('bill coding: locations, classes and custom segments', () => {
  it("writes each line's location and class from its department", async () => {
    const decision = await decide(split(), {
      location: { byProcurifyLocation: { Vancouver: '2', Seattle: '1' } },
      class: { byDepartment: { Marketing: '71' }, defaultId: '70' },
    });
    expect(lines(decision).map((line) => [line.amount, line.location, line.class])).toEqual([
      [60, { id: '2' }, { id: '71' }],
      [40, { id: '1' }, { id: '70' }],
    ]);
  });

  it('parks locations that are not configured, gone, inactive or not available', async () => {
    const settings = { location: { byProcurifyLocation: { Vancouver: '5' } } };
    expect(await decide(split(), settings)).toEqual({
      kind: 'park',
      waitingFor: ['location:Seattle', 'location:Vancouver'],
      message:
        'Waiting for: Procurify location Seattle: no NetSuite location configured for it (bills config: location.byProcurifyLocation); Procurify location Vancouver: NetSuite location 5 is inactive',
    });
    expect(parkMessage(await decide({}, { location: { byProcurifyLocation: { Vancouver: '8' } } }))).toBe(
      'Waiting for: Procurify location Vancouver: NetSuite location 8 does not exist',
    );
    expect(parkMessage(await decide({}, { location: { byProcurifyLocation: { Vancouver: '6' } } }))).toBe(
      'Waiting for: Procurify location Vancouver: NetSuite location 6 is not available in subsidiary Northwind US',
    );
  });

  it('writes no location for a department Procurify gives no location for', async () => {
    const item = billItem();
    item.cost_allocations[0]!.budget.department.branch = null;
    const decision = await decide({ items: [item] }, { location: { byProcurifyLocation: {} } });
    expect(lines(decision)[0]).not.toHaveProperty('location');
    expect(lines(decision)[0]).toMatchObject({ department: { id: '30' } });
  });

  it('parks classes that are not configured, gone, inactive or not available', async () => {
    expect(await decide(split(), { class: { byDepartment: { Marketing: '72' } } })).toEqual({
      kind: 'park',
      waitingFor: ['class:Operations', 'class:Marketing'],
      message:
        'Waiting for: department Operations: no NetSuite class configured for it (bills config: class.byDepartment or class.defaultId); department Marketing: NetSuite class 72 is inactive',
    });
    expect(
      parkMessage(await decide({}, { class: { byDepartment: { Marketing: '79' }, defaultId: '70' } })),
    ).toBe('Waiting for: department Marketing: NetSuite class 79 does not exist');
    expect(parkMessage(await decide({}, { class: { defaultId: '73' } }))).toBe(
      'Waiting for: department Marketing: NetSuite class 73 is not available in subsidiary Northwind US',
    );
    expect(parkMessage(await decide({}, { class: {} }))).toBe(
      'Waiting for: department Marketing: no NetSuite class configured for it (bills config: class.byDepartment or class.defaultId)',
    );
  });

  it('writes a custom segment value mapped from a line field, and parks one gone, inactive or not available', async () => {
    const region = (value: string) => ({
      items: [billItem({ custom_fields: [{ value, field: { name: 'Region' } }] })],
    });
    const settings = {
      customFields: [
        {
          field: 'cseg_region',
          from: { lineField: 'Region' },
          values: { West: '1', East: '2', North: '3', South: '4' },
        },
      ],
    };
    expect(lines(await decide(region('West'), settings))[0]).toMatchObject({ cseg_region: { id: '1' } });
    expect(parkMessage(await decide(region('East')))).toBe(
      'Waiting for: cseg_region: value East is inactive',
    );
    expect(parkMessage(await decide(region('North')))).toBe(
      'Waiting for: cseg_region: value North is not available in subsidiary Northwind US',
    );
    expect(await decide(region('South'))).toEqual({
      kind: 'park',
      waitingFor: ['field:cseg_region=4'],
      message: 'Waiting for: cseg_region: value 4 does not exist',
    });
    expect(await decide(region('Central'))).toEqual({
      kind: 'park',
      waitingFor: ['field:cseg_region=Central'],
      message:
        'Waiting for: cseg_region: Procurify value "Central" has no NetSuite id in the configuration (bills config: customFields cseg_region values)',
    });
  });
});

describe('bill coding: tax, shipping and costs', () => {
  const taxed = (overrides: Parameters<typeof billItem>[0]) =>
    billItem({ total_cost: '100.00', cost_allocations: [allocation(11, '100.00', '6100', 3)], ...overrides });

  it('writes exclusive and inclusive tax as lines to the tax accounts, named by tax name or rate', async () => {
    const decision = await decide(
      {
        total_cost: '200.00',
        items: [
          taxed({
            tax_name: 'GST',
            tax_percentage: '5.00000000',
            tax_amount: '5.00',
            total_cost_with_tax: '105.00',
          }),
          taxed({
            id: 2,
            description: 'Ink',
            tax_percentage: '12.5',
            tax_amount: '12.50',
            tax_is_inclusive: true,
          }),
          taxed({
            id: 3,
            description: 'Labels',
            total_cost: '0.00',
            tax_amount: '0.75',
            cost_allocations: [allocation(13, '0.00', '6100', 3)],
          }),
        ],
      },
      { tax: { strategy: 'tax-lines', accounts: { GST: '24' }, defaultAccountId: '26' } },
    );
    expect(lines(decision).map((line) => [line.account.id, line.amount, line.memo])).toEqual([
      ['61', 100, 'Paper'],
      ['24', 5, 'GST 5% on Paper'],
      ['61', 100, 'Ink'],
      ['26', 12.5, 'Tax 12.5% (included) on Ink'],
      ['26', 0.75, 'Tax on Labels'],
    ]);
    expect(written(decision).plan.totals).toMatchObject({ lines: '200.00', tax: '18.25', total: '218.25' });
  });

  it('parks a taxed line whose tax name has no account and no default', async () => {
    const decision = await decide(
      { total_cost: '100.00', items: [taxed({ tax_percentage: '7', tax_amount: '7.00' })] },
      { tax: { strategy: 'tax-lines', accounts: { GST: '24' } } },
    );
    expect(decision).toEqual({
      kind: 'park',
      waitingFor: ['tax:Tax 7%'],
      message:
        'Waiting for: tax Tax 7%: no NetSuite tax account configured for it (bills config: tax.accounts["Tax 7%"] or tax.defaultAccountId)',
    });
  });

  it('parks configured tax, shipping and cost accounts that are gone, inactive or not available', async () => {
    const decision = await decide(
      {
        total_cost: '110.00',
        items: [taxed({ tax_name: 'GST', tax_amount: '5.00', shipping_amount: '7.00' })],
        costs: [
          { id: 1, name: 'Freight', amount: '10.00', cost_allocation: allocation(90, '10.00', '6100', 3) },
        ],
      },
      {
        tax: { strategy: 'tax-lines', accounts: { GST: '29' } },
        shipping: { mode: 'account', accountId: '27' },
        costs: { mode: 'account', accountId: '28' },
      },
    );
    expect(decision).toEqual({
      kind: 'park',
      waitingFor: ['setting:account:29', 'setting:account:27', 'setting:account:28'],
      message:
        'Waiting for: configured NetSuite account 29 does not exist; configured NetSuite account 27 is inactive; configured NetSuite account 28 is not available in subsidiary Northwind US',
    });
  });

  it('writes shipping of a free line and costs to the configured accounts, leaving out a cost of zero', async () => {
    const decision = await decide(
      {
        total_cost: '10.00',
        items: [
          taxed({
            description: 'Sample',
            total_cost: '0.00',
            shipping_amount: '7.50',
            cost_allocations: [allocation(11, '0.00', '6100', 3)],
          }),
        ],
        costs: [
          { id: 1, name: 'Freight', amount: '10.00', cost_allocation: allocation(90, '10.00', '6200', 4) },
          { id: 2, name: 'Waived fee', amount: '0.00', cost_allocation: allocation(91, '0.00', '6200', 4) },
        ],
      },
      { shipping: { mode: 'account', accountId: '26' }, costs: { mode: 'account', accountId: '24' } },
    );
    expect(lines(decision)).toEqual([
      { account: { id: '26' }, amount: 7.5, department: { id: '30' }, memo: 'Shipping: Sample' },
      { account: { id: '24' }, amount: 10, department: { id: '40' }, memo: 'Cost: Freight' },
    ]);
  });

  it('spreads costs over the lines when configured, needing nothing of their own coding', async () => {
    const decision = await decide(
      {
        total_cost: '110.00',
        items: [billItem({ total_cost: '100.00', cost_allocations: [allocation(11, '100.00', '6100', 3)] })],
        costs: [{ id: 1, name: 'Fee', amount: '10.00', cost_allocation: allocation(90, '10.00', '9999', 4) }],
      },
      { costs: { mode: 'apportion' } },
    );
    expect(lines(decision)).toEqual([
      { account: { id: '61' }, amount: 110, department: { id: '30' }, memo: 'Paper' },
    ]);
  });

  it('rounds a credit line and its bill to the cent so that the lines add up to the total', async () => {
    const decision = await decide({
      total_cost: '15.00',
      items: [
        billItem({ total_cost: '20.125', cost_allocations: [allocation(11, '20.125', '6100', 3)] }),
        billItem({
          id: 2,
          description: 'Credit',
          total_cost: '-5.125',
          cost_allocations: [allocation(12, '-5.125', '6100', 3)],
        }),
      ],
    });
    expect(lines(decision).map((line) => line.amount)).toEqual([20.13, -5.13]);
    expect(written(decision).plan.totals).toMatchObject({ lines: '15.00', total: '15.00' });
  });

  it('shows exact sums that only add up to whole cents together', async () => {
    const decision = await decide(
      {
        total_cost: '10.005',
        items: [
          billItem({
            total_cost: '10.005',
            tax_name: 'GST',
            tax_amount: '0.005',
            cost_allocations: [allocation(11, '10.005', '6100', 3)],
          }),
        ],
      },
      { tax: { strategy: 'tax-lines', accounts: { GST: '24' } } },
    );
    expect(written(decision).plan.totals).toMatchObject({ lines: '10.005', tax: '0.005', total: '10.01' });
    // The tax share rounds to nothing: the line takes the cent, and no empty tax line is written.
    expect(lines(decision).map((line) => [line.account.id, line.amount])).toEqual([['61', 10.01]]);
  });
});

describe('bill coding: refusals and custom fields from the bill', () => {
  /** Syncs the bill Procurify now has, expecting the DataError that fails it; returns the failed state. */
  async function failed(bill: ProcurifyBill) {
    world.procurify.putBill(bill);
    await expect(syncBill(world.message(), world.syncDeps())).rejects.toBeInstanceOf(DataError);
    return world.state.getState(ref);
  }

  it('fails a bill without lines, or with nothing to bill, naming it by its UUID when it has no invoice number', async () => {
    expect(
      await failed(procurifyBill({ invoice_number: null, items: [], total_cost: '0.00' })),
    ).toMatchObject({
      status: 'failed',
      errorClass: 'data',
      message: `Bill ${billUuid} has no lines`,
    });
    const nothing = procurifyBill({
      total_cost: '0.00',
      items: [billItem({ total_cost: '0.00', cost_allocations: [allocation(11, '0.00', '6100', 3)] })],
    });
    expect(await failed(nothing)).toMatchObject({
      status: 'failed',
      message: 'Bill INV-1001 has nothing to bill (total 0.00)',
    });
    expect(world.netsuite.writes).toEqual([]);
  });

  it('fails a line whose cost allocations do not add up to it', async () => {
    const bill = procurifyBill({
      items: [billItem({ cost_allocations: [allocation(11, '100.00', '6100', 3)] })],
    });
    expect(await failed(bill)).toMatchObject({
      status: 'failed',
      message: 'Bill INV-1001: the cost allocations of line 1 (Paper) add up to 100.00, the line is 100.50',
    });
  });

  it('fills body fields from the bill and lines, a body field from its lines when they agree', async () => {
    const item = (id: number, cost: string, project: string) =>
      billItem({
        id,
        bill_by_cost: false,
        quantity: '3',
        unit_cost: cost,
        total_cost: `${Number(cost) * 3}.00`,
        custom_fields: [{ value: project, field: { name: 'Project' } }],
        cost_allocations: [allocation(id, `${Number(cost) * 3}.00`, '6100', 3)],
      });
    const settings = {
      customFields: [
        { field: 'custbody_terms_text', from: { billField: 'paymentTerms' as const } },
        { field: 'custbody_note', from: { billField: 'note' as const } },
        { field: 'custbody_invoice', from: { billField: 'invoiceNumber' as const } },
        { field: 'custbody_project', from: { lineField: 'Project' } },
        { field: 'custcol_unit_cost', from: { lineValue: 'unitCost' as const } },
      ],
    };
    const agree = await decide(
      { total_cost: '45.00', note: 'Q1', items: [item(1, '5', 'Apollo'), item(2, '10', 'Apollo')] },
      settings,
    );
    const body = written(agree).plan.body;
    expect(body).toMatchObject({
      custbody_terms_text: 'Net 30',
      custbody_note: 'Q1',
      custbody_invoice: 'INV-1001',
      custbody_project: 'Apollo',
    });
    expect(body.memo).toBe('Q1');
    expect(body.expense.items.map((line) => [line.memo, line.custcol_unit_cost])).toEqual([
      ['Paper (3 × 5.00)', 5],
      ['Paper (3 × 10.00)', 10],
    ]);

    const differ = await decide({
      total_cost: '45.00',
      note: null,
      payment_terms: null,
      items: [item(1, '5', 'Apollo'), item(2, '10', 'Gemini')],
    });
    expect(differ).toEqual({
      kind: 'park',
      waitingFor: ['field:custbody_project=differs-between-lines'],
      message:
        'Waiting for: custbody_project: a body field, but its Procurify source differs between lines (Apollo, Gemini)',
    });
  });

  it('leaves out a bill field that is empty and a line value the line has not', async () => {
    const decision = await decide(
      {
        note: '',
        invoice_number: null,
        items: [billItem({ bill_by_cost: false, quantity: '2', unit_cost: null })],
      },
      {
        customFields: [
          { field: 'custbody_note', from: { billField: 'note' } },
          { field: 'custbody_invoice', from: { billField: 'invoiceNumber' } },
          { field: 'custcol_unit_cost', from: { lineValue: 'unitCost' } },
        ],
      },
    );
    const body = written(decision).plan.body;
    expect(body).not.toHaveProperty('custbody_note');
    expect(body).not.toHaveProperty('custbody_invoice');
    expect(body.memo).toBe('Procurify bill 42');
    expect(body.expense.items[0]).not.toHaveProperty('custcol_unit_cost');
  });

  it('stores invoice files without a name or type under a numbered name as binary', async () => {
    const file = { ...pdf('cccc3333-0000'), name: null, mimetype: null };
    const decision = await decide({ invoice_attachments: [file] }, { attachments: { folderId: '77' } });
    expect(written(decision).plan.attachments).toMatchObject([
      { folderId: '77', uuid: 'cccc3333-0000', name: 'invoice-1', mimetype: 'application/octet-stream' },
    ]);
  });
});
