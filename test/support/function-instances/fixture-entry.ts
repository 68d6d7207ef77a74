// A stand-in for a Lambda entry (functions/<name>/index.ts), loaded by local mode's function threads in
// test/unit/function-instances.test.ts: its module state tells instances apart, and each event asks for
// one behaviour (count, wait, throw, hang, crash, partial batch failure, log a line, the heap's limit).
import { randomUUID } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import type { Context } from 'aws-lambda';

const instanceId = randomUUID();
let invocations = 0;

if (process.env.FIXTURE_FAIL_INIT === 'true') throw new Error('the composition root refused its environment');

export type FixtureEvent =
  | { action: 'count' }
  | { action: 'wait'; ms: number }
  | { action: 'throw' }
  | { action: 'hang' }
  | { action: 'crash' }
  | { action: 'batch' }
  | { action: 'log'; line: string }
  | { action: 'heap' };

export const handler = async (event: FixtureEvent, context: Context): Promise<unknown> => {
  invocations++;
  switch (event.action) {
    case 'count':
      return {
        instanceId,
        invocations,
        fixtureValue: process.env.FIXTURE_VALUE,
        serviceName: process.env.POWERTOOLS_SERVICE_NAME,
        functionName: context.functionName,
        requestId: context.awsRequestId,
        remainingMs: context.getRemainingTimeInMillis(),
      };
    case 'wait':
      await new Promise((resolve) => setTimeout(resolve, event.ms));
      return { instanceId, invocations };
    case 'throw': {
      const error = new Error('vendor 42 has no subsidiary');
      error.name = 'DataError';
      throw error;
    }
    case 'hang':
      return new Promise(() => undefined);
    case 'crash':
      setImmediate(() => {
        throw new Error('an uncaught error in a callback');
      });
      return new Promise(() => undefined);
    case 'batch':
      return { batchItemFailures: [{ itemIdentifier: 'message-2' }] };
    case 'log':
      process.stdout.write(`${event.line}\n`);
      return { instanceId, invocations };
    case 'heap':
      return { heapLimitMb: getHeapStatistics().heap_size_limit / 1048576 };
  }
};
