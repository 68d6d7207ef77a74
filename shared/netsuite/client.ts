// Composition of the NetSuite client: one governor, token provider and request pipeline per client
// instance, shared by its records, SuiteQL and (when configured) RESTlet interfaces. Called by the composition roots (Lambda
// init, local mode, CLI) with credentials from Secrets Manager; tests pass a clock and fetch.

import { nodeHttpExchange } from '../http/node-exchange.ts';
import type { RetryHooks } from '../retry.ts';
import {
  type NetSuiteClientConfig,
  type NetSuiteClientConfigInput,
  parseNetSuiteClientConfig,
} from './config.ts';
import { ConcurrencyGovernor, type GovernorStats } from './governor.ts';
import { type NetSuiteMetadata, RestNetSuiteMetadata } from './metadata.ts';
import { type NetSuiteRecords, RestNetSuiteRecords } from './records.ts';
import { type NetSuiteAttachments, RestletAttachments } from './restlet.ts';
import { RestSuiteQl, type SuiteQl } from './suiteql.ts';
import {
  type Clock,
  NetSuiteTokenProvider,
  type NetSuiteTokenSource,
  type TokenProviderStats,
} from './token.ts';
import { NetSuiteTransport, type TransportStats } from './transport.ts';

export interface NetSuiteClientDependencies {
  fetch?: typeof fetch;
  clock?: Clock;
  /** Backoff waits and jitter (tests make them instant and deterministic). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told about every retry (for logs and metrics). */
  onRetry?: RetryHooks['onRetry'];
}

export interface NetSuiteClientStats extends TransportStats {
  tokens: TokenProviderStats;
  governor: GovernorStats;
}

export interface NetSuiteClient {
  records: NetSuiteRecords;
  suiteQl: SuiteQl;
  /** The record API's metadata catalog (field types, custom fields). */
  metadata: NetSuiteMetadata;
  /** apsync's attachment RESTlet; present only when `restlets` is configured. */
  attachments?: NetSuiteAttachments;
  tokens: NetSuiteTokenSource;
  config: Readonly<NetSuiteClientConfig>;
  stats(): NetSuiteClientStats;
  resetGovernorStats(): void;
}

/** Builds a client from a configuration (validated here: a bad field throws a BugError naming it). */
export function createNetSuiteClient(
  configInput: NetSuiteClientConfigInput,
  dependencies: NetSuiteClientDependencies = {},
): NetSuiteClient {
  const config = parseNetSuiteClientConfig(configInput);
  const retryHooks: RetryHooks = {};
  if (dependencies.sleep !== undefined) retryHooks.sleep = dependencies.sleep;
  if (dependencies.random !== undefined) retryHooks.random = dependencies.random;
  if (dependencies.onRetry !== undefined) retryHooks.onRetry = dependencies.onRetry;
  const governor = new ConcurrencyGovernor({
    limit: config.concurrencyShare,
    adaptive: config.adaptiveConcurrency,
  });
  // Given no fetch, API and token requests go over node:http (shared/http/node-exchange.ts: a fraction
  // of fetch's CPU, and fetch itself never loaded), one exchange (its keep-alive agents) for both hosts.
  const exchange = dependencies.fetch === undefined ? nodeHttpExchange('netsuite') : undefined;
  const tokens = new NetSuiteTokenProvider({
    config,
    fetch: dependencies.fetch,
    ...(exchange === undefined ? {} : { exchange }),
    clock: dependencies.clock,
    governor,
  });
  const transportTo = (baseUrl: string) =>
    new NetSuiteTransport({
      ...(exchange === undefined ? {} : { exchange }),
      baseUrl,
      tokens,
      governor,
      retryPolicy: config.retryPolicy,
      requestTimeoutMs: config.requestTimeoutMs,
      fetch: dependencies.fetch,
      retryHooks,
    });
  const transport = transportTo(config.baseUrl);
  // RESTlets live on another host but share the token (with the `restlets` scope) and the governor: they
  // count against the same account concurrency limit (Oracle help: RESTlets and concurrency governance).
  const restletTransport = config.restlets === undefined ? undefined : transportTo(config.restlets.baseUrl);
  const transportStats = (): TransportStats => {
    const main = transport.stats();
    const restlets = restletTransport?.stats();
    if (restlets === undefined) return main;
    return {
      requests: main.requests + restlets.requests,
      retries: main.retries + restlets.retries,
      overLimit: main.overLimit + restlets.overLimit,
      reauthentications: main.reauthentications + restlets.reauthentications,
      ambiguous: main.ambiguous + restlets.ambiguous,
    };
  };
  return {
    records: new RestNetSuiteRecords(transport),
    suiteQl: new RestSuiteQl(transport),
    metadata: new RestNetSuiteMetadata(transport),
    ...(restletTransport === undefined || config.restlets === undefined
      ? {}
      : { attachments: new RestletAttachments(restletTransport, config.restlets.attach) }),
    tokens,
    config,
    stats: () => ({ ...transportStats(), tokens: tokens.stats(), governor: governor.stats() }),
    resetGovernorStats: () => governor.resetStats(),
  };
}
