// The next write of a NetSuite vendor, account or department to Procurify, read-only: the decisions of
// shared/master-data/sync-master-record.ts with the same mapping (map-master-data.ts) — scope, target
// found by link, external id or name, the exact body and its validation — or why nothing is written.
import {
  accountCodeActiveReview,
  accountContentHash,
  contentHash,
  type MasterDataScope,
  mapAccount,
  mapDepartment,
  mapVendor,
  segmentScope,
  vendorScope,
} from '../master-data/map-master-data.ts';
import {
  netSuiteAccountSchema,
  netSuiteDepartmentSchema,
  netSuiteVendorSchema,
} from '../master-data/netsuite-master-records.ts';
import { createProcurifyLookups } from '../master-data/procurify-lookups.ts';
import { vendorCurrencyCode, vendorTermsName } from '../master-data/vendor-references.ts';
import { accountCodeWriteSchema, departmentWriteSchema, vendorWriteSchema } from '../procurify/schemas.ts';
import { effectiveMasterDataSettings } from '../settings/settings-store.ts';
import type { RecordRef } from '../state/model.ts';
import type { PlannedWrite, PreviewSources } from './ports.ts';

type Planned = PlannedWrite;

const issuesOf = (result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) =>
  result.success
    ? []
    : (result.error?.issues ?? []).map(
        (issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`,
      );

export async function previewMasterData(
  services: PreviewSources,
  ref: RecordRef & { kind: 'vendor' | 'account' | 'department' },
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
  const [link, state] = await Promise.all([
    services.state.findBySource('netsuite', ref.kind, ref.id),
    services.state.getState(ref),
  ]);
  const lookups = createProcurifyLookups(async () => procurify, {
    defaultId: settings.departmentLocationId,
    ...(settings.departmentLocations === undefined ? {} : { bySubsidiary: settings.departmentLocations }),
  });
  const options = { expandSubResources: true } as const;
  const notWritten = (outcome: 'skipped' | 'invalid' | 'review', reason: string): Planned => ({
    outcome,
    reason,
    target: null,
    payload: null,
    validation: { valid: outcome !== 'invalid', issues: outcome === 'invalid' ? [reason] : [] },
    notes: [],
  });
  const plannedWrite = (
    kind: string,
    base: string,
    targetId: number | string | undefined,
    payload: unknown,
    validation: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } },
    notes: string[],
    reason?: string,
    hash = contentHash(payload),
  ): Planned => {
    const unchanged = link !== undefined && state?.contentHash === hash;
    return {
      outcome: unchanged ? 'unchanged' : targetId === undefined ? 'create' : 'update',
      ...(unchanged
        ? { reason: 'the mapped content equals what was last written; nothing would be sent' }
        : reason === undefined
          ? {}
          : { reason }),
      target: {
        system: 'procurify',
        kind,
        id: targetId === undefined ? null : String(targetId),
        // Vendors are updated with PATCH (a PUT would replace the vendor's score), the rest with PUT.
        method: targetId === undefined ? 'POST' : kind === 'vendor' ? 'PATCH' : 'PUT',
        path: targetId === undefined ? `${base}` : `${base}${targetId}/`,
      },
      payload,
      validation: { valid: validation.success, issues: issuesOf(validation) },
      notes,
    };
  };

  if (ref.kind === 'vendor') {
    const vendor = await netsuite.records.find('vendor', ref.id, {
      ...options,
      schema: netSuiteVendorSchema,
    });
    if (vendor === undefined) return deactivation(link?.procurifyId, 'vendor', '/api/v3/vendors/');
    const decision = vendorScope(vendor, scope);
    if ('invalid' in decision) return notWritten('invalid', decision.invalid);
    if (!decision.inScope) return notWritten('skipped', decision.reason);
    const { write, notes } = mapVendor(
      vendor,
      await lookups(),
      await vendorCurrencyCode(netsuite.records, vendor),
      await vendorTermsName(netsuite.records, vendor),
    );
    let targetId: number | undefined = link === undefined ? undefined : Number(link.procurifyId);
    let reason: string | undefined;
    if (targetId === undefined) {
      targetId = (await procurify.findVendorByExternalId(vendor.id))?.id;
      if (targetId !== undefined)
        reason = `Procurify vendor ${targetId} already has external_id ${vendor.id}`;
    }
    if (targetId === undefined) {
      const sameName: number[] = [];
      for await (const candidate of procurify.listVendors({ name: write.name })) {
        if (candidate.name === write.name && (candidate.external_id ?? '') === '')
          sameName.push(candidate.id);
      }
      if (sameName.length > 1) {
        return notWritten(
          'review',
          `${sameName.length} Procurify vendors are named "${write.name}" (ids ${sameName.join(', ')}) and none is linked`,
        );
      }
      if (sameName.length === 1) {
        targetId = sameName[0];
        reason = `first-time link by name with Procurify vendor ${targetId}`;
      }
    }
    const checked = vendorWriteSchema.safeParse(write);
    return plannedWrite(
      'vendor',
      '/api/v3/vendors/',
      targetId,
      // A create also sends the score OptimizedVendorRequest requires (null).
      targetId === undefined && checked.success ? checked.data : write,
      checked,
      notes,
      reason,
    );
  }

  if (ref.kind === 'account') {
    const account = await netsuite.records.find('account', ref.id, {
      ...options,
      schema: netSuiteAccountSchema,
    });
    if (account === undefined) {
      return link === undefined
        ? deactivation(undefined, 'account code', '/api/v3/account-codes/')
        : notWritten(
            'review',
            accountCodeActiveReview(
              `the account code linked to it (id ${link.procurifyId})`,
              ref.id,
              'deleted',
            ),
          );
    }
    const decision = segmentScope(account, scope);
    if ('invalid' in decision) return notWritten('invalid', decision.invalid);
    if (!decision.inScope) return notWritten('skipped', decision.reason);
    const mapped = mapAccount(account);
    if ('skip' in mapped) return notWritten('skipped', mapped.skip);
    const write = { ...mapped.write };
    if (mapped.parentNetSuiteId !== undefined) {
      const parent = await services.state.findBySource('netsuite', 'account', mapped.parentNetSuiteId);
      write.parent = parent === undefined ? null : Number(parent.procurifyId);
    }
    let targetId: number | undefined;
    let targetActive: boolean | undefined;
    for await (const candidate of procurify.listAccountCodes({ code: write.code })) {
      if (candidate.code === write.code) {
        targetId = candidate.id;
        targetActive = candidate.active;
      }
    }
    if (targetId === undefined && link !== undefined) targetId = Number(link.procurifyId);
    const inactive = account.isInactive === true;
    if (targetId === undefined && inactive)
      return notWritten(
        'skipped',
        `account ${account.id} is inactive in NetSuite and has no account code in Procurify`,
      );
    // The active flag cannot be written: when it differs, the sync puts it on the review list.
    const notes =
      targetActive === undefined || targetActive !== inactive
        ? []
        : [
            accountCodeActiveReview(
              `account code ${write.code}`,
              account.id,
              inactive ? 'inactive' : 'active',
            ),
          ];
    return plannedWrite(
      'account code',
      '/api/v3/account-codes/',
      targetId,
      write,
      accountCodeWriteSchema.safeParse(write),
      notes,
      undefined,
      accountContentHash(write, inactive),
    );
  }

  const department = await netsuite.records.find('department', ref.id, {
    ...options,
    schema: netSuiteDepartmentSchema,
  });
  if (department === undefined) return deactivation(link?.procurifyId, 'department', '/api/v3/departments/');
  const decision = segmentScope(department, scope);
  if ('invalid' in decision) return notWritten('invalid', decision.invalid);
  if (!decision.inScope) return notWritten('skipped', decision.reason);
  const write = mapDepartment(department, await lookups());
  let targetId: number | undefined = link === undefined ? undefined : Number(link.procurifyId);
  if (targetId === undefined) {
    for await (const candidate of procurify.listDepartments({ search: write.name })) {
      if (
        candidate.external_id === department.id ||
        (candidate.name === write.name && !candidate.external_id)
      ) {
        targetId = candidate.id;
        break;
      }
    }
  }
  return plannedWrite(
    'department',
    '/api/v3/departments/',
    targetId,
    write,
    departmentWriteSchema.safeParse(write),
    [],
  );
}

/** A record gone from NetSuite: its linked Procurify record is made inactive, never deleted. */
function deactivation(procurifyId: string | undefined, kind: string, base: string): Planned {
  if (procurifyId === undefined) {
    return {
      outcome: 'skipped',
      reason: 'not found in NetSuite and never synced: nothing to do',
      target: null,
      payload: null,
      validation: { valid: true, issues: [] },
      notes: [],
    };
  }
  return {
    outcome: 'deactivate',
    reason: `not found in NetSuite: the linked Procurify ${kind} ${procurifyId} would be made inactive`,
    target: {
      system: 'procurify',
      kind,
      id: procurifyId,
      method: kind === 'vendor' ? 'PATCH' : 'PUT',
      path: `${base}${procurifyId}/`,
    },
    payload: { active: false },
    validation: { valid: true, issues: [] },
    notes: [],
  };
}
