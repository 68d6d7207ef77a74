// Outages on demand for the in-memory adapters: a test says which operation fails next (and with what);
// the adapter throws it instead of doing the work, as the real adapter does when DynamoDB, SQS or a
// vendor API is down. Everything else about the adapter stays real.
import { TransientError } from '../../../shared/errors.ts';

export class Faults<Operation extends string = string> {
  private readonly pending = new Map<Operation, unknown[]>();
  private readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  /** The next `times` calls of `operation` throw `error` (by default a transient outage of the source). */
  failNext(operation: Operation, error?: unknown, times = 1): void {
    const queue = this.pending.get(operation) ?? [];
    for (let count = 0; count < times; count += 1) {
      queue.push(
        error ?? new TransientError(`${this.source}: ${operation} unavailable`, { source: this.source }),
      );
    }
    this.pending.set(operation, queue);
  }

  /** Called by the adapter at the start of `operation`: throws the next planned failure, if any. */
  check(operation: Operation): void {
    const queue = this.pending.get(operation);
    if (queue !== undefined && queue.length > 0) throw queue.shift();
  }
}
