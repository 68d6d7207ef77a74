// Unit tests of the Powertools wrapper every function uses (shared/lambda/powertools-handler.ts): log
// lines carry the invocation's context, metrics are flushed only when some were added, results and
// errors pass through unchanged, a slow handler is not cut short, and with tracing off (as in the tests
// and local mode) no Tracer is loaded.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';

// As Lambda sets it for a container started on demand; Powertools reports no cold start without it.
vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
const { withPowertools } = await import('../../shared/lambda/powertools-handler.ts');
const { logger, MetricUnit, metrics, tracer, tracingEnabled } = await import('../../shared/observability.ts');

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

/** The JSON log lines the logger writes while `work` runs (the tests log at ERROR, to stderr). */
async function logLines(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const capture = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    capture.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('withPowertools', () => {
  it('gives every log line the request id, cold start and function name', async () => {
    const handler = withPowertools(async (event: { n: number }) => {
      logger.error('probe', { n: event.n });
      return event.n * 2;
    });
    const first = createLambdaContext('bill-sync-worker', 10_000);
    const second = createLambdaContext('bill-sync-worker', 10_000);
    const lines = await logLines(async () => {
      expect(await handler({ n: 1 }, first)).toBe(2);
      expect(await handler({ n: 2 }, second)).toBe(4);
    });
    const probes = lines.filter((line) => line.message === 'probe');
    expect(probes).toHaveLength(2);
    expect(probes[0]).toMatchObject({
      function_name: 'bill-sync-worker',
      function_request_id: first.awsRequestId,
      cold_start: true,
      n: 1,
    });
    expect(probes[1]).toMatchObject({ function_request_id: second.awsRequestId, cold_start: false, n: 2 });
  });

  it('passes the handler error through unchanged', async () => {
    const failure = new Error('boom');
    const handler = withPowertools(async () => {
      throw failure;
    });
    await expect(handler({}, createLambdaContext('netsuite-poll', 10_000))).rejects.toBe(failure);
  });

  it('flushes the metrics an invocation added, on success and on failure, and stays quiet without any', async () => {
    const publish = vi.spyOn(metrics, 'publishStoredMetrics');
    const quiet = withPowertools(async () => 'no metrics');
    await quiet({}, createLambdaContext('inbound-worker', 10_000));
    expect(publish).not.toHaveBeenCalled();

    const counting = withPowertools(async (event: { fail: boolean }) => {
      metrics.addMetric('ProbeCount', MetricUnit.Count, 1);
      if (event.fail) throw new Error('failed after counting');
    });
    await counting({ fail: false }, createLambdaContext('procurify-poll', 10_000));
    await expect(counting({ fail: true }, createLambdaContext('procurify-poll', 10_000))).rejects.toThrow();
    expect(publish).toHaveBeenCalledTimes(2);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('lets a handler run past the remaining time (local mode and tests do not stop it)', async () => {
    const handler = withPowertools(async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      return 'finished';
    });
    await expect(handler({}, createLambdaContext('payment-push-worker', 10))).resolves.toBe('finished');
  });

  it('loads no Tracer where tracing is off (POWERTOOLS_TRACE_ENABLED=false, no Lambda runtime)', () => {
    expect(process.env.POWERTOOLS_TRACE_ENABLED).toBe('false');
    expect(tracingEnabled).toBe(false);
    expect(tracer).toBeUndefined();
  });
});
