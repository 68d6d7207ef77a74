// Lambda entry for failure-digest: the composition root, run once per container (init phase).
import { composeFailureDigest } from './compose.ts';
import { createFailureDigestHandler } from './handler.ts';

export const handler = createFailureDigestHandler(composeFailureDigest(process.env));
