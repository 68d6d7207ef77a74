// Local mode end to end, as a user runs it: `npm start` as its own process, driven only through HTTP
// (the sandboxes' admin APIs, the emulated SQS endpoint listed in local.json) and the `apsync` CLI run as
// child processes. A vendor changed in NetSuite reaches Procurify; status and mode work; a fault sends a
// notice to the dead-letter queue and a redrive brings it through; a stop and a restart on the same data
// directory lose nothing (a message queued before the stop is processed after the restart, against the
// sandbox records kept from the first run) and keeps every endpoint's URL.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as schemas from '../../infra/cli/output-schemas.ts';
import { type LocalManifest, localManifestSchema, manifestPath } from '../../infra/local/manifest.ts';
import { waitFor } from '../support/wait.ts';

const root = resolve(import.meta.dirname, '../..');
const node = join(root, 'node_modules/.bin/node');
const apsync = join(root, 'infra/cli/bin/apsync.js');
const run = promisify(execFile);

/**
 * A NetSuite change through local mode's own process (webhook, inbound worker, Procurify): seconds when
 * idle, more than 20 s at load 25; the bound of a change that never arrives, not of a passing run.
 */
const syncWait = 60_000;

let dataDir: string;
let server: { child: ChildProcess; output: () => string; exited: Promise<number | null> } | undefined;
let manifest: LocalManifest;

/** Starts local mode and resolves once it printed `apsync ready`. */
async function startLocalMode(command: string, args: readonly string[]) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, APSYNC_RETRY_BASE_SECONDS: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  server = { child, output: () => output, exited };
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`local mode exited: ${output}`);
      return output.includes('apsync ready') || undefined;
    },
    'apsync ready',
    // Start-up takes ~15 s on an idle 2-core machine and several times that while a full suite runs
    // alongside; the deadline only bounds a start that never comes (an exit fails at once, above).
    120_000,
  );
  manifest = localManifestSchema.parse(JSON.parse(await readFile(manifestPath(dataDir), 'utf8')));
  return output;
}

async function stopLocalMode(): Promise<void> {
  if (server === undefined) return;
  // The npm start process's own pid, from local.json (npm forwards nothing reliably).
  process.kill(manifest.pid, 'SIGTERM');
  await server.exited;
  server = undefined;
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(node, [apsync, '--data-dir', dataDir, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function cliJson<T>(schema: z.ZodType<T>, args: readonly string[]): Promise<T> {
  const answer = await cli([...args, '--json']);
  expect(answer.code, `${args.join(' ')}: ${answer.stderr}${answer.stdout}`).toBe(0);
  return schema.parse(JSON.parse(answer.stdout));
}

async function admin(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok, `${method} ${url}: ${response.status}`).toBe(true);
  return response.json();
}

const procurifyVendor = async (externalId: string) =>
  (
    (await admin(`${manifest.sandboxes.procurify!.adminUrl}/records/vendors`, 'GET')) as Array<{
      name: string;
      external_id: string | null;
    }>
  ).find((vendor) => vendor.external_id === externalId);

const renameInNetSuite = (id: string, companyName: string) =>
  admin(`${manifest.sandboxes.netsuite!.adminUrl}/records/vendor/${id}?eventType=edit`, 'PATCH', {
    companyName,
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apsync-e2e-'));
});

afterAll(async () => {
  if (server !== undefined) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('local mode (npm start + apsync)', () => {
  it('starts with npm start, syncs a NetSuite change to Procurify, reports status, switches mode', async () => {
    const printed = await startLocalMode('npm', [
      'start',
      '--',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--no-schedules',
    ]);
    expect(printed).toContain(`apsync ready: webhook ${manifest.api.webhookUrl}`);
    expect(printed).toContain('Try next:');
    expect(manifest.state).toBe('running');

    // `npx apsync` resolves this package's bin.
    const viaNpx = await run('npx', ['apsync', '--data-dir', dataDir, 'status', '--json'], { cwd: root });
    const status = schemas.statusOutputSchema.parse(JSON.parse(viaNpx.stdout));
    expect(status.target.kind).toBe('local');
    expect(status.queues.every((queue) => queue.deadLetter?.visible === 0)).toBe(true);

    await renameInNetSuite('101', 'E2E Renamed Supplies');
    await waitFor(
      async () => (await procurifyVendor('101'))?.name === 'E2E Renamed Supplies',
      'the vendor renamed in Procurify',
      syncWait,
    );

    await cliJson(schemas.modeSetOutputSchema, ['mode', 'set', 'pull']);
    expect(await cliJson(schemas.modeGetOutputSchema, ['mode', 'get'])).toMatchObject({
      mode: 'pull',
      source: 'operator',
    });
  });

  it('dead-letters a notice while Procurify throttles, and redrives it once the fault is gone', async () => {
    const procurify = manifest.sandboxes.procurify!.adminUrl;
    // A Retry-After longer than the client waits in-process: every attempt fails at once.
    await admin(`${procurify}/config`, 'PUT', { retryAfterSeconds: 120 });
    await admin(`${procurify}/faults`, 'PUT', { rules: { '/api/v3/vendors': { rate429: 1 } } });
    await renameInNetSuite('102', 'E2E Throttled Trading');
    const dead = await waitFor(
      async () =>
        (await cliJson(schemas.dlqListOutputSchema, ['dlq', 'list'])).messages.find(
          (message) => message.record === 'vendor:102',
        ),
      'the notice in the dead-letter queue',
      // Six failed receives, each a worker invocation, polled through a CLI process per look: ~20 s on a
      // busy machine (load 12); the deadline only bounds a notice that never gets there.
      120_000,
      500,
    );
    expect(dead).toMatchObject({ queue: 'inbound', errorClass: 'transient', receiveCount: 6 });
    expect(dead.lastError).toMatch(/429/);
    expect((await procurifyVendor('102'))?.name).not.toBe('E2E Throttled Trading');

    await admin(`${procurify}/faults`, 'PUT', { rules: {} });
    const redrive = await cliJson(schemas.dlqRedriveOutputSchema, ['dlq', 'redrive', '--all', '--wait']);
    expect(redrive.tasks.find((task) => task.queue === 'inbound')).toMatchObject({
      status: 'COMPLETED',
      messagesMoved: 1,
    });
    await waitFor(
      async () => (await procurifyVendor('102'))?.name === 'E2E Throttled Trading',
      'the redriven notice synced',
      syncWait,
    );
    expect((await cliJson(schemas.dlqListOutputSchema, ['dlq', 'list'])).messages).toEqual([]);
  });

  it('stops on SIGTERM and resumes on restart without losing a queued message or sandbox records', async () => {
    // A NetSuite change apsync is not told about (no webhook until the restart sets it again): only the
    // message queued below carries it, and only a NetSuite sandbox that kept its records can show it.
    await admin(`${manifest.sandboxes.netsuite!.adminUrl}/config`, 'PUT', { webhook: null });
    await admin(`${manifest.sandboxes.netsuite!.adminUrl}/records/vendor/103`, 'PATCH', {
      companyName: 'E2E Renamed Before Restart',
    });
    const sqs = new SQSClient({
      region: manifest.region,
      endpoint: manifest.aws.sqs,
      credentials: manifest.credentials,
    });
    // Queued before the stop, visible only after it: it can only be processed by the next run. The stop
    // ends the workers' last long polls (1 s each, one worker after another) and their in-flight work,
    // seconds on a busy machine: the delay leaves it ample time (checked below), and the restart itself
    // takes about as long, so the wait for the message after it costs little.
    const delaySeconds = 15;
    const sentAt = Date.now();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: manifest.queues.inbound.url,
        DelaySeconds: delaySeconds,
        MessageBody: JSON.stringify({
          kind: 'record-event',
          origin: 'webhook',
          eventId: 'evt-e2e-before-restart',
          recordType: 'vendor',
          recordId: '103',
          eventType: 'edit',
          lastModified: new Date().toISOString(),
          receivedAt: new Date().toISOString(),
        }),
      }),
    );
    sqs.destroy();
    await stopLocalMode();
    expect(Date.now() - sentAt, 'the stop ended before the message became visible').toBeLessThan(
      delaySeconds * 1000,
    );
    const stopped = localManifestSchema.parse(JSON.parse(await readFile(manifestPath(dataDir), 'utf8')));
    expect(stopped.state).toBe('stopped');
    const none = await cli(['status']);
    expect(none.code).toBe(3);
    expect(none.stderr).toBe(`error: no local stack running in ${dataDir}/ — start it with npm start\n`);

    const restartedAt = new Date().toISOString();
    // No --port: every endpoint listens where the first run did (infra/local/stable-ports.ts).
    const restartOutput = await startLocalMode(node, [
      'infra/local/main.ts',
      '--data-dir',
      dataDir,
      '--no-schedules',
    ]);
    expect(restartOutput).not.toContain('moved since the last run');
    expect(manifest.api).toEqual(stopped.api);
    expect(manifest.aws).toEqual(stopped.aws);
    expect(manifest.sandboxes).toEqual(stopped.sandboxes);
    expect(manifest.services).toEqual(stopped.services);
    const audit = await waitFor(
      async () => {
        const trail = await cliJson(schemas.auditOutputSchema, ['audit', 'vendor:103']);
        const received = trail.entries.findIndex(
          (entry) => entry.facts?.eventId === 'evt-e2e-before-restart',
        );
        return received >= 0 && trail.entries.slice(received).some((entry) => entry.step === 'written')
          ? trail
          : undefined;
      },
      'the message queued before the stop processed after the restart',
      60_000,
    );
    // Received by the new process, not by the old one on its way out.
    const received = audit.entries.find((entry) => entry.facts?.eventId === 'evt-e2e-before-restart');
    expect(received!.at > restartedAt).toBe(true);
    expect(audit.link?.netsuiteId).toBe('103');
    expect((await procurifyVendor('103'))?.name).toBe('E2E Renamed Before Restart');
    // The Procurify sandbox kept the first run's changes too.
    expect((await procurifyVendor('101'))?.name).toBe('E2E Renamed Supplies');
    // Operator state survives too.
    expect((await cliJson(schemas.modeGetOutputSchema, ['mode', 'get'])).mode).toBe('pull');
    await stopLocalMode();
  });

  it('moves an endpoint whose previous port is taken to a free one and names the old and new URL', async () => {
    const stopped = localManifestSchema.parse(JSON.parse(await readFile(manifestPath(dataDir), 'utf8')));
    const oldUrl = stopped.sandboxes.netsuite!.url;
    // Something else took the NetSuite sandbox's port while apsync was stopped.
    const squatter = createServer();
    await new Promise<void>((done) =>
      squatter.listen(Number(new URL(oldUrl).port), '127.0.0.1', () => done()),
    );
    try {
      const output = await startLocalMode(node, [
        'infra/local/main.ts',
        '--data-dir',
        dataDir,
        '--no-schedules',
      ]);
      const newUrl = manifest.sandboxes.netsuite!.url;
      expect(newUrl).not.toBe(oldUrl);
      expect(output).toContain('warning: 1 endpoint(s) moved since the last run');
      expect(output).toContain(`NetSuite sandbox: ${oldUrl} → ${newUrl} (its previous port is taken)`);
      // The others kept theirs, and the CLI follows the move through local.json.
      expect(manifest.api).toEqual(stopped.api);
      expect(manifest.aws).toEqual(stopped.aws);
      expect(manifest.sandboxes.procurify).toEqual(stopped.sandboxes.procurify);
      expect((await cliJson(schemas.modeGetOutputSchema, ['mode', 'get'])).mode).toBe('pull');
      await stopLocalMode();
    } finally {
      await new Promise((done) => squatter.close(done));
    }
  });
});
