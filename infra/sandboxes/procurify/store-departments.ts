// The Procurify sandbox's locations and departments (a department belongs to a location, its `branch`):
// seeded ones and the API's department creates and PUTs. Part of the store (store.ts); each write is
// told to the change hook (store-records.ts) before it returns.
import {
  type DepartmentInput,
  departmentInputSchema,
  type LocationInput,
  locationInputSchema,
} from './inputs.ts';
import type { DepartmentRecord, LocationRecord } from './model.ts';
import { type ProcurifyRecords, SandboxInputError } from './store-records.ts';

export function addLocation(store: ProcurifyRecords, input: LocationInput): LocationRecord {
  const { currency, ...value } = locationInputSchema.parse(input);
  const record: LocationRecord = {
    ...value,
    id: store.allocate('location', value.id),
    currencyId: store.currencyByCode(currency).id,
  };
  return store.put('locations', record);
}

export function addDepartment(store: ProcurifyRecords, input: DepartmentInput): DepartmentRecord {
  const value = departmentInputSchema.parse(input);
  if (!store.locations.has(value.branch)) throw new SandboxInputError(`no location ${value.branch}`);
  const record: DepartmentRecord = {
    ...value,
    id: store.allocate('department', value.id),
    punchout_email: null,
  };
  return store.put('departments', record);
}

export function createDepartmentFromApi(
  store: ProcurifyRecords,
  values: Record<string, unknown>,
): DepartmentRecord {
  const record: DepartmentRecord = {
    id: store.allocate('department'),
    name: '',
    branch: 0,
    external_id: null,
    active: true,
    punchout_email: null,
  };
  Object.assign(record, values);
  return store.put('departments', record);
}

export function updateDepartmentFromApi(
  store: ProcurifyRecords,
  record: DepartmentRecord,
  values: Record<string, unknown>,
): DepartmentRecord {
  return store.assign('departments', record, values);
}
