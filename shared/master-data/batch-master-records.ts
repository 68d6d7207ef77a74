// The current NetSuite records a batch of master-data notices names, read before the batch is handled:
// one bulk read per record type instead of one GET per notice. A type whose bulk read fails is read
// record by record as before (the sync falls back to its own GET). With a state store that can, the
// records' states and links are read alongside, in one request for the batch (RecordBatchReads), instead
// of each sync reading its link alone; a failed read leaves each sync to read its own. Used by the
// inbound worker.
import { logger } from '../observability.ts';
import { refKey } from '../state/model.ts';
import type { RecordBatchReads, StoredRecord } from '../state/ports.ts';
import type { BatchMasterRecords, MasterRecordKind, MasterRecordReads, ReadMasterRecord } from './ports.ts';

const kinds: readonly MasterRecordKind[] = ['vendor', 'account', 'department'];

export async function readBatchMasterRecords(
  reads: MasterRecordReads,
  refs: ReadonlyArray<{ kind: string; id: string }>,
  stored?: { reads: RecordBatchReads; refs: ReadonlyArray<{ kind: string; id: string }> },
): Promise<BatchMasterRecords> {
  const byKind = new Map<MasterRecordKind, Map<string, ReadMasterRecord | undefined>>();
  let storedRecords: Map<string, StoredRecord> | undefined;
  await Promise.all([
    ...kinds.map(async (kind) => {
      const ids = [...new Set(refs.filter((ref) => ref.kind === kind).map((ref) => ref.id))];
      if (ids.length === 0) return;
      try {
        byKind.set(kind, await reads.readMany(kind, ids));
      } catch (error) {
        logger.warn('bulk read of a batch failed; its records are read one by one', {
          recordType: kind,
          records: ids.length,
          error: String(error),
        });
      }
    }),
    (async () => {
      if (stored === undefined) return;
      const masterRefs = stored.refs.flatMap(({ kind, id }) =>
        isMasterKind(kind) ? [{ system: 'netsuite' as const, kind, id }] : [],
      );
      if (masterRefs.length === 0) return;
      try {
        storedRecords = await stored.reads.statesAndLinks(masterRefs);
      } catch (error) {
        logger.warn('batch read of states and links failed; each record reads its own', {
          records: masterRefs.length,
          error: String(error),
        });
      }
    })(),
  ]);
  return {
    get: <K extends MasterRecordKind>(kind: K, id: string) => {
      const records = byKind.get(kind);
      if (records === undefined || !records.has(id)) return undefined;
      const read = records.get(id) as ReadMasterRecord<K> | undefined;
      return read === undefined ? { found: false as const } : { found: true as const, read };
    },
    stored: (kind, id) => storedRecords?.get(refKey({ system: 'netsuite', kind, id })),
  };
}

const isMasterKind = (kind: string): kind is MasterRecordKind => (kinds as readonly string[]).includes(kind);
