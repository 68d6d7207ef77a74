// Lambda entry for bill-sync-worker: the composition root, run once per container (init phase).
import { composeBillSyncWorker } from './compose.ts';
import { createBillSyncWorkerHandler } from './handler.ts';

export const handler = createBillSyncWorkerHandler(composeBillSyncWorker(process.env));
