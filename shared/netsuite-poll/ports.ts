// Ports of the NetSuite master-data poll and backfill: the records changed since a time, and the account's
// clock (one vendor's last-modified time as SuiteQL shows it and as the record API gives it) that the poll
// checks its time zone against. NetSuite adapter: netsuite-changes.ts (SuiteQL and the record API);
// in memory: test/support/in-memory/master-record-changes.ts.

/** The master-data record types, as SuiteQL tables and SuiteScript record types both spell them. */
export const masterRecordTypes = ['vendor', 'account', 'department'] as const;
export type MasterRecordType = (typeof masterRecordTypes)[number];

export interface MasterRecordChanges {
  /**
   * Every record of the type modified at or after `from` (account wall time; every record when
   * undefined), in (last-modified, id) order, however many there are.
   */
  changedSince(type: MasterRecordType, from: string | undefined): AsyncIterable<ChangedRecord>;
}

export interface ChangedRecord {
  /** Internal id. */
  id: string;
  /** Account wall time, `YYYY-MM-DD HH24:MI:SS`. */
  lastModified: string;
}

/** One record's last-modified time as SuiteQL shows it and as the record API gives it. */
export interface AccountTimeSample {
  recordType: 'vendor';
  id: string;
  /** SuiteQL: `YYYY-MM-DD HH24:MI:SS`, wall time. */
  wallTime: string;
  /** Record API: ISO 8601 UTC at seconds precision. */
  instant: string;
}

export interface AccountClock {
  /** The most recently modified vendor's sample (its offset is the one in force now); none: undefined. */
  newestVendorSample(): Promise<AccountTimeSample | undefined>;
  /** A vendor's last-modified time as SuiteQL shows it now (undefined: no such vendor). */
  vendorWallTime(id: string): Promise<string | undefined>;
}
