// `apsync backfill [--since <date>] [--bills [--history]]`: the initial load — every NetSuite vendor, GL
// account and department (or those modified since a date) put on the inbound queue through the backfill
// use case (shared/netsuite-poll); with `--bills`, then the approved Procurify bills of the last 12
// months (or since the date; `--history` for older ones) on the bill queue, matched in NetSuite before
// anything is written (shared/bills/backfill-bills.ts, resumable). A progress bar per record type and a
// summary. The CLI runs the use cases itself, with the target's queues and the stored credentials.
import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import { backfillBills } from '../../../shared/bills/backfill-bills.ts';
import type { BillMessage } from '../../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { backfillMasterData } from '../../../shared/netsuite-poll/index.ts';
import type { BackfillOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';
import { table } from '../terminal.ts';

export async function runBackfill(
  services: CliServices,
  options: { since?: string; bills?: boolean; history?: boolean },
  onProgress: (progress: { recordType: string; enqueued: number; done: boolean }) => void = () => undefined,
): Promise<BackfillOutput> {
  const started = Date.now();
  const netsuite = await services.netsuite();
  // `--since 2025-11-22` is midnight in the account's time zone (the functions' NetSuite time zone).
  const { netsuiteTimeZone } = await services.settings();
  const summary = await backfillMasterData(
    {
      suiteQl: netsuite.suiteQl,
      queue: new SqsQueuePublisher<InboundMessage>(services.sqs, services.target.queues.inbound.url),
    },
    {
      ...(options.since === undefined ? {} : { since: options.since }),
      accountTimeZone: netsuiteTimeZone,
      onProgress,
    },
  );
  const enqueued: Record<string, number> = {};
  for (const [type, count] of Object.entries(summary)) enqueued[type] = count ?? 0;
  if (options.bills === true) {
    const { procurify } = await services.syncClients();
    const cursor = await backfillBills(
      {
        procurify,
        state: services.state,
        bills: new SqsQueuePublisher<BillMessage>(services.sqs, services.target.queues.bill.url),
      },
      {
        ...(options.since === undefined ? {} : { since: options.since }),
        ...(options.history === true ? { history: true } : {}),
        onProgress: (progress) =>
          onProgress({
            recordType: `bill (${progress.phase})`,
            enqueued: progress.queued,
            done: progress.done,
          }),
      },
    );
    enqueued.bill = cursor.counts.recent.queued + cursor.counts.history.queued;
    enqueued['bill already linked'] =
      cursor.counts.recent.alreadyLinked + cursor.counts.history.alreadyLinked;
  }
  return {
    since: options.since ?? null,
    enqueued,
    total: Object.entries(enqueued)
      .filter(([type]) => type !== 'bill already linked')
      .reduce((sum, [, count]) => sum + count, 0),
    durationMs: Date.now() - started,
  };
}

export function renderBackfill(output: BackfillOutput): string {
  const rows = Object.entries(output.enqueued).map(([type, count]) => [type, String(count)]);
  return `${table(['record type', 'enqueued'], [...rows, ['total', String(output.total)]])}backfill ${
    output.since === null ? 'of every record' : `of records modified since ${output.since}`
  } queued in ${(output.durationMs / 1000).toFixed(1)} s; the inbound worker writes what changed (apsync status shows the queue drain)\n`;
}
