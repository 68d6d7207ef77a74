// apsync's AWS services on one machine: DynamoDB, SQS and Secrets Manager emulators on loopback ports,
// with the tables, queues (and their DLQs) and secrets of shared/resources.ts created in them. Local
// mode and the integration tests start it; production code only sees the standard SDK endpoint
// variables (AWS_ENDPOINT_URL_*) in `env`, never a "local" branch. An observer (the cost benchmark's
// meter) may see every call the emulators serve.
import { join } from 'node:path';
import { BugError } from '../../../shared/errors.ts';
import {
  defaultPrefix,
  environmentNames,
  type QueueKey,
  queueDefinitions,
  type ResourceNames,
  resourceNames,
  secretDefinitions,
  tableDefinitions,
  visibilityTimeoutSeconds,
} from '../../../shared/resources.ts';
import { createLocalDynamoDb, type ItemWrite, type LocalDynamoDb } from './dynamodb.ts';
import {
  type EmulatedService,
  localRegion,
  type ProtocolReply,
  type ServiceEndpoint,
  serveJsonProtocol,
} from './json-protocol.ts';
import { createLocalSecretsManager } from './secrets-manager.ts';
import { createLocalSqs, type LocalSqs, queueArn } from './sqs.ts';

export type AwsServiceName = 'dynamodb' | 'sqs' | 'secretsManager';

/**
 * Sees what the emulators serve, for a benchmark that prices it (test/bench/cost.ts): every call that
 * came over HTTP (any thread's SDK client) with its answer, and every DynamoDB item written.
 */
export interface AwsObserver {
  onCall?(call: {
    service: AwsServiceName;
    operation: string;
    input: Record<string, unknown>;
    reply: ProtocolReply;
  }): void;
  onItemWrite?(write: ItemWrite): void;
}

export interface AwsEmulatorOptions {
  /** Where state is kept between runs (local mode); undefined = in memory (tests). */
  dataDir?: string;
  /** Resource name prefix; default from shared/resources.ts. */
  prefix?: string;
  /** Fixed ports; default = free ports. */
  ports?: { dynamodb?: number; sqs?: number; secretsManager?: number };
  observer?: AwsObserver;
}

export interface ClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface AwsEmulators {
  /** `http://127.0.0.1:<port>` per service. */
  endpoints: Record<AwsServiceName, string>;
  /**
   * Everything the SDK and the functions need: AWS_REGION, dummy credentials, AWS_ENDPOINT_URL_DYNAMODB /
   * _SQS / _SECRETS_MANAGER, and the APSYNC_* variables of resources.environmentNames (queue URLs for queues).
   */
  env: Record<string, string>;
  names: ResourceNames;
  queueUrls: Record<QueueKey, string>;
  deadLetterQueueUrls: Record<QueueKey, string>;
  /** SDK client config for tests that build clients explicitly. */
  clientConfig(service: AwsServiceName): ClientConfig;
  /**
   * false: the service resets every connection, including requests in progress (the SDK sees a network
   * failure, like an unreachable endpoint); true: it answers again, with its state intact.
   */
  setAvailability(service: AwsServiceName, available: boolean): void;
  /** Deletes DynamoDB items whose TTL has passed now (the emulator also does it every minute). */
  sweepExpiredItems(): Promise<number>;
  /** Closes the ports and, with a dataDir, writes the state to disk. Safe to call twice. */
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const day = 86_400;

export async function startAwsEmulators(options: AwsEmulatorOptions = {}): Promise<AwsEmulators> {
  const names = resourceNames(options.prefix ?? defaultPrefix);
  const { dataDir } = options;
  const started: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  };

  try {
    // DynamoDB first: LevelDB's lock refuses a second process on the same data directory before the
    // other emulators read (and rewrite) their files.
    const dynamodb = createLocalDynamoDb(dataDir, options.observer?.onItemWrite);
    started.push(() => dynamodb.close());
    await dynamodb.ready();
    await createTables(dynamodb, names);

    const sqs = createLocalSqs(dataDir === undefined ? undefined : join(dataDir, 'sqs'));
    started.push(() => sqs.queues.close());
    const secrets = createLocalSecretsManager(
      dataDir === undefined ? undefined : join(dataDir, 'secrets-manager'),
    );
    started.push(() => secrets.close());

    const [dynamodbEndpoint, sqsEndpoint, secretsEndpoint] = await Promise.all([
      serveJsonProtocol(observed('dynamodb', dynamodb, options.observer), options.ports?.dynamodb),
      serveJsonProtocol(observed('sqs', sqs, options.observer), options.ports?.sqs),
      serveJsonProtocol(observed('secretsManager', secrets, options.observer), options.ports?.secretsManager),
    ]);
    const endpoints: Record<AwsServiceName, ServiceEndpoint> = {
      dynamodb: dynamodbEndpoint,
      sqs: sqsEndpoint,
      secretsManager: secretsEndpoint,
    };
    // Ports close before the engines stop (pushed last, so run first).
    started.push(() =>
      Promise.all(Object.values(endpoints).map((endpoint) => endpoint.close())).then(() => undefined),
    );

    sqs.baseUrl = sqsEndpoint.url;
    createQueues(sqs, names);
    for (const [key, definition] of Object.entries(secretDefinitions)) {
      secrets.ensureSecret(names.secrets[key as keyof typeof secretDefinitions], definition.description);
    }

    const queueUrls = mapQueues((key) => sqs.queueUrl(names.queues[key]));
    const deadLetterQueueUrls = mapQueues((key) => sqs.queueUrl(names.deadLetterQueues[key]));
    const env = environment(names, queueUrls, {
      dynamodb: dynamodbEndpoint.url,
      sqs: sqsEndpoint.url,
      secretsManager: secretsEndpoint.url,
    });

    return {
      endpoints: {
        dynamodb: dynamodbEndpoint.url,
        sqs: sqsEndpoint.url,
        secretsManager: secretsEndpoint.url,
      },
      env,
      names,
      queueUrls,
      deadLetterQueueUrls,
      clientConfig: (service) => ({
        region: localRegion,
        endpoint: endpoints[service].url,
        credentials: { ...credentials },
      }),
      setAvailability: (service, available) => endpoints[service].setAvailable(available),
      sweepExpiredItems: () => dynamodb.sweepExpiredItems(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** The service as served: each call, JSON or query protocol, also shown to the observer's onCall. */
function observed(
  service: AwsServiceName,
  emulated: EmulatedService,
  observer?: AwsObserver,
): EmulatedService {
  const onCall = observer?.onCall?.bind(observer);
  if (onCall === undefined) return emulated;
  const { query } = emulated;
  // The emulator itself behind it (a prototype), so its other members (SQS's baseUrl, set later) show through.
  const served = Object.create(emulated) as EmulatedService;
  served.call = async (operation, input, signal) => {
    const reply = await emulated.call(operation, input, signal);
    onCall({ service, operation, input, reply });
    return reply;
  };
  if (query !== undefined) {
    served.query = async (request) => {
      const reply = await query.call(emulated, request);
      onCall({
        service,
        operation: request.params.get('Action') ?? '',
        input: Object.fromEntries(request.params),
        reply,
      });
      return reply;
    };
  }
  return served;
}

/** Sets the given variables in process.env (handlers read their configuration from there). */
export function applyToProcessEnv(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
}

function environment(
  names: ResourceNames,
  queueUrls: Record<QueueKey, string>,
  endpoints: Record<AwsServiceName, string>,
): Record<string, string> {
  // Typed by environmentNames' keys: a new variable there fails to compile here until it is set.
  const apsync: Record<keyof typeof environmentNames, string> = {
    stateTable: names.tables.state,
    idempotencyTable: names.tables.idempotency,
    inboundQueueUrl: queueUrls.inbound,
    billQueueUrl: queueUrls.bill,
    paymentQueueUrl: queueUrls.payment,
    netsuiteSecret: names.secrets.netsuite,
    procurifySecret: names.secrets.procurify,
    webhookSecret: names.secrets.webhook,
  };
  return {
    AWS_REGION: localRegion,
    AWS_DEFAULT_REGION: localRegion,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    ...Object.fromEntries(
      Object.entries(apsync).map(([key, value]) => [
        environmentNames[key as keyof typeof environmentNames],
        value,
      ]),
    ),
  };
}

const mapQueues = (value: (key: QueueKey) => string): Record<QueueKey, string> =>
  Object.fromEntries(Object.keys(queueDefinitions).map((key) => [key, value(key as QueueKey)])) as Record<
    QueueKey,
    string
  >;

/** The tables of resources.ts (all key attributes are strings), their GSIs and TTL; existing ones are kept. */
async function createTables(dynamodb: LocalDynamoDb, names: ResourceNames): Promise<void> {
  for (const [key, definition] of Object.entries(tableDefinitions)) {
    const TableName = names.tables[key as keyof typeof tableDefinitions];
    const described = await dynamodb.invoke('DescribeTable', { TableName });
    if (described.status !== 200) {
      const type = String((described.body as { __type?: unknown }).__type ?? '');
      if (!type.endsWith('ResourceNotFoundException')) {
        throw new BugError(`local DynamoDB could not open its data: ${JSON.stringify(described.body)}`, {
          source: 'dynamodb',
        });
      }
      const keyNames: Array<string | undefined> = [
        definition.partitionKey,
        definition.sortKey,
        ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
      ];
      const attributes = [...new Set(keyNames.filter((name): name is string => name !== undefined))];
      const keySchema = (partitionKey: string, sortKey: string | undefined) => [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        ...(sortKey === undefined ? [] : [{ AttributeName: sortKey, KeyType: 'RANGE' }]),
      ];
      const request: Record<string, unknown> = {
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: keySchema(definition.partitionKey, definition.sortKey),
      };
      if (definition.indexes.length > 0) {
        request.GlobalSecondaryIndexes = definition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: { ProjectionType: 'ALL' },
        }));
      }
      const created = await dynamodb.invoke('CreateTable', request);
      if (created.status !== 200) {
        throw new BugError(`local DynamoDB refused table ${TableName}: ${JSON.stringify(created.body)}`, {
          source: 'dynamodb',
        });
      }
      await untilActive(dynamodb, TableName);
    }
    const ttl = await dynamodb.invoke('UpdateTimeToLive', {
      TableName,
      TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
    });
    if (ttl.status !== 200) {
      throw new BugError(`local DynamoDB refused TTL on ${TableName}: ${JSON.stringify(ttl.body)}`, {
        source: 'dynamodb',
      });
    }
  }
}

async function untilActive(dynamodb: LocalDynamoDb, TableName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const described = await dynamodb.invoke('DescribeTable', { TableName });
    const status = (described.body as { Table?: { TableStatus?: string } }).Table?.TableStatus;
    if (status === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new BugError(`local DynamoDB table ${TableName} did not become ACTIVE`, { source: 'dynamodb' });
}

/** Each queue with its DLQ: visibility 6x the consumer timeout, retention and maxReceiveCount from resources.ts. */
function createQueues(sqs: LocalSqs, names: ResourceNames): void {
  for (const [key, definition] of Object.entries(queueDefinitions)) {
    const queue = key as QueueKey;
    const deadLetterQueue = names.deadLetterQueues[queue];
    sqs.queues.ensureQueue(deadLetterQueue, {
      MessageRetentionPeriod: String(definition.dlqRetentionDays * day),
    });
    sqs.queues.ensureQueue(names.queues[queue], {
      VisibilityTimeout: String(visibilityTimeoutSeconds(queue)),
      MessageRetentionPeriod: String(definition.retentionDays * day),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: queueArn(deadLetterQueue),
        maxReceiveCount: definition.maxReceiveCount,
      }),
    });
  }
}
