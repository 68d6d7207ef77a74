// Latency and fault injection shared by the NetSuite and Procurify sandboxes: per-endpoint rules,
// changed at run time through each sandbox's admin API, drawn from a seeded random source so a
// test run can be repeated exactly.
import * as z from 'zod';

export const latencySchema = z
  .object({
    /** Fixed part of every answer's delay. */
    baseMs: z.number().min(0).default(0),
    /** Extra delay drawn uniformly from [0, jitterMs). */
    jitterMs: z.number().min(0).default(0),
    /** Share of answers that take `tailMs` more (a heavy tail, for p99 studies). */
    tailRate: z.number().min(0).max(1).default(0),
    tailMs: z.number().min(0).default(0),
  })
  .strict();

export const endpointFaultsSchema = z
  .object({
    latency: latencySchema.optional(),
    /** Rates in [0, 1] of each fault; at most one fault per request, checked in this order. */
    rate429: z.number().min(0).max(1).default(0),
    rate500: z.number().min(0).max(1).default(0),
    /** The request is held and never answered (until the client gives up or the sandbox closes). */
    rateTimeout: z.number().min(0).max(1).default(0),
    /** The connection is destroyed without an answer. */
    rateDrop: z.number().min(0).max(1).default(0),
  })
  .strict();

/**
 * Rules keyed by `"*"` (every request), `"METHOD /path/prefix"` or `"/path/prefix"`. The most specific
 * matching key wins (longest prefix; a key with a method beats one without).
 */
export const faultRulesSchema = z.record(z.string(), endpointFaultsSchema);

export type Latency = z.infer<typeof latencySchema>;
export type EndpointFaults = z.infer<typeof endpointFaultsSchema>;
export type FaultRulesInput = z.input<typeof faultRulesSchema>;

export type FaultOutcome = 'none' | '429' | '500' | 'timeout' | 'drop';

export interface FaultDecision {
  delayMs: number;
  outcome: FaultOutcome;
}

/** mulberry32: a small, fast, seedable PRNG (deterministic runs for tests and benchmarks). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultPlan {
  private rules = new Map<string, EndpointFaults>();
  private random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  /** Replaces every rule (validated; throws a ZodError naming the bad field). */
  replace(rules: FaultRulesInput): void {
    const parsed = faultRulesSchema.parse(rules);
    this.rules = new Map(Object.entries(parsed));
  }

  /** Adds or replaces one rule. */
  set(key: string, faults: z.input<typeof endpointFaultsSchema>): void {
    this.rules.set(key, endpointFaultsSchema.parse(faults));
  }

  clear(): void {
    this.rules.clear();
  }

  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  snapshot(): Record<string, EndpointFaults> {
    return Object.fromEntries(this.rules);
  }

  /** The rule that applies to a request, if any. */
  ruleFor(method: string, path: string): EndpointFaults | undefined {
    let best: { score: number; rule: EndpointFaults } | undefined;
    for (const [key, rule] of this.rules) {
      const score = matchScore(key, method.toUpperCase(), path);
      if (score >= 0 && (best === undefined || score > best.score)) best = { score, rule };
    }
    return best?.rule;
  }

  decide(method: string, path: string): FaultDecision {
    const rule = this.ruleFor(method, path);
    if (rule === undefined) return { delayMs: 0, outcome: 'none' };
    const latency = rule.latency;
    let delayMs = 0;
    if (latency !== undefined) {
      delayMs = latency.baseMs + this.random() * latency.jitterMs;
      if (latency.tailRate > 0 && this.random() < latency.tailRate) delayMs += latency.tailMs;
    }
    const draw = this.random();
    let threshold = 0;
    const outcomes: Array<[FaultOutcome, number]> = [
      ['429', rule.rate429],
      ['500', rule.rate500],
      ['timeout', rule.rateTimeout],
      ['drop', rule.rateDrop],
    ];
    for (const [outcome, rate] of outcomes) {
      threshold += rate;
      if (draw < threshold) return { delayMs, outcome };
    }
    return { delayMs, outcome: 'none' };
  }
}

function matchScore(key: string, method: string, path: string): number {
  if (key === '*') return 0;
  const space = key.indexOf(' ');
  const keyMethod = space > 0 ? key.slice(0, space).toUpperCase() : undefined;
  const keyPath = space > 0 ? key.slice(space + 1) : key;
  if (keyMethod !== undefined && keyMethod !== method) return -1;
  if (!path.startsWith(keyPath)) return -1;
  return keyPath.length * 2 + (keyMethod === undefined ? 0 : 1);
}
