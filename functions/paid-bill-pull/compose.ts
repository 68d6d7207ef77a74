// Composition root of paid-bill-pull: its dependencies built from the environment, once per container.
import { type Environment, readSettings } from '../../shared/config/environment.ts';
import { readFunctionEnvironment } from '../../shared/config/function-environment.ts';
import { stateStore, syncClients } from '../../shared/config/runtime-parts.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { readDefaultPaymentMode } from '../../shared/payments/default-mode.ts';
import { createNetSuitePaidBillReads } from '../../shared/payments/netsuite-payment-facts.ts';
import type { PaidBillPullHandlerDependencies } from './handler.ts';

export function composePaidBillPull(env: Environment): PaidBillPullHandlerDependencies {
  const config = readFunctionEnvironment(env, functionDefinition('paid-bill-pull'));
  const settings = readSettings(env);
  const state = stateStore(config.stateTable, settings);
  const clients = syncClients(config, settings);
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
