// The Procurify adapter's public surface for composition roots and tests: the client factory and its
// configuration, the ports (ports.ts: what use cases import), the record types, and the pure helpers
// (error classification, Retry-After); its money is shared/money.
export { createProcurifyClient, type ProcurifyClientDeps } from './client.ts';
export {
  type ParsedProcurifyClientConfig,
  type ProcurifyClientConfig,
  parseProcurifyClientConfig,
  procurifyClientConfigSchema,
} from './config.ts';
export { classifyProcurifyAnswer, fieldMessages, parseRetryAfter, writeMayHaveHappened } from './errors.ts';
export * from './ports.ts';
export { type AccessTokenSource, ProcurifyTokenProvider, type TokenProviderConfig } from './token.ts';
