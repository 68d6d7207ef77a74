// A real AWS CLI against local mode (`infra/local/main.ts` as its own process), as the README shows it:
// `--endpoint-url` from local.json, dummy keys. Every CLI found is tested — `aws` on PATH and Debian's
// /usr/bin/aws, or $APSYNC_AWS_CLI alone when set — whichever protocol it speaks (Debian's awscli 2.9
// sends the SQS query protocol, newer CLIs the JSON one): it lists, sends, receives, dead-letters and
// moves messages back. Skipped, saying how to install one, where no AWS CLI is installed (CI installs none).
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalManifest, localManifestSchema, manifestPath } from '../../infra/local/manifest.ts';
import { waitFor } from '../support/wait.ts';

const root = resolve(import.meta.dirname, '../..');
const node = join(root, 'node_modules/.bin/node');
const run = promisify(execFile);

const installHint =
  'no AWS CLI found: install one to run this test (Debian/Ubuntu: `sudo apt-get install awscli`; any OS: ' +
  'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), or point APSYNC_AWS_CLI at one';

/**
 * The AWS CLIs to test, one per distinct version (`aws --version` answered): $APSYNC_AWS_CLI alone when
 * set, else `aws` on PATH and Debian's /usr/bin/aws.
 */
function findClis(): Array<{ command: string; version: string }> {
  const chosen = process.env.APSYNC_AWS_CLI;
  const candidates = chosen !== undefined && chosen !== '' ? [chosen] : ['aws', '/usr/bin/aws'];
  const found = new Map<string, string>();
  for (const command of candidates) {
    try {
      const printed = execFileSync(command, ['--version'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30_000,
      });
      const version = printed.trim().split(/\s+/)[0] ?? '';
      if (version.startsWith('aws-cli/') && !found.has(version)) found.set(version, command);
    } catch {
      // not installed there (or a shim without its interpreter)
    }
  }
  return [...found].map(([version, command]) => ({ command, version }));
}

const clis = findClis();
/** Each CLI call starts Python (1–2 s of CPU, far more on a loaded machine); a test makes up to 15. */
const cliTestTimeout = 300_000;
if (clis.length === 0) console.warn(`test/e2e/aws-cli.test.ts skipped: ${installHint}`);

let dataDir: string;
let local: { child: ChildProcess; exited: Promise<number | null> } | undefined;
let manifest: LocalManifest;

beforeAll(async () => {
  if (clis.length === 0) return;
  dataDir = await mkdtemp(join(tmpdir(), 'apsync-aws-cli-'));
  const child = spawn(
    node,
    ['infra/local/main.ts', '--data-dir', dataDir, '--port', '0', '--no-schedules', '--no-demo'],
    { cwd: root, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  local = { child, exited: new Promise((done) => child.on('exit', (code) => done(code))) };
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`local mode exited: ${output}`);
      return output.includes('apsync ready') || undefined;
    },
    'apsync ready',
    // Start-up is several times slower while a full suite runs alongside (test/e2e/local-mode.test.ts).
    120_000,
  );
  manifest = localManifestSchema.parse(JSON.parse(await readFile(manifestPath(dataDir), 'utf8')));
});

afterAll(async () => {
  if (local !== undefined) {
    local.child.kill('SIGTERM');
    await local.exited;
  }
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

// Without a CLI the file still reports why it ran nothing (a machine without awscli, e.g. CI).
if (clis.length === 0) {
  describe('AWS CLI against local mode', () => {
    it.skip(`skipped: ${installHint}`, () => {});
  });
}

// Each CLI start costs a second or more of Python: the tests run concurrently (they share no queue).
describe.concurrent.each(clis)('$version ($command) against local mode', ({ command }) => {
  /** Runs `aws sqs <args> --endpoint-url <local SQS>` with dummy keys and no user configuration. */
  async function aws(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('AWS_')) env[name] = value;
    }
    Object.assign(env, {
      AWS_REGION: manifest.region,
      AWS_DEFAULT_REGION: manifest.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'no-aws-credentials'),
      AWS_PAGER: '',
    });
    try {
      const { stdout, stderr } = await run(
        command,
        ['sqs', ...args, '--endpoint-url', manifest.aws.sqs, '--output', 'json'],
        { env, timeout: 60_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  async function awsJson<T = Record<string, unknown>>(args: readonly string[]): Promise<T> {
    const answer = await aws(args);
    expect(answer.code, `aws sqs ${args.join(' ')}: ${answer.stderr}`).toBe(0);
    return (answer.stdout.trim() === '' ? {} : JSON.parse(answer.stdout)) as T;
  }

  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const suffix = command.replace(/\W+/g, '-');

  it(
    'lists the queues of local.json, as in the README',
    async () => {
      const debug = await aws(['list-queues', '--debug']);
      expect(debug.code, debug.stderr.slice(-2000)).toBe(0);
      const protocol = debug.stderr.includes('application/x-www-form-urlencoded') ? 'query' : 'JSON';
      console.log(`${command}: SQS ${protocol} protocol`);
      const { QueueUrls } = JSON.parse(debug.stdout) as { QueueUrls: string[] };
      for (const queue of Object.values(manifest.queues)) {
        expect(QueueUrls).toContain(queue.url);
        expect(QueueUrls).toContain(queue.deadLetterQueueUrl);
      }
      const url = await awsJson<{ QueueUrl: string }>([
        'get-queue-url',
        '--queue-name',
        manifest.queues.inbound.deadLetterQueueName,
      ]);
      expect(url.QueueUrl).toBe(manifest.queues.inbound.deadLetterQueueUrl);
      // The README's peek at the inbound DLQ: nothing there, nothing printed.
      expect(
        await awsJson([
          'receive-message',
          '--queue-url',
          manifest.queues.inbound.deadLetterQueueUrl,
          '--attribute-names',
          'All',
          '--message-attribute-names',
          'All',
          '--visibility-timeout',
          '0',
        ]),
      ).toEqual({});
      const missing = await aws(['get-queue-url', '--queue-name', 'no-such-queue']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/NonExistentQueue|QueueDoesNotExist/);
    },
    cliTestTimeout,
  );

  it(
    'sends, receives, dead-letters after maxReceiveCount and moves the messages back',
    async () => {
      const dlq = await awsJson<{ QueueUrl: string }>(['create-queue', '--queue-name', `cli${suffix}-dlq`]);
      const dlqArn = `arn:aws:sqs:${manifest.region}:000000000000:cli${suffix}-dlq`;
      const work = await awsJson<{ QueueUrl: string }>([
        'create-queue',
        '--queue-name',
        `cli${suffix}-work`,
        '--attributes',
        JSON.stringify({
          VisibilityTimeout: '30',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
        }),
      ]);
      const body = 'vendor 101 changed <&> "quoted"';
      const sent = await awsJson<{ MessageId: string; MD5OfMessageBody: string }>([
        'send-message',
        '--queue-url',
        work.QueueUrl,
        '--message-body',
        body,
        '--message-attributes',
        JSON.stringify({ source: { DataType: 'String', StringValue: 'netsuite' } }),
      ]);
      expect(sent.MD5OfMessageBody).toBe(md5(body));
      const batch = await awsJson<{ Successful: Array<{ Id: string }> }>([
        'send-message-batch',
        '--queue-url',
        work.QueueUrl,
        '--entries',
        JSON.stringify([
          { Id: 'a', MessageBody: 'second' },
          { Id: 'b', MessageBody: 'third' },
        ]),
      ]);
      expect(batch.Successful.map((entry) => entry.Id).sort()).toEqual(['a', 'b']);

      type Received = {
        Messages?: Array<{
          MessageId: string;
          ReceiptHandle: string;
          Body: string;
          MD5OfBody: string;
          Attributes?: Record<string, string>;
          MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
        }>;
      };
      const first = await awsJson<Received>([
        'receive-message',
        '--queue-url',
        work.QueueUrl,
        '--max-number-of-messages',
        '10',
        '--attribute-names',
        'All',
        '--message-attribute-names',
        'All',
        '--visibility-timeout',
        '0',
      ]);
      expect(first.Messages?.map((message) => message.Body).sort()).toEqual([body, 'second', 'third'].sort());
      const mine = first.Messages?.find((message) => message.MessageId === sent.MessageId);
      expect(mine?.MD5OfBody).toBe(md5(body));
      expect(mine?.Attributes?.ApproximateReceiveCount).toBe('1');
      expect(mine?.MessageAttributes?.source).toEqual({ DataType: 'String', StringValue: 'netsuite' });

      // A second receive finds them past maxReceiveCount: SQS moves them to the DLQ instead.
      expect(
        await awsJson(['receive-message', '--queue-url', work.QueueUrl, '--max-number-of-messages', '10']),
      ).toEqual({});
      const sources = await awsJson<{ queueUrls: string[] }>([
        'list-dead-letter-source-queues',
        '--queue-url',
        dlq.QueueUrl,
      ]);
      expect(sources.queueUrls).toEqual([work.QueueUrl]);

      // Move them back: StartMessageMoveTask where the CLI has it (2023 and later models), else as
      // `apsync dlq redrive <ids>` does — receive from the DLQ, send to the source, delete from the DLQ.
      const task = await aws(['start-message-move-task', '--source-arn', dlqArn]);
      if (task.code === 0) {
        const done = await waitFor(
          async () => {
            const { Results } = await awsJson<{
              Results: Array<{ Status: string; ApproximateNumberOfMessagesMoved: number }>;
            }>(['list-message-move-tasks', '--source-arn', dlqArn]);
            return Results[0]?.Status === 'COMPLETED' ? Results[0] : undefined;
          },
          'the message move task completed',
          120_000,
          500,
        );
        expect(done.ApproximateNumberOfMessagesMoved).toBe(3);
      } else {
        expect(task.stderr).toMatch(/invalid choice/i);
        const dead = await awsJson<Received>([
          'receive-message',
          '--queue-url',
          dlq.QueueUrl,
          '--max-number-of-messages',
          '10',
        ]);
        expect(dead.Messages).toHaveLength(3);
        const moved = await awsJson<{ Successful: unknown[] }>([
          'send-message-batch',
          '--queue-url',
          work.QueueUrl,
          '--entries',
          JSON.stringify(
            dead.Messages!.map((message, index) => ({ Id: `m${index}`, MessageBody: message.Body })),
          ),
        ]);
        expect(moved.Successful).toHaveLength(3);
        const deleted = await awsJson<{ Successful: unknown[] }>([
          'delete-message-batch',
          '--queue-url',
          dlq.QueueUrl,
          '--entries',
          JSON.stringify(
            dead.Messages!.map((message, index) => ({
              Id: `m${index}`,
              ReceiptHandle: message.ReceiptHandle,
            })),
          ),
        ]);
        expect(deleted.Successful).toHaveLength(3);
      }

      const back = await awsJson<Received>([
        'receive-message',
        '--queue-url',
        work.QueueUrl,
        '--max-number-of-messages',
        '10',
      ]);
      expect(back.Messages?.map((message) => message.Body).sort()).toEqual([body, 'second', 'third'].sort());
      const [one, ...others] = back.Messages!;
      await awsJson(['delete-message', '--queue-url', work.QueueUrl, '--receipt-handle', one!.ReceiptHandle]);
      const done = await awsJson<{ Successful: unknown[]; Failed?: unknown[] }>([
        'delete-message-batch',
        '--queue-url',
        work.QueueUrl,
        '--entries',
        JSON.stringify(
          others.map((message, index) => ({ Id: `d${index}`, ReceiptHandle: message.ReceiptHandle })),
        ),
      ]);
      expect(done.Successful).toHaveLength(2);
      expect(done.Failed ?? []).toEqual([]);
    },
    cliTestTimeout,
  );
});
