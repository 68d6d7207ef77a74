// Local mode's promises for the AWS emulators: what was accepted survives a restart (clean stop or
// killed process) of the data directory, a service can be made unavailable and restored, and start-up
// is quick (timings are printed, not asserted). Real SDK clients only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { type AwsEmulators, startAwsEmulators } from '../../infra/local/aws/index.ts';

const directories: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'apsync-aws-'));
  directories.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

/** Clients configured the way the functions are: from the emulators' environment variables. */
function clientsFor(env: Record<string, string>) {
  const common = {
    region: env.AWS_REGION!,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    maxAttempts: 1,
  };
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB! }),
    sqs: new SQSClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_SQS! }),
    secrets: new SecretsManagerClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER! }),
  };
}

async function queueCounts(sqs: SQSClient, QueueUrl: string) {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

/** Writes one item, two messages (one left in flight) and a secret version. */
async function writeState(env: Record<string, string>) {
  const { dynamodb, sqs, secrets } = clientsFor(env);
  await dynamodb.send(
    new PutItemCommand({
      TableName: env.APSYNC_STATE_TABLE!,
      Item: { pk: { S: 'LINK#bill#1' }, sk: { S: 'link' }, netsuiteId: { S: '77' } },
    }),
  );
  await sqs.send(new SendMessageCommand({ QueueUrl: env.APSYNC_BILL_QUEUE_URL!, MessageBody: 'in flight' }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: env.APSYNC_BILL_QUEUE_URL!, VisibilityTimeout: 600 }));
  await sqs.send(new SendMessageCommand({ QueueUrl: env.APSYNC_BILL_QUEUE_URL!, MessageBody: 'waiting' }));
  await secrets.send(
    new PutSecretValueCommand({ SecretId: env.APSYNC_WEBHOOK_SECRET!, SecretString: 'whsec_old' }),
  );
  await secrets.send(
    new PutSecretValueCommand({ SecretId: env.APSYNC_WEBHOOK_SECRET!, SecretString: 'whsec_new' }),
  );
  for (const client of [dynamodb, sqs, secrets]) client.destroy();
}

/** Checks, on a fresh start, that everything writeState wrote is there. */
async function expectState(aws: AwsEmulators) {
  const { dynamodb, sqs, secrets } = clientsFor(aws.env);
  const item = await dynamodb.send(
    new GetItemCommand({
      TableName: aws.names.tables.state,
      Key: { pk: { S: 'LINK#bill#1' }, sk: { S: 'link' } },
    }),
  );
  expect(item.Item?.netsuiteId).toEqual({ S: '77' });
  expect(await queueCounts(sqs, aws.queueUrls.bill)).toEqual({ visible: 1, inFlight: 1 });
  const waiting = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: aws.queueUrls.bill,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  expect(
    waiting.Messages?.map((message) => [message.Body, message.Attributes?.ApproximateReceiveCount]),
  ).toEqual([['waiting', '1']]);
  const current = await secrets.send(new GetSecretValueCommand({ SecretId: aws.names.secrets.webhook }));
  expect(current.SecretString).toBe('whsec_new');
  const previous = await secrets.send(
    new GetSecretValueCommand({ SecretId: aws.names.secrets.webhook, VersionStage: 'AWSPREVIOUS' }),
  );
  expect(previous.SecretString).toBe('whsec_old');
  for (const client of [dynamodb, sqs, secrets]) client.destroy();
}

async function timed<T>(label: string, start: () => Promise<T>): Promise<T> {
  const began = performance.now();
  const result = await start();
  console.log(`${label}: ${(performance.now() - began).toFixed(0)} ms`);
  return result;
}

describe('local AWS emulators in local mode', () => {
  it('keeps items, messages (in flight too) and secret versions across a stop and a start', async () => {
    const dir = dataDir();
    const first = await timed('start on disk, empty data directory', () =>
      startAwsEmulators({ dataDir: dir }),
    );
    await writeState(first.env);
    await first.stop();
    await first.stop(); // twice is harmless

    const second = await timed('start on disk, existing data directory', () =>
      startAwsEmulators({ dataDir: dir }),
    );
    try {
      await expectState(second);
    } finally {
      await second.stop();
    }
  });

  it('loses nothing it acknowledged when the process is killed (SIGKILL, no clean stop)', async () => {
    const dir = dataDir();
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, '../../infra/local/aws/serve.ts'), '--data-dir', dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const [line] = await createInterface({ input: child.stdout })
        [Symbol.asyncIterator]()
        .next()
        .then((next) => [next.value as string]);
      const { env } = JSON.parse(line!) as { env: Record<string, string> };
      await writeState(env);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const restarted = await startAwsEmulators({ dataDir: dir });
    try {
      await expectState(restarted);
    } finally {
      await restarted.stop();
    }
  });

  it('refuses a second instance on the same data directory', async () => {
    const dir = dataDir();
    const running = await startAwsEmulators({ dataDir: dir });
    try {
      await expect(startAwsEmulators({ dataDir: dir })).rejects.toThrow(/in use by another process/);
    } finally {
      await running.stop();
    }
    // Once the first has stopped, the directory can be opened again.
    const again = await startAwsEmulators({ dataDir: dir });
    await again.stop();
  });

  it('makes a service unavailable (connections reset, long polls cut) and restores it with its state', async () => {
    const aws = await timed('start in memory', () => startAwsEmulators());
    const { sqs, dynamodb } = clientsFor(aws.env);
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: aws.queueUrls.inbound, MessageBody: 'before' }));
      const polling = sqs.send(
        new ReceiveMessageCommand({ QueueUrl: aws.deadLetterQueueUrls.inbound, WaitTimeSeconds: 20 }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));

      aws.setAvailability('sqs', false);
      await expect(polling).rejects.toThrow();
      await expect(
        sqs.send(new SendMessageCommand({ QueueUrl: aws.queueUrls.inbound, MessageBody: 'during' })),
      ).rejects.toThrow();
      // Other services are unaffected.
      await dynamodb.send(
        new GetItemCommand({ TableName: aws.names.tables.state, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }),
      );

      aws.setAvailability('sqs', true);
      expect(await queueCounts(sqs, aws.queueUrls.inbound)).toEqual({ visible: 1, inFlight: 0 });
    } finally {
      sqs.destroy();
      dynamodb.destroy();
      await aws.stop();
    }
  });
});
