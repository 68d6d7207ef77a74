// Resolves a bill's coding against NetSuite (SPEC F3): each Procurify account code to the one active
// NetSuite account with that Number (SuiteQL, one query per bill), each Procurify department to a
// NetSuite department — the department link the master-data sync (F2) made, or else, for departments
// F2 has not linked, the one active NetSuite department with the same name. Anything that does not map
// is reported with its waiting-for key; nothing is guessed. Called by sync-bill.ts.
import type { LinkStore } from '../state/state-store.ts';
import {
  accountCodeKey,
  type BillCoding,
  type CodingNeeds,
  departmentKey,
  type MissingMapping,
} from './bill-plan.ts';
import type { BillLookups } from './netsuite-bill-lookups.ts';

export async function resolveBillCoding(
  needs: CodingNeeds,
  lookups: Pick<BillLookups, 'accountsByNumber' | 'departments'>,
  links: Pick<LinkStore, 'findBySource'>,
): Promise<BillCoding> {
  const missing: MissingMapping[] = [];
  const accounts = new Map<string, string>();
  const departments = new Map<number, string>();

  const accountRows =
    needs.accountCodes.length === 0 ? [] : await lookups.accountsByNumber(needs.accountCodes);
  for (const code of needs.accountCodes) {
    const rows = accountRows.filter((row) => row.acctnumber === code);
    const active = rows.filter((row) => !row.inactive);
    if (active.length === 1) {
      accounts.set(code, active[0]!.id);
    } else if (active.length > 1) {
      missing.push({
        key: accountCodeKey(code),
        reason: `account code ${code}: ${active.length} active NetSuite accounts have this Number (ids ${active.map((row) => row.id).join(', ')}); make it unique`,
      });
    } else if (rows.length > 0) {
      missing.push({
        key: accountCodeKey(code),
        reason: `account code ${code}: NetSuite account ${rows.map((row) => row.id).join(', ')} with this Number is inactive`,
      });
    } else {
      missing.push({
        key: accountCodeKey(code),
        reason: `account code ${code}: no NetSuite account has this Number`,
      });
    }
  }

  const linked = new Map<number, string>();
  for (const department of needs.departments) {
    const link = await links.findBySource('procurify', 'department', String(department.procurifyId));
    if (link !== undefined) linked.set(department.procurifyId, link.netsuiteId);
  }
  const unlinkedNames = needs.departments
    .filter((department) => !linked.has(department.procurifyId))
    .map((department) => department.name);
  const departmentRows =
    needs.departments.length === 0 ? [] : await lookups.departments([...linked.values()], unlinkedNames);
  for (const department of needs.departments) {
    const label = `department ${department.name} (Procurify ${department.procurifyId})`;
    const linkedId = linked.get(department.procurifyId);
    if (linkedId !== undefined) {
      const row = departmentRows.find((candidate) => candidate.id === linkedId);
      if (row !== undefined && !row.inactive) {
        departments.set(department.procurifyId, row.id);
      } else {
        missing.push({
          key: departmentKey(department.name),
          reason: `${label}: its NetSuite department ${linkedId} ${row === undefined ? 'no longer exists' : 'is inactive'}`,
        });
      }
      continue;
    }
    const named = departmentRows.filter((row) => row.name === department.name && !row.inactive);
    if (named.length === 1) {
      departments.set(department.procurifyId, named[0]!.id);
    } else {
      missing.push({
        key: departmentKey(department.name),
        reason:
          named.length === 0
            ? `${label}: not linked to a NetSuite department, and no active NetSuite department has this name`
            : `${label}: not linked to a NetSuite department, and ${named.length} active NetSuite departments have this name (ids ${named.map((row) => row.id).join(', ')}); link one`,
      });
    }
  }
  return { accounts, departments, missing };
}
