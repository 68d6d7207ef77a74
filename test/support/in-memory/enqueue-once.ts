// "Queue this notice unless it was queued before" (shared/ingest/enqueue-once.ts) in memory: keyed on
// the event id, the first call sends and later calls answer `duplicate`; a call while the same event is
// being sent is the transient IN_PROGRESS error the Powertools idempotency adapter throws; a failed
// send is forgotten (the sender's retry sends it), as the adapter deletes its in-progress record.
import { TransientError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { InMemoryQueue } from './queue.ts';

export class InMemoryEnqueueOnce {
  private readonly queue: InMemoryQueue<InboundMessage>;
  private readonly done = new Set<string>();
  private readonly inProgress = new Set<string>();

  constructor(queue: InMemoryQueue<InboundMessage>) {
    this.queue = queue;
  }

  /** The port as acceptRecordEvent takes it (a function). */
  readonly enqueueOnce = async (message: InboundMessage): Promise<{ duplicate: boolean }> => {
    if (this.inProgress.has(message.eventId)) {
      throw new TransientError('the same notice is being queued right now; retry shortly', {
        source: 'idempotency',
        code: 'IN_PROGRESS',
      });
    }
    if (this.done.has(message.eventId)) return { duplicate: true };
    this.inProgress.add(message.eventId);
    try {
      await this.queue.send(message);
      this.done.add(message.eventId);
      return { duplicate: false };
    } finally {
      this.inProgress.delete(message.eventId);
    }
  };
}
