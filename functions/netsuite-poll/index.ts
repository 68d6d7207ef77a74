// Lambda entry for netsuite-poll: the composition root, run once per container (init phase).
import { scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';
import { composeNetSuitePoll } from './compose.ts';
import { createNetSuitePollHandler } from './handler.ts';

// A run its schedule starts does nothing while the setting schedules.netsuitePoll is off.
export const handler = withScheduleSwitch(
  'netsuitePoll',
  scheduleSwitchOf('netsuitePoll', process.env),
  createNetSuitePollHandler(composeNetSuitePoll(process.env)),
);
