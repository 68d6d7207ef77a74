// The product's CPU in a benchmark of local mode: the CPU time of some functions' worker threads
// (infra/local/function-instances.ts, from process.threadCpuUsage inside each) over a run, apart from
// the main thread's (sandboxes, AWS emulators, event sources, the benchmark script). Their instances are
// provisioned first, so the run measures warm instances (cold starts: test/bench/bundles.ts). A thread's
// CPU time is refreshed only when it answers an invocation, so the meter is read once no instance of the
// functions runs one: a run's last records can reach the services before their invocations answer.
import type { LocalStack } from '../../infra/local/stack.ts';
import type { FunctionName } from '../../shared/function-registry.ts';
import { waitFor } from '../support/wait.ts';

export interface CpuMeter {
  /**
   * CPU ms since the meter started: the functions' threads, and the main thread. Waits first until no
   * instance of the functions runs an invocation (each has answered: its CPU time is up to date).
   */
  read(): Promise<{ productMs: number; mainMs: number }>;
}

export async function startCpuMeter(
  stack: Pick<LocalStack, 'instances'>,
  functions: readonly FunctionName[],
): Promise<CpuMeter> {
  await Promise.all(functions.map((name) => stack.instances[name]?.provision()));
  const productMs = () =>
    functions.reduce((sum, name) => sum + (stack.instances[name]?.stats().cpuMs ?? 0), 0);
  const mainMs = () => {
    const usage = process.threadCpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const busy = () => functions.reduce((sum, name) => sum + (stack.instances[name]?.stats().busy ?? 0), 0);
  const before = { productMs: productMs(), mainMs: mainMs() };
  return {
    read: async () => {
      await waitFor(
        () => busy() === 0 || undefined,
        `no invocation of ${functions.join(', ')} in flight`,
        60_000,
        5,
      );
      return { productMs: productMs() - before.productMs, mainMs: mainMs() - before.mainMs };
    },
  };
}
