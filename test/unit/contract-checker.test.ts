// The contract checker on hand-made exchanges: what it finds (unknown operation, parameter, content type,
// missing or unknown field, wrong type or enum, undocumented status, a body on a 204) and what the
// policy lets through (known spec defects, requests refused on purpose).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  ContractChecker,
  defaultFacts,
  type Exchange,
  mediaTypeMatches,
} from '../support/contracts/checker.ts';
import {
  clearRefusals,
  isRefusedOnPurpose,
  KnownDefects,
  refusedOnPurpose,
} from '../support/contracts/policy.ts';

const checker = new ContractChecker();
const singular = 'application/vnd.oracle.resource+json; type=singular';

function exchange(partial: Partial<Exchange> & Pick<Exchange, 'vendor' | 'method' | 'path'>): Exchange {
  return {
    query: '',
    requestHeaders: {},
    status: 200,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: '',
    ...partial,
  };
}

const json = (body: unknown) => JSON.stringify(body);
const vendor = { id: 7, name: 'Acme', type: 4, email: [], overall_score: null, payment_term_ref: null };

describe('contract checker', () => {
  it('works from facts that are valid JSON Schema (draft 2020-12)', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const document of Object.values(defaultFacts()).flat()) {
      const schemas = [
        { $defs: document.$defs },
        ...Object.values(document.operations).flatMap((operation) => [
          ...Object.values(operation.request?.content ?? {}),
          ...Object.values(operation.responses).flatMap((response) => Object.values(response.content)),
        ]),
      ];
      for (const schema of schemas) expect(ajv.validateSchema(schema), document.document.file).toBe(true);
    }
  });

  it('passes a PATCH of a Procurify vendor that fits the spec', () => {
    const found = checker.check(
      exchange({
        vendor: 'procurify',
        method: 'PATCH',
        path: '/api/v3/vendors/7/',
        requestHeaders: { 'content-type': 'application/json' },
        requestBody: json({ name: 'Acme', active: false, email: ['ap@acme.example'] }),
        responseBody: json({ metadata: {}, data: vendor }),
      }),
    );
    expect(found).toEqual([]);
  });

  it('finds a missing required field and an unknown one in a request', () => {
    const found = checker.check(
      exchange({
        vendor: 'procurify',
        method: 'POST',
        path: '/api/v3/vendors/',
        requestHeaders: { 'content-type': 'application/json' },
        requestBody: json({ name: 'Acme', email: [], type: 4, rating: 5 }),
        status: 201,
        responseBody: json({ metadata: {}, data: vendor }),
      }),
    );
    expect(found.map((v) => [v.direction, v.kind, v.keyword, v.at])).toEqual([
      ['request', 'body', 'required', '/overall_score'],
      ['request', 'body', 'additionalProperties', '/rating'],
    ]);
  });

  it('finds an account code written with active, which neither request schema has', () => {
    const found = checker.check(
      exchange({
        vendor: 'procurify',
        method: 'PUT',
        path: '/api/v3/account-codes/12/',
        requestHeaders: { 'content-type': 'application/json' },
        requestBody: json({ code: '6100', description: 'Office', active: false }),
        responseBody: json({ data: { id: 12, code: '6100', description: 'Office', active: true } }),
      }),
    );
    expect(found).toMatchObject([
      { kind: 'body', at: '/active', operation: 'PUT /api/v3/account-codes/{id}/' },
    ]);
  });

  it('finds response fields of the wrong type and a missing nested field', () => {
    const found = checker.check(
      exchange({
        vendor: 'procurify',
        method: 'GET',
        path: '/api/v3/vendors/7/',
        responseBody: json({ data: { ...vendor, vendor_request: null, type: 'regular' } }),
      }),
    );
    expect([...new Set(found.map((v) => v.at))].sort()).toEqual(['/data/type', '/data/vendor_request']);
  });

  it('finds a field in an answer that the vendor does not describe, and only where its schema lists fields', () => {
    const found = checker.check(
      exchange({
        vendor: 'procurify',
        method: 'GET',
        path: '/api/v3/vendors/7/',
        responseBody: json({ data: { ...vendor, nickname: 'A' }, metadata: {}, debug: true }),
      }),
    );
    expect(found.map((v) => [v.direction, v.keyword, v.at, v.message])).toEqual([
      [
        'response',
        'additionalProperties',
        '/debug',
        'response body /debug is not a field of the documented schema',
      ],
      [
        'response',
        'additionalProperties',
        '/data/nickname',
        'response body /data/nickname is not a field of the documented schema',
      ],
    ]);
    // A SuiteQL row has no field list of its own: any column comes back.
    const rows = checker.check(
      exchange({
        vendor: 'netsuite',
        method: 'POST',
        path: '/services/rest/query/v1/suiteql',
        requestHeaders: { 'content-type': 'application/json', prefer: 'transient' },
        requestBody: json({ q: 'SELECT id, companyname FROM vendor' }),
        responseHeaders: { 'content-type': 'application/vnd.oracle.resource+json; type=collection' },
        responseBody: json({
          links: [],
          count: 1,
          hasMore: false,
          offset: 0,
          totalResults: 1,
          items: [{ links: [], id: '5', companyname: 'Acme' }],
        }),
      }),
    );
    expect(rows).toEqual([]);
  });

  it('finds an undocumented operation, method and query parameter', () => {
    const at = (e: Partial<Exchange> & Pick<Exchange, 'vendor' | 'method' | 'path'>) =>
      checker.check(exchange(e)).map((v) => `${v.kind}: ${v.message}`);
    expect(at({ vendor: 'procurify', method: 'GET', path: '/api/v3/nothing/' })).toEqual([
      'operation: the vendor documents no operation at this path',
    ]);
    expect(at({ vendor: 'procurify', method: 'DELETE', path: '/api/v3/vendors/7/', status: 405 })).toEqual([
      'operation: the vendor documents no DELETE on this path',
    ]);
    expect(
      at({
        vendor: 'procurify',
        method: 'GET',
        path: '/api/v3/ap/bills/',
        query: 'status=2',
        responseBody: json({ metadata: { pagination: {} }, data: [] }),
      }),
    ).toContain('parameter: query parameter status is not documented for this operation');
  });

  it('reads an array query parameter as a comma-separated list and checks each value', () => {
    const found = checker.check(
      exchange({
        vendor: 'procurify',
        method: 'GET',
        path: '/api/public/v1/payments/',
        query: 'status=paid,lost',
        status: 400,
        responseBody: json({ status: ['bad'] }),
      }),
    );
    expect(found).toMatchObject([{ kind: 'parameter', at: 'query status', keyword: 'enum' }]);
  });

  it('wants NetSuite record bodies as the record media type, and no body on a 204', () => {
    const upsert = {
      vendor: 'netsuite' as const,
      method: 'PUT',
      path: '/services/rest/record/v1/vendorBill/eid:procurify-bill-1',
      requestBody: json({ memo: 'x', entity: { id: '5' } }),
      status: 204,
      responseHeaders: {},
    };
    expect(
      checker.check(exchange({ ...upsert, requestHeaders: { 'content-type': 'application/json' } })),
    ).toMatchObject([{ kind: 'content-type', direction: 'request' }]);
    const found = checker.check(
      exchange({ ...upsert, requestHeaders: { 'content-type': singular }, responseBody: 'x' }),
    );
    // The entity's overlapping oneOf is a known defect of the export (known-spec-defects.json).
    expect(found.filter((v) => v.keyword !== 'oneOf')).toMatchObject([
      { direction: 'response', kind: 'body', message: 'status 204 documents no body, but one was sent' },
    ]);
  });

  it('checks hand-kept vendorPayment facts: no `payment` field, amounts as numbers', () => {
    const found = checker.check(
      exchange({
        vendor: 'netsuite',
        method: 'PUT',
        path: '/services/rest/record/v1/vendorPayment/eid:procurify-pay-1',
        requestHeaders: { 'content-type': singular },
        requestBody: json({
          entity: { id: '5' },
          payment: 120.5,
          apply: { items: [{ doc: { id: '9' }, apply: true, amount: '120.50' }] },
        }),
        status: 204,
        responseHeaders: {},
      }),
    );
    expect(found.map((v) => [v.keyword, v.at])).toEqual([
      ['additionalProperties', '/payment'],
      ['type', '/apply/items/0/amount'],
    ]);
  });

  it("checks apsync's attachment RESTlet: both actions, closed answers, no GET", () => {
    const restlet = (
      request: unknown,
      answer: unknown,
      query = 'script=customscript_apsync_attach&deploy=1',
    ) =>
      checker
        .check(
          exchange({
            vendor: 'netsuite',
            method: 'POST',
            path: '/app/site/hosting/restlet.nl',
            query,
            requestHeaders: { 'content-type': 'application/json' },
            requestBody: json(request),
            responseBody: json(answer),
          }),
        )
        .map((v) => [v.direction, v.keyword ?? v.kind, v.at]);
    const store = {
      apiVersion: 1,
      action: 'storeAttachment',
      record: { type: 'vendorbill', id: '4321' },
      folderId: 1234,
      file: { name: 'inv.pdf', fileType: 'PDF', contentBase64: 'JVBERi0=', sha1: 'A'.repeat(40) },
    };
    expect(restlet(store, { ok: true, fileId: '8901', created: true, attached: true })).toEqual([]);
    expect(restlet(store, { ok: false, code: 'BAD_CONTENT', message: 'x' })).toEqual([]);
    expect(
      restlet(
        { apiVersion: 1, action: 'checkFolder', folderId: '1234' },
        { ok: true, folderId: '1234', name: 'F' },
      ),
    ).toEqual([]);
    // Requests: a checkFolder with a stored file's fields, a file without its type; answers: a field the
    // script never sends, an unknown refusal code.
    expect(
      restlet(
        { apiVersion: 1, action: 'checkFolder', folderId: '1234', record: store.record },
        { ok: true, folderId: '1234', name: 'F', path: '/F' },
      ),
    ).toEqual([
      ['request', 'additionalProperties', '/record'],
      ['response', 'additionalProperties', '/path'],
    ]);
    expect(
      restlet(
        { ...store, file: { name: 'inv.pdf', contentBase64: '' } },
        { ok: false, code: 'NOPE', message: 'x' },
        'deploy=customdeploy_apsync_attach',
      ),
    ).toEqual([
      ['request', 'required', 'query script'],
      ['request', 'required', '/file/fileType'],
      ['response', 'enum', '/code'],
    ]);
    expect(
      checker
        .check(
          exchange({ vendor: 'netsuite', method: 'GET', path: '/app/site/hosting/restlet.nl', status: 405 }),
        )
        .map((v) => v.message),
    ).toEqual(['the vendor documents no GET on this path']);
  });

  it("checks the metadata catalog's answers by their media type", () => {
    const catalog = (contentType: string, body: unknown) =>
      checker
        .check(
          exchange({
            vendor: 'netsuite',
            method: 'GET',
            path: '/services/rest/record/v1/metadata-catalog/vendorBill',
            responseHeaders: { 'content-type': contentType },
            responseBody: json(body),
          }),
        )
        .map((v) => [v.kind, v.keyword, v.at]);
    const schema = {
      $schema: 'https://json-schema.org/draft-06/hyper-schema#',
      type: 'object',
      properties: {},
    };
    expect(catalog('application/schema+json', schema)).toEqual([]);
    expect(catalog('application/swagger+json', { openapi: '3.0.1', info: {}, paths: {} })).toEqual([]);
    expect(catalog('application/swagger+json', schema)).toEqual([
      ['body', 'required', '/openapi'],
      ['body', 'required', '/info'],
      ['body', 'required', '/paths'],
    ]);
    expect(catalog('application/json', schema)).toMatchObject([['content-type', undefined, 'content-type']]);
  });

  it('knows media types with parameters', () => {
    expect(mediaTypeMatches(singular, 'application/vnd.oracle.resource+json;type=singular')).toBe(true);
    expect(mediaTypeMatches(singular, 'application/vnd.oracle.resource+json; type=collection')).toBe(false);
    expect(mediaTypeMatches('application/json', 'application/json; charset=utf-8')).toBe(true);
    expect(mediaTypeMatches('application/json', 'text/plain')).toBe(false);
  });
});

describe('contract policy', () => {
  it('lets known spec defects through by operation, place and keyword only', () => {
    const defects = new KnownDefects();
    const finding = {
      vendor: 'procurify' as const,
      operation: 'GET /api/public/v1/payments/',
      direction: 'response' as const,
      kind: 'body' as const,
      at: '/data/3/status',
      status: 200,
      message: 'x',
    };
    expect(defects.covers({ ...finding, keyword: 'type' })).toBe(true);
    expect(defects.covers({ ...finding, keyword: 'enum' })).toBe(false);
    expect(defects.covers({ ...finding, at: '/data/3/amount', keyword: 'type' })).toBe(false);
  });

  it('lets requests refused on purpose through only for the answers the test expects', () => {
    const finding = {
      vendor: 'procurify' as const,
      operation: 'POST /api/v3/vendors/',
      direction: 'request' as const,
      kind: 'body' as const,
      at: '/name',
      message: 'x',
    };
    refusedOnPurpose({ vendor: 'procurify', operation: 'POST /api/v3/vendors/', reason: 'bad bodies' });
    expect(isRefusedOnPurpose({ ...finding, status: 400 })).toBe(true);
    expect(isRefusedOnPurpose({ ...finding, status: 201 })).toBe(false);
    clearRefusals();
    expect(isRefusedOnPurpose({ ...finding, status: 400 })).toBe(false);
  });
});
