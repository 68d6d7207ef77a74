// The exchange of shared/http/node-exchange.ts made through `fetch` instead of node:http: used by the
// NetSuite and Procurify transports and token providers when a fetch is given (tests, the CLI's
// injected fetch) or where an answer must be asked again through fetch (a NetSuite redirect). A deadline
// over the whole exchange; redirects followed, or answered as they come with `redirect: 'manual'`.
import type { Exchange } from './node-exchange.ts';

export function fetchExchange(fetchFn: typeof fetch, redirect: 'follow' | 'manual' = 'follow'): Exchange {
  return async (request) => {
    const response = await fetchFn(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      ...(redirect === 'follow' ? {} : { redirect }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    return { status: response.status, headers: response.headers, bodyText: await response.text() };
  };
}
