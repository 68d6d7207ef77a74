// Lambda entry for procurify-poll: the composition root, run once per container (init phase).
import { composeProcurifyPoll } from './compose.ts';
import { createProcurifyPollHandler } from './handler.ts';

export const handler = createProcurifyPollHandler(composeProcurifyPoll(process.env));
