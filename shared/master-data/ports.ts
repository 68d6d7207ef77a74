// Ports of the master-data sync: reading the current NetSuite records of a batch of notices at once.
// Adapter: netsuite-master-reads.ts (SuiteQL, one query per record type); used by the inbound worker.
import type { StoredRecord } from '../state/ports.ts';
import type { NetSuiteAccount, NetSuiteDepartment, NetSuiteVendor } from './netsuite-master-records.ts';

export type MasterRecordKind = 'vendor' | 'account' | 'department';

export interface MasterRecordOf {
  vendor: NetSuiteVendor;
  account: NetSuiteAccount;
  department: NetSuiteDepartment;
}

/** A record as read, with what the REST path would look up with further requests. */
export interface ReadMasterRecord<K extends MasterRecordKind = MasterRecordKind> {
  record: MasterRecordOf[K];
  /** The ISO code (`symbol`) of a vendor's currency. */
  currencyCode?: string;
}

/**
 * The current records of one kind among `ids`: `undefined` for an id that does not exist in NetSuite; an
 * id missing from the map was not read in bulk (its record must be read alone).
 */
export interface MasterRecordReads {
  readMany<K extends MasterRecordKind>(
    kind: K,
    ids: readonly string[],
  ): Promise<Map<string, ReadMasterRecord<K> | undefined>>;
}

/**
 * The records of one batch, read before its messages are handled. `get` answers `undefined` for a record
 * not read in bulk (the sync then reads it alone), `{ found: false }` for one that does not exist.
 */
export interface BatchMasterRecords {
  get<K extends MasterRecordKind>(
    kind: K,
    id: string,
  ): { found: true; read: ReadMasterRecord<K> } | { found: false } | undefined;
  /**
   * The record's state and link as the batch read them before any of its syncs (eventually consistent:
   * a sync uses the link only while the state it finds under the record's lease is the one read with
   * it); undefined when not read.
   */
  stored?(kind: MasterRecordKind, id: string): StoredRecord | undefined;
}
