// Imports legacy bill links from a CSV file (the README: legacy links "can also be imported from a file"), for Vendor
// Bills an older integration pushed that apsync cannot recognize by itself. Columns
// `procurify_bill_uuid,netsuite_bill_id` (header required, any order, other columns ignored). Every line
// is checked before anything is written: a bad line is reported with its line number and nothing of it
// is written; the good lines are imported. A line is bad when a value is malformed, when the NetSuite id
// is not a Vendor Bill, when the same bill appears twice, or when either side is already linked to
// something else — and, when the Procurify side is given (the CLI gives it), when the NetSuite bill's vendor
// is not the one the Procurify bill's vendor is linked to, or its total is not the Procurify bill's
// (lines + tax + shipping + costs). Imported bills are linked (origin `import`) and never written by
// apsync. Called by the CLI (`apsync bills import-links <file>`).
import * as z from 'zod';
import type { ApBill } from '../ap/bill.ts';
import { formatUnits } from '../money/money.ts';
import type { ProcurifyBills } from '../procurify/ports.ts';
import type { RecordRef } from '../state/model.ts';
import type { AuditTrail, LinkStore, SyncStateStore } from '../state/state-store.ts';
import { toUnits } from './bill-money.ts';
import type { BillLookups } from './ports.ts';

export interface ImportBillLinksDependencies {
  state: LinkStore & SyncStateStore & AuditTrail;
  lookups: Pick<BillLookups, 'existingVendorBills'> & Partial<Pick<BillLookups, 'vendorBillFacts'>>;
  /** With it, each pair is also checked for the same vendor and the same total. */
  procurify?: Pick<ProcurifyBills, 'getBill'>;
}

/** What the vendor is owed for a Procurify bill: lines + tax + shipping + bill-level costs, in 10^-8 units. */
function owedUnits(bill: ApBill): bigint {
  let units = 0n;
  for (const line of bill.lines) {
    units += toUnits(line.net, 'line total');
    if (line.tax !== null) units += toUnits(line.tax, 'line tax');
    if (line.shipping !== null) units += toUnits(line.shipping, 'line shipping');
  }
  for (const cost of bill.costs) units += toUnits(cost.amount, 'cost');
  return units;
}

export interface BillLinkImportError {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface BillLinkImportResult {
  imported: number;
  /** Lines whose link already existed exactly as given (nothing to do). */
  alreadyLinked: number;
  errors: BillLinkImportError[];
}

const uuidColumn = 'procurify_bill_uuid';
const netsuiteColumn = 'netsuite_bill_id';
const uuidSchema = z.uuid();

interface Candidate {
  line: number;
  uuid: string;
  netsuiteId: string;
}

export async function importBillLinks(
  csvText: string,
  deps: ImportBillLinksDependencies,
): Promise<BillLinkImportResult> {
  const result: BillLinkImportResult = { imported: 0, alreadyLinked: 0, errors: [] };
  const fail = (line: number, message: string) => result.errors.push({ line, message });
  const lines = csvText.replace(/^\uFEFF/, '').split(/\r?\n/);

  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) {
    fail(1, `the file is empty; expected the header ${uuidColumn},${netsuiteColumn}`);
    return result;
  }
  const header = parseCsvLine(lines[headerIndex]!).map((cell) => cell.trim().toLowerCase());
  const uuidAt = header.indexOf(uuidColumn);
  const netsuiteAt = header.indexOf(netsuiteColumn);
  if (uuidAt < 0 || netsuiteAt < 0) {
    fail(headerIndex + 1, `the header must name the columns ${uuidColumn} and ${netsuiteColumn}`);
    return result;
  }

  // 1. Each line on its own: shape, values, duplicates within the file.
  const candidates: Candidate[] = [];
  const uuidLines = new Map<string, number>();
  const netsuiteLines = new Map<string, number>();
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const text = lines[index]!;
    const line = index + 1;
    if (text.trim() === '') continue;
    const cells = parseCsvLine(text);
    const uuid = (cells[uuidAt] ?? '').trim().toLowerCase();
    const netsuiteId = (cells[netsuiteAt] ?? '').trim();
    if (!uuidSchema.safeParse(uuid).success) {
      fail(line, `${uuidColumn} ${JSON.stringify(uuid)} is not a Procurify bill UUID`);
      continue;
    }
    if (!/^\d+$/.test(netsuiteId)) {
      fail(line, `${netsuiteColumn} ${JSON.stringify(netsuiteId)} is not a NetSuite internal id (digits)`);
      continue;
    }
    const earlierUuid = uuidLines.get(uuid);
    if (earlierUuid !== undefined) {
      fail(line, `Procurify bill ${uuid} is already on line ${earlierUuid}`);
      continue;
    }
    const earlierNetSuite = netsuiteLines.get(netsuiteId);
    if (earlierNetSuite !== undefined) {
      fail(line, `NetSuite bill ${netsuiteId} is already on line ${earlierNetSuite}`);
      continue;
    }
    uuidLines.set(uuid, line);
    netsuiteLines.set(netsuiteId, line);
    candidates.push({ line, uuid, netsuiteId });
  }

  // 2. Against NetSuite (one query per 1000 ids) and the existing links; then write the good lines.
  const existing = await deps.lookups.existingVendorBills(
    candidates.map((candidate) => candidate.netsuiteId),
  );
  for (const candidate of candidates) {
    if (!existing.has(candidate.netsuiteId)) {
      fail(
        candidate.line,
        `NetSuite record ${candidate.netsuiteId} is not a Vendor Bill (or does not exist)`,
      );
      continue;
    }
    const bySource = await deps.state.findBySource('procurify', 'bill', candidate.uuid);
    const byTarget = await deps.state.findBySource('netsuite', 'bill', candidate.netsuiteId);
    if (bySource !== undefined && bySource.netsuiteId !== candidate.netsuiteId) {
      fail(
        candidate.line,
        `Procurify bill ${candidate.uuid} is already linked to NetSuite bill ${bySource.netsuiteId} (${bySource.origin})`,
      );
      continue;
    }
    if (byTarget !== undefined && byTarget.procurifyId !== candidate.uuid) {
      fail(
        candidate.line,
        `NetSuite bill ${candidate.netsuiteId} is already linked to Procurify bill ${byTarget.procurifyId} (${byTarget.origin})`,
      );
      continue;
    }
    if (bySource !== undefined && byTarget !== undefined) {
      result.alreadyLinked++;
      continue;
    }
    if (deps.procurify !== undefined && deps.lookups.vendorBillFacts !== undefined) {
      const problem = await pairProblem(candidate, deps.procurify, deps.lookups.vendorBillFacts, deps.state);
      if (problem !== undefined) {
        fail(candidate.line, problem);
        continue;
      }
    }
    await writeLink(candidate, bySource?.origin ?? byTarget?.origin, deps);
    result.imported++;
  }
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

/** Why a pair should not be linked (another vendor, another total), or undefined. */
async function pairProblem(
  candidate: Candidate,
  procurify: Pick<ProcurifyBills, 'getBill'>,
  vendorBillFacts: BillLookups['vendorBillFacts'],
  links: Pick<LinkStore, 'findBySource'>,
): Promise<string | undefined> {
  let bill: ApBill;
  try {
    bill = await procurify.getBill(candidate.uuid);
  } catch (error) {
    return `Procurify bill ${candidate.uuid} could not be read (${(error as Error).message})`;
  }
  const facts = (await vendorBillFacts([candidate.netsuiteId])).get(candidate.netsuiteId);
  if (facts === undefined)
    return `NetSuite record ${candidate.netsuiteId} is not a Vendor Bill (or does not exist)`;
  const vendorLink = await links.findBySource('procurify', 'vendor', String(bill.vendor.id));
  if (vendorLink === undefined) {
    return `vendor ${bill.vendor.name} (Procurify ${bill.vendor.id}) is not linked to a NetSuite vendor; sync it first`;
  }
  if (vendorLink.netsuiteId !== facts.vendorId) {
    return `NetSuite bill ${candidate.netsuiteId} is of vendor ${facts.vendorId}, but Procurify bill ${candidate.uuid} is of ${bill.vendor.name} (NetSuite vendor ${vendorLink.netsuiteId})`;
  }
  const owed = owedUnits(bill);
  if (toUnits(facts.total, 'NetSuite total') !== owed) {
    return `NetSuite bill ${candidate.netsuiteId} totals ${facts.total}, Procurify bill ${candidate.uuid} ${formatUnits(owed)} (lines, tax, shipping and costs)`;
  }
  return undefined;
}

async function writeLink(
  candidate: Candidate,
  existingOrigin: string | undefined,
  deps: ImportBillLinksDependencies,
): Promise<void> {
  const ref: RecordRef = { system: 'procurify', kind: 'bill', id: candidate.uuid };
  // A half-written link (one direction only, after a crash) is completed with its origin kept.
  const origin = existingOrigin === 'created' || existingOrigin === 'legacy' ? existingOrigin : 'import';
  await deps.state.link({
    kind: 'bill',
    netsuiteId: candidate.netsuiteId,
    procurifyId: candidate.uuid,
    origin,
  });
  await deps.state.append(ref, {
    step: 'note',
    message: `Linked to NetSuite Vendor Bill ${candidate.netsuiteId} by import`,
    facts: { netsuiteId: candidate.netsuiteId, origin },
  });
  if (origin === 'import') {
    await deps.state.putState({
      ref,
      status: 'skipped',
      message: `Already in NetSuite as Vendor Bill ${candidate.netsuiteId} (link imported); apsync does not write it`,
    });
  }
}

/** One CSV line: comma-separated cells, `"..."` quoting with `""` for a quote. */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells;
}
