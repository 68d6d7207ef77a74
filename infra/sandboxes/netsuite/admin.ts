// The NetSuite sandbox's admin API under `/__admin/`: reset and seed the account, read records, change
// them "as a NetSuite user would" (same rules, then the signed user-event notice), read the request log
// and counters, change config and faults at run time, expire tokens. Bypasses auth, governance and
// faults; never in the request log. Every invalid input is a 400 naming the field.
import type { IncomingMessage } from 'node:http';
import * as z from 'zod';
import { faultRulesSchema } from '../faults.ts';
import { BodyTooLargeError, readJsonBody, sendEmpty, sendJson } from '../http-server.ts';
import type { NetSuiteSandboxCore, SandboxRoute } from './core.ts';
import {
  SEGMENT_ID,
  segmentOfRecordType,
  segmentValueBodyIn,
  segmentValueBodyOut,
} from './custom-segments.ts';
import { attachedFiles, attachedFileView } from './file-cabinet.ts';
import { noticeEventTypes } from './notice.ts';
import { NetSuiteProblem } from './problem.ts';
import { isRecordType, type RecordType, recordTypes } from './record-types.ts';
import { findRecord } from './records.ts';
import { renderRecord } from './render.ts';
import { customFieldKinds, type StoredRecord } from './store.ts';
import { webhookSigner } from './webhook.ts';

class AdminInputError extends Error {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

const configPatchSchema = z
  .object({
    concurrencyLimit: z.number().int().min(1).max(1000).optional(),
    integrationConcurrencyLimit: z.number().int().min(1).max(1000).nullable().optional(),
    tokenLifetimeSeconds: z.number().int().min(1).max(86_400).optional(),
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        secret: z.string().min(1),
        secretFormat: z.enum(['standard', 'raw']).optional(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

const customFieldSchema = z.union([
  z.enum(customFieldKinds),
  z
    .object({
      kind: z.enum(customFieldKinds),
      label: z.string().min(1).max(200).optional(),
      mandatory: z.boolean().optional(),
      defaultValue: z.union([z.string(), z.number(), z.boolean()]).optional(),
      selectRecordType: z.enum(recordTypes).optional(),
    })
    .strict()
    .refine((field) => field.kind !== 'select' || field.selectRecordType !== undefined, {
      message: 'a select field needs selectRecordType',
      path: ['selectRecordType'],
    }),
]);

const seedSchema = z
  .object({
    customFields: z
      .record(
        z.string(),
        z.record(
          z
            .string()
            .regex(
              /^cust[a-z]*_[a-z0-9_]+$/i,
              'must be a custom field id (custentity_..., custbody_..., custcol_...)',
            ),
          customFieldSchema,
        ),
      )
      .optional(),
    customSegments: z
      .array(
        z
          .object({
            id: z.string().regex(SEGMENT_ID, 'must be a custom segment id (cseg_<id>)'),
            label: z.string().min(1).max(200),
            mandatory: z.boolean().optional(),
          })
          .strict(),
      )
      .optional(),
    records: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).optional(),
    demo: z
      .object({
        vendors: z.number().int().min(0).max(5000).optional(),
        bills: z.number().int().min(0).max(100_000).optional(),
        payments: z.number().int().min(0).max(10_000).optional(),
        seed: z.number().int().optional(),
        today: isoDate.optional(),
      })
      .strict()
      .optional(),
    bulkBills: z
      .object({
        count: z.number().int().min(1).max(1_000_000),
        vendorIds: z.array(z.string().regex(/^\d+$/)).optional(),
        seed: z.number().int().optional(),
        endDate: isoDate.optional(),
        firstModified: z.iso.datetime().optional(),
        externalIdPrefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,100}$/)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const clientSchema = z
  .object({ clientId: z.string().min(1), certificateId: z.string().min(1), publicKeyPem: z.string().min(1) })
  .strict();

const noticeSchema = z
  .object({
    recordType: z.string(),
    recordId: z.string().regex(/^\d+$/, 'must be an internal id'),
    eventType: z.enum(noticeEventTypes),
    lastModified: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

function zodMessage(error: z.ZodError): { message: string; field: string | undefined } {
  const first = error.issues[0];
  const field = first === undefined || first.path.length === 0 ? undefined : first.path.map(String).join('.');
  const message = error.issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)'}: ${issue.message}`,
    )
    .join('; ');
  return { message, field };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const { message, field } = zodMessage(result.error);
    throw new AdminInputError(message, field);
  }
  return result.data;
}

function jsonBody(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, () => new AdminInputError('The body is not valid JSON.', '(body)'));
}

/** `customrecord_cseg_<id>` names a segment's values: the sandbox's `customSegmentValue` records. */
function segmentAlias(core: NetSuiteSandboxCore, segment: string | undefined): string | undefined {
  return segment === undefined ? undefined : segmentOfRecordType(core.store, segment);
}

function adminRecordType(segment: string | undefined): RecordType {
  const match = recordTypes.find((type) => type.toLowerCase() === (segment ?? '').toLowerCase());
  if (match === undefined || !isRecordType(match)) {
    throw new AdminInputError(
      `type: unknown record type '${segment ?? ''}' (known: ${recordTypes.join(', ')})`,
      'type',
    );
  }
  return match;
}

function eventTypeParam(url: URL, allowed: readonly string[], fallback: string): string {
  const value = url.searchParams.get('eventType') ?? fallback;
  if (!allowed.includes(value))
    throw new AdminInputError(`eventType: must be one of ${allowed.join(', ')}`, 'eventType');
  return value;
}

function intParam(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max)
    throw new AdminInputError(`${name}: must be an integer from 0 to ${max}`, name);
  return Number(raw);
}

const ROUTES = [
  'POST /__admin/reset',
  'POST /__admin/seed {customFields?, customSegments?, records?, demo?, bulkBills?}',
  'GET /__admin/records/{type}?limit&offset',
  'GET /__admin/records/{type}/{id|eid:x}',
  'POST /__admin/records/{type}?eventType=create|paybills',
  'PATCH /__admin/records/{type}/{id|eid:x}?eventType=edit|xedit',
  'DELETE /__admin/records/{type}/{id|eid:x}',
  'POST /__admin/records/vendorPayment/{id|eid:x}/void',
  'GET /__admin/attachments/{type}/{id|eid:x}',
  'GET|DELETE /__admin/requests',
  'GET|PUT /__admin/config',
  'GET|PUT /__admin/faults',
  'GET|DELETE /__admin/stats',
  'POST /__admin/expire-tokens',
  'GET /__admin/credentials',
  'GET|POST /__admin/clients',
  'GET|POST /__admin/notices',
];

export const handleAdminRequest: SandboxRoute = async (core, req, res, url, method) => {
  try {
    await route(core, req, res, url, method);
  } catch (error) {
    if (error instanceof AdminInputError) {
      sendJson(res, 400, {
        error: 'invalid_request',
        message: error.message,
        ...(error.field ? { field: error.field } : {}),
      });
    } else if (error instanceof NetSuiteProblem) {
      sendJson(res, error.status, {
        error: error.code,
        message: error.message,
        ...(error.path ? { field: error.path } : {}),
        netsuite: error.body(),
      });
    } else if (error instanceof BodyTooLargeError) {
      sendJson(res, 413, { error: 'too_large', message: error.message });
    } else {
      sendJson(res, 500, {
        error: 'sandbox_failure',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
};

const route: SandboxRoute = async (core, req, res, url, method) => {
  const segments = url.pathname.split('/').filter(Boolean).slice(1);
  const [resource, typeSegment, idSegment] = segments;
  const renderOptions = { baseUrl: core.baseUrl, expandSubResources: true };
  const notAllowed = () =>
    sendJson(res, 405, {
      error: 'method_not_allowed',
      message: `${method} ${url.pathname} is not an admin route`,
      routes: ROUTES,
    });

  switch (resource) {
    case undefined:
      sendJson(res, 200, { routes: ROUTES });
      return;
    case 'reset':
      if (method !== 'POST') return notAllowed();
      core.reset();
      sendEmpty(res, 204);
      return;
    case 'seed': {
      if (method !== 'POST') return notAllowed();
      const input = parse(seedSchema, (await jsonBody(req)) ?? {});
      for (const type of Object.keys(input.records ?? {})) {
        if (!isRecordType(type))
          throw new AdminInputError(`records.${type}: unknown record type`, `records.${type}`);
      }
      for (const type of Object.keys(input.customFields ?? {})) {
        if (!isRecordType(type))
          throw new AdminInputError(`customFields.${type}: unknown record type`, `customFields.${type}`);
      }
      const result = core.seed({
        ...(input.customFields ? { customFields: input.customFields } : {}),
        ...(input.customSegments ? { customSegments: input.customSegments } : {}),
        ...(input.records ? { records: input.records } : {}),
        ...(input.demo ? { demo: input.demo } : {}),
        ...(input.bulkBills
          ? {
              bulkBills: {
                ...input.bulkBills,
                ...(input.bulkBills.firstModified
                  ? { firstModified: new Date(input.bulkBills.firstModified) }
                  : {}),
              },
            }
          : {}),
      } as Parameters<NetSuiteSandboxCore['seed']>[0]);
      sendJson(res, 200, result);
      return;
    }
    case 'records': {
      const alias = segmentAlias(core, typeSegment);
      const type = alias === undefined ? adminRecordType(typeSegment) : 'customSegmentValue';
      // A segment's values are read and written with the segment's field names.
      const input = async () => {
        const body = (await jsonBody(req)) ?? {};
        return alias === undefined ? body : segmentValueBodyIn(alias, body);
      };
      const render = (record: StoredRecord) => {
        const rendered = renderRecord(core.store, renderOptions, record);
        return alias === undefined
          ? rendered
          : segmentValueBodyOut(
              alias,
              rendered,
              record,
              `${core.baseUrl}/services/rest/record/v1/${typeSegment}`,
            );
      };
      const inAlias = (record: StoredRecord | undefined) =>
        alias === undefined || record?.fields.segment === alias ? record : undefined;
      if (idSegment === undefined) {
        if (method === 'GET') {
          const limit = intParam(url, 'limit', 1000, 100_000);
          const offset = intParam(url, 'offset', 0, 10_000_000);
          const all = core.store.list(type).filter((record) => inAlias(record) !== undefined);
          sendJson(res, 200, {
            totalResults: all.length,
            offset,
            items: all.slice(offset, offset + limit).map(render),
          });
          return;
        }
        if (method === 'POST') {
          const eventType = eventTypeParam(url, ['create', 'paybills'], 'create') as 'create' | 'paybills';
          const record = core.userCreate(type, await input(), eventType);
          sendJson(res, 201, { id: record.id, record: render(record) });
          return;
        }
        return notAllowed();
      }
      const found = inAlias(findRecord(core.store, type, idSegment));
      if (found === undefined) {
        sendJson(res, 404, {
          error: 'not_found',
          message: `No ${typeSegment} with id ${idSegment}`,
          field: 'id',
        });
        return;
      }
      if (segments[3] !== undefined) {
        // The UI's Void button of a Bill Payment (payments.ts `voidPayment`); no other record action.
        if (method !== 'POST' || segments[3] !== 'void' || type !== 'vendorPayment' || segments.length > 4) {
          return notAllowed();
        }
        const record = core.userVoidPayment(found.id);
        sendJson(res, 200, { id: record.id, record: render(record) });
        return;
      }
      if (method === 'GET') {
        sendJson(res, 200, render(found));
        return;
      }
      if (method === 'PATCH') {
        const eventType = eventTypeParam(url, ['edit', 'xedit'], 'edit') as 'edit' | 'xedit';
        const record = core.userUpdate(type, found.id, await input(), eventType);
        sendJson(res, 200, { id: record.id, record: render(record) });
        return;
      }
      if (method === 'DELETE') {
        core.userDelete(type, found.id);
        sendEmpty(res, 204);
        return;
      }
      return notAllowed();
    }
    case 'attachments': {
      if (method !== 'GET') return notAllowed();
      const type = adminRecordType(typeSegment);
      if (idSegment === undefined || findRecord(core.store, type, idSegment) === undefined) {
        sendJson(res, 404, {
          error: 'not_found',
          message: `No ${type} with id ${idSegment ?? ''}`,
          field: 'id',
        });
        return;
      }
      const id = findRecord(core.store, type, idSegment)!.id;
      sendJson(res, 200, { files: attachedFiles(core.store, type, id).map(attachedFileView) });
      return;
    }
    case 'requests':
      if (method === 'GET') return sendJson(res, 200, { requests: core.governance.entries() });
      if (method === 'DELETE') {
        core.governance.clearLog();
        return sendEmpty(res, 204);
      }
      return notAllowed();
    case 'config': {
      if (method === 'GET') return sendJson(res, 200, publicConfig(core));
      if (method !== 'PUT' && method !== 'PATCH') return notAllowed();
      const patch = parse(configPatchSchema, (await jsonBody(req)) ?? {});
      if (patch.webhook) {
        try {
          webhookSigner(patch.webhook);
        } catch (error) {
          throw new AdminInputError(
            `webhook.secret: ${error instanceof Error ? error.message : String(error)} (expected whsec_<base64>, or set secretFormat 'raw')`,
            'webhook.secret',
          );
        }
      }
      core.setConfig(patch as Parameters<NetSuiteSandboxCore['setConfig']>[0]);
      return sendJson(res, 200, publicConfig(core));
    }
    case 'faults':
      if (method === 'GET') return sendJson(res, 200, core.faults.snapshot());
      if (method === 'PUT') {
        const rules = parse(faultRulesSchema, (await jsonBody(req)) ?? {});
        core.faults.replace(rules);
        return sendJson(res, 200, core.faults.snapshot());
      }
      if (method === 'DELETE') {
        core.faults.clear();
        return sendEmpty(res, 204);
      }
      return notAllowed();
    case 'stats':
      if (method === 'GET') return sendJson(res, 200, core.stats());
      if (method === 'DELETE') {
        core.resetStats();
        return sendEmpty(res, 204);
      }
      return notAllowed();
    case 'expire-tokens':
      if (method !== 'POST') return notAllowed();
      core.tokens.expireAll();
      return sendEmpty(res, 204);
    case 'credentials':
      if (method !== 'GET') return notAllowed();
      return sendJson(res, 200, core.credentials ?? {});
    case 'clients':
      if (method === 'GET') return sendJson(res, 200, { clients: core.tokens.registeredClients() });
      if (method === 'POST') {
        const client = parse(clientSchema, await jsonBody(req));
        try {
          core.registerClient(client);
        } catch (error) {
          throw new AdminInputError(
            `publicKeyPem: not a usable public key (${error instanceof Error ? error.message : String(error)})`,
            'publicKeyPem',
          );
        }
        return sendJson(res, 201, { clientId: client.clientId, certificateId: client.certificateId });
      }
      return notAllowed();
    case 'notices': {
      if (method === 'GET') return sendJson(res, 200, { deliveries: core.notices.deliveries() });
      if (method !== 'POST') return notAllowed();
      const input = parse(noticeSchema, await jsonBody(req));
      const type = adminRecordType(input.recordType);
      if (core.notices.current() === null)
        throw new AdminInputError('webhook: no webhook is configured (PUT /__admin/config)', 'webhook');
      const delivery = await core
        .sendNotice({
          recordType: type,
          recordId: input.recordId,
          eventType: input.eventType,
          ...(input.lastModified ? { lastModified: input.lastModified } : {}),
        })
        .catch((error: unknown) => {
          throw new AdminInputError(
            `recordType: ${error instanceof Error ? error.message : String(error)}`,
            'recordType',
          );
        });
      return sendJson(res, 200, { delivery });
    }
    default:
      sendJson(res, 404, { error: 'not_found', message: `No admin route ${url.pathname}`, routes: ROUTES });
  }
};

function publicConfig(core: NetSuiteSandboxCore): Record<string, unknown> {
  const config = core.config();
  return {
    ...config,
    // The signing secret is a credential: report that one is set, never its value.
    webhook:
      config.webhook === null
        ? null
        : {
            url: config.webhook.url,
            secretFormat: config.webhook.secretFormat ?? 'standard',
            secretSet: true,
          },
  };
}
