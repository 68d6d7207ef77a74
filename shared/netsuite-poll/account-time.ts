// NetSuite account wall time ↔ instants, for the NetSuite poll and backfill. SuiteQL shows and compares
// datetimes as wall time in the account's time zone (`TO_CHAR(col, 'YYYY-MM-DD HH24:MI:SS')`, no
// offset), so watermarks stay in that form (bound back as `TO_TIMESTAMP(?, ...)` unchanged) and only
// the queue messages, which carry ISO instants, convert with the configured account time zone.
import { ianaTimeZoneMessage, isIanaTimeZone } from '../config/values.ts';
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

/** Throws a DataError naming the zone when it is not an IANA time zone name (shared/config/values.ts). */
export function checkTimeZone(timeZone: string): void {
  if (!isIanaTimeZone(timeZone)) {
    throw new DataError(`the NetSuite time zone ${ianaTimeZoneMessage(timeZone)}`, { source: 'apsync' });
  }
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

/** How far the wall time is ahead of UTC at this instant, in whole minutes (UTC-8 is -480). */
export function wallTimeOffsetMinutes(wall: string, instant: Date): number {
  return Math.round((wallFields(wall) - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The zone's offset from UTC at this instant, in minutes. */
export function offsetMinutesAt(instant: Date, timeZone: string): number {
  return wallTimeOffsetMinutes(instantToWallTime(instant, timeZone), instant);
}

/** `UTC-08:00`, `UTC+05:30`. */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
  return `UTC${sign}${hours}:${String(absolute % 60).padStart(2, '0')}`;
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
