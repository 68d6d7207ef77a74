// Strict readers for configuration values given as text (environment variables, `cdk -c`): a number is
// written in decimal digits (no `0x10`, `1e1`, `true` or `[15]`), a URL is http(s). Shared by the
// functions' settings and the CDK configuration so both refuse the same things.
import * as z from 'zod';

/** A number, or a text of decimal digits (optionally signed, with a fraction); anything else fails. */
export const decimalNumber = <T extends z.ZodType<number>>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value),
    schema,
  );

/**
 * NetSuite internal ids: `1,3` from the command line, `["1","3"]` (or numbers) from cdk.json or JSON;
 * blanks between commas are dropped. `message` names what the ids are when one is not digits.
 */
export const netSuiteIdList = (message: string) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : value,
    z.array(z.union([z.string().regex(/^\d+$/, message), z.number().int().positive()]).transform(String)),
  );

/** An http(s) URL. */
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** Object keys that would reach Object.prototype when set by path: refused in configuration paths. */
export const forbiddenKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * An IANA time zone name: `UTC` or `Area/Location` (`America/Los_Angeles`, `Etc/GMT+8`) that Intl knows.
 * Intl alone also takes abbreviations and offsets, which are refused here: `EST` is America/Panama (no
 * daylight saving), `PST` and `+08:00` would hide a DST change; the error names the expected form.
 */
export function isIanaTimeZone(zone: string): boolean {
  if (zone === 'UTC') return true;
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)+$/.test(zone)) return false;
  // Intl's own list of canonical zones answers most names without building a formatter: the first
  // DateTimeFormat loads ICU's locale data, several times the CPU of the rest of a function's start.
  // Any other name (an alias such as US/Pacific, Etc/GMT+8, other letter case) is asked of Intl as before.
  if (Intl.supportedValuesOf('timeZone').includes(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const ianaTimeZoneMessage = (value: unknown) =>
  `must be an IANA time zone name such as America/Los_Angeles, Europe/Berlin or UTC (not an abbreviation or an offset), got ${JSON.stringify(value)}`;

/** An IANA time zone name (see isIanaTimeZone), kept as given. */
export const ianaTimeZone = () =>
  z.string({ error: (issue) => ianaTimeZoneMessage(issue.input) }).refine(isIanaTimeZone, {
    error: (issue) => ianaTimeZoneMessage(issue.input),
  });

/**
 * NetSuite subsidiary id → Procurify location id, the department location mapping: an object
 * (`{"1": 3, "2": 5}`, cdk.json) or its text form (`1:3,2:5`, the environment variable and `-c`). Ids
 * are digits; a subsidiary named twice is refused.
 */
export const departmentLocationMap = () =>
  z.preprocess(
    (value, context) => {
      if (typeof value !== 'string') return value;
      const parsed = parseLocationPairs(value);
      if (typeof parsed === 'string') {
        context.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    },
    z.record(
      z
        .string()
        .regex(/^\d+$/, 'keys must be NetSuite subsidiary internal ids (digits)')
        .refine((key) => !forbiddenKeys.has(key)),
      decimalNumber(
        z.number({ error: 'must be a Procurify location id (a positive integer)' }).int().positive(),
      ),
    ),
  );

const locationPairsForm =
  'must be subsidiary:location pairs of internal ids separated by commas, like 1:3,2:5';

/** `1:3, 2:5` → `{"1": "3", "2": "5"}`, or why the text is not that form. */
function parseLocationPairs(text: string): Record<string, string> | string {
  const trimmed = text.trim();
  const map: Record<string, string> = {};
  if (trimmed === '') return map;
  for (const pair of trimmed.split(',').map((part) => part.split(':').map((half) => half.trim()))) {
    const [subsidiary, location] = pair;
    if (pair.length !== 2 || !/^\d+$/.test(subsidiary ?? '') || !/^\d+$/.test(location ?? '')) {
      return `${locationPairsForm} (got ${JSON.stringify(text)})`;
    }
    if (Number(location) < 1) return `location ids are positive (got ${JSON.stringify(text)})`;
    if (Object.hasOwn(map, subsidiary!))
      return `names subsidiary ${subsidiary} twice (got ${JSON.stringify(text)})`;
    map[subsidiary!] = location!;
  }
  return map;
}

/** The mapping in its environment form, `1:3,2:5` (empty: no mapping). */
export const formatDepartmentLocations = (map: Readonly<Record<string, number>>): string =>
  Object.entries(map)
    .map(([subsidiary, location]) => `${subsidiary}:${location}`)
    .join(',');
