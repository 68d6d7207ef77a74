// The master-data backfill (shared/netsuite-poll/backfill-master-data.ts) given an account time zone that is
// not an IANA name (shared/netsuite-poll/account-time.ts checkTimeZone): refused naming the zone before any
// record is read or queued.
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { backfillMasterData } from '../../../shared/netsuite-poll/index.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryMasterRecords } from '../../support/in-memory/master-record-changes.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';

describe('backfillMasterData with a bad account time zone', () => {
  it('is refused naming the zone, and queues nothing', async () => {
    const records = new InMemoryMasterRecords();
    records.put('vendor', '1', '2026-11-01T08:00:00Z');
    const queue = new InMemoryQueue<InboundMessage>();
    const clock = new ManualClock('2026-11-02T09:00:00.000Z');
    const run = backfillMasterData({ changes: records, queue, now: clock.now }, { accountTimeZone: 'EST' });
    await expect(run).rejects.toThrow(DataError);
    await expect(run).rejects.toThrow(/^the NetSuite time zone must be an IANA time zone name.*EST/);
    expect(queue.bodies()).toEqual([]);
  });
});
