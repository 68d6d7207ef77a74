// What the comparisons of linked bills and pushed payments (compare-bills.ts, compare-payments.ts) share:
// their input, NetSuite rows by id and by external id, the relink of a link to the NetSuite record that carries the
// expected external id, and the not-linked discrepancies of the records that should have a link. Pure.
import type { RecordLink, RecordState } from '../state/model.ts';
import { type Discrepancy, showAmount } from './model.ts';

/** What a comparison of linked records (bills, payments) reads: links, states and both sides' rows. */
export interface LinkedComparisonInput<NetSuiteRow, ProcurifyRow> {
  /** Links by Procurify id (bill UUIDs lower case; the Procurify → NetSuite items). */
  links: ReadonlyMap<string, RecordLink>;
  /** Sync states by Procurify id. */
  states: ReadonlyMap<string, RecordState>;
  netsuite: Iterable<NetSuiteRow>;
  procurify: Iterable<ProcurifyRow>;
  now: Date;
  /** Records changed more recently than this are left to the poll in flight (not reported as unlinked). */
  graceMs: number;
}

export type UnlinkedInput = Pick<
  LinkedComparisonInput<unknown, unknown>,
  'links' | 'states' | 'now' | 'graceMs'
>;

export interface UnlinkedRule<Row> {
  due(row: Row): boolean;
  lastChanged(row: Row): string;
  explained(state: RecordState | undefined): boolean;
}

/**
 * The Procurify records a comparison expects linked and finds unlinked: due (an approved bill, a paid
 * payment), no link, no state that explains it, and last changed before the grace period (newer ones
 * are the poll's, still in flight).
 */
export function* unlinkedPastGrace<Row>(
  input: UnlinkedInput,
  procurify: ReadonlyMap<string, Row>,
  rule: UnlinkedRule<Row>,
): Generator<[string, Row]> {
  const cutoff = input.now.getTime() - input.graceMs;
  for (const [id, row] of procurify) {
    if (!rule.due(row) || input.links.has(id)) continue;
    if (rule.explained(input.states.get(id)) || Date.parse(rule.lastChanged(row)) > cutoff) continue;
    yield [id, row];
  }
}

/** A NetSuite transaction row as the linked comparisons read it. */
interface LinkedRow {
  id: string;
  externalId?: string;
  total: string;
}

/** NetSuite rows by internal id and by external id (lower case). */
export function indexNetSuiteRows<Row extends LinkedRow>(
  rows: Iterable<Row>,
): { byId: Map<string, Row>; byExternalId: Map<string, Row> } {
  const byId = new Map<string, Row>();
  const byExternalId = new Map<string, Row>();
  for (const row of rows) {
    byId.set(row.id, row);
    if (row.externalId !== undefined) byExternalId.set(row.externalId.toLowerCase(), row);
  }
  return { byId, byExternalId };
}

/** Who a linked record is (area and both ids), as every discrepancy about it starts. */
export interface LinkedBase {
  area: 'bill' | 'payment';
  netsuiteId: string;
  procurifyId: string;
}

/**
 * The link is replaced with the NetSuite record that carries the expected external id (`carrier`). When
 * the record the link named carries another record's external id and that record's link names it,
 * that link is written again (`restoreLinkOf`): `ownerPattern` reads the other record's id from it.
 */
export function relinkToCarrier(
  base: LinkedBase,
  link: RecordLink,
  carrier: LinkedRow,
  message: string,
  restore?: { written: LinkedRow; links: ReadonlyMap<string, RecordLink>; ownerPattern: RegExp },
): Discrepancy {
  const owner = restore?.ownerPattern.exec(restore.written.externalId ?? '')?.[1]?.toLowerCase();
  const restoreLinkOf =
    restore !== undefined &&
    owner !== undefined &&
    restore.links.get(owner)?.netsuiteId === restore.written.id
      ? owner
      : undefined;
  return {
    ...base,
    kind: 'wrong-link',
    field: 'netsuiteId',
    netsuiteValue: carrier.id,
    procurifyValue: link.netsuiteId,
    action: 'relink',
    relinkTo: carrier.id,
    owner: 'apsync',
    message,
    ...(restoreLinkOf === undefined ? {} : { restoreLinkOf }),
  };
}

/** Which records are due a link (unlinkedPastGrace), how one without is repaired, and what is said. */
export interface NotLinkedRule<Row> extends UnlinkedRule<Row> {
  area: 'bill' | 'payment';
  /** The NetSuite record that carries the record's external id, if any: linked to it. */
  carrier(id: string): LinkedRow | undefined;
  amount(row: Row): string | null;
  /** No NetSuite record carries it: sent to its worker again. */
  send: { action: 'resend' | 'push'; message(id: string, row: Row): string };
  relinked(id: string, row: Row, carrierId: string): string;
}

/** The records due a link that have none, past the grace period, each as a `not-linked` discrepancy. */
export function notLinkedDiscrepancies<Row>(
  input: UnlinkedInput,
  procurify: ReadonlyMap<string, Row>,
  rule: NotLinkedRule<Row>,
): Discrepancy[] {
  const found: Discrepancy[] = [];
  for (const [id, row] of unlinkedPastGrace(input, procurify, rule)) {
    const carrier = rule.carrier(id);
    found.push({
      area: rule.area,
      kind: 'not-linked',
      netsuiteId: carrier?.id ?? null,
      procurifyId: id,
      netsuiteValue: carrier === undefined ? null : showAmount(carrier.total),
      procurifyValue: rule.amount(row),
      ...(carrier === undefined
        ? { action: rule.send.action, message: rule.send.message(id, row) }
        : { action: 'relink' as const, relinkTo: carrier.id, message: rule.relinked(id, row, carrier.id) }),
      owner: 'apsync',
    });
  }
  return found;
}
