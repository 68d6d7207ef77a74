// What the operator console shows, read from the state table and the queues exactly as `apsync status`,
// `review list`, `audit` and `bills config get` read them: the overview, the failures list, one record
// and the settings.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type QueueDepth, queueDepth } from '../aws/queue-depth.ts';
import { billSyncConfigName } from '../bills/bill-sync-settings.ts';
import { flowWatermarks } from '../flow-watermarks.ts';
import { type PaymentMode, type PaymentModeSetting, readPaymentMode } from '../payment-mode.ts';
import { initialLoadLine, readInitialLoad } from '../payments/initial-load.ts';
import type { PreviewSources } from '../preview/ports.ts';
import type { StoredReconcileSummary } from '../reconcile/ports.ts';
import { createReconcileReportStore } from '../reconcile/repairs.ts';
import { type QueueKey, queueDefinitions } from '../resources.ts';
import {
  type AuditEntry,
  openFailureStatuses,
  type RecordKind,
  type RecordLink,
  type RecordRef,
  type RecordState,
  recordKinds,
  type SyncStatus,
  syncStatuses,
} from '../state/model.ts';
import type { DynamoStateStore } from '../state/state-store.ts';
import type { AlarmsPlace } from './alarms.ts';

export { recordKinds };
export const statuses: readonly SyncStatus[] = syncStatuses;
/** The states the failures page lists; review and failed unless a state is chosen. */
export const failureStatuses = [...openFailureStatuses, 'dismissed'] as const;
export type FailureStatus = (typeof failureStatuses)[number];

export interface ConsoleQueue {
  url: string;
  deadLetterQueueUrl: string;
}

/** A scheduled flow's last run, where the platform knows it (local mode's scheduler). */
export interface FlowRun {
  flow: string;
  rateSeconds?: number;
  startedAt?: string;
  finishedAt?: string;
  outcome?: string;
  error?: string;
}

export interface ConsoleData {
  state: DynamoStateStore;
  sqs: SQSClient;
  queues: Record<QueueKey, ConsoleQueue>;
  defaultPaymentMode: PaymentMode;
  /** Last runs of the scheduled flows (local mode); on AWS the watermarks say how far each got. */
  flowRuns?: () => Promise<FlowRun[]>;
  /** What the record page's preview of the next write reads; without it the page names the CLI command. */
  preview?: PreviewSources;
  /** Where the alarms are evaluated (none in local mode). */
  alarms?: AlarmsPlace;
}

export interface Overview {
  paymentMode: PaymentModeSetting;
  flows: Array<FlowRun & { watermarks: Array<{ name: string; value: string | null }> }>;
  counts: Array<{ kind: RecordKind; status: SyncStatus; count: number }>;
  queues: Array<{ queue: QueueKey; depth: QueueDepth; deadLetter: QueueDepth }>;
  lastReconcile: StoredReconcileSummary | undefined;
  /** The initial load's line, as `apsync status` shows it. */
  initialLoad: string;
  alarms: AlarmsPlace | undefined;
}

export async function readOverview(data: ConsoleData): Promise<Overview> {
  const [paymentMode, counts, queues, runs, lastReconcile] = await Promise.all([
    readPaymentMode(data.state, data.defaultPaymentMode),
    Promise.all(
      recordKinds.flatMap((kind) =>
        statuses.map(async (status) => ({
          kind,
          status,
          count: await data.state.countByStatus(kind, status),
        })),
      ),
    ),
    Promise.all(
      (Object.keys(queueDefinitions) as QueueKey[]).map(async (queue) => ({
        queue,
        depth: await queueDepth(data.sqs, data.queues[queue].url),
        deadLetter: await queueDepth(data.sqs, data.queues[queue].deadLetterQueueUrl),
      })),
    ),
    data.flowRuns?.() ?? Promise.resolve([]),
    createReconcileReportStore(data.state).lastReport(),
  ]);
  const initialLoad = initialLoadLine(await readInitialLoad(data.state));
  const flows = await Promise.all(
    Object.entries(flowWatermarks).map(async ([flow, names]) => ({
      ...(runs.find((run) => run.flow === flow) ?? { flow }),
      watermarks: await Promise.all(
        names.map(async (name) => ({ name, value: (await data.state.getWatermark(name)) ?? null })),
      ),
    })),
  );
  return {
    paymentMode,
    flows,
    counts: counts.filter((entry) => entry.count > 0),
    queues,
    lastReconcile,
    initialLoad,
    alarms: data.alarms,
  };
}

export interface FailureFilter {
  kind?: RecordKind;
  status?: FailureStatus;
  /** Words the record, its message or what it waits for contain (case-insensitive). */
  text?: string;
  /** Only records whose state is at least this old (seconds). */
  olderThanSeconds?: number;
  limit?: number;
  now?: Date;
}

export async function listFailures(
  data: ConsoleData,
  filter: FailureFilter,
): Promise<{ records: RecordState[]; truncated: boolean }> {
  const limit = filter.limit ?? 200;
  const kinds = filter.kind === undefined ? recordKinds : [filter.kind];
  const wanted: SyncStatus[] = filter.status === undefined ? [...openFailureStatuses] : [filter.status];
  const lists = await Promise.all(
    kinds.flatMap((kind) => wanted.map((status) => data.state.listByStatus(kind, status, limit + 1))),
  );
  const needle = filter.text?.trim().toLowerCase() ?? '';
  const cutoff =
    filter.olderThanSeconds === undefined
      ? undefined
      : new Date((filter.now ?? new Date()).getTime() - filter.olderThanSeconds * 1000).toISOString();
  const states = lists
    .flat()
    .filter((state) => cutoff === undefined || state.updatedAt <= cutoff)
    .filter(
      (state) =>
        needle === '' ||
        [formatRecord(state.ref), state.message ?? '', ...(state.waitingFor ?? [])]
          .join(' ')
          .toLowerCase()
          .includes(needle),
    )
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return { records: states.slice(0, limit), truncated: states.length > limit };
}

export interface RecordView {
  ref: RecordRef;
  state: RecordState | undefined;
  link: RecordLink | undefined;
  entries: AuditEntry[];
}

export async function readRecord(data: ConsoleData, ref: RecordRef): Promise<RecordView> {
  const [state, link, entries] = await Promise.all([
    data.state.getState(ref),
    data.state.findBySource(ref.system, ref.kind, ref.id),
    data.state.read(ref),
  ]);
  return { ref, state, link, entries };
}

export async function readSettings(
  data: ConsoleData,
): Promise<{ paymentMode: PaymentModeSetting; billSettings: unknown }> {
  const [paymentMode, billSettings] = await Promise.all([
    readPaymentMode(data.state, data.defaultPaymentMode),
    data.state.getConfig<unknown>(billSyncConfigName),
  ]);
  return { paymentMode, billSettings: billSettings ?? {} };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `vendor:123`, `bill:<uuid>`, `payment:7`, or `<system>:<kind>:<id>` where the short form would mislead. */
export function formatRecord(ref: RecordRef): string {
  const usual =
    ref.kind === 'payment' || (ref.kind === 'bill' && uuidPattern.test(ref.id)) ? 'procurify' : 'netsuite';
  return ref.system === usual ? `${ref.kind}:${ref.id}` : `${ref.system}:${ref.kind}:${ref.id}`;
}
