// Conformance of the NetSuite sandbox's OAuth 2.0 client credentials flow and bearer checks
// (the token endpoint's facts: infra/contracts/facts/netsuite-reference.ts), over HTTP with plain fetch and jose.
import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAssertion, SandboxAccess, tokenRequest } from '../../infra/sandboxes/netsuite/access.ts';
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../infra/sandboxes/netsuite/index.ts';
import { refusedOnPurpose } from '../support/contracts/policy.ts';

let sandbox: NetSuiteSandbox;
let rsaCredentials: NetSuiteSandbox['credentials'];
let rsaPrivatePem: string;

beforeAll(async () => {
  // An RSA 3072 certificate registered as a second integration (PS256 must work with it, RS256 must not).
  const rsa = generateKeyPairSync('rsa', { modulusLength: 3072 });
  rsaPrivatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  sandbox = await startNetSuiteSandbox({
    clients: [
      {
        clientId: 'b'.repeat(64),
        certificateId: 'rsa-cert-1',
        publicKeyPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
    ],
  });
  rsaCredentials = {
    ...sandbox.credentials,
    clientId: 'b'.repeat(64),
    certificateId: 'rsa-cert-1',
    privateKeyPem: rsaPrivatePem,
    algorithm: 'PS256',
  };
});

afterAll(async () => {
  await sandbox.close();
});

async function exchange(assertion: string, overrides: Record<string, string> = {}) {
  const response = await tokenRequest(sandbox.credentials.tokenUrl, assertion, overrides);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('token endpoint', () => {
  it('issues a bearer token for an ES256 assertion', async () => {
    const { status, body } = await exchange(await clientAssertion(sandbox.credentials));
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    expect(typeof body.access_token).toBe('string');
    expect(sandbox.credentials.tokenUrl).toBe(`${sandbox.url}/services/rest/auth/oauth2/v1/token`);
    expect(sandbox.credentials.algorithm).toBe('ES256');
  });

  it('issues a token for PS256 with an RSA 3072 certificate', async () => {
    const { status, body } = await exchange(await clientAssertion(rsaCredentials));
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
  });

  it('refuses RS256 even with a registered RSA certificate', async () => {
    const key = await importPKCS8(rsaPrivatePem, 'RS256');
    const { status, body } = await exchange(
      await clientAssertion(rsaCredentials, { header: { alg: 'RS256' }, key }),
    );
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(String(body.error_description)).toMatch(/RS256/);
  });

  it('refuses HS256 and alg none', async () => {
    const hs = await clientAssertion(sandbox.credentials, {
      header: { alg: 'HS256' },
      key: new TextEncoder().encode('a-shared-secret-of-32-bytes-long!!'),
    });
    expect((await exchange(hs)).body.error).toBe('invalid_client');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: sandbox.credentials.certificateId })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: sandbox.credentials.clientId }),
    ).toString('base64url')}.`;
    expect((await exchange(unsigned)).body.error).toBe('invalid_client');
  });

  it('refuses an unknown kid, an iss of another integration and a key that does not match the kid', async () => {
    const wrongKid = await exchange(
      await clientAssertion(sandbox.credentials, { header: { kid: 'no-such-cert' } }),
    );
    expect(wrongKid).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const wrongIss = await exchange(
      await clientAssertion(sandbox.credentials, { claims: { iss: 'b'.repeat(64) } }),
    );
    expect(wrongIss).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const wrongKey = await exchange(await clientAssertion({ ...sandbox.credentials, privateKeyPem: other }));
    expect(wrongKey).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses a wrong audience', async () => {
    const { status, body } = await exchange(
      await clientAssertion(sandbox.credentials, {
        claims: { aud: 'https://1234567-sb1.suitetalk.api.netsuite.com/token' },
      }),
    );
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
  });

  it('refuses exp more than 60 minutes after iat, a missing exp and an expired assertion', async () => {
    expect(
      (await exchange(await clientAssertion(sandbox.credentials, { lifetimeSeconds: 3601 }))).body.error,
    ).toBe('invalid_grant');
    expect(
      (await exchange(await clientAssertion(sandbox.credentials, { lifetimeSeconds: 3600 }))).status,
    ).toBe(200);
    expect(
      (await exchange(await clientAssertion(sandbox.credentials, { claims: { exp: undefined } }))).body.error,
    ).toBe('invalid_grant');
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await exchange(
      await clientAssertion(sandbox.credentials, { issuedAt: past, lifetimeSeconds: 600 }),
    );
    expect(expired).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(expired.body.error_description)).toMatch(/expired/);
  });

  it('refuses a replayed jti', async () => {
    const assertion = await clientAssertion(sandbox.credentials, { claims: { jti: 'fixed-jti-1' } });
    expect((await exchange(assertion)).status).toBe(200);
    const replay = await exchange(assertion);
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('accepts scope as a comma or space separated string or an array, and refuses a scope with neither rest_webservices nor restlets', async () => {
    for (const scope of [
      'rest_webservices',
      'restlets,rest_webservices',
      'restlets rest_webservices',
      ['restlets', 'rest_webservices'],
      ['restlets'],
    ]) {
      expect((await exchange(await clientAssertion(sandbox.credentials, { claims: { scope } }))).status).toBe(
        200,
      );
    }
    const neither = await exchange(
      await clientAssertion(sandbox.credentials, { claims: { scope: ['suite_analytics'] } }),
    );
    expect(neither).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  });

  it('serves REST web services only to a rest_webservices token, and RESTlets only to a restlets token', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'GET /services/rest/record/v1/{type}',
      statuses: [401],
      reason: 'a token without rest_webservices is sent to see it refused',
    });
    const tokenWith = async (scope: string[]) =>
      String(
        (await exchange(await clientAssertion(sandbox.credentials, { claims: { scope } }))).body.access_token,
      );
    const restletsOnly = await tokenWith(['restlets']);
    const restOnly = await tokenWith(['rest_webservices']);
    const record = (token: string) =>
      fetch(`${sandbox.url}/services/rest/record/v1/vendor`, {
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await record(restletsOnly)).status).toBe(401);
    expect((await record(restOnly)).status).toBe(200);
    const restlet = (token: string) =>
      fetch(
        `${sandbox.url}/app/site/hosting/restlet.nl?script=customscript_apsync_attach&deploy=customdeploy_apsync_attach`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ apiVersion: 1, action: 'checkFolder', folderId: '1' }),
        },
      );
    const refused = await restlet(restOnly);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { code: 'INVALID_LOGIN_ATTEMPT', message: 'Invalid login attempt.' },
    });
    expect((await restlet(restletsOnly)).status).toBe(200);
  });

  it('answers malformed requests with invalid_request and unsupported_grant_type', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'POST /services/rest/auth/oauth2/v1/token',
      reason: 'malformed token requests are sent to see them refused',
    });
    const assertion = await clientAssertion(sandbox.credentials);
    expect((await exchange(assertion, { grant_type: 'authorization_code' })).body.error).toBe(
      'unsupported_grant_type',
    );
    expect((await exchange(assertion, { client_assertion_type: 'urn:other' })).body.error).toBe(
      'invalid_request',
    );
    expect((await exchange('not-a-jwt')).body.error).toBe('invalid_request');
    const json = await fetch(sandbox.credentials.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
  });
});

describe('bearer tokens on NetSuite paths', () => {
  const expectInvalidLogin = async (response: Response) => {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${sandbox.accountId}", error="invalid_token", error_description="Invalid login attempt."`,
    );
    expect(response.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=error');
    const body = (await response.json()) as {
      status: number;
      'o:errorDetails': Array<Record<string, string>>;
    };
    expect(body.status).toBe(401);
    expect(body['o:errorDetails'][0]!['o:errorCode']).toBe('INVALID_LOGIN');
  };

  it('answers 401 INVALID_LOGIN without a token or with an unknown one', async () => {
    await expectInvalidLogin(await fetch(`${sandbox.url}/services/rest/record/v1/vendor`));
    await expectInvalidLogin(
      await fetch(`${sandbox.url}/services/rest/record/v1/vendor`, {
        headers: { authorization: 'Bearer made-up' },
      }),
    );
  });

  it('stops accepting tokens after expireAllTokens (and after their lifetime)', async () => {
    const access = new SandboxAccess(sandbox);
    expect((await access.record('GET', 'vendor')).status).toBe(200);
    sandbox.expireAllTokens();
    await expectInvalidLogin(await access.record('GET', 'vendor'));
    access.forgetToken();
    expect((await access.record('GET', 'vendor')).status).toBe(200);

    sandbox.setConfig({ tokenLifetimeSeconds: 1 });
    try {
      const shortLived = new SandboxAccess(sandbox);
      const token = await shortLived.accessToken();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await expectInvalidLogin(
        await fetch(`${sandbox.url}/services/rest/record/v1/vendor`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
    } finally {
      sandbox.setConfig({ tokenLifetimeSeconds: 3600 });
    }
  });
});
