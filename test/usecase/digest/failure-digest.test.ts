// Unit tests of the failure digest's content (a pure function) and of openSince (the audit trail's
// current failure episode): grouping by kind, new versus open, first messages, the oldest open failure,
// reconcile discrepancies, and nothing when there is nothing new.
import { describe, expect, it } from 'vitest';
import {
  composeFailureDigest,
  dataFailureKindOf,
  digestMessagesPerKind,
} from '../../../shared/digest/failure-digest.ts';
import { openSince } from '../../../shared/digest/send-failure-digest.ts';
import type { StoredReconcileSummary } from '../../../shared/reconcile/ports.ts';
import type { RecordKind, RecordState, SyncStatus } from '../../../shared/state/model.ts';

const state = (
  kind: RecordKind,
  id: string,
  updatedAt: string,
  message: string,
  status: SyncStatus = 'review',
  waitingFor?: string[],
): RecordState => ({
  ref: { system: kind === 'bill' || kind === 'payment' ? 'procurify' : 'netsuite', kind, id },
  status,
  message,
  updatedAt,
  ...(waitingFor === undefined ? {} : { waitingFor }),
});

const reconcileReport = (finishedAt: string, open: number): StoredReconcileSummary => ({
  reconciledAsOf: finishedAt,
  finishedAt,
  areas: ['vendor', 'bill'],
  fix: false,
  checked: { vendor: 10, bill: 5 },
  counts: { bill: { 'edited-in-netsuite': open } },
  totals: { discrepancies: open, repaired: 0, needsFix: 0, failed: 0, open },
  discrepancies: [],
  omitted: 0,
});

describe('dataFailureKindOf', () => {
  it('sorts open records into the four data-failure kinds', () => {
    expect(dataFailureKindOf(state('payment', '7', 't', 'Bill not synced', 'failed'))).toBe('paymentsFailed');
    expect(dataFailureKindOf(state('bill', 'b1', 't', 'no GL mapping'))).toBe('billsParked');
    expect(dataFailureKindOf(state('bill', 'b2', 't', 'refused', 'review', ['mark-paid']))).toBe(
      'marksFailed',
    );
    expect(dataFailureKindOf(state('vendor', '12', 't', 'ambiguous name'))).toBe('recordsInReview');
    expect(dataFailureKindOf(state('department', '3', 't', 'two locations'))).toBe('recordsInReview');
  });
});

describe('composeFailureDigest', () => {
  const since = '2026-12-01T06:00:00.000Z';
  const now = '2026-12-02T06:00:00.000Z';

  it('is nothing when nothing is open and reconcile found nothing', () => {
    expect(composeFailureDigest({ since, now, open: [], lastReconcile: undefined })).toBeUndefined();
    expect(
      composeFailureDigest({
        since,
        now,
        open: [],
        lastReconcile: reconcileReport('2026-12-01T07:00:00Z', 0),
      }),
    ).toBeUndefined();
  });

  it('is nothing when every open failure was already reported and reconcile has not run since', () => {
    const open = [state('vendor', '12', '2026-11-30T10:00:00.000Z', 'ambiguous name')];
    expect(
      composeFailureDigest({ since, now, open, lastReconcile: reconcileReport('2026-11-30T07:00:00Z', 3) }),
    ).toBeUndefined();
  });

  it('groups new failures by kind with counts and the first messages, oldest first', () => {
    const open = [
      state('payment', '7', '2026-12-01T09:00:00.000Z', 'Bill not synced', 'failed'),
      state('bill', 'b1', '2026-12-01T08:00:00.000Z', 'GL account 6100 has no account code in Procurify'),
      state('bill', 'b2', '2026-12-01T12:00:00.000Z', 'Procurify refused mark-as-paid: locked', 'review', [
        'mark-paid',
      ]),
      state('vendor', '12', '2026-11-20T10:00:00.000Z', 'two Procurify vendors are named Acme'),
      state('vendor', '13', '2026-12-01T10:00:00.000Z', 'vendor 13 is inactive'),
    ];
    const digest = composeFailureDigest({
      since,
      now,
      open,
      oldestOpenSince: '2026-11-19T08:00:00.000Z',
      lastReconcile: undefined,
    })!;
    expect(digest.newCount).toBe(4);
    expect(digest.openCount).toBe(5);
    expect(digest.groups.map((g) => [g.kind, g.newCount, g.openCount])).toEqual([
      ['paymentsFailed', 1, 1],
      ['billsParked', 1, 1],
      ['marksFailed', 1, 1],
      ['recordsInReview', 1, 2],
    ]);
    expect(digest.groups[3]!.first).toEqual([
      {
        record: 'vendor:13',
        status: 'review',
        message: 'vendor 13 is inactive',
        at: '2026-12-01T10:00:00.000Z',
      },
    ]);
    expect(digest.oldest).toEqual({
      record: 'vendor:12',
      since: '2026-11-19T08:00:00.000Z',
      message: 'two Procurify vendors are named Acme',
    });
    expect(digest.text).toContain('Payments failed: 1 new, 1 open');
    expect(digest.text).toContain('  - payment:7 (failed, 2026-12-01T09:00:00.000Z): Bill not synced');
    expect(digest.text).toContain('vendor 13 is inactive');
    expect(digest.text).toContain('Oldest open failure: vendor:12, open since 2026-11-19T08:00:00.000Z');
    expect(digest.text).toContain('apsync review list');
    expect(digest.subject).toBe(
      'apsync apsync failures: 1 payments failed, 1 bills parked, 1 marks failed, 1 records in review',
    );
    expect(digest.subject.length).toBeLessThanOrEqual(100);
  });

  it('shows the first messages of a kind and counts the rest', () => {
    const open = Array.from({ length: digestMessagesPerKind + 3 }, (_, i) =>
      state('bill', `b${i}`, `2026-12-01T1${i}:00:00.000Z`, `message ${i}`),
    );
    const digest = composeFailureDigest({ since: undefined, now, open, lastReconcile: undefined }, 'acme')!;
    expect(digest.groups[0]!.first.map((f) => f.message)).toEqual(
      Array.from({ length: digestMessagesPerKind }, (_, i) => `message ${i}`),
    );
    expect(digest.text).toContain('… and 3 more');
    expect(digest.text).toContain('8 new failure(s) so far');
    expect(digest.subject).toBe('apsync acme failures: 8 bills parked');
  });

  it('reports open reconcile discrepancies of a run finished since the last digest, even with no new failure', () => {
    const digest = composeFailureDigest({
      since,
      now,
      open: [],
      lastReconcile: reconcileReport('2026-12-01T07:00:00.000Z', 2),
    })!;
    expect(digest.reconcileOpen).toBe(2);
    expect(digest.groups).toEqual([]);
    expect(digest.text).toContain('2 open discrepancies of 2');
    expect(digest.text).toContain('  - bill: edited-in-netsuite 2');
    expect(digest.subject).toBe('apsync apsync failures: 2 discrepancies');
  });

  it('lists only the reconcile areas that counted something (the stored summary is not validated)', () => {
    const report = reconcileReport('2026-12-01T07:00:00.000Z', 3);
    const digest = composeFailureDigest({
      since,
      now,
      open: [],
      lastReconcile: {
        ...report,
        counts: {
          vendor: undefined,
          account: {},
          bill: { 'edited-in-netsuite': 2, 'missing-in-netsuite': 1 },
        },
      },
    })!;
    const areaLines = digest.text.split('\n').filter((line) => line.startsWith('  - '));
    expect(areaLines).toEqual(['  - bill: edited-in-netsuite 2, missing-in-netsuite 1']);
  });
});

describe('openSince', () => {
  it('is when the current failure began: the first review or failure after the last write', () => {
    expect(
      openSince([
        { at: '2026-11-01T00:00:00Z', step: 'failed' },
        { at: '2026-11-02T00:00:00Z', step: 'written' },
        { at: '2026-11-03T00:00:00Z', step: 'review' },
        { at: '2026-11-04T00:00:00Z', step: 'replayed' },
        { at: '2026-11-05T00:00:00Z', step: 'review' },
      ]),
    ).toBe('2026-11-03T00:00:00Z');
    expect(openSince([{ at: '2026-11-02T00:00:00Z', step: 'written' }])).toBeUndefined();
  });
});
