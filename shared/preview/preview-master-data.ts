// The next write of a NetSuite vendor, account or department to Procurify, read-only: the very decision
// the inbound worker applies (shared/master-data/decide-master-record.ts) — scope, target found by link,
// external id or name, the exact body and its validation — or why nothing is written.
import type * as z from 'zod';
import {
  decideMasterRecord,
  type MasterDecision,
  type MasterKind,
  readVendorNames,
} from '../master-data/decide-master-record.ts';
import type { MasterDataScope } from '../master-data/map-master-data.ts';
import { findMasterRecord } from '../master-data/netsuite-master-records.ts';
import { createProcurifyLookups } from '../master-data/procurify-lookups.ts';
import { accountCodeWriteSchema, departmentWriteSchema, vendorWriteSchema } from '../procurify/writes.ts';
import { effectiveMasterDataSettings } from '../settings/settings-store.ts';
import type { RecordRef } from '../state/model.ts';
import type { PlannedWrite, PreviewSources } from './ports.ts';

type Planned = PlannedWrite;

const issuesOf = (result: z.ZodSafeParseResult<unknown>) =>
  result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);

export async function previewMasterData(
  services: PreviewSources,
  ref: RecordRef & { kind: MasterKind },
): Promise<Planned> {
  const [{ netsuite, procurify }, deployed] = await Promise.all([
    services.syncClients(),
    services.settings(),
  ]);
  // The operator's settings (`apsync settings`) over the deployment's, as the inbound worker applies them.
  const settings = { ...deployed, ...(await effectiveMasterDataSettings(services.state, deployed)) };
  const scope: MasterDataScope = {
    ...(settings.subsidiaryIds === undefined ? {} : { subsidiaryIds: settings.subsidiaryIds }),
    ...(settings.vendorSyncFlagField === undefined
      ? {}
      : { vendorSyncFlagField: settings.vendorSyncFlagField }),
  };
  const lookups = createProcurifyLookups(async () => procurify, {
    defaultId: settings.departmentLocationId,
    bySubsidiary: settings.departmentLocations,
  });
  const [record, state] = await Promise.all([
    findMasterRecord(netsuite.records, ref.kind, ref.id),
    services.state.getState(ref),
  ]);
  const decision = await decideMasterRecord(ref.kind, ref.id, record, state?.contentHash, {
    procurify,
    state: services.state,
    scope,
    lookups,
    vendorNames: (vendor) => readVendorNames(netsuite.records, vendor),
  });
  return renderMasterDecision(decision);
}

const notWritten = (outcome: 'skipped' | 'invalid' | 'review', reason: string): Planned => ({
  outcome,
  reason,
  target: null,
  payload: null,
  validation: { valid: outcome !== 'invalid', issues: outcome === 'invalid' ? [reason] : [] },
  notes: [],
});

const writeSchemas = {
  vendor: vendorWriteSchema,
  'account code': accountCodeWriteSchema,
  department: departmentWriteSchema,
} as const;

/** The master-data decision as preview output: the same decision the worker applies (decide-master-record.ts). */
export function renderMasterDecision(decision: MasterDecision): Planned {
  switch (decision.kind) {
    case 'invalid':
      return notWritten('invalid', decision.message);
    case 'skip':
      return notWritten('skipped', decision.message);
    case 'review':
      return notWritten('review', decision.message);
    case 'deactivate':
      return {
        outcome: 'deactivate',
        reason: `not found in NetSuite: the linked Procurify ${decision.target?.kind ?? 'record'} ${decision.procurifyId} would be made inactive`,
        target:
          decision.target === undefined
            ? null
            : {
                system: 'procurify',
                kind: decision.target.kind,
                id: decision.procurifyId,
                method: decision.target.method,
                path: decision.target.path,
              },
        payload: decision.payload ?? null,
        validation: { valid: true, issues: [] },
        notes:
          decision.target === undefined
            ? [`Procurify record ${decision.procurifyId} is inactive or gone already: nothing to send`]
            : [],
      };
    case 'unchanged':
    case 'write': {
      const { target } = decision;
      const checked = writeSchemas[target.kind].safeParse(decision.payload);
      const unchanged = decision.kind === 'unchanged';
      return {
        outcome: unchanged ? 'unchanged' : target.id === undefined ? 'create' : 'update',
        ...(unchanged
          ? { reason: 'the mapped content equals what was last written; nothing would be sent' }
          : decision.reason === undefined
            ? {}
            : { reason: decision.reason }),
        target: {
          system: 'procurify',
          kind: target.kind,
          id: target.id === undefined ? null : String(target.id),
          method: target.method,
          path: target.path,
        },
        // A vendor create also sends the score OptimizedVendorRequest requires (null).
        payload:
          target.kind === 'vendor' && target.id === undefined && checked.success
            ? checked.data
            : decision.payload,
        validation: { valid: checked.success, issues: issuesOf(checked) },
        notes: unchanged
          ? []
          : [...decision.notes, ...(decision.expectedReview === undefined ? [] : [decision.expectedReview])],
      };
    }
  }
}
