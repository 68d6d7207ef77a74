// The operator CLI in-process (runCli) against a local stack published as `npm start` publishes it
// (local.json + control endpoint), and against a "deployed" stack through a loopback CloudFormation and
// Lambda whose outputs name the same emulated resources. Every `--json` answer is checked against its
// schema; effects are checked in the stack itself (queues, state store, secrets, sandboxes).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { outputKeys } from '../../infra/cdk/stack-outputs.ts';
import * as schemas from '../../infra/cli/output-schemas.ts';
import {
  localManifestSchema,
  manifestPath,
  readManifest,
  writeManifest,
} from '../../infra/local/manifest.ts';
import { type PublishedLocalStack, publishLocalStack } from '../../infra/local/publish.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import {
  type RunningServer,
  readBody,
  sendJson,
  startHttpServer,
} from '../../infra/sandboxes/http-server.ts';
import { vendorWriteSchema } from '../../shared/procurify/writes.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { runCliCaptured } from '../support/cli-in-process.ts';
import { queueSettled, settledState } from '../support/sync-outcome.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let published: PublishedLocalStack;
let dataDir: string;
let emptyDir: string;
let state: DynamoStateStore;
let sqs: SQSClient;
let secrets: SecretsManagerClient;
let vendorIds: string[];

beforeAll(async () => {
  stack = await startLocalStack({ demo: true, settings: { retryBaseSeconds: '0' } });
  dataDir = await mkdtemp(join(tmpdir(), 'apsync-cli-'));
  emptyDir = await mkdtemp(join(tmpdir(), 'apsync-cli-empty-'));
  published = await publishLocalStack(stack, {
    dataDir,
    ephemeral: false,
    demo: true,
    scheduleRates: {},
    settings: { APSYNC_RETRY_BASE_SECONDS: '0' },
  });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  sqs = new SQSClient(stack.aws.clientConfig('sqs'));
  secrets = new SecretsManagerClient(stack.aws.clientConfig('secretsManager'));
  vendorIds = stack.netsuite.store.list('vendor').map((vendor) => vendor.id);
});

afterAll(async () => {
  await published?.unpublish();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(emptyDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(
  argv: readonly string[],
  options: { stdin?: string; cwd?: string; target?: string[]; columns?: number } = {},
): Promise<Run> {
  return runCliCaptured([...(options.target ?? ['--data-dir', dataDir]), ...argv], {
    ...options,
    cwd: options.cwd ?? dataDir,
  });
}

/** Runs a `--json` command that must succeed and returns its output, validated. */
async function json<T>(schema: z.ZodType<T>, argv: readonly string[], target?: string[]): Promise<T> {
  const run = await cli([...argv, '--json'], target === undefined ? {} : { target });
  expect(run.err, `${argv.join(' ')}: ${run.out}`).toBe('');
  expect(run.code, argv.join(' ')).toBe(0);
  return schema.parse(JSON.parse(run.out));
}

const inboundMessage = (recordId: string, eventId: string) => ({
  kind: 'record-event',
  origin: 'webhook',
  eventId,
  recordType: 'vendor',
  recordId,
  eventType: 'edit',
  lastModified: new Date().toISOString(),
  receivedAt: new Date().toISOString(),
});

/** Puts a message straight into the inbound DLQ with the failure a worker would have recorded. */
async function deadLetter(recordId: string, eventId: string): Promise<string> {
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.aws.deadLetterQueueUrls.inbound,
      MessageBody: JSON.stringify(inboundMessage(recordId, eventId)),
    }),
  );
  await state.recordFailure({
    queue: 'inbound',
    messageId: sent.MessageId!,
    receiveCount: 6,
    errorClass: 'transient',
    message: 'TransientError: procurify: 503 (test)',
  });
  return sent.MessageId!;
}

const receivedEvent = async (vendorId: string, eventId: string) =>
  (await state.read({ system: 'netsuite', kind: 'vendor', id: vendorId })).some(
    (entry) => entry.step === 'received' && entry.facts?.eventId === eventId,
  );

describe('against the local stack', () => {
  it('publishes a valid local.json', async () => {
    const reading = await readManifest(dataDir);
    expect(reading.found).toBe('running');
    if (reading.found !== 'running') return;
    expect(localManifestSchema.parse(reading.manifest)).toMatchObject({
      api: { webhookUrl: stack.webhookUrl },
      aws: stack.aws.endpoints,
      queues: {
        inbound: {
          url: stack.aws.queueUrls.inbound,
          deadLetterQueueUrl: stack.aws.deadLetterQueueUrls.inbound,
        },
      },
      sandboxes: { netsuite: { adminUrl: stack.netsuite.adminUrl } },
    });
  });

  it('runs the NetSuite poll now, then shows its run, watermarks and the synced records in status', async () => {
    const run = await json(schemas.syncNowOutputSchema, ['sync', 'now', 'master-data']);
    expect(run).toMatchObject({ flow: 'master-data', function: 'netsuite-poll', outcome: 'succeeded' });
    expect(run.result).toMatchObject({
      complete: true,
      recordTypes: { vendor: { enqueued: vendorIds.length } },
    });
    // The poll's messages all handled: no vendor state is being written while the counts are read.
    await queueSettled(stack, 'inbound');
    expect(await state.countByStatus('vendor', 'synced')).toBe(vendorIds.length);

    const status = await json(schemas.statusOutputSchema, ['status']);
    expect(status.target.kind).toBe('local');
    expect(status.paymentMode).toEqual({ mode: 'push', source: 'default' });
    const poll = status.flows.find((flow) => flow.flow === 'netsuitePoll');
    expect(poll?.lastRun?.outcome).toBe('succeeded');
    expect(
      poll?.watermarks.find((mark) => mark.name === 'netsuite-poll:caught-up')?.lagSeconds,
    ).toBeGreaterThanOrEqual(0);
    expect(status.counts).toContainEqual({ kind: 'vendor', status: 'synced', count: vendorIds.length });
    expect(status.queues.map((queue) => queue.queue)).toEqual(['inbound', 'bill', 'payment']);
    expect(status.workers?.['inbound-worker']?.records).toBeGreaterThanOrEqual(vendorIds.length);
    const text = await cli(['status']);
    expect(text.out).toMatch(/payment mode: push \(default\)/);
    // The human output of a run is readable lines, not the JSON --json prints.
    const human = await cli(['sync', 'now', 'master-data']);
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/^master-data: netsuite-poll succeeded in \d+\.\d s\n/);
    expect(human.out).toMatch(/^ {2}complete: yes$/m);
    expect(human.out).toMatch(/^ {4}vendor:\n {6}enqueued: \d+$/m);
    expect(human.out).not.toMatch(/[{}"]/);
    expect(text.out).toMatch(/netsuitePoll\s+netsuite-poll\s+on demand/);
    // What this second poll queued is over before the next test (no worker rewriting vendors under it).
    await queueSettled(stack, 'inbound');
  });

  it("shows a record's audit trail oldest first with its link", async () => {
    const id = vendorIds[0]!;
    const audit = await json(schemas.auditOutputSchema, ['audit', `vendor:${id}`]);
    expect(audit.record).toBe(`vendor:${id}`);
    expect(audit.state?.status).toBe('synced');
    expect(audit.link?.netsuiteId).toBe(id);
    expect(audit.entries.map((entry) => entry.step).slice(0, 3)).toEqual(['received', 'fetched', 'written']);
    const times = audit.entries.map((entry) => entry.at);
    expect([...times].sort()).toEqual(times);
  });

  it('sets the payment mode, which the audit trail records', async () => {
    expect(await json(schemas.modeGetOutputSchema, ['mode', 'get'])).toEqual({
      mode: 'push',
      source: 'default',
      defaultMode: 'push',
    });
    expect(await json(schemas.modeSetOutputSchema, ['mode', 'set', 'pull'])).toEqual({
      previous: 'push',
      current: 'pull',
      changed: true,
    });
    expect(await json(schemas.modeSetOutputSchema, ['mode', 'set', 'pull'])).toEqual({
      previous: 'pull',
      current: 'pull',
      changed: false,
    });
    const mode = await json(schemas.modeGetOutputSchema, ['mode', 'get']);
    expect(mode).toMatchObject({ mode: 'pull', source: 'operator' });
    expect(mode.changedBy).toMatch(/apsync CLI/);
    const trail = await json(schemas.auditOutputSchema, ['audit', 'payment:mode']);
    expect(trail.entries.at(-1)?.message).toBe('payment mode changed from push to pull');
    // Pull mode refuses a payment re-sync with the use case's message.
    const refused = await cli(['payment', 'resync', '1']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^error: payment mode is pull/);
    await json(schemas.modeSetOutputSchema, ['mode', 'set', 'push']);
  });

  it('re-syncs a payment once per window, named payment:<id> as in every command or by its id', async () => {
    // A payment Procurify has (apsync has not seen it yet): an approved bill of linked records, paid.
    const linked = async (kind: 'vendor' | 'account' | 'department', id: string) =>
      Number((await state.findBySource('netsuite', kind, id))!.procurifyId);
    const bill = stack.procurify.createBill({
      vendor: await linked('vendor', '101'),
      currency: 'USD',
      invoice_number: 'CLI-RESYNC-1',
      invoice_date: '2026-02-20',
      due_date: '2026-03-22',
      status: 2,
      items: [
        {
          description: 'Toner',
          amount: '18.00',
          account_code: await linked('account', '13'),
          department: await linked('department', '1'),
        },
      ],
    });
    const payment = stack.procurify.recordPayment({
      bills: [{ uuid: bill.uuid, amount: '18.00' }],
      method: [...stack.procurify.store.paymentMethods.values()][0]!.id,
      payment_date: '2026-02-25',
    });
    const id = String(payment.id);
    const first = await json(schemas.paymentResyncOutputSchema, ['payment', 'resync', `payment:${id}`]);
    expect(first).toMatchObject({ paymentId: id, requested: true });
    const second = await json(schemas.paymentResyncOutputSchema, ['payment', 'resync', id]);
    expect(second).toMatchObject({ paymentId: id, requested: false, messageId: first.messageId });
  });

  it('refuses to queue a record neither apsync nor its source system has', async () => {
    const depth = async (queue: 'inbound' | 'bill' | 'payment') =>
      (await json(schemas.statusOutputSchema, ['status'])).queues.find((entry) => entry.queue === queue)!
        .depth;
    const unknownUuid = '9d5c1a7e-0000-4000-8000-00000000dead';
    for (const [argv, record, message] of [
      [
        ['review', 'replay', 'vendor:999999'],
        { system: 'netsuite', kind: 'vendor', id: '999999' },
        'NetSuite has no vendor 999999',
      ],
      [
        ['review', 'replay', 'department:999999'],
        { system: 'netsuite', kind: 'department', id: '999999' },
        'NetSuite has no department 999999',
      ],
      [
        ['review', 'replay', `bill:${unknownUuid}`],
        { system: 'procurify', kind: 'bill', id: unknownUuid },
        `Procurify has no bill ${unknownUuid}`,
      ],
      [
        ['payment', 'resync', '999999'],
        { system: 'procurify', kind: 'payment', id: '999999' },
        'Procurify has no payment 999999',
      ],
      [
        ['review', 'replay', 'payment:999998'],
        { system: 'procurify', kind: 'payment', id: '999998' },
        'Procurify has no payment 999998',
      ],
    ] as const) {
      const queue = record.kind === 'bill' ? 'bill' : record.kind === 'payment' ? 'payment' : 'inbound';
      // A message of an earlier test still in flight would leave the queue between the two depths.
      await queueSettled(stack, queue);
      const before = await depth(queue);
      const run = await cli(argv);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.out).toBe('');
      expect(run.err, argv.join(' ')).toContain(message);
      expect(run.err).toMatch(/nothing was queued\)\n$/);
      // Nothing queued, no state and no audit entry left behind.
      expect(await depth(queue)).toEqual(before);
      expect(await state.getState(record)).toBeUndefined();
      expect(await state.read(record)).toEqual([]);
    }
    const asJson = await cli(['review', 'replay', 'vendor:999999', '--json']);
    expect(schemas.errorOutputSchema.parse(JSON.parse(asJson.out)).error).toMatchObject({
      class: 'failed',
      code: 'unknown-record',
    });
  });

  it('lists dead letters with their last error without consuming them, shows one, and redrives it', async () => {
    const id = vendorIds[5]!;
    const messageId = await deadLetter(id, 'evt-cli-selected');
    for (let peek = 0; peek < 2; peek++) {
      const list = await json(schemas.dlqListOutputSchema, ['dlq', 'list']);
      expect(list.messages).toContainEqual(
        expect.objectContaining({
          queue: 'inbound',
          messageId,
          record: `vendor:${id}`,
          receiveCount: 6,
          errorClass: 'transient',
          lastError: 'TransientError: procurify: 503 (test)',
        }),
      );
    }
    const shown = await json(schemas.dlqShowOutputSchema, ['dlq', 'show', messageId]);
    expect(shown.body).toMatchObject({ recordId: id, eventId: 'evt-cli-selected' });
    expect(shown.attributes.SentTimestamp).toMatch(/^\d+$/);

    const redrive = await json(schemas.dlqRedriveOutputSchema, ['dlq', 'redrive', messageId]);
    expect(redrive).toMatchObject({
      mode: 'selected',
      notFound: [],
      redriven: [{ queue: 'inbound', messageId }],
    });
    await waitFor(() => receivedEvent(id, 'evt-cli-selected'), 'the redriven message processed');
    expect(
      (await json(schemas.dlqListOutputSchema, ['dlq', 'list'])).messages.map((m) => m.messageId),
    ).not.toContain(messageId);

    const missing = await cli(['dlq', 'redrive', 'no-such-id']);
    expect(missing.code).toBe(1);
    expect(missing.out).toBe('no-such-id: not found in the dead-letter queues\n');
    const shownMissing = await cli(['dlq', 'show', 'no-such-id']);
    expect(shownMissing.code).toBe(1);
  });

  it('redrives every dead letter with a move task', async () => {
    const id = vendorIds[6]!;
    await deadLetter(id, 'evt-cli-all');
    const redrive = await json(schemas.dlqRedriveOutputSchema, [
      'dlq',
      'redrive',
      '--all',
      '--wait',
      '--queue',
      'inbound',
    ]);
    expect(redrive.tasks).toEqual([
      expect.objectContaining({ queue: 'inbound', status: 'COMPLETED', messagesToMove: 1, messagesMoved: 1 }),
    ]);
    await waitFor(() => receivedEvent(id, 'evt-cli-all'), 'the moved message processed');
    const usage = await cli(['dlq', 'redrive']);
    expect(usage.code).toBe(2);
    expect(usage.err).toBe('error: give either --all or the ids of the messages to redrive\n');
    const schedule = await cli(['dlq', 'list', '--queue', 'schedule']);
    expect(schedule.code).toBe(2);
    expect(schedule.err).toMatch(
      /^error: local mode has no schedule dead-letter queue: a failed scheduled run is printed by npm start/,
    );
  });

  it('lists records to review and replays them', async () => {
    const uuid = '0b0e8f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    await state.putState({
      ref: { system: 'procurify', kind: 'bill', id: uuid },
      status: 'review',
      message: 'Waiting for mappings in NetSuite: account code 9999',
      waitingFor: ['account-code:9999'],
    });
    const list = await json(schemas.reviewListOutputSchema, [
      'review',
      'list',
      '--kind',
      'bill',
      '--status',
      'review',
    ]);
    expect(list.records).toContainEqual(
      expect.objectContaining({
        record: `bill:${uuid}`,
        status: 'review',
        waitingFor: ['account-code:9999'],
      }),
    );
    const replay = await json(schemas.replayOutputSchema, ['review', 'replay', `bill:${uuid}`]);
    expect(replay).toMatchObject({ record: `bill:${uuid}`, action: 'queued' });
    const trail = await state.read({ system: 'procurify', kind: 'bill', id: uuid });
    expect(
      trail.some((entry) => entry.step === 'replayed' && entry.facts?.messageId === replay.messageId),
    ).toBe(true);

    const vendor = vendorIds[7]!;
    const vendorRef = { system: 'netsuite', kind: 'vendor', id: vendor } as const;
    const before = (await state.read(vendorRef)).length;
    const vendorReplay = await json(schemas.replayOutputSchema, ['review', 'replay', `vendor:${vendor}`]);
    expect(vendorReplay.action).toBe('queued');
    await settledState(stack, state, vendorRef, { after: before });
    expect(
      (await state.read(vendorRef)).some(
        (entry) => entry.step === 'received' && entry.facts?.origin === 'replay',
      ),
    ).toBe(true);
    const refused = await cli(['review', 'replay', 'netsuite:bill:1001']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/cannot be replayed/);
  });

  it('shows the whole message to act on, wrapped to the terminal or on one line', async () => {
    const ref = { system: 'netsuite', kind: 'account', id: '990001' } as const;
    const message =
      'Account code 9900 is inactive in NetSuite but active in Procurify: Procurify has no API to deactivate an account code, so deactivate it there by hand, then replay';
    await state.putState({ ref, status: 'review', message, waitingFor: ['procurify-deactivation:9900'] });
    for (const columns of [undefined, 200, 100]) {
      const run = await cli(
        ['review', 'list', '--kind', 'account'],
        columns === undefined ? {} : { columns },
      );
      expect(run.code).toBe(0);
      expect(run.out).not.toContain('…');
      const lines = run.out.split('\n');
      if (columns === undefined) expect(lines.some((line) => line.includes(message))).toBe(true);
      else {
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
        // Every word of the message is there, in order.
        const start = lines[0]!.indexOf('message');
        const end = lines[0]!.indexOf('waiting for');
        const first = lines.findIndex((line) => line.startsWith('account:990001'));
        const column: string[] = [];
        for (const line of lines.slice(first)) {
          if (line !== '' && line.slice(0, start).trim() !== '' && line !== lines[first]) break;
          column.push(line.slice(start, end).trim());
        }
        expect(column.filter((part) => part !== '').join(' ')).toBe(message);
      }
    }
    await state.putState({ ref, status: 'synced' });
  });

  it('dismisses a record from the review list with the reason, audited, and only from review or failed', async () => {
    const uuid = '4c2f9a10-7b3e-4d5a-9e8f-0a1b2c3d4e5f';
    const ref = { system: 'procurify', kind: 'bill', id: uuid } as const;
    await state.putState({
      ref,
      status: 'failed',
      message: `procurify: GET /api/v2/ap/bills/${uuid}/ answered 404: Not found.`,
      errorClass: 'data',
    });
    const dismissed = await json(schemas.dismissOutputSchema, [
      'review',
      'dismiss',
      `bill:${uuid}`,
      '--reason',
      'a test bill,   deleted in Procurify',
    ]);
    expect(dismissed).toMatchObject({
      record: `bill:${uuid}`,
      previousStatus: 'failed',
      status: 'dismissed',
      reason: 'a test bill, deleted in Procurify',
    });
    expect(dismissed.dismissedBy).toMatch(/apsync CLI/);
    expect(await state.getState(ref)).toMatchObject({
      status: 'dismissed',
      message: `dismissed by ${dismissed.dismissedBy}: a test bill, deleted in Procurify`,
    });
    const list = await json(schemas.reviewListOutputSchema, ['review', 'list', '--kind', 'bill']);
    expect(list.records.map((record) => record.record)).not.toContain(`bill:${uuid}`);
    const trail = await json(schemas.auditOutputSchema, ['audit', `bill:${uuid}`]);
    expect(trail.entries.at(-1)).toMatchObject({
      step: 'dismissed',
      message: 'a test bill, deleted in Procurify',
      facts: { dismissedBy: dismissed.dismissedBy, previousStatus: 'failed' },
    });
    const status = await json(schemas.statusOutputSchema, ['status']);
    expect(status.counts).toContainEqual({ kind: 'bill', status: 'dismissed', count: 1 });

    const again = await cli(['review', 'dismiss', `bill:${uuid}`, '--reason', 'again']);
    expect(again.code).toBe(1);
    expect(again.err).toBe(
      `error: bill:${uuid} is dismissed, not in the review list (only records in review or failed are dismissed)\n`,
    );
    const unknown = await cli(['review', 'dismiss', 'vendor:999999', '--reason', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('error: vendor:999999 has no sync state: there is nothing to dismiss\n');
    const blank = await cli(['review', 'dismiss', `bill:${uuid}`, '--reason', '  ']);
    expect(blank.code).toBe(2);
  });

  it('previews the exact vendor payload without writing anything', async () => {
    const id = vendorIds[8]!;
    const procurifyWrites = () =>
      stack.procurify
        .requestLog()
        .filter(
          (entry) => entry.method !== 'GET' && /\/(vendors|account-codes|departments)\//.test(entry.path),
        ).length;
    // A change NetSuite does not announce (no webhook configured for a moment): nothing syncs it.
    const webhook = stack.netsuite.config().webhook;
    stack.netsuite.setConfig({ webhook: null });
    stack.netsuite.userUpdate(
      'vendor',
      id,
      { companyName: 'Preview Paper Co', email: 'ap@preview.example' },
      'edit',
    );
    stack.netsuite.setConfig({ webhook: webhook ?? null });
    const writesBefore = procurifyWrites();
    const link = await state.findBySource('netsuite', 'vendor', id);
    const preview = await json(schemas.previewOutputSchema, ['preview', `vendor:${id}`]);
    expect(preview).toMatchObject({
      outcome: 'update',
      target: {
        system: 'procurify',
        kind: 'vendor',
        method: 'PATCH',
        path: `/api/v3/vendors/${link?.procurifyId}/`,
      },
      validation: { valid: true, issues: [] },
    });
    expect(vendorWriteSchema.parse(preview.payload)).toMatchObject({
      name: 'Preview Paper Co',
      email: ['ap@preview.example'],
      external_id: id,
    });
    const account = await json(schemas.previewOutputSchema, [
      'preview',
      `account:${stack.netsuite.store.list('account')[0]!.id}`,
    ]);
    expect(account).toMatchObject({ outcome: 'unchanged', target: { kind: 'account code' } });
    expect(procurifyWrites()).toBe(writesBefore);
    const text = await cli(['preview', `vendor:${id}`]);
    expect(text.out).toMatch(/"name": "Preview Paper Co"/);
    expect(text.out).toMatch(/\(dry run: nothing was written\)/);
  });

  it('previews the Vendor Bill a mapped Procurify bill would become, and why its payment would wait', async () => {
    // Links the master-data sync made (first test): vendor 101, account 6100 (id 13), Operations (id 1).
    const linked = async (kind: 'vendor' | 'account' | 'department', id: string) =>
      Number((await state.findBySource('netsuite', kind, id))!.procurifyId);
    const bill = stack.procurify.createBill({
      vendor: await linked('vendor', '101'),
      currency: 'USD',
      invoice_number: 'CLI-PREVIEW-1',
      invoice_date: '2026-02-27',
      due_date: '2026-03-29',
      status: 2,
      items: [
        {
          description: 'Copy paper',
          amount: '42.50',
          account_code: await linked('account', '13'),
          department: await linked('department', '1'),
        },
      ],
    });
    const preview = await json(schemas.previewOutputSchema, ['preview', `bill:${bill.uuid}`]);
    expect(preview).toMatchObject({
      outcome: 'create',
      target: {
        system: 'netsuite',
        kind: 'vendorBill',
        id: null,
        method: 'PUT',
        path: `/services/rest/record/v1/vendorBill/eid:procurify-bill-${bill.uuid}?replace=expense,item`,
      },
      payload: {
        externalId: `procurify-bill-${bill.uuid}`,
        entity: { id: '101' },
        subsidiary: { id: '1' },
        expense: {
          items: [expect.objectContaining({ account: { id: '13' }, department: { id: '1' }, amount: 42.5 })],
        },
      },
      validation: { valid: true, issues: [] },
    });
    expect(
      stack.netsuite.requestLog().some((entry) => entry.method !== 'GET' && entry.path.includes(bill.uuid)),
    ).toBe(false);

    const method = [...stack.procurify.store.paymentMethods.values()][0]!;
    const payment = stack.procurify.recordPayment({
      bills: [{ uuid: bill.uuid, amount: '42.50' }],
      method: method.id,
      payment_date: '2026-03-01',
    });
    const paymentPreview = await json(schemas.previewOutputSchema, ['preview', `payment:${payment.id}`]);
    expect(paymentPreview).toMatchObject({
      outcome: 'invalid',
      target: null,
      validation: { valid: false, issues: [`bill:${bill.uuid}`] },
    });
    expect(paymentPreview.reason).toMatch(/^Bill not synced/);
  });

  it('excludes a bill from the sync and includes it again, recording the operator as every change does', async () => {
    // Never synced (excluded first): any vendor, account code and department of the Procurify sandbox.
    const { store } = stack.procurify;
    const bill = stack.procurify.createBill({
      vendor: [...store.vendors.values()][0]!.id,
      currency: 'USD',
      invoice_number: 'CLI-EXCLUDE-1',
      invoice_date: '2026-02-27',
      due_date: '2026-03-29',
      status: 2,
      items: [
        {
          description: 'Card-paid lunch',
          amount: '18.00',
          account_code: [...store.accountCodes.values()][0]!.id,
          department: [...store.departments.values()][0]!.id,
        },
      ],
    });
    const excluded = await json(schemas.billActionOutputSchema, [
      'bills',
      'exclude',
      bill.uuid,
      '--reason',
      'paid by card',
    ]);
    expect(excluded).toMatchObject({ action: 'exclude', bills: [bill.uuid] });
    expect(excluded.message).toMatch(/^Excluded from the sync by .+ \(apsync CLI\): paid by card$/);
    const listed = await json(schemas.billActionOutputSchema, ['bills', 'excluded']);
    expect(listed.bills).toContain(bill.uuid);
    expect(listed.message).toMatch(new RegExp(`${bill.uuid} {2}\\S+ {2}.+ \\(apsync CLI\\) {2}paid by card`));
    const trail = await json(schemas.auditOutputSchema, ['audit', `bill:${bill.uuid}`]);
    expect(trail.entries.at(-1)?.facts?.by).toMatch(/\(apsync CLI\)$/);

    expect(await json(schemas.billActionOutputSchema, ['bills', 'include', `bill:${bill.uuid}`])).toEqual({
      action: 'include',
      bills: [bill.uuid],
      message: 'included again and queued',
    });
    expect((await json(schemas.billActionOutputSchema, ['bills', 'excluded'])).bills).not.toContain(
      bill.uuid,
    );
    const again = await cli(['bills', 'include', bill.uuid]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/is not excluded/);
    const notABill = await cli(['bills', 'exclude', 'vendor:101', '--reason', 'x']);
    expect(notABill.code).toBe(2);
    expect(notABill.err).toMatch(/"vendor:101" is not a Procurify bill; write bill:<uuid>/);
  });

  it('backfills every master record onto the inbound queue', async () => {
    const backfill = await json(schemas.backfillOutputSchema, ['backfill', '--since', '2000-01-01']);
    expect(backfill.enqueued.vendor).toBe(vendorIds.length);
    expect(backfill.total).toBe(
      vendorIds.length + (backfill.enqueued.account ?? 0) + (backfill.enqueued.department ?? 0),
    );
    const text = await cli(['backfill']);
    expect(text.code).toBe(0);
    expect(text.err).toMatch(new RegExp(`vendor: ${vendorIds.length} enqueued`));
    expect(text.out).toMatch(/backfill of every record queued/);
    // The workers handle both runs' messages: each vendor received twice from the backfill, and synced.
    await queueSettled(stack, 'inbound');
    for (const id of vendorIds) {
      const ref = { system: 'netsuite', kind: 'vendor', id } as const;
      const received = (await state.read(ref)).filter(
        (entry) => entry.step === 'received' && entry.facts?.origin === 'backfill',
      );
      expect(received.length, `vendor ${id}`).toBeGreaterThanOrEqual(2);
      expect((await state.getState(ref))?.status, `vendor ${id}`).toBe('synced');
    }
  });

  it('rotates the webhook secret and refuses credentials that do not fit', async () => {
    const name = stack.aws.names.secrets.webhook;
    const read = async () =>
      JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: name }))).SecretString ?? '{}');
    const before = await read();
    const rotated = await json(schemas.secretsSetOutputSchema, ['secrets', 'set', 'webhook', '--generate']);
    const after = await read();
    expect(after).toEqual({ current: `whsec_${rotated.netsuiteApiSecretValue}`, previous: before.current });
    expect(rotated.rotated).toBe(true);
    const dropped = await json(schemas.secretsSetOutputSchema, [
      'secrets',
      'set',
      'webhook',
      '--drop-previous',
    ]);
    expect(dropped.rotated).toBe(false);
    expect(await read()).toEqual({ current: after.current });
    // Back to the secret the sandbox signs with, for the other tests.
    await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(before) }));

    const netsuiteName = stack.aws.names.secrets.netsuite;
    const stored =
      (await secrets.send(new GetSecretValueCommand({ SecretId: netsuiteName }))).SecretString ?? '';
    const wrongAlgorithm = await cli(['secrets', 'set', 'netsuite'], {
      stdin: JSON.stringify({ ...JSON.parse(stored), algorithm: 'PS256' }),
    });
    expect(wrongAlgorithm.code).toBe(1);
    expect(wrongAlgorithm.err).toBe('error: privateKeyPem: PS256 needs an RSA key, this is an EC key\n');
    const same = await cli(['secrets', 'set', 'netsuite'], { stdin: stored });
    expect(same.code).toBe(0);
    expect(same.out).not.toContain('PRIVATE KEY');
    const noInput = await cli(['secrets', 'set', 'procurify']);
    expect(noInput.code).toBe(2);
    expect(noInput.err).toBe(
      'error: pipe the procurify secret on stdin or give --file (it is never typed or echoed)\n',
    );
  });
});

describe('without a local stack', () => {
  it('says so, with the data directory and how to start one', async () => {
    const run = await cli(['status'], { cwd: emptyDir, target: [] });
    expect(run).toEqual({
      code: 3,
      out: '',
      err: 'error: no local stack running in .apsync/ — start it with npm start\n',
    });
    const asJson = await cli(['dlq', 'list', '--json'], { cwd: emptyDir, target: [] });
    expect(asJson.code).toBe(3);
    expect(schemas.errorOutputSchema.parse(JSON.parse(asJson.out))).toEqual({
      error: {
        class: 'unreachable',
        code: 'no-local-stack',
        message: 'no local stack running in .apsync/ — start it with npm start',
      },
    });
  });

  it('treats a manifest whose process is gone, or a stopped one, as no stack', async () => {
    const home = join(emptyDir, 'stale');
    const reading = await readManifest(dataDir);
    if (reading.found !== 'running') throw new Error('expected the running manifest');
    await writeManifest(home, { ...reading.manifest, pid: 2 ** 22 + 1 });
    const stale = await cli(['mode', 'get'], { cwd: emptyDir, target: ['--data-dir', home] });
    expect(stale.code).toBe(3);
    expect(stale.err).toBe('error: no local stack running in stale/ — start it with npm start\n');
    await writeFile(manifestPath(home), '{"version": 2}');
    const invalid = await cli(['mode', 'get'], { cwd: emptyDir, target: ['--data-dir', home] });
    expect(invalid.code).toBe(3);
    expect(invalid.err).toMatch(/^error: stale\/local.json is not a local stack manifest \(/);
  });
});

describe('against a deployed stack (loopback CloudFormation and Lambda)', () => {
  let cloudFormation: RunningServer;
  let lambda: RunningServer;
  const invoked: string[] = [];

  beforeAll(async () => {
    const outputs: Record<string, string> = {
      [outputKeys.tableName('state')]: stack.aws.names.tables.state,
      [outputKeys.tableName('idempotency')]: stack.aws.names.tables.idempotency,
      [outputKeys.secretName('netsuite')]: stack.aws.names.secrets.netsuite,
      [outputKeys.secretName('procurify')]: stack.aws.names.secrets.procurify,
      [outputKeys.secretName('webhook')]: stack.aws.names.secrets.webhook,
      [outputKeys.functionName('procurify-poll')]: 'acme-procurify-poll-Xyz',
      [outputKeys.functionName('inbound-worker')]: 'acme-inbound-worker-Abc',
      [outputKeys.defaultPaymentMode]: 'push',
    };
    for (const queue of ['inbound', 'bill', 'payment'] as const) {
      outputs[outputKeys.queueUrl(queue)] = stack.aws.queueUrls[queue];
      outputs[outputKeys.deadLetterQueueUrl(queue)] = stack.aws.deadLetterQueueUrls[queue];
    }
    cloudFormation = await startHttpServer(async (req, res) => {
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      const name = form.get('StackName');
      if (form.get('Action') !== 'DescribeStacks' || name !== 'acme-service') {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${name} does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
        );
        return;
      }
      const members = Object.entries(outputs)
        .map(
          ([key, value]) =>
            `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`,
        )
        .join('');
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>acme-service</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    });
    lambda = await startHttpServer(async (req, res) => {
      const body = (await readBody(req)).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://local');
      invoked.push(`${req.method} ${url.pathname} ${body}`);
      if (url.pathname.endsWith('/configuration')) {
        sendJson(res, 200, {
          FunctionName: 'acme-inbound-worker-Abc',
          Environment: { Variables: { APSYNC_RETRY_BASE_SECONDS: '0' } },
        });
        return;
      }
      // The deployed procurify-poll: run the local one, as Lambda would run the function.
      const run = await stack.scheduler.runNow('procurifyPoll');
      sendJson(res, 200, run.result ?? null);
    });
    process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = cloudFormation.url;
    process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.url;
  });

  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_CLOUDFORMATION;
    delete process.env.AWS_ENDPOINT_URL_LAMBDA;
    await cloudFormation?.close();
    await lambda?.close();
  });

  it('finds the resources through the stack outputs (the -service suffix added)', async () => {
    // The counts are exact only when no worker is rewriting a vendor's state (see queueSettled).
    await queueSettled(stack, 'inbound');
    const status = await json(schemas.statusOutputSchema, ['status'], ['--stack', 'acme']);
    expect(status.target).toEqual({ kind: 'aws', label: 'stack acme-service' });
    // The scheduler's runs are known only locally; watermarks come from the state table.
    expect(status.flows.every((flow) => flow.lastRun === null && flow.rateSeconds === null)).toBe(true);
    expect(status.flows.find((flow) => flow.flow === 'netsuitePoll')?.watermarks[0]?.value).not.toBeNull();
    const vendorCounts = status.counts.filter((entry) => entry.kind === 'vendor');
    expect(vendorCounts.reduce((sum, entry) => sum + entry.count, 0)).toBe(vendorIds.length);
    expect(status.workers).toBeNull();
    expect((await json(schemas.modeGetOutputSchema, ['mode', 'get'], ['--stack', 'acme-service'])).mode).toBe(
      'push',
    );
  });

  it('invokes the deployed function for sync now', async () => {
    const run = await json(schemas.syncNowOutputSchema, ['sync', 'now', 'bills'], ['--stack', 'acme']);
    expect(run).toMatchObject({ flow: 'bills', function: 'procurify-poll', outcome: 'succeeded' });
    expect(run.result).toMatchObject({ complete: true });
    expect(
      invoked.some((call) =>
        call.startsWith('POST /2015-03-31/functions/acme-procurify-poll-Xyz/invocations'),
      ),
    ).toBe(true);
    const missing = await cli(['sync', 'now', 'paid-bills'], { target: ['--stack', 'acme'] });
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      'error: stack acme-service has no paid-bill-pull function (output FunctionName… missing)\n',
    );
  });

  it('reads the deployed settings for a preview', async () => {
    const preview = await json(
      schemas.previewOutputSchema,
      ['preview', `department:${stack.netsuite.store.list('department')[0]!.id}`],
      ['--stack', 'acme'],
    );
    expect(preview.target?.kind).toBe('department');
    expect(invoked.some((call) => call.includes('/functions/acme-inbound-worker-Abc/configuration'))).toBe(
      true,
    );
  });

  it('says when there is no such stack', async () => {
    const run = await cli(['status'], { target: ['--stack', 'nope'] });
    expect(run).toEqual({
      code: 3,
      out: '',
      err: 'error: no CloudFormation stack named nope in this account and region\n',
    });
  });
});
