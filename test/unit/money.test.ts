// The one money module (shared/money/money.ts): decimals read at any scale with a single rounding, written back exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatCents,
  formatUnits,
  readDecimal,
  roundToMinor,
  toCents,
  unitScale,
  writeDecimal,
} from '../../shared/money/money.ts';

describe('shared money', () => {
  it('reads the decimal forms apsync meets, rounding half away from zero once, at the scale asked', () => {
    expect(readDecimal('120.505', 2)).toBe(12051n);
    expect(readDecimal('-120.505', 2)).toBe(-12051n);
    expect(readDecimal('.5', 2)).toBe(50n);
    expect(readDecimal('5.', 0)).toBe(5n);
    expect(readDecimal(30.5, 2)).toBe(3050n);
    expect(readDecimal(' 7 ', 8)).toBe(700_000_000n);
    // One rounding at the scale asked: 0.00499999999 is under half a cent.
    expect(readDecimal('0.00499999999', 2)).toBe(0n);
    for (const bad of ['', '.', '-', '1e3', 'abc', '1,5']) expect(readDecimal(bad, 2)).toBeUndefined();
    expect(readDecimal(1e21, 2)).toBeUndefined();
  });

  it('writes back what it read, at every scale up to units', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
        fc.nat({ max: unitScale }),
        (n, scale) => {
          expect(readDecimal(writeDecimal(n, scale), scale)).toBe(n);
        },
      ),
    );
    expect(writeDecimal(5n, 2)).toBe('0.05');
    expect(writeDecimal(-12050n, 0)).toBe('-12050');
  });

  it('keeps cents and units consistent with each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), (cents) => {
        expect(toCents(formatCents(cents))).toBe(cents);
        expect(roundToMinor(readDecimal(formatCents(cents), unitScale)!, 2)).toBe(BigInt(cents));
      }),
    );
    expect(formatUnits(1_250_000_000n)).toBe('12.50');
    expect(formatUnits(-1_234_560_000n)).toBe('-12.3456');
  });
});
