// NetSuite's concurrency governance: one account-wide limit on requests in flight (optionally a share
// reserved for the integration), a 429 CONCURRENCY_LIMIT_EXCEEDED for any request arriving at the
// limit, the counters tests and benchmarks read, and the request log. Used by the sandbox router.

export interface SandboxRequestLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** HTTP status sent; 0 when no answer was sent (dropped or held by a fault, or aborted). */
  status: number;
  startedAt: string;
  durationMs: number;
  /** Requests in flight when this one was admitted (itself included); for a rejected one, those it met. */
  inFlightAtStart: number;
  /** Integration (client id) whose bearer token the request carried, when valid. */
  clientId?: string;
  /** 'governance' for a concurrency 429 by the limit; the fault outcome when a fault answered. */
  rejectedBy?: 'governance' | 'integration-limit';
  fault?: 'latency' | '429' | '500' | 'timeout' | 'drop';
  error?: string;
}

export interface SandboxStats {
  /** Highest number of NetSuite requests in flight at once. */
  maxInFlight: number;
  inFlight: number;
  /** 429s sent by the governance (account or integration limit); never counts injected faults. */
  rejected429: number;
  governance429: number;
  /** 429s injected by the fault plan. */
  injected429: number;
  injected500: number;
  /** NetSuite requests received (token endpoint included, admin API excluded). */
  requests: number;
  noticesDelivered: number;
  noticesFailed: number;
}

export interface GovernanceLimits {
  accountConcurrencyLimit: number;
  accountUnallocatedConcurrencyLimit: number;
  integrationConcurrencyLimit: number;
  integrationLimitType: 'integrationSpecific' | 'accountLimit';
}

const LOG_CAPACITY = 100_000;

export class Governance {
  limit: number;
  /** Concurrency reserved for the integration (every registered client), or null for none. */
  integrationLimit: number | null = null;
  inFlight = 0;
  private perClient = new Map<string, number>();
  maxInFlight = 0;
  requests = 0;
  governance429 = 0;
  injected429 = 0;
  injected500 = 0;
  private log: SandboxRequestLogEntry[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Counts a new request in; false when the account is already at its limit (answer 429). */
  admit(): boolean {
    this.requests += 1;
    if (this.inFlight >= this.limit) {
      this.governance429 += 1;
      return false;
    }
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return true;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** The integration's own share, when one is reserved; false means 429. */
  admitClient(clientId: string): boolean {
    const current = this.perClient.get(clientId) ?? 0;
    if (this.integrationLimit !== null && current >= this.integrationLimit) {
      this.governance429 += 1;
      return false;
    }
    this.perClient.set(clientId, current + 1);
    return true;
  }

  releaseClient(clientId: string): void {
    const current = this.perClient.get(clientId) ?? 0;
    if (current <= 1) this.perClient.delete(clientId);
    else this.perClient.set(clientId, current - 1);
  }

  limits(): GovernanceLimits {
    if (this.integrationLimit === null) {
      return {
        accountConcurrencyLimit: this.limit,
        accountUnallocatedConcurrencyLimit: this.limit,
        integrationConcurrencyLimit: this.limit,
        integrationLimitType: 'accountLimit',
      };
    }
    return {
      accountConcurrencyLimit: this.limit,
      accountUnallocatedConcurrencyLimit: Math.max(0, this.limit - this.integrationLimit),
      integrationConcurrencyLimit: this.integrationLimit,
      integrationLimitType: 'integrationSpecific',
    };
  }

  record(entry: SandboxRequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_CAPACITY) this.log.splice(0, this.log.length - LOG_CAPACITY);
  }

  entries(): SandboxRequestLogEntry[] {
    return [...this.log];
  }

  clearLog(): void {
    this.log = [];
  }

  /** Counters back to zero (requests still in flight stay counted). */
  resetStats(): void {
    this.maxInFlight = this.inFlight;
    this.requests = 0;
    this.governance429 = 0;
    this.injected429 = 0;
    this.injected500 = 0;
  }
}
