// `apsync mode get|set`: the payment mode (push: Procurify payments become NetSuite Vendor Payments;
// pull: bills paid in NetSuite are marked paid in Procurify), read and changed through
// shared/payment-mode.ts so the change is recorded in the audit trail (`apsync audit payment:mode`).
import { changePaymentMode, type PaymentMode, readPaymentMode } from '../../../shared/payment-mode.ts';
import type { ModeGetOutput, ModeSetOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';

export async function getMode(services: CliServices): Promise<ModeGetOutput> {
  const defaultMode = services.target.defaultPaymentMode;
  const setting = await readPaymentMode(services.state, defaultMode);
  return {
    mode: setting.mode,
    source: setting.source,
    defaultMode,
    ...(setting.changedAt === undefined ? {} : { changedAt: setting.changedAt }),
    ...(setting.changedBy === undefined ? {} : { changedBy: setting.changedBy }),
  };
}

export async function setMode(
  services: CliServices,
  mode: PaymentMode,
  changedBy: string,
): Promise<ModeSetOutput> {
  return changePaymentMode(services.state, mode, changedBy, services.target.defaultPaymentMode);
}

export const renderModeGet = (output: ModeGetOutput): string =>
  output.source === 'operator'
    ? `payment mode: ${output.mode} (set by ${output.changedBy ?? 'an operator'} at ${output.changedAt ?? '?'})\n`
    : `payment mode: ${output.mode} (the deployment's default; not set by an operator)\n`;

export const renderModeSet = (output: ModeSetOutput): string =>
  output.changed
    ? `payment mode changed from ${output.previous} to ${output.current}; new activity follows it, payments already synced stay as they are\n`
    : `payment mode is already ${output.current}; nothing changed\n`;
