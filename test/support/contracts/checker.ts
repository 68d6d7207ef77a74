// The contract checker: validates one HTTP exchange with a sandbox against the vendor contract facts
// kept in infra/contracts/facts/ — the operation exists (path template and method), path, query and
// required header parameters fit, the request and response content types are documented, the bodies fit
// their schemas (requests: no unknown or read-only fields; answers: no unknown fields where a schema lists
// its fields), and the status is documented.
// Returns the violations found. Used by the test setup (setup.ts) for every exchange of the integration
// and end-to-end tests, and by its own unit test. Schemas are compiled once per process, on first use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { apsyncRestletFacts } from '../../../infra/contracts/facts/apsync-restlet.ts';
import { netsuiteReferenceFacts } from '../../../infra/contracts/facts/netsuite-reference.ts';
import { procurifyReferenceFacts } from '../../../infra/contracts/facts/procurify-reference.ts';
import type { ContractFacts, JsonSchema, OperationFacts } from '../../../infra/contracts/openapi-facts.ts';

export type Vendor = 'procurify' | 'netsuite';

/** One request to a sandbox and its answer, as the sandbox's HTTP layer saw them. */
export interface Exchange {
  vendor: Vendor;
  method: string;
  /** Path without the query, as sent (percent-encoded). */
  path: string;
  /** The query string without `?` ('' when none). */
  query: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  /** The request body as text; undefined when the sandbox never read one. */
  requestBody?: string | undefined;
  /** 0 when no answer was sent (connection dropped or left hanging by a fault). */
  status: number;
  responseHeaders: Record<string, string | string[] | number | undefined>;
  responseBody?: string | undefined;
}

export type ViolationKind = 'operation' | 'parameter' | 'content-type' | 'body' | 'status';

export interface Violation {
  vendor: Vendor;
  /** The operation (`METHOD template`), or `METHOD path` when none matched. */
  operation: string;
  direction: 'request' | 'response';
  kind: ViolationKind;
  /** Where in the body or which parameter (a JSON pointer for bodies). */
  at: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `enum`, ...), for body and parameter findings. */
  keyword?: string;
  message: string;
  /** The answer's status (0: none). */
  status: number;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface OperationEntry {
  key: string;
  method: string;
  pattern: RegExp;
  names: string[];
  /** Literal segments: a more literal template wins over a generic one. */
  literals: number;
  facts: OperationFacts;
  document: string;
}

interface MediaType {
  essence: string;
  parameters: Map<string, string>;
}

function parseMediaType(value: string): MediaType {
  const [essence = '', ...parts] = value.split(';');
  const parameters = new Map<string, string>();
  for (const part of parts) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim().toLowerCase();
    const raw = part.slice(at + 1).trim();
    parameters.set(name, raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
  }
  return { essence: essence.trim().toLowerCase(), parameters };
}

/** Whether `actual` is the documented media type: same type, and every documented parameter equal. */
export function mediaTypeMatches(documented: string, actual: string): boolean {
  const want = parseMediaType(documented);
  const got = parseMediaType(actual);
  if (want.essence !== got.essence) return false;
  for (const [name, value] of want.parameters) {
    if (got.parameters.get(name)?.toLowerCase() !== value.toLowerCase()) return false;
  }
  // Only a charset may come on top of the documented parameters.
  for (const name of got.parameters.keys())
    if (!want.parameters.has(name) && name !== 'charset') return false;
  return true;
}

const isJsonMediaType = (type: string) => {
  const essence = parseMediaType(type).essence;
  return essence === 'application/json' || essence.endsWith('+json');
};

function mapSchema(schema: unknown, visit: (node: JsonSchema) => JsonSchema): unknown {
  if (Array.isArray(schema)) return schema.map((entry) => mapSchema(entry, visit));
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    // Property names and enum values are data, not schemas: copy them as they are.
    if (key === 'enum' || key === 'required') copy[key] = value;
    else if (key === 'properties' && typeof value === 'object' && value !== null)
      copy[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, mapSchema(sub, visit)]),
      );
    else copy[key] = mapSchema(value, visit);
  }
  return visit(copy);
}

/**
 * A schema as a request body must meet it: read-only properties may not be sent, and no property the
 * schema does not name (`additionalProperties: false` wherever properties are listed).
 */
function requestVariant(schema: unknown): unknown {
  return mapSchema(schema, (node) => {
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    if (properties === undefined) return node;
    const kept = Object.fromEntries(Object.entries(properties).filter(([, sub]) => sub.readOnly !== true));
    const required = Array.isArray(node.required)
      ? (node.required as string[]).filter((name) => properties[name]?.readOnly !== true)
      : undefined;
    return {
      ...node,
      properties: kept,
      ...(required === undefined ? {} : { required }),
      additionalProperties: node.additionalProperties ?? false,
    };
  });
}

/**
 * A schema as an answer must meet it: no property the schema does not name, where it lists properties and
 * says nothing of others (facts that know a list is partial say `additionalProperties: true`). A sandbox
 * that answers a field the vendor does not describe would let code pass that a real account breaks.
 */
function responseVariant(schema: unknown): unknown {
  return mapSchema(schema, (node) =>
    node.properties !== undefined && node.additionalProperties === undefined
      ? { ...node, additionalProperties: false }
      : node,
  );
}

/** `#/$defs/X` → `<id>#/$defs/X`, so an operation's inline schema can use its document's definitions. */
function absoluteRefs(schema: unknown, id: string): unknown {
  return mapSchema(schema, (node) =>
    typeof node.$ref === 'string' && node.$ref.startsWith('#/')
      ? { ...node, $ref: `${id}${node.$ref}` }
      : node,
  );
}

function pointer(error: ErrorObject): string {
  const extra =
    error.keyword === 'additionalProperties'
      ? `/${String((error.params as { additionalProperty: string }).additionalProperty)}`
      : error.keyword === 'required'
        ? `/${String((error.params as { missingProperty: string }).missingProperty)}`
        : '';
  return `${error.instancePath}${extra}` || '/';
}

function describe(error: ErrorObject, direction: Violation['direction'] = 'request'): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return direction === 'request'
        ? 'is not a field of the documented schema (unknown or read-only)'
        : 'is not a field of the documented schema';
    case 'required':
      return 'is required by the documented schema and missing';
    case 'enum':
      return `must be one of ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues).slice(0, 200)}`;
    default:
      return error.message ?? error.keyword;
  }
}

/**
 * The most telling errors: ajv reports every branch of a failed `anyOf`; keep the errors of the deepest
 * paths and drop the summary ones (`anyOf`, `oneOf`, and `if` for the failed `then`/`else`).
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const leaves = errors.filter((error) => !['anyOf', 'oneOf', 'if'].includes(error.keyword));
  const chosen = leaves.length > 0 ? leaves : errors;
  const seen = new Set<string>();
  return chosen.filter((error) => {
    const key = `${pointer(error)} ${describe(error)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Add = (
  direction: Violation['direction'],
  kind: ViolationKind,
  at: string,
  message: string,
  keyword?: string,
) => void;

export interface CheckerStats {
  exchanges: number;
  requestBodies: number;
  responseBodies: number;
  compiledSchemas: number;
  checkMs: number;
}

export class ContractChecker {
  private readonly ajv: Ajv2020;
  private readonly parameterAjv: Ajv2020;
  private readonly operations: Record<Vendor, OperationEntry[]>;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly documents = new Map<string, ContractFacts>();
  readonly stats: CheckerStats = {
    exchanges: 0,
    requestBodies: 0,
    responseBodies: 0,
    compiledSchemas: 0,
    checkMs: 0,
  };

  constructor(facts: Record<Vendor, ContractFacts[]> = defaultFacts()) {
    // The facts are checked against the meta-schema by the unit tests, not by every test process.
    this.ajv = new Ajv2020({ allErrors: true, strict: false, logger: false, validateSchema: false });
    addFormats(this.ajv);
    this.parameterAjv = new Ajv2020({ allErrors: true, strict: false, logger: false, coerceTypes: true });
    addFormats(this.parameterAjv);
    this.operations = { procurify: [], netsuite: [] };
    for (const vendor of Object.keys(facts) as Vendor[]) {
      for (const document of facts[vendor]) {
        const name = `${vendor}:${document.document.file}`;
        this.documents.set(name, document);
        this.ajv.addSchema({ $id: `${name}/response`, $defs: responseVariant(document.$defs) });
        this.ajv.addSchema({ $id: `${name}/request`, $defs: requestVariant(document.$defs) });
        for (const [key, operation] of Object.entries(document.operations)) {
          const [method = '', template = ''] = key.split(' ');
          const names: string[] = [];
          // `{name}` stands for a whole segment or a part of one (`customrecord_{id}`).
          const source = template
            .split('/')
            .map((segment) =>
              segment
                .split(/(\{[^}]+\})/)
                .map((part) => {
                  const parameter = /^\{([^}]+)\}$/.exec(part);
                  if (parameter === null) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
                  names.push(parameter[1]!);
                  return '([^/]+)';
                })
                .join(''),
            )
            .join('/');
          this.operations[vendor].push({
            key,
            method,
            pattern: new RegExp(`^${source}$`),
            names,
            // Literal segments count 1, partly literal ones ½: the most literal template wins.
            literals: template
              .split('/')
              .filter((segment) => segment !== '')
              .reduce(
                (sum, segment) => sum + (!segment.includes('{') ? 1 : segment.startsWith('{') ? 0 : 0.5),
                0,
              ),
            facts: operation,
            document: name,
          });
        }
      }
      this.operations[vendor].sort((a, b) => b.literals - a.literals);
    }
  }

  /** The operation `METHOD template` a request is for, if the facts have it. */
  operationOf(vendor: Vendor, method: string, path: string): string | undefined {
    return this.find(vendor, method, path).entry?.key;
  }

  private find(vendor: Vendor, method: string, path: string) {
    let pathKnown = false;
    for (const entry of this.operations[vendor]) {
      const match = entry.pattern.exec(path);
      if (match === null) continue;
      pathKnown = true;
      if (entry.method !== method) continue;
      const values = Object.fromEntries(entry.names.map((name, index) => [name, match[index + 1]!]));
      return { entry, values, pathKnown };
    }
    return { entry: undefined, values: {}, pathKnown };
  }

  private validator(key: string, build: () => { ajv: Ajv2020; schema: unknown }): ValidateFunction {
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      const { ajv, schema } = build();
      validate = ajv.compile(schema as object);
      this.compiled.set(key, validate);
      this.stats.compiledSchemas++;
    }
    return validate;
  }

  check(exchange: Exchange): Violation[] {
    const started = performance.now();
    try {
      return this.checkExchange(exchange);
    } finally {
      this.stats.exchanges++;
      this.stats.checkMs += performance.now() - started;
    }
  }

  private checkExchange(exchange: Exchange): Violation[] {
    const method = exchange.method.toUpperCase();
    const { entry, values, pathKnown } = this.find(exchange.vendor, method, exchange.path);
    const violations: Violation[] = [];
    const base = { vendor: exchange.vendor, status: exchange.status };
    if (entry === undefined) {
      violations.push({
        ...base,
        operation: `${method} ${exchange.path}`,
        direction: 'request',
        kind: 'operation',
        at: exchange.path,
        message: pathKnown
          ? `the vendor documents no ${method} on this path`
          : 'the vendor documents no operation at this path',
      });
      return violations;
    }
    const add: Add = (direction, kind, at, message, keyword) =>
      violations.push({
        ...base,
        operation: entry.key,
        direction,
        kind,
        at,
        ...(keyword === undefined ? {} : { keyword }),
        message,
      });

    this.checkParameters(entry, values, exchange, add);
    this.checkRequestBody(entry, exchange, add);
    if (exchange.status !== 0) this.checkResponse(entry, exchange, add);
    return violations;
  }

  private checkParameters(
    entry: OperationEntry,
    pathValues: Record<string, string>,
    exchange: Exchange,
    add: Add,
  ): void {
    const declared = entry.facts.parameters ?? {};
    const query = new URLSearchParams(exchange.query);
    const queryValues: Record<string, string | string[]> = {};
    for (const name of new Set(query.keys())) {
      const all = query.getAll(name);
      // An array parameter comes repeated (form style, explode) or as one comma-separated value
      // (Procurify's payment `status` says so in its prose): both are read as the list.
      queryValues[name] =
        declared.query?.[name]?.schema.type === 'array'
          ? all.flatMap((value) => value.split(','))
          : (all[all.length - 1] ?? '');
    }
    const headerValues: Record<string, string> = {};
    for (const [name, value] of Object.entries(exchange.requestHeaders)) {
      if (value !== undefined)
        headerValues[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const safeDecode = (value: string | string[]) => (Array.isArray(value) ? value : decodeSegment(value));
    const groups = [
      // Path parameters come from the matched template: only their values are checked.
      { where: 'path', values: pathValues, strict: false },
      { where: 'query', values: queryValues, strict: true },
      // Only the declared headers are looked at (every request carries many others).
      { where: 'header', values: headerValues, strict: false },
    ] as const;
    for (const { where, values, strict } of groups) {
      const parameters = declared[where] ?? {};
      if (Object.keys(parameters).length === 0 && (!strict || Object.keys(values).length === 0)) continue;
      const decoded =
        where === 'path'
          ? Object.fromEntries(
              Object.entries(values as Record<string, string>).map(([name, value]) => [
                name,
                safeDecode(value),
              ]),
            )
          : { ...values };
      const validate = this.validator(`${entry.key} ${where}`, () => ({
        ajv: this.parameterAjv,
        schema: {
          type: 'object',
          properties: Object.fromEntries(
            Object.entries(parameters).map(([name, parameter]) => [
              where === 'header' ? name.toLowerCase() : name,
              absoluteRefs(parameter.schema, `${entry.document}/request`),
            ]),
          ),
          required: Object.entries(parameters)
            .filter(([, parameter]) => parameter.required === true)
            .map(([name]) => (where === 'header' ? name.toLowerCase() : name)),
          additionalProperties: !strict,
        },
      }));
      if (validate(decoded)) continue;
      for (const error of relevantErrors(validate.errors ?? [])) {
        const name = pointer(error).replace(/^\//, '').split('/')[0] ?? '';
        add(
          'request',
          'parameter',
          `${where} ${name}`,
          error.keyword === 'additionalProperties'
            ? `${where} parameter ${name} is not documented for this operation`
            : `${where} parameter ${name} ${describe(error)}`,
          error.keyword,
        );
      }
    }
  }

  private checkRequestBody(entry: OperationEntry, exchange: Exchange, add: Add): void {
    const documented = entry.facts.request;
    const body = exchange.requestBody;
    const hasBody = body !== undefined && body !== '';
    if (documented === undefined) {
      if (hasBody) add('request', 'body', '/', 'the operation takes no request body, but one was sent');
      return;
    }
    if (!hasBody) {
      // An unread body (the sandbox answered before reading it) is not known to be missing.
      if (documented.required === true && body !== undefined)
        add('request', 'body', '/', 'the operation requires a request body');
      return;
    }
    const contentType = headerValue(exchange.requestHeaders, 'content-type');
    const mediaType = Object.keys(documented.content).find(
      (type) => type !== '' && contentType !== undefined && mediaTypeMatches(type, contentType),
    );
    if (mediaType === undefined) {
      add(
        'request',
        'content-type',
        'content-type',
        `request content type ${JSON.stringify(contentType ?? null)} is not one of the documented ${JSON.stringify(
          Object.keys(documented.content).filter(Boolean),
        )}`,
      );
      return;
    }
    const value = parseBody(mediaType, body);
    if (value === undefined) {
      add('request', 'body', '/', `the request body is not valid ${mediaType}`);
      return;
    }
    if (!value.checkable) return;
    this.stats.requestBodies++;
    const validate = this.validator(`${entry.key} request ${mediaType}`, () => ({
      ajv: this.ajv,
      schema: absoluteRefs(requestVariant(documented.content[mediaType]), `${entry.document}/request`),
    }));
    if (!validate(value.parsed)) {
      for (const error of relevantErrors(validate.errors ?? []))
        add(
          'request',
          'body',
          pointer(error),
          `request body ${pointer(error)} ${describe(error)}`,
          error.keyword,
        );
    }
  }

  private checkResponse(entry: OperationEntry, exchange: Exchange, add: Add): void {
    const status = exchange.status;
    const responses = entry.facts.responses;
    const documented = responses[String(status)] ?? responses.default;
    if (documented === undefined) {
      // Errors the vendor does not describe (Procurify documents no error bodies; 429 and 5xx are
      // faults any operation may answer) are not checked; an undocumented success is a violation.
      if (status >= 200 && status < 400)
        add(
          'response',
          'status',
          String(status),
          `status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`,
        );
      return;
    }
    const body = exchange.responseBody ?? '';
    // A 204 has no content (RFC 9110 §15.3.5), whatever the description lists for it (NetSuite's export
    // gives its transforms' 204 a body schema).
    const types = status === 204 ? [] : Object.keys(documented.content).filter(Boolean);
    if (types.length === 0) {
      if (body !== '') add('response', 'body', '/', `status ${status} documents no body, but one was sent`);
      return;
    }
    const contentType = headerValue(exchange.responseHeaders, 'content-type');
    const mediaType = types.find((type) => contentType !== undefined && mediaTypeMatches(type, contentType));
    if (mediaType === undefined) {
      add(
        'response',
        'content-type',
        'content-type',
        `response content type ${JSON.stringify(contentType ?? null)} is not one of the documented ${JSON.stringify(types)}`,
      );
      return;
    }
    const value = parseBody(mediaType, body);
    if (value === undefined) {
      add('response', 'body', '/', `the response body is not valid ${mediaType}`);
      return;
    }
    if (!value.checkable) return;
    this.stats.responseBodies++;
    const validate = this.validator(`${entry.key} response ${status} ${mediaType}`, () => ({
      ajv: this.ajv,
      schema: absoluteRefs(responseVariant(documented.content[mediaType]), `${entry.document}/response`),
    }));
    if (!validate(value.parsed)) {
      for (const error of relevantErrors(validate.errors ?? []))
        add(
          'response',
          'body',
          pointer(error),
          `response body ${pointer(error)} ${describe(error, 'response')}`,
          error.keyword,
        );
    }
  }
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function headerValue(headers: Record<string, string | string[] | number | undefined>, name: string) {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}

/**
 * The body as a value to validate; undefined when it does not parse. Media types apsync never uses
 * (CSV, XML, multipart) are documented but not parsed: `checkable` is false.
 */
function parseBody(mediaType: string, body: string): { parsed: unknown; checkable: boolean } | undefined {
  if (isJsonMediaType(mediaType)) {
    try {
      return { parsed: JSON.parse(body) as unknown, checkable: true };
    } catch {
      return undefined;
    }
  }
  if (parseMediaType(mediaType).essence === 'application/x-www-form-urlencoded') {
    return { parsed: Object.fromEntries(new URLSearchParams(body)), checkable: true };
  }
  return { parsed: undefined, checkable: false };
}

const factsFolder = join(import.meta.dirname, '../../../infra/contracts/facts');
const readFacts = (file: string) =>
  JSON.parse(readFileSync(join(factsFolder, file), 'utf8')) as ContractFacts;

/** The committed facts: Procurify's, and NetSuite's export plus the hand-kept reference facts. */
export function defaultFacts(): Record<Vendor, ContractFacts[]> {
  return {
    procurify: [readFacts('procurify.json'), procurifyReferenceFacts],
    netsuite: [readFacts('netsuite-record-api.json'), netsuiteReferenceFacts, apsyncRestletFacts],
  };
}
