// Sign-in to the console on AWS with a Cognito user pool whose users the operator creates: the hosted
// UI's authorization-code flow with PKCE (a public app client, so no client secret exists to leak), the
// ID token kept in an HttpOnly, Secure, SameSite=Lax cookie and verified on every request against the
// pool's keys (issuer, audience, expiry, token_use). CSRF tokens are bound to a hash of that token.
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import {
  type AuthResponse,
  type ConsoleAuth,
  type ConsoleRequest,
  readCookie,
  sessionCookieName,
} from './auth.ts';

export interface CognitoAuthSettings {
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>` */
  issuer: string;
  /** The hosted UI: `https://<domain>.auth.<region>.amazoncognito.com` */
  domainUrl: string;
  clientId: string;
  /** Where the console is mounted (`/console/`): the cookies' path. */
  basePath: string;
  /** The console's URL, a sign-out URL of the app client: Log out ends the hosted UI's session too. */
  consoleUrl?: string;
  /** The pool's keys (default: fetched from the issuer's JWKS, cached). */
  keys?: JWTVerifyGetKey;
  /** The token endpoint call (default: fetch). */
  fetch?: typeof fetch;
}

const loginCookieName = 'apsync_console_login';
const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** `https://<host><base>`: the console's own URL as the browser sees it (API Gateway sets the host). */
function selfUrl(request: ConsoleRequest, base: string): string {
  const host = request.headers['x-forwarded-host'] ?? request.headers.host ?? 'localhost';
  return `https://${host}${base}`;
}

/**
 * The issuer's key set, made on the first verification: jose's remote key set builds `Headers` at once,
 * and Node's first `Headers` or `fetch` loads its HTTP client (undici), tens of ms of a cold start the
 * sign-in redirect never needs. The first verification fetches the keys, and so loads it anyway.
 */
function remoteKeys(issuer: string): JWTVerifyGetKey {
  let keys: JWTVerifyGetKey | undefined;
  return (header, token) => {
    keys ??= createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    return keys(header, token);
  };
}

export function createCognitoAuth(settings: CognitoAuthSettings): ConsoleAuth {
  const keys = settings.keys ?? remoteKeys(settings.issuer);
  // Read when called, not here: the global `fetch` loads undici when first read (see remoteKeys).
  const call: typeof fetch = settings.fetch ?? ((input, init) => fetch(input, init));
  const cookie = (name: string, value: string, base: string, maxAge?: number) =>
    `${name}=${value}; HttpOnly; Secure; SameSite=Lax; Path=${base}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;
  return {
    async identify(request) {
      const token = readCookie(request.headers.cookie, sessionCookieName);
      if (token === undefined || token === '') return undefined;
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: settings.issuer,
          audience: settings.clientId,
        });
        if (payload.token_use !== 'id') return undefined;
        const name = payload.email ?? payload['cognito:username'] ?? payload.sub;
        return {
          user: `${String(name)} (apsync console)`,
          session: createHash('sha256').update(token).digest('base64url'),
        };
      } catch {
        return undefined;
      }
    },
    async routes(request, base): Promise<AuthResponse | undefined> {
      const redirectUri = `${selfUrl(request, base)}callback`;
      if (request.method === 'GET' && request.path === '/login') {
        const state = base64url(randomBytes(16));
        const verifier = base64url(randomBytes(32));
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const authorize = new URL('/oauth2/authorize', settings.domainUrl);
        authorize.search = new URLSearchParams({
          response_type: 'code',
          client_id: settings.clientId,
          redirect_uri: redirectUri,
          scope: 'openid email',
          state,
          code_challenge_method: 'S256',
          code_challenge: challenge,
        }).toString();
        return {
          status: 302,
          headers: { location: authorize.toString(), 'cache-control': 'no-store' },
          cookies: [cookie(loginCookieName, `${state}.${verifier}`, base, 600)],
        };
      }
      if (request.method === 'GET' && request.path === '/callback') {
        const [state, verifier] = (readCookie(request.headers.cookie, loginCookieName) ?? '').split('.');
        const code = request.query.get('code');
        if (
          state === undefined ||
          verifier === undefined ||
          code === null ||
          request.query.get('state') !== state
        ) {
          return {
            status: 400,
            headers: { 'content-type': 'text/plain' },
            body: 'Sign-in expired: open the console again.',
          };
        }
        const answer = await call(new URL('/oauth2/token', settings.domainUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            client_id: settings.clientId,
            code,
            redirect_uri: redirectUri,
            code_verifier: verifier,
          }).toString(),
        });
        const tokens = (await answer.json().catch(() => ({}))) as { id_token?: string; expires_in?: number };
        if (!answer.ok || tokens.id_token === undefined) {
          return {
            status: 401,
            headers: { 'content-type': 'text/plain' },
            body: 'Sign-in failed: open the console again.',
          };
        }
        return {
          status: 303,
          headers: { location: base, 'cache-control': 'no-store' },
          cookies: [
            cookie(sessionCookieName, tokens.id_token, base, tokens.expires_in ?? 3600),
            cookie(loginCookieName, '', base, 0),
          ],
        };
      }
      return undefined;
    },
    ...(settings.consoleUrl === undefined
      ? {}
      : {
          logoutPath: `${settings.domainUrl}/logout?${new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.consoleUrl })}`,
        }),
    logoutCookies: [cookie(sessionCookieName, '', settings.basePath, 0)],
  };
}
