// The console's settings change on AWS: the same change as `apsync settings set` and local mode
// (shared/settings/change-settings.ts — checked against NetSuite and Procurify with the sync clients,
// recorded with the console user), publishing to the two work queues a change can feed: inbound (the
// master-data scope's re-evaluation, parked departments) and bill (parked bills re-sent).
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import type { ConsoleSettings } from '../../shared/console/settings-page.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import type { ChangeSettingsDependencies } from '../../shared/settings/change-settings.ts';
import type { DeploymentSettings } from '../../shared/settings/settings-store.ts';
import type { SyncClients } from '../../shared/sync-clients.ts';

export interface ConsoleSettingsChangeParts {
  state: ChangeSettingsDependencies['state'];
  sqs: SQSClient;
  deployment: DeploymentSettings;
  /** The sync clients, made on first use (a change that names no record never builds them). */
  syncClients: () => Promise<Pick<SyncClients, 'netsuite' | 'procurify'>>;
  queueUrls: { inbound: string; bill: string };
  netsuiteTimeZone?: string;
}

/** The settings page's values and change, so the console can change settings (not read-only). */
export function consoleSettingsChange(parts: ConsoleSettingsChangeParts): ConsoleSettings {
  return {
    deployment: parts.deployment,
    // The lookups (with the NetSuite reads they check a change against) load with the first change.
    dependencies: async () => ({
      state: parts.state,
      deployment: parts.deployment,
      lookups: (await import('../../shared/settings/lookups.ts')).createSettingLookups(
        async () => (await parts.syncClients()).netsuite,
        async () => (await parts.syncClients()).procurify,
        parts.netsuiteTimeZone === undefined ? {} : { netsuiteTimeZone: parts.netsuiteTimeZone },
      ),
      bills: new SqsQueuePublisher<BillMessage>(parts.sqs, parts.queueUrls.bill),
      inbound: new SqsQueuePublisher<InboundMessage>(parts.sqs, parts.queueUrls.inbound),
    }),
  };
}
