// The NetSuite adapter's public surface: what composition roots and use cases import.
export {
  createNetSuiteClient,
  type NetSuiteClient,
  type NetSuiteClientDependencies,
  type NetSuiteClientStats,
} from './client.ts';
export {
  type NetSuiteAlgorithm,
  type NetSuiteClientConfig,
  type NetSuiteClientConfigInput,
  type NetSuiteRestletsConfig,
  netSuiteAlgorithms,
  netSuiteClientConfigSchema,
  parseNetSuiteClientConfig,
  restletBaseUrlFor,
  tokenScopes,
} from './config.ts';
export {
  AmbiguousWriteError,
  classifyNetSuiteAnswer,
  classifyTokenEndpointAnswer,
} from './error-classification.ts';
export { ConcurrencyGovernor, type GovernorStats } from './governor.ts';
export type { MetadataField, NetSuiteMetadata } from './metadata.ts';
export {
  assertExternalId,
  externalIdRef,
  type NetSuiteRecords,
  type RecordId,
  type RecordListOptions,
  type RecordReadOptions,
  type UpsertOptions,
} from './records.ts';
export {
  type AttachmentFile,
  type AttachmentFileType,
  attachmentFileTypes,
  MAX_RESTLET_STRING,
  type NetSuiteAttachments,
  type StoreAttachmentInput,
  type StoredAttachment,
} from './restlet.ts';
export {
  buildWindowQuery,
  type SuiteQl,
  type SuiteQlParam,
  type SuiteQlQueryOptions,
  suiteQlDate,
  suiteQlRowCap,
  suiteQlTimestamp,
  suiteQlTimestampFormat,
  type WindowedQuery,
  type WindowKey,
} from './suiteql.ts';
export { type Clock, NetSuiteTokenProvider, type NetSuiteTokenSource } from './token.ts';
