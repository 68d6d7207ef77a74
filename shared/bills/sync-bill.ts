// Use case behind the bill-sync worker (SPEC F3): bring one approved Procurify bill to NetSuite as a
// Vendor Bill. Reads the bill's current detail (the message only names it), requires its vendor's link,
// resolves every line's account and department, and either parks the bill for review naming the
// missing mappings (nothing written) or upserts it by external id with its lines replaced, so a retry
// or a second message can never create a second bill nor double its lines. Links the two bills, skips
// writes that change nothing (content hash), and records every outcome in sync state and audit trail.
//
// Legacy bills: a bill already in NetSuite from an older integration (recognized by the configured
// external-id pattern or field, or linked by importBillLinks) is linked and NOT written: apsync does not
// take over a bill it did not create (it may be approved, paid or in a closed period in NetSuite, and
// another system's external id would have to be replaced); its link is what payments need (F4).
import { z } from 'zod';
import { DataError, type SyncError } from '../errors.ts';
import type { BillMessage } from '../events/bill-message.ts';
import { externalIdRef, type NetSuiteRecords } from '../netsuite/index.ts';
import type { ProcurifyBill, ProcurifyBills } from '../procurify/index.ts';
import type { RecordLink, RecordRef, SyncStatus } from '../state/model.ts';
import { withRecordLease } from '../state/record-lease.ts';
import type { AuditTrail, ConfigStore, LeaseStore, LinkStore, SyncStateStore } from '../state/state-store.ts';
import { resolveBillCoding } from './bill-coding.ts';
import { formatCents } from './bill-money.ts';
import {
  approvedBillStatus,
  type BillHeader,
  billExternalId,
  billStatusNames,
  codingNeeds,
  planVendorBill,
  writableBillStatuses,
} from './bill-plan.ts';
import { type BillSyncSettings, readBillSyncSettings } from './bill-sync-settings.ts';
import { findLegacyBills } from './legacy-bills.ts';
import type { BillLookups } from './netsuite-bill-lookups.ts';

export interface SyncBillDependencies {
  procurify: Pick<ProcurifyBills, 'getBill'>;
  netsuite: Pick<NetSuiteRecords, 'upsertByExternalId' | 'get'>;
  lookups: BillLookups;
  state: LinkStore & SyncStateStore & AuditTrail & LeaseStore & ConfigStore;
}

export interface BillSyncOutcome {
  status: SyncStatus;
  message?: string;
  netsuiteId?: string;
  waitingFor?: string[];
}

/** Sublists the upsert replaces: the body's lines are the bill's lines, never added to old ones. */
export const replacedBillSublists = ['expense', 'item'] as const;

const billRef = (uuid: string): RecordRef => ({ system: 'procurify', kind: 'bill', id: uuid.toLowerCase() });

export async function syncBill(message: BillMessage, deps: SyncBillDependencies): Promise<BillSyncOutcome> {
  const ref = billRef(message.billUuid);
  await deps.state.append(ref, {
    step: 'received',
    facts: {
      origin: message.origin,
      ...(message.lastModified ? { lastModified: message.lastModified } : {}),
    },
  });
  const sync = new BillSync(ref, deps);
  return withRecordLease(
    deps.state,
    ref,
    () => sync.run(message),
    (error) => sync.recordFailure(error),
  );
}

const idAnswer = z.object({ id: z.union([z.string(), z.number()]).transform(String) });

class BillSync {
  private readonly ref: RecordRef;
  private readonly deps: SyncBillDependencies;
  private sourceModified: string | undefined;

  constructor(ref: RecordRef, deps: SyncBillDependencies) {
    this.ref = ref;
    this.deps = deps;
  }

  async run(message: BillMessage): Promise<BillSyncOutcome> {
    const { state } = this.deps;
    const bill = await this.deps.procurify.getBill(this.ref.id);
    this.sourceModified = bill.last_modified_datetime;
    await state.append(this.ref, {
      step: 'fetched',
      facts: { status: bill.status, lastModified: bill.last_modified_datetime },
    });
    const link = await state.findBySource('procurify', 'bill', this.ref.id);

    // A bill already in NetSuite is rewritten only while approved (edits); later statuses get a note.
    if (
      !writableBillStatuses.has(bill.status) ||
      (link !== undefined && bill.status !== approvedBillStatus)
    ) {
      return this.notApproved(bill, link);
    }
    if (link !== undefined && (link.origin === 'legacy' || link.origin === 'import')) {
      return this.finish(
        'skipped',
        `Already in NetSuite as Vendor Bill ${link.netsuiteId} (${link.origin === 'legacy' ? 'created by an older integration' : 'link imported'}); apsync does not write it`,
        { netsuiteId: link.netsuiteId },
      );
    }

    const settings = await readBillSyncSettings(state);
    const vendorLink = await state.findBySource('procurify', 'vendor', String(bill.vendor.id));
    if (vendorLink === undefined) {
      throw new DataError(
        `Vendor ${bill.vendor.name} (Procurify ${bill.vendor.id}) is not linked to a NetSuite vendor`,
        { source: 'apsync', path: 'vendor' },
      );
    }
    if (link === undefined && settings.legacy !== undefined) {
      const legacy = await this.linkLegacyBill(bill, vendorLink.netsuiteId, settings.legacy);
      if (legacy !== undefined) return legacy;
    }

    const coding = await resolveBillCoding(codingNeeds(bill), this.deps.lookups, state);
    const header = coding.missing.length > 0 ? undefined : await this.header(bill, vendorLink, settings);
    const plan = planVendorBill(bill, coding, header);
    if (plan.kind === 'park') {
      return this.finish('review', plan.message, { waitingFor: plan.waitingFor });
    }

    const previous = await state.getState(this.ref);
    if (link !== undefined && previous?.contentHash === plan.hash && message.origin !== 'replay') {
      await state.append(this.ref, { step: 'unchanged', facts: { netsuiteId: link.netsuiteId } });
      // The bill stays "synced"; the audit trail records that nothing was written.
      return this.finish('synced', undefined, { netsuiteId: link.netsuiteId, contentHash: plan.hash }, false);
    }

    const externalId = billExternalId(bill.uuid);
    const written = await this.deps.netsuite.upsertByExternalId(
      'vendorBill',
      externalId,
      { ...plan.body },
      {
        replaceSublists: replacedBillSublists,
      },
    );
    // Location comes only when the upsert created the bill; otherwise the link has the id, or (after a
    // crash between the write and the link) NetSuite tells it.
    const netsuiteId =
      written.id ??
      link?.netsuiteId ??
      (
        await this.deps.netsuite.get('vendorBill', externalIdRef(externalId), {
          fields: ['id'],
          schema: idAnswer,
        })
      ).id;
    if (link === undefined || link.netsuiteId !== netsuiteId) {
      await state.link({ kind: 'bill', netsuiteId, procurifyId: this.ref.id, origin: 'created' });
    }
    const total = formatCents(plan.totalCents);
    await state.append(this.ref, {
      step: 'written',
      facts: {
        netsuiteId,
        action: written.id === undefined ? 'updated' : 'created',
        total,
        lines: plan.lineCount,
        origin: message.origin,
      },
    });
    return this.finish('synced', undefined, { netsuiteId, contentHash: plan.hash }, false);
  }

  /** Only approved bills are written; a bill already in NetSuite keeps its state and gets a note. */
  private async notApproved(bill: ProcurifyBill, link: RecordLink | undefined): Promise<BillSyncOutcome> {
    const statusName = `${billStatusNames[bill.status] ?? 'Unknown'} (${bill.status})`;
    if (link !== undefined) {
      const note = `Procurify status is now ${statusName}; NetSuite Vendor Bill ${link.netsuiteId} left as it is`;
      await this.deps.state.append(this.ref, { step: 'note', message: note });
      const current = await this.deps.state.getState(this.ref);
      return { status: current?.status ?? 'synced', message: note, netsuiteId: link.netsuiteId };
    }
    return this.finish(
      'skipped',
      `Bill status is ${statusName}: only approved (or since paid) bills are written to NetSuite`,
    );
  }

  private async linkLegacyBill(
    bill: ProcurifyBill,
    vendorNetSuiteId: string,
    legacy: NonNullable<BillSyncSettings['legacy']>,
  ): Promise<BillSyncOutcome | undefined> {
    const found = await findLegacyBills(bill, vendorNetSuiteId, legacy, this.deps.lookups);
    if (found.length === 0) return undefined;
    if (found.length > 1) {
      throw new DataError(
        `${found.length} NetSuite Vendor Bills of an older integration match this bill (ids ${found.map((row) => row.id).join(', ')}); import the right link with importBillLinks`,
        { source: 'apsync' },
      );
    }
    const legacyBill = found[0]!;
    await this.deps.state.link({
      kind: 'bill',
      netsuiteId: legacyBill.id,
      procurifyId: this.ref.id,
      origin: 'legacy',
    });
    return this.finish(
      'skipped',
      `Already in NetSuite as Vendor Bill ${legacyBill.id} (created by an older integration${legacyBill.externalId === undefined ? '' : `, external id ${legacyBill.externalId}`}); linked, not written again`,
      { netsuiteId: legacyBill.id },
    );
  }

  private async header(
    bill: ProcurifyBill,
    vendorLink: RecordLink,
    settings: BillSyncSettings,
  ): Promise<BillHeader> {
    let subsidiaryId = settings.subsidiaryId;
    if (subsidiaryId === undefined) {
      const vendor = await this.deps.lookups.vendor(vendorLink.netsuiteId);
      if (vendor === undefined) {
        throw new DataError(
          `Vendor ${bill.vendor.name} (Procurify ${bill.vendor.id}) is linked to NetSuite vendor ${vendorLink.netsuiteId}, which no longer exists`,
          { source: 'netsuite', path: 'entity' },
        );
      }
      if (vendor.subsidiary === undefined) {
        throw new DataError(
          `NetSuite vendor ${vendor.id} has no subsidiary; set one, or configure the bill subsidiary`,
          { source: 'netsuite', path: 'subsidiary' },
        );
      }
      subsidiaryId = vendor.subsidiary;
    }
    const currencyId = await this.deps.lookups.currencyByCode(bill.currency.name);
    if (currencyId === undefined) {
      throw new DataError(`Currency ${bill.currency.name} is not an active NetSuite currency`, {
        source: 'netsuite',
        path: 'currency',
      });
    }
    return { vendorId: vendorLink.netsuiteId, subsidiaryId, currencyId };
  }

  private async finish(
    status: SyncStatus,
    message: string | undefined,
    extra: { netsuiteId?: string; contentHash?: string; waitingFor?: string[] } = {},
    audit = true,
  ): Promise<BillSyncOutcome> {
    if (audit) {
      await this.deps.state.append(this.ref, {
        step: status === 'review' ? 'review' : 'skipped',
        ...(message === undefined ? {} : { message }),
        facts: {
          ...(extra.netsuiteId === undefined ? {} : { netsuiteId: extra.netsuiteId }),
          ...(extra.waitingFor === undefined ? {} : { waitingFor: extra.waitingFor.join(', ') }),
        },
      });
    }
    await this.deps.state.putState({
      ref: this.ref,
      status,
      ...(message === undefined ? {} : { message }),
      ...(extra.contentHash === undefined ? {} : { contentHash: extra.contentHash }),
      ...(this.sourceModified === undefined ? {} : { sourceModified: this.sourceModified }),
      ...(extra.waitingFor === undefined ? {} : { waitingFor: extra.waitingFor }),
    });
    return {
      status,
      ...(message === undefined ? {} : { message }),
      ...(extra.netsuiteId === undefined ? {} : { netsuiteId: extra.netsuiteId }),
      ...(extra.waitingFor === undefined ? {} : { waitingFor: extra.waitingFor }),
    };
  }

  async recordFailure(error: SyncError): Promise<void> {
    const errorClass = error.errorClass ?? 'bug';
    const message = error.message ?? String(error);
    await this.deps.state.append(this.ref, { step: 'failed', message, facts: { errorClass } });
    const previous = await this.deps.state.getState(this.ref);
    await this.deps.state.putState({
      ref: this.ref,
      status: 'failed',
      message,
      errorClass,
      ...(previous?.contentHash === undefined ? {} : { contentHash: previous.contentHash }),
      ...(this.sourceModified === undefined ? {} : { sourceModified: this.sourceModified }),
    });
  }
}
