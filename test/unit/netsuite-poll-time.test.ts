// Unit tests of the NetSuite poll's pure parts: account wall time ↔ instants, the backfill's `since`,
// the inbound message of a changed record, batching and the sync lag.
import { describe, expect, it } from 'vitest';
import { DataError } from '../../shared/errors.ts';
import {
  instantToWallTime,
  shiftWallTime,
  sinceWallTime,
  syncLagSeconds,
  wallTimeToInstant,
} from '../../shared/netsuite-poll/index.ts';
import { batchesOf, changeMessage } from '../../shared/netsuite-poll/master-record-changes.ts';

describe('account wall time', () => {
  it('reads and writes UTC wall times unchanged', () => {
    expect(instantToWallTime(new Date('2026-11-22T10:15:30Z'), 'UTC')).toBe('2026-11-22 10:15:30');
    expect(wallTimeToInstant('2026-11-22 10:15:30', 'UTC').toISOString()).toBe('2026-11-22T10:15:30.000Z');
  });

  it('converts with the account time zone, on both sides of a DST change', () => {
    // Berlin: UTC+2 in summer (CEST), UTC+1 in winter (CET).
    expect(wallTimeToInstant('2026-07-01 09:00:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    expect(wallTimeToInstant('2026-12-01 09:00:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-12-01T08:00:00.000Z',
    );
    expect(instantToWallTime(new Date('2026-12-01T08:00:00Z'), 'Europe/Berlin')).toBe('2026-12-01 09:00:00');
    // A fixed offset (Etc/GMT+8 is UTC-8).
    expect(wallTimeToInstant('2026-12-01 09:00:00', 'Etc/GMT+8').toISOString()).toBe(
      '2026-12-01T17:00:00.000Z',
    );
    // Round trip across the year, every 7 hours.
    for (
      let t = Date.parse('2026-01-01T00:00:00Z');
      t < Date.parse('2027-01-01T00:00:00Z');
      t += 7 * 3600_000
    ) {
      const wall = instantToWallTime(new Date(t), 'Europe/Berlin');
      const back = wallTimeToInstant(wall, 'Europe/Berlin').getTime();
      // A wall time repeated when clocks go back may resolve to its other instant (an hour apart).
      expect([0, 3600_000]).toContain(Math.abs(back - t));
    }
  });

  it('shifts wall times across day, month and year boundaries', () => {
    expect(shiftWallTime('2026-01-01 00:05:00', -10)).toBe('2025-12-31 23:55:00');
    expect(shiftWallTime('2026-02-28 23:59:59', 1)).toBe('2026-03-01 00:00:59');
  });

  it('refuses malformed wall times and unknown time zones with a DataError', () => {
    expect(() => shiftWallTime('2026-01-01T00:00:00', 1)).toThrow(DataError);
    expect(() => instantToWallTime(new Date(), 'Mars/Olympus')).toThrow(/not an IANA time zone/);
  });
});

describe('backfill since', () => {
  it('takes a calendar day as midnight in the account and an instant through the time zone', () => {
    expect(sinceWallTime('2026-01-31', 'Etc/GMT+7')).toBe('2026-01-31 00:00:00');
    expect(sinceWallTime('2026-01-31T07:00:00Z', 'Etc/GMT+7')).toBe('2026-01-31 00:00:00');
    expect(sinceWallTime(new Date('2026-01-31T08:00:00Z'), 'UTC')).toBe('2026-01-31 08:00:00');
  });

  it('refuses a date-time without an offset or an unparseable value', () => {
    expect(() => sinceWallTime('2026-01-31T08:00:00', 'UTC')).toThrow(DataError);
    expect(() => sinceWallTime('last tuesday', 'UTC')).toThrow(DataError);
  });
});

describe('changeMessage', () => {
  it('is an inbound message with a deterministic event id and the instant of the wall time', () => {
    const receivedAt = new Date('2026-07-01T16:10:00Z');
    const record = { id: '123', lastModified: '2026-07-01 09:00:00' };
    const message = changeMessage('vendor', record, 'poll', receivedAt, 'Etc/GMT+7');
    expect(message).toEqual({
      kind: 'record-event',
      origin: 'poll',
      eventId: 'poll:vendor:123:2026-07-01T16:00:00Z',
      recordType: 'vendor',
      recordId: '123',
      eventType: 'edit',
      lastModified: '2026-07-01T16:00:00Z',
      receivedAt: '2026-07-01T16:10:00.000Z',
    });
    expect(changeMessage('vendor', record, 'poll', new Date(), 'Etc/GMT+7').eventId).toBe(message.eventId);
    expect(changeMessage('account', record, 'backfill', receivedAt, 'UTC').eventId).toBe(
      'backfill:account:123:2026-07-01T09:00:00Z',
    );
  });
});

describe('batchesOf', () => {
  it('groups rows and yields the short last batch', async () => {
    async function* rows() {
      for (let i = 1; i <= 7; i++) yield i;
    }
    const batches: number[][] = [];
    for await (const batch of batchesOf(rows(), 3)) batches.push(batch);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });
});

describe('syncLagSeconds', () => {
  const summary = {
    skippedBecauseLeaseHeld: false,
    complete: false,
    startedAt: '2026-07-01T16:00:00.000Z',
    recordTypes: {},
  };
  it('is now minus the instant up to which everything is enqueued, none without one', () => {
    const now = new Date('2026-07-01T16:45:00Z');
    expect(syncLagSeconds({ ...summary, caughtUpTo: '2026-07-01T16:00:00Z' }, now)).toBe(2700);
    expect(syncLagSeconds(summary, now)).toBeUndefined();
    expect(
      syncLagSeconds({ ...summary, skippedBecauseLeaseHeld: true, caughtUpTo: '2026-07-01T16:00:00Z' }, now),
    ).toBeUndefined();
  });
});
