// The soak's final reconcile (issue 14): once everything settled, `apsync reconcile --fix` (the CLI's own
// command against the published local stack, every change compared: no grace), then the flows settle
// on its repairs and a second reconcile shows what remains. Each discrepancy of the first run is
// explained when the soak made it on purpose and knows the record (a delete whose notice it lost, a
// Procurify vendor it renamed by hand, an account it deleted or deactivated whose Procurify code only a
// person can deactivate, a payment it recorded in Procurify that never goes to NetSuite); any other,
// and anything the second run still finds that is not such a record reported for a person, is
// unexplained. Called by run-soak.ts.
import { runReconcile } from '../../infra/cli/commands/reconcile.ts';
import type { ReconcileOutput } from '../../infra/cli/output-schemas.ts';
import { CliServices } from '../../infra/cli/services.ts';
import { localTarget } from '../../infra/cli/target.ts';
import { publishLocalStack } from '../../infra/local/publish.ts';
import { type QuiesceResult, quiesce } from './quiesce.ts';
import { masterKey, type SoakCompany } from './soak-company.ts';
import type { SoakEnvironment } from './soak-environment.ts';

type Found = ReconcileOutput['discrepancies'][number];

export interface FinalReconcile {
  /** Discrepancies of the first run (with --fix) by `area/kind`. */
  foundByKind: Record<string, number>;
  found: number;
  /** Repaired by the first run (queued or written). */
  repaired: number;
  /** Reported with what a person must do (apsync does not own the repair). */
  reportedWithAction: number;
  /** Made by the soak on purpose (known record): a lost delete notice, a hand edit. */
  explained: number;
  /** Everything else found by the first run, and what the second run still finds unexplained. */
  unexplained: string[];
  /** Discrepancies the second run (after the repairs settled) still found. */
  remaining: number;
  /** Master records (masterKey) the reconcile reported or repaired as deleted in NetSuite. */
  deletedFound: string[];
  settle: QuiesceResult;
}

/** Whether the soak made this discrepancy on purpose. */
function explains(company: SoakCompany, found: Found): boolean {
  if (found.kind === 'paid-in-procurify-only' && found.procurifyId !== null) {
    // Paid in Procurify on purpose where nothing reaches NetSuite: recorded in pull mode, or a payment
    // the driver set up to fail (its bank account unknown to NetSuite, its bill parked).
    const paidBy = billByLowerUuid(company, found.procurifyId)?.paidBy;
    const payment = paidBy?.kind === 'procurify' ? company.payments.get(paidBy.paymentId) : undefined;
    return payment !== undefined && payment.intent !== 'normal';
  }
  if (found.area !== 'vendor' && found.area !== 'account' && found.area !== 'department') return false;
  const master =
    found.netsuiteId === null ? undefined : company.masters.get(masterKey(found.area, found.netsuiteId));
  if (master === undefined) return false;
  // Vendors and departments: only a lost notice leaves them active. Account codes: Procurify's API cannot
  // deactivate one, so every deleted account is reported for a person (apsync review list asks too).
  if (found.kind === 'deleted-in-netsuite')
    return master.deleted && (master.deleteNoticeLost || master.kind === 'account');
  if (found.kind === 'field-differs' && found.field === 'active')
    return master.kind === 'account' && master.inactive; // an account code stays active: reported
  if (found.kind === 'field-differs') return master.renamedInProcurify === true && found.field === 'name';
  return false;
}

function billByLowerUuid(company: SoakCompany, uuid: string) {
  return [...company.bills.values()].find((bill) => bill.uuid.toLowerCase() === uuid.toLowerCase());
}

const describe = (found: Found): string =>
  `${found.area}/${found.kind} NS ${found.netsuiteId ?? '-'} PF ${found.procurifyId ?? '-'}${found.field === undefined ? '' : ` ${found.field}`}: ${found.netsuiteValue ?? '-'} vs ${found.procurifyValue ?? '-'} (${found.message})`;

export async function finalReconcile(
  env: SoakEnvironment,
  company: SoakCompany,
  dataDir: string,
  timeoutMs: number,
): Promise<FinalReconcile> {
  const published = await publishLocalStack(env.stack(), {
    dataDir,
    ephemeral: true,
    demo: false,
    scheduleRates: {},
    settings: {},
  });
  const services = new CliServices(await localTarget(dataDir));
  try {
    const first = await runReconcile(services, { fix: true, grace: 0 });
    const settle = await quiesce(env, timeoutMs);
    const second = await runReconcile(services, { fix: false, grace: 0 });
    const result: FinalReconcile = {
      foundByKind: {},
      found: first.discrepancies.length,
      repaired: 0,
      reportedWithAction: 0,
      explained: 0,
      unexplained: [],
      remaining: second.discrepancies.length,
      deletedFound: [],
      settle,
    };
    for (const found of first.discrepancies) {
      const key = `${found.area}/${found.kind}`;
      result.foundByKind[key] = (result.foundByKind[key] ?? 0) + 1;
      if (found.repair?.status === 'done') result.repaired += 1;
      else if (found.action === 'none') result.reportedWithAction += 1;
      if (explains(company, found)) result.explained += 1;
      else result.unexplained.push(describe(found));
      const area = found.area;
      if (found.kind === 'deleted-in-netsuite' && found.netsuiteId !== null) {
        if (area === 'vendor' || area === 'account' || area === 'department') {
          result.deletedFound.push(masterKey(area, found.netsuiteId));
        }
      }
    }
    // What the repairs did not close: only records a person must act on (reported, explained) may stay.
    for (const found of second.discrepancies) {
      if (found.action === 'none' && explains(company, found)) continue;
      result.unexplained.push(`after the repairs: ${describe(found)}`);
    }
    return result;
  } finally {
    services.destroy();
    await published.unpublish({ writeStopped: false });
  }
}
