// apsync on one machine: the AWS emulators, the NetSuite and Procurify sandboxes, the webhook endpoint
// as API Gateway would call it, and every worker behind an SQS event source — all wired with the same
// handlers, composition roots and configuration names as on AWS. Each function runs as Lambda runs it:
// its instances in their own worker threads (function-instances.ts), started on first use, up to its
// concurrency, with its own environment; the emulators, sandboxes, event sources, scheduler and HTTP API
// stay on this thread, so the functions' work runs on the other cores. Used by `npm start` and by tests.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readSettings } from '../../shared/config/environment.ts';
import {
  functionEnvironment,
  type SettingValues,
  settingsEnvironment,
} from '../../shared/config/function-environment.ts';
import {
  type FunctionDefinition,
  type FunctionName,
  functionRegistry,
  queueOf,
  type ScheduleKey,
  scheduleOf,
} from '../../shared/function-registry.ts';
import { scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';
import { queueDefinitions, settingNames } from '../../shared/resources.ts';
import { allocateNetSuiteConcurrency } from '../cdk/netsuite-concurrency.ts';
import type { RunningServer } from '../sandboxes/http-server.ts';
import {
  type NetSuiteSandbox,
  type NetSuiteSandboxOptions,
  startNetSuiteSandbox,
} from '../sandboxes/netsuite/index.ts';
import {
  type ProcurifySandbox,
  type ProcurifySandboxOptions,
  startProcurifySandbox,
} from '../sandboxes/procurify/index.ts';
import { type AwsEmulators, type AwsObserver, applyToProcessEnv, startAwsEmulators } from './aws/index.ts';
import { type DemoCompany, seedDemoCompany } from './demo.ts';
import { type FunctionInstances, startFunctionInstances } from './function-instances.ts';
// Types only: the handlers are loaded by each function's threads, not by this one.
import type {
  HttpHandler,
  LocalFunction,
  LocalFunctions,
  QueueHandler,
  ScheduledHandler,
} from './functions.ts';
import { type HttpApiRoute, startHttpApi } from './http-api.ts';
import {
  ensureWebhookSecret,
  storeNetSuiteSandboxSecret,
  storeProcurifySandboxSecret,
} from './sandbox-secrets.ts';
import { type LocalSchedule, type LocalScheduler, startLocalScheduler } from './scheduler.ts';
import { type SqsEventSource, startSqsEventSource } from './sqs-event-source.ts';

export interface LocalStackOptions {
  /** Data directory of the AWS emulators; undefined keeps everything in memory. */
  dataDir?: string;
  /** Sees every call the AWS emulators serve and every DynamoDB item written (test/bench/cost.ts). */
  awsObserver?: AwsObserver;
  /**
   * Where the sandboxes keep their data (`netsuite.json`, `procurify.json`); undefined keeps them in
   * memory. A start on existing files resumes the sandboxes as they were (and seeds no demo company).
   */
  sandboxDataDir?: string;
  /** Port of the webhook endpoint (0 = free port). */
  apiPort?: number;
  /** Ports of the AWS emulators (0 or absent = free ports). */
  awsPorts?: { dynamodb?: number; sqs?: number; secretsManager?: number };
  netsuite?: NetSuiteSandboxOptions;
  procurify?: ProcurifySandboxOptions;
  /** Seed the demo company (infra/local/demo.ts): NetSuite master data, synced to Procurify, and bills. */
  demo?: boolean;
  /**
   * Services used for real (`npm start --netsuite-url/--procurify-url`): their sandbox still runs, unused,
   * and its credentials are not stored over the operator's (`apsync secrets set`).
   */
  realServices?: { netsuite?: boolean; procurify?: boolean };
  /** Extra settings (settingNames → value), e.g. a short retry delay for tests. */
  settings?: Partial<Record<keyof typeof settingNames, string>>;
  /** Long-poll wait of the event sources, in seconds. */
  pollWaitSeconds?: number;
  /**
   * Concurrent invocations (and instances) per queue worker, Lambda's maxConcurrency; default: the share
   * of the NetSuite concurrency the CDK gives each (infra/cdk/netsuite-concurrency.ts), at least 2.
   */
  workerConcurrency?: number;
  /** Most instances of a function at once, by function (default: webhook-ingest 4, schedules 1). */
  concurrency?: Partial<Record<FunctionName, number>>;
  /** Seconds between scheduled runs; 0 or absent = only on demand (`scheduler.runNow`). */
  scheduleRates?: Partial<Record<ScheduleKey, number>>;
  onWorkerError?: (error: unknown) => void;
  /**
   * Handlers in place of the registry's (tests: a worker that crashes on purpose). They run in this
   * thread (a closure cannot be posted to another), with this process's environment.
   */
  functions?: Partial<LocalFunctions>;
}

export interface LocalStack {
  aws: AwsEmulators;
  netsuite: NetSuiteSandbox;
  procurify: ProcurifySandbox;
  /** The webhook endpoint: POST `${api.url}/netsuite/events`. */
  api: RunningServer;
  webhookUrl: string;
  /** The current webhook signing secret (`whsec_...`). */
  webhookSecret: string;
  /** Every variable of every function (the SDK endpoints, all resources, the settings), for tests. */
  env: Record<string, string>;
  /**
   * What each function runs with: its registry entry's resources only, and the settings — a function
   * that calls NetSuite with one permit per instance (its part of the share, as on AWS).
   */
  environments: Record<FunctionName, Record<string, string>>;
  /** Queue workers by function name. */
  eventSources: Record<string, SqsEventSource>;
  /** The instances (worker threads) of each function that runs in threads: all but the `functions` given. */
  instances: Partial<Record<FunctionName, FunctionInstances>>;
  scheduler: LocalScheduler;
  /** What the demo company holds (when `demo` was asked for and the sandboxes started empty). */
  demo: DemoCompany | undefined;
  /** Which sandboxes resumed from `sandboxDataDir` (false: started empty, or kept in memory). */
  sandboxesRestored: { netsuite: boolean; procurify: boolean };
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const aws = await startAwsEmulators({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.awsPorts === undefined ? {} : { ports: options.awsPorts }),
    ...(options.awsObserver === undefined ? {} : { observer: options.awsObserver }),
  });
  const stops: Array<() => Promise<void>> = [() => aws.stop()];
  try {
    const sandboxDir = options.sandboxDataDir;
    // The sandbox plays an account whose integration user is in the configured NetSuite time zone
    // (APSYNC_NETSUITE_TIME_ZONE), so its SuiteQL shows the wall times a real account in that zone would.
    const timeZone = options.settings?.netsuiteTimeZone;
    const netsuiteOptions: NetSuiteSandboxOptions = {
      ...(timeZone === undefined ? {} : { timeZone }),
      ...options.netsuite,
    };
    const [netsuiteStart, procurifyStart] = await Promise.allSettled([
      startNetSuiteSandbox(
        sandboxDir === undefined
          ? netsuiteOptions
          : { ...netsuiteOptions, dataFile: join(sandboxDir, 'netsuite.json') },
      ),
      startProcurifySandbox(
        sandboxDir === undefined
          ? options.procurify
          : { ...options.procurify, dataFile: join(sandboxDir, 'procurify.json') },
      ),
    ]);
    // One sandbox refusing to start (an unreadable snapshot file) must not leave the other one running.
    for (const started of [netsuiteStart, procurifyStart]) {
      if (started.status === 'fulfilled') stops.push(() => started.value.close());
    }
    if (netsuiteStart.status === 'rejected') throw netsuiteStart.reason;
    if (procurifyStart.status === 'rejected') throw procurifyStart.reason;
    const netsuite = netsuiteStart.value;
    const procurify = procurifyStart.value;
    const settings: SettingValues = {
      netsuiteConcurrencyShare: '4',
      retryBaseSeconds: '2',
      ...options.settings,
    };
    const env = { ...aws.env, ...settingsEnvironment(settings), POWERTOOLS_SERVICE_NAME: 'apsync-local' };
    applyToProcessEnv(env);
    const overrides = (options.functions ?? {}) as Partial<Record<string, LocalFunction>>;
    // The NetSuite share split among the functions that call NetSuite as the CDK splits it: each queue
    // worker gets its number of instances, and each instance (a thread, with its own client) one permit.
    const allocation = allocateNetSuiteConcurrency(
      Number(settings.netsuiteConcurrencyShare ?? 4),
      functionRegistry,
    );
    const environments = Object.fromEntries(
      functionRegistry.map((definition) => {
        const environment = localFunctionEnvironment(definition, aws, settings);
        const allotment = allocation.allotments.get(definition.name);
        // A handler given in place of the registry's runs in this thread, its invocations sharing one
        // client: it keeps the whole share.
        if (allotment === undefined || overrides[definition.name] !== undefined) {
          return [definition.name, environment];
        }
        // As infra/cdk/config.ts settingValues gives each deployed function its allotment's permits.
        return [
          definition.name,
          { ...environment, [settingNames.netsuiteConcurrencyShare]: String(allotment.permitsPerInstance) },
        ];
      }),
    ) as Record<FunctionName, Record<string, string>>;
    const environmentOf = (name: string): Record<string, string> => environments[name as FunctionName] ?? {};
    // A function's threads read their settings on first use; a bad one (a time zone abbreviation) is
    // refused now, naming its variable, as composing the functions here used to refuse it.
    for (const environment of Object.values(environments)) readSettings(environment);
    const concurrencyOf = (definition: FunctionDefinition): number =>
      options.concurrency?.[definition.name as FunctionName] ??
      (queueOf(definition) !== undefined
        ? (options.workerConcurrency ?? allocation.allotments.get(definition.name)?.maxConcurrency ?? 2)
        : definition.trigger === 'http'
          ? defaultHttpConcurrency
          : 1);
    // Every function not given in `options.functions` runs in its own threads.
    const instances: Partial<Record<FunctionName, FunctionInstances>> = {};
    for (const definition of functionRegistry) {
      if (overrides[definition.name] !== undefined) continue;
      instances[definition.name as FunctionName] = startFunctionInstances({
        functionName: definition.name,
        entry: localEntryOf(definition),
        environment: threadEnvironment(environmentOf(definition.name)),
        maxInstances: concurrencyOf(definition),
        memoryMb: definition.memoryMb,
      });
    }
    // Stopped after the invokers below (in-flight invocations finish first).
    stops.push(async () => {
      await Promise.allSettled(Object.values(instances).map((pool) => pool.stop()));
    });
    /** What an invoker calls: the function's instances, or the handler given in its place. */
    const handlerOf = <H>(definition: FunctionDefinition): H => {
      const override = overrides[definition.name];
      if (override !== undefined) return override.create(environmentOf(definition.name)) as H;
      const pool = instances[definition.name as FunctionName];
      if (pool === undefined) throw new Error(`local mode: ${definition.name} has no instances`);
      return pool.invoke as H;
    };

    const secrets = new SecretsManagerClient(aws.clientConfig('secretsManager'));
    if (!options.realServices?.netsuite) {
      await storeNetSuiteSandboxSecret(secrets, aws.names.secrets.netsuite, netsuite);
    }
    if (!options.realServices?.procurify) {
      await storeProcurifySandboxSecret(secrets, aws.names.secrets.procurify, procurify);
    }
    const webhookSecret = await ensureWebhookSecret(secrets, aws.names.secrets.webhook);

    // The webhook endpoint first, then the workers and schedules: stopped in the reverse order.
    const routes: HttpApiRoute[] = [];
    for (const definition of functionRegistry) {
      if (definition.trigger === 'http' && definition.route !== undefined) {
        routes.push({
          ...definition.route,
          functionName: definition.name,
          handler: handlerOf<HttpHandler>(definition),
          ...(definition.timeoutSeconds === undefined ? {} : { timeoutMs: definition.timeoutSeconds * 1000 }),
        });
      }
    }
    const api = await startHttpApi(routes, options.apiPort ?? 0);
    stops.push(() => api.close());

    const eventSources: Record<string, SqsEventSource> = {};
    const schedules: LocalSchedule[] = [];
    const sqs = new SQSClient(aws.clientConfig('sqs'));
    for (const definition of functionRegistry) {
      const queue = queueOf(definition);
      const schedule = scheduleOf(definition);
      if (queue !== undefined) {
        const source = startSqsEventSource(sqs, handlerOf<QueueHandler>(definition), {
          functionName: definition.name,
          queueUrl: aws.queueUrls[queue],
          queueName: aws.names.queues[queue],
          batchSize: definition.batch?.size ?? 10,
          maxConcurrency: concurrencyOf(definition),
          functionTimeoutMs: queueDefinitions[queue].consumerTimeoutSeconds * 1000,
          waitTimeSeconds: options.pollWaitSeconds ?? 1,
          ...(options.onWorkerError === undefined ? {} : { onError: options.onWorkerError }),
        });
        eventSources[definition.name] = source;
        stops.push(() => source.stop());
      } else if (schedule !== undefined) {
        const handler = handlerOf<ScheduledHandler>(definition);
        schedules.push({
          name: schedule,
          functionName: definition.name,
          // A timer run does nothing while the setting schedules.<name> is off; runNow runs anyway. The
          // entry a thread loads has the switch already (functions/<name>/index.ts), a handler given in
          // place of the registry's gets it here.
          handler:
            overrides[definition.name] === undefined
              ? handler
              : withScheduleSwitch(
                  schedule,
                  scheduleSwitchOf(schedule, environmentOf(definition.name)),
                  handler,
                ),
          rateSeconds: options.scheduleRates?.[schedule] ?? 0,
          timeoutMs: (definition.timeoutSeconds ?? 60) * 1000,
        });
      }
    }
    const scheduler = startLocalScheduler(schedules, (_name, error) => options.onWorkerError?.(error));
    stops.push(() => scheduler.stop());
    // The demo company is seeded into empty sandboxes only: restored ones hold it (and what changed since)
    // already, and apsync's stored links point at their records.
    const sandboxesRestored = { netsuite: netsuite.restored, procurify: procurify.restored };
    const seedDemo = options.demo === true && !netsuite.restored && !procurify.restored;
    const demo = seedDemo ? await seedDemoCompany(aws, netsuite, procurify) : undefined;
    const webhookUrl = `${api.url}/netsuite/events`;
    netsuite.setConfig({ webhook: { url: webhookUrl, secret: webhookSecret } });

    return {
      aws,
      netsuite,
      procurify,
      api,
      webhookUrl,
      webhookSecret,
      env,
      environments,
      eventSources,
      instances,
      scheduler,
      demo,
      sandboxesRestored,
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  // Last started, first stopped: schedules and workers (in-flight work finishes), the endpoint, the
  // sandboxes, and the AWS emulators last.
  for (const stop of [...stops].reverse()) {
    try {
      await stop();
    } catch {
      // Keep stopping the rest.
    }
  }
}

/**
 * A function's environment in local mode: the SDK's endpoint variables of the emulators, then what
 * functionEnvironment gives it from its registry entry — the code the CDK stack uses on AWS — so it
 * gets the resources its entry lists and no others, as on AWS.
 */
export function localFunctionEnvironment(
  definition: FunctionDefinition,
  aws: Pick<AwsEmulators, 'env' | 'names' | 'queueUrls'>,
  settings: SettingValues,
): Record<string, string> {
  const sdk = Object.fromEntries(Object.entries(aws.env).filter(([name]) => name.startsWith('AWS_')));
  return {
    ...sdk,
    ...functionEnvironment(
      definition,
      {
        table: (key) => aws.names.tables[key],
        queueUrl: (key) => aws.queueUrls[key],
        secret: (key) => aws.names.secrets[key],
      },
      settings,
    ),
    // As the CDK sets it (infra/cdk/apsync-function.ts): each function's log lines carry its own name.
    POWERTOOLS_SERVICE_NAME: definition.name,
  };
}

/** Most instances of an HTTP function at once: enough for a 200/s burst of notices at ~20 ms each. */
const defaultHttpConcurrency = 4;

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The module a function's threads load: its Lambda entry (the registry's `entry`), but for failure-digest,
 * whose entry publishes to the alarm topic local mode has no SNS for (failure-digest-entry.ts).
 */
export function localEntryOf(definition: FunctionDefinition): string {
  if (definition.name === 'failure-digest') {
    return fileURLToPath(new URL('./failure-digest-entry.ts', import.meta.url));
  }
  return join(projectRoot, definition.entry);
}

/**
 * The environment of a function's threads: its own (localFunctionEnvironment) over this process's,
 * without this process's AWS_ and APSYNC_ variables — a function sees only the resources and settings its
 * registry entry gives it, as on AWS — but with the rest (PATH, TZ, POWERTOOLS_LOG_LEVEL, ...).
 */
export function threadEnvironment(
  functionEnvironment: Record<string, string>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || /^(AWS_|APSYNC_)/.test(name) || name === 'POWERTOOLS_SERVICE_NAME') continue;
    inherited[name] = value;
  }
  return { ...inherited, ...functionEnvironment };
}
