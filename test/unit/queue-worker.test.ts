// createQueueWorker (shared/worker/queue-worker.ts): each SQS body is parsed once per invocation, for the
// batch read and for its message alike; a body that is not a message still fails alone.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { createQueueWorker } from '../../shared/worker/queue-worker.ts';

const messageSchema = z.object({ recordId: z.string().min(1) }).strict();

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:inbound',
    awsRegion: 'local',
  };
}

function worker() {
  const schema = messageSchema.clone();
  const parses = vi.spyOn(schema, 'safeParse');
  const processed: string[] = [];
  const batchReads: string[][] = [];
  const delayed: string[] = [];
  const handler = createQueueWorker({
    name: 'test-worker',
    schema,
    processMessage: async (message) => {
      processed.push(message.recordId);
    },
    prepareBatch: async (messages) => {
      batchReads.push(messages.map((message) => message.recordId));
      return messages.length;
    },
    visibility: {
      delay: async (_queueUrl, receiptHandle) => {
        delayed.push(receiptHandle);
      },
    },
    failures: { recordFailure: async () => undefined, getFailure: async () => undefined },
    queueName: 'inbound',
    queueUrl: 'http://localhost/queue/inbound',
    retryDelay: { baseSeconds: 1, capSeconds: 1 },
  });
  return { handler, parses, processed, batchReads, delayed };
}

describe('createQueueWorker', () => {
  it('parses each body once for the batch read and the message', async () => {
    const { handler, parses, processed, batchReads } = worker();
    const event: SQSEvent = {
      Records: [sqsRecord('m1', '{"recordId":"1"}'), sqsRecord('m2', '{"recordId":"2"}')],
    };
    const response = await handler(event, createLambdaContext('test-worker', 30_000));
    expect(response.batchItemFailures).toEqual([]);
    expect(batchReads).toEqual([['1', '2']]);
    expect(processed.sort()).toEqual(['1', '2']);
    expect(parses).toHaveBeenCalledTimes(2);
  });

  it('fails a body that is not a message alone, parsed once, leaving it out of the batch read', async () => {
    const { handler, parses, processed, batchReads, delayed } = worker();
    const event: SQSEvent = {
      Records: [sqsRecord('m1', '{"recordId":"1"}'), sqsRecord('m2', '{"recordId":""}')],
    };
    const response = await handler(event, createLambdaContext('test-worker', 30_000));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(batchReads).toEqual([['1']]);
    expect(processed).toEqual(['1']);
    expect(delayed).toEqual(['receipt-m2']);
    expect(parses).toHaveBeenCalledTimes(2);
  });
});
