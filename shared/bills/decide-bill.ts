// The bill-sync decision, made once: for a Procurify bill as it is now, what apsync does in
// NetSuite — nothing (status, legacy or imported link), a note on a linked bill, link an older
// integration's bill, park it naming what it waits for, nothing because the Vendor Bill already equals
// it, or write the exact Vendor Bill (target, method, body) and store its invoice files. Reads only
// (state, configuration, NetSuite lookups); the worker (sync-bill.ts) applies the decision and
// `apsync preview bill:<uuid>` renders the same decision.

import type { ApBill } from '../ap/bill.ts';
import { DataError } from '../errors.ts';
import type { RecordLink, RecordRef, RecordState } from '../state/model.ts';
import type { ConfigStore, LinkStore, SyncStateStore } from '../state/ports.ts';
import { resolveBillCoding } from './bill-coding.ts';
import {
  approvedBillStatus,
  type BillPlan,
  billExternalId,
  billNeeds,
  billStatusNames,
  planVendorBill,
  segmentValueNeeds,
  writableBillStatuses,
} from './bill-plan.ts';
import { type BillSyncSettings, readBillSyncSettings } from './bill-sync-settings.ts';
import { findLegacyBills } from './legacy-bills.ts';
import type { BillLookups } from './ports.ts';

/** Sublists the upsert replaces: the body's lines are the bill's lines, never added to old ones. */
export const replacedBillSublists = ['expense', 'item'] as const;

/** Where the write goes: NetSuite's upsert by external id (PUT …/vendorBill/eid:<id>?replace=expense,item). */
export interface BillWriteTarget {
  type: 'vendorBill';
  method: 'PUT';
  externalId: string;
  replaceSublists: typeof replacedBillSublists;
  path: string;
}

export type WritePlan = Extract<BillPlan, { kind: 'write' }>;

export type BillDecision =
  | { kind: 'skip'; message: string; netsuiteId?: string }
  | { kind: 'note'; message: string; link: RecordLink }
  | { kind: 'link-legacy'; message: string; netsuiteId: string }
  /** Initial load: a Vendor Bill of the same vendor, invoice number and total exists: link it, write nothing. */
  | { kind: 'link-matched'; message: string; netsuiteId: string }
  | { kind: 'park'; message: string; waitingFor: string[] }
  | {
      kind: 'write';
      /** `unchanged`: the Vendor Bill equals what was last written (only files not yet stored go). */
      action: 'create' | 'update' | 'unchanged';
      target: BillWriteTarget;
      plan: WritePlan;
      link?: RecordLink;
      /** Invoice files already stored for this bill (by Procurify attachment uuid). */
      storedFiles: readonly string[];
    };

export interface DecideBillDependencies {
  state: Pick<LinkStore, 'findBySource'> & Pick<SyncStateStore, 'getState'> & Pick<ConfigStore, 'getConfig'>;
  lookups: BillLookups;
}

const recordPath = '/services/rest/record/v1';

export const billRef = (uuid: string): RecordRef => ({
  system: 'procurify',
  kind: 'bill',
  id: uuid.toLowerCase(),
});

/** Whether any line carries the manual-mode field, set (true, or a non-empty value other than "false"). */
function carriesField(bill: ApBill, field: string | undefined): boolean {
  if (field === undefined) return false;
  return bill.lines.some((line) =>
    line.fields.some(
      (value) =>
        value.name === field &&
        (value.value === true ||
          (typeof value.value === 'string' &&
            !['', 'false', 'no'].includes(value.value.trim().toLowerCase()))),
    ),
  );
}

export function billWriteTarget(uuid: string): BillWriteTarget {
  const externalId = billExternalId(uuid);
  return {
    type: 'vendorBill',
    method: 'PUT',
    externalId,
    replaceSublists: replacedBillSublists,
    path: `${recordPath}/vendorBill/eid:${externalId}?replace=${replacedBillSublists.join(',')}`,
  };
}

/**
 * Decides what to do with `bill`. `replay` (an operator's re-send) writes even when nothing changed. A
 * vendor without a link, or more than one legacy match, is a DataError (the bill fails, visibly).
 */
export async function decideBill(
  bill: ApBill,
  deps: DecideBillDependencies,
  options: {
    replay?: boolean;
    settings?: BillSyncSettings;
    /** Look for the bill in NetSuite first (same vendor, invoice number and total): the initial load. */
    match?: boolean;
    /** The bill's state as the caller read it (the bill sync: with its lease): not read again. */
    found?: { state: RecordState | undefined };
  } = {},
): Promise<BillDecision> {
  const { state } = deps;
  const ref = billRef(bill.uuid);
  const link = await state.findBySource('procurify', 'bill', ref.id);
  const statusName = `${billStatusNames[bill.status] ?? 'Unknown'} (${bill.status})`;

  // A bill already in NetSuite is rewritten only while approved (edits); later statuses get a note.
  if (link !== undefined && bill.status !== approvedBillStatus) {
    return {
      kind: 'note',
      link,
      message: `Procurify status is now ${statusName}; NetSuite Vendor Bill ${link.netsuiteId} left as it is`,
    };
  }
  if (!writableBillStatuses.has(bill.status)) {
    return {
      kind: 'skip',
      message: `Bill status is ${statusName}: only approved (or since paid) bills are written to NetSuite`,
    };
  }
  if (
    link !== undefined &&
    (link.origin === 'legacy' || link.origin === 'import' || link.origin === 'matched')
  ) {
    return {
      kind: 'skip',
      netsuiteId: link.netsuiteId,
      message: `Already in NetSuite as Vendor Bill ${link.netsuiteId} (${link.origin === 'legacy' ? 'created by an older integration' : link.origin === 'matched' ? 'matched at the initial load' : 'link imported'}); apsync does not write it`,
    };
  }

  const previous = options.found === undefined ? await state.getState(ref) : options.found.state;
  if (previous?.excluded !== undefined) {
    const { reason, by, at } = previous.excluded;
    return {
      kind: 'skip',
      message: `Excluded from the sync${by === undefined ? '' : ` by ${by}`} on ${at.slice(0, 10)}: ${reason} (apsync bills include to undo)`,
    };
  }
  const settings = options.settings ?? (await readBillSyncSettings(state));
  if (
    settings.mode === 'manual' &&
    link === undefined &&
    previous?.selected === undefined &&
    !carriesField(bill, settings.manualField)
  ) {
    return {
      kind: 'skip',
      message: `Bill sync mode is manual: select the bill with apsync bills sync ${bill.uuid}${settings.manualField === undefined ? '' : ` or set its ${settings.manualField} field in Procurify`}`,
    };
  }
  const vendorLink = await state.findBySource('procurify', 'vendor', String(bill.vendor.id));
  if (vendorLink === undefined) {
    throw new DataError(
      `Vendor ${bill.vendor.name} (Procurify ${bill.vendor.id}) is not linked to a NetSuite vendor`,
      { source: 'apsync', path: 'vendor' },
    );
  }
  if (link === undefined && settings.legacy !== undefined) {
    const found = await findLegacyBills(bill, vendorLink.netsuiteId, settings.legacy, deps.lookups);
    if (found.length > 1) {
      throw new DataError(
        `${found.length} NetSuite Vendor Bills of an older integration match this bill (ids ${found.map((row) => row.id).join(', ')}); import the right link with importBillLinks`,
        { source: 'apsync' },
      );
    }
    const legacy = found[0];
    if (legacy !== undefined) {
      return {
        kind: 'link-legacy',
        netsuiteId: legacy.id,
        message: `Already in NetSuite as Vendor Bill ${legacy.id} (created by an older integration${legacy.externalId === undefined ? '' : `, external id ${legacy.externalId}`}); linked, not written again`,
      };
    }
  }

  const coding = await resolveBillCoding(
    {
      needs: billNeeds(bill, settings),
      settings,
      vendorId: vendorLink.netsuiteId,
      vendorName: bill.vendor.name,
      segmentValues: segmentValueNeeds(bill, settings),
    },
    deps.lookups,
    state,
  );
  const plan = planVendorBill(bill, settings, coding);
  if (plan.kind === 'park') return { kind: 'park', message: plan.message, waitingFor: plan.waitingFor };

  if (
    options.match === true &&
    link === undefined &&
    bill.invoiceNumber !== null &&
    bill.invoiceNumber !== ''
  ) {
    const candidates = await deps.lookups.vendorBillsByInvoice(coding.vendorId, bill.invoiceNumber);
    const same = candidates.filter(
      (candidate) =>
        candidate.total === plan.totals.total || Number(candidate.total) === Number(plan.totals.total),
    );
    if (same.length === 1) {
      return {
        kind: 'link-matched',
        netsuiteId: same[0]!.id,
        message: `Already in NetSuite as Vendor Bill ${same[0]!.id} (same vendor, invoice ${bill.invoiceNumber} and total ${plan.totals.currency} ${plan.totals.total}); linked, not written`,
      };
    }
    if (same.length > 1) {
      return {
        kind: 'park',
        waitingFor: [`match:${bill.invoiceNumber}`],
        message: `${same.length} NetSuite Vendor Bills have this vendor, invoice ${bill.invoiceNumber} and total (ids ${same.map((row) => row.id).join(', ')}); link the right one with apsync bills import-links`,
      };
    }
  }
  const unchanged = link !== undefined && previous?.contentHash === plan.hash && options.replay !== true;
  return {
    kind: 'write',
    action: unchanged ? 'unchanged' : link === undefined ? 'create' : 'update',
    target: billWriteTarget(bill.uuid),
    plan,
    ...(link === undefined ? {} : { link }),
    storedFiles: previous?.attachments ?? [],
  };
}
