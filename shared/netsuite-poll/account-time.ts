// NetSuite account wall time ↔ instants, for the NetSuite poll and backfill. SuiteQL shows and compares
// datetimes as wall time in the account's time zone (`TO_CHAR(col, 'YYYY-MM-DD HH24:MI:SS')`, no
// offset), so watermarks stay in that form (bound back as `TO_TIMESTAMP(?, ...)` unchanged) and only
// the queue messages, which carry ISO instants, convert with the configured account time zone.
import { DataError } from '../errors.ts';

/** `YYYY-MM-DD HH24:MI:SS`, as `suiteQlTimestamp` renders it; sorts as text in time order. */
export const wallTimePattern = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new DataError(`"${timeZone}" is not an IANA time zone (e.g. UTC, America/Los_Angeles)`, {
        source: 'apsync',
      });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a DataError naming the zone when it is not one Intl knows. */
export function checkTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** The wall time's fields read as if they were UTC, in milliseconds (for arithmetic on wall times). */
function wallFields(wall: string): number {
  const match = wallTimePattern.exec(wall);
  if (match === null) {
    throw new DataError(`"${wall}" is not a SuiteQL timestamp (YYYY-MM-DD HH24:MI:SS)`, { source: 'apsync' });
  }
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

function formatFields(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The wall time `minutes` later (negative: earlier), by calendar arithmetic. */
export function shiftWallTime(wall: string, minutes: number): string {
  return formatFields(wallFields(wall) + minutes * 60_000);
}

/** What the account's clock showed at this instant. */
export function instantToWallTime(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * The instant the account's clock showed this wall time. A wall time repeated when clocks go back
 * resolves to one of its two instants; one skipped when they go forward, to a neighbour.
 */
export function wallTimeToInstant(wall: string, timeZone: string): Date {
  const fields = wallFields(wall);
  const offsetAt = (ms: number) => wallFields(instantToWallTime(new Date(ms), timeZone)) - ms;
  const first = fields - offsetAt(fields);
  return new Date(fields - offsetAt(first));
}

/** An ISO instant at seconds precision (`2026-11-22T10:15:30Z`), the way NetSuite's records show it. */
export function isoSeconds(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}
