// Lambda entry for paid-bill-pull: the composition root, run once per container (init phase).
import { composePaidBillPull } from './compose.ts';
import { createPaidBillPullHandler } from './handler.ts';

export const handler = createPaidBillPullHandler(composePaidBillPull(process.env));
