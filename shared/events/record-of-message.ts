// Which record a queue message is about — an inbound notice, a bill message or a payment message — for
// listings of dead-lettered messages (`apsync dlq list`, the console's failures page). A dead-lettered
// body may be malformed: each field is checked, and an unreadable body names no record.
import type { RecordKind, RecordRef } from '../state/model.ts';
import type { BillMessage } from './bill-message.ts';
import type { InboundMessage } from './inbound-message.ts';
import type { PaymentMessage } from './payment-message.ts';

/** NetSuite notice record types → the kinds apsync names them by. */
const noticeKinds: Readonly<Record<string, RecordKind>> = {
  vendor: 'vendor',
  account: 'account',
  department: 'department',
  vendorbill: 'bill',
  vendorpayment: 'payment',
};

/** The record a parsed message body is about, or undefined. */
export function recordOfMessage(body: unknown): RecordRef | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const message = body as { kind?: unknown } & Partial<
    Omit<InboundMessage, 'kind'> & Omit<BillMessage, 'kind'> & Omit<PaymentMessage, 'kind'>
  >;
  if (message.kind === 'record-event' && typeof message.recordType === 'string' && message.recordId) {
    const kind = noticeKinds[message.recordType];
    return kind === undefined ? undefined : { system: 'netsuite', kind, id: String(message.recordId) };
  }
  if (message.kind === 'bill' && typeof message.billUuid === 'string') {
    return { system: 'procurify', kind: 'bill', id: message.billUuid };
  }
  if (message.kind === 'payment' && typeof message.paymentId === 'string') {
    return { system: 'procurify', kind: 'payment', id: message.paymentId };
  }
  return undefined;
}
