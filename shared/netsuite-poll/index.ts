// Public surface of the NetSuite master-data poll and backfill: what the netsuite-poll function and the
// operator CLI import.
export {
  checkTimeZone,
  instantToWallTime,
  shiftWallTime,
  wallTimePattern,
  wallTimeToInstant,
} from './account-time.ts';
export {
  type AccountTimeZoneCheck,
  checkAccountTimeZone,
  compareAccountTime,
} from './account-time-zone-check.ts';
export {
  type BackfillMasterDataDependencies,
  type BackfillMasterDataOptions,
  type BackfillProgress,
  type BackfillSummary,
  backfillMasterData,
  sinceWallTime,
} from './backfill-master-data.ts';
export {
  netSuiteAccountClock,
  netSuitePollPorts,
  type ReadWindowOptions,
  suiteQlMasterRecordChanges,
} from './netsuite-changes.ts';
export {
  type PollMasterDataDependencies,
  type PollMasterDataOptions,
  type PollMasterDataOutcome,
  type PollMasterDataSummary,
  pollDefaults,
  pollMasterData,
  type RecordTypePollSummary,
  syncLagSeconds,
} from './poll-master-data.ts';
export {
  type AccountClock,
  type AccountTimeSample,
  type ChangedRecord,
  type MasterRecordChanges,
  type MasterRecordType,
  masterRecordTypes,
} from './ports.ts';
