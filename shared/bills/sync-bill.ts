// Use case behind the bill-sync worker: bring one Procurify bill to NetSuite as a Vendor Bill.
// Reads the bill's current detail (the message only names it), takes the one decision decide-bill.ts
// makes (also what `apsync preview` shows), and applies it: upserts by external id with its lines
// replaced (a retry or a second message can never create a second bill nor double its lines), links the
// two bills, stores the bill's invoice files in the File Cabinet and attaches them once (stored files are
// remembered in the record's state; the RESTlet re-uses a file of the same name), and records every
// outcome in sync state and audit trail. It runs under the bill's lease, taken with the bill's state
// where the store can (that state is not read again) and given back by its last state write.
//
// Legacy bills: a bill already in NetSuite from an older integration (recognized by the configured
// external-id pattern or field, or linked by importBillLinks) is linked and NOT written: apsync does not
// take over a bill it did not create; its link is what payments need.
import * as z from 'zod';
import type { SyncError } from '../errors.ts';
import type { BillMessage } from '../events/bill-message.ts';
import {
  type AttachmentFileType,
  attachmentFileTypes,
  externalIdRef,
  type NetSuiteRecords,
} from '../netsuite/index.ts';
import { logger } from '../observability.ts';
import type { ProcurifyBills } from '../procurify/ports.ts';
import type { RecordRef, RecordState, SyncStatus } from '../state/model.ts';
import { OutcomeJournal } from '../state/outcome-journal.ts';
import type {
  AuditTrail,
  ConfigStore,
  LeaseStore,
  LinkStore,
  RecordLeaseTaking,
  StateWithLease,
  SyncStateStore,
} from '../state/ports.ts';
import { type RecordLease, withRecordLease } from '../state/record-lease.ts';
import type { AttachmentToStore } from './bill-plan.ts';
import { type BillDecision, billRef, decideBill } from './decide-bill.ts';
import type { BillLookups, InvoiceFileCabinet, InvoiceFiles } from './ports.ts';

export { replacedBillSublists } from './decide-bill.ts';

export interface SyncBillDependencies {
  procurify: Pick<ProcurifyBills, 'getBill'> & Partial<InvoiceFiles>;
  netsuite: Pick<NetSuiteRecords, 'upsertByExternalId' | 'get'>;
  /** apsync's attachment RESTlet; absent when the NetSuite secret enables no RESTlets. */
  fileCabinet?: InvoiceFileCabinet;
  lookups: BillLookups;
  /**
   * With takeRecordLease, the lease take reads the bill's state (strongly): the sync reads it no more;
   * with putStateReleasing, the outcome's state write gives the bill's lease back.
   */
  state: LinkStore &
    SyncStateStore &
    AuditTrail &
    LeaseStore &
    ConfigStore &
    Partial<RecordLeaseTaking & StateWithLease>;
}

export interface BillSyncOutcome {
  status: SyncStatus;
  message?: string;
  netsuiteId?: string;
  waitingFor?: string[];
}

/**
 * `leaseWaits`: how often this message was sent again to wait for a lease another worker held
 * (shared/worker/queue-worker.ts). Only its first delivery notes `received` in the audit trail; a bill
 * waiting behind a slow holder would otherwise collect one entry per wait (up to maxLeaseWaits), so
 * later deliveries are logged instead.
 */
export async function syncBill(
  message: BillMessage,
  deps: SyncBillDependencies,
  delivery: { leaseWaits?: number } = {},
): Promise<BillSyncOutcome> {
  const ref = billRef(message.billUuid);
  const leaseWaits = delivery.leaseWaits ?? 0;
  if (leaseWaits === 0) {
    await deps.state.append(ref, {
      step: 'received',
      facts: {
        origin: message.origin,
        ...(message.lastModified ? { lastModified: message.lastModified } : {}),
      },
    });
  } else {
    logger.info('bill returns after waiting for its lease', {
      billUuid: message.billUuid,
      origin: message.origin,
      leaseWaits,
    });
  }
  const sync = new BillSync(ref, deps);
  return withRecordLease(
    deps.state,
    ref,
    (lease) => sync.run(message, lease),
    (error) => sync.recordFailure(error),
  );
}

const idAnswer = z.object({ id: z.union([z.string(), z.number()]).transform(String) });

/** SuiteScript file types by MIME type (N/file `file.Type`); other types are not stored. */
const fileTypeByMime: Readonly<Record<string, AttachmentFileType>> = {
  'application/pdf': 'PDF',
  'image/png': 'PNGIMAGE',
  'image/jpeg': 'JPGIMAGE',
  'image/gif': 'GIFIMAGE',
  'image/tiff': 'TIFFIMAGE',
  'image/bmp': 'BMPIMAGE',
  'image/webp': 'WEBPIMAGE',
  'application/msword': 'WORD',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'WORD',
  'application/vnd.ms-excel': 'EXCEL',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'EXCEL',
  'text/csv': 'CSV',
  'text/plain': 'PLAINTEXT',
  'application/xml': 'XMLDOC',
  'text/xml': 'XMLDOC',
  'application/json': 'JSON',
  'application/zip': 'ZIP',
};

export function netsuiteFileType(mimetype: string): AttachmentFileType | undefined {
  const type = fileTypeByMime[mimetype.split(';')[0]!.trim().toLowerCase()];
  return type !== undefined && attachmentFileTypes.includes(type) ? type : undefined;
}

/** The File Cabinet name of an invoice file: unique per Procurify attachment, so a re-send re-uses it. */
export function invoiceFileName(billUuid: string, file: AttachmentToStore): string {
  const safe = file.name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(-120);
  return `procurify-${billUuid.toLowerCase().slice(0, 8)}-${file.uuid.toLowerCase().slice(0, 8)}-${safe}`;
}

class BillSync {
  private readonly ref: RecordRef;
  private readonly deps: SyncBillDependencies;
  /** Every outcome's audit entry and state (keeps the operator's marks and the version read). */
  private readonly journal: OutcomeJournal;
  /** The bill's state when its lease was taken: under the lease, only this sync changes it. */
  private found: RecordState | undefined;

  constructor(ref: RecordRef, deps: SyncBillDependencies) {
    this.ref = ref;
    this.deps = deps;
    this.journal = new OutcomeJournal(deps.state, ref);
  }

  async run(message: BillMessage, lease: RecordLease): Promise<BillSyncOutcome> {
    const { state } = this.deps;
    // As the lease take read it (strongly, RecordLeaseTaking), else read now.
    const found = lease.found ?? { state: await state.getState(this.ref) };
    this.found = found.state;
    this.journal.found(found.state);
    const bill = await this.deps.procurify.getBill(this.ref.id);
    this.journal.read(bill.lastModified);
    await state.append(this.ref, {
      step: 'fetched',
      facts: { status: bill.status, lastModified: bill.lastModified },
    });
    const decision = await decideBill(bill, this.deps, {
      replay: message.origin === 'replay',
      match: message.origin === 'backfill',
      found,
    });
    return this.apply(decision, message, lease);
  }

  /** Applies the decision; its outcome that is this sync's last write gives `lease` back with the state. */
  private async apply(
    decision: BillDecision,
    message: BillMessage,
    lease: RecordLease,
  ): Promise<BillSyncOutcome> {
    const { state } = this.deps;
    switch (decision.kind) {
      case 'skip':
        this.journal.giveBackWith(lease);
        return this.finish('skipped', decision.message, {
          ...(decision.netsuiteId === undefined ? {} : { netsuiteId: decision.netsuiteId }),
        });
      case 'note': {
        await state.append(this.ref, { step: 'note', message: decision.message });
        return {
          status: this.found?.status ?? 'synced',
          message: decision.message,
          netsuiteId: decision.link.netsuiteId,
        };
      }
      case 'link-legacy':
      case 'link-matched':
        await state.link({
          kind: 'bill',
          netsuiteId: decision.netsuiteId,
          procurifyId: this.ref.id,
          origin: decision.kind === 'link-legacy' ? 'legacy' : 'matched',
        });
        this.journal.giveBackWith(lease);
        return this.finish('skipped', decision.message, { netsuiteId: decision.netsuiteId });
      case 'park':
        this.journal.giveBackWith(lease);
        return this.finish('review', decision.message, { waitingFor: decision.waitingFor });
      case 'write':
        return this.write(decision, message, lease);
    }
  }

  private async write(
    decision: Extract<BillDecision, { kind: 'write' }>,
    message: BillMessage,
    lease: RecordLease,
  ): Promise<BillSyncOutcome> {
    const { state } = this.deps;
    const { plan, target, link } = decision;
    let netsuiteId = link?.netsuiteId;
    let storedFiles = decision.storedFiles;
    if (decision.action === 'unchanged' && netsuiteId !== undefined) {
      await state.append(this.ref, { step: 'unchanged', facts: { netsuiteId } });
    } else {
      const written = await this.deps.netsuite.upsertByExternalId(
        target.type,
        target.externalId,
        { ...plan.body },
        { replaceSublists: target.replaceSublists },
      );
      // Location comes only when the upsert created the bill; otherwise the link has the id, or (after a
      // crash between the write and the link) NetSuite tells it.
      netsuiteId =
        written.id ??
        link?.netsuiteId ??
        (
          await this.deps.netsuite.get('vendorBill', externalIdRef(target.externalId), {
            fields: ['id'],
            schema: idAnswer,
          })
        ).id;
      if (link === undefined || link.netsuiteId !== netsuiteId) {
        await state.link({ kind: 'bill', netsuiteId, procurifyId: this.ref.id, origin: 'created' });
        // Another Vendor Bill than the linked one (that one was deleted in NetSuite): the files stored
        // so far are attached to the old one, so each is attached again (the stored file is re-used).
        storedFiles = [];
      }
      await state.append(this.ref, {
        step: 'written',
        facts: {
          netsuiteId,
          action: written.id === undefined ? 'updated' : 'created',
          total: plan.totals.total,
          currency: plan.totals.currency,
          tax: plan.totals.tax,
          shipping: plan.totals.shipping,
          costs: plan.totals.costs,
          lines: plan.lineCount,
          origin: message.origin,
        },
      });
    }
    // With files to store, the bill's state is written first: a failure storing a file leaves the bill
    // synced (its hash recorded, nothing written twice) and the retry stores only what is missing.
    if (plan.attachments.some((file) => !storedFiles.includes(file.uuid))) {
      await this.finish(
        'synced',
        undefined,
        { netsuiteId, contentHash: plan.hash, attachments: [...storedFiles] },
        false,
      );
    }
    // Each file stored is remembered in the state this sync wrote before them, as it stands then.
    const stored = await this.storeFiles(netsuiteId, plan.attachments, storedFiles, (attachments) =>
      this.finish('synced', undefined, { netsuiteId, contentHash: plan.hash, attachments }, false),
    );
    for (const note of plan.notes) await state.append(this.ref, { step: 'note', message: note });
    const notes = [...plan.notes, ...stored.notes];
    // The last write: the states before (and between the files) keep the lease.
    this.journal.giveBackWith(lease);
    return this.finish(
      'synced',
      notes.length === 0 ? undefined : notes.join('; '),
      { netsuiteId, contentHash: plan.hash, attachments: stored.all },
      false,
    );
  }

  /**
   * Stores and attaches the invoice files not stored yet, `remember`ing the stored ones after each;
   * returns every stored uuid and what was left out.
   */
  private async storeFiles(
    netsuiteId: string,
    files: readonly AttachmentToStore[],
    already: readonly string[],
    remember: (stored: string[]) => Promise<unknown>,
  ): Promise<{ all: string[]; notes: string[] }> {
    const all = [...already];
    const notes: string[] = [];
    const pending = files.filter((file) => !already.includes(file.uuid));
    if (pending.length === 0) return { all, notes };
    const cabinet = this.deps.fileCabinet;
    const download = this.deps.procurify.downloadAttachment?.bind(this.deps.procurify);
    if (cabinet === undefined || download === undefined) {
      const note = `${pending.length} invoice file(s) not stored: apsync's attachment RESTlet is not enabled in the NetSuite secret (restlets)`;
      await this.deps.state.append(this.ref, { step: 'note', message: note });
      return { all, notes: [note] };
    }
    for (const file of pending) {
      const fileType = netsuiteFileType(file.mimetype);
      if (fileType === undefined) {
        const note = `invoice file ${file.name} not stored: NetSuite has no file type for ${file.mimetype}`;
        await this.deps.state.append(this.ref, { step: 'note', message: note });
        notes.push(note);
        continue;
      }
      const { content } = await download(file.attachment);
      const result = await cabinet.storeAttachment({
        record: { type: 'vendorbill', id: netsuiteId },
        folderId: file.folderId,
        file: {
          name: invoiceFileName(this.ref.id, file),
          fileType,
          content,
          ...(file.sha1 === undefined ? {} : { sha1: file.sha1 }),
          description: `Procurify invoice file ${file.uuid}`,
        },
      });
      all.push(file.uuid);
      // A note, not a second `written` outcome: the bill's outcome is the Vendor Bill's write.
      await this.deps.state.append(this.ref, {
        step: 'note',
        message: `invoice file ${file.name} ${result.created ? 'stored' : 're-used'} and attached`,
        facts: { fileId: result.fileId, attachment: file.uuid, netsuiteId },
      });
      // Remembered after each file: a crash after this one never stores it again. Written whole, not
      // read back first (an eventually consistent read could give the state before this sync's).
      await remember([...all]);
    }
    return { all, notes };
  }

  private async finish(
    status: SyncStatus,
    message: string | undefined,
    extra: { netsuiteId?: string; contentHash?: string; waitingFor?: string[]; attachments?: string[] } = {},
    audit = true,
  ): Promise<BillSyncOutcome> {
    await this.journal.outcome(
      status,
      {
        message,
        contentHash: extra.contentHash,
        waitingFor: extra.waitingFor,
        attachments: extra.attachments,
      },
      audit
        ? {
            step: status === 'review' ? 'review' : 'skipped',
            message,
            facts: {
              ...(extra.netsuiteId === undefined ? {} : { netsuiteId: extra.netsuiteId }),
              ...(extra.waitingFor === undefined ? {} : { waitingFor: extra.waitingFor.join(', ') }),
            },
          }
        : undefined,
    );
    return {
      status,
      ...(message === undefined ? {} : { message }),
      ...(extra.netsuiteId === undefined ? {} : { netsuiteId: extra.netsuiteId }),
      ...(extra.waitingFor === undefined ? {} : { waitingFor: extra.waitingFor }),
    };
  }

  recordFailure(error: SyncError): Promise<void> {
    return this.journal.failure(error);
  }
}
