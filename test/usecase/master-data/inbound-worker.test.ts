// The inbound worker's handler (functions/inbound-worker/handler.ts) over SQS batches, with the
// master-data use case in memory: the sync dependencies (with the operator's settings) are asked for
// once per invocation, shared by all its messages and its batch's bulk reads, and asked for again by the
// next invocation (a settings change applies from the next batch on); a failed read fails the messages
// awaiting it, and when the batch read alone failed, the messages read again and sync.
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createInboundWorkerHandler } from '../../../functions/inbound-worker/handler.ts';
import { createLambdaContext } from '../../../infra/local/lambda-context.ts';
import { TransientError } from '../../../shared/errors.ts';
import type { InboundMessage } from '../../../shared/events/inbound-message.ts';
import type { SyncMasterRecordDependencies } from '../../../shared/master-data/sync-master-record.ts';
import { ManualClock } from '../../support/in-memory/clock.ts';
import { InMemoryNetSuite } from '../../support/in-memory/netsuite.ts';
import { InMemoryProcurify } from '../../support/in-memory/procurify.ts';
import { InMemoryStateStore } from '../../support/in-memory/state-store.ts';

let clock: ManualClock;
let state: InMemoryStateStore;
let netsuite: InMemoryNetSuite;
let procurify: InMemoryProcurify;
let reads: number;
/** How many of the next reads fail. */
let failingReads: number;
/** The sync dependencies masterData answered, and those the batch's bulk reads were built from. */
let answered: SyncMasterRecordDependencies[];
let bulkReadsFrom: SyncMasterRecordDependencies[];

beforeEach(() => {
  clock = new ManualClock();
  state = new InMemoryStateStore(clock.now);
  netsuite = new InMemoryNetSuite();
  procurify = new InMemoryProcurify();
  netsuite.seed('currency', { symbol: 'USD' });
  reads = 0;
  failingReads = 0;
  answered = [];
  bulkReadsFrom = [];
});

function handler() {
  return createInboundWorkerHandler({
    masterData: async (): Promise<SyncMasterRecordDependencies> => {
      reads++;
      if (failingReads > 0) {
        failingReads--;
        throw new TransientError('dynamodb: settings unavailable', { source: 'dynamodb' });
      }
      const dependencies: SyncMasterRecordDependencies = {
        netsuite,
        procurify,
        state,
        scope: {},
        lookups: async () => ({ currencyIds: new Map([['USD', 1]]), departmentLocationId: 7 }),
        currencyCodes: new Map<string, string>(),
      };
      answered.push(dependencies);
      return dependencies;
    },
    // Nothing read in bulk: each message reads its record alone.
    masterReads: async (master) => {
      bulkReadsFrom.push(master);
      return { readMany: async () => new Map() };
    },
    audit: state,
    visibility: { delay: async () => undefined },
    failures: state,
    queueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/apsync-inbound',
    retryDelay: { baseSeconds: 0, capSeconds: 0 },
  });
}

const vendor = (name: string) =>
  netsuite.seed('vendor', {
    companyName: name,
    currency: { id: '1', refName: 'US Dollar' },
    lastModifiedDate: '2026-11-01T10:00:00Z',
  });

function batch(ids: string[]): SQSEvent {
  return {
    Records: ids.map((recordId, index) => {
      const message: InboundMessage = {
        kind: 'record-event',
        origin: 'webhook',
        eventId: `evt-${recordId}`,
        recordType: 'vendor',
        recordId,
        eventType: 'edit',
        lastModified: clock.iso(),
        receivedAt: clock.iso(),
      };
      return {
        messageId: `m${index + 1}`,
        receiptHandle: `r${index + 1}`,
        body: JSON.stringify(message),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:apsync-inbound',
        awsRegion: 'us-east-1',
      };
    }),
  };
}

describe('inbound worker', () => {
  it('reads the sync dependencies once per invocation for all its messages', async () => {
    const ids = [vendor('Northwind'), vendor('Contoso'), vendor('Fabrikam')];
    const run = handler();
    expect(await run(batch(ids), createLambdaContext('inbound-worker', 60_000))).toEqual({
      batchItemFailures: [],
    });
    expect(reads).toBe(1);
    expect([...procurify.vendors.values()].map((written) => written.name).sort()).toEqual([
      'Contoso',
      'Fabrikam',
      'Northwind',
    ]);
    // The next invocation reads them again (an operator's change applies from the next batch on).
    await run(batch([vendor('Litware')]), createLambdaContext('inbound-worker', 60_000));
    expect(reads).toBe(2);
  });

  it("builds each batch's bulk reads from that invocation's sync dependencies (one settings read)", async () => {
    const run = handler();
    await run(batch([vendor('Northwind'), vendor('Contoso')]), createLambdaContext('inbound-worker', 60_000));
    await run(batch([vendor('Litware')]), createLambdaContext('inbound-worker', 60_000));
    expect(reads).toBe(2);
    expect(bulkReadsFrom).toHaveLength(2);
    expect(bulkReadsFrom[0]).toBe(answered[0]);
    expect(bulkReadsFrom[1]).toBe(answered[1]);
  });

  it('retries the messages a failed read failed; the next invocation reads again', async () => {
    // The batch read's (it then goes without) and the messages' own.
    failingReads = 2;
    const ids = [vendor('Northwind'), vendor('Contoso')];
    const run = handler();
    const context = () => createLambdaContext('inbound-worker', 60_000);
    expect((await run(batch(ids), context())).batchItemFailures).toHaveLength(2);
    expect(procurify.vendors.size).toBe(0);
    expect(await run(batch(ids), context())).toEqual({ batchItemFailures: [] });
    expect(reads).toBe(3);
    expect(procurify.vendors.size).toBe(2);
  });

  it('syncs the batch when only its batch read failed: the messages read the settings again, once', async () => {
    failingReads = 1;
    const ids = [vendor('Northwind'), vendor('Contoso')];
    const run = handler();
    expect(await run(batch(ids), createLambdaContext('inbound-worker', 60_000))).toEqual({
      batchItemFailures: [],
    });
    // The failed batch read, then one read shared by both messages; no bulk reads were built.
    expect(reads).toBe(2);
    expect(bulkReadsFrom).toHaveLength(0);
    expect([...procurify.vendors.values()].map((written) => written.name).sort()).toEqual([
      'Contoso',
      'Northwind',
    ]);
  });
});
