// Which apsync the CLI operates on: the local stack found through `<data dir>/local.json`, or a
// deployed stack found through its CloudFormation outputs (infra/cdk/stack-outputs.ts), read with the
// operator's own AWS credentials. Both give the same view: table, queue, secret and function names,
// and an SDK client configuration per service.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { classifyAwsError } from '../../shared/aws/sdk-errors.ts';
import { DataError } from '../../shared/errors.ts';
import { type PaymentMode, paymentModeSchema } from '../../shared/payment-mode.ts';
import {
  type QueueKey,
  queueDefinitions,
  type SecretKey,
  secretDefinitions,
} from '../../shared/resources.ts';
import { outputKeys } from '../cdk/stack-outputs.ts';
import { LocalControlClient } from '../local/control.ts';
import { displayDataDir, type LocalManifest, readManifest } from '../local/manifest.ts';

export type ServiceName = 'dynamodb' | 'sqs' | 'secretsManager' | 'lambda';

export interface ClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface TargetQueue {
  url: string;
  deadLetterQueueUrl: string;
}

export interface Target {
  kind: 'local' | 'aws';
  /** `.apsync/ (local)` or `stack apsync-service`. */
  label: string;
  clientConfig(service: ServiceName): ClientConfig;
  stateTable: string;
  queues: Record<QueueKey, TargetQueue>;
  /** Failed scheduled runs (AWS only: local schedules report failures to the console). */
  scheduleDeadLetterQueueUrl?: string;
  secrets: Record<SecretKey, string>;
  defaultPaymentMode: PaymentMode;
  webhookUrl?: string;
  /** Registry function name → deployed function name (AWS). */
  functionNames: Record<string, string>;
  /** The APSYNC_* settings the functions run with (the inbound worker's environment on AWS). */
  settings(): Promise<Record<string, string | undefined>>;
  /** Local stack only. */
  local?: { manifest: LocalManifest; control: LocalControlClient };
}

export const noLocalStackMessage = (dataDir: string, cwd?: string): string =>
  `no local stack running in ${displayDataDir(dataDir, cwd)} — start it with npm start`;

export async function localTarget(dataDir: string, cwd?: string): Promise<Target> {
  const reading = await readManifest(dataDir);
  if (reading.found === 'invalid') {
    throw new DataError(
      `${displayDataDir(dataDir, cwd)}local.json is not a local stack manifest (${reading.problem}); restart it with npm start`,
      { source: 'apsync-cli', code: 'bad-local-manifest' },
    );
  }
  if (reading.found !== 'running') {
    throw new DataError(noLocalStackMessage(dataDir, cwd), { source: 'apsync-cli', code: 'no-local-stack' });
  }
  const { manifest } = reading;
  const endpoints: Record<ServiceName, string | undefined> = {
    dynamodb: manifest.aws.dynamodb,
    sqs: manifest.aws.sqs,
    secretsManager: manifest.aws.secretsManager,
    lambda: undefined,
  };
  return {
    kind: 'local',
    label: `${displayDataDir(dataDir, cwd)} (local)`,
    clientConfig: (service) => ({
      region: manifest.region,
      ...(endpoints[service] === undefined ? {} : { endpoint: endpoints[service] }),
      credentials: { ...manifest.credentials },
    }),
    stateTable: manifest.tables.state,
    queues: mapQueues((key) => ({
      url: manifest.queues[key].url,
      deadLetterQueueUrl: manifest.queues[key].deadLetterQueueUrl,
    })),
    secrets: manifest.secrets,
    defaultPaymentMode: manifest.defaultPaymentMode,
    webhookUrl: manifest.api.webhookUrl,
    functionNames: Object.fromEntries(manifest.functions.map((name) => [name, name])),
    settings: async () => manifest.settings,
    local: { manifest, control: new LocalControlClient(manifest.control.url, manifest.control.token) },
  };
}

/**
 * A deployed stack: `--stack <prefix>-service` (or just `<prefix>`, then `<prefix>-service` is tried).
 * The region is `--region` or the SDK's usual chain (AWS_REGION, the profile).
 */
export async function awsTarget(stackName: string, region: string | undefined): Promise<Target> {
  const config = region === undefined ? {} : { region };
  const cloudFormation = new CloudFormationClient(config);
  if (region === undefined) {
    // The SDK's chain (AWS_REGION, AWS_DEFAULT_REGION, the profile) may have none: say what to give.
    try {
      await cloudFormation.config.region();
    } catch {
      throw new DataError(
        `--stack ${stackName} needs the stack's AWS region: give --region <region> (or set AWS_REGION, or a region in your AWS profile)`,
        { source: 'apsync-cli', code: 'usage' },
      );
    }
  }
  let outputs: Record<string, string> | undefined;
  let name = stackName;
  for (const candidate of stackName.endsWith('-service')
    ? [stackName]
    : [stackName, `${stackName}-service`]) {
    outputs = await describeOutputs(cloudFormation, candidate);
    name = candidate;
    if (outputs !== undefined && outputs[outputKeys.tableName('state')] !== undefined) break;
  }
  if (outputs === undefined) {
    throw new DataError(`no CloudFormation stack named ${stackName} in this account and region`, {
      source: 'apsync-cli',
      code: 'no-stack',
    });
  }
  return targetFromOutputs(name, outputs, config, () => new LambdaClient(config));
}

async function describeOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string> | undefined> {
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = answer.Stacks?.[0];
    if (stack === undefined) return undefined;
    return Object.fromEntries(
      (stack.Outputs ?? []).flatMap((output) =>
        output.OutputKey === undefined || output.OutputValue === undefined
          ? []
          : [[output.OutputKey, output.OutputValue]],
      ),
    );
  } catch (error) {
    // CloudFormation answers a ValidationError "Stack with id X does not exist".
    if (/does not exist/i.test(String((error as Error).message))) return undefined;
    throw classifyAwsError(error, 'cloudformation');
  }
}

/** The target described by a service stack's outputs; a missing required output is named. */
export function targetFromOutputs(
  stackName: string,
  outputs: Readonly<Record<string, string>>,
  config: ClientConfig = {},
  lambda: () => LambdaClient = () => new LambdaClient(config),
): Target {
  const required = (key: string): string => {
    const value = outputs[key];
    if (value === undefined || value === '') {
      throw new DataError(
        `stack ${stackName} has no output ${key}; is it an apsync service stack (<prefix>-service), deployed with this version?`,
        { source: 'apsync-cli', code: 'missing-output' },
      );
    }
    return value;
  };
  const functionPrefix = outputKeys.functionName('');
  const functionNames: Record<string, string> = {};
  for (const [key, value] of Object.entries(outputs)) {
    if (key.startsWith(functionPrefix) && key.length > functionPrefix.length) {
      functionNames[kebab(key.slice(functionPrefix.length))] = value;
    }
  }
  const mode = paymentModeSchema.safeParse(outputs[outputKeys.defaultPaymentMode]);
  let settings: Promise<Record<string, string | undefined>> | undefined;
  return {
    kind: 'aws',
    label: `stack ${stackName}`,
    clientConfig: () => ({ ...config }),
    stateTable: required(outputKeys.tableName('state')),
    queues: mapQueues((key) => ({
      url: required(outputKeys.queueUrl(key)),
      deadLetterQueueUrl: required(outputKeys.deadLetterQueueUrl(key)),
    })),
    ...(outputs[outputKeys.scheduleDeadLetterQueueUrl] === undefined
      ? {}
      : { scheduleDeadLetterQueueUrl: outputs[outputKeys.scheduleDeadLetterQueueUrl] }),
    secrets: Object.fromEntries(
      Object.keys(secretDefinitions).map((key) => [key, required(outputKeys.secretName(key as SecretKey))]),
    ) as Record<SecretKey, string>,
    defaultPaymentMode: mode.success ? mode.data : 'push',
    ...(outputs[outputKeys.webhookUrl] === undefined ? {} : { webhookUrl: outputs[outputKeys.webhookUrl] }),
    functionNames,
    settings: () => {
      settings ??= readFunctionSettings(lambda(), functionNames['inbound-worker']);
      return settings;
    },
  };
}

async function readFunctionSettings(
  client: LambdaClient,
  functionName: string | undefined,
): Promise<Record<string, string | undefined>> {
  if (functionName === undefined) return {};
  try {
    const answer = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    return { ...(answer.Environment?.Variables ?? {}) };
  } catch (error) {
    throw classifyAwsError(error, 'lambda');
  }
}

const kebab = (pascal: string): string => pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

const mapQueues = (value: (key: QueueKey) => TargetQueue): Record<QueueKey, TargetQueue> =>
  Object.fromEntries(Object.keys(queueDefinitions).map((key) => [key, value(key as QueueKey)])) as Record<
    QueueKey,
    TargetQueue
  >;
