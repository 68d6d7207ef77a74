// `apsync sync now <flow>`: runs a scheduled flow at once. Locally through the running stack's control
// endpoint (its scheduler lives in the `npm start` process); on AWS by invoking the deployed function
// with the payload EventBridge Scheduler sends.
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { classifyAwsError } from '../../../shared/aws/sdk-errors.ts';
import { DataError } from '../../../shared/errors.ts';
import { functionRegistry, type ScheduleKey, scheduleOf } from '../../cdk/functions.ts';
import type { SyncNowOutput } from '../output-schemas.ts';
import type { CliServices } from '../services.ts';

/** The operator's names of the flows; bills and payments share the Procurify poll. */
export const syncFlows = {
  'master-data': 'netsuitePoll',
  bills: 'procurifyPoll',
  payments: 'procurifyPoll',
  'paid-bills': 'paidBillPull',
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
  const head = `${output.flow}: ${output.function} ${output.outcome}${output.error ? `: ${output.error}` : ''}`;
  const result = output.result === undefined ? '' : `\n${JSON.stringify(output.result, null, 2)}`;
  return `${head}${result}\n`;
}
