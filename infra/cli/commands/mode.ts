// `apsync mode get|set`: the payment mode (push: Procurify payments become NetSuite Vendor Payments;
// pull: bills paid in NetSuite are marked paid in Procurify), read and changed through
// shared/payment-mode.ts; a change goes through the settings catalog's change (`settings set
// paymentMode`, shared/settings/change-settings.ts) and is recorded in the audit trail (`apsync audit
// payment:mode`) and the settings history.
import { type PaymentMode, readPaymentMode } from '../../../shared/payment-mode.ts';
import { changeSettings } from '../../../shared/settings/change-settings.ts';
import type { ModeGetOutput, ModeSetOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';
import { settingsDependencies } from './settings.ts';

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
  const previous = (await readPaymentMode(services.state, services.target.defaultPaymentMode)).mode;
  const result = await changeSettings({ paymentMode: mode }, await settingsDependencies(services), {
    user: changedBy,
    via: 'cli',
  });
  return { previous, current: mode, changed: result.changed.length > 0 };
}

export const renderModeGet = (output: ModeGetOutput): string =>
  output.source === 'operator'
    ? `payment mode: ${output.mode} (set by ${output.changedBy ?? 'an operator'} at ${output.changedAt ?? '?'})\n`
    : `payment mode: ${output.mode} (the deployment's default; not set by an operator)\n`;

export const renderModeSet = (output: ModeSetOutput): string =>
  output.changed
    ? `payment mode changed from ${output.previous} to ${output.current}; new activity follows it, payments already synced stay as they are\n`
    : `payment mode is already ${output.current}; nothing changed\n`;
