// Hand-kept contract facts for the NetSuite endpoints and record types that Oracle's record API export
// (facts/netsuite-record-api.json) does not describe: vendorPayment (apsync's payment push target),
// department, subsidiary, classification, location and vendorSubsidiaryRelationship records,
// sub-resources, SuiteQL, the OAuth 2.0 token endpoint, governanceLimits and the metadata catalog. This
// file is the repository's record of those facts; each operation's `source` (and the comments citing
// netsuite.md) names where it was taken from: a section of the project's NetSuite notes (netsuite.md,
// kept outside this repository, collected from Oracle's NetSuite Help Center) or of the Help Center
// itself. Same shape as the extracted facts; read by the contract checker (test/support/contracts/).
// Keep it in step with those sources by hand: no script writes it.
import type { ContractFacts, JsonSchema, OperationFacts, ParameterFacts } from '../openapi-facts.ts';

/** The record API's media types (netsuite.md "Records" and "Errors"; the export uses the same ones). */
export const SINGULAR = 'application/vnd.oracle.resource+json; type=singular';
export const COLLECTION = 'application/vnd.oracle.resource+json; type=collection';
export const ERROR = 'application/vnd.oracle.resource+json; type=error';

const root = '/services/rest/record/v1';
const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
const error = { default: { content: { [ERROR]: ref('nsError') } } };
const noContent = { content: {} };

/**
 * An internal id (digits) or `eid:<externalId>` (netsuite.md "Records": eid works wherever an id does).
 * External ids are letters, digits, `_` and `-`, unique across a record group (all transactions share one
 * space, all entities another) and case-insensitive: prefix them by type (`procurify-bill-<uuid>`).
 */
const recordId: JsonSchema = { type: 'string', pattern: '^(-?[0-9]+|eid:[A-Za-z0-9_-]+)$' };
const boolean: JsonSchema = { type: 'string', enum: ['true', 'false'] };
const integer: JsonSchema = { type: 'string', pattern: '^[0-9]+$' };

/** Query parameters of record writes: `replace` lists sublists whose lines the body replaces. */
const writeQuery = { replace: { schema: { type: 'string' } } };

/** The six record operations for a type without an export schema; `schema` is the record's body. */
function recordOperations(type: string, schema: string, source: string): Record<string, OperationFacts> {
  const byId = { path: { id: { required: true as const, schema: recordId } } };
  const write = { required: true as const, content: { [SINGULAR]: ref(schema) } };
  return {
    [`GET ${root}/${type}`]: {
      source: `${source}; netsuite.md "Records" (GET /{type}?q=...&limit&offset: ids and links only)`,
      parameters: {
        query: {
          q: { schema: { type: 'string' } },
          limit: { schema: integer },
          offset: { schema: integer },
        },
      },
      responses: { '200': { content: { [COLLECTION]: ref('nsResourceCollection') } }, ...error },
    },
    [`POST ${root}/${type}`]: {
      source: `${source}; netsuite.md "Records" (POST: 204, empty body, Location)`,
      parameters: { query: writeQuery },
      request: write,
      responses: { '204': noContent, ...error },
    },
    [`GET ${root}/${type}/{id}`]: {
      source: `${source}; netsuite.md "Records" (GET one: 200 singular; expandSubResources, fields)`,
      parameters: {
        ...byId,
        query: { expandSubResources: { schema: boolean }, fields: { schema: { type: 'string' } } },
      },
      responses: { '200': { content: { [SINGULAR]: ref(schema) } }, ...error },
    },
    [`PUT ${root}/${type}/{id}`]: {
      source: `${source}; netsuite.md "Records" (PUT /{type}/eid:{externalId}: upsert, 204)`,
      parameters: {
        path: { id: { required: true, schema: { type: 'string', pattern: '^eid:[A-Za-z0-9_-]+$' } } },
        query: writeQuery,
      },
      request: write,
      responses: { '204': noContent, ...error },
    },
    [`PATCH ${root}/${type}/{id}`]: {
      source: `${source}; netsuite.md "Records" (PATCH: 204)`,
      parameters: { ...byId, query: writeQuery },
      request: write,
      responses: { '204': noContent, ...error },
    },
    [`DELETE ${root}/${type}/{id}`]: {
      source: `${source}; netsuite.md "Records" (DELETE: 204)`,
      parameters: byId,
      responses: { '204': noContent, ...error },
    },
  };
}

/**
 * SuiteQL facts apsync's reads rely on, hand-kept from the project NetSuite reference (netsuite.md
 * "SuiteQL") like the rest of this file, for code comments to cite: limits, and the columns of the tables
 * apsync reads (values come back as strings, null columns left out, booleans 'T'/'F'; `status` of
 * `transaction` is one letter, V for a voided payment, and `voided` is 'T' then). Not read by the checker.
 */
export const suiteQlReference = {
  source: 'netsuite.md "SuiteQL"',
  maxRowsPerPage: 1000,
  maxRowsPerQuery: 100_000,
  maxInListValues: 1000,
  columns: {
    transaction: [
      'id',
      'type',
      'tranid',
      'trandate',
      'duedate',
      'entity',
      'currency',
      'exchangerate',
      'externalid',
      'lastmodifieddate',
      'createddate',
      'memo',
      'approvalstatus',
      'voided',
      'recordtype',
      'foreigntotal',
      'foreignamountpaid',
      'foreignamountunpaid',
      'status',
    ],
    transactionline: [
      'transaction',
      'id',
      'mainline',
      'subsidiary',
      'department',
      'class',
      'location',
      'entity',
      'netamount',
      'foreignamount',
      'expenseaccount',
      'memo',
    ],
    nexttransactionlinelink: ['previousdoc', 'nextdoc', 'linktype', 'foreignamount'],
    vendor: [
      'id',
      'entityid',
      'companyname',
      'altname',
      'email',
      'phone',
      'isinactive',
      'isperson',
      'currency',
      'subsidiary',
      'terms',
      'category',
      'externalid',
      'lastmodifieddate',
      'datecreated',
    ],
    vendorsubsidiaryrelationship: ['entity', 'subsidiary', 'isprimarysub'],
    account: [
      'id',
      'acctnumber',
      'accttype',
      'isinactive',
      'fullname',
      'parent',
      'currency',
      'subsidiary',
      'issummary',
    ],
    department: ['id', 'name', 'fullname', 'isinactive', 'parent', 'subsidiary'],
  },
  functions: ['TO_DATE', 'TO_TIMESTAMP', 'TO_CHAR', 'BUILTIN.DF'],
} as const;

const reference: JsonSchema = ref('nsResource');
const links: JsonSchema = { type: 'array', items: ref('nsLink') };
const date: JsonSchema = { type: 'string', format: 'date' };
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
/** An object schema: its properties, and which of them a body must carry. */
const object = (properties: Record<string, JsonSchema>, required?: string[]): JsonSchema => ({
  type: 'object',
  properties,
  ...(required === undefined ? {} : { required }),
});
/** A field NetSuite sets and a write may not (`readOnly` in the record API export). */
const readOnly = (schema: JsonSchema): JsonSchema => ({ ...schema, readOnly: true });

/** A collection as the record API pages it (its links, the page's items, the paging counts). */
const collectionOf = (items: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: {
    links: readOnly(links),
    items: { type: 'array', items },
    totalResults: readOnly({ type: 'integer' }),
    count: readOnly({ type: 'integer' }),
    hasMore: readOnly({ type: 'boolean' }),
    offset: readOnly({ type: 'integer' }),
  },
});

/** The path of a record's sublist: `/{type}/{id}/{sublist}` (sublist names are field ids). */
const sublistPath: Record<string, ParameterFacts> = {
  type: { required: true, schema: { type: 'string' } },
  id: { required: true, schema: recordId },
  sublist: { required: true, schema: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' } },
};

export const netsuiteReferenceFacts: ContractFacts = {
  $comment:
    'Hand-kept from the project NetSuite reference (netsuite.md) for what the record API export lacks.',
  document: {
    file: 'netsuite.md',
    title: 'NetSuite REST facts for apsync (from the NetSuite Help Center)',
    version: '',
    openapi: '',
    sha256: '',
  },
  pathPrefix: '',
  operations: {
    ...recordOperations('vendorPayment', 'vendorPayment', 'netsuite.md "vendorPayment (the push target)"'),
    ...recordOperations('department', 'record', 'netsuite.md "Records" (types used here)'),
    ...recordOperations('subsidiary', 'record', 'netsuite.md "Records" (types used here)'),
    // Classification and location records are referenced by bill lines (netsuite.md "vendorBill":
    // `class`, `location`); the reference lists no fields of their own.
    ...recordOperations('classification', 'record', 'netsuite.md "vendorBill" (expense line class)'),
    ...recordOperations('location', 'record', 'netsuite.md "vendorBill" (expense line location)'),
    // A vendor shared with another subsidiary (OneWorld): NetSuite Help Center "Vendor Subsidiary
    // Relationship" (REST record vendorSubsidiaryRelationship; fields entity, subsidiary, creditLimit, ...).
    ...recordOperations(
      'vendorSubsidiaryRelationship',
      'record',
      'NetSuite Help Center "Vendor Subsidiary Relationship" (REST record vendorSubsidiaryRelationship)',
    ),
    // Custom record types (custom segment values are `customrecord_cseg_<id>` records) are served like
    // any record type under their script id (NetSuite Help Center); their fields are the account's own.
    ...recordOperations(
      'customrecord_{customRecord}',
      'record',
      'custom records: served under their script id',
    ),
    [`GET ${root}/{type}/{id}/{sublist}`]: {
      source: 'netsuite.md "Records" (sublists come back as links unless expandSubResources=true)',
      parameters: {
        path: sublistPath,
        query: { expandSubResources: { schema: boolean } },
      },
      responses: {
        '200': { content: { [COLLECTION]: ref('sublistCollection'), [SINGULAR]: ref('record') } },
        ...error,
      },
    },
    [`GET ${root}/{type}/{id}/{sublist}/{line}`]: {
      source: 'netsuite.md "Records" (sublist lines are resources of their own)',
      parameters: {
        path: { ...sublistPath, line: { required: true, schema: integer } },
      },
      responses: { '200': { content: { [SINGULAR]: ref('record') } }, ...error },
    },
    'POST /services/rest/query/v1/suiteql': {
      source:
        'netsuite.md "SuiteQL" (Prefer: transient required; body {q, params}; pages of at most 1000 rows; ' +
        'the reference names no media types: JSON in, and the record API collection type out)',
      parameters: {
        query: { limit: { schema: integer }, offset: { schema: integer } },
        header: { prefer: { required: true, schema: { type: 'string', pattern: 'transient' } } },
      },
      request: { required: true, content: { 'application/json': ref('suiteqlRequest') } },
      responses: { '200': { content: { [COLLECTION]: ref('suiteqlPage') } }, ...error },
    },
    'POST /services/rest/auth/oauth2/v1/token': {
      source: 'netsuite.md "Authentication: OAuth 2.0 client credentials"',
      request: {
        required: true,
        content: { 'application/x-www-form-urlencoded': ref('tokenRequest') },
      },
      responses: {
        '200': { content: { 'application/json': ref('tokenResponse') } },
        '400': { content: { 'application/json': ref('tokenError') } },
        '401': { content: { 'application/json': ref('tokenError') } },
      },
    },
    // The metadata catalog (Oracle help "Working with Resource Metadata"; neither netsuite.md nor the export
    // has it): the record types, and one type's schema as JSON Schema or OpenAPI 3.0 by the Accept header.
    [`GET ${root}/metadata-catalog`]: {
      source:
        'NetSuite Help Center "Getting Metadata" (GET metadata-catalog: items of {name, links[rel, href, mediaType]}) ' +
        'and "Working with OpenAPI 3.0 Metadata" (Accept: application/swagger+json, ?select=<type>,<type>)',
      parameters: { query: { select: { schema: { type: 'string' } } } },
      responses: {
        '200': {
          content: {
            'application/json': ref('metadataCatalog'),
            'application/swagger+json': ref('metadataOpenApi'),
          },
        },
        ...error,
      },
    },
    [`GET ${root}/metadata-catalog/{type}`]: {
      source:
        'NetSuite Help Center "Working with JSON Schema Metadata" (Accept: application/schema+json) and ' +
        '"Working with OpenAPI 3.0 Metadata" (Accept: application/swagger+json)',
      parameters: {
        path: { type: { required: true, schema: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' } } },
      },
      responses: {
        '200': {
          content: {
            'application/schema+json': ref('metadataJsonSchema'),
            'application/swagger+json': ref('metadataOpenApi'),
          },
        },
        ...error,
      },
    },
    'GET /services/rest/system/v1/governanceLimits': {
      source: 'netsuite.md "Concurrency governance"',
      responses: { '200': { content: { 'application/json': ref('governanceLimits') } }, ...error },
    },
  },
  $defs: {
    // As in the record API export (facts/netsuite-record-api.json).
    nsLink: object({ rel: readOnly({ type: 'string' }), href: readOnly({ type: 'string' }) }),
    nsResource: object({
      id: { type: 'string' },
      refName: { type: 'string' },
      externalId: { type: 'string' },
      links: readOnly(links),
    }),
    nsResourceCollection: collectionOf(ref('nsResource')),
    nsError: object({
      type: readOnly({ type: 'string' }),
      title: readOnly({ type: 'string' }),
      status: readOnly({ type: 'integer' }),
      'o:errorDetails': {
        type: 'array',
        readOnly: true,
        items: object({
          detail: readOnly({ type: 'string' }),
          'o:errorPath': readOnly({ type: 'string' }),
          'o:errorUrl': readOnly({ type: 'string' }),
          'o:errorHeader': readOnly({ type: 'string' }),
          'o:errorQueryParam': readOnly({ type: 'string' }),
          'o:errorCode': readOnly({ type: 'string' }),
        }),
      },
    }),
    /** A record whose fields the reference does not list: an object with an id and links. */
    record: {
      type: 'object',
      properties: { links: readOnly(links), id: readOnly({ type: 'string' }) },
      // No field list to hold requests to.
      additionalProperties: true,
    },
    sublistCollection: collectionOf(ref('record')),
    // netsuite.md "vendorPayment (the push target)": header fields, `apply.items[]`, `credit.items[]`;
    // there is no `payment` field; `total`, `unapplied`, `balance` are read-only amounts.
    vendorPayment: object({
      links: readOnly(links),
      id: readOnly({ type: 'string' }),
      refName: readOnly({ type: 'string' }),
      entity: reference,
      account: reference,
      apAcct: reference,
      subsidiary: reference,
      currency: reference,
      exchangeRate: { type: 'number' },
      tranDate: date,
      tranId: { type: 'string' },
      externalId: { type: 'string' },
      memo: { type: 'string' },
      department: reference,
      class: reference,
      location: reference,
      postingPeriod: reference,
      approvalStatus: reference,
      status: {
        type: 'object',
        readOnly: true,
        properties: {
          id: { type: 'string', enum: ['A', 'B', 'C', 'D', 'E', 'F', 'V', 'Z'] },
          refName: { type: 'string' },
        },
      },
      toBePrinted: { type: 'boolean' },
      total: readOnly({ type: 'number' }),
      unapplied: readOnly({ type: 'number' }),
      balance: readOnly({ type: 'number' }),
      createdDate: readOnly(dateTime),
      lastModifiedDate: readOnly(dateTime),
      apply: ref('vendorPayment-applyCollection'),
      credit: ref('vendorPayment-applyCollection'),
    }),
    'vendorPayment-applyCollection': collectionOf(ref('vendorPayment-applyElement')),
    'vendorPayment-applyElement': object({
      links: readOnly(links),
      doc: reference,
      apply: { type: 'boolean' },
      amount: { type: 'number' },
      line: { type: 'integer' },
      due: readOnly({ type: 'number' }),
      total: readOnly({ type: 'number' }),
      applyDate: readOnly(date),
      refNum: readOnly({ type: 'string' }),
      type: readOnly({ type: 'string' }),
      currency: readOnly({ type: 'string' }),
    }),
    // netsuite.md "SuiteQL".
    suiteqlRequest: object({ q: { type: 'string', minLength: 1 }, params: { type: 'array' } }, ['q']),
    suiteqlPage: object(
      {
        links: links,
        count: { type: 'integer' },
        hasMore: { type: 'boolean' },
        offset: { type: 'integer' },
        totalResults: { type: 'integer' },
        items: {
          type: 'array',
          // Values come back as strings; null columns are left out of the row.
          items: { type: 'object', properties: { links }, additionalProperties: { type: 'string' } },
        },
      },
      ['links', 'count', 'hasMore', 'offset', 'totalResults', 'items'],
    ),
    // netsuite.md "Authentication: OAuth 2.0 client credentials".
    tokenRequest: object(
      {
        grant_type: { type: 'string', enum: ['client_credentials'] },
        client_assertion_type: {
          type: 'string',
          enum: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
        },
        client_assertion: { type: 'string', minLength: 1 },
      },
      ['grant_type', 'client_assertion_type', 'client_assertion'],
    ),
    tokenResponse: object(
      {
        access_token: { type: 'string', minLength: 1 },
        expires_in: { type: 'integer' },
        token_type: { type: 'string' },
      },
      ['access_token', 'expires_in', 'token_type'],
    ),
    tokenError: object(
      {
        error: {
          type: 'string',
          enum: [
            'invalid_request',
            'invalid_client',
            'invalid_grant',
            'unsupported_grant_type',
            'invalid_scope',
          ],
        },
        error_description: { type: 'string' },
      },
      ['error'],
    ),
    // NetSuite Help Center "Getting Metadata": the record types, each with links to its metadata.
    metadataCatalog: object(
      {
        items: {
          type: 'array',
          items: object(
            {
              name: { type: 'string', minLength: 1 },
              links: {
                type: 'array',
                items: object(
                  {
                    rel: { type: 'string' },
                    href: { type: 'string' },
                    mediaType: { type: 'string' },
                  },
                  ['rel', 'href'],
                ),
              },
            },
            ['name', 'links'],
          ),
        },
      },
      ['items'],
    ),
    // "Working with JSON Schema Metadata": a draft-06 (hyper-)schema of the record: its fields (custom ones
    // too, `x-ns-custom-field: true`), sublists and subrecords; the fields themselves are the account's.
    metadataJsonSchema: {
      type: 'object',
      properties: {
        $schema: { type: 'string', pattern: '^https?://json-schema\\.org/draft-06/(hyper-)?schema#$' },
        type: { type: 'string', enum: ['object'] },
        properties: { type: 'object', additionalProperties: { type: 'object' } },
      },
      required: ['type', 'properties'],
      // Oracle's example is shortened: a schema may carry other keywords (title, links, ...).
      additionalProperties: true,
    },
    // "Working with OpenAPI 3.0 Metadata": an OpenAPI 3.0 document (the shape of the record API export).
    metadataOpenApi: {
      type: 'object',
      properties: {
        openapi: { type: 'string', pattern: '^3\\.0\\.' },
        info: { type: 'object' },
        paths: { type: 'object' },
        components: {
          type: 'object',
          properties: { schemas: { type: 'object', additionalProperties: { type: 'object' } } },
          additionalProperties: true,
        },
      },
      required: ['openapi', 'info', 'paths'],
      // Any other part of an OpenAPI 3.0 document (servers, tags, ...) may come too.
      additionalProperties: true,
    },
    // netsuite.md "Concurrency governance".
    governanceLimits: object(
      {
        accountConcurrencyLimit: { type: 'integer' },
        accountUnallocatedConcurrencyLimit: { type: 'integer' },
        integrationConcurrencyLimit: { type: 'integer' },
        integrationLimitType: { type: 'string' },
      },
      [
        'accountConcurrencyLimit',
        'accountUnallocatedConcurrencyLimit',
        'integrationConcurrencyLimit',
        'integrationLimitType',
      ],
    ),
  },
};
