// What the contract check lets through, and nothing else: the known defects of the vendors' own API
// descriptions (infra/contracts/known-spec-defects.json, each with its reason), and requests a test
// sends wrong on purpose to see a sandbox refuse them (refusedOnPurpose, valid for the current test
// only and only for answers the test expects). Used by setup.ts; tests call refusedOnPurpose.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vendor, Violation } from './checker.ts';

export interface KnownSpecDefect {
  vendor: Vendor;
  /** `METHOD template`; `*` stands for one path segment (e.g. every record type). */
  operation: string;
  direction: Violation['direction'];
  kind: Violation['kind'];
  /** The finding's `at`; `*` stands for one path segment (an array index, a field name). */
  at: string;
  /** Only findings of this schema keyword (e.g. `type`), so the rest of the place is still checked. */
  keyword?: string;
  reason: string;
}

const defectsFile = join(import.meta.dirname, '../../../infra/contracts/known-spec-defects.json');

export function loadKnownSpecDefects(): KnownSpecDefect[] {
  const file = JSON.parse(readFileSync(defectsFile, 'utf8')) as { entries: KnownSpecDefect[] };
  for (const entry of file.entries) {
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 20)
      throw new Error(`known-spec-defects.json: the entry for ${entry.operation} ${entry.at} needs a reason`);
  }
  return file.entries;
}

function glob(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`);
}

export class KnownDefects {
  private readonly entries: Array<KnownSpecDefect & { matcher: RegExp; operationMatcher: RegExp }>;
  /** Matches per entry (index into entries). */
  readonly hits: number[];

  constructor(entries: KnownSpecDefect[] = loadKnownSpecDefects()) {
    this.entries = entries.map((entry) => ({
      ...entry,
      matcher: glob(entry.at),
      operationMatcher: glob(entry.operation),
    }));
    this.hits = entries.map(() => 0);
  }

  /** Whether the finding is a known defect of the vendor's description (counted). */
  covers(violation: Violation): boolean {
    const index = this.entries.findIndex(
      (entry) =>
        entry.vendor === violation.vendor &&
        entry.operationMatcher.test(violation.operation) &&
        entry.direction === violation.direction &&
        entry.kind === violation.kind &&
        (entry.keyword === undefined || entry.keyword === violation.keyword) &&
        entry.matcher.test(violation.at),
    );
    if (index < 0) return false;
    this.hits[index] = (this.hits[index] ?? 0) + 1;
    return true;
  }
}

export interface RefusalRule {
  vendor: Vendor;
  /** `METHOD template` of the operation, or `METHOD path` for a path the vendor does not have. */
  operation: string;
  /** The answers the test expects (default: any 4xx). */
  statuses?: readonly number[];
  /** Why the test sends it. */
  reason: string;
}

let refusals: RefusalRule[] = [];

/**
 * Marks requests the current test sends wrong on purpose, to see the sandbox refuse them: findings of
 * exchanges of this operation answered with one of `statuses` (default 4xx) are not failures. Lasts
 * until the end of the current test.
 */
export function refusedOnPurpose(...rules: RefusalRule[]): void {
  for (const rule of rules)
    if (rule.reason.trim() === '') throw new Error('refusedOnPurpose: say why the request is sent wrong');
  refusals.push(...rules);
}

export function isRefusedOnPurpose(violation: Violation): boolean {
  return refusals.some(
    (rule) =>
      rule.vendor === violation.vendor &&
      rule.operation === violation.operation &&
      (rule.statuses === undefined
        ? violation.status >= 400 && violation.status < 500
        : rule.statuses.includes(violation.status)),
  );
}

export function clearRefusals(): void {
  refusals = [];
}
