// What the Procurify sandbox keeps across restarts (local mode, `dataFile`): every store (master data,
// bills, payments), the id counters, the UUID sequence and modification clock, the API clients and the
// configuration. Not kept: tokens, faults, connection-loss rules, the request log and counters. Read and
// written by startProcurifySandbox (index.ts) through ../snapshot-file.ts.
import { z } from 'zod';
import { sandboxConfigSchema } from './state.ts';
import type { ProcurifyStoreSnapshot } from './store.ts';

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
