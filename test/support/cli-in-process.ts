// `apsync <argv>` run in-process (runCli with its output captured) against a published local stack:
// how the integration tests of the CLI, settings, reconcile, the initial load and account settings drive it;
// publishForCli publishes a stack to a temporary data directory for them, as `npm start` does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../infra/cli/program.ts';
import type { CliIo } from '../../infra/cli/terminal.ts';
import { publishLocalStack } from '../../infra/local/publish.ts';
import type { LocalStack } from '../../infra/local/stack.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliRunOptions {
  /** The working directory (the data dir of the tests' stack, usually). */
  cwd: string;
  /** Standard input; absent: a terminal where nothing is typed. */
  stdin?: string;
  env?: CliIo['env'];
  /** The terminal's width; absent: stdout is not a terminal. */
  columns?: number;
}

/** The exit code and everything written to stdout and stderr. */
export async function runCliCaptured(argv: readonly string[], options: CliRunOptions): Promise<CliRun> {
  const run = { code: 0, out: '', err: '' };
  const io: CliIo = {
    stdout: (text) => {
      run.out += text;
    },
    stderr: (text) => {
      run.err += text;
    },
    readStdin: async () => options.stdin ?? '',
    stdinIsTTY: options.stdin === undefined,
    stderrIsTTY: false,
    env: options.env ?? {},
    cwd: options.cwd,
    ...(options.columns === undefined ? {} : { columns: options.columns }),
  };
  run.code = await runCli(argv, io);
  return run;
}

/** A local stack published to a temporary data directory as `npm start` publishes it, with the CLI on it. */
export interface CliFixture {
  dataDir: string;
  /** `apsync <argv>` in-process against the published stack: exit code and output. */
  cli(argv: readonly string[]): Promise<CliRun>;
  /** Unpublishes and removes the data directory (the stack itself is the caller's to stop). */
  close(): Promise<void>;
}

/** Publishes `stack` (no demo, no schedules, retries without delay) for tests that drive the CLI. */
export async function publishForCli(stack: LocalStack, dirPrefix: string): Promise<CliFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), dirPrefix));
  const published = await publishLocalStack(stack, {
    dataDir,
    ephemeral: false,
    demo: false,
    scheduleRates: {},
    settings: { APSYNC_RETRY_BASE_SECONDS: '0' },
  });
  return {
    dataDir,
    cli: (argv) => runCliCaptured(['--data-dir', dataDir, ...argv], { cwd: dataDir }),
    close: async () => {
      await published.unpublish();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
