// The record API of custom segment values: `/services/rest/record/v1/customrecord_cseg_<id>[/{id}]` —
// GET a collection (ids) or one value, POST, PATCH and DELETE — for the sandbox's `customSegmentValue`
// records of that segment, with the segment's field names (`cseg_<id>_filterby_subsidiary` for the
// subsidiaries the value is available in). Called by the sandbox router (server.ts).
import { segmentRecordType, segmentValueBodyIn, segmentValueBodyOut } from './custom-segments.ts';
import { NetSuiteProblem, problems } from './problem.ts';
import type { ValidationMode } from './record-input.ts';
import { COLLECTION, findRecord, type RecordAnswer, type RecordRequest, SINGULAR } from './records.ts';
import { recordApiPath, renderRecord } from './render.ts';
import type { StoredRecord } from './store.ts';
import { textField } from './store.ts';
import { createRecord, deleteRecord, updateRecord, writeContext } from './writes.ts';

/** A record API request for a segment's values: the record request's parts but the query, and the segment. */
export interface SegmentValueRequest extends Omit<RecordRequest, 'query' | 'segments'> {
  /** `cseg_<id>`. */
  segment: string;
  /** Path segments after `customrecord_cseg_<id>/`. */
  segments: string[];
}

function mode(request: SegmentValueRequest, name: string, fallback: ValidationMode): ValidationMode {
  const raw = request.headers[name.toLowerCase()];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  const found = (['Error', 'Warning', 'Ignore'] as const).find(
    (candidate) => candidate.toLowerCase() === value,
  );
  if (found === undefined) {
    throw new NetSuiteProblem(400, 'INVALID_REQUEST', `Invalid value of header ${name}: '${value}'.`, {
      header: name,
    });
  }
  return found;
}

function context(request: SegmentValueRequest) {
  return writeContext(request.store, 'rest', {
    nameValidation: mode(request, 'X-NetSuite-PropertyNameValidation', 'Warning'),
    valueValidation: mode(request, 'X-NetSuite-PropertyValueValidation', 'Error'),
  });
}

async function body(request: SegmentValueRequest): Promise<Record<string, unknown>> {
  const json = await request.readJson();
  if (json === undefined)
    throw problems.invalidRequest('The request body is empty; a JSON object is required.');
  return segmentValueBodyIn(request.segment, json);
}

export async function handleSegmentValueRequest(request: SegmentValueRequest): Promise<RecordAnswer> {
  const { store, segment, method } = request;
  const [idSegment, extra] = request.segments;
  const typeName = segmentRecordType(segment);
  const base = `${request.baseUrl}${recordApiPath}/${typeName}`;
  if (extra !== undefined) throw new NetSuiteProblem(404, 'INVALID_REQUEST', 'Unknown resource path.');
  const ofSegment = (record: StoredRecord | undefined) =>
    record !== undefined && textField(record.fields, 'segment') === segment ? record : undefined;

  if (idSegment === undefined) {
    if (method === 'GET') {
      const values = store
        .list('customSegmentValue')
        .filter((record) => textField(record.fields, 'segment') === segment);
      return {
        status: 200,
        contentType: COLLECTION,
        body: {
          links: [{ rel: 'self', href: base }],
          count: values.length,
          hasMore: false,
          items: values.map((record) => ({
            links: [{ rel: 'self', href: `${base}/${record.id}` }],
            id: record.id,
          })),
          offset: 0,
          totalResults: values.length,
        },
      };
    }
    if (method === 'POST') {
      const outcome = createRecord(context(request), 'customSegmentValue', await body(request));
      return { status: 204, headers: { location: `${base}/${outcome.record.id}` } };
    }
    throw new NetSuiteProblem(
      405,
      'INVALID_REQUEST',
      `Method ${method} is not allowed on a record collection.`,
    );
  }

  const record = ofSegment(findRecord(store, 'customSegmentValue', idSegment));
  if (record === undefined) throw problems.nonexistentId(typeName, decodeURIComponent(idSegment));
  switch (method) {
    case 'GET': {
      const rendered = renderRecord(store, { baseUrl: request.baseUrl, expandSubResources: true }, record);
      return {
        status: 200,
        contentType: SINGULAR,
        body: segmentValueBodyOut(segment, rendered, record, base),
      };
    }
    case 'PATCH':
      updateRecord(context(request), record, await body(request));
      return { status: 204 };
    case 'DELETE':
      deleteRecord(context(request), record);
      return { status: 204 };
    default:
      throw new NetSuiteProblem(405, 'INVALID_REQUEST', `Method ${method} is not allowed on a record.`);
  }
}
