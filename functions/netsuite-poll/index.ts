// Lambda entry for netsuite-poll: the composition root, run once per container (init phase).
import { composeNetSuitePoll } from './compose.ts';
import { createNetSuitePollHandler } from './handler.ts';

export const handler = createNetSuitePollHandler(composeNetSuitePoll(process.env));
