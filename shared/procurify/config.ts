// The Procurify client's configuration: a zod schema with the defaults (page size, retries, deadlines,
// token renewal, attachment size limit), checked once when a client is built (a bad field is a BugError
// naming it).
import * as z from 'zod';
import { BugError } from '../errors.ts';
import { defaultRetryPolicy } from '../retry.ts';
import { source } from './errors.ts';

export const procurifyClientConfigSchema = z.object({
  /** `https://<domain>.procurify.com` (no trailing slash needed). */
  baseUrl: z.url(),
  /** `https://<domain>.procurify.com/oauth/token` (older material: `https://login.procurify.com/oauth/token`). */
  tokenUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  audience: z.string().min(1).default('https://api.procurify.com/'),
  /** `page_size` of list requests (Procurify's maximum is not documented; keep pages modest). */
  pageSize: z.number().int().min(1).max(1000).default(100),
  retryPolicy: z
    .object({
      maxAttempts: z.number().int().min(1),
      baseMs: z.number().min(0),
      capMs: z.number().min(0),
    })
    .default(defaultRetryPolicy),
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /** Renew tokens this long after obtaining them (tokens last 24 h). */
  tokenRenewAfterMs: z
    .number()
    .int()
    .positive()
    .default(20 * 3_600_000),
  /** A Retry-After longer than this is not waited in-process: the transient error is thrown at once. */
  maxRetryAfterMs: z.number().int().min(0).default(60_000),
  /** Invoice files larger than this are refused (a DataError naming the file). */
  maxAttachmentBytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
});
/** The configuration as callers write it (defaults optional). */
export type ProcurifyClientConfig = z.input<typeof procurifyClientConfigSchema>;
/** The configuration with every default filled in. */
export type ParsedProcurifyClientConfig = z.output<typeof procurifyClientConfigSchema>;

/** The first problem of a zod failure: `path: message`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

/** Validates a configuration; a bad one is a BugError naming the field. */
export function parseProcurifyClientConfig(config: ProcurifyClientConfig): ParsedProcurifyClientConfig {
  const parsed = procurifyClientConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new BugError(`procurify client configuration: ${describeIssue(parsed.error)}`, { source });
  }
  return parsed.data;
}
