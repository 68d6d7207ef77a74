// The small HTTP toolkit both sandboxes are built on: a loopback server on a free port that closes
// cleanly, body reading with a size limit, JSON answers, and the fault plan applied before routing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FaultDecision } from './faults.ts';

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Starts `handler` on 127.0.0.1 (port 0 = a free port). Handler errors become 500s, never crashes. */
export async function startHttpServer(handler: RequestHandler, port = 0): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    Promise.resolve()
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

/** Reads the whole body as a Buffer; refuses more than `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(`body over ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
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
