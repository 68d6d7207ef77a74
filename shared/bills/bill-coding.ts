// Looks up a bill's NetSuite side for what billNeeds listed: the subsidiary (configured by
// Procurify location, else configured, else the vendor's), the currency (with its precision) and terms,
// each Procurify account code as the one active NetSuite account with that Number, each Procurify
// department as the department the master-data sync linked (else the one active department of
// that name), locations and classes through the configured maps, configured tax/shipping/cost accounts
// and custom segment values — each checked active and available in the bill's subsidiary. Anything that
// does not map is reported with its waiting-for key; nothing is guessed. Called by decide-bill.ts.
import type { LinkStore } from '../state/ports.ts';
import {
  accountCodeKey,
  type BillCoding,
  type BillNeeds,
  classKey,
  currencyKey,
  departmentKey,
  fieldValueKey,
  locationKey,
  type MissingMapping,
  settingKey,
  subsidiaryKey,
  termKey,
} from './bill-plan.ts';
import type { BillSyncSettings } from './bill-sync-settings.ts';
import type { Availability, BillLookups, SubsidiaryRow } from './ports.ts';

export interface SegmentValueNeed {
  /** `cseg_region`. */
  segment: string;
  id: string;
}

/** Whether a record restricted to `availability` may be used in `subsidiaryId` (children included when it says). */
export function availableIn(
  availability: Availability,
  subsidiaryId: string,
  subsidiaries: readonly SubsidiaryRow[],
): boolean {
  if (availability.subsidiaries.length === 0 || availability.subsidiaries.includes(subsidiaryId)) return true;
  if (!availability.includeChildren) return false;
  const parents = new Map(subsidiaries.map((row) => [row.id, row.parent]));
  const seen = new Set<string>();
  for (let at = parents.get(subsidiaryId); at !== undefined && !seen.has(at); at = parents.get(at)) {
    if (availability.subsidiaries.includes(at)) return true;
    seen.add(at);
  }
  return false;
}

export interface CodingInput {
  needs: BillNeeds;
  settings: BillSyncSettings;
  /** The NetSuite vendor the bill's Procurify vendor is linked to. */
  vendorId: string;
  vendorName: string;
  /** Segment values the bill's custom fields map to (cseg_ fields with a values map). */
  segmentValues: readonly SegmentValueNeed[];
}

type Coding = Omit<BillCoding, 'subsidiaryId' | 'currency'> & {
  subsidiaryId: string;
  currency: BillCoding['currency'];
};

export async function resolveBillCoding(
  input: CodingInput,
  lookups: BillLookups,
  links: Pick<LinkStore, 'findBySource'>,
): Promise<BillCoding> {
  const { needs, settings } = input;
  const missing: MissingMapping[] = [];
  const subsidiaries = await lookups.subsidiaries();
  const subsidiaryName = (id: string) => subsidiaries.find((row) => row.id === id)?.name ?? id;

  // Subsidiary: by the Procurify locations of the bill's departments, else configured, else the vendor's.
  let subsidiaryId = settings.subsidiaryId ?? '';
  const byLocation = settings.subsidiaryByLocation;
  const mapped =
    byLocation === undefined
      ? []
      : [
          ...new Set(
            needs.procurifyLocations.flatMap((name) =>
              byLocation[name] === undefined ? [] : [byLocation[name]!],
            ),
          ),
        ];
  if (mapped.length > 1) {
    missing.push({
      key: subsidiaryKey('several'),
      reason: `the bill's lines are in Procurify locations of several subsidiaries (${mapped.map(subsidiaryName).join(', ')}); split the bill in Procurify`,
    });
  } else if (mapped.length === 1) {
    subsidiaryId = mapped[0]!;
  }
  const vendor = await lookups.vendor(input.vendorId);
  if (vendor === undefined) {
    missing.push({
      key: `vendor:${input.vendorId}`,
      reason: `vendor ${input.vendorName} is linked to NetSuite vendor ${input.vendorId}, which no longer exists`,
    });
  } else if (subsidiaryId === '') {
    if (vendor.subsidiary === undefined) {
      missing.push({
        key: settingKey('subsidiary'),
        reason: `NetSuite vendor ${vendor.id} has no subsidiary; set one, or configure the bill subsidiary`,
      });
    } else {
      subsidiaryId = vendor.subsidiary;
    }
  } else {
    const allowed = await lookups.vendorSubsidiaries(input.vendorId);
    if (!allowed.includes(subsidiaryId)) {
      missing.push({
        key: subsidiaryKey(`vendor:${input.vendorId}`),
        reason: `vendor ${input.vendorName} (NetSuite ${input.vendorId}) is not shared with subsidiary ${subsidiaryName(subsidiaryId)}; add the subsidiary to the vendor`,
      });
    }
  }
  const usable = (availability: Availability) =>
    subsidiaryId === '' || availableIn(availability, subsidiaryId, subsidiaries);
  const where = subsidiaryId === '' ? '' : ` in subsidiary ${subsidiaryName(subsidiaryId)}`;

  const currency = await lookups.currencyByCode(needs.currencyCode);
  if (currency === undefined) {
    missing.push({
      key: currencyKey(needs.currencyCode),
      reason: `currency ${needs.currencyCode} is not an active NetSuite currency`,
    });
  }
  let termId: string | undefined;
  if (needs.term !== undefined) {
    termId = await lookups.termByName(needs.term);
    if (termId === undefined) {
      missing.push({
        key: termKey(needs.term),
        reason: `payment terms "${needs.term}": no active NetSuite term has this name`,
      });
    }
  }

  const accounts = new Map<string, string>();
  const accountRows =
    needs.accountCodes.length === 0 ? [] : await lookups.accountsByNumber(needs.accountCodes);
  for (const code of needs.accountCodes) {
    const key = accountCodeKey(code);
    const rows = accountRows.filter((row) => row.acctnumber === code);
    const active = rows.filter((row) => !row.inactive);
    if (active.length > 1) {
      missing.push({
        key,
        reason: `account code ${code}: ${active.length} active NetSuite accounts have this Number (ids ${active.map((row) => row.id).join(', ')}); make it unique`,
      });
    } else if (active.length === 1 && !usable(active[0]!)) {
      missing.push({
        key,
        reason: `account code ${code}: NetSuite account ${active[0]!.id} is not available${where}`,
      });
    } else if (active.length === 1) {
      accounts.set(code, active[0]!.id);
    } else {
      missing.push({
        key,
        reason:
          rows.length > 0
            ? `account code ${code}: NetSuite account ${rows.map((row) => row.id).join(', ')} with this Number is inactive`
            : `account code ${code}: no NetSuite account has this Number`,
      });
    }
  }
  if (needs.configuredAccounts.length > 0) {
    const rows = await lookups.accountsById(needs.configuredAccounts);
    for (const id of needs.configuredAccounts) {
      const row = rows.find((candidate) => candidate.id === id);
      if (row === undefined || row.inactive || !usable(row)) {
        missing.push({
          key: settingKey(`account:${id}`),
          reason: `configured NetSuite account ${id} ${row === undefined ? 'does not exist' : row.inactive ? 'is inactive' : `is not available${where}`}`,
        });
      }
    }
  }

  const departments = await resolveDepartments(needs, lookups, links, usable, where, missing);

  const locations = new Map<string, string>();
  if (settings.location !== undefined) {
    const map = settings.location.byProcurifyLocation;
    const wanted = needs.procurifyLocations.filter((name) => map[name] !== undefined);
    for (const name of needs.procurifyLocations.filter((name) => map[name] === undefined)) {
      missing.push({
        key: locationKey(name),
        reason: `Procurify location ${name}: no NetSuite location configured for it (bills config: location.byProcurifyLocation)`,
      });
    }
    const rows = wanted.length === 0 ? [] : await lookups.locations(wanted.map((name) => map[name]!));
    for (const name of wanted) {
      const row = rows.find((candidate) => candidate.id === map[name]);
      if (row === undefined || row.inactive || !usable(row)) {
        missing.push({
          key: locationKey(name),
          reason: `Procurify location ${name}: NetSuite location ${map[name]} ${row === undefined ? 'does not exist' : row.inactive ? 'is inactive' : `is not available${where}`}`,
        });
      } else {
        locations.set(name, row.id);
      }
    }
  }

  const classes = new Map<string, string>();
  if (settings.class !== undefined) {
    const setting = settings.class;
    const ids = new Set<string>();
    for (const department of needs.departments) {
      const id = setting.byDepartment[department.name] ?? setting.defaultId;
      if (id === undefined) {
        missing.push({
          key: classKey(department.name),
          reason: `department ${department.name}: no NetSuite class configured for it (bills config: class.byDepartment or class.defaultId)`,
        });
      } else {
        ids.add(id);
      }
    }
    const rows = ids.size === 0 ? [] : await lookups.classes([...ids]);
    for (const department of needs.departments) {
      const id = setting.byDepartment[department.name] ?? setting.defaultId;
      if (id === undefined) continue;
      const row = rows.find((candidate) => candidate.id === id);
      if (row === undefined || row.inactive || !usable(row)) {
        missing.push({
          key: classKey(department.name),
          reason: `department ${department.name}: NetSuite class ${id} ${row === undefined ? 'does not exist' : row.inactive ? 'is inactive' : `is not available${where}`}`,
        });
      } else {
        classes.set(department.name, row.id);
      }
    }
  }

  const bySegment = new Map<string, Set<string>>();
  for (const need of input.segmentValues) {
    bySegment.set(need.segment, (bySegment.get(need.segment) ?? new Set()).add(need.id));
  }
  for (const [segment, ids] of bySegment) {
    const rows = await lookups.segmentValues(segment, [...ids]);
    for (const id of ids) {
      const row = rows.find((candidate) => candidate.id === id);
      if (row === undefined || row.inactive || !usable(row)) {
        missing.push({
          key: fieldValueKey(segment, id),
          reason: `${segment}: value ${row?.name ?? id} ${row === undefined ? 'does not exist' : row.inactive ? 'is inactive' : `is not available${where}`}`,
        });
      }
    }
  }

  const coding: Coding = {
    vendorId: input.vendorId,
    subsidiaryId,
    currency: currency ?? { id: '', code: needs.currencyCode, precision: 2 },
    ...(termId === undefined ? {} : { termId }),
    accounts,
    departments,
    locations,
    classes,
    missing,
  };
  return coding;
}

async function resolveDepartments(
  needs: BillNeeds,
  lookups: BillLookups,
  links: Pick<LinkStore, 'findBySource'>,
  usable: (availability: Availability) => boolean,
  where: string,
  missing: MissingMapping[],
): Promise<Map<number, string>> {
  const departments = new Map<number, string>();
  const linked = new Map<number, string>();
  for (const department of needs.departments) {
    const link = await links.findBySource('procurify', 'department', String(department.procurifyId));
    if (link !== undefined) linked.set(department.procurifyId, link.netsuiteId);
  }
  const unlinkedNames = needs.departments
    .filter((department) => !linked.has(department.procurifyId))
    .map((department) => department.name);
  const rows =
    needs.departments.length === 0 ? [] : await lookups.departments([...linked.values()], unlinkedNames);
  for (const department of needs.departments) {
    const key = departmentKey(department.name);
    const label = `department ${department.name} (Procurify ${department.procurifyId})`;
    const linkedId = linked.get(department.procurifyId);
    const candidates =
      linkedId !== undefined
        ? rows.filter((row) => row.id === linkedId)
        : rows.filter((row) => row.name === department.name && !row.inactive);
    if (linkedId !== undefined && (candidates.length === 0 || candidates[0]!.inactive)) {
      missing.push({
        key,
        reason: `${label}: its NetSuite department ${linkedId} ${candidates.length === 0 ? 'no longer exists' : 'is inactive'}`,
      });
    } else if (candidates.length !== 1) {
      missing.push({
        key,
        reason:
          candidates.length === 0
            ? `${label}: not linked to a NetSuite department, and no active NetSuite department has this name`
            : `${label}: not linked to a NetSuite department, and ${candidates.length} active NetSuite departments have this name (ids ${candidates.map((row) => row.id).join(', ')}); link one`,
      });
    } else if (!usable(candidates[0]!)) {
      missing.push({
        key,
        reason: `${label}: NetSuite department ${candidates[0]!.id} is not available${where}`,
      });
    } else {
      departments.set(department.procurifyId, candidates[0]!.id);
    }
  }
  return departments;
}
