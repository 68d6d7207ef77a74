// The loopback control endpoint of a running local stack, both sides: main.ts serves it (the scheduler
// and the workers live in its process), the CLI calls it for `sync now` and for the scheduler's last runs
// in `status`. Listed in local.json with a Bearer token (the file is readable by its owner only).
import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { DataError, TransientError } from '../../shared/errors.ts';
import { type RunningServer, sendJson, startHttpServer } from '../sandboxes/http-server.ts';

export const scheduleRunSchema = z
  .object({
    schedule: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    outcome: z.enum(['succeeded', 'failed']).optional(),
    result: z.unknown().optional(),
    error: z.string().optional(),
  })
  .strict();
export type ScheduleRunView = z.infer<typeof scheduleRunSchema>;

const workerStatsSchema = z
  .object({ invocations: z.number(), records: z.number(), failures: z.number(), inFlight: z.number() })
  .strict();

export const controlStatusSchema = z
  .object({
    pid: z.number(),
    startedAt: z.string(),
    schedules: z.record(
      z.string(),
      z
        .object({ functionName: z.string(), rateSeconds: z.number(), lastRun: scheduleRunSchema.nullable() })
        .strict(),
    ),
    workers: z.record(z.string(), workerStatsSchema),
  })
  .strict();
export type ControlStatus = z.infer<typeof controlStatusSchema>;

/** What main.ts hands to the control endpoint: views of the running stack. */
export interface LocalControlSource {
  startedAt: string;
  schedules: ReadonlyArray<{ name: string; functionName: string; rateSeconds: number }>;
  runNow(name: string): Promise<ScheduleRunView>;
  lastRuns(): Record<string, ScheduleRunView | undefined>;
  workers(): Record<string, z.infer<typeof workerStatsSchema>>;
}

export async function startLocalControl(source: LocalControlSource, token: string): Promise<RunningServer> {
  const expected = Buffer.from(`Bearer ${token}`);
  return startHttpServer(async (req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      sendJson(res, 401, { message: 'missing or wrong control token (see local.json)' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'GET' && url.pathname === '/control/status') {
      const last = source.lastRuns();
      const status: ControlStatus = {
        pid: process.pid,
        startedAt: source.startedAt,
        schedules: Object.fromEntries(
          source.schedules.map((schedule) => [
            schedule.name,
            {
              functionName: schedule.functionName,
              rateSeconds: schedule.rateSeconds,
              lastRun: last[schedule.name] ?? null,
            },
          ]),
        ),
        workers: source.workers(),
      };
      sendJson(res, 200, status);
      return;
    }
    const syncNow = /^\/control\/sync-now\/([A-Za-z0-9-]+)$/.exec(url.pathname);
    if (req.method === 'POST' && syncNow !== null) {
      const name = syncNow[1]!;
      if (!source.schedules.some((s) => s.name === name || s.functionName === name)) {
        const known = source.schedules.map((s) => s.name).join(', ');
        sendJson(res, 404, { message: `no schedule named ${name}; known: ${known}` });
        return;
      }
      const run = source.runNow(name);
      if (url.searchParams.get('wait') === 'false') {
        run.catch(() => undefined);
        sendJson(res, 202, { schedule: name, startedAt: new Date().toISOString() });
        return;
      }
      sendJson(res, 200, await run);
      return;
    }
    sendJson(res, 404, { message: `no control route ${req.method} ${url.pathname}` });
  });
}

/** The CLI's side of the control endpoint. */
export class LocalControlClient {
  private readonly url: string;
  private readonly token: string;

  constructor(url: string, token: string) {
    this.url = url.replace(/\/+$/, '');
    this.token = token;
  }

  async status(): Promise<ControlStatus> {
    return controlStatusSchema.parse(await this.call('GET', '/status'));
  }

  async syncNow(schedule: string, wait: boolean): Promise<ScheduleRunView> {
    const answer = await this.call(
      'POST',
      `/sync-now/${encodeURIComponent(schedule)}${wait ? '' : '?wait=false'}`,
    );
    return scheduleRunSchema.parse(answer);
  }

  private async call(method: string, path: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}` },
      });
    } catch (error) {
      throw new TransientError(`the local stack's control endpoint did not answer (${String(error)})`, {
        source: 'local-stack',
        cause: error,
      });
    }
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    if (!response.ok) {
      throw new DataError(body.message ?? `control endpoint answered ${response.status}`, {
        source: 'local-stack',
        status: response.status,
      });
    }
    return body;
  }
}
