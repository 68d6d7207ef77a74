// Makes a running local stack reachable by the CLI and a browser: starts its loopback control endpoint
// and the operator console (console.ts), and writes `<data dir>/local.json` (every endpoint and resource
// name); `unpublish` marks it stopped. Used by `npm start` (main.ts) and by the CLI's integration tests
// around an in-process stack.
import { functionRegistry, type ScheduleKey, scheduleOf } from '../../shared/function-registry.ts';
import type { RunningServer } from '../sandboxes/http-server.ts';
import { type LocalConsole, startLocalConsole } from './console.ts';
import { startLocalControl } from './control.ts';
import { displayDataDir, type LocalManifest, newControlToken, writeManifest } from './manifest.ts';
import type { LocalStack } from './stack.ts';

export interface PublishOptions {
  dataDir: string;
  ephemeral: boolean;
  demo: boolean;
  /** The rates the stack was started with (absent = on demand). */
  scheduleRates: Partial<Record<ScheduleKey, number>>;
  /** settingNames → value, as given to startLocalStack. */
  settings: Record<string, string>;
  /** Services used for real instead of their sandbox. */
  realServices?: { netsuiteUrl?: string; procurifyUrl?: string };
  startedAt?: string;
}

export interface PublishedLocalStack {
  manifest: LocalManifest;
  control: RunningServer;
  /** The operator console (its URL and access token are in the manifest too). */
  console: LocalConsole;
  /** Closes the control endpoint and marks local.json stopped (or leaves it, for a directory about to go). */
  unpublish(options?: { writeStopped?: boolean }): Promise<void>;
}

export async function publishLocalStack(
  stack: LocalStack,
  options: PublishOptions,
): Promise<PublishedLocalStack> {
  const startedAt = options.startedAt ?? new Date().toISOString();
  const schedules = functionRegistry.flatMap((definition) => {
    const schedule = scheduleOf(definition);
    return schedule !== undefined
      ? [{ name: schedule, functionName: definition.name, rateSeconds: options.scheduleRates[schedule] ?? 0 }]
      : [];
  });
  const token = newControlToken();
  const control = await startLocalControl(
    {
      startedAt,
      schedules,
      runNow: (name) => stack.scheduler.runNow(name),
      lastRuns: () => stack.scheduler.lastRuns(),
      workers: () =>
        Object.fromEntries(
          Object.entries(stack.eventSources).map(([name, source]) => [name, source.stats()]),
        ),
    },
    token,
  );
  const defaultPaymentMode = options.settings.APSYNC_DEFAULT_PAYMENT_MODE === 'pull' ? 'pull' : 'push';
  const consoleApp = await startLocalConsole(stack, {
    scheduleRates: Object.fromEntries(schedules.map((schedule) => [schedule.name, schedule.rateSeconds])),
    defaultPaymentMode,
    label: `${displayDataDir(options.dataDir)} (local)`,
  });
  const { netsuiteUrl, procurifyUrl } = options.realServices ?? {};
  const { aws, env } = stack;
  const queue = (key: 'inbound' | 'bill' | 'payment') => ({
    name: aws.names.queues[key],
    url: aws.queueUrls[key],
    deadLetterQueueName: aws.names.deadLetterQueues[key],
    deadLetterQueueUrl: aws.deadLetterQueueUrls[key],
  });
  const region = env.AWS_REGION ?? 'us-east-1';
  const credentials = {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
  };
  const manifest: LocalManifest = {
    version: 1,
    state: 'running',
    pid: process.pid,
    startedAt,
    dataDir: options.dataDir,
    ephemeral: options.ephemeral,
    region,
    credentials,
    api: { url: stack.api.url, webhookUrl: stack.webhookUrl },
    control: { url: `${control.url}/control`, token },
    console: { url: consoleApp.url, token: consoleApp.token },
    aws: aws.endpoints,
    tables: aws.names.tables,
    queues: { inbound: queue('inbound'), bill: queue('bill'), payment: queue('payment') },
    secrets: aws.names.secrets,
    services: {
      netsuite:
        netsuiteUrl === undefined
          ? { mode: 'sandbox', url: stack.netsuite.url }
          : { mode: 'real', url: netsuiteUrl },
      procurify:
        procurifyUrl === undefined
          ? { mode: 'sandbox', url: stack.procurify.url }
          : { mode: 'real', url: procurifyUrl },
    },
    sandboxes: {
      ...(netsuiteUrl === undefined
        ? { netsuite: { url: stack.netsuite.url, adminUrl: stack.netsuite.adminUrl } }
        : {}),
      ...(procurifyUrl === undefined
        ? { procurify: { url: stack.procurify.url, adminUrl: stack.procurify.adminUrl } }
        : {}),
    },
    demo: options.demo,
    schedules: Object.fromEntries(schedules.map((schedule) => [schedule.name, schedule.rateSeconds])),
    functions: functionRegistry.map((definition) => definition.name),
    settings: options.settings,
    defaultPaymentMode,
    awsEnv: {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: aws.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: aws.endpoints.sqs,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoints.secretsManager,
    },
  };
  await writeManifest(options.dataDir, manifest);
  let closed = false;
  return {
    manifest,
    control,
    console: consoleApp,
    unpublish: async ({ writeStopped = true } = {}) => {
      if (closed) return;
      closed = true;
      await control.close().catch(() => undefined);
      await consoleApp.close().catch(() => undefined);
      if (writeStopped) {
        await writeManifest(options.dataDir, {
          ...manifest,
          state: 'stopped',
          stoppedAt: new Date().toISOString(),
        });
      }
    },
  };
}
