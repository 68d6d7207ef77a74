// The reconciliation use case (issue 14): reads both systems and apsync's state in bulk, compares them
// with the pure functions of compare-*.ts, judges each bill whose total differs against the plan apsync
// would write now, repairs what apsync owns (master data always; bills, payments and paid status only
// with `fix`), and returns — and keeps — the report. Run by `apsync reconcile` and the reconcile schedule.
import type { MasterDataScope, ProcurifyLookups } from '../master-data/map-master-data.ts';
import type { PaymentMode } from '../payment-mode.ts';
import type { RecordKind, RecordLink, RecordState, SystemName } from '../state/model.ts';
import { compareBills, comparePaidStatus, indexBills, judgeBillTotal } from './compare-bills.ts';
import {
  compareAccounts,
  compareDepartments,
  compareVendors,
  type MasterComparisonContext,
} from './compare-master-data.ts';
import { comparePayments } from './compare-payments.ts';
import {
  countDiscrepancies,
  type Discrepancy,
  type MasterArea,
  masterAreas,
  type ReconcileArea,
  type ReconciledDiscrepancy,
  type ReconcileReport,
  type RepairAction,
  type RepairOutcome,
  reconcileAreas,
  repairNeedsFix,
  reportTotals,
} from './model.ts';
import type {
  BillPlans,
  NetSuiteBulkReads,
  ProcurifyBulkReads,
  ReconcileRepairs,
  ReconcileReportStore,
  StateBulkReads,
  StateSnapshot,
} from './ports.ts';

export interface ReconcileDependencies {
  netsuite: NetSuiteBulkReads;
  procurify: ProcurifyBulkReads;
  state: StateBulkReads;
  plans: BillPlans;
  repairs: ReconcileRepairs;
  /** Where the report is kept for `apsync status` (absent: not kept). */
  reports?: ReconcileReportStore;
  paymentMode: () => Promise<PaymentMode>;
  scope: MasterDataScope;
  lookups: () => Promise<ProcurifyLookups>;
  now?: () => Date;
  /** Requests sent so far by the clients, for the report (e.g. the NetSuite client's stats). */
  requestCounts?: () => { netsuite?: number; procurify?: number };
}

export interface ReconcileOptions {
  /** What to compare (default: everything). */
  areas?: readonly ReconcileArea[];
  /** Repair bills, payments and paid status too (master data is always repaired). */
  fix?: boolean;
  /**
   * Changes younger than this are left to the syncs in flight (default 10 minutes: two Procurify polls);
   * 0 compares everything as it is.
   */
  graceMinutes?: number;
  onProgress?: (step: string) => void;
}

export const defaultGraceMinutes = 10;

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const kindsOf = (areas: readonly ReconcileArea[]): RecordKind[] => {
  const kinds = new Set<RecordKind>();
  for (const area of areas) {
    if (area === 'paid') kinds.add('bill');
    else kinds.add(area);
  }
  return [...kinds];
};

/** Links keyed by the id of one side (`from`), and sync states by record id, per kind. */
class SnapshotIndex {
  private readonly snapshot: StateSnapshot;

  constructor(snapshot: StateSnapshot) {
    this.snapshot = snapshot;
  }

  links(kind: RecordKind, from: SystemName): Map<string, RecordLink> {
    const links = new Map<string, RecordLink>();
    for (const item of this.snapshot.links) {
      if (item.link.kind !== kind || item.from !== from) continue;
      const key = from === 'netsuite' ? item.link.netsuiteId : item.link.procurifyId;
      links.set(kind === 'bill' ? key.toLowerCase() : key, item.link);
    }
    return links;
  }

  states(kind: RecordKind, system: SystemName): Map<string, RecordState> {
    const states = new Map<string, RecordState>();
    for (const state of this.snapshot.states) {
      if (state.ref.kind !== kind || state.ref.system !== system) continue;
      states.set(kind === 'bill' ? state.ref.id.toLowerCase() : state.ref.id, state);
    }
    return states;
  }
}

export async function reconcile(
  deps: ReconcileDependencies,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const areas = reconcileAreas.filter((area) => (options.areas ?? reconcileAreas).includes(area));
  const graceMs = (options.graceMinutes ?? defaultGraceMinutes) * 60_000;
  const progress = options.onProgress ?? (() => undefined);
  const before = deps.requestCounts?.();

  progress('reading links and sync states');
  const index = new SnapshotIndex(await deps.state.snapshot(kindsOf(areas)));
  const found: Discrepancy[] = [];
  const checked: ReconcileReport['checked'] = {};

  const masters = areas.filter((area): area is MasterArea => masterAreas.includes(area as MasterArea));
  if (masters.length > 0) {
    const lookups = await deps.lookups();
    for (const area of masters) {
      progress(`comparing ${area}s`);
      const context: MasterComparisonContext = {
        links: index.links(area, 'netsuite'),
        states: index.states(area, 'netsuite'),
        scope: deps.scope,
        lookups,
        now: started,
        graceMs,
      };
      if (area === 'vendor') {
        const [netsuite, procurify] = await Promise.all([
          collect(deps.netsuite.vendors()),
          collect(deps.procurify.vendors()),
        ]);
        checked.vendor = netsuite.length;
        found.push(...compareVendors(netsuite, procurify, context));
      } else if (area === 'account') {
        const [netsuite, procurify] = await Promise.all([
          collect(deps.netsuite.accounts()),
          collect(deps.procurify.accountCodes()),
        ]);
        checked.account = netsuite.length;
        found.push(...compareAccounts(netsuite, procurify, context));
      } else {
        const [netsuite, procurify] = await Promise.all([
          collect(deps.netsuite.departments()),
          collect(deps.procurify.departments()),
        ]);
        checked.department = netsuite.length;
        found.push(...compareDepartments(netsuite, procurify, context));
      }
    }
  }

  const mode = areas.includes('paid') || areas.includes('payment') ? await deps.paymentMode() : 'push';
  if (areas.includes('bill') || areas.includes('paid')) {
    progress('reading bills');
    const [netsuite, procurify] = await Promise.all([
      collect(deps.netsuite.vendorBills()),
      collect(deps.procurify.bills()),
    ]);
    const bills = indexBills(netsuite, procurify);
    const links = index.links('bill', 'procurify');
    if (areas.includes('bill')) {
      progress('comparing bills');
      const compared = compareBills(
        { links, states: index.states('bill', 'procurify'), netsuite, procurify, now: started, graceMs },
        bills,
      );
      checked.bill = compared.checked;
      found.push(...compared.discrepancies);
      for (const suspect of compared.totalsToCheck) {
        const judged = judgeBillTotal(suspect, await deps.plans.planOf(suspect.uuid));
        if (judged !== undefined) found.push(judged);
      }
    }
    if (areas.includes('paid')) {
      progress('comparing paid status');
      const compared = comparePaidStatus({ links, mode }, bills);
      checked.paid = compared.checked;
      found.push(...compared.discrepancies);
    }
  }

  if (areas.includes('payment')) {
    progress('comparing payments');
    const [netsuite, procurify] = await Promise.all([
      collect(deps.netsuite.vendorPayments()),
      collect(deps.procurify.payments()),
    ]);
    const compared = comparePayments({
      links: index.links('payment', 'procurify'),
      states: index.states('payment', 'procurify'),
      netsuite,
      procurify,
      mode,
      now: started,
      graceMs,
    });
    checked.payment = compared.checked;
    found.push(...compared.discrepancies);
  }

  progress('repairing');
  const discrepancies = await repairAll(found, deps.repairs, options.fix === true);
  const after = deps.requestCounts?.();
  const requests =
    after === undefined
      ? undefined
      : {
          ...(after.netsuite === undefined ? {} : { netsuite: after.netsuite - (before?.netsuite ?? 0) }),
          ...(after.procurify === undefined ? {} : { procurify: after.procurify - (before?.procurify ?? 0) }),
        };
  const report: ReconcileReport = {
    reconciledAsOf: started.toISOString(),
    finishedAt: now().toISOString(),
    areas: [...areas],
    fix: options.fix === true,
    checked,
    counts: countDiscrepancies(discrepancies),
    discrepancies,
    totals: reportTotals(discrepancies),
    ...(requests === undefined ? {} : { requests }),
  };
  await deps.reports?.saveReport(report);
  return report;
}

/** One repair per record and action, even when several of its fields differ. */
const repairKey = (found: Discrepancy): string =>
  `${found.action}|${found.area}|${found.netsuiteId ?? ''}|${found.procurifyId ?? ''}|${found.relinkTo ?? ''}`;

/** A discrepancy apsync repairs (every action but `none`). */
type Repairable = Discrepancy & { action: Exclude<RepairAction, 'none'> };
const repairable = (found: Discrepancy): found is Repairable => found.action !== 'none';

async function repairAll(
  found: readonly Discrepancy[],
  repairs: ReconcileRepairs,
  fix: boolean,
): Promise<ReconciledDiscrepancy[]> {
  const done = new Map<string, RepairOutcome>();
  const out: ReconciledDiscrepancy[] = [];
  for (const discrepancy of found) {
    if (!repairable(discrepancy)) {
      out.push(discrepancy);
      continue;
    }
    if (repairNeedsFix(discrepancy.area) && !fix) {
      out.push({
        ...discrepancy,
        repair: { status: 'needs-fix', detail: 'not repaired: apsync reconcile --fix repairs it' },
      });
      continue;
    }
    const key = repairKey(discrepancy);
    let outcome = done.get(key);
    if (outcome === undefined) {
      outcome = await repairOne(discrepancy, repairs);
      done.set(key, outcome);
    }
    out.push({ ...discrepancy, repair: outcome });
  }
  return out;
}

async function repairOne(found: Repairable, repairs: ReconcileRepairs): Promise<RepairOutcome> {
  const reason = `reconcile: ${found.kind}${found.field === undefined ? '' : ` (${found.field})`}`;
  try {
    const detail = await runRepair(found, repairs, reason);
    return { status: 'done', detail };
  } catch (error) {
    return { status: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
}

function runRepair(found: Repairable, repairs: ReconcileRepairs, reason: string): Promise<string> {
  const netsuiteId = found.netsuiteId ?? '';
  const procurifyId = found.procurifyId ?? '';
  switch (found.action) {
    case 'resync':
      return repairs.resyncMasterRecord(found.area as MasterArea, netsuiteId, reason);
    case 'deactivate':
      return repairs.deactivateMasterRecord(found.area as MasterArea, netsuiteId, reason);
    case 'resend':
      return repairs.resendBill(procurifyId, reason);
    case 'relink':
      return repairs.relink(
        found.area === 'payment' ? 'payment' : 'bill',
        procurifyId,
        // Every relink names its record (compare-linked.ts: relinkToCarrier, notLinkedDiscrepancies).
        found.relinkTo!,
        reason,
        found.restoreLinkOf,
      );
    case 'push':
      return repairs.pushPayment(procurifyId, reason);
    case 'mark-paid':
      return repairs.markBillPaid(procurifyId, netsuiteId, reason);
  }
}
