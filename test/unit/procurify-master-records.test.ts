// The adapter boundary for master data (shared/procurify/master-records.ts): Procurify's wire answers for
// vendors, account codes, departments, locations and currencies, parsed by the schemas of
// shared/procurify/schemas.ts, mapped to the domain records of shared/ap/master-data.ts. Every record is
// compared whole (toEqual fails on a field dropped, renamed or swapped: each source value is distinct),
// with nulls, absent optional fields and the forms Procurify sends a field in (a payment term nested or
// as an id, a rate as a JSON number).
import { describe, expect, it } from 'vitest';
import type { ApVendor } from '../../shared/ap/master-data.ts';
import {
  toApAccountCode,
  toApCurrency,
  toApDepartment,
  toApLocation,
  toApVendor,
} from '../../shared/procurify/master-records.ts';
import {
  accountCodeSchema,
  currencySchema,
  departmentSchema,
  locationSchema,
  vendorSchema,
} from '../../shared/procurify/schemas.ts';

/** A vendor (VendorDetail) with every field apsync reads set, each to a value found nowhere else. */
const fullVendor = {
  id: 17,
  name: 'Northwind Paper Co',
  active: false,
  external_id: 'NS-101',
  email: ['ap@northwind.example', 'billing@northwind.example'],
  addressLineOne: '1 Harbour Way',
  addressLineTwo: 'Suite 200',
  postalCode: 'V6B 1A1',
  city: 'Vancouver',
  state_province: 'BC',
  country: 'Canada',
  phoneOne: '604-555-0101',
  phoneTwo: '604-555-0102',
  fax: '604-555-0103',
  contact: 'Dana Lee',
  url: 'https://northwind.example',
  currency: 2,
  payment_term_ref: { id: 5, name: 'Net 45', description: 'forty-five days' },
  type: 3,
  dateModified: '2026-11-02T08:30:00.123456Z',
  overall_score: '4.500',
};

describe('Vendor → vendor', () => {
  it('maps every field master data and reconciliation read', () => {
    expect(toApVendor(vendorSchema.parse(fullVendor))).toEqual({
      id: 17,
      name: 'Northwind Paper Co',
      active: false,
      externalId: 'NS-101',
      email: ['ap@northwind.example', 'billing@northwind.example'],
      addressLineOne: '1 Harbour Way',
      addressLineTwo: 'Suite 200',
      postalCode: 'V6B 1A1',
      city: 'Vancouver',
      stateProvince: 'BC',
      country: 'Canada',
      phoneOne: '604-555-0101',
      phoneTwo: '604-555-0102',
      fax: '604-555-0103',
      contact: 'Dana Lee',
      url: 'https://northwind.example',
      currencyId: 2,
      paymentTerm: { id: 5, name: 'Net 45' },
      type: 3,
      lastModified: '2026-11-02T08:30:00.123456Z',
    } satisfies ApVendor);
  });

  it('maps absent and null optional fields to null, an absent e-mail list to an empty one', () => {
    const bare = { id: 18, name: 'Bare Vendor', active: true, type: 4 };
    // Every field of fullVendor but the four required ones, sent as null.
    const required = new Set(Object.keys(bare));
    const nulls = {
      ...bare,
      ...Object.fromEntries(
        Object.keys(fullVendor)
          .filter((field) => !required.has(field))
          .map((field) => [field, null]),
      ),
    };
    const expected: ApVendor = {
      id: 18,
      name: 'Bare Vendor',
      active: true,
      externalId: null,
      email: [],
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
      currencyId: null,
      paymentTerm: null,
      type: 4,
      lastModified: null,
    };
    expect(toApVendor(vendorSchema.parse(bare))).toEqual(expected);
    expect(toApVendor(vendorSchema.parse(nulls))).toEqual(expected);
  });

  it('reads a payment term given as an id alone (the answer of a PUT) or without its name', () => {
    expect(toApVendor(vendorSchema.parse({ ...fullVendor, payment_term_ref: 9 })).paymentTerm).toEqual({
      id: 9,
      name: null,
    });
    expect(
      toApVendor(vendorSchema.parse({ ...fullVendor, payment_term_ref: { id: 6 } })).paymentTerm,
    ).toEqual({ id: 6, name: null });
  });
});

describe('AccountCode → account code', () => {
  it('maps every field, parent and type included', () => {
    const wire = {
      id: 31,
      code: '6100',
      description: 'Office supplies',
      account_type: 2,
      active: false,
      parent: 30,
    };
    expect(toApAccountCode(accountCodeSchema.parse(wire))).toEqual({
      id: 31,
      code: '6100',
      description: 'Office supplies',
      accountType: 2,
      active: false,
      parentId: 30,
    });
  });

  it('maps an absent or null type and parent to null', () => {
    const expected = {
      id: 32,
      code: '6200',
      description: 'Travel',
      accountType: null,
      active: true,
      parentId: null,
    };
    const bare = { id: 32, code: '6200', description: 'Travel', active: true };
    expect(toApAccountCode(accountCodeSchema.parse(bare))).toEqual(expected);
    expect(toApAccountCode(accountCodeSchema.parse({ ...bare, account_type: null, parent: null }))).toEqual(
      expected,
    );
  });
});

describe('Department → department', () => {
  it('maps every field; its location is the branch id', () => {
    const wire = {
      id: 41,
      name: 'Marketing',
      branch: { id: 8, name: 'Toronto' },
      external_id: 'NS-3',
      active: false,
    };
    expect(toApDepartment(departmentSchema.parse(wire))).toEqual({
      id: 41,
      name: 'Marketing',
      locationId: 8,
      externalId: 'NS-3',
      active: false,
    });
  });

  it('maps an absent external id to null, a branch without its name to its id', () => {
    const wire = { id: 42, name: 'Sales', branch: { id: 9 }, active: true };
    expect(toApDepartment(departmentSchema.parse(wire))).toEqual({
      id: 42,
      name: 'Sales',
      locationId: 9,
      externalId: null,
      active: true,
    });
  });
});

describe('Location → location', () => {
  it('maps every field; its currency is the ISO code', () => {
    const wire = {
      id: 51,
      name: 'London Office',
      active: false,
      external_id: 'LDN',
      headquarter: true,
      currency: { id: 3, name: 'GBP' },
    };
    expect(toApLocation(locationSchema.parse(wire))).toEqual({
      id: 51,
      name: 'London Office',
      active: false,
      externalId: 'LDN',
      headquarter: true,
      currency: 'GBP',
    });
  });

  it('is active and not the headquarters when Procurify does not say; absent references are null', () => {
    expect(toApLocation(locationSchema.parse({ id: 52, name: 'Depot' }))).toEqual({
      id: 52,
      name: 'Depot',
      active: true,
      externalId: null,
      headquarter: false,
      currency: null,
    });
    expect(
      toApLocation(
        locationSchema.parse({
          id: 53,
          name: 'Annex',
          active: true,
          external_id: null,
          headquarter: false,
          currency: null,
        }),
      ),
    ).toEqual({ id: 53, name: 'Annex', active: true, externalId: null, headquarter: false, currency: null });
  });
});

describe('Currency → currency', () => {
  it('maps every field, a JSON-number rate as its decimal string', () => {
    const wire = {
      id: 2,
      name: 'CAD',
      description: 'Canadian dollar',
      rate: 0.73,
      base: true,
      active: false,
    };
    expect(toApCurrency(currencySchema.parse(wire))).toEqual({
      id: 2,
      code: 'CAD',
      description: 'Canadian dollar',
      rate: '0.73',
      base: true,
      active: false,
    });
  });

  it('is active and not the base currency when Procurify does not say; absent values are null', () => {
    expect(toApCurrency(currencySchema.parse({ id: 4, name: 'EUR' }))).toEqual({
      id: 4,
      code: 'EUR',
      description: null,
      rate: null,
      base: false,
      active: true,
    });
    expect(toApCurrency(currencySchema.parse({ id: 5, name: 'JPY', rate: null, description: null }))).toEqual(
      {
        id: 5,
        code: 'JPY',
        description: null,
        rate: null,
        base: false,
        active: true,
      },
    );
  });
});
