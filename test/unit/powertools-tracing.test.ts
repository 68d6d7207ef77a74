// Unit test of the wrapper with tracing on but no X-Ray around (shared/lambda/powertools-handler.ts):
// as in a Lambda runtime whose function has no active tracing, the Tracer finds no segment and the
// invocation goes on unharmed. Its own file: the Tracer patches Node's HTTP modules when it starts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';

beforeAll(() => {
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
  vi.resetModules();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('withPowertools with tracing on', () => {
  it('creates the Tracer and runs the handler without an X-Ray segment', async () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { tracer, tracingEnabled } = await import('../../shared/observability.ts');
    const { withPowertools } = await import('../../shared/lambda/powertools-handler.ts');
    expect(tracingEnabled).toBe(true);
    expect(tracer?.isTracingEnabled()).toBe(true);

    const handler = withPowertools(async (event: { n: number }) => event.n + 1);
    await expect(handler({ n: 1 }, createLambdaContext('webhook-ingest', 10_000))).resolves.toBe(2);
    const failing = withPowertools(async () => {
      throw new Error('still the handler error');
    });
    await expect(failing({}, createLambdaContext('webhook-ingest', 10_000))).rejects.toThrow(
      'still the handler error',
    );
    warnings.mockRestore();
  });
});
