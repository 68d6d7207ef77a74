// What the NetSuite sandbox keeps across restarts (local mode, `dataFile`): records, custom fields, id
// counters, the registered integrations — the generated default one with its private key, so the
// credentials stay the same — and the account settings. Not kept: the webhook (its URL changes with every
// start; local mode sets it again), tokens, faults, the request log and counters. Read and written by
// startNetSuiteSandbox (index.ts) through ../snapshot-file.ts.
import { z } from 'zod';
import type { SandboxClientRegistration } from './auth.ts';
import type { NetSuiteSandboxCore } from './core.ts';
import { recordTypes } from './record-types.ts';
import { customFieldKinds, type FieldValue, type StoredRecord } from './store.ts';

export const netsuiteSnapshotVersion = 1;

const registrationSchema = z.object({
  clientId: z.string().min(1),
  certificateId: z.string().min(1),
  publicKeyPem: z.string().startsWith('-----BEGIN'),
});

export const netsuiteSnapshotSchema = z.object({
  records: z.array(
    z.object({
      type: z.enum(recordTypes),
      id: z.string().regex(/^\d+$/),
      fields: z.record(z.string(), z.json()),
      createdDate: z.string(),
      lastModifiedDate: z.string(),
    }),
  ),
  counters: z.record(z.string(), z.number().int().nonnegative()),
  customFields: z.array(
    z.object({
      type: z.enum(recordTypes),
      fieldId: z.string().min(1),
      kind: z.enum(customFieldKinds),
      // Custom field attributes (labels, mandatory flags, list targets, segments) came with issue 11;
      // files written before simply lack them.
      label: z.string().optional(),
      mandatory: z.boolean().optional(),
      defaultValue: z.union([z.string(), z.number(), z.boolean()]).optional(),
      selectRecordType: z.enum(recordTypes).optional(),
      segment: z.string().optional(),
    }),
  ),
  integrations: z.object({
    /** The generated default integration (`credentials`). */
    default: registrationSchema.extend({ privateKeyPem: z.string().startsWith('-----BEGIN') }),
    /** Integrations registered besides it (options, `registerClient`, the admin API). */
    others: z.array(registrationSchema),
  }),
  config: z.object({
    concurrencyLimit: z.number().int().positive(),
    integrationConcurrencyLimit: z.number().int().positive().nullable(),
    tokenLifetimeSeconds: z.number().int().positive(),
  }),
});

export type NetSuiteSnapshot = z.infer<typeof netsuiteSnapshotSchema>;

export interface DefaultIntegration {
  registration: SandboxClientRegistration;
  privateKeyPem: string;
}

export function captureNetSuite(
  core: NetSuiteSandboxCore,
  integration: DefaultIntegration,
): NetSuiteSnapshot {
  const config = core.config();
  return {
    ...core.store.snapshot(),
    integrations: {
      default: { ...integration.registration, privateKeyPem: integration.privateKeyPem },
      others: core.tokens
        .registeredIntegrations()
        .filter((other) => other.certificateId !== integration.registration.certificateId),
    },
    config: {
      concurrencyLimit: config.concurrencyLimit,
      integrationConcurrencyLimit: config.integrationConcurrencyLimit,
      tokenLifetimeSeconds: config.tokenLifetimeSeconds,
    },
  };
}

/** Puts a snapshot's records, custom fields, counters and integrations back (settings: index.ts). */
export function restoreNetSuite(core: NetSuiteSandboxCore, snapshot: NetSuiteSnapshot): void {
  core.store.restore({
    // Values were checked as JSON; the store wrote them, so they have its field shapes.
    records: snapshot.records.map((record) => ({
      ...record,
      fields: record.fields as Record<string, FieldValue>,
    })) satisfies StoredRecord[],
    counters: snapshot.counters,
    customFields: snapshot.customFields,
  });
  for (const registration of snapshot.integrations.others) core.registerClient(registration);
}

export function defaultIntegrationOf(snapshot: NetSuiteSnapshot): DefaultIntegration {
  const { privateKeyPem, ...registration } = snapshot.integrations.default;
  return { registration, privateKeyPem };
}
