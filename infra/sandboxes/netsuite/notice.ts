// The record-event notice the sandbox sends to apsync's webhook when a NetSuite user changes a record,
// exactly as apsync's user-event script (infra/netsuite-script/apsync_record_event_ue.js) sends it. The schema is the project's one (shared/events), re-exported here
// so sandbox users and the webhook-ingest Lambda share a single definition.
import { randomUUID } from 'node:crypto';
import type { NoticeRecordType } from '../../../shared/events/record-event-notice.ts';
import type { RecordType } from './record-types.ts';

export {
  type NoticeEventType,
  type NoticeRecordType,
  noticeEventTypes,
  noticeRecordTypes,
  type RecordEventNotice,
  recordEventNoticeSchema,
} from '../../../shared/events/record-event-notice.ts';

/** `record.type` as SuiteScript spells it, for the types the user-event script is deployed on. */
export function noticeRecordType(type: RecordType): NoticeRecordType | undefined {
  switch (type) {
    case 'vendor':
    case 'account':
    case 'department':
      return type;
    case 'vendorBill':
      return 'vendorbill';
    case 'vendorPayment':
      return 'vendorpayment';
    default:
      return undefined;
  }
}

/** `evt_<unix ms>_<uuid hex>`, the script's event id shape. */
export function newEventId(now: Date = new Date()): string {
  return `evt_${now.getTime()}_${randomUUID().replace(/-/g, '')}`;
}
