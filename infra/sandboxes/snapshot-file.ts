// A sandbox's state on disk (local mode): one JSON file, read once at start, rewritten whole a moment
// after changes and on close. A write goes to a temporary file that is then renamed over the old one,
// so a crash leaves either the previous or the new snapshot, never a torn one. Used by the NetSuite
// and Procurify sandboxes (their index.ts) when started with `dataFile`.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

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
  /** How long after the first unsaved change the file is rewritten; default 200 ms. */
  delayMs?: number;
}

export class SnapshotFile {
  readonly path: string;
  readonly #options: SnapshotFileOptions;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #closed = false;
  #lastWriteMs = 0;
  /** The last failed background write (retried on the next change and on close). */
  lastError: unknown;

  constructor(options: SnapshotFileOptions) {
    this.#options = options;
    this.path = options.path;
  }

  /** The stored state, parsed with `schema`; undefined when there is no file yet. */
  read<T>(schema: z.ZodType<T>): T | undefined {
    if (!existsSync(this.path)) return undefined;
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new SandboxSnapshotError(this.path, `not valid JSON (${(error as Error).message})`);
    }
    const header = document as { sandbox?: unknown; version?: unknown; state?: unknown } | null;
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
    const parsed = schema.safeParse(header.state);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where =
        issue === undefined || issue.path.length === 0 ? 'state' : `state.${issue.path.join('.')}`;
      throw new SandboxSnapshotError(this.path, `bad contents at ${where}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  /** Something changed: the file is rewritten `delayMs` later (changes in between share the write). */
  changed(): void {
    if (this.#closed) return;
    this.#dirty = true;
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
    const document = {
      sandbox: this.#options.sandbox,
      version: this.#options.version,
      savedAt: new Date().toISOString(),
      state: this.#options.capture(),
    };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, JSON.stringify(document));
    renameSync(temporary, this.path);
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
    if (this.#dirty || existsSync(this.path)) this.write();
  }
}
