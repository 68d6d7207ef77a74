// Unit tests of the NetSuite client configuration (shared/netsuite/config.ts) and of the client
// assertion the token provider signs (shared/netsuite/token.ts): checked with jose, no network.
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { BugError } from '../../shared/errors.ts';
import { parseNetSuiteClientConfig } from '../../shared/netsuite/config.ts';
import { NetSuiteTokenProvider } from '../../shared/netsuite/token.ts';

function pemPair(kind: 'rsa' | 'ec', option: number | string) {
  const { privateKey, publicKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: option as number })
      : generateKeyPairSync('ec', { namedCurve: option as string });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const rsa = pemPair('rsa', 2048);
const ecP256 = pemPair('ec', 'prime256v1');
const ecP384 = pemPair('ec', 'secp384r1');
const ecP521 = pemPair('ec', 'secp521r1');

const valid = {
  baseUrl: 'https://1234567-sb1.suitetalk.api.netsuite.com/',
  accountId: '1234567_SB1',
  clientId: 'client-abc',
  certificateId: 'cert-xyz',
  privateKeyPem: ecP256.privateKeyPem,
  algorithm: 'ES256' as const,
  concurrencyShare: 3,
};

function configError(input: unknown): BugError {
  try {
    parseNetSuiteClientConfig(input);
  } catch (error) {
    if (error instanceof BugError) return error;
    throw error;
  }
  throw new Error('configuration was accepted');
}

describe('parseNetSuiteClientConfig', () => {
  it('fills defaults and derives the token URL from the base URL', () => {
    const config = parseNetSuiteClientConfig(valid);
    expect(config.baseUrl).toBe('https://1234567-sb1.suitetalk.api.netsuite.com');
    expect(config.tokenUrl).toBe(
      'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token',
    );
    expect(config.renewBeforeSeconds).toBe(300);
    expect(config.assertionLifetimeSeconds).toBeLessThanOrEqual(3600);
    expect(config.retryPolicy.maxAttempts).toBeGreaterThan(1);
  });

  it('accepts an RSA key for PS256 and a P-384 key for ES384', () => {
    expect(() =>
      parseNetSuiteClientConfig({ ...valid, algorithm: 'PS256', privateKeyPem: rsa.privateKeyPem }),
    ).not.toThrow();
    expect(() =>
      parseNetSuiteClientConfig({ ...valid, algorithm: 'ES384', privateKeyPem: ecP384.privateKeyPem }),
    ).not.toThrow();
  });

  it('names a private key that does not match the algorithm', () => {
    const rsaForEs = configError({ ...valid, algorithm: 'ES256', privateKeyPem: rsa.privateKeyPem });
    expect(rsaForEs.message).toContain('privateKeyPem');
    expect(rsaForEs.message).toContain('needs an EC key');
    const ecForPs = configError({ ...valid, algorithm: 'PS256', privateKeyPem: ecP256.privateKeyPem });
    expect(ecForPs.message).toMatch(/privateKeyPem: .*needs an RSA key/);
    const wrongCurve = configError({ ...valid, algorithm: 'ES256', privateKeyPem: ecP384.privateKeyPem });
    expect(wrongCurve.message).toContain('curve P-384 but ES256 needs P-256');
  });

  it('refuses an unreadable key, a small RSA key and RS256', () => {
    expect(configError({ ...valid, privateKeyPem: 'not a key' }).message).toContain('not a readable PEM');
    const small = pemPair('rsa', 1024);
    expect(
      configError({ ...valid, algorithm: 'PS256', privateKeyPem: small.privateKeyPem }).message,
    ).toContain('1024 bits');
    expect(configError({ ...valid, algorithm: 'RS256' }).message).toContain('algorithm');
  });

  it('names missing and malformed fields', () => {
    const { clientId: _omitted, ...withoutClient } = valid;
    expect(configError(withoutClient).message).toContain('clientId');
    expect(configError({ ...valid, baseUrl: 'not a url' }).message).toContain('baseUrl');
    expect(configError({ ...valid, concurrencyShare: 0 }).message).toContain('concurrencyShare');
    expect(configError({ ...valid, assertionLifetimeSeconds: 7200 }).message).toContain(
      'assertionLifetimeSeconds',
    );
    expect(configError({ ...valid, surprise: true }).message).toContain('surprise');
  });
});

describe('client assertion', () => {
  // Every algorithm NetSuite accepts, each signature checked by jose (an implementation of its own).
  it.each([
    ['PS256', rsa],
    ['PS384', rsa],
    ['PS512', rsa],
    ['ES256', ecP256],
    ['ES384', ecP384],
    ['ES512', ecP521],
  ] as const)('is a %s JWT NetSuite accepts: header, claims and lifetime', async (algorithm, pair) => {
    const config = parseNetSuiteClientConfig({ ...valid, algorithm, privateKeyPem: pair.privateKeyPem });
    const nowMs = Date.parse('2026-03-01T10:00:00Z');
    const provider = new NetSuiteTokenProvider({ config, clock: { now: () => nowMs } });
    const assertion = await provider.signAssertion();
    expect(decodeProtectedHeader(assertion)).toEqual({ typ: 'JWT', alg: algorithm, kid: 'cert-xyz' });
    const { payload } = await jwtVerify(assertion, await importSPKI(pair.publicKeyPem, algorithm), {
      currentDate: new Date(nowMs),
      issuer: 'client-abc',
      audience: config.tokenUrl,
    });
    expect(payload.scope).toEqual(['rest_webservices']);
    expect(payload.iat).toBe(nowMs / 1000);
    expect(payload.exp! - payload.iat!).toBeGreaterThan(0);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(3600);
    expect(typeof payload.jti).toBe('string');
    const again = await provider.signAssertion();
    const { payload: second } = await jwtVerify(again, await importSPKI(pair.publicKeyPem, algorithm), {
      currentDate: new Date(nowMs),
    });
    expect(second.jti).not.toBe(payload.jti);
  });
});
