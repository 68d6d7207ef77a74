// Money as integer cents for payment planning: Procurify sends decimal strings (`"120.50"`), SuiteQL
// sends Oracle-printed numbers (`".5"`, `"-120.5"`), NetSuite's record API wants JSON numbers. Used by
// the payment planner and the paid-bill pull; never floats for comparisons.

const amountPattern = /^(-?)(\d*)(?:\.(\d*))?$/;

/** `"120.50"`, `".5"`, `"-3"` → cents (half away from zero past two decimals); undefined if not a number. */
export function toCents(value: string | number): number | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = amountPattern.exec(text);
  if (match === null || ((match[2] ?? '') === '' && (match[3] ?? '') === '')) return undefined;
  const fraction = match[3] ?? '';
  const whole = BigInt(match[2] === '' || match[2] === undefined ? '0' : match[2]);
  let cents = whole * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if (fraction.length > 2 && Number(fraction[2]) >= 5) cents += 1n;
  const signed = match[1] === '-' ? -cents : cents;
  return Number(signed);
}

/** 12050 → `"120.50"` (for messages a person reads). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const magnitude = Math.abs(cents);
  return `${sign}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

/** 12050 → 120.5 (the JSON number NetSuite's record API takes; exact for two decimals). */
export const centsToAmount = (cents: number): number => Math.round(cents) / 100;
