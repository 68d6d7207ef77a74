// What the NetSuite sandbox keeps across restarts (local mode, `dataFile`): records, custom fields, id
// counters, the registered integrations — the generated default one with its private key, so the
// credentials stay the same — and the account settings. Not kept: the webhook (its URL changes with every
// start; local mode sets it again), tokens, faults, the request log and counters. Read and written by
// startNetSuiteSandbox (index.ts) through ../snapshot-file.ts, whose journal entries (NetSuiteJournal)
// are the records changed since the last commit, whole or deleted, with everything but the records.
import * as z from 'zod';
import type { SnapshotJournal } from '../snapshot-file.ts';
import type { SandboxClientRegistration } from './auth.ts';
import type { NetSuiteSandboxCore } from './core.ts';
import { type RecordType, recordTypes } from './record-types.ts';
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
  return { records: core.store.snapshot().records, ...captureSettings(core, integration) };
}

/** Everything but the records: counters, custom fields, integrations, settings. */
function captureSettings(
  core: NetSuiteSandboxCore,
  integration: DefaultIntegration,
): Omit<NetSuiteSnapshot, 'records'> {
  const config = core.config();
  return {
    ...core.store.definitions(),
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

/** One journal entry: records written or deleted since the last commit, and all the small parts. */
interface NetSuiteJournalEntry extends Omit<NetSuiteSnapshot, 'records'> {
  put: NetSuiteSnapshot['records'];
  deleted: Array<{ type: RecordType; id: string }>;
}

/**
 * Follows the store's changes between commits (the snapshot file's journal in local mode), once
 * attached to the core (after the snapshot was restored into it).
 */
export class NetSuiteJournal implements SnapshotJournal {
  #core: NetSuiteSandboxCore | undefined;
  #integration: DefaultIntegration | undefined;
  readonly #touched = new Map<string, { type: RecordType; id: string }>();
  #reset = false;

  attach(core: NetSuiteSandboxCore, integration: DefaultIntegration): void {
    this.#core = core;
    this.#integration = integration;
    core.store.onChange((change) =>
      this.#touched.set(`${change.type}:${change.id}`, { type: change.type, id: change.id }),
    );
    core.store.onReset(() => {
      this.#reset = true;
    });
  }

  take(): NetSuiteJournalEntry | undefined {
    const core = this.#core;
    if (this.#reset || core === undefined) return undefined;
    const entry: NetSuiteJournalEntry = {
      put: [],
      deleted: [],
      ...captureSettings(core, this.#integration!),
    };
    for (const { type, id } of this.#touched.values()) {
      const record = core.store.get(type, id);
      if (record === undefined) entry.deleted.push({ type, id });
      else entry.put.push(record);
    }
    this.#touched.clear();
    return entry;
  }

  forget(): void {
    this.#touched.clear();
    this.#reset = false;
  }

  replay(state: unknown, entries: unknown[]): unknown {
    const snapshot = state as NetSuiteSnapshot;
    const records = new Map(snapshot.records.map((record) => [`${record.type}:${record.id}`, record]));
    let settings: Omit<NetSuiteSnapshot, 'records'> = snapshot;
    for (const entry of entries as NetSuiteJournalEntry[]) {
      for (const { type, id } of entry.deleted) records.delete(`${type}:${id}`);
      for (const record of entry.put) records.set(`${record.type}:${record.id}`, record);
      const { put: _put, deleted: _deleted, ...rest } = entry;
      settings = rest;
    }
    return {
      records: [...records.values()],
      counters: settings.counters,
      customFields: settings.customFields,
      integrations: settings.integrations,
      config: settings.config,
    };
  }
}
