// What the Procurify poll remembers between runs to de-duplicate its overlap window: per flow (bills,
// payments), the (id, modification time) pairs it enqueued that a later run may read again (modified at
// or after the watermark minus the overlap). One small item in the state table (ConfigStore), written
// under the poll's lease. Used only by poll-procurify.ts.
import { z } from 'zod';
import type { ConfigStore } from '../state/ports.ts';

/**
 * Pairs kept at most. Beyond it the oldest are forgotten: a forgotten pair read again is enqueued a
 * second time, which is harmless (the workers read the record and skip unchanged writes); the cap keeps
 * the item far below DynamoDB's 400 KB.
 */
export const enqueuedVersionsCap = 4000;

// `<ISO time>|<id>|<time as Procurify wrote it>`: sorts by time as text, so pruning is a comparison.
const storedSchema = z.object({ entries: z.array(z.string()) });

export class EnqueuedVersions {
  private readonly entries: Set<string>;
  private readonly name: string;

  private constructor(name: string, entries: Iterable<string>) {
    this.name = name;
    this.entries = new Set(entries);
  }

  static async load(store: ConfigStore, name: string): Promise<EnqueuedVersions> {
    const parsed = storedSchema.safeParse(await store.getConfig<unknown>(name));
    // An unreadable memo costs only duplicate (harmless) messages: start empty rather than fail.
    return new EnqueuedVersions(name, parsed.success ? parsed.data.entries : []);
  }

  private static key(id: string, time: string): string {
    return `${new Date(time).toISOString()}|${id}|${time}`;
  }

  has(id: string, time: string): boolean {
    return this.entries.has(EnqueuedVersions.key(id, time));
  }

  add(id: string, time: string): void {
    this.entries.add(EnqueuedVersions.key(id, time));
  }

  /** Forgets pairs modified before `floor` (ISO): no later read starts before it. */
  prune(floor: string): void {
    for (const entry of this.entries) if (entry < floor) this.entries.delete(entry);
  }

  async save(store: ConfigStore): Promise<void> {
    const newest = [...this.entries].sort().slice(-enqueuedVersionsCap);
    await store.putConfig(this.name, { entries: newest });
  }
}
