// Exact money for the bill flow, on shared/money/money.ts: Procurify's amounts (decimal strings, or JSON
// doubles turned into decimal strings at the boundary) become integer units of 10^-8 (Procurify's decimals
// have at most 8 places, procurify.openapi.yml `^-?\d{0,13}(?:\.\d{0,8})?$`, kept in
// infra/contracts/facts/procurify.json). Sums are exact in units; only
// the final amounts are rounded, to the currency's minor unit, by largest remainder so that the rounded
// amounts add up exactly to the rounded total. Used by bill-plan.ts.
import { DataError } from '../errors.ts';
import { formatMinor, readDecimal, unitScale, unitsPerMinor } from '../money/money.ts';

/**
 * `"120.505"` → 12050500000n. More than 8 decimals (a double's noise, `0.30000000000000004`) is rounded
 * half away from zero to 8; a value that is not a decimal is a DataError naming `what`.
 */
export function toUnits(value: string, what: string): bigint {
  const units = readDecimal(value, unitScale);
  if (units === undefined) {
    throw new DataError(`${what}: "${value}" is not a decimal amount`, { source: 'procurify' });
  }
  return units;
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
