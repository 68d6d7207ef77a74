// The console's Lambda handler (functions/operator-console) as API Gateway calls it (payload v2), against
// the AWS emulators, signed in through a stand-in for Cognito's hosted UI: the authorization-code flow
// with PKCE, ID tokens signed with a test key; a request without a valid token goes to sign-in, a POST
// without the CSRF token is refused, a wrong audience is not accepted; settings change as in local mode
// (functions/operator-console/settings-change.ts): confirmation, CSRF, recorded with the console user.
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorConsoleHandler } from '../../functions/operator-console/handler.ts';
import { consoleSettingsChange } from '../../functions/operator-console/settings-change.ts';
import { type AwsEmulators, startAwsEmulators } from '../../infra/local/aws/index.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { createCognitoAuth } from '../../shared/console/cognito-auth.ts';
import type { QueueKey } from '../../shared/resources.ts';
import { readHistory, readSettingValues } from '../../shared/settings/settings-store.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';

const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST';
const domainUrl = 'https://apsync-test.auth.us-east-1.amazoncognito.com';
const clientId = 'console-client';
const host = 'abc123.execute-api.us-east-1.amazonaws.com';

let aws: AwsEmulators;
let handler: ReturnType<typeof createOperatorConsoleHandler>;
let state: DynamoStateStore;
let clientsBuilt = 0;
let signToken: (claims: Record<string, unknown>, audience?: string) => Promise<string>;
const issuedCodes = new Map<string, { challenge: string; redirectUri: string }>();

beforeAll(async () => {
  aws = await startAwsEmulators();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: 'RS256' };
  signToken = (claims, audience = clientId) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  // Cognito's token endpoint: a code is good once, for the verifier whose hash the authorize step saw.
  const tokenEndpoint = async (_url: URL | string | Request, init?: RequestInit): Promise<Response> => {
    const form = new URLSearchParams(String(init?.body));
    const issued = issuedCodes.get(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const ok =
      issued !== undefined &&
      form.get('client_id') === clientId &&
      form.get('redirect_uri') === issued.redirectUri &&
      createHash('sha256').update(verifier).digest('base64url') === issued.challenge;
    if (!ok) return new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400 });
    issuedCodes.delete(form.get('code') ?? '');
    const idToken = await signToken({ token_use: 'id', email: 'clerk@example.com', sub: 'u-1' });
    return new Response(JSON.stringify({ id_token: idToken, expires_in: 3600 }), { status: 200 });
  };
  const queues = Object.fromEntries(
    (Object.keys(aws.queueUrls) as QueueKey[]).map((key) => [
      key,
      { url: aws.queueUrls[key], deadLetterQueueUrl: aws.deadLetterQueueUrls[key] },
    ]),
  ) as Record<QueueKey, { url: string; deadLetterQueueUrl: string }>;
  state = new DynamoStateStore(new DynamoDBClient(aws.clientConfig('dynamodb')), aws.names.tables.state);
  const sqs = new SQSClient(aws.clientConfig('sqs'));
  handler = createOperatorConsoleHandler({
    basePath: '/console/',
    settings: consoleSettingsChange({
      state,
      sqs,
      deployment: { defaultPaymentMode: 'push', settings: {} },
      // paymentMode names no NetSuite or Procurify record: its change must not build the clients.
      syncClients: async () => {
        clientsBuilt += 1;
        throw new Error('the sync clients are not needed for paymentMode');
      },
      queueUrls: { inbound: aws.queueUrls.inbound, bill: aws.queueUrls.bill },
    }),
    data: {
      state,
      sqs,
      queues,
      defaultPaymentMode: 'push',
    },
    auth: createCognitoAuth({
      issuer,
      domainUrl,
      clientId,
      basePath: '/console/',
      consoleUrl: `https://${host}/console/`,
      keys: createLocalJWKSet({ keys: [jwk] }),
      fetch: tokenEndpoint as typeof fetch,
    }),
    csrfSecret: Buffer.from('test'),
  });
});

afterAll(async () => {
  await aws?.stop();
});

async function call(
  method: string,
  path: string,
  options: { cookies?: string[]; body?: string } = {},
): Promise<APIGatewayProxyStructuredResultV2> {
  const [rawPath, rawQueryString = ''] = path.split('?');
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: {
      host,
      ...(options.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(options.cookies === undefined ? {} : { cookies: options.cookies }),
    requestContext: { http: { method, path: rawPath } },
    ...(options.body === undefined ? {} : { body: options.body, isBase64Encoded: false }),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  return (await handler(
    event,
    createLambdaContext('operator-console', 10_000),
  )) as APIGatewayProxyStructuredResultV2;
}

const cookieValue = (cookies: string[] | undefined, name: string) =>
  cookies?.find((cookie) => cookie.startsWith(`${name}=`))?.split(';')[0];

describe('operator console on Lambda with Cognito sign-in', () => {
  it('sends an unauthenticated browser to the hosted UI and signs it in with PKCE', async () => {
    const start = await call('GET', '/console/failures');
    expect(start.statusCode).toBe(303);
    expect(start.headers?.location).toBe('/console/login');
    expect((await call('POST', '/console/actions/redrive', { body: 'queue=bill' })).statusCode).toBe(401);

    const login = await call('GET', '/console/login');
    expect(login.statusCode).toBe(302);
    const authorize = new URL(String(login.headers?.location));
    expect(authorize.origin).toBe(domainUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const redirectUri = `https://${host}/console/callback`;
    expect(authorize.searchParams.get('redirect_uri')).toBe(redirectUri);
    const loginCookie = cookieValue(login.cookies, 'apsync_console_login')!;
    expect(login.cookies?.[0]).toMatch(/HttpOnly; Secure; SameSite=Lax; Path=\/console\//);
    issuedCodes.set('code-1', { challenge: authorize.searchParams.get('code_challenge')!, redirectUri });

    const wrongState = await call('GET', '/console/callback?code=code-1&state=other', {
      cookies: [loginCookie],
    });
    expect(wrongState.statusCode).toBe(400);
    const state = authorize.searchParams.get('state')!;
    const callback = await call('GET', `/console/callback?code=code-1&state=${state}`, {
      cookies: [loginCookie],
    });
    expect(callback.statusCode).toBe(303);
    const session = cookieValue(callback.cookies, 'apsync_console')!;
    expect(session).toBeDefined();

    const page = await call('GET', '/console/failures', { cookies: [session] });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('clerk@example.com (apsync console)');
    expect(page.headers?.['content-security-policy']).toContain("default-src 'none'");

    const refused = await call('POST', '/console/actions/redrive', {
      cookies: [session],
      body: 'queue=bill',
    });
    expect(refused.statusCode).toBe(403);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body ?? '')?.[1];
    const redriven = await call('POST', '/console/actions/redrive', {
      cookies: [session],
      body: `queue=bill&csrf=${csrf}`,
    });
    expect(redriven.statusCode).toBe(303);
    expect(redriven.headers?.location).toContain('nothing%20to%20redrive');

    const signedOut = await call('POST', '/console/logout', { cookies: [session], body: `csrf=${csrf}` });
    expect(signedOut.statusCode).toBe(200);
    expect(signedOut.body).toContain(`${domainUrl}/logout?client_id=${clientId}`);
    expect(signedOut.cookies?.[0]).toMatch(/^apsync_console=; .*Max-Age=0/);
  });

  it('does not accept a token of another app client or an access token', async () => {
    const otherClient = await signToken({ token_use: 'id', email: 'x@example.com' }, 'other-client');
    expect((await call('GET', '/console/', { cookies: [`apsync_console=${otherClient}`] })).statusCode).toBe(
      303,
    );
    const access = await signToken({ token_use: 'access', email: 'x@example.com' });
    expect((await call('GET', '/console/', { cookies: [`apsync_console=${access}`] })).statusCode).toBe(303);
  });

  it('changes a setting after its confirmation, each POST with the CSRF token, recorded with the console user', async () => {
    const session = `apsync_console=${await signToken({ token_use: 'id', email: 'clerk@example.com', sub: 'u-1' })}`;
    const list = await call('GET', '/console/settings', { cookies: [session] });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/console/settings/edit?name=paymentMode"');
    expect(list.body).not.toContain('npx apsync settings set');
    const edit = await call('GET', '/console/settings/edit?name=paymentMode', { cookies: [session] });
    expect(edit.statusCode).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(edit.body ?? '')?.[1] ?? '';
    expect(csrf).not.toBe('');

    const forged = await call('POST', '/console/actions/settings', {
      cookies: [session],
      body: 'name=paymentMode&value=pull',
    });
    expect(forged.statusCode).toBe(403);
    const confirm = await call('POST', '/console/settings/confirm', {
      cookies: [session],
      body: `name=paymentMode&value=pull&csrf=${csrf}`,
    });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('<h1>Change paymentMode?</h1>');
    expect(await readHistory(state)).toEqual([]);

    const changed = await call('POST', '/console/actions/settings', {
      cookies: [session],
      body: `name=paymentMode&value=pull&csrf=${csrf}`,
    });
    expect(changed.statusCode).toBe(303);
    expect(decodeURIComponent(String(changed.headers?.location))).toContain('paymentMode changed to');
    const [value] = await readSettingValues(state, { defaultPaymentMode: 'push', settings: {} }, [
      'paymentMode',
    ]);
    expect(value?.value).toBe('pull');
    expect((await readHistory(state))[0]).toMatchObject({
      name: 'paymentMode',
      by: 'clerk@example.com (apsync console)',
      via: 'console',
    });
    expect(clientsBuilt).toBe(0);
  });
});
