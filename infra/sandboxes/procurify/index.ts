// The Procurify sandbox: an HTTP server that behaves as Procurify's API does for what apsync uses
// (Procurify's API reference; the facts apsync keeps of it are infra/contracts/facts/procurify.json, and
// the integration tests check every answer against them), with an admin API, latency and fault
// injection, and a deterministic demo company. Used by the Procurify client's tests, the local runtime,
// the end-to-end tests and the benchmarks.
//
// Decisions where Procurify documents nothing, or where the sandbox chooses among what it allows (each is
// also commented where it is implemented):
// - A path without its trailing slash answers 301 to the slashed path (Django's APPEND_SLASH), for
//   every method, before authentication (api.ts).
// - A missing `X-Procurify-Client: api` header answers 401 like missing credentials, the detail naming
//   the header (api.ts).
// - Token errors: 401 `invalid_client`, 403 `access_denied` for a wrong audience, 400 for a bad grant type.
// - Vendor POST/PUT require `name`, `email` (a list), `type` and `overall_score` (OptimizedVendorRequest's
//   required list; the score is checked, not kept); PUT and PATCH leave absent fields unchanged
//   (validation.ts). PUT answers the Vendor shape (references as ids), PATCH the OptimizedVendor shape
//   (views.ts). external_id is not unique.
//   `payment_term_ref` is written as a nested term `{name}` (the OpenAPI's PaymentTermRequest), found
//   by name or created, and read as `{id, name, description, active}`.
// - Account codes: `code` is unique (400 on a duplicate); `active` in a POST/PUT body is ignored (neither
//   AccountCodeCreateRequest nor AccountCodeUpdateRequest has it): only a user in the web app (the admin
//   API's PATCH /__admin/account-codes/{id}, setAccountCodeActive) changes it. GET on
//   `/api/v3/account-codes/{id}/` and `/api/v3/departments/{id}/` is 405 (only PUT is documented).
// - Bills list: the undocumented `status` filter is ignored; default order is by id.
// - mark-as-paid: all or nothing; unknown bills and bills not Approved (or with a payment) are a 400
//   under `bill_uuids`; the answer is the request's echo, without the `{metadata, data}` envelope.
// - Payments (`/api/public/v1/payments/`) carry `bill_groups` only, as in the OpenAPI document: the
//   amount applied to each bill is on the bill (`GET /api/v2/ap/bills/{uuid}/` → `bill_payment`).
//   Bills not yet in a group get a new group when a payment is recorded. `processing_date` is the
//   payment date; `posted_date` is the payment date once the status is `paid`.
// - Bill money fields typed `number (double)` in the OpenAPI (`total_cost`, ...) are JSON numbers;
//   those typed decimal (`cost_allocations[].amount`, payment `amount`, ...) are strings.
// - Bills carry tax (inclusive or exclusive, per line), shipping per line, bill-level costs, custom
//   fields on lines and invoice files. Their amounts follow the OpenAPI descriptions of BillRead and
//   ItemReadSerializer_v2 (model.ts billAmounts: total_cost is net of tax, tax rounded half up per
//   line, invoice_total = total_cost_with_tax + shipping); payments apply against invoice_total.
// - Attachment `file` is an absolute URL on the base URL the request came in on:
//   `GET /api/v3/attachments/{uuid}/download/` serves the bytes behind the usual token (Procurify
//   documents no download; apsync's assumption is infra/contracts/facts/procurify-reference.ts). A file
//   given a `file_url` (other storage, e.g. a pre-signed link) is shown with that URL instead.
// - Date-time filters: inclusive ranges; values without an offset are UTC.
// - `dataFile` (local mode) keeps the company across restarts (snapshot.ts): stores, id counters, the
//   seeded UUID sequence, the modification clock, clients and configuration; not tokens, faults,
//   connection-loss rules, the request log or stats.
import { FaultPlan } from '../faults.ts';
import { startHttpServer } from '../http-server.ts';
import { snapshotFileAt } from '../snapshot-file.ts';
import { handleAdminRequest } from './admin.ts';
import { handleApiRequest } from './api.ts';
import { type ClientCredentials, TokenRegistry } from './auth.ts';
import {
  addBulkBills,
  addBulkPayments,
  type BulkOptions,
  type DemoOptions,
  seedDemoCompany,
} from './demo-data.ts';
import type { AttachmentInput, BillInput, BillPatch, PaymentInput, SeedRecords } from './inputs.ts';
import {
  type AttachmentRecord,
  type BillRecord,
  ModificationClock,
  type PaymentRecord,
  type PaymentStatus,
} from './model.ts';
import {
  ProcurifyJournal,
  procurifySnapshotSchema,
  procurifySnapshotVersion,
  storeSnapshotOf,
} from './snapshot.ts';
import {
  audience,
  defaultSandboxConfig,
  emptyStats,
  type LostConnectionRule,
  lostConnectionRuleSchema,
  type RequestLogEntry,
  type SandboxConfig,
  type SandboxConfigPatch,
  type SandboxState,
  type SandboxStats,
  sandboxConfigPatchSchema,
} from './state.ts';
import { ProcurifyStore } from './store.ts';

export type { ClientCredentials } from './auth.ts';
export type { BulkOptions, DemoOptions } from './demo-data.ts';
export { addBulkBills, addBulkPayments, demoCompany, demoGlCodes, seedDemoCompany } from './demo-data.ts';
export type {
  AttachmentInput,
  BillInput,
  BillPatch,
  CustomFieldInput,
  PaymentInput,
  SeedRecords,
} from './inputs.ts';
export { invoicePdf, invoicePdfBase64 } from './invoice-pdf.ts';
export type { AttachmentRecord, BillAmounts, BillRecord, PaymentRecord, PaymentStatus } from './model.ts';
export { billAmounts, billStatus, paymentStatuses } from './model.ts';
export type {
  LostConnectionRule,
  RequestLogEntry,
  SandboxConfig,
  SandboxConfigPatch,
  SandboxStats,
} from './state.ts';
export { ProcurifyStore, SandboxInputError } from './store.ts';

export interface ProcurifySandboxOptions {
  port?: number;
  /** The customer's Procurify domain (`<domain>.procurify.com`); appears in token scopes. Default 'demo'. */
  domain?: string;
  /** Default 86 400 (24 hours). */
  tokenLifetimeSeconds?: number;
  /** Seeds the random sources (fault plan, UUIDs) and, unless `demo` is false, loads the demo company. */
  seed?: number;
  /** Load the demo company at start (default: when `seed` is given). */
  demo?: boolean | DemoOptions;
  /** API clients accepted by `POST /oauth/token` (default one client, see `credentials`). */
  clients?: ClientCredentials[];
  config?: SandboxConfigPatch;
  /** Wall clock in milliseconds (tests may pin it; modification times stay strictly increasing). */
  now?: () => number;
  /**
   * Keeps the company in this JSON file (local mode): restored at start when it exists (every store, id
   * counters, the UUID sequence, clients, configuration; `demo` is then not loaded). Every change is on
   * disk before the answer to the request that made it leaves (a journal next to the file,
   * `<dataFile>.journal`, compacted into it from time to time and on close); changes made by direct
   * calls follow right after. `clients` and `config` given here override the stored ones.
   */
  dataFile?: string;
}

export interface ProcurifySandbox {
  /** `http://127.0.0.1:<port>`: the `https://<domain>.procurify.com` of the sandbox. */
  url: string;
  adminUrl: string;
  /** Whether the company came from `dataFile` (false: it started empty or with the demo company). */
  restored: boolean;
  credentials: { domain: string; clientId: string; clientSecret: string; tokenUrl: string; audience: string };
  store: ProcurifyStore;
  faults: FaultPlan;
  config(): SandboxConfig;
  setConfig(patch: SandboxConfigPatch): void;
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  stats(): SandboxStats;
  /**
   * The next `count` matching requests lose their connection before or after being handled (`after`:
   * the change is made and the answer lost).
   */
  loseConnections(rule: { method?: string; path: string; when: 'before' | 'after'; count?: number }): void;
  /** Every token issued so far stops working (the next call answers 401). */
  expireAllTokens(): void;
  /** Empties the company (currencies and payment terms stay), the log, the stats and the tokens. */
  reset(seed?: number): void;
  seed(records: SeedRecords): void;
  seedDemo(options?: DemoOptions): void;
  addBulkBills(count: number, options?: BulkOptions): string[];
  addBulkPayments(count: number, options?: BulkOptions): number[];
  // A Procurify user's actions (the same as the admin API's):
  createBill(input: BillInput): BillRecord;
  editBill(uuid: string, patch: BillPatch): BillRecord;
  /** Attaches an invoice file (base64 content) to a bill: a new version of the bill. */
  addBillAttachment(uuid: string, input: AttachmentInput): AttachmentRecord;
  /** Status → 2 (Approved); bumps last_modified_datetime. */
  approveBill(uuid: string): BillRecord;
  /** (De)activates an account code as a user does in the web app (Procurify's API cannot). */
  setAccountCodeActive(id: number, active: boolean): void;
  recordPayment(input: PaymentInput): PaymentRecord;
  setPaymentStatus(id: number, status: PaymentStatus): PaymentRecord;
  close(): Promise<void>;
}

export const defaultClient: ClientCredentials = {
  clientId: 'apsync-sandbox-client',
  clientSecret: 'apsync-sandbox-secret',
};

export async function startProcurifySandbox(
  options: ProcurifySandboxOptions = {},
): Promise<ProcurifySandbox> {
  const clock = new ModificationClock(options.now ?? Date.now);
  const seed = options.seed ?? 1;
  const store = new ProcurifyStore(clock, seed);
  const journal = new ProcurifyJournal();
  const file = snapshotFileAt(options.dataFile, {
    sandbox: 'procurify',
    version: procurifySnapshotVersion,
    capture: () => ({ store: store.snapshot(), clients: state.clients, config: state.config }),
    journal,
  });
  const stored = file?.read(procurifySnapshotSchema);
  if (stored !== undefined) store.restore(storeSnapshotOf(stored));
  const clients =
    options.clients !== undefined && options.clients.length > 0
      ? options.clients
      : (stored?.clients ?? [defaultClient]);
  const config: SandboxConfig = {
    ...defaultSandboxConfig,
    ...stored?.config,
    ...sandboxConfigPatchSchema.parse(options.config ?? {}),
    ...(options.tokenLifetimeSeconds === undefined
      ? {}
      : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  };
  const state: SandboxState = {
    domain: options.domain ?? 'demo',
    config,
    store,
    faults: new FaultPlan(seed),
    tokens: new TokenRegistry(() => clock.nowMs()),
    clients,
    log: [],
    logLimit: 20_000,
    stats: emptyStats(),
    nextSeq: 1,
    lostConnections: [],
  };
  const reset = (newSeed?: number): void => {
    store.reset(newSeed);
    state.log.length = 0;
    state.stats = emptyStats();
    state.tokens.clear();
    state.faults.clear();
    state.lostConnections.length = 0;
  };
  const expireAllTokens = (): void => state.tokens.expireAll();
  const demo = options.demo ?? options.seed !== undefined;
  if (stored === undefined && demo !== false)
    seedDemoCompany(store, { seed, ...(demo === true ? {} : demo) });
  if (file !== undefined) {
    journal.attach(
      store,
      () => state.clients,
      () => state.config,
    );
    store.onChange(() => file.changed());
    // The demo company loaded above is a change to keep like any other.
    if (stored === undefined && demo !== false) file.changed();
  }

  const server = await startHttpServer(
    (req, res) => {
      if ((req.url ?? '').startsWith('/__admin/')) {
        return handleAdminRequest(state, { reset, expireAllTokens }, req, res);
      }
      return handleApiRequest(state, req, res);
    },
    options.port ?? 0,
    // A write is on disk before its answer leaves (the journal of ../snapshot-file.ts).
    {
      name: 'procurify',
      ...(file === undefined
        ? {}
        : {
            beforeAnswer: (req) => {
              // Admin changes outside the store (configuration) are kept too.
              if ((req.url ?? '').startsWith('/__admin/') && req.method !== 'GET') file.changed();
              file.commit();
            },
          }),
    },
  );

  const first = clients[0]!;
  return {
    url: server.url,
    adminUrl: `${server.url}/__admin`,
    restored: stored !== undefined,
    credentials: {
      domain: state.domain,
      clientId: first.clientId,
      clientSecret: first.clientSecret,
      tokenUrl: `${server.url}/oauth/token`,
      audience,
    },
    store,
    faults: state.faults,
    config: () => ({ ...state.config }),
    setConfig: (patch) => {
      Object.assign(state.config, sandboxConfigPatchSchema.parse(patch));
      file?.changed();
    },
    requestLog: () => [...state.log],
    clearRequestLog: () => {
      state.log.length = 0;
    },
    stats: () => structuredClone(state.stats),
    loseConnections: (rule) => {
      state.lostConnections.push(lostConnectionRuleSchema.parse(rule) as LostConnectionRule);
    },
    expireAllTokens,
    reset,
    seed: (records) => store.seed(records),
    seedDemo: (demoOptions) => seedDemoCompany(store, demoOptions),
    addBulkBills: (count, bulk) => addBulkBills(store, count, bulk),
    addBulkPayments: (count, bulk) => addBulkPayments(store, count, bulk),
    createBill: (input) => store.createBill(input),
    editBill: (uuid, patch) => store.editBill(uuid, patch),
    addBillAttachment: (uuid, input) => store.addBillAttachment(uuid, input),
    approveBill: (uuid) => store.approveBill(uuid),
    setAccountCodeActive: (id, active) => {
      store.setAccountCodeActive(id, active);
    },
    recordPayment: (input) => store.recordPayment(input),
    setPaymentStatus: (id, status) => store.setPaymentStatus(id, status),
    close: async () => {
      await server.close();
      file?.close();
    },
  };
}
