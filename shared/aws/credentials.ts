// The NetSuite and Procurify credentials as stored in Secrets Manager (by `apsync secrets set`), read
// through Powertools Parameters with a cache of minutes, validated with zod. Never logged.
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { DataError } from '../errors.ts';
import { netSuiteAlgorithms } from '../netsuite/index.ts';
import { procurifyDomain } from '../procurify/domain.ts';
import { classifyAwsError } from './sdk-errors.ts';
import { secretNotSetCode } from './secret-not-set.ts';

export const netSuiteCredentialsSchema = z
  .object({
    accountId: z.string().min(1),
    clientId: z.string().min(1),
    certificateId: z.string().min(1),
    privateKeyPem: z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }),
    algorithm: z.enum(netSuiteAlgorithms),
    /** Overrides the configured base URL (e.g. a sandbox account). */
    baseUrl: z.url().optional(),
    /**
     * Enables apsync's RESTlets (invoice files: infra/netsuite-script/); the integration's token then
     * also asks the `restlets` scope. `baseUrl` defaults to `baseUrl` above, else the account's RESTlet
     * host (`https://<account>.restlets.api.netsuite.com`).
     */
    restlets: z.object({ baseUrl: z.url().optional() }).strict().optional(),
  })
  .strict();
export type NetSuiteCredentials = z.infer<typeof netSuiteCredentialsSchema>;

export const procurifyCredentialsSchema = z
  .object({
    /** The sub-domain: `acme` for https://acme.procurify.com (shared/procurify/domain.ts). */
    domain: procurifyDomain(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    baseUrl: z.url().optional(),
    tokenUrl: z.url().optional(),
    audience: z.string().optional(),
  })
  .strict();
export type ProcurifyCredentials = z.infer<typeof procurifyCredentialsSchema>;

/**
 * The last value read of each secret, parsed, per schema: a client request asks for its credentials
 * (a cache hit in Powertools), and the same value is not parsed and validated again until it changes.
 */
const parsedSecrets = new WeakMap<z.ZodType, Map<string, { raw: string; value: unknown }>>();

export async function readCredentials<T>(
  provider: SecretsProvider,
  secretName: string,
  schema: z.ZodType<T>,
  maxAgeSeconds = 300,
): Promise<T> {
  const raw = String(await readSecret(provider, secretName, maxAgeSeconds));
  let parsedOfSchema = parsedSecrets.get(schema);
  const last = parsedOfSchema?.get(secretName);
  if (last?.raw === raw) return last.value as T;
  const value = parseCredentials(raw, secretName, schema);
  if (parsedOfSchema === undefined) {
    parsedOfSchema = new Map();
    parsedSecrets.set(schema, parsedOfSchema);
  }
  parsedOfSchema.set(secretName, { raw, value });
  return value;
}

async function readSecret(provider: SecretsProvider, secretName: string, maxAgeSeconds: number) {
  let raw: unknown;
  try {
    raw = await provider.get(secretName, { maxAge: maxAgeSeconds });
  } catch (error) {
    if (secretWithoutValue(error)) {
      throw new DataError(`secret ${secretName} has no value yet; store it with "apsync secrets set"`, {
        source: 'apsync',
        code: secretNotSetCode,
      });
    }
    throw classifyAwsError(error, 'secretsmanager');
  }
  return raw;
}

function parseCredentials<T>(raw: string, secretName: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new DataError(`secret ${secretName} is not JSON; store it with "apsync secrets set"`, {
      source: 'apsync',
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new DataError(`secret ${secretName} is malformed (${fields})`, { source: 'apsync' });
  }
  return parsed.data;
}

/**
 * A secret that does not exist or has no version yet: Secrets Manager answers ResourceNotFoundException
 * ("… can't find the specified secret value for staging label: AWSCURRENT"), which Powertools wraps in a
 * GetParameterError whose `cause` is the SDK's error.
 */
function secretWithoutValue(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current.name === 'ResourceNotFoundException') return true;
    if (/not found|no value|can't find the specified secret/i.test(current.message)) return true;
  }
  return false;
}
