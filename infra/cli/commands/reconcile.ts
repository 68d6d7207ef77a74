// `apsync reconcile [--kind …] [--fix] [--csv FILE]`: proves NetSuite and Procurify agree (issue 14). Runs
// the reconciliation use case (shared/reconcile) itself with the target's clients, state table and
// queues, prints counts by kind and every discrepancy with what to do, and writes the CSV report.
import { writeFile } from 'node:fs/promises';
import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { PaymentMessage } from '../../../shared/events/payment-message.ts';
import {
  defaultGraceMinutes,
  type ReconcileArea,
  reconcile,
  reconcileAreas,
  reconcileDependencies,
  reconcileReportCsv,
} from '../../../shared/reconcile/index.ts';
import { effectiveMasterDataSettings } from '../../../shared/settings/settings-store.ts';
import type { ReconcileOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';
import { orDash, table } from '../terminal.ts';

export const reconcileKinds: readonly ReconcileArea[] = reconcileAreas;

export interface ReconcileCommandOptions {
  kind?: ReconcileArea;
  fix: boolean;
  csv?: string;
  /** Minutes of changes left to the syncs in flight (default 10). */
  grace?: number;
}

export async function runReconcile(
  services: CliServices,
  options: ReconcileCommandOptions,
  onProgress: (step: string) => void = () => undefined,
): Promise<ReconcileOutput> {
  const [{ netsuite, procurify }, settings] = await Promise.all([
    services.syncClients(),
    services.settings(),
  ]);
  const { queues } = services.target;
  const deps = reconcileDependencies({
    netsuite,
    procurify,
    state: services.state,
    dynamodb: services.dynamodb,
    stateTable: services.target.stateTable,
    queues: {
      inbound: new SqsQueuePublisher<InboundMessage>(services.sqs, queues.inbound.url),
      bills: new SqsQueuePublisher<BillMessage>(services.sqs, queues.bill.url),
      payments: new SqsQueuePublisher<PaymentMessage>(services.sqs, queues.payment.url),
    },
    // The operator's settings (`apsync settings`) over the deployment's, as the functions apply them.
    settings: { ...settings, ...(await effectiveMasterDataSettings(services.state, settings)) },
    defaultPaymentMode: services.target.defaultPaymentMode,
  });
  const report = await reconcile(deps, {
    ...(options.kind === undefined ? {} : { areas: [options.kind] }),
    fix: options.fix,
    graceMinutes: options.grace ?? defaultGraceMinutes,
    onProgress,
  });
  if (options.csv !== undefined) await writeFile(options.csv, reconcileReportCsv(report), 'utf8');
  return { ...report, csvFile: options.csv ?? null };
}

const idsOf = (found: ReconcileOutput['discrepancies'][number]): string =>
  [
    found.netsuiteId === null ? undefined : `NS ${found.netsuiteId}`,
    found.procurifyId === null ? undefined : `PF ${found.procurifyId}`,
  ]
    .filter((part) => part !== undefined)
    .join(' / ');

const repairText = (found: ReconcileOutput['discrepancies'][number]): string => {
  if (found.action === 'none') return 'by hand';
  if (found.repair === undefined) return found.action;
  if (found.repair.status === 'done') return `${found.action}: done`;
  if (found.repair.status === 'needs-fix') return `${found.action}: --fix`;
  return `${found.action}: failed (${found.repair.detail})`;
};

export function renderReconcile(output: ReconcileOutput, width?: number): string {
  const counts: string[][] = [];
  for (const area of output.areas) {
    const kinds = Object.entries(output.counts[area] ?? {});
    if (kinds.length === 0) counts.push([area, String(output.checked[area] ?? 0), '-', '0']);
    for (const [kind, count] of kinds)
      counts.push([area, String(output.checked[area] ?? 0), kind, String(count)]);
  }
  let text = `reconciled as of ${output.reconciledAsOf} (${output.areas.join(', ')})\n`;
  text += table(['area', 'compared', 'kind', 'discrepancies'], counts, width);
  if (output.discrepancies.length > 0) {
    text += '\n';
    text += table(
      ['area', 'kind', 'records', 'field', 'NetSuite', 'Procurify', 'owner', 'repair', 'what to do'],
      output.discrepancies.map((found) => [
        found.area,
        found.kind,
        idsOf(found),
        orDash(found.field),
        orDash(found.netsuiteValue),
        orDash(found.procurifyValue),
        found.owner,
        repairText(found),
        found.message,
      ]),
      width,
    );
  }
  const { totals } = output;
  text += `\n${totals.discrepancies} discrepancies: ${totals.repaired} repaired, ${totals.open} open`;
  if (totals.needsFix > 0) text += ` (${totals.needsFix} repaired by apsync reconcile --fix)`;
  if (totals.failed > 0) text += `, ${totals.failed} repairs failed`;
  text += '\n';
  if (output.requests?.netsuite !== undefined) text += `NetSuite requests: ${output.requests.netsuite}\n`;
  if (output.csvFile !== null) text += `report written to ${output.csvFile}\n`;
  return text;
}
