// `apsync sync now <flow>`: runs a scheduled flow at once. Locally through the running stack's control
// endpoint (its scheduler lives in the `npm start` process); on AWS by invoking the deployed function
// with the payload EventBridge Scheduler sends.
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { classifyAwsError } from '../../../shared/aws/sdk-errors.ts';
import { DataError } from '../../../shared/errors.ts';
import { functionRegistry, type ScheduleKey, scheduleOf } from '../../../shared/function-registry.ts';
import type { SyncNowOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';

/** The operator's names of the flows; bills and payments share the Procurify poll. */
export const syncFlows = {
  'master-data': 'netsuitePoll',
  bills: 'procurifyPoll',
  payments: 'procurifyPoll',
  'paid-bills': 'paidBillPull',
  /** Sends the failure digest now (what is new since the last one; nothing when nothing is). */
  'failure-digest': 'failureDigest',
} as const satisfies Record<string, ScheduleKey>;
export type SyncFlow = keyof typeof syncFlows;

export async function syncNow(services: CliServices, flow: SyncFlow, wait: boolean): Promise<SyncNowOutput> {
  const schedule = syncFlows[flow];
  const definition = functionRegistry.find((entry) => scheduleOf(entry) === schedule);
  if (definition === undefined)
    throw new DataError(`no function runs the ${schedule} schedule`, { source: 'apsync-cli' });
  const { target } = services;
  if (target.local !== undefined) {
    if (target.local.manifest.schedules[schedule] === undefined) {
      throw new DataError(
        `sync now ${flow} is not available yet: ${definition.name} is not part of this local stack (infra/local/functions.ts)`,
        { source: 'apsync-cli', code: 'not-available' },
      );
    }
    const run = await target.local.control.syncNow(schedule, wait);
    return {
      flow,
      schedule,
      function: definition.name,
      outcome: run.outcome ?? 'started',
      startedAt: run.startedAt,
      ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
      ...(run.result === undefined ? {} : { result: run.result }),
      ...(run.error === undefined ? {} : { error: run.error }),
    };
  }
  const functionName = target.functionNames[definition.name];
  if (functionName === undefined) {
    throw new DataError(`${target.label} has no ${definition.name} function (output FunctionName… missing)`, {
      source: 'apsync-cli',
      code: 'not-available',
    });
  }
  const startedAt = new Date().toISOString();
  let answer: InvokeCommandOutput;
  try {
    answer = await services.lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: wait ? 'RequestResponse' : 'Event',
        Payload: new TextEncoder().encode(
          JSON.stringify({ scheduledTime: startedAt, schedule: `apsync sync now ${flow}` }),
        ),
      }),
    );
  } catch (error) {
    throw classifyAwsError(error, 'lambda');
  }
  if (!wait) return { flow, schedule, function: definition.name, outcome: 'started', startedAt };
  const text = answer.Payload === undefined ? '' : new TextDecoder().decode(answer.Payload);
  let payload: unknown = text;
  try {
    payload = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Keep the text.
  }
  const finishedAt = new Date().toISOString();
  if (answer.FunctionError !== undefined) {
    const message = (payload as { errorMessage?: string } | undefined)?.errorMessage ?? answer.FunctionError;
    return {
      flow,
      schedule,
      function: definition.name,
      outcome: 'failed',
      startedAt,
      finishedAt,
      error: message,
    };
  }
  return {
    flow,
    schedule,
    function: definition.name,
    outcome: 'succeeded',
    startedAt,
    finishedAt,
    ...(payload === undefined ? {} : { result: payload }),
  };
}

export function renderSyncNow(output: SyncNowOutput): string {
  if (output.outcome === 'started') return `${output.flow}: ${output.function} started\n`;
  const took =
    output.startedAt !== undefined && output.finishedAt !== undefined
      ? ` in ${formatSeconds(Date.parse(output.finishedAt) - Date.parse(output.startedAt))}`
      : '';
  const head = `${output.flow}: ${output.function} ${output.outcome}${took}${output.error ? `: ${output.error}` : ''}`;
  const result = output.result === undefined || output.result === null ? [] : describe(output.result, '  ');
  return `${[head, ...result].join('\n')}\n`;
}

const formatSeconds = (ms: number): string =>
  Number.isFinite(ms) ? `${(Math.max(ms, 0) / 1000).toFixed(1)} s` : '?';

/** `skippedBecauseLeaseHeld` → `skipped because lease held`. */
const words = (key: string): string =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();

const scalar = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')
    return String(value);
  return undefined;
};

/**
 * A run's result as indented `name: value` lines (the functions' summaries differ per flow and grow;
 * `--json` has them exactly).
 */
export function describe(value: unknown, indent: string): string[] {
  const simple = scalar(value);
  if (simple !== undefined) return [`${indent}${simple}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}none`];
    return value.flatMap((item) => {
      const itemScalar = scalar(item);
      if (itemScalar !== undefined) return [`${indent}- ${itemScalar}`];
      const [first = '', ...rest] = describe(item, `${indent}  `);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  const lines: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const itemScalar = scalar(item);
    if (itemScalar !== undefined) lines.push(`${indent}${words(key)}: ${itemScalar}`);
    else if (Array.isArray(item) && item.length === 0) lines.push(`${indent}${words(key)}: none`);
    else if (Array.isArray(item) && item.every((entry) => scalar(entry) !== undefined))
      lines.push(`${indent}${words(key)}: ${item.map(scalar).join(', ')}`);
    else lines.push(`${indent}${words(key)}:`, ...describe(item, `${indent}  `));
  }
  return lines.length === 0 ? [`${indent}-`] : lines;
}
