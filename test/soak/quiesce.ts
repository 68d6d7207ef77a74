// The end of a soak: with the faults off, every scheduled flow is run on demand until the work queues
// are empty, nothing is in flight and the sync states stop changing; then the dead-letter queues are
// listed and redriven the way an operator does it (`apsync dlq list`, `apsync dlq redrive --all`,
// through the CLI's own commands against the published local stack), and the flows settle once more.
// Called by run-soak.ts.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { listDeadLetters, redriveDeadLetters } from '../../infra/cli/commands/dlq.ts';
import type { DlqListOutput } from '../../infra/cli/output-schemas.ts';
import { CliServices } from '../../infra/cli/services.ts';
import { localTarget } from '../../infra/cli/target.ts';
import { publishLocalStack } from '../../infra/local/publish.ts';
import type { RecordKind, SyncStatus } from '../../shared/state/model.ts';
import type { SoakEnvironment } from './soak-environment.ts';

const kinds: readonly RecordKind[] = ['vendor', 'account', 'department', 'bill', 'payment'];
const statuses: readonly SyncStatus[] = ['pending', 'synced', 'unchanged', 'skipped', 'review', 'failed'];

export interface QuiesceResult {
  rounds: number;
  ms: number;
  settled: boolean;
  /** What was still going on when the deadline passed (queues, invocations), when it did. */
  remaining?: string;
}

/** Per queue: visible/in flight/delayed messages; per worker: invocations running. */
export async function describeWork(env: SoakEnvironment): Promise<string> {
  const stack = env.stack();
  const parts: string[] = [];
  for (const [queue, url] of Object.entries(stack.aws.queueUrls)) {
    const answer = await env.sqs().send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const a = answer.Attributes ?? {};
    parts.push(
      `${queue} ${a.ApproximateNumberOfMessages}/${a.ApproximateNumberOfMessagesNotVisible}/${a.ApproximateNumberOfMessagesDelayed}`,
    );
  }
  for (const [name, source] of Object.entries(stack.eventSources)) {
    if (source.stats().inFlight > 0) parts.push(`${name} running ${source.stats().inFlight}`);
  }
  return `queues visible/in flight/delayed: ${parts.join(', ')}`;
}

/** Messages waiting, in flight or delayed on the work queues, plus invocations running. */
export async function workInProgress(env: SoakEnvironment): Promise<number> {
  const stack = env.stack();
  let total = 0;
  for (const url of Object.values(stack.aws.queueUrls)) {
    const answer = await env.sqs().send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    for (const value of Object.values(answer.Attributes ?? {})) total += Number(value);
  }
  for (const source of Object.values(stack.eventSources)) total += source.stats().inFlight;
  return total;
}

/** Waits until the work queues are empty and no invocation runs (or the deadline passes). */
export async function drained(env: SoakEnvironment, deadline: number): Promise<boolean> {
  for (;;) {
    if ((await workInProgress(env)) === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

async function stateFingerprint(env: SoakEnvironment): Promise<string> {
  const state = env.state();
  const parts: string[] = [];
  for (const kind of kinds) {
    for (const status of statuses) {
      const count = await state.countByStatus(kind, status);
      if (count === 0) continue;
      // Parked bills are re-sent by every Procurify poll for a while after master data moved (the
      // resend's 120 s margin) and parked again with a new time: only their number tells progress.
      if (kind === 'bill' && status === 'review') parts.push(`${kind}/${status}=${count}`);
      else parts.push(`${kind}/${status}=${count}@${(await state.latestStateUpdate(kind, status)) ?? ''}`);
    }
  }
  return parts.join(' ');
}

/** Runs every flow until two rounds in a row leave the queues empty and the states unchanged. */
export async function quiesce(env: SoakEnvironment, timeoutMs: number): Promise<QuiesceResult> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let previous = '';
  let stableRounds = 0;
  let rounds = 0;
  let changed = '';
  while (Date.now() < deadline) {
    rounds += 1;
    for (const schedule of ['procurifyPoll', 'netsuitePoll', 'paidBillPull']) {
      await env.stack().scheduler.runNow(schedule);
    }
    const empty = await drained(env, deadline);
    const fingerprint = await stateFingerprint(env);
    stableRounds = empty && fingerprint === previous ? stableRounds + 1 : 0;
    if (fingerprint !== previous) {
      const before = new Set(previous.split(' '));
      changed = fingerprint
        .split(' ')
        .filter((part) => !before.has(part))
        .join(' ');
    }
    previous = fingerprint;
    if (stableRounds >= 2) return { rounds, ms: Date.now() - started, settled: true };
    await sleep(500);
  }
  return {
    rounds,
    ms: Date.now() - started,
    settled: false,
    remaining: `${await describeWork(env)}; still changing: ${changed}`,
  };
}

export interface DeadLetterRound {
  beforeRedrive: DlqListOutput['messages'];
  afterRedrive: DlqListOutput['messages'];
  quiesce: QuiesceResult;
}

/** `apsync dlq list`, `apsync dlq redrive --all`, settle, `apsync dlq list` again. */
export async function settleDeadLetters(
  env: SoakEnvironment,
  dataDir: string,
  timeoutMs: number,
): Promise<DeadLetterRound> {
  const published = await publishLocalStack(env.stack(), {
    dataDir,
    ephemeral: true,
    demo: false,
    scheduleRates: {},
    settings: {},
  });
  const services = new CliServices(await localTarget(dataDir));
  try {
    const before = await listDeadLetters(services, { limit: 10_000 });
    if (before.messages.length > 0) await redriveDeadLetters(services, { all: true, ids: [], wait: true });
    const settled = await quiesce(env, timeoutMs);
    const after = await listDeadLetters(services, { limit: 10_000 });
    return { beforeRedrive: before.messages, afterRedrive: after.messages, quiesce: settled };
  } finally {
    services.destroy();
    await published.unpublish({ writeStopped: false });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
