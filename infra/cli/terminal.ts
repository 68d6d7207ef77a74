// What the CLI writes to and reads from: injectable so tests run the CLI in-process; `processIo` is the
// real terminal. Also the plain-text table every listing uses (wrapped to the terminal, never cut).

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
  /** The terminal's width: tables wrap to it. Undefined when stdout is not a terminal (full lines). */
  columns?: number;
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
    ...terminalColumns(),
  };
}

/** The width of the terminal stdout writes to, or `COLUMNS` when it is not one but says so. */
function terminalColumns(): { columns?: number } {
  const columns = process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? { columns } : {};
}

/**
 * Left-aligned columns separated by two spaces. No cell is ever cut: the message a person acts on is
 * printed whole. Given the terminal's width, the widest columns are wrapped (at spaces, or inside a
 * word longer than the column) so the table fits; a row then takes several lines. Without a width
 * (output to a file or a pipe) every row is one line, however long.
 */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  width?: number,
): string {
  const cells = [headers, ...rows].map((row) => headers.map((_, column) => flat(row[column] ?? '')));
  const natural = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const text = headers.map((_, column) => cells.slice(1).some((row) => row[column]!.includes(' ')));
  const widths = fitWidths(natural, width, text);
  const lines: string[] = [];
  for (const row of cells) {
    const wrapped = row.map((cell, column) => wrap(cell, widths[column]!));
    const height = Math.max(...wrapped.map((cellLines) => cellLines.length));
    for (let line = 0; line < height; line++) {
      lines.push(
        wrapped
          .map((cellLines, column) =>
            column === wrapped.length - 1
              ? (cellLines[line] ?? '')
              : (cellLines[line] ?? '').padEnd(widths[column]!),
          )
          .join('  ')
          .trimEnd(),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const flat = (cell: string): string => cell.replace(/\s+/g, ' ').trim();

/** Narrowest column a wrapped cell is given, whatever the terminal. */
const minimumColumn = 10;
/** Narrowest a text column may become while the others (ids, records, times) are kept whole. */
const minimumTextColumn = 12;

/**
 * Column widths that fit `width`. Text columns (a cell with a space: messages, lists) wrap first, at a
 * common cap, while ids, records and times stay whole to be copied; when even that cannot fit, every
 * column wider than a common cap wraps at it.
 */
function fitWidths(
  natural: readonly number[],
  width: number | undefined,
  text: readonly boolean[],
): number[] {
  const gaps = 2 * (natural.length - 1);
  const total = (cap: number, wraps: (column: number) => boolean) =>
    natural.reduce((sum, w, column) => sum + (wraps(column) ? Math.min(w, cap) : w), gaps);
  if (width === undefined || total(Number.POSITIVE_INFINITY, () => true) <= width) return [...natural];
  const capped = (floor: number, wraps: (column: number) => boolean) => {
    let cap = Math.max(...natural);
    while (cap > floor && total(cap, wraps) > width) cap--;
    return { cap, fits: total(cap, wraps) <= width };
  };
  const textFirst = capped(minimumTextColumn, (column) => text[column] === true);
  if (textFirst.fits) return natural.map((w, column) => (text[column] ? Math.min(w, textFirst.cap) : w));
  const { cap } = capped(minimumColumn, () => true);
  return natural.map((w) => Math.min(w, cap));
}

/** Lines of at most `width` characters, broken at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    while (word.length > width) {
      // A word longer than the column (an id, a URL): its pieces fill the lines.
      const room = line === '' ? width : width - line.length - 1;
      if (room < 8) {
        lines.push(line);
        line = '';
        continue;
      }
      const piece = word.slice(0, room);
      lines.push(line === '' ? piece : `${line} ${piece}`);
      line = '';
      word = word.slice(room);
    }
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

export const orDash = (value: string | number | null | undefined): string =>
  value === undefined || value === null || value === '' ? '-' : String(value);
