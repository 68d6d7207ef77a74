// The daily failure digest's content, a pure function: the records left in review or failed grouped by
// data-failure kind (new since the last digest: counts and the first messages), the oldest open failure
// and the open discrepancies of the last reconcile run, as a subject and a plain-text body; nothing when
// there is nothing new and nothing open to report.
import type { DataFailureKind } from '../lambda/metric-names.ts';
import { markPaidWaitingKey } from '../payments/paid-bill-plan.ts';
import type { StoredReconcileSummary } from '../reconcile/ports.ts';
import type { RecordState } from '../state/model.ts';

/** Messages shown per kind; the rest are counted ("and 12 more"). */
export const digestMessagesPerKind = 5;

export const digestKindTitles: Record<DataFailureKind, string> = {
  paymentsFailed: 'Payments failed',
  billsParked: 'Bills parked',
  marksFailed: 'Bills not marked paid (paid-bill pull)',
  recordsInReview: 'Vendors, accounts and departments in review',
};

/** Short forms for the e-mail subject (SNS: at most 100 characters). */
const subjectLabels: Record<DataFailureKind, string> = {
  paymentsFailed: 'payments failed',
  billsParked: 'bills parked',
  marksFailed: 'marks failed',
  recordsInReview: 'records in review',
};

const kindOrder: readonly DataFailureKind[] = [
  'paymentsFailed',
  'billsParked',
  'marksFailed',
  'recordsInReview',
];

/** Which data-failure kind an open record (status review or failed) belongs to. */
export function dataFailureKindOf(state: RecordState): DataFailureKind {
  if (state.ref.kind === 'payment') return 'paymentsFailed';
  if (state.ref.kind === 'bill') {
    return state.waitingFor?.includes(markPaidWaitingKey) === true ? 'marksFailed' : 'billsParked';
  }
  return 'recordsInReview';
}

export interface FailureDigestInput {
  /** When the last digest was composed; undefined: the first digest (every open failure is new). */
  since: string | undefined;
  now: string;
  /** Every record in review or failed (any kind). */
  open: readonly RecordState[];
  /** When the oldest open record first entered review or failed (its audit trail), when known. */
  oldestOpenSince?: string;
  lastReconcile: StoredReconcileSummary | undefined;
}

export interface DigestGroup {
  kind: DataFailureKind;
  title: string;
  /** New since the last digest. */
  newCount: number;
  /** Open now (new or older). */
  openCount: number;
  /** The first new ones (oldest first): record and message. */
  first: Array<{ record: string; status: string; message: string; at: string }>;
}

export interface FailureDigest {
  subject: string;
  text: string;
  groups: DigestGroup[];
  newCount: number;
  openCount: number;
  oldest?: { record: string; since: string; message: string };
  reconcileOpen: number;
}

export const recordLabel = (state: RecordState): string => `${state.ref.kind}:${state.ref.id}`;

/**
 * The digest, or undefined when there is nothing to say: no failure new since the last digest and
 * no reconcile discrepancy left open by a run finished since then. Failures that stay open are
 * repeated in the counts and the oldest line only when there is something new to report.
 */
export function composeFailureDigest(
  input: FailureDigestInput,
  prefix = 'apsync',
): FailureDigest | undefined {
  const isNew = (state: RecordState) => input.since === undefined || state.updatedAt > input.since;
  const open = [...input.open].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  const fresh = open.filter(isNew);
  const reconcile = input.lastReconcile;
  const reconcileOpen = reconcile?.totals.open ?? 0;
  const reconcileIsNew =
    reconcile !== undefined && (input.since === undefined || reconcile.finishedAt > input.since);
  if (fresh.length === 0 && !(reconcileIsNew && reconcileOpen > 0)) return undefined;

  const groups: DigestGroup[] = [];
  for (const kind of kindOrder) {
    const ofKind = open.filter((state) => dataFailureKindOf(state) === kind);
    const newOfKind = ofKind.filter(isNew);
    if (ofKind.length === 0) continue;
    groups.push({
      kind,
      title: digestKindTitles[kind],
      newCount: newOfKind.length,
      openCount: ofKind.length,
      first: newOfKind.slice(0, digestMessagesPerKind).map((state) => ({
        record: recordLabel(state),
        status: state.status,
        message: state.message ?? '(no message)',
        at: state.updatedAt,
      })),
    });
  }
  const oldestState = open[0];
  const oldest =
    oldestState === undefined
      ? undefined
      : {
          record: recordLabel(oldestState),
          since: input.oldestOpenSince ?? oldestState.updatedAt,
          message: oldestState.message ?? '(no message)',
        };

  const lines: string[] = [];
  const period = input.since === undefined ? 'so far' : `since ${input.since}`;
  lines.push(`apsync (${prefix}) failure digest, ${input.now}`);
  lines.push(`${fresh.length} new failure(s) ${period}; ${open.length} open in all.`);
  for (const group of groups) {
    lines.push('');
    lines.push(`${group.title}: ${group.newCount} new, ${group.openCount} open`);
    for (const item of group.first)
      lines.push(`  - ${item.record} (${item.status}, ${item.at}): ${item.message}`);
    const more = group.newCount - group.first.length;
    if (more > 0) lines.push(`  … and ${more} more`);
  }
  if (oldest !== undefined) {
    lines.push('');
    lines.push(`Oldest open failure: ${oldest.record}, open since ${oldest.since}: ${oldest.message}`);
  }
  if (reconcile !== undefined && reconcileOpen > 0) {
    lines.push('');
    lines.push(
      `Reconcile (run of ${reconcile.reconciledAsOf}): ${reconcileOpen} open discrepancies of ${reconcile.totals.discrepancies}`,
    );
    for (const [area, kinds] of Object.entries(reconcile.counts)) {
      const parts = Object.entries(kinds ?? {}).map(([kind, count]) => `${kind} ${count}`);
      if (parts.length > 0) lines.push(`  - ${area}: ${parts.join(', ')}`);
    }
  }
  lines.push('');
  lines.push(
    'What to do: `apsync review list` shows each record with the message to act on; fix the data, then ' +
      '`apsync review replay <record>` (or `apsync review dismiss <record> --reason …`). ' +
      '`apsync reconcile` lists the discrepancies.',
  );

  const counts = [
    ...groups
      .filter((group) => group.newCount > 0)
      .map((group) => `${group.newCount} ${subjectLabels[group.kind]}`),
    ...(reconcileOpen > 0 ? [`${reconcileOpen} discrepancies`] : []),
  ];
  // SNS subjects: at most 100 printable ASCII characters.
  const subject = `apsync ${prefix} failures: ${counts.join(', ')}`
    .replace(/[^\x20-\x7e]/g, '')
    .slice(0, 100);
  return {
    subject,
    text: lines.join('\n'),
    groups,
    newCount: fresh.length,
    openCount: open.length,
    ...(oldest === undefined ? {} : { oldest }),
    reconcileOpen,
  };
}
