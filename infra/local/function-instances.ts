// The instances of one function in local mode, as Lambda keeps them: each in its own worker thread
// (function-thread.ts: its own module state and environment), at most `maxInstances` at once (the
// function's concurrency), one invocation at a time each. An invocation takes a free instance, else
// starts one (its cold start: the thread imports the function's entry), else waits for one to be free;
// instances are reused, and ended after some idle minutes as Lambda reclaims them. The invoker (SQS
// event source, scheduler, HTTP API) calls `invoke` as it would call the handler itself: the event is
// posted to the instance and its result (or error) comes back. As on Lambda, an invocation that outlives
// the function's timeout ends its instance ("Task timed out"), and an instance whose thread dies
// (uncaught error, out of memory) fails its invocation and is replaced.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

/** What an instance's thread is started with (workerData). */
export interface InstanceData {
  functionName: string;
  /** Path of the module exporting `handler` (the Lambda entry, or local mode's stand-in for it). */
  entry: string;
  memoryMb: number;
}

/** Posted to an instance: one invocation. */
export interface ToInstance {
  type: 'invoke';
  id: number;
  event: unknown;
  awsRequestId: string;
  /** The function's timeout: the instance's context counts down from it. */
  remainingMs: number;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** Posted by an instance; cpuMicros is its thread's CPU time so far (user + system). */
export type FromInstance =
  | { type: 'ready'; initMs: number; cpuMicros: number }
  | { type: 'init-failed'; error: SerializedError; cpuMicros: number }
  | { type: 'result'; id: number; ok: true; value: unknown; cpuMicros: number }
  | { type: 'result'; id: number; ok: false; error: SerializedError; cpuMicros: number; value?: undefined };

export interface FunctionInstancesOptions {
  functionName: string;
  /** Absolute path of the module exporting `handler`. */
  entry: string;
  /** The function's whole environment (process.env of its threads). */
  environment: Record<string, string>;
  maxInstances: number;
  /** The function's memory: the heap limit of each instance's thread. */
  memoryMb: number;
  /** An instance idle this long is ended, as Lambda reclaims idle environments (default 10 minutes). */
  idleMs?: number;
}

export interface FunctionInstanceStats {
  /** Instances alive now, and how many of them run an invocation. */
  instances: number;
  busy: number;
  coldStarts: number;
  /** Init durations of the cold starts, in ms. */
  initMs: number[];
  invocations: number;
  /** CPU time of the function's threads, init included, as of each one's last answer (ms). */
  cpuMs: number;
  /** CPU time of the inits alone (ms). */
  initCpuMs: number;
  /**
   * CPU time of each instance's first invocation (ms, summed over the instances that answered one): what
   * an instance spends once on its first use beyond its init (lazy loads, first connections, JIT warm-up).
   */
  firstInvocationCpuMs: number;
  /** Instances that answered their first invocation. */
  firstInvocations: number;
  /** Wall time of the invocations answered, from posting the event to the answer (ms): Lambda's duration. */
  invocationMs: number;
  /** Bytes the function's threads wrote to stdout and stderr (its log lines, as CloudWatch Logs gets them). */
  outputBytes: number;
}

export interface FunctionInstances {
  readonly functionName: string;
  /** Runs an invocation on a free instance; `context` gives its request id and remaining time. */
  invoke(event: unknown, context: Context): Promise<unknown>;
  /**
   * Starts instances until `count` are alive (at most, and by default, maxInstances) and waits for their
   * init, as provisioned concurrency does: the benchmarks measure warm instances.
   */
  provision(count?: number): Promise<void>;
  stats(): FunctionInstanceStats;
  /**
   * Fails the invocations still waiting for a free instance (they never start), waits for those
   * running, then ends every instance.
   */
  stop(): Promise<void>;
}

const threadEntry = new URL('./function-thread.ts', import.meta.url);
/**
 * Each thread starts from this line of JavaScript: it turns on Node's compile cache (in os.tmpdir())
 * before any TypeScript loads, so every instance after the first gets the compiled code of
 * function-thread.ts and of the function's modules from the cache, without loading the type stripper:
 * about half the CPU time of an init.
 */
const threadBootstrap = `require('node:module').enableCompileCache(); import(${JSON.stringify(threadEntry.href)});`;

/**
 * The V8 heap of an instance as Lambda's Node.js runtime sizes it from the function's memory (the
 * runtime image's /var/runtime/bootstrap, from AWS_LAMBDA_FUNCTION_MEMORY_SIZE: new space a tenth of the
 * memory, each semi-space half of that, old space the rest, passed as --max-semi-space-size and
 * --max-old-space-size); a worker's young generation is its two semi-spaces and the new large-object
 * space, three semi-spaces in all (V8's YoungGenerationSizeFromSemiSpaceSize).
 */
function lambdaHeapLimits(memoryMb: number): {
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
} {
  const newSpaceMb = Math.floor(memoryMb / 10);
  const semiSpaceMb = Math.floor(newSpaceMb / 2);
  return { maxOldGenerationSizeMb: memoryMb - newSpaceMb, maxYoungGenerationSizeMb: 3 * semiSpaceMb };
}

interface Pending {
  id: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Instance {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  gone: boolean;
  cpuMicros: number;
  /** The thread's CPU time when its init ended, until its first invocation answers (then undefined). */
  readyCpuMicros: number | undefined;
  pending: Pending | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  /** Ends the instance: its invocation in flight fails with `error`, its thread is terminated. */
  end: (error: Error) => void;
}

export function startFunctionInstances(options: FunctionInstancesOptions): FunctionInstances {
  const { functionName } = options;
  const instances: Instance[] = [];
  /** Invocations waiting for a free instance, first come first served. */
  const waiters: Array<{ resolve: (instance: Instance) => void; reject: (error: Error) => void }> = [];
  const inFlight = new Set<Promise<unknown>>();
  const totals = {
    coldStarts: 0,
    invocations: 0,
    goneCpuMicros: 0,
    initCpuMicros: 0,
    firstInvocationCpuMicros: 0,
    firstInvocations: 0,
    invocationMs: 0,
    outputBytes: 0,
  };
  const initMs: number[] = [];
  let nextId = 0;
  let stopped = false;
  const idleMs = options.idleMs ?? 10 * 60_000;

  /** A free instance is ended once idle for idleMs; taking it again keeps it. */
  const idle = (instance: Instance) => {
    clearTimeout(instance.idleTimer);
    instance.idleTimer = setTimeout(() => {
      if (!instance.busy) instance.end(new Error(`${functionName}: instance ended after ${idleMs} ms idle`));
    }, idleMs);
    instance.idleTimer.unref();
  };

  const spawn = (): Instance => {
    const worker = new Worker(threadBootstrap, {
      eval: true,
      workerData: {
        functionName,
        entry: options.entry,
        memoryMb: options.memoryMb,
      } satisfies InstanceData,
      env: options.environment,
      name: functionName,
      resourceLimits: lambdaHeapLimits(options.memoryMb),
    });
    // An idle instance does not keep the process alive (an invocation's timer does).
    worker.unref();
    // Still piped to this process's stdout and stderr (Worker's default); counted on the way.
    for (const output of [worker.stdout, worker.stderr]) {
      output.on('data', (chunk: Buffer | string) => {
        totals.outputBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      });
    }
    totals.coldStarts++;
    let settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    // A failed init is reported to the invocation that awaits it, not as an unhandled rejection.
    ready.catch(() => undefined);
    const end = (error: Error) => {
      if (instance.gone) return;
      instance.gone = true;
      clearTimeout(instance.idleTimer);
      totals.goneCpuMicros += instance.cpuMicros;
      instances.splice(instances.indexOf(instance), 1);
      settleReady?.reject(error);
      const pending = instance.pending;
      instance.pending = undefined;
      if (pending !== undefined) {
        clearTimeout(pending.timer);
        pending.reject(error);
      }
      void worker.terminate();
      dispatch();
    };
    const instance: Instance = {
      worker,
      ready,
      busy: false,
      gone: false,
      cpuMicros: 0,
      readyCpuMicros: undefined,
      pending: undefined,
      idleTimer: undefined,
      end,
    };

    worker.on('message', (message: FromInstance) => {
      instance.cpuMicros = message.cpuMicros;
      if (message.type === 'ready') {
        initMs.push(message.initMs);
        totals.initCpuMicros += message.cpuMicros;
        instance.readyCpuMicros = message.cpuMicros;
        settleReady?.resolve();
      } else if (message.type === 'init-failed') {
        totals.initCpuMicros += message.cpuMicros;
        end(toError(message.error, `${functionName} init failed`));
      } else {
        if (instance.readyCpuMicros !== undefined) {
          totals.firstInvocationCpuMicros += message.cpuMicros - instance.readyCpuMicros;
          totals.firstInvocations++;
          instance.readyCpuMicros = undefined;
        }
        const pending = instance.pending;
        if (pending === undefined || pending.id !== message.id) return;
        instance.pending = undefined;
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(toError(message.error));
      }
    });
    worker.on('error', (error) => end(runtimeError(functionName, error)));
    worker.on('exit', (code) =>
      end(new Error(`${functionName}: Runtime exited with exit status ${code} before answering`)),
    );
    instances.push(instance);
    return instance;
  };

  /** A free instance, else a new one while under the cap; marked busy. */
  const take = (): Instance | undefined => {
    const free = instances.find((instance) => !instance.busy && !instance.gone);
    const instance = free ?? (instances.length < options.maxInstances ? spawn() : undefined);
    if (instance !== undefined) {
      clearTimeout(instance.idleTimer);
      instance.busy = true;
    }
    return instance;
  };

  const dispatch = () => {
    while (waiters.length > 0 && !stopped) {
      const instance = take();
      if (instance === undefined) return;
      waiters.shift()?.resolve(instance);
    }
  };

  const acquire = (): Promise<Instance> => {
    const instance = take();
    if (instance !== undefined) return Promise.resolve(instance);
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };

  const run = async (event: unknown, context: Context): Promise<unknown> => {
    // The function's timeout, counted from when its handler starts (init is not part of it, as on Lambda).
    const timeoutMs = context.getRemainingTimeInMillis();
    const instance = await acquire();
    try {
      await instance.ready;
      totals.invocations++;
      return await new Promise<unknown>((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          // Lambda ends the execution environment at the timeout; its next invocation starts cold.
          const error = new Error(
            `${functionName}: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
          );
          error.name = 'Sandbox.Timedout';
          instance.end(error);
        }, timeoutMs);
        const posted = performance.now();
        const answered = () => {
          totals.invocationMs += performance.now() - posted;
        };
        instance.pending = {
          id,
          resolve: (value) => {
            answered();
            resolve(value);
          },
          reject: (error) => {
            answered();
            reject(error);
          },
          timer,
        };
        const message: ToInstance = {
          type: 'invoke',
          id,
          event,
          awsRequestId: context.awsRequestId,
          remainingMs: timeoutMs,
        };
        instance.worker.postMessage(message);
      });
    } finally {
      if (!instance.gone) {
        instance.busy = false;
        idle(instance);
        dispatch();
      }
    }
  };

  return {
    functionName,
    invoke: (event, context) => {
      if (stopped) return Promise.reject(new Error(`${functionName}: local mode is stopping`));
      const invocation = run(event, context);
      inFlight.add(invocation);
      const forget = () => inFlight.delete(invocation);
      invocation.then(forget, forget);
      return invocation;
    },
    provision: async (count = options.maxInstances) => {
      const started: Instance[] = [];
      while (instances.length < Math.min(count, options.maxInstances)) started.push(spawn());
      await Promise.all(started.map((instance) => instance.ready));
      for (const instance of started) if (!instance.busy && !instance.gone) idle(instance);
    },
    stats: () => ({
      instances: instances.length,
      busy: instances.filter((instance) => instance.busy).length,
      coldStarts: totals.coldStarts,
      initMs: [...initMs],
      invocations: totals.invocations,
      cpuMs: (totals.goneCpuMicros + instances.reduce((sum, instance) => sum + instance.cpuMicros, 0)) / 1000,
      initCpuMs: totals.initCpuMicros / 1000,
      firstInvocationCpuMs: totals.firstInvocationCpuMicros / 1000,
      firstInvocations: totals.firstInvocations,
      invocationMs: totals.invocationMs,
      outputBytes: totals.outputBytes,
    }),
    stop: async () => {
      stopped = true;
      // dispatch hands out no instance once stopped: a waiting invocation would never settle.
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(`function ${functionName} stopped before the invocation started`));
      }
      await Promise.allSettled([...inFlight]);
      await Promise.allSettled(
        [...instances].map((instance) => {
          instance.end(new Error(`${functionName}: local mode stopped`));
          return instance.worker.terminate();
        }),
      );
    },
  };
}

/** The error a handler threw, rebuilt on this side of the thread (name, message and its stack). */
function toError(serialized: SerializedError, prefix?: string): Error {
  const error = new Error(prefix === undefined ? serialized.message : `${prefix}: ${serialized.message}`);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

function runtimeError(functionName: string, error: Error): Error {
  const wrapped = new Error(`${functionName}: Runtime exited: ${error.message}`, { cause: error });
  wrapped.name = error.name;
  return wrapped;
}
