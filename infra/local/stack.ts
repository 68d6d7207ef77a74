// apsync on one machine: the AWS emulators, the NetSuite and Procurify sandboxes, the webhook endpoint
// as API Gateway would call it, and every worker behind an SQS event source — all wired with the same
// handlers, composition roots and configuration names as on AWS. Used by `npm start` and by tests.
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createInboundWorkerHandler } from '../../functions/inbound-worker/handler.ts';
import { createWebhookIngestHandler } from '../../functions/webhook-ingest/handler.ts';
import { composeInboundWorker, composeWebhookIngest } from '../../shared/composition.ts';
import { queueDefinitions, settingNames } from '../../shared/resources.ts';
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
import { startHttpApi } from './http-api.ts';
import { type SqsEventSource, startSqsEventSource } from './sqs-event-source.ts';

export interface LocalStackOptions {
  /** Data directory of the AWS emulators; undefined keeps everything in memory. */
  dataDir?: string;
  /** Port of the webhook endpoint (0 = free port). */
  apiPort?: number;
  netsuite?: NetSuiteSandboxOptions;
  procurify?: ProcurifySandboxOptions;
  /** Seed both sandboxes with the demo company. */
  demo?: boolean;
  /** Extra settings (settingNames → value), e.g. a short retry delay for tests. */
  settings?: Partial<Record<keyof typeof settingNames, string>>;
  /** Long-poll wait of the event sources, in seconds (short in tests so stop() is quick). */
  pollWaitSeconds?: number;
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
  eventSources: Record<'inbound', SqsEventSource>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const aws = await startAwsEmulators(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const stops: Array<() => Promise<void>> = [() => aws.stop()];
  try {
    const [netsuite, procurify] = await Promise.all([
      startNetSuiteSandbox(options.netsuite),
      startProcurifySandbox(options.procurify),
    ]);
    stops.unshift(
      () => netsuite.close(),
      () => procurify.close(),
    );
    if (options.demo) {
      const summary = netsuite.seedDemo();
      // A few vendors exist on both sides already, unlinked: the first sync links them by name.
      const vendorNames = summary.vendors
        .slice(0, 10)
        .map((id) => netsuite.record('vendor', id)?.companyName)
        .filter((name): name is string => typeof name === 'string');
      procurify.seedDemo({ vendorNames });
    }

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
    await putSecret(secrets, aws.names.secrets.netsuite, {
      accountId: netsuite.credentials.accountId,
      clientId: netsuite.credentials.clientId,
      certificateId: netsuite.credentials.certificateId,
      privateKeyPem: netsuite.credentials.privateKeyPem,
      algorithm: netsuite.credentials.algorithm,
      baseUrl: netsuite.url,
    });
    await putSecret(secrets, aws.names.secrets.procurify, {
      domain: procurify.credentials.domain,
      clientId: procurify.credentials.clientId,
      clientSecret: procurify.credentials.clientSecret,
      baseUrl: procurify.url,
      tokenUrl: procurify.credentials.tokenUrl,
      audience: procurify.credentials.audience,
    });
    const webhookSecret = await ensureWebhookSecret(secrets, aws.names.secrets.webhook);

    const ingest = createWebhookIngestHandler(composeWebhookIngest(env));
    const api = await startHttpApi(
      [{ method: 'POST', path: '/netsuite/events', functionName: 'webhook-ingest', handler: ingest }],
      options.apiPort ?? 0,
    );
    stops.unshift(() => api.close());
    const webhookUrl = `${api.url}/netsuite/events`;
    netsuite.setConfig({ webhook: { url: webhookUrl, secret: webhookSecret } });

    const sqs = new SQSClient(aws.clientConfig('sqs'));
    const inbound = startSqsEventSource(sqs, createInboundWorkerHandler(composeInboundWorker(env)), {
      functionName: 'inbound-worker',
      queueUrl: aws.queueUrls.inbound,
      queueName: aws.names.queues.inbound,
      batchSize: 10,
      maxConcurrency: 4,
      functionTimeoutMs: queueDefinitions.inbound.consumerTimeoutSeconds * 1000,
      waitTimeSeconds: options.pollWaitSeconds ?? 1,
      ...(options.onWorkerError === undefined ? {} : { onError: options.onWorkerError }),
    });
    stops.unshift(() => inbound.stop());

    return {
      aws,
      netsuite,
      procurify,
      api,
      webhookUrl,
      webhookSecret,
      env,
      eventSources: { inbound },
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  // Workers first (in-flight work finishes), then the endpoint, sandboxes, and the AWS emulators last.
  for (const stop of stops) {
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
