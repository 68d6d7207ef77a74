// One instance of a function in local mode, in its own worker thread, as Lambda runs one in its own
// execution environment: process.env is the function's own environment (function-instances.ts), its init
// — import of its entry module (the Lambda entry, functions/<name>/index.ts: composition root included) —
// runs once, on first use, and its module state (SDK clients, caches, logger) lives as long as the
// instance. It then runs one invocation at a time as function-instances.ts posts them, and answers each
// with the result or the error, and the thread's CPU time so far (process.threadCpuUsage). The thread
// starts with Node's compile cache on (function-instances.ts threadBootstrap).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import type { FromInstance, InstanceData, SerializedError, ToInstance } from './function-instances.ts';
import { createLambdaContext } from './lambda-context.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const port = parentPort;
if (port === null) throw new Error('infra/local/function-thread.ts runs as a worker thread only');
const data = workerData as InstanceData;

const cpuMicros = (): number => {
  const usage = process.threadCpuUsage();
  return usage.user + usage.system;
};

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

function send(message: FromInstance): void {
  try {
    port?.postMessage(message);
  } catch (error) {
    // A result the structured clone cannot copy (a function, a class instance with private state):
    // Lambda would send its JSON; so do we, and an answer JSON cannot carry fails the invocation.
    if (message.type !== 'result' || !message.ok) throw error;
    try {
      port?.postMessage({ ...message, value: JSON.parse(JSON.stringify(message.value ?? null)) });
    } catch (jsonError) {
      port?.postMessage({ ...message, ok: false, error: serialize(jsonError), value: undefined });
    }
  }
}

const initStarted = performance.now();
let handler: Handler;
try {
  const entry = (await import(pathToFileURL(data.entry).href)) as { handler?: unknown };
  if (typeof entry.handler !== 'function') {
    throw new Error(`${data.entry} exports no function named handler`);
  }
  handler = entry.handler as Handler;
} catch (error) {
  send({ type: 'init-failed', error: serialize(error), cpuMicros: cpuMicros() });
  // Nothing else to do: the pool ends this thread.
  throw error;
}
send({ type: 'ready', initMs: performance.now() - initStarted, cpuMicros: cpuMicros() });

port.on('message', (message: ToInstance) => {
  void invoke(message);
});

async function invoke(message: ToInstance): Promise<void> {
  const context: Context = {
    ...createLambdaContext(data.functionName, message.remainingMs, data.memoryMb),
    awsRequestId: message.awsRequestId,
  };
  try {
    const value = await handler(message.event, context);
    send({ type: 'result', id: message.id, ok: true, value, cpuMicros: cpuMicros() });
  } catch (error) {
    send({ type: 'result', id: message.id, ok: false, error: serialize(error), cpuMicros: cpuMicros() });
  }
}
