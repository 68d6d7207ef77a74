// Composition root of bill-sync-worker: its dependencies built from the environment, once per container.
import { CurrencyCache, createNetSuiteBillLookups } from '../../shared/bills/netsuite-bill-lookups.ts';
import type { Environment } from '../../shared/config/environment.ts';
import { queueRetries, syncFunctionParts } from '../../shared/config/runtime-parts.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { withInitialBillSettings } from '../../shared/settings/settings-store.ts';
import type { BillSyncWorkerDependencies } from './handler.ts';

export function composeBillSyncWorker(env: Environment): BillSyncWorkerDependencies {
  const { config, settings, state, clients } = syncFunctionParts(env, functionDefinition('bill-sync-worker'));
  // Currencies are read once per container (ten minutes), whatever client the secrets give.
  const currencies = new CurrencyCache();
  return {
    billSync: async () => {
      const { netsuite, procurify } = await clients();
      return {
        procurify,
        netsuite: netsuite.records,
        ...(netsuite.attachments === undefined ? {} : { fileCabinet: netsuite.attachments }),
        lookups: createNetSuiteBillLookups(netsuite.suiteQl, currencies),
        // The bill settings over cdk.json's initial ones.
        state: withInitialBillSettings(state, settings.initialSettings),
      };
    },
    failures: state,
    ...queueRetries(config.billQueueUrl, settings),
  };
}
