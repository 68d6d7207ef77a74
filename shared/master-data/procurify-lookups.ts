// Reads the Procurify facts master-data mapping needs (currency ids by ISO code, the locations
// departments belong to) once per container and keeps them for ten minutes; the department location
// settings may be read on each use (an operator changes them with `apsync settings set`), or given by
// a caller that has just read them.
import { DataError } from '../errors.ts';
import type { ProcurifyDepartments } from '../procurify/ports.ts';
import { settingNames } from '../resources.ts';
import type { ProcurifyLookups } from './map-master-data.ts';

/** Where departments go: the default location, and a location per NetSuite subsidiary. */
export interface DepartmentLocationSettings {
  /** APSYNC_DEPARTMENT_LOCATION_ID (default: the headquarter location, else the first active one). */
  defaultId?: number | undefined;
  /** APSYNC_DEPARTMENT_LOCATIONS: NetSuite subsidiary id → Procurify location id. */
  bySubsidiary?: Readonly<Record<string, number>>;
}

export function createProcurifyLookups(
  procurify: () => Promise<ProcurifyDepartments>,
  departmentLocations:
    | number
    | undefined
    | DepartmentLocationSettings
    | (() => Promise<DepartmentLocationSettings>),
  maxAgeMs = 600_000,
): (settingsRead?: DepartmentLocationSettings) => Promise<ProcurifyLookups> {
  const readSettings: () => Promise<DepartmentLocationSettings> =
    typeof departmentLocations === 'function'
      ? departmentLocations
      : async () =>
          typeof departmentLocations === 'object' ? departmentLocations : { defaultId: departmentLocations };
  let cached:
    | {
        at: number;
        currencyIds: Map<string, number>;
        headquarter: number | undefined;
        firstActive: number | undefined;
        active: Set<number>;
      }
    | undefined;
  return async (settingsRead) => {
    const settings = settingsRead ?? (await readSettings());
    if (cached === undefined || Date.now() - cached.at >= maxAgeMs) {
      const client = await procurify();
      const currencyIds = new Map<string, number>();
      let headquarter: number | undefined;
      let firstActive: number | undefined;
      const active = new Set<number>();
      for await (const currency of client.listCurrencies()) {
        if (currency.active) currencyIds.set(currency.code.toUpperCase(), currency.id);
      }
      for await (const location of client.listLocations()) {
        if (location.active) {
          firstActive ??= location.id;
          active.add(location.id);
        }
        if (location.headquarter) headquarter = location.id;
      }
      cached = { at: Date.now(), currencyIds, headquarter, firstActive, active };
    }
    const { currencyIds, headquarter, firstActive, active } = cached;
    const locationId = settings.defaultId ?? headquarter ?? firstActive;
    if (locationId === undefined) {
      throw new DataError(
        `Procurify has no active location to create departments under; set ${settingNames.departmentLocationId}`,
      );
    }
    // A mapped location Procurify does not have (or has made inactive) is that subsidiary's problem
    // only: its departments are parked for review naming the setting; vendors and accounts go on.
    const bySubsidiary = new Map<string, number>();
    const invalid = new Map<string, string>();
    for (const [subsidiary, location] of Object.entries(settings.bySubsidiary ?? {})) {
      if (active.has(location)) bySubsidiary.set(subsidiary, location);
      else
        invalid.set(
          subsidiary,
          `${settingNames.departmentLocations} maps NetSuite subsidiary ${subsidiary} to Procurify location ${location}, which does not exist or is inactive`,
        );
    }
    return {
      currencyIds,
      departmentLocationId: locationId,
      departmentLocationsBySubsidiary: bySubsidiary,
      invalidDepartmentLocations: invalid,
    };
  };
}
