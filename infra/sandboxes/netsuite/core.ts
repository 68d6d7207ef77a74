// The NetSuite sandbox's account behind its HTTP routes (server.ts, admin.ts): the record store and its
// SuiteQL mirror, tokens, governance, planned faults and record-change notices, and the seeding of records.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultPlan } from '../faults.ts';
import {
  type NetSuiteSandboxCredentials,
  type SandboxClientRegistration,
  TOKEN_PATH,
  TokenService,
} from './auth.ts';
import { type CustomSegmentDefinition, defineCustomSegment } from './custom-segments.ts';
import {
  type BulkBillOptions,
  bulkVendorBills,
  type DemoOptions,
  type DemoSummary,
  seedDemoCompany,
} from './demo-data.ts';
import { Governance, type SandboxStats } from './governance.ts';
import { type NoticeEventType, newEventId, noticeRecordType, type RecordEventNotice } from './notice.ts';
import { voidPayment } from './payments.ts';
import { NetSuiteProblem, problems } from './problem.ts';
import { isRecordType, type RecordType, recordTypes } from './record-types.ts';
import { findRecord } from './records.ts';
import { type CustomFieldDefinition, type CustomFieldKind, RecordStore, type StoredRecord } from './store.ts';
import { SuiteqlEngine } from './suiteql.ts';
import { SuiteqlMirror } from './suiteql-mirror.ts';
import { type NoticeDelivery, NoticeSender, type WebhookConfig } from './webhook.ts';
import { createRecord, deleteRecord, updateRecord, writeContext } from './writes.ts';

export interface SandboxConfig {
  accountId: string;
  concurrencyLimit: number;
  /** Concurrency reserved for the integration; null: the integration shares the account limit. */
  integrationConcurrencyLimit: number | null;
  tokenLifetimeSeconds: number;
  webhook: WebhookConfig | null;
}

export interface SeedInput {
  /**
   * Custom fields to declare, by record type: a kind (`{vendor: {custentity_procurify_sync: 'boolean'}}`)
   * or a definition (`{vendorBill: {custbody_approver: {kind: 'text', label: 'Approver', mandatory:
   * true}}}`). `custcol_` fields of vendorBill/vendorPayment go on their lines.
   */
  customFields?: Partial<Record<RecordType, Record<string, CustomFieldKind | CustomFieldDefinition>>>;
  /** Custom segments to declare (`cseg_<id>` on vendor bill bodies and lines); values are `customSegmentValue` records. */
  customSegments?: CustomSegmentDefinition[];
  /** Records in record-API body shape; may carry `id`, `lastModifiedDate`, `createdDate`, `status` (bills). */
  records?: Partial<Record<RecordType, Array<Record<string, unknown>>>>;
  demo?: DemoOptions;
  bulkBills?: BulkBillOptions & { count: number };
}

export interface SeedResult {
  created: Partial<Record<RecordType, string[]>>;
  demo?: DemoSummary;
  bulkBills?: { first: string; last: string; count: number };
}

/**
 * A handler of the sandbox's HTTP requests: the core, the request with its parsed URL and upper-case
 * method, and the response.
 */
export type SandboxRoute = (
  core: NetSuiteSandboxCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
) => Promise<void>;

/** Seeds run in dependency order whatever order the caller's keys have. */
const seedOrder: RecordType[] = [...recordTypes];

export interface CoreOptions {
  accountId: string;
  concurrencyLimit: number;
  tokenLifetimeSeconds: number;
  seed: number;
  timeZone?: string;
}

export class NetSuiteSandboxCore {
  readonly accountId: string;
  readonly store = new RecordStore();
  readonly mirror: SuiteqlMirror;
  readonly suiteql: SuiteqlEngine;
  readonly tokens: TokenService;
  readonly governance: Governance;
  readonly faults: FaultPlan;
  readonly notices = new NoticeSender();
  private pendingNotices = new Set<Promise<unknown>>();
  private stateListeners: Array<() => void> = [];
  baseUrl = '';
  /** The generated default integration (served by `GET /__admin/credentials`). */
  credentials: NetSuiteSandboxCredentials | undefined;

  constructor(options: CoreOptions) {
    this.accountId = options.accountId;
    this.mirror = new SuiteqlMirror(
      this.store,
      options.timeZone === undefined ? {} : { timeZone: options.timeZone },
    );
    this.suiteql = new SuiteqlEngine(this.store, this.mirror);
    this.tokens = new TokenService({ tokenUrl: '', lifetimeSeconds: options.tokenLifetimeSeconds });
    this.governance = new Governance(options.concurrencyLimit);
    this.faults = new FaultPlan(options.seed);
  }

  setBaseUrl(url: string): void {
    this.baseUrl = url;
    this.tokens.tokenUrl = `${url}${TOKEN_PATH}`;
  }

  registerClient(registration: SandboxClientRegistration): void {
    this.tokens.register(registration);
    this.stateChanged();
  }

  /**
   * Hears every change of what the sandbox keeps across restarts (records, custom fields, resets,
   * integrations, settings other than the webhook): the snapshot file in local mode.
   */
  onStateChange(listener: () => void): void {
    if (this.stateListeners.length === 0) {
      const changed = () => this.stateChanged();
      this.store.onChange(changed);
      this.store.onCustomField(changed);
      this.store.onReset(changed);
    }
    this.stateListeners.push(listener);
  }

  private stateChanged(): void {
    for (const listener of this.stateListeners) listener();
  }

  config(): SandboxConfig {
    return {
      accountId: this.accountId,
      concurrencyLimit: this.governance.limit,
      integrationConcurrencyLimit: this.governance.integrationLimit,
      tokenLifetimeSeconds: this.tokens.lifetimeSeconds,
      webhook: this.notices.current(),
    };
  }

  setConfig(patch: Partial<Omit<SandboxConfig, 'accountId'>>): void {
    if (patch.webhook !== undefined) this.notices.configure(patch.webhook);
    if (patch.concurrencyLimit !== undefined) this.governance.limit = patch.concurrencyLimit;
    if (patch.integrationConcurrencyLimit !== undefined)
      this.governance.integrationLimit = patch.integrationConcurrencyLimit;
    if (patch.tokenLifetimeSeconds !== undefined) this.tokens.lifetimeSeconds = patch.tokenLifetimeSeconds;
    if (
      patch.concurrencyLimit !== undefined ||
      patch.integrationConcurrencyLimit !== undefined ||
      patch.tokenLifetimeSeconds !== undefined
    ) {
      this.stateChanged();
    }
  }

  stats(): SandboxStats {
    const g = this.governance;
    return {
      maxInFlight: g.maxInFlight,
      inFlight: g.inFlight,
      rejected429: g.governance429,
      governance429: g.governance429,
      injected429: g.injected429,
      injected500: g.injected500,
      requests: g.requests,
      noticesDelivered: this.notices.delivered,
      noticesFailed: this.notices.failed,
    };
  }

  resetStats(): void {
    this.governance.resetStats();
    this.notices.clear();
  }

  /** Empties the account: records, custom fields, faults, request log, counters. Config and tokens stay. */
  reset(): void {
    this.store.reset();
    this.faults.clear();
    this.governance.clearLog();
    this.resetStats();
  }

  seed(input: SeedInput): SeedResult {
    const result: SeedResult = { created: {} };
    for (const segment of input.customSegments ?? []) defineCustomSegment(this.store, segment);
    for (const [type, fields] of Object.entries(input.customFields ?? {})) {
      if (!isRecordType(type)) throw problems.invalidRequest(`customFields: unknown record type '${type}'.`);
      for (const [fieldId, kind] of Object.entries(fields ?? {}))
        this.store.defineCustomField(type, fieldId, kind);
    }
    if (input.demo !== undefined) result.demo = seedDemoCompany(this.store, input.demo);
    const context = writeContext(this.store, 'seed');
    for (const type of seedOrder) {
      const bodies = input.records?.[type];
      if (bodies === undefined) continue;
      const ids: string[] = [];
      for (const [index, body] of bodies.entries()) {
        try {
          ids.push(createRecord(context, type, body).record.id);
        } catch (error) {
          if (error instanceof NetSuiteProblem) {
            throw new NetSuiteProblem(
              error.status,
              error.code,
              `records.${type}[${index}]: ${error.message}`,
              {
                path: `records.${type}[${index}]${error.path === undefined ? '' : `.${error.path}`}`,
              },
            );
          }
          throw error;
        }
      }
      result.created[type] = ids;
    }
    if (input.bulkBills !== undefined) {
      const { count, ...options } = input.bulkBills;
      result.bulkBills = { ...bulkVendorBills(this.store, count, options), count };
    }
    return result;
  }

  /** A change "as a NetSuite user would" make it in the UI: same rules, then the user-event notice. */
  userCreate(type: RecordType, body: unknown, eventType: NoticeEventType = 'create'): StoredRecord {
    const record = createRecord(writeContext(this.store, 'admin'), type, body).record;
    this.notify(record.type, record.id, eventType, record.lastModifiedDate);
    return record;
  }

  userUpdate(
    type: RecordType,
    idSegment: string,
    body: unknown,
    eventType: NoticeEventType = 'edit',
  ): StoredRecord {
    const existing = findRecord(this.store, type, idSegment);
    if (existing === undefined) throw problems.nonexistentId(type, idSegment);
    const record = updateRecord(writeContext(this.store, 'admin'), existing, body).record;
    this.notify(record.type, record.id, eventType, record.lastModifiedDate);
    return record;
  }

  userDelete(type: RecordType, idSegment: string): void {
    const existing = findRecord(this.store, type, idSegment);
    if (existing === undefined) throw problems.nonexistentId(type, idSegment);
    deleteRecord(writeContext(this.store, 'admin'), existing);
    this.notify(existing.type, existing.id, 'delete', this.store.now());
  }

  /** A NetSuite user voids a Bill Payment (payments.ts `voidPayment`); the script sees an edit. */
  userVoidPayment(idSegment: string): StoredRecord {
    const existing = findRecord(this.store, 'vendorPayment', idSegment);
    if (existing === undefined) throw problems.nonexistentId('vendorPayment', idSegment);
    const record = voidPayment(this.store, existing);
    this.notify(record.type, record.id, 'edit', record.lastModifiedDate);
    return record;
  }

  /** Sends a notice now (also for records the script would ignore when asked explicitly). */
  sendNotice(input: {
    recordType: RecordType;
    recordId: string;
    eventType: NoticeEventType;
    lastModified?: string;
  }): Promise<NoticeDelivery | undefined> {
    const recordType = noticeRecordType(input.recordType);
    if (recordType === undefined) {
      return Promise.reject(
        new Error(`The user-event script is not deployed on ${input.recordType} records.`),
      );
    }
    const lastModified =
      input.lastModified ??
      this.store.get(input.recordType, input.recordId)?.lastModifiedDate ??
      this.store.now();
    const notice: RecordEventNotice = {
      eventId: newEventId(),
      accountId: this.accountId,
      recordType,
      recordId: input.recordId,
      eventType: input.eventType,
      lastModified,
    };
    const delivery = this.notices.send(notice);
    this.pendingNotices.add(delivery);
    void delivery.finally(() => this.pendingNotices.delete(delivery));
    return delivery;
  }

  private notify(type: RecordType, id: string, eventType: NoticeEventType, lastModified: string): void {
    if (noticeRecordType(type) === undefined || this.notices.current() === null) return;
    // Fire and forget, as the user-event script: the outcome lands in the delivery log and the stats.
    void this.sendNotice({ recordType: type, recordId: id, eventType, lastModified });
  }

  /** Stops waiting notices (the sandbox is closing) and lets their promises settle. */
  async settleNotices(): Promise<void> {
    this.notices.abortAll();
    await Promise.allSettled([...this.pendingNotices]);
  }

  close(): void {
    this.mirror.close();
  }
}
