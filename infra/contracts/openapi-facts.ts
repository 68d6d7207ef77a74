// Reduces a vendor's OpenAPI 3.0 document to the contract facts apsync keeps in the repository: for the
// operations it uses, the path, method, parameters, request and response content types and schemas —
// field names, types, enums, nullability, required lists, lengths and patterns; no prose. Schemas become
// self-contained JSON Schema (draft 2020-12): `$ref`s point into the facts' own `$defs` (only the
// components reachable from the kept operations), `nullable` becomes a `null` type. Used by extract.ts
// (which writes facts/*.json) and by the test that checks the committed facts against the vendors' files.
import { createHash } from 'node:crypto';

export type JsonSchema = { [key: string]: unknown };

export interface ParameterFacts {
  required?: true;
  schema: JsonSchema;
}

export interface OperationFacts {
  operationId?: string;
  /** Where a hand-kept operation's facts come from (a section of the vendor's documentation). */
  source?: string;
  parameters?: {
    path?: Record<string, ParameterFacts>;
    query?: Record<string, ParameterFacts>;
    header?: Record<string, ParameterFacts>;
  };
  /** Content type → schema of the body. */
  request?: { required?: true; content: Record<string, JsonSchema> };
  /** Status (or `default`) → content type → schema; an empty `content` documents no body. */
  responses: Record<string, { content: Record<string, JsonSchema> }>;
}

export interface ContractFacts {
  $comment: string;
  document: { file: string; title: string; version: string; openapi: string; sha256: string };
  /** Prefix of every path (the part of the server URL below the host). */
  pathPrefix: string;
  /** `METHOD path` → facts. */
  operations: Record<string, OperationFacts>;
  $defs: Record<string, JsonSchema>;
}

interface OpenApiDocument {
  openapi: string;
  info: { title?: string; version?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

/** Formats a JSON Schema validator can check (ajv-formats); OpenAPI's int32/double/decimal/... are dropped. */
const checkedFormats = new Set(['date', 'date-time', 'email', 'uuid', 'uri']);

/** Keywords kept verbatim (besides the structural ones handled below). */
const keptKeywords = [
  'type',
  'enum',
  'required',
  'readOnly',
  'writeOnly',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
] as const;

const refPrefix = '#/components/schemas/';
const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class SchemaReducer {
  readonly defs: Record<string, JsonSchema> = {};
  private readonly components: Record<string, unknown>;
  private readonly pending: string[] = [];

  constructor(components: Record<string, unknown>) {
    this.components = components;
  }

  /** The reduced form of an OpenAPI schema, its component references queued for `$defs`. */
  reduce(schema: unknown): JsonSchema {
    if (!isObject(schema)) return {};
    if (typeof schema.$ref === 'string') return { $ref: this.reference(schema.$ref) };
    const out: JsonSchema = {};
    for (const keyword of keptKeywords) if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
    // OpenAPI 3.0's boolean exclusiveMinimum/Maximum qualify minimum/maximum; JSON Schema's are numbers.
    for (const [exclusive, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof schema[exclusive] !== 'boolean') continue;
      delete out[exclusive];
      if (schema[exclusive] === true && typeof schema[bound] === 'number') {
        out[exclusive] = schema[bound];
        delete out[bound];
      }
    }
    if (typeof schema.format === 'string' && checkedFormats.has(schema.format)) out.format = schema.format;
    if (isObject(schema.properties)) {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([name, value]) => [name, this.reduce(value)]),
      );
    }
    if (schema.items !== undefined) out.items = this.reduce(schema.items);
    if (typeof schema.additionalProperties === 'boolean')
      out.additionalProperties = schema.additionalProperties;
    else if (isObject(schema.additionalProperties))
      out.additionalProperties = this.reduce(schema.additionalProperties);
    for (const combiner of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = schema[combiner];
      if (Array.isArray(list)) out[combiner] = list.map((entry) => this.reduce(entry));
    }
    return schema.nullable === true ? nullable(out) : out;
  }

  private reference(ref: string): string {
    if (!ref.startsWith(refPrefix)) throw new Error(`unsupported $ref ${ref}`);
    const name = ref.slice(refPrefix.length);
    if (this.components[name] === undefined) throw new Error(`$ref to a missing schema ${ref}`);
    if (this.defs[name] === undefined && !this.pending.includes(name)) this.pending.push(name);
    return `#/$defs/${name}`;
  }

  /** Reduces every queued component (and those they reach). */
  drain(): void {
    for (let name = this.pending.shift(); name !== undefined; name = this.pending.shift()) {
      this.defs[name] = {};
      this.defs[name] = this.reduce(this.components[name]);
    }
  }
}

/** OpenAPI 3.0 `nullable: true` as JSON Schema: `null` joins the type (and the enum). */
function nullable(schema: JsonSchema): JsonSchema {
  const { type, enum: values, ...rest } = schema;
  const composite = rest.allOf !== undefined || rest.anyOf !== undefined || rest.oneOf !== undefined;
  if (composite || type === undefined) {
    // `allOf: [{$ref}]` + nullable (a nullable reference): null or the referenced schema.
    const inner = {
      ...rest,
      ...(type === undefined ? {} : { type }),
      ...(values === undefined ? {} : { enum: values }),
    };
    return { anyOf: [{ type: 'null' }, inner] };
  }
  return {
    ...rest,
    type: Array.isArray(type) ? [...new Set([...type, 'null'])] : [type, 'null'],
    ...(Array.isArray(values) ? { enum: values.includes(null) ? values : [...values, null] } : {}),
  };
}

function parameterFacts(
  reducer: SchemaReducer,
  parameters: unknown[],
  path: string,
): OperationFacts['parameters'] | undefined {
  const out: NonNullable<OperationFacts['parameters']> = {};
  for (const parameter of parameters) {
    if (!isObject(parameter) || typeof parameter.name !== 'string') continue;
    const where = parameter.in;
    if (where !== 'path' && where !== 'query' && where !== 'header') continue;
    // A path parameter the path does not name cannot be sent (Procurify's vendor list declares one).
    if (where === 'path' && !path.includes(`{${parameter.name}}`)) continue;
    const group = out[where] ?? {};
    out[where] = group;
    group[parameter.name] = {
      ...(parameter.required === true ? { required: true as const } : {}),
      schema: reducer.reduce(parameter.schema),
    };
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function contentFacts(reducer: SchemaReducer, content: unknown): Record<string, JsonSchema> {
  if (!isObject(content)) return {};
  return Object.fromEntries(
    Object.entries(content).map(([type, media]) => [
      type,
      reducer.reduce(isObject(media) ? media.schema : undefined),
    ]),
  );
}

/**
 * The facts of `operations` (`METHOD path`, path as the document writes it) from `document`.
 * Throws when an operation is missing: the list and the document must agree.
 */
export function extractFacts(input: {
  document: OpenApiDocument;
  file: string;
  sha256: string;
  operations: readonly string[];
  pathPrefix?: string;
  comment: string;
}): ContractFacts {
  const { document } = input;
  const reducer = new SchemaReducer(document.components?.schemas ?? {});
  const operations: Record<string, OperationFacts> = {};
  for (const key of input.operations) {
    const [method = '', path = ''] = key.split(' ');
    const item = document.paths[path];
    const operation = item?.[method.toLowerCase()];
    if (!isObject(operation) || !httpMethods.includes(method.toLowerCase()))
      throw new Error(`${input.file} has no operation ${key}`);
    const shared = Array.isArray(item?.parameters) ? (item.parameters as unknown[]) : [];
    const own = Array.isArray(operation.parameters) ? (operation.parameters as unknown[]) : [];
    const parameters = parameterFacts(reducer, [...shared, ...own], path);
    const body = isObject(operation.requestBody) ? operation.requestBody : undefined;
    const responses: OperationFacts['responses'] = {};
    for (const [status, response] of Object.entries(
      isObject(operation.responses) ? operation.responses : {},
    )) {
      responses[status] = {
        content: contentFacts(reducer, isObject(response) ? response.content : undefined),
      };
    }
    operations[`${method.toUpperCase()} ${input.pathPrefix ?? ''}${path}`] = {
      ...(typeof operation.operationId === 'string' ? { operationId: operation.operationId } : {}),
      ...(parameters === undefined ? {} : { parameters }),
      ...(body === undefined
        ? {}
        : {
            request: {
              ...(body.required === true ? { required: true as const } : {}),
              content: contentFacts(reducer, body.content),
            },
          }),
      responses,
    };
  }
  reducer.drain();
  const $defs = Object.fromEntries(
    Object.entries(reducer.defs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return {
    $comment: input.comment,
    document: {
      file: input.file,
      title: document.info.title ?? '',
      version: document.info.version ?? '',
      openapi: document.openapi,
      sha256: input.sha256,
    },
    pathPrefix: input.pathPrefix ?? '',
    operations,
    $defs,
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
