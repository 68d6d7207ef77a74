// NetSuite's error answers (`application/vnd.oracle.resource+json; type=error`): the problem value every
// sandbox module throws and the one function that writes it. Used by the record, SuiteQL, auth and
// governance parts of the NetSuite sandbox.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http-server.ts';

export const ERROR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=error';

const statusTitles: Record<number, { title: string; type: string }> = {
  400: { title: 'Bad Request', type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1' },
  401: { title: 'Unauthorized', type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2' },
  403: { title: 'Forbidden', type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.4' },
  404: { title: 'Not Found', type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5' },
  405: { title: 'Method Not Allowed', type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.6' },
  415: {
    title: 'Unsupported Media Type',
    type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.16',
  },
  429: { title: 'Too Many Requests', type: 'https://www.rfc-editor.org/rfc/rfc6585.html#section-4' },
  500: { title: 'Internal Server Error', type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1' },
};

export interface ProblemDetail {
  detail: string;
  'o:errorCode': string;
  'o:errorPath'?: string;
  'o:errorQueryParam'?: string;
  'o:errorHeader'?: string;
}

/** One NetSuite error answer; thrown by handlers and written by `sendProblem`. */
export class NetSuiteProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly path: string | undefined;
  readonly queryParam: string | undefined;
  readonly header: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    detail: string,
    where: { path?: string; queryParam?: string; header?: string; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'NetSuiteProblem';
    this.status = status;
    this.code = code;
    this.path = where.path;
    this.queryParam = where.queryParam;
    this.header = where.header;
    this.headers = where.headers ?? {};
  }

  body(): Record<string, unknown> {
    const known = statusTitles[this.status] ?? { title: 'Error', type: statusTitles[400]!.type };
    const detail: ProblemDetail = { detail: this.message, 'o:errorCode': this.code };
    if (this.path !== undefined) detail['o:errorPath'] = this.path;
    if (this.queryParam !== undefined) detail['o:errorQueryParam'] = this.queryParam;
    if (this.header !== undefined) detail['o:errorHeader'] = this.header;
    return { type: known.type, title: known.title, status: this.status, 'o:errorDetails': [detail] };
  }
}

export function sendProblem(res: ServerResponse, problem: NetSuiteProblem): void {
  sendJson(res, problem.status, problem.body(), problem.headers, ERROR_CONTENT_TYPE);
}

// The messages NetSuite itself uses for the common cases, so clients see realistic text.
export const problems = {
  invalidLogin: (accountId: string): NetSuiteProblem =>
    new NetSuiteProblem(
      401,
      'INVALID_LOGIN',
      'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
      {
        headers: {
          'www-authenticate': `Bearer realm="${accountId}", error="invalid_token", error_description="Invalid login attempt."`,
        },
      },
    ),
  concurrency: (): NetSuiteProblem =>
    new NetSuiteProblem(
      429,
      'CONCURRENCY_LIMIT_EXCEEDED',
      'Concurrent request limit exceeded. Request blocked.',
    ),
  unexpected: (): NetSuiteProblem =>
    new NetSuiteProblem(
      500,
      'UNEXPECTED_ERROR',
      `An unexpected error occurred. Error ID: ${Math.random().toString(36).slice(2, 12)}`,
    ),
  nonexistentId: (type: string, id: string): NetSuiteProblem =>
    new NetSuiteProblem(
      404,
      'NONEXISTENT_ID',
      `The record instance does not exist. Provide a valid record instance ID. (${type} ${id})`,
    ),
  invalidValue: (field: string, value: string, path: string): NetSuiteProblem =>
    new NetSuiteProblem(
      400,
      'INVALID_CONTENT',
      `Error while accessing a resource. You have entered an Invalid Field Value ${value} for the following field: ${field}`,
      { path },
    ),
  missingValue: (label: string, path: string): NetSuiteProblem =>
    new NetSuiteProblem(
      400,
      'USER_ERROR',
      `Error while accessing a resource. Please enter value(s) for: ${label}`,
      {
        path,
      },
    ),
  userError: (detail: string, path?: string): NetSuiteProblem =>
    new NetSuiteProblem(
      400,
      'USER_ERROR',
      `Error while accessing a resource. ${detail}`,
      path ? { path } : {},
    ),
  invalidParameter: (detail: string, queryParam?: string): NetSuiteProblem =>
    new NetSuiteProblem(400, 'INVALID_PARAMETER', detail, queryParam ? { queryParam } : {}),
  invalidRequest: (detail: string): NetSuiteProblem => new NetSuiteProblem(400, 'INVALID_REQUEST', detail),
};
