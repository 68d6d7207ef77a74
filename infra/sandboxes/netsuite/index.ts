// Public face of the NetSuite sandbox: `startNetSuiteSandbox()` starts a loopback HTTP server that
// behaves as a NetSuite account does (OAuth 2.0 client credentials, record API, SuiteQL,
// concurrency governance, record-event notices, the attachment RESTlet, the metadata catalog) with an
// admin API under `/__admin/`. Used by the NetSuite client's tests, the integration and end-to-end
// suites, benchmarks and local mode.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { FaultPlan } from '../faults.ts';
import { startHttpServer } from '../http-server.ts';
import { snapshotFileAt } from '../snapshot-file.ts';
import { type NetSuiteSandboxCredentials, type SandboxClientRegistration, TOKEN_PATH } from './auth.ts';
import { NetSuiteSandboxCore, type SandboxConfig, type SeedInput, type SeedResult } from './core.ts';
import type { BulkBillOptions, DemoOptions, DemoSummary } from './demo-data.ts';
import { type AttachedFile, attachedFiles, attachedFileView } from './file-cabinet.ts';
import type { SandboxRequestLogEntry, SandboxStats } from './governance.ts';
import type { NoticeEventType } from './notice.ts';
import type { RecordType } from './record-types.ts';
import { renderRecord } from './render.ts';
import { netSuiteSandboxHandler } from './server.ts';
import {
  captureNetSuite,
  type DefaultIntegration,
  defaultIntegrationOf,
  NetSuiteJournal,
  netsuiteSnapshotSchema,
  netsuiteSnapshotVersion,
  restoreNetSuite,
} from './snapshot.ts';
import type { RecordStore, StoredRecord } from './store.ts';
import type { NoticeDelivery, WebhookConfig } from './webhook.ts';

export type { NetSuiteSandboxCredentials, SandboxClientRegistration } from './auth.ts';
export type { SandboxConfig, SeedInput, SeedResult } from './core.ts';
export type { CustomSegmentDefinition } from './custom-segments.ts';
export type { BulkBillOptions, DemoOptions, DemoSummary } from './demo-data.ts';
export { bulkVendorBills, SYNC_FLAG_FIELD, seedDemoCompany } from './demo-data.ts';
export type { AttachedFile } from './file-cabinet.ts';
export type { GovernanceLimits, SandboxRequestLogEntry, SandboxStats } from './governance.ts';
export {
  type NoticeEventType,
  type NoticeRecordType,
  newEventId,
  type RecordEventNotice,
  recordEventNoticeSchema,
} from './notice.ts';
export { type RecordType, recordTypes } from './record-types.ts';
export { ATTACH_DEPLOY_ID, ATTACH_SCRIPT_ID, RESTLET_PATH } from './restlet.ts';
export { type CustomFieldDefinition, type CustomFieldKind, RecordStore, type StoredRecord } from './store.ts';
export type { NoticeDelivery, WebhookConfig } from './webhook.ts';

export interface NetSuiteSandboxOptions {
  /** Default '1234567_SB1'. */
  accountId?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Account concurrency limit; default 5. A request arriving while this many are in flight gets 429. */
  concurrencyLimit?: number;
  /** Default 3600. */
  tokenLifetimeSeconds?: number;
  /** PRNG seed of the fault plan. */
  seed?: number;
  /** Integrations registered besides the generated default one (`credentials`). */
  clients?: SandboxClientRegistration[];
  /** IANA zone SuiteQL renders lastmodifieddate etc. in (the account's time zone); default 'UTC'. */
  timeZone?: string;
  /**
   * Keeps the account in this JSON file (local mode): restored at start when it exists (records, custom
   * fields, id counters, integrations with the default key pair, settings other than the webhook).
   * Every change is on disk before the answer to the request that made it leaves (a journal next to
   * the file, `<dataFile>.journal`, compacted into it from time to time and on close); changes made by
   * direct calls follow right after. Options given here override stored settings.
   */
  dataFile?: string;
}

export interface SandboxConfigPatch {
  concurrencyLimit?: number;
  /** Concurrency reserved for the integration (governanceLimits reports integrationSpecific); null removes it. */
  integrationConcurrencyLimit?: number | null;
  tokenLifetimeSeconds?: number;
  webhook?: WebhookConfig | null;
}

export interface NetSuiteSandbox {
  /** `http://127.0.0.1:PORT`; the record API is at `${url}/services/rest/record/v1`. */
  url: string;
  /** `${url}/__admin`. */
  adminUrl: string;
  accountId: string;
  /** Whether the account came from `dataFile` (false: it started empty). */
  restored: boolean;
  /** A generated EC P-256 key pair (ES256) registered as the default integration. */
  credentials: NetSuiteSandboxCredentials;
  /** Direct access to the records (reads, and writes that skip NetSuite's rules). */
  store: RecordStore;
  faults: FaultPlan;
  setConfig(patch: SandboxConfigPatch): void;
  config(): SandboxConfig;
  requestLog(): SandboxRequestLogEntry[];
  clearRequestLog(): void;
  stats(): SandboxStats;
  resetStats(): void;
  /** Makes every issued token invalid (a token expiring mid-iteration). */
  expireAllTokens(): void;
  registerClient(registration: SandboxClientRegistration): void;
  /** Empties the account (records, custom fields, faults, request log, counters); config and tokens stay. */
  reset(): void;
  /** Seeds records through NetSuite's rules (no notices), a demo company and/or bulk bills. */
  seed(input: SeedInput): SeedResult;
  seedDemo(options?: DemoOptions): DemoSummary;
  bulkBills(count: number, options?: BulkBillOptions): { first: string; last: string };
  /** Changes "as a NetSuite user would" (UI): NetSuite's rules, then the user-event notice when a webhook is set. */
  userCreate(type: RecordType, body: Record<string, unknown>, eventType?: NoticeEventType): StoredRecord;
  userUpdate(
    type: RecordType,
    id: string,
    body: Record<string, unknown>,
    eventType?: NoticeEventType,
  ): StoredRecord;
  userDelete(type: RecordType, id: string): void;
  /** A NetSuite user voids a Bill Payment: Voided, nothing applied, its bills open again; notice `edit`. */
  userVoidPayment(id: string): StoredRecord;
  /** A record as GET ...?expandSubResources=true shows it, or undefined. */
  record(type: RecordType, id: string): Record<string, unknown> | undefined;
  /** The File Cabinet files attached to a record (by the attachment RESTlet), oldest first. */
  attachedFiles(type: RecordType, id: string): AttachedFile[];
  /** Sends one signed notice now and resolves with the delivery (undefined when no webhook is configured). */
  sendNotice(input: {
    recordType: RecordType;
    recordId: string;
    eventType: NoticeEventType;
    lastModified?: string;
  }): Promise<NoticeDelivery | undefined>;
  noticeDeliveries(): NoticeDelivery[];
  close(): Promise<void>;
}

function generatedIntegration(): DefaultIntegration {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    registration: {
      // NetSuite client ids are 64 hex characters; certificate ids are opaque tokens.
      clientId: randomBytes(32).toString('hex'),
      certificateId: randomBytes(32).toString('base64url'),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export async function startNetSuiteSandbox(options: NetSuiteSandboxOptions = {}): Promise<NetSuiteSandbox> {
  const accountId = options.accountId ?? '1234567_SB1';
  let integration: DefaultIntegration | undefined;
  const journal = new NetSuiteJournal();
  const file = snapshotFileAt(options.dataFile, {
    sandbox: 'netsuite',
    version: netsuiteSnapshotVersion,
    capture: () => captureNetSuite(core, integration!),
    journal,
  });
  const stored = file?.read(netsuiteSnapshotSchema);
  const core = new NetSuiteSandboxCore({
    accountId,
    concurrencyLimit: options.concurrencyLimit ?? stored?.config.concurrencyLimit ?? 5,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? stored?.config.tokenLifetimeSeconds ?? 3600,
    seed: options.seed ?? 1,
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  });
  if (stored !== undefined) {
    restoreNetSuite(core, stored);
    core.setConfig({ integrationConcurrencyLimit: stored.config.integrationConcurrencyLimit });
  }
  integration = stored === undefined ? generatedIntegration() : defaultIntegrationOf(stored);
  core.registerClient(integration.registration);
  for (const client of options.clients ?? []) core.registerClient(client);
  // A write is on disk before its answer leaves (the journal of ../snapshot-file.ts).
  const server = await startHttpServer(netSuiteSandboxHandler(core), options.port ?? 0, {
    name: 'netsuite',
    ...(file === undefined ? {} : { beforeAnswer: () => file.commit() }),
  });
  core.setBaseUrl(server.url);
  const credentials: NetSuiteSandboxCredentials = {
    accountId,
    clientId: integration.registration.clientId,
    certificateId: integration.registration.certificateId,
    privateKeyPem: integration.privateKeyPem,
    algorithm: 'ES256',
    tokenUrl: `${server.url}${TOKEN_PATH}`,
  };
  core.credentials = credentials;
  if (file !== undefined) {
    journal.attach(core, integration);
    core.onStateChange(() => file.changed());
  }
  let closed = false;
  return {
    url: server.url,
    adminUrl: `${server.url}/__admin`,
    accountId,
    restored: stored !== undefined,
    credentials,
    store: core.store,
    faults: core.faults,
    setConfig: (patch) => core.setConfig(patch),
    config: () => core.config(),
    requestLog: () => core.governance.entries(),
    clearRequestLog: () => core.governance.clearLog(),
    stats: () => core.stats(),
    resetStats: () => core.resetStats(),
    expireAllTokens: () => core.tokens.expireAll(),
    registerClient: (registration) => core.registerClient(registration),
    reset: () => core.reset(),
    seed: (input) => core.seed(input),
    seedDemo: (demo) => core.seed({ demo: demo ?? {} }).demo!,
    bulkBills: (count, bulk) => core.seed({ bulkBills: { count, ...(bulk ?? {}) } }).bulkBills!,
    userCreate: (type, body, eventType) => core.userCreate(type, body, eventType),
    userUpdate: (type, id, body, eventType) => core.userUpdate(type, id, body, eventType),
    userDelete: (type, id) => core.userDelete(type, id),
    userVoidPayment: (id) => core.userVoidPayment(id),
    record: (type, id) => {
      const record = core.store.get(type, id);
      return record === undefined
        ? undefined
        : renderRecord(core.store, { baseUrl: server.url, expandSubResources: true }, record);
    },
    attachedFiles: (type, id) => attachedFiles(core.store, type, id).map(attachedFileView),
    sendNotice: (input) => core.sendNotice(input),
    noticeDeliveries: () => core.notices.deliveries(),
    close: async () => {
      if (closed) return;
      closed = true;
      await core.settleNotices();
      await server.close();
      try {
        file?.close();
      } finally {
        core.close();
      }
    },
  };
}
