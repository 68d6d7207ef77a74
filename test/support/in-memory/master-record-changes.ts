// The NetSuite poll's ports (shared/netsuite-poll/ports.ts) in memory: the master records of an account
// whose SuiteQL shows times as wall time in `accountTimeZone`, read as the SuiteQL adapter reads them —
// modified at or after a wall time, in (last-modified, id) order, ids compared as numbers — and the
// account clock the poll's time zone check reads (the newest vendor as SuiteQL shows it and as the
// record API gives it, in UTC).
import { instantToWallTime, isoSeconds } from '../../../shared/netsuite-poll/account-time.ts';
import type {
  AccountClock,
  AccountTimeSample,
  ChangedRecord,
  MasterRecordChanges,
  MasterRecordType,
} from '../../../shared/netsuite-poll/ports.ts';
import { Faults } from './faults.ts';

export class InMemoryMasterRecords implements MasterRecordChanges, AccountClock {
  readonly faults = new Faults<'changedSince' | 'newestVendorSample' | 'vendorWallTime'>('netsuite');
  /** Runs between the check's two reads of the sample vendor (a save in between, say). */
  betweenReads: (() => void) | undefined;
  /** The zone SuiteQL shows times in. */
  accountTimeZone: string;
  private readonly modified = new Map<MasterRecordType, Map<string, Date>>();

  constructor(accountTimeZone = 'UTC') {
    this.accountTimeZone = accountTimeZone;
  }

  /** Creates or saves a record: `at` is its new last-modified instant. */
  put(type: MasterRecordType, id: string, at: string | Date): void {
    const records = this.modified.get(type) ?? new Map<string, Date>();
    records.set(id, new Date(at));
    this.modified.set(type, records);
  }

  /** A record's last-modified time as SuiteQL shows it. */
  wallTime(type: MasterRecordType, id: string): string | undefined {
    const at = this.modified.get(type)?.get(id);
    return at === undefined ? undefined : instantToWallTime(at, this.accountTimeZone);
  }

  async *changedSince(type: MasterRecordType, from: string | undefined): AsyncIterable<ChangedRecord> {
    this.faults.check('changedSince');
    const rows = [...(this.modified.get(type)?.keys() ?? [])]
      .map((id) => ({ id, lastModified: this.wallTime(type, id)! }))
      .filter((row) => from === undefined || row.lastModified >= from)
      .sort((a, b) => a.lastModified.localeCompare(b.lastModified) || Number(a.id) - Number(b.id));
    yield* rows;
  }

  async newestVendorSample(): Promise<AccountTimeSample | undefined> {
    this.faults.check('newestVendorSample');
    const vendors = [...(this.modified.get('vendor') ?? new Map<string, Date>())];
    const newest = vendors.sort(
      ([a, at], [b, bt]) => bt.getTime() - at.getTime() || Number(b) - Number(a),
    )[0];
    if (newest === undefined) return undefined;
    const [id, at] = newest;
    const sample: AccountTimeSample = {
      recordType: 'vendor',
      id,
      wallTime: this.wallTime('vendor', id)!,
      instant: isoSeconds(at),
    };
    this.betweenReads?.();
    return sample;
  }

  async vendorWallTime(id: string): Promise<string | undefined> {
    this.faults.check('vendorWallTime');
    return this.wallTime('vendor', id);
  }
}
