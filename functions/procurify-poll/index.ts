// Lambda entry for procurify-poll: the composition root, run once per container (init phase).
import { scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';
import { composeProcurifyPoll } from './compose.ts';
import { createProcurifyPollHandler } from './handler.ts';

// A run its schedule starts does nothing while the setting schedules.procurifyPoll is off.
export const handler = withScheduleSwitch(
  'procurifyPoll',
  scheduleSwitchOf('procurifyPoll', process.env),
  createProcurifyPollHandler(composeProcurifyPoll(process.env)),
);
