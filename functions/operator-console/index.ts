// Lambda entry for operator-console: the composition root, run once per container (init phase).
import { composeOperatorConsole } from './compose.ts';
import { createOperatorConsoleHandler } from './handler.ts';

export const handler = createOperatorConsoleHandler(composeOperatorConsole(process.env));
