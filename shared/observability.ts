// One logger, metrics and tracer per function container (Powertools), shared by handlers and adapters;
// shared/lambda/powertools-handler.ts attaches them to each invocation. Service names come from
// POWERTOOLS_SERVICE_NAME (set by the CDK stack and by local mode).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'apsync';

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'apsync',
  serviceName,
});

/**
 * Whether Powertools' Tracer would trace here: in a Lambda runtime (AWS_EXECUTION_ENV) unless
 * POWERTOOLS_TRACE_ENABLED is `false`. Elsewhere (tests, local mode, the CLI) the Tracer would switch
 * itself off, so it is not even loaded: the X-Ray SDK costs about 100 ms to import.
 */
export const tracingEnabled =
  (process.env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false' &&
  (process.env.AWS_EXECUTION_ENV ?? '') !== '';

/** The container's Tracer where tracing is on (the CDK turns on active tracing); undefined elsewhere. */
export const tracer: Tracer | undefined = tracingEnabled
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName })
  : undefined;

export { MetricUnit } from '@aws-lambda-powertools/metrics';
