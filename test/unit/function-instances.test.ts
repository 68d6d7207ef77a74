// Local mode's function instances (infra/local/function-instances.ts): each in its own worker thread
// with its own module state and environment, started on first use up to the function's concurrency,
// reused, one invocation at a time; errors, timeouts and dead threads fail the invocation as on Lambda.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FunctionInstances,
  type FunctionInstancesOptions,
  startFunctionInstances,
} from '../../infra/local/function-instances.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import type { FixtureEvent } from '../support/function-instances/fixture-entry.ts';
import { waitFor } from '../support/wait.ts';

const entry = fileURLToPath(new URL('../support/function-instances/fixture-entry.ts', import.meta.url));

interface Counted {
  instanceId: string;
  invocations: number;
  fixtureValue?: string;
  serviceName?: string;
  functionName: string;
  requestId: string;
  remainingMs: number;
}

let started: FunctionInstances[] = [];
afterEach(async () => {
  await Promise.all(started.map((instances) => instances.stop()));
  started = [];
});

function start(options: Partial<FunctionInstancesOptions> = {}): FunctionInstances {
  const instances = startFunctionInstances({
    functionName: 'fixture-worker',
    entry,
    environment: { FIXTURE_VALUE: 'own', POWERTOOLS_SERVICE_NAME: 'fixture-worker' },
    maxInstances: 2,
    memoryMb: 128,
    ...options,
  });
  started.push(instances);
  return instances;
}

const invoke = (instances: FunctionInstances, event: FixtureEvent, timeoutMs = 10_000) =>
  instances.invoke(event, createLambdaContext(instances.functionName, timeoutMs));

describe('function instances in worker threads', () => {
  it('starts an instance on first use and reuses it: its module state lives on, in its own environment', async () => {
    const instances = start();
    expect(instances.stats()).toMatchObject({ instances: 0, coldStarts: 0 });
    const context = createLambdaContext('fixture-worker', 10_000);
    const first = (await instances.invoke({ action: 'count' }, context)) as Counted;
    const second = (await invoke(instances, { action: 'count' })) as Counted;
    expect(second.instanceId).toBe(first.instanceId);
    expect([first.invocations, second.invocations]).toEqual([1, 2]);
    expect(first).toMatchObject({
      fixtureValue: 'own',
      serviceName: 'fixture-worker',
      functionName: 'fixture-worker',
      requestId: context.awsRequestId,
    });
    expect(first.remainingMs).toBeGreaterThan(0);
    expect(first.remainingMs).toBeLessThanOrEqual(10_000);
    // The test's own process keeps its environment: the instance's is its own.
    expect(process.env.FIXTURE_VALUE).toBeUndefined();
    const stats = instances.stats();
    expect(stats).toMatchObject({ instances: 1, busy: 0, coldStarts: 1, invocations: 2 });
    expect(stats.initMs).toHaveLength(1);
    expect(stats.cpuMs).toBeGreaterThan(0);
    expect(stats.cpuMs).toBeGreaterThanOrEqual(stats.initCpuMs);
  });

  it('runs concurrent invocations on separate instances, up to the concurrency, then one after another', async () => {
    const instances = start({ maxInstances: 2 });
    const answers = (await Promise.all([
      invoke(instances, { action: 'wait', ms: 300 }),
      invoke(instances, { action: 'wait', ms: 300 }),
      invoke(instances, { action: 'wait', ms: 300 }),
    ])) as Counted[];
    const ids = new Set(answers.map((answer) => answer.instanceId));
    expect(ids.size).toBe(2);
    // The third waited for a free instance: one of the two ran twice, never two at once.
    expect(answers.map((answer) => answer.invocations).sort()).toEqual([1, 1, 2]);
    expect(instances.stats()).toMatchObject({ instances: 2, coldStarts: 2, invocations: 3 });
  });

  it('reports the wall time of the invocations answered and the bytes their threads wrote (what Lambda bills)', async () => {
    const instances = start({ maxInstances: 1 });
    await invoke(instances, { action: 'wait', ms: 200 });
    expect(instances.stats().invocationMs).toBeGreaterThanOrEqual(200);
    const line = 'a log line of the fixture';
    await invoke(instances, { action: 'log', line });
    // The thread's stdout reaches this side after the answer: the line and its newline, counted once.
    await waitFor(
      () => instances.stats().outputBytes >= line.length + 1 || undefined,
      'the line counted',
      5_000,
    );
    expect(instances.stats().outputBytes).toBe(line.length + 1);
  });

  it("sizes an instance's heap from the function's memory, as Lambda's Node.js runtime does", async () => {
    // Lambda's bootstrap gives V8 a tenth of the memory for new space and the rest for old space, so a
    // 128 MB function's heap limit is about 128 MB (V8 adds a little); a worker's defaults (a 192 MB
    // young generation) let a thread go far past its function's memory.
    for (const memoryMb of [128, 512]) {
      const instances = start({ memoryMb });
      const { heapLimitMb } = (await invoke(instances, { action: 'heap' })) as { heapLimitMb: number };
      expect(heapLimitMb).toBeGreaterThanOrEqual(memoryMb);
      expect(heapLimitMb).toBeLessThan(memoryMb * 1.1);
    }
  });

  it("fails the invocation with the handler's error, name and message, and keeps the instance", async () => {
    const instances = start();
    const first = (await invoke(instances, { action: 'count' })) as Counted;
    const failure = await invoke(instances, { action: 'throw' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({ name: 'DataError', message: 'vendor 42 has no subsidiary' });
    expect(String(failure)).toBe('DataError: vendor 42 has no subsidiary');
    const after = (await invoke(instances, { action: 'count' })) as Counted;
    expect(after.instanceId).toBe(first.instanceId);
  });

  it('returns a partial batch response as the handler gave it', async () => {
    const instances = start();
    await expect(invoke(instances, { action: 'batch' })).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'message-2' }],
    });
  });

  it('ends an instance whose invocation outlives the timeout; the next invocation starts cold', async () => {
    const instances = start({ maxInstances: 1 });
    const first = (await invoke(instances, { action: 'count' })) as Counted;
    await expect(invoke(instances, { action: 'hang' }, 300)).rejects.toThrow(
      'fixture-worker: Task timed out after 0.30 seconds',
    );
    const after = (await invoke(instances, { action: 'count' })) as Counted;
    expect(after.instanceId).not.toBe(first.instanceId);
    expect(after.invocations).toBe(1);
    expect(instances.stats()).toMatchObject({ instances: 1, coldStarts: 2 });
  });

  it('fails the invocation whose instance dies of an uncaught error, and replaces the instance', async () => {
    const instances = start({ maxInstances: 1 });
    const first = (await invoke(instances, { action: 'count' })) as Counted;
    await expect(invoke(instances, { action: 'crash' })).rejects.toThrow(
      'fixture-worker: Runtime exited: an uncaught error in a callback',
    );
    const after = (await invoke(instances, { action: 'count' })) as Counted;
    expect(after.instanceId).not.toBe(first.instanceId);
  });

  it('fails the invocation when the init fails, naming the error, and tries again on the next', async () => {
    const instances = start({ environment: { FIXTURE_FAIL_INIT: 'true' } });
    await expect(invoke(instances, { action: 'count' })).rejects.toThrow(
      'the composition root refused its environment',
    );
    await expect(invoke(instances, { action: 'count' })).rejects.toThrow(
      'the composition root refused its environment',
    );
    expect(instances.stats()).toMatchObject({ instances: 0, coldStarts: 2 });
  });

  it('provisions instances ahead of the first invocation', async () => {
    const instances = start({ maxInstances: 2 });
    await instances.provision(5);
    expect(instances.stats()).toMatchObject({ instances: 2, coldStarts: 2, busy: 0 });
    await invoke(instances, { action: 'count' });
    expect(instances.stats().coldStarts).toBe(2);
  });

  it('stops while one invocation runs and another waits: the running one finishes, the waiting one fails', async () => {
    const instances = start({ maxInstances: 1 });
    const settled: string[] = [];
    const running = invoke(instances, { action: 'wait', ms: 300 }).then((answer) => {
      settled.push('running');
      return answer as Counted;
    });
    const waiting = invoke(instances, { action: 'count' }).catch((error: unknown) => {
      settled.push('waiting');
      return error;
    });
    expect(instances.stats()).toMatchObject({ instances: 1, busy: 1 });
    await instances.stop();
    settled.push('stopped');
    expect(await waiting).toMatchObject({
      message: 'function fixture-worker stopped before the invocation started',
    });
    expect(await running).toMatchObject({ invocations: 1 });
    // stop waited for the running invocation; the waiting one never reached an instance.
    expect(settled).toEqual(['waiting', 'running', 'stopped']);
    expect(instances.stats()).toMatchObject({ instances: 0, invocations: 1 });
  });

  it('ends an instance left idle, as Lambda reclaims it; the next invocation starts cold', async () => {
    const instances = start({ maxInstances: 1, idleMs: 200 });
    const first = (await invoke(instances, { action: 'count' })) as Counted;
    await waitFor(() => instances.stats().instances === 0 || undefined, 'the idle instance ended', 5_000);
    const after = (await invoke(instances, { action: 'count' })) as Counted;
    expect(after.instanceId).not.toBe(first.instanceId);
    expect(instances.stats()).toMatchObject({ instances: 1, coldStarts: 2, invocations: 2 });
  });
});
