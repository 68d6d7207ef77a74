// What the CLI writes to and reads from: injectable so tests run the CLI in-process; `processIo` is the
// real terminal. Also the plain-text table every listing uses.

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole of standard input (secrets are read from it when no file is given). */
  readStdin(): Promise<string>;
  stdinIsTTY: boolean;
  /** Progress bars are drawn only on a terminal. */
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Left-aligned columns separated by two spaces; cells cut at `maxWidth` characters. */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  maxWidth = 60,
): string {
  const cut = (cell: string) => {
    const flat = cell.replace(/\s+/g, ' ');
    return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
  };
  const cells = [headers.map(cut), ...rows.map((row) => row.map(cut))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return `${cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export const orDash = (value: string | number | null | undefined): string =>
  value === undefined || value === null || value === '' ? '-' : String(value);
