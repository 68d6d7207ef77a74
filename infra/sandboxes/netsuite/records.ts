// The record API (`/services/rest/record/v1/...`) of the NetSuite sandbox: GET one or a collection,
// POST create (204 + Location), PATCH, PUT eid: upsert, DELETE, sub-resources, and the bill-to-payment
// transform; `eid:<externalId>` wherever an id goes. Called by the sandbox router after auth and
// governance; writes go through writes.ts.

import { paymentFromBill } from './payments.ts';
import { NetSuiteProblem, problems } from './problem.ts';
import type { ValidationMode } from './record-input.ts';
import { parseRecordQuery, recordMatches } from './record-query.ts';
import { isRecordType, type RecordType, recordSpecs, recordTypes } from './record-types.ts';
import {
  displayLines,
  knownFieldNames,
  recordApiPath,
  recordUrl,
  renderLine,
  renderRecord,
  renderSublist,
} from './render.ts';
import type { RecordStore, StoredRecord } from './store.ts';
import { createRecord, deleteRecord, updateRecord, upsertRecord, writeContext } from './writes.ts';

export const SINGULAR = 'application/vnd.oracle.resource+json; type=singular';
export const COLLECTION = 'application/vnd.oracle.resource+json; type=collection';

export interface RecordRequest {
  store: RecordStore;
  baseUrl: string;
  method: string;
  /** Path segments after `/services/rest/record/v1/`. */
  segments: string[];
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  readJson: () => Promise<unknown>;
}

export interface RecordAnswer {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

const typeByLowerName = new Map(recordTypes.map((type) => [type.toLowerCase(), type]));

function recordType(segment: string | undefined): RecordType {
  const type = segment === undefined ? undefined : typeByLowerName.get(segment.toLowerCase());
  if (type === undefined || !isRecordType(type)) {
    throw new NetSuiteProblem(
      404,
      'INVALID_RECORD_TYPE',
      `Record type '${segment ?? ''}' does not exist or is not available in this sandbox.`,
    );
  }
  return type;
}

function header(request: RecordRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function validationMode(request: RecordRequest, name: string, fallback: ValidationMode): ValidationMode {
  const raw = header(request, name);
  if (raw === undefined || raw === '') return fallback;
  const mode = ['Error', 'Warning', 'Ignore'].find(
    (candidate) => candidate.toLowerCase() === raw.trim().toLowerCase(),
  );
  if (mode === undefined) {
    throw new NetSuiteProblem(400, 'INVALID_REQUEST', `Invalid value of header ${name}: '${raw}'.`, {
      header: name,
    });
  }
  return mode as ValidationMode;
}

/** Finds the record an id segment names: a numeric internal id or `eid:<externalId>`. */
export function findRecord(
  store: RecordStore,
  type: RecordType,
  idSegment: string,
): StoredRecord | undefined {
  const decoded = decodeURIComponent(idSegment);
  if (decoded.startsWith('eid:')) return store.findByExternalId(type, decoded.slice(4));
  if (!/^\d+$/.test(decoded)) return undefined;
  return store.get(type, decoded);
}

function existing(store: RecordStore, type: RecordType, idSegment: string): StoredRecord {
  const record = findRecord(store, type, idSegment);
  if (record === undefined) throw problems.nonexistentId(type, decodeURIComponent(idSegment));
  return record;
}

function warningHeaders(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  // Header values must stay on one line of visible ASCII.
  const text = warnings.join(' ').replace(/[^\x20-\x7e]/g, '?');
  return { 'x-netsuite-propertyvalidation': text, 'x-netsuite-warning': text };
}

function writeOptions(request: RecordRequest) {
  const replace = new Set(
    (request.query.get('replace') ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  return writeContext(request.store, 'rest', {
    nameValidation: validationMode(request, 'X-NetSuite-PropertyNameValidation', 'Warning'),
    valueValidation: validationMode(request, 'X-NetSuite-PropertyValueValidation', 'Error'),
    replace,
  });
}

/**
 * Record bodies must come as `application/vnd.oracle.resource+json; type=singular`: the only request
 * media type of every write in NetSuite's record API export (infra/contracts/facts/netsuite-record-api.json;
 * the same for every record type). Anything else is refused before the body is read, with HTTP's 415
 * (NetSuite's exact error code for it is not documented: the documented INVALID_REQUEST is used).
 */
function checkContentType(request: RecordRequest): void {
  const given = header(request, 'content-type');
  const [essence = '', ...parameters] = (given ?? '').split(';').map((part) => part.trim().toLowerCase());
  const type = parameters.find((parameter) => parameter.replace(/\s+/g, '').startsWith('type='));
  if (essence === 'application/vnd.oracle.resource+json' && type?.replace(/\s+/g, '') === 'type=singular')
    return;
  throw new NetSuiteProblem(
    415,
    'INVALID_REQUEST',
    `Unsupported content type ${given === undefined ? '(none)' : `'${given}'`}: send record bodies as '${SINGULAR}'.`,
    { header: 'Content-Type' },
  );
}

async function jsonBody(request: RecordRequest): Promise<unknown> {
  checkContentType(request);
  const body = await request.readJson();
  if (body === undefined)
    throw problems.invalidRequest('The request body is empty; a JSON object is required.');
  return body;
}

function pageParams(query: URLSearchParams): { limit: number; offset: number } {
  const read = (name: string, fallback: number) => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^\d+$/.test(raw))
      throw problems.invalidParameter(`Invalid value of query parameter ${name}: '${raw}'.`, name);
    return Number(raw);
  };
  const limit = read('limit', 1000);
  const offset = read('offset', 0);
  if (limit < 1 || limit > 1000)
    throw problems.invalidParameter(
      'Invalid value of query parameter limit: it must be between 1 and 1000.',
      'limit',
    );
  if (offset % limit !== 0)
    throw problems.invalidParameter(
      'Invalid value of query parameter offset: it must be a multiple of limit.',
      'offset',
    );
  return { limit, offset };
}

function listRecords(request: RecordRequest, type: RecordType): RecordAnswer {
  const { limit, offset } = pageParams(request.query);
  const q = request.query.get('q');
  let records = request.store.list(type);
  if (q !== null && q.trim() !== '') {
    const groups = parseRecordQuery(request.store, type, q);
    records = records.filter((record) => recordMatches(record, groups));
  }
  const page = records.slice(offset, offset + limit);
  const base = `${request.baseUrl}${recordApiPath}/${type}`;
  const extra = q !== null && q.trim() !== '' ? `&q=${encodeURIComponent(q)}` : '';
  const href = (at: number) => `${base}?limit=${limit}&offset=${at}${extra}`;
  const hasMore = offset + page.length < records.length;
  const links: Array<{ rel: string; href: string }> = [];
  if (offset > 0)
    links.push({ rel: 'previous', href: href(Math.max(0, offset - limit)) }, { rel: 'first', href: href(0) });
  if (hasMore) {
    links.push({ rel: 'next', href: href(offset + limit) });
    links.push({ rel: 'last', href: href(Math.floor((records.length - 1) / limit) * limit) });
  }
  links.push({ rel: 'self', href: href(offset) });
  return {
    status: 200,
    contentType: COLLECTION,
    body: {
      links,
      count: page.length,
      hasMore,
      items: page.map((record) => ({
        links: [{ rel: 'self', href: recordUrl(request.baseUrl, type, record.id) }],
        id: record.id,
      })),
      offset,
      totalResults: records.length,
    },
  };
}

function getRecord(request: RecordRequest, type: RecordType, record: StoredRecord): RecordAnswer {
  const fieldsParam = request.query.get('fields');
  let fields: Set<string> | undefined;
  if (fieldsParam !== null && fieldsParam.trim() !== '') {
    const known = knownFieldNames(request.store, type);
    fields = new Set(
      fieldsParam
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    );
    for (const name of fields) {
      if (!known.has(name)) {
        throw new NetSuiteProblem(
          400,
          'NONEXISTENT_FIELD',
          `Invalid field name '${name}' in the fields parameter.`,
          {
            queryParam: 'fields',
          },
        );
      }
    }
  }
  const expand = request.query.get('expandSubResources')?.toLowerCase() === 'true';
  const body = renderRecord(
    request.store,
    { baseUrl: request.baseUrl, expandSubResources: expand, ...(fields ? { fields } : {}) },
    record,
  );
  return { status: 200, contentType: SINGULAR, body };
}

function subResource(
  request: RecordRequest,
  type: RecordType,
  record: StoredRecord,
  name: string,
  line: string | undefined,
): RecordAnswer {
  const spec = recordSpecs[type].fields[name];
  if (
    spec === undefined ||
    (spec.kind !== 'sublist' && spec.kind !== 'multiref' && spec.kind !== 'address')
  ) {
    throw new NetSuiteProblem(
      404,
      'NONEXISTENT_FIELD',
      `The record type ${type} has no sub-resource '${name}'.`,
    );
  }
  const options = { baseUrl: request.baseUrl, expandSubResources: true };
  if (spec.kind !== 'sublist') {
    const rendered = renderRecord(request.store, { ...options, fields: new Set([name]) }, record)[name];
    return { status: 200, contentType: SINGULAR, body: rendered ?? { links: [] } };
  }
  if (line === undefined) {
    const expand = request.query.get('expandSubResources')?.toLowerCase() === 'true';
    return {
      status: 200,
      contentType: COLLECTION,
      body: renderSublist(request.store, { ...options, expandSubResources: expand }, record, name),
    };
  }
  const found = displayLines(request.store, record, name).find(
    (candidate) => String(candidate.line) === line,
  );
  if (found === undefined) throw problems.nonexistentId(`${type}.${name}`, line);
  return {
    status: 200,
    contentType: SINGULAR,
    body: renderLine(request.store, options, record, name, found),
  };
}

export async function handleRecordRequest(request: RecordRequest): Promise<RecordAnswer> {
  const [typeSegment, idSegment, subSegment, lineSegment, extra] = request.segments;
  const type = recordType(typeSegment);
  const { store, method } = request;
  if (extra !== undefined) throw new NetSuiteProblem(404, 'INVALID_REQUEST', 'Unknown resource path.');

  if (idSegment === undefined) {
    if (method === 'GET') return listRecords(request, type);
    if (method === 'POST') {
      const context = writeOptions(request);
      const outcome = createRecord(context, type, await jsonBody(request));
      return {
        status: 204,
        headers: {
          location: recordUrl(request.baseUrl, type, outcome.record.id),
          ...warningHeaders(outcome.warnings),
        },
      };
    }
    throw new NetSuiteProblem(
      405,
      'INVALID_REQUEST',
      `Method ${method} is not allowed on a record collection.`,
    );
  }

  if (subSegment === '!transform') {
    if (method !== 'POST') throw new NetSuiteProblem(405, 'INVALID_REQUEST', 'Transforms are POST requests.');
    const target = lineSegment === undefined ? undefined : typeByLowerName.get(lineSegment.toLowerCase());
    if (type !== 'vendorBill' || target !== 'vendorPayment') {
      throw new NetSuiteProblem(
        400,
        'INVALID_REQUEST',
        `The sandbox transforms only vendorBill to vendorPayment.`,
      );
    }
    const bill = existing(store, type, idSegment);
    if (header(request, 'content-length') !== '0' && header(request, 'content-type') !== undefined)
      checkContentType(request);
    const body = (await request.readJson()) ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw problems.invalidRequest('The request body must be a JSON object.');
    const outcome = createRecord(
      writeOptions(request),
      'vendorPayment',
      paymentFromBill(store, bill, body as Record<string, unknown>),
    );
    return {
      status: 204,
      headers: {
        location: recordUrl(request.baseUrl, 'vendorPayment', outcome.record.id),
        ...warningHeaders(outcome.warnings),
      },
    };
  }

  if (subSegment !== undefined) {
    if (method !== 'GET')
      throw new NetSuiteProblem(
        405,
        'INVALID_REQUEST',
        'Sub-resources are read with GET; change them through the record.',
      );
    return subResource(request, type, existing(store, type, idSegment), subSegment, lineSegment);
  }

  switch (method) {
    case 'GET':
      return getRecord(request, type, existing(store, type, idSegment));
    case 'PATCH': {
      const record = existing(store, type, idSegment);
      const outcome = updateRecord(writeOptions(request), record, await jsonBody(request));
      return { status: 204, headers: warningHeaders(outcome.warnings) };
    }
    case 'PUT': {
      const decoded = decodeURIComponent(idSegment);
      if (!decoded.startsWith('eid:')) {
        throw new NetSuiteProblem(
          400,
          'INVALID_REQUEST',
          `Upsert (PUT) needs an external id in the URL: ${recordApiPath}/${type}/eid:<externalId>.`,
        );
      }
      const outcome = upsertRecord(writeOptions(request), type, decoded.slice(4), await jsonBody(request));
      const headers = warningHeaders(outcome.warnings);
      if (outcome.created) headers.location = recordUrl(request.baseUrl, type, outcome.record.id);
      return { status: 204, headers };
    }
    case 'DELETE':
      deleteRecord(writeOptions(request), existing(store, type, idSegment));
      return { status: 204 };
    default:
      throw new NetSuiteProblem(405, 'INVALID_REQUEST', `Method ${method} is not allowed on a record.`);
  }
}
