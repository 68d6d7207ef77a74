// `apsync status`: the payment mode, the initial load's progress, each scheduled flow (last run, watermarks and their lag), how many
// records are in each sync state, and the depth of every queue and dead-letter queue.
import { queueDepth } from '../../../shared/aws/queue-depth.ts';
import { flowWatermarks } from '../../../shared/flow-watermarks.ts';
import { functionRegistry, scheduleOf } from '../../../shared/function-registry.ts';
import { readPaymentMode } from '../../../shared/payment-mode.ts';
import { initialLoadLine, readInitialLoad } from '../../../shared/payments/initial-load.ts';
import { createReconcileReportStore } from '../../../shared/reconcile/index.ts';
import { type QueueKey, queueDefinitions } from '../../../shared/resources.ts';
import { type RecordKind, type SyncStatus, syncStatuses } from '../../../shared/state/model.ts';
import { formatLag, lagSeconds } from '../../../shared/state/watermark-lag.ts';
import type { ControlStatus } from '../../local/control.ts';
import type { StatusOutput } from '../output-schemas.ts';
import { recordKinds } from '../record-syntax.ts';
import type { CliServices } from '../services.ts';
import { orDash, table } from '../terminal.ts';

const statuses: readonly SyncStatus[] = syncStatuses;

export async function readStatus(services: CliServices, now: Date = new Date()): Promise<StatusOutput> {
  const { target } = services;
  const control: ControlStatus | undefined =
    target.local === undefined ? undefined : await target.local.control.status();
  const [mode, counts, queues] = await Promise.all([
    readPaymentMode(services.state, target.defaultPaymentMode),
    readCounts(services),
    readQueues(services),
  ]);
  const flows: StatusOutput['flows'] = [];
  for (const definition of functionRegistry) {
    const schedule = scheduleOf(definition);
    if (schedule === undefined) continue;
    const local = control?.schedules[schedule];
    const watermarks = await Promise.all(
      (flowWatermarks[schedule] ?? []).map(async (name) => {
        const value = (await services.state.getWatermark(name)) ?? null;
        return { name, value, lagSeconds: value === null ? null : lagSeconds(value, now) };
      }),
    );
    flows.push({
      flow: schedule,
      function: definition.name,
      rateSeconds: local?.rateSeconds ?? target.local?.manifest.schedules[schedule] ?? null,
      lastRun:
        local?.lastRun === undefined || local.lastRun === null
          ? null
          : {
              startedAt: local.lastRun.startedAt,
              ...(local.lastRun.finishedAt === undefined ? {} : { finishedAt: local.lastRun.finishedAt }),
              ...(local.lastRun.outcome === undefined ? {} : { outcome: local.lastRun.outcome }),
              ...(local.lastRun.error === undefined ? {} : { error: local.lastRun.error }),
            },
      watermarks,
    });
  }
  const reconciled = await createReconcileReportStore(services.state).lastReport();
  const initialLoad = await readInitialLoad(services.state);
  return {
    target: { kind: target.kind, label: target.label },
    checkedAt: now.toISOString(),
    paymentMode: {
      mode: mode.mode,
      source: mode.source,
      ...(mode.changedAt === undefined ? {} : { changedAt: mode.changedAt }),
      ...(mode.changedBy === undefined ? {} : { changedBy: mode.changedBy }),
    },
    flows,
    counts,
    queues,
    workers: control?.workers ?? null,
    lastReconcile:
      reconciled === undefined
        ? null
        : {
            reconciledAsOf: reconciled.reconciledAsOf,
            finishedAt: reconciled.finishedAt,
            areas: reconciled.areas,
            fix: reconciled.fix,
            totals: reconciled.totals,
          },
    initialLoad: { ...initialLoad, line: initialLoadLine(initialLoad) },
  };
}

async function readCounts(services: CliServices): Promise<StatusOutput['counts']> {
  const pairs = recordKinds.flatMap((kind) => statuses.map((status) => [kind, status] as const));
  const counts = await Promise.all(
    pairs.map(async ([kind, status]) => ({
      kind,
      status,
      count: await services.state.countByStatus(kind, status),
    })),
  );
  return counts.filter((entry) => entry.count > 0) as Array<{
    kind: RecordKind;
    status: SyncStatus;
    count: number;
  }>;
}

async function readQueues(services: CliServices): Promise<StatusOutput['queues']> {
  const { target } = services;
  const rows: StatusOutput['queues'] = await Promise.all(
    (Object.keys(queueDefinitions) as QueueKey[]).map(async (queue) => ({
      queue,
      depth: await queueDepth(services.sqs, target.queues[queue].url),
      deadLetter: await queueDepth(services.sqs, target.queues[queue].deadLetterQueueUrl),
    })),
  );
  if (target.scheduleDeadLetterQueueUrl !== undefined) {
    rows.push({
      queue: 'schedule',
      depth: { visible: 0, inFlight: 0, delayed: 0 },
      deadLetter: await queueDepth(services.sqs, target.scheduleDeadLetterQueueUrl),
    });
  }
  return rows;
}

export function renderStatus(output: StatusOutput, width?: number): string {
  const mode = output.paymentMode;
  const parts = [
    `apsync status — ${output.target.label} at ${output.checkedAt}`,
    `payment mode: ${mode.mode}${mode.source === 'operator' ? ` (set by ${orDash(mode.changedBy)} at ${orDash(mode.changedAt)})` : ' (default)'}`,
    output.initialLoad.line,
    '',
    'flows',
    table(
      ['flow', 'function', 'every', 'last run', 'outcome', 'watermarks (lag)'],
      output.flows.map((flow) => [
        flow.flow,
        flow.function,
        flow.rateSeconds === null ? '?' : flow.rateSeconds === 0 ? 'on demand' : `${flow.rateSeconds} s`,
        orDash(flow.lastRun?.startedAt),
        flow.lastRun === null
          ? '-'
          : `${orDash(flow.lastRun.outcome ?? 'running')}${flow.lastRun.error ? `: ${flow.lastRun.error}` : ''}`,
        flow.watermarks.length === 0
          ? '-'
          : flow.watermarks
              .map(
                (mark) =>
                  `${mark.name.split(':').at(-1)} ${orDash(mark.value)}${mark.lagSeconds === null ? '' : ` (${formatLag(mark.lagSeconds)})`}`,
              )
              .join('; '),
      ]),
      width,
    ),
    'records by state',
    output.counts.length === 0
      ? '  none yet\n'
      : table(
          ['kind', 'state', 'count'],
          output.counts.map((entry) => [entry.kind, entry.status, String(entry.count)]),
        ),
    'queues',
    table(
      ['queue', 'visible', 'in flight', 'delayed', 'dead-letter'],
      output.queues.map((queue) => [
        queue.queue,
        String(queue.depth.visible),
        String(queue.depth.inFlight),
        String(queue.depth.delayed),
        queue.deadLetter === null ? '-' : String(queue.deadLetter.visible + queue.deadLetter.inFlight),
      ]),
    ),
    `last reconcile: ${renderLastReconcile(output.lastReconcile)}\n`,
  ];
  return `${parts.join('\n')}`;
}

/** `2026-03-01T02:00:00Z: 3 discrepancies, 1 repaired, 2 open (vendor, account, …)` or `never`. */
export function renderLastReconcile(last: StatusOutput['lastReconcile']): string {
  if (last === null) return 'never (apsync reconcile)';
  const { totals } = last;
  const open = totals.open === 0 ? 'none open' : `${totals.open} open — apsync reconcile shows them`;
  return `${last.reconciledAsOf}: ${totals.discrepancies} discrepancies, ${totals.repaired} repaired, ${open} (${last.areas.join(', ')}${last.fix ? ', --fix' : ''})`;
}

export { formatLag, lagSeconds };
