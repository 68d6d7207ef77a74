// The master-data backfill (shared/netsuite-poll/backfill-master-data.ts) over in-memory NetSuite changes
// and queue: every record of every type, or those modified since a day (midnight in the account's zone)
// or an instant, queued in batches with a progress report after each and one when a type is done; a
// `since` it cannot read and a bad batch size are refused with the reason.
import { beforeEach, describe, expect, it } from 'vitest';
import { BugError, DataError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import {
  type BackfillProgress,
  backfillMasterData,
  sinceWallTime,
} from '../../../shared/netsuite-poll/index.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryMasterRecords } from '../../support/in-memory/master-record-changes.ts';
import { InMemoryQueue } from '../../support/in-memory/queue.ts';

let clock: ManualClock;
let records: InMemoryMasterRecords;
let queue: InMemoryQueue<InboundMessage>;

const deps = () => ({ changes: records, queue, now: clock.now });

beforeEach(() => {
  clock = new ManualClock('2026-11-02T09:00:00.000Z');
  records = new InMemoryMasterRecords();
  queue = new InMemoryQueue();
  records.put('vendor', '1', '2025-01-10T12:00:00Z');
  records.put('vendor', '2', '2026-10-31T23:30:00Z');
  records.put('vendor', '3', '2026-11-01T08:00:00Z');
  records.put('account', '9', '2026-11-01T10:00:00Z');
});

describe('backfillMasterData', () => {
  it('queues every record of every type in batches, reporting progress', async () => {
    const progress: BackfillProgress[] = [];
    const summary = await backfillMasterData(deps(), {
      batchSize: 2,
      onProgress: (report) => progress.push({ ...report }),
    });
    expect(summary).toEqual({ vendor: 3, account: 1, department: 0 });
    expect(progress).toEqual([
      { recordType: 'vendor', enqueued: 2, done: false },
      { recordType: 'vendor', enqueued: 3, done: false },
      { recordType: 'vendor', enqueued: 3, done: true },
      { recordType: 'account', enqueued: 1, done: false },
      { recordType: 'account', enqueued: 1, done: true },
      { recordType: 'department', enqueued: 0, done: true },
    ]);
    expect(queue.bodies()[0]).toEqual({
      kind: 'record-event',
      origin: 'backfill',
      eventId: 'backfill:vendor:1:2025-01-10T12:00:00Z',
      recordType: 'vendor',
      recordId: '1',
      eventType: 'edit',
      lastModified: '2025-01-10T12:00:00Z',
      receivedAt: '2026-11-02T09:00:00.000Z',
    });
  });

  it('queues only what changed since a day (midnight in the account zone) or an instant', async () => {
    expect(await backfillMasterData(deps(), { since: '2026-11-01', recordTypes: ['vendor'] })).toEqual({
      vendor: 1,
    });
    expect(queue.bodies().map((message) => message.recordId)).toEqual(['3']);

    records = new InMemoryMasterRecords('America/New_York');
    records.put('vendor', '2', '2026-11-01T03:30:00Z');
    const zoned = await backfillMasterData(deps(), {
      since: '2026-11-01',
      accountTimeZone: 'America/New_York',
    });
    // 03:30 UTC is 23:30 the day before in New York: not since that day.
    expect(zoned).toEqual({ vendor: 0, account: 0, department: 0 });

    records.put('vendor', '6', '2026-11-01T05:00:00Z');
    const since = new Date('2026-11-01T04:00:00Z');
    expect(
      await backfillMasterData(deps(), {
        since,
        accountTimeZone: 'America/New_York',
        recordTypes: ['vendor'],
      }),
    ).toEqual({ vendor: 1 });
    expect(
      await backfillMasterData(deps(), {
        since: '2026-11-01T00:00:00-04:00',
        accountTimeZone: 'America/New_York',
        recordTypes: ['vendor'],
      }),
    ).toEqual({ vendor: 1 });
  });

  it('refuses a since it cannot read, a bad batch size and a zone that is not one', async () => {
    await expect(backfillMasterData(deps(), { since: 'yesterday' })).rejects.toThrow(DataError);
    await expect(backfillMasterData(deps(), { since: '2026-11-01T10:00:00' })).rejects.toThrow(
      /with an offset/,
    );
    await expect(backfillMasterData(deps(), { batchSize: 0 })).rejects.toThrow(BugError);
    await expect(backfillMasterData(deps(), { accountTimeZone: 'EST' })).rejects.toThrow(/EST/);
    expect(queue.sent).toEqual([]);
    expect(sinceWallTime('2026-11-01', 'UTC')).toBe('2026-11-01 00:00:00');
  });

  it('without a clock of its own, stamps each message with the time it is sent', async () => {
    const before = new Date().toISOString();
    const { now: _clock, ...withoutClock } = deps();
    await backfillMasterData(withoutClock, { recordTypes: ['vendor'] });
    const after = new Date().toISOString();
    const stamps = queue.bodies().map((message) => message.receivedAt);
    expect(stamps).toHaveLength(3);
    for (const stamp of stamps) expect(stamp >= before && stamp <= after).toBe(true);
  });

  it('stops at a failed send: the batches before it stay queued', async () => {
    queue.faults.failNext('sendBatch');
    await expect(backfillMasterData(deps(), { batchSize: 2 })).rejects.toThrow(/sendBatch unavailable/);
    expect(queue.sent).toEqual([]);
  });
});
