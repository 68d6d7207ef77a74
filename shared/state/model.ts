// What apsync remembers about each record it syncs: links between the two systems, the record's sync
// state, its audit trail, flow watermarks, leases and configuration. Plain types; stores implement them.

export type SystemName = 'netsuite' | 'procurify';

/** The kinds of record apsync syncs, named for what they are in the domain. */
export const recordKinds = ['vendor', 'account', 'department', 'bill', 'payment'] as const;
export type RecordKind = (typeof recordKinds)[number];

/**
 * Failures a person has not dealt with yet: the review list (`apsync review list`, the console's failures
 * page, the failure digest); what `apsync review dismiss` takes.
 */
export const openFailureStatuses = ['review', 'failed'] as const;

/** `dismissed`: taken off the review list by a person (`apsync review dismiss`), with the reason. */
export const syncStatuses = [
  'pending',
  'synced',
  'unchanged',
  'skipped',
  ...openFailureStatuses,
  'dismissed',
] as const;
export type SyncStatus = (typeof syncStatuses)[number];

/** A record as apsync refers to it: the system it lives in, its kind and that system's id. */
export interface RecordRef {
  system: SystemName;
  kind: RecordKind;
  id: string;
}

export interface RecordLink {
  netsuiteId: string;
  procurifyId: string;
  kind: RecordKind;
  /** How the link was made: by apsync's write, first-time name match, an older integration, an import. */
  origin: 'created' | 'name-match' | 'legacy' | 'import' | 'matched';
  linkedAt: string;
}

export interface RecordState {
  ref: RecordRef;
  status: SyncStatus;
  /** A message a person can act on (why skipped, parked or failed). */
  message?: string;
  errorClass?: string;
  /** Hash of the mapped content last written to the other system (skip writes that change nothing). */
  contentHash?: string;
  /** The source system's last-modified time of the version last processed. */
  sourceModified?: string;
  /** What the record waits for when parked for review, e.g. `account-code:6100`. */
  waitingFor?: string[];
  /** Invoice files already stored in NetSuite for this record (Procurify attachment uuids): stored once. */
  attachments?: string[];
  /** An operator kept this bill (and its payments) out of the sync (`apsync bills exclude`). */
  excluded?: { reason: string; by?: string; at: string };
  /** An operator selected this bill for sync in manual bill sync mode (`apsync bills sync`). */
  selected?: { by?: string; at: string };
  updatedAt: string;
}

export type AuditStep =
  | 'received'
  | 'fetched'
  | 'written'
  | 'unchanged'
  | 'skipped'
  | 'review'
  | 'failed'
  | 'replayed'
  | 'dismissed'
  | 'note';

export interface AuditEntry {
  at: string;
  step: AuditStep;
  message?: string;
  /** Small structured facts (ids, codes, origin); never credentials or personal data. */
  facts?: Record<string, string | number | boolean>;
}

export const refKey = (ref: RecordRef): string => `${ref.system}#${ref.kind}#${ref.id}`;

/** The prefix of a record's lease name: every work that changes a record's state holds that lease. */
export const recordLeasePrefix = 'record:';

/** The name of a record's lease (record-lease.ts; the DynamoDB store keeps it on the state item). */
export const recordLeaseName = (ref: RecordRef): string => `${recordLeasePrefix}${refKey(ref)}`;
