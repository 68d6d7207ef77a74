// Lambda entry for inbound-worker: the composition root, run once per container (init phase).
import { composeInboundWorker } from './compose.ts';
import { createInboundWorkerHandler } from './handler.ts';

export const handler = createInboundWorkerHandler(composeInboundWorker(process.env));
