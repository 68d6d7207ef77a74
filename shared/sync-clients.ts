// Builds the NetSuite and Procurify clients from their secrets, once per container, and rebuilds each
// when its secret's value changes (rotation). Workers ask for them per invocation; the cost is a cache
// hit. The functions and the CLI both get theirs here, through shared/config/runtime-parts.ts.
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type * as z from 'zod';
import {
  type NetSuiteCredentials,
  netSuiteCredentialsSchema,
  type ProcurifyCredentials,
  procurifyCredentialsSchema,
  readCredentials,
} from './aws/credentials.ts';
import type { FunctionSettings } from './config/environment.ts';
import { createNetSuiteClient, type NetSuiteClient } from './netsuite/index.ts';
import { procurifyBaseUrlFor } from './procurify/domain.ts';
import { createProcurifyClient, type ProcurifyClient } from './procurify/index.ts';

/**
 * The settings the clients are built with, taken whole from the settings (readSettings): a setting the
 * clients use reaches every caller, functions and CLI alike, without being copied field by field.
 */
export type SyncClientSettings = Pick<
  FunctionSettings,
  'netsuiteBaseUrl' | 'procurifyBaseUrl' | 'netsuiteConcurrencyShare' | 'netsuiteRequestTimeoutSeconds'
>;

/** The names of the two secrets (Secrets Manager). */
export interface SyncClientSecrets {
  netsuiteSecret: string;
  procurifySecret: string;
}

export interface SyncClients {
  netsuite: NetSuiteClient;
  procurify: ProcurifyClient;
}

/** Both clients; each is rebuilt only when its own secret changes. */
export function createSyncClientSource(
  provider: SecretsProvider,
  secrets: SyncClientSecrets,
  settings: SyncClientSettings,
): () => Promise<SyncClients> {
  const netsuite = createNetSuiteClientSource(provider, secrets.netsuiteSecret, settings);
  const procurify = createProcurifyClientSource(provider, secrets.procurifySecret, settings);
  return async () => {
    const [netsuiteClient, procurifyClient] = await Promise.all([netsuite(), procurify()]);
    return { netsuite: netsuiteClient, procurify: procurifyClient };
  };
}

/**
 * A source of one client from its secret: the client is kept while the secret's value stays the same,
 * rebuilt when it changes.
 */
const clientSource =
  <Credentials, Client>(
    schema: z.ZodType<Credentials>,
    build: (credentials: Credentials, settings: SyncClientSettings) => Client,
  ) =>
  (provider: SecretsProvider, secretName: string, settings: SyncClientSettings): (() => Promise<Client>) =>
    rebuiltWhenSecretChanges(provider, secretName, schema, (credentials) => build(credentials, settings));

/** The NetSuite client alone, for holders of the NetSuite secret only (the NetSuite poll). */
export const createNetSuiteClientSource = clientSource(netSuiteCredentialsSchema, buildNetSuite);

/** The Procurify client alone, for holders of the Procurify secret only (the Procurify poll). */
export const createProcurifyClientSource = clientSource(procurifyCredentialsSchema, buildProcurify);

/** A client built from a secret's value, kept while the value stays the same, rebuilt when it changes. */
function rebuiltWhenSecretChanges<Credentials, Client>(
  provider: SecretsProvider,
  secretName: string,
  schema: z.ZodType<Credentials>,
  build: (credentials: Credentials) => Client,
): () => Promise<Client> {
  let built: { credentials: Credentials; client: Client } | undefined;
  return async () => {
    // The same object while the secret's value stays the same (readCredentials keeps it parsed).
    const credentials = await readCredentials(provider, secretName, schema);
    if (built?.credentials !== credentials) built = { credentials, client: build(credentials) };
    return built.client;
  };
}

function buildNetSuite(credentials: NetSuiteCredentials, settings: SyncClientSettings): NetSuiteClient {
  const host = credentials.accountId.toLowerCase().replaceAll('_', '-');
  return createNetSuiteClient({
    baseUrl: credentials.baseUrl ?? settings.netsuiteBaseUrl ?? `https://${host}.suitetalk.api.netsuite.com`,
    accountId: credentials.accountId,
    clientId: credentials.clientId,
    certificateId: credentials.certificateId,
    privateKeyPem: credentials.privateKeyPem,
    algorithm: credentials.algorithm,
    concurrencyShare: settings.netsuiteConcurrencyShare,
    ...(credentials.restlets === undefined
      ? {}
      : {
          restlets: {
            ...((credentials.restlets.baseUrl ?? credentials.baseUrl) === undefined
              ? {}
              : { baseUrl: credentials.restlets.baseUrl ?? credentials.baseUrl }),
          },
        }),
    requestTimeoutMs: settings.netsuiteRequestTimeoutSeconds * 1000,
  });
}

function buildProcurify(credentials: ProcurifyCredentials, settings: SyncClientSettings): ProcurifyClient {
  const baseUrl = credentials.baseUrl ?? settings.procurifyBaseUrl ?? procurifyBaseUrlFor(credentials.domain);
  return createProcurifyClient({
    baseUrl,
    tokenUrl: credentials.tokenUrl ?? `${baseUrl.replace(/\/+$/, '')}/oauth/token`,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    ...(credentials.audience === undefined ? {} : { audience: credentials.audience }),
  });
}
