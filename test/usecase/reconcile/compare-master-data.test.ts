// Reconciliation's comparison of master data (shared/reconcile/compare-master-data.ts): vendors, GL
// accounts and departments in scope against the Procurify records linked to them, through the inbound
// worker's own mapping — in sync, not linked (unless recent, on the review list, or an inactive account),
// gone from Procurify, a field that differs (an empty Procurify value is none), outdated, deleted in NetSuite;
// account codes named by their code, and whose active flag only a person can change.
import { describe, expect, it } from 'vitest';
import type { ApAccountCode, ApDepartment, ApVendor } from '../../../shared/ap/master-data.ts';
import {
  compareAccounts,
  compareDepartments,
  compareVendors,
  type MasterComparisonContext,
} from '../../../shared/reconcile/compare-master-data.ts';
import type { Discrepancy } from '../../../shared/reconcile/model.ts';
import type {
  NetSuiteAccountRow,
  NetSuiteDepartmentRow,
  NetSuiteVendorRow,
} from '../../../shared/reconcile/ports.ts';
import type { RecordKind, RecordLink, RecordState, SyncStatus } from '../../../shared/state/model.ts';

const now = new Date('2026-12-03T12:00:00.000Z');
const old = '2026-11-01T00:00:00.000Z';
const recent = '2026-12-03T11:58:00.000Z';

const link = (kind: RecordKind, netsuiteId: string, procurifyId: number): [string, RecordLink] => [
  netsuiteId,
  { kind, netsuiteId, procurifyId: String(procurifyId), origin: 'created', linkedAt: old },
];
const state = (
  kind: RecordKind,
  id: string,
  status: SyncStatus,
  sourceModified = old,
): [string, RecordState] => [
  id,
  { ref: { system: 'netsuite', kind, id }, status, sourceModified, updatedAt: old } as RecordState,
];
const context = (
  links: Array<[string, RecordLink]>,
  states: Array<[string, RecordState]> = [],
  subsidiaryIds?: string[],
): MasterComparisonContext => ({
  links: new Map(links),
  states: new Map(states),
  scope: subsidiaryIds === undefined ? {} : { subsidiaryIds },
  lookups: { currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 },
  now,
  graceMs: 10 * 60_000,
});
const brief = (found: Discrepancy[]) =>
  found.map((d) => [d.kind, d.netsuiteId, d.procurifyId, d.field ?? null, d.action, d.owner]);

const nsVendor = (
  id: string,
  name = `Vendor ${id}`,
  lastModified = old,
  subsidiary = '1',
): NetSuiteVendorRow => ({
  record: {
    id,
    companyName: name,
    isInactive: false,
    email: 'ap@example.com',
    currency: { id: '1' },
    subsidiary: { id: subsidiary },
  },
  currencyCode: 'USD',
  lastModified,
});
const pVendor = (id: number, externalId: string, name = `Vendor ${externalId}`, active = true): ApVendor => ({
  id,
  name,
  active,
  externalId,
  email: ['ap@example.com'],
  addressLineOne: null,
  addressLineTwo: null,
  postalCode: null,
  city: null,
  stateProvince: null,
  country: null,
  phoneOne: null,
  phoneTwo: null,
  fax: null,
  contact: null,
  url: null,
  currencyId: 1,
  paymentTerm: null,
  type: 4,
  lastModified: null,
});

describe('compareVendors', () => {
  it('takes an empty Procurify value for an absent one, and a modification time that is no date as old', () => {
    const undated: NetSuiteVendorRow = { ...nsVendor('103'), lastModified: 'not a date' };
    const found = compareVendors(
      [nsVendor('101'), nsVendor('102', 'Vendor 102'), undated],
      [
        { ...pVendor(1, '101'), phoneOne: '' },
        { ...pVendor(2, '102'), phoneOne: '555-0102' },
      ],
      context([link('vendor', '101', 1), link('vendor', '102', 2)]),
    );
    // 101: no phone in NetSuite, '' in Procurify — in sync. 102: no phone in NetSuite, one in Procurify.
    // 103: unlinked and, with no date, past the grace period.
    expect(brief(found)).toEqual([
      ['field-differs', '102', '2', 'phoneOne', 'resync', 'apsync'],
      ['not-linked', '103', null, null, 'resync', 'apsync'],
    ]);
    expect(found[0]).toMatchObject({ netsuiteValue: null, procurifyValue: '555-0102' });
  });

  it('reports each way a vendor in scope can differ, and a linked vendor gone from NetSuite', () => {
    const found = compareVendors(
      [
        nsVendor('101'), // in sync
        nsVendor('102', 'Renamed'), // name differs
        nsVendor('103'), // not linked
        nsVendor('104', 'New', recent), // not linked, too recent
        nsVendor('105'), // not linked, on the review list
        nsVendor('106'), // linked to a vendor gone from Procurify
        nsVendor('107', 'Vendor 107', '2026-11-20T00:00:00.000Z'), // changed after its last sync
        nsVendor('108', 'Elsewhere', old, '9'), // out of scope
      ],
      [
        pVendor(1, '101'),
        pVendor(2, '102'),
        pVendor(7, '107'),
        pVendor(8, '108', 'x'),
        pVendor(9, '109'),
        pVendor(10, '110', 'Old', false),
      ],
      context(
        [
          link('vendor', '101', 1),
          link('vendor', '102', 2),
          link('vendor', '106', 6),
          link('vendor', '107', 7),
          link('vendor', '108', 8),
          link('vendor', '109', 9), // gone from NetSuite, still active in Procurify
          link('vendor', '110', 10), // gone from NetSuite, inactive already
        ],
        [
          state('vendor', '105', 'review'),
          state('vendor', '107', 'synced'),
          state('vendor', '101', 'synced'),
        ],
        ['1'],
      ),
    );
    expect(brief(found)).toEqual([
      ['field-differs', '102', '2', 'name', 'resync', 'apsync'],
      ['not-linked', '103', null, null, 'resync', 'apsync'],
      ['missing-in-procurify', '106', '6', null, 'none', 'hand-edit'],
      ['outdated', '107', '7', 'lastModified', 'resync', 'apsync'],
      ['deleted-in-netsuite', '109', '9', 'active', 'deactivate', 'apsync'],
    ]);
    const [name, unlinked, missing, outdated, deleted] = found;
    expect(name).toMatchObject({
      netsuiteValue: 'Renamed',
      procurifyValue: 'Vendor 102',
      message:
        'Procurify vendor 2 name is "Vendor 102", NetSuite\'s mapping gives "Renamed": written again from NetSuite',
    });
    expect(unlinked).toMatchObject({
      netsuiteValue: 'Vendor 103',
      message: 'NetSuite vendor 103 is in scope but has no Procurify vendor: synced again',
    });
    expect(missing!.message).toBe(
      'Procurify vendor 6, linked to NetSuite vendor 106, no longer exists in Procurify; if it was removed on purpose, make the NetSuite record inactive; otherwise restore it in Procurify, then apsync review replay vendor:106',
    );
    expect(outdated).toMatchObject({
      netsuiteValue: '2026-11-20T00:00:00.000Z',
      procurifyValue: old,
      message: `NetSuite vendor 107 changed at 2026-11-20T00:00:00.000Z, after the version apsync last synced (${old}): synced again`,
    });
    expect(deleted!.message).toBe(
      'NetSuite vendor 109 no longer exists (deleted without a notice reaching apsync); Procurify vendor 9 is still active: made inactive (never deleted)',
    );
  });

  it('a changed record on the review list is not outdated; an e-mail Procurify lacks is a field that differs', () => {
    const row = nsVendor('101', 'Vendor 101', '2026-11-20T00:00:00.000Z');
    const found = compareVendors(
      [row],
      [pVendor(1, '101')],
      context([link('vendor', '101', 1)], [state('vendor', '101', 'failed')]),
    );
    expect(found).toEqual([]);
    const emails = compareVendors(
      [{ ...row, record: { ...row.record, email: 'b@example.com' } }],
      [{ ...pVendor(1, '101'), email: [] }],
      context([link('vendor', '101', 1)]),
    );
    expect(emails).toMatchObject([{ field: 'email', netsuiteValue: 'b@example.com', procurifyValue: '' }]);
  });
});

const nsAccount = (
  id: string,
  extra: Record<string, unknown> = {},
  lastModified = old,
): NetSuiteAccountRow => ({
  record: {
    id,
    acctNumber: `6${id}`,
    acctName: `Account ${id}`,
    acctType: 'Expense',
    isInactive: false,
    ...extra,
  } as never,
  lastModified,
});
const pCode = (id: number, code: string, extra: Partial<ApAccountCode> = {}): ApAccountCode => ({
  id,
  code,
  description: `Account ${code.slice(1)}`,
  accountType: 2,
  active: true,
  parentId: null,
  ...extra,
});

describe('compareAccounts', () => {
  it('pairs the parent when linked, leaves accounts without a Number and inactive unlinked ones, and sends active-flag changes to a person', () => {
    const found = compareAccounts(
      [
        nsAccount('200'),
        nsAccount('201', { parent: { id: '200' } }), // parent linked: compared
        nsAccount('202', { acctNumber: '' }), // no Number: not synced, not reported
        nsAccount('203', { isInactive: true }), // inactive, no account code: fine
        nsAccount('204', { isInactive: true }), // inactive in NetSuite, active in Procurify
        nsAccount('205'), // active in NetSuite, inactive in Procurify
        nsAccount('206', { parent: { id: '299' } }), // parent not linked: not compared
      ],
      [
        pCode(20, '6200'),
        pCode(21, '6201', { parentId: 99 }),
        pCode(24, '6204'),
        pCode(25, '6205', { active: false }),
        pCode(26, '6206', { parentId: 5 }),
        pCode(28, '6208'),
      ],
      context([
        link('account', '200', 20),
        link('account', '201', 21),
        link('account', '204', 24),
        link('account', '205', 25),
        link('account', '206', 26),
        link('account', '208', 28), // deleted in NetSuite: a person deactivates it
      ]),
    );
    expect(brief(found)).toEqual([
      ['field-differs', '201', '21', 'parent', 'resync', 'apsync'],
      ['field-differs', '204', '24', 'active', 'none', 'hand-edit'],
      ['field-differs', '205', '25', 'active', 'none', 'hand-edit'],
      ['deleted-in-netsuite', '208', '28', 'active', 'none', 'hand-edit'],
    ]);
    expect(found[0]).toMatchObject({ netsuiteValue: '20', procurifyValue: '99' });
    expect(found[1]!.message).toMatch(
      /^deactivate account code 6204 in Procurify: NetSuite account 204 is inactive \(/,
    );
    expect(found[2]!.message).toMatch(
      /^activate account code 6205 in Procurify: NetSuite account 205 is active again \(/,
    );
    expect(found[3]!.message).toMatch(
      /^deactivate account code 6208 in Procurify: NetSuite account 208 was deleted \(/,
    );
  });
});

describe('compareAccounts: an account code is named by its code', () => {
  it('in an account in scope without a link, and in one whose account code is gone from Procurify', () => {
    const found = compareAccounts(
      [nsAccount('210'), nsAccount('211')],
      [],
      context([link('account', '211', 31)]),
    );
    expect(brief(found)).toEqual([
      ['not-linked', '210', null, null, 'resync', 'apsync'],
      ['missing-in-procurify', '211', '31', null, 'none', 'hand-edit'],
    ]);
    expect(found.map((d) => d.netsuiteValue)).toEqual(['6210', '6211']);
    expect(found[0]!.message).toBe(
      'NetSuite account 210 is in scope but has no Procurify account code: synced again',
    );
    expect(found[1]!.message).toMatch(
      /^Procurify account code 31, linked to NetSuite account 211, no longer exists in Procurify; .* apsync review replay account:211$/,
    );
  });
});

describe('compareDepartments', () => {
  it('compares name, active flag, external id and location', () => {
    const row = (id: string, name: string): NetSuiteDepartmentRow => ({
      record: { id, name, isInactive: false } as never,
      lastModified: old,
    });
    const department = (id: number, externalId: string, name: string, locationId = 7): ApDepartment => ({
      id,
      name,
      locationId,
      externalId,
      active: true,
    });
    const found = compareDepartments(
      [row('31', 'Marketing'), row('32', 'Operations')],
      [department(1, '31', 'Marketing'), department(2, '32', 'Operations', 9)],
      context([link('department', '31', 1), link('department', '32', 2)]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'field-differs',
        netsuiteId: '32',
        field: 'branch',
        netsuiteValue: '7',
        procurifyValue: '9',
        action: 'resync',
      }),
    ]);
  });
  it('expects a department whose subsidiaries map to different locations at the default location', () => {
    const split: NetSuiteDepartmentRow = {
      record: {
        id: '33',
        name: 'Shared',
        isInactive: false,
        subsidiary: { items: [{ id: '1' }, { id: '2' }] },
      } as never,
      lastModified: old,
    };
    const shared = (locationId: number): ApDepartment => ({
      id: 3,
      name: 'Shared',
      locationId,
      externalId: '33',
      active: true,
    });
    const mapped: MasterComparisonContext = {
      ...context([link('department', '33', 3)]),
      lookups: {
        currencyIds: new Map(),
        departmentLocationId: 7,
        departmentLocationsBySubsidiary: new Map([
          ['1', 8],
          ['2', 9],
        ]),
      },
    };
    expect(compareDepartments([split], [shared(7)], mapped)).toEqual([]);
    expect(brief(compareDepartments([split], [shared(9)], mapped))).toEqual([
      ['field-differs', '33', '3', 'branch', 'resync', 'apsync'],
    ]);
  });
});
