// The Procurify sandbox's admin API under `/__admin/`: reset and seed, read records and the request
// log, act as a Procurify user (approve, create and edit bills — with tax, shipping, costs, custom fields
// and invoice files —, attach a file to a bill, record payments, change a payment's status), faults,
// configuration, stats. It bypasses auth and faults and is not in the request log.
// Mounted by index.ts; used by tests, the local runtime and benchmarks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { faultRulesSchema } from '../faults.ts';
import { readBody, sendJson } from '../http-server.ts';
import { addBulkBills, addBulkPayments, type DemoOptions, seedDemoCompany } from './demo-data.ts';
import {
  type AttachmentInput,
  type BillInput,
  type BillPatch,
  type CustomFieldInput,
  paymentInputSchema,
  paymentStatusInputSchema,
  seedRecordsSchema,
} from './inputs.ts';
import { type BillRecord, formatMicros } from './model.ts';
import { lostConnectionRuleSchema, type SandboxState, sandboxConfigPatchSchema } from './state.ts';
import { SandboxInputError } from './store.ts';
import {
  accountCodeView,
  attachmentView,
  billDetailView,
  currencyView,
  customFieldView,
  departmentView,
  locationView,
  paymentMethodView,
  paymentView,
  vendorView,
} from './views.ts';

/** What admin routes need beyond the state (implemented by index.ts, shared with the sandbox object). */
export interface AdminActions {
  reset(seed?: number): void;
  expireAllTokens(): void;
}

const demoOptionsSchema = z
  .object({
    seed: z.number().int().optional(),
    vendors: z.number().int().min(1).max(1000).optional(),
    vendorNames: z.array(z.string()).optional(),
    bills: z.number().int().min(0).max(10_000).optional(),
    today: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  })
  .strict();

const seedBodySchema = z
  .object({
    /** true or options: load the demo company. */
    demo: z.union([z.literal(true), demoOptionsSchema]).optional(),
    records: seedRecordsSchema.optional(),
    bulk: z
      .object({
        bills: z.number().int().min(0).max(200_000).default(0),
        payments: z.number().int().min(0).max(200_000).default(0),
        seed: z.number().int().optional(),
      })
      .optional(),
  })
  .strict();

const faultsBodySchema = z.object({ rules: faultRulesSchema, seed: z.number().int().optional() }).strict();

/**
 * The bill as the API shows it (attachment links on `baseUrl`), plus what only the sandbox knows: the
 * mark-as-paid date and the amount still owed.
 */
export function adminBillView(
  state: SandboxState,
  bill: BillRecord,
  baseUrl: string,
): Record<string, unknown> {
  return {
    ...billDetailView(state.store, bill, baseUrl),
    sandbox: { paid_date: bill.paidDate, open_amount: (state.store.openCents(bill) / 100).toFixed(2) },
  };
}

function records(
  state: SandboxState,
  kind: string,
  id: string | undefined,
  baseUrl: string,
): { status: number; body: unknown } {
  const store = state.store;
  const views: Record<string, () => Array<[string, unknown]>> = {
    currencies: () => [...store.currencies.values()].map((r) => [String(r.id), currencyView(r)]),
    'payment-terms': () => [...store.paymentTerms.values()].map((r) => [String(r.id), { ...r }]),
    locations: () => [...store.locations.values()].map((r) => [String(r.id), locationView(store, r)]),
    departments: () => [...store.departments.values()].map((r) => [String(r.id), departmentView(store, r)]),
    'account-codes': () => [...store.accountCodes.values()].map((r) => [String(r.id), accountCodeView(r)]),
    vendors: () => [...store.vendors.values()].map((r) => [String(r.id), vendorView(store, r)]),
    'custom-fields': () => [...store.customFields.values()].map((r) => [String(r.id), customFieldView(r)]),
    'payment-methods': () =>
      [...store.paymentMethods.values()].map((r) => [String(r.id), paymentMethodView(store, r)]),
    bills: () => [...store.bills.values()].map((r) => [r.uuid, adminBillView(state, r, baseUrl)]),
    payments: () =>
      [...store.payments.values()].map((r) => [
        String(r.id),
        {
          ...paymentView(store, r),
          sandbox: {
            method: r.methodId,
            vendor: store.paymentVendorId(r) ?? null,
            bills: r.applications.map((a) => ({
              uuid: a.billUuid,
              amount: (a.amountCents / 100).toFixed(2),
            })),
          },
        },
      ]),
  };
  const view = views[kind];
  if (view === undefined)
    return { status: 404, body: { error: `unknown record kind ${kind}`, kinds: Object.keys(views) } };
  const all = view();
  if (id === undefined) return { status: 200, body: all.map(([, record]) => record) };
  const found = all.find(([key]) => key === id);
  return found === undefined
    ? { status: 404, body: { error: `no ${kind} ${id}` } }
    : { status: 200, body: found[1] };
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  return JSON.parse(raw.toString('utf8'));
}

/** Runs one admin request. Admin answers are plain JSON (no Procurify envelope). */
export async function handleAdminRequest(
  state: SandboxState,
  actions: AdminActions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const parts = url.pathname
    .replace(/^\/__admin\/?/, '')
    .replace(/\/$/, '')
    .split('/')
    .filter(Boolean);
  const route = `${method} /${parts[0] ?? ''}`;
  try {
    const body = method === 'GET' || method === 'DELETE' ? {} : await jsonBody(req);
    const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
    const answer = await dispatch(state, actions, method, parts, url, body, baseUrl);
    sendJson(res, answer.status, answer.body);
  } catch (error) {
    if (error instanceof SandboxInputError) sendJson(res, error.status, { error: error.message });
    else if (error instanceof z.ZodError)
      sendJson(res, 400, { error: 'invalid input', issues: error.issues });
    else if (error instanceof SyntaxError)
      sendJson(res, 400, { error: `body is not JSON: ${error.message}` });
    else sendJson(res, 500, { error: `${route}: ${String(error)}` });
  }
}

async function dispatch(
  state: SandboxState,
  actions: AdminActions,
  method: string,
  parts: string[],
  url: URL,
  body: unknown,
  baseUrl: string,
): Promise<{ status: number; body: unknown }> {
  const store = state.store;
  const [head, second, third] = parts;
  const key = `${method} ${head ?? ''}`;
  switch (key) {
    case 'POST reset': {
      const seed = z.object({ seed: z.number().int().optional() }).parse(body).seed;
      actions.reset(seed);
      return { status: 200, body: { reset: true } };
    }
    case 'POST seed': {
      const input = seedBodySchema.parse(body);
      if (input.demo !== undefined)
        seedDemoCompany(store, input.demo === true ? {} : (input.demo as DemoOptions));
      if (input.records !== undefined) store.seed(input.records);
      const bulk = input.bulk;
      const bills = bulk === undefined ? [] : addBulkBills(store, bulk.bills, { seed: bulk.seed });
      const payments = bulk === undefined ? [] : addBulkPayments(store, bulk.payments, { seed: bulk.seed });
      return {
        status: 200,
        body: { counts: counts(state), bulk: { bills: bills.length, payments: payments.length } },
      };
    }
    case 'GET records': {
      if (second === undefined) return { status: 200, body: counts(state) };
      return records(state, second, third, baseUrl);
    }
    case 'GET requests': {
      const since = Number(url.searchParams.get('since') ?? '0');
      return { status: 200, body: state.log.filter((entry) => entry.seq >= since) };
    }
    case 'DELETE requests':
      state.log.length = 0;
      return { status: 200, body: { cleared: true } };
    case 'POST bills': {
      if (second === undefined) {
        const bill = store.createBill(body as BillInput);
        return { status: 201, body: adminBillView(state, bill, baseUrl) };
      }
      if (third === 'approve')
        return { status: 200, body: adminBillView(state, store.approveBill(second), baseUrl) };
      // An invoice file: {name, mimetype, content (base64), description?, sha1_hash?, file_url?}.
      if (third === 'attachments' && parts.length === 3) {
        const attachment = store.addBillAttachment(second, body as AttachmentInput);
        return { status: 201, body: attachmentView(attachment, baseUrl) };
      }
      break;
    }
    case 'PATCH bills': {
      if (second !== undefined)
        return {
          status: 200,
          body: adminBillView(state, store.editBill(second, body as BillPatch), baseUrl),
        };
      break;
    }
    case 'POST custom-fields': {
      if (second === undefined)
        return { status: 201, body: customFieldView(store.addCustomField(body as CustomFieldInput)) };
      break;
    }
    case 'POST payments': {
      if (second === undefined) {
        const payment = store.recordPayment(paymentInputSchema.parse(body));
        return { status: 201, body: records(state, 'payments', String(payment.id), baseUrl).body };
      }
      if (third === 'status') {
        const { status } = paymentStatusInputSchema.parse(body);
        const payment = store.setPaymentStatus(Number(second), status);
        return records(state, 'payments', String(payment.id), baseUrl);
      }
      break;
    }
    case 'PATCH account-codes': {
      // What a Procurify user does in the web app (the API cannot change `active`).
      const { active } = z.object({ active: z.boolean() }).parse(body);
      return { status: 200, body: accountCodeView(store.setAccountCodeActive(Number(second), active)) };
    }
    case 'GET faults':
      return { status: 200, body: { rules: state.faults.snapshot() } };
    case 'PUT faults': {
      const input = faultsBodySchema.parse(body);
      state.faults.replace(input.rules);
      if (input.seed !== undefined) state.faults.reseed(input.seed);
      return { status: 200, body: { rules: state.faults.snapshot() } };
    }
    case 'GET lost-connections':
      return { status: 200, body: state.lostConnections };
    case 'POST lost-connections': {
      const rule = lostConnectionRuleSchema.parse(body);
      state.lostConnections.push(rule);
      return { status: 201, body: state.lostConnections };
    }
    case 'DELETE lost-connections':
      state.lostConnections.length = 0;
      return { status: 200, body: [] };
    case 'GET config':
      return { status: 200, body: state.config };
    case 'PUT config': {
      const patch = sandboxConfigPatchSchema.parse(body);
      Object.assign(state.config, patch);
      return { status: 200, body: state.config };
    }
    case 'GET stats':
      return { status: 200, body: { ...state.stats, now: formatMicros(store.clock.nowMs() * 1000) } };
    case 'POST tokens': {
      if (second === 'expire') {
        actions.expireAllTokens();
        return { status: 200, body: { expired: true } };
      }
      break;
    }
  }
  return { status: 404, body: { error: `no admin route ${method} /__admin/${parts.join('/')}` } };
}

function counts(state: SandboxState): Record<string, number> {
  const store = state.store;
  return {
    currencies: store.currencies.size,
    paymentTerms: store.paymentTerms.size,
    locations: store.locations.size,
    departments: store.departments.size,
    accountCodes: store.accountCodes.size,
    vendors: store.vendors.size,
    customFields: store.customFields.size,
    paymentMethods: store.paymentMethods.size,
    bills: store.bills.size,
    payments: store.payments.size,
  };
}
