// Lambda entry for paid-bill-pull: the composition root, run once per container (init phase).
import { scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';
import { composePaidBillPull } from './compose.ts';
import { createPaidBillPullHandler } from './handler.ts';

// A run its schedule starts does nothing while the setting schedules.paidBillPull is off.
export const handler = withScheduleSwitch(
  'paidBillPull',
  scheduleSwitchOf('paidBillPull', process.env),
  createPaidBillPullHandler(composePaidBillPull(process.env)),
);
