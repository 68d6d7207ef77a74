// What the Procurify sandbox's parts share: its configuration (changed at run time through the admin
// API or setConfig), the store, fault plan, tokens, request log and counters. Built by index.ts, read
// by api.ts and admin.ts.
import * as z from 'zod';
import type { FaultOutcome, FaultPlan } from '../faults.ts';
import type { ClientCredentials, TokenRegistry } from './auth.ts';
import type { ProcurifyStore } from './store.ts';

export const sandboxConfigSchema = z
  .object({
    /** `expires_in` of issued tokens (Procurify: 24 hours). */
    tokenLifetimeSeconds: z.number().int().positive(),
    /** `Retry-After` (seconds) on 429 answers injected by the fault plan. */
    retryAfterSeconds: z.number().int().min(0),
    /** Page size when the request gives none (DRF's PAGE_SIZE; Procurify's is not documented). */
    defaultPageSize: z.number().int().positive(),
    /** Larger `page_size` values are capped to this (Procurify's maximum is not documented). */
    maxPageSize: z.number().int().positive(),
    /**
     * Procurify titles its vendor list "Get list of all active vendors": with true the list leaves out
     * inactive vendors (a lookup by external_id then misses a deactivated vendor). Default false.
     */
    vendorListActiveOnly: z.boolean(),
    /** Base URL of `next`/`previous` links; null = from the Host header (tests set another host). */
    nextLinkBaseUrl: z.string().url().nullable(),
  })
  .strict();

export type SandboxConfig = z.infer<typeof sandboxConfigSchema>;
export const sandboxConfigPatchSchema = sandboxConfigSchema.partial();
export type SandboxConfigPatch = z.infer<typeof sandboxConfigPatchSchema>;

export const defaultSandboxConfig: SandboxConfig = {
  tokenLifetimeSeconds: 86_400,
  retryAfterSeconds: 1,
  defaultPageSize: 10,
  maxPageSize: 100,
  vendorListActiveOnly: false,
  nextLinkBaseUrl: null,
};

export interface RequestLogEntry {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path without the query. */
  path: string;
  /** The query string without `?` ('' when none). */
  query: string;
  /** Route pattern, e.g. `GET /api/v2/ap/bills/{uuid}/` (or the raw path when no route matched). */
  route: string;
  /** 0 when no answer was sent (dropped or held connection). */
  status: number;
  fault: FaultOutcome;
  /** Whether `X-Procurify-Client: api` was sent. */
  clientHeader: boolean;
  durationMs: number;
}

export interface SandboxStats {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  faults: Record<FaultOutcome, number>;
  tokensIssued: number;
  tokenRefusals: number;
  unauthorized: number;
  redirects: number;
  lostConnections: number;
}

export function emptyStats(): SandboxStats {
  return {
    requests: 0,
    byRoute: {},
    byStatus: {},
    faults: { none: 0, '429': 0, '500': 0, timeout: 0, drop: 0 },
    tokensIssued: 0,
    tokenRefusals: 0,
    unauthorized: 0,
    redirects: 0,
    lostConnections: 0,
  };
}

/**
 * A one-shot connection loss: the next `count` requests matching `method` (any when absent) and the
 * path prefix lose their connection, `before` the sandbox handles them (nothing happens) or `after`
 * (the change is made, the answer is lost: the ambiguous case a client must survive).
 */
export const lostConnectionRuleSchema = z
  .object({
    method: z.string().optional(),
    path: z.string().startsWith('/'),
    when: z.enum(['before', 'after']),
    count: z.number().int().positive().default(1),
  })
  .strict();
export type LostConnectionRule = z.infer<typeof lostConnectionRuleSchema>;

export interface SandboxState {
  domain: string;
  config: SandboxConfig;
  store: ProcurifyStore;
  faults: FaultPlan;
  tokens: TokenRegistry;
  clients: ClientCredentials[];
  log: RequestLogEntry[];
  logLimit: number;
  stats: SandboxStats;
  nextSeq: number;
  lostConnections: LostConnectionRule[];
}

export const audience = 'https://api.procurify.com/';
