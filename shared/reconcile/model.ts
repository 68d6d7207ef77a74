// Reconciliation's vocabulary (issue 14): what is compared (areas), each discrepancy found between NetSuite
// and Procurify with both values, who owns its repair and what repairs it, and the report of one run.
// Plain types and small pure helpers; the comparisons are in compare-*.ts, the run in reconcile.ts.
import { formatUnits, unitScale } from '../money/money.ts';

/** What a run compares: master data by kind, linked bills, pushed payments, paid status of linked bills. */
export const reconcileAreas = ['vendor', 'account', 'department', 'bill', 'payment', 'paid'] as const;
export type ReconcileArea = (typeof reconcileAreas)[number];
export type MasterArea = Extract<ReconcileArea, 'vendor' | 'account' | 'department'>;
export const masterAreas: readonly MasterArea[] = ['vendor', 'account', 'department'];

export const discrepancyKinds = [
  /** A link names a Procurify record that no longer exists. */
  'missing-in-procurify',
  /** A mapped field of the Procurify record is not the mapping of the current NetSuite record. */
  'field-differs',
  /** In scope (or approved, or paid) on one side, with no link to the other. */
  'not-linked',
  /** A link whose NetSuite master record no longer exists, while its Procurify record is still active. */
  'deleted-in-netsuite',
  /** The source changed after apsync's last sync of it and that change never reached the other side. */
  'outdated',
  /** A link names a NetSuite Vendor Bill or Vendor Payment that no longer exists. */
  'missing-in-netsuite',
  /** The linked NetSuite record carries another external id than the one the link expects. */
  'wrong-link',
  /** NetSuite's record differs from what apsync wrote for the current Procurify record (a hand edit). */
  'edited-in-netsuite',
  /** The Vendor Payment was voided in NetSuite. */
  'voided-in-netsuite',
  /** Paid in Procurify, not paid in full in NetSuite. */
  'paid-in-procurify-only',
  /** Paid in full in NetSuite, not paid in Procurify. */
  'paid-in-netsuite-only',
] as const;
export type DiscrepancyKind = (typeof discrepancyKinds)[number];

/**
 * How apsync repairs a discrepancy it owns. `none`: apsync does not repair it (a hand edit in NetSuite,
 * something only a person can do in Procurify); the message says what to do.
 */
export const repairActions = [
  'resync',
  'deactivate',
  'resend',
  'relink',
  'push',
  'mark-paid',
  'none',
] as const;
export type RepairAction = (typeof repairActions)[number];

/** `apsync`: apsync's own sync got it wrong or missed it, and repairs it; `hand-edit`: a person must act. */
export type DiscrepancyOwner = 'apsync' | 'hand-edit';

export interface Discrepancy {
  area: ReconcileArea;
  kind: DiscrepancyKind;
  netsuiteId: string | null;
  procurifyId: string | null;
  /** The field compared, when one field differs (`name`, `active`, `total`, `externalId`, `status`). */
  field?: string;
  netsuiteValue: string | null;
  procurifyValue: string | null;
  action: RepairAction;
  owner: DiscrepancyOwner;
  /** What was found and what to do, in an operator's words. */
  message: string;
  /** `relink`: the NetSuite record the link should name (it carries the expected external id). */
  relinkTo?: string;
  /**
   * `relink` of a link that named another record's NetSuite record: that record's Procurify id, whose
   * link is written again so the NetSuite → Procurify item names it once more.
   */
  restoreLinkOf?: string;
}

/** A discrepancy apsync does not repair: a person does what its message says. */
export const forAPerson = (found: Omit<Discrepancy, 'action' | 'owner'>): Discrepancy => ({
  ...found,
  action: 'none',
  owner: 'hand-edit',
});

/** What became of a repair: done (queued or written), left for `--fix`, or failed (the run goes on). */
export interface RepairOutcome {
  status: 'done' | 'needs-fix' | 'failed';
  detail: string;
}

export type ReconciledDiscrepancy = Discrepancy & { repair?: RepairOutcome };

export interface ReconcileReport {
  /** When the reads started: what both systems said from then on is what was compared. */
  reconciledAsOf: string;
  finishedAt: string;
  areas: ReconcileArea[];
  fix: boolean;
  /** Records compared per area (NetSuite and Procurify records, links). */
  checked: Partial<Record<ReconcileArea, number>>;
  /** Discrepancies per area and kind. */
  counts: Partial<Record<ReconcileArea, Partial<Record<DiscrepancyKind, number>>>>;
  discrepancies: ReconciledDiscrepancy[];
  /** Repairs done / left for --fix / failed; `open`: discrepancies not repaired by this run. */
  totals: { discrepancies: number; repaired: number; needsFix: number; failed: number; open: number };
  /** Requests this run sent (bulk reads and deep checks), when the clients count them. */
  requests?: { netsuite?: number; procurify?: number };
}

/** Master data repairs run by themselves; bill, payment and paid-status repairs only with `--fix`. */
export const repairNeedsFix = (area: ReconcileArea): boolean => !masterAreas.includes(area as MasterArea);

export function countDiscrepancies(
  discrepancies: readonly Discrepancy[],
): Partial<Record<ReconcileArea, Partial<Record<DiscrepancyKind, number>>>> {
  const counts: Partial<Record<ReconcileArea, Partial<Record<DiscrepancyKind, number>>>> = {};
  for (const found of discrepancies) {
    const area = counts[found.area] ?? {};
    area[found.kind] = (area[found.kind] ?? 0) + 1;
    counts[found.area] = area;
  }
  return counts;
}

export function reportTotals(discrepancies: readonly ReconciledDiscrepancy[]): ReconcileReport['totals'] {
  const totals = { discrepancies: discrepancies.length, repaired: 0, needsFix: 0, failed: 0, open: 0 };
  for (const found of discrepancies) {
    if (found.repair?.status === 'done') totals.repaired++;
    else totals.open++;
    if (found.repair?.status === 'needs-fix') totals.needsFix++;
    if (found.repair?.status === 'failed') totals.failed++;
  }
  return totals;
}

// ---- exact amounts -----------------------------------------------------------------------------------

const decimalPattern = /^(-?)(\d*)(?:\.(\d*))?$/;

/** A decimal amount (`"-120.5"`, `".5"`, `"143.19"`) as units of 10^-8, or undefined when it is not one. */
export function amountUnits(value: string | number): bigint | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = decimalPattern.exec(text);
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > unitScale) return undefined;
  const magnitude = BigInt(`${whole || '0'}${fraction.padEnd(unitScale, '0')}`);
  return sign === '-' ? -magnitude : magnitude;
}

/** The magnitude of an amount, normalised (`"-143.190"` → `143.19`); the text itself when not a number. */
export function showAmount(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const units = amountUnits(value);
  if (units === undefined) return String(value);
  return formatUnits(units < 0n ? -units : units);
}

/** Whether two amounts are equal in magnitude (NetSuite shows bill and payment totals negative). */
export function sameMagnitude(a: string, b: string): boolean {
  const x = amountUnits(a);
  const y = amountUnits(b);
  if (x === undefined || y === undefined) return false;
  return (x < 0n ? -x : x) === (y < 0n ? -y : y);
}
