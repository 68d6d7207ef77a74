// Exact money for the bill flow: Procurify's decimal strings become integer cents (BigInt, rounded half
// away from zero to two decimals) and cents become the JSON numbers NetSuite takes. Amounts are never
// added as floats: sums and comparisons are in cents. Used by bill-plan.ts.
import { DataError } from '../errors.ts';

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

/** `"120.505"` → 12051n (half away from zero); a value that is not a decimal is a DataError naming it. */
export function toCents(value: string, what: string): bigint {
  const match = decimalPattern.exec(value.trim());
  if (match === null) {
    throw new DataError(`${what}: "${value}" is not a decimal amount`, { source: 'procurify' });
  }
  const [, sign, whole, fraction = ''] = match;
  const kept = BigInt(`${whole}${fraction.padEnd(2, '0').slice(0, 2)}`);
  const roundsUp = (fraction[2] ?? '0') >= '5';
  const magnitude = roundsUp ? kept + 1n : kept;
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * Cents as the number NetSuite's JSON takes: an integer divided by 100 is the double nearest the
 * two-decimal value, and JSON renders it with exactly those digits (12050n → 120.5).
 */
export function centsToAmount(cents: bigint): number {
  if (cents > BigInt(Number.MAX_SAFE_INTEGER) || cents < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DataError(`amount ${formatCents(cents)} is too large`, { source: 'apsync' });
  }
  return Number(cents) / 100;
}

/** 12050n → `"120.50"` (messages and audit facts). */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

export const sumCents = (values: readonly bigint[]): bigint => values.reduce((sum, value) => sum + value, 0n);

/**
 * What rounding to cents took from an amount, in units of 10^-`scale` (`"33.334"` at scale 3 → 4: the
 * rounded 33.33 is 0.004 below it). Used to hand lost cents to the amounts rounding hurt most.
 */
export function roundingRemainder(value: string, scale: number): bigint {
  const match = decimalPattern.exec(value.trim());
  if (match === null || scale < 2) return 0n;
  const [, sign, whole, fraction = ''] = match;
  const exact = BigInt(`${whole}${fraction.padEnd(scale, '0').slice(0, scale)}`) * (sign === '-' ? -1n : 1n);
  return exact - toCents(value, 'amount') * 10n ** BigInt(scale - 2);
}

/** Decimals of the longest amount (at least 2). */
export const decimalScale = (values: readonly string[]): number =>
  Math.max(2, ...values.map((value) => decimalPattern.exec(value.trim())?.[3]?.length ?? 0));
