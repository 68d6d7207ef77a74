// Lambda entry for webhook-ingest: the composition root, run once per container (init phase).
import { composeWebhookIngest } from './compose.ts';
import { createWebhookIngestHandler } from './handler.ts';

export const handler = createWebhookIngestHandler(composeWebhookIngest(process.env));
