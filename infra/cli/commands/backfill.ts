// `apsync backfill [--since <date>]`: the initial load (SPEC F6) — every NetSuite vendor, GL account and
// department (or those modified since a date) put on the inbound queue through the backfill use case
// (shared/netsuite-poll), with a progress bar per record type and a summary. The CLI runs the use case
// itself, with the target's queue and the NetSuite credentials stored in its Secrets Manager.
import { SqsQueuePublisher } from '../../../shared/aws/queue-publisher.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import { type BackfillProgress, backfillMasterData } from '../../../shared/netsuite-poll/index.ts';
import type { BackfillOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';
import { table } from '../terminal.ts';

export async function runBackfill(
  services: CliServices,
  options: { since?: string },
  onProgress: (progress: BackfillProgress) => void = () => undefined,
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
  return {
    since: options.since ?? null,
    enqueued,
    total: Object.values(enqueued).reduce((sum, count) => sum + count, 0),
    durationMs: Date.now() - started,
  };
}

export function renderBackfill(output: BackfillOutput): string {
  const rows = Object.entries(output.enqueued).map(([type, count]) => [type, String(count)]);
  return `${table(['record type', 'enqueued'], [...rows, ['total', String(output.total)]])}backfill ${
    output.since === null ? 'of every record' : `of records modified since ${output.since}`
  } queued in ${(output.durationMs / 1000).toFixed(1)} s; the inbound worker writes what changed (apsync status shows the queue drain)\n`;
}
