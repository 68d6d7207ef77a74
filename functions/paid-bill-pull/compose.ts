// Composition root of paid-bill-pull: its dependencies built from the environment, once per container.
import type { Environment } from '../../shared/config/environment.ts';
import { syncFunctionParts } from '../../shared/config/runtime-parts.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import { createNetSuitePaidBillReads } from '../../shared/payments/netsuite-payment-facts.ts';
import type { PaidBillPullHandlerDependencies } from './handler.ts';

export function composePaidBillPull(env: Environment): PaidBillPullHandlerDependencies {
  const { settings, state, clients } = syncFunctionParts(env, functionDefinition('paid-bill-pull'));
  const defaultMode = readDefaultPaymentMode(env);
  return {
    pull: async () => {
      const { netsuite, procurify } = await clients();
      return {
        paidBills: createNetSuitePaidBillReads(netsuite.suiteQl),
        procurify,
        state,
        defaultMode,
        timeZone: settings.netsuiteTimeZone,
      };
    },
  };
}
