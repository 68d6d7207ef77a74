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
  type AccountTimeProbe,
  type AccountTimeSample,
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
export { type MasterRecordType, masterRecordTypes } from './master-record-changes.ts';
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
