// NetSuite record API (infra/contracts/facts/netsuite-reference.ts): read, create, upsert by external id, patch, delete and
// list records of one type. The use cases depend on the NetSuiteRecords interface; this is its REST
// implementation, built by createNetSuiteClient.
import * as z from 'zod';
import { BugError, DataError } from '../errors.ts';
import type { NetSuiteResponse, NetSuiteTransport } from './transport.ts';

const recordRoot = '/services/rest/record/v1';

/**
 * The media type of record bodies: every write operation of NetSuite's record API export takes
 * `application/vnd.oracle.resource+json; type=singular` (infra/contracts/facts/netsuite-record-api.json).
 */
export const RECORD_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=singular';

/** An internal id (`"12"`) or an external-id reference (`"eid:procurify-bill-42"`, see externalIdRef). */
export type RecordId = string;

/** A record's body as the record API returns it, before a schema gives it a shape. */
export type RecordBody = Record<string, unknown>;

export interface RecordReadOptions<T = RecordBody> {
  /** Body fields to return (NetSuite's `fields=a,b`). */
  fields?: readonly string[];
  /** Return sublists inline instead of as links. */
  expandSubResources?: boolean;
  /** The shape the answer must have (default: any JSON object). */
  schema?: z.ZodType<T>;
}

export interface RecordListOptions {
  /** NetSuite's record-collection filter, e.g. `email START_WITH "a"`. */
  q?: string;
  /** Ids per page (at most 1000). */
  pageSize?: number;
}

export interface UpsertOptions {
  /**
   * Sublists whose lines the body replaces (`?replace=expense,item`). Without it NetSuite ADDS the
   * body's lines (those without a `line` number) to the record's existing ones: re-upserting a bill
   * would double its lines.
   */
  replaceSublists?: readonly string[];
}

export interface NetSuiteRecords {
  /** The record, validated with `schema` when given; a missing one is a DataError (404 NONEXISTENT_ID). */
  get<T = RecordBody>(type: string, id: RecordId, options?: RecordReadOptions<T>): Promise<T>;
  /** Like get, but undefined when the record does not exist. */
  find<T = RecordBody>(type: string, id: RecordId, options?: RecordReadOptions<T>): Promise<T | undefined>;
  /**
   * Creates a record and returns its new internal id (from `Location`). Not idempotent: after an
   * unknown outcome it throws AmbiguousWriteError rather than risk a second record. apsync writes
   * transactions only through upsertByExternalId.
   */
  create(type: string, body: Record<string, unknown>): Promise<string>;
  /** Creates or updates the record with this external id (`PUT /{type}/eid:{externalId}`); safe to repeat. */
  upsertByExternalId(
    type: string,
    externalId: string,
    body: Record<string, unknown>,
    options?: UpsertOptions,
  ): Promise<{ id: string | undefined }>;
  patch(type: string, id: RecordId, body: Record<string, unknown>): Promise<void>;
  delete(type: string, id: RecordId): Promise<void>;
  /** Internal ids of the records of a type (the collection endpoint returns ids and links only). */
  list(type: string, options?: RecordListOptions): AsyncIterable<string>;
}

const externalIdPattern = /^[A-Za-z0-9_-]+$/;
const recordTypePattern = /^[A-Za-z][A-Za-z0-9_]*$/;
const internalIdPattern = /^-?\d+$/;

/** Throws a DataError unless `externalId` uses only letters, digits, `_` and `-` (NetSuite's charset). */
export function assertExternalId(externalId: string): void {
  if (!externalIdPattern.test(externalId)) {
    throw new DataError(
      `External id ${JSON.stringify(externalId)} is not valid for NetSuite: use only letters, digits, "_" and "-"`,
      { source: 'netsuite', code: 'INVALID_EXTERNAL_ID', path: 'externalId' },
    );
  }
}

/** The URL form of an external id: `eid:<externalId>`, usable wherever an internal id is. */
export function externalIdRef(externalId: string): RecordId {
  assertExternalId(externalId);
  return `eid:${externalId}`;
}

function recordPath(type: string, id?: RecordId): string {
  if (!recordTypePattern.test(type)) {
    throw new BugError(`${JSON.stringify(type)} is not a NetSuite record type name`, { source: 'netsuite' });
  }
  if (id === undefined) return `${recordRoot}/${type}`;
  if (id.startsWith('eid:')) {
    assertExternalId(id.slice(4));
  } else if (!internalIdPattern.test(id)) {
    throw new DataError(
      `${JSON.stringify(id)} is not a NetSuite internal id (digits) nor an eid: reference`,
      {
        source: 'netsuite',
        code: 'INVALID_ID',
        path: 'id',
      },
    );
  }
  // Both forms are validated above to URL-safe characters, so no encoding is needed.
  return `${recordRoot}/${type}/${id}`;
}

/** The new record's internal id from `Location: .../record/v1/{type}/{id}`. */
export function idFromLocation(location: string | null | undefined, type: string): string {
  const match =
    location === null || location === undefined ? null : /\/record\/v1\/([^/?#]+)\/([^/?#]+)/.exec(location);
  const id = match?.[2];
  if (match === null || id === undefined || !internalIdPattern.test(id)) {
    throw new BugError(
      `NetSuite created a ${type} but its Location header ${JSON.stringify(location ?? null)} names no record id`,
      { source: 'netsuite' },
    );
  }
  return id;
}

function parseJson(response: NetSuiteResponse, what: string): unknown {
  try {
    return JSON.parse(response.bodyText);
  } catch {
    throw new BugError(`NetSuite answered ${what} with a body that is not JSON`, {
      source: 'netsuite',
      status: response.status,
    });
  }
}

/** Validates an answer against the caller's schema; a mismatch is a bug naming the fields. */
export function validateAnswer<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  throw new BugError(
    `NetSuite ${what} did not have the expected shape: ${result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ')}`,
    { source: 'netsuite', path: first?.path.join('.') },
  );
}

const recordSchema = z.record(z.string(), z.unknown());

const collectionPageSchema = z.object({
  items: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String) }).loose()),
  hasMore: z.boolean(),
});

export class RestNetSuiteRecords implements NetSuiteRecords {
  private readonly transport: NetSuiteTransport;

  constructor(transport: NetSuiteTransport) {
    this.transport = transport;
  }

  async get<T = RecordBody>(type: string, id: RecordId, options: RecordReadOptions<T> = {}): Promise<T> {
    const response = await this.transport.send({
      method: 'GET',
      path: recordPath(type, id),
      query: {
        fields: options.fields === undefined ? undefined : options.fields.join(','),
        expandSubResources: options.expandSubResources === true ? 'true' : undefined,
      },
      idempotent: true,
    });
    const body = parseJson(response, `GET ${type}/${id}`);
    // Without a schema T is its default, RecordBody: what recordSchema checks.
    const schema = options.schema ?? (recordSchema as z.ZodType<unknown> as z.ZodType<T>);
    return validateAnswer(schema, body, `${type} ${id}`);
  }

  async find<T = RecordBody>(
    type: string,
    id: RecordId,
    options: RecordReadOptions<T> = {},
  ): Promise<T | undefined> {
    try {
      return await this.get(type, id, options);
    } catch (error) {
      if (error instanceof DataError && error.status === 404) return undefined;
      throw error;
    }
  }

  async create(type: string, body: Record<string, unknown>): Promise<string> {
    const response = await this.transport.send({
      method: 'POST',
      path: recordPath(type),
      body,
      contentType: RECORD_CONTENT_TYPE,
      idempotent: false,
    });
    return idFromLocation(response.headers.get('location'), type);
  }

  async upsertByExternalId(
    type: string,
    externalId: string,
    body: Record<string, unknown>,
    options: UpsertOptions = {},
  ): Promise<{ id: string | undefined }> {
    const replace = options.replaceSublists ?? [];
    for (const name of replace) {
      if (!recordTypePattern.test(name)) {
        throw new BugError(`${JSON.stringify(name)} is not a NetSuite sublist name`, { source: 'netsuite' });
      }
    }
    const response = await this.transport.send({
      method: 'PUT',
      path: recordPath(type, externalIdRef(externalId)),
      ...(replace.length === 0 ? {} : { query: { replace: replace.join(',') } }),
      body,
      contentType: RECORD_CONTENT_TYPE,
      idempotent: true,
    });
    const location = response.headers.get('location');
    const id = location === null ? undefined : /\/record\/v1\/[^/]+\/(\d+)(?:[?#]|$)/.exec(location)?.[1];
    return { id };
  }

  async patch(type: string, id: RecordId, body: Record<string, unknown>): Promise<void> {
    await this.transport.send({
      method: 'PATCH',
      path: recordPath(type, id),
      body,
      contentType: RECORD_CONTENT_TYPE,
      idempotent: true,
    });
  }

  async delete(type: string, id: RecordId): Promise<void> {
    await this.transport.send({
      method: 'DELETE',
      path: recordPath(type, id),
      idempotent: true,
      doneOnRetryStatuses: [404],
    });
  }

  async *list(type: string, options: RecordListOptions = {}): AsyncIterable<string> {
    const pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new BugError(`record list page size must be 1..1000, got ${pageSize}`, { source: 'netsuite' });
    }
    for (let offset = 0; ; offset += pageSize) {
      const response = await this.transport.send({
        method: 'GET',
        path: recordPath(type),
        query: { q: options.q, limit: pageSize, offset },
        idempotent: true,
      });
      const page = validateAnswer(collectionPageSchema, parseJson(response, `GET ${type}`), `${type} list`);
      for (const item of page.items) yield item.id;
      if (!page.hasMore || page.items.length === 0) return;
    }
  }
}
