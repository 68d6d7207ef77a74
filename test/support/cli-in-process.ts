// `apsync <argv>` run in-process (runCli with its output captured) against a published local stack:
// how the integration tests of the CLI, settings, reconcile, the initial load and account settings drive it.
import { runCli } from '../../infra/cli/program.ts';
import type { CliIo } from '../../infra/cli/terminal.ts';

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
