// One JSON API request over node:http/https with a keep-alive agent per client, for the Procurify and
// NetSuite transports (shared/procurify/transport.ts, shared/netsuite/transport.ts) when no fetch is
// given: the same exchange as through `fetch` (method, headers, body, redirects answered as they come,
// a deadline over the whole exchange, every network failure transient with the socket's error as its
// cause, so its code still tells a request that never left; a GET that finds its kept-alive connection
// closed by the server is sent once more), for about a quarter of fetch's CPU per
// request (measured in issue 16's second round). No Accept-Encoding is sent, so answers come
// uncompressed, as fetch's decompression would have given them.
import http from 'node:http';
import https from 'node:https';
import { TransientError } from '../errors.ts';

export interface ExchangeRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

export interface ExchangeAnswer {
  status: number;
  headers: Headers;
  bodyText: string;
}

export type Exchange = (request: ExchangeRequest) => Promise<ExchangeAnswer>;

/**
 * An exchange with its own keep-alive agents (one per protocol), reused by every request; `source`
 * names the service in its errors (errors.ts).
 */
/** How long a kept-alive connection may sit idle in the agent (at most; the server's hint may say less). */
const idleConnectionMs = 4_000;

export function nodeHttpExchange(source: string): Exchange {
  // With a timeout, Node's Agent also acts on the server's `Keep-Alive: timeout=N` hint (it drops an idle
  // connection a second before the server would); without one it ignores the hint.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: idleConnectionMs }),
    'https:': new https.Agent({ keepAlive: true, timeout: idleConnectionMs }),
  };
  const exchange = (request: ExchangeRequest, retried: boolean): Promise<ExchangeAnswer> =>
    new Promise<ExchangeAnswer>((resolve, reject) => {
      const { url } = request;
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') {
        reject(new TypeError(`${source}: cannot request ${url.protocol} URLs`));
        return;
      }
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
      const failed = (error: Error) => {
        clearTimeout(deadline);
        reject(
          new TransientError(`${source}: network failure (${error.name}: ${error.message})`, {
            source,
            cause: error,
          }),
        );
      };
      let responded = false;
      const answered = (response: http.IncomingMessage) => {
        responded = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', failed);
        response.on('aborted', () => failed(new Error('the answer was cut off')));
        response.on('end', () => {
          clearTimeout(deadline);
          const answerHeaders = new Headers();
          const raw = response.rawHeaders;
          for (let index = 0; index + 1 < raw.length; index += 2) {
            answerHeaders.append(raw[index] as string, raw[index + 1] as string);
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: answerHeaders,
            // As fetch's text(): a leading byte-order mark is not part of the text.
            bodyText: Buffer.concat(chunks)
              .toString('utf8')
              .replace(/^\uFEFF/, ''),
          });
        });
      };
      const options = { method: request.method, headers, agent: secure ? agents['https:'] : agents['http:'] };
      const outgoing = secure ? https.request(url, options, answered) : http.request(url, options, answered);
      const deadline = setTimeout(() => {
        const timeout = new Error(`no answer within ${request.timeoutMs} ms`);
        timeout.name = 'TimeoutError';
        outgoing.destroy(timeout);
      }, request.timeoutMs);
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed as it sat idle, found closed only once the request is
        // on it (the check Node's http documentation gives: `reusedSocket` and ECONNRESET), before any
        // answer: a GET, which changes nothing, is sent once more. Any other request is not: the
        // transports treat its network failure as a write that may have happened (their own retries
        // know a 404 after it may mean done).
        if (
          outgoing.reusedSocket &&
          error.code === 'ECONNRESET' &&
          !responded &&
          !retried &&
          request.method === 'GET'
        ) {
          clearTimeout(deadline);
          exchange(request, true).then(resolve, reject);
          return;
        }
        failed(error);
      });
      outgoing.end(request.body);
    });
  return (request) => exchange(request, false);
}
