// Pure mapping rules of the master-data sync: scope, vendor / account / department mapping, content hashes.
import { describe, expect, it } from 'vitest';
import {
  accountCodeActiveReview,
  contentHash,
  departmentLocation,
  mapAccount,
  mapDepartment,
  mapVendor,
  segmentScope,
  vendorScope,
} from '../../../shared/master-data/map-master-data.ts';
import type { NetSuiteVendor } from '../../../shared/master-data/netsuite-master-records.ts';

const lookups = {
  currencyIds: new Map([
    ['USD', 1],
    ['CAD', 2],
  ]),
  departmentLocationId: 7,
};
const vendor = (fields: Partial<NetSuiteVendor> & Record<string, unknown> = {}): NetSuiteVendor => ({
  id: '101',
  entityId: 'V-101',
  companyName: 'Acme Supplies',
  isInactive: false,
  subsidiary: { id: '1', refName: 'Parent' },
  currency: { id: '1', refName: 'USD' },
  ...fields,
});

describe('vendor scope', () => {
  it('accepts every vendor when nothing is configured', () => {
    expect(vendorScope(vendor(), {})).toEqual({ inScope: true });
  });

  it('names an unknown sync-flag field instead of skipping silently', () => {
    expect(vendorScope(vendor(), { vendorSyncFlagField: 'custentity_nope' })).toEqual({
      invalid: expect.stringMatching(/"custentity_nope" does not exist on NetSuite vendor 101/),
    });
  });

  it('refuses a sync-flag field that is not a checkbox', () => {
    const decision = vendorScope(vendor({ custentity_flag: 'yes' }), {
      vendorSyncFlagField: 'custentity_flag',
    });
    expect(decision).toEqual({ invalid: expect.stringMatching(/not a checkbox/) });
  });

  it('skips an unflagged vendor and keeps a flagged one', () => {
    expect(
      vendorScope(vendor({ custentity_flag: false }), { vendorSyncFlagField: 'custentity_flag' }),
    ).toEqual({
      inScope: false,
      reason: 'custentity_flag is not checked',
    });
    expect(
      vendorScope(vendor({ custentity_flag: true }), { vendorSyncFlagField: 'custentity_flag' }),
    ).toEqual({ inScope: true });
  });

  it('applies the subsidiary scope', () => {
    expect(vendorScope(vendor(), { subsidiaryIds: ['2'] })).toMatchObject({ inScope: false });
    expect(vendorScope(vendor(), { subsidiaryIds: ['2', '1'] })).toEqual({ inScope: true });
    expect(
      segmentScope({ id: '5', name: 'Ops', subsidiary: { items: [{ id: '3' }] } }, { subsidiaryIds: ['3'] }),
    ).toEqual({
      inScope: true,
    });
  });
});

describe('mapVendor', () => {
  it('maps name, active flag, emails, billing address and currency', () => {
    const { write, notes } = mapVendor(
      vendor({
        isInactive: true,
        email: 'ap@acme.example; billing@acme.example',
        addressBook: {
          items: [
            { defaultBilling: false, addressBookAddress: { addr1: 'Shipping dock' } },
            {
              defaultBilling: true,
              addressBookAddress: {
                addr1: '1 Main St',
                city: 'Austin',
                state: 'TX',
                zip: '78701',
                country: 'US',
              },
            },
          ],
        },
      }),
      lookups,
    );
    expect(notes).toEqual([]);
    expect(write).toMatchObject({
      name: 'Acme Supplies',
      active: false,
      email: ['ap@acme.example', 'billing@acme.example'],
      external_id: '101',
      addressLineOne: '1 Main St',
      city: 'Austin',
      state_province: 'TX',
      postalCode: '78701',
      country: 'US',
      currency: 1,
    });
  });

  it('uses the person name for individuals and drops what Procurify cannot take, with a note', () => {
    const { write, notes } = mapVendor(
      vendor({
        isPerson: true,
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'not-an-email',
        currency: { id: '9', refName: 'XYZ' },
      }),
      lookups,
    );
    expect(write.name).toBe('Ada Lovelace');
    expect(write.email).toEqual([]);
    expect(write.currency).toBeNull();
    expect(notes).toEqual([
      expect.stringMatching(/not a valid address/),
      expect.stringMatching(/currency XYZ/),
    ]);
  });
});

describe('mapVendor: phones, terms and the default billing address', () => {
  it('sends both phones, the fax and the terms by name', () => {
    const { write, notes } = mapVendor(
      vendor({
        phone: ' 604-555-0101 ',
        altPhone: '604-555-0102',
        mobilePhone: '604-555-0199',
        fax: '604-555-0103',
        terms: { id: '2', refName: 'Net 30' },
      }),
      lookups,
    );
    expect(notes).toEqual([]);
    expect(write).toMatchObject({
      phoneOne: '604-555-0101',
      phoneTwo: '604-555-0102',
      fax: '604-555-0103',
      payment_term_ref: { name: 'Net 30' },
    });
  });

  it('uses the mobile phone when there is no alt. phone; clears what NetSuite does not have', () => {
    const { write } = mapVendor(vendor({ mobilePhone: '604-555-0199' }), lookups);
    expect(write).toMatchObject({
      phoneOne: null,
      phoneTwo: '604-555-0199',
      fax: null,
      payment_term_ref: null,
    });
  });

  it('takes the terms name the caller read when the reference has none', () => {
    expect(
      mapVendor(vendor({ terms: { id: '4' } }), lookups, 'USD', '2% 10 Net 30').write.payment_term_ref,
    ).toEqual({
      name: '2% 10 Net 30',
    });
  });

  it('cuts a phone longer than Procurify takes, with a note', () => {
    const { write, notes } = mapVendor(vendor({ phone: '1 (604) 555-0101 ext 12345' }), lookups);
    expect(write.phoneOne).toBe('1 (604) 555-0101 ext');
    expect(notes).toEqual([expect.stringMatching(/phone .* longer than Procurify's 20 characters/)]);
  });

  it('uses the default billing address, or the only one; not a shipping address among several', () => {
    const only = mapVendor(
      vendor({ addressBook: { items: [{ addressBookAddress: { addr1: '9 Dock Rd', city: 'Kent' } }] } }),
      lookups,
    ).write;
    expect(only).toMatchObject({ addressLineOne: '9 Dock Rd', city: 'Kent' });
    const several = mapVendor(
      vendor({
        addressBook: {
          items: [
            { defaultShipping: true, addressBookAddress: { addr1: 'Shipping dock' } },
            { addressBookAddress: { addr1: 'Other' } },
          ],
        },
      }),
      lookups,
    ).write;
    expect(several).toMatchObject({ addressLineOne: null, city: null, country: null });
  });
});

describe('mapAccount', () => {
  it('uses the Number as the code and maps the account type', () => {
    expect(
      mapAccount({ id: '1', acctNumber: '6100', acctName: 'Office Supplies', acctType: { id: 'Expense' } }),
    ).toEqual({
      write: { code: '6100', description: 'Office Supplies', account_type: 2 },
    });
    // An inactive account maps the same: Procurify's account code requests have no `active`.
    expect(
      mapAccount({ id: '2', acctNumber: '1000', acctName: 'Checking', acctType: 'Bank', isInactive: true }),
    ).toEqual({
      write: { code: '1000', description: 'Checking', account_type: 0 },
    });
    expect(
      mapAccount({ id: '3', acctNumber: '2000', acctType: { id: 'AcctPay' }, parent: { id: '9' } }),
    ).toMatchObject({
      write: { account_type: 1 },
      parentNetSuiteId: '9',
    });
  });

  it('says which account code to (de)activate by hand, since the API cannot', () => {
    expect(accountCodeActiveReview('account code 6100', '13', 'inactive')).toBe(
      "deactivate account code 6100 in Procurify: NetSuite account 13 is inactive (Procurify's API cannot change an account code's active flag); until then bills coded with it are parked for review",
    );
    expect(accountCodeActiveReview('account code 6100', '13', 'deleted')).toMatch(
      /^deactivate .* was deleted/,
    );
    expect(accountCodeActiveReview('account code 6100', '13', 'active')).toMatch(
      /^activate account code 6100 in Procurify: NetSuite account 13 is active again/,
    );
  });

  it('skips an account without a Number, saying why', () => {
    expect(mapAccount({ id: '4', acctName: 'Suspense' })).toEqual({
      skip: expect.stringMatching(/account 4 has no Number/),
    });
    expect(mapAccount({ id: '5', acctNumber: '  ' })).toMatchObject({ skip: expect.any(String) });
  });
});

describe('mapDepartment', () => {
  it('places the department at the configured location and keeps the NetSuite id', () => {
    expect(mapDepartment({ id: '12', name: 'Marketing', isInactive: false }, lookups)).toEqual({
      name: 'Marketing',
      branch: 7,
      external_id: '12',
      active: true,
    });
  });
});

describe('departmentLocation', () => {
  const mapped = {
    ...lookups,
    departmentLocationsBySubsidiary: new Map([
      ['1', 10],
      ['2', 20],
      ['3', 20],
    ]),
    invalidDepartmentLocations: new Map([
      [
        '9',
        'APSYNC_DEPARTMENT_LOCATIONS maps NetSuite subsidiary 9 to Procurify location 99, which does not exist or is inactive',
      ],
    ]),
  };
  const department = (subsidiary: unknown) => ({ id: '12', name: 'Marketing', subsidiary });

  it("places a department at its subsidiary's location, else at the default one", () => {
    expect(departmentLocation(department({ items: [{ id: '2' }] }), mapped)).toEqual({
      locationId: 20,
      source: 'subsidiary',
    });
    // Two subsidiaries of one location; an unmapped subsidiary beside a mapped one.
    expect(
      departmentLocation(department({ items: [{ id: '2' }, { id: '3' }, { id: '5' }] }), mapped),
    ).toEqual({
      locationId: 20,
      source: 'subsidiary',
    });
    expect(departmentLocation(department({ items: [{ id: '5' }] }), mapped)).toEqual({
      locationId: 7,
      source: 'default',
    });
    expect(departmentLocation(department(undefined), mapped)).toEqual({ locationId: 7, source: 'default' });
    expect(mapDepartment(department({ id: '1' }), mapped).branch).toBe(10);
  });

  it('parks a department whose subsidiaries map to different locations, or to one Procurify lacks', () => {
    expect(departmentLocation(department({ items: [{ id: '1' }, { id: '2' }] }), mapped)).toEqual({
      problem: expect.stringMatching(
        /department 12 belongs to NetSuite subsidiaries mapped to different Procurify locations \(subsidiary 1 → location 10; subsidiary 2 → location 20\)/,
      ),
      waitingFor: 'setting:departmentLocations',
    });
    expect(departmentLocation(department({ items: [{ id: '9' }] }), mapped)).toEqual({
      problem: expect.stringMatching(/subsidiary 9 to Procurify location 99, which does not exist/),
      waitingFor: 'setting:departmentLocations',
    });
  });
});

describe('contentHash', () => {
  it('ignores key order and undefined values, and changes with the content', () => {
    expect(contentHash({ a: 1, b: [1, 2], c: undefined })).toBe(contentHash({ b: [1, 2], a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
  });
});
