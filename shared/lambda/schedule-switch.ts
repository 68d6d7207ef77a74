// The on/off switch of a scheduled function (settings `schedules.<name>`, shared/settings/catalog.ts):
// a run its schedule started (EventBridge Scheduler's input, or local mode's timer, carry
// `source: apsync.schedule`) does nothing while the switch is off; a run asked for on demand
// (`apsync sync now`) runs anyway. Likewise a run its schedule started while a secret it reads has no
// value yet (after a first deploy, before `apsync secrets set`) logs that it waits for credentials and
// ends without failing: no retry, no schedule dead-letter message, no Errors alarm; an on-demand run
// fails with the same message. Wraps the handler in the Lambda entry and in local mode alike.
import type { Context } from 'aws-lambda';
import { secretNotSetCode } from '../aws/secret-not-set.ts';
import { type Environment, readEnvironment, readSettings } from '../config/environment.ts';
import { stateStore } from '../config/state-store-part.ts';
import { SyncError } from '../errors.ts';
import { logger } from '../observability.ts';
import { scheduleEnabled } from '../settings/settings-store.ts';
import type { ScheduledRunEvent } from './scheduled-event.ts';

/** The input EventBridge Scheduler gives every apsync schedule (infra/cdk/service-stack.ts). */
export const scheduleSource = 'apsync.schedule';

/** What a scheduled run returns while its schedule is switched off, or waits for credentials. */
export interface ScheduleOff {
  skipped: string;
}

export function withScheduleSwitch<R>(
  schedule: string,
  isOn: () => Promise<boolean>,
  handler: (event: ScheduledRunEvent, context: Context) => Promise<R>,
): (event: ScheduledRunEvent, context: Context) => Promise<R | ScheduleOff> {
  return async (event, context) => {
    if (event?.source === scheduleSource && !(await isOn())) {
      const skipped = `the ${schedule} schedule is off (apsync settings set schedules.${schedule} on); nothing done`;
      logger.info('scheduled run skipped', { schedule, scheduledTime: event.scheduledTime, reason: skipped });
      return { skipped };
    }
    try {
      return await handler(event, context);
    } catch (error) {
      if (
        event?.source !== scheduleSource ||
        !(error instanceof SyncError) ||
        error.code !== secretNotSetCode
      )
        throw error;
      const skipped = `waiting for credentials: ${error.message}; the ${schedule} schedule did nothing`;
      logger.warn('scheduled run waiting for credentials', {
        schedule,
        scheduledTime: event.scheduledTime,
        reason: skipped,
      });
      return { skipped };
    }
  };
}

/** The switch as the functions read it: the operator's setting, else the deployment's (cdk.json). */
export function scheduleSwitchOf(schedule: string, env: Environment): () => Promise<boolean> {
  let read: (() => Promise<boolean>) | undefined;
  return () => {
    if (read === undefined) {
      const settings = readSettings(env);
      const store = stateStore(readEnvironment(env, ['stateTable']).stateTable, settings);
      // cdk.json `settings["schedules.<name>"]`, else (reconcile) `schedules.reconcileEnabled`.
      const fromSettings = settings.initialSettings[`schedules.${schedule}`];
      const initial =
        typeof fromSettings === 'boolean'
          ? fromSettings
          : schedule === 'reconcile'
            ? settings.reconcileScheduleEnabled
            : true;
      read = () => scheduleEnabled(store, schedule, initial);
    }
    return read();
  };
}
