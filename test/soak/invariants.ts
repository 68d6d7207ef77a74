// What a soak must prove, read from the sandboxes' stores and apsync's state table after everything
// settled: every NetSuite change reflected in Procurify; every approved bill one Vendor Bill with its
// current lines (tax, shipping and costs included) and its invoice file attached once; every payment
// exactly one Vendor Payment, or failed with its data message, or in a dead-letter queue (none lost,
// none duplicated); bills paid in NetSuite marked paid in Procurify (pull mode); and every record's
// audit trail complete. What NetSuite users changed by hand stays as they left it: a Vendor Bill edited by
// hand keeps the edit (apsync never overwrites it), a voided Vendor Payment stays voided and is never
// pushed again; a Vendor Bill deleted by hand is written again (by the final reconcile). Each violation is a Finding naming the record, what
// was expected and what was found. Called by run-soak.ts.
import type { DlqListOutput } from '../../infra/cli/output-schemas.ts';
import { attachedFiles } from '../../infra/sandboxes/netsuite/file-cabinet.ts';
import { billExternalId } from '../../shared/bills/bill-plan.ts';
import { paymentExternalId, paymentProblems } from '../../shared/payments/vendor-payment-plan.ts';
import type { AuditEntry, RecordRef, RecordState, SyncStatus } from '../../shared/state/model.ts';
import { type MasterKind, masterKey, type SoakCompany } from './soak-company.ts';
import type { SoakEnvironment } from './soak-environment.ts';

/**
 * `lost`: a change or payment that did not arrive; `duplicate`: written twice; `mismatch`: arrived
 * wrong; `audit`: an audit trail that does not explain the record. (Lost delete notices, once known
 * gaps, are closed by the final reconcile: final-reconcile.ts.)
 */
export type FindingCategory = 'lost' | 'duplicate' | 'mismatch' | 'audit';

export interface Finding {
  category: FindingCategory;
  record: string;
  expected: string;
  actual: string;
}

export interface SoakOutcomes {
  master: { records: number; reflected: number; deletedReflected: number };
  bills: {
    written: number;
    parked: number;
    notApproved: number;
    inDeadLetterQueue: number;
    /** Vendor Bills edited by hand in NetSuite that still carry the edit (never overwritten). */
    handEditKept: number;
    /** Vendor Bills deleted by hand in NetSuite, written again. */
    deletedWrittenAgain: number;
  };
  payments: {
    pushedOnce: number;
    /** Of those, voided in NetSuite by hand afterwards (still the one Vendor Payment, voided). */
    voidedInNetSuite: number;
    /** By the message's problem ("Bill not synced", ...). */
    failedWithMessage: Record<string, number>;
    /** Failed with a data message although the driver expected it to be pushed (allowed; listed). */
    unexpectedDataFailures: string[];
    /** Failed "Bill not synced" while every bill it pays is in NetSuite now (an operator re-sync pushes it). */
    billSyncedSince: string[];
    inDeadLetterQueue: number;
    neverPaid: number;
    notPushedInPullMode: number;
    skippedModeIsPull: number;
  };
  pull: { netsuitePayments: number; markedPaid: number; partialLeftOpen: number };
  audit: { trailsChecked: number };
  findings: Finding[];
}

interface RenderedBill {
  externalId?: string;
  total?: number;
  balance?: number;
  expense?: { items?: unknown[] };
}

interface RenderedPayment {
  externalId?: string;
  total?: number;
  status?: { id?: string } | null;
  apply?: { items?: Array<{ doc: { id: string }; apply: boolean; amount?: number }> };
}

const cents = (value: number | undefined): number => Math.round((value ?? 0) * 100);
const outcomeSteps = new Set(['written', 'unchanged', 'skipped', 'review', 'failed']);
const stepsFor: Record<SyncStatus, readonly string[]> = {
  synced: ['written', 'unchanged'],
  unchanged: ['unchanged'],
  skipped: ['skipped'],
  review: ['review'],
  failed: ['failed'],
  dismissed: ['dismissed'],
  pending: [],
};
const problemMessages = Object.values(paymentProblems);

export async function checkInvariants(
  env: SoakEnvironment,
  company: SoakCompany,
  deadLetters: DlqListOutput['messages'],
  /** Master records (masterKey) the final reconcile found deleted in NetSuite (repaired or reported). */
  reconciledDeletes: ReadonlySet<string> = new Set(),
): Promise<SoakOutcomes> {
  const findings: Finding[] = [];
  const outcomes: SoakOutcomes = {
    master: { records: 0, reflected: 0, deletedReflected: 0 },
    bills: {
      written: 0,
      parked: 0,
      notApproved: 0,
      inDeadLetterQueue: 0,
      handEditKept: 0,
      deletedWrittenAgain: 0,
    },
    payments: {
      pushedOnce: 0,
      voidedInNetSuite: 0,
      failedWithMessage: {},
      unexpectedDataFailures: [],
      billSyncedSince: [],
      inDeadLetterQueue: 0,
      neverPaid: 0,
      notPushedInPullMode: 0,
      skippedModeIsPull: 0,
    },
    pull: { netsuitePayments: company.netsuitePayments.length, markedPaid: 0, partialLeftOpen: 0 },
    audit: { trailsChecked: 0 },
    findings,
  };
  const state = env.state();
  const { netsuite, procurify } = env;
  const deadLettered = new Set(deadLetters.map((message) => message.record ?? ''));
  /** Whether the account is on the review list asking for its account code's deactivation by hand. */
  const deactivationAsked = async (id: string, why: string): Promise<boolean> => {
    const current = await state.getState({ system: 'netsuite', kind: 'account', id });
    return (
      current?.status === 'review' &&
      (current.message ?? '').startsWith('deactivate account code') &&
      (current.message ?? '').includes(why)
    );
  };
  const trails = new AuditChecks(env, findings);

  // ---- master data: NetSuite → Procurify ---------------------------------------------------------
  const linkedProcurify: Record<MasterKind, Set<number>> = {
    vendor: new Set(),
    account: new Set(),
    department: new Set(),
  };
  for (const kind of ['vendor', 'account', 'department'] as const) {
    for (const record of netsuite.store.list(kind)) {
      const fields = record.fields;
      if (kind === 'account' && (fields.acctNumber ?? '') === '') continue;
      outcomes.master.records += 1;
      const name = `netsuite:${kind}:${record.id}`;
      const known = company.masters.get(masterKey(kind, record.id));
      const lostNote =
        known !== undefined && known.lostNotices > 0 ? ` (${known.lostNotices} notice(s) lost)` : '';
      const inDlq = deadLettered.has(`${kind}:${record.id}`)
        ? ' (its message is in a dead-letter queue)'
        : '';
      const link = await state.findBySource('netsuite', kind, record.id);
      if (link === undefined && kind === 'account' && fields.isInactive === true) {
        // Made inactive before its first sync: no account code is created (it could not be deactivated).
        const current = await state.getState({ system: 'netsuite', kind, id: record.id });
        if (current?.status === 'skipped' && /inactive in NetSuite/.test(current.message ?? '')) {
          outcomes.master.reflected += 1;
          continue;
        }
      }
      if (link === undefined) {
        findings.push({
          category: 'lost',
          record: name,
          expected: 'linked to a Procurify record',
          actual: `no link${lostNote}${inDlq}`,
        });
        continue;
      }
      const procurifyId = Number(link.procurifyId);
      linkedProcurify[kind].add(procurifyId);
      const inactive = fields.isInactive === true;
      let expected: Record<string, unknown>;
      let actual: Record<string, unknown> | undefined;
      if (kind === 'vendor') {
        const vendor = procurify.store.vendors.get(procurifyId);
        expected = {
          name: fields.companyName,
          active: !inactive,
          email: fields.email === undefined || fields.email === null ? [] : [fields.email],
          external_id: record.id,
        };
        actual = vendor && {
          name: vendor.name,
          active: vendor.active,
          email: vendor.email,
          external_id: vendor.external_id,
        };
      } else if (kind === 'account') {
        const code = procurify.store.accountCodes.get(procurifyId);
        // Procurify's API cannot deactivate an account code: an inactive account's code stays active and
        // the account is on the review list asking a person to do it.
        const handedOver =
          inactive && code?.active === true && (await deactivationAsked(record.id, 'is inactive'));
        expected = {
          code: fields.acctNumber,
          description: fields.acctName,
          active: handedOver ? true : !inactive,
        };
        actual = code && { code: code.code, description: code.description, active: code.active };
      } else {
        const department = procurify.store.departments.get(procurifyId);
        expected = { name: fields.name, active: !inactive, external_id: record.id };
        actual = department && {
          name: department.name,
          active: department.active,
          external_id: department.external_id,
        };
      }
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        findings.push({
          category: 'lost',
          record: name,
          expected: JSON.stringify(expected),
          actual: `${JSON.stringify(actual ?? null)}${lostNote}${inDlq}`,
        });
      } else {
        outcomes.master.reflected += 1;
      }
      await trails.master(kind, record.id, link.procurifyId);
    }
  }
  // Deleted in NetSuite: the Procurify record (when one was made) must be inactive.
  for (const master of company.masters.values()) {
    if (!master.deleted) continue;
    const name = `netsuite:${master.kind}:${master.netsuiteId} (deleted)`;
    const link = await state.findBySource('netsuite', master.kind, master.netsuiteId);
    if (link === undefined) {
      outcomes.master.deletedReflected += 1;
      continue;
    }
    linkedProcurify[master.kind].add(Number(link.procurifyId));
    const active =
      master.kind === 'vendor'
        ? procurify.store.vendors.get(Number(link.procurifyId))?.active
        : master.kind === 'account'
          ? procurify.store.accountCodes.get(Number(link.procurifyId))?.active
          : procurify.store.departments.get(Number(link.procurifyId))?.active;
    await trails.master(master.kind, master.netsuiteId, link.procurifyId);
    // An account code cannot be deactivated through the API: the review list asks for it instead, or —
    // when its delete notice was lost — the final reconcile reports it with what to do.
    const handedOver =
      master.kind === 'account' &&
      active === true &&
      ((await deactivationAsked(master.netsuiteId, 'was deleted')) ||
        (master.deleteNoticeLost && reconciledDeletes.has(masterKey(master.kind, master.netsuiteId))));
    if (active === false || handedOver) {
      outcomes.master.deletedReflected += 1;
    } else {
      findings.push({
        category: 'lost',
        record: name,
        expected: 'inactive in Procurify',
        actual: `active=${String(active)}${master.deleteNoticeLost ? ' (its delete notice was lost; the final reconcile did not close it)' : ''}`,
      });
    }
  }
  // Every Procurify vendor, account code and department apsync made is linked exactly once.
  const orphanCodeIds = new Set([...company.orphanCodes.values()].map((orphan) => orphan.procurifyId));
  const byExternalId = new Map<string, number>();
  for (const vendor of procurify.store.vendors.values()) {
    if (!linkedProcurify.vendor.has(vendor.id)) {
      findings.push({
        category: 'duplicate',
        record: `procurify:vendor:${vendor.id}`,
        expected: 'linked to the NetSuite vendor it was made from',
        actual: `unlinked (external_id ${vendor.external_id ?? 'none'}, "${vendor.name}")`,
      });
    }
    if (vendor.external_id)
      byExternalId.set(vendor.external_id, (byExternalId.get(vendor.external_id) ?? 0) + 1);
  }
  for (const [externalId, count] of byExternalId) {
    if (count > 1) {
      findings.push({
        category: 'duplicate',
        record: `netsuite:vendor:${externalId}`,
        expected: 'one Procurify vendor',
        actual: `${count} Procurify vendors with external_id ${externalId}`,
      });
    }
  }
  for (const code of procurify.store.accountCodes.values()) {
    if (!linkedProcurify.account.has(code.id) && !orphanCodeIds.has(code.id)) {
      findings.push({
        category: 'duplicate',
        record: `procurify:account-code:${code.id}`,
        expected: 'linked to the NetSuite account it was made from',
        actual: `unlinked code ${code.code}`,
      });
    }
  }
  for (const department of procurify.store.departments.values()) {
    if (!linkedProcurify.department.has(department.id)) {
      findings.push({
        category: 'duplicate',
        record: `procurify:department:${department.id}`,
        expected: 'linked to the NetSuite department it was made from',
        actual: `unlinked department "${department.name}" (external_id ${department.external_id ?? 'none'})`,
      });
    }
  }

  // ---- bills: Procurify → NetSuite -----------------------------------------------------------------
  const netsuiteBills = new Map<string, Array<{ id: string; bill: RenderedBill }>>();
  for (const stored of netsuite.store.list('vendorBill')) {
    const bill = netsuite.record('vendorBill', stored.id) as RenderedBill;
    const key = String(bill.externalId ?? '').toLowerCase();
    netsuiteBills.set(key, [...(netsuiteBills.get(key) ?? []), { id: stored.id, bill }]);
  }
  const explainedBills = new Set<string>();
  const billIdOf = new Map<string, string>();
  for (const bill of company.bills.values()) {
    const uuid = bill.uuid.toLowerCase();
    const name = `procurify:bill:${uuid}`;
    const external = billExternalId(uuid);
    const written = netsuiteBills.get(external) ?? [];
    explainedBills.add(external);
    const current = await state.getState({ system: 'procurify', kind: 'bill', id: uuid });
    const orphanResolved =
      bill.orphanCode === undefined ||
      company.orphanCodes.get(bill.orphanCode)?.netsuiteAccount !== undefined;
    if (written.length > 1) {
      findings.push({
        category: 'duplicate',
        record: name,
        expected: 'one Vendor Bill',
        actual: `${written.length} Vendor Bills ${external}`,
      });
    }
    if (!bill.approved) {
      outcomes.bills.notApproved += 1;
      if (written.length > 0) {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: 'not written (never approved)',
          actual: `Vendor Bill ${written[0]!.id}`,
        });
      }
      continue;
    }
    if (!orphanResolved) {
      outcomes.bills.parked += 1;
      if (written.length > 0) {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: `parked (account code ${bill.orphanCode} not in NetSuite)`,
          actual: `written as Vendor Bill ${written[0]!.id}`,
        });
      } else if (
        current?.status !== 'review' ||
        !(current.waitingFor ?? []).includes(`account-code:${bill.orphanCode}`)
      ) {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: `review, waiting for account-code:${bill.orphanCode}`,
          actual: describeState(current),
        });
      }
      await trails.record({ system: 'procurify', kind: 'bill', id: uuid }, current, undefined);
      continue;
    }
    const only = written[0];
    if (only === undefined) {
      if (deadLettered.has(`bill:${uuid}`)) {
        outcomes.bills.inDeadLetterQueue += 1;
        continue;
      }
      findings.push({
        category: 'lost',
        record: name,
        expected: 'written as a Vendor Bill',
        actual: `no Vendor Bill; state ${describeState(current)}`,
      });
      continue;
    }
    billIdOf.set(uuid, only.id);
    outcomes.bills.written += 1;
    // The owed total (lines with tax and shipping, and costs) in the expense lines the settings make;
    // a Vendor Bill edited by hand keeps the edit's total and lines (apsync never writes over it).
    const handEdit = bill.handEdit?.kind === 'edited' ? bill.handEdit : undefined;
    const expectedLines = handEdit?.expenseLines ?? bill.expenseLines;
    const expectedCents = handEdit?.totalCents ?? bill.totalCents;
    const lines = only.bill.expense?.items?.length ?? 0;
    if (cents(only.bill.total) !== expectedCents || lines !== expectedLines) {
      findings.push({
        category: handEdit !== undefined ? 'mismatch' : lines > expectedLines ? 'duplicate' : 'lost',
        record: name,
        expected: `total ${bill.currency} ${expectedCents / 100} in ${expectedLines} line(s)${bill.edits > 0 ? ` (after ${bill.edits} edit(s))` : ''}${handEdit === undefined ? '' : ' (as edited by hand in NetSuite)'}`,
        actual: `Vendor Bill ${only.id}: total ${only.bill.total} in ${lines} line(s)`,
      });
    } else if (handEdit !== undefined) {
      outcomes.bills.handEditKept += 1;
    }
    if (handEdit !== undefined && only.id !== handEdit.netsuiteBillId) {
      findings.push({
        category: 'mismatch',
        record: name,
        expected: `Vendor Bill ${handEdit.netsuiteBillId}, edited by hand, kept`,
        actual: `Vendor Bill ${only.id}`,
      });
    }
    if (bill.handEdit?.kind === 'deleted') {
      if (only.id === bill.handEdit.netsuiteBillId) {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: `a new Vendor Bill (${bill.handEdit.netsuiteBillId} was deleted by hand)`,
          actual: `Vendor Bill ${only.id}`,
        });
      } else outcomes.bills.deletedWrittenAgain += 1;
    }
    // Its invoice file stored and attached once, whatever retries and edits happened.
    const files = attachedFiles(netsuite.store, 'vendorBill', only.id);
    if (files.length !== bill.attachments) {
      findings.push({
        category: files.length > bill.attachments ? 'duplicate' : 'lost',
        record: name,
        expected: `${bill.attachments} invoice file(s) attached`,
        actual: `Vendor Bill ${only.id}: ${files.length} file(s) attached (${files.map((file) => String(file.fields.name)).join(', ')})`,
      });
    }
    const link = await state.findBySource('procurify', 'bill', uuid);
    if (link?.netsuiteId !== only.id) {
      findings.push({
        category: 'mismatch',
        record: name,
        expected: `linked to Vendor Bill ${only.id}`,
        actual: `link ${link?.netsuiteId ?? 'missing'}`,
      });
    }
    if (current?.status !== 'synced') {
      findings.push({
        category: 'mismatch',
        record: name,
        expected: 'state synced',
        actual: describeState(current),
      });
    }
    await trails.record({ system: 'procurify', kind: 'bill', id: uuid }, current, {
      fact: 'netsuiteId',
      value: only.id,
      steps: ['written'],
    });
  }
  for (const [externalId, bills] of netsuiteBills) {
    if (!explainedBills.has(externalId)) {
      findings.push({
        category: 'duplicate',
        record: `netsuite:bill:${bills[0]!.id}`,
        expected: 'a Vendor Bill of a Procurify bill',
        actual: `unexplained external id ${externalId}`,
      });
    }
  }

  // ---- payments: Procurify → NetSuite (push) ------------------------------------------------------
  const vendorPayments = new Map<string, Array<{ id: string; payment: RenderedPayment }>>();
  for (const stored of netsuite.store.list('vendorPayment')) {
    const payment = netsuite.record('vendorPayment', stored.id) as RenderedPayment;
    const key = String(payment.externalId ?? '').toLowerCase();
    vendorPayments.set(key, [...(vendorPayments.get(key) ?? []), { id: stored.id, payment }]);
  }
  const expectedPaidCents = new Map<string, number>();
  const addPaid = (netsuiteBillId: string, amount: number) =>
    expectedPaidCents.set(netsuiteBillId, (expectedPaidCents.get(netsuiteBillId) ?? 0) + amount);
  const explainedPayments = new Set<string>();
  for (const payment of company.payments.values()) {
    const id = String(payment.id);
    const name = `procurify:payment:${id}`;
    const external = paymentExternalId(id).toLowerCase();
    explainedPayments.add(external);
    const written = vendorPayments.get(external) ?? [];
    const ref: RecordRef = { system: 'procurify', kind: 'payment', id };
    const current = await state.getState(ref);
    if (written.length > 1) {
      findings.push({
        category: 'duplicate',
        record: name,
        expected: 'at most one Vendor Payment',
        actual: `${written.length} Vendor Payments ${external}`,
      });
    }
    if (payment.intent === 'pullMode' || payment.status !== 'paid') {
      if (payment.intent === 'pullMode') outcomes.payments.notPushedInPullMode += 1;
      else outcomes.payments.neverPaid += 1;
      if (written.length > 0) {
        findings.push({
          category: 'mismatch',
          record: name,
          expected:
            payment.intent === 'pullMode' ? 'not pushed (recorded in pull mode)' : 'not pushed (never paid)',
          actual: `Vendor Payment ${written[0]!.id}`,
        });
      }
      continue;
    }
    const only = written[0];
    if (current?.status === 'synced') {
      if (only === undefined) {
        findings.push({
          category: 'lost',
          record: name,
          expected: 'one Vendor Payment (state synced)',
          actual: 'no Vendor Payment',
        });
        continue;
      }
      outcomes.payments.pushedOnce += 1;
      if (payment.voidedInNetSuite !== undefined) {
        // Voided by a NetSuite user: the same Vendor Payment, voided, applying nothing; never pushed again.
        const voided = only.payment.status?.id === 'V';
        const applies = (only.payment.apply?.items ?? []).filter((item) => item.apply).length;
        if (only.id !== payment.voidedInNetSuite || !voided || applies > 0) {
          findings.push({
            category: 'mismatch',
            record: name,
            expected: `Vendor Payment ${payment.voidedInNetSuite} voided by hand, applying nothing`,
            actual: `Vendor Payment ${only.id}: status ${only.payment.status?.id ?? 'none'}, ${applies} bill(s) applied`,
          });
        } else outcomes.payments.voidedInNetSuite += 1;
        await trails.record(ref, current, {
          fact: 'vendorPaymentId',
          value: only.id,
          steps: ['written', 'unchanged'],
        });
        continue;
      }
      if (payment.intent === 'unmatchedAccount') {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: `failed: ${paymentProblems.accountNotFound}`,
          actual: `pushed as ${only.id}`,
        });
      }
      const applied = new Map<string, number>();
      for (const item of only.payment.apply?.items ?? []) {
        if (item.apply) applied.set(item.doc.id, cents(item.amount));
      }
      const wanted = new Map<string, number>();
      for (const line of payment.bills) {
        const netsuiteBillId = billIdOf.get(line.uuid.toLowerCase()) ?? `?${line.uuid}`;
        wanted.set(netsuiteBillId, line.amountCents);
        addPaid(netsuiteBillId, line.amountCents);
      }
      if (JSON.stringify([...applied].sort()) !== JSON.stringify([...wanted].sort())) {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: `applies ${JSON.stringify(Object.fromEntries(wanted))} (cents by NetSuite bill)`,
          actual: `Vendor Payment ${only.id} applies ${JSON.stringify(Object.fromEntries(applied))}`,
        });
      }
      const link = await state.findBySource('procurify', 'payment', id);
      if (link?.netsuiteId !== only.id) {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: `linked to Vendor Payment ${only.id}`,
          actual: `link ${link?.netsuiteId ?? 'missing'}`,
        });
      }
      await trails.record(ref, current, {
        fact: 'vendorPaymentId',
        value: only.id,
        steps: ['written', 'unchanged'],
      });
      continue;
    }
    if (
      (current?.status === 'failed' || current?.status === 'review') &&
      current.errorClass === 'data' &&
      problemMessages.some((problem) => current.message?.startsWith(problem))
    ) {
      const problem = problemMessages.find((candidate) => current.message?.startsWith(candidate))!;
      outcomes.payments.failedWithMessage[problem] = (outcomes.payments.failedWithMessage[problem] ?? 0) + 1;
      const expectedProblem =
        payment.intent === 'unmatchedAccount'
          ? paymentProblems.accountNotFound
          : payment.intent === 'parkedBill'
            ? paymentProblems.billNotSynced
            : undefined;
      if (expectedProblem !== problem)
        outcomes.payments.unexpectedDataFailures.push(`${name}: ${current.message}`);
      if (
        problem === paymentProblems.billNotSynced &&
        payment.bills.every((line) => billIdOf.has(line.uuid.toLowerCase()))
      ) {
        outcomes.payments.billSyncedSince.push(name);
      }
      if (only !== undefined) {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: 'no Vendor Payment (failed)',
          actual: `Vendor Payment ${only.id}`,
        });
      }
      await trails.record(ref, current, undefined);
      continue;
    }
    if (current?.status === 'skipped' && current.message === 'mode is pull') {
      outcomes.payments.skippedModeIsPull += 1;
      continue;
    }
    if (deadLettered.has(`payment:${id}`)) {
      outcomes.payments.inDeadLetterQueue += 1;
      continue;
    }
    findings.push({
      category: 'lost',
      record: name,
      expected: 'one Vendor Payment, a data failure with its message, or a dead-letter message',
      actual: `${only === undefined ? 'no Vendor Payment' : `Vendor Payment ${only.id}`}; state ${describeState(current)}; trail [${summarise(await state.read(ref))}]`,
    });
  }
  for (const netsuitePayment of company.netsuitePayments) {
    for (const line of netsuitePayment.bills) addPaid(line.netsuiteBillId, line.amountCents);
  }
  const userPaymentIds = new Set(company.netsuitePayments.map((payment) => payment.vendorPaymentId));
  for (const [externalId, payments] of vendorPayments) {
    for (const { id } of payments) {
      if (!explainedPayments.has(externalId) && !userPaymentIds.has(id)) {
        findings.push({
          category: 'duplicate',
          record: `netsuite:payment:${id}`,
          expected: 'a Vendor Payment of a Procurify payment or a NetSuite user',
          actual: `unexplained (external id ${externalId || 'none'})`,
        });
      }
    }
  }
  // Each NetSuite bill is paid by exactly what was paid: a Vendor Payment written twice shows here.
  for (const [netsuiteBillId, paid] of [...billIdOf.values()].map(
    (id) => [id, netsuite.store.paidCents(id)] as const,
  )) {
    const wanted = expectedPaidCents.get(netsuiteBillId) ?? 0;
    if (paid !== wanted) {
      findings.push({
        category: paid > wanted ? 'duplicate' : 'lost',
        record: `netsuite:bill:${netsuiteBillId}`,
        expected: `${wanted / 100} paid`,
        actual: `${paid / 100} paid`,
      });
    }
  }

  // ---- pull: bills paid in NetSuite → marked paid in Procurify -----------------------------------
  for (const netsuitePayment of company.netsuitePayments) {
    for (const line of netsuitePayment.bills) {
      const name = `procurify:bill:${line.uuid.toLowerCase()}`;
      const bill = procurify.store.bills.get(line.uuid);
      if (line.paysInFull) {
        if (bill?.status === 4 && bill.paidDate === netsuitePayment.tranDate) {
          outcomes.pull.markedPaid += 1;
          await trails.pullMark(line.uuid.toLowerCase(), findings);
        } else {
          findings.push({
            category: 'lost',
            record: name,
            expected: `marked paid on ${netsuitePayment.tranDate} (paid in full by NetSuite Vendor Payment ${netsuitePayment.vendorPaymentId})`,
            actual: `status ${bill?.status}, paid date ${bill?.paidDate ?? 'none'}`,
          });
        }
      } else if (bill?.status === 2 && bill.paidDate === null) {
        outcomes.pull.partialLeftOpen += 1;
      } else {
        findings.push({
          category: 'mismatch',
          record: name,
          expected: 'left approved and unpaid (partly paid in NetSuite)',
          actual: `status ${bill?.status}, paid date ${bill?.paidDate ?? 'none'}`,
        });
      }
    }
  }
  outcomes.audit.trailsChecked = trails.checked;
  return outcomes;
}

function describeState(current: RecordState | undefined): string {
  if (current === undefined) return 'none';
  return `${current.status}${current.errorClass === undefined ? '' : ` (${current.errorClass})`}${current.message === undefined ? '' : `: ${current.message}`}`;
}

/**
 * An audit trail is complete when it says the record was received, its last outcome agrees with the
 * record's sync state, and the write apsync made is in it (with the id written).
 */
class AuditChecks {
  private readonly env: SoakEnvironment;
  private readonly findings: Finding[];
  checked = 0;

  constructor(env: SoakEnvironment, findings: Finding[]) {
    this.env = env;
    this.findings = findings;
  }

  async master(kind: MasterKind, id: string, procurifyId: string): Promise<void> {
    const ref: RecordRef = { system: 'netsuite', kind, id };
    const current = await this.env.state().getState(ref);
    await this.record(ref, current, { fact: 'procurifyId', value: procurifyId, steps: ['written'] });
  }

  async record(
    ref: RecordRef,
    current: RecordState | undefined,
    write: { fact: string; value: string; steps: readonly string[] } | undefined,
  ): Promise<void> {
    this.checked += 1;
    const name = `${ref.system}:${ref.kind}:${ref.id}`;
    const trail = await this.env.state().read(ref);
    const problems: string[] = [];
    if (!trail.some((entry) => entry.step === 'received')) problems.push('no "received" entry');
    // Entries of the paid-bill pull (they name the NetSuite bill) are about payment, not the bill's sync.
    const own = trail.filter((entry) => !(ref.kind === 'bill' && entry.facts?.netsuiteBillId !== undefined));
    const last = [...own].reverse().find((entry) => outcomeSteps.has(entry.step));
    if (current === undefined) problems.push('no sync state');
    else if (last === undefined || !stepsFor[current.status].includes(last.step)) {
      problems.push(`state ${current.status} but last outcome ${last?.step ?? 'none'}`);
    }
    if (
      write !== undefined &&
      !trail.some(
        (entry) => write.steps.includes(entry.step) && String(entry.facts?.[write.fact]) === write.value,
      )
    ) {
      problems.push(`no ${write.steps.join('/')} entry with ${write.fact} ${write.value}`);
    }
    if (problems.length > 0) {
      this.findings.push({
        category: 'audit',
        record: name,
        expected: 'received, the write, and a last outcome matching the state',
        actual: `${problems.join('; ')} [${summarise(trail)}]`,
      });
    }
  }

  async pullMark(uuid: string, findings: Finding[]): Promise<void> {
    this.checked += 1;
    const trail = await this.env.state().read({ system: 'procurify', kind: 'bill', id: uuid });
    if (!trail.some((entry) => entry.step === 'written' && entry.facts?.paymentDate !== undefined)) {
      findings.push({
        category: 'audit',
        record: `procurify:bill:${uuid}`,
        expected: 'a "written" entry for the mark-as-paid',
        actual: summarise(trail),
      });
    }
  }
}

function summarise(trail: readonly AuditEntry[]): string {
  return trail.map((entry) => entry.step).join(' > ');
}
