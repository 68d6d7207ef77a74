// What the NetSuite poll remembers between runs to de-duplicate its overlap window: per record type, the
// (id, last-modified) pairs it enqueued that a later run's query may read again (modified at or after
// the watermark minus the overlap). One small item in the state table (ConfigStore), written under the
// poll's lease. Used only by poll-master-data.ts.
import { z } from 'zod';
import type { ConfigStore } from '../state/ports.ts';
import type { MasterRecordType } from './master-record-changes.ts';

/**
 * Pairs kept at most. Beyond it the oldest are forgotten: a forgotten pair read again in the overlap is
 * enqueued a second time, which is harmless (the worker fetches the record and its content hash skips
 * the unchanged write); the cap only keeps the item far below DynamoDB's 400 KB.
 */
export const enqueuedMemoCap = 5000;

// `<wall time>|<id>`: sorts by time as text, so pruning and capping are a sort and a slice.
const storedSchema = z.object({ entries: z.array(z.string()) });

export class EnqueuedMemo {
  private readonly entries: Set<string>;
  private readonly name: string;

  private constructor(name: string, entries: Iterable<string>) {
    this.name = name;
    this.entries = new Set(entries);
  }

  static async load(store: ConfigStore, prefix: string, type: MasterRecordType): Promise<EnqueuedMemo> {
    const name = `${prefix}:enqueued:${type}`;
    const parsed = storedSchema.safeParse(await store.getConfig<unknown>(name));
    // An unreadable memo costs only duplicate (harmless) messages: start empty rather than fail.
    return new EnqueuedMemo(name, parsed.success ? parsed.data.entries : []);
  }

  has(id: string, lastModified: string): boolean {
    return this.entries.has(`${lastModified}|${id}`);
  }

  add(id: string, lastModified: string): void {
    this.entries.add(`${lastModified}|${id}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets pairs modified before `floor` (wall time): no later query starts before it. */
  prune(floor: string): void {
    for (const entry of this.entries) if (entry < floor) this.entries.delete(entry);
  }

  async save(store: ConfigStore): Promise<void> {
    const newest = [...this.entries].sort().slice(-enqueuedMemoCap);
    await store.putConfig(this.name, { entries: newest });
  }
}
