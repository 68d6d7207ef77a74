// The deployment's default payment mode (setting APSYNC_DEFAULT_PAYMENT_MODE, `push` when unset), used
// by the payment functions' composition roots until an operator sets a mode with `apsync mode set`.
import type { Environment } from '../config/environment.ts';
import { type PaymentMode, paymentModeSchema } from '../payment-mode.ts';
import { settingNames } from '../resources.ts';

export function readDefaultPaymentMode(env: Environment): PaymentMode {
  const value = env[settingNames.defaultPaymentMode];
  if (value === undefined || value === '') return 'push';
  const parsed = paymentModeSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `apsync configuration: ${settingNames.defaultPaymentMode} must be push or pull, not ${value}`,
    );
  }
  return parsed.data;
}
