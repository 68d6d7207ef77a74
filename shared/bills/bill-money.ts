// Exact money for the bill flow. Procurify's amounts (decimal strings, or JSON doubles turned into decimal
// strings at the boundary) become integer "units" of 10^-8 (BigInt; Procurify's decimals have at most 8
// places, procurify.openapi.yml `^-?\d{0,13}(?:\.\d{0,8})?$`). Sums are exact in units; only the final
// amounts are rounded, to the currency's minor unit, by largest remainder so that the rounded amounts
// add up exactly to the rounded total. Amounts are never added as floats. Used by bill-plan.ts.
import { DataError } from '../errors.ts';

/** Decimal places of a unit. */
export const unitScale = 8;
const unitsPerOne = 10n ** BigInt(unitScale);
const decimalPattern = /^(-?)(\d*)(?:\.(\d*))?$/;

/**
 * `"120.505"` → 12050500000n. More than 8 decimals (a double's noise, `0.30000000000000004`) is rounded
 * half away from zero to 8; a value that is not a decimal is a DataError naming `what`.
 */
export function toUnits(value: string, what: string): bigint {
  const match = decimalPattern.exec(value.trim());
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new DataError(`${what}: "${value}" is not a decimal amount`, { source: 'procurify' });
  }
  const [, sign, whole = '', fraction = ''] = match;
  const kept = BigInt(`${whole || '0'}${fraction.padEnd(unitScale, '0').slice(0, unitScale)}`);
  const magnitude = (fraction[unitScale] ?? '0') >= '5' ? kept + 1n : kept;
  return sign === '-' ? -magnitude : magnitude;
}

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

/**
 * Rounds each amount to minor units so that the rounded amounts add up to `totalMinor` exactly: each is
 * rounded down (toward −∞), then the missing minor units go one by one to the amounts that lost the most
 * (largest remainder; ties to the earlier one). `totalMinor` must be within one minor unit per amount of
 * the exact sum (it is the exact sum, or its rounding).
 */
export function roundAllToMinor(units: readonly bigint[], totalMinor: bigint, precision: number): bigint[] {
  const step = unitsPerMinor(precision);
  const floors = units.map((value) => {
    const floor = value / step;
    return value < 0n && value % step !== 0n ? floor - 1n : floor;
  });
  let missing = totalMinor - floors.reduce((sum, value) => sum + value, 0n);
  if (missing < 0n || missing > BigInt(units.length)) {
    throw new DataError(
      `cannot round ${units.length} amounts to a total of ${formatMinor(totalMinor, precision)}`,
      { source: 'apsync' },
    );
  }
  const order = units
    .map((value, index) => ({ index, remainder: value - floors[index]! * step }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  const result = [...floors];
  for (const { index } of order) {
    if (missing === 0n) break;
    result[index]! += 1n;
    missing -= 1n;
  }
  return result;
}

/**
 * Splits `amount` units over `weights` in proportion (exact to the unit: the last unit goes by largest
 * remainder), e.g. shipping over a line's allocations. All-zero weights split evenly.
 */
export function apportion(amount: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) return [];
  const base = weights.every((weight) => weight === 0n) ? weights.map(() => 1n) : weights;
  const total = base.reduce((sum, weight) => sum + weight, 0n);
  const shares = base.map((weight) => (amount * weight) / total);
  let rest = amount - shares.reduce((sum, share) => sum + share, 0n);
  const step = rest < 0n ? -1n : 1n;
  const order = base
    .map((weight, index) => ({ index, remainder: ((amount * weight) % total) * step }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (let turn = 0; rest !== 0n; turn++) {
    shares[order[turn % order.length]!.index]! += step;
    rest -= step;
  }
  return shares;
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

/** 12050n at 2 → `"120.50"`; at 0 → `"12050"` (messages, audit facts, preview). */
export function formatMinor(minor: bigint, precision: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(precision + 1, '0');
  const whole = precision === 0 ? digits : digits.slice(0, -precision);
  const fraction = precision === 0 ? '' : `.${digits.slice(-precision)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Units as a decimal string without trailing zeros beyond 2 places (`12.3456` stays, `12.5` → `12.50`). */
export function formatUnits(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(unitScale + 1, '0');
  const fraction = digits.slice(-unitScale).replace(/0+$/, '').padEnd(2, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -unitScale)}.${fraction}`;
}

export const sumUnits = (values: readonly bigint[]): bigint => values.reduce((sum, value) => sum + value, 0n);

/** `"12.5"` → 1250n (cents, half away from zero): for the flows that stay in a 2-decimal world. */
export const toCents = (value: string, what: string): bigint => roundToMinor(toUnits(value, what), 2);
export const formatCents = (cents: bigint): string => formatMinor(cents, 2);
export const centsToAmount = (cents: bigint): number => minorToAmount(cents, 2);
/** One in units (for tests and callers that build amounts). */
export const oneUnit = unitsPerOne;
