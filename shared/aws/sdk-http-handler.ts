// The HTTP handler of the AWS SDK clients the functions call on every record (sdk-clients.ts): each
// request over node:http/https with a keep-alive agent, its answer read whole before the SDK parses it.
// The SDK's NodeHttpHandler does the same exchange through more machinery (a socket-usage warning timer,
// connection and keep-alive timers, the body written through a stream helper, the answer handed on as a
// stream the SDK then collects): about a fifth of a DynamoDB request's CPU on loopback (0.49 → 0.39 ms a
// request, measured in issue 16's fourth round). Kept as NodeHttpHandler has it: 50 sockets an agent;
// socket errors handed to the SDK as they are, a timeout's (ECONNRESET, EPIPE, ETIMEDOUT) named
// TimeoutError, so the SDK's retry strategy sees them as before; the abort signal; no socket timeout,
// as NodeHttpHandler's default (the SDK's opt-in default socket timeout,
// AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026, is never applied to a handler of one's own). Different: a
// request timeout given per call ends the request with a retryable TimeoutError, where NodeHttpHandler
// only logs a warning unless told to throw (throwOnRequestTimeout); no client here gives one. Not kept:
// `Expect: 100-continue` (no JSON protocol request sends it) and streamed request bodies (refused: the
// clients here send strings or bytes — the JSON codec's body is a Uint8Array).
import http from 'node:http';
import https from 'node:https';

/** The request as the SDK hands it over (@smithy/protocol-http's HttpRequest). */
export interface SdkHttpRequest {
  protocol: string;
  hostname: string;
  port?: number | undefined;
  method: string;
  path: string;
  query?: Record<string, string | Array<string | null> | null> | undefined;
  fragment?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  headers: Record<string, string>;
  body?: unknown;
}

/** The answer as the SDK's deserializers read it (@smithy/protocol-http's HttpResponse). */
export interface SdkHttpResponse {
  statusCode: number;
  reason: string | undefined;
  headers: Record<string, string>;
  body: Uint8Array;
}

interface HandlerOptions {
  abortSignal?: { aborted: boolean; reason?: unknown; addEventListener?: unknown } | undefined;
  requestTimeout?: number | undefined;
}

/** Socket error codes the SDK takes for timeouts (@smithy/service-error-classification). */
const timeoutCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** As NodeHttpHandler's agents. */
const maxSockets = 50;

export class SdkHttpHandler {
  /** Read by the SDK (event streams, HTTP/2 checks): this handler speaks HTTP/1.1, as NodeHttpHandler. */
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
  };

  handle(request: SdkHttpRequest, options: HandlerOptions = {}): Promise<{ response: SdkHttpResponse }> {
    return new Promise((resolve, reject) => {
      const { abortSignal } = options;
      if (abortSignal?.aborted === true) {
        reject(abortError(abortSignal));
        return;
      }
      if (
        request.body !== undefined &&
        typeof request.body !== 'string' &&
        !(request.body instanceof Uint8Array)
      ) {
        reject(new TypeError('sdk http handler: only string and byte bodies are sent (no streams)'));
        return;
      }
      const secure = request.protocol === 'https:';
      const query = queryString(request.query);
      const hostname =
        request.hostname.startsWith('[') && request.hostname.endsWith(']')
          ? request.hostname.slice(1, -1)
          : request.hostname;
      const options_: https.RequestOptions = {
        host: hostname,
        port: request.port,
        method: request.method,
        path: `${request.path}${query === '' ? '' : `?${query}`}${request.fragment ? `#${request.fragment}` : ''}`,
        headers: request.headers,
        agent: secure ? this.agents.https : this.agents.http,
        ...(request.username != null || request.password != null
          ? { auth: `${request.username ?? ''}:${request.password ?? ''}` }
          : {}),
      };
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const fail = (error: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(timeoutCodes.has(error.code ?? '') ? Object.assign(error, { name: 'TimeoutError' }) : error);
      };
      const outgoing = (secure ? https : http).request(options_, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', fail);
        incoming.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          resolve({
            response: {
              statusCode: incoming.statusCode ?? -1,
              reason: incoming.statusMessage,
              headers: flatHeaders(incoming.headers),
              body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
            },
          });
        });
      });
      outgoing.on('error', fail);
      if (options.requestTimeout !== undefined && options.requestTimeout > 0) {
        const ms = options.requestTimeout;
        timer = setTimeout(
          () => outgoing.destroy(timedOut(`no answer within the request timeout of ${ms} ms`)),
          ms,
        );
      }
      if (abortSignal !== undefined && typeof abortSignal.addEventListener === 'function') {
        const signal = abortSignal as AbortSignal;
        const onAbort = () => {
          outgoing.destroy();
          fail(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        outgoing.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      outgoing.end(request.body as string | Uint8Array | undefined);
    });
  }

  /** The SDK hands its logger here (and NodeHttpHandler's own settings): nothing this handler uses. */
  updateHttpClientConfig(_key: unknown, _value: unknown): void {}

  httpHandlerConfigs(): Record<string, unknown> {
    return {};
  }

  destroy(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function timedOut(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

function abortError(signal: { reason?: unknown }): Error {
  const reason = signal.reason;
  if (reason instanceof Error)
    return Object.assign(new Error(reason.message, { cause: reason }), { name: 'AbortError' });
  return Object.assign(new Error(reason === undefined ? 'Request aborted' : String(reason)), {
    name: 'AbortError',
  });
}

/** Node's answer headers as the SDK takes them: one string each (repeated ones joined by commas). */
function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
}

/** The query as NodeHttpHandler writes it (@smithy/core's buildQueryString): names sorted, RFC 3986 escapes. */
function queryString(query: SdkHttpRequest['query']): string {
  if (query === undefined || query === null) return '';
  const parts: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    const key = escapeUri(name);
    if (Array.isArray(value)) {
      for (const each of value) parts.push(`${key}=${escapeUri(String(each))}`);
    } else if (value === null || value === undefined) {
      parts.push(key);
    } else {
      parts.push(`${key}=${escapeUri(value)}`);
    }
  }
  return parts.join('&');
}

const escapeUri = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
