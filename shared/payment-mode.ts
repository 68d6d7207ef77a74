// The payment mode (`apsync mode get|set`): exactly one of `push` (Procurify payments → NetSuite Vendor
// Payments) and `pull` (NetSuite paid bills → marked paid in Procurify) is active. Stored in the state
// table's configuration; until an operator sets it, the deployment's default applies. Switching
// affects only new activity, and is recorded in an audit trail.
import * as z from 'zod';
import type { AuditTrail, ConfigStore } from './state/ports.ts';

export const paymentModes = ['push', 'pull'] as const;
export const paymentModeSchema = z.enum(paymentModes);
export type PaymentMode = z.infer<typeof paymentModeSchema>;

const storedModeSchema = z.object({ mode: paymentModeSchema, changedAt: z.string(), changedBy: z.string() });
export type StoredPaymentMode = z.infer<typeof storedModeSchema>;

const configName = 'payment-mode';
/** The audit trail of configuration changes lives under this record reference. */
export const paymentModeAuditRef = { system: 'procurify', kind: 'payment', id: 'mode' } as const;

export interface PaymentModeSetting {
  mode: PaymentMode;
  /** `default` until an operator changes it. */
  source: 'default' | 'operator';
  changedAt?: string;
  changedBy?: string;
}

export async function readPaymentMode(
  store: ConfigStore,
  defaultMode: PaymentMode = 'push',
): Promise<PaymentModeSetting> {
  const stored = storedModeSchema.safeParse(await store.getConfig(configName));
  if (!stored.success) return { mode: defaultMode, source: 'default' };
  return {
    mode: stored.data.mode,
    source: 'operator',
    changedAt: stored.data.changedAt,
    changedBy: stored.data.changedBy,
  };
}

export async function changePaymentMode(
  store: ConfigStore & AuditTrail,
  mode: PaymentMode,
  changedBy: string,
  defaultMode: PaymentMode = 'push',
  now: Date = new Date(),
): Promise<{ previous: PaymentMode; current: PaymentMode; changed: boolean }> {
  const previous = (await readPaymentMode(store, defaultMode)).mode;
  if (previous === mode) return { previous, current: mode, changed: false };
  await store.putConfig(configName, { mode, changedAt: now.toISOString(), changedBy });
  await store.append(paymentModeAuditRef, {
    step: 'note',
    message: `payment mode changed from ${previous} to ${mode}`,
    facts: { previous, current: mode, changedBy },
  });
  return { previous, current: mode, changed: true };
}
