// The `apsync ready` banner of local mode (infra/local/main.ts readyBanner): the CLI commands it
// suggests reach the stack it started, an --ephemeral one (in a temporary directory) included.
import { describe, expect, it } from 'vitest';
import { readyBanner } from '../../infra/local/main.ts';
import { type LocalManifest, localManifestSchema, resolveDataDir } from '../../infra/local/manifest.ts';

const queue = (name: string) => ({
  name,
  url: `http://127.0.0.1:40002/000000000000/${name}`,
  deadLetterQueueName: `${name}-dlq`,
  deadLetterQueueUrl: `http://127.0.0.1:40002/000000000000/${name}-dlq`,
});

function manifest(dataDir: string, ephemeral: boolean): LocalManifest {
  return localManifestSchema.parse({
    version: 1,
    state: 'running',
    pid: 4242,
    startedAt: '2026-01-01T00:00:00.000Z',
    dataDir,
    ephemeral,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    api: { url: 'http://127.0.0.1:40000', webhookUrl: 'http://127.0.0.1:40000/netsuite/events' },
    control: { url: 'http://127.0.0.1:40009', token: 'a-control-token-of-length' },
    aws: {
      dynamodb: 'http://127.0.0.1:40001',
      sqs: 'http://127.0.0.1:40002',
      secretsManager: 'http://127.0.0.1:40003',
    },
    tables: { state: 'state', idempotency: 'idempotency' },
    queues: { inbound: queue('inbound'), bill: queue('bill'), payment: queue('payment') },
    secrets: { netsuite: 'ns', procurify: 'pf', webhook: 'wh' },
    services: {
      netsuite: { mode: 'sandbox', url: 'http://127.0.0.1:40004' },
      procurify: { mode: 'sandbox', url: 'http://127.0.0.1:40005' },
    },
    sandboxes: {
      netsuite: { url: 'http://127.0.0.1:40004', adminUrl: 'http://127.0.0.1:40004/__admin' },
      procurify: { url: 'http://127.0.0.1:40005', adminUrl: 'http://127.0.0.1:40005/__admin' },
    },
    demo: true,
    schedules: { netsuitePoll: 0 },
    functions: [],
    settings: {},
    defaultPaymentMode: 'push',
    awsEnv: {},
  });
}

const commands = (lines: string[]) => lines.filter((line) => line.includes('npx apsync'));

describe('the apsync ready banner', () => {
  it('suggests plain npx apsync for a stack in the default data directory', () => {
    const lines = readyBanner(manifest('/work/.apsync', false), '.apsync/', '101');
    expect(commands(lines).length).toBe(4);
    for (const line of commands(lines)) expect(line).not.toContain('--data-dir');
    expect(lines.at(-1)).toBe('Ctrl-C stops it; npm start again resumes from the stored state.');
    expect(lines[0]).toMatch(/^apsync ready: /);
  });

  it('names the endpoints that moved before the ready line, so a reader of apsync ready has seen them', () => {
    const moved = ['SQS: http://127.0.0.1:41005 → http://127.0.0.1:40002 (its previous port is taken)'];
    const lines = readyBanner(manifest('/work/.apsync', false), '.apsync/', '101', moved);
    expect(lines.slice(0, 3)).toEqual([
      'warning: 1 endpoint(s) moved since the last run in .apsync/ — URLs copied before no longer work:',
      `  ${moved[0]}`,
      expect.stringMatching(/^apsync ready: /),
    ]);
  });

  it('names the temporary data directory of an --ephemeral stack in every command', () => {
    const lines = readyBanner(manifest('/tmp/apsync-x1', true), '/tmp/apsync-x1/', '101');
    expect(commands(lines).length).toBe(4);
    for (const line of commands(lines)) {
      const [, dataDir] = /npx apsync --data-dir (\S+) /.exec(line) ?? [];
      // The CLI resolves what the banner names to the stack's own directory, from any working directory.
      expect(resolveDataDir(dataDir, {}, '/elsewhere')).toBe('/tmp/apsync-x1');
    }
    expect(lines.at(-1)).toBe('Ctrl-C stops it and removes /tmp/apsync-x1/ (--ephemeral: nothing is kept).');
  });
});
