// API Gateway HTTP API (payload format 2.0) on one machine: turns each HTTP request into the
// APIGatewayProxyEventV2 AWS would send, calls the same handler, and writes its answer back.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { type RunningServer, readBody, sendJson, startHttpServer } from '../sandboxes/http-server.ts';
import { createLambdaContext } from './lambda-context.ts';

export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface HttpApiRoute {
  method: string;
  path: string;
  functionName: string;
  handler: HttpApiHandler;
  timeoutMs?: number;
}

/** API Gateway's own payload limit. */
const apiGatewayMaxBytes = 10 * 1024 * 1024;

export async function startHttpApi(routes: readonly HttpApiRoute[], port = 0): Promise<RunningServer> {
  return startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const route = routes.find((r) => r.method === req.method && r.path === url.pathname);
    if (route === undefined) {
      sendJson(res, 404, { message: 'Not Found' });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, apiGatewayMaxBytes);
    } catch {
      sendJson(res, 413, { message: 'Request Entity Too Large' });
      return;
    }
    const event = toEvent(req, url, body, `${route.method} ${route.path}`);
    let result: APIGatewayProxyResultV2;
    try {
      result = await route.handler(event, createLambdaContext(route.functionName, route.timeoutMs ?? 10_000));
    } catch {
      // What API Gateway answers when the function fails (an error thrown, a timeout, its instance died).
      sendJson(res, 500, { message: 'Internal Server Error' });
      return;
    }
    if (typeof result === 'string' || result === undefined) {
      sendJson(res, 200, result ?? null);
      return;
    }
    const payload =
      result.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    res.writeHead(result.statusCode ?? 200, { ...headers, 'content-length': String(payload.length) });
    res.end(payload);
  }, port);
}

function toEvent(req: IncomingMessage, url: URL, body: Buffer, routeKey: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentType = headers['content-type'] ?? '';
  // API Gateway base64-encodes bodies it does not consider text.
  const isText = /^(text\/|application\/(json|xml|x-www-form-urlencoded))/i.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    queryStringParameters: url.search === '' ? undefined : Object.fromEntries(url.searchParams),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
  };
}
