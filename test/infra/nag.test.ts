// cdk-nag (AwsSolutions and Serverless packs) over both stacks with every registry function present:
// no unacknowledged finding, every acknowledgement explained, and none kept after its finding is gone.

import type { PolicyViolation } from 'aws-cdk-lib';
import { type App, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { nagPacks } from '../../infra/cdk/build-app.ts';
import { buildTestApp } from './synthesis.ts';

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

/** Findings as `rule @ construct path`, one per violating resource. */
function findings(app: App): string[] {
  return nagPacks(app).flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((violation: PolicyViolation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`),
      ),
  );
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

let app: App;

beforeAll(() => {
  // The nag packs read the construct tree; bundles are not needed here.
  ({ app } = buildTestApp({ skipBundling: true }));
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in either stack (errors and warnings)', () => {
    expect(findings(app)).toEqual([]);
  });

  it('explains every acknowledgement', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} @ ${ack.path}`).toBeGreaterThanOrEqual(80);
      expect(ack.reason.toLowerCase()).not.toMatch(/\b(todo|tbd|fixme|n\/a)\b/);
    }
  });

  it('acknowledges only findings that exist: each one matches a finding of the same rule on that construct', () => {
    const acks = acknowledgements(app);
    const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
    let unacknowledged: string[];
    try {
      unacknowledged = findings(buildTestApp({ skipBundling: true }).app);
    } finally {
      spy.mockRestore();
    }
    for (const ack of acks) {
      const matching = unacknowledged.filter((finding) => {
        const [rule, path] = finding.split(' @ ');
        return rule === ack.id && (path === ack.path || path!.startsWith(`${ack.path}/`));
      });
      expect(matching.length, `stale acknowledgement ${ack.id} @ ${ack.path}`).toBeGreaterThan(0);
    }
    // And every finding is acknowledged somewhere (the first test, seen from the other side).
    for (const finding of unacknowledged) {
      const [rule, path] = finding.split(' @ ');
      expect(
        acks.some((ack) => ack.id === rule && (path === ack.path || path!.startsWith(`${ack.path}/`))),
        finding,
      ).toBe(true);
    }
  });
});
