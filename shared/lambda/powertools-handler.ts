// The Powertools wrapper every function's handler factory returns (functions/*/handler.ts), so the
// Lambda entry, local mode (infra/local/functions.ts) and the tests all run the same wrapped handler:
// each invocation's log lines carry its request id, cold start and function name; the metrics it
// added are flushed at its end; and where tracing is on, the Tracer opens the handler's segment.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from '../observability.ts';

export type LambdaHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/** Flushes the invocation's metrics (Powertools' logMetrics warns on every invocation that added none). */
const flushMetrics: middy.MiddlewareObj = {
  after: () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  },
  onError: () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  },
};

export function withPowertools<TEvent, TResult>(
  handler: LambdaHandler<TEvent, TResult>,
): LambdaHandler<TEvent, TResult> {
  // No early timeout: Lambda ends an invocation at its timeout, and so does local mode (it ends the
  // instance's thread: infra/local/function-instances.ts). An early timeout would report the invocation
  // failed while its handler goes on, so its batch would come back and run twice.
  const wrapped = middy<TEvent, TResult, Error, Context>(handler, { timeoutEarlyInMillis: 0 });
  if (tracer !== undefined) wrapped.use(captureLambdaHandler(tracer));
  return wrapped.use(injectLambdaContext(logger)).use(flushMetrics);
}
