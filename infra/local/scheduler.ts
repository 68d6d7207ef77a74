// EventBridge Scheduler on one machine: runs each scheduled handler at its rate, one run at a time per
// schedule (a run that is still going when the next is due is skipped, as the handlers' leases would),
// and on demand (`apsync sync now`, tests).

import { scheduleSource } from '../../shared/lambda/schedule-switch.ts';
import type { ScheduledHandler } from './functions.ts';
import { createLambdaContext } from './lambda-context.ts';

export interface LocalSchedule {
  name: string;
  functionName: string;
  handler: ScheduledHandler;
  /** 0 disables the timer (runs only on demand). */
  rateSeconds: number;
  timeoutMs: number;
}

export interface ScheduleRun {
  schedule: string;
  startedAt: string;
  finishedAt?: string;
  outcome?: 'succeeded' | 'failed';
  result?: unknown;
  error?: string;
}

export interface LocalScheduler {
  /**
   * Runs a schedule now and resolves with its result (waits for a run already going); `scheduled` runs
   * it as its timer does (a run its switch may skip), else on demand.
   */
  runNow(name: string, as?: 'on-demand' | 'scheduled'): Promise<ScheduleRun>;
  lastRuns(): Record<string, ScheduleRun | undefined>;
  stop(): Promise<void>;
}

export function startLocalScheduler(
  schedules: readonly LocalSchedule[],
  onError: (schedule: string, error: unknown) => void = () => undefined,
): LocalScheduler {
  const running = new Map<string, Promise<ScheduleRun>>();
  const last: Record<string, ScheduleRun | undefined> = {};
  const timers: NodeJS.Timeout[] = [];

  /** `scheduled`: as the schedule starts it (EventBridge's `source`); on demand otherwise. */
  const run = (schedule: LocalSchedule, scheduled = false): Promise<ScheduleRun> => {
    const current = running.get(schedule.name);
    if (current !== undefined) return current;
    const started: ScheduleRun = { schedule: schedule.name, startedAt: new Date().toISOString() };
    const promise = (async () => {
      try {
        const result = await schedule.handler(
          {
            scheduledTime: started.startedAt,
            schedule: schedule.name,
            ...(scheduled ? { source: scheduleSource } : {}),
          },
          createLambdaContext(schedule.functionName, schedule.timeoutMs),
        );
        return { ...started, finishedAt: new Date().toISOString(), outcome: 'succeeded' as const, result };
      } catch (error) {
        onError(schedule.name, error);
        return {
          ...started,
          finishedAt: new Date().toISOString(),
          outcome: 'failed' as const,
          error: String(error),
        };
      }
    })().then((finished) => {
      running.delete(schedule.name);
      last[schedule.name] = finished;
      return finished;
    });
    running.set(schedule.name, promise);
    return promise;
  };

  for (const schedule of schedules) {
    if (schedule.rateSeconds > 0) {
      const timer = setInterval(() => void run(schedule, true), schedule.rateSeconds * 1000);
      timer.unref();
      timers.push(timer);
    }
  }

  return {
    runNow: (name, as = 'on-demand') => {
      const schedule = schedules.find((s) => s.name === name || s.functionName === name);
      if (schedule === undefined) {
        return Promise.reject(
          new Error(`no schedule named ${name}; known: ${schedules.map((s) => s.name).join(', ')}`),
        );
      }
      return run(schedule, as === 'scheduled');
    },
    lastRuns: () => ({ ...last }),
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running.values()]);
    },
  };
}
