// The small HTTP toolkit both sandboxes are built on: a loopback server on a free port that closes
// cleanly, body reading with a size limit, JSON answers, and the fault plan applied before routing.
// A named server (each sandbox names its own) can be observed: every exchange — request and answer,
// bodies included — goes to the observers registered with observeExchanges (the tests' contract
// checker), and to the JSON-lines file named by APSYNC_SANDBOX_EXCHANGE_LOG when that is set.
import { appendFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FaultDecision } from './faults.ts';

/** One request to a named server and its answer. */
export interface ObservedExchange {
  /** The server's name (`procurify`, `netsuite`). */
  server: string;
  method: string;
  /** The request target: path and query, as sent. */
  url: string;
  requestHeaders: IncomingHttpHeaders;
  /** Undefined when the body could not be read (the connection ended first). */
  requestBody: Buffer | undefined;
  /** 0 when no answer was sent (the connection was dropped or left open). */
  status: number;
  responseHeaders: OutgoingHttpHeaders;
  responseBody: Buffer;
}

export type ExchangeObserver = (exchange: ObservedExchange) => void;

const observers = new Set<ExchangeObserver>();

/** Calls `observer` with every exchange of every named server of this process; returns the undo. */
export function observeExchanges(observer: ExchangeObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/**
 * APSYNC_SANDBOX_EXCHANGE_LOG=<file>: every exchange of the sandboxes of this process (admin API aside) is
 * appended to <file> as one JSON line (bodies as UTF-8 text). The end-to-end tests set it for the local
 * mode they start, to check its traffic against the vendors' contracts. Read once, when this module loads.
 */
const exchangeLog = process.env.APSYNC_SANDBOX_EXCHANGE_LOG;
if (exchangeLog !== undefined && exchangeLog !== '') {
  observeExchanges((exchange) => {
    if (exchange.url.startsWith('/__admin')) return;
    const line = JSON.stringify({
      ...exchange,
      requestBody: exchange.requestBody?.toString('utf8'),
      responseBody: exchange.responseBody.toString('utf8'),
    });
    appendFileSync(exchangeLog, `${line}\n`);
  });
}

/** Bodies read ahead for observed requests, handed to readBody. */
const readAhead = new WeakMap<IncomingMessage, Buffer>();

/** Reads the request ahead and records the answer; calls the observers once the exchange is over. */
async function observe(server: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  res.write = ((...args: unknown[]) => {
    keep(args[0]);
    return write(...args);
  }) as ServerResponse['write'];
  // Headers given to writeHead are not in getHeaders(): keep them for the observers.
  const headers: OutgoingHttpHeaders = {};
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const given = typeof args[1] === 'object' ? args[1] : args[2];
    if (given !== null && typeof given === 'object' && !Array.isArray(given)) {
      for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
    }
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') keep(args[0]);
    return end(...args);
  }) as ServerResponse['end'];
  let requestBody: Buffer | undefined;
  let reported = false;
  const report = () => {
    if (reported) return;
    reported = true;
    const exchange: ObservedExchange = {
      server,
      method: (req.method ?? 'GET').toUpperCase(),
      url: req.url ?? '/',
      requestHeaders: req.headers,
      requestBody,
      status: res.writableFinished ? res.statusCode : 0,
      responseHeaders: { ...res.getHeaders(), ...headers },
      responseBody: Buffer.concat(chunks),
    };
    for (const observer of observers) observer(exchange);
  };
  res.once('finish', report);
  res.once('close', report);
  // Read ahead so that a request answered before its body was read (a fault, a refusal) still shows it.
  const body: Buffer[] = [];
  for await (const chunk of req) body.push(chunk as Buffer);
  requestBody = Buffer.concat(body);
  readAhead.set(req, requestBody);
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * Runs `beforeAnswer` before any byte of the answer is written (res.write, res.end); when it throws,
 * the connection is dropped instead: no answer at all.
 */
function holdAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  beforeAnswer: (req: IncomingMessage) => void,
): void {
  for (const method of ['write', 'end'] as const) {
    const original = res[method].bind(res) as (...args: unknown[]) => unknown;
    res[method] = ((...args: unknown[]) => {
      try {
        beforeAnswer(req);
      } catch {
        res.destroy();
        return method === 'end' ? res : false;
      }
      return original(...args);
    }) as never;
  }
}

/**
 * Starts `handler` on 127.0.0.1 (port 0 = a free port). Handler errors become 500s, never crashes. A
 * `name` makes the server's exchanges observable (observeExchanges). `beforeAnswer` runs before each
 * answer leaves (the sandboxes commit their changes to disk there in local mode).
 */
export async function startHttpServer(
  handler: RequestHandler,
  port = 0,
  options: { name?: string; beforeAnswer?: (req: IncomingMessage) => void } = {},
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const name = options.name;
    if (options.beforeAnswer !== undefined) holdAnswer(req, res, options.beforeAnswer);
    Promise.resolve()
      .then(() => (name !== undefined && observers.size > 0 ? observe(name, req, res) : undefined))
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          sendJson(res, 500, { error: 'sandbox_failure', detail: String(error) });
        } else {
          res.destroy();
        }
      });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export class BodyTooLargeError extends Error {}

/**
 * Reads the whole body as a Buffer; refuses more than `limitBytes`. A body over the limit is still read to
 * its end (and dropped) so the refusal reaches the client: a socket closed mid-upload would show it a
 * connection reset instead of the 413 the real services answer.
 */
export async function readBody(req: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<Buffer> {
  const ahead = readAhead.get(req);
  if (ahead !== undefined) {
    readAhead.delete(req);
    if (ahead.length > limitBytes) throw new BodyTooLargeError(`body over ${limitBytes} bytes`);
    return ahead;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= limitBytes) chunks.push(buffer);
  }
  if (size > limitBytes) throw new BodyTooLargeError(`body over ${limitBytes} bytes`);
  return Buffer.concat(chunks);
}

/** The body parsed as JSON (undefined when empty); `invalid` is thrown when it is not JSON. */
export async function readJsonBody(req: IncomingMessage, invalid: () => Error): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid();
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

export const delay = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies a fault decision. Returns true when the request was consumed by the fault (the caller must
 * not answer it). `answer429` and `answer500` write the sandbox's own error bodies.
 */
export async function applyFault(
  decision: FaultDecision,
  req: IncomingMessage,
  res: ServerResponse,
  answers: { answer429: (res: ServerResponse) => void; answer500: (res: ServerResponse) => void },
): Promise<boolean> {
  await delay(decision.delayMs);
  switch (decision.outcome) {
    case 'none':
      return false;
    case '429':
      answers.answer429(res);
      return true;
    case '500':
      answers.answer500(res);
      return true;
    case 'drop':
      req.socket.destroy();
      return true;
    case 'timeout':
      // Never answered: the socket stays open until the client aborts or the server closes.
      return true;
  }
}
