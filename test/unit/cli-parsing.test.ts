// The operator CLI without I/O: record syntax, DLQ message records, watermark lag, the target built from
// a deployed stack's outputs, credential checks, `npm start` flags, tables that wrap and never cut, the
// readable `sync now` result, help and version, and command-line errors (exit 2) that are caught before
// any target is looked up.
import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputKeys } from '../../infra/cdk/stack-outputs.ts';
import { checkNetSuiteKey, newWebhookSecret } from '../../infra/cli/commands/secrets.ts';
import { formatLag, lagSeconds } from '../../infra/cli/commands/status.ts';
import { renderSyncNow } from '../../infra/cli/commands/sync-now.ts';
import { errorOutputSchema } from '../../infra/cli/output-schemas.ts';
import { runCli } from '../../infra/cli/program.ts';
import { formatRecord, parsePaymentId, parseRecord, recordOfMessage } from '../../infra/cli/record-syntax.ts';
import { targetFromOutputs } from '../../infra/cli/target.ts';
import { type CliIo, table, wrap } from '../../infra/cli/terminal.ts';
import { demoScheduleRates, parseLocalModeArgs } from '../../infra/local/main.ts';
import { displayDataDir, resolveDataDir } from '../../infra/local/manifest.ts';
import { webhookSecretValueSchema } from '../../shared/aws/webhook-secrets.ts';
import { DataError } from '../../shared/errors.ts';

describe('record syntax', () => {
  it('reads the short forms with the system each kind lives in', () => {
    expect(parseRecord('vendor:123')).toEqual({ system: 'netsuite', kind: 'vendor', id: '123' });
    expect(parseRecord('account:45')).toEqual({ system: 'netsuite', kind: 'account', id: '45' });
    expect(parseRecord('department:7')).toEqual({ system: 'netsuite', kind: 'department', id: '7' });
    expect(parseRecord('bill:F0DA20F0-ABAE-415C-A221-4556734BBF87')).toEqual({
      system: 'procurify',
      kind: 'bill',
      id: 'f0da20f0-abae-415c-a221-4556734bbf87',
    });
    expect(parseRecord('bill:1001')).toEqual({ system: 'netsuite', kind: 'bill', id: '1001' });
    expect(parseRecord('payment:17')).toEqual({ system: 'procurify', kind: 'payment', id: '17' });
    expect(parseRecord('payment:mode')).toEqual({ system: 'procurify', kind: 'payment', id: 'mode' });
    expect(parseRecord('netsuite:payment:2002')).toEqual({ system: 'netsuite', kind: 'payment', id: '2002' });
  });

  it('prints the short form when it means the same record', () => {
    for (const text of [
      'vendor:123',
      'bill:f0da20f0-abae-415c-a221-4556734bbf87',
      'payment:17',
      'payment:mode',
    ]) {
      expect(formatRecord(parseRecord(text))).toBe(text);
    }
    expect(formatRecord({ system: 'netsuite', kind: 'payment', id: '2002' })).toBe('netsuite:payment:2002');
    expect(formatRecord({ system: 'procurify', kind: 'vendor', id: '5' })).toBe('procurify:vendor:5');
  });

  it('refuses what is not a record, saying what is expected', () => {
    for (const text of ['vendor', 'vendor:', 'invoice:1', 'vendor:abc', 'procurify:bill:123', 'a:b:c:d']) {
      expect(() => parseRecord(text), text).toThrow(DataError);
    }
    expect(() => parseRecord('invoice:1')).toThrow(/is not a record; write vendor:<id>/);
    expect(() => parseRecord('procurify:bill:12')).toThrow(
      '"procurify:bill:12": procurify bill ids are a bill UUID',
    );
  });

  it('reads a payment for payment resync as every other command does, or as the id alone', () => {
    expect(['payment:17', 'procurify:payment:17', '17', ' 17 '].map(parsePaymentId)).toEqual([
      '17',
      '17',
      '17',
      '17',
    ]);
    for (const text of ['vendor:17', 'netsuite:payment:17', 'payment:mode', 'payment:abc', 'pay:1']) {
      expect(() => parsePaymentId(text), text).toThrow(DataError);
    }
    expect(() => parsePaymentId('bill:1')).toThrow('"bill:1" is not a Procurify payment; write payment:<id>');
  });

  it('names the record of each kind of queue message, and nothing for a body it cannot read', () => {
    expect(
      recordOfMessage({
        kind: 'record-event',
        recordType: 'vendorbill',
        recordId: '1001',
        eventType: 'edit',
      }),
    ).toEqual({ system: 'netsuite', kind: 'bill', id: '1001' });
    expect(recordOfMessage({ kind: 'bill', billUuid: 'f0da20f0-abae-415c-a221-4556734bbf87' })).toEqual({
      system: 'procurify',
      kind: 'bill',
      id: 'f0da20f0-abae-415c-a221-4556734bbf87',
    });
    expect(recordOfMessage({ kind: 'payment', paymentId: '9' })).toEqual({
      system: 'procurify',
      kind: 'payment',
      id: '9',
    });
    expect(recordOfMessage('not json')).toBeUndefined();
    expect(recordOfMessage({ kind: 'record-event', recordType: 'customer', recordId: '1' })).toBeUndefined();
  });
});

describe('status arithmetic', () => {
  const now = new Date('2026-01-31T10:00:00Z');
  it('measures lag from ISO instants and SuiteQL wall times (read as UTC)', () => {
    expect(lagSeconds('2026-01-31T09:59:00Z', now)).toBe(60);
    expect(lagSeconds('2026-01-31T09:58:30.500Z', now)).toBe(90);
    expect(lagSeconds('2026-01-31 09:00:00', now)).toBe(3600);
    expect(lagSeconds('2026-01-31T10:05:00Z', now)).toBe(0);
    expect(lagSeconds('procurify-id-42', now)).toBeNull();
  });
  it('prints lag in the largest sensible unit', () => {
    expect([formatLag(59), formatLag(600), formatLag(10_800), formatLag(400_000)]).toEqual([
      '59 s',
      '10 min',
      '3 h',
      '5 d',
    ]);
  });
});

describe('tables', () => {
  const message =
    'Account code 6100 is inactive in NetSuite but active in Procurify: Procurify has no API to deactivate it, so deactivate it there by hand';
  const rows = [['account:13', 'review', '2026-01-31T10:00:00.000Z', message, 'account-code:6100']];
  const headers = ['record', 'state', 'since', 'message', 'waiting for'];

  it('prints every cell whole on one line when the width is not known (a pipe, a file)', () => {
    const lines = table(headers, rows).split('\n');
    expect(lines[1]).toContain(message);
    expect(lines[1]).toMatch(/account-code:6100$/);
  });

  it('wraps the widest columns to the terminal, never cutting a word of the message', () => {
    for (const width of [200, 120, 80, 60]) {
      const text = table(headers, rows, width);
      const lines = text.trimEnd().split('\n');
      if (width < 200) expect(lines.length, `width ${width}`).toBeGreaterThan(2);
      for (const line of lines) expect(line.length, `width ${width}: ${line}`).toBeLessThanOrEqual(width);
      expect(text).not.toContain('…');
      // The message column, read down the lines, is the whole message.
      const start = lines[0]!.indexOf('message');
      const end = lines[0]!.indexOf('waiting for');
      const column = lines
        .slice(1)
        .map((line) => line.slice(start, end).trim())
        .filter((part) => part !== '')
        .join(' ');
      expect(column, `width ${width}`).toBe(message);
    }
    expect(table(headers, rows, 220).split('\n')[1]).toContain(message);
  });

  it('breaks a word longer than the column and keeps short rows as they are', () => {
    expect(wrap('short', 10)).toEqual(['short']);
    expect(wrap('see https://example.com/a/very/long/path/indeed', 20)).toEqual([
      'see https://example.',
      'com/a/very/long/path',
      '/indeed',
    ]);
    expect(table(['a', 'b'], [['1', '2']], 80)).toBe('a  b\n1  2\n');
  });
});

describe('sync now', () => {
  it('prints the run and its result as readable lines, not JSON', () => {
    const text = renderSyncNow({
      flow: 'master-data',
      schedule: 'netsuitePoll',
      function: 'netsuite-poll',
      outcome: 'succeeded',
      startedAt: '2026-01-31T10:00:00.000Z',
      finishedAt: '2026-01-31T10:00:01.250Z',
      result: {
        skippedBecauseLeaseHeld: false,
        complete: true,
        recordTypes: {
          vendor: { enqueued: 3, alreadyEnqueued: 0, watermarkAfter: '2026-01-31 09:59:00' },
          account: { enqueued: 0, alreadyEnqueued: 1, error: { errorClass: 'transient', message: '503' } },
        },
        failed: [],
        partial: [{ billUuid: 'b-1', openAmount: '10.00' }],
      },
    });
    expect(text).toBe(
      [
        'master-data: netsuite-poll succeeded in 1.3 s',
        '  skipped because lease held: no',
        '  complete: yes',
        '  record types:',
        '    vendor:',
        '      enqueued: 3',
        '      already enqueued: 0',
        '      watermark after: 2026-01-31 09:59:00',
        '    account:',
        '      enqueued: 0',
        '      already enqueued: 1',
        '      error:',
        '        error class: transient',
        '        message: 503',
        '  failed: none',
        '  partial:',
        '    - bill uuid: b-1',
        '      open amount: 10.00',
        '',
      ].join('\n'),
    );
    expect(text).not.toMatch(/[{}"]/);
  });
});

describe('deployed stack outputs', () => {
  const outputs: Record<string, string> = {
    [outputKeys.tableName('state')]: 'acme-state',
    [outputKeys.tableName('idempotency')]: 'acme-idempotency',
    [outputKeys.queueUrl('inbound')]: 'https://sqs.eu-west-1.amazonaws.com/1/acme-inbound',
    [outputKeys.queueUrl('bill')]: 'https://sqs.eu-west-1.amazonaws.com/1/acme-bill',
    [outputKeys.queueUrl('payment')]: 'https://sqs.eu-west-1.amazonaws.com/1/acme-payment',
    [outputKeys.deadLetterQueueUrl('inbound')]: 'https://sqs.eu-west-1.amazonaws.com/1/acme-inbound-dlq',
    [outputKeys.deadLetterQueueUrl('bill')]: 'https://sqs.eu-west-1.amazonaws.com/1/acme-bill-dlq',
    [outputKeys.deadLetterQueueUrl('payment')]: 'https://sqs.eu-west-1.amazonaws.com/1/acme-payment-dlq',
    [outputKeys.scheduleDeadLetterQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/1/acme-schedule-dlq',
    [outputKeys.secretName('netsuite')]: 'acme/netsuite',
    [outputKeys.secretName('procurify')]: 'acme/procurify',
    [outputKeys.secretName('webhook')]: 'acme/webhook',
    [outputKeys.functionName('procurify-poll')]: 'acme-procurify-poll-AbC123',
    [outputKeys.functionName('inbound-worker')]: 'acme-inbound-worker-XyZ',
    [outputKeys.defaultPaymentMode]: 'pull',
    [outputKeys.webhookUrl]: 'https://abc.execute-api.eu-west-1.amazonaws.com/netsuite/events',
  };

  it('finds every table, queue, secret and function by its output key', () => {
    const target = targetFromOutputs('acme-service', outputs, { region: 'eu-west-1' });
    expect(target).toMatchObject({
      kind: 'aws',
      label: 'stack acme-service',
      stateTable: 'acme-state',
      secrets: { netsuite: 'acme/netsuite', procurify: 'acme/procurify', webhook: 'acme/webhook' },
      defaultPaymentMode: 'pull',
      scheduleDeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/acme-schedule-dlq',
      functionNames: {
        'procurify-poll': 'acme-procurify-poll-AbC123',
        'inbound-worker': 'acme-inbound-worker-XyZ',
      },
    });
    expect(target.queues.bill).toEqual({
      url: 'https://sqs.eu-west-1.amazonaws.com/1/acme-bill',
      deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/acme-bill-dlq',
    });
    expect(target.clientConfig('sqs')).toEqual({ region: 'eu-west-1' });
  });

  it('names the missing output of a stack that is not an apsync service stack', () => {
    const { [outputKeys.queueUrl('payment')]: _gone, ...partial } = outputs;
    expect(() => targetFromOutputs('acme-stateful', partial)).toThrow(
      'stack acme-stateful has no output PaymentQueueUrl; is it an apsync service stack (<prefix>-service), deployed with this version?',
    );
  });
});

describe('credential checks', () => {
  const ec = (namedCurve: string) =>
    generateKeyPairSync('ec', { namedCurve }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('accepts a key of the algorithm and refuses another', () => {
    expect(() => checkNetSuiteKey(ec('prime256v1'), 'ES256')).not.toThrow();
    expect(() => checkNetSuiteKey(ec('secp384r1'), 'ES384')).not.toThrow();
    expect(() => checkNetSuiteKey(ec('secp384r1'), 'ES256')).toThrow(
      'privateKeyPem: ES256 needs an EC prime256v1 key, this is an EC secp384r1 key',
    );
    expect(() => checkNetSuiteKey(ec('prime256v1'), 'PS256')).toThrow(
      'privateKeyPem: PS256 needs an RSA key, this is an EC key',
    );
    expect(() =>
      checkNetSuiteKey('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----', 'ES256'),
    ).toThrow(/not a readable PEM private key/);
  });

  it('makes webhook secrets the functions accept', () => {
    const secret = newWebhookSecret();
    expect(webhookSecretValueSchema.safeParse({ current: secret }).success).toBe(true);
    // The text after whsec_ decodes to printable ASCII: NetSuite can read it as BASE_64 or UTF_8.
    expect(Buffer.from(secret.slice(6), 'base64').toString('utf8')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});

describe('npm start flags', () => {
  it('has demo rates and data defaults', () => {
    // No --port: the previous run's port, else a free one (infra/local/stable-ports.ts).
    expect(parseLocalModeArgs([])).toEqual({
      port: undefined,
      dataDir: undefined,
      ephemeral: false,
      demo: true,
      scheduleRates: demoScheduleRates,
      netsuiteUrl: undefined,
      procurifyUrl: undefined,
    });
  });
  it('reads every flag', () => {
    const options = parseLocalModeArgs([
      '--port',
      '8080',
      '--data-dir',
      '/tmp/x',
      '--no-schedules',
      '--rate',
      'procurifyPoll=5',
      '--netsuite-url',
      'https://1234567.suitetalk.api.netsuite.com',
    ]);
    expect(options).toMatchObject({
      port: 8080,
      dataDir: '/tmp/x',
      // No demo company next to a real service.
      demo: false,
      scheduleRates: { netsuitePoll: 0, procurifyPoll: 5, paidBillPull: 0 },
      netsuiteUrl: 'https://1234567.suitetalk.api.netsuite.com',
    });
  });
  it('refuses contradictions and bad values', () => {
    expect(() => parseLocalModeArgs(['--ephemeral', '--data-dir', 'x'])).toThrow(
      '--ephemeral and --data-dir exclude each other',
    );
    expect(() => parseLocalModeArgs(['--procurify-url', 'ftp://x'])).toThrow(
      '--procurify-url must be an http(s) URL',
    );
  });
});

describe('data directory', () => {
  it('is --data-dir, else APSYNC_HOME, else .apsync in the working directory', () => {
    expect(resolveDataDir('state', {}, '/work')).toBe('/work/state');
    expect(resolveDataDir(undefined, { APSYNC_HOME: '/srv/apsync' }, '/work')).toBe('/srv/apsync');
    expect(resolveDataDir(undefined, {}, '/work')).toBe('/work/.apsync');
    expect(displayDataDir('/work/.apsync', '/work')).toBe('.apsync/');
    expect(displayDataDir('/work/.apsync', '/work/infra')).toBe('/work/.apsync/');
    expect(displayDataDir('/srv/apsync', '/work')).toBe('/srv/apsync/');
  });

  it('defaults to .apsync in the project directory from any subfolder, where npm start puts it', () => {
    const project = (path: string) => path === '/work/app/package.json';
    expect(resolveDataDir(undefined, {}, '/work/app/infra/cli', project)).toBe('/work/app/.apsync');
    expect(resolveDataDir(undefined, {}, '/work/app', project)).toBe('/work/app/.apsync');
    // Outside any project: the working directory; an explicit directory stays relative to where it is typed.
    expect(resolveDataDir(undefined, {}, '/srv/x', project)).toBe('/srv/x/.apsync');
    expect(resolveDataDir('state', {}, '/work/app/infra', project)).toBe('/work/app/infra/state');
    // This repository, as `npx apsync` run in its test folder would see it.
    const root = resolve(import.meta.dirname, '../..');
    expect(resolveDataDir(undefined, {}, join(root, 'test/unit'))).toBe(join(root, '.apsync'));
  });
});

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
    readStdin: async () => '',
    stdinIsTTY: true,
    stderrIsTTY: false,
    env: {},
    cwd: '/nonexistent-apsync-test',
  };
  return io;
}

describe('command line errors (exit 2, before any target is looked up)', () => {
  it('refuses an unknown command, flow, queue or record syntax', async () => {
    for (const argv of [
      ['frobnicate'],
      ['sync', 'now', 'invoices'],
      ['dlq', 'list', '--queue', 'outbound'],
      ['dlq', 'list', '--limit', '0'],
      ['mode', 'set', 'sideways'],
      ['audit', 'vendor'],
      ['preview', 'invoice:12'],
      ['secrets', 'set', 'github'],
    ]) {
      const io = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.out).toBe('');
      expect(io.err, argv.join(' ')).toMatch(/error/);
    }
  });

  it('refuses a missing required option or argument, and a file that cannot be read, as usage', async () => {
    for (const [argv, message] of [
      [['review', 'dismiss', 'vendor:1'], "error: required option '--reason <text>' not specified"],
      [['bills', 'config', 'set'], "error: required option '--file <file>' not specified"],
      [['review', 'replay'], "error: missing required argument 'record'"],
      [
        ['secrets', 'set', 'netsuite', '--file', '/nonexistent/netsuite.json'],
        'error: cannot read /nonexistent/netsuite.json: no such file',
      ],
      [
        ['payment', 'resync', 'vendor:1'],
        'error: "vendor:1" is not a Procurify payment; write payment:<id> (or the id alone)',
      ],
    ] as const) {
      const io = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.err.split('\n')[0], argv.join(' ')).toBe(message);
    }
    const io = capture();
    expect(await runCli(['secrets', 'set', 'netsuite', '--file', '/nonexistent/n.json', '--json'], io)).toBe(
      2,
    );
    expect(errorOutputSchema.parse(JSON.parse(io.out)).error).toMatchObject({
      class: 'usage',
      code: 'bad-file',
    });
  });

  it('says there is no local stack as unreachable (exit 3)', async () => {
    const io = capture();
    expect(await runCli(['status', '--json'], io)).toBe(3);
    expect(errorOutputSchema.parse(JSON.parse(io.out)).error).toEqual({
      class: 'unreachable',
      code: 'no-local-stack',
      message: 'no local stack running in .apsync/ — start it with npm start',
    });
  });

  it('names --region when --stack has no region', async () => {
    const saved = { ...process.env };
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name];
    process.env.AWS_CONFIG_FILE = '/nonexistent-apsync-test/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent-apsync-test/credentials';
    try {
      const io = capture();
      expect(await runCli(['--stack', 'acme', 'status'], io)).toBe(2);
      expect(io.err).toBe(
        "error: --stack acme needs the stack's AWS region: give --region <region> (or set AWS_REGION, or a region in your AWS profile)\n",
      );
    } finally {
      process.env = saved;
    }
  });

  it('prints usage errors as JSON with --json', async () => {
    const io = capture();
    expect(await runCli(['audit', 'vendor', '--json'], io)).toBe(2);
    expect(errorOutputSchema.parse(JSON.parse(io.out))).toEqual({
      error: {
        class: 'usage',
        code: 'bad-record',
        message:
          '"vendor" is not a record; write vendor:<id>, account:<id>, department:<id> (NetSuite), bill:<uuid>, payment:<id> (Procurify), or <system>:<kind>:<id>',
      },
    });
  });

  it('refuses --stack with --data-dir', async () => {
    const io = capture();
    expect(await runCli(['--stack', 'acme', '--data-dir', 'x', 'status'], io)).toBe(2);
    expect(io.err).toBe('error: --stack and --data-dir exclude each other\n');
  });

  it('prints its version', async () => {
    const io = capture();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists the global options and each argument's choices in a command's help", async () => {
    for (const [argv, choices] of [
      [['mode', 'set', '--help'], '(choices: "push", "pull")'],
      [
        ['sync', 'now', '--help'],
        '(choices: "master-data", "bills", "payments", "paid-bills", "failure-digest")',
      ],
      [['secrets', 'set', '--help'], '(choices: "netsuite", "procurify", "webhook")'],
      [['dlq', 'list', '--help'], '"schedule")'],
    ] as const) {
      const io = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(0);
      const flat = io.out.replace(/\s+/g, ' ');
      expect(flat, argv.join(' ')).toContain(choices);
      for (const option of ['--data-dir <dir>', '--stack <name>', '--region <region>', '--json']) {
        expect(io.out, `${argv.join(' ')}: ${option}`).toContain(option);
      }
    }
    const io = capture();
    expect(await runCli(['review', 'dismiss', '--help'], io)).toBe(0);
    expect(io.out).toContain('--reason <text>');
  });

  it('shows help with exit 0', async () => {
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/Usage: apsync/);
    for (const command of [
      'status',
      'dlq',
      'review',
      'payment',
      'sync',
      'audit',
      'mode',
      'secrets',
      'backfill',
      'preview',
    ]) {
      expect(io.out).toContain(`  ${command}`);
    }
  });
});
