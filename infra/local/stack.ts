// apsync on one machine: the AWS emulators, the NetSuite and Procurify sandboxes, the webhook endpoint
// as API Gateway would call it, and every worker behind an SQS event source — all wired with the same
// handlers, composition roots and configuration names as on AWS. Used by `npm start` and by tests.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';
import { queueDefinitions, settingNames } from '../../shared/resources.ts';
import { functionRegistry, queueOf, type ScheduleKey, scheduleOf } from '../cdk/functions.ts';
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
import { type AwsEmulators, applyToProcessEnv, startAwsEmulators } from './aws/index.ts';
import { type DemoCompany, seedDemoCompany } from './demo.ts';
import { localFunctions } from './functions.ts';
import { type HttpApiRoute, startHttpApi } from './http-api.ts';
import { type LocalSchedule, type LocalScheduler, startLocalScheduler } from './scheduler.ts';
import { type SqsEventSource, startSqsEventSource } from './sqs-event-source.ts';

export interface LocalStackOptions {
  /** Data directory of the AWS emulators; undefined keeps everything in memory. */
  dataDir?: string;
  /**
   * Where the sandboxes keep their data (`netsuite.json`, `procurify.json`); undefined keeps them in
   * memory. A start on existing files resumes the sandboxes as they were (and seeds no demo company).
   */
  sandboxDataDir?: string;
  /** Port of the webhook endpoint (0 = free port). */
  apiPort?: number;
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
  /** Concurrent invocations per queue worker (Lambda's maxConcurrency); default 2. */
  workerConcurrency?: number;
  /** Seconds between scheduled runs; 0 or absent = only on demand (`scheduler.runNow`). */
  scheduleRates?: Partial<Record<ScheduleKey, number>>;
  onWorkerError?: (error: unknown) => void;
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
  env: Record<string, string>;
  /** Queue workers by function name. */
  eventSources: Record<string, SqsEventSource>;
  scheduler: LocalScheduler;
  /** What the demo company holds (when `demo` was asked for and the sandboxes started empty). */
  demo: DemoCompany | undefined;
  /** Which sandboxes resumed from `sandboxDataDir` (false: started empty, or kept in memory). */
  sandboxesRestored: { netsuite: boolean; procurify: boolean };
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const aws = await startAwsEmulators(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
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
    const settings: Record<string, string> = {
      [settingNames.netsuiteConcurrencyShare]: '4',
      [settingNames.retryBaseSeconds]: '2',
    };
    for (const [key, value] of Object.entries(options.settings ?? {})) {
      if (value !== undefined) settings[settingNames[key as keyof typeof settingNames]] = value;
    }
    const env = { ...aws.env, ...settings, POWERTOOLS_SERVICE_NAME: 'apsync-local' };
    applyToProcessEnv(env);

    const secrets = new SecretsManagerClient(aws.clientConfig('secretsManager'));
    if (!options.realServices?.netsuite) {
      await putSecret(secrets, aws.names.secrets.netsuite, {
        accountId: netsuite.credentials.accountId,
        clientId: netsuite.credentials.clientId,
        certificateId: netsuite.credentials.certificateId,
        privateKeyPem: netsuite.credentials.privateKeyPem,
        algorithm: netsuite.credentials.algorithm,
        baseUrl: netsuite.url,
        // The sandbox serves apsync's attachment RESTlet on its own host (infra/sandboxes/netsuite/restlet.ts).
        restlets: {},
      });
    }
    if (!options.realServices?.procurify) {
      await putSecret(secrets, aws.names.secrets.procurify, {
        domain: procurify.credentials.domain,
        clientId: procurify.credentials.clientId,
        clientSecret: procurify.credentials.clientSecret,
        baseUrl: procurify.url,
        tokenUrl: procurify.credentials.tokenUrl,
        audience: procurify.credentials.audience,
      });
    }
    const webhookSecret = await ensureWebhookSecret(secrets, aws.names.secrets.webhook);

    // The webhook endpoint first, then the workers and schedules: stopped in the reverse order.
    const routes: HttpApiRoute[] = [];
    for (const definition of functionRegistry) {
      const local = localFunctions[definition.name];
      if (local?.kind === 'http' && definition.route !== undefined) {
        routes.push({ ...definition.route, functionName: definition.name, handler: local.create(env) });
      }
    }
    const api = await startHttpApi(routes, options.apiPort ?? 0);
    stops.push(() => api.close());

    const eventSources: Record<string, SqsEventSource> = {};
    const schedules: LocalSchedule[] = [];
    const sqs = new SQSClient(aws.clientConfig('sqs'));
    for (const definition of functionRegistry) {
      const local = localFunctions[definition.name];
      const queue = queueOf(definition);
      const schedule = scheduleOf(definition);
      if (local?.kind === 'queue' && queue !== undefined) {
        const source = startSqsEventSource(sqs, local.create(env), {
          functionName: definition.name,
          queueUrl: aws.queueUrls[queue],
          queueName: aws.names.queues[queue],
          batchSize: definition.batch?.size ?? 10,
          maxConcurrency: options.workerConcurrency ?? 2,
          functionTimeoutMs: queueDefinitions[queue].consumerTimeoutSeconds * 1000,
          waitTimeSeconds: options.pollWaitSeconds ?? 1,
          ...(options.onWorkerError === undefined ? {} : { onError: options.onWorkerError }),
        });
        eventSources[definition.name] = source;
        stops.push(() => source.stop());
      } else if (local?.kind === 'schedule' && schedule !== undefined) {
        schedules.push({
          name: schedule,
          functionName: definition.name,
          // A timer run does nothing while the setting schedules.<name> is off; runNow runs anyway.
          handler: withScheduleSwitch(schedule, scheduleSwitchOf(schedule, env), local.create(env)),
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
      eventSources,
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

async function putSecret(client: SecretsManagerClient, name: string, value: unknown): Promise<void> {
  const SecretString = JSON.stringify(value);
  try {
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateSecretCommand({ Name: name, SecretString }));
  }
}

/** Keeps the stored webhook secret across restarts (NetSuite has it); creates one on first start. */
async function ensureWebhookSecret(client: SecretsManagerClient, name: string): Promise<string> {
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: name }));
    const current = (JSON.parse(answer.SecretString ?? '{}') as { current?: string }).current;
    if (current !== undefined) return current;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  }
  const current = `whsec_${randomBytes(32).toString('base64')}`;
  await putSecret(client, name, { current });
  return current;
}
