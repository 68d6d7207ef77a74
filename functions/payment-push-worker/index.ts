// Lambda entry for payment-push-worker: the composition root, run once per container (init phase).
import { composePaymentPushWorker } from './compose.ts';
import { createPaymentPushWorkerHandler } from './handler.ts';

export const handler = createPaymentPushWorkerHandler(composePaymentPushWorker(process.env));
