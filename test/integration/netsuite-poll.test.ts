// The NetSuite poll (the safety net for lost notices) and the master-data backfill on one machine: NetSuite sandbox changes whose notice was lost
// (webhook off) → netsuite-poll (local scheduler, real SuiteQL) → inbound queue → inbound worker →
// Procurify sandbox; the poll's watermark, de-duplication, lease and failure behaviour; the backfill use
// case with small SuiteQL windows against its own queue. Real HTTP, real AWS SDK against the emulators.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFunctions, type ScheduledHandler } from '../../infra/local/functions.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { startNetSuiteSandbox } from '../../infra/sandboxes/netsuite/index.ts';
import { SqsQueuePublisher } from '../../shared/aws/queue-publisher.ts';
import { type InboundMessage, inboundMessageSchema } from '../../shared/events/inbound-message.ts';
import { createNetSuiteClient, type NetSuiteClient } from '../../shared/netsuite/index.ts';
import {
  type BackfillProgress,
  backfillMasterData,
  type MasterRecordType,
  type PollMasterDataSummary,
  pollMasterData,
  suiteQlMasterRecordChanges,
} from '../../shared/netsuite-poll/index.ts';
import { DynamoStateStore } from '../../shared/state/state-store.ts';
import { settledState } from '../support/sync-outcome.ts';
import { waitFor } from '../support/wait.ts';

let stack: LocalStack;
let state: DynamoStateStore;
let sqs: SQSClient;
let netsuite: NetSuiteClient;
let testQueue: SqsQueuePublisher<InboundMessage>;
let currencyId = '';
let subsidiaryId = '';

beforeAll(async () => {
  stack = await startLocalStack({ settings: { retryBaseSeconds: '0' } });
  // Every notice is lost: only the poll can bring changes to Procurify.
  stack.netsuite.setConfig({ webhook: null });
  state = new DynamoStateStore(
    new DynamoDBClient(stack.aws.clientConfig('dynamodb')),
    stack.aws.names.tables.state,
  );
  sqs = new SQSClient(stack.aws.clientConfig('sqs'));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'netsuite-poll-test' }));
  testQueue = new SqsQueuePublisher(sqs, queue.QueueUrl ?? '');
  const credentials = stack.netsuite.credentials;
  netsuite = createNetSuiteClient({
    baseUrl: stack.netsuite.url,
    accountId: credentials.accountId,
    clientId: credentials.clientId,
    certificateId: credentials.certificateId,
    privateKeyPem: credentials.privateKeyPem,
    algorithm: credentials.algorithm,
    tokenUrl: credentials.tokenUrl,
    concurrencyShare: 1,
  });
  stack.procurify.store.addLocation({ name: 'Head Office', headquarter: true, currency: 'USD' });
  const currency = stack.netsuite.seed({
    records: { currency: [{ name: 'USD', symbol: 'USD', isBaseCurrency: true }] },
  });
  currencyId = currency.created.currency?.[0] ?? '';
  const subsidiary = stack.netsuite.seed({
    records: { subsidiary: [{ name: 'Parent Company', currency: { id: currencyId } }] },
  });
  subsidiaryId = subsidiary.created.subsidiary?.[0] ?? '';
});

afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

/** Runs the scheduled function as the scheduler would and returns its summary (throws if it failed). */
async function runPoll(): Promise<PollMasterDataSummary> {
  const run = await stack.scheduler.runNow('netsuitePoll');
  if (run.outcome !== 'succeeded') throw new Error(`poll failed: ${run.error}`);
  return run.result as PollMasterDataSummary;
}

const counts = (summary: PollMasterDataSummary, type: MasterRecordType) => ({
  enqueued: summary.recordTypes[type]?.enqueued,
  alreadyEnqueued: summary.recordTypes[type]?.alreadyEnqueued,
});

/** SuiteQL's rendering (UTC sandbox) of a record's lastModifiedDate. */
function wallTimeOf(type: 'vendor' | 'account' | 'department', id: string): string {
  const iso = stack.netsuite.store.get(type, id)?.lastModifiedDate ?? '';
  return iso.slice(0, 19).replace('T', ' ');
}

const wallToIso = (wall: string, minutes = 0) =>
  `${new Date(Date.parse(`${wall.replace(' ', 'T')}Z`) + minutes * 60_000).toISOString().slice(0, 19)}Z`;

/** Waits until the sandbox clock is past the given wall time, so the next change gets a later second. */
const nextSecondAfter = (wall: string) =>
  waitFor(() => new Date().toISOString().slice(0, 19).replace('T', ' ') > wall || undefined, 'the clock');

const procurifyVendor = (externalId: string) =>
  [...stack.procurify.store.vendors.values()].find((vendor) => vendor.external_id === externalId);

function createVendor(companyName: string): string {
  return stack.netsuite.userCreate('vendor', {
    subsidiary: { id: subsidiaryId },
    currency: { id: currencyId },
    companyName,
  }).id;
}

/** Everything on the test queue, deleted as read. */
async function drainTestQueue(): Promise<InboundMessage[]> {
  const messages: InboundMessage[] = [];
  for (;;) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: testQueue.queueUrl, MaxNumberOfMessages: 10 }),
    );
    const batch = answer.Messages ?? [];
    if (batch.length === 0) return messages;
    for (const message of batch) messages.push(inboundMessageSchema.parse(JSON.parse(message.Body ?? '')));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: testQueue.queueUrl,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle ?? '',
        })),
      }),
    );
  }
}

function seedRecords(type: 'vendor' | 'account' | 'department', lastModified: readonly string[]): string[] {
  const records = lastModified.map((lastModifiedDate, index) => {
    const name = `${type} ${lastModifiedDate} ${index}`;
    if (type === 'vendor') return { companyName: name, subsidiary: { id: subsidiaryId }, lastModifiedDate };
    if (type === 'account')
      return {
        acctNumber: `9${Math.floor(Math.random() * 1e6)}`,
        acctName: name,
        acctType: 'Expense',
        lastModifiedDate,
      };
    return { name, lastModifiedDate };
  });
  return stack.netsuite.seed({ records: { [type]: records } }).created[type] ?? [];
}

describe('NetSuite poll (scheduled function)', () => {
  let vendorId = '';
  let accountId = '';

  it('brings a vendor and an account whose notices were lost', async () => {
    vendorId = createVendor('Lost Notice Traders');
    accountId = stack.netsuite.userCreate('account', {
      acctNumber: '6200',
      acctName: 'Travel',
      acctType: 'Expense',
    }).id;
    expect(stack.netsuite.noticeDeliveries()).toHaveLength(0);

    const summary = await runPoll();
    expect(summary.skippedBecauseLeaseHeld).toBe(false);
    expect(summary.complete).toBe(true);
    expect(counts(summary, 'vendor')).toEqual({ enqueued: 1, alreadyEnqueued: 0 });
    expect(counts(summary, 'account')).toEqual({ enqueued: 1, alreadyEnqueued: 0 });
    // The first run starts one overlap before now and keeps the record it read last as the watermark.
    expect(summary.recordTypes.vendor?.watermarkBefore).toBeUndefined();
    expect(summary.recordTypes.vendor?.watermarkAfter).toBe(wallTimeOf('vendor', vendorId));
    expect(await state.getWatermark('netsuite-poll:vendor')).toBe(wallTimeOf('vendor', vendorId));
    expect(await state.getWatermark('netsuite-poll:account')).toBe(wallTimeOf('account', accountId));

    const vendorState = await settledState(stack, state, {
      system: 'netsuite',
      kind: 'vendor',
      id: vendorId,
    });
    expect(vendorState?.status).toBe('synced');
    expect(procurifyVendor(vendorId)).toBeDefined();
    const accountState = await settledState(stack, state, {
      system: 'netsuite',
      kind: 'account',
      id: accountId,
    });
    expect(accountState?.status).toBe('synced');
    expect([...stack.procurify.store.accountCodes.values()].some((code) => code.code === '6200')).toBe(true);
    const received = await state.read({ system: 'netsuite', kind: 'vendor', id: vendorId });
    expect(received[0]?.facts).toMatchObject({
      origin: 'poll',
      eventType: 'edit',
      eventId: `poll:vendor:${vendorId}:${stack.netsuite.store.get('vendor', vendorId)?.lastModifiedDate}`,
    });
  });

  it('enqueues nothing new on the next run, then only the record changed after the watermark', async () => {
    const before = await runPoll();
    expect(counts(before, 'vendor')).toEqual({ enqueued: 0, alreadyEnqueued: 1 });
    expect(counts(before, 'account')).toEqual({ enqueued: 0, alreadyEnqueued: 1 });
    const watermark = wallTimeOf('vendor', vendorId);
    expect(before.recordTypes.vendor?.watermarkAfter).toBe(watermark);

    await nextSecondAfter(watermark);
    stack.netsuite.userUpdate('vendor', vendorId, { companyName: 'Found Notice Traders' });
    const after = await runPoll();
    expect(counts(after, 'vendor')).toEqual({ enqueued: 1, alreadyEnqueued: 0 });
    // The account, re-read in the overlap, is not enqueued a second time.
    expect(counts(after, 'account')).toEqual({ enqueued: 0, alreadyEnqueued: 1 });
    expect(after.recordTypes.vendor?.watermarkBefore).toBe(watermark);
    expect(after.recordTypes.vendor?.watermarkAfter).toBe(wallTimeOf('vendor', vendorId));
    expect(after.recordTypes.vendor!.watermarkAfter! > watermark).toBe(true);
    await waitFor(
      () => procurifyVendor(vendorId)?.name === 'Found Notice Traders' || undefined,
      'the rename',
    );
  });

  it('enqueues a record saved late with a time inside the overlap, not one older than the overlap', async () => {
    const watermark = (await state.getWatermark('netsuite-poll:vendor')) ?? '';
    const [late, tooLate] = seedRecords('vendor', [wallToIso(watermark, -2), wallToIso(watermark, -20)]);
    const summary = await runPoll();
    expect(counts(summary, 'vendor')).toEqual({ enqueued: 1, alreadyEnqueued: 1 });
    expect(summary.recordTypes.vendor?.watermarkAfter).toBe(watermark);
    await waitFor(() => procurifyVendor(late!), 'the late vendor in Procurify');
    // Older than the overlap: the poll cannot see it (the backfill can); documented limit.
    expect(procurifyVendor(tooLate!)).toBeUndefined();
    expect(counts(await runPoll(), 'vendor')).toEqual({ enqueued: 0, alreadyEnqueued: 2 });
  });

  it('lets one of two concurrent runs through and skips the other (lease)', async () => {
    // Slow SuiteQL answers keep the first run inside its lease while the second starts.
    stack.netsuite.faults.set('/services/rest/query/v1/suiteql', { latency: { baseMs: 150 } });
    const secondContainer = localFunctions['netsuite-poll']!.create(stack.env) as ScheduledHandler;
    try {
      const [scheduled, other] = await Promise.all([
        runPoll(),
        secondContainer(
          { scheduledTime: new Date().toISOString(), schedule: 'netsuitePoll' },
          createLambdaContext('netsuite-poll', 300_000),
        ) as Promise<PollMasterDataSummary>,
      ]);
      expect([scheduled.skippedBecauseLeaseHeld, other.skippedBecauseLeaseHeld].sort()).toEqual([
        false,
        true,
      ]);
      const skipped = scheduled.skippedBecauseLeaseHeld ? scheduled : other;
      expect(skipped.recordTypes).toEqual({});
    } finally {
      stack.netsuite.faults.clear();
    }
    // The lease is released at the end: the next run goes through.
    expect((await runPoll()).skippedBecauseLeaseHeld).toBe(false);
  });

  it('keeps the watermark when enqueueing fails, and enqueues everything on the next run', async () => {
    const watermark = (await state.getWatermark('netsuite-poll:vendor')) ?? '';
    await nextSecondAfter(watermark);
    const id = createVendor('Queue Outage Supplies');
    stack.aws.setAvailability('sqs', false);
    let failed: Awaited<ReturnType<LocalStack['scheduler']['runNow']>>;
    try {
      failed = await stack.scheduler.runNow('netsuitePoll');
    } finally {
      stack.aws.setAvailability('sqs', true);
    }
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/sqs/i);
    expect(await state.getWatermark('netsuite-poll:vendor')).toBe(watermark);

    const summary = await runPoll();
    expect(counts(summary, 'vendor')).toEqual({ enqueued: 1, alreadyEnqueued: 2 });
    expect(summary.recordTypes.vendor?.watermarkAfter).toBe(wallTimeOf('vendor', id));
    await waitFor(() => procurifyVendor(id), 'the vendor in Procurify after the outage');
  });
});

describe('NetSuite poll and backfill use cases (own queue, small SuiteQL windows)', () => {
  const windows = { pageSize: 2, windowRows: 4 } as const;
  const suiteQlRequests = () =>
    stack.netsuite.requestLog().filter((entry) => entry.path === '/services/rest/query/v1/suiteql');

  it('re-windows past the row limit and resumes a run cut short at its last batch', async () => {
    await drainTestQueue();
    const base = Date.now() - 5 * 60_000;
    const at = (seconds: number) => `${new Date(base + seconds * 1000).toISOString().slice(0, 19)}Z`;
    // Three departments share a second across a window boundary: the (time, id) key keeps them apart.
    const ids = seedRecords('department', [at(0), at(1), at(1), at(1), at(2), at(3), at(4)]);
    const deps = { changes: suiteQlMasterRecordChanges(netsuite.suiteQl, windows), queue: testQueue, state };
    const options = { name: 'windowed-poll', recordTypes: ['department'] as const, batchSize: 3 };

    const cut = await pollMasterData(deps, { ...options, shouldStop: () => true });
    expect(cut.errors).toEqual([]);
    expect(cut.summary.complete).toBe(false);
    // No complete run yet: nothing says up to when everything is enqueued (no lag to report).
    expect(cut.summary.caughtUpTo).toBeUndefined();
    expect(counts(cut.summary, 'department')).toEqual({ enqueued: 3, alreadyEnqueued: 0 });
    expect(cut.summary.recordTypes.department?.watermarkAfter).toBe(wallTimeOf('department', ids[2]!));

    stack.netsuite.clearRequestLog();
    const rest = await pollMasterData(deps, options);
    expect(rest.summary.complete).toBe(true);
    expect(rest.summary.caughtUpTo).toBe(`${rest.summary.startedAt.slice(0, 19)}Z`);
    expect(await state.getWatermark('windowed-poll:caught-up')).toBe(rest.summary.caughtUpTo);
    expect(counts(rest.summary, 'department')).toEqual({ enqueued: 4, alreadyEnqueued: 3 });
    expect(rest.summary.recordTypes.department?.watermarkAfter).toBe(wallTimeOf('department', ids[6]!));
    // 7 rows in windows of 4 (pages of 2): two queries, each paged from offset 0.
    expect(suiteQlRequests().map((entry) => new URLSearchParams(entry.query).get('offset'))).toEqual([
      '0',
      '2',
      '0',
      '2',
    ]);

    const messages = await drainTestQueue();
    expect(messages.map((message) => message.recordId).sort()).toEqual([...ids].sort());
    for (const message of messages) {
      expect(message).toMatchObject({ origin: 'poll', eventType: 'edit', recordType: 'department' });
      expect(message.lastModified).toBe(
        stack.netsuite.store.get('department', message.recordId)?.lastModifiedDate,
      );
      expect(message.eventId).toBe(`poll:department:${message.recordId}:${message.lastModified}`);
    }
  });

  it('reads an account that renders times in its own zone when told the zone', async () => {
    // SuiteQL shows wall time in UTC+5 here; watermarks stay in that form, messages carry UTC instants.
    const sandbox = await startNetSuiteSandbox({ timeZone: 'Etc/GMT-5' });
    try {
      const client = createNetSuiteClient({
        baseUrl: sandbox.url,
        ...sandbox.credentials,
        concurrencyShare: 1,
      });
      const lastModified = `${new Date(Date.now() - 60_000).toISOString().slice(0, 19)}Z`;
      const [id] =
        sandbox.seed({ records: { department: [{ name: 'Far East', lastModifiedDate: lastModified }] } })
          .created.department ?? [];
      await drainTestQueue();
      const { summary } = await pollMasterData(
        { changes: suiteQlMasterRecordChanges(client.suiteQl), queue: testQueue, state },
        { name: 'zoned-poll', recordTypes: ['department'], accountTimeZone: 'Etc/GMT-5' },
      );
      expect(counts(summary, 'department')).toEqual({ enqueued: 1, alreadyEnqueued: 0 });
      const fiveHoursLater = new Date(Date.parse(lastModified) + 5 * 3600_000).toISOString();
      expect(summary.recordTypes.department?.watermarkAfter).toBe(
        fiveHoursLater.slice(0, 19).replace('T', ' '),
      );
      const [message] = await drainTestQueue();
      expect(message).toMatchObject({ recordId: id, lastModified });
    } finally {
      await sandbox.close();
    }
  });

  it('backfills every record, or those modified since a date, with progress reports', async () => {
    await drainTestQueue();
    const early = seedRecords('department', [
      '2019-03-01T08:00:00Z',
      '2019-03-01T08:00:00Z',
      '2019-03-02T09:00:00Z',
    ]);
    const later = seedRecords('department', [
      '2019-09-01T08:00:00Z',
      '2019-09-01T08:00:00Z',
      '2019-09-03T10:00:00Z',
    ]);
    seedRecords('account', ['2019-09-05T10:00:00Z']);
    const deps = { changes: suiteQlMasterRecordChanges(netsuite.suiteQl, windows), queue: testQueue };
    const store = stack.netsuite.store;
    const since = '2019-06-01';
    const expected = (type: MasterRecordType, from = '') =>
      store.list(type).filter((record) => record.lastModifiedDate >= from).length;

    const progress: BackfillProgress[] = [];
    const summary = await backfillMasterData(deps, {
      since,
      batchSize: 4,
      onProgress: (report) => progress.push(report),
    });
    expect(summary).toEqual({
      vendor: expected('vendor', since),
      account: expected('account', since),
      department: expected('department', since),
    });
    const departmentReports = progress.filter((report) => report.recordType === 'department');
    const total = expected('department', since);
    const steps = Array.from({ length: Math.ceil(total / 4) }, (_, i) => Math.min(4 * (i + 1), total));
    expect(departmentReports).toEqual([
      ...steps.map((enqueued) => ({ recordType: 'department', enqueued, done: false })),
      { recordType: 'department', enqueued: total, done: true },
    ]);
    expect(progress.filter((report) => report.done).map((report) => report.recordType)).toEqual([
      'vendor',
      'account',
      'department',
    ]);

    const messages = await drainTestQueue();
    expect(messages).toHaveLength(summary.vendor! + summary.account! + summary.department!);
    expect(messages.every((message) => message.origin === 'backfill')).toBe(true);
    const departments = new Set(messages.filter((m) => m.recordType === 'department').map((m) => m.recordId));
    expect(later.every((id) => departments.has(id))).toBe(true);
    expect(early.some((id) => departments.has(id))).toBe(false);

    const all = await backfillMasterData(deps, { recordTypes: ['department'] });
    expect(all).toEqual({ department: store.count('department') });
    expect(await drainTestQueue()).toHaveLength(store.count('department'));
  });
});
