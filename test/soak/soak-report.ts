// The soak's printed report: operations by kind, faults injected (from the sandboxes' own counters),
// retries, dead-letter contents before and after the final redrive, outcomes, and the three numbers
// that must be zero (duplicates, lost, incomplete audit trails), then every finding. Used by main.ts
// and printed by the small soak test when it fails.
import type { Finding } from './invariants.ts';
import type { SoakReport } from './run-soak.ts';

export function renderSoakReport(report: SoakReport): string {
  const { options, faults, outcomes } = report;
  const r = report.reconcile;
  const lines: string[] = [];
  const row = (label: string, value: string | number) => lines.push(`  ${label.padEnd(62, ' ')} ${value}`);
  const count = (category: Finding['category']) =>
    outcomes.findings.filter((finding) => finding.category === category).length;
  const percent = (part: number, whole: number) =>
    whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;

  lines.push(
    `apsync soak — seed ${options.seed}, ${options.operations} operations (${Math.round(options.pushShare * 100)}% push mode, then pull)`,
  );
  lines.push('operations');
  for (const [kind, n] of Object.entries(report.operations.performed).sort()) row(kind, n);
  row('fallbacks (first choice had nothing eligible)', report.operations.fellBack);
  row('records looked at before apsync had synced them', report.operations.notReady);

  lines.push('faults injected');
  const ns = faults.netsuite;
  row('NetSuite requests (while faults were on)', `${ns.requests} (${ns.requestsUnderFaults})`);
  row('NetSuite 429 injected', `${ns.injected429} (${percent(ns.injected429, ns.requestsUnderFaults)})`);
  row('NetSuite 429 by the concurrency governance', ns.governance429);
  row('NetSuite 5xx injected', `${ns.injected5xx} (${percent(ns.injected5xx, ns.requestsUnderFaults)})`);
  row(
    'NetSuite timeouts (held until the client gave up)',
    `${ns.timeouts} (${percent(ns.timeouts, ns.requestsUnderFaults)})`,
  );
  row('NetSuite connections dropped', `${ns.dropped} (${percent(ns.dropped, ns.requestsUnderFaults)})`);
  row('NetSuite 401 (expired tokens)', ns.unauthorized);
  const pc = faults.procurify;
  row('Procurify requests (while faults were on)', `${pc.requests} (${pc.requestsUnderFaults})`);
  row('Procurify 429 injected', `${pc.injected429} (${percent(pc.injected429, pc.requestsUnderFaults)})`);
  row('Procurify 401 (expired tokens)', pc.unauthorized);
  row(`token expiries (both services, every ${options.tokenExpiryEveryMs / 1000} s)`, faults.tokenExpiries);
  row('webhook notices lost (webhook off for the change)', faults.noticesLost);
  row('webhook notices not delivered (apsync restarting)', ns.noticesNotDelivered);
  const dup = faults.duplicates;
  row(
    'webhook notices delivered twice',
    `${dup.sent} of ${dup.picked} picked: ${dup.recognised} answered duplicate, ${dup.acceptedAgain} queued again, ${dup.otherAnswers} other, ${dup.originalNotDelivered} original never delivered`,
  );
  for (const missing of dup.notDelivered) lines.push(`    original never delivered: ${missing}`);
  row(
    'worker died right after a Vendor Payment write',
    `${faults.paymentCrashes.crashed} of ${faults.paymentCrashes.writes} writes`,
  );
  row(
    'Procurify answers lost after the write',
    `${pc.answersLost} (of ${faults.procurifyAnswersLostArmed} armed)`,
  );
  row('apsync restarts on its data directory', faults.restarts);

  lines.push('retries');
  row(
    'NetSuite requests failed by a fault and retried by the client',
    ns.injected429 + ns.injected5xx + ns.timeouts + ns.dropped + ns.unauthorized,
  );
  row(
    'Procurify requests failed by a fault and retried by the client',
    pc.injected429 + pc.unauthorized + pc.answersLost,
  );
  lines.push('  messages that failed and came back (queue retries):');
  for (const [name, counts] of Object.entries(report.workers).sort()) {
    row(name, `${counts.failures} retried of ${counts.records} receives (${counts.invocations} invocations)`);
  }
  row('errors reported by workers and schedules', report.workerErrors);
  lines.push('  why messages failed (last error of each, grouped):');
  for (const reason of report.failureReasons.slice(0, 12)) {
    lines.push(
      `    ${String(reason.messages).padStart(5)}  ${reason.queue}/${reason.errorClass}: ${reason.reason}`,
    );
  }

  lines.push('dead-letter queues');
  row('before the final redrive', summariseDeadLetters(report.deadLetters.beforeRedrive));
  row('after the redrive (what remains)', summariseDeadLetters(report.deadLetters.afterRedrive));
  for (const message of report.deadLetters.afterRedrive) {
    lines.push(
      `    ${message.queue} ${message.record ?? message.messageId}: ${message.errorClass ?? ''} ${message.lastError ?? ''}`,
    );
  }

  lines.push('outcomes');
  const m = outcomes.master;
  row('NetSuite master records reflected in Procurify', `${m.reflected} of ${m.records}`);
  row('deleted NetSuite records inactive (or never made) in Procurify', m.deletedReflected);
  const b = outcomes.bills;
  row('approved bills written once as Vendor Bills', b.written);
  row('bills parked (account code not in NetSuite)', b.parked);
  row('bills never approved (not written)', b.notApproved);
  row('bills in a dead-letter queue', b.inDeadLetterQueue);
  const p = outcomes.payments;
  row('payments pushed as exactly one Vendor Payment', p.pushedOnce);
  row('  of which voided by hand in NetSuite since (still voided, not pushed again)', p.voidedInNetSuite);
  row('Vendor Bills edited by hand in NetSuite, the edit kept', outcomes.bills.handEditKept);
  row('Vendor Bills deleted by hand in NetSuite, written again', outcomes.bills.deletedWrittenAgain);
  for (const [problem, n] of Object.entries(p.failedWithMessage).sort())
    row(`payments failed: "${problem}"`, n);
  row('  of which not the failure the driver set up', p.unexpectedDataFailures.length);
  row('  "Bill not synced" whose bills are in NetSuite now', p.billSyncedSince.length);
  row('payments in a dead-letter queue', p.inDeadLetterQueue);
  row('payments never marked paid (not pushed)', p.neverPaid);
  row('payments recorded in pull mode (not pushed)', p.notPushedInPullMode);
  row('payments skipped at the switch ("mode is pull")', p.skippedModeIsPull);
  row('NetSuite user payments (pull mode)', outcomes.pull.netsuitePayments);
  row('bills paid in full in NetSuite marked paid in Procurify', outcomes.pull.markedPaid);
  row('bills partly paid in NetSuite left open in Procurify', outcomes.pull.partialLeftOpen);
  row('audit trails checked', outcomes.audit.trailsChecked);

  lines.push('final reconcile (apsync reconcile --fix, settle, apsync reconcile)');
  for (const [kind, n] of Object.entries(r.foundByKind).sort()) row(`found ${kind}`, n);
  row('discrepancies found', r.found);
  row('  repaired by apsync', r.repaired);
  row('  reported with what a person must do', r.reportedWithAction);
  row('  explained (made on purpose by the soak: lost delete notice, hand edit)', r.explained);
  row('discrepancies left after the repairs settled', r.remaining);
  for (const [kind, n] of Object.entries(r.driftReported).sort())
    row(`drift made by the soak, found with its action: ${kind}`, n);
  row(
    'vendors deleted without a notice, deactivated by the reconcile',
    `${r.deactivatedByReconcile.length} (${r.deactivatedByReconcile.join(', ') || 'none'}; active in Procurify just before it)`,
  );

  lines.push('invariants');
  row('duplicates found (must be 0)', count('duplicate') + faults.duplicates.acceptedAgain);
  row('lost (must be 0)', count('lost'));
  row('arrived wrong (must be 0)', count('mismatch'));
  row('audit trails incomplete (must be 0)', count('audit'));
  row('unexplained reconcile discrepancies (must be 0)', r.unexplained.length);
  row('known gaps: drift the reconcile did not find or close (must be 0)', r.gaps.length);
  row(
    'settled',
    report.settle.first.settled && report.settle.afterRedrive.settled && r.settle.settled ? 'yes' : 'NO',
  );
  for (const settle of [report.settle.first, report.settle.afterRedrive, r.settle]) {
    if (settle.remaining !== undefined) lines.push(`    not settled: ${settle.remaining}`);
  }
  const phases = report.phases;
  row(
    'wall time',
    `${(report.wallMs / 1000).toFixed(1)} s (setup ${(phases.setupMs / 1000).toFixed(1)}, operations ${(phases.operationsMs / 1000).toFixed(1)}, settle ${(phases.settleMs / 1000).toFixed(1)}, reconcile ${(phases.reconcileMs / 1000).toFixed(1)}, checks ${(phases.checkMs / 1000).toFixed(1)})`,
  );
  if (p.unexpectedDataFailures.length > 0) {
    lines.push('payments that failed with a data message the driver did not set up');
    for (const failure of p.unexpectedDataFailures.slice(0, 20)) lines.push(`  ${failure}`);
  }
  if (r.unexplained.length > 0) {
    lines.push('unexplained reconcile discrepancies');
    for (const found of r.unexplained.slice(0, 30)) lines.push(`  ${found}`);
  }
  if (r.gaps.length > 0) {
    lines.push('known gaps');
    for (const gap of r.gaps.slice(0, 30)) lines.push(`  ${gap}`);
  }
  if (outcomes.findings.length > 0) {
    lines.push('findings');
    for (const finding of outcomes.findings.slice(0, 50)) {
      lines.push(
        `  [${finding.category}] ${finding.record}: expected ${finding.expected}; found ${finding.actual}`,
      );
    }
    if (outcomes.findings.length > 50) lines.push(`  ... ${outcomes.findings.length - 50} more`);
  }
  lines.push(report.failures === 0 ? 'PASS' : `FAIL (${report.failures})`);
  return `${lines.join('\n')}\n`;
}

function summariseDeadLetters(messages: SoakReport['deadLetters']['beforeRedrive']): string {
  if (messages.length === 0) return '0';
  const byQueue = new Map<string, number>();
  for (const message of messages) byQueue.set(message.queue, (byQueue.get(message.queue) ?? 0) + 1);
  return `${messages.length} (${[...byQueue].map(([queue, n]) => `${queue} ${n}`).join(', ')})`;
}
