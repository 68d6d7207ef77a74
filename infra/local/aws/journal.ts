// Durable state for the emulators in local mode: a JSON snapshot plus an append-only journal of
// changes since it, both in the data directory. A change is appended (synchronously) before the
// request is answered, so whatever an emulator accepted survives a crash or a restart of the process.
// Used by sqs-store.ts and secrets-manager.ts.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface JournalContents<Entry> {
  snapshot: unknown;
  entries: Entry[];
}

export class Journal<Entry> {
  readonly #snapshotPath: string;
  readonly #journalPath: string;
  #fd: number | undefined;
  #entriesSinceSnapshot = 0;

  /** `dir/<name>.snapshot.json` and `dir/<name>.journal.jsonl`. */
  constructor(dir: string, name: string) {
    mkdirSync(dir, { recursive: true });
    this.#snapshotPath = join(dir, `${name}.snapshot.json`);
    this.#journalPath = join(dir, `${name}.journal.jsonl`);
  }

  /** What was stored: the last snapshot (undefined if none) and the entries appended after it. */
  load(): JournalContents<Entry> {
    const snapshot: unknown = existsSync(this.#snapshotPath)
      ? JSON.parse(readFileSync(this.#snapshotPath, 'utf8'))
      : undefined;
    const entries: Entry[] = [];
    if (existsSync(this.#journalPath)) {
      const lines = readFileSync(this.#journalPath, 'utf8').split('\n');
      for (const [index, line] of lines.entries()) {
        if (line.trim() === '') continue;
        try {
          entries.push(JSON.parse(line) as Entry);
        } catch (error) {
          // Only the last line can be torn (the process died while appending it); it was never acknowledged.
          if (index !== lines.length - 1) throw error;
        }
      }
    }
    this.#entriesSinceSnapshot = entries.length;
    return { snapshot, entries };
  }

  append(entry: Entry): void {
    this.#fd ??= openSync(this.#journalPath, 'a');
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    this.#entriesSinceSnapshot += 1;
  }

  /** Entries appended since the last snapshot; callers compact when it grows large. */
  get pending(): number {
    return this.#entriesSinceSnapshot;
  }

  /** Replaces the snapshot (write + rename, so a crash leaves the old or the new one) and empties the journal. */
  compact(snapshot: unknown): void {
    const temporary = `${this.#snapshotPath}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot));
    renameSync(temporary, this.#snapshotPath);
    // Replaying the old journal over the new snapshot is harmless (every entry sets absolute state),
    // so a crash between the rename and this truncation loses nothing.
    this.close();
    writeFileSync(this.#journalPath, '');
    this.#entriesSinceSnapshot = 0;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
