// The operator console in local mode: shared/console's handler on a loopback HTTP server, reading the
// local stack's state table and queues — and, for the record page's preview of the next write, its
// NetSuite and Procurify clients built as the functions build theirs — signed in with a random access
// token (printed in the `apsync ready` banner and written to local.json by publish.ts).
// Its settings page changes settings with those clients (the checks) and the stack's queues.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { userInfo } from 'node:os';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { readSettings } from '../../shared/config/environment.ts';
import { syncClients } from '../../shared/config/runtime-parts.ts';
import { type ConsoleRequest, createConsole } from '../../shared/console/app.ts';
import { createTokenAuth } from '../../shared/console/auth.ts';
import type { FlowRun } from '../../shared/console/read-model.ts';
import type { BillMessage } from '../../shared/events/bill-message.ts';
import type { InboundMessage } from '../../shared/events/inbound-message.ts';
import { netSuiteTransactionReads } from '../../shared/preview/netsuite-transaction-reads.ts';
import type { QueueKey } from '../../shared/resources.ts';
import { createSettingLookups } from '../../shared/settings/lookups.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { readBody, startHttpServer } from '../sandboxes/http-server.ts';
import type { LocalStack } from './stack.ts';

export interface LocalConsoleOptions {
  /** The access token (default: a new random one). */
  token?: string;
  /** Port on 127.0.0.1 (0 = a free port). */
  port?: number;
  /** Seconds between scheduled runs per schedule, for the overview. */
  scheduleRates?: Partial<Record<string, number>>;
  defaultPaymentMode?: 'push' | 'pull';
  label?: string;
  /** The name actions are audited with (default: `<login user> (apsync console)`). */
  user?: string;
}

export interface LocalConsole {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  token: string;
  close(): Promise<void>;
}

export const newConsoleToken = (): string => randomBytes(24).toString('base64url');

function consoleUser(): string {
  let user = process.env.USER ?? process.env.USERNAME;
  try {
    user ??= userInfo().username;
  } catch {
    // No passwd entry (containers).
  }
  return `${user ?? 'operator'} (apsync console)`;
}

export async function startLocalConsole(
  stack: Pick<LocalStack, 'aws' | 'scheduler' | 'env'>,
  options: LocalConsoleOptions = {},
): Promise<LocalConsole> {
  const token = options.token ?? newConsoleToken();
  const dynamodb = new DynamoDBClient(stack.aws.clientConfig('dynamodb'));
  const sqs = new SQSClient(stack.aws.clientConfig('sqs'));
  const secretsManager = new SecretsManagerClient(stack.aws.clientConfig('secretsManager'));
  const settings = readSettings(stack.env);
  const state = new DynamoStateStore(dynamodb, stack.aws.names.tables.state);
  const defaultPaymentMode = options.defaultPaymentMode ?? 'push';
  const clients = syncClients(
    { netsuiteSecret: stack.aws.names.secrets.netsuite, procurifySecret: stack.aws.names.secrets.procurify },
    settings,
    {
      dynamodb: () => dynamodb,
      sqs: () => sqs,
      secrets: () => new SecretsProvider({ awsSdkV3Client: secretsManager }),
    },
  );
  const queues = Object.fromEntries(
    (Object.keys(stack.aws.queueUrls) as QueueKey[]).map((key) => [
      key,
      { url: stack.aws.queueUrls[key], deadLetterQueueUrl: stack.aws.deadLetterQueueUrls[key] },
    ]),
  ) as Record<QueueKey, { url: string; deadLetterQueueUrl: string }>;
  const deployment = { defaultPaymentMode, settings };
  const handler = createConsole({
    settings: {
      deployment,
      dependencies: async () => ({
        state,
        deployment,
        lookups: createSettingLookups(
          async () => (await clients()).netsuite,
          async () => (await clients()).procurify,
          { netsuiteTimeZone: settings.netsuiteTimeZone },
        ),
        bills: new SqsQueuePublisher<BillMessage>(sqs, stack.aws.queueUrls.bill),
        inbound: new SqsQueuePublisher<InboundMessage>(sqs, stack.aws.queueUrls.inbound),
      }),
    },
    data: {
      state,
      sqs,
      queues,
      defaultPaymentMode,
      alarms: { kind: 'local' },
      preview: {
        state,
        settings: async () => settings,
        syncClients: clients,
        transactionReads: netSuiteTransactionReads(clients),
        defaultPaymentMode,
      },
      flowRuns: async () => {
        const runs = stack.scheduler.lastRuns();
        const names = new Set([...Object.keys(options.scheduleRates ?? {}), ...Object.keys(runs)]);
        return [...names].map((flow): FlowRun => {
          const run = runs[flow];
          const rate = options.scheduleRates?.[flow];
          return {
            flow,
            ...(rate === undefined ? {} : { rateSeconds: rate }),
            ...(run === undefined
              ? {}
              : {
                  startedAt: run.startedAt,
                  ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
                  ...(run.outcome === undefined ? {} : { outcome: run.outcome }),
                  ...(run.error === undefined ? {} : { error: run.error }),
                }),
          };
        });
      },
    },
    auth: createTokenAuth(token, options.user ?? consoleUser()),
    ...(options.label === undefined ? {} : { label: options.label }),
  });
  const server = await startHttpServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request: ConsoleRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: req.method === 'POST' ? (await readBody(req, 64 * 1024)).toString('utf8') : '',
    };
    const response = await handler(request);
    res.writeHead(response.status, {
      ...response.headers,
      ...(response.cookies === undefined ? {} : { 'set-cookie': response.cookies }),
    });
    res.end(response.body);
  }, options.port ?? 0);
  return {
    url: `${server.url}/`,
    token,
    close: async () => {
      await server.close();
      dynamodb.destroy();
      sqs.destroy();
      secretsManager.destroy();
    },
  };
}
