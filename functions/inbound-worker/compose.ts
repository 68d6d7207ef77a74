// Composition root of inbound-worker: its dependencies built from the environment, once per container.
import { type Environment, readEnvironment, readSettings } from '../../shared/config/environment.ts';
import { queueRetries, stateStore, syncClients } from '../../shared/config/runtime-parts.ts';
import { createNetSuiteMasterReads } from '../../shared/master-data/netsuite-master-reads.ts';
import { createProcurifyLookups } from '../../shared/master-data/procurify-lookups.ts';
import type { InboundWorkerDependencies } from './handler.ts';

export function composeInboundWorker(env: Environment): InboundWorkerDependencies {
  const config = readEnvironment(env, ['stateTable', 'inboundQueueUrl', 'netsuiteSecret', 'procurifySecret']);
  const settings = readSettings(env);
  const state = stateStore(config.stateTable, settings);
  const clients = syncClients(config, settings);
  const lookups = createProcurifyLookups(async () => (await clients()).procurify, {
    defaultId: settings.departmentLocationId,
    bySubsidiary: settings.departmentLocations,
  });
  const scope = {
    ...(settings.subsidiaryIds === undefined ? {} : { subsidiaryIds: settings.subsidiaryIds }),
    ...(settings.vendorSyncFlagField === undefined
      ? {}
      : { vendorSyncFlagField: settings.vendorSyncFlagField }),
  };
  const currencyCodes = new Map<string, string>();
  return {
    masterData: async () => {
      const { netsuite, procurify } = await clients();
      return { netsuite: netsuite.records, procurify, state, scope, lookups, currencyCodes };
    },
    masterReads: async () =>
      createNetSuiteMasterReads((await clients()).netsuite.suiteQl, {
        timeZone: settings.netsuiteTimeZone,
        ...(settings.vendorSyncFlagField === undefined
          ? {}
          : { vendorSyncFlagField: settings.vendorSyncFlagField }),
      }),
    audit: state,
    failures: state,
    ...queueRetries(config.inboundQueueUrl, settings),
  };
}
