// Lambda entry for failure-digest: the composition root, run once per container (init phase).
import { scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';
import { composeFailureDigest } from './compose.ts';
import { createFailureDigestHandler } from './handler.ts';

// A run its schedule starts does nothing while the setting schedules.failureDigest is off.
export const handler = withScheduleSwitch(
  'failureDigest',
  scheduleSwitchOf('failureDigest', process.env),
  createFailureDigestHandler(composeFailureDigest(process.env)),
);
