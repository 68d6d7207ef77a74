// NetSuite account wall time (shared/netsuite-poll/account-time.ts) as the reads that bring it in use
// it: a time zone Intl does not know and a wall time that is not a SuiteQL timestamp are refused by a
// DataError naming them — the bulk reads (reconcile, master-data rows) take both from settings and rows
// without checking them first.
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../shared/errors.ts';
import {
  instantToWallTime,
  shiftWallTime,
  wallTimeOffsetMinutes,
  wallTimeToInstant,
} from '../../../shared/netsuite-poll/account-time.ts';

describe('account wall time', () => {
  it('refuses a time zone Intl does not know, naming it, each time it is asked', () => {
    const instant = new Date('2026-11-02T09:00:00Z');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(() => instantToWallTime(instant, 'Mars/Olympus_Mons')).toThrow(DataError);
      expect(() => wallTimeToInstant('2026-11-02 09:00:00', 'Mars/Olympus_Mons')).toThrow(
        '"Mars/Olympus_Mons" is not an IANA time zone (e.g. UTC, America/Los_Angeles)',
      );
    }
    expect(instantToWallTime(instant, 'America/Los_Angeles')).toBe('2026-11-02 01:00:00');
  });

  it('refuses a wall time that is not a SuiteQL timestamp, naming it', () => {
    for (const wall of ['2026-11-02T09:00:00Z', '2026-11-02 09:00', 'yesterday']) {
      expect(() => wallTimeToInstant(wall, 'UTC')).toThrow(DataError);
      expect(() => shiftWallTime(wall, 5)).toThrow(
        `"${wall}" is not a SuiteQL timestamp (YYYY-MM-DD HH24:MI:SS)`,
      );
      expect(() => wallTimeOffsetMinutes(wall, new Date())).toThrow(DataError);
    }
    expect(wallTimeToInstant('2026-11-02 01:00:00', 'America/Los_Angeles').toISOString()).toBe(
      '2026-11-02T09:00:00.000Z',
    );
  });
});
