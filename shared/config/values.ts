// Strict readers for configuration values given as text (environment variables, `cdk -c`): a number is
// written in decimal digits (no `0x10`, `1e1`, `true` or `[15]`), a URL is http(s). Shared by the
// functions' settings and the CDK configuration so both refuse the same things.
import { z } from 'zod';

/** A number, or a text of decimal digits (optionally signed, with a fraction); anything else fails. */
export const decimalNumber = <T extends z.ZodType<number>>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value),
    schema,
  );

/** An http(s) URL. */
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** Object keys that would reach Object.prototype when set by path: refused in configuration paths. */
export const forbiddenKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
