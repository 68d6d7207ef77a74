// Exact money for every flow: decimals as BigInt integers at a scale (cents, minor units, 10^-8 units), never floats.
import { DataError } from '../errors.ts';

/** Lenient decimal text: `"120.50"`, `".5"` (SuiteQL), `"5."`, `"-3"`; no exponent. */
const decimalPattern = /^(-?)(\d*)(?:\.(\d*))?$/;
/** Strict decimal text, as Procurify's API writes amounts: digits on both sides of the point. */
const strictDecimalPattern = /^-?\d+(?:\.\d+)?$/;

/** True for plain decimal strings such as `"120"`, `"-3.5"`, `"0.12345678"`. */
export const isDecimalString = (value: string): boolean => strictDecimalPattern.test(value);

/**
 * A JSON number from Procurify (fields its OpenAPI types `number (double)`, e.g. bill `total_cost`) as
 * a decimal string. JavaScript renders a double with the shortest digits that read back to the same
 * double, so a value Procurify computed from a two-decimal amount comes back as those digits.
 * Returns undefined for non-finite values and exponent forms (not money).
 */
export function numberToDecimalString(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  return isDecimalString(text) ? text : undefined;
}

/**
 * A decimal as an integer count of 10^-`scale`: `readDecimal("120.505", 2)` → 12051n. Digits past
 * `scale` places are rounded half away from zero, in one step. A number is read as JavaScript prints
 * it. Undefined for what is not a decimal (`"1e3"`, `""`, `"."`).
 */
export function readDecimal(value: string | number, scale: number): bigint | undefined {
  const match = decimalPattern.exec(typeof value === 'number' ? String(value) : value.trim());
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  const kept = BigInt(`${whole || '0'}${fraction.padEnd(scale, '0').slice(0, scale)}`);
  const magnitude = (fraction[scale] ?? '0') >= '5' ? kept + 1n : kept;
  return sign === '-' ? -magnitude : magnitude;
}

/** An integer count of 10^-`scale` as decimal text: `writeDecimal(12050n, 2)` → `"120.50"`; at 0 → `"12050"`. */
export function writeDecimal(scaled: bigint, scale: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : digits.slice(0, -scale);
  const fraction = scale === 0 ? '' : `.${digits.slice(-scale)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Decimal places of strict decimal strings, the most of any; a RangeError for one that is not. */
function scaleOf(values: readonly string[]): number {
  let scale = 0;
  for (const value of values) {
    if (!isDecimalString(value.trim())) throw new RangeError(`not a decimal string: ${value}`);
    scale = Math.max(scale, value.trim().split('.')[1]?.length ?? 0);
  }
  return scale;
}

/** Exact sum of decimal strings, rendered with the largest number of decimals among them (at least two). */
export function sumDecimals(values: readonly string[]): string {
  const scale = Math.max(2, scaleOf(values));
  return writeDecimal(
    values.reduce((sum, value) => sum + readDecimal(value, scale)!, 0n),
    scale,
  );
}

/** -1, 0 or 1, exactly (`"1.50"` equals `"1.5"`); a RangeError for what is not a decimal string. */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const scale = scaleOf([a, b]);
  const difference = readDecimal(a, scale)! - readDecimal(b, scale)!;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

// Units: 10^-8, enough for any Procurify amount (its decimals have at most 8 places), so sums of
// amounts, quantities × costs and tax are exact before the final rounding to a currency.

/** Decimal places of a unit. */
export const unitScale = 8;
/** One in units. */
export const oneUnit = 10n ** BigInt(unitScale);

/** Units per minor unit of a currency with `precision` decimals (2 → 10^6). */
export const unitsPerMinor = (precision: number): bigint => 10n ** BigInt(unitScale - precision);

/** Whether an amount in units is a whole number of minor units (`12.345` is not, in a 2-decimal currency). */
export const isWholeMinor = (units: bigint, precision: number): boolean =>
  units % unitsPerMinor(precision) === 0n;

/** Units rounded half away from zero to minor units of the currency (`12.345` → 1235n at precision 2). */
export function roundToMinor(units: bigint, precision: number): bigint {
  const step = unitsPerMinor(precision);
  const magnitude = units < 0n ? -units : units;
  const rounded = (magnitude + step / 2n) / step;
  return units < 0n ? -rounded : rounded;
}

export const sumUnits = (values: readonly bigint[]): bigint => values.reduce((sum, value) => sum + value, 0n);

/** 12050n at 2 → `"120.50"`; at 0 → `"12050"` (messages, audit facts, preview). */
export const formatMinor = (minor: bigint, precision: number): string => writeDecimal(minor, precision);

/** Units as a decimal string without trailing zeros beyond 2 places (`12.3456` stays, `12.5` → `12.50`). */
export function formatUnits(units: bigint): string {
  const [whole, fraction = ''] = writeDecimal(units, unitScale).split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

/**
 * Minor units as the number NetSuite's JSON takes: an integer divided by 10^precision is the double
 * nearest that decimal, which JSON renders with exactly those digits (12050n at 2 → 120.5).
 */
export function minorToAmount(minor: bigint, precision: number): number {
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DataError(`amount ${formatMinor(minor, precision)} is too large`, { source: 'apsync' });
  }
  return Number(minor) / 10 ** precision;
}

// Cents: the minor units of the two-decimal amounts payments deal in, as plain numbers (exact far
// beyond any payment).

/** `"120.50"`, `".5"`, `-3`, `30.5` → cents (half away from zero past two decimals); undefined if not a number. */
export function toCents(value: string | number): number | undefined {
  const cents = readDecimal(value, 2);
  return cents === undefined ? undefined : Number(cents);
}

/** 12050 → `"120.50"` (for messages a person reads). */
export const formatCents = (cents: number): string => writeDecimal(BigInt(Math.round(cents)), 2);

/** 12050 → 120.5 (the JSON number NetSuite's record API takes; exact for two decimals). */
export const centsToAmount = (cents: number): number => Math.round(cents) / 100;
