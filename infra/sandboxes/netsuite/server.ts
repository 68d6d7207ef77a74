// The NetSuite sandbox's HTTP front: every request routed — NetSuite paths (token, record API, SuiteQL,
// metadata catalog, governance limits, the attachment RESTlet) through governance, faults and bearer auth
// in NetSuite's order, `/__admin` straight to the admin API (admin.ts). Served by index.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applyFault,
  BodyTooLargeError,
  readBody,
  readJsonBody,
  sendEmpty,
  sendJson,
} from '../http-server.ts';
import { handleAdminRequest } from './admin.ts';
import { TOKEN_PATH } from './auth.ts';
import type { NetSuiteSandboxCore, SandboxRoute } from './core.ts';
import { segmentOfRecordType } from './custom-segments.ts';
import { METADATA_PATH, metadataCatalog } from './metadata-catalog.ts';
import { NetSuiteProblem, problems, sendProblem } from './problem.ts';
import { isRestType, recordTypes } from './record-types.ts';
import { handleRecordRequest } from './records.ts';
import { recordApiPath } from './render.ts';
import {
  ATTACH_DEPLOY_ID,
  ATTACH_SCRIPT_ID,
  RESTLET_PATH,
  RestletError,
  restletErrors,
  runAttachRestlet,
} from './restlet.ts';
import { handleSegmentValueRequest } from './segment-values.ts';
import { SUITEQL_PATH, suiteqlPage } from './suiteql.ts';

export const GOVERNANCE_PATH = '/services/rest/system/v1/governanceLimits';
/** A RESTlet body above this is refused before the script runs (strings over 10 MB reach it: TOO_LARGE). */
const RESTLET_BODY_LIMIT = 32 * 1024 * 1024;

function sendRestletError(res: ServerResponse, error: RestletError): void {
  sendJson(res, error.status, error.body());
}

export function netSuiteSandboxHandler(
  core: NetSuiteSandboxCore,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const handle =
      url.pathname === '/__admin' || url.pathname.startsWith('/__admin/')
        ? handleAdminRequest
        : handleNetSuite;
    await handle(core, req, res, url, method);
  };
}

const handleNetSuite: SandboxRoute = async (core, req, res, url, method) => {
  const started = Date.now();
  const base = {
    method,
    path: url.pathname,
    query: url.search,
    startedAt: new Date(started).toISOString(),
  };
  const governance = core.governance;
  if (!governance.admit()) {
    sendProblem(res, problems.concurrency());
    governance.record({
      ...base,
      status: 429,
      durationMs: Date.now() - started,
      inFlightAtStart: governance.inFlight,
      rejectedBy: 'governance',
    });
    return;
  }
  const inFlightAtStart = governance.inFlight;
  let clientId: string | undefined;
  let countedClient: string | undefined;
  let fault: 'latency' | '429' | '500' | 'timeout' | 'drop' | undefined;
  let error: string | undefined;
  let rejectedBy: 'integration-limit' | undefined;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    governance.release();
    if (countedClient !== undefined) governance.releaseClient(countedClient);
    governance.record({
      ...base,
      status: res.headersSent ? res.statusCode : 0,
      durationMs: Date.now() - started,
      inFlightAtStart,
      ...(clientId === undefined ? {} : { clientId }),
      ...(fault === undefined ? {} : { fault }),
      ...(rejectedBy === undefined ? {} : { rejectedBy }),
      ...(error === undefined ? {} : { error }),
    });
  };
  res.once('finish', finish);
  res.once('close', finish);

  // The integration is known (and counted against a reserved share) before any injected latency, so
  // a slow account holds its concurrency slots for the whole answer time.
  const isTokenCall = method === 'POST' && url.pathname === TOKEN_PATH;
  const isRestlet = url.pathname === RESTLET_PATH;
  if (!isTokenCall) {
    clientId = core.tokens.verifyBearer(
      req.headers.authorization,
      isRestlet ? 'restlets' : 'rest_webservices',
    );
    if (clientId === undefined) {
      if (isRestlet) sendRestletError(res, restletErrors.invalidLogin());
      else sendProblem(res, problems.invalidLogin(core.accountId));
      return;
    }
    if (!governance.admitClient(clientId)) {
      rejectedBy = 'integration-limit';
      sendProblem(res, problems.concurrency());
      return;
    }
    countedClient = clientId;
  }
  const decision = core.faults.decide(method, url.pathname);
  if (decision.delayMs > 0) fault = 'latency';
  const consumed = await applyFault(decision, req, res, {
    answer429: (answer) => {
      governance.injected429 += 1;
      sendProblem(answer, problems.concurrency());
    },
    answer500: (answer) => {
      governance.injected500 += 1;
      sendProblem(answer, problems.unexpected());
    },
  });
  if (decision.outcome !== 'none') fault = decision.outcome;
  if (consumed || res.destroyed) return;

  try {
    if (isTokenCall) {
      const body = (await readBody(req, 1024 * 1024)).toString('utf8');
      const answer = await core.tokens.issue(req.headers['content-type'], body);
      sendJson(res, answer.status, answer.body, { 'cache-control': 'no-store', pragma: 'no-cache' });
      return;
    }
    await route(core, req, res, url, method);
  } catch (caught) {
    if (caught instanceof RestletError) {
      sendRestletError(res, caught);
    } else if (caught instanceof NetSuiteProblem) {
      sendProblem(res, caught);
    } else if (caught instanceof BodyTooLargeError) {
      sendProblem(res, new NetSuiteProblem(400, 'INVALID_REQUEST', 'The request body is too large.'));
    } else {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
      if (!res.headersSent) sendProblem(res, problems.unexpected());
    }
  }
};

/** The attachment RESTlet (restlet.ts): known script and deployment, JSON in and out. */
const restlet: SandboxRoute = async (core, req, res, url, method) => {
  if (
    url.searchParams.get('script') !== ATTACH_SCRIPT_ID ||
    url.searchParams.get('deploy') !== ATTACH_DEPLOY_ID
  ) {
    throw restletErrors.noSuchScript();
  }
  if (method !== 'POST') {
    throw new RestletError(405, 'SSS_INVALID_HTTP_METHOD', `The RESTlet has no ${method} entry point.`);
  }
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.startsWith('application/json')) {
    throw new RestletError(
      415,
      'INVALID_CONTENT_TYPE',
      'Invalid content type. You can only use application/json, application/xml or text/plain with RESTlets.',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, RESTLET_BODY_LIMIT)).toString('utf8'));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new RestletError(
        400,
        'SSS_REQUEST_LIMIT_EXCEEDED',
        'The request is larger than a RESTlet accepts.',
      );
    }
    throw new RestletError(400, 'SYNTAX_ERROR', 'The request body is not valid JSON.');
  }
  sendJson(res, 200, runAttachRestlet(core, body));
};

function readJson(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req, () => problems.invalidRequest('The request body is not valid JSON.'));
}

const route: SandboxRoute = async (core, req, res, url, method) => {
  const path = url.pathname;
  if (path === RESTLET_PATH) {
    await restlet(core, req, res, url, method);
    return;
  }
  if (path === METADATA_PATH || path.startsWith(`${METADATA_PATH}/`)) {
    if (method !== 'GET')
      throw new NetSuiteProblem(405, 'INVALID_REQUEST', 'The metadata catalog is read with GET.');
    const accept = Array.isArray(req.headers.accept) ? req.headers.accept.join(',') : req.headers.accept;
    const segment = path.slice(METADATA_PATH.length + 1) || undefined;
    const answer = metadataCatalog(core.store, core.baseUrl, segment, accept);
    sendJson(res, 200, answer.body, {}, answer.contentType);
    return;
  }
  const firstSegment = path.startsWith(`${recordApiPath}/`)
    ? decodeURIComponent(path.slice(recordApiPath.length + 1).split('/')[0] ?? '')
    : undefined;
  if (firstSegment !== undefined) {
    const segment = segmentOfRecordType(core.store, firstSegment);
    if (segment !== undefined) {
      const answer = await handleSegmentValueRequest({
        store: core.store,
        baseUrl: core.baseUrl,
        segment,
        method,
        segments: path
          .slice(recordApiPath.length + 1)
          .split('/')
          .filter(Boolean)
          .slice(1),
        headers: req.headers,
        readJson: () => readJson(req),
      });
      if (answer.body === undefined) sendEmpty(res, answer.status, answer.headers ?? {});
      else sendJson(res, answer.status, answer.body, answer.headers ?? {}, answer.contentType);
      return;
    }
    // Types the record API does not serve here (legacy tax codes, the File Cabinet, segment values
    // under their internal name) are unknown record types to an integration.
    const type = recordTypes.find((candidate) => candidate.toLowerCase() === firstSegment.toLowerCase());
    if (type !== undefined && !isRestType(type)) {
      throw new NetSuiteProblem(
        404,
        'INVALID_RECORD_TYPE',
        `Record type '${firstSegment}' does not exist or is not available in this sandbox.`,
      );
    }
  }
  if (path === GOVERNANCE_PATH) {
    if (method !== 'GET')
      throw new NetSuiteProblem(405, 'INVALID_REQUEST', 'governanceLimits is read with GET.');
    sendJson(res, 200, core.governance.limits());
    return;
  }
  if (path === SUITEQL_PATH) {
    if (method !== 'POST')
      throw new NetSuiteProblem(405, 'INVALID_REQUEST', 'SuiteQL queries are POST requests.');
    const prefer = req.headers.prefer;
    const body = suiteqlPage(core.suiteql, {
      baseUrl: core.baseUrl,
      query: url.searchParams,
      preferHeader: Array.isArray(prefer) ? prefer.join(',') : prefer,
      body: await readJson(req),
    });
    sendJson(res, 200, body, {}, 'application/vnd.oracle.resource+json; type=collection');
    return;
  }
  if (path.startsWith(`${recordApiPath}/`)) {
    const segments = path
      .slice(recordApiPath.length + 1)
      .split('/')
      .filter((segment) => segment !== '');
    const answer = await handleRecordRequest({
      store: core.store,
      baseUrl: core.baseUrl,
      method,
      segments,
      query: url.searchParams,
      headers: req.headers,
      readJson: () => readJson(req),
    });
    if (answer.body === undefined) sendEmpty(res, answer.status, answer.headers ?? {});
    else sendJson(res, answer.status, answer.body, answer.headers ?? {}, answer.contentType);
    return;
  }
  throw new NetSuiteProblem(404, 'INVALID_REQUEST', `No NetSuite resource at ${path}.`);
};
