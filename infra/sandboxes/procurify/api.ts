// The Procurify sandbox's public HTTP surface: `POST /oauth/token` and the API paths apsync uses,
// behaving as Procurify's API reference and OpenAPI document describe (the facts apsync keeps of them:
// infra/contracts/facts/procurify.json and procurify-reference.ts). index.ts mounts it next to the
// admin API. Decisions where Procurify documents nothing are marked "Decision".
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, BodyTooLargeError, readBody, sendJson } from '../http-server.ts';
import { inRange, orderBy, type PageSettings, paginate, QueryReader } from './listing.ts';
import { type PaymentStatus, paymentStatuses } from './model.ts';
import { audience, type RequestLogEntry, type SandboxState } from './state.ts';

/** Consumes one matching lost-connection rule, if any. */
function loseConnection(
  state: SandboxState,
  method: string,
  path: string,
  when: 'before' | 'after',
): boolean {
  const rule = state.lostConnections.find(
    (r) =>
      r.when === when &&
      (r.method === undefined || r.method.toUpperCase() === method) &&
      path.startsWith(r.path),
  );
  if (rule === undefined) return false;
  rule.count -= 1;
  if (rule.count <= 0) state.lostConnections.splice(state.lostConnections.indexOf(rule), 1);
  state.stats.lostConnections += 1;
  return true;
}

import {
  accountCodeSchema,
  departmentSchema,
  type FieldErrors,
  markAsPaidSchema,
  type Schema,
  validateBody,
  vendorSchema,
} from './validation.ts';
import {
  accountCodeView,
  billDetailView,
  billSummaryView,
  currencyView,
  departmentView,
  locationView,
  paymentMethodView,
  paymentView,
  vendorView,
} from './views.ts';

interface Answer {
  status: number;
  body?: unknown;
  /** Bytes sent as they are (with `headers`, which then carry the content type), instead of JSON. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

interface Context {
  state: SandboxState;
  req: IncomingMessage;
  url: URL;
  params: string[];
  /** The parsed body, or an Answer (415/400) when it cannot be read. */
  body(): Promise<{ ok: true; value: unknown } | { ok: false; answer: Answer }>;
}

type Handler = (ctx: Context) => Answer | Promise<Answer>;

interface Route {
  pattern: RegExp;
  template: string;
  methods: Partial<Record<string, Handler>>;
}

const notFound: Answer = { status: 404, body: { detail: 'Not found.' } };
const single = (data: unknown, status = 200): Answer => ({ status, body: { metadata: {}, data } });
const invalid = (errors: FieldErrors): Answer => ({ status: 400, body: errors });

function pageSettings(state: SandboxState): PageSettings {
  return {
    defaultPageSize: state.config.defaultPageSize,
    maxPageSize: state.config.maxPageSize,
    linkBaseUrl: state.config.nextLinkBaseUrl,
  };
}

function list<T>(
  ctx: Context,
  items: T[],
  render: (item: T) => unknown,
  extra?: Record<string, unknown>,
): Answer {
  const answer = paginate(ctx.req, ctx.url, items, render, pageSettings(ctx.state), extra);
  return { status: answer.status, body: answer.body };
}

/** The body checked against the endpoint's schema (validation.ts): its fields, or the answer refusing it. */
async function checkedBody(
  ctx: Context,
  schema: Schema,
  partial: boolean,
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; answer: Answer }> {
  const body = await ctx.body();
  if (!body.ok) return body;
  const result = validateBody(body.value, schema, partial);
  return result.ok ? result : { ok: false, answer: invalid(result.errors) };
}

/** The `order_by` fields of the vendor, department, location and payment-method lists. */
const byNameOrId = {
  name: (item: { name: string }) => item.name.toLowerCase(),
  id: (item: { id: number }) => item.id,
};

const search = (needle: string | undefined, ...haystack: Array<string | null>): boolean =>
  needle === undefined ||
  haystack.some((text) => text?.toLowerCase().includes(needle.toLowerCase()) ?? false);

// ---- vendors ---------------------------------------------------------------------------------------

function vendorDeps(state: SandboxState) {
  return { currencyExists: (id: number) => state.store.currencies.has(id) };
}

const listVendors: Handler = (ctx) => {
  const q = new QueryReader(ctx.url.searchParams);
  const externalId = q.text('external_id');
  const name = q.text('name');
  const text = q.text('search');
  const type = q.integer('type');
  if (!q.ok) return invalid(q.errors);
  const vendors = [...ctx.state.store.vendors.values()].filter(
    (v) =>
      (!ctx.state.config.vendorListActiveOnly || v.active) &&
      (externalId === undefined || v.external_id === externalId) &&
      (name === undefined || v.name === name) &&
      (type === undefined || v.type === type) &&
      search(text, v.name),
  );
  const ordered = orderBy(vendors, q.text('order_by'), byNameOrId);
  return list(ctx, ordered, (v) => vendorView(ctx.state.store, v));
};

const createVendor: Handler = async (ctx) => {
  const result = await checkedBody(ctx, vendorSchema(vendorDeps(ctx.state)), false);
  if (!result.ok) return result.answer;
  const { overall_score: _score, ...values } = result.value;
  return single(vendorView(ctx.state.store, ctx.state.store.createVendorFromApi(values)), 201);
};

const vendorById = (ctx: Context) => ctx.state.store.vendors.get(Number(ctx.params[0]));

const getVendor: Handler = (ctx) => {
  const vendor = vendorById(ctx);
  return vendor === undefined ? notFound : single(vendorView(ctx.state.store, vendor));
};

const updateVendor =
  (partial: boolean): Handler =>
  async (ctx) => {
    const vendor = vendorById(ctx);
    if (vendor === undefined) return notFound;
    const result = await checkedBody(ctx, vendorSchema(vendorDeps(ctx.state)), partial);
    if (!result.ok) return result.answer;
    const { overall_score: _score, ...values } = result.value;
    const updated = ctx.state.store.updateVendorFromApi(vendor, values);
    // PUT answers VendorSerializerSingle (Vendor: term and method references as ids); PATCH answers
    // OptimizedVendorSerializerSingle (OptimizedVendor: nested references), per their 200 responses.
    return single(vendorView(ctx.state.store, updated, partial ? 'optimized' : 'plain'));
  };

// ---- account codes ------------------------------------------------------------------------------

function accountCodeDeps(state: SandboxState) {
  return {
    accountCodeExists: (id: number) => state.store.accountCodes.has(id),
    departmentExists: (id: number) => state.store.departments.has(id),
  };
}

const listAccountCodes: Handler = (ctx) => {
  const q = new QueryReader(ctx.url.searchParams);
  const active = q.boolean('active');
  const code = q.text('code');
  const text = q.text('search');
  const isParent = q.boolean('is_parent');
  const store = ctx.state.store;
  const parents = new Set([...store.accountCodes.values()].map((a) => a.parent).filter((p) => p !== null));
  const codes = [...store.accountCodes.values()].filter(
    (a) =>
      (active === undefined || a.active === active) &&
      (code === undefined || a.code === code) &&
      (isParent === undefined || parents.has(a.id) === isParent) &&
      search(text, a.code, a.description),
  );
  const ordered = orderBy(codes, q.text('order_by'), { code: (a) => a.code, id: (a) => a.id });
  return list(ctx, ordered, accountCodeView);
};

const createAccountCode: Handler = async (ctx) => {
  const result = await checkedBody(ctx, accountCodeSchema(accountCodeDeps(ctx.state)), false);
  if (!result.ok) return result.answer;
  const conflict = ctx.state.store.accountCodeConflict(result.value.code);
  if (conflict !== undefined) return invalid(conflict);
  return single(accountCodeView(ctx.state.store.createAccountCodeFromApi(result.value)), 201);
};

const updateAccountCode: Handler = async (ctx) => {
  const record = ctx.state.store.accountCodes.get(Number(ctx.params[0]));
  if (record === undefined) return notFound;
  const result = await checkedBody(ctx, accountCodeSchema(accountCodeDeps(ctx.state)), false);
  if (!result.ok) return result.answer;
  const conflict = ctx.state.store.accountCodeConflict(result.value.code, record.id);
  if (conflict !== undefined) return invalid(conflict);
  if (result.value.parent === record.id)
    return invalid({ parent: ['An account code cannot be its own parent.'] });
  return single(accountCodeView(ctx.state.store.updateAccountCodeFromApi(record, result.value)));
};

// ---- departments and locations ---------------------------------------------------------------------

const departmentDeps = (state: SandboxState) => ({
  locationExists: (id: number) => state.store.locations.has(id),
});

const listDepartments: Handler = (ctx) => {
  const q = new QueryReader(ctx.url.searchParams);
  const branch = q.integer('branch');
  const locations = q.integerList('locations');
  const text = q.text('search');
  if (!q.ok) return invalid(q.errors);
  const departments = [...ctx.state.store.departments.values()].filter(
    (d) =>
      (branch === undefined || d.branch === branch) &&
      (locations === undefined || locations.includes(d.branch)) &&
      search(text, d.name),
  );
  const ordered = orderBy(departments, q.text('order_by'), byNameOrId);
  return list(ctx, ordered, (d) => departmentView(ctx.state.store, d));
};

const createDepartment: Handler = async (ctx) => {
  const result = await checkedBody(ctx, departmentSchema(departmentDeps(ctx.state)), false);
  if (!result.ok) return result.answer;
  return single(departmentView(ctx.state.store, ctx.state.store.createDepartmentFromApi(result.value)), 201);
};

const updateDepartment: Handler = async (ctx) => {
  const record = ctx.state.store.departments.get(Number(ctx.params[0]));
  if (record === undefined) return notFound;
  const result = await checkedBody(ctx, departmentSchema(departmentDeps(ctx.state)), false);
  if (!result.ok) return result.answer;
  return single(
    departmentView(ctx.state.store, ctx.state.store.updateDepartmentFromApi(record, result.value)),
  );
};

const listLocations: Handler = (ctx) => {
  const q = new QueryReader(ctx.url.searchParams);
  const active = q.boolean('active');
  const headquarter = q.boolean('headquarter');
  const text = q.text('search');
  const locations = [...ctx.state.store.locations.values()].filter(
    (l) =>
      (active === undefined || l.active === active) &&
      (headquarter === undefined || l.headquarter === headquarter) &&
      search(text, l.name),
  );
  const ordered = orderBy(locations, q.text('order_by'), byNameOrId);
  return list(ctx, ordered, (l) => locationView(ctx.state.store, l));
};

const getLocation: Handler = (ctx) => {
  const location = ctx.state.store.locations.get(Number(ctx.params[0]));
  return location === undefined ? notFound : single(locationView(ctx.state.store, location));
};

const listPaymentMethods: Handler = (ctx) => {
  const q = new QueryReader(ctx.url.searchParams);
  const type = q.integer('type');
  const currency = q.integer('currency');
  const text = q.text('search');
  if (!q.ok) return invalid(q.errors);
  const methods = [...ctx.state.store.paymentMethods.values()].filter(
    (m) =>
      (type === undefined || m.type === type) &&
      (currency === undefined || m.currencyId === currency) &&
      search(text, m.name),
  );
  const ordered = orderBy(methods, q.text('order_by'), byNameOrId);
  return list(ctx, ordered, (m) => paymentMethodView(ctx.state.store, m));
};

const listCurrencies: Handler = (ctx) => {
  const q = new QueryReader(ctx.url.searchParams);
  const active = q.boolean('active');
  const base = q.boolean('base');
  const name = q.text('name');
  const currencies = [...ctx.state.store.currencies.values()].filter(
    (c) =>
      (active === undefined || c.active === active) &&
      (base === undefined || c.base === base) &&
      (name === undefined || c.name === name),
  );
  return list(ctx, orderBy(currencies, q.text('order_by'), { name: (c) => c.name }), currencyView);
};

// ---- bills -------------------------------------------------------------------------------------------

/**
 * `GET /api/v3/ap/bills/`. Filters from the OpenAPI document: `last_modified_datetime_0/_1` (inclusive
 * range), `vendor`, `has_payment`, `group`, `type`, `order_by`. Decision: `status` is not among the
 * documented filters, so it is ignored like every unknown parameter (clients filter on status
 * themselves). Default order: id ascending (Procurify's default is not documented).
 */
const listBills: Handler = (ctx) => {
  const q = new QueryReader(ctx.url.searchParams);
  const modified = q.dateTimeRange('last_modified_datetime', '_0', '_1');
  const vendor = q.integer('vendor');
  const hasPayment = q.boolean('has_payment');
  const group = q.integer('group');
  const type = q.integer('type');
  const order = q.text('order_by');
  if (!q.ok) return invalid(q.errors);
  const store = ctx.state.store;
  const bills = [...store.bills.values()].filter(
    (b) =>
      inRange(b.modified, modified) &&
      (vendor === undefined || b.vendorId === vendor) &&
      (hasPayment === undefined || store.applicationsOf(b.uuid).length > 0 === hasPayment) &&
      (group === undefined || b.group === group) &&
      (type === undefined || b.type === type),
  );
  const ordered = orderBy(bills, order, {
    last_modified_datetime: (b) => b.modified,
    id: (b) => b.id,
    invoice_date: (b) => b.invoice_date ?? '',
    due_date: (b) => b.due_date ?? '',
  });
  // BillSummaryDocs.total_cost: the bills' total_cost (without tax and shipping, like BillRead's).
  const total = ordered.reduce((sum, b) => sum + store.billAmounts(b).totalCents, 0) / 100;
  return list(ctx, ordered, (b) => billSummaryView(store, b), {
    permissions: { can_edit: true, can_delete: false, can_approve: true },
    summary: { has_multiple_currency: new Set(ordered.map((b) => b.currencyId)).size > 1, total_cost: total },
  });
};

const getBill: Handler = (ctx) => {
  const bill = ctx.state.store.bills.get(ctx.params[0] ?? '');
  if (bill === undefined) return notFound;
  const store = ctx.state.store;
  return {
    status: 200,
    body: {
      metadata: {
        permissions: { can_edit: true, can_delete: false, can_approve: true },
        summary: { has_multiple_currency: false, total_cost: store.billAmounts(bill).totalCents / 100 },
      },
      data: billDetailView(store, bill, requestBaseUrl(ctx.req)),
    },
  };
};

/**
 * `GET /api/v3/attachments/{uuid}/download/`: an invoice file's bytes. Decision: Procurify documents no
 * download (its Attachment has only `file`, a URL); the sandbox serves each attachment's `file` here,
 * behind the usual bearer token and X-Procurify-Client header, answering the bytes with the attachment's
 * mimetype, Content-Length and a Content-Disposition naming the file; 404 for an unknown attachment and
 * for one kept on other storage (its `file` points there). The facts apsync keeps of this assumption are
 * infra/contracts/facts/procurify-reference.ts.
 */
const downloadAttachment: Handler = (ctx) => {
  const found = ctx.state.store.attachment(ctx.params[0] ?? '');
  if (found === undefined || found.attachment.externalUrl !== null) return notFound;
  const { attachment } = found;
  const bytes = Buffer.from(attachment.contentBase64, 'base64');
  return {
    status: 200,
    raw: bytes,
    headers: {
      'content-type': attachment.mimetype,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
    },
  };
};

/** The base URL a request came in on (attachment links), as `next` links are built without a configured base. */
function requestBaseUrl(req: IncomingMessage): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

/**
 * `POST /api/v3/ap/bills/mark-as-paid/`. Answers the echo of the request unwrapped (the OpenAPI
 * response schema is MarkBillsAsPaid itself, not the `{metadata, data}` envelope). Errors: see
 * ProcurifyStore.markBillsPaid.
 */
const markAsPaid: Handler = async (ctx) => {
  const result = await checkedBody(ctx, markAsPaidSchema, false);
  if (!result.ok) return result.answer;
  const uuids = result.value.bill_uuids as string[];
  const groups = (result.value.bill_group_ids as number[] | undefined) ?? [];
  const outcome = ctx.state.store.markBillsPaid(uuids, groups, result.value.payment_date as string);
  return outcome.ok ? { status: 200, body: outcome.value } : invalid(outcome.errors);
};

// ---- payments ------------------------------------------------------------------------------------------

const paymentOrders = ['updated_at', '-updated_at', 'created_at', '-created_at'] as const;

const listPayments: Handler = (ctx) => {
  const q = new QueryReader(ctx.url.searchParams);
  const updated = q.dateTimeRange('updated_at', '_after', '_before');
  const created = q.dateTimeRange('created_at', '_after', '_before');
  const statuses = q.choiceList<PaymentStatus>('status', paymentStatuses);
  const groups = q.integerList('bill_groups');
  const ids = q.integerList('ids');
  const vendor = q.integer('vendor');
  const currency = q.integer('currency');
  const order = q.choice('order_by', paymentOrders);
  if (!q.ok) return invalid(q.errors);
  const store = ctx.state.store;
  const payments = [...store.payments.values()].filter(
    (p) =>
      inRange(p.modified, updated) &&
      inRange(p.created, created) &&
      (statuses === undefined || statuses.includes(p.status)) &&
      (groups === undefined || store.paymentBillGroups(p).some((g) => groups.includes(g))) &&
      (ids === undefined || ids.includes(p.id)) &&
      (vendor === undefined || store.paymentVendorId(p) === vendor) &&
      (currency === undefined || p.currencyId === currency),
  );
  const ordered = orderBy(payments, order, { updated_at: (p) => p.modified, created_at: (p) => p.created });
  return list(ctx, ordered, (p) => paymentView(store, p));
};

// ---- routing -------------------------------------------------------------------------------------------

const id = '(\\d+)';
export const routes: Route[] = [
  {
    pattern: /^\/api\/v3\/vendors\/$/,
    template: '/api/v3/vendors/',
    methods: { GET: listVendors, POST: createVendor },
  },
  {
    pattern: new RegExp(`^/api/v3/vendors/${id}/$`),
    template: '/api/v3/vendors/{id}/',
    methods: { GET: getVendor, PUT: updateVendor(false), PATCH: updateVendor(true) },
  },
  {
    pattern: /^\/api\/v3\/account-codes\/$/,
    template: '/api/v3/account-codes/',
    methods: { GET: listAccountCodes, POST: createAccountCode },
  },
  {
    pattern: new RegExp(`^/api/v3/account-codes/${id}/$`),
    template: '/api/v3/account-codes/{id}/',
    methods: { PUT: updateAccountCode },
  },
  {
    pattern: /^\/api\/v3\/departments\/$/,
    template: '/api/v3/departments/',
    methods: { GET: listDepartments, POST: createDepartment },
  },
  {
    pattern: new RegExp(`^/api/v3/departments/${id}/$`),
    template: '/api/v3/departments/{id}/',
    methods: { PUT: updateDepartment },
  },
  { pattern: /^\/api\/v2\/currencies\/$/, template: '/api/v2/currencies/', methods: { GET: listCurrencies } },
  { pattern: /^\/api\/v2\/locations\/$/, template: '/api/v2/locations/', methods: { GET: listLocations } },
  {
    pattern: new RegExp(`^/api/v2/locations/${id}/$`),
    template: '/api/v2/locations/{id}/',
    methods: { GET: getLocation },
  },
  {
    pattern: /^\/api\/v2\/ap\/company-payment-methods\/$/,
    template: '/api/v2/ap/company-payment-methods/',
    methods: { GET: listPaymentMethods },
  },
  {
    pattern: /^\/api\/v3\/ap\/bills\/mark-as-paid\/$/,
    template: '/api/v3/ap/bills/mark-as-paid/',
    methods: { POST: markAsPaid },
  },
  { pattern: /^\/api\/v3\/ap\/bills\/$/, template: '/api/v3/ap/bills/', methods: { GET: listBills } },
  {
    pattern: /^\/api\/v2\/ap\/bills\/([0-9a-f-]+)\/$/,
    template: '/api/v2/ap/bills/{uuid}/',
    methods: { GET: getBill },
  },
  {
    pattern: /^\/api\/v3\/attachments\/([0-9a-f-]+)\/download\/$/,
    template: '/api/v3/attachments/{uuid}/download/',
    methods: { GET: downloadAttachment },
  },
  {
    pattern: /^\/api\/public\/v1\/payments\/$/,
    template: '/api/public/v1/payments/',
    methods: { GET: listPayments },
  },
];

const tokenPath = '/oauth/token';

function matchRoute(path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match !== null) return { route, params: match.slice(1) };
  }
  return undefined;
}

async function parseBody(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; answer: Answer }> {
  let raw: Buffer;
  try {
    raw = await readBody(req, 2 * 1024 * 1024);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { ok: false, answer: { status: 413, body: { detail: 'Request body too large.' } } };
    throw error;
  }
  if (raw.length === 0) return { ok: true, value: {} };
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
  }
  if (type !== 'application/json') {
    return {
      ok: false,
      answer: { status: 415, body: { detail: `Unsupported media type "${type}" in request.` } },
    };
  }
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch (error) {
    return {
      ok: false,
      answer: { status: 400, body: { detail: `JSON parse error - ${(error as Error).message}` } },
    };
  }
}

/**
 * `POST /oauth/token` (Auth0-style client credentials, JSON or form body). Decisions on the
 * undocumented errors: unknown client or wrong secret → 401 `invalid_client`; a wrong audience → 403
 * `access_denied` (Auth0's answer); another grant type → 400 `unsupported_grant_type`; missing fields → 400
 * `invalid_request`.
 */
async function issueToken(state: SandboxState, req: IncomingMessage): Promise<Answer> {
  if (req.method !== 'POST')
    return { status: 405, body: { error: 'method_not_allowed' }, headers: { allow: 'POST' } };
  const body = await parseBody(req);
  const refuse = (status: number, error: string, description: string): Answer => {
    state.stats.tokenRefusals += 1;
    return { status, body: { error, error_description: description } };
  };
  if (!body.ok || body.value === null || typeof body.value !== 'object') {
    return refuse(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  const fields = body.value as Record<string, unknown>;
  for (const name of ['client_id', 'client_secret', 'grant_type']) {
    if (typeof fields[name] !== 'string' || fields[name] === '') {
      return refuse(400, 'invalid_request', `Missing required parameter: ${name}`);
    }
  }
  if (fields.grant_type !== 'client_credentials') {
    return refuse(400, 'unsupported_grant_type', `Unsupported grant type: ${String(fields.grant_type)}`);
  }
  const client = state.clients.find((c) => c.clientId === fields.client_id);
  if (client === undefined || client.clientSecret !== fields.client_secret) {
    return refuse(401, 'invalid_client', 'Client authentication failed.');
  }
  if (fields.audience !== audience) {
    return refuse(403, 'access_denied', `Service not enabled within domain: ${String(fields.audience)}`);
  }
  const lifetime = state.config.tokenLifetimeSeconds;
  const token = state.tokens.issue(client.clientId, lifetime);
  state.stats.tokensIssued += 1;
  return {
    status: 200,
    body: {
      access_token: token,
      scope: `urn:procurify-api:domain:${state.domain} urn:procurify-api:email:api-user@${state.domain}.example`,
      expires_in: lifetime,
      token_type: 'Bearer',
    },
  };
}

/**
 * Checks the bearer token and `X-Procurify-Client: api`. Decision: a missing or wrong
 * `X-Procurify-Client` header answers like missing credentials (401), because Procurify only honours
 * its M2M tokens on requests that carry the header; the detail names the header.
 */
function authenticate(state: SandboxState, req: IncomingMessage): Answer | undefined {
  const unauthorized = (detail: string): Answer => {
    state.stats.unauthorized += 1;
    return { status: 401, body: { detail }, headers: { 'www-authenticate': 'Bearer realm="api"' } };
  };
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match === null) return unauthorized('Authentication credentials were not provided.');
  const check = state.tokens.check(match[1]!);
  if (!check.ok) return unauthorized(check.reason === 'expired' ? 'Token has expired.' : 'Invalid token.');
  if (req.headers['x-procurify-client'] !== 'api') {
    return unauthorized(
      'Authentication credentials were not provided. (X-Procurify-Client: api header missing.)',
    );
  }
  return undefined;
}

function send(res: ServerResponse, answer: Answer): void {
  if (answer.raw !== undefined) {
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.raw.length) });
    res.end(answer.raw);
  } else if (answer.body === undefined) {
    res.writeHead(answer.status, answer.headers ?? {});
    res.end();
  } else {
    sendJson(res, answer.status, answer.body, answer.headers ?? {});
  }
}

/** Handles one request to the public surface: log, faults, trailing slash, auth, route. */
export async function handleApiRequest(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const matched = matchRoute(url.pathname);
  const entry: RequestLogEntry = {
    seq: state.nextSeq++,
    at: new Date().toISOString(),
    method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    route: `${method} ${matched?.route.template ?? url.pathname}`,
    status: 0,
    fault: 'none',
    clientHeader: req.headers['x-procurify-client'] === 'api',
    durationMs: 0,
  };
  res.on('close', () => {
    entry.status = res.headersSent ? res.statusCode : 0;
    entry.durationMs = Math.round((performance.now() - started) * 10) / 10;
    state.log.push(entry);
    if (state.log.length > state.logLimit) state.log.splice(0, state.log.length - state.logLimit);
    state.stats.requests += 1;
    state.stats.byRoute[entry.route] = (state.stats.byRoute[entry.route] ?? 0) + 1;
    state.stats.byStatus[String(entry.status)] = (state.stats.byStatus[String(entry.status)] ?? 0) + 1;
    state.stats.faults[entry.fault] += 1;
  });

  const decision = state.faults.decide(method, url.pathname);
  entry.fault = decision.outcome;
  const consumed = await applyFault(decision, req, res, {
    answer429: (r) => {
      const seconds = state.config.retryAfterSeconds;
      sendJson(
        r,
        429,
        { detail: `Request was throttled. Expected available in ${seconds} seconds.` },
        {
          'retry-after': String(seconds),
        },
      );
    },
    // Django answers its own 500s with an HTML page, not JSON.
    answer500: (r) => {
      const html = '<h1>Server Error (500)</h1>';
      r.writeHead(500, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
      });
      r.end(html);
    },
  });
  if (consumed) return;
  if (loseConnection(state, method, url.pathname, 'before')) {
    entry.fault = 'drop';
    req.socket.destroy();
    return;
  }

  if (url.pathname === tokenPath) {
    send(res, await issueToken(state, req));
    return;
  }
  if (matched === undefined) {
    // Decision: like Django's CommonMiddleware (APPEND_SLASH), a path that only lacks its trailing slash
    // is answered 301 to the slashed path, for every method and before authentication. A client that
    // follows it turns a POST into a GET, so clients must write the slash (apsync's does).
    if (!url.pathname.endsWith('/') && matchRoute(`${url.pathname}/`) !== undefined) {
      state.stats.redirects += 1;
      send(res, { status: 301, headers: { location: `${url.pathname}/${url.search}` } });
      return;
    }
    send(res, notFound);
    return;
  }
  const refused = authenticate(state, req);
  if (refused !== undefined) {
    send(res, refused);
    return;
  }
  const handler = matched.route.methods[method === 'HEAD' ? 'GET' : method];
  if (handler === undefined) {
    const allowed = [...Object.keys(matched.route.methods), 'OPTIONS'];
    if (allowed.includes('GET')) allowed.push('HEAD');
    send(res, {
      status: 405,
      body: { detail: `Method "${method}" not allowed.` },
      headers: { allow: allowed.join(', ') },
    });
    return;
  }
  const ctx: Context = { state, req, url, params: matched.params, body: () => parseBody(req) };
  const answer = await handler(ctx);
  if (loseConnection(state, method, url.pathname, 'after')) {
    entry.fault = 'drop';
    req.socket.destroy();
    return;
  }
  send(res, answer);
}
