// A sandbox's state on disk (local mode): one JSON file, read once at start, rewritten whole a moment
// after changes and on close. A write goes to a temporary file that is then renamed over the old one,
// so a crash leaves either the previous or the new snapshot, never a torn one. Used by the NetSuite
// and Procurify sandboxes (their index.ts) when started with `dataFile`.
//
// With a `journal` (both sandboxes give one), a change is durable before its answer leaves: the sandbox
// calls commit() just before an HTTP answer is written (http-server.ts `beforeAnswer`), and commit()
// appends the changes since the last commit — whole changed records, plus the id counters and the
// other small parts — as one JSON line to `<path>.journal` with a synchronous write. A SIGKILL then
// loses nothing that was answered: the bytes are in the kernel's page cache, which outlives the
// process. (No fsync: it would protect against a power cut or a kernel crash too, at a few
// milliseconds per write, which local mode does not promise.) The start replays the journal entries
// numbered after the snapshot's `journalSeq`; the snapshot is rewritten whole (and the journal emptied)
// once the journal outgrows it, on close, and on changes only a whole snapshot describes (a reset).
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type * as z from 'zod';

/** A snapshot file that cannot be used: not JSON, another sandbox's, another version, or a bad shape. */
export class SandboxSnapshotError extends Error {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`sandbox snapshot ${path}: ${problem}; move the file away to start that sandbox empty`);
    this.name = 'SandboxSnapshotError';
    this.path = path;
  }
}

export interface SnapshotFileOptions {
  path: string;
  /** Written into the file and checked on read, so one sandbox never loads the other's file. */
  sandbox: 'netsuite' | 'procurify';
  version: number;
  /** The sandbox's state now, as plain JSON-able values. */
  capture: () => unknown;
  /** How long after the first unsaved change the file is rewritten; default 200 ms (without a journal). */
  delayMs?: number;
  /** Makes every commit durable through an append-only journal (see the top of this file). */
  journal?: SnapshotJournal;
}

/** What a sandbox tells its snapshot file about its changes (the journal's entries). */
export interface SnapshotJournal {
  /**
   * The changes since the last take (or forget) as one JSON-able entry; undefined when only a whole
   * snapshot describes them (a reset).
   */
  take(): unknown;
  /** The changes so far are in a whole snapshot being written: start over. */
  forget(): void;
  /** Applies entries (as take gave them, oldest first) to a stored state (as capture gave it). */
  replay(state: unknown, entries: unknown[]): unknown;
}

/** The journal is compacted into the snapshot once it is larger than this and than the snapshot. */
const minimumCompactionBytes = 1024 * 1024;

/** The snapshot file at `path`; none when the sandbox keeps its state in memory only (no data file). */
export function snapshotFileAt(
  path: string | undefined,
  options: Omit<SnapshotFileOptions, 'path'>,
): SnapshotFile | undefined {
  return path === undefined ? undefined : new SnapshotFile({ path, ...options });
}

export class SnapshotFile {
  readonly path: string;
  readonly #options: SnapshotFileOptions;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #closed = false;
  #lastWriteMs = 0;
  /** Journal: the number of the last entry written (the snapshot records the last one it includes). */
  #seq = 0;
  #journalFd: number | undefined;
  #journalBytes = 0;
  #snapshotBytes = 0;
  #snapshotOnDisk = false;
  #immediate: NodeJS.Immediate | undefined;
  /** The last failed background write (retried on the next change and on close). */
  lastError: unknown;

  constructor(options: SnapshotFileOptions) {
    this.#options = options;
    this.path = options.path;
  }

  /** `<path>.journal`: the changes committed since the snapshot, one JSON line each. */
  get journalPath(): string {
    return `${this.path}.journal`;
  }

  /** The stored state, parsed with `schema`; undefined when there is no file yet. */
  read<T>(schema: z.ZodType<T>): T | undefined {
    if (!existsSync(this.path)) {
      // A journal without its snapshot belongs to a snapshot that was moved away: it starts over too.
      if (this.#options.journal !== undefined && existsSync(this.journalPath)) unlinkSync(this.journalPath);
      return undefined;
    }
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new SandboxSnapshotError(this.path, `not valid JSON (${(error as Error).message})`);
    }
    const header = document as {
      sandbox?: unknown;
      version?: unknown;
      state?: unknown;
      journalSeq?: unknown;
    } | null;
    if (typeof header !== 'object' || header === null || Array.isArray(header)) {
      throw new SandboxSnapshotError(this.path, 'not a snapshot object');
    }
    if (header.sandbox !== this.#options.sandbox) {
      throw new SandboxSnapshotError(
        this.path,
        `written by the ${String(header.sandbox)} sandbox, not the ${this.#options.sandbox} sandbox`,
      );
    }
    if (header.version !== this.#options.version) {
      throw new SandboxSnapshotError(
        this.path,
        `version ${String(header.version)}, this sandbox reads version ${this.#options.version}`,
      );
    }
    this.#snapshotOnDisk = true;
    this.#snapshotBytes = statSync(this.path).size;
    // Files written before the journal have no journalSeq: nothing of a journal is in them.
    this.#seq = typeof header.journalSeq === 'number' ? header.journalSeq : 0;
    const state = this.#options.journal === undefined ? header.state : this.#replay(header.state);
    const parsed = schema.safeParse(state);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where =
        issue === undefined || issue.path.length === 0 ? 'state' : `state.${issue.path.join('.')}`;
      throw new SandboxSnapshotError(this.path, `bad contents at ${where}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  /** The journal's entries after the snapshot's, applied to its state. */
  #replay(state: unknown): unknown {
    if (!existsSync(this.journalPath)) return state;
    const text = readFileSync(this.journalPath, 'utf8');
    this.#journalBytes = Buffer.byteLength(text);
    const lines = text.split('\n');
    const entries: unknown[] = [];
    for (const [index, line] of lines.entries()) {
      if (line === '') continue;
      let entry: { seq?: unknown; change?: unknown };
      try {
        entry = JSON.parse(line) as { seq?: unknown; change?: unknown };
      } catch (error) {
        // The last line may be cut short by a crash during its write: it was never answered.
        if (index === lines.length - 1) break;
        throw new SandboxSnapshotError(
          this.journalPath,
          `line ${index + 1} is not valid JSON (${(error as Error).message})`,
        );
      }
      if (typeof entry.seq !== 'number') {
        throw new SandboxSnapshotError(this.journalPath, `line ${index + 1} has no entry number`);
      }
      // Entries up to journalSeq are in the snapshot already (a crash between its write and the
      // journal's truncation leaves them behind).
      if (entry.seq <= this.#seq) continue;
      entries.push(entry.change);
      this.#seq = entry.seq;
    }
    return entries.length === 0 ? state : this.#options.journal!.replay(state, entries);
  }

  /**
   * Makes the changes so far durable now (with a journal): one synchronous append, or a whole snapshot
   * when there is none on disk yet, the journal has outgrown it, or only a whole one describes them.
   * Called before every HTTP answer leaves; throws when the write fails (the answer must not leave).
   */
  commit(): void {
    if (!this.#dirty || this.#closed) return;
    const journal = this.#options.journal;
    if (journal === undefined) {
      this.write();
      return;
    }
    if (!this.#snapshotOnDisk) {
      this.write();
      return;
    }
    const change = journal.take();
    if (change === undefined) {
      this.write();
      return;
    }
    this.#dirty = false;
    const line = Buffer.from(`${JSON.stringify({ seq: this.#seq + 1, change })}\n`);
    try {
      this.#journalFd ??= openSync(this.journalPath, 'a');
      let written = 0;
      while (written < line.length) written += writeSync(this.#journalFd, line, written);
    } catch (error) {
      // Part of the line may be on disk: a whole snapshot (next commit) supersedes it.
      this.#dirty = true;
      this.#snapshotOnDisk = false;
      this.lastError = error;
      throw error;
    }
    this.#seq += 1;
    this.#journalBytes += line.length;
    if (this.#journalBytes > Math.max(minimumCompactionBytes, this.#snapshotBytes)) this.write();
  }

  /** Something changed: the file is rewritten `delayMs` later (changes in between share the write). */
  changed(): void {
    if (this.#closed) return;
    this.#dirty = true;
    if (this.#options.journal !== undefined) {
      // Changes made outside an HTTP request (direct calls in the process) are committed right after.
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        try {
          this.commit();
        } catch {
          // lastError is set; the next commit or close() tries again.
        }
      }).unref();
      return;
    }
    if (this.#timer !== undefined) return;
    // A large account takes a while to write: waiting ten times as long keeps writes a small share of the
    // time while a bulk seed or a benchmark changes records without pause.
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        try {
          this.flush();
        } catch (error) {
          // A background write must not bring the process down; close() writes (and throws) again.
          this.lastError = error;
          this.#dirty = true;
        }
      },
      Math.max(this.#options.delayMs ?? 200, this.#lastWriteMs * 10),
    );
    this.#timer.unref();
  }

  /** Writes the current state now if anything changed since the last write. */
  flush(): void {
    if (!this.#dirty) return;
    this.write();
  }

  /** Writes the current state now, whatever changed. */
  write(): void {
    const started = performance.now();
    this.#dirty = false;
    this.#options.journal?.forget();
    const document = {
      sandbox: this.#options.sandbox,
      version: this.#options.version,
      savedAt: new Date().toISOString(),
      // The journal entries this snapshot includes (the start replays only later ones).
      journalSeq: this.#seq,
      state: this.#options.capture(),
    };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp`;
    const text = JSON.stringify(document);
    writeFileSync(temporary, text);
    renameSync(temporary, this.path);
    this.#snapshotOnDisk = true;
    this.#snapshotBytes = Buffer.byteLength(text);
    if (this.#journalFd !== undefined) ftruncateSync(this.#journalFd, 0);
    else if (this.#journalBytes > 0) writeFileSync(this.journalPath, '');
    this.#journalBytes = 0;
    this.lastError = undefined;
    this.#lastWriteMs = performance.now() - started;
  }

  /**
   * The final write: after any change, and always over an existing file (direct writes to a store's
   * records may not have announced themselves). A sandbox that never changed leaves no file behind, so
   * a start that failed elsewhere does not make the next start look like a restart.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    try {
      if (this.#dirty || existsSync(this.path)) this.write();
    } finally {
      if (this.#journalFd !== undefined) closeSync(this.#journalFd);
      this.#journalFd = undefined;
    }
    // Everything is in the snapshot now.
    if (this.#journalBytes === 0 && existsSync(this.journalPath)) unlinkSync(this.journalPath);
  }
}
