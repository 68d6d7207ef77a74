// Lambda entry for reconcile: the composition root, run once per container (init phase).
import { composeReconcile } from './compose.ts';
import { createReconcileHandler } from './handler.ts';

export const handler = createReconcileHandler(composeReconcile(process.env));
