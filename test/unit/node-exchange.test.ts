// The node:http exchange (shared/http/node-exchange.ts) against a loopback server that drops a kept-alive
// connection when a second request arrives on it, as a server whose idle timeout ends just as the
// client reuses the connection: a GET is sent once more and answered; a POST or a DELETE is not repeated
// (a network failure, transient: the transports decide, knowing the write may have happened).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../shared/errors.ts';
import { nodeHttpExchange } from '../../shared/http/node-exchange.ts';

let server: Server;
let url: URL;
const received: Array<{ method: string; connection: number }> = [];

beforeAll(async () => {
  const requestsOn = new WeakMap<Socket, number>();
  const connections = new WeakMap<Socket, number>();
  let connectionCount = 0;
  server = createServer((request, response) => {
    const socket = request.socket;
    if (!connections.has(socket)) connections.set(socket, ++connectionCount);
    const count = (requestsOn.get(socket) ?? 0) + 1;
    requestsOn.set(socket, count);
    received.push({ method: request.method ?? '', connection: connections.get(socket)! });
    request.resume();
    // The second request on a connection finds it closed: reset without an answer.
    if (count === 2) {
      socket.resetAndDestroy();
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ ok: true, n: received.length }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api`);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ask = (exchange: ReturnType<typeof nodeHttpExchange>, method: string) =>
  exchange({ method, url, headers: {}, body: method === 'POST' ? '{}' : undefined, timeoutMs: 5_000 });

describe('nodeHttpExchange on a kept-alive connection the server dropped', () => {
  it('sends a GET once more, answered on a new connection', async () => {
    received.length = 0;
    const exchange = nodeHttpExchange('test');
    expect((await ask(exchange, 'GET')).status).toBe(200);
    const answer = await ask(exchange, 'GET');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.bodyText)).toEqual({ ok: true, n: 3 });
    expect(received.map((request) => request.connection)).toEqual([1, 1, 2]);
  });

  for (const method of ['POST', 'DELETE']) {
    it(`does not repeat a ${method}: a transient network failure`, async () => {
      received.length = 0;
      const exchange = nodeHttpExchange('test');
      expect((await ask(exchange, 'GET')).status).toBe(200);
      const failure = await ask(exchange, method).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TransientError);
      expect((failure as Error).message).toMatch(/^test: network failure/);
      expect(received.map((request) => request.method)).toEqual(['GET', method]);
    });
  }
});
