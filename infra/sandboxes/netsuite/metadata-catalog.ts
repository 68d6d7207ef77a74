// The record API's metadata service for the sandbox's record types: `GET /services/rest/record/v1/
// metadata-catalog/{type}` answers the record's JSON schema (`Accept: application/schema+json`, the
// default here) or an OpenAPI 3.0 document (`Accept: application/swagger+json`, the shape of the NetSuite
// record API OpenAPI export). The account's custom fields are in it with their types: `custbody_`/
// `cseg_` on the record, `custcol_`/`cseg_` on the `vendorBill-expenseElement` line schema, each titled
// with its label and marked `x-ns-custom-field: true` (the marker is UNCONFIRMED: the export apsync has
// had its custom fields removed). Mandatory-ness is not exposed, as in NetSuite (the export carries no
// `required` list), so a missing mandatory field shows only when a write is refused. apsync reads it to
// check a configured custom field's type at configuration time. Called by the sandbox router.
import { customFieldsAt } from './custom-fields.ts';
import { NetSuiteProblem } from './problem.ts';
import {
  type FieldSpec,
  isRecordType,
  isRestType,
  type RecordType,
  recordSpecs,
  recordTypes,
} from './record-types.ts';
import { recordApiPath } from './render.ts';
import type { CustomFieldDefinition, RecordStore } from './store.ts';

export const METADATA_PATH = `${recordApiPath}/metadata-catalog`;

type Schema = Record<string, unknown>;
type Ref = (name: string) => Schema;

const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });

function fieldSchema(type: RecordType, name: string, spec: FieldSpec, ref: Ref): Schema {
  switch (spec.kind) {
    case 'text':
      return nullable({ type: 'string' });
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
    case 'money':
      return nullable({ type: 'number', format: 'double' });
    case 'date':
      return nullable({ type: 'string', format: 'date' });
    case 'datetime':
      return nullable({ type: 'string', format: 'date-time' });
    case 'ref':
    case 'looseRef':
      return ref('nsResource');
    case 'enum':
      return {
        type: 'object',
        properties: { id: { type: 'string', enum: Object.keys(spec.values) }, refName: { type: 'string' } },
      };
    case 'multiref':
      return ref(`${type}-${name}Collection`);
    case 'sublist':
      return ref(`${type}-${name}Collection`);
    case 'address':
      return ref(`${type}-${name}`);
  }
}

function customFieldSchema(definition: CustomFieldDefinition, fieldId: string, ref: Ref): Schema {
  const title = definition.label ?? fieldId;
  const marker = { 'x-ns-custom-field': true };
  switch (definition.kind) {
    case 'text':
      return { title, type: 'string', nullable: true, ...marker };
    case 'boolean':
      return { title, type: 'boolean', ...marker };
    case 'integer':
      return { title, type: 'integer', format: 'int64', nullable: true, ...marker };
    case 'number':
    case 'currency':
      return { title, type: 'number', format: 'double', nullable: true, ...marker };
    case 'date':
      return { title, type: 'string', format: 'date', nullable: true, ...marker };
    case 'select':
      return { title, ...ref('nsResource'), ...marker };
  }
}

function recordSchema(store: RecordStore, type: RecordType, ref: Ref): Schema {
  const properties: Record<string, Schema> = { id: nullable({ type: 'string' }) };
  for (const [name, spec] of Object.entries(recordSpecs[type].fields)) {
    properties[name] = fieldSchema(type, name, spec, ref);
  }
  for (const [fieldId, definition] of customFieldsAt(store, type, 'body')) {
    properties[fieldId] = customFieldSchema(definition, fieldId, ref);
  }
  return { type: 'object', properties };
}

function lineSchemas(store: RecordStore, type: RecordType, ref: Ref): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const [name, spec] of Object.entries(recordSpecs[type].fields)) {
    if (spec.kind !== 'sublist') continue;
    const properties: Record<string, Schema> = {};
    for (const [field, lineSpec] of Object.entries(spec.line)) {
      properties[field] = fieldSchema(type, field, lineSpec, ref);
    }
    for (const [fieldId, definition] of customFieldsAt(store, type, 'line')) {
      properties[fieldId] = customFieldSchema(definition, fieldId, ref);
    }
    out[`${type}-${name}Element`] = { type: 'object', properties };
    out[`${type}-${name}Collection`] = {
      type: 'object',
      properties: {
        items: { type: 'array', items: ref(`${type}-${name}Element`) },
        totalResults: { type: 'integer', format: 'int64' },
      },
    };
  }
  return out;
}

const nsResource: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    refName: { type: 'string' },
    externalId: { type: 'string' },
    links: { type: 'array', items: { type: 'object' } },
  },
};

function restType(segment: string | undefined): RecordType {
  const type = recordTypes.find((candidate) => candidate.toLowerCase() === (segment ?? '').toLowerCase());
  if (type === undefined || !isRecordType(type) || !isRestType(type)) {
    throw new NetSuiteProblem(
      404,
      'INVALID_RECORD_TYPE',
      `Record type '${segment ?? ''}' does not exist or is not available in this sandbox.`,
    );
  }
  return type;
}

/**
 * `GET metadata-catalog` (the record types) or `GET metadata-catalog/{type}`: the answer body and its
 * content type.
 */
export function metadataCatalog(
  store: RecordStore,
  baseUrl: string,
  typeSegment: string | undefined,
  accept: string | undefined,
): { body: Record<string, unknown>; contentType: string } {
  if (typeSegment === undefined) {
    const items = recordTypes.filter(isRestType).map((type) => ({
      name: type,
      links: [
        { rel: 'canonical', href: `${baseUrl}${METADATA_PATH}/${type}`, mediaType: 'application/json' },
      ],
    }));
    return { body: { items }, contentType: 'application/json' };
  }
  const type = restType(typeSegment);
  if ((accept ?? '').toLowerCase().includes('application/swagger+json')) {
    const ref: Ref = (name) => ({ $ref: `#/components/schemas/${name}` });
    return {
      contentType: 'application/swagger+json',
      body: {
        openapi: '3.0.1',
        info: { title: 'NetSuite REST Record API', version: 'v1' },
        paths: {},
        components: {
          schemas: { [type]: recordSchema(store, type, ref), ...lineSchemas(store, type, ref), nsResource },
        },
      },
    };
  }
  const ref: Ref = (name) => ({ $ref: `${baseUrl}${METADATA_PATH}/${name}` });
  return {
    contentType: 'application/schema+json',
    body: { $schema: 'http://json-schema.org/draft-06/schema#', ...recordSchema(store, type, ref) },
  };
}
