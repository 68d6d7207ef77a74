// Unit tests of the two account settings of issue 10 §3 (no I/O): the Procurify domain — the sub-domain
// only, validated the same way in cdk.json, the secret and `apsync secrets set` — and the NetSuite time
// zone — an IANA name, and the comparison that checks it against the account before each poll run.
import { describe, expect, it } from 'vitest';
import { procurifyCredentialsSchema } from '../../shared/aws/credentials.ts';
import { readSettings } from '../../shared/config/environment.ts';
import { isIanaTimeZone } from '../../shared/config/values.ts';
import { DataError } from '../../shared/errors.ts';
import { formatUtcOffset, offsetMinutesAt } from '../../shared/netsuite-poll/account-time.ts';
import { zonesAtOffset } from '../../shared/netsuite-poll/account-time-zone-check.ts';
import { checkTimeZone, compareAccountTime } from '../../shared/netsuite-poll/index.ts';
import {
  procurifyBaseUrlFor,
  procurifyDomain,
  procurifyDomainMessage,
} from '../../shared/procurify/domain.ts';
import { settingNames } from '../../shared/resources.ts';

const credentials = { clientId: 'client', clientSecret: 'secret' };

describe('Procurify domain', () => {
  it('is the sub-domain only; upper case is lowered; the host is derived from it', () => {
    const schema = procurifyDomain();
    expect(schema.parse('acme')).toBe('acme');
    expect(schema.parse('Acme-Corp2')).toBe('acme-corp2');
    expect(procurifyBaseUrlFor(schema.parse('acme'))).toBe('https://acme.procurify.com');
  });

  it('refuses a host or URL, naming the sub-domain it meant', () => {
    for (const host of [
      'acme.procurify.com',
      'https://acme.procurify.com',
      'https://ACME.procurify.com/bills',
    ]) {
      const result = procurifyDomain().safeParse(host);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([
        `must be the sub-domain only, like "acme" (for acme.procurify.com); got ${JSON.stringify(host)}`,
      ]);
    }
  });

  it('refuses anything else with the expected form', () => {
    for (const bad of [
      '',
      'acme.example.com',
      '-acme',
      'acme-',
      'acme_corp',
      'ac me',
      'a'.repeat(64),
      7,
      null,
    ]) {
      const result = procurifyDomain().safeParse(bad);
      expect(result.success, String(bad)).toBe(false);
      expect(result.error?.issues[0]?.message).toBe(
        `must be the sub-domain only, like "acme" (for acme.procurify.com): letters, digits and "-"; got ${JSON.stringify(bad)}`,
      );
    }
    expect(procurifyDomainMessage(undefined)).toMatch(/; got nothing$/);
  });

  it('means the same in the Procurify secret (read by the functions and by apsync secrets set)', () => {
    expect(procurifyCredentialsSchema.parse({ domain: 'Acme', ...credentials }).domain).toBe('acme');
    const result = procurifyCredentialsSchema.safeParse({ domain: 'acme.procurify.com', ...credentials });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [
        'domain',
        'must be the sub-domain only, like "acme" (for acme.procurify.com); got "acme.procurify.com"',
      ],
    ]);
    expect(procurifyCredentialsSchema.safeParse(credentials).error?.issues[0]?.message).toMatch(
      /^must be the sub-domain only, like "acme" .*; got nothing$/,
    );
  });
});

describe('NetSuite time zone setting', () => {
  it('takes IANA names and refuses abbreviations and offsets, which Intl alone would take', () => {
    for (const zone of [
      'UTC',
      'America/Los_Angeles',
      'Europe/Berlin',
      'Etc/GMT+8',
      'Asia/Kolkata',
      'US/Pacific',
    ]) {
      expect(isIanaTimeZone(zone), zone).toBe(true);
    }
    for (const zone of [
      'PST',
      'EST',
      'GMT',
      '+08:00',
      '-0500',
      'UTC+8',
      'Pacific Time',
      'Mars/Olympus',
      '',
    ]) {
      expect(isIanaTimeZone(zone), zone).toBe(false);
    }
  });

  it('answers for every zone in the list of Intl as a formatter would (the list spares the formatter)', () => {
    const accepts = (zone: string) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    };
    const listed = Intl.supportedValuesOf('timeZone');
    expect(listed.length).toBeGreaterThan(300);
    for (const zone of listed) expect(isIanaTimeZone(zone), zone).toBe(accepts(zone));
    // Names outside the list still go to the formatter: other letter case, an unknown zone.
    expect(isIanaTimeZone('america/los_angeles')).toBe(accepts('america/los_angeles'));
    expect(isIanaTimeZone('America/Nowhere')).toBe(false);
  });

  it('defaults to UTC in the functions and names the variable and the expected form when bad', () => {
    expect(readSettings({}).netsuiteTimeZone).toBe('UTC');
    expect(readSettings({ [settingNames.netsuiteTimeZone]: 'America/Vancouver' }).netsuiteTimeZone).toBe(
      'America/Vancouver',
    );
    expect(() => readSettings({ [settingNames.netsuiteTimeZone]: 'PST' })).toThrow(
      'apsync configuration: APSYNC_NETSUITE_TIME_ZONE: must be an IANA time zone name such as America/Los_Angeles, Europe/Berlin or UTC (not an abbreviation or an offset), got "PST"',
    );
  });

  it('is refused by the poll and backfill the same way (checkTimeZone)', () => {
    expect(() => checkTimeZone('America/Los_Angeles')).not.toThrow();
    expect(() => checkTimeZone('EST')).toThrow(DataError);
    expect(() => checkTimeZone('EST')).toThrow(/the NetSuite time zone must be an IANA time zone name/);
  });
});

describe('checking the NetSuite time zone against the account', () => {
  // Vendor 42 was saved at 18:15:30 UTC on 22 November 2026; a Pacific-time user sees 10:15:30 (PST).
  const pacificWinter = {
    recordType: 'vendor' as const,
    id: '42',
    wallTime: '2026-11-22 10:15:30',
    instant: '2026-11-22T18:15:30Z',
  };

  it('agrees when the configured zone shows the instant as SuiteQL did', () => {
    const { check, error } = compareAccountTime(pacificWinter, 'America/Los_Angeles');
    expect(error).toBeUndefined();
    expect(check).toEqual({
      timeZone: 'America/Los_Angeles',
      outcome: 'matches',
      sample: pacificWinter,
      accountOffset: 'UTC-08:00',
    });
    // A fixed offset that happens to fit the instant agrees too (the offset is all one sample shows).
    expect(compareAccountTime(pacificWinter, 'Etc/GMT+8').check.outcome).toBe('matches');
    // Summer: PDT is UTC-7.
    const summer = { ...pacificWinter, wallTime: '2026-07-01 11:15:30', instant: '2026-07-01T18:15:30Z' };
    expect(compareAccountTime(summer, 'America/Los_Angeles').check.outcome).toBe('matches');
    expect(compareAccountTime(summer, 'Etc/GMT+8').check.outcome).toBe('mismatch');
  });

  it('names the fix on a mismatch: the setting, the offset seen, the zones that fit and the hours off', () => {
    const { check, error } = compareAccountTime(pacificWinter, 'UTC');
    expect(check.outcome).toBe('mismatch');
    expect(error).toBeInstanceOf(DataError);
    expect(error?.code).toBe('ACCOUNT_TIME_ZONE_MISMATCH');
    // The zones listed come from the machine's time zone data (it changes: British Columbia, say).
    const [before, after] = (error?.message ?? '').split(/ \(at UTC-08:00 then: [^)]*\)/);
    expect(before).toBe(
      'NetSuite shows times in another time zone than apsync is set to: vendor 42 was last modified at ' +
        '2026-11-22T18:15:30Z (record API, UTC), which SuiteQL shows as 2026-11-22 10:15:30, i.e. UTC-08:00; ' +
        'the configured NetSuite time zone "UTC" was UTC+00:00 then. Set apsync.netsuite.timeZone in cdk.json ' +
        "(APSYNC_NETSUITE_TIME_ZONE in local mode) to the time zone of the NetSuite user apsync's integration " +
        'runs as',
    );
    expect(after).toBe('. The poll does not run until they agree: its watermarks would be 8 hour(s) off.');
    expect(error?.message).toMatch(/\(at UTC-08:00 then: America\/Los_Angeles, [^)]*Pacific\/Pitcairn\)/);
  });

  it('lists common zones first among those at an offset, and formats offsets', () => {
    const instant = new Date('2026-11-22T18:15:30Z');
    expect(zonesAtOffset(instant, 0)[0]).toBe('UTC');
    expect(zonesAtOffset(instant, 330)).toContain('Asia/Kolkata');
    expect(zonesAtOffset(instant, 60).slice(0, 2)).toEqual(['Europe/Berlin', 'Europe/Paris']);
    for (const zone of zonesAtOffset(instant, -300)) expect(offsetMinutesAt(instant, zone)).toBe(-300);
    expect(formatUtcOffset(-480)).toBe('UTC-08:00');
    expect(formatUtcOffset(330)).toBe('UTC+05:30');
    expect(formatUtcOffset(0)).toBe('UTC+00:00');
  });
});
