// The Procurify sandbox's OAuth 2.0 client-credentials tokens: issued by `POST /oauth/token`
// (api.ts), checked on every API call, expired in bulk by tests (index.ts expireAllTokens).
import { randomBytes } from 'node:crypto';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export type TokenCheck = { ok: true; clientId: string } | { ok: false; reason: 'unknown' | 'expired' };

export class TokenRegistry {
  private readonly tokens = new Map<string, { clientId: string; expiresAtMs: number }>();
  issued = 0;

  private readonly nowMs: () => number;

  constructor(nowMs: () => number) {
    this.nowMs = nowMs;
  }

  issue(clientId: string, lifetimeSeconds: number): string {
    const token = `pfy.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { clientId, expiresAtMs: this.nowMs() + lifetimeSeconds * 1000 });
    this.issued += 1;
    return token;
  }

  check(token: string): TokenCheck {
    const entry = this.tokens.get(token);
    if (entry === undefined) return { ok: false, reason: 'unknown' };
    if (entry.expiresAtMs <= this.nowMs()) return { ok: false, reason: 'expired' };
    return { ok: true, clientId: entry.clientId };
  }

  /** Every token issued so far stops working (as if 24 hours had passed). */
  expireAll(): void {
    for (const entry of this.tokens.values()) entry.expiresAtMs = Number.NEGATIVE_INFINITY;
  }

  clear(): void {
    this.tokens.clear();
  }
}
