// What a preview of the next write reads (the state, the settings and the NetSuite and Procurify
// clients, read-only) and what it answers: the planned write — target, exact body, validation — or
// the reason nothing would be written. `apsync preview` and the console's record page both ask
// previewRecord (preview-record.ts) with their own sources.
import type { FunctionSettings } from '../config/environment.ts';
import type { PaymentMode } from '../payment-mode.ts';
import type { ConfigStore, LinkStore, SyncStateStore } from '../state/ports.ts';
import type { SyncClients } from '../sync-clients.ts';

export interface PreviewSources {
  state: LinkStore & SyncStateStore & ConfigStore;
  /** The functions' settings (readSettings) of the stack previewed. */
  settings(): Promise<FunctionSettings>;
  /** Both clients, built from the stack's secrets as the functions build theirs. */
  syncClients(): Promise<SyncClients>;
  /** The payment mode until an operator sets one (`apsync mode set`). */
  defaultPaymentMode: PaymentMode;
}

/** What a sync would do now: create or update the other side, nothing (unchanged), or not write. */
export const plannedOutcomes = [
  'create',
  'update',
  'unchanged',
  'skipped',
  'review',
  'invalid',
  'deactivate',
] as const;
export type PlannedOutcome = (typeof plannedOutcomes)[number];

export interface PlannedWrite {
  outcome: PlannedOutcome;
  /** Why nothing would be written, or what is notable about the write. */
  reason?: string;
  target: {
    system: 'netsuite' | 'procurify';
    kind: string;
    /** The record written to; null when it would be created. */
    id: string | null;
    method: string;
    path: string;
  } | null;
  /** The exact body that would be written. */
  payload: unknown;
  validation: { valid: boolean; issues: string[] };
  notes: string[];
}
