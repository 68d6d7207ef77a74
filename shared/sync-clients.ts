// Builds the NetSuite and Procurify clients from their secrets, once per container, and rebuilds them
// when a secret's value changes (rotation). Workers ask for them per invocation; the cost is a cache hit.
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import {
  type NetSuiteCredentials,
  netSuiteCredentialsSchema,
  type ProcurifyCredentials,
  procurifyCredentialsSchema,
  readCredentials,
} from './aws/credentials.ts';
import { createNetSuiteClient, type NetSuiteClient } from './netsuite/index.ts';
import { procurifyBaseUrlFor } from './procurify/domain.ts';
import { createProcurifyClient, type ProcurifyClient } from './procurify/index.ts';

export interface SyncClientSettings {
  netsuiteSecret: string;
  procurifySecret: string;
  /** Base URL of the NetSuite account (`https://<account>.suitetalk.api.netsuite.com`) unless the secret names one. */
  netsuiteBaseUrl?: string;
  /** Base URL of Procurify unless the secret names one; default `https://<domain>.procurify.com`. */
  procurifyBaseUrl?: string;
  /** In-flight NetSuite requests this container may use (its share of the account's limit). */
  netsuiteConcurrencyShare: number;
  /** Seconds before a NetSuite request is abandoned and retried; below the function timeout. */
  netsuiteRequestTimeoutSeconds?: number;
}

export interface SyncClients {
  netsuite: NetSuiteClient;
  procurify: ProcurifyClient;
}

export function createSyncClientSource(
  provider: SecretsProvider,
  settings: SyncClientSettings,
): () => Promise<SyncClients> {
  let netsuite: { key: string; client: NetSuiteClient } | undefined;
  let procurify: { key: string; client: ProcurifyClient } | undefined;
  return async () => {
    const [netsuiteCredentials, procurifyCredentials] = await Promise.all([
      readCredentials(provider, settings.netsuiteSecret, netSuiteCredentialsSchema),
      readCredentials(provider, settings.procurifySecret, procurifyCredentialsSchema),
    ]);
    const netsuiteKey = JSON.stringify(netsuiteCredentials);
    if (netsuite?.key !== netsuiteKey) {
      netsuite = { key: netsuiteKey, client: buildNetSuite(netsuiteCredentials, settings) };
    }
    const procurifyKey = JSON.stringify(procurifyCredentials);
    if (procurify?.key !== procurifyKey) {
      procurify = { key: procurifyKey, client: buildProcurify(procurifyCredentials, settings) };
    }
    return { netsuite: netsuite.client, procurify: procurify.client };
  };
}

export type NetSuiteClientSettings = Pick<
  SyncClientSettings,
  'netsuiteSecret' | 'netsuiteBaseUrl' | 'netsuiteConcurrencyShare' | 'netsuiteRequestTimeoutSeconds'
>;

/**
 * The NetSuite client alone, for functions that hold only the NetSuite secret (the NetSuite poll):
 * built once per container and rebuilt when the secret's value changes, like createSyncClientSource.
 */
export function createNetSuiteClientSource(
  provider: SecretsProvider,
  settings: NetSuiteClientSettings,
): () => Promise<NetSuiteClient> {
  let netsuite: { key: string; client: NetSuiteClient } | undefined;
  return async () => {
    const credentials = await readCredentials(provider, settings.netsuiteSecret, netSuiteCredentialsSchema);
    const key = JSON.stringify(credentials);
    if (netsuite?.key !== key) netsuite = { key, client: buildNetSuite(credentials, settings) };
    return netsuite.client;
  };
}

export type ProcurifyClientSettings = Pick<SyncClientSettings, 'procurifySecret' | 'procurifyBaseUrl'>;

/**
 * The Procurify client alone, for functions that hold only the Procurify secret (the Procurify poll):
 * built once per container and rebuilt when the secret's value changes, like createSyncClientSource.
 */
export function createProcurifyClientSource(
  provider: SecretsProvider,
  settings: ProcurifyClientSettings,
): () => Promise<ProcurifyClient> {
  let procurify: { key: string; client: ProcurifyClient } | undefined;
  return async () => {
    const credentials = await readCredentials(provider, settings.procurifySecret, procurifyCredentialsSchema);
    const key = JSON.stringify(credentials);
    if (procurify?.key !== key) procurify = { key, client: buildProcurify(credentials, settings) };
    return procurify.client;
  };
}

function buildNetSuite(credentials: NetSuiteCredentials, settings: NetSuiteClientSettings): NetSuiteClient {
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
    ...(settings.netsuiteRequestTimeoutSeconds === undefined
      ? {}
      : { requestTimeoutMs: settings.netsuiteRequestTimeoutSeconds * 1000 }),
  });
}

function buildProcurify(
  credentials: ProcurifyCredentials,
  settings: ProcurifyClientSettings,
): ProcurifyClient {
  const baseUrl = credentials.baseUrl ?? settings.procurifyBaseUrl ?? procurifyBaseUrlFor(credentials.domain);
  return createProcurifyClient({
    baseUrl,
    tokenUrl: credentials.tokenUrl ?? `${baseUrl.replace(/\/+$/, '')}/oauth/token`,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    ...(credentials.audience === undefined ? {} : { audience: credentials.audience }),
  });
}
