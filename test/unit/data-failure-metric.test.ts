// Unit tests of the data-failure counter: review/failed outcomes and data errors count, transient errors do not.
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DataError, TransientError } from '../../shared/errors.ts';
import { countingDataFailures, syncRecord } from '../../shared/lambda/data-failure-metric.ts';
import { logger, metrics } from '../../shared/observability.ts';

let added: MockInstance<typeof metrics.addMetric>;
const stored = (): string[] => added.mock.calls.map(([name]) => name);

beforeEach(() => {
  added = vi.spyOn(metrics, 'addMetric');
});
afterEach(() => {
  added.mockRestore();
  metrics.clearMetrics();
});

describe('countingDataFailures', () => {
  it('counts an outcome in review or failed on its kind, and passes it on', async () => {
    const outcome = await countingDataFailures('billsParked', async () => ({ status: 'review' as const }));
    expect(outcome.status).toBe('review');
    expect(stored()).toEqual(['BillsParked']);
  });

  it('does not count a synced record', async () => {
    await countingDataFailures('paymentsFailed', async () => ({ status: 'synced' as const }));
    expect(stored()).toEqual([]);
  });

  it('counts a data error and rethrows it; a transient error is not counted', async () => {
    await expect(
      countingDataFailures('paymentsFailed', () => Promise.reject(new DataError('Bill not synced'))),
    ).rejects.toThrow('Bill not synced');
    expect(stored()).toEqual(['PaymentsFailed']);
    added.mockClear();
    await expect(
      countingDataFailures('paymentsFailed', () => Promise.reject(new TransientError('503'))),
    ).rejects.toThrow('503');
    expect(stored()).toEqual([]);
  });
});

describe('syncRecord', () => {
  it('counts the record like countingDataFailures and logs its facts, status and details once', async () => {
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      const outcome = await syncRecord(
        'billsParked',
        async () => ({ status: 'review' as const, netsuiteId: undefined, waitingFor: ['vendor'] }),
        {
          message: 'bill processed',
          facts: { billUuid: 'b-1' },
          details: (done) => ({ waitingFor: done.waitingFor }),
        },
      );
      expect(outcome.status).toBe('review');
      expect(stored()).toEqual(['BillsParked']);
      expect(info.mock.calls).toEqual([
        ['bill processed', { billUuid: 'b-1', status: 'review', waitingFor: ['vendor'] }],
      ]);
    } finally {
      info.mockRestore();
    }
  });
});
