// The Procurify client apsync's use cases call (through the small port interfaces below): tokens,
// page-by-page iteration following `next`, typed endpoints validated with zod, error classes from
// shared/errors.ts, retries with backoff honouring Retry-After (shared/retry.ts), creates that
// look for the record before re-creating it after a failure that may have hidden a success, and
// invoice file downloads (the token only on the Procurify host, a size limit, the SHA-1 checked).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BugError, classifyNetworkFailure, DataError, SyncError } from '../errors.ts';
import { compareDecimals, sumDecimals } from '../money/money.ts';
import { defaultRetryPolicy, type RetryHooks, sleep, withRetry } from '../retry.ts';
import { classifyProcurifyAnswer, source, writeMayHaveHappened } from './errors.ts';
import {
  type AccountCodeCreate,
  type AccountCodeWrite,
  accountCodeCreateSchema,
  accountCodeSchema,
  accountCodeWriteSchema,
  billSchema,
  billSummarySchema,
  companyPaymentMethodSchema,
  currencySchema,
  type DepartmentWrite,
  departmentSchema,
  departmentWriteSchema,
  locationSchema,
  markAsPaidAnswerSchema,
  type ProcurifyAccountCode,
  type ProcurifyAttachment,
  type ProcurifyBill,
  type ProcurifyBillSummary,
  type ProcurifyCompanyPaymentMethod,
  type ProcurifyCurrency,
  type ProcurifyDepartment,
  type ProcurifyLocation,
  type ProcurifyPayment,
  type ProcurifyPaymentStatus,
  type ProcurifyVendor,
  pageSchema,
  paymentSchema,
  procurifyBillStatus,
  singleSchema,
  type VendorPatch,
  type VendorWrite,
  vendorPatchSchema,
  vendorSchema,
  vendorWriteSchema,
} from './schemas.ts';
import { type AccessTokenSource, ProcurifyTokenProvider } from './token.ts';

export const procurifyClientConfigSchema = z.object({
  /** `https://<domain>.procurify.com` (no trailing slash needed). */
  baseUrl: z.url(),
  /** `https://<domain>.procurify.com/oauth/token` (older material: `https://login.procurify.com/oauth/token`). */
  tokenUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  audience: z.string().min(1).default('https://api.procurify.com/'),
  /** `page_size` of list requests (Procurify's maximum is not documented; keep pages modest). */
  pageSize: z.number().int().min(1).max(1000).default(100),
  retryPolicy: z
    .object({
      maxAttempts: z.number().int().min(1),
      baseMs: z.number().min(0),
      capMs: z.number().min(0),
    })
    .default(defaultRetryPolicy),
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /** Renew tokens this long after obtaining them (tokens last 24 h). */
  tokenRenewAfterMs: z
    .number()
    .int()
    .positive()
    .default(20 * 3_600_000),
  /** A Retry-After longer than this is not waited in-process: the transient error is thrown at once. */
  maxRetryAfterMs: z.number().int().min(0).default(60_000),
  /** Invoice files larger than this are refused (a DataError naming the file). */
  maxAttachmentBytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
});
export type ProcurifyClientConfig = z.input<typeof procurifyClientConfigSchema>;

export interface ProcurifyClientDeps {
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: RetryHooks['onRetry'];
  /** Replaces the built-in token provider. */
  tokens?: AccessTokenSource;
}

type DateInput = Date | string;

export interface BillListFilter {
  /** `last_modified_datetime_0` (inclusive). */
  modifiedAfter?: DateInput;
  /** `last_modified_datetime_1` (inclusive). */
  modifiedBefore?: DateInput;
  /** Bill status(es) to keep; applied by the client (Procurify documents no status filter for bills). */
  status?: number | number[];
  vendor?: number;
  group?: number;
  /** e.g. `last_modified_datetime` (ascending) or `-last_modified_datetime`. */
  orderBy?: string;
}

export interface PaymentListFilter {
  /** `updated_at_after` (inclusive). */
  updatedAfter?: DateInput;
  /** `updated_at_before` (inclusive). */
  updatedBefore?: DateInput;
  statuses?: ProcurifyPaymentStatus[];
  billGroups?: number[];
  ids?: number[];
  orderBy?: 'updated_at' | '-updated_at' | 'created_at' | '-created_at';
}

/** The amount of a payment applied to one bill. */
export interface PaymentApplication {
  billUuid: string;
  billId: number;
  vendorId: number;
  currency: string;
  amount: string;
}

export interface PaymentApplications {
  applications: PaymentApplication[];
  appliedTotal: string;
  /**
   * Whether the applications add up to the payment's amount. Procurify's payment list gives only bill
   * groups; each bill shows its latest payment (`bill_payment`), so the split of an older payment of a
   * bill that was paid again later cannot be read back: then `complete` is false.
   */
  complete: boolean;
}

export interface MarkBillsPaidResult {
  billUuids: string[];
  paymentDate: string;
  /** Bills found already paid when checking after a failure that may have hidden a success. */
  alreadyPaid: string[];
}

// ---- the ports use cases depend on -------------------------------------------------------------------

export interface ProcurifyVendors {
  listVendors(filter?: {
    externalId?: string;
    name?: string;
    search?: string;
  }): AsyncIterable<ProcurifyVendor>;
  /** The vendor with this external_id; DataError when several have it. */
  findVendorByExternalId(externalId: string): Promise<ProcurifyVendor | undefined>;
  getVendor(id: number): Promise<ProcurifyVendor>;
  createVendor(input: VendorWrite): Promise<ProcurifyVendor>;
  /** PUT: the whole vendor (idempotent). */
  updateVendor(id: number, input: VendorWrite): Promise<ProcurifyVendor>;
  /** PATCH: only the given fields (idempotent). */
  patchVendor(id: number, patch: VendorPatch): Promise<ProcurifyVendor>;
}

export interface ProcurifyAccountCodes {
  listAccountCodes(filter?: { code?: string; active?: boolean }): AsyncIterable<ProcurifyAccountCode>;
  createAccountCode(input: AccountCodeCreate): Promise<ProcurifyAccountCode>;
  updateAccountCode(id: number, input: AccountCodeWrite): Promise<ProcurifyAccountCode>;
}

export interface ProcurifyDepartments {
  listDepartments(filter?: { branch?: number; search?: string }): AsyncIterable<ProcurifyDepartment>;
  createDepartment(input: DepartmentWrite): Promise<ProcurifyDepartment>;
  updateDepartment(id: number, input: DepartmentWrite): Promise<ProcurifyDepartment>;
  listLocations(filter?: { active?: boolean }): AsyncIterable<ProcurifyLocation>;
  /** Currencies (vendor `currency` is a currency id). */
  listCurrencies(): AsyncIterable<ProcurifyCurrency>;
}

/** A window of modification times for the change scans (both ends inclusive). */
export interface BillScanFilter {
  modifiedAfter?: DateInput;
  modifiedBefore?: DateInput;
  status?: number | number[];
}

export interface PaymentScanFilter {
  updatedAfter?: DateInput;
  updatedBefore?: DateInput;
  statuses?: ProcurifyPaymentStatus[];
}

export interface ProcurifyBills {
  /** Page-number iteration (fine for static reads; pollers should use scanBills). */
  listBills(filter?: BillListFilter): AsyncIterable<ProcurifyBillSummary>;
  /**
   * Every bill modified in the window, by modification time, without skipping any when bills change
   * during the scan (a bill changed meanwhile may come twice). For pollers.
   */
  scanBills(filter?: BillScanFilter): AsyncIterable<ProcurifyBillSummary>;
  getBill(uuid: string): Promise<ProcurifyBill>;
}

export interface ProcurifyBillPayer {
  getBill(uuid: string): Promise<ProcurifyBill>;
  /** mark-as-paid for a batch of approved bills without payments. */
  markBillsPaid(uuids: string[], paymentDate: string): Promise<MarkBillsPaidResult>;
}

export interface ProcurifyPayments {
  /** Page-number iteration (fine for static reads; pollers should use scanPayments). */
  listPayments(filter?: PaymentListFilter): AsyncIterable<ProcurifyPayment>;
  /** Every payment updated in the window, without skipping any that change during the scan. */
  scanPayments(filter?: PaymentScanFilter): AsyncIterable<ProcurifyPayment>;
  getPaymentApplications(payment: ProcurifyPayment): Promise<PaymentApplications>;
  listCompanyPaymentMethods(): AsyncIterable<ProcurifyCompanyPaymentMethod>;
}

/** An invoice file's bytes and media type. */
export interface DownloadedAttachment {
  content: Uint8Array;
  /** The answer's Content-Type; the attachment's `mimetype` when the answer gives none or a generic one. */
  contentType: string;
}

export interface ProcurifyInvoiceFiles {
  /**
   * The bytes of a bill's invoice file (BillRead `invoice_attachments[]`), from its `file` URL: with the
   * API token when the URL is on the Procurify host, without any credentials elsewhere (a pre-signed
   * storage link). Redirects are followed the same way at each hop. DataError naming the file when it
   * is larger than `maxAttachmentBytes`, its SHA-1 differs from `sha1_hash`, or storage refuses the link.
   */
  downloadAttachment(attachment: ProcurifyAttachment): Promise<DownloadedAttachment>;
}

export interface ProcurifyClient
  extends ProcurifyVendors,
    ProcurifyAccountCodes,
    ProcurifyDepartments,
    ProcurifyBills,
    ProcurifyBillPayer,
    ProcurifyPayments,
    ProcurifyInvoiceFiles {}

// ---- implementation ---------------------------------------------------------------------------------

const toIso = (value: DateInput | undefined): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : value.toISOString();

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

interface Exchange {
  status: number;
  headers: Headers;
  bodyText: string;
}

class HttpProcurifyClient implements ProcurifyClient {
  private readonly config: z.output<typeof procurifyClientConfigSchema>;
  private readonly base: URL;
  private readonly tokens: AccessTokenSource;
  private readonly fetchFn: typeof fetch;
  private readonly deps: ProcurifyClientDeps;

  constructor(config: z.output<typeof procurifyClientConfigSchema>, deps: ProcurifyClientDeps) {
    this.config = config;
    this.base = new URL(config.baseUrl);
    this.deps = deps;
    this.fetchFn = deps.fetch ?? fetch;
    this.tokens =
      deps.tokens ??
      new ProcurifyTokenProvider(
        {
          tokenUrl: config.tokenUrl,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          audience: config.audience,
          renewAfterMs: config.tokenRenewAfterMs,
          requestTimeoutMs: config.requestTimeoutMs,
          retryPolicy: config.retryPolicy,
        },
        { fetch: this.fetchFn, now: deps.now, retryHooks: this.retryHooks() },
      );
  }

  // ---- transport ----

  private retryHooks(): RetryHooks {
    let last: SyncError | undefined;
    return {
      random: this.deps.random,
      onRetry: (info) => {
        last = info.error;
        this.deps.onRetry?.(info);
      },
      sleep: async (ms) => {
        // A long Retry-After is not waited inside a Lambda invocation: the caller (queue) retries later.
        if (last?.retryAfterMs !== undefined && last.retryAfterMs > this.config.maxRetryAfterMs) throw last;
        await (this.deps.sleep ?? sleep)(ms);
      },
    };
  }

  private retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetry(attempt, this.config.retryPolicy, this.retryHooks());
  }

  private url(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  private async exchange(method: string, url: URL, body: unknown, token: string): Promise<Exchange> {
    try {
      const response = await this.fetchFn(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-procurify-client': 'api',
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      });
      return { status: response.status, headers: response.headers, bodyText: await response.text() };
    } catch (error) {
      throw classifyNetworkFailure(error, source);
    }
  }

  /** One attempt: a token, the request, and after a 401 one renewal and one more try. */
  private async call(method: string, url: URL, body?: unknown): Promise<unknown> {
    const token = await this.tokens.getToken();
    let answer = await this.exchange(method, url, body, token);
    if (answer.status === 401) {
      this.tokens.invalidate(token);
      answer = await this.exchange(method, url, body, await this.tokens.getToken());
    }
    const path = `${url.pathname}${url.search}`;
    if (answer.status < 200 || answer.status >= 300) {
      throw classifyProcurifyAnswer({ method, path, ...answer }, (this.deps.now ?? Date.now)());
    }
    if (answer.bodyText === '') return undefined;
    try {
      return JSON.parse(answer.bodyText);
    } catch {
      throw new BugError(
        `procurify: ${method} ${path} answered ${answer.status} with a body that is not JSON`,
        {
          source,
          status: answer.status,
        },
      );
    }
  }

  private parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
    const result = schema.safeParse(value);
    if (!result.success)
      throw new BugError(`procurify: unexpected ${what} (${describeIssue(result.error)})`, { source });
    return result.data;
  }

  /** Validates a body apsync is about to write; a misfit is a data problem naming the field. */
  private writable<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
    const result = schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new DataError(`procurify: ${what} cannot be written (${describeIssue(result.error)})`, {
        source,
        path: issue?.path.join('.'),
        detail: issue?.message,
      });
    }
    return result.data;
  }

  /**
   * The `next` link as a URL to follow: it must stay on the configured host and port; its scheme is
   * forced to the configured one (a proxy that renders `http://` links must not make the client send
   * its token in clear).
   */
  private followNext(next: string): URL {
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw new BugError(`procurify: pagination link is not an absolute URL: ${next}`, { source });
    }
    if (url.hostname !== this.base.hostname || url.port !== this.base.port) {
      throw new BugError(`procurify: pagination link leaves ${this.base.host}: ${url.host}`, { source });
    }
    url.protocol = this.base.protocol;
    return url;
  }

  private async *list<T extends z.ZodType>(
    path: string,
    query: Record<string, string | undefined>,
    item: T,
    what: string,
  ): AsyncGenerator<z.output<T>> {
    let url: URL | undefined = this.url(path, { ...query, page_size: String(this.config.pageSize) });
    const seen = new Set<string>();
    while (url !== undefined) {
      if (seen.has(url.href))
        throw new BugError(`procurify: pagination loops back to ${url.pathname}${url.search}`, { source });
      seen.add(url.href);
      const current: URL = url;
      const body = await this.retrying(() => this.call('GET', current));
      const page = this.parse(pageSchema(item), body, what);
      for (const entry of page.data) yield entry;
      url =
        page.metadata.pagination.next === null ? undefined : this.followNext(page.metadata.pagination.next);
    }
  }

  /**
   * Reads every record whose time is in [after, before] without page numbers. Offsets shift when a
   * record's modification time changes during the read (it moves to the end and the records behind it
   * move up into pages already read: they would be skipped). Instead each request starts at the time
   * of the last record read (inclusive) in ascending time order, skipping the records already read at
   * exactly that time; a record changed meanwhile is read again later (callers are idempotent). Only a
   * full page of records sharing one time is continued by page number.
   */
  private async *scan<T extends z.ZodType>(options: {
    path: string;
    query: Record<string, string | undefined>;
    lowerParam: string;
    upperParam: string;
    orderBy: string;
    after: string | undefined;
    before: string | undefined;
    item: T;
    timeOf: (item: z.output<T>) => string;
    keyOf: (item: z.output<T>) => string;
    what: string;
  }): AsyncGenerator<z.output<T>> {
    const firstPage = (lower: string | undefined) =>
      this.url(options.path, {
        ...options.query,
        [options.lowerParam]: lower,
        [options.upperParam]: options.before,
        order_by: options.orderBy,
        page_size: String(this.config.pageSize),
      });
    let lower = options.after;
    let readAtLower = new Set<string>();
    let url = firstPage(lower);
    for (;;) {
      const current = url;
      const body = await this.retrying(() => this.call('GET', current));
      const page = this.parse(pageSchema(options.item), body, options.what);
      const items = page.data;
      for (let i = 1; i < items.length; i++) {
        if (Date.parse(options.timeOf(items[i]!)) < Date.parse(options.timeOf(items[i - 1]!))) {
          throw new BugError(`procurify: ${options.path} did not order by ${options.orderBy}`, { source });
        }
      }
      for (const entry of items) {
        if (lower !== undefined && options.timeOf(entry) === lower && readAtLower.has(options.keyOf(entry)))
          continue;
        yield entry;
      }
      const next = page.metadata.pagination.next;
      const last = items.at(-1);
      if (next === null || last === undefined) return;
      const lastTime = options.timeOf(last);
      if (lastTime === lower) {
        // A whole page at one time: continue this time by page number.
        for (const entry of items) readAtLower.add(options.keyOf(entry));
        url = this.followNext(next);
        continue;
      }
      readAtLower = new Set(items.filter((entry) => options.timeOf(entry) === lastTime).map(options.keyOf));
      lower = lastTime;
      url = firstPage(lower);
    }
  }

  private async one<T extends z.ZodType>(method: string, path: string, body: unknown, item: T, what: string) {
    const answer = await this.retrying(() => this.call(method, this.url(path), body));
    const envelope = this.parse(singleSchema(z.unknown()), answer, what);
    return this.parse(item, envelope.data, what);
  }

  /**
   * POST is not idempotent. After a failure that may hide a success (connection lost, timeout, 5xx), the
   * next attempt first looks the record up (`lookup`) and returns it when found; with no way to look
   * it up, the failure is reported as a data error for a person to check (never re-created blindly).
   */
  private createWithLookup<T>(
    post: () => Promise<T>,
    lookup: (() => Promise<T | undefined>) | undefined,
    what: string,
  ) {
    let uncertain = false;
    return this.retrying(async () => {
      if (uncertain) {
        const existing = await lookup?.();
        if (existing !== undefined) return existing;
        uncertain = false;
      }
      try {
        return await post();
      } catch (error) {
        if (error instanceof SyncError && writeMayHaveHappened(error)) {
          if (lookup === undefined) {
            throw new DataError(
              `procurify: creating ${what} failed and may have succeeded (${error.message}); check Procurify before trying again`,
              { source, code: 'ambiguous_create', status: error.status, cause: error },
            );
          }
          uncertain = true;
        }
        throw error;
      }
    });
  }

  // ---- vendors ----

  async *listVendors(filter: { externalId?: string; name?: string; search?: string } = {}) {
    const rows = this.list(
      '/api/v3/vendors/',
      { external_id: filter.externalId, name: filter.name, search: filter.search },
      vendorSchema,
      'vendor list',
    );
    for await (const vendor of rows) {
      // Exact filters are re-checked here: an ignored query parameter must not return the wrong vendor.
      if (filter.externalId !== undefined && vendor.external_id !== filter.externalId) continue;
      if (filter.name !== undefined && vendor.name !== filter.name) continue;
      yield vendor;
    }
  }

  async findVendorByExternalId(externalId: string): Promise<ProcurifyVendor | undefined> {
    const found: ProcurifyVendor[] = [];
    for await (const vendor of this.listVendors({ externalId })) found.push(vendor);
    if (found.length > 1) {
      throw new DataError(
        `procurify: ${found.length} vendors have external_id ${externalId} (ids ${found.map((v) => v.id).join(', ')})`,
        { source, code: 'duplicate_external_id', path: 'external_id' },
      );
    }
    return found[0];
  }

  async getVendor(id: number) {
    return this.one('GET', `/api/v3/vendors/${id}/`, undefined, vendorSchema, 'vendor');
  }

  async createVendor(input: VendorWrite) {
    const body = this.writable(vendorWriteSchema, input, `vendor ${input.name}`);
    const externalId = body.external_id ?? undefined;
    return this.createWithLookup(
      async () => {
        const answer = await this.call('POST', this.url('/api/v3/vendors/'), body);
        return this.parse(singleSchema(vendorSchema), answer, 'created vendor').data;
      },
      externalId === undefined ? undefined : () => this.findVendorByExternalId(externalId),
      `vendor ${body.name}`,
    );
  }

  async updateVendor(id: number, input: VendorWrite) {
    const body = this.writable(vendorWriteSchema, input, `vendor ${id}`);
    return this.one('PUT', `/api/v3/vendors/${id}/`, body, vendorSchema, 'updated vendor');
  }

  async patchVendor(id: number, patch: VendorPatch) {
    const body = this.writable(vendorPatchSchema, patch, `vendor ${id}`);
    return this.one('PATCH', `/api/v3/vendors/${id}/`, body, vendorSchema, 'updated vendor');
  }

  // ---- account codes ----

  async *listAccountCodes(filter: { code?: string; active?: boolean } = {}) {
    const rows = this.list(
      '/api/v3/account-codes/',
      { code: filter.code, active: filter.active === undefined ? undefined : String(filter.active) },
      accountCodeSchema,
      'account code list',
    );
    for await (const accountCode of rows) {
      if (filter.code !== undefined && accountCode.code !== filter.code) continue;
      if (filter.active !== undefined && accountCode.active !== filter.active) continue;
      yield accountCode;
    }
  }

  private async findAccountCode(code: string): Promise<ProcurifyAccountCode | undefined> {
    for await (const accountCode of this.listAccountCodes({ code })) return accountCode;
    return undefined;
  }

  async createAccountCode(input: AccountCodeCreate) {
    const body = this.writable(accountCodeCreateSchema, input, `account code ${input.code}`);
    return this.createWithLookup(
      async () => {
        const answer = await this.call('POST', this.url('/api/v3/account-codes/'), body);
        return this.parse(singleSchema(accountCodeSchema), answer, 'created account code').data;
      },
      () => this.findAccountCode(body.code),
      `account code ${body.code}`,
    );
  }

  /** PUT (AccountCodeUpdateRequest); the answer says whether the code is active (the API cannot change it). */
  async updateAccountCode(id: number, input: AccountCodeWrite) {
    const body = this.writable(accountCodeWriteSchema, input, `account code ${id}`);
    return this.one('PUT', `/api/v3/account-codes/${id}/`, body, accountCodeSchema, 'updated account code');
  }

  // ---- departments and locations ----

  async *listDepartments(filter: { branch?: number; search?: string } = {}) {
    const rows = this.list(
      '/api/v3/departments/',
      { branch: filter.branch === undefined ? undefined : String(filter.branch), search: filter.search },
      departmentSchema,
      'department list',
    );
    for await (const department of rows) {
      if (filter.branch !== undefined && department.branch.id !== filter.branch) continue;
      yield department;
    }
  }

  private async findDepartment(body: z.output<typeof departmentWriteSchema>) {
    const matches: ProcurifyDepartment[] = [];
    for await (const department of this.listDepartments({ branch: body.branch, search: body.name })) {
      if (department.name !== body.name) continue;
      if (body.external_id != null && department.external_id !== body.external_id) continue;
      matches.push(department);
    }
    return matches.length === 1 ? matches[0] : undefined;
  }

  async createDepartment(input: DepartmentWrite) {
    const body = this.writable(departmentWriteSchema, input, `department ${input.name}`);
    return this.createWithLookup(
      async () => {
        const answer = await this.call('POST', this.url('/api/v3/departments/'), body);
        return this.parse(singleSchema(departmentSchema), answer, 'created department').data;
      },
      () => this.findDepartment(body),
      `department ${body.name}`,
    );
  }

  async updateDepartment(id: number, input: DepartmentWrite) {
    const body = this.writable(departmentWriteSchema, input, `department ${id}`);
    return this.one('PUT', `/api/v3/departments/${id}/`, body, departmentSchema, 'updated department');
  }

  listLocations(filter: { active?: boolean } = {}) {
    return this.list(
      '/api/v2/locations/',
      { active: filter.active === undefined ? undefined : String(filter.active) },
      locationSchema,
      'location list',
    );
  }

  listCurrencies() {
    return this.list('/api/v2/currencies/', {}, currencySchema, 'currency list');
  }

  listCompanyPaymentMethods() {
    return this.list(
      '/api/v2/ap/company-payment-methods/',
      {},
      companyPaymentMethodSchema,
      'company payment method list',
    );
  }

  // ---- bills ----

  async *listBills(filter: BillListFilter = {}) {
    const statuses = filter.status === undefined ? undefined : new Set([filter.status].flat());
    const rows = this.list(
      '/api/v3/ap/bills/',
      {
        last_modified_datetime_0: toIso(filter.modifiedAfter),
        last_modified_datetime_1: toIso(filter.modifiedBefore),
        vendor: filter.vendor === undefined ? undefined : String(filter.vendor),
        group: filter.group === undefined ? undefined : String(filter.group),
        order_by: filter.orderBy,
      },
      billSummarySchema,
      'bill list',
    );
    for await (const bill of rows) {
      if (statuses !== undefined && !statuses.has(bill.status)) continue;
      if (filter.group !== undefined && bill.group !== filter.group) continue;
      yield bill;
    }
  }

  async *scanBills(filter: BillScanFilter = {}) {
    const statuses = filter.status === undefined ? undefined : new Set([filter.status].flat());
    const rows = this.scan({
      path: '/api/v3/ap/bills/',
      query: {},
      lowerParam: 'last_modified_datetime_0',
      upperParam: 'last_modified_datetime_1',
      orderBy: 'last_modified_datetime',
      after: toIso(filter.modifiedAfter),
      before: toIso(filter.modifiedBefore),
      item: billSummarySchema,
      timeOf: (bill) => bill.last_modified_datetime,
      keyOf: (bill) => bill.uuid,
      what: 'bill list',
    });
    for await (const bill of rows) {
      if (statuses !== undefined && !statuses.has(bill.status)) continue;
      yield bill;
    }
  }

  async getBill(uuid: string) {
    if (!/^[0-9a-f-]+$/i.test(uuid)) {
      return Promise.reject(
        new DataError(`procurify: ${JSON.stringify(uuid)} is not a bill UUID`, { source, path: 'uuid' }),
      );
    }
    return this.one('GET', `/api/v2/ap/bills/${uuid.toLowerCase()}/`, undefined, billSchema, 'bill');
  }

  async markBillsPaid(uuids: string[], paymentDate: string): Promise<MarkBillsPaidResult> {
    if (uuids.length === 0)
      throw new DataError('procurify: mark-as-paid needs at least one bill', { source, path: 'bill_uuids' });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(paymentDate)) {
      throw new DataError(`procurify: payment date ${paymentDate} is not YYYY-MM-DD`, {
        source,
        path: 'payment_date',
      });
    }
    let remaining = [...new Set(uuids)];
    const alreadyPaid: string[] = [];
    let uncertain = false;
    return this.retrying(async () => {
      if (uncertain) {
        // The previous POST may have gone through: keep only the bills still unpaid.
        const stillOpen: string[] = [];
        for (const uuid of remaining) {
          const bill = await this.getBill(uuid);
          if (bill.status === procurifyBillStatus.paid) alreadyPaid.push(uuid);
          else stillOpen.push(uuid);
        }
        remaining = stillOpen;
        uncertain = false;
        if (remaining.length === 0) return { billUuids: uuids, paymentDate, alreadyPaid };
      }
      try {
        const answer = await this.call('POST', this.url('/api/v3/ap/bills/mark-as-paid/'), {
          bill_uuids: remaining,
          payment_date: paymentDate,
        });
        const echo = this.parse(markAsPaidAnswerSchema, answer, 'mark-as-paid answer');
        return { billUuids: uuids, paymentDate: echo.payment_date, alreadyPaid };
      } catch (error) {
        if (error instanceof SyncError && writeMayHaveHappened(error)) uncertain = true;
        throw error;
      }
    });
  }

  // ---- payments ----

  async *listPayments(filter: PaymentListFilter = {}) {
    const statuses = filter.statuses === undefined ? undefined : new Set<string>(filter.statuses);
    const rows = this.list(
      '/api/public/v1/payments/',
      {
        updated_at_after: toIso(filter.updatedAfter),
        updated_at_before: toIso(filter.updatedBefore),
        status: filter.statuses?.join(','),
        bill_groups: filter.billGroups?.join(','),
        ids: filter.ids?.join(','),
        order_by: filter.orderBy,
      },
      paymentSchema,
      'payment list',
    );
    for await (const payment of rows) {
      if (statuses !== undefined && (payment.status === null || !statuses.has(payment.status))) continue;
      yield payment;
    }
  }

  async *scanPayments(filter: PaymentScanFilter = {}) {
    const statuses = filter.statuses === undefined ? undefined : new Set<string>(filter.statuses);
    const rows = this.scan({
      path: '/api/public/v1/payments/',
      query: { status: filter.statuses?.join(',') },
      lowerParam: 'updated_at_after',
      upperParam: 'updated_at_before',
      orderBy: 'updated_at',
      after: toIso(filter.updatedAfter),
      before: toIso(filter.updatedBefore),
      item: paymentSchema,
      timeOf: (payment) => payment.updated_at,
      keyOf: (payment) => String(payment.id),
      what: 'payment list',
    });
    for await (const payment of rows) {
      if (statuses !== undefined && (payment.status === null || !statuses.has(payment.status))) continue;
      yield payment;
    }
  }

  async getPaymentApplications(payment: ProcurifyPayment): Promise<PaymentApplications> {
    const applications: PaymentApplication[] = [];
    const seen = new Set<string>();
    for (const group of payment.bill_groups) {
      for await (const summary of this.listBills({ group })) {
        if (seen.has(summary.uuid)) continue;
        seen.add(summary.uuid);
        const bill = await this.getBill(summary.uuid);
        if (bill.bill_payment === null || bill.bill_payment.payment.id !== payment.id) continue;
        applications.push({
          billUuid: bill.uuid,
          billId: bill.id,
          vendorId: bill.vendor.id,
          currency: bill.currency.name,
          amount: bill.bill_payment.amount,
        });
      }
    }
    const appliedTotal = sumDecimals(applications.map((a) => a.amount));
    return { applications, appliedTotal, complete: compareDecimals(appliedTotal, payment.amount) === 0 };
  }

  // ---- invoice files ----

  async downloadAttachment(attachment: ProcurifyAttachment): Promise<DownloadedAttachment> {
    const label = attachmentLabel(attachment);
    const limit = this.config.maxAttachmentBytes;
    let url: URL;
    try {
      // Absolute as Procurify renders it; a relative link would be on the Procurify host.
      url = new URL(attachment.file, this.base);
    } catch {
      throw new DataError(`procurify: ${label}: its file link is not a URL`, { source, path: 'file' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new DataError(`procurify: ${label}: its file link is not an http(s) URL`, {
        source,
        path: 'file',
      });
    }
    if (attachment.length !== null && attachment.length > limit)
      throw this.tooLarge(label, attachment.length);
    const file = await this.retrying(() => this.fetchFile(url, label));
    const expected = attachment.sha1_hash?.trim().toLowerCase();
    if (expected !== undefined && expected !== '') {
      const actual = createHash('sha1').update(file.bytes).digest('hex');
      if (actual !== expected) {
        throw new DataError(
          `procurify: ${label}: the downloaded file's SHA-1 ${actual} is not its sha1_hash ${expected} (a damaged or replaced file)`,
          { source, code: 'attachment_checksum', path: 'sha1_hash' },
        );
      }
    }
    const declared = file.contentType?.split(';')[0]?.trim().toLowerCase();
    const contentType =
      declared === undefined || declared === '' || genericMediaTypes.has(declared)
        ? (attachment.mimetype ?? file.contentType ?? 'application/octet-stream')
        : file.contentType!;
    return { content: file.bytes, contentType };
  }

  private tooLarge(label: string, bytes: number | undefined): DataError {
    const limit = this.config.maxAttachmentBytes;
    return new DataError(
      `procurify: ${label} is larger than the ${limit} bytes apsync accepts${bytes === undefined ? '' : ` (${bytes} bytes)`}`,
      { source, code: 'attachment_too_large', path: 'length' },
    );
  }

  private async fileRequest(url: URL, token: string | undefined): Promise<Response> {
    try {
      return await this.fetchFn(url, {
        method: 'GET',
        headers:
          token === undefined
            ? { accept: '*/*' }
            : { authorization: `Bearer ${token}`, 'x-procurify-client': 'api', accept: '*/*' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      });
    } catch (error) {
      throw classifyNetworkFailure(error, source);
    }
  }

  /**
   * One download attempt. The token goes only to the configured Procurify origin (scheme, host and port):
   * a link to other storage, or a redirect there, is fetched without credentials.
   */
  private async fetchFile(
    start: URL,
    label: string,
  ): Promise<{ bytes: Uint8Array; contentType: string | null }> {
    let url = start;
    for (let hop = 0; ; hop++) {
      const onProcurify = url.origin === this.base.origin;
      let token = onProcurify ? await this.tokens.getToken() : undefined;
      let response = await this.fileRequest(url, token);
      if (response.status === 401 && token !== undefined) {
        await response.body?.cancel();
        this.tokens.invalidate(token);
        token = await this.tokens.getToken();
        response = await this.fileRequest(url, token);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel();
        if (hop >= maxRedirects)
          throw new BugError(`procurify: ${label}: more than ${maxRedirects} redirects`, { source });
        url = new URL(location, url);
        if (url.protocol !== 'https:' && url.protocol !== 'http:')
          throw new DataError(`procurify: ${label}: redirected to a link that is not http(s)`, { source });
        continue;
      }
      if (response.status < 200 || response.status >= 300) {
        const bodyText = await response.text().catch(() => '');
        if (!onProcurify && [401, 403, 404, 410].includes(response.status)) {
          // Storage refusing a pre-signed link: it expired or was revoked; a fresh read of the bill gives a new one.
          throw new DataError(
            `procurify: ${label}: the file's storage answered ${response.status}; its link may have expired (read the bill again for a fresh one)`,
            { source, status: response.status, code: 'attachment_link_refused' },
          );
        }
        // The path only: a storage link's query may carry a signature.
        throw classifyProcurifyAnswer(
          { method: 'GET', path: url.pathname, status: response.status, headers: response.headers, bodyText },
          (this.deps.now ?? Date.now)(),
        );
      }
      return {
        bytes: await this.readBody(response, label),
        contentType: response.headers.get('content-type'),
      };
    }
  }

  /** The answer's bytes, refusing more than maxAttachmentBytes (announced or received). */
  private async readBody(response: Response, label: string): Promise<Uint8Array> {
    const limit = this.config.maxAttachmentBytes;
    const announced = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(announced) && announced > limit) {
      await response.body?.cancel();
      throw this.tooLarge(label, announced);
    }
    const reader = response.body?.getReader();
    if (reader === undefined) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received > limit) {
          await reader.cancel();
          throw this.tooLarge(label, undefined);
        }
        chunks.push(value);
      }
    } catch (error) {
      throw classifyNetworkFailure(error, source);
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  }
}

/** Media types that say nothing about a file: the attachment's own `mimetype` is better. */
const genericMediaTypes = new Set(['application/octet-stream', 'binary/octet-stream', 'application/binary']);
const maxRedirects = 5;

/** How an attachment is named in errors: its name and UUID (never its URL, which may carry a signature). */
const attachmentLabel = (attachment: ProcurifyAttachment): string =>
  `${JSON.stringify(attachment.name ?? '(no name)')} (attachment ${attachment.uuid})`;

/** Builds a Procurify client; the configuration is validated (a bad one is a BugError naming the field). */
export function createProcurifyClient(
  config: ProcurifyClientConfig,
  deps: ProcurifyClientDeps = {},
): ProcurifyClient {
  const parsed = procurifyClientConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new BugError(`procurify client configuration: ${describeIssue(parsed.error)}`, { source });
  }
  return new HttpProcurifyClient(parsed.data, deps);
}
