// How the operator names a record on the command line and how the CLI prints one: `vendor:123`,
// `account:45`, `department:7` (NetSuite internal ids), `bill:<uuid>` and `payment:<id>` (Procurify),
// or the explicit `<system>:<kind>:<id>` (e.g. `netsuite:bill:1001`). `payment:mode` is the audit trail
// of payment mode changes.
import { DataError } from '../../shared/errors.ts';
import { type RecordKind, type RecordRef, recordKinds, type SystemName } from '../../shared/state/model.ts';

export { recordKinds };

const systems: readonly SystemName[] = ['netsuite', 'procurify'];
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const recordSyntaxHelp =
  'vendor:<id>, account:<id>, department:<id> (NetSuite), bill:<uuid>, payment:<id> (Procurify), or <system>:<kind>:<id>';

/** The system a short `kind:id` means. */
function defaultSystem(kind: RecordKind, id: string): SystemName {
  if (kind === 'bill') return uuidPattern.test(id) ? 'procurify' : 'netsuite';
  if (kind === 'payment') return 'procurify';
  return 'netsuite';
}

export function parseRecord(text: string): RecordRef {
  const parts = text.trim().split(':');
  const [first, second, third] = parts;
  let system: SystemName | undefined;
  let kind: string | undefined;
  let id: string | undefined;
  if (parts.length === 2) {
    kind = first;
    id = second;
  } else if (parts.length === 3 && systems.includes(first as SystemName)) {
    system = first as SystemName;
    kind = second;
    id = third;
  }
  if (kind === undefined || id === undefined || id === '' || !recordKinds.includes(kind as RecordKind)) {
    throw new DataError(`"${text}" is not a record; write ${recordSyntaxHelp}`, {
      source: 'apsync-cli',
      code: 'bad-record',
    });
  }
  const recordKind = kind as RecordKind;
  const resolved = system ?? defaultSystem(recordKind, id);
  const valid =
    id === 'mode' && recordKind === 'payment'
      ? true
      : resolved === 'procurify' && recordKind === 'bill'
        ? uuidPattern.test(id)
        : /^\d{1,18}$/.test(id);
  if (!valid) {
    const expected = resolved === 'procurify' && recordKind === 'bill' ? 'a bill UUID' : 'a numeric id';
    throw new DataError(`"${text}": ${resolved} ${recordKind} ids are ${expected}`, {
      source: 'apsync-cli',
      code: 'bad-record',
    });
  }
  return { system: resolved, kind: recordKind, id: recordKind === 'bill' ? id.toLowerCase() : id };
}

/**
 * A Procurify payment as `payment resync` takes it: `payment:<id>` like every other command, the full
 * `procurify:payment:<id>`, or the bare id.
 */
export function parsePaymentId(text: string): string {
  const trimmed = text.trim();
  if (/^\d{1,18}$/.test(trimmed)) return trimmed;
  const ref = parseRecord(trimmed);
  if (ref.system !== 'procurify' || ref.kind !== 'payment' || ref.id === 'mode') {
    throw new DataError(`"${text}" is not a Procurify payment; write payment:<id> (or the id alone)`, {
      source: 'apsync-cli',
      code: 'bad-record',
    });
  }
  return ref.id;
}

export function formatRecord(ref: RecordRef): string {
  return defaultSystem(ref.kind, ref.id) === ref.system || (ref.kind === 'payment' && ref.id === 'mode')
    ? `${ref.kind}:${ref.id}`
    : `${ref.system}:${ref.kind}:${ref.id}`;
}

/** The record a queue message is about (DLQ listings): shared with the console. */
export { recordOfMessage } from '../../shared/events/record-of-message.ts';
