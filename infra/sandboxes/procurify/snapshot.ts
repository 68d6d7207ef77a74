// What the Procurify sandbox keeps across restarts (local mode, `dataFile`): every store (master data,
// bills, payments), the id counters, the UUID sequence and modification clock, the API clients and the
// configuration. Not kept: tokens, faults, connection-loss rules, the request log and counters. Read and
// written by startProcurifySandbox (index.ts) through ../snapshot-file.ts, whose journal entries
// (ProcurifyJournal) are the records written since the last commit, whole, with the counters, clients
// and configuration.
import * as z from 'zod';
import type { SnapshotJournal } from '../snapshot-file.ts';
import type { ClientCredentials } from './auth.ts';
import { type SandboxConfig, sandboxConfigSchema } from './state.ts';
import type { ProcurifyCollection, ProcurifyStore, ProcurifyStoreSnapshot, TouchedRecord } from './store.ts';

export const procurifySnapshotVersion = 1;

// Records are checked for their identity only: the store wrote them, the file is this sandbox's own.
const withId = z.looseObject({ id: z.number().int() });
const records = z.array(withId);

export const procurifySnapshotSchema = z.object({
  store: z.object({
    random: z.object({ seed: z.number().int(), draws: z.number().int().nonnegative() }),
    lastTick: z.number().nonnegative(),
    nextIds: z.record(z.string(), z.number().int().positive()),
    currencies: records,
    paymentTerms: records,
    locations: records,
    departments: records,
    accountCodes: records,
    vendors: records,
    // Absent from files written before bills carried custom fields.
    customFields: records.default([]),
    paymentMethods: records,
    bills: z.array(
      z.looseObject({ id: z.number().int(), uuid: z.string().min(1), items: z.array(z.unknown()) }),
    ),
    payments: z.array(
      z.looseObject({
        id: z.number().int(),
        applications: z.array(z.looseObject({ billUuid: z.string().min(1), amountCents: z.number().int() })),
      }),
    ),
  }),
  clients: z.array(z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) })).min(1),
  // Data directories written before `accountCodeActiveWritable` was removed (account codes' `active` is
  // never writable through the API now) still load.
  config: z.preprocess((value) => {
    if (typeof value !== 'object' || value === null) return value;
    const { accountCodeActiveWritable: _dropped, ...rest } = value as Record<string, unknown>;
    return rest;
  }, sandboxConfigSchema),
});

export type ProcurifySnapshot = z.infer<typeof procurifySnapshotSchema>;

/** The store part of a checked snapshot, with the record types the store works with. */
export function storeSnapshotOf(snapshot: ProcurifySnapshot): ProcurifyStoreSnapshot {
  return snapshot.store as unknown as ProcurifyStoreSnapshot;
}

/** One journal entry: the records written since the last commit (the store never deletes one). */
interface ProcurifyJournalEntry {
  put: Partial<Record<ProcurifyCollection, Array<{ id: number; uuid?: string }>>>;
  counters: Pick<ProcurifyStoreSnapshot, 'random' | 'lastTick' | 'nextIds'>;
  clients: ClientCredentials[];
  config: SandboxConfig;
}

/** Records are matched by id, bills by UUID (the store's keys). */
function keyOf(collection: ProcurifyCollection, record: { id: number; uuid?: string }): string | number {
  return collection === 'bills' ? String(record.uuid) : record.id;
}

/**
 * Follows the store's changes between commits (the snapshot file's journal in local mode), once
 * attached (after the snapshot was restored into the store).
 */
export class ProcurifyJournal implements SnapshotJournal {
  #parts:
    | { store: ProcurifyStore; clients: () => ClientCredentials[]; config: () => SandboxConfig }
    | undefined;
  readonly #touched = new Map<ProcurifyCollection, Map<string | number, { id: number }>>();
  #everything = false;

  attach(store: ProcurifyStore, clients: () => ClientCredentials[], config: () => SandboxConfig): void {
    this.#parts = { store, clients, config };
    store.onChange((touched: readonly TouchedRecord[]) => {
      if (touched.length === 0) this.#everything = true;
      for (const { collection, record } of touched) {
        let records = this.#touched.get(collection);
        if (records === undefined) {
          records = new Map();
          this.#touched.set(collection, records);
        }
        records.set(keyOf(collection, record), record);
      }
    });
  }

  take(): ProcurifyJournalEntry | undefined {
    const parts = this.#parts;
    if (this.#everything || parts === undefined) return undefined;
    const put: ProcurifyJournalEntry['put'] = {};
    for (const [collection, records] of this.#touched) put[collection] = [...records.values()];
    this.#touched.clear();
    // Serialized by the caller now, so records changed in place are taken as they are at this commit.
    return { put, counters: parts.store.counters(), clients: parts.clients(), config: parts.config() };
  }

  forget(): void {
    this.#touched.clear();
    this.#everything = false;
  }

  replay(state: unknown, entries: unknown[]): unknown {
    const snapshot = state as { store: Record<string, unknown>; clients: unknown; config: unknown };
    const store = { ...snapshot.store };
    const indexes = new Map<ProcurifyCollection, Map<string | number, unknown>>();
    let clients = snapshot.clients;
    let config = snapshot.config;
    for (const entry of entries as ProcurifyJournalEntry[]) {
      for (const [name, records] of Object.entries(entry.put)) {
        const collection = name as ProcurifyCollection;
        let index = indexes.get(collection);
        if (index === undefined) {
          const stored = (store[collection] ?? []) as Array<{ id: number; uuid?: string }>;
          // Insertion order is kept (listings follow it): a changed record keeps its place.
          index = new Map(stored.map((record) => [keyOf(collection, record), record]));
          indexes.set(collection, index);
        }
        for (const record of records ?? []) index.set(keyOf(collection, record), record);
      }
      Object.assign(store, entry.counters);
      clients = entry.clients;
      config = entry.config;
    }
    for (const [collection, index] of indexes) store[collection] = [...index.values()];
    return { store, clients, config };
  }
}
