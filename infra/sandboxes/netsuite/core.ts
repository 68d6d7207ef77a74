// The NetSuite sandbox's core: wires the record store, SuiteQL engine, OAuth token service, concurrency
// governance, fault plan and webhook sender together and routes every HTTP request — NetSuite paths
// through governance, faults and bearer auth, `/__admin` straight to the admin API. Created by
// startNetSuiteSandbox (index.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultPlan } from '../faults.ts';
import { applyFault, BodyTooLargeError, readBody, sendEmpty, sendJson } from '../http-server.ts';
import { handleAdminRequest } from './admin.ts';
import {
  type NetSuiteSandboxCredentials,
  type SandboxClientRegistration,
  TOKEN_PATH,
  TokenService,
} from './auth.ts';
import { type CustomSegmentDefinition, defineCustomSegment, segmentOfRecordType } from './custom-segments.ts';
import {
  type BulkBillOptions,
  bulkVendorBills,
  type DemoOptions,
  type DemoSummary,
  seedDemoCompany,
} from './demo-data.ts';
import { Governance, type SandboxStats } from './governance.ts';
import { METADATA_PATH, metadataCatalog } from './metadata-catalog.ts';
import { type NoticeEventType, newEventId, noticeRecordType, type RecordEventNotice } from './notice.ts';
import { NetSuiteProblem, problems, sendProblem } from './problem.ts';
import { isRecordType, isRestType, type RecordType, recordTypes } from './record-types.ts';
import { findRecord, handleRecordRequest } from './records.ts';
import { recordApiPath } from './render.ts';
import {
  ATTACH_DEPLOY_ID,
  ATTACH_SCRIPT_ID,
  RESTLET_PATH,
  RestletError,
  restletErrors,
  runAttachRestlet,
} from './restlet.ts';
import { handleSegmentValueRequest } from './segment-values.ts';
import { type CustomFieldDefinition, type CustomFieldKind, RecordStore, type StoredRecord } from './store.ts';
import { SUITEQL_PATH, SuiteqlEngine, suiteqlPage } from './suiteql.ts';
import { SuiteqlMirror } from './suiteql-mirror.ts';
import { type NoticeDelivery, NoticeSender, type WebhookConfig } from './webhook.ts';
import { createRecord, deleteRecord, updateRecord, writeContext } from './writes.ts';

export const GOVERNANCE_PATH = '/services/rest/system/v1/governanceLimits';
/** A RESTlet body above this is refused before the script runs (strings over 10 MB reach it: TOO_LARGE). */
const RESTLET_BODY_LIMIT = 32 * 1024 * 1024;

function sendRestletError(res: ServerResponse, error: RestletError): void {
  sendJson(res, error.status, error.body());
}

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

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    if (url.pathname === '/__admin' || url.pathname.startsWith('/__admin/')) {
      await handleAdminRequest(this, req, res, url);
      return;
    }
    await this.handleNetSuite(req, res, url);
  };

  private async handleNetSuite(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const started = Date.now();
    const base = {
      method,
      path: url.pathname,
      query: url.search,
      startedAt: new Date(started).toISOString(),
    };
    const governance = this.governance;
    if (!governance.admit()) {
      sendProblem(res, problems.concurrency());
      governance.record({
        ...base,
        status: 429,
        durationMs: Date.now() - started,
        inFlightAtStart: governance.inFlight,
        rejectedBy: 'governance',
      });
      return;
    }
    const inFlightAtStart = governance.inFlight;
    let clientId: string | undefined;
    let countedClient: string | undefined;
    let fault: 'latency' | '429' | '500' | 'timeout' | 'drop' | undefined;
    let error: string | undefined;
    let rejectedBy: 'integration-limit' | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      governance.release();
      if (countedClient !== undefined) governance.releaseClient(countedClient);
      governance.record({
        ...base,
        status: res.headersSent ? res.statusCode : 0,
        durationMs: Date.now() - started,
        inFlightAtStart,
        ...(clientId === undefined ? {} : { clientId }),
        ...(fault === undefined ? {} : { fault }),
        ...(rejectedBy === undefined ? {} : { rejectedBy }),
        ...(error === undefined ? {} : { error }),
      });
    };
    res.once('finish', finish);
    res.once('close', finish);

    // The integration is known (and counted against a reserved share) before any injected latency, so
    // a slow account holds its concurrency slots for the whole answer time.
    const isTokenCall = method === 'POST' && url.pathname === TOKEN_PATH;
    const isRestlet = url.pathname === RESTLET_PATH;
    if (!isTokenCall) {
      clientId = this.tokens.verifyBearer(
        req.headers.authorization,
        isRestlet ? 'restlets' : 'rest_webservices',
      );
      if (clientId === undefined) {
        if (isRestlet) sendRestletError(res, restletErrors.invalidLogin());
        else sendProblem(res, problems.invalidLogin(this.accountId));
        return;
      }
      if (!governance.admitClient(clientId)) {
        rejectedBy = 'integration-limit';
        sendProblem(res, problems.concurrency());
        return;
      }
      countedClient = clientId;
    }
    const decision = this.faults.decide(method, url.pathname);
    if (decision.delayMs > 0) fault = 'latency';
    const consumed = await applyFault(decision, req, res, {
      answer429: (answer) => {
        governance.injected429 += 1;
        sendProblem(answer, problems.concurrency());
      },
      answer500: (answer) => {
        governance.injected500 += 1;
        sendProblem(answer, problems.unexpected());
      },
    });
    if (decision.outcome !== 'none') fault = decision.outcome;
    if (consumed || res.destroyed) return;

    try {
      if (isTokenCall) {
        const body = (await readBody(req, 1024 * 1024)).toString('utf8');
        const answer = await this.tokens.issue(req.headers['content-type'], body);
        sendJson(res, answer.status, answer.body, { 'cache-control': 'no-store', pragma: 'no-cache' });
        return;
      }
      await this.route(req, res, url, method);
    } catch (caught) {
      if (caught instanceof RestletError) {
        sendRestletError(res, caught);
      } else if (caught instanceof NetSuiteProblem) {
        sendProblem(res, caught);
      } else if (caught instanceof BodyTooLargeError) {
        sendProblem(res, new NetSuiteProblem(400, 'INVALID_REQUEST', 'The request body is too large.'));
      } else {
        error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
        if (!res.headersSent) sendProblem(res, problems.unexpected());
      }
    }
  }

  /** The attachment RESTlet (restlet.ts): known script and deployment, JSON in and out. */
  private async restlet(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
    if (
      url.searchParams.get('script') !== ATTACH_SCRIPT_ID ||
      url.searchParams.get('deploy') !== ATTACH_DEPLOY_ID
    ) {
      throw restletErrors.noSuchScript();
    }
    if (method !== 'POST') {
      throw new RestletError(405, 'SSS_INVALID_HTTP_METHOD', `The RESTlet has no ${method} entry point.`);
    }
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!contentType.startsWith('application/json')) {
      throw new RestletError(
        415,
        'INVALID_CONTENT_TYPE',
        'Invalid content type. You can only use application/json, application/xml or text/plain with RESTlets.',
      );
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, RESTLET_BODY_LIMIT)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new RestletError(
          400,
          'SSS_REQUEST_LIMIT_EXCEEDED',
          'The request is larger than a RESTlet accepts.',
        );
      }
      throw new RestletError(400, 'SYNTAX_ERROR', 'The request body is not valid JSON.');
    }
    sendJson(res, 200, runAttachRestlet(this.store, body));
  }

  private async readJson(req: IncomingMessage): Promise<unknown> {
    const text = (await readBody(req)).toString('utf8');
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw problems.invalidRequest('The request body is not valid JSON.');
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
    const path = url.pathname;
    if (path === RESTLET_PATH) {
      await this.restlet(req, res, url, method);
      return;
    }
    if (path === METADATA_PATH || path.startsWith(`${METADATA_PATH}/`)) {
      if (method !== 'GET')
        throw new NetSuiteProblem(405, 'INVALID_REQUEST', 'The metadata catalog is read with GET.');
      const accept = Array.isArray(req.headers.accept) ? req.headers.accept.join(',') : req.headers.accept;
      const segment = path.slice(METADATA_PATH.length + 1) || undefined;
      const answer = metadataCatalog(this.store, this.baseUrl, segment, accept);
      sendJson(res, 200, answer.body, {}, answer.contentType);
      return;
    }
    const firstSegment = path.startsWith(`${recordApiPath}/`)
      ? decodeURIComponent(path.slice(recordApiPath.length + 1).split('/')[0] ?? '')
      : undefined;
    if (firstSegment !== undefined) {
      const segment = segmentOfRecordType(this.store, firstSegment);
      if (segment !== undefined) {
        const answer = await handleSegmentValueRequest({
          store: this.store,
          baseUrl: this.baseUrl,
          segment,
          method,
          segments: path
            .slice(recordApiPath.length + 1)
            .split('/')
            .filter(Boolean)
            .slice(1),
          headers: req.headers,
          readJson: () => this.readJson(req),
        });
        if (answer.body === undefined) sendEmpty(res, answer.status, answer.headers ?? {});
        else sendJson(res, answer.status, answer.body, answer.headers ?? {}, answer.contentType);
        return;
      }
      // Types the record API does not serve here (legacy tax codes, the File Cabinet, segment values
      // under their internal name) are unknown record types to an integration.
      const type = recordTypes.find((candidate) => candidate.toLowerCase() === firstSegment.toLowerCase());
      if (type !== undefined && !isRestType(type)) {
        throw new NetSuiteProblem(
          404,
          'INVALID_RECORD_TYPE',
          `Record type '${firstSegment}' does not exist or is not available in this sandbox.`,
        );
      }
    }
    if (path === GOVERNANCE_PATH) {
      if (method !== 'GET')
        throw new NetSuiteProblem(405, 'INVALID_REQUEST', 'governanceLimits is read with GET.');
      sendJson(res, 200, this.governance.limits());
      return;
    }
    if (path === SUITEQL_PATH) {
      if (method !== 'POST')
        throw new NetSuiteProblem(405, 'INVALID_REQUEST', 'SuiteQL queries are POST requests.');
      const prefer = req.headers.prefer;
      const body = suiteqlPage(this.suiteql, {
        baseUrl: this.baseUrl,
        query: url.searchParams,
        preferHeader: Array.isArray(prefer) ? prefer.join(',') : prefer,
        body: await this.readJson(req),
      });
      sendJson(res, 200, body, {}, 'application/vnd.oracle.resource+json; type=collection');
      return;
    }
    if (path.startsWith(`${recordApiPath}/`)) {
      const segments = path
        .slice(recordApiPath.length + 1)
        .split('/')
        .filter((segment) => segment !== '');
      const answer = await handleRecordRequest({
        store: this.store,
        baseUrl: this.baseUrl,
        method,
        segments,
        query: url.searchParams,
        headers: req.headers,
        readJson: () => this.readJson(req),
      });
      if (answer.body === undefined) sendEmpty(res, answer.status, answer.headers ?? {});
      else sendJson(res, answer.status, answer.body, answer.headers ?? {}, answer.contentType);
      return;
    }
    throw new NetSuiteProblem(404, 'INVALID_REQUEST', `No NetSuite resource at ${path}.`);
  }
}
