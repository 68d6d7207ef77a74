// Composition of the Procurify client: one configuration, token provider and transport per client
// instance, shared by the endpoint groups (vendors, account codes, departments, bills, payments,
// invoice files), each behind the port its use cases depend on (ports.ts). Called by the composition
// roots (Lambda init, local mode, CLI) with credentials from Secrets Manager; tests pass fetch, a clock
// and instant sleeps.

import { nodeHttpExchange } from '../http/node-exchange.ts';
import { RestProcurifyAccountCodes } from './account-codes.ts';
import { RestProcurifyInvoiceFiles } from './attachments.ts';
import { type BackoffDeps, procurifyRetryHooks } from './backoff.ts';
import { RestProcurifyBills } from './bills.ts';
import { type ProcurifyClientConfig, parseProcurifyClientConfig } from './config.ts';
import { RestProcurifyDepartments } from './departments.ts';
import { source } from './errors.ts';
import { RestProcurifyPayments } from './payments.ts';
import type { ProcurifyClient } from './ports.ts';
import { type AccessTokenSource, ProcurifyTokenProvider } from './token.ts';
import { ProcurifyTransport } from './transport.ts';
import { RestProcurifyVendors } from './vendors.ts';

export interface ProcurifyClientDeps extends BackoffDeps {
  fetch?: typeof fetch;
  now?: () => number;
  /** Replaces the built-in token provider. */
  tokens?: AccessTokenSource;
}

/** Builds a Procurify client; the configuration is validated (a bad one is a BugError naming the field). */
export function createProcurifyClient(
  configInput: ProcurifyClientConfig,
  deps: ProcurifyClientDeps = {},
): ProcurifyClient {
  const config = parseProcurifyClientConfig(configInput);
  const fetchFn = deps.fetch ?? fetch;
  // Given no fetch, JSON requests (the token's too) go over node:http (shared/http/node-exchange.ts: a
  // fraction of fetch's CPU, and fetch itself never loaded for them).
  const exchange = deps.fetch === undefined ? nodeHttpExchange(source) : undefined;
  const retryHooks = () => procurifyRetryHooks(deps, config.maxRetryAfterMs);
  const tokens =
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
      {
        fetch: fetchFn,
        ...(exchange === undefined ? {} : { exchange }),
        now: deps.now,
        retryHooks: retryHooks(),
      },
    );
  const transport = new ProcurifyTransport({
    config,
    tokens,
    fetch: fetchFn,
    ...(exchange === undefined ? {} : { exchange }),
    now: deps.now ?? Date.now,
    retryHooks,
  });
  const vendors = new RestProcurifyVendors(transport);
  const accountCodes = new RestProcurifyAccountCodes(transport);
  const departments = new RestProcurifyDepartments(transport);
  const bills = new RestProcurifyBills(transport);
  const payments = new RestProcurifyPayments(transport, bills);
  const files = new RestProcurifyInvoiceFiles(transport);
  return {
    listVendors: (filter) => vendors.listVendors(filter),
    findVendorByExternalId: (externalId) => vendors.findVendorByExternalId(externalId),
    getVendor: (id) => vendors.getVendor(id),
    createVendor: (input) => vendors.createVendor(input),
    updateVendor: (id, input) => vendors.updateVendor(id, input),
    patchVendor: (id, patch) => vendors.patchVendor(id, patch),
    listAccountCodes: (filter) => accountCodes.listAccountCodes(filter),
    createAccountCode: (input) => accountCodes.createAccountCode(input),
    updateAccountCode: (id, input) => accountCodes.updateAccountCode(id, input),
    listDepartments: (filter) => departments.listDepartments(filter),
    createDepartment: (input) => departments.createDepartment(input),
    updateDepartment: (id, input) => departments.updateDepartment(id, input),
    listLocations: (filter) => departments.listLocations(filter),
    listCurrencies: () => departments.listCurrencies(),
    listBills: (filter) => bills.listBills(filter),
    scanBills: (filter) => bills.scanBills(filter),
    countBills: (filter) => bills.countBills(filter),
    getBill: (uuid) => bills.getBill(uuid),
    markBillsPaid: (uuids, paymentDate) => bills.markBillsPaid(uuids, paymentDate),
    listPayments: (filter) => payments.listPayments(filter),
    scanPayments: (filter) => payments.scanPayments(filter),
    getPaymentApplications: (payment) => payments.getPaymentApplications(payment),
    listCompanyPaymentMethods: () => payments.listCompanyPaymentMethods(),
    downloadAttachment: (attachment) => files.downloadAttachment(attachment),
  };
}
