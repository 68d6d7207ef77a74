// What a record type's business rules look like to the write pipeline (writes.ts): the context of one write
// and the hooks each type implements (master-data.ts, bills.ts, payments.ts, custom-segments.ts,
// file-cabinet.ts).
import type { WriteOrigin } from './record-input.ts';
import type { FieldBag, RecordStore, StoredLine, StoredRecord } from './store.ts';

export interface RuleContext {
  store: RecordStore;
  origin: WriteOrigin;
  existing: StoredRecord | undefined;
  /** Body fields this write set (rules check "active" only on what the caller chose). */
  changed: ReadonlySet<string>;
  /** Sublist lines this write added or changed. */
  touchedLines: ReadonlySet<StoredLine>;
  /** The order of the body's lines, for error paths: line object -> `apply.items[i]`. */
  linePaths: ReadonlyMap<StoredLine, string>;
}

export interface TypeRules {
  /** Fills defaults, computes read-only fields and enforces NetSuite's rules (throws NetSuiteProblem). */
  complete(draft: FieldBag, context: RuleContext): void;
  afterSave?(record: StoredRecord, before: StoredRecord | undefined, store: RecordStore): void;
  afterDelete?(record: StoredRecord, store: RecordStore): void;
}
