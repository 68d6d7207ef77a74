// Checks the configured NetSuite time zone against the account before each NetSuite poll run
// (pollMasterData): one record's last-modified time read twice — as SuiteQL shows it (wall time in the
// zone the poll must use) and as the record API gives it (an instant) — must agree in that zone.
//
// Why a check and not a read: no NetSuite API apsync uses publishes a time zone it could read.
// - SuiteQL shows datetimes in the time zone of the user the integration runs as: NetSuite stores them
//   in UTC and converts them "to the time zone found in the current user's User Preferences before
//   being displayed" (Oracle NetSuite Help, Time Zone Management, docs.oracle.com/en/cloud/saas/
//   netsuite/ns-online-help/article_0122025133.html; other descriptions say "the account's",
//   unconfirmed). That preference defaults to the company's Time Zone.
// - Neither the user's preference nor the company's Time Zone (Setup > Company > Company Information,
//   a SuiteScript `config` record) is a REST record or a SuiteQL table in the published record API
//   (infra/contracts/facts/netsuite-record-api.json has no time zone field apart from a currency's
//   `fxRateUpdateTimezone`) or among the SuiteQL tables of infra/contracts/facts/netsuite-reference.ts.
// - What the API does give reliably is the offset in use: the record API writes datetimes "in ISO 8601
//   format and in the UTC time zone" (Oracle NetSuite Help, Using Datetime Fields, docs.oracle.com/en/
//   cloud/saas/netsuite/ns-online-help/section_157305090645.html), so one record read both ways shows
//   SuiteQL's offset at that instant. An offset does not name a zone (daylight-saving rules differ), so
//   the zone stays a setting, and this check turns a wrong one — a poll silently seeing nothing for
//   hours — into a failed run that names the fix and the zones that fit.
import { DataError } from '../errors.ts';
import { settingNames } from '../resources.ts';
import { formatUtcOffset, offsetMinutesAt, wallTimeOffsetMinutes } from './account-time.ts';
import type { AccountClock, AccountTimeSample } from './ports.ts';

export interface AccountTimeZoneCheck {
  /** The configured zone that was checked. */
  timeZone: string;
  /** `inconclusive`: nothing to compare (no vendor, a read failed, the record changed meanwhile). */
  outcome: 'matches' | 'mismatch' | 'inconclusive';
  sample?: AccountTimeSample;
  /** SuiteQL's offset at the sample's instant, e.g. `UTC-08:00`. */
  accountOffset?: string;
  /** Why the check was inconclusive. */
  reason?: string;
}

/** Zones listed in the mismatch message as candidates for an offset. */
const candidateCount = 6;

/**
 * Compares the account's offset with the configured zone's at one record's last-modified instant.
 * Returns the check and, on a mismatch, the DataError that stops the poll run. Never throws: a read that
 * fails makes the check inconclusive (the poll's own reads will meet the same failure and report it).
 */
export async function checkAccountTimeZone(
  clock: AccountClock,
  timeZone: string,
): Promise<{ check: AccountTimeZoneCheck; error?: DataError }> {
  let sample: AccountTimeSample | undefined;
  try {
    sample = await clock.newestVendorSample();
  } catch (error) {
    return {
      check: { timeZone, outcome: 'inconclusive', reason: `reading a vendor failed: ${String(error)}` },
    };
  }
  if (sample === undefined) {
    return { check: { timeZone, outcome: 'inconclusive', reason: 'no vendor to compare' } };
  }
  const compared = compareAccountTime(sample, timeZone);
  if (compared.check.outcome !== 'mismatch') return compared;
  // The record may have been saved between the two reads: only a wall time that did not move counts.
  try {
    const again = await clock.vendorWallTime(sample.id);
    if (again !== sample.wallTime) {
      return {
        check: {
          timeZone,
          outcome: 'inconclusive',
          sample,
          reason: `vendor ${sample.id} changed during the check`,
        },
      };
    }
  } catch (error) {
    return {
      check: { timeZone, outcome: 'inconclusive', sample, reason: `re-reading failed: ${String(error)}` },
    };
  }
  return compared;
}

/** The pure comparison: does the configured zone show the sample's instant as SuiteQL did? */
export function compareAccountTime(
  sample: AccountTimeSample,
  timeZone: string,
): { check: AccountTimeZoneCheck; error?: DataError } {
  const instant = new Date(sample.instant);
  const observed = wallTimeOffsetMinutes(sample.wallTime, instant);
  const configured = offsetMinutesAt(instant, timeZone);
  const accountOffset = formatUtcOffset(observed);
  if (observed === configured) {
    return { check: { timeZone, outcome: 'matches', sample, accountOffset } };
  }
  const hours = Math.abs(observed - configured) / 60;
  const candidates = zonesAtOffset(instant, observed);
  const error = new DataError(
    `NetSuite shows times in another time zone than apsync is set to: vendor ${sample.id} was last ` +
      `modified at ${sample.instant} (record API, UTC), which SuiteQL shows as ${sample.wallTime}, ` +
      `i.e. ${accountOffset}; the configured NetSuite time zone "${timeZone}" was ` +
      `${formatUtcOffset(configured)} then. Set apsync.netsuite.timeZone in cdk.json ` +
      `(${settingNames.netsuiteTimeZone} in local mode) to the time zone of the NetSuite user apsync's ` +
      `integration runs as${candidates.length === 0 ? '' : ` (at ${accountOffset} then: ${candidates.join(', ')})`}. ` +
      `The poll does not run until they agree: its watermarks would be ${hours} hour(s) off.`,
    { source: 'apsync', code: 'ACCOUNT_TIME_ZONE_MISMATCH' },
  );
  return { check: { timeZone, outcome: 'mismatch', sample, accountOffset }, error };
}

/** Zones many NetSuite companies use: listed first among the candidates for an offset. */
const commonZones = [
  'UTC',
  'America/Los_Angeles',
  'America/Vancouver',
  'America/Denver',
  'America/Phoenix',
  'America/Chicago',
  'America/Mexico_City',
  'America/New_York',
  'America/Toronto',
  'America/Halifax',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Helsinki',
  'Africa/Johannesburg',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Manila',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Perth',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Pacific/Honolulu',
  'America/Anchorage',
];

/** IANA zones at this offset at this instant, common ones first, for the operator to pick from. */
export function zonesAtOffset(instant: Date, offsetMinutes: number): string[] {
  const others = Intl.supportedValuesOf('timeZone').filter((zone) => !zone.startsWith('Etc/'));
  const matching = new Set<string>();
  for (const zone of [...commonZones, ...others]) {
    if (offsetMinutesAt(instant, zone) === offsetMinutes) matching.add(zone);
    if (matching.size === candidateCount) break;
  }
  return [...matching];
}
