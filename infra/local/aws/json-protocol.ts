// The AWS JSON protocol (awsJson1.0 / 1.1) as the three local emulators speak it: one POST per call,
// the operation in `X-Amz-Target`, JSON in and out, errors as `{ __type, message }`. Also the switch
// that makes a service unavailable for tests. Used by dynamodb.ts, sqs.ts and secrets-manager.ts. A
// service may also speak the AWS query protocol (SQS: form-encoded `Action=…`, XML answers) through
// `EmulatedService.query`; requests without `X-Amz-Target` that carry a form go there.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DataError, SyncError } from '../../../shared/errors.ts';
import { BodyTooLargeError, readBody, startHttpServer } from '../../sandboxes/http-server.ts';

/** The region and account every emulator reports in its ARNs and URLs. */
export const localRegion = 'us-east-1';
export const localAccountId = '000000000000';

/** One answer on the wire. Non-2xx answers carry AWS's error body. */
export interface ProtocolReply {
  status: number;
  /** Sent as JSON, or as is when a string (with `contentType`, e.g. a query-protocol XML answer). */
  body: unknown;
  headers?: Record<string, string>;
  /** Default: the service's JSON content type. */
  contentType?: string;
}

/** A query-protocol request: its parameters (query string and form body merged) and where it was sent. */
export interface QueryRequest {
  params: URLSearchParams;
  /** The request path, e.g. `/000000000000/apsync-inbound` when a client posts to the queue URL. */
  path: string;
  /** Also sent as `x-amzn-requestid`. */
  requestId: string;
  signal: AbortSignal;
}

export interface EmulatedService {
  /** For messages only: "dynamodb", "sqs", "secretsmanager". */
  name: string;
  /** Accepted `X-Amz-Target` prefixes (the part before the dot), e.g. `AmazonSQS`. */
  targetPrefixes: readonly string[];
  contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
  /** Runs one operation. `signal` aborts when the caller goes away (long polls stop waiting). */
  call(operation: string, input: Record<string, unknown>, signal: AbortSignal): Promise<ProtocolReply>;
  /** How a refusal (a DataError thrown by `call`) looks on the wire; default `{ __type: code, message }`. */
  renderRefusal?(error: SyncError): ProtocolReply;
  /** The AWS query protocol, for a service that also speaks it; answers every outcome itself. */
  query?(request: QueryRequest): Promise<ProtocolReply>;
}

export interface ServiceEndpoint {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /**
   * false: every request, new or in progress, has its connection reset (the SDK sees a network
   * failure, as when the service is unreachable); true: served again.
   */
  setAvailable(available: boolean): void;
  close(): Promise<void>;
}

/** Starts `service` on 127.0.0.1 (port 0 = a free one). */
export async function serveJsonProtocol(service: EmulatedService, port = 0): Promise<ServiceEndpoint> {
  let available = true;
  const inProgress = new Set<IncomingMessage>();
  const closing = new AbortController();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!available) {
      req.socket.resetAndDestroy();
      return;
    }
    inProgress.add(req);
    const callerGone = new AbortController();
    res.on('close', () => {
      inProgress.delete(req);
      callerGone.abort();
    });
    const signal = AbortSignal.any([callerGone.signal, closing.signal]);
    const requestId = randomUUID();
    const reply = await answer(service, req, signal, requestId);
    if (res.destroyed || !available) return;
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status, {
      'content-type': reply.contentType ?? service.contentType,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': requestId,
      ...reply.headers,
    });
    res.end(text);
  };

  const server = await startHttpServer(handle, port);
  return {
    url: server.url,
    port: server.port,
    setAvailable(next: boolean) {
      available = next;
      if (!next) {
        for (const req of inProgress) req.socket.resetAndDestroy();
        inProgress.clear();
      }
    },
    async close() {
      closing.abort();
      await server.close();
    },
  };
}

async function answer(
  service: EmulatedService,
  req: IncomingMessage,
  signal: AbortSignal,
  requestId: string,
): Promise<ProtocolReply> {
  const queryRequest = service.query !== undefined && isQueryRequest(req);
  if (req.method !== 'POST' && !(queryRequest && req.method === 'GET')) {
    return errorReply(404, 'UnknownOperationException', `${service.name} emulator answers POST only`);
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, 16 * 1024 * 1024);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return errorReply(413, 'RequestEntityTooLarge', error.message);
    throw error;
  }
  if (queryRequest && service.query) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const params = new URLSearchParams(url.search);
    for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) params.append(name, value);
    return service.query({ params, path: url.pathname, requestId, signal });
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  const dot = target.indexOf('.');
  const prefix = target.slice(0, dot);
  const operation = target.slice(dot + 1);
  if (dot < 0 || !service.targetPrefixes.includes(prefix) || operation === '') {
    return errorReply(400, 'UnknownOperationException', `Unknown operation ${target || '(none)'}`);
  }
  let input: unknown;
  try {
    input = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    return errorReply(400, 'SerializationException', 'Request body is not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return errorReply(400, 'SerializationException', 'Request body must be a JSON object');
  }
  try {
    return await service.call(operation, input as Record<string, unknown>, signal);
  } catch (error) {
    if (error instanceof SyncError && error.errorClass === 'data') {
      if (service.renderRefusal) return service.renderRefusal(error);
      return errorReply(error.status ?? 400, error.code ?? 'ValidationException', error.message);
    }
    return errorReply(500, 'InternalFailure', `${service.name} emulator failed: ${String(error)}`);
  }
}

/**
 * A query-protocol request: no `X-Amz-Target`, and a form body (`application/x-www-form-urlencoded`, what
 * botocore's QuerySerializer sends) or a GET with its parameters in the query string.
 */
function isQueryRequest(req: IncomingMessage): boolean {
  if (req.headers['x-amz-target'] !== undefined) return false;
  if (req.method === 'GET') return true;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  return type.startsWith('application/x-www-form-urlencoded');
}

/** AWS's JSON error body; `extra` carries members such as DynamoDB's `Item` or `CancellationReasons`. */
export function errorReply(
  status: number,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): ProtocolReply {
  return { status, body: { __type: type, message, ...extra }, headers };
}

/** A refused request: answered 400 (or `status`) with AWS error code `code`. */
export function refusal(source: string, code: string, message: string, status = 400): DataError {
  return new DataError(message, { source, code, status });
}

export const ok = (body: unknown = {}): ProtocolReply => ({ status: 200, body });
