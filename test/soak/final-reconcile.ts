// The soak's final reconcile (issue 14): once everything settled, `apsync reconcile --fix` (the CLI's own
// command against the published local stack, every change compared: no grace), then the flows settle
// on its repairs and a second reconcile shows what remains. Each discrepancy of the first run is
// explained when the soak made it on purpose and knows the record (a delete whose notice it lost, a
// Procurify vendor it renamed by hand, an account it deleted or deactivated whose Procurify code only a
// person can deactivate, a payment it recorded in Procurify that never goes to NetSuite, a Vendor Bill
// edited or deleted by hand, a Vendor Payment voided by hand and the bills it had paid, the link it made
// wrong); any other, and anything the second run still finds that is not such a record reported for a
// person, is unexplained. The other way round, every drift the soak made must be found with its action
// and, where apsync owns it, closed — else it is a known gap: a hand-edited Vendor Bill reported and
// never overwritten, a deleted one re-sent, a voided payment reported, the wrong link replaced, and each
// vendor deleted without a notice that was still active in Procurify before the reconcile (the one
// deleted at rest at least) made inactive by it. Called by run-soak.ts.
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
  /** Vendors deleted without a notice, active in Procurify before the reconcile, inactive after it. */
  deactivatedByReconcile: string[];
  /** Drift the soak made and the reconcile found with the expected kind and action (`area/kind`: n). */
  driftReported: Record<string, number>;
  /** Drift the soak made that the reconcile did not find, or did not close where apsync owns it. */
  gaps: string[];
  settle: QuiesceResult;
}

/** Whether the soak made this discrepancy on purpose. */
function explains(company: SoakCompany, found: Found): boolean {
  if (found.kind === 'paid-in-procurify-only' && found.procurifyId !== null) {
    // Paid in Procurify on purpose where nothing reaches NetSuite: recorded in pull mode, or a payment
    // the driver set up to fail (its bank account unknown to NetSuite, its bill parked), or one whose
    // Vendor Payment a NetSuite user voided.
    const paidBy = billByLowerUuid(company, found.procurifyId)?.paidBy;
    const payment = paidBy?.kind === 'procurify' ? company.payments.get(paidBy.paymentId) : undefined;
    return payment !== undefined && (payment.intent !== 'normal' || payment.voidedInNetSuite !== undefined);
  }
  if (found.area === 'bill' && found.procurifyId !== null) {
    const bill = billByLowerUuid(company, found.procurifyId);
    if (found.kind === 'edited-in-netsuite') return bill?.handEdit?.kind === 'edited';
    if (found.kind === 'missing-in-netsuite') return bill?.handEdit?.kind === 'deleted';
    if (found.kind === 'wrong-link') return company.wrongLink?.uuid === found.procurifyId.toLowerCase();
    return false;
  }
  if (found.area === 'payment' && found.kind === 'voided-in-netsuite' && found.procurifyId !== null) {
    return company.payments.get(Number(found.procurifyId))?.voidedInNetSuite === found.netsuiteId;
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

/** Vendors deleted in NetSuite with their notice lost, by masterKey: their Procurify id and active flag now. */
async function unnoticedVendorDeletes(
  env: SoakEnvironment,
  company: SoakCompany,
): Promise<Map<string, { procurifyId: number; active: boolean | undefined; atRest: boolean }>> {
  const out = new Map<string, { procurifyId: number; active: boolean | undefined; atRest: boolean }>();
  for (const master of company.masters.values()) {
    if (master.kind !== 'vendor' || !master.deleted || !master.deleteNoticeLost) continue;
    const link = await env.state().findBySource('netsuite', 'vendor', master.netsuiteId);
    if (link === undefined) continue;
    const procurifyId = Number(link.procurifyId);
    out.set(masterKey('vendor', master.netsuiteId), {
      procurifyId,
      active: env.procurify.store.vendors.get(procurifyId)?.active,
      atRest: master.pool === 'reserved',
    });
  }
  return out;
}

/**
 * Every drift the soak made, found by the first run with the expected kind and action and, where apsync
 * owns the repair, closed once the repairs settled; anything else is a gap.
 */
async function checkDrift(
  env: SoakEnvironment,
  company: SoakCompany,
  first: readonly Found[],
  activeBefore: Awaited<ReturnType<typeof unnoticedVendorDeletes>>,
  result: FinalReconcile,
): Promise<void> {
  const reported = (
    label: string,
    match: (found: Found) => boolean,
    expected: { kind: Found['kind']; action: Found['action']; repaired: boolean },
  ): boolean => {
    const found = first.find((candidate) => match(candidate) && candidate.kind === expected.kind);
    const ok =
      found !== undefined &&
      found.action === expected.action &&
      (expected.repaired ? found.repair?.status === 'done' : found.repair === undefined);
    if (ok) {
      const key = `${found.area}/${found.kind}`;
      result.driftReported[key] = (result.driftReported[key] ?? 0) + 1;
    } else {
      result.gaps.push(
        `${label}: expected ${expected.kind} (${expected.action}${expected.repaired ? ', repaired' : ''}); found ${found === undefined ? 'nothing' : describe(found)}${found?.repair === undefined ? '' : ` [repair ${found.repair.status}]`}`,
      );
    }
    return ok;
  };

  // Vendors deleted without a notice: inactive now; made so by the reconcile when active before it.
  for (const [key, before] of activeBefore) {
    const netsuiteId = key.slice('vendor:'.length);
    const activeNow = env.procurify.store.vendors.get(before.procurifyId)?.active;
    if (before.active === true) {
      const ok = reported(
        `vendor ${netsuiteId} deleted in NetSuite without a notice (Procurify vendor ${before.procurifyId} active before the reconcile)`,
        (found) => found.area === 'vendor' && found.netsuiteId === netsuiteId,
        { kind: 'deleted-in-netsuite', action: 'deactivate', repaired: true },
      );
      if (ok && activeNow === false) result.deactivatedByReconcile.push(key);
      else if (ok)
        result.gaps.push(
          `vendor ${netsuiteId}: reconcile queued its deactivation, still active=${String(activeNow)}`,
        );
    } else if (before.atRest) {
      result.gaps.push(
        `vendor ${netsuiteId} deleted at rest without a notice was already active=${String(before.active)} before the reconcile: something else touched it`,
      );
    }
  }
  if (![...activeBefore.values()].some((before) => before.atRest)) {
    result.gaps.push('no vendor was deleted at rest without a notice (the reserved vendor was not linked)');
  }

  for (const bill of company.bills.values()) {
    const uuid = bill.uuid.toLowerCase();
    const edit = bill.handEdit;
    if (edit?.kind === 'edited') {
      reported(
        `Vendor Bill ${edit.netsuiteBillId} of bill ${uuid} edited by hand`,
        (found) => found.area === 'bill' && found.procurifyId === uuid,
        { kind: 'edited-in-netsuite', action: 'none', repaired: false },
      );
    } else if (edit?.kind === 'deleted') {
      reported(
        `Vendor Bill ${edit.netsuiteBillId} of bill ${uuid} deleted by hand`,
        (found) => found.area === 'bill' && found.procurifyId === uuid,
        { kind: 'missing-in-netsuite', action: 'resend', repaired: true },
      );
    }
  }
  for (const payment of company.payments.values()) {
    if (payment.voidedInNetSuite === undefined) continue;
    reported(
      `Vendor Payment ${payment.voidedInNetSuite} of payment ${payment.id} voided by hand`,
      (found) => found.area === 'payment' && found.procurifyId === String(payment.id),
      { kind: 'voided-in-netsuite', action: 'none', repaired: false },
    );
  }
  const wrong = company.wrongLink;
  if (wrong !== undefined) {
    const ok = reported(
      `bill ${wrong.uuid} linked to Vendor Bill ${wrong.namedBill} (bill ${wrong.ownerUuid}'s)`,
      (found) => found.area === 'bill' && found.procurifyId === wrong.uuid,
      { kind: 'wrong-link', action: 'relink', repaired: true },
    );
    const state = env.state();
    const links = [
      [(await state.findBySource('procurify', 'bill', wrong.uuid))?.netsuiteId, wrong.ownBill],
      [(await state.findBySource('netsuite', 'bill', wrong.ownBill))?.procurifyId, wrong.uuid],
      [(await state.findBySource('procurify', 'bill', wrong.ownerUuid))?.netsuiteId, wrong.namedBill],
      [(await state.findBySource('netsuite', 'bill', wrong.namedBill))?.procurifyId, wrong.ownerUuid],
    ];
    if (ok && links.some(([actual, expected]) => actual?.toLowerCase() !== expected)) {
      result.gaps.push(`the relinked bills' links are not both right again: ${JSON.stringify(links)}`);
    }
  }
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
    const activeBefore = await unnoticedVendorDeletes(env, company);
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
      deactivatedByReconcile: [],
      driftReported: {},
      gaps: [],
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
    await checkDrift(env, company, first.discrepancies, activeBefore, result);
    return result;
  } finally {
    services.destroy();
    await published.unpublish({ writeStopped: false });
  }
}
