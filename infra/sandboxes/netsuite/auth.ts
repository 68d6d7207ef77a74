// OAuth 2.0 client credentials (machine to machine) as NetSuite runs it: a JWT client assertion signed
// with a registered certificate's key (PS*/ES* only, RS256 refused), checked for issuer, audience,
// lifetime and replay, exchanged for a bearer token that the sandbox tracks until it expires. Used by
// the sandbox router for the token endpoint and for every other NetSuite path.
import { createHmac, createPublicKey, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';

export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
export const ALLOWED_ALGORITHMS = ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Clock skew tolerated on `iat` in the future. */
const SKEW_SECONDS = 300;

export interface SandboxClientRegistration {
  clientId: string;
  certificateId: string;
  publicKeyPem: string;
}

/** What an integration needs to get a token: the generated default integration of a sandbox. */
export interface NetSuiteSandboxCredentials {
  accountId: string;
  clientId: string;
  certificateId: string;
  privateKeyPem: string;
  algorithm: 'PS256' | 'ES256';
  tokenUrl: string;
}

export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

class TokenRefusal extends Error {
  readonly code: TokenErrorCode;
  constructor(code: TokenErrorCode, description: string) {
    super(description);
    this.code = code;
  }
}

const statusOf = (code: TokenErrorCode): number => (code === 'invalid_client' ? 401 : 400);

interface Registration {
  clientId: string;
  certificateId: string;
  publicKeyPem: string;
  key: KeyObject;
}

export class TokenService {
  /** The audience every assertion must name (set once the sandbox knows its URL). */
  tokenUrl: string;
  private readonly clock: () => Date;
  private registrations = new Map<string, Registration>();
  private tokens = new Map<string, { clientId: string; expiresAt: number; scopes: string[] }>();
  private usedJtis = new Map<string, number>();
  private readonly signingKey = randomBytes(32);
  lifetimeSeconds: number;

  constructor(options: { tokenUrl: string; lifetimeSeconds: number; clock?: () => Date }) {
    this.tokenUrl = options.tokenUrl;
    this.lifetimeSeconds = options.lifetimeSeconds;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Maps a certificate (its public key) to an integration, as the OAuth 2.0 client credentials setup page does. */
  register(registration: SandboxClientRegistration): void {
    const key = createPublicKey(registration.publicKeyPem);
    this.registrations.set(registration.certificateId, {
      clientId: registration.clientId,
      certificateId: registration.certificateId,
      publicKeyPem: registration.publicKeyPem,
      key,
    });
  }

  registeredClients(): Array<{ clientId: string; certificateId: string }> {
    return [...this.registrations.values()].map(({ clientId, certificateId }) => ({
      clientId,
      certificateId,
    }));
  }

  /** The registrations as they were given (the sandbox's snapshot keeps them). */
  registeredIntegrations(): SandboxClientRegistration[] {
    return [...this.registrations.values()].map(({ clientId, certificateId, publicKeyPem }) => ({
      clientId,
      certificateId,
      publicKeyPem,
    }));
  }

  /** Every issued token stops working (a token expiring mid-iteration). */
  expireAll(): void {
    this.tokens.clear();
  }

  /**
   * The client id behind a valid bearer token, or undefined (missing, unknown or expired, or issued
   * without `scope`: REST web services need `rest_webservices`, RESTlets `restlets`).
   */
  verifyBearer(authorization: string | undefined, scope?: TokenScope): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (match === null) return undefined;
    const token = this.tokens.get(match[1]!);
    if (token === undefined) return undefined;
    if (token.expiresAt <= this.clock().getTime()) {
      this.tokens.delete(match[1]!);
      return undefined;
    }
    if (scope !== undefined && !token.scopes.includes(scope)) return undefined;
    return token.clientId;
  }

  /** Handles a token request body (form-urlencoded); answers as NetSuite does, success or error. */
  async issue(contentType: string | undefined, body: string): Promise<TokenAnswer> {
    try {
      return await this.exchange(contentType, body);
    } catch (error) {
      if (error instanceof TokenRefusal) {
        return {
          status: statusOf(error.code),
          body: { error: error.code, error_description: error.message },
        };
      }
      throw error;
    }
  }

  private async exchange(contentType: string | undefined, body: string): Promise<TokenAnswer> {
    if (!(contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new TokenRefusal('invalid_request', 'The request must be application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams(body);
    const grantType = form.get('grant_type');
    if (grantType === null || grantType === '')
      throw new TokenRefusal('invalid_request', 'grant_type is missing.');
    if (grantType !== 'client_credentials') {
      throw new TokenRefusal('unsupported_grant_type', `grant_type '${grantType}' is not supported.`);
    }
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      throw new TokenRefusal('invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}.`);
    }
    const assertion = form.get('client_assertion');
    if (assertion === null || assertion === '')
      throw new TokenRefusal('invalid_request', 'client_assertion is missing.');

    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw new TokenRefusal('invalid_request', 'client_assertion is not a JWT.');
    }
    const kid = header.kid;
    const registration = typeof kid === 'string' ? this.registrations.get(kid) : undefined;
    if (registration === undefined) {
      throw new TokenRefusal('invalid_client', 'No certificate is mapped to this kid (certificate id).');
    }
    if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) {
      throw new TokenRefusal(
        'invalid_client',
        `Signature algorithm ${String(header.alg)} is not accepted; use one of ${ALLOWED_ALGORITHMS.join(', ')}.`,
      );
    }
    let payload: Record<string, unknown>;
    try {
      const verified = await compactVerify(assertion, registration.key, { algorithms: ALLOWED_ALGORITHMS });
      payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
    } catch {
      throw new TokenRefusal(
        'invalid_client',
        'The client assertion signature could not be verified with the mapped certificate.',
      );
    }
    if (typeof payload !== 'object' || payload === null)
      throw new TokenRefusal('invalid_request', 'The JWT payload is not an object.');
    if (payload.iss !== registration.clientId) {
      throw new TokenRefusal(
        'invalid_client',
        'iss is not the client id of the integration the certificate is mapped to.',
      );
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(this.tokenUrl)) {
      throw new TokenRefusal('invalid_grant', `aud must be the token endpoint URL ${this.tokenUrl}.`);
    }
    const now = Math.floor(this.clock().getTime() / 1000);
    const { iat, exp, jti } = payload;
    if (typeof iat !== 'number') throw new TokenRefusal('invalid_grant', 'iat is missing.');
    if (typeof exp !== 'number') throw new TokenRefusal('invalid_grant', 'exp is missing.');
    if (iat > now + SKEW_SECONDS) throw new TokenRefusal('invalid_grant', 'iat is in the future.');
    if (exp - iat > 3600)
      throw new TokenRefusal('invalid_grant', 'exp must be at most 60 minutes after iat.');
    if (exp <= now) throw new TokenRefusal('invalid_grant', 'The client assertion has expired.');
    this.forgetOldJtis(now);
    if (typeof jti === 'string') {
      const key = `${registration.clientId}\u0000${jti}`;
      if (this.usedJtis.has(key))
        throw new TokenRefusal('invalid_grant', 'The client assertion (jti) has already been used.');
      this.usedJtis.set(key, exp);
    }
    const scopes = grantedScopes(payload.scope);
    if (scopes.length === 0) {
      throw new TokenRefusal('invalid_scope', "scope must include 'rest_webservices' or 'restlets'.");
    }
    const accessToken = this.newToken(registration.clientId, now);
    this.tokens.set(accessToken, {
      clientId: registration.clientId,
      expiresAt: (now + this.lifetimeSeconds) * 1000,
      scopes,
    });
    return {
      status: 200,
      body: { access_token: accessToken, expires_in: this.lifetimeSeconds, token_type: 'Bearer' },
    };
  }

  private forgetOldJtis(now: number): void {
    for (const [key, exp] of this.usedJtis) if (exp < now) this.usedJtis.delete(key);
  }

  /** JWT-shaped (as NetSuite's are) but only meaningful to this sandbox, which tracks it in memory. */
  private newToken(clientId: string, now: number): string {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const head = encode({ alg: 'HS256', typ: 'JWT', kid: 'sandbox' });
    const body = encode({ sub: clientId, iat: now, exp: now + this.lifetimeSeconds, jti: randomUUID() });
    const signature = createHmac('sha256', this.signingKey).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${signature}`;
  }
}

/** The OAuth 2.0 scopes of an integration the sandbox serves (Oracle help: OAuth 2.0 client credentials). */
export type TokenScope = 'rest_webservices' | 'restlets';
const knownScopes: TokenScope[] = ['rest_webservices', 'restlets'];

function grantedScopes(scope: unknown): TokenScope[] {
  const scopes = Array.isArray(scope)
    ? scope.filter((item): item is string => typeof item === 'string')
    : typeof scope === 'string'
      ? scope.split(/[\s,]+/)
      : [];
  const asked = new Set(scopes.map((item) => item.trim()));
  return knownScopes.filter((known) => asked.has(known));
}
