// `npm start`: apsync on one machine, in one process — the AWS emulators with their data on disk, the
// NetSuite and Procurify sandboxes (or the real services), the webhook endpoint, every worker and every
// schedule (infra/local/stack.ts). When ready it prints `apsync ready`, writes `<data dir>/local.json`
// (manifest.ts) for the operator CLI and AWS clients, and serves the CLI's loopback control endpoint
// (control.ts; both through publish.ts). SIGINT/SIGTERM stop it cleanly; a restart on the same data
// directory resumes.
//
// Restarting on the same data directory resumes everything: apsync's own state in `<data dir>/aws`
// (queues, dead-letter queues, links, sync states, audit trails, watermarks, payment mode, webhook
// secret) and the sandboxes' records in `<data dir>/sandboxes/{netsuite,procurify}.json` (each write in
// their `.journal` before it is answered, so a SIGKILL loses none; the NetSuite integration keeps its
// key pair). The demo company
// is seeded only into empty sandboxes (the first start, or after the sandbox files were removed), so
// apsync's links keep pointing at the sandbox records they were made with. The endpoints keep the ports
// of the previous run (stable-ports.ts) where still free; one that moved is named in a warning.
import { mkdtemp, rm } from 'node:fs/promises';
import { enableCompileCache } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ScheduleKey } from '../../shared/function-registry.ts';
import { displayDataDir, type LocalManifest, readManifest, resolveDataDir } from './manifest.ts';
import { choosePorts, movedEndpoints } from './stable-ports.ts';

const scheduleKeys: readonly ScheduleKey[] = [
  'netsuitePoll',
  'procurifyPoll',
  'paidBillPull',
  'reconcile',
  'failureDigest',
];

/** Faster than the deployed defaults so the demo shows activity within a minute. */
export const demoScheduleRates: Readonly<Record<ScheduleKey, number>> = {
  netsuitePoll: 60,
  procurifyPoll: 30,
  paidBillPull: 300,
  reconcile: 3600,
  failureDigest: 3600,
};

export interface LocalModeOptions {
  /** Port of the webhook API (0 = a free port; absent = the previous run's if free, else a free one). */
  port: number | undefined;
  dataDir: string | undefined;
  ephemeral: boolean;
  demo: boolean;
  scheduleRates: Record<ScheduleKey, number>;
  netsuiteUrl: string | undefined;
  procurifyUrl: string | undefined;
}

export function parseLocalModeArgs(argv: readonly string[]): LocalModeOptions {
  const program = new Command('npm start --')
    .description('Runs apsync on this machine (local mode).')
    .addOption(
      new Option('--port <port>', 'port of the webhook API (0 = a free port)')
        .argParser(port)
        .default(undefined, "the previous run's, else a free port"),
    )
    .option('--data-dir <dir>', 'where state is kept (default: $APSYNC_HOME or .apsync)')
    .option('--ephemeral', 'keep state in a temporary directory, removed on exit', false)
    .option('--no-demo', 'start new sandboxes empty instead of with the demo company')
    .option('--no-schedules', 'run scheduled flows only on demand (apsync sync now)')
    .addOption(
      new Option(
        '--rate <schedule=seconds>',
        `seconds between runs of a schedule (${scheduleKeys.join(', ')})`,
      )
        .argParser(rate)
        .default({}, 'the demo rates'),
    )
    .option(
      '--netsuite-url <url>',
      'use the real NetSuite account at this URL (credentials: apsync secrets set)',
    )
    .option('--procurify-url <url>', 'use the real Procurify at this URL (credentials: apsync secrets set)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    });
  program.parse([...argv], { from: 'user' });
  const options = program.opts<{
    port?: number;
    dataDir?: string;
    ephemeral: boolean;
    demo: boolean;
    schedules: boolean;
    rate: Partial<Record<ScheduleKey, number>>;
    netsuiteUrl?: string;
    procurifyUrl?: string;
  }>();
  if (options.ephemeral && options.dataDir !== undefined) {
    throw new Error('--ephemeral and --data-dir exclude each other');
  }
  for (const [name, value] of [
    ['--netsuite-url', options.netsuiteUrl],
    ['--procurify-url', options.procurifyUrl],
  ] as const) {
    if (value !== undefined && !/^https?:\/\/[^\s/]+/.test(value)) {
      throw new Error(`${name} must be an http(s) URL`);
    }
  }
  const base = options.schedules
    ? demoScheduleRates
    : { netsuitePoll: 0, procurifyPoll: 0, paidBillPull: 0, reconcile: 0, failureDigest: 0 };
  return {
    port: options.port,
    dataDir: options.dataDir,
    ephemeral: options.ephemeral,
    // A demo company in a sandbox next to a real service would write demo data into the real one.
    demo: options.demo && options.netsuiteUrl === undefined && options.procurifyUrl === undefined,
    scheduleRates: { ...base, ...options.rate },
    netsuiteUrl: options.netsuiteUrl,
    procurifyUrl: options.procurifyUrl,
  };
}

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new InvalidArgumentError('must be a port number');
  return Number(value);
}

function rate(
  value: string,
  previous: Partial<Record<ScheduleKey, number>>,
): Partial<Record<ScheduleKey, number>> {
  const match = /^([A-Za-z]+)=(\d+)$/.exec(value);
  const key = match?.[1] as ScheduleKey | undefined;
  if (match === null || key === undefined || !scheduleKeys.includes(key)) {
    throw new InvalidArgumentError(
      `must be <schedule>=<seconds> with a schedule among ${scheduleKeys.join(', ')}`,
    );
  }
  return { ...previous, [key]: Number(match[2]) };
}

async function main(argv: readonly string[]): Promise<number> {
  let options: LocalModeOptions;
  try {
    options = parseLocalModeArgs(argv);
  } catch (error) {
    // Commander has printed its own message; ours are printed here.
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (!code?.startsWith('commander.')) console.error(`error: ${(error as Error).message}`);
    return 2;
  }

  // The compiled code of the modules is cached on disk (os.tmpdir()), as each function's threads do
  // (function-thread.ts): a start after the first compiles none of its TypeScript again.
  enableCompileCache();
  // Handlers read their logging and metrics settings when their modules load: set them before importing.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
  const [{ startLocalStack }, { settingNames }, { publishLocalStack }, secretsManager] = await Promise.all([
    import('./stack.ts'),
    import('../../shared/resources.ts'),
    import('./publish.ts'),
    import('@aws-sdk/client-secrets-manager'),
  ]);

  const dataDir = options.ephemeral
    ? await mkdtemp(join(tmpdir(), 'apsync-'))
    : resolveDataDir(options.dataDir);
  const shownDir = displayDataDir(dataDir);
  const existing = await readManifest(dataDir);
  if (existing.found === 'running') {
    console.error(`error: a local stack is already running in ${shownDir} (pid ${existing.manifest.pid})`);
    return 1;
  }
  // A restart listens where the previous run did (URLs a user copied stay valid); --ephemeral starts afresh.
  const previous = existing.found === 'stopped' ? existing.manifest : undefined;
  const ports = await choosePorts(previous);

  // Settings come from the environment, as on AWS (APSYNC_RETRY_BASE_SECONDS=0 npm start, ...).
  const settings: Partial<Record<keyof typeof settingNames, string>> = {};
  for (const [key, name] of Object.entries(settingNames)) {
    const value = process.env[name];
    if (value !== undefined && value !== '') settings[key as keyof typeof settingNames] = value;
  }
  if (options.netsuiteUrl !== undefined) settings.netsuiteBaseUrl = options.netsuiteUrl;
  if (options.procurifyUrl !== undefined) settings.procurifyBaseUrl = options.procurifyUrl;

  // A signal during start-up stops the stack as soon as it is up.
  let stopRequested = false;
  const earlySignal = () => {
    stopRequested = true;
  };
  process.on('SIGINT', earlySignal).on('SIGTERM', earlySignal);

  const startedAt = new Date().toISOString();
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    // `realServices` (see the report of issue 5): the sandbox of a real service still runs but its
    // credentials are not stored over the operator's. Checked below in case stack.ts ignores it.
    const stackOptions: Parameters<typeof startLocalStack>[0] & Record<string, unknown> = {
      dataDir: join(dataDir, 'aws'),
      sandboxDataDir: join(dataDir, 'sandboxes'),
      apiPort: options.port ?? ports.api,
      awsPorts: { dynamodb: ports.dynamodb, sqs: ports.sqs, secretsManager: ports.secretsManager },
      netsuite: { port: ports.netsuite },
      procurify: { port: ports.procurify },
      demo: options.demo,
      settings,
      scheduleRates: options.scheduleRates,
      realServices: {
        netsuite: options.netsuiteUrl !== undefined,
        procurify: options.procurifyUrl !== undefined,
      },
      onWorkerError: (error) => console.error(`apsync worker error: ${String(error)}`),
    };
    stack = await startLocalStack(stackOptions);
  } catch (error) {
    console.error(`error: the local stack could not start in ${shownDir}: ${String(error)}`);
    if (options.ephemeral) await rm(dataDir, { recursive: true, force: true });
    return 1;
  }

  const secrets = new secretsManager.SecretsManagerClient(stack.aws.clientConfig('secretsManager'));
  for (const [service, url, secretName, sandboxUrl] of [
    ['netsuite', options.netsuiteUrl, stack.aws.names.secrets.netsuite, stack.netsuite.url],
    ['procurify', options.procurifyUrl, stack.aws.names.secrets.procurify, stack.procurify.url],
  ] as const) {
    if (url === undefined) continue;
    const stored = await secrets
      .send(new secretsManager.GetSecretValueCommand({ SecretId: secretName }))
      .then((answer) => answer.SecretString ?? '')
      .catch(() => '');
    if (stored.includes(sandboxUrl)) {
      console.error(
        `error: --${service}-url needs startLocalStack's realServices option, which this version of ` +
          `infra/local/stack.ts does not have (it stored the ${service} sandbox's credentials)`,
      );
      await stack.stop();
      return 1;
    }
  }
  secrets.destroy();
  const restored = stack.sandboxesRestored;
  if (restored.netsuite !== restored.procurify) {
    // The other sandbox's file is missing: its records (and the demo company) are not there to resume.
    console.error(
      `warning: only the ${restored.netsuite ? 'NetSuite' : 'Procurify'} sandbox resumed from ` +
        `${join(shownDir, 'sandboxes')}; the other started empty and no demo company was seeded`,
    );
  }

  const published = await publishLocalStack(stack, {
    dataDir,
    ephemeral: options.ephemeral,
    demo: options.demo,
    scheduleRates: options.scheduleRates,
    settings: Object.fromEntries(
      Object.entries(settings).map(([key, value]) => [
        settingNames[key as keyof typeof settingNames],
        value ?? '',
      ]),
    ),
    realServices: {
      ...(options.netsuiteUrl === undefined ? {} : { netsuiteUrl: options.netsuiteUrl }),
      ...(options.procurifyUrl === undefined ? {} : { procurifyUrl: options.procurifyUrl }),
    },
    startedAt,
  });

  let stopping: Promise<void> | undefined;
  const stop = (signal: string): Promise<void> => {
    stopping ??= (async () => {
      console.log(`apsync stopping (${signal}): in-flight work finishes, the rest stays queued`);
      // The CLI is told first (no new control calls), then the workers finish and the state is flushed.
      await published.unpublish({ writeStopped: !options.ephemeral });
      await stack.stop();
      if (options.ephemeral) await rm(dataDir, { recursive: true, force: true });
      console.log('apsync stopped');
    })();
    return stopping;
  };
  const exitOn = (signal: string) => {
    if (stopping !== undefined) {
      console.error('apsync: stopping already; a second signal exits at once');
      process.exit(130);
    }
    void stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`apsync: stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.off('SIGINT', earlySignal).off('SIGTERM', earlySignal);
  process.on('SIGINT', () => exitOn('SIGINT')).on('SIGTERM', () => exitOn('SIGTERM'));

  console.log(
    readyBanner(
      published.manifest,
      shownDir,
      stack.netsuite.store.list('vendor')[0]?.id,
      movedEndpoints(previous, published.manifest),
    ).join('\n'),
  );
  if (stopRequested) exitOn('SIGTERM');
  return -1;
}

/**
 * What `apsync ready` prints. Its CLI commands reach this stack: an --ephemeral one lives in a temporary
 * directory, so they name it with --data-dir (plain `npx apsync` would look in .apsync). An endpoint that
 * could not keep its previous port (stable-ports.ts movedEndpoints) is named first, as a warning.
 */
export function readyBanner(
  manifest: LocalManifest,
  shownDir: string,
  vendorId: string | undefined,
  moved: readonly string[] = [],
): string[] {
  const apsync = manifest.ephemeral ? `npx apsync --data-dir ${manifest.dataDir}` : 'npx apsync';
  const pad = (command: string, width: number) =>
    command.length < width ? command.padEnd(width) : `${command}  `;
  const lines = [
    // Before the ready line, on the same stream: whoever waits for `apsync ready` has read it.
    ...(moved.length === 0
      ? []
      : [
          `warning: ${moved.length} endpoint(s) moved since the last run in ${shownDir} — URLs copied before no longer work:`,
          ...moved.map((line) => `  ${line}`),
        ]),
    `apsync ready: webhook ${manifest.api.webhookUrl} — state in ${shownDir}, endpoints in ${shownDir}local.json`,
    `  NetSuite   ${manifest.services.netsuite.mode === 'sandbox' ? `sandbox ${manifest.services.netsuite.url} (admin ${manifest.sandboxes.netsuite?.adminUrl})` : `real ${manifest.services.netsuite.url}`}`,
    `  Procurify  ${manifest.services.procurify.mode === 'sandbox' ? `sandbox ${manifest.services.procurify.url} (admin ${manifest.sandboxes.procurify?.adminUrl})` : `real ${manifest.services.procurify.url}`}`,
    `  AWS        DynamoDB ${manifest.aws.dynamodb}  SQS ${manifest.aws.sqs}  Secrets Manager ${manifest.aws.secretsManager}  (${manifest.region})`,
    `  schedules  ${
      Object.entries(manifest.schedules)
        .map(([name, seconds]) => `${name} ${seconds > 0 ? `every ${seconds} s` : 'on demand'}`)
        .join(', ') || 'none yet'
    }`,
    ...(manifest.console === undefined
      ? []
      : [
          `  console    ${manifest.console.url} — sign in with the access token ${manifest.console.token} (also in local.json)`,
        ]),
    'Try next:',
    `  ${pad(`${apsync} status`, 38)}flows, queues, dead-letter queues, counts by state`,
  ];
  if (manifest.sandboxes.netsuite !== undefined && vendorId !== undefined) {
    lines.push(
      `  curl -X PATCH -H 'content-type: application/json' -d '{"companyName":"Renamed Supplies"}' \\`,
      `       ${manifest.sandboxes.netsuite.adminUrl}/records/vendor/${vendorId}`,
      `                                        change a vendor "as a NetSuite user"; then`,
      `  ${pad(`${apsync} audit vendor:${vendorId}`, 38)}what apsync did with it`,
    );
  }
  lines.push(
    `  ${pad(`${apsync} sync now master-data`, 38)}run the NetSuite poll now`,
    `  ${pad(`${apsync} dlq list`, 38)}failed messages with their last error`,
    `  AWS CLI: AWS_REGION=${manifest.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws sqs list-queues --endpoint-url ${manifest.aws.sqs}`,
    manifest.ephemeral
      ? `Ctrl-C stops it and removes ${shownDir} (--ephemeral: nothing is kept).`
      : 'Ctrl-C stops it; npm start again resumes from the stored state.',
  );
  return lines;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      // -1: running; the signal handlers exit.
      if (code >= 0) process.exit(code);
    },
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
