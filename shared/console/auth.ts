// Who is using the console, and CSRF tokens for its forms. Local mode signs in with the access token of
// `apsync ready` (a session cookie derived from it, HttpOnly and SameSite=Strict); every POST carries a
// CSRF token bound to the session.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ConsoleRequest {
  method: string;
  /** Path below the console's base, starting with `/`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The form body of a POST (application/x-www-form-urlencoded). */
  body: string;
}

export interface ConsoleIdentity {
  user: string;
  /** Stable for the login session: CSRF tokens are bound to it. */
  session: string;
}

/** An answer of the auth's own routes (a redirect to the identity provider, its callback). */
export interface AuthResponse {
  status: number;
  headers: Record<string, string>;
  cookies?: string[];
  body?: string;
}

export interface ConsoleAuth {
  identify(request: ConsoleRequest): ConsoleIdentity | undefined | Promise<ConsoleIdentity | undefined>;
  /**
   * Sign-in routes of a platform identity provider (Cognito: `/login`, `/callback`), answered before the
   * request is identified; undefined lets the console handle the path.
   */
  routes?(request: ConsoleRequest, base: string): Promise<AuthResponse | undefined>;
  /** A login form taking a token (local mode); absent where the platform signs users in. */
  login?: {
    /** The Set-Cookie value for a correct token, undefined for a wrong one. */
    check(token: string): string | undefined;
    logoutCookie: string;
  };
  /** Where Log out goes (a provider's logout URL) and the cookies it clears, for platform sign-in. */
  logoutPath?: string;
  logoutCookies?: string[];
}

export const sessionCookieName = 'apsync_console';

const equal = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const hmac = (key: string | Buffer, text: string): string =>
  createHmac('sha256', key).update(text).digest('base64url');

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * Local mode: the access token signs in (login form, or `Authorization: Bearer <token>` for scripts);
 * the cookie holds a value derived from the token, never the token itself.
 */
export function createTokenAuth(token: string, user: string): ConsoleAuth {
  const session = hmac(token, 'apsync-console-session');
  return {
    identify(request) {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (bearer !== undefined && equal(bearer, token)) return { user, session };
      const cookie = readCookie(request.headers.cookie, sessionCookieName);
      return cookie !== undefined && equal(cookie, session) ? { user, session } : undefined;
    },
    login: {
      check: (given) =>
        equal(given.trim(), token)
          ? `${sessionCookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`
          : undefined,
      logoutCookie: `${sessionCookieName}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
    },
  };
}

export const csrfToken = (secret: Buffer, identity: ConsoleIdentity): string =>
  hmac(secret, `csrf:${identity.session}`);

export const validCsrf = (secret: Buffer, identity: ConsoleIdentity, given: string | null): boolean =>
  given !== null && equal(given, csrfToken(secret, identity));
