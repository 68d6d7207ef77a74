// What a poll remembers between runs to de-duplicate its overlap window: per flow, the (id, modification
// time) pairs it enqueued that a later run may read again (modified at or after the watermark minus the
// overlap). One small item in the state table (ConfigStore), written under the poll's lease. Used by the
// watermarked poll runner (watermarked-poll.ts) for both polls.
import * as z from 'zod';
import type { ConfigStore } from '../state/ports.ts';

/** How a poll writes a version: its entry starts with the time in watermark form, so it sorts by time. */
export type VersionEntry = (id: string, time: string) => string;

// Entries sort by time as text, so pruning and capping are a comparison, a sort and a slice.
const storedSchema = z.object({ entries: z.array(z.string()) });

export class EnqueuedVersions {
  private readonly entries: Set<string>;
  private readonly name: string;
  private readonly entry: VersionEntry;
  private readonly cap: number;

  private constructor(name: string, entry: VersionEntry, cap: number, entries: Iterable<string>) {
    this.name = name;
    this.entry = entry;
    this.cap = cap;
    this.entries = new Set(entries);
  }

  /**
   * `cap`: pairs kept at most. Beyond it the oldest are forgotten: a forgotten pair read again is
   * enqueued a second time, which is harmless (the workers read the record and skip unchanged writes);
   * the cap keeps the item far below DynamoDB's 400 KB.
   */
  static async load(
    store: ConfigStore,
    name: string,
    entry: VersionEntry,
    cap: number,
  ): Promise<EnqueuedVersions> {
    const parsed = storedSchema.safeParse(await store.getConfig<unknown>(name));
    // An unreadable memo costs only duplicate (harmless) messages: start empty rather than fail.
    return new EnqueuedVersions(name, entry, cap, parsed.success ? parsed.data.entries : []);
  }

  has(id: string, time: string): boolean {
    return this.entries.has(this.entry(id, time));
  }

  add(id: string, time: string): void {
    this.entries.add(this.entry(id, time));
  }

  /** Forgets pairs modified before `floor` (watermark form): no later read starts before it. */
  prune(floor: string): void {
    for (const entry of this.entries) if (entry < floor) this.entries.delete(entry);
  }

  async save(store: ConfigStore): Promise<void> {
    const newest = [...this.entries].sort().slice(-this.cap);
    await store.putConfig(this.name, { entries: newest });
  }
}
