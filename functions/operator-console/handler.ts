// operator-console Lambda (API Gateway HTTP API, payload v2, routes under /console): turns the event
// into a console request, lets shared/console answer it, and returns the page with its cookies.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type ConsoleHandler, type ConsoleOptions, createConsole } from '../../shared/console/app.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';

export type OperatorConsoleDependencies = ConsoleOptions & { basePath: string };

export function createOperatorConsoleHandler(deps: OperatorConsoleDependencies) {
  const answer: ConsoleHandler = createConsole(deps);
  const handle = async (
    event: APIGatewayProxyEventV2,
    _context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const mount = deps.basePath.replace(/\/$/, '');
    const rawPath = event.rawPath.startsWith(mount) ? event.rawPath.slice(mount.length) : event.rawPath;
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    // Payload v2 moves the Cookie header into `cookies`.
    if (event.cookies !== undefined && event.cookies.length > 0) headers.cookie = event.cookies.join('; ');
    const response = await answer({
      method: event.requestContext.http.method,
      path: rawPath === '' ? '/' : rawPath,
      query: new URLSearchParams(event.rawQueryString ?? ''),
      headers,
      body:
        event.body === undefined
          ? ''
          : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString(),
    });
    return {
      statusCode: response.status,
      headers: response.headers,
      ...(response.cookies === undefined ? {} : { cookies: response.cookies }),
      body: response.body,
    };
  };
  return withPowertools(handle);
}
