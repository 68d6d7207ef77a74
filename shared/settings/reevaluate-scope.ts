// Re-evaluating the master-data scope after `netsuite.subsidiaries` or `netsuite.syncFlagField`
// changed: every NetSuite vendor (and, when the subsidiaries changed, every GL account and department)
// is read in bulk (SuiteQL, reconcile's reads) and decided under the old and the new scope with the
// worker's own rules (map-master-data.ts). A record now in scope is queued for the inbound worker (a
// `replay` notice: it fetches the record and writes it); a record now out of scope is left as it is in
// Procurify — never deleted nor deactivated — and listed with its Procurify id when it has one.
import { randomUUID } from 'node:crypto';
import type { QueuePublisher } from '../aws/queue-publisher.ts';
import type { InboundMessage } from '../events/inbound-message.ts';
import {
  type MasterDataScope,
  type ScopeDecision,
  segmentScope,
  vendorScope,
} from '../master-data/map-master-data.ts';
import type { NetSuiteVendor } from '../master-data/netsuite-master-records.ts';
import type { NetSuiteMasterReads } from '../reconcile/ports.ts';
import type { LinkStore } from '../state/ports.ts';

export type ScopedKind = 'vendor' | 'account' | 'department';

export interface ScopeRecord {
  kind: ScopedKind;
  /** NetSuite internal id. */
  id: string;
}

export interface OutOfScopeRecord extends ScopeRecord {
  /** The Procurify record it is linked to, left as it is. */
  procurifyId?: string;
  reason: string;
}

export interface ScopeReevaluation {
  /** Records now in scope, queued for sync. */
  queued: ScopeRecord[];
  /** Records in scope before, out of it now: left as they are. */
  outOfScope: OutOfScopeRecord[];
}

export interface ReevaluateScopeDependencies {
  /** Bulk reads of NetSuite's master records, vendors read with this sync-flag field. */
  reads: (vendorSyncFlagField: string | undefined) => NetSuiteMasterReads;
  links: Pick<LinkStore, 'findBySource'>;
  inbound: QueuePublisher<InboundMessage>;
  now?: () => Date;
}

type InScope = Extract<ScopeDecision, { inScope: true }>;
const inScope = (decision: ScopeDecision): decision is InScope => 'inScope' in decision && decision.inScope;
/** Why a record is out of scope. */
const reasonOf = (decision: Exclude<ScopeDecision, InScope>): string =>
  'invalid' in decision ? decision.invalid : decision.reason;

export async function reevaluateScope(
  before: MasterDataScope,
  after: MasterDataScope,
  deps: ReevaluateScopeDependencies,
): Promise<ScopeReevaluation> {
  const queued: ScopeRecord[] = [];
  const leaving: Array<ScopeRecord & { reason: string }> = [];
  const sameSubsidiaries =
    JSON.stringify([...(before.subsidiaryIds ?? [])].sort()) ===
    JSON.stringify([...(after.subsidiaryIds ?? [])].sort());

  // Vendors: with both flag fields read when they differ (a vendor row carries one field).
  const vendorsBefore = new Map<string, NetSuiteVendor>();
  if (before.vendorSyncFlagField !== after.vendorSyncFlagField) {
    for await (const row of deps.reads(before.vendorSyncFlagField).vendors())
      vendorsBefore.set(row.record.id, row.record);
  }
  for await (const row of deps.reads(after.vendorSyncFlagField).vendors()) {
    const vendor = row.record;
    const old = vendorScope(vendorsBefore.get(vendor.id) ?? vendor, before);
    const now = vendorScope(vendor, after);
    if (inScope(now) && !inScope(old)) queued.push({ kind: 'vendor', id: vendor.id });
    if (inScope(old) && !inScope(now)) leaving.push({ kind: 'vendor', id: vendor.id, reason: reasonOf(now) });
  }
  if (!sameSubsidiaries) {
    const reads = deps.reads(undefined);
    for (const [kind, rows] of [
      ['account', reads.accounts()],
      ['department', reads.departments()],
    ] as const) {
      for await (const row of rows) {
        const old = segmentScope(row.record, before);
        const now = segmentScope(row.record, after);
        if (inScope(now) && !inScope(old)) queued.push({ kind, id: row.record.id });
        if (inScope(old) && !inScope(now)) leaving.push({ kind, id: row.record.id, reason: reasonOf(now) });
      }
    }
  }

  const at = (deps.now?.() ?? new Date()).toISOString();
  for (let start = 0; start < queued.length; start += 100) {
    await deps.inbound.sendAll(
      queued.slice(start, start + 100).map(
        (record): InboundMessage => ({
          kind: 'record-event',
          origin: 'replay',
          eventId: `settings-${randomUUID()}`,
          recordType: record.kind,
          recordId: record.id,
          eventType: 'edit',
          lastModified: at,
          receivedAt: at,
        }),
      ),
    );
  }
  const outOfScope: OutOfScopeRecord[] = [];
  for (const record of leaving) {
    const link = await deps.links.findBySource('netsuite', record.kind, record.id);
    outOfScope.push({ ...record, ...(link === undefined ? {} : { procurifyId: link.procurifyId }) });
  }
  return { queued, outOfScope };
}
