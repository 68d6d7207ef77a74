// webhook-ingest Lambda (API Gateway HTTP API, payload v2): NetSuite's user-event script posts signed
// record-event notices here. Thin: decode the raw body, call acceptRecordEvent, map the outcome to HTTP.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  type AcceptRecordEventDependencies,
  acceptRecordEvent,
  type IngestOutcome,
} from '../../shared/ingest/accept-record-event.ts';
import { withPowertools } from '../../shared/lambda/powertools-handler.ts';
import { logger, MetricUnit, metrics } from '../../shared/observability.ts';

export type WebhookIngestDependencies = AcceptRecordEventDependencies;

export function createWebhookIngestHandler(deps: WebhookIngestDependencies) {
  const handle = async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    deps.beginInvocation?.(context);
    const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const headers = lowerCaseHeaders(event.headers ?? {});
    const outcome = await acceptRecordEvent({ rawBody, headers }, deps);
    record(outcome, headers['webhook-id']);
    return toHttp(outcome);
  };
  return withPowertools(handle);
}

function lowerCaseHeaders(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Logs and metrics per outcome: ids and reasons only, never the body (it names vendors). */
function record(outcome: IngestOutcome, webhookId: string | undefined): void {
  switch (outcome.kind) {
    case 'accepted':
      logger.info(outcome.duplicate ? 'duplicate notice' : 'notice accepted', { eventId: outcome.eventId });
      metrics.addMetric(outcome.duplicate ? 'NoticeDuplicate' : 'NoticeAccepted', MetricUnit.Count, 1);
      return;
    case 'refused':
      logger.warn('notice refused', {
        webhookId,
        status: outcome.status,
        reason: outcome.reason,
        message: outcome.message,
      });
      metrics.addMetric('NoticeRefused', MetricUnit.Count, 1);
      metrics
        .singleMetric()
        .addDimension('reason', outcome.reason)
        .addMetric('NoticeRefusedByReason', MetricUnit.Count, 1);
      return;
    case 'unavailable':
      // A sender retry racing its first delivery is expected; a queue or table outage is not.
      if (outcome.reason === 'in_progress') logger.warn('duplicate notice still being queued', { webhookId });
      else logger.error('notice not queued', { webhookId, reason: outcome.reason, message: outcome.message });
      metrics.addMetric(
        outcome.reason === 'in_progress' ? 'NoticeInProgress' : 'NoticeUnavailable',
        MetricUnit.Count,
        1,
      );
      return;
  }
}

function toHttp(outcome: IngestOutcome): APIGatewayProxyStructuredResultV2 {
  const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  switch (outcome.kind) {
    case 'accepted':
      return json(202, { status: outcome.duplicate ? 'duplicate' : 'accepted', eventId: outcome.eventId });
    case 'refused':
      return json(outcome.status, { error: outcome.reason, message: outcome.message });
    case 'unavailable':
      return json(503, { error: 'unavailable', message: outcome.message }, { 'retry-after': '5' });
  }
}
