// Exact decimal-string arithmetic for Procurify money (`"120.50"`): sums and comparisons with BigInt,
// never floats. Used by the Procurify client (payment applications) and its schemas.

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

/** True for plain decimal strings such as `"120"`, `"-3.5"`, `"0.12345678"`. */
export const isDecimalString = (value: string): boolean => decimalPattern.test(value);

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

function scaled(value: string, scale: number): bigint {
  const match = decimalPattern.exec(value.trim());
  if (match === null) throw new RangeError(`not a decimal string: ${value}`);
  const fraction = (match[3] ?? '').padEnd(scale, '0');
  const magnitude = BigInt(`${match[2]}${fraction}`);
  return match[1] === '-' ? -magnitude : magnitude;
}

const scaleOf = (values: string[]): number =>
  Math.max(0, ...values.map((value) => decimalPattern.exec(value.trim())?.[3]?.length ?? 0));

function render(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Exact sum, rendered with the largest number of decimals among the inputs (at least two). */
export function sumDecimals(values: string[]): string {
  const scale = Math.max(2, scaleOf(values));
  return render(
    values.reduce((sum, value) => sum + scaled(value, scale), 0n),
    scale,
  );
}

/** -1, 0 or 1, exactly (`"1.50"` equals `"1.5"`). */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const scale = scaleOf([a, b]);
  const difference = scaled(a, scale) - scaled(b, scale);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
