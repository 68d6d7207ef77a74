// Keeps this client's in-flight NetSuite requests within its configured share of the account's
// concurrency limit (use the share fully, never exceed it). Every request of
// one client instance, token requests included, takes a permit first; waiters are served in order.
// Called by the request pipeline (transport.ts) and the token provider.

export interface GovernorPermit {
  /** The permitted-concurrency generation the permit was granted in (see `recordOverLimit`). */
  readonly generation: number;
  /** Gives the slot back; calling it twice is harmless. */
  release(): void;
}

export interface GovernorStats {
  /** The configured share. */
  limit: number;
  /** The concurrency currently allowed (below `limit` for a while after a governance 429). */
  permitted: number;
  inFlight: number;
  waiting: number;
  /** Highest number of permits held at once since creation or `resetStats`. */
  maxInFlight: number;
  granted: number;
  overLimitSignals: number;
  /** How many times the permitted concurrency was cut. */
  decreases: number;
}

export interface ConcurrencyGovernorOptions {
  limit: number;
  /**
   * Additive-increase / multiplicative-decrease: a governance 429 (someone else on the account is
   * using part of the limit) halves the permitted concurrency; each run of `permitted` successes
   * gives one slot back, up to `limit`.
   */
  adaptive?: boolean;
}

interface Waiter {
  resolve: (permit: GovernorPermit) => void;
}

export class ConcurrencyGovernor {
  private readonly limit: number;
  private readonly adaptive: boolean;
  private permitted: number;
  private inFlight = 0;
  private waiters: Waiter[] = [];
  private head = 0;
  private generation = 0;
  private successesSinceChange = 0;
  private maxInFlight = 0;
  private granted = 0;
  private overLimitSignals = 0;
  private decreases = 0;

  constructor(options: ConcurrencyGovernorOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`governor limit must be a positive integer, got ${options.limit}`);
    }
    this.limit = options.limit;
    this.permitted = options.limit;
    this.adaptive = options.adaptive ?? true;
  }

  /**
   * Waits for a slot, first come first served. `urgent` waiters (token renewals, which every queued
   * request needs) go to the front of the queue.
   */
  acquire(options: { urgent?: boolean } = {}): Promise<GovernorPermit> {
    if (this.inFlight < this.permitted && this.waiting() === 0) return Promise.resolve(this.grant());
    return new Promise((resolve) => {
      if (options.urgent === true) {
        this.waiters.splice(this.head, 0, { resolve });
      } else {
        this.waiters.push({ resolve });
      }
    });
  }

  /** Runs `task` holding a permit. */
  async run<T>(task: (permit: GovernorPermit) => Promise<T>): Promise<T> {
    const permit = await this.acquire();
    try {
      return await task(permit);
    } finally {
      permit.release();
    }
  }

  /** NetSuite refused a request sent under `permit` for concurrency: cut once per generation. */
  recordOverLimit(permit: GovernorPermit): void {
    this.overLimitSignals++;
    if (!this.adaptive || permit.generation !== this.generation) return;
    this.permitted = Math.max(1, Math.floor(this.permitted / 2));
    this.generation++;
    this.successesSinceChange = 0;
    this.decreases++;
  }

  /** A request finished without a governance refusal: creep back towards the configured share. */
  recordSuccess(): void {
    if (!this.adaptive || this.permitted >= this.limit) return;
    this.successesSinceChange++;
    if (this.successesSinceChange >= this.permitted) {
      this.permitted++;
      this.successesSinceChange = 0;
      this.dispatch();
    }
  }

  stats(): GovernorStats {
    return {
      limit: this.limit,
      permitted: this.permitted,
      inFlight: this.inFlight,
      waiting: this.waiting(),
      maxInFlight: this.maxInFlight,
      granted: this.granted,
      overLimitSignals: this.overLimitSignals,
      decreases: this.decreases,
    };
  }

  resetStats(): void {
    this.maxInFlight = this.inFlight;
    this.granted = 0;
    this.overLimitSignals = 0;
    this.decreases = 0;
  }

  private waiting(): number {
    return this.waiters.length - this.head;
  }

  private grant(): GovernorPermit {
    this.inFlight++;
    this.granted++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    let released = false;
    return {
      generation: this.generation,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.dispatch();
      },
    };
  }

  private dispatch(): void {
    while (this.inFlight < this.permitted && this.waiting() > 0) {
      const waiter = this.waiters[this.head]!;
      this.head++;
      waiter.resolve(this.grant());
    }
    // Compact the queue now and then so a long run does not keep every served waiter alive.
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
