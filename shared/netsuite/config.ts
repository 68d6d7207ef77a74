// The NetSuite client's configuration: validated once by createNetSuiteClient (and by whoever loads
// credentials from Secrets Manager) so a bad field fails at start with a message naming it.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { BugError } from '../errors.ts';
import { defaultRetryPolicy, type RetryPolicy } from '../retry.ts';

/** Signing algorithms NetSuite accepts for the client-credentials assertion (RS256 is refused). */
export const netSuiteAlgorithms = ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type NetSuiteAlgorithm = (typeof netSuiteAlgorithms)[number];

/** The curve each ES algorithm signs with (JWA: ES256 is P-256, ES384 P-384, ES512 P-521). */
const curveOfAlgorithm: Record<string, string> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};
const curveNames: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

const retryPolicySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(50),
    baseMs: z.number().min(0),
    capMs: z.number().min(0),
  })
  .strict();

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

/** Script and deployment ids as NetSuite makes them (`customscript_…`, `customdeploy_…`). */
const scriptId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[a-z0-9_]+$`), `must be a ${prefix}… id (lower case, digits, _)`);

/**
 * apsync's RESTlets (infra/netsuite-script/). A RESTlet is served on the account's RESTlet host,
 * `https://<account>.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=…&deploy=…`, not the
 * SuiteTalk host (Oracle help: RESTlet URL and domain); its token needs the `restlets` scope.
 */
const restletsSchema = z
  .object({
    /** Defaults to `https://<account id, lower case, _ as ->.restlets.api.netsuite.com` (Company URLs). */
    baseUrl: httpUrl.optional(),
    /** The attachment RESTlet (apsync_attach_rl.js) as deployed. */
    attach: z
      .object({
        scriptId: scriptId('customscript_').default('customscript_apsync_attach'),
        deployId: scriptId('customdeploy_').default('customdeploy_apsync_attach'),
      })
      .strict()
      .default({ scriptId: 'customscript_apsync_attach', deployId: 'customdeploy_apsync_attach' }),
  })
  .strict();

/** The RESTlet host NetSuite gives an account: `1234567_SB1` → `https://1234567-sb1.restlets.api.netsuite.com`. */
export function restletBaseUrlFor(accountId: string): string {
  return `https://${accountId.toLowerCase().replaceAll('_', '-')}.restlets.api.netsuite.com`;
}

export const netSuiteClientConfigSchema = z
  .object({
    /** Account host, e.g. `https://1234567-sb1.suitetalk.api.netsuite.com` (read it from Company URLs). */
    baseUrl: httpUrl,
    accountId: z.string().min(1),
    /** The integration record's client id (the assertion's `iss`). */
    clientId: z.string().min(1),
    /** The id NetSuite shows for the mapped certificate (the assertion's `kid`). */
    certificateId: z.string().min(1),
    privateKeyPem: z.string().min(1),
    algorithm: z.enum(netSuiteAlgorithms),
    /** Defaults to `${baseUrl}/services/rest/auth/oauth2/v1/token`. */
    tokenUrl: httpUrl.optional(),
    /** How many requests this client may have in flight: apsync's share of the account limit. */
    concurrencyShare: z.number().int().min(1).max(1000),
    retryPolicy: retryPolicySchema.optional(),
    /** Whole-request deadline (headers and body); a request past it is a transient failure. */
    requestTimeoutMs: z.number().int().min(1).max(900_000).default(60_000),
    /** A token is never used within its last `renewBeforeSeconds` (capped at half its lifetime). */
    renewBeforeSeconds: z.number().int().min(0).max(3000).default(300),
    /** Lifetime of the signed assertion (`exp - iat`); NetSuite allows at most 3600. */
    assertionLifetimeSeconds: z.number().int().min(30).max(3600).default(1800),
    /** Halve the permitted concurrency on a governance 429 and creep back (see governor.ts). */
    adaptiveConcurrency: z.boolean().default(true),
    /**
     * apsync's RESTlets (invoice attachments). When set, tokens are asked with the `restlets` scope as
     * well as `rest_webservices`, so the integration record must have both scopes ticked.
     */
    restlets: restletsSchema.optional(),
  })
  .strict()
  .superRefine((config, context) => {
    const problem = privateKeyProblem(config.privateKeyPem, config.algorithm);
    if (problem !== undefined)
      context.addIssue({ code: 'custom', path: ['privateKeyPem'], message: problem });
  });

export type NetSuiteClientConfigInput = z.input<typeof netSuiteClientConfigSchema>;

export interface NetSuiteRestletsConfig {
  baseUrl: string;
  attach: { scriptId: string; deployId: string };
}

export interface NetSuiteClientConfig
  extends Omit<z.output<typeof netSuiteClientConfigSchema>, 'tokenUrl' | 'restlets'> {
  tokenUrl: string;
  retryPolicy: RetryPolicy;
  restlets?: NetSuiteRestletsConfig;
}

/** The OAuth 2.0 scopes a client's tokens need: `rest_webservices`, and `restlets` when RESTlets are configured. */
export function tokenScopes(config: Pick<NetSuiteClientConfig, 'restlets'>): string[] {
  return config.restlets === undefined ? ['rest_webservices'] : ['rest_webservices', 'restlets'];
}

/** Validates a configuration; throws a BugError (a deployment mistake) naming every bad field. */
export function parseNetSuiteClientConfig(input: unknown): NetSuiteClientConfig {
  const result = netSuiteClientConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`,
    );
    throw new BugError(`NetSuite client configuration is invalid: ${problems.join('; ')}`, {
      source: 'netsuite',
      path: result.error.issues[0]?.path.join('.'),
    });
  }
  const { restlets, ...config } = result.data;
  return {
    ...config,
    tokenUrl: config.tokenUrl ?? `${config.baseUrl}/services/rest/auth/oauth2/v1/token`,
    retryPolicy: config.retryPolicy ?? defaultRetryPolicy,
    ...(restlets === undefined
      ? {}
      : {
          restlets: {
            baseUrl: restlets.baseUrl ?? restletBaseUrlFor(config.accountId),
            attach: restlets.attach,
          },
        }),
  };
}

/** The private key as a Node KeyObject (PKCS#8, PKCS#1 or SEC1 PEM); jose signs with it directly. */
export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem' });
}

/** Why a PEM cannot sign with `algorithm`, or undefined when it can. */
export function privateKeyProblem(pem: string, algorithm: NetSuiteAlgorithm): string | undefined {
  let key: KeyObject;
  try {
    key = loadPrivateKey(pem);
  } catch {
    return 'is not a readable PEM private key';
  }
  const type = key.asymmetricKeyType;
  if (algorithm.startsWith('PS')) {
    if (type !== 'rsa' && type !== 'rsa-pss') {
      return `is a ${type ?? 'unknown'} key but algorithm ${algorithm} needs an RSA key`;
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048)
      return `is an RSA key of ${bits} bits; ${algorithm} needs at least 2048 (NetSuite: 3072 or 4096)`;
    return undefined;
  }
  if (type !== 'ec') return `is a ${type ?? 'unknown'} key but algorithm ${algorithm} needs an EC key`;
  const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
  const wanted = curveOfAlgorithm[algorithm]!;
  if (curve !== wanted) {
    return `is an EC key on curve ${curveNames[curve] ?? curve} but ${algorithm} needs ${curveNames[wanted]}`;
  }
  return undefined;
}
