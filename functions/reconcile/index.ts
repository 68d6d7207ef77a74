// Lambda entry for reconcile: the composition root, run once per container (init phase).
import { scheduleSwitchOf, withScheduleSwitch } from '../../shared/lambda/schedule-switch.ts';
import { composeReconcile } from './compose.ts';
import { createReconcileHandler } from './handler.ts';

// A run its schedule starts does nothing while the setting schedules.reconcile is off.
export const handler = withScheduleSwitch(
  'reconcile',
  scheduleSwitchOf('reconcile', process.env),
  createReconcileHandler(composeReconcile(process.env)),
);
