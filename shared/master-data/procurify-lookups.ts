// Reads the Procurify facts master-data mapping needs (currency ids by ISO code, the location
// departments belong to) once per container and keeps them for ten minutes.
import { DataError } from '../errors.ts';
import type { ProcurifyDepartments } from '../procurify/index.ts';
import type { ProcurifyLookups } from './map-master-data.ts';

export function createProcurifyLookups(
  procurify: () => Promise<ProcurifyDepartments>,
  departmentLocationId: number | undefined,
  maxAgeMs = 600_000,
): () => Promise<ProcurifyLookups> {
  let cached: { at: number; value: ProcurifyLookups } | undefined;
  return async () => {
    if (cached !== undefined && Date.now() - cached.at < maxAgeMs) return cached.value;
    const client = await procurify();
    const currencyIds = new Map<string, number>();
    let headquarter: number | undefined;
    let firstActive: number | undefined;
    for await (const currency of client.listCurrencies()) {
      if (currency.active !== false) currencyIds.set(currency.name.toUpperCase(), currency.id);
    }
    for await (const location of client.listLocations()) {
      if (location.active !== false) firstActive ??= location.id;
      if (location.headquarter === true) headquarter = location.id;
    }
    const locationId = departmentLocationId ?? headquarter ?? firstActive;
    if (locationId === undefined) {
      throw new DataError(
        'Procurify has no active location to create departments under; set APSYNC_DEPARTMENT_LOCATION_ID',
      );
    }
    cached = { at: Date.now(), value: { currencyIds, departmentLocationId: locationId } };
    return cached.value;
  };
}
