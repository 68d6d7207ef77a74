// Composition root of inbound-worker: its dependencies built from the environment, once per container.
// The master-data scope and department locations are read once per invocation (the handler asks for
// masterData once for all the batch's messages, and builds the batch's bulk reads from its answer): the
// deployment's values with an operator's settings (`apsync settings set`) laid over them, so a change
// applies from the next batch on.
import type { Environment } from '../../shared/config/environment.ts';
import { queueRetries, syncFunctionParts } from '../../shared/config/runtime-parts.ts';
import { functionDefinition } from '../../shared/function-registry.ts';
import { createNetSuiteMasterReads } from '../../shared/master-data/netsuite-master-reads.ts';
import { createProcurifyLookups } from '../../shared/master-data/procurify-lookups.ts';
import { effectiveMasterDataSettings } from '../../shared/settings/settings-store.ts';
import type { InboundWorkerDependencies } from './handler.ts';

export function composeInboundWorker(env: Environment): InboundWorkerDependencies {
  const { config, settings, state, clients } = syncFunctionParts(env, functionDefinition('inbound-worker'));
  const current = () => effectiveMasterDataSettings(state, settings);
  const lookups = createProcurifyLookups(
    async () => (await clients()).procurify,
    async () => {
      const { departmentLocationId, departmentLocations } = await current();
      return { defaultId: departmentLocationId, bySubsidiary: departmentLocations };
    },
  );
  const currencyCodes = new Map<string, string>();
  return {
    masterData: async () => {
      const [{ netsuite, procurify }, effective] = await Promise.all([clients(), current()]);
      const scope = {
        ...(effective.subsidiaryIds === undefined ? {} : { subsidiaryIds: effective.subsidiaryIds }),
        ...(effective.vendorSyncFlagField === undefined
          ? {}
          : { vendorSyncFlagField: effective.vendorSyncFlagField }),
      };
      const departments = {
        defaultId: effective.departmentLocationId,
        bySubsidiary: effective.departmentLocations,
      };
      return {
        netsuite: netsuite.records,
        procurify,
        state,
        scope,
        lookups: () => lookups(departments),
        currencyCodes,
      };
    },
    // The invocation's scope, not a second read of the settings.
    masterReads: async ({ scope }) => {
      const { netsuite } = await clients();
      return createNetSuiteMasterReads(netsuite.suiteQl, {
        timeZone: settings.netsuiteTimeZone,
        ...(scope.vendorSyncFlagField === undefined
          ? {}
          : { vendorSyncFlagField: scope.vendorSyncFlagField }),
      });
    },
    storedRecords: state,
    audit: state,
    failures: state,
    ...queueRetries(config.inboundQueueUrl, settings),
  };
}
