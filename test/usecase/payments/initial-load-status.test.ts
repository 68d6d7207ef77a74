// The initial load's status line (shared/payments/initial-load.ts) over the cursors the loads keep in the
// in-memory state store: a bill phase with a total and bills not approved, the paid-bill load running or the
// last to finish, and a load cursor closed without a finish time (load-cursor.ts closes a running cursor
// superseded by a run with other options that way) shown as done at an unknown time.
import { beforeEach, describe, expect, it } from 'vitest';
import { type BillBackfillCursor, billBackfillConfigName } from '../../../shared/bills/backfill-bills.ts';
import {
  type PaidBillBackfillCursor,
  paidBillBackfillConfigName,
} from '../../../shared/payments/backfill-paid-bills.ts';
import {
  type PaymentBackfillCursor,
  paymentBackfillConfigName,
} from '../../../shared/payments/backfill-payments.ts';
import { initialLoadLine, readInitialLoad } from '../../../shared/payments/initial-load.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

const since = '2026-06-01T00:00:00.000Z';
const startedAt = '2026-07-01T09:00:00.000Z';
let state: InMemoryStateStore;

const zero = { processed: 0, total: 0 };
function loadCursor(status: 'running' | 'done', processed: number, total: number, finishedAt?: string) {
  return {
    status,
    since,
    history: false,
    phase: 'recent' as const,
    progress: { recent: { processed, total }, history: zero },
    startedAt,
    ...(finishedAt === undefined ? {} : { finishedAt }),
  };
}
const billCursor = (status: 'running' | 'done', finishedAt?: string): BillBackfillCursor => ({
  status,
  since,
  history: false,
  phase: 'recent',
  counts: {
    recent: { scanned: 40, total: 50, queued: 30, alreadyLinked: 7, notApproved: 3 },
    history: { scanned: 0, total: 0, queued: 0, alreadyLinked: 0, notApproved: 0 },
  },
  startedAt,
  ...(finishedAt === undefined ? {} : { finishedAt }),
});

beforeEach(() => {
  state = new InMemoryStateStore();
});

describe('initial load status', () => {
  it('a running bill phase shows its total and the bills not approved', async () => {
    await state.putConfig(billBackfillConfigName, billCursor('running'));
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      'initial load: running (bills (recent), 40 of 50: 30 queued, 7 already linked, 3 not approved)',
    );
  });

  it('the paid-bill load running is the phase shown; once done, the last to finish is', async () => {
    await state.putConfig(billBackfillConfigName, billCursor('done', '2026-07-01T10:00:00.000Z'));
    await state.putConfig(paidBillBackfillConfigName, {
      ...loadCursor('running', 4, 9),
      counts: {},
    } as unknown as PaidBillBackfillCursor);
    expect(await readInitialLoad(state)).toEqual({
      state: 'running',
      phase: 'paid bills (recent)',
      processed: 4,
      total: 9,
      startedAt,
    });
    await state.putConfig(paidBillBackfillConfigName, {
      ...loadCursor('done', 9, 9, '2026-07-01T11:00:00.000Z'),
      counts: {},
    } as unknown as PaidBillBackfillCursor);
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      'initial load: done at 2026-07-01T11:00:00.000Z (last phase: paid bills (recent))',
    );
  });

  it('a load closed without a finish time is done at an unknown time, and never taken for the latest', async () => {
    await state.putConfig(paymentBackfillConfigName, {
      ...loadCursor('done', 2, 5),
      counts: {},
    } as unknown as PaymentBackfillCursor);
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      'initial load: done at ? (last phase: payments (recent))',
    );
    await state.putConfig(billBackfillConfigName, billCursor('done', '2026-07-01T10:00:00.000Z'));
    expect(await readInitialLoad(state)).toMatchObject({
      state: 'done',
      phase: 'bills (recent)',
      finishedAt: '2026-07-01T10:00:00.000Z',
    });
  });

  it('whichever phase comes first, the one closed without a finish time is not the latest', async () => {
    await state.putConfig(billBackfillConfigName, billCursor('done'));
    await state.putConfig(paidBillBackfillConfigName, {
      ...loadCursor('done', 9, 9, '2026-07-01T11:00:00.000Z'),
      counts: {},
    } as unknown as PaidBillBackfillCursor);
    expect(initialLoadLine(await readInitialLoad(state))).toBe(
      'initial load: done at 2026-07-01T11:00:00.000Z (last phase: paid bills (recent))',
    );
  });
});
