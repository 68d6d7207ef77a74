// One logger, metrics and tracer per function container (Powertools), shared by handlers and adapters.
// Service names come from POWERTOOLS_SERVICE_NAME (set by the CDK stack and by local mode).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'apsync' });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'apsync',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'apsync',
});

export { MetricUnit } from '@aws-lambda-powertools/metrics';
