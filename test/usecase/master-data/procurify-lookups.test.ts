// The Procurify facts the master-data mapping reads (shared/master-data/procurify-lookups.ts) over the
// in-memory Procurify: currency ids and locations read once and kept for their maximum age; the
// department location settings read on each use (an operator's change applies at once) or given by the
// caller; a subsidiary mapped to an active location maps, one mapped to an inactive location is named.
import { beforeEach, describe, expect, it } from 'vitest';
import { createProcurifyLookups } from '../../../shared/master-data/procurify-lookups.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';

let procurify: InMemoryProcurify;

beforeEach(() => {
  procurify = new InMemoryProcurify();
  procurify.currencies = [{ id: 1, name: 'usd', description: 'US Dollar', active: true }];
  procurify.locations = [
    { id: 6, name: 'Closed', active: false, headquarter: false },
    { id: 7, name: 'Branch', active: true, headquarter: false },
    { id: 8, name: 'HQ', active: true, headquarter: true },
  ] as never;
});

describe('Procurify lookups', () => {
  it('reads the department location settings on each use, mapping active locations and naming inactive ones', async () => {
    let settings: { defaultId?: number; bySubsidiary?: Record<string, number> } = {
      bySubsidiary: { '1': 7 },
    };
    const lookups = createProcurifyLookups(
      async () => procurify,
      async () => settings,
    );
    expect(await lookups()).toMatchObject({
      currencyIds: new Map([['USD', 1]]),
      departmentLocationId: 8,
      departmentLocationsBySubsidiary: new Map([['1', 7]]),
      invalidDepartmentLocations: new Map(),
    });
    settings = { defaultId: 7, bySubsidiary: { '2': 6 } };
    const changed = await lookups();
    expect(changed.departmentLocationId).toBe(7);
    expect(changed.departmentLocationsBySubsidiary).toEqual(new Map());
    expect(changed.invalidDepartmentLocations?.get('2')).toMatch(
      /subsidiary 2 to Procurify location 6, which does not exist or is inactive$/,
    );
    // Settings the caller has just read are used as given.
    expect((await lookups({ defaultId: 8 })).departmentLocationId).toBe(8);
  });

  it("keeps Procurify's currencies and locations for their maximum age, then reads them again", async () => {
    const kept = createProcurifyLookups(async () => procurify, 7);
    const fresh = createProcurifyLookups(async () => procurify, 7, 0);
    await kept();
    await fresh();
    procurify.currencies.push({ id: 2, name: 'CAD', description: 'Canadian Dollar', active: true });
    expect([...(await kept()).currencyIds.keys()]).toEqual(['USD']);
    expect([...(await fresh()).currencyIds.keys()]).toEqual(['USD', 'CAD']);
  });
});
